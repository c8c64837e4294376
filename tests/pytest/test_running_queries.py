"""The plugin's wait at exit for queries still running on dbt's other threads
(segmentation/running_queries.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from types import SimpleNamespace

import pytest
from conftest import PROJECT_DIR

from segmentation.running_queries import close_after_running_query

# As `dbt compile` ends on a refused input: another thread is inside a query
# through dbt-duckdb's cursor (here one calling a slow Python function, as
# the input checks do), and the connection is closed at exit.
EXIT_DURING_A_QUERY = textwrap.dedent(
    """
    import atexit, sys, threading, time
    import duckdb
    from dbt.adapters.duckdb.environments.local import DuckDBCursorWrapper
    from segmentation.running_queries import (
        close_after_running_query,
        wait_for_queries_at_exit,
    )

    conn = duckdb.connect()
    started = threading.Event()


    def slow(x):
        started.set()
        time.sleep(2)
        return x


    conn.create_function("slow", slow, ["BIGINT"], "BIGINT")
    atexit.register(conn.close)
    if sys.argv[1] == "wait":
        close_after_running_query()
        wait_for_queries_at_exit()
    # dbt-duckdb keeps each connection's cursor for the connection's life.
    # A cursor dropped right after its query is freed on the daemon thread
    # as the process ends, outside any wait: 7 aborts in 15 runs on a
    # loaded machine.
    cursors = []

    def query():
        cursor = DuckDBCursorWrapper(conn.cursor())
        cursors.append(cursor)
        cursor.execute("select slow(1)")

    worker = threading.Thread(target=query, daemon=True)
    worker.start()
    # From inside the query.
    started.wait()
    print(worker.is_alive())
    """
)

# dbt's other thread starts a query only once the process is exiting: it
# must not start (a query running as Python finalizes aborts the process).
START_DURING_EXIT = textwrap.dedent(
    """
    import atexit, threading, time
    import duckdb
    from dbt.adapters.duckdb.environments.local import DuckDBCursorWrapper
    from segmentation.running_queries import (
        close_after_running_query,
        wait_for_queries_at_exit,
    )

    conn = duckdb.connect()
    ran = []
    conn.create_function("noted", lambda x: ran.append(x) or x, ["BIGINT"], "BIGINT")
    atexit.register(lambda: print("ran:", ran))
    atexit.register(conn.close)
    exiting = threading.Event()
    # Runs after the wait (exit handlers run last registered first).
    atexit.register(lambda: exiting.set() or time.sleep(0.5))
    close_after_running_query()
    wait_for_queries_at_exit()

    def query():
        exiting.wait()
        DuckDBCursorWrapper(conn.cursor()).execute("select noted(1)")

    threading.Thread(target=query, daemon=True).start()
    """
)


def run_script(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("mode", "closed_cleanly"), [("wait", True), ("no wait", False)]
)
def test_exit_waits_for_a_query_on_another_thread(mode, closed_cleanly):
    ended = run_script(EXIT_DURING_A_QUERY, mode)
    # The query was running when the main thread reached its end.
    assert ended.stdout == "True\n"
    assert ended.returncode == 0
    if closed_cleanly:
        assert ended.stderr == ""
    else:
        # Without the wait, closing the connection meets the running query.
        assert "connection is busy with another call" in ended.stderr


def test_no_query_starts_once_the_process_is_exiting():
    ended = run_script(START_DURING_EXIT)
    assert (ended.returncode, ended.stdout, ended.stderr) == (0, "ran: []\n", "")


class StandInCursor:
    """A cursor whose query takes 0.3 s, as dbt-duckdb's runs one."""

    def __init__(self, events: list[str], started: threading.Event):
        self.events, self.started = events, started

    def execute(self, sql, bindings=None):
        self.started.set()
        time.sleep(0.3)
        self.events.append("query done")


class StandInManager:
    """dbt-duckdb's connection manager, as far as the wait patches it."""

    cursor_class = StandInCursor

    @classmethod
    def get_result_from_cursor(cls, cursor, limit):
        cursor.started.set()
        time.sleep(0.3)
        cursor.events.append("fetch done")

    @classmethod
    def close(cls, connection):
        connection.events.append("closed")


@pytest.mark.parametrize("step", ["execute", "fetch"])
def test_closing_a_connection_waits_for_its_running_query(step):
    # As dbt's cleanup closes a connection its other thread is still
    # querying: the close comes after the query and its fetch, not in the
    # middle of them.
    close_after_running_query(StandInManager)
    events: list[str] = []
    started = threading.Event()
    cursor = StandInCursor(events, started)
    connection = SimpleNamespace(
        state="open", handle=SimpleNamespace(cursor=lambda: cursor), events=events
    )
    if step == "execute":
        worker = threading.Thread(target=cursor.execute, args=("select 1",))
    else:
        worker = threading.Thread(
            target=StandInManager.get_result_from_cursor, args=(cursor, None)
        )
    worker.start()
    started.wait()
    StandInManager.close(connection)
    worker.join()
    assert events == [f"{'query' if step == 'execute' else 'fetch'} done", "closed"]


def test_closing_a_connection_never_opened_does_not_open_it():
    close_after_running_query(StandInManager)
    events: list[str] = []

    class Unopened:
        state = "init"

        @property
        def handle(self):
            raise AssertionError("the close asked for the handle")

    connection = Unopened()
    connection.events = events
    StandInManager.close(connection)
    assert events == ["closed"]
