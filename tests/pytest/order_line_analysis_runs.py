"""Runs the order-line analyses as `dbt compile` wrote them on a warehouse:
for test_order_line_analyses.py (the excerpt) and
test_order_line_analyses_real_file.py (the real file)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
from dbt_runs import DbtResult

ORDER_LINE_ANALYSES = [
    "order_lines_cancellations",
    "order_lines_country_sales",
    "order_lines_monthly_sales",
    "order_lines_top_products",
    "order_lines_top_returned_products",
]


def analysis_runner(compiled_folder: Path) -> Callable[[DbtResult, str], list[dict]]:
    """Runs one compiled analysis on a warehouse: a list of dicts, in the
    analysis's own order."""
    compiled = sorted(path.stem for path in compiled_folder.glob("*.sql"))
    assert compiled == ORDER_LINE_ANALYSES

    def run(build: DbtResult, name: str) -> list[dict]:
        sql = (compiled_folder / f"{name}.sql").read_text()
        with duckdb.connect(str(build.database), read_only=True) as con:
            relation = con.sql(sql)
            columns = relation.columns
            return [dict(zip(columns, row, strict=True)) for row in relation.fetchall()]

    return run
