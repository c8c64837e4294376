"""The segment figures, drawn from the marts with Matplotlib's Agg canvas.

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
import pandas as pd
from mart_data import Marts
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator, PercentFormatter

# The numeric input columns, in the pipeline's canonical feature order.
NUMERIC_COLUMNS = ["age", "annual_income_k", "spending_score"]
AXIS_LABELS = {
    "age": "Age (years)",
    "annual_income_k": "Annual income (k$)",
    "spending_score": "Spending score (1–100)",
}
PLAIN_NAMES = {
    "age": "age",
    "annual_income_k": "annual income",
    "spending_score": "spending score",
}
UNITS = {"age": "yrs", "annual_income_k": "k$", "spending_score": "pts"}
PROFILE_AVERAGES = {
    "age": "avg_age",
    "annual_income_k": "avg_annual_income_k",
    "spending_score": "avg_spending_score",
}

# tab20's strong colours first, then its light ones: up to 20 segments (the
# pipeline's maximum) get distinct colours, and segment n always gets the
# same colour whatever k is.
_TAB20 = [mpl.colors.to_hex(colour) for colour in mpl.colormaps["tab20"].colors]
SEGMENT_PALETTE = _TAB20[0::2] + _TAB20[1::2]
# Gender and neutral colours stay clear of the segment palette.
GENDER_COLOURS = {"Female": "#3b4a5e", "Male": "#9fb3c8", "Unknown": "#e3e3e3"}
NEUTRAL_COLOUR = "#5b6b7c"
HIGHLIGHT_COLOUR = "#c0392b"

# Sized for a 16:9 slide: figures are 12-16 inches wide at 120 dpi.
DPI = 120
SLIDE_STYLE = {
    "font.size": 13,
    "axes.titlesize": 15,
    "axes.titleweight": "bold",
    "axes.labelsize": 13,
    "figure.titlesize": 19,
    "figure.titleweight": "bold",
    "legend.fontsize": 12,
    "legend.title_fontsize": 12,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.axisbelow": True,
}


def signed(value: float, decimals: int) -> str:
    """+0.25 / −0.25, with a typographic minus as on the axes."""
    # Rounding first turns -0.04 into +0.0 rather than −0.0.
    return f"{round(value, decimals) + 0.0:+.{decimals}f}".replace("-", "\u2212")


def segment_colour(segment_id: int) -> str:
    return SEGMENT_PALETTE[(int(segment_id) - 1) % len(SEGMENT_PALETTE)]


def segment_label(segment_id: int, segment_name: str) -> str:
    return f"{int(segment_id)}: {segment_name}"


def feature_list_text(features: list[str]) -> str:
    """['age', 'spending_score'] -> 'age and spending score'."""
    names = [PLAIN_NAMES[feature] for feature in features]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


HEADER_HEIGHT = 1.0  # inches for the title and subtitle


def _new_figure(
    width: float, height: float, title: str, subtitle: str
) -> tuple[Figure, SubFigure]:
    """A figure with a title band on top; plots go into the returned body.

    The band is its own subfigure, so legends placed outside the plots can
    never run into the title, whatever the title's length.
    """
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    header, body = figure.subfigures(
        2, 1, height_ratios=[HEADER_HEIGHT, height - HEADER_HEIGHT]
    )
    header.text(0.01, 0.95, title, ha="left", va="top", fontsize=19, fontweight="bold")
    header.text(
        0.01, 0.12, subtitle, ha="left", va="bottom", fontsize=13, color="#555555"
    )
    return figure, body


def _gender_groups(customers: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    gender = customers["gender"].fillna("Unknown")
    return [
        (name, customers.loc[gender == name])
        for name in GENDER_COLOURS
        if (gender == name).any()
    ]


def _bin_edges(values: pd.Series) -> np.ndarray:
    edges = np.histogram_bin_edges(values, bins="auto")
    if len(edges) > 31:
        edges = np.linspace(values.min(), values.max(), 31)
    return edges


def _segments(marts: Marts) -> pd.DataFrame:
    return marts.profiles.sort_values("segment_id")


def _plane_centres(marts: Marts, x: str, y: str) -> tuple[pd.DataFrame, str]:
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
    averages = _segments(marts).set_index("segment_id")
    centres = pd.DataFrame(
        {x: averages[PROFILE_AVERAGES[x]], y: averages[PROFILE_AVERAGES[y]]}
    )
    return centres.reset_index(), "segment average"


def _scatter_segments(ax: Axes, marts: Marts, x: str, y: str) -> str:
    """Customers coloured by segment, each segment's centre marked with an X.

    Returns what the X marks. Artists carry gids (segment-points-<id>,
    segment-centre-<id>) so tests can find them.
    """
    for segment in _segments(marts).itertuples():
        members = marts.customers.loc[
            marts.customers["segment_id"] == segment.segment_id
        ]
        ax.scatter(
            members[x],
            members[y],
            s=42,
            color=segment_colour(segment.segment_id),
            alpha=0.85,
            edgecolors="white",
            linewidths=0.5,
            label=f"{segment_label(segment.segment_id, segment.segment_name)}"
            f" ({segment.customer_count})",
            gid=f"segment-points-{segment.segment_id}",
        )
    centres, kind = _plane_centres(marts, x, y)
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
    return kind


def _centre_legend_handle(kind: str) -> Line2D:
    return Line2D(
        [],
        [],
        marker="X",
        linestyle="none",
        markersize=14,
        markerfacecolor="white",
        markeredgecolor="black",
        label=f"{kind}, numbered by segment",
    )


def _model_subtitle(marts: Marts) -> str:
    k = int(marts.selected["k"])
    return f"k = {k} segments, clustered on {feature_list_text(marts.features)}"


# -- EDA ---------------------------------------------------------------------


def plot_distributions_by_gender(marts: Marts) -> Figure:
    customers = marts.customers
    figure, body = _new_figure(
        16,
        6,
        "Age, income and spending score by gender",
        f"{len(customers)} segmented customers; bars side by side per bin",
    )
    groups = _gender_groups(customers)
    for ax, column in zip(body.subplots(1, 3), NUMERIC_COLUMNS, strict=True):
        values = customers[column].dropna()
        ax.set_xlabel(AXIS_LABELS[column])
        ax.set_ylabel("Customers")
        ax.set_title(PLAIN_NAMES[column].capitalize())
        if values.empty:
            ax.text(0.5, 0.5, "no values", ha="center", transform=ax.transAxes)
            continue
        present = [(name, group[column].dropna()) for name, group in groups]
        present = [(name, group) for name, group in present if not group.empty]
        ax.hist(
            [group for _, group in present],
            bins=_bin_edges(values),
            color=[GENDER_COLOURS[name] for name, _ in present],
            label=[
                f"{name} (n = {len(group)}, median {group.median():.0f})"
                for name, group in present
            ],
            edgecolor="white",
            linewidth=0.6,
        )
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, ax.get_ylim()[1] * 1.25)
        ax.legend(loc="upper right", fontsize=11)
    return figure


def correlations(customers: pd.DataFrame) -> pd.DataFrame:
    """Pearson correlations of the numeric columns (pairwise complete)."""
    return customers[NUMERIC_COLUMNS].astype("float64").corr(method="pearson")


def plot_correlation_matrix(marts: Marts) -> Figure:
    matrix = correlations(marts.customers)
    figure, body = _new_figure(
        10,
        7.5,
        "Correlation of the numeric columns",
        "+1: rise together, −1: one rises as the other falls, 0: unrelated",
    )
    ax = body.subplots()
    image = ax.imshow(matrix.to_numpy(), cmap="RdBu_r", vmin=-1, vmax=1)
    labels = [AXIS_LABELS[column] for column in NUMERIC_COLUMNS]
    ax.set_xticks(range(len(labels)), labels=labels)
    ax.set_yticks(range(len(labels)), labels=labels)
    ax.grid(False)
    ax.spines[:].set_visible(False)
    for (row, column), value in np.ndenumerate(matrix.to_numpy()):
        ax.text(
            column,
            row,
            "n/a" if np.isnan(value) else signed(value, 2),
            ha="center",
            va="center",
            fontsize=17,
            fontweight="bold",
            color="white" if abs(value) > 0.6 else "black",
        )
    body.colorbar(image, ax=ax, label="Pearson correlation r", shrink=0.85)
    return figure


def plot_pairwise_scatter(marts: Marts) -> Figure:
    """A corner plot: each pair once below the diagonal, distributions on it."""
    customers = marts.customers
    n = len(NUMERIC_COLUMNS)
    figure, body = _new_figure(
        13,
        11,
        "Age, income and spending score against each other",
        "Each dot is a customer; each pair is shown once, distributions on the"
        " diagonal",
    )
    grid = body.subplots(n, n, sharex="col")
    groups = _gender_groups(customers)
    for row, column in np.ndindex(n, n):
        ax = grid[row, column]
        x, y = NUMERIC_COLUMNS[column], NUMERIC_COLUMNS[row]
        if column > row:
            ax.set_axis_off()
            continue
        if row == column:
            values = customers[x].dropna()
            if not values.empty:
                ax.hist(values, bins=_bin_edges(values), color=NEUTRAL_COLOUR)
            ax.set_title(
                f"{PLAIN_NAMES[x].capitalize()}: customers per bin", fontsize=13
            )
            ax.set_ylabel("Customers" if column == 0 else "")
        else:
            for name, group in groups:
                ax.scatter(
                    group[x],
                    group[y],
                    s=20,
                    alpha=0.8,
                    color=GENDER_COLOURS[name],
                    edgecolors="none",
                    label=name,
                )
            ax.set_ylabel(AXIS_LABELS[y] if column == 0 else "")
        ax.set_xlabel(AXIS_LABELS[x] if row == n - 1 else "")
        ax.tick_params(labelbottom=True)
    handles, labels = grid[n - 1, 0].get_legend_handles_labels()
    grid[0, n - 1].legend(
        handles, labels, loc="upper right", title="Gender", markerscale=2.5
    )
    return figure


# -- Model selection -----------------------------------------------------------


def plot_model_selection(marts: Marts) -> Figure:
    evaluation = marts.k_evaluation
    selected = marts.selected
    figure, body = _new_figure(
        15,
        6,
        "Choosing the number of segments",
        f"K-Means on {feature_list_text(marts.features)},"
        f" {int(selected['evaluated_rows'])} customers per fit",
    )
    panels = [
        ("inertia", "Elbow: inertia against k", "Inertia (sum of squares, z units²)"),
        (
            "silhouette",
            "Silhouette against k",
            "Mean silhouette (−1 to 1, higher is better)",
        ),
    ]
    for ax, (column, title, ylabel) in zip(body.subplots(1, 2), panels, strict=True):
        ax.plot(
            evaluation["k"],
            evaluation[column],
            marker="o",
            markersize=7,
            linewidth=2.2,
            color=NEUTRAL_COLOUR,
        )
        ax.axvline(selected["k"], color=HIGHLIGHT_COLOUR, linestyle="--", linewidth=1.4)
        ax.plot(
            [selected["k"]],
            [selected[column]],
            marker="o",
            markersize=17,
            markerfacecolor="none",
            markeredgecolor=HIGHLIGHT_COLOUR,
            markeredgewidth=2.6,
            linestyle="none",
            label=f"selected k = {int(selected['k'])} ({selected['selection_reason']})",
        )
        ax.set_title(title)
        ax.set_xlabel("Number of segments k")
        ax.set_ylabel(ylabel)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="best")
    return figure


# -- Segments ----------------------------------------------------------------


def plot_segments_income_spending(marts: Marts) -> Figure:
    subtitle = _model_subtitle(marts)
    if set(marts.features) != {"annual_income_k", "spending_score"}:
        subtitle += "; this plane shows two of them, so segments may overlap"
    figure, body = _new_figure(
        14,
        7.8,
        "Customer segments by annual income and spending score",
        subtitle,
    )
    ax = body.subplots()
    kind = _scatter_segments(ax, marts, "annual_income_k", "spending_score")
    ax.set_ylim(0, 105)
    handles, labels = ax.get_legend_handles_labels()
    body.legend(
        [*handles, _centre_legend_handle(kind)],
        [*labels, f"{kind}, numbered by segment"],
        loc="outside right upper",
        title="Segment (customers)",
        markerscale=1.3,
    )
    return figure


def plot_segment_profiles(marts: Marts) -> Figure:
    segments = _segments(marts)
    k = len(segments)
    figure, body = _new_figure(
        16,
        max(5.5, 1.8 + 0.6 * k),
        "Segment profiles side by side",
        _model_subtitle(marts) + "; dashed line: average of all customers",
    )
    axes = body.subplots(1, 3, sharey=True)
    positions = np.arange(k)
    colours = [segment_colour(segment_id) for segment_id in segments["segment_id"]]
    for ax, feature in zip(axes, NUMERIC_COLUMNS, strict=True):
        averages = segments[PROFILE_AVERAGES[feature]].astype("float64")
        bars = ax.barh(positions, averages.fillna(0), color=colours, height=0.7)
        ax.bar_label(
            bars,
            labels=["n/a" if np.isnan(v) else f"{v:.0f}" for v in averages],
            padding=4,
            fontsize=12,
        )
        overall = marts.customers[feature].mean()
        if not np.isnan(overall):
            ax.axvline(overall, color="black", linestyle="--", linewidth=1.3)
            ax.annotate(
                f"all customers: {overall:.0f}",
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
    segments = _segments(marts)
    k = len(segments)
    figure, body = _new_figure(
        16,
        max(5.5, 1.8 + 0.6 * k),
        "Segment sizes and gender mix",
        _model_subtitle(marts),
    )
    size_ax, gender_ax = body.subplots(1, 2, sharey=True)
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
            f"{count} ({share:.0%})"
            for count, share in zip(
                segments["customer_count"], segments["customer_share"], strict=True
            )
        ],
        padding=4,
        fontsize=12,
    )
    size_ax.set_xlim(0, segments["customer_count"].max() * 1.25)
    size_ax.set_xlabel("Customers")
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
            labels=[f"{share:.0%}" if share >= 0.08 else "" for share in shares],
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
            label=f"all customers: {overall:.0%} female",
        )
    gender_ax.set_xlim(0, 1)
    gender_ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    gender_ax.set_xlabel("Share of the segment's customers")
    gender_ax.set_title("Gender mix")
    gender_ax.grid(axis="y", visible=False)
    gender_ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return figure


def plot_centroid_heatmap(marts: Marts) -> Figure:
    segments = _segments(marts)
    features = marts.features
    k = len(segments)
    values = marts.centroids.pivot(
        index="segment_id", columns="feature", values="centroid_value"
    ).reindex(index=segments["segment_id"], columns=features)
    z = marts.centroids.pivot(
        index="segment_id", columns="feature", values="centroid_z"
    ).reindex(index=segments["segment_id"], columns=features)
    figure, body = _new_figure(
        max(12, 5.5 + 2.9 * len(features)),
        max(5.5, 2.0 + 0.75 * k),
        "What sets each segment apart",
        _model_subtitle(marts) + "; each cell: the centroid in units and as a z-score",
    )
    ax = body.subplots()
    limit = max(2.0, float(np.abs(z.to_numpy()).max()))
    image = ax.imshow(
        z.to_numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto"
    )
    ax.set_xticks(range(len(features)), labels=[AXIS_LABELS[f] for f in features])
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
            f"{values.iat[row, column]:.0f} {UNITS[features[column]]}\n"
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
    figure, body = _new_figure(
        max(10, 6.2 * max(len(pairs), 1) + 3),
        6.8,
        "Segments on the clustering features",
        _model_subtitle(marts),
    )
    axes = np.atleast_1d(body.subplots(1, max(len(pairs), 1)))
    if pairs:
        for ax, (x, y) in zip(axes, pairs, strict=True):
            kind = _scatter_segments(ax, marts, x, y)
    else:
        # One feature: stacked histogram, one colour per segment.
        [feature] = features
        ax = axes[0]
        segments = _segments(marts)
        values = marts.customers[feature].dropna()
        ax.hist(
            [
                marts.customers.loc[
                    marts.customers["segment_id"] == segment_id, feature
                ].dropna()
                for segment_id in segments["segment_id"]
            ],
            bins=_bin_edges(values),
            stacked=True,
            color=[segment_colour(segment_id) for segment_id in segments["segment_id"]],
            label=[
                f"{segment_label(row.segment_id, row.segment_name)}"
                f" ({row.customer_count})"
                for row in segments.itertuples()
            ],
        )
        ax.set_xlabel(AXIS_LABELS[feature])
        ax.set_ylabel("Customers")
        kind = None
    handles, labels = axes[0].get_legend_handles_labels()
    if kind:
        handle = _centre_legend_handle(kind)
        handles, labels = [*handles, handle], [*labels, handle.get_label()]
    body.legend(handles, labels, loc="outside right upper", title="Segment (customers)")
    return figure


# -- Rendering -----------------------------------------------------------------


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
    largest = _segments(marts).sort_values(
        ["customer_count", "segment_id"], ascending=[False, True]
    )
    top = largest.iloc[0]
    return (
        "Customers per segment and each segment's gender mix; the largest is"
        f" {segment_label(top['segment_id'], top['segment_name'])}"
        f" with {top['customer_count']} customers ({top['customer_share']:.0%})."
    )


def _plane_caption(marts: Marts) -> str:
    _, kind = _plane_centres(marts, "annual_income_k", "spending_score")
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
