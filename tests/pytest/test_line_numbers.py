"""segmentation.line_numbers: a line numbered as an editor shows it, from
the byte position DuckDB's reject log gives."""

from __future__ import annotations

import gzip

import duckdb
import pytest

from segmentation.line_numbers import line_number_at

# Line 1 the header, lines 2 and 3 one row (a line break in quotes, CRLF
# ends), line 4 the row after it, starting at byte 25.
QUOTED_BREAK = b'a,b,c\r\n1,"two\r\nlines",3\r\n4,5,6\r\n'


@pytest.mark.parametrize("packed", [False, True], ids=["plain", "gzip"])
def test_a_line_is_numbered_as_an_editor_shows_it(tmp_path, packed):
    path = tmp_path / ("lines.csv.gz" if packed else "lines.csv")
    path.write_bytes(gzip.compress(QUOTED_BREAK) if packed else QUOTED_BREAK)
    assert QUOTED_BREAK[25:] == b"4,5,6\r\n"
    assert [line_number_at(str(path), at) for at in (0, 7, 15, 25)] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("before", "line"),
    [
        (b"1,2,3\n", 3),
        (b"1,2,3\n\n", 4),
        # From two blank lines on, DuckDB's position falls among them.
        (b"1,2,3\n\n\n", 5),
        (b'1,"x\ny",3\n\n\n\n', 7),
        (b"1,2,3\r\n\r\n\r\n", 5),  # with CRLF ends throughout
        (b"1,2,3\r\r\r", 5),  # with CR ends throughout
        (b"\n\n", 4),
    ],
    ids=[
        "none",
        "one",
        "two",
        "three-after-a-quoted-break",
        "crlf",
        "cr",
        "at-the-start",
    ],
)
def test_a_malformed_line_after_blank_lines_gets_its_own_number(tmp_path, before, line):
    # Where DuckDB's reject log puts the malformed line, as the input check
    # reads it (macros/check_input_files.sql).
    path = tmp_path / "blank.csv"
    text = b"a,b,c\n" + before + b"7,8,9,10\n"
    if b"\r\n" in before:
        text = text.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    elif b"\r" in before:
        text = text.replace(b"\n", b"\r")
    path.write_bytes(text)
    with duckdb.connect() as con:
        con.sql(
            f"select count(*) from read_csv('{path}', header = true,"
            " auto_detect = false, delim = ',', quote = '\"', escape = '\"',"
            " store_rejects = true,"
            " columns = {'a': 'varchar', 'b': 'varchar', 'c': 'varchar'})"
        ).fetchall()
        [(position,)] = con.sql(
            "select line_byte_position from reject_errors"
        ).fetchall()
    assert line_number_at(str(path), position) == line


def test_a_line_number_needs_a_readable_file(tmp_path):
    assert line_number_at(str(tmp_path / "absent.csv"), 10) is None
    assert line_number_at(None, 10) is None
