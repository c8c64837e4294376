"""The figures each input gets, by file name, in the gallery's order: for
test_figures.py and test_figure_galleries.py."""

RFM_GALLERY = [
    "01_eda_rfm_distributions.png",
    "02_eda_rfm_grid.png",
    "04_model_selection_k.png",
    "05_segments_recency_monetary.png",
    "06_segment_rfm_profiles.png",
    "07_segment_sizes.png",
    "08_segment_centroids.png",
    "09_segments_clustering_features.png",
    "10_segment_monthly_sales.png",
]
MALL_GALLERY = [
    "01_eda_distributions_by_gender.png",
    "02_eda_correlation_matrix.png",
    "03_eda_pairwise_scatter.png",
    "04_model_selection_k.png",
    "05_segments_income_spending.png",
    "06_segment_profiles.png",
    "07_segment_sizes_gender.png",
    "08_segment_centroids.png",
]
