"""File work behind the Parquet exports for Power BI.

DuckDB writes each mart to a staging file next to its final name (``COPY``
in macros/export_marts.sql); these functions create the folder, then move
every staged file onto its final name with ``os.replace``. A rename within
one folder is atomic, so a reader (Power BI refreshing, say) opens either
the previous complete file or the new complete file, never half a file.
The dbt-duckdb plugin in ``segmentation.dbt_plugin`` makes them callable
from SQL.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

PBIDS_NAME = "segmentation_exports.pbids"
# Staged files end ".tmp-<dbt invocation id>": never ".parquet", so a folder
# listing filtered on the extension never shows one.
STAGING_MARKER = ".tmp-"


def export_folder(folder: str) -> str:
    """The folder as an absolute path, created if missing.

    A relative folder is taken from the current directory.
    """
    path = Path(folder).expanduser().absolute()
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


def export_folder_problem(folder: str) -> str | None:
    """Why the exports could not be written into ``folder``, or None.

    Asked before a build runs any node, so that a folder the exports cannot
    go to stops it at once, not after every model and test has run. Nothing
    is created here; a missing folder is fine when its nearest existing
    parent is a folder this process may write in.
    """
    path = Path(folder).expanduser().absolute()
    for existing in (path, *path.parents):
        try:
            if not existing.exists():
                if existing.is_symlink():
                    return f"{existing} is a link to nothing"
                continue
        except OSError as error:
            return f"{existing} cannot be read ({error.strerror})"
        if not existing.is_dir():
            return f"{existing} is a file, not a folder"
        if not os.access(existing, os.W_OK | os.X_OK):
            return f"this user may not write in {existing}"
        return None
    return None


def staging_path(folder: str, mart: str, run_id: str) -> str:
    """Where DuckDB writes ``mart`` before it is moved into place."""
    return str(Path(folder) / f"{mart}.parquet{STAGING_MARKER}{run_id}")


def pbids_document(folder: str) -> dict:
    """A Power BI data source file that opens Get Data on ``folder``.

    The format (version "0.1", one connection, protocol "folder") is the
    Folder example in Microsoft's "Data sources in Power BI Desktop" page.
    With the mode given, Power BI does not ask for one; files are imported.
    """
    return {
        "version": "0.1",
        "connections": [
            {
                "details": {"protocol": "folder", "address": {"path": folder}},
                "options": {},
                "mode": "Import",
            }
        ],
    }


def publish_exports(folder: str, marts: list[str], run_id: str) -> str:
    """Move each staged ``<mart>.parquet`` into place, then write the .pbids.

    Every mart is staged before anything is replaced, so a failure while
    writing leaves the previous exports as they were. The renames follow
    each other, so for a few milliseconds some marts are new and others
    old; each file on its own is always complete. Staged files from earlier
    runs that failed halfway are removed.
    """
    root = Path(folder)
    staged = {
        Path(staging_path(folder, mart, run_id)): root / f"{mart}.parquet"
        for mart in marts
    }
    missing = [str(path) for path in staged if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"staged export missing: {', '.join(missing)}")
    for source, target in staged.items():
        os.replace(source, target)
    write_atomically(root / PBIDS_NAME, json.dumps(pbids_document(folder), indent=2))
    for leftover in root.glob(f"*.parquet{STAGING_MARKER}*"):
        leftover.unlink(missing_ok=True)
    return f"{len(marts)} marts exported to {folder}"


def write_atomically(path: Path, text: str) -> None:
    staged = path.with_name(path.name + STAGING_MARKER + str(os.getpid()))
    staged.write_text(text + "\n", encoding="utf-8")
    os.replace(staged, path)
