"""dbt commands run in long-lived worker processes instead of one `dbt`
process each.

A `dbt` process imports dbt and parses the project cold before it runs a
node, seconds of CPU each time (docs/development.md). A worker imports dbt once and
then runs one command at a time through dbtRunner, dbt's documented
programmatic entry point, which goes through the same click command as the
`dbt` executable. A full parse in a warm worker costs about a quarter of a
cold one (see ``_start_worker``): 0.5 to 1.1 s, against 3.3 to 4.2 s for
a process's first parse (2026-12-02, on the 2-core machine).

Each worker runs one command at a time, because dbt keeps global state (its
flags, adapters, event logger) in the process. Per command the worker sets
the environment and working folder a `dbt` process would get, captures what
the command prints (file descriptors 1 and 2, so DuckDB's and Python's own
output too), and afterwards closes the DuckDB database, which dbt-duckdb
would otherwise keep open, locked, until the process exits. Running and
closing are make build's own (python_plots/make_build.py), which runs two
commands in one process the same way.

Two more savings apply only inside these workers, because they pay off
across commands: each Jinja source is compiled once per worker
(``_cache_jinja_compiles``), and after the first command what it left alive
is frozen out of the garbage collector's reach (``_invoke``).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import heapq
import multiprocessing
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from python_plots.make_build import UNHANDLED, release_database, run_dbt


def _start_worker() -> None:
    # Runs once in each worker: the import a `dbt` process pays every time.
    import dbt.adapters.duckdb
    import dbt.cli.main  # noqa: F401
    from dbt_common.tests import enable_test_caching

    # dbt's own in-process test fixtures (dbt.tests.fixtures.project) turn
    # on these caches: Jinja parse trees, macro calls and blocks, by source
    # text. The macros of dbt and dbt-duckdb are the same in every command,
    # so a full parse here takes about half the CPU it takes without them,
    # and the manifest it writes is the same. With the compile cache below
    # too: 0.5 to 1.1 s, against 1.5 to 1.9 s with neither, in a warm
    # process (2026-12-02, on the 2-core machine).
    enable_test_caching()
    _cache_jinja_compiles()


def _cache_jinja_compiles() -> None:
    """Compile each Jinja source to Python once per worker, not per render.

    dbt compiles a template from its source text each time it renders one
    (every model, test, config and macro, in every command), and the caches
    above keep only the parse trees. The code Jinja generates depends on the
    source and on the environment's class and settings, never on the values
    it renders with (those come in at render time), so the same source in
    an environment of the same kind gets the same code. In a warm worker a
    later full parse took 0.6 to 1.1 s with this cache and 1.0 to 1.4 s
    without it (2026-12-02, on the 2-core machine).
    """
    import jinja2

    compile_source = jinja2.Environment.compile
    compiled = {}

    @functools.wraps(compile_source)
    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        if not isinstance(source, str):
            return compile_source(self, source, name, filename, raw, defer_init)
        key = (
            type(self),
            tuple(sorted(self.extensions)),
            self.lexer,
            self.finalize,
            self.autoescape,
            self.optimized,
            self.is_async,
            source,
            name,
            filename,
            raw,
            defer_init,
        )
        code = compiled.get(key)
        if code is None:
            code = compiled[key] = compile_source(
                self, source, name, filename, raw, defer_init
            )
        return code

    jinja2.Environment.compile = compile


_FROZEN = False


def _freeze_after_first_command() -> None:
    """Leave what the first command left alive out of later collections.

    That is dbt, DuckDB, scikit-learn and pandas as imported, and the caches
    filled: all of it lives as long as the worker. Each command ends with a
    full collection (``release_database``), which otherwise walks all of it
    again, as Python's own full collections do while dbt runs.
    """
    global _FROZEN
    if not _FROZEN:
        gc.freeze()
        _FROZEN = True


def _invoke(args: list[str], env: dict[str, str], cwd: str) -> tuple[int, str]:
    """Run ``dbt *args`` in this worker: (exit code, everything printed)."""
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    saved_fds = os.dup(1), os.dup(2)
    with tempfile.TemporaryFile() as printed:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(printed.fileno(), 1)
        os.dup2(printed.fileno(), 2)
        os.environ.clear()
        os.environ.update(env)
        os.chdir(cwd)
        try:
            code = run_dbt(args)
            release_database()
            _freeze_after_first_command()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved_fds[0], 1)
            os.dup2(saved_fds[1], 2)
            for fd in saved_fds:
                os.close(fd)
            os.environ.clear()
            os.environ.update(saved_env)
            os.chdir(saved_cwd)
        printed.seek(0)
        return code, printed.read().decode("utf-8", errors="replace")


class _Line:
    """Lets at most ``count`` callers through at a time, lowest place first:
    a caller that comes late with an early place goes before those with
    later places still waiting."""

    def __init__(self, count: int) -> None:
        self._free = count
        self._waiting: list[int] = []
        self._changed = threading.Condition()

    @contextlib.contextmanager
    def turn(self, place: int) -> Iterator[None]:
        with self._changed:
            heapq.heappush(self._waiting, place)
            while not (self._free and self._waiting[0] == place):
                self._changed.wait()
            heapq.heappop(self._waiting)
            self._free -= 1
            # The next in line may now be at the front with a place free.
            self._changed.notify_all()
        try:
            yield
        finally:
            with self._changed:
                self._free += 1
                self._changed.notify_all()


class DbtWorkers:
    """A pool of ``count`` workers; ``run`` is safe to call from any thread
    and waits while every worker is busy.

    Runs wait in line here by the place their caller gives, and at most
    ``count`` of them are handed to the pool at a time; a run without a place
    is urgent: it skips the line, so it waits only for a worker to finish
    the run it has.
    """

    def __init__(self, count: int) -> None:
        self._count = count
        self._lock = threading.Lock()
        self._pool = self._new_pool()
        self._line = _Line(count)
        self._closed = False

    def _new_pool(self) -> ProcessPoolExecutor:
        # concurrent.futures, not joblib: each test waits on its own run's
        # future as soon as it is handed out, where joblib.Parallel returns
        # a whole batch at once. spawn: a fresh interpreter, not a fork of
        # pytest and its threads.
        return ProcessPoolExecutor(
            self._count,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
        )

    def run(
        self,
        args: list[str],
        env: dict[str, str],
        cwd: str,
        timeout: float,
        place: int | None = None,
    ) -> tuple[int, str]:
        """(exit code, output) of ``dbt *args``; ``timeout`` counts from the
        moment the run is handed to the pool, not while it waits in line."""
        with contextlib.nullcontext() if place is None else self._line.turn(place):
            return self._run(args, env, cwd, timeout)

    def _run(
        self, args: list[str], env: dict[str, str], cwd: str, timeout: float
    ) -> tuple[int, str]:
        with self._lock:
            if self._closed:
                return UNHANDLED, "the test session ended before this run"
            pool = self._pool
        try:
            return pool.submit(_invoke, args, env, cwd).result(timeout=timeout)
        except BrokenProcessPool:
            # A worker died (a crash in dbt or DuckDB): that command fails,
            # and the next ones get new workers.
            with self._lock:
                if self._pool is pool and not self._closed:
                    self._pool = self._new_pool()
            return UNHANDLED, "the dbt worker process died"

    def shutdown(self) -> None:
        """Lets the runs under way end and drops those still waiting in
        line: a session that stops early (``pytest -x``) does not wait for
        them."""
        with self._lock:
            self._closed = True
            pool = self._pool
        pool.shutdown(cancel_futures=True)
