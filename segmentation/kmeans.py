"""K-Means model selection and fitting for the dbt Python models.

The dbt models only wire tables to these functions; everything here works on
plain NumPy arrays of already standardised features, so it is unit-tested
without dbt. scikit-learn does the clustering and the metrics.

Scale: choosing k runs on a reproducible random sample of
``selection_sample_rows`` rows (and at most 100 more), and silhouette on
``silhouette_sample_rows`` of those, so nothing is quadratic in the row
count (segmentation/sampling.py says how each sample is drawn). Below those
sizes every step uses all rows and the results are exact.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.utils import gen_batches
from threadpoolctl import threadpool_limits

from segmentation.sampling import rows_to_score, sample_rows, selection_sample

# Explicit, and at least 10, so the best of several starts is kept.
N_INIT = 10

# Megabytes of pairwise distances held at once while scoring silhouettes,
# shared by the chunks computed side by side (one per core).
SILHOUETTE_WORKING_MEMORY_MB = 64

K_EVALUATION_COLUMNS = {
    "k": "int32",
    "inertia": "float64",
    "silhouette": "float64",
    "davies_bouldin": "float64",
    "calinski_harabasz": "float64",
    "evaluated_rows": "int64",
    "smallest_segment_share": "float64",
}

# Why the rule took its k: the mart k_evaluation's selection_reason, whose
# contract lists these.
FORCED = "forced by n_clusters"
BEST_OF_ALL = "best silhouette"
BEST_ACTIONABLE = "best silhouette among actionable k"
NONE_ACTIONABLE = "no actionable k: best silhouette with enough segments"
NONE_WITH_ENOUGH_SEGMENTS = "no k with enough segments: best silhouette"


def candidate_ks(
    n_rows: int, k_min: int, k_max: int, forced_k: int | None
) -> list[int]:
    """The k values to evaluate.

    Silhouette needs 2 <= k <= n - 1, so the search stops at n - 1. A forced
    k is always included, even outside k_min..k_max.
    """
    needed = (forced_k if forced_k is not None else k_min) + 1
    if n_rows < needed:
        raise ValueError(
            f"only {n_rows} usable customer row{'' if n_rows == 1 else 's'}; k="
            f"{forced_k if forced_k is not None else k_min} needs at least"
            f" {needed}"
        )
    ks = set(range(k_min, min(k_max, n_rows - 1) + 1))
    if forced_k is not None:
        ks.add(forced_k)
    return sorted(ks)


# Up to this many rows, K-Means runs on one OpenMP thread. Each Lloyd
# iteration ends in a barrier across threads; on a sample of a few thousand
# rows per thread the barriers cost more than the work, and far more when the
# cores are busy with anything else (measured: 90 fits of a 20k-row sample took
# 11 s with two threads on a loaded 2-core machine, 0.7 s with one).
SINGLE_THREAD_MAX_ROWS = 100_000


def _kmeans_threads(n_rows: int) -> AbstractContextManager:
    if n_rows > SINGLE_THREAD_MAX_ROWS:
        return nullcontext()
    return threadpool_limits(limits=1, user_api="openmp")


def fit_kmeans(x: np.ndarray, k: int, seed: int) -> KMeans:
    with _kmeans_threads(len(x)):
        return KMeans(n_clusters=k, n_init=N_INIT, random_state=seed).fit(x)


# One worker per core this process may use (joblib counts the CPU affinity
# and any cgroup quota, not only the machine's cores).
N_JOBS = -1


def _map_side_by_side(task: Callable[[Any], Any], items: list) -> list:
    """``task`` on every item, in order, one worker per core.

    joblib's threading backend, not its worker processes: the K-Means loops
    and BLAS release the GIL, the silhouette chunks fill one shared array,
    and threads start at once (measured on the 60k benchmark's 20k-row
    sample, 2 cores: the 9 candidate fits took 1.5 to 2.0 s on threads, 2.3
    to 2.7 s on warm loky processes and 11 s with their start-up). BLAS's
    thread count is one setting for the whole process, so it is set to one
    here, once, around all workers; tasks that also use OpenMP set its
    (per-thread) limit themselves.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return Parallel(n_jobs=N_JOBS, backend="threading")(
            delayed(task)(item) for item in items
        )


def fit_candidates(x: np.ndarray, ks: list[int], seed: int) -> list[KMeans]:
    """K-Means for each k, in the order of ``ks``.

    On a sample small enough for one thread per fit, the fits run side by
    side, one per core; each is the same fit as ``fit_kmeans`` would make.
    Larger inputs are fitted one k at a time on all cores.
    """
    if len(x) > SINGLE_THREAD_MAX_ROWS:
        return [fit_kmeans(x, k, seed) for k in ks]
    # fit_kmeans limits OpenMP to one thread in each worker.
    return _map_side_by_side(lambda k: fit_kmeans(x, k, seed), ks)


def silhouette_scores(x: np.ndarray, labelings: list[np.ndarray]) -> list[float]:
    """Mean silhouette coefficient of each labelling of the rows of ``x``.

    The same values as ``sklearn.metrics.silhouette_score(x, labels)`` for
    each labelling (up to float rounding). scikit-learn recomputes all n x n
    distances for every labelling; choosing k scores one labelling per
    candidate k of the same rows, so here the distances are computed once, a
    bounded chunk of rows at a time, and each chunk is summed per cluster of
    every labelling with one matrix product. Hand-made for speed: for
    k = 2..10 on the default 10,000 silhouette rows (2 cores), calling
    silhouette_score once per k took 10.0 to 10.9 s, this 0.51 to 0.66 s.
    """
    n_rows = len(x)
    codes = []
    sizes = []
    for labels in labelings:
        _, code, size = np.unique(labels, return_inverse=True, return_counts=True)
        if not 2 <= len(size) <= n_rows - 1:
            raise ValueError(
                f"silhouette needs 2 to {n_rows - 1} clusters, got {len(size)}"
            )
        codes.append(code)
        sizes.append(size)
    # One indicator column per (labelling, cluster).
    offsets = np.cumsum([0] + [len(size) for size in sizes])
    membership = np.zeros((n_rows, offsets[-1]))
    for code, offset in zip(codes, offsets, strict=False):
        membership[np.arange(n_rows), offset + code] = 1.0

    distance_sums = np.empty((n_rows, offsets[-1]))
    # The memory budget is shared by the chunks held at once, one per core.
    chunk_bytes = SILHOUETTE_WORKING_MEMORY_MB * 2**20 // effective_n_jobs(N_JOBS)
    chunks = list(gen_batches(n_rows, max(1, chunk_bytes // (8 * n_rows))))

    def sum_chunk(rows: slice) -> None:
        # As sklearn.metrics.pairwise_distances_chunked computes a chunk: all
        # rows at once take euclidean_distances' own X-is-Y path, and a row's
        # distance to itself is exactly 0. Each chunk fills its own rows.
        whole = rows.start == 0 and rows.stop == n_rows
        distances = euclidean_distances(x if whole else x[rows], x)
        distances.flat[rows.start :: n_rows + 1] = 0
        distance_sums[rows] = distances @ membership

    _map_side_by_side(sum_chunk, chunks)

    scores = []
    rows = np.arange(n_rows)
    for code, size, offset in zip(codes, sizes, offsets, strict=False):
        sums = distance_sums[:, offset : offset + len(size)]
        with np.errstate(divide="ignore", invalid="ignore"):
            # Mean distance to the rest of the own cluster (0/0 for a
            # singleton, whose coefficient is 0 as in scikit-learn).
            own = sums[rows, code] / (size[code] - 1)
            means = sums / size
            means[rows, code] = np.inf
            nearest_other = means.min(axis=1)
            coefficient = (nearest_other - own) / np.maximum(own, nearest_other)
        scores.append(float(np.mean(np.nan_to_num(coefficient))))
    return scores


def evaluate_k_range(
    x: np.ndarray,
    ks: list[int],
    seed: int,
    selection_sample_rows: int,
    silhouette_sample_rows: int,
) -> pd.DataFrame:
    """Fit K-Means for each k and score it; one row per k.

    Inertia is reported for the rows the model was fitted on
    (``evaluated_rows``), so it is comparable across k within one run.
    """
    sample = selection_sample(x, selection_sample_rows, seed)
    fit_x = x if sample is None else x[sample.rows]
    # Segment shares count the customers drawn at random only.
    counted = slice(None) if sample is None else sample.drawn
    # With fewer different points than k, K-Means would leave a cluster
    # empty (and scikit-learn warn): such a k is not fitted. Each point is
    # then a centre (inertia 0), some segment is empty, and the k is not
    # scored, so it cannot be selected.
    points = len(np.unique(fit_x, axis=0))
    fitted_ks = [k for k in ks if k <= points]
    fits = dict(zip(fitted_ks, fit_candidates(fit_x, fitted_ks, seed), strict=True))
    # The labels of each k that K-Means split into k segments.
    labelings = {
        k: fits[k].labels_
        for k in fitted_ks
        if len(np.unique(fits[k].labels_)) == k and 2 <= k <= len(fit_x) - 1
    }
    rows = []
    for k in ks:
        fitted, labels = fits.get(k), labelings.get(k)
        rows.append(
            {
                "k": k,
                "inertia": 0.0 if fitted is None else fitted.inertia_,
                "silhouette": np.nan,
                "davies_bouldin": (
                    np.nan if labels is None else davies_bouldin_score(fit_x, labels)
                ),
                "calinski_harabasz": (
                    np.nan if labels is None else calinski_harabasz_score(fit_x, labels)
                ),
                "evaluated_rows": len(fit_x),
                "smallest_segment_share": (
                    0.0
                    if fitted is None
                    else np.bincount(fitted.labels_[counted], minlength=k).min()
                    / len(fitted.labels_[counted])
                ),
            }
        )
    evaluation = pd.DataFrame(rows, columns=list(K_EVALUATION_COLUMNS)).astype(
        K_EVALUATION_COLUMNS
    )
    # Silhouette is O(n^2): scored on a further bounded sample.
    scored = rows_to_score(
        list(labelings.values()),
        sample_rows(len(fit_x), silhouette_sample_rows, seed),
    )
    scored_x = fit_x if scored is None else fit_x[scored]
    scorable = {
        k: labels if scored is None else labels[scored]
        for k, labels in labelings.items()
        if k <= len(scored_x) - 1
    }
    if scorable:
        scores = silhouette_scores(scored_x, list(scorable.values()))
        evaluation["silhouette"] = (
            evaluation["k"]
            .map(dict(zip(scorable, scores, strict=True)))
            .astype("float64")
        )
    return evaluation


class Selection(NamedTuple):
    k: int
    reason: str


def is_actionable(
    evaluation: pd.DataFrame, min_segments: int, min_segment_share: float
) -> pd.Series:
    """Whether a marketer can act on each k: at least ``min_segments``
    segments, none smaller than ``min_segment_share`` of the customers."""
    return (evaluation["k"] >= min_segments) & (
        evaluation["smallest_segment_share"] >= min_segment_share
    )


def select_k(
    evaluation: pd.DataFrame,
    forced_k: int | None = None,
    min_segments: int = 2,
    min_segment_share: float = 0.0,
) -> Selection:
    """The forced k, else the k with the best silhouette (smaller k on ties)
    among the actionable k (see is_actionable); and why.

    Silhouette favours the fewest, roundest clusters: on the Online Retail
    RFM features it is highest at k = 2, two segments that say little more
    than "buys often" and "does not". When no k meets both limits, the
    share limit is dropped, then the minimum k too.
    """
    if forced_k is not None:
        return Selection(forced_k, FORCED)
    scored = evaluation.dropna(subset=["silhouette"])
    if scored.empty:
        raise ValueError(
            "no candidate k has a silhouette score: no k gave k segments on"
            " the customers K-Means was fitted on, as nearly all of them share"
            " one point of the clustering features; set n_clusters to choose k"
            " yourself"
        )
    enough = scored[scored["k"] >= min_segments]
    actionable = scored[is_actionable(scored, min_segments, min_segment_share)]
    candidates, reason = next(
        (candidates, reason)
        for candidates, reason in (
            (actionable, BEST_ACTIONABLE),
            (enough, NONE_ACTIONABLE),
            (scored, NONE_WITH_ENOUGH_SEGMENTS),
        )
        if not candidates.empty
    )
    best = candidates["silhouette"].max()
    if reason == BEST_ACTIONABLE and best == scored["silhouette"].max():
        reason = BEST_OF_ALL
    return Selection(
        int(candidates.loc[candidates["silhouette"] == best, "k"].min()), reason
    )


def mark_selected(
    evaluation: pd.DataFrame,
    forced_k: int | None = None,
    min_segments: int = 2,
    min_segment_share: float = 0.0,
) -> pd.DataFrame:
    """The evaluation with each k's is_actionable, and is_selected and the
    selection_reason (NULL for the other k) of the k select_k chooses."""
    selection = select_k(evaluation, forced_k, min_segments, min_segment_share)
    marked = evaluation.copy()
    marked["is_actionable"] = is_actionable(marked, min_segments, min_segment_share)
    marked["is_selected"] = marked["k"] == selection.k
    # A string column is VARCHAR in DuckDB even were every value NULL.
    marked["selection_reason"] = pd.Series(
        np.where(marked["is_selected"], selection.reason, None),
        index=marked.index,
        dtype="string",
    )
    return marked


def order_centroids(centers: np.ndarray) -> np.ndarray:
    """Centroids sorted lexicographically by feature (first feature first).

    Sorting gives segment ids that never permute between runs, whatever
    order K-Means found the clusters in. Rounding keeps float noise from
    flipping near-equal values.
    """
    keys = np.round(centers, 9)
    order = np.lexsort(keys.T[::-1])
    return centers[order]


def fit_segment_centroids(
    x: np.ndarray, k: int, seed: int, selection_sample_rows: int
) -> np.ndarray:
    """Final centroids for k, ordered so that row i is segment i + 1.

    Up to ``selection_sample_rows`` rows this is a plain K-Means fit on all
    rows. Above it, K-Means runs on the same sample used to choose k, and
    full Lloyd iterations on all rows then refine those centroids.
    """
    sample = selection_sample(x, selection_sample_rows, seed)
    if sample is None:
        return order_centroids(fit_kmeans(x, k, seed).cluster_centers_)
    started = fit_kmeans(x[sample.rows], k, seed).cluster_centers_
    refined = KMeans(n_clusters=k, init=started, n_init=1, random_state=seed)
    with _kmeans_threads(len(x)):
        return order_centroids(refined.fit(x).cluster_centers_)
