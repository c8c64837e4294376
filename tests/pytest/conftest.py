"""Shared fixtures: run `dbt build` into a throw-away DuckDB file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
SHARED_DATA = PROJECT_DIR.parent / "shared" / "data"
DBT = Path(sys.executable).with_name("dbt")

MARTS = (
    "customer_segments",
    "segment_profiles",
    "segment_centroids",
    "k_evaluation",
    "rejected_customer_rows",
    "segmentation_run_summary",
)


@dataclass
class DbtResult:
    returncode: int
    output: str
    database: Path

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.sql(sql).fetchall()

    def mart_rows(self, name: str) -> list[tuple]:
        """All rows of a mart in a stable order (every column sorted)."""
        return self.query(f"select * from marts.{name} order by all")


def run_dbt(
    database: Path,
    *args: str,
    vars: dict | None = None,
    work_dir: Path | None = None,
    env: dict[str, str] | None = None,
) -> DbtResult:
    """Run a dbt command against ``database``; never raises on dbt failure.

    Each call gets its own target and log folders, so tests can run dbt side
    by side without sharing partial-parse state.
    """
    work_dir = work_dir or database.parent
    command = [
        str(DBT),
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]
    if vars:
        command += ["--vars", json.dumps(vars)]
    full_env = {
        **os.environ,
        "DBT_DUCKDB_PATH": str(database),
        "DBT_PROJECT_DIR": str(PROJECT_DIR),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        # Builds export their marts to Parquet; keep that out of the project.
        "SEGMENTATION_EXPORT_DIR": str(work_dir / "exports"),
        **(env or {}),
    }
    done = subprocess.run(
        command,
        cwd=PROJECT_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return DbtResult(done.returncode, done.stdout + done.stderr, database)


def copy_warehouse(build: DbtResult, folder: Path) -> Path:
    """A copy of ``build``'s database in ``folder``, under the same file name
    (so the same DuckDB catalog name), for a test that changes it."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(build.database, folder / build.database.name))


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory) -> DbtResult:
    """One `dbt build` of the bundled data, shared by read-only tests."""
    database = tmp_path_factory.mktemp("bundled") / "warehouse.duckdb"
    result = run_dbt(database, "build")
    assert result.returncode == 0, result.output
    return result


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(
            "../shared/data is absent (as in a user's own clone); the dirty"
            " Mall file is read from there in place"
        )
    return SHARED_DATA


FIXTURES = Path(__file__).resolve().parent / "fixtures"
