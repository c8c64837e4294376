"""The reject reasons are listed once (macros/reject_reasons.sql); the
mart reject_reasons, the run summary's contract and the cleaning-rules page
must list the same reasons in the same order."""

from __future__ import annotations

import json
import re

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
]
DOCS_PAGE = PROJECT_DIR / "docs" / "cleaning_rules.md"


def reason_rows(build) -> list[tuple]:
    return build.query(
        "select rule_order, reject_reason, description, detail_template,"
        " clustering_feature from marts.reject_reasons"
        " where input_name = 'customers' order by rule_order"
    )


def test_the_mart_lists_every_reason_in_rule_order(bundled_build):
    rows = reason_rows(bundled_build)
    assert [(row[0], row[1]) for row in rows] == list(
        enumerate(CUSTOMER_REASONS, start=1)
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


def test_the_run_summary_contract_has_a_count_column_per_reason(bundled_build):
    manifest = json.loads(
        (bundled_build.database.parent / "target" / "manifest.json").read_text()
    )
    columns = list(
        manifest["nodes"]["model.mall_segmentation.segmentation_run_summary"]["columns"]
    )
    counted = [name for name in columns if name.startswith("rejected_")]
    reasons = [row[1] for row in reason_rows(bundled_build)]
    expected = ["rejected_rows"] + [f"rejected_{reason}" for reason in reasons]
    assert counted == expected, (
        "models/marts/_marts__models.yml: segmentation_run_summary must list"
        f" these count columns, in this order: {expected}"
    )


def test_the_cleaning_rules_page_lists_the_same_reasons(bundled_build):
    page = DOCS_PAGE.read_text()
    table = re.search(
        r"<!-- reject-reasons:customers -->\n(.*?)<!-- /reject-reasons:customers -->",
        page,
        re.S,
    )
    assert table, f"{DOCS_PAGE} has lost its reject-reasons table markers"
    expected = "| order | reason | meaning | `reject_detail` |\n|---:|---|---|---|\n"
    expected += "".join(
        f"| {order} | `{reason}` | {description} | {detail} |\n"
        for order, reason, description, detail, _ in reason_rows(bundled_build)
    )
    assert table.group(1) == expected, (
        f"the reasons table in {DOCS_PAGE} differs from marts.reject_reasons;"
        f" it should read:\n{expected}"
    )
