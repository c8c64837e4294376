"""The exploratory figures: the customers' columns before any segment."""

from __future__ import annotations

import numpy as np
import pandas as pd
from axis_ticks import set_log_axis
from figure_style import (
    GENDER_COLOURS,
    NEUTRAL_COLOUR,
    NUMERIC_COLUMNS,
    PLAIN_NAMES,
    PROFILE,
    bin_edges,
    customers_with,
    feature_label,
    gender_groups,
    log_bin_edges,
    new_figure,
    signed,
    uses_log_axis,
    value_text,
)
from mart_data import Marts
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


def plot_distributions_by_gender(marts: Marts) -> Figure:
    customers = marts.customers
    figure, body = new_figure(
        16,
        6,
        "Age, income and spending score by gender",
        f"{customers_with(customers, NUMERIC_COLUMNS, PROFILE)};"
        " bars side by side per bin",
    )
    groups = gender_groups(customers)
    for ax, column in zip(body.subplots(1, 3), NUMERIC_COLUMNS, strict=True):
        values = customers[column].dropna()
        ax.set_xlabel(axis_label(marts, column))
        ax.set_ylabel("Customers")
        ax.set_title(PLAIN_NAMES[column].capitalize())
        if values.empty:
            ax.text(0.5, 0.5, "no values", ha="center", transform=ax.transAxes)
            continue
        present = [(name, group[column].dropna()) for name, group in groups]
        present = [(name, group) for name, group in present if not group.empty]
        ax.hist(
            [group for _, group in present],
            bins=column_bins(marts, column, values),
            color=[GENDER_COLOURS[name] for name, _ in present],
            label=[
                f"{name} (n = {len(group):,}, median {value_text(group.median())})"
                for name, group in present
            ],
            edgecolor="white",
            linewidth=0.6,
        )
        if uses_log_axis(marts, column):
            set_log_axis(ax, "x")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, ax.get_ylim()[1] * 1.25)
        ax.legend(loc="upper right", fontsize=11)
    return figure


def axis_label(marts: Marts, column: str) -> str:
    return feature_label(marts, column) + (
        ", log scale" if uses_log_axis(marts, column) else ""
    )


def column_bins(marts: Marts, column: str, values: pd.Series) -> np.ndarray:
    """Bins even on the column's axis: on ln(1 + value) for a log1p
    feature, whose values (an income of 100,000 k$ among ones of 15 to 137)
    would otherwise fall in one bar."""
    if uses_log_axis(marts, column) and values.min() != values.max():
        return log_bin_edges(values)
    return bin_edges(values)


def correlation_columns(marts: Marts) -> list[str]:
    """The profile's numeric columns, then the order-lines features the run
    clustered on: a run on both files shows how, say, age and spend relate."""
    return NUMERIC_COLUMNS + [f for f in marts.features if f not in NUMERIC_COLUMNS]


def correlation_name(marts: Marts, column: str, names: dict[str, str]) -> str:
    """A column's name from ``names``, marked when it is correlated on the
    log scale."""
    return names[column] + (" (log)" if uses_log_axis(marts, column) else "")


def correlations(marts: Marts) -> pd.DataFrame:
    """Pearson correlations of correlation_columns (pairwise complete), each
    on the scale K-Means saw it: ln(1 + value) for a log1p feature."""
    values = marts.customers[correlation_columns(marts)].astype("float64")
    for column in values.columns:
        if uses_log_axis(marts, column):
            values[column] = np.log1p(values[column])
    return values.corr(method="pearson")


def plot_correlation_matrix(marts: Marts) -> Figure:
    matrix = correlations(marts)
    columns = list(matrix.columns)
    figure, body = new_figure(
        10 if len(columns) <= 3 else 12,
        7.5 if len(columns) <= 3 else 9.5,
        "Correlation of the numeric columns",
        "+1: rise together, −1: one rises as the other falls, 0: unrelated",
    )
    ax = body.subplots()
    image = ax.imshow(matrix.to_numpy(), cmap="RdBu_r", vmin=-1, vmax=1)
    axis_names = {column: feature_label(marts, column) for column in columns}
    labels = [correlation_name(marts, column, axis_names) for column in columns]
    # More than the three profile columns: slanted, so that long labels fit.
    ax.set_xticks(
        range(len(labels)),
        labels=labels,
        rotation=0 if len(columns) <= 3 else 30,
        ha="center" if len(columns) <= 3 else "right",
    )
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
            fontsize=17 if len(columns) <= 3 else 13,
            fontweight="bold",
            color="white" if abs(value) > 0.6 else "black",
        )
    body.colorbar(image, ax=ax, label="Pearson correlation r", shrink=0.85)
    return figure


def plot_pairwise_scatter(marts: Marts) -> Figure:
    """A corner plot: each pair once below the diagonal, distributions on it."""
    customers = marts.customers
    n = len(NUMERIC_COLUMNS)
    figure, body = new_figure(
        13,
        11,
        "Age, income and spending score against each other",
        "Each dot is a customer; each pair is shown once, distributions on the"
        " diagonal",
    )
    grid = body.subplots(n, n, sharex="col")
    groups = gender_groups(customers)
    for row, column in np.ndindex(n, n):
        ax = grid[row, column]
        x, y = NUMERIC_COLUMNS[column], NUMERIC_COLUMNS[row]
        if column > row:
            ax.set_axis_off()
            continue
        if row == column:
            values = customers[x].dropna()
            if not values.empty:
                ax.hist(
                    values, bins=column_bins(marts, x, values), color=NEUTRAL_COLOUR
                )
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
            ax.set_ylabel(axis_label(marts, y) if column == 0 else "")
            if uses_log_axis(marts, y):
                set_log_axis(ax, "y")
        if uses_log_axis(marts, x):
            set_log_axis(ax, "x")
        ax.set_xlabel(axis_label(marts, x) if row == n - 1 else "")
        ax.tick_params(labelbottom=True)
    handles, labels = grid[n - 1, 0].get_legend_handles_labels()
    grid[0, n - 1].legend(
        handles, labels, loc="upper right", title="Gender", markerscale=2.5
    )
    return figure
