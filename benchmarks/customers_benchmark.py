"""`make bench`: the full `dbt build` on N synthetic customers, against the
classic notebook approach on the same file, in the same run.

    python -m benchmarks.customers_benchmark --rows 1000000

1. Writes N Mall-shaped customers with known true segments (fixed seed) as a
   CSV with the Mall header (see benchmarks.synthetic_customers).
2. Runs `dbt build --vars '{raw_customers_path: <csv>}'` twice into a fresh
   DuckDB file, each in its own process:
   - the first run, as on a fresh checkout: a full parse, and every model
     and data test (a build on a file leaves the unit tests to development
     and CI: run_unit_tests in dbt_project.yml);
   - the nightly run, as `make nightly` repeats it every night: dbt reuses the
     parse state the first run saved in target/, and leaves the unit tests
     (fixed fixture rows, not the data) to CI, as dbt recommends.
   Each writes its exports beside its warehouse, not into the project's
   exports/. Then the classic notebook (benchmarks.customers_notebook: pandas
   read_csv, StandardScaler, scikit-learn KMeans(n_init=10) for k = 2..10 on
   all rows), in its own process. Last, the same two builds on the file's
   first 1,000 customers, in a folder of their own: the build's fixed cost,
   whatever the data.
3. Measures each process's wall time and peak resident memory (the
   kernel's rusage for that child, as `/usr/bin/time -v` reports it), and the
   time of each dbt node from target/run_results.json (benchmarks.measuring).
4. Scores each run against the true segments (adjusted Rand index), checks
   that every customer is assigned exactly once, and writes a Markdown report
   (benchmarks.customers_report) to <out-dir>/n<N>/benchmark.md as well as
   printing it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

import duckdb
import numpy as np
from sklearn.metrics import adjusted_rand_score

from benchmarks.customers_report import (
    BenchmarkResult,
    DbtRun,
    Quality,
    markdown_report,
)
from benchmarks.measuring import (
    DEFAULT_OUT_DIR,
    NIGHTLY_BUILD_OPTIONS,
    FixedCost,
    Measured,
    copy_first_rows,
    dbt_build,
    machine_description,
    measure,
    row_count,
    stage_times,
    warehouse,
)
from benchmarks.synthetic_customers import write_synthetic_customers

# The customers of the fixed-cost builds: few enough that their data work is
# negligible, enough to pass the clustering's input checks.
FIXED_COST_ROWS = 1_000


def segment_quality(database: Path, truth_path: Path) -> Quality:
    """Selected k, assignment counts and ARI of the marts against the truth."""
    truth = {"truth": str(truth_path)}
    with duckdb.connect(str(database), read_only=True) as con:
        [(selected_k, reason)] = con.sql(
            "select k, selection_reason from marts.k_evaluation where is_selected"
        ).fetchall()
        [(input_customers, segmented, distinct, unassigned)] = con.sql(
            """
            select
                (select count(*) from read_parquet($truth)),
                (select count(*) from marts.customer_segments),
                (select count(distinct customer_id) from marts.customer_segments),
                (
                    select count(*) from read_parquet($truth) as truth
                    anti join marts.customer_segments as segments
                        on truth.customer_id = segments.customer_id
                )
            """,
            params=truth,
        ).fetchall()
        pairs = con.sql(
            """
            select truth.true_segment, segments.segment_id
            from read_parquet($truth) as truth
            inner join marts.customer_segments as segments
                on truth.customer_id = segments.customer_id
            """,
            params=truth,
        ).fetchnumpy()
    return Quality(
        selected_k=int(selected_k),
        selection_reason=reason,
        input_customers=int(input_customers),
        segmented_rows=int(segmented),
        distinct_customers=int(distinct),
        unassigned_customers=int(unassigned),
        adjusted_rand_index=float(
            adjusted_rand_score(pairs["true_segment"], pairs["segment_id"])
        ),
    )


def run_benchmark(
    rows: int,
    seed: int = 42,
    out_dir: Path = DEFAULT_OUT_DIR,
    notebook: bool = True,
    fixed_cost_rows: int = FIXED_COST_ROWS,
) -> BenchmarkResult:
    run_dir = out_dir / f"n{rows}"
    if run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    csv_path = run_dir / "customers.csv"
    truth_path = run_dir / "true_segments.parquet"
    write_synthetic_customers(csv_path, truth_path, rows, seed)

    def build(label: str, options: list[str], folder: Path, csv: Path) -> Measured:
        # The nightly run finds the first run's saved parse state in the same
        # folder, as it would in a deployed project.
        return dbt_build(
            folder,
            {"raw_customers_path": str(csv), "random_seed": seed},
            f"dbt_build_{label}.log",
            options,
        )

    def scored_build(label: str, options: list[str]) -> DbtRun:
        return DbtRun(
            measured=build(label, options, run_dir, csv_path),
            stages=stage_times(run_dir / "target" / "run_results.json"),
            quality=segment_quality(warehouse(run_dir), truth_path),
        )

    result = BenchmarkResult(
        rows=rows,
        seed=seed,
        first_run=scored_build("first_run", []),
        nightly=scored_build("nightly", NIGHTLY_BUILD_OPTIONS),
        machine=machine_description(),
    )
    if notebook:
        env = {**os.environ, "DO_NOT_TRACK": "1"}
        labels_path = run_dir / "notebook_labels.npy"
        result.notebook = measure(
            [
                sys.executable,
                "-m",
                "benchmarks.customers_notebook",
                str(csv_path),
                str(labels_path),
                str(seed),
            ],
            run_dir / "notebook.log",
            env,
        )
        if result.notebook.returncode != 0:
            raise RuntimeError(
                f"notebook approach failed (exit {result.notebook.returncode});"
                f" see {result.notebook.log_path}"
            )
        truth = duckdb.read_parquet(str(truth_path)).order("customer_id")
        result.notebook_ari = float(
            adjusted_rand_score(
                truth.fetchnumpy()["true_segment"], np.load(labels_path)
            )
        )
    report = run_dir / "benchmark.md"
    report.write_text(markdown_report(result))
    if 0 < fixed_cost_rows < rows:
        # The same two commands on the file's first rows, where the data work
        # is negligible: what a build costs whatever the data. Last, so that
        # a failure here keeps the report of the runs above.
        first_rows, written = copy_first_rows(run_dir, csv_path, fixed_cost_rows)
        folder = first_rows.parent
        result.fixed_cost = FixedCost(
            rows=written,
            first_run=build("first_run", [], folder, first_rows),
            nightly=build("nightly", NIGHTLY_BUILD_OPTIONS, folder, first_rows),
        )
        report.write_text(markdown_report(result))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument(
        "--skip-notebook",
        action="store_true",
        help="run only the dbt builds (no comparison)",
    )
    parser.add_argument(
        "--fixed-cost-rows",
        type=row_count,
        default=FIXED_COST_ROWS,
        help="also build the file's first rows, to measure the fixed cost"
        " (0, or the whole file: not)",
    )
    args = parser.parse_args(argv)
    result = run_benchmark(
        args.rows,
        args.seed,
        args.out_dir,
        notebook=not args.skip_notebook,
        fixed_cost_rows=args.fixed_cost_rows,
    )
    print(markdown_report(result))


if __name__ == "__main__":
    main()
