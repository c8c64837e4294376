"""Score K-Means for every candidate k, and mark which k are actionable, the
one the pipeline uses, and why."""

from segmentation.dbt_io import feature_matrix, read_settings
from segmentation.kmeans import (
    candidate_ks,
    evaluate_k_range,
    mark_selected,
)


def model(dbt, session):
    dbt.config(materialized="table")

    settings = read_settings(dbt.ref("int_segmentation_settings"))
    x = feature_matrix(
        dbt.ref("int_customer_features"), settings["segmentation_features"]
    )
    forced_k = settings["n_clusters"]

    evaluation = evaluate_k_range(
        x,
        candidate_ks(len(x), settings["k_min"], settings["k_max"], forced_k),
        seed=settings["random_seed"],
        selection_sample_rows=settings["model_selection_sample_rows"],
        silhouette_sample_rows=settings["silhouette_sample_rows"],
    )
    return mark_selected(
        evaluation,
        forced_k,
        min_segments=settings["min_segments"],
        min_segment_share=settings["min_segment_share"],
    )
