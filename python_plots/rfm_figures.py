"""The figures of a run with order lines: RFM distributions, the R × F grid,
the segments on recency × monetary value, their RFM profiles and their
monthly sales.

The RFM columns are those of customer_segments (recency_days, frequency,
monetary, r_score, f_score, rfm_segment) and segment_monthly_sales.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from axis_ticks import count_ticks, set_log_axis, thousands
from figure_style import (
    NEUTRAL_COLOUR,
    PLAIN_NAMES,
    RFM_FEATURES,
    area_heights,
    customers_with,
    feature_label,
    log_bin_edges,
    model_subtitle,
    money_label,
    new_figure,
    percent_text,
    segment_colour,
    segment_label,
    segments_in_order,
    share_text,
    value_text,
    whole_number_log_bins,
)
from mart_data import Marts
from matplotlib.dates import AutoDateLocator, DateFormatter, MonthLocator
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from segment_figures import plot_segment_profiles
from segment_planes import plane_figure

SCORES = [1, 2, 3, 4, 5]
# The RFM features that are whole numbers: their bins hold whole values.
WHOLE_NUMBER_FEATURES = {"recency_days", "frequency"}
# A month the file covers only in part: an open marker, at the end of a
# dotted link and in the legend.
PARTIAL_MONTH_MARKER = {
    "linestyle": "none",
    "marker": "o",
    "markersize": 8,
    "markerfacecolor": "white",
    "markeredgewidth": 2,
}


def plot_rfm_distributions(marts: Marts) -> Figure:
    """Recency, frequency and monetary value of every segmented customer,
    on log axes, in bins about even on them; recency and frequency are
    whole numbers, so their bins hold whole values. Each bar's area counts
    its customers."""
    customers = marts.customers
    figure, body = new_figure(
        16,
        6,
        "Recency, frequency and monetary value",
        f"{customers_with(customers, RFM_FEATURES, 'order lines')}; log scales,"
        " as the values span"
        " several orders of magnitude; each bar's area counts its customers",
    )
    for ax, feature in zip(body.subplots(1, 3), RFM_FEATURES, strict=True):
        values = customers[feature].dropna().astype("float64")
        ax.set_title(PLAIN_NAMES[feature].capitalize())
        ax.set_xlabel(feature_label(marts, feature) + ", log scale")
        ax.set_ylabel("Customers per bar of average width")
        if values.empty:
            ax.text(0.5, 0.5, "no values", ha="center", transform=ax.transAxes)
            continue
        set_log_axis(ax, "x")
        if feature in WHOLE_NUMBER_FEATURES:
            edges = whole_number_log_bins(values)
        else:
            edges = log_bin_edges(values)
        counts, _ = np.histogram(values, bins=edges)
        heights = area_heights(ax, edges, counts)
        ax.bar(
            edges[:-1],
            heights,
            width=np.diff(edges),
            align="edge",
            color=NEUTRAL_COLOUR,
            edgecolor="white",
            linewidth=0.5,
            gid=f"rfm-histogram-{feature}",
        )
        # Room above the tallest bar for the legend.
        ax.set_ylim(0, heights.max() * 1.25)
        median = values.median()
        ax.axvline(
            median,
            color="black",
            linestyle="--",
            linewidth=1.3,
            label=f"median {value_text(median)}",
        )
        ax.legend(loc="upper right")
    return figure


def part_text(share: float) -> str:
    """A share below 1 as a percentage that never reads 100% (99.6% is
    99%)."""
    text = percent_text(share)
    return "99%" if text == "100%" else text


def rfm_grid_counts(customers: pd.DataFrame) -> pd.DataFrame:
    """Customers per f_score (rows, 5 at the top) and r_score (columns)."""
    scored = customers.dropna(subset=["r_score", "f_score"])
    counts = pd.crosstab(scored["f_score"], scored["r_score"])
    return counts.reindex(index=SCORES[::-1], columns=SCORES, fill_value=0)


def rfm_grid_names(customers: pd.DataFrame) -> dict[tuple[int, int], tuple[str, float]]:
    """(f_score, r_score) -> the cell's most common rfm_segment and its share
    of the cell. A cell can hold several: the name follows r_score and the
    rounded mean of f_score and m_score."""
    names = {}
    scored = customers.dropna(subset=["r_score", "f_score", "rfm_segment"])
    for (f, r), cell in scored.groupby(["f_score", "r_score"]):
        shares = cell["rfm_segment"].value_counts(normalize=True)
        top = shares[shares == shares.max()].sort_index()
        names[(int(f), int(r))] = (str(top.index[0]), float(top.iloc[0]))
    return names


def plot_rfm_grid(marts: Marts) -> Figure:
    customers = marts.customers
    counts = rfm_grid_counts(customers)
    names = rfm_grid_names(customers)
    figure, body = new_figure(
        17,
        8.5,
        "The RFM grid: recency score × frequency score",
        "Scores are quintiles of the segmented customers (5: most recent, most"
        " invoices);"
        " each cell: customers and its most common RFM segment",
    )
    grid_ax, segment_ax = body.subplots(1, 2, gridspec_kw={"width_ratios": [1.9, 1]})
    image = grid_ax.imshow(
        counts.to_numpy(), cmap="Blues", aspect="auto", gid="rfm-grid"
    )
    grid_ax.set_xticks(range(5), labels=[str(r) for r in SCORES])
    grid_ax.set_yticks(range(5), labels=[str(f) for f in SCORES[::-1]])
    grid_ax.set_xlabel("Recency score r_score (5: bought most recently)")
    grid_ax.set_ylabel("Frequency score f_score (5: most invoices)")
    grid_ax.grid(False)
    grid_ax.spines[:].set_visible(False)
    top = max(int(counts.to_numpy().max()), 1)
    for (row, column), count in np.ndenumerate(counts.to_numpy()):
        f, r = SCORES[::-1][row], SCORES[column]
        name, share = names.get((f, r), ("", 1.0))
        label = name if share == 1.0 else f"{name}\n{part_text(share)}"
        grid_ax.text(
            column,
            row,
            f"{count:,}\n{label}",
            ha="center",
            va="center",
            fontsize=10.5,
            color="white" if count > 0.6 * top else "black",
            gid=f"rfm-cell-{r}-{f}",
        )
    colorbar = body.colorbar(image, ax=grid_ax, label="Customers", shrink=0.85)
    count_ticks(colorbar.ax.yaxis)

    per_segment = customers["rfm_segment"].value_counts().sort_values()
    bars = segment_ax.barh(
        per_segment.index, per_segment.to_numpy(), color=NEUTRAL_COLOUR, height=0.7
    )
    segment_ax.bar_label(
        bars,
        labels=[f"{n:,} ({share_text(n / len(customers))})" for n in per_segment],
        padding=4,
        fontsize=11,
    )
    segment_ax.set_xlim(0, per_segment.max() * 1.3)
    segment_ax.set_xlabel("Customers")
    count_ticks(segment_ax.xaxis)
    segment_ax.set_title("Customers per RFM segment")
    segment_ax.grid(axis="y", visible=False)
    return figure


def plot_segments_recency_monetary(marts: Marts) -> Figure:
    figure, _ = plane_figure(
        marts,
        "recency_days",
        "monetary",
        "Customer segments by recency and monetary value",
        # Thousands of customers are drawn as smaller dots.
        markerscale=1.3 if len(marts.customers) <= 1000 else 2.0,
    )
    return figure


def plot_segment_rfm_profiles(marts: Marts) -> Figure:
    return plot_segment_profiles(
        marts, RFM_FEATURES, "Segment RFM profiles side by side"
    )


def partial_months_text(sales: pd.DataFrame) -> str:
    """How much of each month the file covers in part, e.g. "Dec 2011: 9 of
    31 days"; empty when every month is whole."""
    partial = sales.loc[sales["is_partial_month"].astype(bool)]
    months = partial.drop_duplicates("month_start").sort_values("month_start")
    return "\n".join(
        f"{month:%b %Y}: {days} of {month.days_in_month} days"
        for month, days in zip(
            months["month_start"], months["days_covered"], strict=True
        )
    )


def partial_month_links(
    months: pd.DataFrame, column: str
) -> dict[pd.Timestamp, tuple[list, list]]:
    """For each month of one segment's ``months`` (in month order) that the
    file covers in part, the x and y of a link from the month next to it
    (the one before; the one after for the first month) to it; none for a
    segment with that month alone."""
    starts = list(months["month_start"])
    values = list(months[column].astype("float64"))
    links = {}
    for index in np.flatnonzero(months["is_partial_month"].astype(bool)):
        other = index - 1 if index > 0 else index + 1
        if other < len(starts):
            links[starts[index]] = (
                [starts[other], starts[index]],
                [values[other], values[index]],
            )
    return links


def plot_monthly_sales(marts: Marts) -> Figure:
    """Revenue and active customers per calendar month, one line per
    segment (segment_monthly_sales). A month the file covers only in part
    (its first or last) has an open marker and a dotted link to the month
    next to it, off the solid line: its lower totals come from fewer days,
    not from a fall in sales."""
    sales = marts.monthly_sales
    figure, body = new_figure(
        16,
        9,
        "Monthly sales by segment",
        model_subtitle(marts) + "; sale lines of each segment's customers per"
        " calendar month",
    )
    revenue_ax, customers_ax = body.subplots(2, 1, sharex=True)
    for segment in segments_in_order(marts).itertuples():
        months = sales.loc[sales["segment_id"] == segment.segment_id].sort_values(
            "month_start"
        )
        is_partial = months["is_partial_month"].astype(bool)
        whole = months.loc[~is_partial]
        style = {
            "color": segment_colour(segment.segment_id),
            "marker": "o",
            "markersize": 5,
            "linewidth": 2.2,
        }
        revenue_ax.plot(
            whole["month_start"],
            whole["revenue"].astype("float64"),
            label=segment_label(segment.segment_id, segment.segment_name),
            gid=f"monthly-revenue-{segment.segment_id}",
            **style,
        )
        customers_ax.plot(
            whole["month_start"],
            whole["active_customers"],
            gid=f"monthly-customers-{segment.segment_id}",
            **style,
        )
        partial = months.loc[is_partial]
        if partial.empty:
            # No marker line at all: an empty one, drawn unclipped on a date
            # axis, collapsed the layout of a one-month file's figure.
            continue
        for ax, panel, column in (
            (revenue_ax, "revenue", "revenue"),
            (customers_ax, "customers", "active_customers"),
        ):
            for month, link in partial_month_links(months, column).items():
                ax.plot(
                    *link,
                    linestyle=":",
                    linewidth=style["linewidth"],
                    color=style["color"],
                    gid=f"partial-link-{panel}-{segment.segment_id}-{month:%Y-%m}",
                )
            ax.plot(
                partial["month_start"],
                partial[column].astype("float64"),
                **PARTIAL_MONTH_MARKER,
                color=style["color"],
                # A month at 0 sits on the axis: drawn whole.
                clip_on=False,
                gid=f"partial-month-{panel}-{segment.segment_id}",
            )
    revenue_ax.set_ylabel(money_label(marts, "Revenue (sale lines)"))
    revenue_ax.yaxis.set_major_formatter(thousands())
    revenue_ax.set_title("Revenue per month")
    customers_ax.set_ylabel("Customers with a sale")
    count_ticks(customers_ax.yaxis)
    customers_ax.set_title("Active customers per month")
    # Half a month either side of the months drawn: a file of one month
    # would otherwise get Matplotlib's two years either side of it. A tick a
    # month for a short file (the automatic ticks fell between months and
    # repeated one's name); fewer, evenly, for a longer one.
    starts = pd.to_datetime(sales["month_start"])
    if not starts.empty:
        half_month = pd.Timedelta(days=16)
        customers_ax.set_xlim(starts.min() - half_month, starts.max() + half_month)
    customers_ax.xaxis.set_major_locator(
        MonthLocator() if starts.nunique() <= 14 else AutoDateLocator(maxticks=14)
    )
    customers_ax.xaxis.set_major_formatter(DateFormatter("%b\n%Y"))
    for ax in (revenue_ax, customers_ax):
        ax.set_ylim(bottom=0)
    handles, labels = revenue_ax.get_legend_handles_labels()
    partial_text = partial_months_text(sales)
    if partial_text:
        handles.append(
            Line2D(
                [],
                [],
                **{**PARTIAL_MONTH_MARKER, "linestyle": ":"},
                color=NEUTRAL_COLOUR,
            )
        )
        labels.append("Month the file covers\nonly in part:\n" + partial_text)
    body.legend(handles, labels, loc="outside right upper", title="Segment")
    return figure
