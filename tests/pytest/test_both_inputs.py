"""A customer file and order lines together: they join on customer id, and
a refused file leaves every mart of the last good build as it was."""

from __future__ import annotations

import re
from concurrent.futures import Future
from datetime import date
from decimal import Decimal

import pytest
from conftest import MARTS, ORDER_LINES, started_with_session
from dbt_runs import (
    DATA_BUILD,
    REFUSED_BUILD,
    WITH_UNIT_TESTS,
    DbtResult,
    passed,
    start_dbt,
    start_on_copy,
)
from refusals import assert_refused

BOTH_FILES = {
    "raw_customers_path": str(ORDER_LINES / "customer_profiles.csv"),
    "raw_transactions_path": str(ORDER_LINES / "online_retail_excerpt.csv"),
    "segmentation_features": ["age", "monetary"],
    "n_clusters": 2,
}
# Clustered on the customer file alone, with the order lines as context.
PROFILE_FEATURES = ["age", "annual_income_k"]
# Refused once nodes have run: only reading the whole file finds line 3.
MALFORMED = ORDER_LINES.parent / "malformed_line.csv"
# Ids 1 to 4: none of them has an order line in the excerpt.
OTHER_SYSTEMS_IDS = ORDER_LINES.parent / "too_few_rows.csv"
# Ids 1 to 4 again, and 17850 and 12838, who buy in the excerpt.
FEW_SHARED_IDS = ORDER_LINES / "few_shared_ids.csv"


@started_with_session()
def runs(folders, shared) -> dict[str, Future[DbtResult]]:
    """The build on both files, and on a copy of it a build whose customer
    file has a malformed line and whose order lines are other ones, started with
    the session. The first runs the unit tests too: the one of the join on
    both files (int_customers_joined_with_both_inputs) runs only here."""
    both_files = start_dbt(
        folders.mktemp("both_files") / "warehouse.duckdb",
        "build",
        vars={**BOTH_FILES, **WITH_UNIT_TESTS},
    )
    refused = folders.mktemp("customer_file_refused")
    return {
        "both files": both_files,
        "profile features": start_dbt(
            folders.mktemp("profile_features") / "warehouse.duckdb",
            *DATA_BUILD,
            vars={**BOTH_FILES, "segmentation_features": PROFILE_FEATURES},
        ),
        # Every line dated on or after as_of_date: the rules keep none.
        "every line rejected": start_dbt(
            folders.mktemp("every_line_rejected") / "warehouse.duckdb",
            *DATA_BUILD,
            vars={
                **BOTH_FILES,
                "segmentation_features": PROFILE_FEATURES,
                "as_of_date": "2010-12-01",
            },
        ),
        "no id in both files": start_dbt(
            folders.mktemp("no_id_in_both_files") / "warehouse.duckdb",
            *REFUSED_BUILD,
            vars={**BOTH_FILES, "raw_customers_path": str(OTHER_SYSTEMS_IDS)},
        ),
        # Clustered on the order lines alone (the default).
        "few ids in both files, RFM": start_dbt(
            folders.mktemp("few_ids_in_both_files_rfm") / "warehouse.duckdb",
            *DATA_BUILD,
            vars={
                "raw_customers_path": str(FEW_SHARED_IDS),
                "raw_transactions_path": BOTH_FILES["raw_transactions_path"],
            },
        ),
        # The bundled seed, on a copy of the build on both files.
        "bundled after both files": start_on_copy(
            both_files, folders.mktemp("bundled_after_both_files"), *DATA_BUILD
        ),
        # A customer file alone, refused once nodes have run, on another
        # copy: a build that would not make the order-lines tables.
        "customer file alone refused": start_on_copy(
            both_files,
            folders.mktemp("customer_file_alone_refused"),
            *REFUSED_BUILD,
            vars={"raw_customers_path": str(MALFORMED)},
        ),
        "customer file refused": start_on_copy(
            both_files,
            refused,
            *REFUSED_BUILD,
            vars={
                **BOTH_FILES,
                "raw_customers_path": str(MALFORMED),
                "raw_transactions_path": str(ORDER_LINES / "hand_made.csv"),
            },
        ),
    }


def test_customer_file_and_order_lines_join_on_customer_id(runs):
    """Both files: the excerpt's order lines and a customer file that shares
    four of their customers, clustered on age (from the file) and monetary
    (from the order lines)."""
    result = runs["both files"].result()
    assert result.returncode == 0, result.output
    # The unit tests of the join and of the playbook's tie-break are
    # enabled only with both files: they ran here.
    for unit_test in (
        "int_customers_joined::int_customers_joined_with_both_inputs",
        "segment_profiles::segment_profiles_prefers_what_customers_bought",
    ):
        assert re.search(rf"PASS\S* {unit_test} ", result.output), result.output
    # Rows 1, 2, 3 and 5 of the file have sales; 15311 (row 4) only a
    # return, 99999 (row 6) no order line at all; row 7 repeats row 3.
    # 12346 and 17908 buy but are not in the file, and age is a feature.
    assert result.query(
        "select source_row_number, customer_id, reject_reason, reject_detail"
        " from marts.rejected_customer_rows order by customer_id, 1"
    ) == [
        (None, 12346, "no_customer_profile",
         "CustomerID 12346 has order lines but no row in the customer file"),
        (7, 13047, "exact_duplicate", "exact copy of source row 3"),
        (4, 15311, "no_purchases",
         "CustomerID 15311 has no sale line left after cleaning; return lines: 1"),
        (None, 17908, "no_customer_profile",
         "CustomerID 17908 has order lines but no row in the customer file"),
        (6, 99999, "no_purchases",
         "CustomerID 99999 has no sale line left after cleaning; return lines: 0"),
    ]  # fmt: skip
    # Rows rejected on the join keep their raw values like any other
    # rejected row of the file.
    assert result.query(
        "select source_row_number, customer_id_raw, gender_raw, age_raw,"
        " annual_income_k_raw, spending_score_raw from marts.rejected_customer_rows"
        " where reject_reason = 'no_purchases' order by 1"
    ) == [
        (4, "15311", "Male", "52", "70", "20"),
        (6, "99999", "Male", "60", "90", "10"),
    ]
    # The segmented customers carry both inputs' values (RFM from the
    # excerpt, worked out in test_excerpt_rfm_worked_by_hand).
    assert result.query(
        "select customer_id, source_row_number, gender, age, recency_days,"
        " frequency, monetary from marts.customer_segments order by customer_id"
    ) == [
        (12838, 2, "Female", 41, 49, 1, Decimal("20.250")),
        (13047, 3, "Female", 29, 49, 1, Decimal("54.080")),
        (17850, 1, "Male", 35, 49, 2, Decimal("161.320")),
        (18074, 5, "Female", 23, 49, 1, Decimal("50.550")),
    ]
    # The quintile scores rank those four segmented customers only (one
    # per score; ties by customer_id), not 12346 and 17908, who buy but
    # are not segmented. Cells (r, fm): (1, 1), (2, 3), (3, 4), (4, 3).
    assert result.query(
        "select customer_id, r_score, f_score, m_score, rfm_segment"
        " from marts.customer_segments order by customer_id"
    ) == [
        (12838, 1, 1, 1, "Lost"),
        (13047, 2, 2, 3, "At risk"),
        (17850, 3, 4, 4, "Loyal"),
        (18074, 4, 3, 2, "Potential loyalists"),
    ]
    # segment_profiles averages them per segment: segment 1 holds 13047,
    # 17850 and 18074, so r (2 + 3 + 4) / 3, f (2 + 4 + 3) / 3 and m (3 + 4
    # + 2) / 3; segment 2 holds 12838 alone.
    assert result.query(
        "select segment_id, list(customer_id order by customer_id)"
        " from marts.customer_segments group by segment_id order by segment_id"
    ) == [(1, [13047, 17850, 18074]), (2, [12838])]
    assert result.query(
        "select segment_id, avg_r_score, avg_f_score, avg_m_score"
        " from marts.segment_profiles order by segment_id"
    ) == [(1, 3.0, 3.0, 3.0), (2, 1.0, 1.0, 1.0)]
    # Each centroid is its customers' mean on the scale K-Means saw: age
    # as it is, spend on log(1 + spend), so segment 1's spend centre is
    # the geometric mean of 55.08, 162.32 and 51.55, less 1.
    centroids = result.query(
        "select segment_id, feature, transformation, centroid_value"
        " from marts.segment_centroids order by segment_id, feature_position"
    )
    assert [row[:3] for row in centroids] == [
        (1, "age", "none"),
        (1, "monetary", "log1p"),
        (2, "age", "none"),
        (2, "monetary", "log1p"),
    ]
    assert [row[3] for row in centroids] == pytest.approx(
        [(29 + 35 + 23) / 3, (55.08 * 162.32 * 51.55) ** (1 / 3) - 1, 41, 20.25],
        rel=1e-12,
    )
    # Four customers: k runs from 2 to 3 (usable rows - 1), not to the
    # var k_max (8 by default with order lines).
    assert result.query(
        "select input_rows, segmented_rows, rejected_no_customer_profile,"
        " rejected_no_purchases, rejected_exact_duplicate, k_min, k_max"
        " from marts.segmentation_run_summary"
    ) == [(9, 4, 2, 2, 1, 2, 3)]
    assert result.query("select k from marts.k_evaluation order by k") == [(2,), (3,)]
    # Four of nine rows segmented: the build warns, and still succeeds,
    # saying why in one line (dbt's own warning says "Got 1 result").
    assert "Warning in test most_input_rows_are_segmented" in result.output
    assert "WARN=1 " in result.output
    assert (
        "  Segmented 4 of the 9 customers (the customer file's rows, and the"
        " order lines' customers without one) into 2 segments; 5 rejected,"
        " each with its reason in marts.rejected_customer_rows.\n"
    ) in result.output
    assert (
        "  Only 4 of the 9 customer rows were segmented; the other 5 are in"
        " marts.rejected_customer_rows: no_customer_profile 2, no_purchases 2,"
        " exact_duplicate 1.\n"
    ) in result.output
    # Four of the file's seven rows were segmented: no line for the file.
    assert "rows of the customer file" not in result.output
    # A warning does not hold back the Parquet exports.
    exported = result.database.parent / "exports" / "customer_segments.parquet"
    assert result.query(f"select count(*) from '{exported}'") == [(4,)]


def test_with_profile_features_a_customer_with_only_returns_is_segmented(runs):
    # Every clustering feature comes from the customer file, so
    # no_purchases does not apply; no_customer_profile does (12346 and 17908
    # have no age to cluster on). 15311 has one return line and no sale:
    # frequency and spend 0, no recency, no scores. 99999 has no order line
    # at all: no RFM values. The contract once required frequency >= 1 and
    # failed this build.
    result = passed(runs["profile features"])
    assert result.query(
        "select customer_id, reject_reason from marts.rejected_customer_rows"
        " order by customer_id"
    ) == [
        (12346, "no_customer_profile"),
        (13047, "exact_duplicate"),
        (17908, "no_customer_profile"),
    ]
    assert result.query(
        "select customer_id, recency_days, frequency, monetary, returned_value,"
        " avg_order_value, r_score, rfm_segment from marts.customer_segments"
        " where customer_id in (15311, 99999, 17850) order by customer_id"
    ) == [
        (15311, None, 0, Decimal("0.000000"), Decimal("4.650000"), None, None,
         None),
        (17850, 49, 2, Decimal("161.320000"), Decimal("0.000000"),
         Decimal("80.660"), 3, "Loyal"),
        (99999, None, None, None, None, None, None, None),
    ]  # fmt: skip
    assert result.query("select count(*) from marts.customer_segments") == [(6,)]


def test_order_lines_that_the_rules_keep_none_of_count_zero_lines(runs):
    # Clustered on the customer file, with every order line dated on or
    # after as_of_date. The run summary summed the kept lines per customer,
    # and with none it gave NULL sale and return lines and as_of_date, and
    # its own test failed the build with no word of why.
    result = passed(runs["every line rejected"])
    assert result.query(
        "select transaction_lines, sale_lines, return_lines,"
        " rejected_transaction_lines, rejected_lines_missing_customer_id,"
        " rejected_lines_after_as_of_date, as_of_date"
        " from marts.segmentation_run_summary"
    ) == [(30, 0, 0, 30, 4, 19, date(2010, 12, 1))]
    # The other 7 lines: 4 non-product lines, 2 exact copies, 1 price of 0.
    # All 6 customers with an age and an income are segmented; none has RFM.
    assert result.query(
        "select count(*), count(frequency) from marts.customer_segments"
    ) == [(6, 0)]


def test_a_refused_customer_file_leaves_every_mart_as_it_was(runs):
    """The order-lines file is fine and differs from the last build's: the
    mart built from it alone (rejected_transaction_rows) must wait for the
    customer file's checks too, or the warehouse would mix two builds."""
    previous = passed(runs["both files"])
    assert_refused(
        runs["customer file refused"],
        f"Unusable input {MALFORMED}: line 3 is not valid CSV (Expected Number"
        " of Columns: 5 Found: 6); fix or remove that line",
        previous.mart_rows(MARTS),
        before_any_node=False,
    )


def test_files_that_share_no_customer_id_are_refused_saying_so(runs):
    """A customer file and order lines from different systems: every row of
    the file has no purchases and every order-lines customer no profile.
    The refusal names the commonest reason and the ids the files share."""
    result = runs["no id in both files"].result()
    assert result.returncode != 0
    # Refused: no run summary, so no line saying what became of the rows.
    assert "Segmented" not in result.output
    assert (
        f"Unusable input {OTHER_SYSTEMS_IDS}: only 0 usable customer rows after"
        " cleaning; k=2 needs at least 3 (reasons in"
        " intermediate.int_customers_joined, and for order lines"
        " intermediate.int_order_lines_validated); the commonest reason is"
        " no_customer_profile, on 7 of 11 rows; customer ids in both files: 0"
    ) in result.output


def test_a_customer_file_sharing_few_ids_warns_when_the_order_lines_segment(runs):
    """Clustered on the order lines alone, a customer file that shares two
    of its six ids with the order lines builds: the order lines' six
    customers with a sale are segmented, six of the eleven rows, but only
    two of the file's six. The build warns that the file's rows were not
    segmented and how many ids it shares, instead of passing in silence."""
    result = passed(runs["few ids in both files, RFM"])
    assert result.query(
        "select input_rows, segmented_rows, rejected_no_purchases"
        " from marts.segmentation_run_summary"
    ) == [(11, 6, 5)]
    assert result.query(
        "select source_row_number, customer_id from marts.customer_segments"
        " where source_row_number is not null order by 1"
    ) == [(3, 17850), (5, 12838)]
    assert "Warning in test most_input_rows_are_segmented" in result.output
    assert "WARN=1 " in result.output
    assert (
        f"  Only 2 of the 6 rows of the customer file {FEW_SHARED_IDS} were"
        " segmented (customer ids it shares with the order lines: 2); the"
        " other 4 are in marts.rejected_customer_rows: no_purchases 4.\n"
    ) in result.output
    # Over all eleven rows, more than half were segmented: only the
    # file's line is written.
    assert "customer rows were segmented" not in result.output


RELATIONS = (
    "select table_schema || '.' || table_name from information_schema.tables"
    " order by all"
)


def test_a_complete_build_drops_what_its_inputs_do_not_make(runs, bundled_build):
    """After the build on both files, a build on the bundled seed drops the
    tables of the order-lines models, which it does not run: the database
    then holds what a build of the seed alone makes, and no table of the
    other input."""
    result = runs["bundled after both files"].result()
    assert result.returncode == 0, result.output
    assert (
        "Dropped the tables and views of models and seeds this build does"
        " not run:"
        " intermediate.int_customer_invoice_months,"
        " intermediate.int_customer_rfm, intermediate.int_order_line_copies,"
        " intermediate.int_order_lines_validated, raw.rfm_segments,"
        " staging.base_order_lines, staging.stg_order_lines,"
        " staging.stg_rfm_segments."
    ) in result.output
    assert result.query(RELATIONS) == bundled_build.query(RELATIONS)
    assert ("staging.stg_customers",) in result.query(RELATIONS)


def test_a_refused_build_drops_nothing(runs):
    """A build refused once its nodes have run, on a copy of the build on
    both files, leaves every table of that build, as it leaves the marts,
    though its customer file alone would not make the order-lines tables."""
    previous = runs["both files"].result()
    assert_refused(
        runs["customer file alone refused"],
        f"Unusable input {MALFORMED}: line 3 is not valid CSV (Expected Number"
        " of Columns: 5 Found: 6); fix or remove that line",
        previous.mart_rows(MARTS),
        before_any_node=False,
    )
    refused = runs["customer file alone refused"].result()
    assert "Dropped the" not in refused.output
    assert refused.query(RELATIONS) == previous.query(RELATIONS)
