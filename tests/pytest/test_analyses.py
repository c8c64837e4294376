"""The EDA analyses compile, run on a built database and give the numbers
pandas computes independently from the bundled CSV."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import PROJECT_DIR

SEED_CSV = PROJECT_DIR / "seeds" / "mall_customers.csv"
COLUMNS = {
    "Age": "age",
    "Annual Income (k$)": "annual_income_k",
    "Spending Score (1-100)": "spending_score",
}
ANALYSES = [
    "eda_correlation_matrix",
    "eda_distribution_buckets",
    "eda_summary_statistics",
    "segment_comparison",
    "segment_feature_ranges",
]


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    data = pd.read_csv(SEED_CSV).rename(columns={**COLUMNS, "Genre": "gender"})
    return data[["CustomerID", "gender", *COLUMNS.values()]]


@pytest.fixture(scope="module")
def run_analysis(bundled_build, docs_target):
    """The analyses as `dbt docs generate` compiled them on the bundled build;
    return a function running one by name."""
    compiled = docs_target / "compiled" / "mall_segmentation" / "analyses"
    assert sorted(path.stem for path in compiled.glob("*.sql")) == ANALYSES
    # The order-line analyses are disabled without an order-lines file
    # (test_order_line_analyses.py runs them on one).
    assert not (compiled / "order_lines").exists()

    def run(name: str) -> pd.DataFrame:
        sql = (compiled / f"{name}.sql").read_text()
        rows = bundled_build.query(sql)
        with_columns = bundled_build.query(f"describe {sql}")
        return pd.DataFrame(rows, columns=[column[0] for column in with_columns])

    return run


def test_summary_statistics(run_analysis, raw):
    ours = run_analysis("eda_summary_statistics").set_index("column_name")
    assert list(ours.index) == list(COLUMNS.values())
    for column in COLUMNS.values():
        values = raw[column]
        row = ours.loc[column]
        assert (row.value_count, row.missing_count) == (200, 0)
        assert row.min_value == values.min()
        assert row.max_value == values.max()
        # pandas' default quantile interpolation is quantile_cont's.
        assert row.p25_value == pytest.approx(values.quantile(0.25), rel=1e-12)
        assert row.median_value == pytest.approx(values.median(), rel=1e-12)
        assert row.p75_value == pytest.approx(values.quantile(0.75), rel=1e-12)
        assert row.mean_value == pytest.approx(values.mean(), rel=1e-12)
        assert row.stddev_value == pytest.approx(values.std(ddof=1), rel=1e-12)
    # Known values of the public data set, as a sanity anchor.
    assert ours.loc["age", "mean_value"] == pytest.approx(38.85)
    assert ours.loc["annual_income_k", "median_value"] == pytest.approx(61.5)


def test_distribution_buckets(run_analysis, raw):
    ours = run_analysis("eda_distribution_buckets")
    for column in COLUMNS.values():
        buckets = (raw[column] // 10 * 10).astype(float)
        expected = (
            pd.crosstab(buckets, raw["gender"])
            .assign(total=lambda counts: counts.sum(axis=1))
            .reset_index()
        )
        got = ours.loc[ours["column_name"] == column]
        assert got["bucket_start"].tolist() == expected[column].tolist()
        assert (got["bucket_end"] - got["bucket_start"]).eq(10).all()
        assert got["customer_count"].tolist() == expected["total"].tolist()
        assert got["female_count"].tolist() == expected["Female"].tolist()
        assert got["male_count"].tolist() == expected["Male"].tolist()
        assert got["customer_share"].sum() == pytest.approx(1.0)
    assert len(ours) == 30


def test_correlation_matrix(run_analysis, raw):
    ours = run_analysis("eda_correlation_matrix")
    expected = raw[list(COLUMNS.values())].corr(method="pearson")
    assert len(ours) == 9
    for row in ours.itertuples():
        assert row.pair_count == 200
        assert row.pearson_r == pytest.approx(
            expected.loc[row.column_x, row.column_y], abs=1e-12
        )
    age_spending = ours.loc[
        (ours["column_x"] == "age") & (ours["column_y"] == "spending_score"),
        "pearson_r",
    ].item()
    assert round(age_spending, 4) == -0.3272


def test_segment_comparison(run_analysis, bundled_build, raw):
    ours = run_analysis("segment_comparison").set_index("segment_id")
    assignment = pd.DataFrame(
        bundled_build.query(
            "select customer_id, segment_id from marts.customer_segments"
        ),
        columns=["CustomerID", "segment_id"],
    )
    joined = raw.merge(assignment, on="CustomerID", validate="one_to_one")
    grouped = joined.groupby("segment_id")
    assert ours["customer_count"].tolist() == [22, 23, 81, 39, 35]
    assert ours["customer_count"].tolist() == grouped.size().tolist()
    for column in COLUMNS.values():
        averages = grouped[column].mean()
        assert np.allclose(ours[f"avg_{column}"], averages, rtol=1e-12)
        assert ours[f"{column}_index"].tolist() == [
            float(round(100 * average / raw[column].mean())) for average in averages
        ]
    female = grouped["gender"].apply(lambda g: (g == "Female").mean())
    assert np.allclose(ours["female_share"], female, rtol=1e-12)
    assert np.allclose(
        ours["female_share_difference"],
        female - (raw["gender"] == "Female").mean(),
        rtol=1e-12,
    )


def test_segment_feature_ranges(run_analysis, bundled_build, raw):
    ours = run_analysis("segment_feature_ranges")
    assignment = pd.DataFrame(
        bundled_build.query(
            "select customer_id, segment_id from marts.customer_segments"
        ),
        columns=["CustomerID", "segment_id"],
    )
    joined = raw.merge(assignment, on="CustomerID", validate="one_to_one")
    assert len(ours) == 15
    for row in ours.itertuples():
        values = joined.loc[joined["segment_id"] == row.segment_id, row.column_name]
        assert row.value_count == len(values)
        assert (row.min_value, row.max_value) == (values.min(), values.max())
        assert row.p25_value == pytest.approx(values.quantile(0.25), rel=1e-12)
        assert row.median_value == pytest.approx(values.median(), rel=1e-12)
        assert row.p75_value == pytest.approx(values.quantile(0.75), rel=1e-12)
