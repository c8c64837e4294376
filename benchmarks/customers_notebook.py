"""The classic notebook's approach to the customers, which `make bench` times
against `dbt build`, in its own process:

    python -m benchmarks.customers_notebook <customers.csv> <labels.npy> <seed>
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

NOTEBOOK_KS = range(2, 11)
# The k a notebook reader picks from the elbow plot of Mall-shaped data; the
# notebook's fit for this k is the one scored against the truth.
NOTEBOOK_CHOSEN_K = 5


def classic_notebook(csv_path: Path, labels_path: Path, seed: int) -> None:
    """The popular notebook's approach, on every row: read the whole file with
    pandas, scale, and fit KMeans(n_init=10) for each k of the elbow plot.

    Saves the labels of the k=NOTEBOOK_CHOSEN_K fit, in file order.
    """
    import pandas as pd
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler

    data = pd.read_csv(csv_path)
    scaled = StandardScaler().fit_transform(
        data[["Annual Income (k$)", "Spending Score (1-100)"]]
    )
    inertias = {}
    for k in NOTEBOOK_KS:
        fitted = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(scaled)
        inertias[k] = fitted.inertia_
        if k == NOTEBOOK_CHOSEN_K:
            np.save(labels_path, fitted.labels_)
    print(json.dumps({"inertia_by_k": inertias}))


if __name__ == "__main__":
    csv_path, labels_path, seed = sys.argv[1:]
    classic_notebook(Path(csv_path), Path(labels_path), int(seed))
