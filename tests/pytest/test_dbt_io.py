"""Unit tests for segmentation.dbt_io against an in-memory DuckDB."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from segmentation.dbt_io import centroids_long, feature_matrix, read_settings


@pytest.fixture
def con():
    with duckdb.connect() as connection:
        yield connection


def test_read_settings_turns_the_row_into_a_dict(con):
    settings = con.sql(
        "select ['age', 'spending_score']::varchar[] as segmentation_features,"
        " 2 as k_min, 10 as k_max, null::integer as n_clusters"
    )
    assert read_settings(settings) == {
        "segmentation_features": ["age", "spending_score"],
        "k_min": 2,
        "k_max": 10,
        "n_clusters": None,
    }


def test_read_settings_needs_exactly_one_row(con):
    with pytest.raises(ValueError, match="expected one settings row, found 2"):
        read_settings(con.sql("select 1 as k_min union all select 2"))


def test_feature_matrix_orders_by_customer_and_keeps_only_z_columns(con):
    features = con.sql(
        "select * from (values (3, 30.0, 0.3, 9.9), (1, 10.0, 0.1, 8.8),"
        " (2, 20.0, 0.2, 7.7))"
        " as t(customer_id, age, age_z, spending_score_z)"
    )
    matrix = feature_matrix(features, ["age", "spending_score"])
    assert matrix.dtype == np.float64
    assert matrix.tolist() == [[0.1, 8.8], [0.2, 7.7], [0.3, 9.9]]


def test_centroids_long_numbers_segments_from_one():
    frame = centroids_long(
        np.array([[-1.0, 2.0], [0.5, -0.5]]), ["age", "spending_score"]
    )
    assert frame.to_dict("records") == [
        {"segment_id": 1, "feature": "age", "centroid_z": -1.0},
        {"segment_id": 1, "feature": "spending_score", "centroid_z": 2.0},
        {"segment_id": 2, "feature": "age", "centroid_z": 0.5},
        {"segment_id": 2, "feature": "spending_score", "centroid_z": -0.5},
    ]
    assert frame.dtypes.astype(str).tolist() == ["int32", "string", "float64"]
