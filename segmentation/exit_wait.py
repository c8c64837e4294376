"""At exit, wait for dbt's worker threads to leave DuckDB.

`dbt compile` and `dbt docs generate` stop at the first node that fails to
compile; here that is a refused input file, which the staging model checks as
it compiles. dbt then exits while its other thread may still be inside a
DuckDB query, often one calling this project's Python functions. On
Python 3.11 such a daemon thread is ended as it next takes the interpreter
lock, by an unwind that DuckDB's C++ code does not survive: after the
refusal's own message the process aborted ("FATAL: exception not rethrown",
exit 134) or segfaulted in 5 of 17 runs. Waiting for the query to return
first costs nothing when no thread is in one, the usual case.
"""

from __future__ import annotations

import atexit
import functools
import sys
import threading
import time
from types import FrameType

# dbt-duckdb runs every query through an `execute` of its own (the
# connection manager's, and its cursor wrapper's inside).
DBT_DUCKDB_EXECUTE = ("/dbt/adapters/duckdb/", "execute")
# A query a failed compile left running is one of the checks' small ones;
# past this, exit anyway.
LONGEST_WAIT_SECONDS = 10.0


@functools.cache
def wait_for_queries_at_exit() -> None:
    """Register the wait once per process. atexit runs the last registered
    first, so call it after the other exit handlers are registered."""
    atexit.register(wait_until_no_thread_in_duckdb)


def wait_until_no_thread_in_duckdb(
    timeout: float = LONGEST_WAIT_SECONDS, execute: tuple[str, str] = DBT_DUCKDB_EXECUTE
) -> None:
    deadline = time.monotonic() + timeout
    while threads_in_duckdb(execute) and time.monotonic() < deadline:
        time.sleep(0.01)


def threads_in_duckdb(execute: tuple[str, str] = DBT_DUCKDB_EXECUTE) -> list[int]:
    """The other threads with ``execute`` (a part of a file's path and a
    function name) on their stack: a query of theirs has not returned."""
    here = threading.get_ident()
    return [
        ident
        for ident, frame in sys._current_frames().items()
        if ident != here and _calls(frame, execute)
    ]


def _calls(frame: FrameType | None, execute: tuple[str, str]) -> bool:
    file_part, function = execute
    while frame is not None:
        code = frame.f_code
        path = code.co_filename.replace("\\", "/")
        if code.co_name == function and file_part in path:
            return True
        frame = frame.f_back
    return False
