"""The model-selection figure: inertia and silhouette against k, with the
selected k marked and, when the rule set some k aside, those k hatched."""

from __future__ import annotations

import pandas as pd
from figure_style import (
    HIGHLIGHT_COLOUR,
    NEUTRAL_COLOUR,
    and_list,
    feature_list_text,
    new_figure,
    share_text,
)
from mart_data import Marts
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

NOT_ACTIONABLE_COLOUR = "#9a9a9a"


def not_actionable_k(marts: Marts) -> list[int]:
    """The k the selection rule could not choose (k_evaluation.is_actionable);
    none when the var n_clusters forced k, since the rule did not run."""
    evaluation = marts.k_evaluation
    if "is_actionable" not in evaluation.columns:
        return []
    if pd.notna(marts.run_summary["n_clusters"].iloc[0]):
        return []
    return [int(k) for k in evaluation.loc[~evaluation["is_actionable"], "k"]]


def _mark_not_actionable(ax: Axes, marts: Marts, column: str, ks: list[int]) -> None:
    """A hatched grey band over each k set aside; on the silhouette panel,
    each k's smallest segment share along its foot, the rule's evidence."""
    for k in ks:
        ax.axvspan(
            k - 0.4,
            k + 0.4,
            facecolor="#eeeeee",
            edgecolor=NOT_ACTIONABLE_COLOUR,
            hatch="//",
            linewidth=0,
            zorder=0,
            gid=f"not-actionable-{column}-{k}",
        )
    if column != "silhouette":
        return
    # In a row along the foot of the panel, under each k: placed under
    # their points, the labels hid the line where the silhouette falls
    # steeply (k = 2 to 3 on the Online Retail file).
    for row in marts.k_evaluation.itertuples():
        ax.annotate(
            f"smallest\n{share_text(row.smallest_segment_share)}",
            (row.k, 0.02),
            xycoords=("data", "axes fraction"),
            ha="center",
            va="bottom",
            fontsize=10,
            color="#555555" if int(row.k) in ks else "#222222",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"},
            gid=f"smallest-share-{int(row.k)}",
        )
    low, high = ax.get_ylim()
    ax.set_ylim(low - 0.18 * (high - low), high)


def scored_k_text(ks: list[int]) -> str:
    """The k scored, as runs: "2 to 10 and 20"."""
    runs: list[list[int]] = []
    for k in sorted(set(ks)):
        if runs and k == runs[-1][-1] + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return and_list(
        [f"{run[0]} to {run[-1]}" if len(run) > 1 else str(run[0]) for run in runs]
    )


def plot_model_selection(marts: Marts) -> Figure:
    evaluation = marts.k_evaluation
    selected = marts.selected
    set_aside = not_actionable_k(marts)
    figure, body = new_figure(
        15,
        6,
        "Choosing the number of segments",
        f"K-Means on {feature_list_text(marts.features)},"
        f" {int(selected['evaluated_rows']):,} customers per fit",
    )
    panels = [
        ("inertia", "Elbow: inertia against k", "Inertia (sum of squares, z units²)"),
        (
            "silhouette",
            "Silhouette against k",
            "Mean silhouette (−1 to 1, higher is better)",
        ),
    ]
    # A forced k outside k_min..k_max leaves a gap in the k scored: the line
    # breaks there instead of joining the two as if the k between were
    # scored.
    every_k = range(evaluation["k"].min(), evaluation["k"].max() + 1)
    for ax, (column, title, ylabel) in zip(body.subplots(1, 2), panels, strict=True):
        scores = evaluation.set_index("k")[column].reindex(every_k)
        ax.plot(
            scores.index,
            scores.to_numpy(),
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
            gid=f"selected-k-{column}",
        )
        handles = []
        if set_aside:
            _mark_not_actionable(ax, marts, column, set_aside)
            handles = [
                Patch(
                    facecolor="#eeeeee",
                    edgecolor=NOT_ACTIONABLE_COLOUR,
                    hatch="//",
                    label="not actionable: too few segments or one too small",
                )
            ]
        ax.set_title(title)
        ax.set_xlabel("Number of segments k")
        ax.set_ylabel(ylabel)
        # A tick at each k scored; a locator would put one k between
        # fractions (1.900, 1.925, ...).
        ax.set_xticks(sorted(evaluation["k"]))
        # Room above the highest point for the legend, which would otherwise
        # cover the best score when that sits at the top of the panel.
        low, high = ax.get_ylim()
        ax.set_ylim(low, high + 0.3 * (high - low))
        ax.legend(handles=ax.get_legend_handles_labels()[0] + handles, loc="best")
    return figure
