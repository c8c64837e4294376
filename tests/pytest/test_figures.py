"""The figures side script: files, sizes, colours and its refusal messages."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import render_figures
from conftest import PROJECT_DIR, THREE_FEATURES
from dbt.config.profile import read_profile
from dbt.config.renderer import ProfileRenderer
from dbt_common.context import set_invocation_context
from figure_style import percent_text, segment_colour, share_text, signed, value_text
from galleries import MALL_GALLERY
from mart_data import database_path, load_marts
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb
from matplotlib.image import imread
from matplotlib.patches import Rectangle
from segment_figures import plot_segment_profiles
from segment_planes import plot_segments_feature_pairs, plot_segments_income_spending

SCRIPT = PROJECT_DIR / "python_plots" / "render_figures.py"


def render(database: Path, out_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out_dir)],
        env={**os.environ, "DBT_DUCKDB_PATH": str(database)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_valid_pngs(out_dir: Path, names: list[str]) -> None:
    for name in names:
        # imread decodes the whole image, so a truncated file fails here.
        height, width, _ = imread(out_dir / name).shape
        assert width >= 600, name
        assert height >= 400, name


def scatter_collections(figure, prefix: str) -> dict[int, PathCollection]:
    found = figure.findobj(
        lambda artist: (
            isinstance(artist, PathCollection)
            and (artist.get_gid() or "").startswith(prefix)
        )
    )
    return {int(artist.get_gid().removeprefix(prefix)): artist for artist in found}


def distinct_colours(collections) -> set[tuple[float, ...]]:
    return {
        tuple(round(channel, 6) for channel in colour[:3])
        for collection in collections
        for colour in collection.get_facecolors()
    }


@pytest.fixture(scope="module")
def bundled_marts(bundled_build):
    return load_marts(bundled_build.database)


@pytest.fixture(scope="module")
def bundled_render(bundled_build, tmp_path_factory):
    """The figures of the bundled build, drawn while another process holds
    the file open read-only, as Power BI or a SQL client would; a writer
    could not open it now, a reader can. Read by the test below."""
    out_dir = tmp_path_factory.mktemp("bundled_figures")
    # Drawn into a folder an order-lines run drew into before (its page
    # shows its figures), beside files of the user's own.
    earlier = ["10_segment_monthly_sales.png", "09_segments_clustering_features.png"]
    for name in [*earlier, "notes.png", "99_segment_extra_copy.png"]:
        (out_dir / name).write_bytes(b"earlier")
    (out_dir / "index.html").write_text(
        "".join(f'<img src="{name}" alt="">' for name in earlier), encoding="utf-8"
    )
    with duckdb.connect(str(bundled_build.database), read_only=True):
        done = render(bundled_build.database, out_dir)
    return done, out_dir


def test_bundled_data_gives_every_figure_and_the_page(bundled_render):
    done, out_dir = bundled_render
    # It ran while another process held the database read-only.
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Wrote 8 figures and {out_dir / 'index.html'}"
    # The earlier run's figures are gone, the user's files stay.
    assert sorted(path.name for path in out_dir.iterdir()) == [
        *MALL_GALLERY,
        "99_segment_extra_copy.png",
        "index.html",
        "notes.png",
    ]
    assert_valid_pngs(out_dir, MALL_GALLERY)

    page = (out_dir / "index.html").read_text(encoding="utf-8")
    assert [f'<img src="{name}"' in page for name in MALL_GALLERY] == [True] * 8
    assert page.count("<figcaption>") == 8
    assert "200 customers in 5 segments, clustered with K-Means on annual" in page
    assert (
        "Input: seed mall_customers (seeds/mall_customers.csv), 200 rows;"
        " 200 segmented and 0 rejected, each with its reason in"
        " marts.rejected_customer_rows."
    ) in page
    assert "k = 5 was selected (best silhouette, silhouette 0.555)." in page, (
        "the model-selection caption states the measured choice"
    )
    assert "the strongest pair is age and spending score (r = −0.33)" in page
    for name in [
        "Low income · High spending",
        "Low income · Low spending",
        "Average income · Average spending",
        "High income · High spending",
        "High income · Low spending",
    ]:
        assert f"<strong>{name}</strong>" in page
    # Segment 1's averages to one decimal, as the README's table gives them:
    # age, income k$, score; then the female share.
    assert (
        '<td class="number">22 (11.0%)</td><td class="number">25.3</td>'
        '<td class="number">25.7</td><td class="number">79.4</td>'
        '<td class="number">59%</td>'
    ) in page


def test_forced_three_segments_on_three_features(three_feature_build, tmp_path):
    done = render(three_feature_build.database, tmp_path)
    assert done.returncode == 0, done.stderr
    # Three features add the view of the space K-Means actually saw.
    figures = [*MALL_GALLERY, "09_segments_clustering_features.png"]
    assert sorted(path.name for path in tmp_path.glob("*.png")) == figures
    assert_valid_pngs(tmp_path, figures)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert page.count("<figcaption>") == 9
    assert "200 customers in 3 segments, clustered with K-Means on age, annual" in page
    assert "k = 3 was selected (forced by n_clusters" in page


def test_scatter_has_one_colour_per_segment(bundled_marts):
    figure = plot_segments_income_spending(bundled_marts)
    points = scatter_collections(figure, "segment-points-")
    assert sorted(points) == [1, 2, 3, 4, 5]
    assert len(distinct_colours(points.values())) == 5
    assert sum(len(c.get_offsets()) for c in points.values()) == 200
    # Each segment's centroid is marked once, in the segment's colour.
    centres = scatter_collections(figure, "segment-centre-")
    assert sorted(centres) == [1, 2, 3, 4, 5]
    for segment_id, centre in centres.items():
        assert len(centre.get_offsets()) == 1
        assert distinct_colours([centre]) == distinct_colours([points[segment_id]])


def test_three_feature_scatters_have_three_colours(three_feature_build):
    marts = load_marts(three_feature_build.database)
    assert marts.features == THREE_FEATURES
    plane = plot_segments_income_spending(marts)
    assert (
        len(distinct_colours(scatter_collections(plane, "segment-points-").values()))
        == 3
    )
    pairs = plot_segments_feature_pairs(marts)
    points = scatter_collections(pairs, "segment-points-")
    # Three panels (age×income, age×score, income×score), three segments each.
    assert (
        len(pairs.findobj(lambda a: (a.get_gid() or "").startswith("segment-points-")))
        == 9
    )
    assert len(distinct_colours(points.values())) == 3


def test_a_segment_keeps_its_colour_across_figures(bundled_marts):
    scatter = scatter_collections(
        plot_segments_income_spending(bundled_marts), "segment-points-"
    )
    bars = [
        patch
        for patch in plot_segment_profiles(bundled_marts).axes[0].patches
        if isinstance(patch, Rectangle)
    ]
    # First panel: one bar per segment, in segment order.
    assert len(bars) == 5
    for segment_id, bar in enumerate(bars, start=1):
        colour = tuple(round(c, 6) for c in bar.get_facecolor()[:3])
        assert {colour} == distinct_colours([scatter[segment_id]])
        assert colour == tuple(round(c, 6) for c in to_rgb(segment_colour(segment_id)))
    # Up to 20 segments (n_clusters' maximum), each its own colour.
    assert len({segment_colour(segment_id) for segment_id in range(1, 21)}) == 20


def run_script(monkeypatch, capsys, database: Path, out_dir: Path, *args, stdin=""):
    """render_figures.main in this process (the refusals need no new Python
    and no Matplotlib import; the renders above run the script itself)."""
    monkeypatch.setenv("DBT_DUCKDB_PATH", str(database))
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = render_figures.main(["--out", str(out_dir), *args])
    printed = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, printed.out, printed.err)


def test_missing_database_says_to_run_make_build(tmp_path, monkeypatch, capsys):
    missing = tmp_path / "nowhere.duckdb"
    done = run_script(monkeypatch, capsys, missing, tmp_path / "out")
    assert done.returncode == 1
    assert done.stderr == (
        f"render_figures: {missing}: database not found; run `make build`"
        " first to create the marts\n"
    )
    assert not (tmp_path / "out").exists()


def test_database_without_marts_says_to_run_make_build(tmp_path, monkeypatch, capsys):
    database = tmp_path / "empty.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create table unrelated as select 1 as x")
    done = run_script(monkeypatch, capsys, database, tmp_path / "out")
    assert done.returncode == 1
    assert done.stderr == (
        f"render_figures: {database}: table marts.customer_segments not found;"
        " run `make build` first to create the marts\n"
    )


@pytest.mark.parametrize(
    ("damage", "mixed"),
    [
        (
            "delete from marts.customer_segments where customer_id <= 10",
            "customer_segments has 190 customers, segmentation_run_summary counts 200",
        ),
        (
            "update marts.customer_segments set segment_id = 1 where segment_id = 2",
            "customer_segments has customers in 4 segments, segment_profiles"
            " describes 5",
        ),
        (
            "update marts.customer_segments set segment_id = 1 where customer_id"
            " = (select min(customer_id) from marts.customer_segments"
            " where segment_id = 3)",
            "customer_segments and segment_profiles count the segments'"
            " customers differently",
        ),
    ],
    ids=["customers", "segments", "segment sizes"],
)
def test_marts_of_different_runs_are_not_drawn(
    bundled_build, tmp_path, monkeypatch, capsys, damage, mixed
):
    # As a build that failed or built some marts leaves them.
    database = tmp_path / "warehouse.duckdb"
    shutil.copy(bundled_build.database, database)
    with duckdb.connect(str(database)) as connection:
        connection.execute(damage)
    done = run_script(monkeypatch, capsys, database, tmp_path / "out")
    assert done.returncode == 1
    assert done.stderr == (
        f"render_figures: {database}: the marts come from different runs"
        f" ({mixed}); a build that failed or built only some marts leaves them"
        " so: run `dbt build` again\n"
    )
    assert not (tmp_path / "out").exists()


def test_told_to_stop_it_draws_nothing(tmp_path, monkeypatch, capsys):
    # make build's answer when dbt build failed (python_plots/make_build.py).
    done = run_script(
        monkeypatch,
        capsys,
        tmp_path / "nowhere.duckdb",
        tmp_path / "out",
        "--wait-for-go",
        stdin="stop\n",
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert not (tmp_path / "out").exists()


def test_told_to_go_without_marts_it_says_why_and_never_that_they_loaded(
    tmp_path, monkeypatch, capsys
):
    # make build waits for "marts loaded" before the docs open the database;
    # a script that cannot read them ends its output instead.
    missing = tmp_path / "nowhere.duckdb"
    done = run_script(
        monkeypatch, capsys, missing, tmp_path / "out", "--wait-for-go", stdin="go\n"
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith(f"render_figures: {missing}: database not found")


def test_database_path_follows_dbt_duckdb_path():
    # Relative to the folder dbt runs in (the tests' PROJECT_DIR), where
    # profiles.yml's default puts the file.
    assert database_path({}) == PROJECT_DIR / "mall_segmentation.duckdb"
    assert database_path({"DBT_DUCKDB_PATH": "data/x.duckdb"}) == (
        PROJECT_DIR / "data" / "x.duckdb"
    )
    assert database_path({"DBT_DUCKDB_PATH": "/srv/w.duckdb"}) == Path("/srv/w.duckdb")


def profile_paths(monkeypatch, environ: dict[str, str]) -> tuple[str, list[str]]:
    """profiles.yml's database path and module paths as dbt renders them
    with ``environ`` (the variables the profile reads, unset when absent)."""
    for name in ("DBT_DUCKDB_PATH", "DBT_PROJECT_DIR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    set_invocation_context(os.environ)
    dev = read_profile(str(PROJECT_DIR))["mall_segmentation"]["outputs"]["dev"]
    rendered = ProfileRenderer({}).render_data(dev)
    return rendered["path"], rendered["module_paths"]


def test_dbt_and_the_figures_find_the_same_database(monkeypatch):
    # Run from another folder with DBT_PROJECT_DIR (as an orchestrator
    # does), dbt put the database there, and the figures and the exports
    # went by the project folder.
    project = str(PROJECT_DIR)
    assert profile_paths(monkeypatch, {"DBT_PROJECT_DIR": project}) == (
        f"{project}/mall_segmentation.duckdb",
        [project],
    )
    assert database_path({}) == PROJECT_DIR / "mall_segmentation.duckdb"
    # Without it, the folder dbt runs in, which make and the figures take
    # to be the project folder.
    assert profile_paths(monkeypatch, {}) == ("./mall_segmentation.duckdb", ["."])
    assert profile_paths(monkeypatch, {"DBT_DUCKDB_PATH": "/srv/w.duckdb"})[0] == (
        "/srv/w.duckdb"
    )


def test_labels_round_as_readers_do():
    # 81 of 200 customers: Python's format gives 40% (0.405 is stored just
    # below it).
    assert [percent_text(0.405), percent_text(0.115), percent_text(0.0049, 1)] == [
        "41%",
        "12%",
        "0.5%",
    ]
    assert [share_text(0.004), share_text(0.405), share_text(0.9996)] == [
        "0.4%",
        "40.5%",
        "100.0%",
    ]
    assert [value_text(62.5), value_text(51.0), value_text(663.21)] == [
        "62.5",
        "51",
        "663",
    ]
    # Segment 3's spending centroid on the bundled data is z = -0.026.
    assert [signed(0.25, 2), signed(-0.25, 2), signed(-0.026, 1), signed(0.04, 1)] == [
        "+0.25",
        "\u22120.25",
        "0.0",
        "0.0",
    ]
