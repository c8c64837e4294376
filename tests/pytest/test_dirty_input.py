"""Cleaning rules on fixture files: every row is segmented or rejected with
its reason, exactly."""

from __future__ import annotations

import csv
import shutil
from concurrent.futures import Future
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURES, SHARED_DATA, SMALL_K, started_with_session
from dbt_runs import DATA_BUILD, DbtResult, passed, start_dbt

DIRTY_FILE = SHARED_DATA / "Mall_Customers_dirty.csv"


@pytest.fixture
def dirty_file() -> Path:
    if not DIRTY_FILE.is_file():
        pytest.skip(
            f"{DIRTY_FILE} is absent (as in a user's own clone); the dirty"
            " Mall file is read from ../shared/data in place"
        )
    return DIRTY_FILE


def parquet_copy(source: Path, parquet: Path) -> Path:
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * from read_csv('{source}', all_varchar = true))"
            f" to '{parquet}' (format parquet)"
        )
    return parquet


@started_with_session("format_variants_build")
def builds(folders, shared) -> dict[str, Future[DbtResult]]:
    """A build on each input of this module, all started with the session,
    in the order the tests read them; keyed by input name. The format
    variants' build is the session's (conftest), with the same settings."""
    parquet = folders.mktemp("parquet") / "missing_values.parquet"
    # Two byte order marks, as a file saved twice by a BOM-adding editor
    # has: DuckDB's reader drops the first, and the second is the start of
    # the first header cell, here before a quoted name.
    two_boms = folders.mktemp("two_boms") / "gender_spellings.csv"
    header, rows = (FIXTURES / "gender_spellings.csv").read_text().split("\n", 1)
    quoted = ",".join(f'"{cell}"' for cell in header.split(","))
    two_boms.write_text(f"\ufeff\ufeff{quoted}\n{rows}", encoding="utf-8")
    inputs = {
        "missing_values": (FIXTURES / "missing_values.csv", {}),
        "gender_spellings": (FIXTURES / "gender_spellings.csv", {}),
        "two_byte_order_marks": (two_boms, {}),
        "invalid_values": (FIXTURES / "invalid_values.csv", {}),
        "range_edges": (FIXTURES / "range_edges.csv", {}),
        "missing_feature": (
            FIXTURES / "missing_feature.csv",
            {"segmentation_features": ["age", "spending_score"]},
        ),
        "exact_duplicates": (FIXTURES / "exact_duplicates.csv", {}),
        "conflicting_duplicates": (FIXTURES / "conflicting_duplicates.csv", {}),
        "parquet": (parquet_copy(FIXTURES / "missing_values.csv", parquet), {}),
    }
    # Two files sit in folders named like Hive partitions, which must change
    # no value: DuckDB's readers would put Female in every row's Gender, and
    # its read_blob() stopped on a size=1 folder with an internal error.
    hive_like_folder = {
        "gender_spellings": "size=1/Gender=Female",
        "parquet": "Gender=Female",
    }
    started = {}
    for name, (path, extra_vars) in inputs.items():
        # Each input is copied beside its build's warehouse, where dbt runs,
        # under one name: builds with the same vars then start from the parse
        # state the first of them saved (dbt_runs.run_dbt).
        folder = folders.mktemp("dirty")
        relative = Path(hive_like_folder.get(name, "")) / f"customers{path.suffix}"
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / relative)
        started[name] = start_dbt(
            folder / "warehouse.duckdb",
            *DATA_BUILD,
            vars={
                "raw_customers_path": relative.as_posix(),
                **SMALL_K,
                **extra_vars,
            },
        )
    if DIRTY_FILE.is_file():
        # Read in place, with k = 2..10 as on the bundled data.
        started["dirty"] = start_dbt(
            folders.mktemp("dirty") / "warehouse.duckdb",
            *DATA_BUILD,
            vars={"raw_customers_path": str(DIRTY_FILE), "k_min": 2, "k_max": 10},
        )
    return {**started, "format_variants": shared["format_variants_build"]}


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


def test_missing_markers(builds):
    result = passed(builds["missing_values"])
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
    # The female share counts the customers whose gender is known: segment
    # 1 holds 1, 2, 3, 5, 6, 7, 8 and 13, three women of six known genders.
    assert result.query(
        "select segment_id, customer_count, female_share"
        " from marts.segment_profiles order by segment_id"
    ) == [(1, 8, 0.5), (2, 1, 0.0)]


def test_gender_spellings(builds):
    result = passed(builds["gender_spellings"])
    genders = {cid: row[1] for cid, row in segmented(result).items()}
    assert {cid: genders[cid] for cid in (*range(5, 12), 14)} == {
        5: "Male",
        6: "Male",
        7: "Male",
        8: "Female",
        9: "Female",
        10: "Female",
        11: "Female",
        14: "Male",
    }
    assert rejected(result) == {12: "invalid_gender", 13: "invalid_gender"}
    assert result.query(
        "select reject_detail from marts.rejected_customer_rows"
        " where source_row_number = 12"
    ) == [("Gender 'X' is not a recognised spelling of Female or Male",)]


def test_invalid_values_reject_the_row(builds):
    result = passed(builds["invalid_values"])
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


def test_range_edges_are_valid(builds):
    result = passed(builds["range_edges"])
    customers = segmented(result)
    assert rejected(result) == {}
    assert customers[5] == (5, "Male", 0, 0.0, 1)
    assert customers[6] == (6, "Female", 120, 40.0, 100)
    assert customers[7] == (7, "Male", 19, 15.5, 7)
    assert customers[8] == (8, "Female", 25, 100.0, 20)


def test_missing_value_of_a_clustering_feature(builds):
    # Built with segmentation_features age and spending_score.
    result = passed(builds["missing_feature"])
    customers = segmented(result)
    assert sorted(customers) == [1, 2, 3, 4, 7]
    # Income is not a feature here, so a missing income is kept as NULL.
    assert customers[7] == (7, "Male", 30, None, 52)
    assert rejected(result) == {5: "missing_age", 6: "missing_age"}


def test_exact_duplicates_collapse_to_one_customer(builds):
    result = passed(builds["exact_duplicates"])
    assert sorted(segmented(result)) == [1, 2, 3, 4, 5, 6]
    assert segmented(result)[5][0] == 5
    assert result.query(
        "select source_row_number, reject_reason, reject_detail"
        " from marts.rejected_customer_rows order by 1"
    ) == [
        (6, "exact_duplicate", "exact copy of source row 5"),
        (7, "exact_duplicate", "exact copy of source row 5"),
    ]


def test_conflicting_duplicates_are_all_rejected(builds):
    result = passed(builds["conflicting_duplicates"])
    # Id 6's two rows are the same after cleaning ("F" / "31.0"), and so
    # are id 8's ("0" / "-0"): one of each kept.
    assert sorted(segmented(result)) == [1, 2, 3, 4, 6, 8]
    assert rejected(result) == {
        5: "conflicting_duplicate",
        6: "conflicting_duplicate",
        8: "exact_duplicate",
        9: "conflicting_duplicate",
        10: "conflicting_duplicate",
        12: "exact_duplicate",
    }
    # Minus zero is zero: not a value of its own, nor shown as -0.0.
    assert result.query(
        "select cast(annual_income_k as varchar) from marts.customer_segments"
        " where customer_id = 8"
    ) == [("0.0",)]
    assert result.query(
        "select reject_detail from marts.rejected_customer_rows"
        " where source_row_number = 5"
    ) == [("CustomerID 5 appears in 2 rows with 2 different sets of values",)]


def test_bom_crlf_whitespace_quotes_and_padded_ids(builds):
    raw = (FIXTURES / "format_variants.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    result = passed(builds["format_variants"])
    assert rejected(result) == {}
    assert segmented(result) == {
        1: (1, "Male", 19, 15.0, 39),
        2: (2, "Female", 21, 16.0, 81),
        3: (3, "Female", 35, 70.0, 50),
        4: (4, "Male", 60, 120.0, 10),
    }


def test_parquet_input_is_cleaned_like_csv(builds):
    # missing_values.csv, as Parquet with every column text.
    result = passed(builds["parquet"])
    assert sorted(segmented(result)) == [1, 2, 3, 4, 5, 6, 7, 8, 13]
    assert sorted(rejected(result)) == [9, 10, 11, 12, 14, 15]
    # Every value as in the CSV's build, men and unknown genders included.
    assert segmented(result) == segmented(passed(builds["missing_values"]))


def test_run_summary_counts_rows_by_reason(builds):
    result = passed(builds["conflicting_duplicates"])
    assert result.query(
        "select input_rows, segmented_rows, rejected_rows,"
        " rejected_conflicting_duplicate, rejected_exact_duplicate,"
        " rejected_invalid_age from marts.segmentation_run_summary"
    ) == [(12, 6, 6, 4, 2, 0)]


def test_the_public_dirty_file_reconciles(builds, dirty_file):
    with dirty_file.open(newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    assert len(rows) == 812
    # Built with k = 2..10, as on the bundled data.
    result = passed(builds["dirty"])
    assert result.query(
        "select input_rows, segmented_rows, rejected_rows,"
        " rejected_missing_annual_income_k, rejected_missing_spending_score,"
        " rejected_exact_duplicate from marts.segmentation_run_summary"
    ) == [(812, 710, 102, 30, 60, 12)]
    assert (
        "  Segmented 710 of the 812 customer rows into 3 segments; 102"
        " rejected, each with its reason in marts.rejected_customer_rows.\n"
    ) in result.output
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


def test_a_second_byte_order_mark_is_not_part_of_the_header(builds):
    # The same rows as the file without it, segmented the same way.
    with_marks = passed(builds["two_byte_order_marks"])
    without = passed(builds["gender_spellings"])
    assert segmented(with_marks) == segmented(without)
    assert len(segmented(with_marks)) == 12
    assert rejected(with_marks) == rejected(without)
