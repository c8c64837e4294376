"""What every figure shares: colours, labels, the slide style and the
title band.

Segment n has the same colour in every figure, whatever k is.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from textwrap import wrap

import matplotlib as mpl
import numpy as np
import pandas as pd
from mart_data import Marts
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure, SubFigure

# The numeric input columns, in the pipeline's canonical feature order.
NUMERIC_COLUMNS = ["age", "annual_income_k", "spending_score"]
# The order lines' RFM columns shown in the RFM figures.
RFM_FEATURES = ["recency_days", "frequency", "monetary"]
# Every feature of the catalogue (macros/feature_catalogue.sql) has a label,
# a plain name and a unit, so any choice of features can be drawn.
AXIS_LABELS = {
    "age": "Age (years)",
    "annual_income_k": "Annual income (k$)",
    "spending_score": "Spending score (1–100)",
    "recency_days": "Recency (days since the last purchase)",
    "frequency": "Frequency (invoices)",
    "monetary": "Monetary value (total spend)",
    "tenure_days": "Tenure (days since the first purchase)",
    "avg_order_value": "Average order value",
    "returned_value": "Returned value",
}
# The features that are amounts of money, in the order lines' currency.
MONEY_FEATURES = {"monetary", "avg_order_value", "returned_value"}
PLAIN_NAMES = {
    "age": "age",
    "annual_income_k": "annual income",
    "spending_score": "spending score",
    "recency_days": "recency",
    "frequency": "frequency",
    "monetary": "monetary value",
    "tenure_days": "tenure",
    "avg_order_value": "average order value",
    "returned_value": "returned value",
}
UNITS = {
    "age": "yrs",
    "annual_income_k": "k$",
    "spending_score": "pts",
    "recency_days": "days",
    "frequency": "inv.",
    "monetary": "spent",
    "tenure_days": "days",
    "avg_order_value": "per order",
    "returned_value": "returned",
}
PROFILE_AVERAGES = {
    "age": "avg_age",
    "annual_income_k": "avg_annual_income_k",
    "spending_score": "avg_spending_score",
    "recency_days": "avg_recency_days",
    "frequency": "avg_frequency",
    "monetary": "avg_monetary",
    "tenure_days": "avg_tenure_days",
    "avg_order_value": "avg_avg_order_value",
    "returned_value": "avg_returned_value",
}
# The segment averages that are amounts of money, e.g. avg_monetary.
MONEY_AVERAGES = {PROFILE_AVERAGES[feature] for feature in MONEY_FEATURES}
# Decimals of a feature's averages on bar labels (0 unless listed).
AVERAGE_DECIMALS = {"frequency": 1}
# Skewed counts and amounts, drawn on log axes when they are not clustering
# features (a clustering feature's axis follows its transformation in
# segment_centroids); the same list as the var log_transformed_features'
# default.
LOG_AXIS_FEATURES = {
    "recency_days",
    "frequency",
    "monetary",
    "avg_order_value",
    "returned_value",
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
    """+0.25 / −0.25, with a typographic minus as on the axes; a value that
    rounds to zero has no sign (−0.03 is 0.0, neither +0.0 nor −0.0)."""
    rounded = round(value, decimals) + 0.0
    if rounded == 0:
        return f"{0:.{decimals}f}"
    return f"{rounded:+.{decimals}f}".replace("-", "\u2212")


def segment_colour(segment_id: int) -> str:
    return SEGMENT_PALETTE[(int(segment_id) - 1) % len(SEGMENT_PALETTE)]


# Where a segment's label sits beside a plot (tick labels, legends) it
# breaks after a " · " past this many characters: a name from six features
# (about 75) took half the width of the profile panels beside it; three
# levels, as RFM names have, stay on one line.
LABEL_WIDTH = 44
LEVEL_SEPARATOR = " · "


def segment_label(
    segment_id: int, segment_name: str, width: int | None = LABEL_WIDTH
) -> str:
    """'3: Recent · Frequent · High spend', as a figure shows it: a new line
    starts after each " · " that would carry a line past ``width``; one
    level longer than that keeps its own line whole. None: one line, as
    text outside a figure wants it."""
    label = f"{int(segment_id)}: {segment_name}"
    if width is None:
        return label
    first, *rest = label.split(LEVEL_SEPARATOR)
    lines = [first]
    for level in rest:
        if len(lines[-1]) + len(LEVEL_SEPARATOR) + len(level) <= width:
            lines[-1] += LEVEL_SEPARATOR + level
        else:
            lines[-1] += LEVEL_SEPARATOR.rstrip()
            lines.append(level)
    return "\n".join(lines)


def segment_count_label(segment_id: int, segment_name: str, customers: int) -> str:
    """A legend entry: the segment's label and its customers as "(n = 7)",
    which a deduplicated name's own "(1)" cannot be mistaken for."""
    return f"{segment_label(segment_id, segment_name)} (n = {customers:,})"


def feature_list_text(features: list[str]) -> str:
    """['age', 'spending_score'] -> 'age and spending score'."""
    return and_list([PLAIN_NAMES[feature] for feature in features])


# What a customer of the customer file has, as the captions name it.
PROFILE = "a customer profile"


def customers_with(
    customers: pd.DataFrame, columns: list[str], what: str, how: str = "any"
) -> str:
    """'200 segmented customers', or some_customers_with's phrase."""
    return some_customers_with(customers, columns, what, how) or (
        f"{len(customers):,} segmented customers"
    )


def some_customers_with(
    customers: pd.DataFrame, columns: list[str], what: str, how: str = "any"
) -> str | None:
    """'8 of the 14 segmented customers with {what}' when only those have
    a value in ``columns`` (``how``: in any or in all of them), as in a run
    on both files, and so are all a figure of those columns draws; None
    when every segmented customer has."""
    present = customers[columns].notna()
    shown = int((present.all(axis=1) if how == "all" else present.any(axis=1)).sum())
    if shown == len(customers):
        return None
    return f"{shown:,} of the {len(customers):,} segmented customers with {what}"


def and_list(items: list[str]) -> str:
    """['a', 'b', 'c'] -> 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


HEADER_HEIGHT = 1.0  # inches for the title and a one-line subtitle
# A 13 pt subtitle takes about a tenth of an inch a character; each line
# past the first adds this much to the band.
SUBTITLE_CHARACTERS_PER_INCH = 10
SUBTITLE_LINE_HEIGHT = 0.25


def new_figure(
    width: float, height: float, title: str, subtitle: str
) -> tuple[Figure, SubFigure]:
    """A figure with a title band on top; plots go into the returned body.

    The band is its own subfigure, so legends placed outside the plots can
    never run into the title, whatever the title's length. A subtitle wider
    than the figure wraps, and the band grows by its extra lines, so the
    plots keep ``height`` less the one-line band.
    """
    lines = wrap(subtitle, int(width * SUBTITLE_CHARACTERS_PER_INCH) - 4)
    extra = SUBTITLE_LINE_HEIGHT * (len(lines) - 1)
    band = HEADER_HEIGHT + extra
    figure = Figure(figsize=(width, height + extra), layout="constrained")
    FigureCanvasAgg(figure)
    header, body = figure.subfigures(2, 1, height_ratios=[band, height - HEADER_HEIGHT])
    # The title 0.05 in below the top, the subtitle 0.12 in above the foot.
    header.text(
        0.01,
        1 - 0.05 / band,
        title,
        ha="left",
        va="top",
        fontsize=19,
        fontweight="bold",
    )
    header.text(
        0.01,
        0.12 / band,
        "\n".join(lines),
        ha="left",
        va="bottom",
        fontsize=13,
        color="#555555",
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


def money_label(marts: Marts, label: str) -> str:
    """An amount's label with the currency the build recorded, if any:
    'Revenue (sale lines, £)', 'Returned value (£)'."""
    if marts.currency is None:
        return label
    if label.endswith(")"):
        return f"{label[:-1]}, {marts.currency})"
    return f"{label} ({marts.currency})"


def feature_label(marts: Marts, feature: str) -> str:
    """A feature's axis label; an amount's with its currency."""
    label = AXIS_LABELS[feature]
    return money_label(marts, label) if feature in MONEY_FEATURES else label


def uses_log_axis(marts: Marts, feature: str) -> bool:
    """Log axis for a feature K-Means saw as log1p(value), and for the
    skewed order-lines features when they are not clustering features."""
    transforms = marts.centroids.drop_duplicates("feature").set_index("feature")
    if "transformation" in transforms.columns and feature in transforms.index:
        return transforms.at[feature, "transformation"] == "log1p"
    return feature in LOG_AXIS_FEATURES


def whole_number_log_bins(values: pd.Series, bins: int = 30) -> np.ndarray:
    """Bin edges about even on a log axis for whole numbers of at least 0:
    each halfway between two whole numbers, so that every bin holds at
    least one whole value and no value is split."""
    low, high = int(values.min()), int(values.max())
    cuts = np.rint(log_bin_edges(values, bins)).astype(int)
    # The outer bins run to the extremes, however the edges rounded: an
    # extra bin for the largest value alone would be too thin to see.
    cuts[0], cuts[-1] = low, high + 1
    cuts = np.unique(cuts)
    edges = cuts - 0.5
    edges[0] = max(edges[0], 0.0)
    return edges


def area_heights(ax: Axes, edges: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Bar heights whose areas on the axis's x scale (set first) count the
    customers: a bar as wide as the average counts them at its height, a
    wider one lower. Bins snapped to whole numbers are unequal on a log
    axis, and plain counts would make a bin of two values a spike."""
    scaled = ax.xaxis.get_transform().transform(edges)
    widths = np.diff(scaled)
    return counts * (widths.mean() / widths)


def log_bin_edges(values: pd.Series, bins: int = 30) -> np.ndarray:
    """Bins of equal width on log(1 + value): even on a log axis."""
    low = float(np.log1p(max(float(values.min()), 0.0)))
    high = max(float(np.log1p(float(values.max()))), low + 1.0)
    edges = np.expm1(np.linspace(low, high, bins + 1))
    # expm1(log1p(x)) can round below x: keep the extremes inside the bins.
    edges[0] = min(edges[0], float(values.min()))
    edges[-1] = max(edges[-1], float(values.max()))
    return edges


def percent_text(share: float, decimals: int = 0) -> str:
    """A share as a percentage rounded half up, as readers round: 0.405 is
    41%, where Python's format rounds the double just below 0.405 to 40%."""
    places = Decimal(1).scaleb(-decimals)
    percent = Decimal(repr(float(share))) * 100
    return f"{percent.quantize(places, rounding=ROUND_HALF_UP)}%"


def share_text(share: float) -> str:
    """A share of the customers to one decimal (40.5%): whole percentages
    rounded one by one would add up to 101% or 102% for the Mall segments,
    and a segment of 0.5% does not read as 0% or 1%."""
    return percent_text(share, 1)


def value_text(value: float) -> str:
    """A median or an average for a label, rounded half up like the
    percentages: whole numbers and values from 100 up without decimals,
    others with one (a median income of 62.5)."""
    exact = Decimal(repr(float(value)))
    places = (
        Decimal(1)
        if exact == exact.to_integral_value() or abs(exact) >= 100
        else Decimal("0.1")
    )
    return f"{exact.quantize(places, rounding=ROUND_HALF_UP):,}"
