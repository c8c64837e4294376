"""Unit tests for segmentation.kmeans: k choice, ordering, sampling."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score, silhouette_score
from threadpoolctl import threadpool_info, threadpool_limits

from segmentation.kmeans import (
    BEST_ACTIONABLE,
    BEST_OF_ALL,
    FORCED,
    NONE_ACTIONABLE,
    NONE_WITH_ENOUGH_SEGMENTS,
    _map_side_by_side,
    candidate_ks,
    evaluate_k_range,
    fit_kmeans,
    fit_segment_centroids,
    mark_selected,
    order_centroids,
    select_k,
    silhouette_scores,
)


def blobs(n: int, centers: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    x, y = make_blobs(n_samples=n, centers=centers, cluster_std=0.4, random_state=seed)
    return x, y


def test_a_fit_keeps_the_best_of_ten_starts():
    # Eight blobs in six clusters: from random_state 42, one start ends in a
    # local optimum with 40 % more inertia than the best of ten.
    x, _ = make_blobs(n_samples=300, centers=8, cluster_std=1.0, random_state=5)
    one_start = KMeans(n_clusters=6, n_init=1, random_state=42).fit(x).inertia_
    ten_starts = KMeans(n_clusters=6, n_init=10, random_state=42).fit(x).inertia_
    assert ten_starts < 0.75 * one_start
    assert fit_kmeans(x, 6, seed=42).inertia_ == pytest.approx(ten_starts, rel=1e-12)


def test_candidate_ks_covers_the_range():
    assert candidate_ks(200, 2, 10, None) == [2, 3, 4, 5, 6, 7, 8, 9, 10]


def test_candidate_ks_stops_at_rows_minus_one():
    assert candidate_ks(6, 2, 10, None) == [2, 3, 4, 5]


def test_candidate_ks_adds_a_forced_k_outside_the_range():
    assert candidate_ks(200, 2, 4, 7) == [2, 3, 4, 7]


@pytest.mark.parametrize(
    ("n_rows", "k_min", "forced", "message"),
    [
        (1, 2, None, "only 1 usable customer row; k=2 needs at least 3"),
        (2, 2, None, "only 2 usable customer rows; k=2 needs at least 3"),
        (5, 2, 5, "only 5 usable customer rows; k=5 needs at least 6"),
    ],
)
def test_candidate_ks_refuses_too_few_rows(n_rows, k_min, forced, message):
    with pytest.raises(ValueError, match=message):
        candidate_ks(n_rows, k_min, 10, forced)


def evaluation(
    silhouettes: dict[int, float], smallest_shares: dict[int, float] | None = None
) -> pd.DataFrame:
    shares = smallest_shares or dict.fromkeys(silhouettes, 0.25)
    return pd.DataFrame(
        {
            "k": list(silhouettes),
            "silhouette": list(silhouettes.values()),
            "smallest_segment_share": [shares[k] for k in silhouettes],
        }
    )


def test_select_k_takes_the_best_silhouette():
    assert select_k(evaluation({2: 0.30, 3: 0.55, 4: 0.41})) == (3, BEST_OF_ALL)


def test_select_k_breaks_ties_towards_fewer_segments():
    assert select_k(evaluation({2: 0.30, 3: 0.55, 5: 0.55})) == (3, BEST_OF_ALL)


def test_select_k_ignores_missing_silhouettes():
    assert select_k(evaluation({2: np.nan, 3: 0.2})) == (3, BEST_OF_ALL)


def test_select_k_honours_a_forced_k():
    assert select_k(evaluation({2: 0.9, 3: 0.1}), forced_k=3) == (3, FORCED)


# The Online Retail RFM pattern: silhouette falls with k, k = 2 is best.
RFM_LIKE = {2: 0.43, 3: 0.34, 4: 0.336, 5: 0.32}


def test_select_k_needs_min_segments():
    assert select_k(evaluation(RFM_LIKE)) == (2, BEST_OF_ALL)
    assert select_k(evaluation(RFM_LIKE), min_segments=3) == (3, BEST_ACTIONABLE)
    assert select_k(evaluation(RFM_LIKE), min_segments=4) == (4, BEST_ACTIONABLE)


def test_select_k_skips_a_k_with_a_tiny_segment():
    shares = {2: 0.38, 3: 0.015, 4: 0.16, 5: 0.08}
    rfm = evaluation(RFM_LIKE, shares)
    assert select_k(rfm, min_segments=3, min_segment_share=0.02) == (
        4,
        BEST_ACTIONABLE,
    )
    # 1.5% is enough when the limit is 1%.
    assert select_k(rfm, min_segments=3, min_segment_share=0.01) == (
        3,
        BEST_ACTIONABLE,
    )


def test_select_k_takes_a_smallest_segment_of_exactly_the_limit():
    shares = {2: 0.38, 3: 0.02, 4: 0.16, 5: 0.08}
    assert select_k(
        evaluation(RFM_LIKE, shares), min_segments=3, min_segment_share=0.02
    ) == (3, BEST_ACTIONABLE)


def test_select_k_drops_the_share_limit_when_no_k_meets_it():
    shares = {2: 0.01, 3: 0.01, 4: 0.019, 5: 0.005}
    rfm = evaluation(RFM_LIKE, shares)
    assert select_k(rfm, min_segments=3, min_segment_share=0.02) == (
        3,
        NONE_ACTIONABLE,
    )
    # And then the minimum k, when no k reaches it either.
    assert select_k(rfm, min_segments=6, min_segment_share=0.02) == (
        2,
        NONE_WITH_ENOUGH_SEGMENTS,
    )


def test_select_k_says_it_fell_back_even_to_the_best_of_all_k():
    # Every k of 3 or more has a segment under the limit; k = 3 is also the
    # best of all k, but the reason says that no k was actionable.
    no_actionable_k = evaluation(
        {2: 0.45, 3: 0.50, 4: 0.40}, {2: 0.40, 3: 0.01, 4: 0.005}
    )
    assert select_k(no_actionable_k, min_segments=3, min_segment_share=0.02) == (
        3,
        NONE_ACTIONABLE,
    )
    # min_segments above every k scored (a small file clips k_max).
    too_few_k = evaluation({2: 0.30, 3: 0.20})
    assert select_k(too_few_k, min_segments=4, min_segment_share=0.02) == (
        2,
        NONE_WITH_ENOUGH_SEGMENTS,
    )


def test_select_k_refuses_when_nothing_is_scored():
    with pytest.raises(ValueError, match="no candidate k has a silhouette"):
        select_k(evaluation({2: np.nan}))


def test_mark_selected_flags_the_chosen_k_and_the_actionable_ones():
    scores = evaluation(
        {2: 0.1, 3: 0.2, 4: 0.3, 5: 0.25}, {2: 0.4, 3: 0.3, 4: 0.01, 5: 0.02}
    )
    marked = mark_selected(scores, min_segments=3, min_segment_share=0.02)
    assert marked["is_actionable"].tolist() == [False, True, False, True]
    assert marked["is_selected"].tolist() == [False, False, False, True]
    assert marked["selection_reason"].tolist() == [
        pd.NA,
        pd.NA,
        pd.NA,
        BEST_ACTIONABLE,
    ]
    assert marked[["is_actionable", "is_selected", "selection_reason"]].dtypes.astype(
        str
    ).tolist() == ["bool", "bool", "string"]
    forced = mark_selected(scores, forced_k=2, min_segments=3, min_segment_share=0.02)
    assert forced.loc[
        forced["is_selected"], ["k", "selection_reason"]
    ].values.tolist() == [[2, FORCED]]


def test_order_centroids_is_lexicographic_by_feature():
    centers = np.array([[1.0, 5.0], [-1.0, 2.0], [1.0, -3.0]])
    assert order_centroids(centers).tolist() == [
        [-1.0, 2.0],
        [1.0, -3.0],
        [1.0, 5.0],
    ]


def test_order_centroids_does_not_depend_on_input_order():
    rng = np.random.default_rng(3)
    centers = rng.normal(size=(6, 3))
    shuffled = centers[rng.permutation(6)]
    assert np.array_equal(order_centroids(centers), order_centroids(shuffled))


def test_silhouette_scores_match_scikit_learn_for_every_labelling():
    x, _ = blobs(700, 4, seed=5)
    labelings = [
        KMeans(n_clusters=k, n_init=1, random_state=0).fit(x).labels_
        for k in (2, 3, 4, 6)
    ]
    expected = [silhouette_score(x, labels) for labels in labelings]
    assert silhouette_scores(x, labelings) == pytest.approx(expected, rel=1e-12)


def test_silhouette_scores_use_bounded_chunks(monkeypatch):
    """Chunking the distance matrix must not change the scores."""
    x, _ = blobs(600, 3, seed=6)
    labels = KMeans(n_clusters=3, n_init=1, random_state=0).fit(x).labels_
    whole = silhouette_scores(x, [labels])
    # 600 rows x 600 distances x 8 bytes is 2.9 MB; 1 MB forces 3+ chunks.
    monkeypatch.setattr("segmentation.kmeans.SILHOUETTE_WORKING_MEMORY_MB", 1)
    assert silhouette_scores(x, [labels]) == pytest.approx(whole, rel=1e-12)


def test_silhouette_scores_give_singletons_zero_like_scikit_learn():
    x = np.array([[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [5.0, 5.0]])
    labels = np.array([7, 7, 7, 3])  # any label values; one singleton
    assert silhouette_scores(x, [labels]) == pytest.approx(
        [silhouette_score(x, labels)], rel=1e-12
    )


def test_silhouette_scores_refuse_a_single_cluster():
    with pytest.raises(ValueError, match="silhouette needs 2 to 2 clusters, got 1"):
        silhouette_scores(np.zeros((3, 2)), [np.zeros(3, dtype=int)])


def test_evaluate_k_range_matches_plain_scikit_learn():
    x, _ = blobs(300, 4)
    result = evaluate_k_range(
        x,
        [2, 3, 4, 5],
        seed=42,
        selection_sample_rows=10_000,
        silhouette_sample_rows=10_000,
    )
    assert result["k"].tolist() == [2, 3, 4, 5]
    assert result["evaluated_rows"].tolist() == [300] * 4
    for row in result.itertuples():
        plain = KMeans(n_clusters=row.k, n_init=10, random_state=42).fit(x)
        assert row.inertia == pytest.approx(plain.inertia_, rel=1e-12)
        assert row.silhouette == pytest.approx(
            silhouette_score(x, plain.labels_), rel=1e-12
        )
    # Four blobs of 75: k = 5 splits one of them, its smaller part 32 rows.
    assert result["smallest_segment_share"].tolist() == [0.25, 0.25, 0.25, 32 / 300]
    assert select_k(result) == (4, BEST_OF_ALL)


def test_a_k_above_the_number_of_different_points_is_not_scored():
    # Ten customers on two points: K-Means with k = 3 leaves a cluster empty
    # (scikit-learn warns) and its two real clusters score a silhouette of
    # 1.0, the best there is, so without the guard it was selected. Now it
    # is not fitted, and nothing warns.
    x = np.array([[20.0, 20.0]] * 5 + [[80.0, 80.0]] * 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = evaluate_k_range(x, [2, 3], 0, 1_000, 1_000)
    assert result["silhouette"].tolist()[0] == 1.0
    assert np.isnan(result["silhouette"].tolist()[1])
    assert np.isnan(result["davies_bouldin"].tolist()[1])
    assert result["inertia"].tolist() == [0.0, 0.0]
    assert result["smallest_segment_share"].tolist() == [0.5, 0.0]
    assert select_k(result) == (2, BEST_OF_ALL)


def test_evaluate_k_range_samples_large_inputs():
    x, _ = blobs(5_000, 3)
    result = evaluate_k_range(
        x,
        [2, 3, 4],
        seed=1,
        selection_sample_rows=1_000,
        silhouette_sample_rows=300,
    )
    assert result["evaluated_rows"].tolist() == [1_000] * 3
    assert select_k(result) == (3, BEST_OF_ALL)


def test_evaluate_k_range_has_stable_column_types():
    x, _ = blobs(50, 2)
    result = evaluate_k_range(x, [2], 0, 1_000, 1_000)
    assert result.dtypes.astype(str).to_dict() == {
        "k": "int32",
        "inertia": "float64",
        "silhouette": "float64",
        "davies_bouldin": "float64",
        "calinski_harabasz": "float64",
        "evaluated_rows": "int64",
        "smallest_segment_share": "float64",
    }


def test_fit_segment_centroids_is_exact_below_the_sample_size():
    x, _ = blobs(400, 5, seed=2)
    centers = fit_segment_centroids(x, 5, seed=42, selection_sample_rows=400)
    # Inputs this small are fitted on one OpenMP thread; with more, sklearn
    # adds the per-thread sums in another order (last-bit differences).
    with threadpool_limits(limits=1, user_api="openmp"):
        plain = KMeans(n_clusters=5, n_init=10, random_state=42).fit(x)
    assert np.array_equal(centers, order_centroids(plain.cluster_centers_))


def test_fit_segment_centroids_refines_a_sample_fit_on_all_rows():
    x, truth = blobs(20_000, 5, seed=4)
    centers = fit_segment_centroids(x, 5, seed=42, selection_sample_rows=2_000)
    labels = np.argmin(((x[:, None, :] - centers[None]) ** 2).sum(-1), axis=1)
    assert adjusted_rand_score(truth, labels) == pytest.approx(1.0)
    # Lloyd refinement on all rows: each centroid is its members' mean, up
    # to K-Means' convergence tolerance.
    for segment in range(5):
        member_mean = x[labels == segment].mean(axis=0)
        assert np.allclose(centers[segment], member_mean, atol=1e-3)


def blas_threads() -> list[int]:
    return [
        pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"
    ]


def test_side_by_side_work_keeps_order_on_single_threaded_blas():
    def task(item: int) -> tuple[int, list[int]]:
        return item * 10, blas_threads()

    # NumPy's and scikit-learn's OpenBLAS, each limited to one thread.
    assert len(blas_threads()) == 2
    one_thread_each = [1, 1]
    assert _map_side_by_side(task, [3, 1, 2, 0, 4]) == [
        (30, one_thread_each),
        (10, one_thread_each),
        (20, one_thread_each),
        (0, one_thread_each),
        (40, one_thread_each),
    ]


def test_choosing_k_leaves_the_blas_thread_count_as_it_found_it():
    # Candidate fits run side by side; BLAS's thread count is process-wide,
    # so a fit restoring it while another runs must not leave it changed.
    before = blas_threads()
    x, _ = blobs(20_000, 5, seed=3)
    evaluate_k_range(
        x,
        list(range(2, 11)),
        seed=42,
        selection_sample_rows=20_000,
        silhouette_sample_rows=2_000,
    )
    assert blas_threads() == before
