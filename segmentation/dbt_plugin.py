"""dbt-duckdb plugin (listed under ``plugins`` in profiles.yml).

Five jobs, all hooked into dbt-duckdb's connection set-up so that plain
``dbt build`` gets them, not only ``make build``:

- Opening the database. dbt-duckdb waits for another program's lock as
  ``retries.connect_attempts`` in profiles.yml allows. When it gives up, or
  DuckDB refuses a setting of the profile (DBT_DUCKDB_MEMORY_LIMIT=abc), the
  build stops with one clear sentence instead of DuckDB's error and a Python
  traceback, and the rest of the run fails at once instead of waiting again.
- SQL functions. Register the Python functions that macros call from SQL:
  checking and creating the export folder and moving finished files into
  place (macros/export_marts.sql), the input file checks DuckDB cannot do
  itself (macros/check_input_files.sql, segmentation/input_checks.py), and
  the check that every --vars key is a var of dbt_project.yml
  (segmentation/var_names.py).
- Start-up time. When the command builds models (dbt build, run, retry),
  start importing scikit-learn on a background thread with the first
  connection. The first Python model would otherwise spend about 1.5 s on
  the import before its work; this way most of the import overlaps the SQL
  models before it (DuckDB releases the GIL while it runs a query). Other
  commands (dbt test, compile, docs generate, sqlfluff's dbt templater) run
  no Python model: the import would only hold the GIL against their work.
- Running queries. A connection is closed, and the process exits, only
  once no query is running on it (segmentation/running_queries.py): a
  `dbt compile` stopped by a refused file closed them under its other
  thread's query.
- Garbage collection. When the command opens its database, after the parse,
  the collector's young-generation threshold goes up, and Python's repeated
  collections at exit are cut to one (segmentation/gc_tuning.py): 905
  collections instead of 1,488 in a 200-row build, and fewer at exit, the
  same objects freed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib
import threading
from typing import Any

import duckdb
from dbt.adapters.duckdb.environments.local import LocalEnvironment
from dbt.adapters.duckdb.plugins import BasePlugin
from dbt.adapters.duckdb.utils import escape_sql_string
from dbt.flags import get_flags
from dbt_common.exceptions import DbtRuntimeError

from segmentation.database_lock import LOCK_ERROR, locked_message, waited_seconds
from segmentation.exports import (
    export_folder,
    export_folder_problem,
    publish_exports,
    staging_path,
)
from segmentation.gc_tuning import collect_less_often, freeze_at_exit
from segmentation.input_checks import (
    file_size,
    first_line_not_utf8,
    gzip_problem,
    header_cells,
    is_file_named_like_a_pattern,
    is_folder,
    is_same_file,
    mixed_line_endings,
    not_csv_reason,
    parquet_columns,
    read_problem,
    reader_problem,
    special_file_kind,
)
from segmentation.line_numbers import line_number_at
from segmentation.running_queries import (
    close_after_running_query,
    wait_for_queries_at_exit,
)
from segmentation.var_names import declared_var_names, unknown_vars_message

# The dbt commands that run Python models (dbt's name for the command).
BUILDS_MODELS = frozenset({"build", "run", "retry"})


def dbt_command() -> str | None:
    """The running dbt command; None where dbt has set no flags (sqlfluff's
    templater, the tests)."""
    return getattr(get_flags(), "WHICH", None)


def _import_quietly(module: str) -> None:
    # On failure the Python model imports it again and reports the error in
    # its own node, where a user looks for it.
    with contextlib.suppress(Exception):
        importlib.import_module(module)


def unknown_vars(given: list[str]) -> str | None:
    """segmentation_unknown_vars(): the refusal of --vars keys that
    dbt_project.yml does not declare, or NULL."""
    project_dir = getattr(get_flags(), "PROJECT_DIR", None) or "."
    return unknown_vars_message(given, declared_var_names(project_dir))


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


# The profile's settings that an environment variable sets (profiles.yml).
SETTING_VARIABLES = {"memory_limit": "DBT_DUCKDB_MEMORY_LIMIT"}


def settings_problem(settings: dict[str, Any] | None) -> str | None:
    """Why DuckDB refuses a profile setting that an environment variable
    sets, in one line; None when it takes them. dbt-duckdb applies settings
    to each cursor it opens, where a bad value (DBT_DUCKDB_MEMORY_LIMIT=abc)
    ends in a traceback that names no variable; here they are tried first
    on a database in memory. Other settings may need the warehouse's
    extensions or schemas, so they are left to dbt-duckdb."""
    given = {
        key: value
        for key, value in (settings or {}).items()
        if key in SETTING_VARIABLES
    }
    if not given:
        return None
    probe = duckdb.connect(":memory:")
    try:
        for key, value in given.items():
            try:
                probe.execute(f"SET {key} = '{escape_sql_string(value)}'")
            except duckdb.Error as error:
                return (
                    f"Invalid DuckDB setting {key} = {value!r} (from"
                    f" {SETTING_VARIABLES[key]}): {error}"
                )
    finally:
        probe.close()
    return None


@functools.cache
def explain_failed_opens(environment: type = LocalEnvironment) -> None:
    """Make ``environment``'s ``initialize_db``, where dbt-duckdb retries its
    connect, end a failure in one sentence; once per process.

    Hand-made because dbt-duckdb cannot do it: it re-raises DuckDB's last
    error as it is (dbt prints a traceback, and every later connection of the
    run waits again), gives plugins no hook after a failed connect, and
    sleeps after its last failed attempt too without looking again; one more
    look then keeps the file tried at 0, 1, 3, 7 and 15 s.
    """
    dbt_duckdb_initialize_db = environment.initialize_db.__func__

    def initialize_db(cls, creds, plugins=None):
        try:
            return dbt_duckdb_initialize_db(cls, creds, plugins)
        except duckdb.Error as error:
            failure = error
        locked = LOCK_ERROR in str(failure)
        if locked and creds.retries:
            try:
                once = dataclasses.replace(creds, retries=None)
                return dbt_duckdb_initialize_db(cls, once, plugins)
            except duckdb.Error as error:
                failure = error
                locked = LOCK_ERROR in str(failure)
        if locked:
            waited = (
                waited_seconds(creds.retries.connect_attempts) if creds.retries else 0
            )
            message = locked_message(creds.path, str(failure), waited)
        else:
            message = f"Cannot open the database file {creds.path}: {failure}"
        for plugin in (plugins or {}).values():
            if isinstance(plugin, Plugin):
                plugin.gave_up = message
        raise DbtRuntimeError(message) from None

    environment.initialize_db = classmethod(initialize_db)


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        # Once opening the database has failed, later connections in the same
        # dbt run fail at once instead of waiting again.
        self.gave_up: str | None = None
        explain_failed_opens()
        collect_less_often()
        freeze_at_exit()
        close_after_running_query()
        wait_for_queries_at_exit()

    def update_connection_config(self, creds, config: dict[str, Any]) -> None:
        if not self.gave_up:
            self.gave_up = settings_problem(creds.settings)
        if self.gave_up:
            raise DbtRuntimeError(self.gave_up)

    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        if dbt_command() in BUILDS_MODELS:
            import_clustering_in_background()
        conn.create_function(
            "segmentation_unknown_vars",
            unknown_vars,
            ["VARCHAR[]"],
            "VARCHAR",
            null_handling="special",
        )
        conn.create_function(
            "segmentation_export_folder",
            export_folder,
            ["VARCHAR"],
            "VARCHAR",
            side_effects=True,
        )
        conn.create_function(
            "segmentation_export_folder_problem",
            export_folder_problem,
            ["VARCHAR"],
            "VARCHAR",
            null_handling="special",
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
            "segmentation_mixed_line_endings",
            mixed_line_endings,
            ["VARCHAR"],
            "VARCHAR",
            null_handling="special",
        )
        conn.create_function(
            "segmentation_is_folder", is_folder, ["VARCHAR"], "BOOLEAN"
        )
        conn.create_function(
            "segmentation_read_problem",
            read_problem,
            ["VARCHAR"],
            "VARCHAR",
            null_handling="special",
            side_effects=True,
        )
        conn.create_function(
            "segmentation_file_size",
            file_size,
            ["VARCHAR"],
            "BIGINT",
            null_handling="special",
        )
        conn.create_function(
            "segmentation_special_file_kind",
            special_file_kind,
            ["VARCHAR"],
            "VARCHAR",
            null_handling="special",
        )
        conn.create_function(
            "segmentation_is_same_file",
            is_same_file,
            ["VARCHAR", "VARCHAR"],
            "BOOLEAN",
        )
        conn.create_function(
            "segmentation_is_file_named_like_a_pattern",
            is_file_named_like_a_pattern,
            ["VARCHAR"],
            "BOOLEAN",
        )
        conn.create_function(
            "segmentation_header_cells", header_cells, ["VARCHAR"], "VARCHAR"
        )
        conn.create_function(
            "segmentation_not_csv_reason",
            not_csv_reason,
            ["VARCHAR"],
            "VARCHAR",
            null_handling="special",
        )
        conn.create_function(
            "segmentation_first_line_not_utf8",
            first_line_not_utf8,
            ["VARCHAR"],
            "VARCHAR",
            null_handling="special",
        )
        conn.create_function(
            "segmentation_line_number_at",
            line_number_at,
            ["VARCHAR", "BIGINT"],
            "BIGINT",
            null_handling="special",
        )
        conn.create_function(
            "segmentation_parquet_columns",
            parquet_columns,
            ["VARCHAR"],
            "STRUCT(name VARCHAR, nested BOOLEAN)[]",
            null_handling="special",
        )
        conn.create_function(
            "segmentation_gzip_problem",
            gzip_problem,
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
