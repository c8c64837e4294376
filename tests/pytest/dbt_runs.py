"""Running dbt in the tests: each command in one of the session's worker
processes (dbt_workers.py), in the background or waited for, and what it
gives back. The runs the tests share are defined in conftest.py."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from dbt_workers import DbtWorkers

PROJECT_DIR = Path(__file__).resolve().parents[2]


@dataclass
class DbtResult:
    returncode: int
    output: str
    database: Path

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.sql(sql).fetchall()

    def mart_rows(self, names: tuple[str, ...]) -> dict[str, list[tuple]]:
        """All rows of each mart in ``names``, in a stable order (every
        column sorted), read through one connection: opening the file costs
        about 45 ms of CPU, a tenth of a snapshot of nine marts."""
        with duckdb.connect(str(self.database), read_only=True) as con:
            return {
                name: con.sql(f"select * from marts.{name} order by all").fetchall()
                for name in names
            }


def run_dbt(
    database: Path,
    *args: str,
    vars: dict | str | None = None,
    work_dir: Path | None = None,
    env: dict[str, str] | None = None,
) -> DbtResult:
    """Run a dbt command against ``database``; never raises on dbt failure.

    The command runs as `dbt *args --project-dir <project>` would from the
    database's folder, in one of the session's dbt workers (see
    dbt_workers.py), with DBT_DUCKDB_PATH the file's name. Relative paths in
    ``vars`` are so relative to that folder. Each call gets its own target
    folder, so tests can run dbt side by side. What it prints is the
    result's ``output``; dbt's debug log file (every event and query) is
    not written, as no test reads it and writing it took about a tenth of
    a build's CPU.
    """
    work_dir = work_dir or database.parent
    command = [
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
        "--log-level-file",
        "none",
    ]
    if vars:
        # A string is YAML as typed on the command line.
        command += ["--vars", vars if isinstance(vars, str) else json.dumps(vars)]
    full_env = {
        **os.environ,
        # The same profile for every file of the same name: dbt parses the
        # project again when the profile's path differs (see _PARSE_STATES).
        "DBT_DUCKDB_PATH": database.name,
        "DBT_PROJECT_DIR": str(PROJECT_DIR),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        # Builds export their marts to Parquet; keep that out of the project.
        "SEGMENTATION_EXPORT_DIR": str(work_dir / "exports"),
        **(env or {}),
    }
    parse_state = work_dir / "target" / "partial_parse.msgpack"
    parse_key = json.dumps(vars or {}, sort_keys=True)
    if not parse_state.exists() and parse_key in _PARSE_STATES:
        parse_state.parent.mkdir(parents=True, exist_ok=True)
        parse_state.write_bytes(_PARSE_STATES[parse_key])
    # A run started in the background keeps the place in line its start
    # took; one called by the test itself has none, as it holds the test up:
    # it goes first.
    place = getattr(_PLACE_IN_LINE, "place", None)
    returncode, output = _WORKERS.run(
        command, full_env, str(database.parent), timeout=900, place=place
    )
    if parse_key not in _PARSE_STATES and parse_state.exists():
        _PARSE_STATES.setdefault(parse_key, parse_state.read_bytes())
    return DbtResult(returncode, output, database)


# The parse state (target/partial_parse.msgpack) of the first run with each
# vars, by their JSON. A later run with the same vars starts from it, as a
# user's second `dbt build` does: dbt then parses only what changed, and
# parses everything again when the vars or the profile (the database's path
# among them) differ. A build on a small file took about 1.3 s less CPU.
_PARSE_STATES: dict[str, bytes] = {}


# dbt runs in two worker processes, one per core of the 2-core machine the
# suite is timed on; more would only share the same cores. Runs started in
# the background wait in line for a free worker, so that one is never idle
# while runs wait. Every run of the session is started at once, each in a
# thread of its own that waits for its turn (or for the build it copies):
# a thread waiting must never keep a run that could go from starting.
_WORKERS = DbtWorkers(2)
_BACKGROUND = ThreadPoolExecutor(max_workers=100, thread_name_prefix="dbt")


_PLACES = itertools.count()
_PLACE_IN_LINE = threading.local()


def start_in_background(function: Callable, *args, **kwargs) -> Future:
    """``function(*args, **kwargs)`` in the background; the future's
    ``result()`` waits for it. The dbt runs it makes wait for a worker in the
    order of these starts, even when one waits for another run first (the
    copies of the bundled build), so the runs the first tests need go
    first."""
    place = next(_PLACES)

    def in_line():
        _PLACE_IN_LINE.place = place
        return function(*args, **kwargs)

    return _BACKGROUND.submit(in_line)


def start_dbt(database: Path, *args: str, **kwargs) -> Future[DbtResult]:
    """``run_dbt`` in the background; the future's ``result()`` waits for it."""
    return start_in_background(run_dbt, database, *args, **kwargs)


def passed(run: Future[DbtResult]) -> DbtResult:
    """The result of a background run that must succeed."""
    result = run.result()
    assert result.returncode == 0, result.output
    return result


def copy_warehouse(build: DbtResult, folder: Path) -> Path:
    """A copy of ``build``'s database in ``folder``, under the same file name
    (so the same DuckDB catalog name), for a test that changes it."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(build.database, folder / build.database.name))


def damage(database: Path, *statements: str) -> None:
    """Runs ``statements`` on the DuckDB file ``database`` (a copy)."""
    with duckdb.connect(str(database)) as con:
        for statement in statements:
            con.execute(statement)


# A build for its data: without the SQL unit tests, as `make nightly` runs.
# They check the SQL on fixed rows whatever the input, so each runs in the
# builds that own them (the bundled build: the seed path's; the format
# variants: a customer file's; the order-lines excerpt: the order lines';
# the build on both files: the join's),
# not again in every build on another file.
DATA_BUILD = ("build", "--exclude-resource-type", "unit_test")
# On a file the unit tests run only when asked for (dbt_project.yml): the
# vars of the builds above that own them.
WITH_UNIT_TESTS = {"run_unit_tests": True}
# A build the tests expect refused: no test reads its JSON artifacts.
REFUSED_BUILD = (*DATA_BUILD, "--no-write-json")


# Where start_on_copy puts the copy of the warehouse, in the run's folder:
# dbt runs there (run_dbt).
PREVIOUS_BUILD = "previous"


def start_on_copy(
    build: Future[DbtResult],
    folder: Path,
    *args: str,
    prepare: Callable[[Path], Any] | None = None,
    **kwargs,
) -> Future[DbtResult]:
    """``run_dbt(copy, *args)`` in the background, once ``build`` is done, on
    a copy of its warehouse in ``folder / PREVIOUS_BUILD`` (dbt's target and
    log folders in ``folder``), first changed by ``prepare(copy)`` if
    given."""

    def run() -> DbtResult:
        database = copy_warehouse(passed(build), folder / PREVIOUS_BUILD)
        if prepare is not None:
            prepare(database)
        return run_dbt(database, *args, work_dir=folder, **kwargs)

    return start_in_background(run)


def stop_runs() -> None:
    """At the session's end: lets the runs under way end and drops those
    still waiting."""
    _WORKERS.shutdown()
    _BACKGROUND.shutdown(cancel_futures=True)
