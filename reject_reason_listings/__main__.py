"""python -m reject_reason_listings [--check]: rewrite the listings of the
reject reasons from macros/reject_reasons.sql, or with --check only say
which files differ from what it would write (exit 1 if any)."""

from __future__ import annotations

import argparse
import sys

from reject_reason_listings import PROJECT_DIR, compile_reasons, listings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when a listing differs from the reasons",
    )
    args = parser.parse_args(argv)
    differ = False
    for path, text in listings(compile_reasons()).items():
        if path.read_text(encoding="utf-8") == text:
            continue
        differ = True
        name = path.relative_to(PROJECT_DIR)
        if args.check:
            print(f"{name} differs from macros/reject_reasons.sql; run `make generate`")
        else:
            path.write_text(text, encoding="utf-8")
            print(f"rewrote {name}")
    return 1 if differ and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
