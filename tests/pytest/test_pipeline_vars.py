"""The clustering vars: forced k, other features, and refused values."""

from __future__ import annotations

import json
from concurrent.futures import Future

import pytest
from conftest import DbtResult, passed, start_dbt

K_RANGE_VARS = {"k_min": 3, "k_max": 4, "segmentation_features": "spending_score,age"}


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
        {"segmentation_features": []},
        "Invalid var 'segmentation_features': []. Allowed values: a non-empty"
        " list chosen from age, annual_income_k, spending_score.",
    ),
    (
        {"random_seed": -1},
        "Invalid var 'random_seed': -1. Allowed values: an integer from 0 to"
        " 4294967295.",
    ),
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Future[DbtResult]]:
    """Every build of this module, all started as it starts: the k range,
    and each refused vars by their JSON."""

    def start(vars: dict) -> Future[DbtResult]:
        database = tmp_path_factory.mktemp("vars") / "warehouse.duckdb"
        return start_dbt(database, "build", vars=vars)

    return {
        "k range": start(K_RANGE_VARS),
        **{json.dumps(vars): start(vars) for vars, _ in INVALID_VARS},
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
    names = [
        name
        for (name,) in result.query(
            "select segment_name from marts.segment_profiles order by segment_id"
        )
    ]
    assert len(set(names)) == 3
    # Three features give three words per name, age first.
    assert all(len(name.split(" · ")) == 3 for name in names)
    assert all(
        name.split(" · ")[0] in {"Younger", "Middle-aged", "Older"}
        or name.split(" · ")[0] in {"Youngest", "Oldest"}
        for name in names
    )


def test_k_range_and_comma_separated_features(runs):
    result = passed(runs["k range"])
    assert result.query("select k from marts.k_evaluation order by k") == [(3,), (4,)]
    assert result.query(
        "select distinct feature from marts.segment_centroids order by feature"
    ) == [("age",), ("spending_score",)]


@pytest.mark.parametrize(("vars", "message"), INVALID_VARS)
def test_invalid_vars_stop_the_build_before_any_model(runs, vars, message):
    result = runs[json.dumps(vars)].result()
    assert result.returncode != 0
    assert message in result.output
    assert "START sql" not in result.output
    assert "START seed" not in result.output
