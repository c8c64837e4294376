"""python -m reject_reason_listings [--manifest PATH]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reject_reason_listings import PROJECT_DIR, listings, reasons_from_manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Rewrite the listings of the reject reasons from"
        " macros/reject_reasons.sql (as dbt compiled the model reject_reasons)."
    )
    parser.add_argument(
        "--manifest",
        type=Path,
        default=PROJECT_DIR / "target" / "manifest.json",
        help="dbt's manifest.json after `dbt compile --select reject_reasons`;"
        " default target/",
    )
    args = parser.parse_args(argv)
    for path, text in listings(reasons_from_manifest(args.manifest)).items():
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"rewrote {path.relative_to(PROJECT_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
