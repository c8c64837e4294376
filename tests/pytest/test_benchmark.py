"""The benchmark behind `make bench`: its parts, and a small run end to end.

Timings are printed by the benchmark, never asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from benchmarks import customers_benchmark
from benchmarks.customers_report import (
    BenchmarkResult,
    DbtRun,
    Quality,
    markdown_report,
)
from benchmarks.measuring import (
    NIGHTLY_BUILD_OPTIONS,
    PROJECT_DIR,
    FixedCost,
    Measured,
    stage_times,
    write_first_rows,
)


def node(unique_id: str, seconds: float, started: str) -> dict:
    return {
        "unique_id": unique_id,
        "execution_time": seconds,
        "timing": [{"name": "execute", "started_at": started}],
    }


def test_stage_times_lists_models_in_run_order_and_sums_tests(tmp_path):
    run_results = tmp_path / "run_results.json"
    run_results.write_text(
        json.dumps(
            {
                "results": [
                    node("model.mall_segmentation.int_k_evaluation", 4.0, "T3"),
                    node("test.mall_segmentation.unique_x.abc", 0.25, "T2"),
                    node("seed.mall_segmentation.mall_customers", 0.5, "T1"),
                    node("unit_test.mall_segmentation.stg.u1", 0.125, "T0"),
                    node("test.mall_segmentation.not_null_x.def", 0.5, "T4"),
                    node("exposure.mall_segmentation.dashboard", 0.0, "T5"),
                ]
            }
        )
    )
    assert stage_times(run_results) == [
        ("seed mall_customers", 0.5),
        ("model int_k_evaluation", 4.0),
        ("2 data tests", 0.75),
        ("1 unit tests", 0.125),
    ]


def test_markdown_report_compares_both_runs_with_the_notebook():
    result = BenchmarkResult(
        rows=1_000,
        seed=7,
        first_run=DbtRun(
            Measured(20.0, 2 * 1024**3, 0, Path("first.log")),
            [("model int_k_evaluation", 3.5), ("2 unit tests", 0.25)],
            Quality(5, "best silhouette", 1_000, 1_000, 1_000, 0, 0.98765),
        ),
        nightly=DbtRun(
            Measured(10.0, 1024**3, 0, Path("nightly.log")),
            [("model int_k_evaluation", 3.0)],
            Quality(5, "best silhouette", 1_000, 999, 999, 1, 0.9),
        ),
        notebook=Measured(40.0, 1024**3 // 2, 0, Path("notebook.log")),
        notebook_ari=0.99,
        machine={"cores": "2", "memory": "24 GB", "python": "3.11.7"},
    )
    assert markdown_report(result).splitlines() == [
        "## 1,000 customers (seed 7)",
        "",
        "Machine: 2 cores, 24 GB, Python 3.11.7.",
        "",
        "| | dbt build, nightly | dbt build, first run | classic notebook |",
        "|---|---:|---:|---:|",
        "| wall time | 10.0 s | 20.0 s | 40.0 s |",
        "| time / notebook time | 0.250 | 0.500 |  |",
        "| peak memory (max RSS) | 1.00 GB | 2.00 GB | 0.50 GB |",
        "| k | 5 (best silhouette) | 5 (best silhouette)"
        " | 5 (read off the elbow plot) |",
        "| adjusted Rand index vs true segments | 0.9000 | 0.9877 | 0.9900 |",
        "",
        "Nightly: `dbt build --exclude-resource-type unit_test`, reusing the"
        " parse state the first run saved. First run: `dbt build`, after a"
        " full parse.",
        "",
        "Customers (nightly): 1,000 in the file, 999 rows in"
        " marts.customer_segments, 999 distinct, 1 unassigned.",
        "Customers (first run): 1,000 in the file, 1,000 rows in"
        " marts.customer_segments, 1,000 distinct, 0 unassigned.",
        "",
        "| dbt stage | nightly (s) | first run (s) |",
        "|---|---:|---:|",
        "| model int_k_evaluation | 3.00 | 3.50 |",
        "| 2 unit tests | not run | 0.25 |",
    ]


def test_markdown_report_splits_fixed_cost_from_data_work():
    run = DbtRun(
        Measured(20.0, 1024**3, 0, Path("first.log")),
        [],
        Quality(5, "best silhouette", 4_000, 4_000, 4_000, 0, 0.99),
    )
    result = BenchmarkResult(
        rows=4_000,
        seed=7,
        first_run=run,
        nightly=DbtRun(Measured(12.0, 1024**3, 0, Path("n.log")), [], run.quality),
        notebook=Measured(40.0, 1024**3, 0, Path("notebook.log")),
        notebook_ari=0.99,
        fixed_cost=FixedCost(
            rows=1_000,
            first_run=Measured(15.0, 1024**3, 0, Path("small_first.log")),
            nightly=Measured(10.0, 1024**3, 0, Path("small_nightly.log")),
        ),
    )
    report = markdown_report(result).splitlines()
    start = report.index("| first 1,000 customers only | nightly | first run |")
    assert report[start : start + 9] == [
        "| first 1,000 customers only | nightly | first run |",
        "|---|---:|---:|",
        "| wall time | 10.0 s | 15.0 s |",
        "| time / notebook time | 0.250 | 0.375 |",
        "| time for the other 3,000 customers | 2.0 s | 5.0 s |",
        "| that / notebook time | 0.050 | 0.125 |",
        "",
        "The first 1,000 customers ran the same two commands into a database"
        " and target folder of their own: every node, rule and test, with"
        " next to no data work.",
        "",
    ]


def test_main_passes_the_fixed_cost_rows_on(monkeypatch, capsys):
    calls = []

    def run_benchmark(*args, **kwargs):
        calls.append((args, kwargs))
        return "result"

    monkeypatch.setattr(customers_benchmark, "run_benchmark", run_benchmark)
    monkeypatch.setattr(customers_benchmark, "markdown_report", lambda result: result)
    customers_benchmark.main(["--rows", "500", "--fixed-cost-rows", "0"])
    customers_benchmark.main(["--rows", "500", "--skip-notebook"])
    assert [kwargs for _, kwargs in calls] == [
        {"notebook": True, "fixed_cost_rows": 0},
        {"notebook": False, "fixed_cost_rows": 1_000},
    ]
    assert [args[0] for args, _ in calls] == [500, 500]
    with pytest.raises(SystemExit):
        customers_benchmark.main(["--fixed-cost-rows", "-1"])
    assert "-1 is below 0" in capsys.readouterr().err


def test_write_first_rows_keeps_the_header_and_stops_at_the_end(tmp_path):
    source = tmp_path / "all.csv"
    source.write_text("id,name\n1,a\n2,b\n3,c\n")
    assert write_first_rows(source, tmp_path / "two.csv", 2) == 2
    assert (tmp_path / "two.csv").read_text() == "id,name\n1,a\n2,b\n"
    assert write_first_rows(source, tmp_path / "all_of_it.csv", 10) == 3
    assert (tmp_path / "all_of_it.csv").read_text() == source.read_text()


def dbt_runs(result: BenchmarkResult) -> dict[str, DbtRun]:
    return {"first run": result.first_run, "nightly": result.nightly}


def test_small_benchmark_selects_five_segments_on_a_sample(small_benchmark):
    result, run_dir = small_benchmark
    for run in dbt_runs(result).values():
        assert run.quality.selected_k == 5
        assert run.quality.selection_reason == "best silhouette"
    with duckdb.connect(str(run_dir / "warehouse.duckdb"), read_only=True) as con:
        assert con.sql(
            "select distinct evaluated_rows from marts.k_evaluation"
        ).fetchall() == [(20_000,)]


def test_small_benchmark_assigns_every_customer_exactly_once(small_benchmark):
    for run in dbt_runs(small_benchmark[0]).values():
        assert run.quality.input_customers == 60_000
        assert run.quality.segmented_rows == 60_000
        assert run.quality.distinct_customers == 60_000
        assert run.quality.unassigned_customers == 0


def test_small_benchmark_recovers_the_true_segments(small_benchmark):
    result, _ = small_benchmark
    # The true segments overlap a little (normal spread of 7 points), so even
    # K-Means on all rows, as the notebook fits it, scores about 0.993 here.
    # 0.97 is the bar. Against this truth, merging the two smallest
    # segments scores 0.94 and splitting the largest in two 0.76; a wrong k
    # is caught by the k test above.
    for run in dbt_runs(result).values():
        assert run.quality.adjusted_rand_index >= 0.97
    # Both runs build the same marts from the same file and seed.
    assert (
        result.nightly.quality.adjusted_rand_index
        == result.first_run.quality.adjusted_rand_index
    )
    assert result.notebook_ari >= 0.97


def test_small_benchmark_writes_and_measures_every_run(small_benchmark):
    result, run_dir = small_benchmark
    report = (run_dir / "benchmark.md").read_text()
    assert report == markdown_report(result)
    # Known without the report's code: every one of the 60,000 customers,
    # in both runs.
    lines = report.splitlines()
    assert lines[0] == "## 60,000 customers (seed 42)"
    for run in ("nightly", "first run"):
        assert (
            f"Customers ({run}): 60,000 in the file, 60,000 rows in"
            " marts.customer_segments, 60,000 distinct, 0 unassigned."
        ) in lines
    assert (
        "| k | 5 (best silhouette) | 5 (best silhouette)"
        " | 5 (read off the elbow plot) |"
    ) in report
    assert result.notebook is not None
    for measured in [run.measured for run in dbt_runs(result).values()] + [
        result.notebook
    ]:
        assert measured.returncode == 0
    for run in dbt_runs(result).values():
        assert {"model stg_customers", "model int_k_evaluation"} <= {
            name for name, _ in run.stages
        }
    # On a file the plain first run leaves the unit tests out, as the
    # nightly run does (run_unit_tests, dbt_project.yml); it runs every
    # data test.
    for run in dbt_runs(result).values():
        assert not any("unit tests" in name for name, _ in run.stages)
        assert dict(run.stages)["30 data tests"] > 0


def test_small_benchmark_builds_the_first_rows_on_their_own(small_benchmark):
    result, run_dir = small_benchmark
    fixed = result.fixed_cost
    assert fixed is not None
    assert fixed.nightly is not None
    assert fixed.rows == 1_000
    assert (fixed.first_run.returncode, fixed.nightly.returncode) == (0, 0)
    folder = run_dir / "first_1000"
    whole_file = (run_dir / "customers.csv").read_text().splitlines()
    assert (folder / "customers.csv").read_text().splitlines() == whole_file[:1001]
    # Their own warehouse holds those customers, once each; the benchmark's
    # warehouse still holds all 60,000.
    with duckdb.connect(str(folder / "warehouse.duckdb"), read_only=True) as con:
        assert con.sql(
            "select count(*), count(distinct customer_id), min(source_row_number),"
            " max(source_row_number) from marts.customer_segments"
        ).fetchall() == [(1_000, 1_000, 1, 1_000)]
    with duckdb.connect(str(run_dir / "warehouse.duckdb"), read_only=True) as con:
        assert con.sql("select count(*) from marts.customer_segments").fetchall() == [
            (60_000,)
        ]
    # Each build exports its own marts beside its warehouse, never into the
    # project's exports/ that Power BI reads.
    for exports, customers in [
        (folder / "exports", 1_000),
        (run_dir / "exports", 60_000),
    ]:
        segments = exports / "customer_segments.parquet"
        rows = duckdb.sql(f"select count(*) from read_parquet('{segments}')")
        assert rows.fetchall() == [(customers,)]
    # The small nightly run reused the small first run's parse, not the
    # benchmark's.
    debug_log = (folder / "logs" / "dbt.log").read_text()
    assert debug_log.count("running dbt with arguments") == 2
    nightly = debug_log.split("running dbt with arguments")[-1]
    assert "Partial parsing enabled: 0 files deleted, 0 files added" in nightly


def test_small_benchmark_nightly_run_reuses_the_saved_parse(small_benchmark):
    result, run_dir = small_benchmark
    first_log = result.first_run.measured.log_path.read_text()
    assert "Starting full parse" in first_log
    # dbt's debug log holds both invocations; the nightly one is the last.
    debug_log = (run_dir / "logs" / "dbt.log").read_text()
    nightly = debug_log.split("running dbt with arguments")[-1]
    assert "--exclude-resource-type" in nightly
    assert "Partial parsing enabled: 0 files deleted, 0 files added" in nightly
    assert "Starting full parse" not in nightly


def test_make_nightly_runs_the_command_the_benchmark_times():
    dry_run = subprocess.run(
        [
            "make",
            "--dry-run",
            "--no-print-directory",
            "nightly",
            "INPUT=/data/customers.csv",
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands = " ".join(dry_run.replace("\\\n", " ").split())
    assert commands.endswith(
        "/dbt build "
        + " ".join(NIGHTLY_BUILD_OPTIONS)
        + """ --vars '{"raw_customers_path": "/data/customers.csv"}'"""
    )


def test_make_bench_runs_the_customers_benchmark(monkeypatch, capsys):
    dry_run = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "bench", "N=5000"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert dry_run.splitlines()[-1].endswith(
        "/python -m benchmarks.customers_benchmark --rows 5000"
    )
    # The module resolves from the project folder, where make runs it (found,
    # not imported: its imports cost seconds).
    origin = subprocess.run(
        [
            sys.executable,
            "-c",
            "import importlib.util;"
            " print(importlib.util.find_spec('benchmarks.customers_benchmark').origin)",
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert origin == f"{PROJECT_DIR / 'benchmarks' / 'customers_benchmark.py'}\n"
    monkeypatch.setattr(sys, "argv", ["customers_benchmark.py"])
    with pytest.raises(SystemExit):
        customers_benchmark.main(["--help"])
    assert capsys.readouterr().out.startswith(
        "usage: customers_benchmark.py [-h] [--rows ROWS] [--seed SEED]"
    )
