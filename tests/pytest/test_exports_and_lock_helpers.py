"""Unit tests for segmentation.exports, and for the lock message with
dbt-duckdb's own connect retries (segmentation.database_lock and
segmentation.dbt_plugin)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import dbt.adapters.duckdb.environments as dbt_duckdb_environments
import pytest
import yaml
from conftest import PROJECT_DIR
from dbt.adapters.duckdb.credentials import DuckDBCredentials, PluginConfig, Retries
from dbt.adapters.duckdb.environments.local import LocalEnvironment
from dbt_common.exceptions import DbtRuntimeError
from lock_holder import holding_database

from segmentation.database_lock import waited_seconds
from segmentation.exports import (
    PBIDS_NAME,
    export_folder,
    export_folder_problem,
    publish_exports,
    staging_path,
)


def test_export_folder_is_made_absolute_from_the_current_directory(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    assert export_folder("out/exports") == str(tmp_path / "out" / "exports")
    assert (tmp_path / "out" / "exports").is_dir()


def test_export_folder_problem_names_what_stops_the_exports(tmp_path, monkeypatch):
    a_file = tmp_path / "exports"
    a_file.write_text("")
    assert export_folder_problem(str(tmp_path)) is None
    # Missing folders are made when the exports are written.
    assert export_folder_problem(str(tmp_path / "new" / "exports")) is None
    assert export_folder_problem(str(a_file)) == f"{a_file} is a file, not a folder"
    assert (
        export_folder_problem(str(a_file / "sub"))
        == f"{a_file} is a file, not a folder"
    )
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    assert (
        export_folder_problem(str(tmp_path / "gone" / "exports"))
        == f"{tmp_path / 'gone'} is a link to nothing"
    )
    # As root, os.access grants everything, so a folder without write
    # permission is simulated.
    monkeypatch.setattr("os.access", lambda path, mode: False)
    assert (
        export_folder_problem(str(tmp_path / "new"))
        == f"this user may not write in {tmp_path}"
    )


def test_publish_moves_every_staged_file_into_place(tmp_path):
    folder = str(tmp_path)
    (tmp_path / "a.parquet").write_text("old a")
    (tmp_path / "b.parquet").write_text("old b")
    Path(staging_path(folder, "a", "run2")).write_text("new a")
    Path(staging_path(folder, "b", "run2")).write_text("new b")
    # Left behind by an earlier run that failed halfway.
    Path(staging_path(folder, "a", "run1")).write_text("stale")

    assert publish_exports(folder, ["a", "b"], "run2") == (
        f"2 marts exported to {folder}"
    )

    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a.parquet",
        "b.parquet",
        PBIDS_NAME,
    ]
    assert (tmp_path / "a.parquet").read_text() == "new a"
    assert (tmp_path / "b.parquet").read_text() == "new b"
    assert json.loads((tmp_path / PBIDS_NAME).read_text()) == {
        "version": "0.1",
        "connections": [
            {
                "details": {"protocol": "folder", "address": {"path": folder}},
                "options": {},
                "mode": "Import",
            }
        ],
    }


def test_publish_replaces_nothing_when_a_staged_file_is_missing(tmp_path):
    folder = str(tmp_path)
    (tmp_path / "a.parquet").write_text("old a")
    Path(staging_path(folder, "a", "run2")).write_text("new a")

    with pytest.raises(FileNotFoundError, match=r"b\.parquet\.tmp-run2"):
        publish_exports(folder, ["a", "b"], "run2")

    assert (tmp_path / "a.parquet").read_text() == "old a"
    assert not (tmp_path / PBIDS_NAME).exists()


def test_waited_seconds_follow_dbt_duckdbs_schedule():
    assert waited_seconds(4) == 15
    assert waited_seconds(1) == 1
    assert waited_seconds(0) == 0


def test_the_profile_waits_15_seconds_in_dbt_duckdb():
    profile = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text())
    output = profile["mall_segmentation"]["outputs"]["dev"]
    assert output["retries"] == {"connect_attempts": 4}
    assert waited_seconds(output["retries"]["connect_attempts"]) == 15


@pytest.fixture
def dbt_duckdb_sleeps(monkeypatch) -> list[float]:
    """dbt-duckdb's sleeps between connect attempts, recorded, not slept."""
    sleeps: list[float] = []
    # Only dbt-duckdb's module sees this clock; the real time.sleep stays.
    monkeypatch.setattr(
        dbt_duckdb_environments, "time", SimpleNamespace(sleep=sleeps.append)
    )
    return sleeps


def dbt_duckdb_environment(
    database: Path, attempts: int, memory_limit: str = "1GB"
) -> LocalEnvironment:
    """dbt-duckdb's own environment, set up as profiles.yml sets it up."""
    return LocalEnvironment(
        DuckDBCredentials(
            database="warehouse",
            schema="main",
            path=str(database),
            settings={"memory_limit": memory_limit},
            retries=Retries(connect_attempts=attempts),
            plugins=[PluginConfig(module="segmentation.dbt_plugin")],
        )
    )


def test_a_held_lock_gives_up_with_a_clear_message(tmp_path, dbt_duckdb_sleeps):
    database = tmp_path / "warehouse.duckdb"
    environment = dbt_duckdb_environment(database, 3)
    with holding_database(database) as holder:
        with pytest.raises(DbtRuntimeError) as raised:
            environment.handle()
        assert dbt_duckdb_sleeps == [1, 2, 4]
        # The rest of the run fails at once, without waiting again.
        with pytest.raises(DbtRuntimeError) as again:
            environment.handle()
    assert dbt_duckdb_sleeps == [1, 2, 4]
    message = raised.value.msg
    assert message.startswith(
        f"The database file {database} is locked by another program ("
    )
    assert message.endswith(
        f", PID {holder.pid}); still locked after waiting 7 s. Close that"
        " program (for example Power BI Desktop or a DuckDB client that has the"
        " file open) and run the build again, or point Power BI at the Parquet"
        " exports, which never lock the database (see docs/power_bi.md)."
    )
    assert again.value.msg == message


def test_a_lock_freed_during_the_last_wait_is_taken(tmp_path, dbt_duckdb_sleeps):
    database = tmp_path / "warehouse.duckdb"
    environment = dbt_duckdb_environment(database, 3)
    with holding_database(database) as holder:

        def sleep(seconds: float) -> None:
            dbt_duckdb_sleeps.append(seconds)
            if len(dbt_duckdb_sleeps) == 3:  # dbt-duckdb's last sleep
                holder.stdin.close()
                holder.wait(timeout=30)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(dbt_duckdb_environments, "time", SimpleNamespace(sleep=sleep))
            connection = environment.handle()
    assert dbt_duckdb_sleeps == [1, 2, 4]
    assert connection.cursor().execute("select 42").fetchall() == [(42,)]
    connection.close()


def test_connects_at_once_when_nobody_holds_the_lock(tmp_path, dbt_duckdb_sleeps):
    environment = dbt_duckdb_environment(tmp_path / "warehouse.duckdb", 4)
    connection = environment.handle()
    assert connection.cursor().execute("select 42").fetchall() == [(42,)]
    connection.close()
    assert dbt_duckdb_sleeps == []


def test_other_open_errors_end_in_one_sentence(tmp_path, dbt_duckdb_sleeps):
    database = tmp_path / "missing" / "warehouse.duckdb"
    environment = dbt_duckdb_environment(database, 3)
    with pytest.raises(DbtRuntimeError) as raised:
        environment.handle()
    # dbt-duckdb retries every IOException, this one too; no last look.
    assert dbt_duckdb_sleeps == [1, 2, 4]
    assert raised.value.msg == (
        f"Cannot open the database file {database}: IO Error: Cannot open"
        f' file "{database}": No such file or directory'
    )
    with pytest.raises(DbtRuntimeError) as again:
        environment.handle()
    assert again.value.msg == raised.value.msg
    assert dbt_duckdb_sleeps == [1, 2, 4]


def test_a_setting_duckdb_refuses_ends_in_one_sentence(tmp_path, dbt_duckdb_sleeps):
    # DBT_DUCKDB_MEMORY_LIMIT=abc: dbt-duckdb set it on each new cursor, and
    # the build ended in a traceback that named no variable.
    environment = dbt_duckdb_environment(tmp_path / "warehouse.duckdb", 4, "abc")
    with pytest.raises(DbtRuntimeError) as raised:
        environment.handle()
    assert raised.value.msg == (
        "Invalid DuckDB setting memory_limit = 'abc' (from"
        " DBT_DUCKDB_MEMORY_LIMIT): Parser Error: Memory must have a number"
        " (e.g. 1GB)"
    )
    assert dbt_duckdb_sleeps == []
    assert not (tmp_path / "warehouse.duckdb").exists()
