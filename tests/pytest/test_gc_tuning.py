"""The garbage collector setting the dbt-duckdb plugin and make build apply
(segmentation/gc_tuning.py)."""

from __future__ import annotations

import gc

import pytest

from segmentation.gc_tuning import YOUNG_GENERATION_THRESHOLD, collect_less_often


@pytest.fixture
def thresholds():
    saved = gc.get_threshold()
    yield
    gc.set_threshold(*saved)


def test_raises_the_young_generation_threshold_only(thresholds):
    gc.set_threshold(700, 10, 10)
    collect_less_often()
    assert gc.get_threshold() == (YOUNG_GENERATION_THRESHOLD, 10, 10)


def test_keeps_a_higher_threshold_the_process_set(thresholds):
    gc.set_threshold(50_000, 20, 100)
    collect_less_often()
    assert gc.get_threshold() == (50_000, 20, 100)
