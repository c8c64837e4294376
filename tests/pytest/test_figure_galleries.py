"""Which figures the gallery draws for which input: the customer profiles,
the order lines (RFM) or both, on hand-built marts and on the builds of the
bundled data and of the public Online Retail file, down to the page the
figures script writes for the latter."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import PROJECT_DIR
from figure_catalogue import figure_specs
from galleries import MALL_GALLERY, RFM_GALLERY
from mart_data import load_marts
from matplotlib.image import imread
from model_selection_figure import not_actionable_k, plot_model_selection
from rfm_hand_made_marts import NAMES, by_gid, hand_made_marts

SCRIPT = PROJECT_DIR / "python_plots" / "render_figures.py"


def test_order_lines_only_gives_the_rfm_gallery():
    marts = hand_made_marts()
    assert (marts.has_rfm, marts.has_profiles) == (True, False)
    assert [spec.filename for spec in figure_specs(marts)] == RFM_GALLERY


def test_both_inputs_give_both_galleries_in_reading_order():
    marts = hand_made_marts(with_profiles=True)
    names = [spec.filename for spec in figure_specs(marts)]
    # Each input's figures, the shared ones once; sizes with the gender mix.
    both = set(MALL_GALLERY) | set(RFM_GALLERY) - {"07_segment_sizes.png"}
    assert names == sorted(both)
    assert names[:4] == [
        "01_eda_distributions_by_gender.png",
        "01_eda_rfm_distributions.png",
        "02_eda_correlation_matrix.png",
        "02_eda_rfm_grid.png",
    ]


def test_the_mall_marts_give_the_mall_gallery(bundled_build):
    marts = load_marts(bundled_build.database)
    assert (marts.has_rfm, marts.has_profiles) == (False, True)
    assert marts.monthly_sales.empty
    assert [spec.filename for spec in figure_specs(marts)] == MALL_GALLERY
    # Every k is actionable on the Mall data: nothing hatched.
    assert not_actionable_k(marts) == []
    assert by_gid(plot_model_selection(marts), "not-actionable-") == {}


def test_real_file_gives_the_rfm_gallery_and_page(online_retail_build, tmp_path):
    # Run as a module from the project folder; the other galleries run the
    # script by its path.
    done = subprocess.run(
        [sys.executable, "-m", "python_plots.render_figures", "--out", str(tmp_path)],
        cwd=PROJECT_DIR,
        env={**os.environ, "DBT_DUCKDB_PATH": str(online_retail_build.database)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Wrote 9 figures and {tmp_path / 'index.html'}"
    assert sorted(p.name for p in tmp_path.iterdir()) == [*RFM_GALLERY, "index.html"]
    for name in RFM_GALLERY:
        height, width, _ = imread(tmp_path / name).shape
        assert (width >= 600, height >= 400) == (True, True), name
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert page.count("<figcaption>") == 9
    assert (
        "4,334 customers in 3 segments, clustered with K-Means on recency,"
        " frequency and monetary value; selected k = 3 (best silhouette among"
        " actionable k)."
    ) in page
    assert (
        "541,909 lines; 391,150 sale lines, 8,506 return lines and 142,253"
        " rejected, each with its reason in marts.rejected_transaction_rows."
    ) in page
    assert "<th>Avg recency days</th>" in page
    assert "Avg age" not in page
    for name in NAMES.values():
        assert f"<strong>{name}</strong>" in page
