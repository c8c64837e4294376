"""Unusable input stops the build with one clear line and leaves the marts
of the previous successful build exactly as they were."""

from __future__ import annotations

import shutil
from concurrent.futures import Future
from pathlib import Path

import pytest
from conftest import FIXTURES, started_with_session
from dbt_runs import DATA_BUILD, REFUSED_BUILD, start_dbt, start_on_copy
from refusals import (
    assert_failed_with_line,
    assert_refused,
    input_beside_previous_build,
    start_on_previous_build,
    unusable_input_line,
)
from unusable_customer_files import CASES


@started_with_session("bundled_build")
def refused_builds(folders, shared) -> dict[str, tuple[Future, str]]:
    """Every case's build on a copy of a good warehouse, all started with
    the session: case -> (the run, the line that must refuse it)."""
    runs = {}
    for case, name, content, extra_vars, message in CASES:
        folder = folders.mktemp("refused")
        if name is None:
            vars, expected_line = extra_vars, message
        else:
            path = input_beside_previous_build(folder, name.removeprefix("~/"))
            if callable(content):
                content(path)
            else:
                shutil.copy(FIXTURES / content, path)
            vars = {"raw_customers_path": name, **extra_vars}
            expected_line = unusable_input_line(name, message.replace("{file}", name))
        # A name from the home folder: the run's home is the input's folder,
        # so nothing is written to the real one.
        env = {"HOME": str(path.parent)} if name and name.startswith("~/") else None
        run = start_on_previous_build(shared["bundled_build"], folder, vars, env)
        runs[case] = (run, expected_line)
    return runs


@started_with_session("bundled_build")
def export_folder_under_a_file(folders, shared) -> tuple[Future, Future, Path]:
    """Two builds whose SEGMENTATION_EXPORT_DIR lies under a file, each on a
    copy of a good warehouse, started with the session: of every mart, and
    of one mart; and that file."""
    folder = folders.mktemp("export_folder_under_a_file")
    a_file = folder / "exports"
    a_file.write_text("")
    env = {"SEGMENTATION_EXPORT_DIR": str(a_file / "segments")}
    one_mart = start_on_copy(
        shared["bundled_build"],
        folders.mktemp("one_mart_export_folder_under_a_file"),
        *DATA_BUILD,
        "--select",
        "reject_reasons",
        "--indirect-selection",
        "cautious",
        env=env,
    )
    every_mart = start_on_previous_build(shared["bundled_build"], folder, {}, env)
    return every_mart, one_mart, a_file


def test_an_export_folder_that_cannot_be_made_stops_the_build_at_once(
    export_folder_under_a_file, good_marts
):
    # It was found after every model and test had run, in a Python
    # traceback, with "Exited because of keyboard interrupt".
    run, _, a_file = export_folder_under_a_file
    assert_refused(
        run,
        f"Unusable export folder {a_file / 'segments'} (SEGMENTATION_EXPORT_DIR):"
        f" {a_file} is a file, not a folder; the Parquet exports need a folder"
        " they can be written to",
        good_marts,
        before_any_node=True,
    )


# The cases found only by reading the whole file or cleaning its rows: the
# seeds and models before that point have run. Every other case is refused
# on-run-start, before any node (an unterminated quote too: DuckDB's sniffer
# fails on it, and the check then looks for the bad line at once).
REFUSED_WHILE_BUILDING = {
    "malformed line",
    "malformed line in a file named from the home folder",
    "malformed line in a file whose name has braces",
    "a gzip file damaged in the middle, named by a pattern",
    "a gzip file damaged in the middle",
    "header but no data rows",
    "lines ending in two ways past the sniffer's sample",
    "a Parquet file damaged in a later row group",
    "a Parquet file with Latin-1 text in a later row group",
    "fewer usable rows than k_min + 1",
    "fewer usable rows in a file whose name ends in a space",
    "fewer usable rows than the forced k + 1",
    "fewer different points than the forced k",
    "an income too large to standardise",
    "an income too large to average, its logarithm clustered",
    "incomes that add up too large to standardise",
}


@pytest.mark.parametrize("case", [case[0] for case in CASES])
def test_unusable_input_is_refused(refused_builds, good_marts, case):
    run, expected_line = refused_builds[case]
    assert_refused(
        run,
        expected_line,
        good_marts,
        before_any_node=case not in REFUSED_WHILE_BUILDING,
    )


# `dbt compile` of stg_customers, which runs no on-run-start hooks: (case,
# the file written as customers.csv or None, the var, the line expected).
COMPILED = [
    (
        "a required column missing",
        "missing_column.csv",
        "customers.csv",
        "Unusable input customers.csv: required column 'Spending Score"
        " (1-100)' is missing (found CustomerID,Gender,Age,Annual Income (k$))",
    ),
    (
        "an empty path",
        None,
        "",
        "Invalid var 'raw_customers_path': \"\". Allowed values: null (the"
        " bundled seed) or the path of a CSV, .csv.gz or Parquet file.",
    ),
]


@started_with_session()
def compiled_on_bad_input(folders, shared) -> dict[str, tuple[Future, str]]:
    """Each COMPILED case's `dbt compile`, started with the session: case ->
    (the run, the line that must refuse it)."""
    runs = {}
    for case, fixture, path, expected_line in COMPILED:
        folder = folders.mktemp("compiled")
        if fixture is not None:
            shutil.copy(FIXTURES / fixture, folder / path)
        run = start_dbt(
            folder / "warehouse.duckdb",
            "compile",
            "--select",
            "stg_customers",
            "--no-write-json",
            vars={"raw_customers_path": path},
        )
        runs[case] = (run, expected_line)
    return runs


@pytest.mark.parametrize("case", [case[0] for case in COMPILED])
def test_a_command_without_hooks_still_checks_the_input(compiled_on_bad_input, case):
    """`dbt compile` runs no on-run-start hooks: the staging model runs the
    checks itself as it compiles, with the same line."""
    run, expected_line = compiled_on_bad_input[case]
    assert_failed_with_line(run.result(), expected_line)


@started_with_session("bundled_build")
def empty_flag_build(folders, shared) -> Future:
    return start_on_copy(
        shared["bundled_build"], folders.mktemp("empty_flag"), *REFUSED_BUILD, "--empty"
    )


def test_an_empty_build_is_refused_before_it_empties_a_table(
    empty_flag_build, good_marts
):
    # dbt's --empty would rebuild the intermediate tables with no rows, then
    # stop at the clustering; refused on-run-start, it touches nothing.
    assert_refused(
        empty_flag_build,
        "--empty is not supported: K-Means needs customers, and an empty build"
        " would empty the intermediate tables; to try the SQL on a few rows,"
        " build on a small file (--vars '{raw_customers_path: <file>}')",
        good_marts,
        before_any_node=True,
    )


def test_a_build_that_does_not_export_does_not_check_the_export_folder(
    export_folder_under_a_file,
):
    # A build of some marts leaves the exports alone, so their folder
    # cannot stop it.
    _, one_mart, _ = export_folder_under_a_file
    result = one_mart.result()
    assert result.returncode == 0, result.output
    assert "Parquet exports left as they were: this build built 1 of the" in (
        result.output
    )
