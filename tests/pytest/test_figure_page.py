"""The figures page's account of where the input went, for each kind of
run, and the correlation caption, on hand-made marts (the bundled build's
page is in test_figures.py)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from figure_catalogue import figure_specs
from figure_page import render_index
from rfm_hand_made_marts import hand_made_marts

ORDER_LINES = " Order lines: orders.csv, 100 lines; 80 sale lines, 5 return lines and"


def test_order_lines_alone_count_their_customers():
    page = render_index(hand_made_marts(), [])
    assert (
        "Customers: 11 in the order lines; 10 segmented and 1 rejected, each"
        " with its reason in marts.rejected_customer_rows." + ORDER_LINES
    ) in page


def test_with_both_files_the_count_is_not_called_the_files_rows():
    # input_rows counts the file's rows and the order-lines customers who
    # have none: 11 here is not the file's size.
    marts = hand_made_marts(with_profiles=True)
    summary = marts.run_summary.assign(input_source="profiles.csv")
    page = render_index(replace(marts, run_summary=summary), [])
    assert (
        "Customers: 11, the rows of profiles.csv and the order-lines customers"
        " who have none; 10 segmented and 1 rejected, each with its reason in"
        " marts.rejected_customer_rows." + ORDER_LINES
    ) in page
    assert "Input: profiles.csv" not in page


def test_both_files_are_told_apart_by_the_run_not_by_the_customers():
    # Profile features only, and no id in both files: no segmented customer
    # has RFM values, yet the run read order lines.
    marts = hand_made_marts(with_profiles=True)
    rfm_free = marts.customers.assign(
        **{column: pd.NA for column in ["recency_days", "frequency", "monetary"]}
    )
    summary = marts.run_summary.assign(input_source="profiles.csv")
    page = render_index(replace(marts, customers=rfm_free, run_summary=summary), [])
    assert (
        "Customers: 11, the rows of profiles.csv and the order-lines customers"
        " who have none;"
    ) in page
    assert ORDER_LINES in page


def test_a_customer_file_alone_counts_its_rows():
    marts = hand_made_marts(with_profiles=True)
    rfm_free = marts.customers.assign(
        **{column: pd.NA for column in ["recency_days", "frequency", "monetary"]}
    )
    summary = marts.run_summary.assign(
        input_source="profiles.csv", transactions_source=None
    )
    page = render_index(replace(marts, customers=rfm_free, run_summary=summary), [])
    assert (
        "Input: profiles.csv, 11 rows; 10 segmented and 1 rejected, each with"
        " its reason in marts.rejected_customer_rows."
    ) in page
    assert "Order lines:" not in page


def correlation_caption(age, income, score) -> str:
    marts = hand_made_marts(with_profiles=True)
    customers = marts.customers.iloc[:8].assign(
        age=list(age), annual_income_k=list(income), spending_score=list(score)
    )
    marts = replace(marts, customers=customers)
    (spec,) = [
        spec
        for spec in figure_specs(marts)
        if spec.filename == "02_eda_correlation_matrix.png"
    ]
    return spec.caption(marts)


def test_the_correlation_caption_names_the_strongest_pair():
    # Income rises with age (r = +1); the spending score is unrelated to both.
    caption = correlation_caption(
        range(1, 9), range(1, 9), [1, 1, -1, -1, -1, -1, 1, 1]
    )
    assert caption == (
        "Pearson correlations of the numeric columns; the strongest pair is"
        " age and annual income (r = +1.00)."
    )


def test_the_correlation_caption_does_not_call_unrelated_columns_strong():
    # Income is orthogonal to age and to the score (r = 0). Age and score:
    # deviations from the means 24.5 and 48.5 give a cross sum of -1, and
    # squared sums 42 and 4, so r = -1 / sqrt(42 * 4) = -0.077.
    caption = correlation_caption(
        range(21, 29),
        [41, 39, 39, 41, 41, 39, 39, 41],
        [48, 48, 49, 50, 48, 49, 48, 48],
    )
    assert caption == (
        "Pearson correlations of the numeric columns; no pair is related: the"
        " largest, age and spending score, has r = −0.08."
    )
