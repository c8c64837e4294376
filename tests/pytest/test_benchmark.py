"""The benchmark behind `make bench`: its parts, and a small run end to end.

Timings are printed by the benchmark, never asserted here.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from segmentation.benchmark import (
    BenchmarkResult,
    Measured,
    Quality,
    markdown_report,
    run_benchmark,
    stage_times,
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


def test_markdown_report_compares_both_approaches():
    result = BenchmarkResult(
        rows=1_000,
        seed=7,
        dbt=Measured(10.0, 2 * 1024**3, 0, Path("dbt.log")),
        stages=[("model int_k_evaluation", 3.5)],
        quality=Quality(5, "best silhouette", 1_000, 1_000, 1_000, 0, 0.98765),
        notebook=Measured(40.0, 1024**3, 0, Path("notebook.log")),
        notebook_ari=0.99,
        machine={"cores": "2", "memory": "24 GB", "python": "3.11.7"},
    )
    assert markdown_report(result).splitlines() == [
        "## 1,000 customers (seed 7)",
        "",
        "Machine: 2 cores, 24 GB, Python 3.11.7.",
        "",
        "| | dbt build (this project) | classic notebook |",
        "|---|---:|---:|",
        "| wall time | 10.0 s | 40.0 s |",
        "| peak memory (max RSS) | 2.00 GB | 1.00 GB |",
        "| k | 5 (best silhouette) | 5 (read off the elbow plot) |",
        "| adjusted Rand index vs true segments | 0.9877 | 0.9900 |",
        "| dbt time / notebook time | 0.25 | |",
        "",
        "Customers: 1,000 in the file, 1,000 rows in marts.customer_segments,"
        " 1,000 distinct, 0 unassigned.",
        "",
        "| dbt stage | seconds |",
        "|---|---:|",
        "| model int_k_evaluation | 3.50 |",
    ]


@pytest.fixture(scope="module")
def small_benchmark(tmp_path_factory) -> tuple[BenchmarkResult, Path]:
    # 60k rows: above the 20k model-selection sample, so k is chosen on a
    # sample and the final centroids are refined on all rows, as at 1M.
    out_dir = tmp_path_factory.mktemp("bench")
    return run_benchmark(60_000, seed=42, out_dir=out_dir), out_dir / "n60000"


def test_small_benchmark_selects_five_segments_on_a_sample(small_benchmark):
    result, run_dir = small_benchmark
    assert result.quality.selected_k == 5
    assert result.quality.selection_reason == "best silhouette"
    with duckdb.connect(str(run_dir / "warehouse.duckdb"), read_only=True) as con:
        assert con.sql(
            "select distinct evaluated_rows from marts.k_evaluation"
        ).fetchall() == [(20_000,)]


def test_small_benchmark_assigns_every_customer_exactly_once(small_benchmark):
    quality = small_benchmark[0].quality
    assert quality.input_customers == 60_000
    assert quality.segmented_rows == 60_000
    assert quality.distinct_customers == 60_000
    assert quality.unassigned_customers == 0


def test_small_benchmark_recovers_the_true_segments(small_benchmark):
    result, _ = small_benchmark
    # The true segments overlap a little (normal spread of 7 points), so even
    # K-Means on all rows, as the notebook fits it, scores about 0.993 here.
    # 0.97 is the bar. Against this truth, merging the two smallest
    # segments scores 0.94 and splitting the largest in two 0.76; a wrong k
    # is caught by the k test above.
    assert result.quality.adjusted_rand_index >= 0.97
    assert result.notebook_ari >= 0.97


def test_small_benchmark_writes_and_measures_both_runs(small_benchmark):
    result, run_dir = small_benchmark
    report = (run_dir / "benchmark.md").read_text()
    assert report == markdown_report(result)
    assert "| k | 5 (best silhouette) | 5 (read off the elbow plot) |" in report
    assert result.dbt.returncode == 0
    assert result.notebook is not None
    assert result.notebook.returncode == 0
    assert result.dbt.peak_rss_bytes > 0
    assert result.notebook.peak_rss_bytes > 0
    stages = dict(result.stages)
    assert {"model stg_customers", "model int_k_evaluation"} <= set(stages)
