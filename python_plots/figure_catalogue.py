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
from itertools import combinations
from pathlib import Path

import matplotlib as mpl
import numpy as np
from axis_ticks import space_linear_ticks
from eda_figures import (
    correlation_name,
    correlations,
    plot_correlation_matrix,
    plot_distributions_by_gender,
    plot_pairwise_scatter,
)
from figure_style import (
    DPI,
    PLAIN_NAMES,
    RFM_FEATURES,
    SLIDE_STYLE,
    and_list,
    feature_list_text,
    segment_label,
    segments_in_order,
    share_text,
    signed,
)
from joblib import Parallel, cpu_count, delayed
from mart_data import Marts
from matplotlib.figure import Figure
from model_selection_figure import (
    not_actionable_k,
    plot_model_selection,
    scored_k_text,
)
from rfm_figures import (
    plot_monthly_sales,
    plot_rfm_distributions,
    plot_rfm_grid,
    plot_segment_rfm_profiles,
    plot_segments_recency_monetary,
    rfm_grid_counts,
)
from segment_figures import (
    plot_centroid_heatmap,
    plot_segment_profiles,
    plot_segment_sizes_and_gender,
)
from segment_planes import (
    plane_centres,
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


# Below this |r|, two columns are called unrelated.
WEAK_CORRELATION = 0.1


def _correlation_caption(marts: Marts) -> str:
    matrix = correlations(marts)
    pairs = [
        (abs(matrix.loc[a, b]), a, b, matrix.loc[a, b])
        for a, b in combinations(matrix.columns, 2)
        if not np.isnan(matrix.loc[a, b])
    ]
    if not pairs:
        return "Pearson correlations of age, annual income and spending score."
    strength, a, b, r = max(pairs)
    pair = (
        f"{correlation_name(marts, a, PLAIN_NAMES)} and"
        f" {correlation_name(marts, b, PLAIN_NAMES)}"
    )
    if strength < WEAK_CORRELATION:
        # "The strongest pair" would overstate an r of 0.02.
        return (
            "Pearson correlations of the numeric columns; no pair is related:"
            f" the largest, {pair}, has r = {signed(r, 2)}."
        )
    return (
        "Pearson correlations of the numeric columns; the strongest pair is"
        f" {pair} (r = {signed(r, 2)})."
    )


def _selection_caption(marts: Marts) -> str:
    evaluation = marts.k_evaluation
    selected = marts.selected
    caption = (
        f"Inertia and silhouette for k = {scored_k_text(evaluation['k'].tolist())};"
        f" k = {int(selected['k'])} was selected"
        f" ({selected['selection_reason']}, silhouette"
        f" {selected['silhouette']:.3f})."
    )
    set_aside = not_actionable_k(marts)
    if set_aside:
        ks = ", ".join(str(k) for k in set_aside)
        caption += (
            f" Hatched: k = {ks}, not actionable (fewer segments than the rule"
            " asks for, or a segment under its minimum share of customers);"
            " under each point, the k's smallest segment share."
        )
    return caption


def _sizes_caption(marts: Marts) -> str:
    largest = segments_in_order(marts).sort_values(
        ["customer_count", "segment_id"], ascending=[False, True]
    )
    top = largest.iloc[0]
    shown = (
        "Customers per segment and each segment's gender mix"
        if marts.customers["gender"].notna().any()
        else "Customers per segment"
    )
    return (
        f"{shown}; the largest is"
        f" {segment_label(top['segment_id'], top['segment_name'], width=None)}"
        f" with {top['customer_count']:,} customers"
        f" ({share_text(top['customer_share'])})."
    )


def _plane_caption(marts: Marts) -> str:
    _, kind = plane_centres(marts, "annual_income_k", "spending_score")
    return (
        f"All {len(marts.customers):,} customers on the income × spending plane,"
        f" one colour per segment, {kind}s marked ×."
    )


def _counted(value: float, noun: str) -> str:
    """1 invoice, 1.5 invoices, 2 invoices."""
    return f"{value:,.10g} {noun}" + ("" if value == 1 else "s")


def _rfm_distributions_caption(marts: Marts) -> str:
    medians = marts.customers[RFM_FEATURES].astype("float64").median()
    return (
        f"Recency, frequency and monetary value of the {len(marts.customers):,}"
        " segmented customers, on log axes; medians"
        f" {_counted(round(medians['recency_days']), 'day')},"
        f" {_counted(medians['frequency'], 'invoice')} and"
        f" {medians['monetary']:,.0f} spent."
    )


def _rfm_grid_caption(marts: Marts) -> str:
    counts = rfm_grid_counts(marts.customers).stack()
    # Every tie is named: picking one of them would be arbitrary.
    fullest = sorted(counts[counts == counts.max()].index, key=lambda fr: fr[::-1])
    per_segment = marts.customers["rfm_segment"].value_counts()
    largest = sorted(per_segment[per_segment == per_segment.max()].index)
    customers = _counted(counts.max(), "customer")
    if len(fullest) == 1:
        [(f, r)] = fullest
        cells = f"the fullest cell is r = {r}, f = {f} ({customers})"
    else:
        pairs = and_list([f"({r}, {f})" for f, r in reversed(fullest)])
        cells = f"the fullest cells are (r, f) = {pairs}, {customers} each"
    if len(largest) == 1:
        segments = f"the largest RFM segment is {largest[0]} ({per_segment.max():,})"
    else:
        segments = (
            f"the largest RFM segments are {and_list(largest)}"
            f" ({per_segment.max():,} each)"
        )
    return (
        "Customers per recency score × frequency score (quintiles, 5 best),"
        f" each cell named after its most common RFM segment; {cells};"
        f" {segments}."
    )


def _recency_monetary_caption(marts: Marts) -> str:
    _, kind = plane_centres(marts, "recency_days", "monetary")
    return (
        f"All {len(marts.customers):,} customers on recency × monetary value"
        f" (log axes), one colour per segment, {kind}s marked ×."
    )


def _monthly_sales_caption(marts: Marts) -> str:
    months = marts.monthly_sales["month_start"]
    span = f"{months.min():%B %Y}"
    if months.max() != months.min():
        span += f" to {months.max():%B %Y}"
    return (
        "Revenue and customers with a sale per calendar month, one line per"
        f" segment, {span}. An open"
        " marker is a month the order lines cover only in part (the legend"
        " says how many days): its totals are not a whole month's, so a drop"
        " there is not a fall in sales."
    )


def _centroids_caption(marts: Marts) -> str:
    caption = (
        f"Each segment's centroid on {feature_list_text(marts.features)}, in"
        " the feature's units and in standard deviations from the mean."
    )
    transforms = marts.centroids.get("transformation")
    if transforms is not None and (transforms == "log1p").any():
        caption += (
            " For a log1p feature the z-score is on log(1 + value) and the"
            " value is the segment's centre on that log scale."
        )
    return caption


def _profile_specs() -> list[FigureSpec]:
    """The figures of the customer file's columns."""
    return [
        FigureSpec(
            "01_eda_distributions_by_gender.png",
            "Distributions by gender",
            plot_distributions_by_gender,
            lambda m: (
                "Age, annual income and spending score of the"
                f" {len(m.customers):,} segmented customers, split by gender."
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
    ]


def _rfm_specs() -> list[FigureSpec]:
    """The figures of the order lines' RFM values."""
    return [
        FigureSpec(
            "01_eda_rfm_distributions.png",
            "Recency, frequency and monetary value",
            plot_rfm_distributions,
            _rfm_distributions_caption,
        ),
        FigureSpec(
            "02_eda_rfm_grid.png",
            "The RFM grid",
            plot_rfm_grid,
            _rfm_grid_caption,
        ),
        FigureSpec(
            "05_segments_recency_monetary.png",
            "Segments on recency × monetary value",
            plot_segments_recency_monetary,
            _recency_monetary_caption,
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
            _monthly_sales_caption,
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
            _selection_caption,
        ),
        FigureSpec(
            "07_segment_sizes_gender.png" if with_gender else "07_segment_sizes.png",
            "Segment sizes and gender mix" if with_gender else "Segment sizes",
            plot_segment_sizes_and_gender,
            _sizes_caption,
        ),
        FigureSpec(
            "08_segment_centroids.png",
            "Segment centroids",
            plot_centroid_heatmap,
            _centroids_caption,
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
