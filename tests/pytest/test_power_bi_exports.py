"""End to end: the Parquet exports and .pbids file for Power BI, and what a
failed or partial build does to them (a locked database and a reader during
a build: test_exports_while_locked_or_read.py)."""

from __future__ import annotations

import json
import re
from concurrent.futures import Future
from pathlib import Path

import duckdb
from conftest import MARTS, started_with_session
from dbt_runs import DATA_BUILD, DbtResult, passed, run_dbt, start_in_background
from export_copies import (
    copy_of_exports,
    exports_of,
    file_bytes,
)

from segmentation.exports import PBIDS_NAME

# Rows per mart on the bundled data (k = 5, two clustering features, no
# rejected rows).
BUNDLED_ROW_COUNTS = {
    "customer_segments": 200,
    "segment_profiles": 5,
    "segment_centroids": 10,
    "k_evaluation": 9,
    "rejected_customer_rows": 0,
    "segmentation_run_summary": 1,
}


def marts_in_database(build: DbtResult) -> list[str]:
    return [
        name
        for (name,) in build.query(
            "select table_name from information_schema.tables"
            " where table_schema = 'marts' order by table_name"
        )
    ]


def mart_models_in_manifest(build: DbtResult) -> dict[str, dict]:
    manifest = json.loads(
        (build.database.parent / "target" / "manifest.json").read_text()
    )
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }


def column_types(con, relation: str) -> list[tuple[str, str]]:
    return con.sql(
        f"select column_name, column_type from (describe select * from {relation})"
    ).fetchall()


def start_build_exporting_to_a_copy(
    bundled: Future[DbtResult], tmp_path: Path, *args: str, vars: dict | None = None
) -> Future[tuple[DbtResult, bool]]:
    """A `dbt build` exporting to a copy of the bundled build's exports (once
    that build is done), in the background: its result, and whether every
    file in the copy came through byte for byte."""

    def build() -> tuple[DbtResult, bool]:
        folder = copy_of_exports(exports_of(passed(bundled)), tmp_path)
        before = file_bytes(folder)
        result = run_dbt(
            tmp_path / "warehouse.duckdb",
            *DATA_BUILD,
            *args,
            vars=vars,
            env={"SEGMENTATION_EXPORT_DIR": str(folder)},
        )
        return result, file_bytes(folder) == before

    return start_in_background(build)


@started_with_session("bundled_build")
def builds_on_copies(folders, shared) -> dict[str, Future[tuple[DbtResult, bool]]]:
    """The builds that must leave the exports untouched, started with the
    session."""
    failed = folders.mktemp("failed")
    # Three customers cannot make five segments.
    three_customers = failed / "three_customers.csv"
    three_customers.write_text(
        "CustomerID,Genre,Age,Annual Income (k$),Spending Score (1-100)\n"
        "1,Male,19,15,39\n2,Male,21,15,81\n3,Female,20,16,6\n"
    )
    warn_error = folders.mktemp("warn_error")
    # 5 customers segmented and 7 rows rejected: most_input_rows_are_segmented
    # warns.
    mostly_rejected = warn_error / "mostly_rejected.csv"
    mostly_rejected.write_text(
        "CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n"
        "1,Male,19,15,39\n2,Male,21,15,81\n3,Female,20,16,6\n"
        "4,Female,23,16,77\n5,Male,31,17,40\n"
        + "".join(f"{i},Male,30,x,50\n" for i in range(6, 13))
    )
    return {
        "failed": start_build_exporting_to_a_copy(
            shared["bundled_build"],
            failed,
            vars={"raw_customers_path": str(three_customers), "n_clusters": 5},
        ),
        # A warning made an error: a test that fails, and nothing skipped.
        "warn error": start_build_exporting_to_a_copy(
            shared["bundled_build"],
            warn_error,
            "--warn-error",
            vars={"raw_customers_path": str(mostly_rejected), "n_clusters": 2},
        ),
        # One mart, which reads no other model.
        "one mart": start_build_exporting_to_a_copy(
            shared["bundled_build"],
            folders.mktemp("one_mart"),
            "--select",
            "reject_reasons",
            # Not the tests that also read the other marts.
            "--indirect-selection",
            "cautious",
        ),
    }


def test_every_mart_is_exported_and_nothing_else(exported):
    build, folder = exported
    marts = marts_in_database(build)
    assert marts == sorted(mart_models_in_manifest(build))
    assert set(MARTS) <= set(marts)
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [f"{mart}.parquet" for mart in marts] + [PBIDS_NAME]
    )
    assert "Parquet exports for Power BI: " in build.output
    assert f"marts exported to {folder}." in build.output


def test_each_export_equals_its_mart_row_for_row_and_type_for_type(exported):
    build, folder = exported
    row_counts = {}
    with duckdb.connect(str(build.database), read_only=True) as con:
        for mart in marts_in_database(build):
            export = f"read_parquet('{folder / mart}.parquet')"
            assert column_types(con, export) == column_types(con, f"marts.{mart}"), mart
            exported_rows = con.sql(f"select * from {export}").fetchall()
            assert exported_rows == (
                con.sql(f"select * from marts.{mart} order by all").fetchall()
            ), mart
            row_counts[mart] = len(exported_rows)
    assert {mart: row_counts[mart] for mart in BUNDLED_ROW_COUNTS} == (
        BUNDLED_ROW_COUNTS
    )


def test_exported_marts_have_enforced_contracts_with_the_export_types(exported):
    build, folder = exported
    models = mart_models_in_manifest(build)
    with duckdb.connect() as con:
        for mart, model in models.items():
            assert model["config"]["contract"]["enforced"] is True, mart
            # DuckDB writes DECIMAL(38,6) where the contract says
            # decimal(38, 6).
            contract = [
                (column["name"], column["data_type"].upper().replace(", ", ","))
                for column in model["columns"].values()
            ]
            export = f"read_parquet('{folder / mart}.parquet')"
            assert column_types(con, export) == contract, mart


# The column each export is sorted on: a unique column its contract keeps
# NOT NULL, so that one sort key orders every row (macros/export_marts.sql).
# The other marts have none and are sorted on every column.
EXPORT_SORT_KEYS = {
    "customer_segments": '"customer_id"',
    "k_evaluation": '"k"',
    "reject_reasons": '"reject_reason_key"',
    "rejected_customer_rows": "None",
    "rejected_transaction_rows": '"source_line_number"',
    "segment_centroids": "None",
    "segment_monthly_sales": "None",
    "segment_profiles": '"segment_id"',
    "segmentation_run_summary": "None",
}


def test_each_export_is_sorted_on_a_column_that_orders_every_row(tmp_path):
    # rejected_customer_rows.source_row_number is unique but NULL for a
    # customer rejected on the join, so it is no such column.
    listing = run_dbt(
        tmp_path / "compile.duckdb",
        "compile",
        "--inline",
        "select '{% for mart in exported_marts() %}{{ mart.name }}="
        "{{ export_sort_key(mart) }};{% endfor %}' as sort_keys",
    )
    assert listing.returncode == 0, listing.output
    found = re.search(r"'((?:\w+=[^;]*;)+)'", listing.output)
    assert found, listing.output
    assert (
        dict(pair.split("=") for pair in found.group(1).rstrip(";").split(";"))
        == EXPORT_SORT_KEYS
    )


def test_pbids_file_opens_the_export_folder(exported):
    _, folder = exported
    pbids = json.loads((folder / PBIDS_NAME).read_text(encoding="utf-8"))
    assert pbids == {
        "version": "0.1",
        "connections": [
            {
                "details": {
                    "protocol": "folder",
                    "address": {"path": str(folder)},
                },
                "options": {},
                "mode": "Import",
            }
        ],
    }
    assert Path(pbids["connections"][0]["details"]["address"]["path"]).is_absolute()


def test_a_failed_build_leaves_the_exports_untouched(builds_on_copies):
    result, unchanged = builds_on_copies["failed"].result()
    assert result.returncode == 1, result.output
    assert "Parquet exports left as they were: the build did not succeed" in (
        result.output
    )
    assert unchanged


def test_a_failed_test_alone_leaves_the_exports_untouched(builds_on_copies):
    # With --warn-error the warning fails its test; nothing else fails or is
    # skipped.
    result, unchanged = builds_on_copies["warn error"].result()
    assert result.returncode == 1, result.output
    assert "FAIL 1 most_input_rows_are_segmented" in result.output
    assert (
        "  Only 5 of the 12 customer rows were segmented; the other 7 are in"
        " marts.rejected_customer_rows: invalid_annual_income_k 7.\n"
    ) in result.output
    # A customer file alone: no line for the file's rows apart from all.
    assert "rows of the customer file" not in result.output
    assert " ERROR=1 SKIP=0 " in result.output
    assert (
        "Parquet exports left as they were: the build did not succeed"
        " (1 nodes failed or were skipped)." in result.output
    )
    assert unchanged


def test_a_build_of_some_marts_leaves_the_exports_untouched(builds_on_copies):
    # Its files would sit beside an earlier run's.
    result, unchanged = builds_on_copies["one mart"].result()
    assert result.returncode == 0, result.output
    assert (
        "Parquet exports left as they were: this build built 1 of the 9 marts,"
        " and the exports come from a build of all of them." in result.output
    )
    assert unchanged
