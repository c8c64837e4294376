"""The bundled build's Parquet exports, and copies of them for the tests
that build over exports and must show what the build did to them."""

from __future__ import annotations

import shutil
from pathlib import Path

from dbt_runs import DbtResult


def exports_of(build: DbtResult) -> tuple[DbtResult, Path]:
    return build, build.database.parent / "exports"


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def copy_of_exports(exported, tmp_path: Path) -> Path:
    _, folder = exported
    return Path(shutil.copytree(folder, tmp_path / "exports"))
