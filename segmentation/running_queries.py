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
- at exit, the process waits the same way for any query still running,
  and no query starts after that.

Both go by one lock per cursor, held while its query runs, so neither
waits when no query is running, the usual case. Hand-made because
dbt-duckdb closes a connection without looking, and neither dbt nor DuckDB
offers a hook for it.
"""

from __future__ import annotations

import atexit
import functools
import threading
import time

# A query a failed compile left running is one of the checks' small ones;
# past this, close or exit anyway.
LONGEST_WAIT_SECONDS = 10.0

# One lock per dbt-duckdb cursor (by its id; each connection has one), held
# while a query runs on it and while its result is fetched. Not around dbt's
# own connection lock: dbt's cleanup holds that lock while it closes. A run
# opens a few connections, so the locks are simply kept.
_RUNNING: dict[int, threading.RLock] = {}
_RUNNING_GUARD = threading.Lock()
# Held by the exiting thread from the wait at exit on: any other thread's
# next query waits on it for good. Python joins the threads that are not
# daemons before it runs exit handlers, so those left (dbt's pool) do not
# hold the exit up.
_EXIT_GATE = threading.RLock()
_exiting = False


def _running(cursor: object) -> threading.RLock:
    with _RUNNING_GUARD:
        if _exiting:
            return _EXIT_GATE
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


@functools.cache
def wait_for_queries_at_exit() -> None:
    """Register the wait once per process. atexit runs the last registered
    first, so call it after the other exit handlers are registered."""
    atexit.register(wait_until_no_query_runs)


def wait_until_no_query_runs(timeout: float = LONGEST_WAIT_SECONDS) -> None:
    """At exit: wait, at most ``timeout`` in all, until no cursor is running
    a query or fetching its result (the locks close_after_running_query
    holds), and keep them, so that no other thread starts one while the
    process ends; this thread still may."""
    global _exiting
    _EXIT_GATE.acquire()
    deadline = time.monotonic() + timeout
    with _RUNNING_GUARD:
        _exiting = True
        locks = list(_RUNNING.values())
    for lock in locks:
        lock.acquire(timeout=max(0.0, deadline - time.monotonic()))
