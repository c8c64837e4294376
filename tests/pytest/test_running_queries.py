"""The plugin's wait at exit for queries still running on dbt's other threads
(segmentation/running_queries.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import pytest
from conftest import PROJECT_DIR

from segmentation.running_queries import _running, close_after_running_query

# As `dbt compile` ends on a refused input: another thread is inside a query
# through dbt-duckdb's cursor (here one calling a slow Python function, as
# the input checks do), and the connection is closed at exit.
EXIT_DURING_A_QUERY = textwrap.dedent(
    """
    import atexit, sys, threading, time
    import duckdb
    from dbt.adapters.duckdb.environments.local import DuckDBCursorWrapper
    from segmentation.running_queries import threads_in_duckdb, wait_for_queries_at_exit

    conn = duckdb.connect()
    conn.create_function("slow", lambda x: time.sleep(0.5) or x, ["BIGINT"], "BIGINT")
    atexit.register(conn.close)
    if sys.argv[1] == "wait":
        wait_for_queries_at_exit()
    started = threading.Event()

    def query():
        started.set()
        DuckDBCursorWrapper(conn.cursor()).execute("select slow(1)")

    threading.Thread(target=query, daemon=True).start()
    started.wait()
    time.sleep(0.1)
    print(len(threads_in_duckdb()))
    """
)


def exit_during_a_query(mode: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", EXIT_DURING_A_QUERY, mode],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("mode", "closed_cleanly"), [("wait", True), ("no wait", False)]
)
def test_exit_waits_for_a_query_on_another_thread(mode, closed_cleanly):
    ended = exit_during_a_query(mode)
    # The query was running when the main thread reached its end.
    assert ended.stdout == "1\n"
    assert ended.returncode == 0
    if closed_cleanly:
        assert ended.stderr == ""
    else:
        # Without the wait, closing the connection meets the running query.
        assert "connection is busy with another call" in ended.stderr


def test_closing_a_connection_waits_for_its_running_query():
    # As dbt's cleanup closes a connection its other thread is still
    # querying: the close comes after the query, not in the middle of it.
    from dbt.adapters.contracts.connection import Connection, ConnectionState
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    close_after_running_query()
    connection = Connection(
        type="duckdb", name="node", state=ConnectionState.CLOSED, credentials=None
    )
    events = []
    querying = threading.Event()

    def query():
        with _running(connection):
            querying.set()
            time.sleep(0.3)
            events.append("query done")

    worker = threading.Thread(target=query)
    worker.start()
    querying.wait()
    DuckDBConnectionManager.close(connection)
    events.append("closed")
    worker.join()
    assert events == ["query done", "closed"]
