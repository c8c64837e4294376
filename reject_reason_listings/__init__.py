"""The listings written from the one list of reject reasons
(macros/reject_reasons.sql), so that adding a reason is one edit there:

- models/marts/_marts__models.yml: the run summary's count column for each
  reason, in its enforced contract (a contract lists every column, and YAML
  cannot loop over a macro);
- docs/cleaning_rules.md: the table of each input's reasons.

Each listing sits between two marker lines in its file, and only what is
between them is rewritten. `make generate` writes them from the model
`reject_reasons` as dbt compiles it; a test fails while the committed files
differ from what this module writes.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parent.parent
CONTRACTS = PROJECT_DIR / "models" / "marts" / "_marts__models.yml"
DOCS_PAGE = PROJECT_DIR / "docs" / "cleaning_rules.md"
INPUTS = ("customers", "order_lines")

# Per input: the run summary's count column prefix and its doc block.
COUNT_COLUMNS = {
    "customers": ("rejected_", "rejected_reason_count"),
    "order_lines": ("rejected_lines_", "rejected_line_reason_count"),
}


@dataclass(frozen=True)
class Reason:
    input_name: str
    rule_order: int
    reject_reason: str
    description: str
    detail_template: str


def compile_reasons() -> list[Reason]:
    """Every reason, as dbt compiles the model reject_reasons from the list
    now (`dbt compile --select reject_reasons`). dbt runs on an in-memory
    database with a scratch target folder, so neither the warehouse (which
    Power BI may hold open) nor the last build's artifacts are touched, and
    its output, the compiled SQL, is left out."""
    from dbt.cli.main import dbtRunner

    with tempfile.TemporaryDirectory() as scratch:
        saved = os.environ.get("DBT_DUCKDB_PATH")
        os.environ["DBT_DUCKDB_PATH"] = ":memory:"
        try:
            result = dbtRunner().invoke(
                [
                    "compile",
                    "--select",
                    "reject_reasons",
                    "--project-dir",
                    str(PROJECT_DIR),
                    "--profiles-dir",
                    str(PROJECT_DIR),
                    "--target-path",
                    scratch,
                    "--log-path",
                    scratch,
                    "--log-level",
                    "none",
                    "--no-write-json",
                ]
            )
        finally:
            if saved is None:
                del os.environ["DBT_DUCKDB_PATH"]
            else:
                os.environ["DBT_DUCKDB_PATH"] = saved
    if not result.success:
        problem = result.exception or "; ".join(
            str(node.message) for node in result.result.results if node.message
        )
        raise SystemExit(f"dbt compile --select reject_reasons failed: {problem}")
    (compiled,) = (
        node_result.node.compiled_code
        for node_result in result.result.results
        if node_result.node.unique_id == "model.mall_segmentation.reject_reasons"
    )
    return reasons_from_sql(compiled)


def reasons_from_sql(compiled_sql: str) -> list[Reason]:
    """Every reason, from the model reject_reasons as dbt compiled it. That
    SQL reads no table, so an in-memory DuckDB runs it."""
    rows = duckdb.sql(
        "select input_name, rule_order, reject_reason, description,"
        f" detail_template from ({compiled_sql}) order by input_name, rule_order"
    ).fetchall()
    return [Reason(*row) for row in rows]


def contract_columns(reasons: list[Reason], input_name: str) -> list[str]:
    """The run summary's count columns for ``input_name``, as YAML lines."""
    prefix, doc_block = COUNT_COLUMNS[input_name]
    lines = []
    for reason in _of_input(reasons, input_name):
        # dbt renders a description as Jinja.
        if "{{" in reason.description or "{%" in reason.description:
            raise SystemExit(
                f"reject reason {reason.reject_reason}: its description may not"
                " hold '{{' or '{%', which dbt would read as Jinja"
            )
        # A JSON string is a YAML double-quoted scalar; characters beyond
        # ASCII are kept as they are (YAML refuses JSON's surrogate pairs).
        description = json.dumps(
            f"{{{{ doc('{doc_block}') }}}} Reason `{reason.reject_reason}`:"
            f" {reason.description}",
            ensure_ascii=False,
        )
        lines += [
            f"      - name: {prefix}{reason.reject_reason}",
            "        data_type: bigint",
            f"        description: {description}",
        ]
    return lines


def docs_table(reasons: list[Reason], input_name: str) -> list[str]:
    """The Markdown table of ``input_name``'s reasons."""
    return [
        "| order | reason | meaning | `reject_detail` |",
        "|---:|---|---|---|",
        *(
            f"| {reason.rule_order} | `{reason.reject_reason}` |"
            f" {_table_cell(reason.description)} |"
            f" {_table_cell(reason.detail_template)} |"
            for reason in _of_input(reasons, input_name)
        ),
    ]


def _table_cell(text: str) -> str:
    """``text`` in one cell of a Markdown table row."""
    return " ".join(text.split()).replace("|", "\\|")


def listings(reasons: list[Reason]) -> dict[Path, str]:
    """Each file's text with its listings rewritten from ``reasons``."""
    contracts = CONTRACTS.read_text(encoding="utf-8")
    page = DOCS_PAGE.read_text(encoding="utf-8")
    for input_name in INPUTS:
        contracts = rewrite_between_markers(
            contracts,
            CONTRACTS,
            f"      # reject-reasons:{input_name}",
            f"      # /reject-reasons:{input_name}",
            contract_columns(reasons, input_name),
        )
        page = rewrite_between_markers(
            page,
            DOCS_PAGE,
            f"<!-- reject-reasons:{input_name} -->",
            f"<!-- /reject-reasons:{input_name} -->",
            docs_table(reasons, input_name),
        )
    return {CONTRACTS: contracts, DOCS_PAGE: page}


def _of_input(reasons: list[Reason], input_name: str) -> list[Reason]:
    return sorted(
        (reason for reason in reasons if reason.input_name == input_name),
        key=lambda reason: reason.rule_order,
    )


def rewrite_between_markers(
    text: str, path: Path, start: str, end: str, body: list[str]
) -> str:
    lines = text.split("\n")
    if lines.count(start) != 1 or lines.count(end) != 1:
        raise SystemExit(f"{path}: needs the lines {start!r} and {end!r} once each")
    first, last = lines.index(start), lines.index(end)
    if last < first:
        raise SystemExit(f"{path}: {end!r} comes before {start!r}")
    return "\n".join(lines[: first + 1] + body + lines[last:])
