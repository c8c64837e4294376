"""Reading the dbt relations the Python models need, and nothing more."""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pandas as pd

CENTROID_COLUMNS = {"segment_id": "int32", "feature": "string", "centroid_z": "float64"}


def read_settings(settings: duckdb.DuckDBPyRelation) -> dict[str, Any]:
    """The one-row int_segmentation_settings model as a plain dict."""
    rows = settings.fetchall()
    if len(rows) != 1:
        raise ValueError(f"expected one settings row, found {len(rows)}")
    values = dict(zip(settings.columns, rows[0], strict=True))
    for name in ("segmentation_features", "log_transformed_features"):
        if name in values:
            values[name] = list(values[name])
    return values


def feature_matrix(features: duckdb.DuckDBPyRelation, names: list[str]) -> np.ndarray:
    """The standardised feature columns only, ordered by customer_id.

    A fixed row order makes K-Means, and so the marts, reproducible.
    """
    columns = features.order("customer_id").select(*[f"{n}_z" for n in names])
    arrays = columns.fetchnumpy()
    return np.column_stack([arrays[f"{n}_z"] for n in names]).astype(np.float64)


def centroids_long(centers: np.ndarray, names: list[str]) -> pd.DataFrame:
    """One row per segment and feature; row i of ``centers`` is segment i+1."""
    k, n_features = centers.shape
    frame = pd.DataFrame(
        {
            "segment_id": np.repeat(np.arange(1, k + 1), n_features),
            "feature": np.tile(names, k),
            "centroid_z": centers.reshape(-1),
        }
    )
    return frame.astype(CENTROID_COLUMNS)
