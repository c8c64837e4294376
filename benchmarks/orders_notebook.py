"""The classic pandas RFM notebook, which `make bench-orders` times against
`dbt build` on the same order lines, in its own process:

    python -m benchmarks.orders_notebook <order_lines.csv> <rfm.parquet> <seed>

It is the notebook as analysts write it for the UCI "Online Retail" data:
read the whole file with pandas, drop lines without a customer, drop
cancellations and non-positive quantities and prices, drop duplicate rows,
then per customer recency, frequency and monetary value with ``groupby``,
``log1p`` and ``StandardScaler``, and ``KMeans(n_init=10)`` for k = 2..10
with the silhouette of each.

Where the pipeline's rules (macros/reject_reasons.sql, int_customer_rfm)
differ from the usual notebook, this one follows the pipeline, so that the
benchmark can check that both give every customer the same RFM values:

- the stock codes that are not products (the var non_product_stock_codes,
  read from dbt_project.yml) are dropped, as the rule non_product_line does;
- recency counts calendar days, from the day after the last sale day
  (int_customer_rfm), where notebooks usually take the whole days between
  two timestamps.

On the synthetic files (benchmarks.synthetic_order_lines) the other rules
change nothing: ids and numbers are clean, dates are all ``M/D/YYYY H:MM``,
and no text has surrounding spaces.

Silhouette is scored on a random sample of ``SILHOUETTE_SAMPLE_ROWS``
customers, as the pipeline does: on all of 100,000 customers it needs
10^10 distances per k, which no notebook user waits for.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import yaml

from benchmarks.measuring import PROJECT_DIR

NOTEBOOK_KS = range(2, 11)
SILHOUETTE_SAMPLE_ROWS = 10_000
DATE_FORMAT = "%m/%d/%Y %H:%M"


def non_product_stock_codes() -> list[str]:
    """The pipeline's list, from dbt_project.yml (its one home)."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return [code.strip().upper() for code in project["vars"]["non_product_stock_codes"]]


def classic_rfm_notebook(csv_path: Path, rfm_path: Path, seed: int) -> dict:
    """Runs the notebook; writes the RFM table (CustomerID, Recency,
    Frequency, Monetary) to ``rfm_path`` and returns the seconds per step
    and the inertia and silhouette of each k."""
    import numpy as np
    import pandas as pd
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler

    seconds: dict[str, float] = {}
    started = time.perf_counter()

    def step(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        seconds[name] = round(now - started, 2)
        started = now

    df = pd.read_csv(csv_path, dtype={"InvoiceNo": str, "StockCode": str})
    step("read_csv")

    # Cleaning.
    df = df.dropna(subset=["CustomerID"])
    df = df[~df["InvoiceNo"].str.startswith("C")]
    df = df[(df["Quantity"] > 0) & (df["UnitPrice"] > 0)]
    df = df[~df["StockCode"].isin(non_product_stock_codes())]
    df = df.drop_duplicates()
    df["InvoiceDate"] = pd.to_datetime(df["InvoiceDate"], format=DATE_FORMAT)
    df["TotalPrice"] = df["Quantity"] * df["UnitPrice"]
    step("clean")

    # RFM.
    snapshot_day = df["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)
    rfm = df.groupby("CustomerID").agg(
        LastPurchase=("InvoiceDate", "max"),
        Frequency=("InvoiceNo", "nunique"),
        Monetary=("TotalPrice", "sum"),
    )
    rfm["Recency"] = (snapshot_day - rfm["LastPurchase"].dt.normalize()).dt.days
    rfm = rfm[["Recency", "Frequency", "Monetary"]]
    del df
    step("rfm")

    # Clustering.
    scaled = StandardScaler().fit_transform(np.log1p(rfm))
    scores = {}
    for k in NOTEBOOK_KS:
        model = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(scaled)
        silhouette = silhouette_score(
            scaled,
            model.labels_,
            sample_size=min(SILHOUETTE_SAMPLE_ROWS, len(scaled)),
            random_state=seed,
        )
        scores[k] = {"inertia": model.inertia_, "silhouette": silhouette}
    step("kmeans")

    rfm.index = rfm.index.astype("int64")
    rfm.reset_index().to_parquet(rfm_path, index=False)
    return {"customers": len(rfm), "seconds": seconds, "scores": scores}


if __name__ == "__main__":
    csv_path, rfm_path, seed = sys.argv[1:]
    print(json.dumps(classic_rfm_notebook(Path(csv_path), Path(rfm_path), int(seed))))
