"""`make build`: the marts, then the figures and the docs site side by side.

    .venv/bin/python -m python_plots.make_build      (from the project folder)

1. `dbt parse`, once.
2. `dbt build --exclude-resource-type unit_test`: the marts and their Parquet
   exports. The unit tests check the SQL on fixed rows, not the data, and
   each runs ahead of its model; `make test` runs them.
3. `dbt compile --select resource_type:analysis` and
   `dbt docs generate --static --no-compile`: target/static_index.html. The
   build compiled every other node already. The compile starts from an
   empty analyses folder, so no analysis an earlier run compiled (the order
   lines', say) is left there. When it succeeds, the build's
   run_results.json is put back: that is the run a user looks for. When it
   fails, its own stays, for `dbt retry`.
4. python_plots/render_figures.py: python_plots/figures/.

At 200 customers a build is mostly fixed costs: starting Python, importing
dbt, parsing the project, compiling each node. So the dbt commands run in
this process, through dbt's programmatic entry point (dbtRunner, the same
click command as the `dbt` executable): dbt is imported once, and every
command starts from the manifest the parse made, with what the commands
before it compiled (the docs took 6 s on their own, 1.3 s this way). The
figures script starts at once in its own process and imports Matplotlib and
pandas on the other core while dbt parses and builds. Once the marts are
built it reads them and closes the database, and draws while dbt writes the
docs site.

dbt allocates heavily, so the garbage collector is set before dbt is
imported (segmentation/gc_tuning.py; the project's dbt-duckdb plugin does
the same for plain dbt commands, but only once the parse is done).

The output is what the commands print one after the other would be, then
the docs site's path, then the figures' line. Exits 0 when all succeed. A
failed parse or build stops there: no figures, no docs.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from segmentation.gc_tuning import collect_less_often

FIGURES_SCRIPT = Path(__file__).resolve().parent / "render_figures.py"
# dbt's target folder (relative to the project folder, where make runs) and
# what make build keeps in order there.
TARGET = Path(os.environ.get("DBT_PROJECT_DIR", ".")) / os.environ.get(
    "DBT_TARGET_PATH", "target"
)
RUN_RESULTS = "run_results.json"
STATIC_INDEX = "static_index.html"
COMPILED_ANALYSES = Path("compiled", "mall_segmentation", "analyses")

# The build writes the manifest again at its end, with what it compiled.
PARSE = ["parse", "--quiet", "--no-write-json"]
BUILD = ["build", "--exclude-resource-type", "unit_test"]
# The build compiled every other node; the docs site shows the analyses'
# SQL too, as `dbt docs generate` would have compiled it.
ANALYSES = ["compile", "--select", "resource_type:analysis", "--quiet"]
DOCS = ["docs", "generate", "--static", "--no-compile"]

# The `dbt` executable's exit codes (dbt.cli.main's ExitCodes).
SUCCESS, FAILURE, UNHANDLED = 0, 1, 2


# run_dbt and release_database are also how the tests' dbt workers run
# commands one after another in one process (tests/pytest/dbt_workers.py).
def run_dbt(args: list[str], manifest: Any = None) -> int:
    """One dbt command as the `dbt` executable runs it; its exit code.

    Given a parsed ``manifest`` (see parse_project), dbt starts from it
    instead of parsing the project again, and leaves in it what the command
    compiled.
    """
    return _exit_code(_invoke(args, manifest))


def parse_project() -> tuple[int, Any]:
    """`dbt parse`: its exit code, and the manifest when it succeeded."""
    result = _invoke(PARSE, None)
    return _exit_code(result), result.result if result.success else None


def _invoke(args: list[str], manifest: Any) -> Any:
    from dbt.cli.main import dbtRunner

    result = dbtRunner(manifest=manifest).invoke(args)
    if isinstance(result.exception, KeyboardInterrupt):
        raise result.exception
    return result


def _exit_code(result: Any) -> int:
    if result.success:
        return SUCCESS
    return FAILURE if result.exception is None else UNHANDLED


def release_database() -> None:
    """Close the DuckDB file of the dbt command that just ended, so that
    another process can open it.

    dbt-duckdb keeps one database per process in a class attribute and only
    closes it when the next command opens another file, or at exit; its
    public close_all_connections drops the reference without closing.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
        # Its warnings are "once per dbt execution": the next command's own.
        DuckDBConnectionManager._LOGGED_MESSAGES.clear()
    if environment is not None:
        environment.close()
    # Relations a Python model left behind hold the database open too.
    gc.collect()


def main(figures_out: Path | None = None) -> int:
    """The steps above; ``figures_out`` replaces the figures' folder."""
    collect_less_often()
    out = [] if figures_out is None else ["--out", str(figures_out)]
    figures = subprocess.Popen(
        [sys.executable, str(FIGURES_SCRIPT), *out, "--wait-for-go"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        built, manifest = parse_project()
        if built == SUCCESS:
            built = run_dbt(BUILD, manifest)
        if built != SUCCESS:
            figures.communicate("stop\n")
            return built
        release_database()
        figures.stdin.write("go\n")
        figures.stdin.close()
        # "marts loaded" once the script has closed the database; nothing if
        # it failed (it says why on stderr).
        figures.stdout.readline()
        results = TARGET / RUN_RESULTS
        # None when dbt writes no artifacts (DBT_WRITE_JSON=false).
        build_results = results.read_bytes() if results.exists() else None
        shutil.rmtree(TARGET / COMPILED_ANALYSES, ignore_errors=True)
        documented = run_dbt(ANALYSES, manifest)
        if documented == SUCCESS:
            if build_results is not None:
                results.write_bytes(build_results)
            documented = run_dbt(DOCS, manifest)
        if documented == SUCCESS:
            # dbt names the catalog it wrote, not the page to open.
            print(f"Docs site written to {(TARGET / STATIC_INDEX).resolve()}")
        sys.stdout.write(figures.stdout.read())
        drawn = figures.wait()
    finally:
        if figures.poll() is None:
            figures.kill()
            figures.wait()
    if documented != SUCCESS:
        return documented
    return SUCCESS if drawn == 0 else FAILURE


if __name__ == "__main__":
    sys.exit(main())
