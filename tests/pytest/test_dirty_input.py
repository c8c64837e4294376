"""Cleaning rules on fixture files: every row is segmented or rejected with
its reason, exactly."""

from __future__ import annotations

import csv

import duckdb
from conftest import FIXTURES, run_dbt

# Small fixtures: score k = 2..3 only, to keep each build quick.
SMALL_K = {"k_min": 2, "k_max": 3}


def build_on(tmp_path, fixture, **extra_vars):
    path = fixture if not isinstance(fixture, str) else FIXTURES / fixture
    result = run_dbt(
        tmp_path / "warehouse.duckdb",
        "build",
        vars={"raw_customers_path": str(path), **SMALL_K, **extra_vars},
    )
    assert result.returncode == 0, result.output
    return result


def segmented(result) -> dict[int, tuple]:
    """customer_id -> (source_row_number, gender, age, income, score)."""
    return {
        row[0]: row[1:]
        for row in result.query(
            "select customer_id, source_row_number, gender, age,"
            " annual_income_k, spending_score from marts.customer_segments"
        )
    }


def rejected(result) -> dict[int, str]:
    """source_row_number -> reject_reason."""
    return dict(
        result.query(
            "select source_row_number, reject_reason from marts.rejected_customer_rows"
        )
    )


def test_missing_markers(tmp_path):
    result = build_on(tmp_path, "missing_values.csv")
    customers = segmented(result)
    assert sorted(customers) == [1, 2, 3, 4, 5, 6, 7, 8, 13]
    # Missing age or gender does not stop segmentation with default features.
    assert customers[5] == (5, "Female", None, 20.0, 30)
    assert customers[6] == (6, "Male", None, 21.0, 31)
    assert customers[7] == (7, None, 40, 22.0, 32)
    assert customers[8] == (8, None, 41, 23.0, 33)
    assert customers[13] == (13, "Male", None, 26.0, 36)
    assert rejected(result) == {
        9: "missing_annual_income_k",
        10: "missing_annual_income_k",
        11: "missing_spending_score",
        12: "missing_spending_score",
        14: "missing_annual_income_k",
        15: "missing_spending_score",
    }


def test_gender_spellings(tmp_path):
    result = build_on(tmp_path, "gender_spellings.csv")
    genders = {cid: row[1] for cid, row in segmented(result).items()}
    assert {cid: genders[cid] for cid in range(5, 12)} == {
        5: "Male",
        6: "Male",
        7: "Male",
        8: "Female",
        9: "Female",
        10: "Female",
        11: "Female",
    }
    assert rejected(result) == {12: "invalid_gender", 13: "invalid_gender"}
    assert result.query(
        "select reject_detail from marts.rejected_customer_rows"
        " where source_row_number = 12"
    ) == [("Gender 'X' is not a recognised spelling of Female or Male",)]


def test_invalid_values_reject_the_row(tmp_path):
    result = build_on(tmp_path, "invalid_values.csv")
    assert sorted(segmented(result)) == [1, 2, 3, 4]
    assert rejected(result) == {
        5: "invalid_customer_id",
        6: "invalid_customer_id",
        7: "invalid_customer_id",
        8: "missing_customer_id",
        9: "invalid_age",
        10: "invalid_age",
        11: "invalid_age",
        12: "invalid_age",
        13: "invalid_annual_income_k",
        14: "invalid_annual_income_k",
        15: "invalid_annual_income_k",
        16: "invalid_spending_score",
        17: "invalid_spending_score",
        18: "invalid_spending_score",
        19: "invalid_spending_score",
    }
    assert result.query(
        "select customer_id_raw, age_raw, reject_detail"
        " from marts.rejected_customer_rows where source_row_number = 10"
    ) == [("11", "121", "Age '121' is not a whole number from 0 to 120")]


def test_range_edges_are_valid(tmp_path):
    result = build_on(tmp_path, "range_edges.csv")
    customers = segmented(result)
    assert rejected(result) == {}
    assert customers[5] == (5, "Male", 0, 0.0, 1)
    assert customers[6] == (6, "Female", 120, 40.0, 100)
    assert customers[7] == (7, "Male", 19, 15.5, 7)
    assert customers[8] == (8, "Female", 25, 100.0, 20)


def test_missing_value_of_a_clustering_feature(tmp_path):
    result = build_on(
        tmp_path,
        "missing_feature.csv",
        segmentation_features=["age", "spending_score"],
    )
    customers = segmented(result)
    assert sorted(customers) == [1, 2, 3, 4, 7]
    # Income is not a feature here, so a missing income is kept as NULL.
    assert customers[7] == (7, "Male", 30, None, 52)
    assert rejected(result) == {5: "missing_age", 6: "missing_age"}


def test_exact_duplicates_collapse_to_one_customer(tmp_path):
    result = build_on(tmp_path, "exact_duplicates.csv")
    assert sorted(segmented(result)) == [1, 2, 3, 4, 5, 6]
    assert segmented(result)[5][0] == 5
    assert result.query(
        "select source_row_number, reject_reason, reject_detail"
        " from marts.rejected_customer_rows order by 1"
    ) == [
        (6, "exact_duplicate", "exact copy of source row 5"),
        (7, "exact_duplicate", "exact copy of source row 5"),
    ]


def test_conflicting_duplicates_are_all_rejected(tmp_path):
    result = build_on(tmp_path, "conflicting_duplicates.csv")
    # Id 6's two rows are the same after cleaning ("F" / "31.0"): one kept.
    assert sorted(segmented(result)) == [1, 2, 3, 4, 6]
    assert rejected(result) == {
        5: "conflicting_duplicate",
        6: "conflicting_duplicate",
        8: "exact_duplicate",
        9: "conflicting_duplicate",
        10: "conflicting_duplicate",
    }
    assert result.query(
        "select reject_detail from marts.rejected_customer_rows"
        " where source_row_number = 5"
    ) == [("CustomerID 5 appears in 2 rows with 2 different sets of values",)]


def test_bom_crlf_whitespace_quotes_and_padded_ids(tmp_path):
    raw = (FIXTURES / "format_variants.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    result = build_on(tmp_path, "format_variants.csv")
    assert rejected(result) == {}
    assert segmented(result) == {
        1: (1, "Male", 19, 15.0, 39),
        2: (2, "Female", 21, 16.0, 81),
        3: (3, "Female", 35, 70.0, 50),
        4: (4, "Male", 60, 120.0, 10),
    }


def test_parquet_input_is_cleaned_like_csv(tmp_path):
    parquet = tmp_path / "customers.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * from read_csv('{FIXTURES / 'missing_values.csv'}',"
            f" all_varchar = true)) to '{parquet}' (format parquet)"
        )
    result = build_on(tmp_path, parquet)
    assert sorted(segmented(result)) == [1, 2, 3, 4, 5, 6, 7, 8, 13]
    assert sorted(rejected(result)) == [9, 10, 11, 12, 14, 15]


def test_run_summary_counts_rows_by_reason(tmp_path):
    result = build_on(tmp_path, "conflicting_duplicates.csv")
    assert result.query(
        "select input_rows, segmented_rows, rejected_rows,"
        " rejected_conflicting_duplicate, rejected_exact_duplicate,"
        " rejected_invalid_age from marts.segmentation_run_summary"
    ) == [(10, 5, 5, 4, 1, 0)]


def test_the_public_dirty_file_reconciles(tmp_path, shared_data):
    dirty = shared_data / "Mall_Customers_dirty.csv"
    with dirty.open(newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    assert len(rows) == 812
    result = build_on(tmp_path, dirty, k_min=2, k_max=10)
    assert result.query(
        "select input_rows, segmented_rows, rejected_rows,"
        " rejected_missing_annual_income_k, rejected_missing_spending_score,"
        " rejected_exact_duplicate from marts.segmentation_run_summary"
    ) == [(812, 710, 102, 30, 60, 12)]
    # Row numbers point back at the file: source row n is data row n.
    income_missing = {n for n, row in enumerate(rows, start=1) if row[3].strip() == "?"}
    assert income_missing == {
        n
        for n, reason in rejected(result).items()
        if reason == "missing_annual_income_k"
    }
    # Customers with only age missing are segmented, age NULL.
    assert result.query(
        "select count(*) from marts.customer_segments where age is null"
    ) == [(sum(1 for row in rows if row[2] == "?" and "?" not in row[3:]),)]
