"""Render the segment figures and one HTML page showing them all.

    .venv/bin/python python_plots/render_figures.py [--out DIR]
    .venv/bin/python -m python_plots.render_figures [--out DIR]

Reads the marts read-only from the DuckDB file in DBT_DUCKDB_PATH (default
mall_segmentation.duckdb in the project folder); `make build` runs it after
`dbt build` (python_plots/make_build.py). Writes PNGs and index.html to
python_plots/figures/ or DIR.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

if __package__:
    # Run as a module (-m python_plots.render_figures): the figure modules
    # import each other by name, as a script's neighbours.
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from figure_catalogue import render_all
from figure_page import write_index
from mart_data import PROJECT_DIR, MartsUnavailable, database_path, load_marts

DEFAULT_OUT = PROJECT_DIR / "python_plots" / "figures"
# The figures an earlier run drew into the folder are those its page shows:
# the ones this run does not draw are removed, so that the folder never
# mixes two runs' figures, and no other file is touched.
SHOWN_FIGURE = re.compile(r'<img src="([^"/\\]+\.png)"')


def remove_other_runs_figures(out_dir: Path, drawn: set[str]) -> list[str]:
    """Delete the PNGs that out_dir's index.html shows and ``drawn`` does
    not include; their names. Call it before the new page is written."""
    page = out_dir / "index.html"
    if not page.is_file():
        return []
    shown = set(SHOWN_FIGURE.findall(page.read_text(encoding="utf-8")))
    stale = sorted(shown - drawn)
    for name in stale:
        (out_dir / name).unlink(missing_ok=True)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"folder for the PNGs and index.html (default: {DEFAULT_OUT})",
    )
    parser.add_argument(
        "--wait-for-go",
        action="store_true",
        help="import everything, then wait for a line on stdin: `go` reads"
        " the marts, prints `marts loaded` once the database is closed again,"
        " and draws; anything else exits without drawing. `make build` starts"
        " the script this way while dbt builds the marts",
    )
    args = parser.parse_args(argv)
    if args.wait_for_go and sys.stdin.readline().strip() != "go":
        return 0
    try:
        marts = load_marts(database_path())
    except MartsUnavailable as problem:
        print(f"render_figures: {problem}", file=sys.stderr)
        return 1
    if args.wait_for_go:
        print("marts loaded", flush=True)
    rendered = render_all(marts, args.out)
    remove_other_runs_figures(args.out, {figure.filename for figure in rendered})
    page = write_index(marts, rendered, args.out)
    print(f"Wrote {len(rendered)} figures and {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
