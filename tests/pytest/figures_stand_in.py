"""Stands in for python_plots/render_figures.py in test_make_build where the
drawing is not what a test checks: the same arguments and handshake (a line
on stdin, `go` or anything else; `marts loaded` on stdout), and on `go` the
--out folder made, but nothing imported or drawn, which cost about 4 s of
CPU per test. test_figures.py tests the real script's handshake."""

import argparse
import sys
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--out", type=Path, required=True)
parser.add_argument("--wait-for-go", action="store_true", required=True)
args = parser.parse_args()
if sys.stdin.readline().strip() == "go":
    args.out.mkdir(parents=True)
    print("marts loaded", flush=True)
    print(f"Wrote 0 figures and {args.out / 'index.html'}")
