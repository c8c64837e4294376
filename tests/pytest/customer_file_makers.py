"""How each refused customer file of unusable_customer_files.py is
written, where a fixture file will not do: a file is written at the path a
case gives (or files beside it, for a pattern)."""

from __future__ import annotations

import gzip
import os
import shutil

import pyarrow
import pyarrow.parquet
from conftest import FIXTURES
from refusals import write_damaged_gzip


def binary(path):
    path.write_bytes(b"\x89PNG\x00\x00\x00\rIHDR\x00\xff\xfe" * 50)


def empty_gzip(path):
    """A gzip file of an empty file: 20 bytes, none of them data."""
    with gzip.open(path, "wb"):
        pass


def nothing(path):
    pass


def two_files(pattern):
    for name in ("customers_1.csv", "customers_2.csv"):
        shutil.copy(FIXTURES / "format_variants.csv", pattern.with_name(name))


def beside_a_file_it_matches(path):
    """customers[1].csv, and customers1.csv, which that name matches as a
    pattern."""
    for name in (path.name, "customers1.csv"):
        shutil.copy(FIXTURES / "format_variants.csv", path.with_name(name))


def gzip_named_csv(path):
    with gzip.open(path, "wb") as file:
        file.write((FIXTURES / "format_variants.csv").read_bytes())


def binary_gzip(path):
    with gzip.open(path, "wb") as file:
        file.write(bytes(range(256)) * 2 + b"\n" + bytes(range(137)))


def utf16_without_bom(path):
    """As some tools write UTF-16: little-endian, no byte order mark."""
    text = (FIXTURES / "format_variants.csv").read_text(encoding="utf-8-sig")
    path.write_bytes(text.encode("utf-16-le"))


def income_in_a_struct(path):
    """A Parquet file whose income column holds a struct per row."""
    table = pyarrow.table(
        {
            "CustomerID": [1, 2, 3],
            "Genre": ["Male", "Female", "Female"],
            "Age": [19, 21, 35],
            "Annual Income (k$)": [{"v": 15}, {"v": 16}, {"v": 70}],
            "Spending Score (1-100)": [39, 81, 50],
        }
    )
    pyarrow.parquet.write_table(table, path)


def utf16(path):
    """As Excel saves "Unicode text": UTF-16 with a byte order mark."""
    text = (FIXTURES / "format_variants.csv").read_text(encoding="utf-8-sig")
    path.write_text(text, encoding="utf-16")


def semicolons(path):
    path.write_text(
        "CustomerID;Gender;Age;Annual Income (k$);Spending Score (1-100)\n"
        "1;Male;19;15;39\n"
    )


def quoted_comma_in_header(path):
    """A sixth column whose quoted name holds a comma, and an unterminated
    quote on line 5."""
    path.write_text(
        "CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100),"
        '"Notes, misc"\n'
        "1,Male,19,15,39,ok\n2,Male,21,15,81,ok\n3,Female,20,16,6,ok\n"
        '4,Female,23,16,77,"unterminated\n5,Female,31,17,40,ok\n'
    )


def two_points(path):
    """Ten usable rows, but only two different incomes and scores as K-Means
    sees them: an income of 20.000000000001 is a third value, 3.3e-14
    standard deviations from 20 (k=3 took it as a segment of its own)."""
    rows = [f"{n},Male,30,20,20" for n in range(1, 5)]
    rows += ["5,Male,30,20.000000000001,20"]
    rows += [f"{n},Female,40,80,80" for n in range(6, 11)]
    path.write_text(
        "CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n"
        + "\n".join(rows)
        + "\n"
    )


def income_too_large(path):
    """Nine usual rows and one income of 10^15 k$, a valid number whose
    squared deviation overflowed the exact average (a raw cast error)."""
    incomes = [15, 16, 70, 120, 40, 45, 10**15, 50, 60, 65]
    path.write_text(
        "CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n"
        + "".join(
            f"{n},Female,{20 + n},{income},{10 * n}\n"
            for n, income in enumerate(incomes, start=1)
        )
    )


def income_too_large_to_average(path):
    """income_too_large's rows with an income of 10^30 k$: too large for
    segment_profiles' exact average even when the clustering reads its
    logarithm (a raw cast error in that mart)."""
    income_too_large(path)
    path.write_text(path.read_text().replace(f",{10**15},", ",1e30,"))


def incomes_adding_up_too_large(path):
    """Two hundred rows, every other one with an income of 10^14 k$: no
    value alone overflows, but their squared deviations add up past what
    the exact sum holds (a raw overflow error). Ties name the first id."""
    path.write_text(
        "CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n"
        + "".join(
            f"{n},Male,30,{10**14 if n % 2 == 0 else 15 + n % 40},{1 + n % 100}\n"
            for n in range(1, 201)
        )
    )


def damaged_gzip_it_matches(pattern):
    write_damaged_gzip(pattern.with_name("customers.csv.gz"))


def two_folders(pattern):
    for name in ("customers_1", "customers_2"):
        pattern.with_name(name).mkdir()


def _customer_lines(count: int) -> list[str]:
    return [
        "CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)",
        *(
            f"{n},Female,{20 + n % 50},{15 + n % 100},{1 + n % 99}"
            for n in range(1, count)
        ),
    ]


def line_endings_two_ways(path):
    """Lines 1-3 end in CRLF, then LF: a Windows file with lines added on
    Linux. DuckDB's sniffer fails on it."""
    lines = _customer_lines(10)
    path.write_bytes(
        ("\r\n".join(lines[:3]) + "\r\n" + "\n".join(lines[3:]) + "\n").encode()
    )


def line_endings_two_ways_past_the_sample(path):
    """As line_endings_two_ways, but the first LF ends line 25,001, past the
    20,480 rows DuckDB's sniffer reads: the full read stops instead."""
    lines = _customer_lines(25_010)
    path.write_bytes(
        (
            "\r\n".join(lines[:25_000]) + "\r\n" + "\n".join(lines[25_000:]) + "\n"
        ).encode()
    )


def named_pipe(path):
    """A named pipe, which no program writes to: reading it would wait."""
    os.mkfifo(path)


def parquet_with_latin1_text_in_a_later_row_group(path):
    """Six customers in row groups of three, the last one's gender the
    Latin-1 bytes of "CAFÉ" in a UTF-8 text column, as a writer that does
    not check its text leaves it: the first rows read, the full read stops
    there."""
    genders = pyarrow.array([b"Male"] * 5 + ["CAFÉ".encode("latin-1")])
    pyarrow.parquet.write_table(
        pyarrow.table(
            {
                "CustomerID": list(range(1, 7)),
                # Text without UTF-8 validation, as such a writer does.
                "Gender": pyarrow.Array.from_buffers(
                    pyarrow.string(), len(genders), genders.buffers()
                ),
                "Age": [30] * 6,
                "Annual Income (k$)": [15, 16, 70, 120, 40, 45],
                "Spending Score (1-100)": [39, 81, 50, 10, 60, 70],
            }
        ),
        path,
        row_group_size=3,
    )


def parquet_damaged_in_a_later_row_group(path):
    """20,000 customers in row groups of 2,000, the header of row group 8's
    first data page overwritten: the schema and the first rows read, the
    full read stops there."""
    count = 20_000
    pyarrow.parquet.write_table(
        pyarrow.table(
            {
                "CustomerID": list(range(1, count + 1)),
                "Gender": ["Female" if n % 2 else "Male" for n in range(count)],
                "Age": [18 + n % 50 for n in range(count)],
                "Annual Income (k$)": [15 + n % 120 for n in range(count)],
                "Spending Score (1-100)": [1 + n % 99 for n in range(count)],
            }
        ),
        path,
        row_group_size=2_000,
    )
    start = pyarrow.parquet.ParquetFile(path).metadata.row_group(7).column(0)
    data = bytearray(path.read_bytes())
    for at in range(start.data_page_offset, start.data_page_offset + 24):
        data[at] ^= 0xFF
    path.write_bytes(bytes(data))
