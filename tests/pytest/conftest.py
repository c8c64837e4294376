"""Shared fixtures: run `dbt build` into a throw-away DuckDB file.

Most of a dbt run is fixed cost on one core (starting Python, parsing the
project), so dbt runs go two at a time, one per core: each distinct warehouse
that several tests read is built once per session, started as the session
starts, and a test module starts all of its own runs together (``start_dbt``)
and then checks each.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from benchmarks.customers_benchmark import run_benchmark
from benchmarks.customers_report import BenchmarkResult
from benchmarks.orders_benchmark import OrdersBenchmarkResult, run_orders_benchmark

PROJECT_DIR = Path(__file__).resolve().parents[2]
SHARED_DATA = PROJECT_DIR.parent / "shared" / "data"
DBT = Path(sys.executable).with_name("dbt")

MARTS = (
    "customer_segments",
    "segment_profiles",
    "segment_centroids",
    "k_evaluation",
    "rejected_customer_rows",
    "segmentation_run_summary",
)


@dataclass
class DbtResult:
    returncode: int
    output: str
    database: Path

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.sql(sql).fetchall()

    def mart_rows(self, name: str) -> list[tuple]:
        """All rows of a mart in a stable order (every column sorted)."""
        return self.query(f"select * from marts.{name} order by all")


def run_dbt(
    database: Path,
    *args: str,
    vars: dict | None = None,
    work_dir: Path | None = None,
    env: dict[str, str] | None = None,
) -> DbtResult:
    """Run a dbt command against ``database``; never raises on dbt failure.

    Each call gets its own target and log folders, so tests can run dbt side
    by side without sharing partial-parse state.
    """
    work_dir = work_dir or database.parent
    command = [
        str(DBT),
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]
    if vars:
        command += ["--vars", json.dumps(vars)]
    full_env = {
        **os.environ,
        "DBT_DUCKDB_PATH": str(database),
        "DBT_PROJECT_DIR": str(PROJECT_DIR),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        # Builds export their marts to Parquet; keep that out of the project.
        "SEGMENTATION_EXPORT_DIR": str(work_dir / "exports"),
        **(env or {}),
    }
    done = subprocess.run(
        command,
        cwd=PROJECT_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return DbtResult(done.returncode, done.stdout + done.stderr, database)


# Runs dbt in the background, one run per core of the 2-core machine the
# suite is timed on; more would only share the same cores.
_BACKGROUND = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dbt")


def start_dbt(database: Path, *args: str, **kwargs) -> Future[DbtResult]:
    """``run_dbt`` in the background; the future's ``result()`` waits for it."""
    return _BACKGROUND.submit(run_dbt, database, *args, **kwargs)


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


THREE_FEATURES = ["age", "annual_income_k", "spending_score"]


def _build(folder: Path, vars: dict | None = None) -> DbtResult:
    return run_dbt(folder / "warehouse.duckdb", "build", vars=vars)


def _docs(folder: Path, bundled: Future[DbtResult]) -> tuple[DbtResult, Path]:
    # On a copy: dbt opens its database for writing, which would lock out
    # the tests reading the bundled build meanwhile.
    database = copy_warehouse(passed(bundled), folder / "warehouse")
    result = run_dbt(database, "docs", "generate", "--static", work_dir=folder)
    return result, folder / "target"


def _small_benchmark(folder: Path) -> tuple[BenchmarkResult, Path]:
    # 60k rows: above the 20k model-selection sample, so k is chosen on a
    # sample and the final centroids are refined on all rows, as at 1M.
    return run_benchmark(60_000, seed=42, out_dir=folder), folder / "n60000"


# Small enough to run in seconds besides dbt's fixed cost; a few dozen
# customers still give every kind of line and k up to 10 for the notebook.
SMALL_ORDERS_LINES = 5_000


def _small_orders_benchmark(folder: Path) -> tuple[OrdersBenchmarkResult, Path]:
    result = run_orders_benchmark(SMALL_ORDERS_LINES, seed=7, out_dir=folder)
    return result, folder / f"orders-n{SMALL_ORDERS_LINES}"


@pytest.fixture(scope="session", autouse=True)
def shared_runs(request, tmp_path_factory) -> dict[str, Future]:
    """Starts, as the session starts, each shared run that a collected test
    reads (by fixture name); at the end, drops runs no test waited for."""
    wanted = set().union(*(item.fixturenames for item in request.session.items))
    if "docs_target" in wanted:
        wanted.add("bundled_build")
    runs: dict[str, Future] = {}

    def start(name: str, function: Callable, *args) -> None:
        if name in wanted:
            folder = tmp_path_factory.mktemp(name)
            runs[name] = _BACKGROUND.submit(function, folder, *args)

    # In the order the tests first need them. The docs wait for the bundled
    # build, which is started first, so it is running by then.
    start("bundled_build", _build)
    start("docs_target", _docs, runs.get("bundled_build"))
    start("small_benchmark", _small_benchmark)
    start("small_orders_benchmark", _small_orders_benchmark)
    start(
        "three_feature_build",
        _build,
        {"n_clusters": 3, "segmentation_features": THREE_FEATURES},
    )
    yield runs
    _BACKGROUND.shutdown(cancel_futures=True)


@pytest.fixture(scope="session")
def bundled_build(shared_runs) -> DbtResult:
    """One `dbt build` of the bundled data, shared by read-only tests; its
    Parquet exports are in ``exports`` beside the database."""
    return passed(shared_runs["bundled_build"])


@pytest.fixture(scope="session")
def three_feature_build(shared_runs) -> DbtResult:
    """One `dbt build` with k forced to 3 on all three features."""
    return passed(shared_runs["three_feature_build"])


@pytest.fixture(scope="session")
def docs_target(shared_runs) -> Path:
    """The target folder of `dbt docs generate --static` on the bundled
    build: the static site, and every node compiled, analyses included."""
    result, target = shared_runs["docs_target"].result()
    assert result.returncode == 0, result.output
    return target


@pytest.fixture(scope="session")
def small_benchmark(shared_runs) -> tuple[BenchmarkResult, Path]:
    """`run_benchmark` on 60,000 customers: the result and its run folder."""
    return shared_runs["small_benchmark"].result()


@pytest.fixture(scope="session")
def small_orders_benchmark(shared_runs) -> tuple[OrdersBenchmarkResult, Path]:
    """`run_orders_benchmark` on 5,000 order lines (seed 7): the result and
    its run folder."""
    return shared_runs["small_orders_benchmark"].result()


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(
            "../shared/data is absent (as in a user's own clone); the dirty"
            " Mall file is read from there in place"
        )
    return SHARED_DATA


FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def previous_build(bundled_build, tmp_path) -> tuple[Path, dict[str, list[tuple]]]:
    """A copy of a good warehouse, and a snapshot of its marts."""
    database = copy_warehouse(bundled_build, tmp_path / "previous")
    snapshot = {mart: bundled_build.mart_rows(mart) for mart in MARTS}
    assert len(snapshot["customer_segments"]) == 200
    return database, snapshot


def assert_refused(previous_build, vars: dict, expected_line: str, tmp_path: Path):
    """A build on ``previous_build`` with ``vars`` fails with
    ``expected_line`` as one output line, no traceback, and leaves every mart
    as it was."""
    database, snapshot = previous_build
    result = run_dbt(database, "build", vars=vars, work_dir=tmp_path)
    assert result.returncode != 0
    lines = [line.strip() for line in result.output.splitlines()]
    assert expected_line in lines, result.output
    assert "Traceback" not in result.output
    assert {mart: result.mart_rows(mart) for mart in MARTS} == snapshot
