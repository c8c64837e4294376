"""Shared fixtures: run dbt commands into throw-away DuckDB files.

dbt commands run in two long-lived worker processes, one per core of the
2-core machine the suite is timed on (dbt_workers.py), so that a command
does not pay for starting Python and importing dbt, and a full parse costs
a quarter of a cold one. (The benchmark test still runs dbt as processes:
it measures them.) Runs go two at a time: each distinct warehouse that
several tests read is built once per session, started as the session
starts, and a test module starts all of its own runs together
(``start_dbt``) and then checks each.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from dbt_workers import DbtWorkers

from benchmarks.customers_benchmark import run_benchmark
from benchmarks.customers_report import BenchmarkResult
from benchmarks.orders_benchmark import OrdersBenchmarkResult, run_orders_benchmark

PROJECT_DIR = Path(__file__).resolve().parents[2]
SHARED_DATA = PROJECT_DIR.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ORDER_LINES = FIXTURES / "order_lines"
ONLINE_RETAIL = SHARED_DATA / "online_retail.csv.gz"
ONLINE_RETAIL_ABSENT = (
    "../shared/data/online_retail.csv.gz is absent (as in a user's own"
    " clone); the real order lines are read from there in place"
)

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

    The command runs as `dbt *args` would from the project folder, in one of
    the session's dbt workers (see dbt_workers.py). Each call gets its own
    target and log folders, so tests can run dbt side by side.
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
    parse_state = work_dir / "target" / "partial_parse.msgpack"
    parse_key = json.dumps(vars or {}, sort_keys=True)
    if not parse_state.exists() and parse_key in _PARSE_STATES:
        parse_state.parent.mkdir(parents=True, exist_ok=True)
        parse_state.write_bytes(_PARSE_STATES[parse_key])
    returncode, output = _WORKERS.run(command, full_env, str(PROJECT_DIR), timeout=900)
    if parse_key not in _PARSE_STATES and parse_state.exists():
        _PARSE_STATES.setdefault(parse_key, parse_state.read_bytes())
    return DbtResult(returncode, output, database)


# The parse state (target/partial_parse.msgpack) of the first run with each
# vars, by their JSON. A later run with the same vars starts from it, as a
# user's second `dbt build` does: dbt then parses only what changed, and
# parses everything again when the vars differ.
_PARSE_STATES: dict[str, bytes] = {}


# dbt runs in two worker processes, one per core of the 2-core machine the
# suite is timed on; more would only share the same cores. Runs started in
# the background wait in line for a free worker, so that one is never idle
# while runs wait.
_WORKERS = DbtWorkers(2)
_BACKGROUND = ThreadPoolExecutor(max_workers=8, thread_name_prefix="dbt")


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
# The default settings: k from 2 to 8, recency, frequency and monetary value.
ONLINE_RETAIL_VARS = {"raw_transactions_path": str(ONLINE_RETAIL)}


def _build(folder: Path, vars: dict | None = None) -> DbtResult:
    return run_dbt(folder / "warehouse.duckdb", "build", vars=vars)


def _online_retail_build(folder: Path) -> DbtResult | None:
    """None when the file is absent (as in a user's own clone)."""
    return _build(folder, ONLINE_RETAIL_VARS) if ONLINE_RETAIL.is_file() else None


def _docs(folder: Path, bundled: Future[DbtResult]) -> tuple[DbtResult, Path]:
    # On a copy: dbt opens its database for writing, which would lock out
    # the tests reading the bundled build meanwhile.
    database = copy_warehouse(passed(bundled), folder / "warehouse")
    result = run_dbt(database, "docs", "generate", "--static", work_dir=folder)
    return result, folder / "target"


# The order-lines models, the RFM map and the reasons mart with every test
# whose parents are all selected: the customer clustering is not needed.
ORDER_LINES_SELECTION = (
    "--select",
    "+rejected_transaction_rows +int_customers_joined reject_reasons",
    "--indirect-selection",
    "cautious",
)


def _order_lines_excerpt(folder: Path) -> tuple[DbtResult, DbtResult | None]:
    # The order-line analyses are compiled here, after the build, with its
    # vars and its target folder, so dbt reuses the parse it just saved. The
    # compiled SQL names the database by its file name, warehouse.duckdb,
    # like every shared build, so it runs on any of them.
    database = folder / "warehouse.duckdb"
    vars = {"raw_transactions_path": str(ORDER_LINES / "online_retail_excerpt.csv")}
    build = run_dbt(database, "build", *ORDER_LINES_SELECTION, vars=vars)
    if build.returncode != 0:
        return build, None
    analyses = ("--select", "path:analyses/order_lines")
    return build, run_dbt(database, "compile", *analyses, vars=vars)


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
    if "order_line_analyses" in wanted:
        wanted.add("order_lines_excerpt_build")
    start("order_lines_excerpt_build", _order_lines_excerpt)
    start("online_retail_build", _online_retail_build)
    yield runs
    _BACKGROUND.shutdown(cancel_futures=True)
    _WORKERS.shutdown()


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
def online_retail_build(shared_runs, tmp_path_factory) -> DbtResult:
    """One `dbt build` on the public UCI "Online Retail" order lines
    (541,909 lines, read in place from ../shared/data) with the default
    settings, shared by the order-lines, figure and Power BI tests; its Parquet
    exports are in ``exports`` beside the database."""
    if "online_retail_build" not in shared_runs:
        # Asked for by name (request.getfixturevalue): start it now.
        folder = tmp_path_factory.mktemp("online_retail_build")
        shared_runs["online_retail_build"] = _BACKGROUND.submit(
            _online_retail_build, folder
        )
    if shared_runs["online_retail_build"].result() is None:
        pytest.skip(ONLINE_RETAIL_ABSENT)
    return passed(shared_runs["online_retail_build"])


@pytest.fixture(scope="session")
def docs_target(shared_runs) -> Path:
    """The target folder of `dbt docs generate --static` on the bundled
    build: the static site, and every node compiled, analyses included."""
    result, target = shared_runs["docs_target"].result()
    assert result.returncode == 0, result.output
    return target


@pytest.fixture(scope="session")
def order_lines_excerpt_build(shared_runs) -> DbtResult:
    """The order-lines models built on the 30-line excerpt of the Online
    Retail file (tests/pytest/fixtures/order_lines): its lines 1-10, 46,
    142, 155-157, 490, 495, 518, 528, 623-625, 2240, 4407, 9303, 61620,
    61625 and 299983-299985, UCI header."""
    build, _ = shared_runs["order_lines_excerpt_build"].result()
    assert build.returncode == 0, build.output
    return build


@pytest.fixture(scope="session")
def order_line_analyses(order_lines_excerpt_build, shared_runs) -> Path:
    """The folder of the order-line analyses as `dbt compile` wrote them, on
    a run with an order-lines file."""
    _, compiled = shared_runs["order_lines_excerpt_build"].result()
    assert compiled.returncode == 0, compiled.output
    return (
        compiled.database.parent
        / "target/compiled/mall_segmentation/analyses/order_lines"
    )


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


@pytest.fixture(scope="session")
def good_marts(bundled_build) -> dict[str, list[tuple]]:
    """Every mart of the bundled build: what a refused build must leave."""
    snapshot = {mart: bundled_build.mart_rows(mart) for mart in MARTS}
    assert len(snapshot["customer_segments"]) == 200
    return snapshot


def start_on_previous_build(
    bundled_build: DbtResult, folder: Path, vars: dict
) -> Future[DbtResult]:
    """`dbt build` with ``vars``, in the background, on a copy of a good
    warehouse (the bundled build) in ``folder``."""
    database = copy_warehouse(bundled_build, folder / "previous")
    return start_dbt(database, "build", vars=vars, work_dir=folder)


def assert_refused(
    run: Future[DbtResult], expected_line: str, good_marts: dict[str, list[tuple]]
):
    """A build from ``start_on_previous_build`` failed with ``expected_line``
    as one output line, no traceback, and left every mart as it was."""
    result = run.result()
    assert result.returncode != 0
    lines = [line.strip() for line in result.output.splitlines()]
    assert expected_line in lines, result.output
    assert "Traceback" not in result.output
    assert {mart: result.mart_rows(mart) for mart in MARTS} == good_marts
