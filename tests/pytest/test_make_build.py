"""`make build`'s order (python_plots/make_build.py): the project is parsed
once and every later command starts from that manifest, the figures start at
once but read the marts only after the build, the docs open the database
only once the figures have closed it, and a failed parse or build stops
there.

dbt is replaced here by stand-ins that record their calls, and so is the
figures script where the drawing is not checked: the real commands are
tested where they run (the end-to-end builds, the docs site and the figures
tests).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import duckdb
import pytest

from python_plots import make_build

BUILD_SECONDS = 5
FIGURES_STAND_IN = Path(__file__).with_name("figures_stand_in.py")


@pytest.fixture(autouse=True)
def target(tmp_path, monkeypatch):
    """dbt's target folder, with an analysis an earlier run compiled."""
    target = tmp_path / "target"
    stale = target / make_build.COMPILED_ANALYSES / "order_lines"
    stale.mkdir(parents=True)
    (stale / "order_lines_monthly_sales.sql").write_text("select 2")
    monkeypatch.setattr(make_build, "TARGET", target)
    return target


@pytest.fixture
def figures_stand_in(monkeypatch):
    """The figures' handshake without the drawing, for the tests that check
    only dbt's commands (the good build draws for real)."""
    monkeypatch.setattr(make_build, "FIGURES_SCRIPT", FIGURES_STAND_IN)


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    database = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("DBT_DUCKDB_PATH", str(database))
    return database


MANIFEST = object()


def stand_in_dbt(
    monkeypatch,
    marts,
    database,
    parse_code=make_build.SUCCESS,
    build_code=make_build.SUCCESS,
    analyses_code=make_build.SUCCESS,
):
    """make_build.parse_project and run_dbt replaced: the parse gives
    MANIFEST; the build copies ``marts`` into place (when it succeeds); the
    docs open the database for writing, as dbt does, which fails while the
    figures still hold it. Each call is recorded with the manifest given."""
    calls = []

    def parse_project():
        calls.append((make_build.PARSE, None))
        return parse_code, MANIFEST if parse_code == make_build.SUCCESS else None

    def run_dbt(args, manifest=None):
        calls.append((args, manifest))
        # Each command writes its results, as dbt does; docs generate
        # writes catalog.json instead.
        if args != make_build.DOCS:
            (make_build.TARGET / make_build.RUN_RESULTS).write_text(repr(args))
        if args == make_build.ANALYSES:
            analyses = make_build.TARGET / make_build.COMPILED_ANALYSES
            analyses.mkdir(parents=True)
            (analyses / "eda_summary_statistics.sql").write_text("select 1")
        if args == make_build.BUILD and build_code == make_build.SUCCESS:
            # As long as a real build: figures read too early would find no
            # database (their imports take about 2 s here).
            time.sleep(BUILD_SECONDS)
            shutil.copy(marts, database)
        if args == make_build.DOCS:
            duckdb.connect(str(database)).close()
        if args == make_build.ANALYSES:
            return analyses_code
        return build_code if args == make_build.BUILD else make_build.SUCCESS

    monkeypatch.setattr(make_build, "parse_project", parse_project)
    monkeypatch.setattr(make_build, "run_dbt", run_dbt)
    return calls


def test_a_good_build_gives_the_figures_and_the_docs(
    bundled_build, warehouse, target, tmp_path, monkeypatch, capsys
):
    calls = stand_in_dbt(monkeypatch, bundled_build.database, warehouse)
    out_dir = tmp_path / "figures"
    assert make_build.main(figures_out=out_dir) == make_build.SUCCESS
    # What the README promises: every model and data test (the unit tests
    # are make test's), the analyses compiled for the docs site, the site.
    assert calls == [
        (["parse", "--quiet", "--no-write-json"], None),
        (["build", "--exclude-resource-type", "unit_test"], MANIFEST),
        (["compile", "--select", "resource_type:analysis", "--quiet"], MANIFEST),
        (["docs", "generate", "--static", "--no-compile"], MANIFEST),
    ]
    assert capsys.readouterr().out == (
        f"Docs site written to {(target / 'static_index.html').resolve()}\n"
        f"Wrote 8 figures and {out_dir / 'index.html'}\n"
    )
    assert len(list(out_dir.glob("*.png"))) == 8
    # The build's results, not the analyses compile's; only this run's
    # analyses.
    assert (target / make_build.RUN_RESULTS).read_text() == repr(make_build.BUILD)
    assert sorted(
        path.relative_to(target / make_build.COMPILED_ANALYSES).as_posix()
        for path in (target / make_build.COMPILED_ANALYSES).rglob("*.sql")
    ) == ["eda_summary_statistics.sql"]


@pytest.mark.parametrize(
    ("parse_code", "build_code", "commands"),
    [
        (make_build.SUCCESS, make_build.FAILURE, [make_build.PARSE, make_build.BUILD]),
        (make_build.UNHANDLED, make_build.SUCCESS, [make_build.PARSE]),
    ],
    ids=["build fails", "parse fails"],
)
def test_a_failed_parse_or_build_stops_before_the_figures_and_the_docs(
    parse_code,
    build_code,
    commands,
    figures_stand_in,
    warehouse,
    tmp_path,
    monkeypatch,
    capsys,
):
    calls = stand_in_dbt(monkeypatch, None, warehouse, parse_code, build_code)
    out_dir = tmp_path / "figures"
    assert make_build.main(figures_out=out_dir) == max(parse_code, build_code)
    assert [args for args, _ in calls] == commands
    assert capsys.readouterr().out == ""
    assert not out_dir.exists()


def test_a_failed_analyses_compile_keeps_its_results_for_dbt_retry(
    bundled_build, figures_stand_in, warehouse, target, tmp_path, monkeypatch, capsys
):
    calls = stand_in_dbt(
        monkeypatch,
        bundled_build.database,
        warehouse,
        analyses_code=make_build.FAILURE,
    )
    assert make_build.main(figures_out=tmp_path / "figures") == make_build.FAILURE
    # The figures were under way: they had their "go" after the build.
    assert (tmp_path / "figures").is_dir()
    assert [args for args, _ in calls] == [
        make_build.PARSE,
        make_build.BUILD,
        make_build.ANALYSES,
    ]
    assert (target / make_build.RUN_RESULTS).read_text() == repr(make_build.ANALYSES)
    # No docs site, so no line naming it.
    assert "Docs site" not in capsys.readouterr().out
