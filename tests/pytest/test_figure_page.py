"""The figures page's account of where the input went, for each kind of
run, and the correlation caption, on hand-made marts (the bundled build's
page is in test_figures.py)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from eda_figures import (
    column_bins,
    correlations,
    plot_distributions_by_gender,
    plot_pairwise_scatter,
)
from figure_catalogue import figure_specs
from figure_page import render_index
from rfm_hand_made_marts import NAMES, RFM, hand_made_marts
from segment_planes import plot_segments_income_spending

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


def page_without_rfm_values(**run_summary) -> str:
    """The page of hand-made marts whose customers have profiles and no RFM
    values, the run summary's columns set as given."""
    marts = hand_made_marts(with_profiles=True)
    rfm_free = marts.customers.assign(**{column: pd.NA for column in RFM})
    summary = marts.run_summary.assign(**run_summary)
    return render_index(replace(marts, customers=rfm_free, run_summary=summary), [])


def test_both_files_are_told_apart_by_the_run_not_by_the_customers():
    # Profile features only, and no id in both files: no segmented customer
    # has RFM values, yet the run read order lines.
    page = page_without_rfm_values(input_source="profiles.csv")
    assert (
        "Customers: 11, the rows of profiles.csv and the order-lines customers"
        " who have none;"
    ) in page
    assert ORDER_LINES in page


def test_both_files_without_a_shared_id_name_the_customer_file():
    # RFM features, and no id of the file in the order lines: every
    # segmented customer comes from the order lines and has no profile,
    # yet the run read the customer file (its rows all rejected).
    marts = hand_made_marts()
    summary = marts.run_summary.assign(input_source="profiles.csv")
    page = render_index(replace(marts, run_summary=summary), [])
    assert (
        "Customers: 11, the rows of profiles.csv and the order-lines customers"
        " who have none;"
    ) in page


def test_a_customer_file_alone_counts_its_rows():
    page = page_without_rfm_values(
        input_source="profiles.csv", transactions_source=None
    )
    assert (
        "Input: profiles.csv, 11 rows; 10 segmented and 1 rejected, each with"
        " its reason in marts.rejected_customer_rows."
    ) in page
    assert "Order lines:" not in page


def correlation_marts(age, income, score, features="profile"):
    """Hand-made marts of a run on both files, clustered on the three profile
    columns ("profile") or on RFM, log-scaled ("rfm"), with these values."""
    marts = hand_made_marts(with_profiles=True)
    customers = marts.customers.iloc[:8].assign(
        age=list(age), annual_income_k=list(income), spending_score=list(score)
    )
    centroids = marts.centroids
    if features == "profile":
        profile = dict(
            zip(RFM, ["age", "annual_income_k", "spending_score"], strict=True)
        )
        centroids = centroids.assign(
            feature=centroids["feature"].map(profile), transformation="none"
        )
    return replace(marts, customers=customers, centroids=centroids)


def correlation_caption(marts) -> str:
    (spec,) = [
        spec
        for spec in figure_specs(marts)
        if spec.filename == "02_eda_correlation_matrix.png"
    ]
    return spec.caption(marts)


def test_the_correlation_caption_names_the_strongest_pair():
    # Income rises with age (r = +1); the spending score is unrelated to both.
    caption = correlation_caption(
        correlation_marts(range(1, 9), range(1, 9), [1, 1, -1, -1, -1, -1, 1, 1])
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
        correlation_marts(
            range(21, 29),
            [41, 39, 39, 41, 41, 39, 39, 41],
            [48, 48, 49, 50, 48, 49, 48, 48],
        )
    )
    assert caption == (
        "Pearson correlations of the numeric columns; no pair is related: the"
        " largest, age and spending score, has r = −0.08."
    )


def test_with_both_files_the_matrix_adds_the_clustered_order_line_features():
    # Spend grows as e to the power of age: related exactly on the log
    # scale K-Means clusters it on (r = +1), far less in pounds.
    age = range(21, 29)
    marts = correlation_marts(
        age,
        [41, 39, 39, 41, 41, 39, 39, 41],
        [48, 48, 49, 50, 48, 49, 48, 48],
        features="rfm",
    )
    marts = replace(
        marts, customers=marts.customers.assign(monetary=np.expm1(list(age)))
    )
    matrix = correlations(marts)
    assert list(matrix.columns) == ["age", "annual_income_k", "spending_score", *RFM]
    assert matrix.loc["age", "monetary"] == pytest.approx(1.0)
    assert marts.customers[["age", "monetary"]].corr().iloc[0, 1] < 0.8
    assert correlation_caption(marts) == (
        "Pearson correlations of the numeric columns; the strongest pair is"
        " age and monetary value (log) (r = +1.00)."
    )


def test_a_profile_column_clustered_as_log1p_is_drawn_and_correlated_on_logs():
    # Incomes K-Means saw as ln(1 + value): one of 100,000 k$ put every
    # other customer in one bar of a linear axis, and the matrix correlated
    # the incomes in k$, not on the scale the model saw.
    age = range(21, 29)
    marts = correlation_marts(
        age, np.expm1(list(age)), [48, 48, 49, 50, 48, 49, 48, 48]
    )
    centroids = marts.centroids.assign(
        transformation=np.where(
            marts.centroids["feature"] == "annual_income_k", "log1p", "none"
        )
    )
    marts = replace(marts, centroids=centroids)
    assert correlations(marts).loc["age", "annual_income_k"] == pytest.approx(1.0)
    distributions = plot_distributions_by_gender(marts)
    assert [ax.get_xscale() for ax in distributions.axes] == [
        "linear",
        "symlog",
        "linear",
    ]
    assert distributions.axes[1].get_xlabel() == "Annual income (k$), log scale"
    scatter = plot_pairwise_scatter(marts)
    grid = np.array(scatter.axes).reshape(3, 3)
    assert [ax.get_xscale() for ax in grid[2]] == ["linear", "symlog", "linear"]
    assert [grid[row, 0].get_yscale() for row in (1, 2)] == ["symlog", "linear"]
    assert grid[1, 0].get_ylabel() == "Annual income (k$), log scale"
    # One income for everyone: one bar around it, not a sliver at its left
    # of a bin reaching e times further.
    assert list(column_bins(marts, "annual_income_k", pd.Series([50.0] * 3))) == [
        49.5,
        50.5,
    ]


def test_the_monthly_caption_names_one_month_once():
    # A file of one month read "December 2010 to December 2010".
    marts = hand_made_marts()
    monthly = marts.monthly_sales.assign(month_start=pd.Timestamp("2010-12-01"))
    marts = replace(marts, monthly_sales=monthly)
    (spec,) = [
        spec
        for spec in figure_specs(marts)
        if spec.filename == "10_segment_monthly_sales.png"
    ]
    assert ", one line per segment, December 2010. An open marker" in (
        spec.caption(marts)
    )


def test_captions_count_one_as_one():
    # A run whose median customer bought once, from one invoice.
    marts = hand_made_marts()
    customers = marts.customers.assign(frequency=1)
    specs = {
        spec.filename: spec
        for spec in figure_specs(replace(marts, customers=customers))
    }
    caption = specs["01_eda_rfm_distributions.png"].caption(
        replace(marts, customers=customers)
    )
    assert " 1 invoice and " in caption
    assert "centroids marked ×." in specs["05_segments_recency_monetary.png"].caption(
        marts
    )


def test_captions_count_only_the_customers_a_figure_draws():
    # A run on both files: two customers have no profile row, one has only
    # a return line (frequency and spend 0, no recency) and one no order
    # line. "All 10 customers on the income × spending plane" drew 8.
    marts = hand_made_marts(with_profiles=True)
    customers = marts.customers.copy()
    profile = ["gender", "age", "annual_income_k", "spending_score"]
    customers.loc[[0, 1], profile] = np.nan
    customers.loc[2, RFM] = [np.nan, 0, 0.0]
    customers.loc[3, RFM] = np.nan
    marts = replace(marts, customers=customers)
    captions = {spec.filename: spec.caption(marts) for spec in figure_specs(marts)}
    profiles = "8 of the 10 segmented customers with a customer profile"
    assert captions["01_eda_distributions_by_gender.png"] == (
        f"Age, annual income and spending score of the {profiles}, split by gender."
    )
    assert captions["03_eda_pairwise_scatter.png"].startswith(
        f"The {profiles} on each pair of age,"
    )
    assert captions["05_segments_income_spending.png"].startswith(
        f"The {profiles} on the income × spending plane,"
    )
    assert captions["01_eda_rfm_distributions.png"].startswith(
        "Recency, frequency and monetary value of the 9 of the 10 segmented"
        " customers with order lines, on log axes;"
    )
    assert captions["05_segments_recency_monetary.png"].startswith(
        "The 8 of the 10 segmented customers with a sale line on recency ×"
        " monetary value"
    )
    # The legend counts the points drawn: segment 1's three customers,
    # two of them without a profile.
    figure = plot_segments_income_spending(marts)
    (legend,) = [legend for body in figure.subfigs for legend in body.legends]
    assert [text.get_text() for text in legend.get_texts()][:3] == [
        f"{segment}: {NAMES[segment]} (n = {count})"
        for segment, count in ((1, 1), (2, 3), (3, 4))
    ]
