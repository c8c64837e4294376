"""`make nightly`'s dbt command (Makefile): only the files given become
vars, so a file left out keeps its var's default, null. The builds those
vars give are tested where they run (the bundled build, test_input_source,
test_order_lines)."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from conftest import PROJECT_DIR


def nightly_vars(*make_args: str) -> dict:
    """The --vars of the command `make nightly` would run (`make -n`)."""
    planned = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "nightly", *make_args],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands = re.findall(r"dbt build .*?--vars '(.*?)'", planned, re.DOTALL)
    assert len(commands) == 1, planned
    return json.loads(commands[0])


@pytest.mark.parametrize(
    ("make_args", "vars"),
    [
        ((), {}),
        (("INPUT=/data/customers.csv",), {"raw_customers_path": "/data/customers.csv"}),
        (
            ("ORDERS=/data/order lines.csv.gz",),
            {"raw_transactions_path": "/data/order lines.csv.gz"},
        ),
        (
            ("INPUT=/data/customers.parquet", "ORDERS=/data/lines.csv"),
            {
                "raw_customers_path": "/data/customers.parquet",
                "raw_transactions_path": "/data/lines.csv",
            },
        ),
        (
            ("INPUT=/data/$HOME/customers.csv", "ORDERS=/data/$(x)/lines.csv"),
            {
                "raw_customers_path": "/data/$HOME/customers.csv",
                "raw_transactions_path": "/data/$(x)/lines.csv",
            },
        ),
        # A path that make would expand to nothing is still a file given,
        # not the bundled seed.
        (("ORDERS=$X",), {"raw_transactions_path": "$X"}),
        (("INPUT=$(y)",), {"raw_customers_path": "$(y)"}),
    ],
    ids=[
        "neither",
        "customers",
        "order lines",
        "both",
        "a dollar sign in a path",
        "order lines named like a make variable",
        "customers named like a make variable",
    ],
)
def test_only_the_files_given_become_vars(make_args, vars):
    assert nightly_vars(*make_args) == vars
