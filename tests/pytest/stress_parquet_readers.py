"""Stress check, run by hand (not collected by pytest): readers of a Parquet
file that another process keeps replacing by rename, as the exports are.

    .venv/bin/python tests/pytest/stress_parquet_readers.py [seconds]

Prints, for two ways of reading, how many reads succeeded and failed. Reading
through one open handle should never fail; pyarrow's read_table(path) opens
the path more than once per read and can mix two versions of the file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq


def write_versions(folder: Path) -> list[Path]:
    """Two different Parquet files with the same columns."""
    versions = []
    for k in (3, 5):
        path = folder / f"version_{k}.parquet"
        duckdb.sql(
            f"copy (select i as customer_id, i % {k} + 1 as segment_id,"
            f" 'segment ' || (i % {k}) as segment_name, random() as score"
            f" from range(2000) as t(i)) to '{path}' (format parquet)"
        )
        versions.append(path)
    return versions


def replace_forever(target: Path, versions: list[Path], seconds: float) -> int:
    end, count = time.monotonic() + seconds, 0
    staged = target.with_name(target.name + ".tmp")
    while time.monotonic() < end:
        staged.write_bytes(versions[count % 2].read_bytes())
        os.replace(staged, target)
        count += 1
    return count


def read_forever(target: Path, mode: str, seconds: float) -> None:
    end, reads, errors = time.monotonic() + seconds, 0, 0
    while time.monotonic() < end:
        try:
            if mode == "path":
                pq.read_table(target)
            else:
                with target.open("rb") as handle:
                    pq.read_table(handle)
            reads += 1
        except OSError:
            errors += 1
    print(f"read_table({mode}): {reads} complete reads, {errors} failed")


def main() -> None:
    if len(sys.argv) == 4:
        read_forever(Path(sys.argv[1]), sys.argv[2], float(sys.argv[3]))
        return
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 8.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        versions = write_versions(folder)
        target = folder / "export.parquet"
        target.write_bytes(versions[0].read_bytes())
        readers = [
            subprocess.Popen(
                [sys.executable, __file__, str(target), mode, str(seconds)]
            )
            for mode in ("path", "handle")
        ]
        replaced = replace_forever(target, versions, seconds)
        for reader in readers:
            reader.wait()
        print(f"file replaced {replaced} times in {seconds:.0f} s")


if __name__ == "__main__":
    main()
