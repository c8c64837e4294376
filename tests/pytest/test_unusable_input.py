"""Unusable input stops the build with one clear line and leaves the marts
of the previous successful build exactly as they were."""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES, MARTS, run_dbt

EXPECTED_HEADERS = (
    "CustomerID, Genre (or Gender), Age, Annual Income (k$), Spending Score (1-100)"
)


@pytest.fixture
def previous_build(bundled_build, tmp_path):
    """A copy of a good warehouse, and a snapshot of its marts."""
    database = tmp_path / "warehouse.duckdb"
    shutil.copy(bundled_build.database, database)
    snapshot = {mart: bundled_build.mart_rows(mart) for mart in MARTS}
    assert len(snapshot["customer_segments"]) == 200
    return database, snapshot


def assert_refused(previous_build, vars, expected_line, tmp_path):
    database, snapshot = previous_build
    result = run_dbt(database, "build", vars=vars, work_dir=tmp_path)
    assert result.returncode != 0
    lines = [line.strip() for line in result.output.splitlines()]
    assert expected_line in lines, result.output
    assert "Traceback" not in result.output
    assert {mart: result.mart_rows(mart) for mart in MARTS} == snapshot


def test_missing_file(previous_build, tmp_path):
    path = tmp_path / "no_such_file.csv"
    assert_refused(
        previous_build,
        {"raw_customers_path": str(path)},
        f"Unusable input {path}: file not found",
        tmp_path,
    )


def test_empty_file(previous_build, tmp_path):
    path = FIXTURES / "empty.csv"
    assert_refused(
        previous_build,
        {"raw_customers_path": str(path)},
        f"Unusable input {path}: the file is empty (0 bytes)",
        tmp_path,
    )


def test_no_header_row(previous_build, tmp_path):
    path = FIXTURES / "no_header.csv"
    assert_refused(
        previous_build,
        {"raw_customers_path": str(path)},
        f"Unusable input {path}: no header row with the expected columns"
        f" (first line: 1,Male,19,15,39; expected {EXPECTED_HEADERS})",
        tmp_path,
    )


def test_not_a_csv_file(previous_build, tmp_path):
    path = FIXTURES / "not_csv.csv"
    assert_refused(
        previous_build,
        {"raw_customers_path": str(path)},
        f"Unusable input {path}: no header row with the expected columns"
        f' (first line: {{"customers": [{{"id": 1, "gender": "Male"}}]}};'
        f" expected {EXPECTED_HEADERS})",
        tmp_path,
    )


def test_binary_file(previous_build, tmp_path):
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\x00\x00\x00\rIHDR\x00\xff\xfe" * 50)
    assert_refused(
        previous_build,
        {"raw_customers_path": str(path)},
        f"Unusable input {path}: no header row (no readable text on the first"
        " line; is it a UTF-8 CSV file?)",
        tmp_path,
    )


def test_missing_required_column(previous_build, tmp_path):
    path = FIXTURES / "missing_column.csv"
    assert_refused(
        previous_build,
        {"raw_customers_path": str(path)},
        f"Unusable input {path}: required column 'Spending Score (1-100)' is"
        " missing (found CustomerID,Gender,Age,Annual Income (k$))",
        tmp_path,
    )


def test_malformed_line(previous_build, tmp_path):
    path = FIXTURES / "malformed_line.csv"
    assert_refused(
        previous_build,
        {"raw_customers_path": str(path)},
        f"Unusable input {path}: line 3 is not valid CSV (Expected Number of"
        " Columns: 5 Found: 6); fix or remove that line",
        tmp_path,
    )


def test_fewer_usable_rows_than_k_min(previous_build, tmp_path):
    path = FIXTURES / "too_few_rows.csv"
    assert_refused(
        previous_build,
        {"raw_customers_path": str(path)},
        f"Invalid Input Error: Unusable input {path}: only 2 usable customer"
        " rows after cleaning; k=2 needs at least 3 (reasons in"
        " intermediate.int_customer_rows_validated)",
        tmp_path,
    )


def test_fewer_usable_rows_than_the_forced_k(previous_build, tmp_path):
    path = FIXTURES / "format_variants.csv"
    assert_refused(
        previous_build,
        {"raw_customers_path": str(path), "n_clusters": 4},
        f"Invalid Input Error: Unusable input {path}: only 4 usable customer"
        " rows after cleaning; k=4 needs at least 5 (reasons in"
        " intermediate.int_customer_rows_validated)",
        tmp_path,
    )


def test_n_clusters_out_of_range(previous_build, tmp_path):
    assert_refused(
        previous_build,
        {"n_clusters": 25},
        "Invalid var 'n_clusters': 25. Allowed values: null (choose k by"
        " silhouette) or an integer from 2 to 20.",
        tmp_path,
    )


def test_unknown_feature(previous_build, tmp_path):
    assert_refused(
        previous_build,
        {"segmentation_features": ["annual_income_k", "loyalty"]},
        "Invalid var 'segmentation_features': [\"annual_income_k\","
        ' "loyalty"]. Allowed values: a non-empty list chosen from age,'
        " annual_income_k, spending_score, each at most once.",
        tmp_path,
    )
