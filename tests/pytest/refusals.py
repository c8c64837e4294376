"""How a refused input is checked: a build on a copy of a good warehouse
must fail with one given line, no traceback, and leave every mart as it
was."""

from __future__ import annotations

import gzip
import re
from concurrent.futures import Future
from pathlib import Path

from conftest import MARTS
from dbt_runs import PREVIOUS_BUILD, REFUSED_BUILD, DbtResult, start_on_copy


def start_on_previous_build(
    bundled_build: Future[DbtResult],
    folder: Path,
    vars: dict,
    env: dict[str, str] | None = None,
) -> Future[DbtResult]:
    """`dbt build` with ``vars`` (and ``env`` added to its environment),
    which must be refused (assert_refused), in the background, on a copy of
    a good warehouse (the bundled build, once it is done) in ``folder``."""
    return start_on_copy(bundled_build, folder, *REFUSED_BUILD, vars=vars, env=env)


def input_beside_previous_build(folder: Path, name: str) -> Path:
    """Where the input ``name`` of ``start_on_previous_build(..., folder,
    ...)`` goes: beside the warehouse's copy, in the folder dbt runs in, so
    that the vars name it relative to that folder, as a user names a file
    in the project folder, and runs with the same vars share a parse
    state (dbt_runs.run_dbt)."""
    path = folder / PREVIOUS_BUILD / name
    path.parent.mkdir(exist_ok=True)
    return path


def assert_refused(
    run: Future[DbtResult],
    expected_line: str,
    good_marts: dict[str, list[tuple]],
    *,
    before_any_node: bool,
):
    """A build from ``start_on_previous_build`` failed with ``expected_line``
    as one output line, no traceback, and left every mart as it was.

    ``before_any_node``: refused before dbt started any seed, model or test
    (a var, or an input check on-run-start), not while they ran (a problem
    found reading the whole file, or in the cleaned rows)."""
    result = run.result()
    assert_failed_with_line(result, expected_line)
    assert (not nodes_started(result)) == before_any_node, result.output
    assert result.mart_rows(MARTS) == good_marts


# Four customers whose .csv.gz had one byte changed after it was written:
# a comma for the 0 of line 4's income, 70. Stored uncompressed, so the
# change reaches the CSV reader as a line of six fields; the gzip CRC no
# longer matches.
DAMAGED_GZIP_CRC = "CRC check failed 0x7637513b != 0x3a22ae7a"


def write_damaged_gzip(path: Path) -> None:
    lines = (
        "CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n"
        "1,Male,19,15,39\n2,Female,21,16,81\n3,Female,35,70,50\n"
        "4,Male,60,120,10\n"
    )
    stored = gzip.compress(lines.encode(), compresslevel=0, mtime=0)
    path.write_bytes(stored.replace(b"35,70,50", b"35,7,,50"))


# Problems found while a model runs, raised by DuckDB's error(): too few
# usable customers or different points, a value too large to standardise
# or to average.
RAISED_BY_DUCKDB = (
    "usable customer row",
    "too large to standardise",
    "too large to average",
)


# How the refusal shows a name that holds a line break, or a space at an
# end: quoted, the break escaped, so that the message stays one line and
# the stray character shows.
SHOWN_AS = {
    "customers.csv\n": '"customers.csv\\n"',
    "customers.csv ": '"customers.csv "',
}


def unusable_input_line(name: str, problem: str) -> str:
    """The line that refuses the input file ``name`` for ``problem``; DuckDB
    prefixes its error type to the problems it raises."""
    line = f"Unusable input {SHOWN_AS.get(name, name)}: {problem}"
    if any(marker in problem for marker in RAISED_BY_DUCKDB):
        return f"Invalid Input Error: {line}"
    return line


def nodes_started(result: DbtResult) -> list[str]:
    """The output lines of the seeds, models and tests the command started
    (the on-run-start hooks are not nodes)."""
    return [
        line
        for line in result.output.splitlines()
        if " START " in line and " START hook" not in line
    ]


def assert_failed_with_line(result: DbtResult, expected_line: str) -> None:
    """A dbt command failed with ``expected_line`` as one output line and no
    traceback."""
    assert result.returncode != 0
    # An on-run-end hook logs its line after dbt's time stamp.
    lines = [
        re.sub(r"^(\x1b\[0m)?\d\d:\d\d:\d\d  ", "", line).strip()
        for line in result.output.splitlines()
    ]
    assert expected_line in lines, result.output
    assert "Traceback" not in result.output
