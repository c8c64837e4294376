"""The garbage collector settings the dbt-duckdb plugin and make build apply
(segmentation/gc_tuning.py)."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest
from conftest import PROJECT_DIR

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


# A process that leaves a finalizer in a reference cycle and many live
# objects at exit. The first atexit handler registered runs last: it reports
# what freeze_at_exit did before Python's own teardown.
AT_EXIT = """
import atexit, gc, sys
atexit.register(lambda: print("frozen", gc.get_freeze_count() > 100_000))
from segmentation.gc_tuning import freeze_at_exit
freeze_at_exit()
freeze_at_exit()

class Connection:
    def __del__(self):
        print("closed")

alive = [[n] for n in range(200_000)]
# Made last: no automatic collection comes after it.
cycle = Connection()
cycle.itself = cycle
del cycle
"""


def test_at_exit_the_garbage_is_collected_once_and_the_rest_frozen():
    ran = subprocess.run(
        [sys.executable, "-c", AT_EXIT],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_DIR,
    )
    # The cycle's finalizer ran (collected before the freeze), once (the
    # second registration is the first), and the live lists were frozen.
    assert ran.stdout == "closed\nfrozen True\n"
    assert ran.stderr == ""
