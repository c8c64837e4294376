"""`make bench`: the full `dbt build` on N synthetic customers, against the
classic notebook approach on the same file, in the same run.

    python -m segmentation.benchmark --rows 1000000

1. Writes N Mall-shaped customers with known true segments (fixed seed) as a
   CSV with the Mall header (see segmentation.synthetic_customers).
2. Runs `dbt build --vars '{raw_customers_path: <csv>}'` twice into a fresh
   DuckDB file, each in its own process:
   - the first run, as on a fresh checkout: a full parse, and every model,
     data test and unit test;
   - the nightly run, as `make nightly` repeats it every night: dbt reuses the
     parse state the first run saved in target/, and leaves the unit tests
     (fixed fixture rows, not the data) to CI, as dbt recommends.
   Then the classic notebook (pandas read_csv, StandardScaler, scikit-learn
   KMeans(n_init=10) for k = 2..10 on all rows), in its own process.
3. Measures each process's wall time and peak resident memory (the
   kernel's rusage for that child, as `/usr/bin/time -v` reports it), and the
   time of each dbt node from target/run_results.json.
4. Scores each run against the true segments (adjusted Rand index), checks
   that every customer is assigned exactly once, and writes a Markdown report
   to <out-dir>/n<N>/benchmark.md as well as printing it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
from sklearn.metrics import adjusted_rand_score

from segmentation.synthetic_customers import write_synthetic_customers

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEFAULT_OUT_DIR = PROJECT_DIR / "bench-results"
NOTEBOOK_KS = range(2, 11)
# The k a notebook reader picks from the elbow plot of Mall-shaped data; the
# notebook's fit for this k is the one scored against the truth.
NOTEBOOK_CHOSEN_K = 5
# What the nightly run leaves out of `dbt build` (the Makefile's `nightly`
# rule passes the same): unit tests check the SQL on fixed fixture rows, so
# they belong to CI, not to every run on the data.
NIGHTLY_BUILD_OPTIONS = ["--exclude-resource-type", "unit_test"]


@dataclass
class Measured:
    """One child process: wall seconds and peak resident set size."""

    wall_seconds: float
    peak_rss_bytes: int
    returncode: int
    log_path: Path


@dataclass
class Quality:
    selected_k: int
    selection_reason: str
    input_customers: int
    segmented_rows: int
    distinct_customers: int
    unassigned_customers: int
    adjusted_rand_index: float


@dataclass
class DbtRun:
    """One `dbt build`: the process, its nodes and the marts it left."""

    measured: Measured
    stages: list[tuple[str, float]]
    quality: Quality


@dataclass
class BenchmarkResult:
    rows: int
    seed: int
    first_run: DbtRun
    nightly: DbtRun
    notebook: Measured | None = None
    notebook_ari: float | None = None
    machine: dict[str, str] = field(default_factory=dict)


def measure(command: list[str], log_path: Path, env: dict[str, str]) -> Measured:
    """Run ``command`` to completion; its output goes to ``log_path``.

    os.wait4 returns the rusage of exactly this child (and anything it
    waited for), so each measurement is independent of the others.
    """
    started = time.perf_counter()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=PROJECT_DIR
        )
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    # Linux reports ru_maxrss in KiB.
    return Measured(wall, usage.ru_maxrss * 1024, process.returncode, log_path)


def stage_times(run_results_path: Path) -> list[tuple[str, float]]:
    """Seconds per dbt seed and model, in run order, then all tests summed.

    dbt runs two threads here, so the stages can overlap: their sum may exceed
    the wall time.
    """
    results = json.loads(run_results_path.read_text())["results"]
    stages: list[tuple[str, float]] = []
    test_seconds = {"data tests": 0.0, "unit tests": 0.0}
    test_counts = {"data tests": 0, "unit tests": 0}
    for result in sorted(results, key=_started_at):
        kind, _, rest = result["unique_id"].partition(".")
        seconds = float(result["execution_time"])
        if kind == "exposure":
            # Documentation of who reads the marts; nothing runs.
            continue
        if kind in ("test", "unit_test"):
            label = "data tests" if kind == "test" else "unit tests"
            test_seconds[label] += seconds
            test_counts[label] += 1
        else:
            stages.append((f"{kind} {rest.split('.')[-1]}", seconds))
    for label, seconds in test_seconds.items():
        if test_counts[label]:
            stages.append((f"{test_counts[label]} {label}", seconds))
    return stages


def _started_at(result: dict) -> str:
    starts = [t["started_at"] for t in result.get("timing", []) if t.get("started_at")]
    return min(starts) if starts else ""


def segment_quality(database: Path, truth_path: Path) -> Quality:
    """Selected k, assignment counts and ARI of the marts against the truth."""
    truth = str(truth_path).replace("'", "''")
    with duckdb.connect(str(database), read_only=True) as con:
        [(selected_k, reason)] = con.sql(
            "select k, selection_reason from marts.k_evaluation where is_selected"
        ).fetchall()
        [(input_customers, segmented, distinct, unassigned)] = con.sql(
            f"""
            select
                (select count(*) from read_parquet('{truth}')),
                (select count(*) from marts.customer_segments),
                (select count(distinct customer_id) from marts.customer_segments),
                (
                    select count(*) from read_parquet('{truth}') as truth
                    anti join marts.customer_segments as segments
                        on truth.customer_id = segments.customer_id
                )
            """
        ).fetchall()
        pairs = con.sql(
            f"""
            select truth.true_segment, segments.segment_id
            from read_parquet('{truth}') as truth
            inner join marts.customer_segments as segments
                on truth.customer_id = segments.customer_id
            """
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


def classic_notebook(csv_path: Path, labels_path: Path, seed: int) -> None:
    """The popular notebook's approach, on every row: read the whole file with
    pandas, scale, and fit KMeans(n_init=10) for each k of the elbow plot.

    Saves the labels of the k=NOTEBOOK_CHOSEN_K fit, in file order.
    """
    import pandas as pd
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler

    data = pd.read_csv(csv_path)
    scaled = StandardScaler().fit_transform(
        data[["Annual Income (k$)", "Spending Score (1-100)"]]
    )
    inertias = {}
    for k in NOTEBOOK_KS:
        fitted = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(scaled)
        inertias[k] = fitted.inertia_
        if k == NOTEBOOK_CHOSEN_K:
            np.save(labels_path, fitted.labels_)
    print(json.dumps({"inertia_by_k": inertias}))


def run_benchmark(
    rows: int, seed: int = 42, out_dir: Path = DEFAULT_OUT_DIR, notebook: bool = True
) -> BenchmarkResult:
    run_dir = out_dir / f"n{rows}"
    if run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    csv_path = run_dir / "customers.csv"
    truth_path = run_dir / "true_segments.parquet"
    write_synthetic_customers(csv_path, truth_path, rows, seed)

    database = run_dir / "warehouse.duckdb"
    env = {
        **os.environ,
        "DBT_DUCKDB_PATH": str(database),
        "DBT_PROJECT_DIR": str(PROJECT_DIR),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }

    def build(label: str, options: list[str]) -> DbtRun:
        command = [
            str(Path(sys.executable).with_name("dbt")),
            "build",
            *options,
            "--vars",
            json.dumps({"raw_customers_path": str(csv_path), "random_seed": seed}),
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            # Shared by both runs: the nightly run finds the first run's
            # saved parse state here, as it would in a deployed project.
            "--target-path",
            str(run_dir / "target"),
            "--log-path",
            str(run_dir / "logs"),
        ]
        measured = measure(command, run_dir / f"dbt_build_{label}.log", env)
        if measured.returncode != 0:
            raise RuntimeError(
                f"dbt build ({label}) failed (exit {measured.returncode});"
                f" see {measured.log_path}"
            )
        return DbtRun(
            measured=measured,
            stages=stage_times(run_dir / "target" / "run_results.json"),
            quality=segment_quality(database, truth_path),
        )

    result = BenchmarkResult(
        rows=rows,
        seed=seed,
        first_run=build("first_run", []),
        nightly=build("nightly", NIGHTLY_BUILD_OPTIONS),
        machine=machine_description(),
    )
    if notebook:
        labels_path = run_dir / "notebook_labels.npy"
        result.notebook = measure(
            [
                sys.executable,
                "-m",
                "segmentation.benchmark",
                "notebook",
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
    (run_dir / "benchmark.md").write_text(markdown_report(result))
    return result


def machine_description() -> dict[str, str]:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kib = int(meminfo.read_text().split()[1])
        memory = f"{total_kib / 1024**2:.0f} GB"
    return {
        "cores": str(os.cpu_count()),
        "memory": memory,
        "python": platform.python_version(),
    }


def _gb(n_bytes: int) -> str:
    return f"{n_bytes / 1024**3:.2f} GB"


def markdown_report(result: BenchmarkResult) -> str:
    machine = result.machine
    runs = {"nightly": result.nightly, "first run": result.first_run}
    notebook = result.notebook

    def row(label: str, dbt_cell, notebook_cell: str) -> str:
        cells = [dbt_cell(run) for run in runs.values()]
        return f"| {label} | " + " | ".join([*cells, notebook_cell]) + " |"

    lines = [
        f"## {result.rows:,} customers (seed {result.seed})",
        "",
        f"Machine: {machine.get('cores')} cores, {machine.get('memory')},"
        f" Python {machine.get('python')}.",
        "",
        "| | dbt build, nightly | dbt build, first run | classic notebook |",
        "|---|---:|---:|---:|",
        row(
            "wall time",
            lambda run: f"{run.measured.wall_seconds:.1f} s",
            f"{notebook.wall_seconds:.1f} s" if notebook else "not run",
        ),
        row(
            "time / notebook time",
            lambda run: (
                f"{run.measured.wall_seconds / notebook.wall_seconds:.3f}"
                if notebook
                else "not run"
            ),
            "",
        ),
        row(
            "peak memory (max RSS)",
            lambda run: _gb(run.measured.peak_rss_bytes),
            _gb(notebook.peak_rss_bytes) if notebook else "not run",
        ),
        row(
            "k",
            lambda run: f"{run.quality.selected_k} ({run.quality.selection_reason})",
            f"{NOTEBOOK_CHOSEN_K} (read off the elbow plot)",
        ),
        row(
            "adjusted Rand index vs true segments",
            lambda run: f"{run.quality.adjusted_rand_index:.4f}",
            f"{result.notebook_ari:.4f}" if notebook else "not run",
        ),
        "",
        "Nightly: `dbt build " + " ".join(NIGHTLY_BUILD_OPTIONS) + "`, reusing"
        " the parse state the first run saved. First run: a full parse, and"
        " unit tests as well as data tests.",
        "",
    ]
    for name, run in runs.items():
        quality = run.quality
        lines.append(
            f"Customers ({name}): {quality.input_customers:,} in the file,"
            f" {quality.segmented_rows:,} rows in marts.customer_segments,"
            f" {quality.distinct_customers:,} distinct,"
            f" {quality.unassigned_customers:,} unassigned."
        )
    lines += [
        "",
        "| dbt stage | nightly (s) | first run (s) |",
        "|---|---:|---:|",
    ]
    seconds_by_run = [dict(run.stages) for run in runs.values()]
    # Every stage once: the nightly run's in run order, then any only the
    # first run had (its unit tests).
    stage_names = dict.fromkeys(name for run in runs.values() for name, _ in run.stages)
    for name in stage_names:
        cells = [
            f"{seconds[name]:.2f}" if name in seconds else "not run"
            for seconds in seconds_by_run
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["notebook"]:
        csv_path, labels_path, seed = argv[1:]
        classic_notebook(Path(csv_path), Path(labels_path), int(seed))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument(
        "--skip-notebook",
        action="store_true",
        help="run only the dbt build (no comparison)",
    )
    args = parser.parse_args(argv)
    result = run_benchmark(
        args.rows, args.seed, args.out_dir, notebook=not args.skip_notebook
    )
    print(markdown_report(result))


if __name__ == "__main__":
    main()
