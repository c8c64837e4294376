"""`make build`'s order (python_plots/make_build.py): the figures start at
once but read the marts only after the build, the docs open the database
only once the figures have closed it, and a failed build stops there.

dbt is replaced here by stand-ins that record their calls: the real
commands are tested where they run (the end-to-end builds, the docs site
and the figures tests).
"""

from __future__ import annotations

import shutil
import time

import duckdb
import pytest

from python_plots import make_build

BUILD_SECONDS = 5


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    database = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("DBT_DUCKDB_PATH", str(database))
    return database


def stand_in_dbt(monkeypatch, build_code, marts, database):
    """make_build.run_dbt replaced: the build copies ``marts`` into place
    (when it succeeds); the docs open the database for writing, as dbt
    does, which fails while the figures still hold it."""
    calls = []

    def run_dbt(args):
        calls.append(args)
        if args == make_build.BUILD and build_code == make_build.SUCCESS:
            # As long as a real build: figures read too early would find no
            # database (their imports take about 2 s here).
            time.sleep(BUILD_SECONDS)
            shutil.copy(marts, database)
        if args == make_build.DOCS:
            duckdb.connect(str(database)).close()
        return build_code if args == make_build.BUILD else make_build.SUCCESS

    monkeypatch.setattr(make_build, "run_dbt", run_dbt)
    return calls


def test_a_good_build_gives_the_figures_and_the_docs(
    bundled_build, warehouse, tmp_path, monkeypatch, capsys
):
    calls = stand_in_dbt(
        monkeypatch, make_build.SUCCESS, bundled_build.database, warehouse
    )
    out_dir = tmp_path / "figures"
    assert make_build.main(figures_out=out_dir) == make_build.SUCCESS
    assert calls == [make_build.BUILD, make_build.DOCS]
    assert capsys.readouterr().out == (
        f"Wrote 8 figures and {out_dir / 'index.html'}\n"
    )
    assert len(list(out_dir.glob("*.png"))) == 8


def test_a_failed_build_stops_before_the_figures_and_the_docs(
    warehouse, tmp_path, monkeypatch, capsys
):
    calls = stand_in_dbt(monkeypatch, make_build.FAILURE, None, warehouse)
    out_dir = tmp_path / "figures"
    assert make_build.main(figures_out=out_dir) == make_build.FAILURE
    assert calls == [make_build.BUILD]
    assert capsys.readouterr().out == ""
    assert not out_dir.exists()
