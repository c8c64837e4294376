"""Unit tests for segmentation.exports and segmentation.database_lock."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from lock_holder import holding_database

from segmentation.database_lock import (
    DatabaseLockedError,
    connect_when_unlocked,
    retry_waits,
)
from segmentation.exports import (
    PBIDS_NAME,
    export_folder,
    publish_exports,
    staging_path,
)


def test_export_folder_is_made_absolute_from_the_current_directory(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    assert export_folder("out/exports") == str(tmp_path / "out" / "exports")
    assert (tmp_path / "out" / "exports").is_dir()


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


def test_retry_waits_follow_dbt_duckdbs_schedule():
    assert retry_waits(6) == [1, 2, 4, 8, 16]
    assert retry_waits(1) == []


def test_a_held_lock_gives_up_with_a_clear_message(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    waits, notices = [], []
    with (
        holding_database(database) as holder,
        pytest.raises(DatabaseLockedError) as raised,
    ):
        connect_when_unlocked(
            str(database), {}, 3, sleep=waits.append, on_wait=notices.append
        )
    assert waits == [1, 2]
    assert notices == [
        f"{database} is locked by another program; trying again in 1 s"
        " (attempt 2 of 3)",
        f"{database} is locked by another program; trying again in 2 s"
        " (attempt 3 of 3)",
    ]
    message = str(raised.value)
    assert message.startswith(
        f"The database file {database} is locked by another program ("
    )
    assert f", PID {holder.pid}); still locked after waiting 3 s." in message
    assert "Close that program" in message
    assert "Parquet exports" in message


def test_connects_at_once_when_nobody_holds_the_lock(tmp_path):
    waits = []
    connection = connect_when_unlocked(
        str(tmp_path / "warehouse.duckdb"), {}, 6, sleep=waits.append
    )
    assert connection.sql("select 42").fetchall() == [(42,)]
    connection.close()
    assert waits == []


def test_other_open_errors_are_not_retried(tmp_path):
    waits = []
    with pytest.raises(duckdb.IOException, match="No such file or directory"):
        connect_when_unlocked(
            str(tmp_path / "missing" / "warehouse.duckdb"), {}, 6, sleep=waits.append
        )
    assert waits == []
