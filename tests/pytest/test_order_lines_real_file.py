"""The public UCI "Online Retail" file (541,909 order lines), read in place
from ../shared/data by a full `dbt build`. The counts were worked out
independently with pandas (each rule written anew over the file read as
text, duplicates by DataFrame.duplicated) and agree with the build."""

from __future__ import annotations

import csv
import gzip
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from conftest import ONLINE_RETAIL

LINES = 541_909
RFM = ["recency_days", "frequency", "monetary"]
SALE_LINES = 391_150
RETURN_LINES = 8_506
REJECTED = {
    "missing_customer_id": 135_080,
    "invalid_customer_id": 0,
    "missing_invoice": 0,
    "missing_stock_code": 0,
    "invalid_invoice_date": 0,
    "invalid_quantity": 0,
    # Price 0.0 on lines with a customer id (free samples, adjustments).
    "invalid_unit_price": 40,
    # Every C invoice in the file has a negative quantity.
    "inconsistent_cancellation": 0,
    # POST, D, C2, M, BANK CHARGES, PADS, DOT, CRUK with a customer id.
    "non_product_line": 1_913,
    "exact_duplicate": 5_220,
    "after_as_of_date": 0,
}


@pytest.fixture(scope="module")
def real_build(online_retail_build):
    """The session's one build of the file (conftest), default settings,
    shared with the figure, Power BI and order-line analyses' tests."""
    return online_retail_build


def test_every_line_is_counted_by_outcome_and_reason(real_build):
    columns = ["transaction_lines", "sale_lines", "return_lines"] + [
        f"rejected_lines_{reason}" for reason in REJECTED
    ]
    summary = real_build.query(
        f"select {', '.join(columns)}, rejected_transaction_lines"
        " from marts.segmentation_run_summary"
    )
    assert summary == [
        (LINES, SALE_LINES, RETURN_LINES, *REJECTED.values(), sum(REJECTED.values()))
    ]
    by_reason = dict(
        real_build.query(
            "select reject_reason, count(*) from marts.rejected_transaction_rows"
            " group by reject_reason"
        )
    )
    assert by_reason == {reason: n for reason, n in REJECTED.items() if n}
    # The build ends by saying the same.
    assert (
        f"  Order lines: {LINES} read, {SALE_LINES} sales, {RETURN_LINES} returns,"
        f" {sum(REJECTED.values())} rejected, each with its reason in"
        " marts.rejected_transaction_rows.\n"
    ) in real_build.output


def test_line_numbers_point_back_at_the_file(real_build):
    # A plain read of the file: the lines without a customer id are exactly
    # those rejected as missing_customer_id (line n = data line n).
    with gzip.open(ONLINE_RETAIL, "rt", newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        next(rows)
        no_customer = {n for n, row in enumerate(rows, start=1) if not row[6].strip()}
    assert len(no_customer) == REJECTED["missing_customer_id"]
    rejected = real_build.query(
        "select source_line_number from marts.rejected_transaction_rows"
        " where reject_reason = 'missing_customer_id'"
    )
    assert {n for (n,) in rejected} == no_customer


def test_rfm_of_three_customers_worked_by_hand(real_build):
    # as_of_date: the latest sale line is on 2011-12-09, so 2011-12-10.
    rows = real_build.query(
        "select customer_id, recency_days, frequency, monetary, tenure_days,"
        " avg_order_value, returned_value, r_score, f_score, m_score, rfm_segment"
        " from marts.customer_segments"
        " where customer_id in (12346, 12347, 17850) order by customer_id"
    )
    assert rows == [
        # One line, invoice 541431 on 2011-01-18: 74215 × 1.04 = 77183.60,
        # all returned by C541433 the same day. 2011-01-18 to 2011-12-10 is
        # 13 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 10 = 326
        # days. Scores: long ago (r 1), one invoice (f 1), top spend (m 5);
        # fm = (1 + 5 + 1) // 2 = 3.
        (12346, 326, 1, Decimal("77183.600"), 326, Decimal("77183.600"),
         Decimal("77183.600"), 1, 1, 5, "At risk"),
        # Seven invoices: 711.79 (2010-12-07) + 475.39 + 636.25 + 382.52
        # + 584.91 + 1294.32 + 224.82 (2011-12-07) = 4310.00; no returns.
        # Recency 2011-12-07 to 12-10 = 3; tenure 2010-12-07 to 2011-12-10
        # = 365 + 3 = 368; 4310.00 / 7 = 615.714.
        (12347, 3, 7, Decimal("4310.000"), 368, Decimal("615.714"),
         Decimal("0.000"), 5, 5, 5, "Champions"),
        # 297 sale lines on 34 invoices, all on 2010-12-01 and 2010-12-02
        # (the file's first days): 5391.21; 12 return lines worth 87.73.
        # Recency 2010-12-02 to 2011-12-10 = 365 + 8 = 373, tenure 374;
        # 5391.21 / 34 = 158.565.
        (17850, 373, 34, Decimal("5391.210"), 374, Decimal("158.565"),
         Decimal("87.730"), 1, 5, 5, "Can't lose them"),
    ]  # fmt: skip


def test_customers_with_only_returns_are_not_segmented(real_build):
    assert real_build.query(
        "select count(*) filter (where has_purchases),"
        " count(*) filter (where not has_purchases)"
        " from intermediate.int_customer_rfm"
    ) == [(4_334, 28)]
    assert real_build.query(
        "select count(*) filter (where is_segmented and rfm_segment is not null),"
        " count(*) filter (where not is_segmented and r_score is null)"
        " from intermediate.int_customers_joined"
    ) == [(4_334, 28)]
    assert real_build.query(
        "select count(*), count(*) filter (where reject_reason = 'no_purchases'"
        " and source_row_number is null and customer_id is not null)"
        " from marts.rejected_customer_rows"
    ) == [(28, 28)]
    # 12605 has three return lines and nothing else.
    assert real_build.query(
        "select reject_detail from marts.rejected_customer_rows"
        " where customer_id = 12605"
    ) == [("CustomerID 12605 has no sale line left after cleaning; return lines: 3",)]
    assert real_build.query(
        "select input_rows, segmented_rows, rejected_rows, rejected_no_purchases,"
        " input_source from marts.segmentation_run_summary"
    ) == [(4_362, 4_334, 28, 28, str(ONLINE_RETAIL))]
    # Quintiles of the 4,334 segmented customers: 867, 867, 867, 867, 866.
    assert real_build.query(
        "select r_score, count(*) from marts.customer_segments"
        " group by r_score order by r_score"
    ) == [(1, 867), (2, 867), (3, 867), (4, 867), (5, 866)]


def test_default_rfm_segments_of_the_file(real_build):
    # log1p(recency_days, frequency, monetary), k from 2 to 8. Silhouette is
    # best at k = 2, which is not actionable (fewer than 3 segments); k = 3
    # is the best actionable k.
    assert real_build.query(
        "select k, is_actionable, selection_reason from marts.k_evaluation"
        " where k <= 4 order by k"
    ) == [
        (2, False, None),
        (3, True, "best silhouette among actionable k"),
        (4, True, None),
    ]
    assert real_build.query(
        "select max(silhouette) = max(silhouette) filter (where k = 2)"
        " from marts.k_evaluation"
    ) == [(True,)]
    assert real_build.query(
        "select segment_id, segment_name, playbook_label, customer_count,"
        " recency_level, frequency_level, monetary_level"
        " from marts.segment_profiles order by segment_id"
    ) == [
        (1, "Recent · Frequent · High spend", "Best customers", 748,
         "low", "high", "high"),
        (2, "Lapsing · Occasional · Average spend", "Steady middle", 1_710,
         "average", "average", "average"),
        (3, "Lapsed · Infrequent · Low spend", "Lost one-off buyers", 1_876,
         "high", "low", "low"),
    ]  # fmt: skip
    # The segmented customers carry their RFM values, and no profile.
    assert real_build.query(
        "select customer_id, segment_id, recency_days, frequency, monetary,"
        " rfm_segment, gender, age, source_row_number"
        " from marts.customer_segments"
        " where customer_id in (12346, 12347, 17850) order by customer_id"
    ) == [
        (12346, 2, 326, 1, Decimal("77183.600"), "At risk", None, None, None),
        (12347, 1, 3, 7, Decimal("4310.000"), "Champions", None, None, None),
        (17850, 1, 373, 34, Decimal("5391.210"), "Can't lose them", None, None,
         None),
    ]  # fmt: skip
    assert real_build.query(
        "select feature, transformation from marts.segment_centroids"
        " where segment_id = 1 order by feature_position"
    ) == [("recency_days", "log1p"), ("frequency", "log1p"), ("monetary", "log1p")]


def test_rfm_centroids_are_their_customers_means_on_the_log_scale(real_build):
    # Worked out from the segmented customers' own values, not from the
    # z-scores and scaling the model turns back into values: a K-Means
    # centre is the mean of its customers' log(1 + value). Within 1 %:
    # scikit-learn stops once the centres move less than its tolerance, and
    # here they sit up to 0.25 % from their customers' means; a slip in the
    # scaling or the log transform moves them by far more.
    customers = pd.DataFrame(
        real_build.query(
            "select segment_id, recency_days, frequency, monetary::double"
            " from marts.customer_segments"
        ),
        columns=["segment_id", *RFM],
    )
    expected = np.expm1(
        np.log1p(customers[RFM]).groupby(customers["segment_id"]).mean()
    )
    centroids = real_build.query(
        "select segment_id, feature, centroid_value from marts.segment_centroids"
    )
    assert len(centroids) == 9
    for segment_id, feature, value in centroids:
        assert value == pytest.approx(expected.loc[segment_id, feature], rel=0.01)


# Σ quantity × unit price over the sale lines, worked out apart from the
# pipeline with plain DuckDB filters on the raw file (no customer id, price
# not above 0, C invoices, the non-product codes and later copies dropped):
# docs/order_lines.md's value of the sale lines.
SALE_VALUE = Decimal("8737227.640000")


def test_monthly_sales_add_up_to_the_sale_lines(real_build):
    # 13 months (2010-12 to 2011-12) × 3 segments, every cell with sales,
    # and every sale line's amount, to the cent.
    assert real_build.query(
        "select count(*), count(distinct month_start), sum(sale_lines),"
        " sum(revenue), min(month_start)::varchar, max(month_start)::varchar"
        " from marts.segment_monthly_sales"
    ) == [(39, 13, SALE_LINES, SALE_VALUE, "2010-12-01", "2011-12-01")]
    # Returns count for segmented customers only: all return lines are
    # worth 471,750.71 (docs/order_lines.md), of which the 28 customers
    # with returns and no sale (not segmented) returned 3,922.98.
    assert real_build.query(
        "select sum(returned_value) from marts.segment_monthly_sales"
    ) == [(Decimal("467827.730000"),)]
    # An invoice falls in one month, so the months' invoices add up to the
    # segmented customers' sale invoices (their frequency); invoices of
    # returns only are not counted.
    assert real_build.query(
        "select (select sum(invoices) from marts.segment_monthly_sales),"
        " (select sum(frequency) from marts.customer_segments)"
    ) == [(18402, 18402)]


def test_only_the_last_month_is_partial(real_build):
    # The file runs from 1 December 2010 to 9 December 2011 (as_of_date
    # 2011-12-10): every month whole but the last, which has 9 days.
    assert real_build.query(
        "select as_of_date::varchar from marts.segmentation_run_summary"
    ) == [("2011-12-10",)]
    assert real_build.query(
        "select month_start::varchar, days_covered, is_partial_month,"
        " count(*) from marts.segment_monthly_sales"
        " where is_partial_month or days_covered <> day(last_day(month_start))"
        " group by all"
    ) == [("2011-12-01", 9, True, 3)]
