"""The clustering vars: forced k, other features, and refused values (the
input paths' too)."""

from __future__ import annotations

import json
from concurrent.futures import Future

import numpy as np
import pandas as pd
import pytest
from conftest import PROJECT_DIR, started_with_session
from dbt_runs import DATA_BUILD, REFUSED_BUILD, DbtResult, passed, start_dbt
from refusals import nodes_started
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

SEED_CSV = PROJECT_DIR / "seeds" / "mall_customers.csv"
SEED_COLUMNS = ["Age", "Annual Income (k$)", "Spending Score (1-100)"]
K_RANGE_VARS = {
    "k_min": 3,
    "k_max": 4,
    "segmentation_features": "spending_score,age",
    # k = 3 has the better silhouette but is below min_segments; at k = 4,
    # seeds 7 and 42 find different segments.
    "min_segments": 4,
    "random_seed": 7,
    # Set in dbt_project.yml for a store's order lines, it is ignored on a
    # run without them.
    "currency": "£",
}
# Only k = 2 and 3 keep every segment above 15% of the customers; k = 5 has
# the best silhouette. At k = 6, 7, 9 and 10 seeds 7 and 42 differ.
SHARE_LIMIT_VARS = {"min_segment_share": 0.15, "random_seed": 7}
INCOME_AND_SCORE = ["Annual Income (k$)", "Spending Score (1-100)"]


def plain_kmeans(columns: list[str], k: int, seed: int) -> KMeans:
    """The textbook fit on the seed: population z-scores of ``columns``,
    KMeans(k, n_init=10), on one OpenMP thread as the pipeline fits inputs
    this small (more threads add the sums in another order)."""
    z = StandardScaler().fit_transform(pd.read_csv(SEED_CSV)[columns])
    with threadpool_limits(limits=1, user_api="openmp"):
        return KMeans(n_clusters=k, n_init=10, random_state=seed).fit(z)


K_RANGE_SQL = (
    "select '{{ segmentation_settings().k_min }} to"
    " {{ segmentation_settings().k_max }}' as k_range"
)


# (vars, the message that refuses them)
INVALID_VARS = [
    (
        {"n_clusters": 1},
        "Invalid var 'n_clusters': 1. Allowed values: null (choose k by"
        " silhouette) or an integer from 2 to 20.",
    ),
    (
        {"n_clusters": "five"},
        "Invalid var 'n_clusters': \"five\". Allowed values: null (choose k"
        " by silhouette) or an integer from 2 to 20.",
    ),
    (
        {"k_min": 6, "k_max": 4},
        "Invalid var 'k_max': 4. Allowed values: an integer from k_min (6) to 20.",
    ),
    (
        # The rule could choose no k of at least 5 segments among 2 to 4.
        {"k_max": 4, "min_segments": 5},
        "Invalid var 'min_segments': 5. Allowed values: null (3 with order"
        " lines, else 2) or an integer from 2 to k_max (4).",
    ),
    (
        # Not true, so no unit test would run, but it is likely meant as
        # false or true: refused, on a file too (where the var counts).
        {"raw_customers_path": str(SEED_CSV), "run_unit_tests": "no"},
        "Invalid var 'run_unit_tests': \"no\". Allowed values: true or false.",
    ),
    (
        {"k_min": 1},
        "Invalid var 'k_min': 1. Allowed values: an integer from 2 to 20.",
    ),
    (
        {"segmentation_features": ["age", "height"]},
        'Invalid var \'segmentation_features\': ["age", "height"]. Allowed'
        " values: a non-empty list chosen from age, annual_income_k,"
        " spending_score, each at most once.",
    ),
    (
        {"segmentation_features": ["monetary"]},
        "Invalid var 'segmentation_features': [\"monetary\"]. Allowed values:"
        " a non-empty list chosen from age, annual_income_k, spending_score"
        " (monetary: only with an order-lines file, raw_transactions_path),"
        " each at most once.",
    ),
    (
        {"segmentation_features": []},
        "Invalid var 'segmentation_features': []. Allowed values: a non-empty"
        " list chosen from age, annual_income_k, spending_score.",
    ),
    (
        # An empty path is a given path, not "no file" (the configs enable
        # the file's source for it), and is refused on-run-start.
        {"raw_customers_path": ""},
        "Invalid var 'raw_customers_path': \"\". Allowed values: null (the"
        " bundled seed) or the path of a CSV, .csv.gz or Parquet file.",
    ),
    (
        {"raw_transactions_path": "  "},
        "Invalid var 'raw_transactions_path': \"  \". Allowed values: null"
        " (no order lines) or the path of a CSV, .csv.gz or Parquet file.",
    ),
    (
        # One file, spelled two ways: refused for missing order-line
        # columns, it would hide the slip.
        {
            "raw_customers_path": str(SEED_CSV),
            "raw_transactions_path": f"{SEED_CSV.parent}/./{SEED_CSV.name}",
        },
        f"Invalid var 'raw_transactions_path': \"{SEED_CSV.parent}/./"
        f'{SEED_CSV.name}". Allowed values: null (no order lines) or the path'
        " of a CSV, .csv.gz or Parquet file of order lines, not the customer"
        " file (raw_customers_path).",
    ),
    (
        # It dates order lines only; without them it is a likely mistake.
        {"as_of_date": "2011-12-10"},
        "Invalid var 'as_of_date': \"2011-12-10\". Allowed values: null"
        " without an order-lines file (as_of_date needs raw_transactions_path).",
    ),
    (
        # A text with a quote stays JSON, so that its end is clear.
        {"slash_date_order": 'd"m'},
        'Invalid var \'slash_date_order\': "d\\"m". Allowed values:'
        " month_first (12/1/2010 is 1 December, as in UCI's export) or"
        " day_first (1/12/2010 is 1 December).",
    ),
    (
        # Checked with or without order lines; shown as typed, not as
        # JSON's \u00a3.
        {"currency": "GBP (£) sterling"},
        "Invalid var 'currency': \"GBP (£) sterling\". Allowed values: null"
        " (no unit shown) or the currency as the figures should write it, 1"
        " to 10 printable characters without spaces at either end, such as £"
        " or GBP.",
    ),
    (
        # YAML, not JSON: unquoted, this is a datetime, which JSON cannot
        # hold; the message shows it as written.
        "{as_of_date: 2011-12-10 10:00:00}",
        "Invalid var 'as_of_date': \"2011-12-10 10:00:00\". Allowed values:"
        " null (the day after the latest sale line) or a date written"
        " YYYY-MM-DD, before the year 9999.",
    ),
    (
        # YAML text, though it reads as a number: the message says so.
        "{min_segment_share: 1e-3}",
        "Invalid var 'min_segment_share': \"1e-3\". Allowed values: a number"
        " from 0 to below 0.5. YAML reads 1e-3 as text; write the number in"
        " plain digits.",
    ),
    (
        # 0.5 would leave only an exact half-and-half split with k = 2.
        {"min_segment_share": 0.5},
        "Invalid var 'min_segment_share': 0.5. Allowed values: a number from 0"
        " to below 0.5.",
    ),
    (
        {"model_selection_sample_rows": 99},
        "Invalid var 'model_selection_sample_rows': 99. Allowed values: an"
        " integer from 100 to 100000000.",
    ),
    (
        {"silhouette_sample_rows": 1_000_001},
        "Invalid var 'silhouette_sample_rows': 1000001. Allowed values: an"
        " integer from 100 to 1000000.",
    ),
    (
        {"random_seed": -1},
        "Invalid var 'random_seed': -1. Allowed values: an integer from 0 to"
        " 4294967295.",
    ),
    (
        # dbt itself ignores a var nothing reads: these would have clustered
        # on the default features and chosen k, without a word.
        {"segmentation_feature": ["age"], "n_clusters": 3, "colour": "red"},
        "Unknown vars 'segmentation_feature' (did you mean"
        " 'segmentation_features'?), 'colour': this project reads only"
        " raw_customers_path, raw_transactions_path, non_product_stock_codes,"
        " as_of_date, slash_date_order, currency, segmentation_features,"
        " log_transformed_features, k_min, k_max, min_segments,"
        " min_segment_share, n_clusters, random_seed,"
        " model_selection_sample_rows, silhouette_sample_rows, run_unit_tests"
        " (dbt_project.yml).",
    ),
]


@started_with_session()
def runs(folders, shared) -> dict[str, Future[DbtResult]]:
    """Every build of this module, all started with the session: the k
    range, the share limit, and each refused vars by their JSON."""

    def start(vars: dict | str, build: tuple[str, ...]) -> Future[DbtResult]:
        database = folders.mktemp("vars") / "warehouse.duckdb"
        return start_dbt(database, *build, vars=vars)

    return {
        "k range": start(K_RANGE_VARS, DATA_BUILD),
        "share limit": start(SHARE_LIMIT_VARS, DATA_BUILD),
        # The settings as the models read them, without building any.
        "min_segments above the default k_max": start(
            {"min_segments": 12},
            ("compile", "--inline", K_RANGE_SQL),
        ),
        **{json.dumps(vars): start(vars, REFUSED_BUILD) for vars, _ in INVALID_VARS},
    }


def test_forced_k_with_three_features(three_feature_build):
    result = three_feature_build
    assert result.query(
        "select k, selection_reason from marts.k_evaluation where is_selected"
    ) == [(3, "forced by n_clusters")]
    assert result.query(
        "select count(*), count(distinct segment_id) from marts.customer_segments"
    ) == [(200, 3)]
    assert result.query(
        "select feature, count(*) from marts.segment_centroids"
        " group by feature order by feature"
    ) == [("age", 3), ("annual_income_k", 3), ("spending_score", 3)]
    # Plain scikit-learn (population z-scores, KMeans(3, n_init=10,
    # random_state=42)) puts 68, 41 and 91 customers round centroids at
    # z (age, income, score) of about (-0.93, -0.68, 0.13), (-0.43, 1.02,
    # 1.16) and (0.89, 0.05, -0.62): in segment order, by age first. At the
    # ±0.5 bands those are the names, age first.
    assert result.query(
        "select segment_name, customer_count from marts.segment_profiles"
        " order by segment_id"
    ) == [
        ("Younger · Low income · Average spending", 68),
        ("Middle-aged · High income · High spending", 41),
        ("Older · Average income · Low spending", 91),
    ]
    data = pd.read_csv(SEED_CSV)
    plain = plain_kmeans(SEED_COLUMNS, 3, seed=42)
    ours = dict(
        result.query("select customer_id, segment_id from marts.customer_segments")
    )
    assert adjusted_rand_score(
        plain.labels_, [ours[i] for i in data["CustomerID"]]
    ) == pytest.approx(1.0)


def test_k_range_and_comma_separated_features(runs):
    result = passed(runs["k range"])
    assert result.query("select k from marts.k_evaluation order by k") == [(3,), (4,)]
    assert result.query(
        "select k_min, k_max, currency from marts.segmentation_run_summary"
    ) == [(3, 4, None)]
    assert result.query(
        "select distinct feature from marts.segment_centroids order by feature"
    ) == [("age",), ("spending_score",)]
    assert result.query(
        "select k, is_actionable, is_selected, selection_reason"
        " from marts.k_evaluation order by k"
    ) == [
        (3, False, False, None),
        (4, True, True, "best silhouette among actionable k"),
    ]
    # The final fit takes random_seed too: plain scikit-learn from seed 7,
    # on the features in the pipeline's order (age first, whatever the
    # var's), centroids sorted as the pipeline sorts them.
    plain = plain_kmeans(["Age", "Spending Score (1-100)"], 4, seed=7).cluster_centers_
    plain = plain[np.lexsort(plain.T[::-1])]
    ours = result.query(
        "select centroid_z from marts.segment_centroids"
        " order by segment_id, feature_position"
    )
    assert np.allclose(np.array(ours).reshape(4, 2), plain, rtol=1e-9, atol=1e-12)


def test_the_share_limit_and_the_seed_reach_the_clustering(runs):
    result = passed(runs["share limit"])
    assert result.query(
        "select min_segment_share, random_seed from marts.segmentation_run_summary"
    ) == [(0.15, 7)]
    rows = result.query(
        "select k, inertia, is_actionable, selection_reason"
        " from marts.k_evaluation order by k"
    )
    assert [(k, actionable, reason) for k, _, actionable, reason in rows] == [
        (2, True, None),
        (3, True, "best silhouette among actionable k"),
        *[(k, False, None) for k in range(4, 11)],
    ]
    for k, inertia, _, _ in rows:
        plain = plain_kmeans(INCOME_AND_SCORE, k, seed=7)
        assert inertia == pytest.approx(plain.inertia_, rel=1e-9), k


def test_the_default_k_max_reaches_min_segments(runs):
    # Without k_max, k runs up to min_segments when it is above the
    # default 10, so that the rule has a k to choose.
    result = passed(runs["min_segments above the default k_max"])
    assert "'2 to 12' as k_range" in result.output


@pytest.mark.parametrize(("vars", "message"), INVALID_VARS)
def test_invalid_vars_stop_the_build_before_any_model(runs, vars, message):
    result = runs[json.dumps(vars)].result()
    assert result.returncode != 0
    assert message in result.output
    assert not nodes_started(result), result.output
