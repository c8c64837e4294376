"""The model-selection figure: inertia and silhouette against k."""

from __future__ import annotations

from figure_style import (
    HIGHLIGHT_COLOUR,
    NEUTRAL_COLOUR,
    feature_list_text,
    new_figure,
)
from mart_data import Marts
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


def plot_model_selection(marts: Marts) -> Figure:
    evaluation = marts.k_evaluation
    selected = marts.selected
    figure, body = new_figure(
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
