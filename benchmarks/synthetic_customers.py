"""Synthetic Mall-shaped customers with known true segments, for benchmarks.

The five segments copy the Mall Customers data's five income x spending
groups: their share of customers, their mean income and spending score, and
the age and gender mix of each (rounded from a K-Means k=5 fit of the bundled
200 rows). Income and spending scatter around each segment's mean with the
same normal spread, ``WITHIN_SEGMENT_STD`` points, then are rounded to whole
numbers and clipped to the values the real file allows (income at least 1 k$,
score 1..100). The spread is a little tighter than the real file's loosest
segments, so that the true grouping is knowable: with it, a K-Means fit on all
rows recovers the truth with an adjusted Rand index of about 0.99; at the real
data's overlap no method could.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

# The Mall data's header, exactly (the pipeline also accepts "Genre").
CSV_HEADER = (
    "CustomerID",
    "Gender",
    "Age",
    "Annual Income (k$)",
    "Spending Score (1-100)",
)

# Standard deviation of income (k$) and spending score within a segment.
WITHIN_SEGMENT_STD = 7.0
AGE_RANGE = (18, 70)


@dataclass(frozen=True)
class TrueSegment:
    name: str
    share: float
    income_mean: float
    spending_mean: float
    age_mean: float
    age_std: float
    female_share: float


MALL_SEGMENTS = (
    TrueSegment("Average income · Average spending", 0.405, 55, 50, 43, 16, 0.59),
    TrueSegment("High income · High spending", 0.195, 87, 82, 33, 4, 0.54),
    TrueSegment("Low income · High spending", 0.110, 26, 79, 25, 5, 0.59),
    TrueSegment("High income · Low spending", 0.175, 88, 17, 41, 11, 0.46),
    TrueSegment("Low income · Low spending", 0.115, 26, 21, 45, 13, 0.61),
)


def synthetic_customers(n_rows: int, seed: int) -> tuple[pa.Table, np.ndarray]:
    """``n_rows`` customers with the Mall header, and each one's true segment.

    CustomerID runs 1..n_rows; true_segments[i] is the index in
    ``MALL_SEGMENTS`` of the customer with CustomerID i + 1. The same
    ``n_rows`` and ``seed`` always give the same customers.
    """
    if n_rows < 1:
        raise ValueError(f"n_rows must be at least 1, got {n_rows}")
    rng = np.random.default_rng(seed)
    shares = np.array([segment.share for segment in MALL_SEGMENTS])
    true_segments = rng.choice(len(MALL_SEGMENTS), size=n_rows, p=shares / shares.sum())

    def per_segment(attribute: str) -> np.ndarray:
        values = np.array([getattr(segment, attribute) for segment in MALL_SEGMENTS])
        return values[true_segments]

    income = np.rint(rng.normal(per_segment("income_mean"), WITHIN_SEGMENT_STD)).clip(
        1, None
    )
    spending = np.rint(
        rng.normal(per_segment("spending_mean"), WITHIN_SEGMENT_STD)
    ).clip(1, 100)
    age = np.rint(rng.normal(per_segment("age_mean"), per_segment("age_std"))).clip(
        *AGE_RANGE
    )
    is_female = rng.random(n_rows) < per_segment("female_share")

    table = pa.table(
        [
            pa.array(np.arange(1, n_rows + 1, dtype=np.int64)),
            pa.array(np.where(is_female, "Female", "Male")),
            pa.array(age.astype(np.int64)),
            pa.array(income.astype(np.int64)),
            pa.array(spending.astype(np.int64)),
        ],
        names=list(CSV_HEADER),
    )
    return table, true_segments.astype(np.int8)


def write_synthetic_customers(
    csv_path: Path, truth_path: Path, n_rows: int, seed: int
) -> None:
    """Write the customers as a Mall-style CSV and the truth as Parquet.

    The truth (customer_id, true_segment) is kept out of the CSV so the
    pipeline sees exactly what a store would give it.
    """
    customers, true_segments = synthetic_customers(n_rows, seed)
    truth = pa.table(
        {
            "customer_id": customers.column("CustomerID"),
            "true_segment": pa.array(true_segments),
        }
    )
    with duckdb.connect() as con:
        # DuckDB quotes only where needed, so the header reads like the Mall
        # file's: CustomerID,Gender,Age,Annual Income (k$),...
        con.from_arrow(customers).write_csv(str(csv_path), header=True)
        con.from_arrow(truth).write_parquet(str(truth_path))
