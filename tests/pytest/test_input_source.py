"""The input in dbt's lineage: a file given with raw_customers_path is the
source customer_file.customers, and the seed is the input only without one."""

from __future__ import annotations

import json

from conftest import FIXTURES

STG = "model.mall_segmentation.stg_customers"
SEED = "seed.mall_segmentation.mall_customers"
SOURCE = "source.mall_segmentation.customer_file.customers"


def manifest(build) -> dict:
    return json.loads((build.database.parent / "target" / "manifest.json").read_text())


def nodes_run(build) -> set[str]:
    results = build.database.parent / "target" / "run_results.json"
    return {
        result["unique_id"] for result in json.loads(results.read_text())["results"]
    }


def test_a_file_is_the_source_parent_of_staging(format_variants_build):
    built = manifest(format_variants_build)
    assert built["nodes"][STG]["depends_on"]["nodes"] == [SOURCE]
    source = built["sources"][SOURCE]
    # dbt-duckdb reads the source through its external_location.
    assert source["relation_name"] == source["config"]["external_location"]
    assert source["relation_name"] == (
        f"read_csv('{FIXTURES / 'format_variants.csv'}', header = true,"
        " all_varchar = true, delim = ',', quote = '\"', escape = '\"',"
        " store_rejects = true, hive_partitioning = false)"
    )


def test_a_run_on_a_file_neither_loads_nor_lists_the_seed(format_variants_build):
    assert SEED not in manifest(format_variants_build)["nodes"]
    assert SEED not in nodes_run(format_variants_build)
    tables = format_variants_build.query(
        "select table_schema || '.' || table_name from information_schema.tables"
        " where table_name = 'mall_customers'"
    )
    assert tables == []
    # The stg_customers unit tests feed fixture rows to the seed, so they
    # only run without a file; the 5 intermediate ones run either way.
    unit_tests = {
        uid for uid in nodes_run(format_variants_build) if uid.startswith("unit_test.")
    }
    assert len(unit_tests) == 5
    assert not any(".stg_customers." in uid for uid in unit_tests)


def test_without_a_file_the_seed_is_the_parent(bundled_build):
    built = manifest(bundled_build)
    assert built["nodes"][STG]["depends_on"]["nodes"] == [SEED]
    assert built["sources"] == {}
    assert [node["unique_id"] for node in built["disabled"][SOURCE]] == [SOURCE]
    assert SEED in nodes_run(bundled_build)
    assert bundled_build.query("select count(*) from raw.mall_customers") == [(200,)]
    # Without a file, the stg_customers unit tests (fixture rows fed to the
    # seed) run too: this build is the only one where they can.
    staging_unit_tests = {
        uid
        for uid in nodes_run(bundled_build)
        if uid.startswith("unit_test.mall_segmentation.stg_customers.")
    }
    assert len(staging_unit_tests) == 4
