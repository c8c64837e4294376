"""What must follow the feature catalogue (macros/feature_catalogue.sql) when
a feature is added: the figures' words for it and the check constraint on
segment_centroids.feature. Each fails naming the file to edit."""

from __future__ import annotations

import re

import figure_style
import pytest
import yaml
from conftest import PROJECT_DIR
from dbt_runs import run_dbt


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> list[str]:
    """The catalogue's feature names, as dbt renders the macro."""
    listing = run_dbt(
        tmp_path_factory.mktemp("catalogue") / "compile.duckdb",
        "compile",
        "--inline",
        "select '{{ feature_names() | join(\",\") }}' as feature_names",
    )
    assert listing.returncode == 0, listing.output
    found = re.search(r"'((?:\w+,)+\w+)'", listing.output)
    assert found, listing.output
    return found.group(1).split(",")


def test_the_catalogue_is_read(catalogue):
    # Nine features: the Mall columns and six from the order lines.
    assert catalogue[:4] == ["age", "annual_income_k", "spending_score", "recency_days"]
    assert len(catalogue) == 9


@pytest.mark.parametrize(
    "words", ["AXIS_LABELS", "PLAIN_NAMES", "UNITS", "PROFILE_AVERAGES"]
)
def test_the_figures_have_words_for_every_feature(catalogue, words):
    assert sorted(getattr(figure_style, words)) == sorted(catalogue), (
        f"python_plots/figure_style.py: {words} needs one entry per feature"
        " of macros/feature_catalogue.sql"
    )


def test_segment_centroids_accepts_every_feature_and_no_other(catalogue):
    marts = yaml.safe_load(
        (PROJECT_DIR / "models" / "marts" / "_marts__models.yml").read_text()
    )
    (centroids,) = [m for m in marts["models"] if m["name"] == "segment_centroids"]
    (feature,) = [c for c in centroids["columns"] if c["name"] == "feature"]
    (check,) = [c for c in feature["constraints"] if c["type"] == "check"]
    listed = re.findall(r"'(\w+)'", check["expression"])
    assert listed == catalogue, (
        "models/marts/_marts__models.yml: segment_centroids.feature's check"
        f" constraint must list the catalogue's features in order: {catalogue}"
    )


@pytest.mark.parametrize("block", ["feature", "feature_position"])
def test_the_feature_docs_list_the_catalogue(catalogue, block):
    docs = (PROJECT_DIR / "models" / "_docs.md").read_text()
    text = re.search(r"{% docs " + block + r" %}(.*?){% enddocs %}", docs, re.S)
    listed = [name for name in re.findall(r"\w+", text.group(1)) if name in catalogue]
    assert listed == catalogue, (
        f"models/_docs.md: the docs block {block} must name the catalogue's"
        f" features in order: {catalogue}"
    )
