"""Shared fixtures: run dbt commands into throw-away DuckDB files.

dbt commands run (dbt_runs.py) in two long-lived worker processes, one per
core of the 2-core machine the suite is timed on (dbt_workers.py), so that
a command does not pay for starting Python and importing dbt, and a full
parse costs a quarter of a cold one. (The benchmark test still runs dbt as processes:
it measures them.) Runs go two at a time: each distinct warehouse that
several tests read is built once per session, and each test module's own
runs are started by a function marked ``started_with_session``. All of them
start as the session starts, in the order the tests first need them, so
that the workers are never idle while a test draws figures or drives the
browser; a run a test starts and waits for itself goes first.
"""

from __future__ import annotations

import os

# OpenMP's threads (scikit-learn's K-Means) sleep when they wait at a barrier
# instead of spinning. The tests run dbt, the benchmarks and their notebooks
# side by side on 2 cores, where a spinning thread burns the core the others
# need: the 60k-customer notebook took 21 s of CPU spinning, 8 s sleeping,
# with the same labels. Set before anything loads scikit-learn, so it holds
# for this process, the dbt workers and every process the tests start.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from dbt_runs import (
    DATA_BUILD,
    PROJECT_DIR,
    WITH_UNIT_TESTS,
    DbtResult,
    copy_warehouse,
    passed,
    run_dbt,
    start_in_background,
    stop_runs,
)
from export_copies import exports_of

from benchmarks.customers_benchmark import run_benchmark
from benchmarks.customers_report import BenchmarkResult
from benchmarks.orders_benchmark import OrdersBenchmarkResult, run_orders_benchmark

SHARED_DATA = PROJECT_DIR.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ORDER_LINES = FIXTURES / "order_lines"
ONLINE_RETAIL = SHARED_DATA / "online_retail.csv.gz"
ONLINE_RETAIL_ABSENT = (
    "../shared/data/online_retail.csv.gz is absent (as in a user's own"
    " clone); the real order lines are read from there in place"
)

# Every mart (good_marts checks the list against the bundled warehouse).
MARTS = (
    "customer_segments",
    "segment_profiles",
    "segment_centroids",
    "k_evaluation",
    "rejected_customer_rows",
    "segmentation_run_summary",
    "reject_reasons",
    "segment_monthly_sales",
    "rejected_transaction_rows",
)


THREE_FEATURES = ["age", "annual_income_k", "spending_score"]
# The default settings: k from 2 to 8, recency, frequency and monetary value.
# UCI's prices are in pounds sterling.
ONLINE_RETAIL_VARS = {"raw_transactions_path": str(ONLINE_RETAIL), "currency": "£"}


def _build(
    folder: Path, vars: dict | None = None, command: tuple[str, ...] = ("build",)
) -> DbtResult:
    return run_dbt(folder / "warehouse.duckdb", *command, vars=vars)


def _bundled_build(folder: Path, runs: dict) -> DbtResult:
    return _build(folder)


def _three_feature_build(folder: Path, runs: dict) -> DbtResult:
    vars = {"n_clusters": 3, "segmentation_features": THREE_FEATURES}
    return _build(folder, vars, DATA_BUILD)


# Small fixtures: score k = 2..3 only, to keep each build quick.
SMALL_K = {"k_min": 2, "k_max": 3}
FORMAT_VARIANTS_VARS = {
    "raw_customers_path": str(FIXTURES / "format_variants.csv"),
    **SMALL_K,
    **WITH_UNIT_TESTS,
}


def _format_variants_build(folder: Path, runs: dict) -> DbtResult:
    return _build(folder, FORMAT_VARIANTS_VARS)


def _online_retail_build(folder: Path, runs: dict) -> DbtResult | None:
    """None when the file is absent (as in a user's own clone)."""
    if not ONLINE_RETAIL.is_file():
        return None
    return _build(folder, ONLINE_RETAIL_VARS, DATA_BUILD)


def _docs(folder: Path, runs: dict) -> tuple[DbtResult, Path]:
    # On a copy: dbt opens its database for writing, which would lock out
    # the tests reading the bundled build meanwhile.
    database = copy_warehouse(passed(runs["bundled_build"]), folder / "warehouse")
    result = run_dbt(database, "docs", "generate", "--static", work_dir=folder)
    return result, folder / "target"


# The order-lines models, the RFM map and the reasons mart with every test
# whose parents are all selected: the customer clustering is not needed.
# (rejected_transaction_rows waits for the clustering in a whole build, but
# reads only the order lines, which +int_customers_joined selects.)
ORDER_LINES_SELECTION = (
    "--select",
    "+int_customers_joined rejected_transaction_rows reject_reasons",
    "--indirect-selection",
    "cautious",
)
# The load of the order lines and their staging view, with their tests:
# enough to check how lines are read and numbered.
ORDER_LINES_LOAD_SELECTION = (
    "--select",
    "base_order_lines stg_order_lines",
    "--indirect-selection",
    "cautious",
)


def _order_lines_excerpt(
    folder: Path, runs: dict
) -> tuple[DbtResult, DbtResult | None]:
    # The order-line analyses are compiled here, after the build, with its
    # vars and its target folder, so dbt reuses the parse it just saved. The
    # compiled SQL names the database by its file name, warehouse.duckdb,
    # like every shared build, so it runs on any of them.
    database = folder / "warehouse.duckdb"
    vars = {
        "raw_transactions_path": str(ORDER_LINES / "online_retail_excerpt.csv"),
        **WITH_UNIT_TESTS,
    }
    # Every model: the unit tests of the later ones (the segment names, the
    # monthly sales) read their relations' columns from it in
    # test_order_lines.py.
    build = run_dbt(database, "build", vars=vars)
    if build.returncode != 0:
        return build, None
    analyses = ("--select", "path:analyses/order_lines")
    return build, run_dbt(database, "compile", *analyses, vars=vars)


def _small_benchmark(folder: Path, runs: dict) -> tuple[BenchmarkResult, Path]:
    # 60k rows: above the 20k model-selection sample, so k is chosen on a
    # sample and the final centroids are refined on all rows, as at 1M.
    return run_benchmark(60_000, seed=42, out_dir=folder), folder / "n60000"


# Small enough to run in seconds besides dbt's fixed cost; a few dozen
# customers still give every kind of line and k up to 10 for the notebook.
SMALL_ORDERS_LINES = 5_000
# Its fixed-cost build: the first 1,000 of them.
SMALL_ORDERS_FIXED_COST_LINES = 1_000


def _small_orders_benchmark(
    folder: Path, runs: dict
) -> tuple[OrdersBenchmarkResult, Path]:
    result = run_orders_benchmark(
        SMALL_ORDERS_LINES,
        seed=7,
        out_dir=folder,
        fixed_cost_lines=SMALL_ORDERS_FIXED_COST_LINES,
    )
    return result, folder / f"orders-n{SMALL_ORDERS_LINES}"


# Each shared run, by the name of the fixture that gives it: the function
# that makes it in a folder of its own, in the background (given the runs of
# the session by name), and the shared runs it reads.
SHARED_RUNS: dict[str, tuple[Callable[[Path, dict], Any], tuple[str, ...]]] = {
    "bundled_build": (_bundled_build, ()),
    "docs_target": (_docs, ("bundled_build",)),
    "small_benchmark": (_small_benchmark, ()),
    "small_orders_benchmark": (_small_orders_benchmark, ()),
    "three_feature_build": (_three_feature_build, ()),
    "format_variants_build": (_format_variants_build, ()),
    "order_lines_excerpt_build": (_order_lines_excerpt, ()),
    "online_retail_build": (_online_retail_build, ()),
}

# The runs of test modules (``started_with_session``), by "module::name":
# the function that starts them, and the shared runs they read.
ModuleStarter = Callable[[pytest.TempPathFactory, dict], Any]
_MODULE_RUNS: dict[str, tuple[ModuleStarter, tuple[str, ...]]] = {}


def started_with_session(*needs: str) -> Callable:
    """Marks a test module's function that starts the module's own dbt runs
    (``start_dbt``, ``start_on_copy``) and returns them, usually futures by
    case: it becomes a module fixture of the same name that gives what the
    function returned. The function is called as the session starts, in line
    with every other run, with a folder factory and the session's runs by
    name (``needs`` names the shared runs it reads), so the module's runs
    are done or under way by the time its tests ask for them."""

    def mark(starter: Callable) -> Callable:
        key = f"{starter.__module__}::{starter.__name__}"
        _MODULE_RUNS[key] = (starter, needs)

        def started(shared_runs):
            return shared_runs[key]

        started.__doc__ = starter.__doc__
        return pytest.fixture(scope="module", name=starter.__name__)(started)

    return mark


def _first_needed(items: list[pytest.Item]) -> dict[str, int]:
    """Each run a collected test reads, shared or of its module, by name:
    the position of the first test that reads it (or a run that needs it)."""
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        module = getattr(item, "module", None)
        for name in item.fixturenames:
            if name in SHARED_RUNS:
                first.setdefault(name, index)
            key = f"{module.__name__ if module else ''}::{name}"
            if key in _MODULE_RUNS:
                first.setdefault(key, index)
    for name, index in list(first.items()):
        _, needs = SHARED_RUNS.get(name) or _MODULE_RUNS[name]
        for need in needs:
            first[need] = min(first.get(need, index), index)
    return first


class _Runs(dict):
    """The session's runs by name. A shared run that no collected test
    names (a test asks for it with request.getfixturevalue, say, and -k
    left out the tests that name it) starts when first asked for."""

    def __init__(self, folders: pytest.TempPathFactory):
        super().__init__()
        self.folders = folders

    def __missing__(self, name: str) -> Any:
        if name not in SHARED_RUNS:
            raise KeyError(name)
        return self.start(name)

    def start(self, name: str) -> Any:
        """Starts the shared run ``name`` (after the runs it reads), once."""
        if name not in self:
            starter, needs = SHARED_RUNS[name]
            for need in needs:
                self.start(need)
            folder = self.folders.mktemp(name)
            self[name] = start_in_background(starter, folder, self)
        return self[name]


@pytest.fixture(scope="session", autouse=True)
def shared_runs(request, tmp_path_factory) -> dict[str, Any]:
    """Starts, as the session starts, every run that a collected test reads,
    shared or of its module, in the order the tests first need them; at the
    end, drops the runs no test waited for."""
    first = _first_needed(request.session.items)
    order = [*SHARED_RUNS, *_MODULE_RUNS]
    runs = _Runs(tmp_path_factory)
    for name in sorted(first, key=lambda name: (first[name], order.index(name))):
        if name in SHARED_RUNS:
            runs.start(name)
        else:
            runs[name] = _MODULE_RUNS[name][0](tmp_path_factory, runs)
    yield runs
    stop_runs()


@pytest.fixture(scope="session")
def bundled_build(shared_runs) -> DbtResult:
    """One `dbt build` of the bundled data, shared by read-only tests; its
    Parquet exports are in ``exports`` beside the database."""
    return passed(shared_runs["bundled_build"])


@pytest.fixture(scope="session")
def exported(bundled_build) -> tuple[DbtResult, Path]:
    """The bundled build and the folder it exported to (read only: tests
    that build change a copy of it)."""
    return exports_of(bundled_build)


@pytest.fixture(scope="session")
def three_feature_build(shared_runs) -> DbtResult:
    """One `dbt build` with k forced to 3 on all three features."""
    return passed(shared_runs["three_feature_build"])


@pytest.fixture(scope="session")
def format_variants_build(shared_runs) -> DbtResult:
    """One `dbt build` on tests/pytest/fixtures/format_variants.csv (four
    customers, k = 2..3), read by the cleaning and the lineage tests."""
    return passed(shared_runs["format_variants_build"])


@pytest.fixture(scope="session")
def online_retail_build(shared_runs) -> DbtResult:
    """One `dbt build` on the public UCI "Online Retail" order lines
    (541,909 lines, read in place from ../shared/data) with the default
    settings, shared by the order-lines, figure and Power BI tests; its Parquet
    exports are in ``exports`` beside the database."""
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


@pytest.fixture(scope="session")
def good_marts(bundled_build) -> dict[str, list[tuple]]:
    """Every mart of the bundled build: what a refused build must leave."""
    assert sorted(MARTS) == [
        name
        for (name,) in bundled_build.query(
            "select table_name from information_schema.tables"
            " where table_schema = 'marts' order by table_name"
        )
    ]
    snapshot = bundled_build.mart_rows(MARTS)
    assert len(snapshot["customer_segments"]) == 200
    return snapshot
