"""End to end: `dbt build` on the bundled Mall data, checked against a plain
scikit-learn run of our own."""

from __future__ import annotations

from concurrent.futures import Future

import numpy as np
import pandas as pd
import pytest
from conftest import MARTS, PROJECT_DIR, started_with_session
from dbt_runs import DATA_BUILD, DbtResult, start_on_copy
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import StandardScaler

SEED_CSV = PROJECT_DIR / "seeds" / "mall_customers.csv"
FEATURES = ["Annual Income (k$)", "Spending Score (1-100)"]


@pytest.fixture(scope="module")
def plain_sklearn():
    """The textbook approach: scale the two features, pick k by silhouette."""
    data = pd.read_csv(SEED_CSV)
    scaled = StandardScaler().fit_transform(data[FEATURES])
    silhouettes = {
        k: silhouette_score(
            scaled, KMeans(n_clusters=k, n_init=10, random_state=42).fit(scaled).labels_
        )
        for k in range(2, 11)
    }
    best_k = max(silhouettes, key=silhouettes.get)
    final = KMeans(n_clusters=best_k, n_init=10, random_state=42).fit(scaled)
    return data, best_k, final, silhouettes


def test_marts_land_in_the_marts_schema(bundled_build):
    tables = bundled_build.query(
        "select table_schema, table_name from information_schema.tables"
        " where table_schema in ('staging', 'intermediate', 'marts', 'raw')"
        " order by all"
    )
    assert ("marts", "customer_segments") in tables
    assert {name for schema, name in tables if schema == "marts"} >= set(MARTS)
    assert ("raw", "mall_customers") in tables
    assert ("staging", "stg_customers") in tables
    assert not any(schema.startswith("main_") for schema, _ in tables)


def test_every_bundled_customer_is_segmented(bundled_build):
    assert bundled_build.query(
        "select count(*), count(distinct customer_id), min(customer_id),"
        " max(customer_id) from marts.customer_segments"
    ) == [(200, 200, 1, 200)]
    # Nothing to warn about (most_input_rows_are_segmented among others).
    assert " WARN=0 " in bundled_build.output
    # What became of the rows, said at the end of the build.
    assert (
        "  Segmented 200 of the 200 customer rows into 5 segments; 0 rejected,"
        " each with its reason in marts.rejected_customer_rows.\n"
    ) in bundled_build.output
    assert "Order lines:" not in bundled_build.output


def test_selected_k_matches_plain_scikit_learn(bundled_build, plain_sklearn):
    _, best_k, _, silhouettes = plain_sklearn
    assert best_k == 5
    rows = bundled_build.query(
        "select k, silhouette, is_selected, selection_reason, is_actionable"
        " from marts.k_evaluation order by k"
    )
    assert [row[0] for row in rows] == list(range(2, 11))
    assert [row[0] for row in rows if row[2]] == [5]
    assert [row[3] for row in rows if row[2]] == ["best silhouette"]
    for k, silhouette, _, _, _ in rows:
        assert silhouette == pytest.approx(silhouettes[k], rel=1e-9)
    # The default limits: 2 segments and 2% of the customers, which every k
    # meets here (k = 10's smallest segment holds 3%).
    assert bundled_build.query(
        "select min_segments, min_segment_share from marts.segmentation_run_summary"
    ) == [(2, 0.02)]
    assert [row[4] for row in rows] == [True] * 9


def test_segments_match_plain_scikit_learn(bundled_build, plain_sklearn):
    data, _, final, _ = plain_sklearn
    ours = dict(
        bundled_build.query(
            "select customer_id, segment_id from marts.customer_segments"
        )
    )
    ids = data["CustomerID"].astype(int)
    assert adjusted_rand_score(final.labels_, [ours[i] for i in ids]) == pytest.approx(
        1.0
    )


def test_centroids_match_plain_scikit_learn(bundled_build, plain_sklearn):
    data, _, final, _ = plain_sklearn
    scaler = StandardScaler().fit(data[FEATURES])
    expected = final.cluster_centers_ * scaler.scale_ + scaler.mean_
    expected = expected[np.lexsort(expected.T[::-1])]
    rows = bundled_build.query(
        "select segment_id, feature, centroid_value from marts.segment_centroids"
        " order by segment_id, feature_position"
    )
    ours = np.array([value for _, _, value in rows]).reshape(5, 2)
    assert np.allclose(ours, expected, rtol=1e-9)


def test_segment_profiles_on_the_bundled_data(bundled_build):
    assert bundled_build.query(
        "select segment_id, segment_name, customer_count,"
        " round(avg_annual_income_k, 2), round(avg_spending_score, 2),"
        " playbook_label from marts.segment_profiles order by segment_id"
    ) == [
        (1, "Low income · High spending", 22, 25.73, 79.36, "Enthusiasts on a budget"),
        (
            2,
            "Low income · Low spending",
            23,
            26.30,
            20.91,
            "Price-sensitive occasional shoppers",
        ),
        (3, "Average income · Average spending", 81, 55.30, 49.52, "Mainstream core"),
        (4, "High income · High spending", 39, 86.54, 82.13, "Affluent big spenders"),
        (5, "High income · Low spending", 35, 88.20, 17.11, "Careful high earners"),
    ]


def test_profiles_add_up(bundled_build):
    assert bundled_build.query(
        "select sum(customer_count) from marts.segment_profiles"
    ) == [(200,)]
    # Each share is its count out of 200: 22, 23, 81, 39 and 35.
    assert bundled_build.query(
        "select segment_id, round(customer_share, 12)"
        " from marts.segment_profiles order by segment_id"
    ) == [(1, 0.11), (2, 0.115), (3, 0.405), (4, 0.195), (5, 0.175)]
    # Female share is among customers with a known gender: all 200 here.
    assert bundled_build.query(
        "select sum(round(female_share * customer_count)) from marts.segment_profiles"
    ) == [(112.0,)]


def test_scaling_is_the_population_z_score(bundled_build):
    data = pd.read_csv(SEED_CSV)
    rows = bundled_build.query(
        "select distinct feature, scaling_mean, scaling_std"
        " from marts.segment_centroids order by feature"
    )
    assert [feature for feature, _, _ in rows] == ["annual_income_k", "spending_score"]
    for (_, mean, std), column in zip(rows, FEATURES, strict=True):
        assert mean == pytest.approx(data[column].mean(), rel=1e-12)
        assert std == pytest.approx(data[column].std(ddof=0), rel=1e-12)


def test_a_new_customer_can_be_assigned_in_plain_sql(bundled_build):
    """The SQL recipe in docs/segments.md reproduces every segment assignment,
    and distance_to_centroid is the distance to that nearest centroid."""
    nearest = bundled_build.query(
        """
        with distances as (
            select
                customers.customer_id,
                centroids.segment_id,
                sum(power(
                    (case centroids.feature
                        when 'annual_income_k' then customers.annual_income_k
                        when 'spending_score' then customers.spending_score
                        when 'age' then customers.age
                    end - centroids.scaling_mean) / centroids.scaling_std
                    - centroids.centroid_z, 2)) as squared_distance
            from marts.customer_segments as customers
            cross join marts.segment_centroids as centroids
            group by all
        )
        select
            customer_id,
            arg_min(segment_id, squared_distance),
            sqrt(min(squared_distance))
        from distances
        group by customer_id
        order by customer_id
        """
    )
    marts = bundled_build.query(
        "select customer_id, segment_id, distance_to_centroid"
        " from marts.customer_segments order by customer_id"
    )
    assert len(nearest) == 200
    assert [row[:2] for row in marts] == [row[:2] for row in nearest]
    assert [row[2] for row in marts] == pytest.approx(
        [row[2] for row in nearest], abs=1e-9
    )


@started_with_session("bundled_build")
def rebuild(folders, shared) -> Future[DbtResult]:
    """A second build over a copy of the first one's warehouse, started with
    the session."""
    rebuild = folders.mktemp("rebuild")
    return start_on_copy(shared["bundled_build"], rebuild, *DATA_BUILD)


def test_rebuilding_gives_identical_marts(bundled_build, rebuild):
    before = bundled_build.mart_rows(MARTS)
    assert len(before["customer_segments"]) == 200
    again = rebuild.result()
    assert again.returncode == 0, again.output
    assert again.mart_rows(MARTS) == before
