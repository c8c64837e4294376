"""Which figures are drawn, in reading order, with their file names, titles
and captions; and writing them as PNGs.

Every plotting function takes the marts and returns a Figure, so tests can
inspect the artists without writing files. Nothing assumes a k or a set of
features: segments come from segment_profiles, features from
segment_centroids, candidate k from k_evaluation. The figures follow the
inputs: those of the customer file's columns (gender, age, income, spending
score) only when the customers have them, the RFM ones only when the run
read order lines. A file name's number is its place in the reading order,
shared by the two inputs' versions of a figure (05: the segments on the
input's two headline features).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
from axis_ticks import space_linear_ticks
from eda_figures import (
    plot_correlation_matrix,
    plot_distributions_by_gender,
    plot_pairwise_scatter,
)
from figure_captions import (
    centroids_caption,
    correlation_caption,
    drawn,
    monthly_sales_caption,
    plane_caption,
    recency_monetary_caption,
    rfm_distributions_caption,
    rfm_grid_caption,
    selection_caption,
    sizes_caption,
)
from figure_style import (
    DPI,
    NUMERIC_COLUMNS,
    PROFILE,
    SLIDE_STYLE,
    customers_with,
    feature_list_text,
)
from joblib import Parallel, cpu_count, delayed
from mart_data import Marts
from matplotlib.figure import Figure
from model_selection_figure import (
    plot_model_selection,
)
from rfm_figures import (
    plot_monthly_sales,
    plot_rfm_distributions,
    plot_rfm_grid,
    plot_segment_rfm_profiles,
    plot_segments_recency_monetary,
)
from segment_figures import (
    plot_centroid_heatmap,
    plot_segment_profiles,
    plot_segment_sizes_and_gender,
)
from segment_planes import (
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


def _profile_specs() -> list[FigureSpec]:
    """The figures of the customer file's columns."""
    return [
        FigureSpec(
            "01_eda_distributions_by_gender.png",
            "Distributions by gender",
            plot_distributions_by_gender,
            lambda m: (
                "Age, annual income and spending score of the"
                f" {customers_with(m.customers, NUMERIC_COLUMNS, PROFILE)},"
                " split by gender."
            ),
        ),
        FigureSpec(
            "02_eda_correlation_matrix.png",
            "Correlation matrix",
            plot_correlation_matrix,
            correlation_caption,
        ),
        FigureSpec(
            "03_eda_pairwise_scatter.png",
            "Pairwise scatter",
            plot_pairwise_scatter,
            lambda m: (
                f"{drawn(m, NUMERIC_COLUMNS, PROFILE, 'any', 'Every customer')}"
                " on each pair of age, annual income and spending score, coloured by"
                " gender; distributions on the diagonal."
            ),
        ),
        FigureSpec(
            "05_segments_income_spending.png",
            "Segments on the income × spending plane",
            plot_segments_income_spending,
            plane_caption,
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
    ]


def _rfm_specs() -> list[FigureSpec]:
    """The figures of the order lines' RFM values."""
    return [
        FigureSpec(
            "01_eda_rfm_distributions.png",
            "Recency, frequency and monetary value",
            plot_rfm_distributions,
            rfm_distributions_caption,
        ),
        FigureSpec(
            "02_eda_rfm_grid.png",
            "The RFM grid",
            plot_rfm_grid,
            rfm_grid_caption,
        ),
        FigureSpec(
            "05_segments_recency_monetary.png",
            "Segments on recency × monetary value",
            plot_segments_recency_monetary,
            recency_monetary_caption,
        ),
        FigureSpec(
            "06_segment_rfm_profiles.png",
            "Segment RFM profiles",
            plot_segment_rfm_profiles,
            lambda m: (
                "Average recency, frequency and monetary value per segment,"
                " against the average of all customers (dashed line)."
            ),
        ),
        FigureSpec(
            "10_segment_monthly_sales.png",
            "Monthly sales by segment",
            plot_monthly_sales,
            monthly_sales_caption,
        ),
    ]


def figure_specs(marts: Marts) -> list[FigureSpec]:
    """The figures for these marts, in reading order (by file name)."""
    with_gender = marts.customers["gender"].notna().any()
    specs = [
        FigureSpec(
            "04_model_selection_k.png",
            "Choosing k: elbow and silhouette",
            plot_model_selection,
            selection_caption,
        ),
        FigureSpec(
            "07_segment_sizes_gender.png" if with_gender else "07_segment_sizes.png",
            "Segment sizes and gender mix" if with_gender else "Segment sizes",
            plot_segment_sizes_and_gender,
            sizes_caption,
        ),
        FigureSpec(
            "08_segment_centroids.png",
            "Segment centroids",
            plot_centroid_heatmap,
            centroids_caption,
        ),
    ]
    planes = []
    if marts.has_profiles:
        specs += _profile_specs()
        planes.append({"annual_income_k", "spending_score"})
    if marts.has_rfm:
        specs += _rfm_specs()
        planes.append({"recency_days", "monetary"})
    # A headline plane already is the clustering space when those are the
    # features; otherwise show the space K-Means saw.
    if set(marts.features) not in planes:
        specs.append(
            FigureSpec(
                "09_segments_clustering_features.png",
                "Segments on the clustering features",
                plot_segments_feature_pairs,
                lambda m: (
                    f"Customers on every pair of {feature_list_text(m.features)},"
                    " the features K-Means used, one colour per segment."
                    if len(m.features) > 1
                    else f"Customers by {feature_list_text(m.features)}, the one"
                    " feature K-Means used, stacked by segment."
                ),
            )
        )
    return sorted(specs, key=lambda spec: spec.filename)


def render_one(marts: Marts, spec: FigureSpec, out_dir: Path) -> RenderedFigure:
    """Write one figure as a PNG into out_dir."""
    with mpl.rc_context(SLIDE_STYLE):
        figure = spec.plot(marts)
        space_linear_ticks(figure)
        figure.savefig(out_dir / spec.filename, dpi=DPI, facecolor="white")
    return RenderedFigure(spec.filename, spec.title, spec.caption(marts))


# What the forked workers draw: set before they start and inherited, never
# pickled (the specs hold lambdas).
_JOB: tuple[Marts, list[FigureSpec], Path] | None = None


def _render_in_worker(index: int) -> RenderedFigure:
    marts, specs, out_dir = _JOB
    return render_one(marts, specs[index], out_dir)


def render_all(marts: Marts, out_dir: Path) -> list[RenderedFigure]:
    """Write every figure as a PNG into out_dir; return what was written, in
    reading order.

    Drawing is CPU work in Python, so the figures are drawn side by side in
    forked processes, one per core this process may use (joblib counts the
    CPU affinity and any cgroup quota); one after the other on one core or
    where the platform cannot fork.
    """
    global _JOB
    out_dir.mkdir(parents=True, exist_ok=True)
    specs = figure_specs(marts)
    workers = min(len(specs), cpu_count())
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [render_one(marts, spec, out_dir) for spec in specs]
    _JOB = (marts, specs, out_dir)
    try:
        # Forked workers start with Matplotlib imported and the marts loaded;
        # loky's fresh ones import them again (the bundled figures, 2 cores:
        # 4.3 to 5.1 s on loky, 3.1 to 3.3 s forked). One figure per task:
        # the figures are few and uneven.
        return Parallel(
            n_jobs=workers,
            backend=multiprocessing.get_context("fork"),
            batch_size=1,
        )(delayed(_render_in_worker)(index) for index in range(len(specs)))
    finally:
        _JOB = None
