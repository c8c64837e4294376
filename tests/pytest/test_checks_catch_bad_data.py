"""The checks that replace per-model tests really fail on bad data.

The whole-input checks (tests/assert_every_input_row_is_accounted_for.sql
and tests/order_lines/assert_every_order_line_is_accounted_for.sql) stand
in for the key tests the intermediate tables do not have; the marts'
cross-checks and the date warning check what no single mart can. Each
case damages a copy of a built warehouse and expects the check to object.
The contract constraints that replace other tests are in
test_contract_constraints.py.
"""

from __future__ import annotations

from concurrent.futures import Future
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURES, started_with_session
from dbt_runs import (
    WITH_UNIT_TESTS,
    DbtResult,
    copy_warehouse,
    damage,
    start_in_background,
    start_on_copy,
)

ACCOUNTED_CHECK = Path(
    "compiled/mall_segmentation/tests/assert_every_input_row_is_accounted_for.sql"
)
ORDER_LINES_CHECK = Path(
    "compiled/mall_segmentation/tests/order_lines"
    "/assert_every_order_line_is_accounted_for.sql"
)


def damaged_copy(build: DbtResult, tmp_path: Path, *statements: str) -> Path:
    """A copy of the built warehouse (same file name, so the same catalog)
    with ``statements`` applied."""
    copy = copy_warehouse(build, tmp_path / "copy")
    damage(copy, *statements)
    return copy


def rows_of_check(build: DbtResult, tmp_path: Path, check: Path, *statements) -> list:
    """What the compiled test at ``check`` (in the build's target folder)
    returns on a copy of the build's warehouse changed by ``statements``."""
    sql = (build.database.parent / "target" / check).read_text()
    copy = damaged_copy(build, tmp_path, *statements)
    with duckdb.connect(str(copy), read_only=True) as con:
        return con.sql(sql).fetchall()


@pytest.mark.parametrize(
    ("damage", "failures"),
    [
        pytest.param([], [], id="intact"),
        pytest.param(
            ["delete from marts.customer_segments where source_row_number = 5"],
            [(5, 5, 1, 0)],
            id="row-in-neither-mart",
        ),
        pytest.param(
            [
                "insert into marts.rejected_customer_rows"
                " (source_row_number, customer_id, reject_reason_key,"
                " reject_reason, reject_detail) values (5, 5,"
                " 'customers:exact_duplicate', 'exact_duplicate', 'copy of row 4')"
            ],
            [(5, 5, 1, 2)],
            id="row-in-both-marts",
        ),
        pytest.param(
            [
                "insert into marts.customer_segments select * from"
                " marts.customer_segments where source_row_number = 7"
            ],
            [(7, 7, 1, 2)],
            id="row-twice-in-one-mart",
        ),
        pytest.param(
            [
                "update marts.customer_segments set source_row_number = 201"
                " where source_row_number = 9"
            ],
            [(201, 9, 0, 1), (9, 9, 1, 0)],
            id="row-not-from-the-input",
        ),
        pytest.param(
            [
                "update marts.customer_segments set source_row_number = 10"
                " where source_row_number = 11"
            ],
            [(10, 11, 0, 1), (11, 11, 1, 0)],
            id="one-row-counted-for-another",
        ),
        pytest.param(
            [
                # A view: row 12 renumbered in a view over the original.
                "alter view intermediate.int_customers_joined rename to joined",
                "create view intermediate.int_customers_joined as select *"
                " replace (if(source_row_number = 12, 300, source_row_number)"
                " as source_row_number) from intermediate.joined",
            ],
            # Row 12 lost on the way, and 300 rows where 200 were numbered.
            [(300, 12, 1, 0), (12, 12, 0, 1), (None, None, 200, 300)],
            id="file-row-numbers-with-a-gap",
        ),
    ],
)
def test_every_input_row_check_lists_what_is_wrong(
    bundled_build, tmp_path, damage, failures
):
    found = rows_of_check(bundled_build, tmp_path, ACCOUNTED_CHECK, *damage)
    assert sorted(found, key=str) == sorted(failures, key=str)


# The check reports (source_row_number, customer_id, times expected,
# times accounted); in the bundled data customer n is on row n.


# The order-lines check reports (source_line_number, is_outside_the_file,
# times_accounted). In the 30-line excerpt line 1 is a sale line and lines
# 11 (POST) and 12 (D) are rejected as non_product_line.
REJECTED_LINE_11 = (
    "insert into marts.rejected_transaction_rows"
    " select * from marts.rejected_transaction_rows where source_line_number = 11"
)


@pytest.mark.parametrize(
    ("damage", "failures"),
    [
        pytest.param([], [], id="intact"),
        pytest.param(
            [
                "delete from marts.rejected_transaction_rows"
                " where source_line_number = 11"
            ],
            [(11, False, 0)],
            id="line-in-no-place",
        ),
        pytest.param([REJECTED_LINE_11], [(11, False, 2)], id="line-rejected-twice"),
        pytest.param(
            [
                REJECTED_LINE_11.replace("= 11", "= 12"),
                "update marts.rejected_transaction_rows set source_line_number = 1"
                " where rowid = (select max(rowid)"
                " from marts.rejected_transaction_rows)",
            ],
            [(1, False, 2)],
            id="sale-line-also-rejected",
        ),
        pytest.param(
            [
                "update marts.rejected_transaction_rows set source_line_number = 31"
                " where source_line_number = 12"
            ],
            [(31, True, 1), (12, False, 0)],
            id="line-not-from-the-file",
        ),
    ],
)
def test_every_order_line_check_lists_what_is_wrong(
    order_lines_excerpt_build, tmp_path, damage, failures
):
    found = rows_of_check(
        order_lines_excerpt_build, tmp_path, ORDER_LINES_CHECK, *damage
    )
    assert sorted(found, key=str) == sorted(failures, key=str)


# The marts' cross-checks (models/marts/_marts__models.yml and tests/) and
# the playbook's catch-all rule (models/staging/_staging__models.yml), each
# with a damage that breaks it and what it then returns; the intact
# warehouse returns nothing from any of them.
MARTS_TESTS = Path("compiled/mall_segmentation/models/marts/_marts__models.yml")
# The row_count_equals checks, and the two counts each returns.
ONE_K_SELECTED = MARTS_TESTS / "k_evaluation_selects_exactly_one_k.sql"
PROFILE_PER_K = MARTS_TESTS / "segment_profiles_has_a_row_per_selected_segment.sql"
PLAYBOOK_CATCH_ALL = Path(
    "compiled/mall_segmentation/models/staging/_staging__models.yml"
    "/segment_playbook_has_catch_all_rule.sql"
)
ROW_COUNTS = "select actual_rows, expected_rows"
SELECT_A_SECOND_K = "update marts.k_evaluation set is_selected = true where k = 3"
CROSS_CHECKS = {
    "run-summary-matches-the-marts": (
        MARTS_TESTS / "run_summary_matches_the_marts.sql",
        "delete from marts.customer_segments where customer_id = 3",
        "select segmented_rows, rejected_rows",
        [(200, 0)],
    ),
    "reject-reason-counts-add-up": (
        MARTS_TESTS
        / "reject_reason_counts_add_up_segmentation_run_summary_customers.sql",
        "update marts.segmentation_run_summary set rejected_exact_duplicate = 1",
        "select rejected_rows, rejected_exact_duplicate",
        [(0, 1)],
    ),
    "selected-k-matches-the-segments": (
        PROFILE_PER_K,
        "delete from marts.segment_profiles where segment_id = 5",
        ROW_COUNTS,
        [(4, 5)],
    ),
    "exactly-one-k-selected": (
        ONE_K_SELECTED,
        "update marts.k_evaluation set is_selected = false",
        ROW_COUNTS,
        [(0, 1)],
    ),
    "two-k-selected": (ONE_K_SELECTED, SELECT_A_SECOND_K, ROW_COUNTS, [(2, 1)]),
    # A failing row, not a subquery error.
    "two-k-selected-against-the-profiles": (
        PROFILE_PER_K,
        SELECT_A_SECOND_K,
        ROW_COUNTS,
        [(5, 3)],
    ),
    "no-k-at-all": (
        PROFILE_PER_K,
        "delete from marts.k_evaluation",
        ROW_COUNTS,
        [(5, None)],
    ),
    "playbook-without-a-catch-all-rule": (
        PLAYBOOK_CATCH_ALL,
        "delete from staging.stg_segment_playbook where playbook_rule_id = 21",
        ROW_COUNTS,
        [(0, 1)],
    ),
    "segment-counts-add-up": (
        Path(
            "compiled/mall_segmentation/tests/assert_segment_counts_add_up_to_customers.sql"
        ),
        "update marts.segment_profiles set customer_count = 82 where segment_id = 3",
        "select profiled, segmented",
        [(201, 200)],
    ),
}


@pytest.mark.parametrize("case", sorted(CROSS_CHECKS))
def test_a_marts_cross_check_fails_on_marts_that_disagree(
    bundled_build, tmp_path, case
):
    test_sql, statement, columns, failures = CROSS_CHECKS[case]
    check = (bundled_build.database.parent / "target" / test_sql).read_text()
    copy = damaged_copy(bundled_build, tmp_path, statement)
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.sql(f"{columns} from ({check})").fetchall() == failures
    with duckdb.connect(str(bundled_build.database), read_only=True) as con:
        assert con.sql(f"select count(*) from ({check})").fetchall() == [(0,)]


def test_monthly_sales_must_add_up_to_the_customers_spend(
    order_lines_excerpt_build, tmp_path
):
    target = order_lines_excerpt_build.database.parent / "target"
    check = (
        target / MARTS_TESTS / "segment_monthly_sales_add_up_to_customer_monetary.sql"
    ).read_text()
    copy = damaged_copy(
        order_lines_excerpt_build,
        tmp_path,
        "update marts.segment_monthly_sales set revenue = revenue + 0.01"
        " where rowid = (select min(rowid) from marts.segment_monthly_sales)",
    )
    with duckdb.connect(str(copy), read_only=True) as con:
        [(actual, expected)] = con.sql(
            f"select actual_total, expected_total from ({check})"
        ).fetchall()
    assert actual - expected == Decimal("0.01")
    with duckdb.connect(str(order_lines_excerpt_build.database), read_only=True) as con:
        assert con.sql(f"select count(*) from ({check})").fetchall() == [(0,)]


YEAR_LONG_GAP_CHECK = Path(
    "compiled/mall_segmentation/tests/order_lines"
    "/assert_order_line_dates_have_no_year_long_gap.sql"
)


def shifted_copy(invoice_no: str, shift: str) -> str:
    """One more invoice group: a copy of ``invoice_no``'s, its lines dated
    ``shift`` (an SQL interval expression) later."""
    dates = ["first_sale_at", "last_sale_at", "first_line_at", "last_line_at"]
    return (
        "insert into intermediate.int_customer_invoice_months select * replace ("
        + ", ".join(f"{column} {shift} as {column}" for column in dates)
        + ") from intermediate.int_customer_invoice_months"
        f" where invoice_no = '{invoice_no}'"
    )


@pytest.mark.parametrize(
    ("statements", "gaps"),
    [
        pytest.param([], [], id="intact"),
        pytest.param(
            # 18 January 2011 mistyped as 2101.
            [shifted_copy("541431", "+ interval 90 year")],
            [(date(2011, 1, 18), date(2101, 1, 18), 32_872)],
            id="a-sale-typed-2101",
        ),
        pytest.param(
            # Two such lines: the last two days are close, the gap is not.
            [
                shifted_copy("541431", "+ interval 90 year"),
                shifted_copy("536365", "+ interval 90 year"),
            ],
            [(date(2011, 1, 18), date(2100, 12, 1), 32_824)],
            id="two-sales-typed-2100-and-2101",
        ),
        pytest.param(
            # A return, 1 December 2010, mistyped as 1910.
            [shifted_copy("C536383", "- interval 100 year")],
            [(date(1910, 12, 1), date(2010, 12, 1), 36_525)],
            id="a-return-typed-1910",
        ),
    ],
)
def test_a_year_without_order_lines_is_warned_of(
    order_lines_excerpt_build, tmp_path, statements, gaps
):
    # The excerpt's valid lines fall on 1 December 2010 and 18 January 2011.
    found = rows_of_check(
        order_lines_excerpt_build, tmp_path, YEAR_LONG_GAP_CHECK, *statements
    )
    assert found == gaps


EXCERPT = FIXTURES / "order_lines" / "online_retail_excerpt.csv"


@started_with_session("order_lines_excerpt_build")
def year_typo_run(folders, shared) -> Future[DbtResult]:
    """`dbt test` of the date warning on a copy of the excerpt's build with
    one more invoice dated 2101, as the on-run-end hook explains it."""
    return start_on_copy(
        start_in_background(lambda: shared["order_lines_excerpt_build"].result()[0]),
        folders.mktemp("year_typo"),
        "test",
        "--select",
        "assert_order_line_dates_have_no_year_long_gap",
        prepare=lambda copy: damage(copy, shifted_copy("541431", "+ interval 90 year")),
        # The excerpt build's vars, so dbt reuses its saved parse.
        vars={"raw_transactions_path": str(EXCERPT), **WITH_UNIT_TESTS},
    )


def test_a_year_without_order_lines_is_explained_in_one_line(year_typo_run):
    result = year_typo_run.result()
    assert result.returncode == 0, result.output
    assert "WARN 1 assert_order_line_dates_have_no_year_long_gap" in result.output
    assert (
        "The order lines have no valid line between 2011-01-18 and 2101-01-18"
        " (32,872 days): a mistyped year? Recency counts from the day after the"
        " latest sale line unless as_of_date is set, which rejects the lines"
        " from that day on."
    ) in result.output
