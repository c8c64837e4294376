"""The samples K-Means is fitted on and silhouette scores."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from segmentation.kmeans import (
    BEST_OF_ALL,
    NONE_ACTIONABLE,
    evaluate_k_range,
    fit_segment_centroids,
    select_k,
)
from segmentation.sampling import (
    FEW_POINTS,
    rows_to_score,
    sample_rows,
    selection_sample,
)


def test_sample_rows_returns_none_up_to_the_limit():
    assert sample_rows(500, 500, seed=1) is None


def test_sample_rows_is_reproducible_sorted_and_unique():
    first = sample_rows(1000, 100, seed=7)
    second = sample_rows(1000, 100, seed=7)
    assert first is not None
    assert len(first) == 100
    assert len(np.unique(first)) == 100
    assert np.array_equal(first, second)
    assert np.array_equal(first, np.sort(first))
    assert not np.array_equal(first, sample_rows(1000, 100, seed=8))


def test_selection_sample_adds_one_row_of_each_point_it_missed():
    # Rows 0-2 and 997-999 are three small groups on points of their own;
    # the 100-row sample of the 1,000 holds the big group's point only.
    x = np.zeros((1_000, 2))
    x[[0, 1, 2]] = [1.0, 1.0]
    x[[997, 998, 999]] = [[2.0, 2.0], [2.0, 2.0], [3.0, 0.0]]
    picked = sample_rows(1_000, 100, seed=1)
    assert not {0, 1, 2, 997, 998, 999} & set(picked.tolist())
    # The first row of each missed point, marked as not drawn.
    sample = selection_sample(x, 100, seed=1)
    assert sample.rows.tolist() == sorted([*picked.tolist(), 0, 997, 999])
    assert sample.rows[~sample.drawn].tolist() == [0, 997, 999]


@pytest.mark.parametrize("points", [FEW_POINTS - 1, FEW_POINTS])
def test_selection_sample_tops_up_only_below_few_points(points):
    # `points` points of 100 rows each, then one row on a point of its own
    # that the sample misses: it is added only while the sample holds
    # fewer than FEW_POINTS points.
    x = np.append(np.repeat(np.arange(float(points)), 100), -1.0)[:, None]
    last = len(x) - 1
    picked = sample_rows(len(x), 5_000, seed=1)
    assert last not in picked
    assert len(np.unique(x[picked])) == points
    added = [last] if points < FEW_POINTS else []
    sample = selection_sample(x, 5_000, seed=1)
    assert sample.rows.tolist() == picked.tolist() + added
    assert sample.rows[~sample.drawn].tolist() == added
    assert selection_sample(x, len(x), seed=1) is None


def test_selection_sample_adds_missed_points_up_to_few_points_at_random():
    # 19,850 customers on one point and 150 on points of their own: the
    # 1,000-row sample holds a few of the 150, and gains randomly chosen
    # others until it holds FEW_POINTS points; the rest stay out.
    x = np.zeros((20_000, 1))
    x[-150:, 0] = np.arange(1.0, 151.0)
    picked = sample_rows(20_000, 1_000, seed=5)
    in_sample = len(np.unique(x[picked]))
    assert in_sample == 11
    sample = selection_sample(x, 1_000, seed=5)
    added = sample.rows[~sample.drawn]
    assert sample.drawn.sum() == 1_000
    assert len(added) == FEW_POINTS - in_sample == 89
    assert len(np.unique(x[sample.rows])) == FEW_POINTS
    assert set(added.tolist()) < set(range(19_850, 20_000)) - set(picked.tolist())
    # Not simply the first rows missed: those would favour the low values.
    first_missed = [row for row in range(19_850, 20_000) if row not in picked]
    assert added.tolist() != first_missed[: len(added)]
    assert selection_sample(x, 1_000, seed=5).rows.tolist() == sample.rows.tolist()


def test_rows_to_score_adds_a_bounded_part_of_each_missed_cluster():
    labels = np.array([0] * 500 + [1] * 300 + [2] * 200)
    sample = np.arange(0, 500, 5)
    rows = rows_to_score([labels, np.zeros(1_000, dtype=int)], sample)
    assert rows.tolist() == [*sample, *range(500, 600), *range(800, 900)]
    assert rows_to_score([labels], None) is None
    assert rows_to_score([labels], np.array([0, 600, 900])).tolist() == [0, 600, 900]


# -- The top-ups, through choosing k and the final fit ---------------------


def test_a_cluster_the_silhouette_sample_missed_is_added_to_it():
    # 999 customers on one point and 1 on another: the 100-row silhouette
    # sample misses the one, and no k was scored (the build stopped with a
    # traceback). The sample now gains that customer, and k = 2 is scored
    # on those 101 rows: 100 coefficients of 1 and the singleton's 0.
    x = np.array([[0.0, 0.0]] * 999 + [[10.0, 10.0]])
    sample = sample_rows(1_000, 100, seed=1)
    assert 999 not in sample
    result = evaluate_k_range(
        x, [2, 3], seed=1, selection_sample_rows=10_000, silhouette_sample_rows=100
    )
    labels = KMeans(n_clusters=2, n_init=10, random_state=1).fit(x).labels_
    rows = np.append(sample, 999)
    assert result["silhouette"].tolist()[0] == pytest.approx(
        silhouette_score(x[rows], labels[rows]), rel=1e-12
    )
    assert result["silhouette"].tolist()[0] == pytest.approx(100 / 101)
    # Two points make no three segments.
    assert np.isnan(result["silhouette"].tolist()[1])
    assert select_k(result) == (2, BEST_OF_ALL)


def test_a_point_the_selection_sample_missed_is_added_to_it():
    # 199,999 customers on one point and 1 on another: the 20,000-row
    # sample holds only the first point, so no k could be fitted, and the
    # build stopped with a traceback. The sample now gains the other
    # customer, k = 2 is scored, and the final fit finds both points. The
    # share counts the 20,000 drawn customers: the added one stands for 1
    # in 200,000, not 1 in 20,001.
    x = np.array([[0.0, 0.0]] * 199_999 + [[5.0, 5.0]])
    assert 199_999 not in sample_rows(200_000, 20_000, seed=42)
    result = evaluate_k_range(x, [2, 3], 42, 20_000, 10_000)
    assert result["evaluated_rows"].tolist() == [20_001, 20_001]
    assert result["smallest_segment_share"].tolist() == [0.0, 0.0]
    assert result["silhouette"].tolist()[0] == pytest.approx(10_000 / 10_001)
    assert np.isnan(result["silhouette"].tolist()[1])
    assert select_k(result, min_segment_share=0.02) == (2, NONE_ACTIONABLE)
    centers = fit_segment_centroids(x, 2, seed=42, selection_sample_rows=20_000)
    assert centers == pytest.approx(np.array([[0.0, 0.0], [5.0, 5.0]]), abs=1e-12)
