"""The contract constraints that stand in for data tests really refuse bad
rows: the playbook's (for its seed tests), the marts' check constraints
(for range and allowed-value tests) and the unique constraints of
reject_reasons. DuckDB enforces them while a model's table is built, so
they cost no node of their own. Each case damages a copy of a built
warehouse and expects DuckDB to refuse it.
"""

from __future__ import annotations

from concurrent.futures import Future

import duckdb
import pytest
from conftest import started_with_session
from dbt_runs import DbtResult, copy_warehouse, damage, start_on_copy

# (bad playbook edit, DuckDB's error)
BAD_PLAYBOOK_EDITS = [
    pytest.param(
        "update raw.segment_playbook set income_level = 'hi'"
        " where playbook_rule_id = 2",
        'CHECK constraint failed on table "stg_segment_playbook__dbt_tmp"'
        " with"
        " expression CHECK((income_level IN ('low', 'average', 'high',"
        " 'any')))",
        id="unknown-level",
    ),
    pytest.param(
        "update raw.segment_playbook set playbook_rule_id = 1"
        " where playbook_rule_id = 2",
        'PRIMARY KEY or UNIQUE constraint violation: duplicate key "1"',
        id="repeated-rule-id",
    ),
    pytest.param(
        "update raw.segment_playbook set age_level = 'any',"
        " income_level = 'any', spending_level = 'any'"
        " where playbook_rule_id = 2",
        "PRIMARY KEY or UNIQUE constraint violation: duplicate key"
        ' "any, any, any, any, any, any"',
        id="repeated-pattern",
    ),
    pytest.param(
        "update raw.segment_playbook set recommended_action = null"
        " where playbook_rule_id = 2",
        "NOT NULL constraint failed: stg_segment_playbook__dbt_tmp.recommended_action",
        id="missing-action",
    ),
]


@started_with_session("bundled_build")
def playbook_runs(folders, shared) -> dict[str, Future[DbtResult]]:
    """`dbt run` of the playbook on a copy of the bundled build with each
    bad edit, all started with the session; keyed by the edit."""
    return {
        bad_edit: start_on_copy(
            shared["bundled_build"],
            folders.mktemp("playbook"),
            "run",
            "--select",
            "stg_segment_playbook",
            prepare=lambda copy, bad_edit=bad_edit: damage(copy, bad_edit),
        )
        for bad_edit in (case.values[0] for case in BAD_PLAYBOOK_EDITS)
    }


@pytest.mark.parametrize(("bad_edit", "error"), BAD_PLAYBOOK_EDITS)
def test_a_bad_playbook_edit_stops_the_build(playbook_runs, bad_edit, error):
    result = playbook_runs[bad_edit].result()
    assert result.returncode == 1, result.output
    assert "Runtime Error in model stg_segment_playbook" in result.output
    assert error in result.output
    # The previous, valid playbook is still there.
    assert result.query("select count(*) from staging.stg_segment_playbook") == [(35,)]


# Each mart's ranges and allowed values are check constraints of its
# contract (models/marts/_marts__models.yml): DuckDB refuses a row that
# breaks one, so a build stops before such a row reaches a mart.
CHECKS_PER_MART = {
    "customer_segments": 13,
    "k_evaluation": 7,
    "reject_reasons": 1,
    "segment_centroids": 3,
    "segment_monthly_sales": 3,
    "segment_profiles": 9,
}


def test_every_mart_holds_its_check_constraints(bundled_build):
    assert (
        dict(
            bundled_build.query(
                "select table_name, count(*) from duckdb_constraints()"
                " where schema_name = 'marts' and constraint_type = 'CHECK'"
                " group by all order by all"
            )
        )
        == CHECKS_PER_MART
    )


@pytest.mark.parametrize(
    ("statement", "check"),
    [
        (
            "update marts.customer_segments set age = 121 where customer_id = 1",
            '"customer_segments" with expression CHECK((age BETWEEN 0 AND 120))',
        ),
        (
            "update marts.segment_profiles set age_level = 'very high'",
            "\"segment_profiles\" with expression CHECK((age_level IN ('low',"
            " 'average', 'high')))",
        ),
        (
            "update marts.k_evaluation set silhouette = 1.5 where k = 2",
            '"k_evaluation" with expression CHECK((silhouette BETWEEN -1 AND 1))',
        ),
    ],
    ids=["age", "age_level", "silhouette"],
)
def test_a_mart_refuses_a_value_its_contract_rules_out(
    bundled_build, tmp_path, statement, check
):
    copy = copy_warehouse(bundled_build, tmp_path / "copy")
    with pytest.raises(duckdb.ConstraintException) as refused:
        damage(copy, statement)
    assert (
        str(refused.value)
        == f"Constraint Error: CHECK constraint failed on table {check}"
    )


# Two rules of one input with the same place, or the same code: what the
# two unique constraints of reject_reasons refuse (the list is the macro
# reject_reasons(), so a slip there fails the build that builds the mart).
DUPLICATE_RULE = (
    "insert into marts.reject_reasons select reject_reason_key || '_copy',"
    " {reason}, input_name, description, detail_template, clustering_feature,"
    " {order} from marts.reject_reasons where reject_reason_key ="
    " 'customers:invalid_age'"
)


@pytest.mark.parametrize(
    ("statement", "key"),
    [
        (
            DUPLICATE_RULE.format(reason="'invalid_height'", order="rule_order"),
            "input_name: customers, rule_order: 5",
        ),
        (
            DUPLICATE_RULE.format(reason="reject_reason", order="99"),
            "input_name: customers, reject_reason: invalid_age",
        ),
    ],
    ids=["same-place", "same-code"],
)
def test_the_reject_reasons_refuse_a_rule_twice(
    bundled_build, tmp_path, statement, key
):
    copy = copy_warehouse(bundled_build, tmp_path / "copy")
    with pytest.raises(duckdb.ConstraintException) as refused:
        damage(copy, statement)
    assert str(refused.value) == (
        f'Constraint Error: Duplicate key "{key}" violates unique constraint.'
    )
