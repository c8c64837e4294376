"""What every benchmark here measures, whatever data it generates: a child
process's wall time and peak memory, the time of each dbt node, and the
machine it ran on."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEFAULT_OUT_DIR = PROJECT_DIR / "bench-results"
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
class FixedCost:
    """The benchmark's builds again on the file's first ``rows`` rows, where
    the data work is negligible: what a build costs whatever the data."""

    rows: int
    first_run: Measured
    nightly: Measured | None = None


def measure(
    command: list[str],
    log_path: Path,
    env: dict[str, str],
    address_space_limit_bytes: int | None = None,
) -> Measured:
    """Run ``command`` to completion; its output goes to ``log_path``.

    os.wait4 returns the rusage of exactly this child (and anything it
    waited for), so each measurement is independent of the others.
    ``address_space_limit_bytes`` sets the child's RLIMIT_AS (`ulimit -v`):
    a run that would outgrow the machine fails with MemoryError instead.
    """

    def limit_address_space() -> None:
        resource.setrlimit(
            resource.RLIMIT_AS,
            (address_space_limit_bytes, address_space_limit_bytes),
        )

    started = time.perf_counter()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=PROJECT_DIR,
            preexec_fn=limit_address_space if address_space_limit_bytes else None,
        )
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    # Linux reports ru_maxrss in KiB.
    return Measured(wall, usage.ru_maxrss * 1024, process.returncode, log_path)


def warehouse(folder: Path) -> Path:
    """The DuckDB file a benchmark build in ``folder`` writes."""
    return folder / "warehouse.duckdb"


def dbt_build(
    folder: Path, dbt_vars: dict, log_name: str, options: Sequence[str] = ()
) -> Measured:
    """The `dbt build` a user types, with ``dbt_vars`` and ``options``, in
    its own process; its database, target folder, logs and Parquet exports
    (not the project's exports/, which Power BI reads) all in ``folder``.
    Raises when the build fails."""
    env = {
        **os.environ,
        "DBT_DUCKDB_PATH": str(warehouse(folder)),
        "SEGMENTATION_EXPORT_DIR": str(folder / "exports"),
        "DBT_PROJECT_DIR": str(PROJECT_DIR),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [
        str(Path(sys.executable).with_name("dbt")),
        "build",
        *options,
        "--vars",
        json.dumps(dbt_vars),
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(folder / "target"),
        "--log-path",
        str(folder / "logs"),
    ]
    measured = measure(command, folder / log_name, env)
    if measured.returncode != 0:
        raise RuntimeError(
            f"dbt build failed (exit {measured.returncode}); see {measured.log_path}"
        )
    return measured


def row_count(text: str) -> int:
    """argparse's type for a count of rows: a whole number, 0 or more."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is below 0")
    return value


def copy_first_rows(run_dir: Path, source: Path, rows: int) -> tuple[Path, int]:
    """The header and first ``rows`` lines of ``source``, under the same
    name in a new folder ``first_<rows>`` of ``run_dir``, for a fixed-cost
    build there; the copy's path and its number of data lines."""
    folder = run_dir / f"first_{rows}"
    folder.mkdir()
    copy = folder / source.name
    return copy, write_first_rows(source, copy, rows)


def write_first_rows(source: Path, target: Path, rows: int) -> int:
    """The header and the first ``rows`` lines of ``source``, a CSV file with
    one record per line (as the synthetic files are), written to ``target``;
    returns the number of data lines written."""
    written = 0
    with source.open("rb") as lines, target.open("wb") as out:
        out.write(lines.readline())
        for line in lines:
            if written == rows:
                break
            out.write(line)
            written += 1
    return written


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


def gigabytes(n_bytes: int) -> str:
    return f"{n_bytes / 1024**3:.2f} GB"
