"""What every figure shares: colours, labels, the slide style and the
title band.

Segment n has the same colour in every figure, whatever k is.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
from mart_data import Marts
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure, SubFigure

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


def new_figure(
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


def gender_groups(customers: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    gender = customers["gender"].fillna("Unknown")
    return [
        (name, customers.loc[gender == name])
        for name in GENDER_COLOURS
        if (gender == name).any()
    ]


def bin_edges(values: pd.Series) -> np.ndarray:
    edges = np.histogram_bin_edges(values, bins="auto")
    if len(edges) > 31:
        edges = np.linspace(values.min(), values.max(), 31)
    return edges


def segments_in_order(marts: Marts) -> pd.DataFrame:
    return marts.profiles.sort_values("segment_id")


def model_subtitle(marts: Marts) -> str:
    k = int(marts.selected["k"])
    return f"k = {k} segments, clustered on {feature_list_text(marts.features)}"
