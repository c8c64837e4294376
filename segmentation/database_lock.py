"""Opening the DuckDB file when another program may hold its lock.

DuckDB allows one writing process or many reading ones. While Power BI (via
the DuckDB ODBC driver) or any DuckDB client has the file open, a build
cannot open it. These functions wait on the same schedule as dbt-duckdb's
``retries.connect_attempts`` (1 s, 2 s, 4 s, ... between attempts) and then
give up with a message a Power BI user can act on.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

# DuckDB's wording when another process holds the file, e.g.
#   IO Error: Could not set lock on file "/x.duckdb": Conflicting lock is held
#   in /usr/bin/python3.11 (PID 4242). See also https://duckdb.org/...
LOCK_ERROR = "Could not set lock on file"
LOCK_HOLDER = re.compile(
    r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)"
)


class DatabaseLockedError(RuntimeError):
    """The database file stayed locked by another program."""


def retry_waits(attempts: int) -> list[int]:
    """Seconds to wait after each failed attempt but the last."""
    return [2**attempt for attempt in range(max(attempts, 1) - 1)]


def connect_when_unlocked(
    path: str,
    config: dict,
    attempts: int,
    *,
    sleep: Callable[[float], None] = time.sleep,
    on_wait: Callable[[str], None] = lambda message: None,
) -> duckdb.DuckDBPyConnection:
    """A read-write connection to ``path``, waiting while another program
    holds the lock. Errors other than the lock are raised at once."""
    waits = retry_waits(attempts)
    for attempt in range(len(waits) + 1):
        try:
            return duckdb.connect(path, read_only=False, config=config)
        except duckdb.IOException as error:
            if LOCK_ERROR not in str(error):
                raise
            if attempt == len(waits):
                raise DatabaseLockedError(
                    locked_message(path, str(error), sum(waits))
                ) from None
            on_wait(
                f"{Path(path).absolute()} is locked by another program; trying"
                f" again in {waits[attempt]} s (attempt {attempt + 2} of"
                f" {len(waits) + 1})"
            )
            sleep(waits[attempt])
    raise AssertionError("unreachable")  # pragma: no cover


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
