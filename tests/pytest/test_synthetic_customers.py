"""Unit tests for the benchmark's synthetic Mall-shaped customers."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from benchmarks.synthetic_customers import (
    CSV_HEADER,
    MALL_SEGMENTS,
    WITHIN_SEGMENT_STD,
    synthetic_customers,
    write_synthetic_customers,
)


@pytest.fixture(scope="module")
def large():
    return synthetic_customers(200_000, seed=3)


def column(table, name: str) -> np.ndarray:
    return table.column(name).to_numpy(zero_copy_only=False)


def test_header_is_the_mall_header():
    table, _ = synthetic_customers(5, seed=1)
    assert table.column_names == [
        "CustomerID",
        "Gender",
        "Age",
        "Annual Income (k$)",
        "Spending Score (1-100)",
    ]


def test_same_seed_same_customers_other_seed_other_customers():
    first, first_truth = synthetic_customers(1_000, seed=9)
    second, second_truth = synthetic_customers(1_000, seed=9)
    other, _ = synthetic_customers(1_000, seed=10)
    assert first.equals(second)
    assert np.array_equal(first_truth, second_truth)
    assert not first.equals(other)


def test_ids_run_from_one_and_truth_lines_up(large):
    table, truth = large
    assert column(table, "CustomerID").tolist() == list(range(1, 200_001))
    assert len(truth) == 200_000
    assert set(np.unique(truth).tolist()) == set(range(len(MALL_SEGMENTS)))


def test_values_stay_in_the_ranges_the_pipeline_accepts(large):
    table, _ = large
    income = column(table, "Annual Income (k$)")
    spending = column(table, "Spending Score (1-100)")
    age = column(table, "Age")
    assert income.min() >= 1
    assert spending.min() >= 1
    assert spending.max() <= 100
    assert age.min() >= 18
    assert age.max() <= 70
    assert set(column(table, "Gender").tolist()) == {"Female", "Male"}


def test_segments_have_the_mall_shares_means_and_spread(large):
    table, truth = large
    income = column(table, "Annual Income (k$)")
    spending = column(table, "Spending Score (1-100)")
    for index, segment in enumerate(MALL_SEGMENTS):
        members = truth == index
        # 200k draws: a share is within 0.005 of its target with
        # overwhelming probability, a mean within 0.3 points.
        assert members.mean() == pytest.approx(segment.share, abs=0.005)
        assert income[members].mean() == pytest.approx(segment.income_mean, abs=0.3)
        assert spending[members].mean() == pytest.approx(segment.spending_mean, abs=0.3)
        # Rounding adds 1/12 to the variance; clipping at 100 trims a little.
        assert income[members].std() == pytest.approx(WITHIN_SEGMENT_STD, abs=0.2)


def test_refuses_an_empty_file():
    with pytest.raises(ValueError, match="n_rows must be at least 1, got 0"):
        synthetic_customers(0, seed=1)


def test_written_files_hold_the_customers_and_the_truth(tmp_path):
    csv_path = tmp_path / "customers.csv"
    truth_path = tmp_path / "truth.parquet"
    write_synthetic_customers(csv_path, truth_path, 1_000, seed=4)
    table, truth = synthetic_customers(1_000, seed=4)

    with csv_path.open() as lines:
        assert next(lines).rstrip("\n") == ",".join(CSV_HEADER)
        assert next(lines).rstrip("\n") == ",".join(
            str(table.column(name)[0].as_py()) for name in CSV_HEADER
        )
    with duckdb.connect() as con:
        [(rows, ids)] = con.sql(
            f"select count(*), count(distinct CustomerID) from '{csv_path}'"
        ).fetchall()
        written_truth = con.sql(
            f"select customer_id, true_segment from '{truth_path}' order by customer_id"
        ).fetchnumpy()
    assert (rows, ids) == (1_000, 1_000)
    assert written_truth["customer_id"].tolist() == list(range(1, 1_001))
    assert np.array_equal(written_truth["true_segment"], truth)
