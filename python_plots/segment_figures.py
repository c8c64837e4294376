"""The segment figures: customers coloured by segment, profiles, sizes,
gender mix and centroids.

Nothing assumes a k or a set of features: segments come from
segment_profiles, features from segment_centroids.
"""

from __future__ import annotations

from itertools import combinations
from textwrap import fill

import numpy as np
import pandas as pd
from figure_style import (
    AVERAGE_DECIMALS,
    AXIS_LABELS,
    GENDER_COLOURS,
    HIGHLIGHT_COLOUR,
    NUMERIC_COLUMNS,
    PLAIN_NAMES,
    PROFILE_AVERAGES,
    UNITS,
    bin_edges,
    count_ticks,
    model_subtitle,
    new_figure,
    percent_text,
    segment_colour,
    segment_label,
    segments_in_order,
    set_log_axis,
    share_text,
    signed,
    thousands,
    uses_log_axis,
)
from mart_data import Marts
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter


def plane_centres(marts: Marts, x: str, y: str) -> tuple[pd.DataFrame, str]:
    """Where to mark each segment on the x/y plane, and what the mark is.

    The K-Means centroid when both are clustering features; otherwise the
    segment's average, since a centroid has no coordinate on a feature the
    model never saw.
    """
    if {x, y} <= set(marts.features):
        wide = marts.centroids.pivot(
            index="segment_id", columns="feature", values="centroid_value"
        )
        return wide[[x, y]].reset_index(), "centroid"
    averages = segments_in_order(marts).set_index("segment_id")
    centres = pd.DataFrame(
        {x: averages[PROFILE_AVERAGES[x]], y: averages[PROFILE_AVERAGES[y]]}
    )
    return centres.reset_index(), "segment average"


def scatter_segments(ax: Axes, marts: Marts, x: str, y: str) -> str:
    """Customers coloured by segment, each segment's centre marked with an X.

    Returns what the X marks. Artists carry gids (segment-points-<id>,
    segment-centre-<id>) so tests can find them. Skewed features (see
    uses_log_axis) get log axes; thousands of customers get smaller dots.
    """
    point_size = 42 if len(marts.customers) <= 1000 else 12
    for segment in segments_in_order(marts).itertuples():
        members = marts.customers.loc[
            marts.customers["segment_id"] == segment.segment_id
        ]
        ax.scatter(
            members[x],
            members[y],
            s=point_size,
            color=segment_colour(segment.segment_id),
            alpha=0.85 if point_size >= 42 else 0.6,
            edgecolors="white" if point_size >= 42 else "none",
            linewidths=0.5,
            label=f"{segment_label(segment.segment_id, segment.segment_name)}"
            f" ({segment.customer_count:,})",
            gid=f"segment-points-{segment.segment_id}",
        )
    centres, kind = plane_centres(marts, x, y)
    for centre in centres.itertuples(index=False):
        segment_id, cx, cy = centre
        ax.scatter(
            [cx],
            [cy],
            marker="X",
            s=330,
            color=segment_colour(segment_id),
            edgecolors="black",
            linewidths=1.6,
            zorder=4,
            gid=f"segment-centre-{segment_id}",
        )
        ax.annotate(
            str(segment_id),
            (cx, cy),
            xytext=(11, 9),
            textcoords="offset points",
            fontsize=13,
            fontweight="bold",
            zorder=5,
            bbox={
                "boxstyle": "round,pad=0.2",
                "fc": "white",
                "ec": "none",
                "alpha": 0.8,
            },
        )
    ax.set_xlabel(AXIS_LABELS[x])
    ax.set_ylabel(AXIS_LABELS[y])
    for axis, feature in (("x", x), ("y", y)):
        if uses_log_axis(marts, feature):
            set_log_axis(ax, axis)
            label = ax.set_xlabel if axis == "x" else ax.set_ylabel
            label(AXIS_LABELS[feature] + ", log scale")
    return kind


def segment_legend(
    body: SubFigure,
    ax: Axes,
    kind: str | None,
    markerscale: float = 1.0,
    **placement,
) -> None:
    """The legend of the segments scattered on ``ax``, with the centre
    marker when ``kind`` names one (scatter_segments). markerscale enlarges
    the small scatter dots; the centre marker stays as large as on the
    plot."""
    handles, labels = ax.get_legend_handles_labels()
    if kind:
        handles.append(
            Line2D(
                [],
                [],
                marker="X",
                linestyle="none",
                markersize=14 / markerscale,
                markerfacecolor="white",
                markeredgecolor="black",
            )
        )
        labels.append(f"{kind}, numbered by segment")
    body.legend(
        handles,
        labels,
        title="Segment (customers)",
        markerscale=markerscale,
        **placement,
    )


def plot_segments_income_spending(marts: Marts) -> Figure:
    subtitle = model_subtitle(marts)
    if set(marts.features) != {"annual_income_k", "spending_score"}:
        subtitle += "; this plane shows two of them, so segments may overlap"
    figure, body = new_figure(
        14,
        7.8,
        "Customer segments by annual income and spending score",
        subtitle,
    )
    ax = body.subplots()
    kind = scatter_segments(ax, marts, "annual_income_k", "spending_score")
    ax.set_ylim(0, 105)
    segment_legend(body, ax, kind, markerscale=1.3, loc="outside right upper")
    return figure


def plot_segment_profiles(
    marts: Marts,
    features: list[str] = NUMERIC_COLUMNS,
    title: str = "Segment profiles side by side",
) -> Figure:
    """Each segment's average of each of ``features`` (segment_profiles),
    against the average of all customers."""
    segments = segments_in_order(marts)
    k = len(segments)
    figure, body = new_figure(
        16,
        max(5.5, 1.8 + 0.6 * k),
        title,
        model_subtitle(marts) + "; dashed line: average of all customers",
    )
    axes = body.subplots(1, len(features), sharey=True)
    positions = np.arange(k)
    colours = [segment_colour(segment_id) for segment_id in segments["segment_id"]]
    for ax, feature in zip(axes, features, strict=True):
        decimals = AVERAGE_DECIMALS.get(feature, 0)
        averages = segments[PROFILE_AVERAGES[feature]].astype("float64")
        bars = ax.barh(positions, averages.fillna(0), color=colours, height=0.7)
        # On a white ground above the dashed average line, which would
        # otherwise cross a label that ends past it (55 against 61).
        ax.bar_label(
            bars,
            labels=["n/a" if np.isnan(v) else f"{v:,.{decimals}f}" for v in averages],
            padding=4,
            fontsize=12,
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none"},
            zorder=4,
        )
        overall = marts.customers[feature].astype("float64").mean()
        if not np.isnan(overall):
            ax.axvline(overall, color="black", linestyle="--", linewidth=1.3)
            ax.annotate(
                f"all customers: {overall:,.{decimals}f}",
                xy=(overall, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(4, -3),
                textcoords="offset points",
                ha="left",
                va="top",
                fontsize=11,
            )
        upper = np.nanmax([averages.max(), overall, 1])
        ax.set_xlim(0, 100 if feature == "spending_score" else upper * 1.18)
        if upper >= 1000:
            ax.xaxis.set_major_formatter(thousands())
        ax.set_xlabel(AXIS_LABELS[feature])
        used = "" if feature in marts.features else "\n(not a clustering feature)"
        ax.set_title(f"Average {PLAIN_NAMES[feature]}{used}")
        ax.grid(axis="y", visible=False)
    axes[0].set_yticks(
        positions,
        labels=[
            segment_label(row.segment_id, row.segment_name)
            for row in segments.itertuples()
        ],
    )
    # Room above the first bar for the "all customers" labels.
    axes[0].set_ylim(k - 0.5, -1.1)
    return figure


def gender_mix(customers: pd.DataFrame) -> pd.DataFrame:
    """Share of each gender (and Unknown, when present) per segment."""
    counts = pd.crosstab(customers["segment_id"], customers["gender"].fillna("Unknown"))
    counts = counts[[name for name in GENDER_COLOURS if name in counts.columns]]
    return counts.div(counts.sum(axis=1), axis=0)


def plot_segment_sizes_and_gender(marts: Marts) -> Figure:
    """Sizes, and the gender mix when the customers have a gender."""
    segments = segments_in_order(marts)
    k = len(segments)
    with_gender = bool(marts.customers["gender"].notna().any())
    figure, body = new_figure(
        16 if with_gender else 12,
        max(5.5, 1.8 + 0.6 * k),
        "Segment sizes and gender mix" if with_gender else "Segment sizes",
        model_subtitle(marts),
    )
    if with_gender:
        size_ax, gender_ax = body.subplots(1, 2, sharey=True)
    else:
        size_ax = body.subplots()
    positions = np.arange(k)
    bars = size_ax.barh(
        positions,
        segments["customer_count"],
        color=[segment_colour(segment_id) for segment_id in segments["segment_id"]],
        height=0.7,
    )
    size_ax.bar_label(
        bars,
        labels=[
            f"{count:,} ({share_text(share)})"
            for count, share in zip(
                segments["customer_count"], segments["customer_share"], strict=True
            )
        ],
        padding=4,
        fontsize=12,
    )
    size_ax.set_xlim(0, segments["customer_count"].max() * 1.25)
    size_ax.set_xlabel("Customers")
    count_ticks(size_ax.xaxis)
    size_ax.set_title("Segment size")
    size_ax.set_yticks(
        positions,
        labels=[
            segment_label(row.segment_id, row.segment_name)
            for row in segments.itertuples()
        ],
    )
    size_ax.invert_yaxis()
    size_ax.grid(axis="y", visible=False)
    if with_gender:
        draw_gender_mix(gender_ax, marts, segments)
    return figure


def draw_gender_mix(gender_ax: Axes, marts: Marts, segments: pd.DataFrame) -> None:
    """Each segment's gender mix as stacked shares, in the size panel's rows."""
    k = len(segments)
    positions = np.arange(k)
    mix = gender_mix(marts.customers).reindex(segments["segment_id"]).fillna(0)
    left = np.zeros(k)
    for gender in mix.columns:
        shares = mix[gender].to_numpy()
        gender_bars = gender_ax.barh(
            positions,
            shares,
            left=left,
            color=GENDER_COLOURS[gender],
            height=0.7,
            label=gender,
        )
        gender_ax.bar_label(
            gender_bars,
            labels=[percent_text(share) if share >= 0.08 else "" for share in shares],
            label_type="center",
            color="white" if gender == "Female" else "black",
            fontsize=12,
        )
        left += shares
    if "Female" in mix.columns:
        overall = (marts.customers["gender"] == "Female").mean()
        gender_ax.axvline(
            overall,
            color=HIGHLIGHT_COLOUR,
            linestyle="--",
            linewidth=1.5,
            label=f"all customers: {percent_text(overall)} female",
        )
    gender_ax.set_xlim(0, 1)
    gender_ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    gender_ax.set_xlabel("Share of the segment's customers")
    gender_ax.set_title("Gender mix")
    gender_ax.grid(axis="y", visible=False)
    gender_ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))


def plot_centroid_heatmap(marts: Marts) -> Figure:
    segments = segments_in_order(marts)
    features = marts.features
    k = len(segments)
    values = marts.centroids.pivot(
        index="segment_id", columns="feature", values="centroid_value"
    ).reindex(index=segments["segment_id"], columns=features)
    z = marts.centroids.pivot(
        index="segment_id", columns="feature", values="centroid_z"
    ).reindex(index=segments["segment_id"], columns=features)
    figure, body = new_figure(
        max(12, 5.5 + 2.9 * len(features)),
        max(5.5, 2.0 + 0.75 * k),
        "What sets each segment apart",
        model_subtitle(marts) + "; each cell: the centroid in units and as a z-score",
    )
    ax = body.subplots()
    limit = max(2.0, float(np.abs(z.to_numpy()).max()))
    image = ax.imshow(
        z.to_numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto"
    )
    # A log1p feature's centre is on the log scale, below the segment's
    # plain average (segment_profiles): said on the figure, not only in its
    # caption. Past three features, the headers wrap to the cell's width:
    # six features' headers ran together.
    ax.set_xticks(
        range(len(features)),
        labels=[
            (fill(AXIS_LABELS[f], 26) if len(features) > 3 else AXIS_LABELS[f])
            + ("\ncentre on the log scale" if uses_log_axis(marts, f) else "")
            for f in features
        ],
    )
    ax.xaxis.tick_top()
    ax.set_yticks(
        range(k),
        labels=[
            segment_label(row.segment_id, row.segment_name)
            for row in segments.itertuples()
        ],
    )
    for tick, segment_id in zip(
        ax.get_yticklabels(), segments["segment_id"], strict=True
    ):
        tick.set_color(segment_colour(segment_id))
        tick.set_fontweight("bold")
    ax.grid(False)
    ax.spines[:].set_visible(False)
    for (row, column), z_value in np.ndenumerate(z.to_numpy()):
        ax.text(
            column,
            row,
            f"{values.iat[row, column]:,.0f} {UNITS[features[column]]}\n"
            f"z {signed(z_value, 1)}",
            ha="center",
            va="center",
            fontsize=13,
            color="white" if abs(z_value) > 0.6 * limit else "black",
        )
    body.colorbar(
        image, ax=ax, label="Standard deviations from the mean (z)", shrink=0.9
    )
    return figure


def plot_segments_feature_pairs(marts: Marts) -> Figure:
    """Segments in the space K-Means actually saw, for any set of features."""
    features = marts.features
    pairs = list(combinations(features, 2))
    # At most three panels a row: six features give 15 pairs, which in one
    # row were each a sliver of the page.
    columns = min(max(len(pairs), 1), 3)
    rows = -(-max(len(pairs), 1) // columns)
    figure, body = new_figure(
        max(10, 6.2 * columns + 3),
        1.6 + 5.2 * rows,
        "Segments on the clustering features",
        model_subtitle(marts),
    )
    axes = np.atleast_1d(body.subplots(rows, columns)).ravel()
    for spare in axes[max(len(pairs), 1) :]:
        spare.set_visible(False)
    if pairs:
        for ax, (x, y) in zip(axes, pairs, strict=False):
            kind = scatter_segments(ax, marts, x, y)
    else:
        # One feature: stacked histogram, one colour per segment.
        [feature] = features
        ax = axes[0]
        segments = segments_in_order(marts)
        values = marts.customers[feature].dropna()
        ax.hist(
            [
                marts.customers.loc[
                    marts.customers["segment_id"] == segment_id, feature
                ].dropna()
                for segment_id in segments["segment_id"]
            ],
            bins=bin_edges(values),
            stacked=True,
            color=[segment_colour(segment_id) for segment_id in segments["segment_id"]],
            label=[
                f"{segment_label(row.segment_id, row.segment_name)}"
                f" ({row.customer_count:,})"
                for row in segments.itertuples()
            ],
        )
        ax.set_xlabel(AXIS_LABELS[feature])
        ax.set_ylabel("Customers")
        kind = None
    # Beside one row of panels; under a grid, where the long names of many
    # features would otherwise take a third of its width.
    segment_legend(
        body,
        axes[0],
        kind,
        loc="outside right upper" if rows == 1 else "outside lower center",
        ncols=1 if rows == 1 else 2,
    )
    return figure
