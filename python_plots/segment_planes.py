"""Customers on planes of two features, one colour per segment: the
income × spending plane, every pair of the clustering features, and the
scatter and legend the RFM plane draws with too.

Nothing assumes a k or a set of features: segments come from
segment_profiles, features from segment_centroids.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from axis_ticks import set_log_axis
from figure_style import (
    PROFILE_AVERAGES,
    bin_edges,
    feature_label,
    model_subtitle,
    new_figure,
    segment_colour,
    segment_count_label,
    segments_in_order,
    uses_log_axis,
)
from mart_data import Marts
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D


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


# Where a centre's number sits, in points from its X: up and right, or,
# when a number there would sit on another X or number, the first corner
# clear of them all.
NUMBER_OFFSETS = [(11, 9), (11, -22), (-24, 9), (-24, -22)]
# Clear: this share of the plotted range away on one axis at least.
CLEAR = 0.04
# Two X marks this close (share of the plotted range, on both axes) are
# drawn one over the other.
COINCIDENT = 0.02
# The headline plane's axes measure about this many points across and up,
# to turn an offset in points into a share of the plotted range; the
# panels of a grid pass their own size.
AXES_POINTS = (700.0, 450.0)


def number_offsets(
    centres: pd.DataFrame,
    customers: pd.DataFrame,
    log_axes: tuple[bool, bool],
    axes_points: tuple[float, float] = AXES_POINTS,
) -> list[tuple[int, int]]:
    """One offset from NUMBER_OFFSETS per centre (rows of x, y after the
    segment id), so that no number prints over another centre's X or
    number, or, where no corner is clear, the clearest corner. A centre
    without coordinates (an average of a column none of its customers
    has) is not drawn, and blocks nothing."""
    spots = []
    for column, on_log in zip(centres.columns[1:], log_axes, strict=True):
        values = pd.concat([customers[column], centres[column]]).astype("float64")
        scaled = np.log1p(values.clip(lower=0)) if on_log else values
        span = (scaled.max() - scaled.min()) or 1.0
        spots.append((scaled.iloc[len(customers) :] - scaled.min()).to_numpy() / span)
    position = np.column_stack(spots)
    drawn = ~np.isnan(position).any(axis=1)
    size = np.array(axes_points)
    chosen: list[tuple[int, int]] = []
    numbers: list[np.ndarray] = []
    for index, here in enumerate(position):
        if not drawn[index]:
            chosen.append(NUMBER_OFFSETS[0])
            continue
        # An X that nearly covers this one cannot be kept clear of; its
        # number, placed earlier, is a blocker instead.
        others = position[drawn & (np.arange(len(position)) != index)]
        apart = np.abs(others - here).max(axis=1) >= COINCIDENT
        blockers = np.vstack([others[apart], *numbers])
        candidates = here + np.array(NUMBER_OFFSETS) / size
        clearances = [_clearance(number, blockers) for number in candidates]
        clear = [n for n, room in enumerate(clearances) if room >= CLEAR]
        pick = clear[0] if clear else int(np.argmax(clearances))
        chosen.append(NUMBER_OFFSETS[pick])
        numbers.append(candidates[pick])
    return chosen


def _clearance(number: np.ndarray, blockers: np.ndarray) -> float:
    """How far a number is from the nearest blocker, on its farther axis."""
    if not len(blockers):
        return np.inf
    return float(np.abs(blockers - number).max(axis=1).min())


def scatter_segments(ax: Axes, marts: Marts, x: str, y: str) -> str:
    """Customers coloured by segment, each segment's centre marked with an X.

    Returns what the X marks. Artists carry gids (segment-points-<id>,
    segment-centre-<id>) so tests can find them. Skewed features (see
    uses_log_axis) get log axes; thousands of customers get smaller dots.
    """
    point_size = 42 if len(marts.customers) <= 1000 else 12
    for segment in segments_in_order(marts).itertuples():
        # Only customers with both values are drawn, and counted.
        members = marts.customers.loc[
            marts.customers["segment_id"] == segment.segment_id, [x, y]
        ].dropna()
        ax.scatter(
            members[x],
            members[y],
            s=point_size,
            color=segment_colour(segment.segment_id),
            alpha=0.85 if point_size >= 42 else 0.6,
            edgecolors="white" if point_size >= 42 else "none",
            linewidths=0.5,
            label=segment_count_label(
                segment.segment_id, segment.segment_name, len(members)
            ),
            gid=f"segment-points-{segment.segment_id}",
        )
    centres, kind = plane_centres(marts, x, y)
    on_log = (uses_log_axis(marts, x), uses_log_axis(marts, y))
    # The panel's size as laid out so far: a grid's panels are smaller.
    panel = ax.get_window_extent().size * 72 / ax.figure.dpi
    offsets = number_offsets(
        centres, marts.customers[[x, y]].dropna(), on_log, tuple(panel)
    )
    for centre, offset in zip(centres.itertuples(index=False), offsets, strict=True):
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
            xytext=offset,
            textcoords="offset points",
            gid=f"segment-number-{segment_id}",
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
    ax.set_xlabel(feature_label(marts, x))
    ax.set_ylabel(feature_label(marts, y))
    for axis, feature, log in zip("xy", (x, y), on_log, strict=True):
        if log:
            set_log_axis(ax, axis)
            label = ax.set_xlabel if axis == "x" else ax.set_ylabel
            label(feature_label(marts, feature) + ", log scale")
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
        title="Segment",
        markerscale=markerscale,
        **placement,
    )


# How much of the clustering a plane shows, by how many of its axes are
# clustering features, when the model saw other features too.
PLANE_AXES = {
    2: "this plane shows two of them, so segments may overlap",
    1: "only one axis is a clustering feature, so segments may overlap",
    0: "neither axis is a clustering feature, so segments may overlap",
}


def plane_figure(
    marts: Marts, x: str, y: str, title: str, markerscale: float = 1.3
) -> tuple[Figure, Axes]:
    """Every customer on the plane of ``x`` and ``y``, one colour per
    segment, with their centres and the legend beside."""
    subtitle = model_subtitle(marts)
    if set(marts.features) != {x, y}:
        subtitle += "; " + PLANE_AXES[len({x, y} & set(marts.features))]
    figure, body = new_figure(14, 7.8, title, subtitle)
    ax = body.subplots()
    kind = scatter_segments(ax, marts, x, y)
    segment_legend(body, ax, kind, markerscale=markerscale, loc="outside right upper")
    return figure, ax


def plot_segments_income_spending(marts: Marts) -> Figure:
    figure, ax = plane_figure(
        marts,
        "annual_income_k",
        "spending_score",
        "Customer segments by annual income and spending score",
    )
    ax.set_ylim(0, 105)
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
        stacks = [
            marts.customers.loc[
                marts.customers["segment_id"] == segment_id, feature
            ].dropna()
            for segment_id in segments["segment_id"]
        ]
        ax.hist(
            stacks,
            bins=bin_edges(values),
            stacked=True,
            color=[segment_colour(segment_id) for segment_id in segments["segment_id"]],
            label=[
                segment_count_label(row.segment_id, row.segment_name, len(stack))
                for row, stack in zip(segments.itertuples(), stacks, strict=True)
            ],
        )
        ax.set_xlabel(feature_label(marts, feature))
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
