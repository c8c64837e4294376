"""dbt-duckdb plugin (listed under ``plugins`` in profiles.yml).

Three jobs, all hooked into dbt-duckdb's connection set-up so that plain
``dbt build`` gets them, not only ``make build``:

- Lock conflicts. Before dbt-duckdb opens the database file, wait for another
  program's lock as ``retries.connect_attempts`` allows, then fail with one
  clear sentence instead of DuckDB's error and a Python traceback. The
  connection opened here is held until dbt-duckdb has opened its own (same
  process and settings, so DuckDB hands it the same database), so no other
  program can take the lock in between.
- SQL functions. Register the Python functions that macros call from SQL:
  creating the export folder and moving finished files into place
  (macros/export_marts.sql), and asking whether DuckDB can read an input
  file (macros/input_files.sql).
- Start-up time. With the first connection, start importing scikit-learn on
  a background thread. The first Python model would otherwise spend about
  1.5 s on the import before its work; this way most of the import overlaps
  the SQL models before it (DuckDB releases the GIL while it runs a query).
  Commands that run no Python model (dbt test, docs generate, sqlfluff's
  dbt templater) pay that import for nothing, alongside their own work.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import threading
from typing import Any

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin
from dbt.adapters.events.logging import AdapterLogger
from dbt_common.exceptions import DbtRuntimeError

from segmentation.database_lock import DatabaseLockedError, connect_when_unlocked
from segmentation.exports import export_folder, publish_exports, staging_path
from segmentation.input_checks import reader_problem

logger = AdapterLogger("DuckDB")


def _import_quietly(module: str) -> None:
    # On failure the Python model imports it again and reports the error in
    # its own node, where a user looks for it.
    with contextlib.suppress(Exception):
        importlib.import_module(module)


@functools.cache
def import_clustering_in_background() -> threading.Thread:
    """Import segmentation.kmeans (and so scikit-learn) off the main thread,
    once per process. A Python model's own import then waits for it to finish
    instead of starting again."""
    thread = threading.Thread(
        target=_import_quietly,
        args=("segmentation.kmeans",),
        name="import-clustering",
        daemon=True,
    )
    thread.start()
    return thread


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self._early_connection: duckdb.DuckDBPyConnection | None = None
        # Once the lock wait has timed out, later connection attempts in the
        # same dbt run fail at once instead of waiting again.
        self._gave_up: str | None = None

    def update_connection_config(self, creds, config: dict[str, Any]) -> None:
        path = creds.path
        if path == ":memory:" or path.startswith("md:"):
            return
        if self._gave_up:
            raise DbtRuntimeError(self._gave_up)
        attempts = creds.retries.connect_attempts if creds.retries else 1
        try:
            self._early_connection = connect_when_unlocked(
                path, dict(config), attempts, on_wait=logger.info
            )
        except DatabaseLockedError as locked:
            self._gave_up = str(locked)
            raise DbtRuntimeError(self._gave_up) from None
        except duckdb.Error as error:
            raise DbtRuntimeError(
                f"Cannot open the database file {path}: {error}"
            ) from None

    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        if self._early_connection is not None:
            self._early_connection.close()
            self._early_connection = None
        import_clustering_in_background()
        conn.create_function(
            "segmentation_export_folder",
            export_folder,
            ["VARCHAR"],
            "VARCHAR",
            side_effects=True,
        )
        conn.create_function(
            "segmentation_staging_path",
            staging_path,
            ["VARCHAR", "VARCHAR", "VARCHAR"],
            "VARCHAR",
        )
        conn.create_function(
            "segmentation_reader_problem",
            reader_problem,
            ["VARCHAR"],
            "VARCHAR",
            null_handling="special",
        )
        conn.create_function(
            "segmentation_publish_exports",
            publish_exports,
            ["VARCHAR", "VARCHAR[]", "VARCHAR"],
            "VARCHAR",
            side_effects=True,
        )
