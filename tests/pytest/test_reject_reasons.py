"""The reject reasons are listed once (macros/reject_reasons.sql), per input.
The mart reject_reasons is built from that list, and `make generate` writes
the run summary's count columns and the cleaning-rules page's tables from it
(reject_reason_listings); the committed files must be what it writes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from reject_reason_listings import (
    CONTRACTS,
    DOCS_PAGE,
    PROJECT_DIR,
    Reason,
    contract_columns,
    docs_table,
    listings,
    reasons_from_sql,
    rewrite_between_markers,
)

# The rules in the order the cleaning rules apply them, written out here on
# purpose: a test that read the list in macros/reject_reasons.sql could not
# see a reason dropped or moved there. A new reason is added here too
# (docs/cleaning_rules.md, "Adding a reason").
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
        " rejected_no_customer_profile, rejected_no_purchases, as_of_date"
        " from marts.segmentation_run_summary"
    ) == [(None, None, None, None, None, None, 0, 0, None)]


def mart_reasons(build) -> list[Reason]:
    return [
        Reason(input_name, *row[:4])
        for input_name in ("customers", "order_lines")
        for row in reason_rows(build, input_name)
    ]


def test_the_committed_listings_are_written_from_the_reasons(bundled_build):
    for path, text in listings(mart_reasons(bundled_build)).items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path} does not list the reasons of macros/reject_reasons.sql;"
            " run `make generate` and commit what it writes"
        )


def test_the_reasons_are_read_from_the_compiled_model(bundled_build):
    manifest = json.loads(
        (bundled_build.database.parent / "target" / "manifest.json").read_text()
    )
    compiled = manifest["nodes"]["model.mall_segmentation.reject_reasons"]
    reasons = reasons_from_sql(compiled["compiled_code"])
    assert reasons == sorted(
        mart_reasons(bundled_build),
        key=lambda reason: (reason.input_name, reason.rule_order),
    )
    assert len(reasons) == len(CUSTOMER_REASONS) + len(ORDER_LINE_REASONS)


def test_only_the_lines_between_the_markers_are_rewritten():
    text = "keep\n# start\nold 1\nold 2\n# end\nkeep too\n"
    assert rewrite_between_markers(text, CONTRACTS, "# start", "# end", ["new"]) == (
        "keep\n# start\nnew\n# end\nkeep too\n"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("# start\nold\n", "needs the lines '# start' and '# end' once each"),
        (
            "# start\n# end\n# start\n",
            "needs the lines '# start' and '# end' once each",
        ),
        ("# end\nold\n# start\n", "'# end' comes before '# start'"),
    ],
    ids=["an end marker missing", "a marker twice", "the markers swapped"],
)
def test_a_file_without_its_markers_is_refused(text, problem):
    with pytest.raises(SystemExit) as refused:
        rewrite_between_markers(text, DOCS_PAGE, "# start", "# end", ["new"])
    assert str(refused.value) == f"{DOCS_PAGE}: {problem}"


def test_a_description_round_trips_through_the_contract_yaml():
    description = 'Says "no" #1: café, 😀 and a \\ backslash.'
    reason = Reason("customers", 1, "odd_text", description, "detail")
    (column,) = yaml.safe_load("\n".join(contract_columns([reason], "customers")))
    assert column == {
        "name": "rejected_odd_text",
        "data_type": "bigint",
        "description": "{{ doc('rejected_reason_count') }} Reason `odd_text`: "
        + description,
    }


def test_a_description_with_jinja_is_refused():
    reason = Reason("customers", 1, "braces", "Counts {{ rows }}.", "detail")
    with pytest.raises(SystemExit) as refused:
        contract_columns([reason], "customers")
    assert str(refused.value) == (
        "reject reason braces: its description may not hold '{{' or '{%',"
        " which dbt would read as Jinja"
    )


def test_a_table_cell_keeps_to_its_cell():
    reason = Reason("order_lines", 1, "piped", "A | B,\nthen C.", "x|y")
    assert docs_table([reason], "order_lines")[2] == (
        "| 1 | `piped` | A \\| B, then C. | x\\|y |"
    )


def test_make_reject_reasons_finds_the_committed_listings_up_to_date():
    """The generator end to end, as `make reject-reasons` runs it, with
    --check: dbt compiles the reasons (on an in-memory database) and no
    listing differs."""
    checked = subprocess.run(
        [sys.executable, "-m", "reject_reason_listings", "--check"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (checked.returncode, checked.stdout) == (0, ""), checked.stderr
