"""The reject reasons are listed once (macros/reject_reasons.sql), per input;
the mart reject_reasons, the run summary's contract and the cleaning-rules
page must list the same reasons in the same order."""

from __future__ import annotations

import json
import re

import pytest
from conftest import PROJECT_DIR

CUSTOMER_REASONS = [
    "missing_customer_id",
    "invalid_customer_id",
    "conflicting_duplicate",
    "invalid_gender",
    "invalid_age",
    "invalid_annual_income_k",
    "invalid_spending_score",
    "missing_age",
    "missing_annual_income_k",
    "missing_spending_score",
    "exact_duplicate",
    "no_customer_profile",
    "no_purchases",
]
ORDER_LINE_REASONS = [
    "missing_customer_id",
    "invalid_customer_id",
    "missing_invoice",
    "missing_stock_code",
    "invalid_invoice_date",
    "invalid_quantity",
    "invalid_unit_price",
    "inconsistent_cancellation",
    "non_product_line",
    "exact_duplicate",
    "after_as_of_date",
]
# The run summary's count columns: the total, then one per reason.
COUNT_COLUMNS = {
    # rejected_lines_* also start with rejected_: see below.
    "customers": ("rejected_rows", "rejected_"),
    "order_lines": ("rejected_transaction_lines", "rejected_lines_"),
}
DOCS_PAGE = PROJECT_DIR / "docs" / "cleaning_rules.md"


def reason_rows(build, input_name="customers") -> list[tuple]:
    return build.query(
        "select rule_order, reject_reason, description, detail_template,"
        " clustering_feature from marts.reject_reasons"
        f" where input_name = '{input_name}' order by rule_order"
    )


def test_the_mart_lists_every_reason_in_rule_order(bundled_build):
    rows = reason_rows(bundled_build)
    assert [(row[0], row[1]) for row in rows] == list(
        enumerate(CUSTOMER_REASONS, start=1)
    )
    assert [(row[0], row[1]) for row in reason_rows(bundled_build, "order_lines")] == (
        list(enumerate(ORDER_LINE_REASONS, start=1))
    )
    features = {row[1]: row[4] for row in rows if row[4] is not None}
    assert features == {
        "missing_age": "age",
        "missing_annual_income_k": "annual_income_k",
        "missing_spending_score": "spending_score",
    }
    assert rows[2][3] == (
        "CustomerID {customer_id} appears in {rows_with_id} rows with"
        " {version_count} different sets of values"
    )


@pytest.mark.parametrize("input_name", ["customers", "order_lines"])
def test_the_run_summary_contract_has_a_count_column_per_reason(
    bundled_build, input_name
):
    manifest = json.loads(
        (bundled_build.database.parent / "target" / "manifest.json").read_text()
    )
    columns = list(
        manifest["nodes"]["model.mall_segmentation.segmentation_run_summary"]["columns"]
    )
    total, prefix = COUNT_COLUMNS[input_name]
    totals = [name for name, _ in COUNT_COLUMNS.values()]
    counted = [
        name
        for name in columns
        if name.startswith(prefix)
        and name not in totals
        # rejected_lines_* start like the customers' rejected_*.
        and (input_name == "order_lines" or not name.startswith("rejected_lines_"))
    ]
    reasons = [row[1] for row in reason_rows(bundled_build, input_name)]
    expected = [f"{prefix}{reason}" for reason in reasons]
    assert total in columns
    assert counted == expected, (
        "models/marts/_marts__models.yml: segmentation_run_summary must list"
        f" these count columns, in this order: {expected}"
    )


def test_without_order_lines_their_counts_are_null(bundled_build):
    assert bundled_build.query(
        "select transactions_source, transaction_lines, sale_lines,"
        " return_lines, rejected_transaction_lines, rejected_lines_exact_duplicate,"
        " rejected_no_customer_profile, rejected_no_purchases"
        " from marts.segmentation_run_summary"
    ) == [(None, None, None, None, None, None, 0, 0)]


@pytest.mark.parametrize("input_name", ["customers", "order_lines"])
def test_the_cleaning_rules_page_lists_the_same_reasons(bundled_build, input_name):
    page = DOCS_PAGE.read_text()
    table = re.search(
        rf"<!-- reject-reasons:{input_name} -->\n(.*?)"
        rf"<!-- /reject-reasons:{input_name} -->",
        page,
        re.S,
    )
    assert table, f"{DOCS_PAGE} has lost its {input_name} reject-reasons table markers"
    expected = "| order | reason | meaning | `reject_detail` |\n|---:|---|---|---|\n"
    expected += "".join(
        f"| {order} | `{reason}` | {description} | {detail} |\n"
        for order, reason, description, detail, _ in reason_rows(
            bundled_build, input_name
        )
    )
    assert table.group(1) == expected, (
        f"the {input_name} reasons table in {DOCS_PAGE} differs from"
        f" marts.reject_reasons; it should read:\n{expected}"
    )
