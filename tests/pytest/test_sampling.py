"""The samples K-Means is fitted on and silhouette scores."""

from __future__ import annotations

import numpy as np
import pytest

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
    assert 2 <= in_sample < 20
    sample = selection_sample(x, 1_000, seed=5)
    added = sample.rows[~sample.drawn]
    assert sample.drawn.sum() == 1_000
    assert len(added) == FEW_POINTS - in_sample
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
