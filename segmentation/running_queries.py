"""Let a query that dbt's other thread is running end before dbt closes its
connection, or the process exits.

`dbt compile` and `dbt docs generate` stop at the first node that fails to
compile; here that is a refused input file, which the staging model checks as
it compiles. dbt then closes every connection while its other thread may
still be inside a DuckDB query, often one calling this project's Python
functions, and exits. In 17 runs of `dbt compile` on a missing file, 5 ended
after the refusal's own message in an abort ("FATAL: exception not
rethrown", exit 134), a segfault, or DuckDB's "connection is busy with
another call" in place of the refusal. So:

- closing a dbt-duckdb connection waits for a query running on it and for
  its result's fetch (in a run that goes on, each thread closes its own
  connection after its own queries, so no close waits);
- at exit, the process waits for any query still running.

Both cost a lock per query otherwise. Hand-made
because dbt-duckdb closes a connection without looking, and neither dbt nor
DuckDB offers a hook for it.
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
# past this, close or exit anyway.
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


# One lock per dbt-duckdb cursor (by its id; each connection has one), held
# while a query runs on it and while its result is fetched. Not around dbt's
# own connection lock: dbt's cleanup holds that lock while it closes. A run
# opens a few connections, so the locks are simply kept.
_RUNNING: dict[int, threading.RLock] = {}
_RUNNING_GUARD = threading.Lock()


def _running(cursor: object) -> threading.RLock:
    with _RUNNING_GUARD:
        return _RUNNING.setdefault(id(cursor), threading.RLock())


@functools.cache
def close_after_running_query(manager: type | None = None) -> None:
    """Make dbt-duckdb's connection close wait, at most
    LONGEST_WAIT_SECONDS, for a query running on that connection (its
    cursor's execute, then its result's fetch); once per process. The
    tests give a stand-in for ``manager``, dbt-duckdb's connection manager,
    and its cursor class."""
    if manager is None:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
        from dbt.adapters.duckdb.environments.local import DuckDBCursorWrapper

        manager, cursor_class = DuckDBConnectionManager, DuckDBCursorWrapper
    else:
        cursor_class = manager.cursor_class

    execute = cursor_class.execute
    fetch = manager.get_result_from_cursor.__func__
    close = manager.close.__func__

    def execute_holding_the_cursor(self, sql, bindings=None):
        with _running(self):
            return execute(self, sql, bindings)

    def fetch_holding_the_cursor(cls, cursor, limit):
        with _running(cursor):
            return fetch(cls, cursor, limit)

    def close_once_idle(cls, connection):
        # Only an open connection has a cursor; asking a closed one for its
        # handle would open it.
        cursor = connection.handle.cursor() if connection.state == "open" else None
        lock = _running(cursor) if cursor is not None else None
        waited = lock is not None and lock.acquire(timeout=LONGEST_WAIT_SECONDS)
        try:
            return close(cls, connection)
        finally:
            if waited:
                lock.release()

    cursor_class.execute = execute_holding_the_cursor
    manager.get_result_from_cursor = classmethod(fetch_holding_the_cursor)
    manager.close = classmethod(close_once_idle)
