"""The message for a DuckDB file that another program keeps locked.

DuckDB allows one writing process or many reading ones. While Power BI (via
the DuckDB ODBC driver) or any DuckDB client has the file open, a build
cannot open it. dbt-duckdb waits for the file (``retries.connect_attempts``
in profiles.yml); when it gives up, segmentation.dbt_plugin replaces
DuckDB's error with a sentence a Power BI user can act on.
"""

from __future__ import annotations

import re
from pathlib import Path

# DuckDB's wording when another process holds the file, e.g.
#   IO Error: Could not set lock on file "/x.duckdb": Conflicting lock is held
#   in /usr/bin/python3.11 (PID 4242). See also https://duckdb.org/...
LOCK_ERROR = "Could not set lock on file"
LOCK_HOLDER = re.compile(
    r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)"
)


def waited_seconds(connect_attempts: int) -> int:
    """Seconds dbt-duckdb has slept when its last connect attempt fails.

    It sleeps 2**n s after failed attempt n (counting from 0), the last one
    included: 1 + 2 + 4 + 8 = 15 s for 4 attempts.
    """
    return 2 ** max(connect_attempts, 0) - 1


def locked_message(path: str, duckdb_error: str, waited_seconds: int) -> str:
    holder = LOCK_HOLDER.search(duckdb_error)
    held_by = f" ({holder['program']}, PID {holder['pid']})" if holder else ""
    return (
        f"The database file {Path(path).absolute()} is locked by another"
        f" program{held_by}; still locked after waiting {waited_seconds} s."
        " Close that program (for example Power BI Desktop or a DuckDB client"
        " that has the file open) and run the build again, or point Power BI"
        " at the Parquet exports, which never lock the database (see"
        " docs/power_bi.md)."
    )
