"""End to end: the Parquet exports and .pbids file for Power BI, and what a
failed build or a locked database does to them."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import MARTS, started_with_session
from dbt_runs import DATA_BUILD, DbtResult, passed, run_dbt, start_in_background
from lock_holder import holding_database

from segmentation.exports import PBIDS_NAME, STAGING_MARKER

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


def exports_of(build: DbtResult) -> tuple[DbtResult, Path]:
    return build, build.database.parent / "exports"


@pytest.fixture(scope="module")
def exported(bundled_build) -> tuple[DbtResult, Path]:
    """The bundled build and the folder it exported to (read only: tests
    that build change a copy of it)."""
    return exports_of(bundled_build)


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


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def copy_of_exports(exported, tmp_path: Path) -> Path:
    _, folder = exported
    return Path(shutil.copytree(folder, tmp_path / "exports"))


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


def seconds_in_dbt(output: str) -> int:
    """From dbt's first printed line to its last, by their timestamps (the
    run may wait in line for a worker before dbt starts)."""
    stamps = [
        int(hours) * 3600 + int(minutes) * 60 + int(seconds)
        for hours, minutes, seconds in re.findall(
            r"^(?:\x1b\[0m)?(\d\d):(\d\d):(\d\d)  ", output, re.MULTILINE
        )
    ]
    return (stamps[-1] - stamps[0]) % 86_400


@dataclass
class LockedRuns:
    locked: DbtResult
    holder_pid: int
    before: dict[str, bytes]
    after_locked: dict[str, bytes]
    freed: DbtResult
    after_freed: dict[str, bytes]
    export_folder: Path


@started_with_session("bundled_build")
def locked_runs(folders, shared) -> Future[LockedRuns]:
    """A build while another process holds the database, then the same
    build once it has let go; in the background, started with the session,
    as the first one waits about 15 s for the lock."""
    tmp_path = folders.mktemp("locked")

    def run() -> LockedRuns:
        folder = copy_of_exports(exports_of(passed(shared["bundled_build"])), tmp_path)
        before = file_bytes(folder)
        database = tmp_path / "warehouse.duckdb"
        env = {"SEGMENTATION_EXPORT_DIR": str(folder)}
        with holding_database(database) as holder:
            locked = run_dbt(database, *DATA_BUILD, env=env)
        after_locked = file_bytes(folder)
        # The holder has exited: the same build now goes through.
        freed = run_dbt(database, *DATA_BUILD, env=env)
        return LockedRuns(
            locked, holder.pid, before, after_locked, freed, file_bytes(folder), folder
        )

    return start_in_background(run)


def test_a_locked_database_fails_clearly_and_loses_nothing(locked_runs):
    runs = locked_runs.result()
    seconds = seconds_in_dbt(runs.locked.output)
    print(f"locked build gave up after {seconds} s")
    assert runs.locked.returncode != 0
    output = runs.locked.output
    # DuckDB names the holder by its resolved executable; the PID is exact.
    database = runs.locked.database
    assert f"The database file {database} is locked by another program (" in output
    assert (
        f", PID {runs.holder_pid}); still locked after waiting 15 s. Close that"
        " program (for example Power BI Desktop or a DuckDB client that has the"
        " file open) and run the build again, or point Power BI at the Parquet"
        " exports, which never lock the database (see docs/power_bi.md)."
    ) in output
    assert "Traceback" not in output
    # dbt-duckdb's connect attempts, then the plugin's last look at 15 s:
    # it cannot have given up sooner (how much later depends on the load).
    assert seconds >= 15
    assert runs.after_locked == runs.before

    assert runs.freed.returncode == 0, runs.freed.output
    assert f"marts exported to {runs.export_folder}." in runs.freed.output
    assert sorted(runs.after_freed) == sorted(runs.before)


# Each read opens the file once and parses what that handle gives. (pyarrow's
# pq.read_table(path) opens the path more than once per read, so a rename
# between two opens can pair one file's footer with another's pages; no
# writer can prevent that, see docs/power_bi.md.) The reader reads the file
# once, says it is ready, then only looks at the folder and the file (their
# change times, the file's inode) until one changes: the exports are written
# at the build's end, and reading in a loop through the whole build took
# about 10 s of the CPU the other tests need. From the first change on, it
# reads in a loop until told to stop, and it says whether it saw the change
# before then and how many reads it made from the change on.
READER = """
import json, os, pathlib, sys, time
import pyarrow.parquet as pq

export, stop = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
reads, segment_counts, errors = 0, set(), []

def read():
    global reads
    try:
        with export.open("rb") as handle:
            table = pq.read_table(handle)
        assert table.num_rows == 200, table.num_rows
        segment_counts.add(len(set(table.column("segment_id").to_pylist())))
        reads += 1
    except Exception as error:
        errors.append(repr(error))

def state():
    folder, file = os.stat(export.parent), os.stat(export)
    return folder.st_mtime_ns, file.st_mtime_ns, file.st_ino

read()
unchanged = state()
print("ready", flush=True)
while state() == unchanged and not stop.exists():
    time.sleep(0.005)
saw_the_change = not stop.exists()
reads_before_change = reads
while not stop.exists():
    read()
print(json.dumps({"saw_the_change": saw_the_change,
                  "reads_from_the_change": reads - reads_before_change,
                  "segment_counts": sorted(segment_counts),
                  "errors": errors[:5]}))
"""


def test_a_reader_always_sees_a_complete_file_while_a_build_replaces_it(
    exported, tmp_path
):
    folder = copy_of_exports(exported, tmp_path)
    export = folder / "customer_segments.parquet"
    # A read that started before the build: its open handle must keep
    # giving the old, complete file however the new one is written.
    started_read = export.open("rb")
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(export), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout.readline() == "ready\n"
    # Three segments instead of five, so the reader can tell the files apart.
    rebuilt = run_dbt(
        tmp_path / "warehouse.duckdb",
        *DATA_BUILD,
        vars={"n_clusters": 3},
        env={"SEGMENTATION_EXPORT_DIR": str(folder)},
    )
    time.sleep(0.5)
    stop.touch()
    seen = json.loads(reader.communicate(timeout=60)[0])

    with started_read:
        old_file = pq.read_table(io.BytesIO(started_read.read()))
    assert rebuilt.returncode == 0, rebuilt.output
    assert len(set(old_file.column("segment_id").to_pylist())) == 5
    assert len(set(pq.read_table(export).column("segment_id").to_pylist())) == 3
    assert seen["errors"] == []
    assert seen["segment_counts"] == [3, 5]
    assert seen["saw_the_change"]
    # 387 and 487 reads when this test ran alone here (the exports and the
    # half second after the build); fewer while the suite keeps both cores
    # busy, so the count is printed, not asserted.
    print(f"reads from the change on: {seen['reads_from_the_change']}")
    assert not [p.name for p in folder.iterdir() if STAGING_MARKER in p.name]
