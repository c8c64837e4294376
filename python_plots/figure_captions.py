"""The figures' captions: one sentence or two under each figure on the
gallery page, computed from the marts (the largest segment, the strongest
correlation, the medians, how many customers a figure draws)."""

from __future__ import annotations

from itertools import combinations

import numpy as np
from eda_figures import correlation_name, correlations
from figure_style import (
    PLAIN_NAMES,
    PROFILE,
    RFM_FEATURES,
    and_list,
    customers_with,
    feature_list_text,
    money_label,
    segment_label,
    segments_in_order,
    share_text,
    signed,
    some_customers_with,
)
from mart_data import Marts
from model_selection_figure import not_actionable_k, scored_k_text
from rfm_figures import rfm_grid_counts
from segment_planes import plane_centres

# More tied cells or segments than this are counted, not named.
MOST_TIES_NAMED = 3

# Below this |r|, two columns are called unrelated.
WEAK_CORRELATION = 0.1

# The customer file's headline plane.
INCOME_SPENDING = ["annual_income_k", "spending_score"]


def correlation_caption(marts: Marts) -> str:
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


def selection_caption(marts: Marts) -> str:
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


def sizes_caption(marts: Marts) -> str:
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


def plane_caption(marts: Marts) -> str:
    _, kind = plane_centres(marts, "annual_income_k", "spending_score")
    everyone = f"All {len(marts.customers):,} customers"
    return (
        f"{drawn(marts, INCOME_SPENDING, PROFILE, 'all', everyone)} on the"
        f" income × spending plane, one colour per segment, {kind}s marked ×."
    )


def counted(value: float, noun: str) -> str:
    """1 invoice, 1.5 invoices, 2 invoices."""
    return f"{value:,.10g} {noun}" + ("" if value == 1 else "s")


def rfm_distributions_caption(marts: Marts) -> str:
    medians = marts.customers[RFM_FEATURES].astype("float64").median()
    spent = money_label(marts, f"{medians['monetary']:,.0f} spent")
    return (
        "Recency, frequency and monetary value of the"
        f" {customers_with(marts.customers, RFM_FEATURES, 'order lines')},"
        " on log axes; medians"
        f" {counted(round(medians['recency_days']), 'day')},"
        f" {counted(medians['frequency'], 'invoice')} and"
        f" {spent}."
    )


def rfm_grid_caption(marts: Marts) -> str:
    counts = rfm_grid_counts(marts.customers).stack()
    # Every tie is named: picking one of them would be arbitrary.
    fullest = sorted(counts[counts == counts.max()].index, key=lambda fr: fr[::-1])
    per_segment = marts.customers["rfm_segment"].value_counts()
    largest = sorted(per_segment[per_segment == per_segment.max()].index)
    customers = counted(counts.max(), "customer")
    if len(fullest) == 1:
        [(f, r)] = fullest
        cells = f"the fullest cell is r = {r}, f = {f} ({customers})"
    elif len(fullest) > MOST_TIES_NAMED:
        cells = f"{len(fullest)} cells tie as the fullest, {customers} each"
    else:
        pairs = and_list([f"({r}, {f})" for f, r in reversed(fullest)])
        cells = f"the fullest cells are (r, f) = {pairs}, {customers} each"
    if len(largest) == 1:
        segments = f"the largest RFM segment is {largest[0]} ({per_segment.max():,})"
    elif len(largest) > MOST_TIES_NAMED:
        segments = (
            f"{len(largest)} RFM segments tie as the largest"
            f" ({per_segment.max():,} each)"
        )
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


def recency_monetary_caption(marts: Marts) -> str:
    _, kind = plane_centres(marts, "recency_days", "monetary")
    plane = ["recency_days", "monetary"]
    everyone = f"All {len(marts.customers):,} customers"
    return (
        f"{drawn(marts, plane, 'a sale line', 'all', everyone)} on recency ×"
        f" monetary value (log axes), one colour per segment, {kind}s marked ×."
    )


def drawn(marts: Marts, columns: list[str], what: str, how: str, everyone: str):
    """``everyone`` ('All 200 customers'), or 'The 8 of the 10 segmented
    customers with {what}' when only those have a value in ``columns``
    (``how``: in any or in all of them) and so are drawn."""
    some = some_customers_with(marts.customers, columns, what, how)
    return f"The {some}" if some else everyone


def monthly_sales_caption(marts: Marts) -> str:
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


def centroids_caption(marts: Marts) -> str:
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
