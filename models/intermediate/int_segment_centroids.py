"""Fit the final K-Means for the selected k; centroids in z-score units."""

from segmentation.dbt_io import centroids_long, feature_matrix, read_settings
from segmentation.kmeans import fit_segment_centroids


def model(dbt, session):
    dbt.config(materialized="table")

    settings = read_settings(dbt.ref("int_segmentation_settings"))
    features = settings["segmentation_features"]
    [(selected_k,)] = (
        dbt.ref("int_k_evaluation").filter("is_selected").select("k").fetchall()
    )
    x = feature_matrix(dbt.ref("int_customer_features"), features)

    centers = fit_segment_centroids(
        x,
        int(selected_k),
        seed=settings["random_seed"],
        selection_sample_rows=settings["model_selection_sample_rows"],
    )
    return centroids_long(centers, features)
