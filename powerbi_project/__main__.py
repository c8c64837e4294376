"""python -m powerbi_project [--manifest PATH] [--out DIR] [--check]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from powerbi_project import manifest
from powerbi_project.project import differences, files_on_disk, project_files, write

PROJECT_DIR = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m powerbi_project",
        description="Write the Power BI Project in powerbi/ from dbt's manifest.",
    )
    parser.add_argument(
        "--manifest",
        type=Path,
        default=PROJECT_DIR / "target" / "manifest.json",
        help="dbt's manifest.json (run `dbt parse` first); default target/",
    )
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "powerbi")
    parser.add_argument(
        "--check",
        action="store_true",
        help="only compare: exit 1 when the files differ from what would be written",
    )
    args = parser.parse_args(argv)
    files = project_files(manifest.load(args.manifest))
    if args.check:
        problems = differences(files, files_on_disk(args.out))
        for problem in problems:
            print(problem)
        print(f"{len(files)} files, {len(problems)} differences")
        return 1 if problems else 0
    changes = write(args.out, files)
    print(f"{len(files)} files in {args.out}; {len(changes)} changed")
    for change in changes:
        print(f"  {change}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
