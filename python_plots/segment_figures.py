"""The segment figures: profiles, sizes, gender mix and centroids (the
customers on feature planes are in segment_planes.py).

Nothing assumes a k or a set of features: segments come from
segment_profiles, features from segment_centroids.
"""

from __future__ import annotations

from textwrap import fill

import numpy as np
import pandas as pd
from axis_ticks import count_ticks, thousands
from figure_style import (
    AVERAGE_DECIMALS,
    GENDER_COLOURS,
    HIGHLIGHT_COLOUR,
    NUMERIC_COLUMNS,
    PLAIN_NAMES,
    PROFILE_AVERAGES,
    UNITS,
    feature_label,
    model_subtitle,
    new_figure,
    percent_text,
    segment_colour,
    segment_label,
    segments_in_order,
    share_text,
    signed,
    uses_log_axis,
)
from mart_data import Marts
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter


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
        ax.set_xlabel(feature_label(marts, feature))
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
            (
                fill(feature_label(marts, f), 26)
                if len(features) > 3
                else feature_label(marts, f)
            )
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
            f"{values.iat[row, column]:,.0f}"
            f" {unit_text(features[column], values.iat[row, column])}\n"
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


def unit_text(feature: str, value: float) -> str:
    """The feature's unit after a value shown to 0 decimals: "1 day", not
    "1 days"."""
    unit = UNITS[feature]
    return "day" if unit == "days" and f"{value:,.0f}" == "1" else unit
