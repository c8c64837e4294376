"""Input checks that need Python, called from SQL (see dbt_plugin.py).

Jinja cannot catch a failed query, and DuckDB's CSV sniffer fails on some
damaged files (an unterminated quote, for one) before any line is read. This
lets macros/input_files.sql ask first, and explain the problem in one line.
"""

from __future__ import annotations

import duckdb


def reader_problem(relation_sql: str) -> str | None:
    """None when DuckDB can open ``relation_sql`` (a table function such as
    ``read_csv(...)``; for a CSV its sniffer reads a sample, not the whole
    file), else the first line of DuckDB's error."""
    with duckdb.connect() as con:
        try:
            con.execute(f"describe select * from {relation_sql}")
        except duckdb.Error as error:
            return str(error).splitlines()[0]
    return None
