"""Hand-built marts of a run on order lines, every number known: ten
customers in three segments and their monthly sales, for the exact checks
of test_rfm_figures.py, test_figure_galleries.py and test_figure_layout.py;
and helpers that find a figure's artists."""

from __future__ import annotations

import numpy as np
import pandas as pd
from figure_style import PROFILE_AVERAGES
from mart_data import Marts
from matplotlib.colors import to_rgb

NAMES = {
    1: "Recent · Frequent · High spend",
    2: "Lapsing · Occasional · Average spend",
    3: "Lapsed · Infrequent · Low spend",
}
RFM = ["recency_days", "frequency", "monetary"]

# Ten customers: (segment, recency, frequency, monetary, r, f, m, rfm_segment).
CUSTOMERS = [
    (1, 2, 30, 9000.0, 5, 5, 5, "Champions"),
    (1, 3, 12, 4000.0, 5, 5, 4, "Champions"),
    (1, 5, 9, 2500.0, 5, 4, 4, "Champions"),
    (2, 20, 4, 800.0, 4, 3, 3, "Potential loyalists"),
    (2, 25, 3, 600.0, 4, 3, 2, "Potential loyalists"),
    (2, 40, 3, 700.0, 3, 3, 3, "Need attention"),
    (3, 150, 1, 90.5, 1, 1, 1, "Lost"),
    (3, 200, 1, 40.0, 1, 1, 1, "Lost"),
    (3, 300, 2, 150.0, 1, 2, 1, "Lost"),
    (3, 120, 1, 310.0, 2, 1, 2, "Hibernating"),
]
# Each segment's months with sales: 3, 2 and 1 months.
MONTHS = {
    1: [("2011-01-01", 5000.0, 3), ("2011-02-01", 6000.0, 3),
        ("2011-03-01", 4500.0, 2)],
    2: [("2011-02-01", 1200.0, 2), ("2011-03-01", 900.0, 3)],
    3: [("2011-01-01", 590.5, 4)],
}  # fmt: skip


def hand_made_marts(with_profiles: bool = False) -> Marts:
    """Marts of a run on order lines only (with_profiles: on both inputs)."""
    rows = []
    for number, (segment, r_days, freq, spend, r, f, m, name) in enumerate(
        CUSTOMERS, start=1
    ):
        rows.append(
            {
                "customer_id": 12_000 + number,
                "segment_id": segment,
                "segment_name": NAMES[segment],
                "gender": ("Female" if number % 2 else "Male")
                if with_profiles
                else None,
                "rfm_segment": name,
                "age": 30 + number if with_profiles else np.nan,
                "annual_income_k": 40.0 + number if with_profiles else np.nan,
                "spending_score": 10 * number if with_profiles else np.nan,
                "recency_days": r_days,
                "frequency": freq,
                "monetary": spend,
                "r_score": r,
                "f_score": f,
                "m_score": m,
            }
        )
    customers = pd.DataFrame(rows)
    grouped = customers.groupby("segment_id")
    profiles = pd.DataFrame(
        {
            "segment_id": [1, 2, 3],
            "segment_name": [NAMES[i] for i in (1, 2, 3)],
            "playbook_label": ["Best customers", "Steady middle", "Lost"],
            "recommended_action": ["Reward", "Newsletter", "One email"],
            "customer_count": [3, 3, 4],
            "customer_share": [0.3, 0.3, 0.4],
            "female_share": [np.nan] * 3,
        }
    )
    for column in ["age", "annual_income_k", "spending_score", *RFM]:
        profiles[PROFILE_AVERAGES[column]] = grouped[column].mean().to_numpy()
    features = ["recency_days", "frequency", "monetary"]
    centroids = pd.DataFrame(
        [
            {
                "segment_id": segment,
                "segment_name": NAMES[segment],
                "feature": feature,
                "transformation": "log1p",
                "centroid_value": float(grouped[feature].median()[segment]),
                "centroid_z": 0.5 * (2 - segment),
                "scaling_mean": 3.0,
                "scaling_std": 1.0,
                "feature_position": position,
            }
            for segment in (1, 2, 3)
            for position, feature in enumerate(features, start=4)
        ]
    )
    # k = 2 scores best but is not actionable; k = 3 is selected.
    k_evaluation = pd.DataFrame(
        {
            "k": [2, 3, 4, 5],
            "selection_reason":
                [None, "best silhouette among actionable k", None, None],
            "inertia": [60.0, 40.0, 30.0, 25.0],
            "silhouette": [0.45, 0.36, 0.33, 0.31],
            "evaluated_rows": [10] * 4,
            "smallest_segment_share": [0.4, 0.3, 0.1, 0.01],
            "is_actionable": [False, True, True, False],
            "is_selected": [False, True, False, False],
        }
    )  # fmt: skip
    run_summary = pd.DataFrame(
        [
            {
                "input_source": "orders.csv",
                "transactions_source": "orders.csv",
                # The var currency unset: amounts without a unit.
                "currency": None,
                "input_rows": 11,
                "segmented_rows": 10,
                "rejected_rows": 1,
                "transaction_lines": 100,
                "sale_lines": 80,
                "return_lines": 5,
                "rejected_transaction_lines": 15,
                "n_clusters": None,
            }
        ]
    )
    monthly = pd.DataFrame(
        [
            {
                "segment_id": segment,
                "segment_name": NAMES[segment],
                "revenue": revenue,
                "active_customers": active,
                # The file ends on 15 March 2011.
                "days_covered": 15 if month == "2011-03-01" else 31,
                "is_partial_month": month == "2011-03-01",
                "month_start": pd.Timestamp(month),
            }
            for segment, months in MONTHS.items()
            for month, revenue, active in months
        ]
    )
    return Marts(customers, profiles, centroids, k_evaluation, run_summary, monthly)


def rgb(colour) -> tuple[float, ...]:
    return tuple(round(c, 6) for c in to_rgb(colour))


def by_gid(figure, prefix: str) -> dict[str, object]:
    return {
        artist.get_gid(): artist
        for artist in figure.findobj(lambda a: (a.get_gid() or "").startswith(prefix))
    }
