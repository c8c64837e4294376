"""python -m reject_reason_listings: rewrite the listings of the reject
reasons from macros/reject_reasons.sql (run from the project folder, with
DBT_PROFILES_DIR set, as `make reject-reasons` does)."""

from __future__ import annotations

import sys

from reject_reason_listings import PROJECT_DIR, compile_reasons, listings


def main() -> int:
    for path, text in listings(compile_reasons()).items():
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"rewrote {path.relative_to(PROJECT_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
