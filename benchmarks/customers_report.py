"""What one customers benchmark found, and its Markdown report."""

from __future__ import annotations

from dataclasses import dataclass, field

from benchmarks.customers_notebook import NOTEBOOK_CHOSEN_K
from benchmarks.measuring import NIGHTLY_BUILD_OPTIONS, FixedCost, Measured, gigabytes


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
    fixed_cost: FixedCost | None = None


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
            lambda run: gigabytes(run.measured.peak_rss_bytes),
            gigabytes(notebook.peak_rss_bytes) if notebook else "not run",
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
        " the parse state the first run saved. First run: `dbt build`, after"
        " a full parse.",
        "",
    ]
    if result.fixed_cost:
        lines += fixed_cost_lines(result)
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


def fixed_cost_lines(result: BenchmarkResult) -> list[str]:
    """The same builds on the file's first rows, and what the rest of the
    file added to each: the build's fixed cost against its data work."""
    fixed = result.fixed_cost
    small = {"nightly": fixed.nightly, "first run": fixed.first_run}
    full = {"nightly": result.nightly, "first run": result.first_run}
    notebook = result.notebook

    def ratio(seconds: float) -> str:
        return f"{seconds / notebook.wall_seconds:.3f}" if notebook else "not run"

    return [
        f"| first {fixed.rows:,} customers only | nightly | first run |",
        "|---|---:|---:|",
        "| wall time | "
        + " | ".join(f"{run.wall_seconds:.1f} s" for run in small.values())
        + " |",
        "| time / notebook time | "
        + " | ".join(ratio(run.wall_seconds) for run in small.values())
        + " |",
        f"| time for the other {result.rows - fixed.rows:,} customers | "
        + " | ".join(
            f"{full[name].measured.wall_seconds - run.wall_seconds:.1f} s"
            for name, run in small.items()
        )
        + " |",
        "| that / notebook time | "
        + " | ".join(
            ratio(full[name].measured.wall_seconds - run.wall_seconds)
            for name, run in small.items()
        )
        + " |",
        "",
        f"The first {fixed.rows:,} customers ran the same two commands into a"
        " database and target folder of their own: every node, rule and test,"
        " with next to no data work.",
        "",
    ]
