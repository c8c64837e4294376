"""`make bench-orders`: the first-run `dbt build` on N synthetic order lines,
against the classic pandas RFM notebook on the same file, in the same run.

    python -m benchmarks.orders_benchmark --lines 10000000

1. Writes N UCI-shaped order lines (fixed seed; benchmarks.synthetic_order_lines)
   to <out-dir>/orders-n<N>/order_lines.csv, or reuses the file an earlier
   run wrote for the same N and seed.
2. Runs the command a user types, `dbt build --vars
   '{raw_transactions_path: <csv>}'`, as on a fresh checkout: a new target
   folder (so a full parse) and a new DuckDB file. Then the classic notebook
   (benchmarks.orders_notebook). Last, the same command on the file's first
   20,000 lines, in a folder of its own: the build's fixed cost, whatever the
   data. Each runs in its own process, one after the other.
3. Measures each process's wall time and peak resident memory
   (benchmarks.measuring), and the time of each dbt node.
4. Checks the build: the run summary's line counts equal the generator's
   counts of each kind, and every customer's recency_days and frequency, and
   monetary to the cent, in int_customer_rfm equal the notebook's.
5. Prints a Markdown report and writes it to <out-dir>/orders-n<N>/benchmark.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from benchmarks.measuring import (
    DEFAULT_OUT_DIR,
    FixedCost,
    Measured,
    copy_first_rows,
    dbt_build,
    gigabytes,
    machine_description,
    measure,
    row_count,
    stage_times,
    warehouse,
)
from benchmarks.synthetic_order_lines import (
    LineCounts,
    cached_counts,
    write_synthetic_order_lines,
)

# The lines of the fixed-cost build: few enough that their data work is
# negligible, enough for a few hundred customers and the clustering's checks.
FIXED_COST_LINES = 20_000


@dataclass
class RfmCheck:
    """int_customer_rfm (customers with a sale line) against the notebook."""

    dbt_customers: int
    notebook_customers: int
    only_in_dbt: int
    only_in_notebook: int
    recency_differs: int
    frequency_differs: int
    monetary_differs: int  # by a cent or more

    @property
    def equal(self) -> bool:
        return (
            self.dbt_customers == self.notebook_customers
            and self.only_in_dbt == self.only_in_notebook == 0
            and self.recency_differs == self.frequency_differs == 0
            and self.monetary_differs == 0
        )


@dataclass
class OrdersBenchmarkResult:
    lines: int
    seed: int
    counts: LineCounts
    build: Measured
    stages: list[tuple[str, float]]
    summary_counts: dict[str, int]
    notebook: Measured | None = None
    notebook_output: dict | None = None
    notebook_memory_limit_bytes: int | None = None
    rfm: RfmCheck | None = None
    machine: dict[str, str] = field(default_factory=dict)
    fixed_cost: FixedCost | None = None

    @property
    def expected_summary_counts(self) -> dict[str, int]:
        c = self.counts
        return {
            "transaction_lines": c.lines,
            "sale_lines": c.sale_lines,
            "return_lines": c.return_lines,
            **{f"rejected_lines_{k}": v for k, v in c.rejected.items()},
        }


def summary_counts(database: Path) -> dict[str, int]:
    """The run summary's line counts: all lines, and each outcome that the
    synthetic file has (zero-count reasons left out)."""
    with duckdb.connect(str(database), read_only=True) as con:
        relation = con.sql("select * from marts.segmentation_run_summary")
        row = dict(zip(relation.columns, relation.fetchall()[0], strict=True))
    wanted = ("transaction_lines", "sale_lines", "return_lines")
    return {
        name: int(value)
        for name, value in row.items()
        if name in wanted or (name.startswith("rejected_lines_") and value)
    }


def compare_rfm(database: Path, notebook_rfm: Path) -> RfmCheck:
    with duckdb.connect(str(database), read_only=True) as con:
        [row] = con.sql(
            """
            with dbt as (
                select customer_id, recency_days, frequency, monetary
                from intermediate.int_customer_rfm
                where has_purchases
            ),
            notebook as (
                select
                    "CustomerID" as customer_id,
                    "Recency" as recency_days,
                    "Frequency" as frequency,
                    "Monetary" as monetary
                from read_parquet($rfm_path)
            )
            select
                (select count(*) from dbt),
                (select count(*) from notebook),
                count(*) filter (where notebook.customer_id is null),
                count(*) filter (where dbt.customer_id is null),
                count(*) filter (
                    where dbt.recency_days != notebook.recency_days
                ),
                count(*) filter (where dbt.frequency != notebook.frequency),
                -- Cents: DECIMAL sums against the notebook's float sums.
                count(*) filter (
                    where round(dbt.monetary * 100)
                    != round(notebook.monetary * 100)
                )
            from dbt
            full outer join notebook
                on dbt.customer_id = notebook.customer_id
            """,
            params={"rfm_path": str(notebook_rfm)},
        ).fetchall()
    return RfmCheck(*(int(value) for value in row))


def clear_previous_run(run_dir: Path) -> None:
    """Removes everything but the data, for a fresh checkout's first run:
    dbt's target, logs and exports, the database and its WAL, and the spill
    folder (warehouse.duckdb.tmp) an interrupted run leaves behind."""
    for leftover in ("target", "logs", "exports"):
        shutil.rmtree(run_dir / leftover, ignore_errors=True)
    for folder in run_dir.glob("first_*"):
        shutil.rmtree(folder)
    for path in run_dir.glob("warehouse.duckdb*"):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def run_orders_benchmark(
    lines: int,
    seed: int = 42,
    out_dir: Path = DEFAULT_OUT_DIR,
    notebook: bool = True,
    notebook_memory_limit_gb: float | None = None,
    fixed_cost_lines: int = FIXED_COST_LINES,
) -> OrdersBenchmarkResult:
    run_dir = out_dir / f"orders-n{lines}"
    run_dir.mkdir(parents=True, exist_ok=True)
    csv_path = run_dir / "order_lines.csv"
    counts = cached_counts(csv_path, lines, seed)
    if counts is None:
        counts = write_synthetic_order_lines(csv_path, lines, seed)
    clear_previous_run(run_dir)

    def build(folder: Path, csv: Path) -> Measured:
        return dbt_build(folder, {"raw_transactions_path": str(csv)}, "dbt_build.log")

    database = warehouse(run_dir)
    build_run = build(run_dir, csv_path)
    result = OrdersBenchmarkResult(
        lines=lines,
        seed=seed,
        counts=counts,
        build=build_run,
        stages=stage_times(run_dir / "target" / "run_results.json"),
        summary_counts=summary_counts(database),
        machine=machine_description(),
    )
    if notebook:
        env = {**os.environ, "DO_NOT_TRACK": "1"}
        rfm_path = run_dir / "notebook_rfm.parquet"
        rfm_path.unlink(missing_ok=True)
        limit = (
            int(notebook_memory_limit_gb * 1024**3)
            if notebook_memory_limit_gb
            else None
        )
        result.notebook_memory_limit_bytes = limit
        result.notebook = measure(
            [
                sys.executable,
                "-m",
                "benchmarks.orders_notebook",
                str(csv_path),
                str(rfm_path),
                str(seed),
            ],
            run_dir / "notebook.log",
            env,
            address_space_limit_bytes=limit,
        )
        if result.notebook.returncode == 0:
            log_lines = result.notebook.log_path.read_text().splitlines()
            result.notebook_output = json.loads(log_lines[-1])
            result.rfm = compare_rfm(database, rfm_path)
        elif limit is None:
            raise RuntimeError(
                f"notebook failed (exit {result.notebook.returncode});"
                f" see {result.notebook.log_path}"
            )
    report = run_dir / "benchmark.md"
    report.write_text(markdown_report(result))
    if 0 < fixed_cost_lines < lines:
        # The same command on the file's first lines, where the data work is
        # negligible: what the build costs whatever the data. Last, so that a
        # failure here keeps the report of the runs above.
        first_lines, written = copy_first_rows(run_dir, csv_path, fixed_cost_lines)
        result.fixed_cost = FixedCost(written, build(first_lines.parent, first_lines))
        report.write_text(markdown_report(result))
    return result


def markdown_report(result: OrdersBenchmarkResult) -> str:
    machine = result.machine
    build, notebook = result.build, result.notebook
    counts = result.counts
    ran = notebook is not None and notebook.returncode == 0
    if notebook is None:
        notebook_time = notebook_memory = "not run"
    elif ran:
        notebook_time = f"{notebook.wall_seconds:.1f} s"
        notebook_memory = gigabytes(notebook.peak_rss_bytes)
    else:
        notebook_time = (
            f"failed after {notebook.wall_seconds:.1f} s (exit {notebook.returncode})"
        )
        notebook_memory = f"{gigabytes(notebook.peak_rss_bytes)} before failing"
    ratio = f"{build.wall_seconds / notebook.wall_seconds:.3f}" if ran else "n/a"
    lines = [
        f"## {result.lines:,} order lines (seed {result.seed})",
        "",
        f"Machine: {machine.get('cores')} cores, {machine.get('memory')},"
        f" Python {machine.get('python')}.",
        "",
        f"The file: {counts.customers:,} customers, {counts.invoices:,}"
        f" invoices ({counts.return_invoices:,} cancellations);"
        f" {counts.sale_lines:,} sale lines, {counts.return_lines:,} return"
        f" lines, {counts.guest_lines:,} without a customer,"
        f" {counts.postage_lines:,} postage lines of customers,"
        f" {counts.copy_lines:,} exact copies of customers' product lines.",
        "",
        "| | dbt build, first run | classic pandas notebook |",
        "|---|---:|---:|",
        f"| wall time | {build.wall_seconds:.1f} s | {notebook_time} |",
        f"| time / notebook time | {ratio} | |",
        f"| peak memory (max RSS) | {gigabytes(build.peak_rss_bytes)}"
        f" | {notebook_memory} |",
        "",
    ]
    if result.fixed_cost:
        lines += fixed_cost_lines(result, notebook.wall_seconds if ran else None)
    if result.notebook_memory_limit_bytes:
        lines += [
            "The notebook ran with its address space limited to"
            f" {gigabytes(result.notebook_memory_limit_bytes)} (RLIMIT_AS).",
            "",
        ]
    expected = result.expected_summary_counts
    lines.append(
        "Line counts in marts.segmentation_run_summary: "
        + (
            "equal to the generator's counts of each kind."
            if result.summary_counts == expected
            else f"DIFFERENT: {result.summary_counts} != {expected}."
        )
    )
    if result.rfm is not None:
        rfm = result.rfm
        lines.append(
            f"RFM: {rfm.dbt_customers:,} customers in int_customer_rfm,"
            f" {rfm.notebook_customers:,} in the notebook; "
            + (
                "recency_days, frequency and monetary (to the cent) equal"
                " for every customer."
                if rfm.equal
                else f"DIFFERENT: {rfm}."
            )
        )
    if result.notebook_output:
        seconds = result.notebook_output["seconds"]
        lines.append(
            "Notebook steps (s): "
            + ", ".join(f"{name} {value:.1f}" for name, value in seconds.items())
            + "."
        )
    lines += ["", "| dbt stage | seconds |", "|---|---:|"]
    lines += [f"| {name} | {seconds:.2f} |" for name, seconds in result.stages]
    lines.append("")
    return "\n".join(lines)


def fixed_cost_lines(
    result: OrdersBenchmarkResult, notebook_seconds: float | None
) -> list[str]:
    """The same build on the file's first lines, and what the rest of the
    file added: the build's fixed cost against its data work."""
    fixed = result.fixed_cost
    rest = result.build.wall_seconds - fixed.first_run.wall_seconds

    def ratio(seconds: float) -> str:
        return f"{seconds / notebook_seconds:.3f}" if notebook_seconds else "n/a"

    return [
        f"| first {fixed.rows:,} lines only | dbt build, first run |",
        "|---|---:|",
        f"| wall time | {fixed.first_run.wall_seconds:.1f} s |",
        f"| time / notebook time | {ratio(fixed.first_run.wall_seconds)} |",
        f"| time for the other {result.lines - fixed.rows:,} lines | {rest:.1f} s |",
        f"| that / notebook time | {ratio(rest)} |",
        "",
        f"The first {fixed.rows:,} lines ran the same command into a database"
        " and target folder of their own: every node, rule and test, with next"
        " to no data work.",
        "",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument(
        "--skip-notebook",
        action="store_true",
        help="run only the dbt builds (no comparison)",
    )
    parser.add_argument(
        "--notebook-memory-limit-gb",
        type=float,
        help="limit the notebook's address space (it fails beyond it)",
    )
    parser.add_argument(
        "--fixed-cost-lines",
        type=row_count,
        default=FIXED_COST_LINES,
        help="also build the file's first lines, to measure the fixed cost"
        " (0, or the whole file: not)",
    )
    args = parser.parse_args(argv)
    result = run_orders_benchmark(
        args.lines,
        args.seed,
        args.out_dir,
        notebook=not args.skip_notebook,
        notebook_memory_limit_gb=args.notebook_memory_limit_gb,
        fixed_cost_lines=args.fixed_cost_lines,
    )
    print(markdown_report(result))


if __name__ == "__main__":
    main()
