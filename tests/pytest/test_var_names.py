"""The names of the project's vars, and the refusal of any other --vars key
(segmentation/var_names.py); the refused build is in test_pipeline_vars.py."""

from __future__ import annotations

from segmentation.var_names import declared_var_names, unknown_vars_message

DECLARED = ["k_min", "k_max", "n_clusters", "segmentation_features"]


def test_declared_names_come_from_dbt_project_yml_in_order(tmp_path):
    (tmp_path / "dbt_project.yml").write_text(
        "name: shop\nvars:\n  zeta: 1\n  alpha: null\n  # a comment\n  mid: [a, b]\n"
    )
    assert declared_var_names(tmp_path) == ["zeta", "alpha", "mid"]
    # Scoped under the project's name, as dbt allows.
    (tmp_path / "dbt_project.yml").write_text(
        "name: shop\nvars:\n  top: 1\n  shop:\n    inner: 2\n    deeper: {a: 1}\n"
    )
    assert declared_var_names(tmp_path) == ["top", "inner", "deeper"]
    (tmp_path / "dbt_project.yml").write_text("name: shop\nvars:\n")
    assert declared_var_names(tmp_path) == []


def test_declared_names_pass():
    assert unknown_vars_message(["n_clusters", "k_max"], DECLARED) is None
    assert unknown_vars_message([], DECLARED) is None


def test_an_unknown_name_is_named_with_the_closest_declared_one():
    assert unknown_vars_message(["k_max", "n_cluster"], DECLARED) == (
        "Unknown var 'n_cluster' (did you mean 'n_clusters'?): this project"
        " reads only k_min, k_max, n_clusters, segmentation_features"
        " (dbt_project.yml)."
    )


def test_names_are_case_sensitive_and_a_name_like_none_gets_no_guess():
    assert unknown_vars_message(["Seed", "K_MAX"], DECLARED) == (
        "Unknown vars 'Seed', 'K_MAX' (did you mean 'k_max'?): this project"
        " reads only k_min, k_max, n_clusters, segmentation_features"
        " (dbt_project.yml)."
    )
