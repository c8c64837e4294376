"""Unusable input stops the build with one clear line and leaves the marts
of the previous successful build exactly as they were."""

from __future__ import annotations

import gzip
from concurrent.futures import Future

import pytest
from conftest import (
    FIXTURES,
    assert_refused,
    start_on_previous_build,
    started_with_session,
)

EXPECTED_HEADERS = (
    "CustomerID, Genre (or Gender), Age, Annual Income (k$), Spending Score (1-100)"
)


def binary_file(folder):
    path = folder / "image.csv"
    path.write_bytes(b"\x89PNG\x00\x00\x00\rIHDR\x00\xff\xfe" * 50)
    return path


def plain_csv_named(name):
    """The plain format-variants CSV written under ``name`` (say a .gz or
    .parquet name), as a function of a folder."""

    def write(folder):
        path = folder / name
        path.write_bytes((FIXTURES / "format_variants.csv").read_bytes())
        return path

    return write


def empty_gzip(folder):
    """A gzip file of an empty file: 20 bytes, none of them data."""
    path = folder / "customers.csv.gz"
    with gzip.open(path, "wb"):
        pass
    return path


# (case, input file: a fixture name or a function of a folder, extra vars,
#  the message after "Unusable input <file>: " ({file} is the file's path),
#  or a whole line when the input is not the problem).
CASES = [
    ("missing file", lambda tmp: tmp / "no_such_file.csv", {}, "file not found"),
    (
        "a folder",
        lambda tmp: tmp,
        {},
        "this is a folder; give the path of a CSV, .csv.gz or Parquet file in it",
    ),
    ("empty file", "empty.csv", {}, "the file is empty (0 bytes)"),
    (
        "no header row",
        "no_header.csv",
        {},
        "no header row with the expected columns (first line:"
        f" 1,Male,19,15,39; expected {EXPECTED_HEADERS})",
    ),
    (
        "not a csv file",
        "not_csv.csv",
        {},
        "no header row with the expected columns (first line:"
        ' {"customers": [{"id": 1, "gender": "Male"}]};'
        f" expected {EXPECTED_HEADERS})",
    ),
    (
        "binary file",
        binary_file,
        {},
        "no header row (no readable text on the first line; is it a UTF-8 CSV file?)",
    ),
    (
        "a .gz name on a file that is not gzip",
        plain_csv_named("customers.csv.gz"),
        {},
        "DuckDB cannot read it as CSV (IO Error: Input is not a GZIP stream: {file})",
    ),
    (
        "a gzip file of an empty file",
        empty_gzip,
        {},
        "the file is empty once decompressed (0 bytes)",
    ),
    (
        "a .parquet name on a file that is not Parquet",
        plain_csv_named("customers.parquet"),
        {},
        "DuckDB cannot read it as Parquet (Invalid Input Error: No magic"
        " bytes found at end of file '{file}')",
    ),
    (
        "missing required column",
        "missing_column.csv",
        {},
        "required column 'Spending Score (1-100)' is missing (found"
        " CustomerID,Gender,Age,Annual Income (k$))",
    ),
    (
        "malformed line",
        "malformed_line.csv",
        {},
        "line 3 is not valid CSV (Expected Number of Columns: 5 Found: 6);"
        " fix or remove that line",
    ),
    (
        "unterminated quote",
        "unterminated_quote.csv",
        {},
        "line 3 is not valid CSV (Value with unterminated quote found.);"
        " fix or remove that line",
    ),
    (
        "header but no data rows",
        "header_only.csv",
        {},
        "the file has a header but no data rows",
    ),
    (
        "fewer usable rows than k_min + 1",
        "too_few_rows.csv",
        {},
        "only 2 usable customer rows after cleaning; k=2 needs at least 3"
        " (reasons in intermediate.int_customer_rows_validated)",
    ),
    (
        "fewer usable rows than the forced k + 1",
        "format_variants.csv",
        {"n_clusters": 4},
        "only 4 usable customer rows after cleaning; k=4 needs at least 5"
        " (reasons in intermediate.int_customer_rows_validated)",
    ),
    (
        "n_clusters out of range",
        None,
        {"n_clusters": 25},
        "Invalid var 'n_clusters': 25. Allowed values: null (choose k by"
        " silhouette) or an integer from 2 to 20.",
    ),
    (
        "unknown feature",
        None,
        {"segmentation_features": ["annual_income_k", "loyalty"]},
        "Invalid var 'segmentation_features': [\"annual_income_k\","
        ' "loyalty"]. Allowed values: a non-empty list chosen from age,'
        " annual_income_k, spending_score, each at most once.",
    ),
]


@started_with_session("bundled_build")
def refused_builds(folders, shared) -> dict[str, tuple[Future, str]]:
    """Every case's build on a copy of a good warehouse, all started with
    the session: case -> (the run, the line that must refuse it)."""
    runs = {}
    for case, source, extra_vars, message in CASES:
        folder = folders.mktemp("refused")
        if source is None:
            vars, expected_line = extra_vars, message
        else:
            path = source(folder) if callable(source) else FIXTURES / source
            vars = {"raw_customers_path": str(path), **extra_vars}
            problem = message.replace("{file}", str(path))
            expected_line = f"Unusable input {path}: {problem}"
            if "usable customer rows" in message:
                # Raised by DuckDB's error() while a model runs.
                expected_line = f"Invalid Input Error: {expected_line}"
        run = start_on_previous_build(shared["bundled_build"], folder, vars)
        runs[case] = (run, expected_line)
    return runs


@pytest.mark.parametrize("case", [case[0] for case in CASES])
def test_unusable_input_is_refused(refused_builds, good_marts, case):
    run, expected_line = refused_builds[case]
    assert_refused(run, expected_line, good_marts)
