"""Which rows K-Means is fitted on, and which rows silhouette scores.

Above ``selection_sample_rows`` customers, choosing k and starting the final
fit work on a reproducible random sample, and silhouette, quadratic in the
rows, on a further bounded sample of it. Each sample is topped up where a
random draw could miss a small group of customers entirely.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


def sample_rows(n_rows: int, max_rows: int, seed: int) -> np.ndarray | None:
    """Sorted indices of a reproducible random sample, or None for all rows."""
    if n_rows <= max_rows:
        return None
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n_rows, size=max_rows, replace=False))


# A sample holding fewer different points than this may have missed a
# small group of customers on points of their own, and on one point K-Means
# can fit no k at all (e.g. 199,999 customers on one point and 1 on
# another). Such a sample gains one row of each point it missed, up to this
# many points in all, drawn at random when more were missed. 100 is five
# times the largest k the vars allow (max_segments(), 20); a sample with
# more points is left as drawn.
FEW_POINTS = 100


class SelectionSample(NamedTuple):
    """Rows of the customers, sorted, and which of them were drawn at
    random (the others were added for a point the draw missed)."""

    rows: np.ndarray
    drawn: np.ndarray


def selection_sample(x: np.ndarray, max_rows: int, seed: int) -> SelectionSample | None:
    """The rows K-Means is fitted on to choose k and start the final fit:
    sample_rows, topped up as FEW_POINTS says; None for all rows.

    An added row stands for one customer where a drawn one stands for many,
    so segment shares count the drawn rows only.
    """
    picked = sample_rows(len(x), max_rows, seed)
    if picked is None:
        return None
    in_sample = np.unique(x[picked], axis=0)
    if len(in_sample) >= FEW_POINTS:
        return SelectionSample(picked, np.ones(len(picked), dtype=bool))
    sampled = {tuple(point) for point in in_sample}
    # Sorting every row costs a few tenths of a second per million
    # customers; only such a sample pays it.
    points, first_rows = np.unique(x, axis=0, return_index=True)
    missed = np.array(
        [
            row
            for point, row in zip(points, first_rows, strict=True)
            if tuple(point) not in sampled
        ],
        dtype=np.int64,
    )
    room = FEW_POINTS - len(in_sample)
    if len(missed) > room:
        missed = np.random.default_rng(seed).choice(missed, size=room, replace=False)
    rows = np.union1d(picked, missed)
    return SelectionSample(rows, np.isin(rows, picked))


# Rows of a cluster that the silhouette sample holds none of, added to it
# (at most this many per cluster), so that every k is scored with all its
# clusters, and all on one set of rows. Such a cluster is small: a random
# sample of 10,000 rows misses a cluster of 1% with odds of 1 in 10^43.
MISSED_CLUSTER_ROWS = 100


def rows_to_score(
    labelings: list[np.ndarray], sample: np.ndarray | None
) -> np.ndarray | None:
    """The rows whose silhouettes are scored: ``sample`` (None: every row),
    and up to MISSED_CLUSTER_ROWS rows of each cluster of a labelling that
    it holds no row of."""
    if sample is None:
        return None
    added = [
        np.flatnonzero(labels == cluster)[:MISSED_CLUSTER_ROWS]
        for labels in labelings
        for cluster in np.setdiff1d(np.unique(labels), np.unique(labels[sample]))
    ]
    return np.union1d(sample, np.concatenate(added)) if added else sample
