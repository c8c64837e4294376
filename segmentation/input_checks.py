"""Input checks that need Python, called from SQL (see dbt_plugin.py).

Jinja cannot catch a failed query, and DuckDB fails on some damaged files
before any line is read: its CSV sniffer on an unterminated quote, its gzip
reader on a `.gz` name that is not gzip, its Parquet reader on a file that
is not Parquet. This lets macros/input_files.sql ask first, and explain the
problem in one line.
"""

from __future__ import annotations

import glob
import os

import duckdb


def reader_problem(relation_sql: str) -> str | None:
    """None when DuckDB can read the first row of ``relation_sql`` (a table
    function such as ``read_csv(...)``; for a CSV its sniffer reads a
    sample, not the whole file), else the first line of DuckDB's error."""
    with duckdb.connect() as con:
        try:
            con.execute(f"select * from {relation_sql} limit 1").fetchall()
        except duckdb.Error as error:
            return str(error).splitlines()[0]
    return None


def is_folder(path: str) -> bool:
    """Whether ``path`` names a folder, or is a pattern that matches folders
    only (False, not an error, where it cannot be looked at). DuckDB's glob
    lists files only, so to it a folder given as the input file looks
    missing."""
    path = os.path.expanduser(path)
    if glob.escape(path) == path:
        return os.path.isdir(path)
    matches = glob.glob(path, recursive=True)
    return bool(matches) and all(os.path.isdir(match) for match in matches)
