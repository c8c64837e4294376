"""Which figures are drawn, in reading order, with their file names, titles
and captions; and writing them as PNGs.

Every plotting function takes the marts and returns a Figure, so tests can
inspect the artists without writing files. Nothing assumes a k or a set of
features: segments come from segment_profiles, features from
segment_centroids, candidate k from k_evaluation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import matplotlib as mpl
import numpy as np
from eda_figures import (
    correlations,
    plot_correlation_matrix,
    plot_distributions_by_gender,
    plot_pairwise_scatter,
)
from figure_style import (
    DPI,
    NUMERIC_COLUMNS,
    PLAIN_NAMES,
    SLIDE_STYLE,
    feature_list_text,
    segment_label,
    segments_in_order,
    signed,
)
from mart_data import Marts
from matplotlib.figure import Figure
from model_selection_figure import plot_model_selection
from segment_figures import (
    plane_centres,
    plot_centroid_heatmap,
    plot_segment_profiles,
    plot_segment_sizes_and_gender,
    plot_segments_feature_pairs,
    plot_segments_income_spending,
)


@dataclass(frozen=True)
class FigureSpec:
    filename: str
    title: str
    plot: Callable[[Marts], Figure]
    caption: Callable[[Marts], str]


@dataclass(frozen=True)
class RenderedFigure:
    filename: str
    title: str
    caption: str


def _correlation_caption(marts: Marts) -> str:
    matrix = correlations(marts.customers)
    pairs = [
        (abs(matrix.loc[a, b]), a, b, matrix.loc[a, b])
        for a, b in combinations(NUMERIC_COLUMNS, 2)
        if not np.isnan(matrix.loc[a, b])
    ]
    if not pairs:
        return "Pearson correlations of age, annual income and spending score."
    _, a, b, r = max(pairs)
    return (
        "Pearson correlations of the numeric columns; the strongest pair is"
        f" {PLAIN_NAMES[a]} and {PLAIN_NAMES[b]} (r = {signed(r, 2)})."
    )


def _selection_caption(marts: Marts) -> str:
    evaluation = marts.k_evaluation
    selected = marts.selected
    return (
        f"Inertia and silhouette for k = {evaluation['k'].min()} to"
        f" {evaluation['k'].max()}; k = {int(selected['k'])} was selected"
        f" ({selected['selection_reason']}, silhouette"
        f" {selected['silhouette']:.3f})."
    )


def _sizes_caption(marts: Marts) -> str:
    largest = segments_in_order(marts).sort_values(
        ["customer_count", "segment_id"], ascending=[False, True]
    )
    top = largest.iloc[0]
    return (
        "Customers per segment and each segment's gender mix; the largest is"
        f" {segment_label(top['segment_id'], top['segment_name'])}"
        f" with {top['customer_count']} customers ({top['customer_share']:.0%})."
    )


def _plane_caption(marts: Marts) -> str:
    _, kind = plane_centres(marts, "annual_income_k", "spending_score")
    return (
        f"All {len(marts.customers)} customers on the income × spending plane,"
        f" one colour per segment, each segment's {kind} marked ×."
    )


def figure_specs(marts: Marts) -> list[FigureSpec]:
    """The figures for these marts, in reading order."""
    specs = [
        FigureSpec(
            "01_eda_distributions_by_gender.png",
            "Distributions by gender",
            plot_distributions_by_gender,
            lambda m: (
                "Age, annual income and spending score of the"
                f" {len(m.customers)} segmented customers, split by gender."
            ),
        ),
        FigureSpec(
            "02_eda_correlation_matrix.png",
            "Correlation matrix",
            plot_correlation_matrix,
            _correlation_caption,
        ),
        FigureSpec(
            "03_eda_pairwise_scatter.png",
            "Pairwise scatter",
            plot_pairwise_scatter,
            lambda m: (
                "Every customer on each pair of age, annual income and spending"
                " score, coloured by gender; distributions on the diagonal."
            ),
        ),
        FigureSpec(
            "04_model_selection_k.png",
            "Choosing k: elbow and silhouette",
            plot_model_selection,
            _selection_caption,
        ),
        FigureSpec(
            "05_segments_income_spending.png",
            "Segments on the income × spending plane",
            plot_segments_income_spending,
            _plane_caption,
        ),
        FigureSpec(
            "06_segment_profiles.png",
            "Segment profiles",
            plot_segment_profiles,
            lambda m: (
                "Average age, annual income and spending score per segment,"
                " against the average of all customers (dashed line)."
            ),
        ),
        FigureSpec(
            "07_segment_sizes_gender.png",
            "Segment sizes and gender mix",
            plot_segment_sizes_and_gender,
            _sizes_caption,
        ),
        FigureSpec(
            "08_segment_centroids.png",
            "Segment centroids",
            plot_centroid_heatmap,
            lambda m: (
                f"Each segment's centroid on {feature_list_text(m.features)}, in"
                " the feature's units and in standard deviations from the mean."
            ),
        ),
    ]
    # The income × spending figure already is the clustering space when
    # those are the features; otherwise show the space K-Means saw.
    if marts.features != ["annual_income_k", "spending_score"]:
        specs.append(
            FigureSpec(
                "09_segments_clustering_features.png",
                "Segments on the clustering features",
                plot_segments_feature_pairs,
                lambda m: (
                    f"Customers on every pair of {feature_list_text(m.features)},"
                    " the features K-Means used, one colour per segment."
                ),
            )
        )
    return specs


def render_all(marts: Marts, out_dir: Path) -> list[RenderedFigure]:
    """Write every figure as a PNG into out_dir; return what was written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rendered = []
    with mpl.rc_context(SLIDE_STYLE):
        for spec in figure_specs(marts):
            figure = spec.plot(marts)
            figure.savefig(out_dir / spec.filename, dpi=DPI, facecolor="white")
            rendered.append(
                RenderedFigure(spec.filename, spec.title, spec.caption(marts))
            )
    return rendered
