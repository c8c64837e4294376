"""segmentation.input_checks on real files."""

from __future__ import annotations

import gzip
import os

import pyarrow
import pyarrow.parquet
import pytest
from conftest import FIXTURES
from customer_file_makers import parquet_damaged_in_a_later_row_group
from refusals import DAMAGED_GZIP_CRC, write_damaged_gzip

from segmentation.input_checks import (
    FIRST_LINE_BYTES,
    HEADER_CELL_SEPARATOR,
    LINE_ENDINGS,
    _first_other_line_ending,
    file_size,
    first_line_not_utf8,
    gzip_problem,
    header_cells,
    is_file_named_like_a_pattern,
    is_folder,
    is_same_file,
    mixed_line_endings,
    not_csv_reason,
    parquet_columns,
    read_problem,
    reader_problem,
    special_file_kind,
)

OPTIONS = (
    "header = true, all_varchar = true, delim = ',', quote = '\"',"
    " escape = '\"', store_rejects = true"
)
READABLE_CSV = f"read_csv('{FIXTURES / 'format_variants.csv'}', {OPTIONS})"


def test_a_readable_csv_has_no_problem():
    assert reader_problem(READABLE_CSV) is None


def test_an_unterminated_quote_is_reported_in_one_line(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('CustomerID,Gender\n1,Male\n2,"Female\n3,Female\n')
    assert reader_problem(f"read_csv('{path}', {OPTIONS})") == (
        f'Invalid Input Error: Error when sniffing file "{path}".'
    )


def test_a_folder_or_a_pattern_matching_folders_only(tmp_path):
    (tmp_path / "march").mkdir()
    (tmp_path / "may").mkdir()
    (tmp_path / "may.csv").write_text("CustomerID\n1\n")
    assert is_folder(str(tmp_path / "march"))
    assert is_folder(str(tmp_path / "ma?ch"))
    assert not is_folder(str(tmp_path / "may.csv"))
    # A file among the matches: DuckDB's glob finds it, so not a folder.
    assert not is_folder(str(tmp_path / "ma*"))
    assert not is_folder(str(tmp_path / "june"))
    assert not is_folder(str(tmp_path / "ju*"))


def test_one_file_however_its_path_is_spelled(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    customers = tmp_path / "data" / "customers.csv"
    customers.write_text("CustomerID\n1\n")
    (tmp_path / "copy.csv").write_text("CustomerID\n1\n")
    (tmp_path / "link.csv").symlink_to(customers)
    monkeypatch.chdir(tmp_path)
    assert is_same_file(str(customers), "data/customers.csv")
    assert is_same_file("./data/customers.csv", "data/../data/customers.csv")
    assert is_same_file("link.csv", str(customers))
    # The same bytes in another file, a missing file, a pattern: not one file.
    assert not is_same_file("copy.csv", "data/customers.csv")
    assert not is_same_file("missing.csv", "missing.csv")
    assert not is_same_file("data/*.csv", "data/customers.csv")


def test_a_file_named_like_a_pattern(tmp_path):
    (tmp_path / "customers[1].csv").write_text("x")
    (tmp_path / "customers1.csv").write_text("x")
    assert is_file_named_like_a_pattern(str(tmp_path / "customers[1].csv"))
    # A plain name, and a pattern that names no file as it is written.
    assert not is_file_named_like_a_pattern(str(tmp_path / "customers1.csv"))
    assert not is_file_named_like_a_pattern(str(tmp_path / "customers[12].csv"))
    assert not is_file_named_like_a_pattern(str(tmp_path / "*.csv"))


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        (b"\x1f\x8b\x08\x00", "it is gzip-compressed; give it a name ending in .gz"),
        (
            b"PK\x03\x04",
            "it is a ZIP archive, as an Excel workbook (.xlsx) is; save the sheet"
            " as CSV",
        ),
        (b"\xff\xfeC\x00", "it is UTF-16 text; save it as UTF-8 CSV"),
        (b"\xfe\xff\x00C", "it is UTF-16 text; save it as UTF-8 CSV"),
        (
            b"PAR1\x15\x00\x15PAR1",
            "it is a Parquet file; give it a name ending in .parquet",
        ),
        (
            b"\x28\xb5\x2f\xfd\x24\x0e",
            "it is zstd-compressed; decompress it, or compress it with gzip and"
            " name it .gz",
        ),
        (
            b"BZh91AY&SY\x0c",
            "it is bzip2-compressed; decompress it, or compress it with gzip and"
            " name it .gz",
        ),
        (
            b"\xfd7zXZ\x00\x00\x04",
            "it is xz-compressed; decompress it, or compress it with gzip and"
            " name it .gz",
        ),
        # A header that starts like bzip2's magic.
        (b"BZh_code,CustomerID,Gender\n", None),
        (b"PAR1_code,CustomerID,Gender\n1,2,Male\n", None),
        (b"\xef\xbb\xbfCustomerID,Gender", None),
        (b"CustomerID,Gender", None),
        (b"", None),
    ],
)
def test_what_a_file_named_as_csv_is_instead(tmp_path, start, reason):
    path = tmp_path / "customers.csv"
    path.write_bytes(start)
    assert not_csv_reason(str(path)) == reason


def test_the_first_bytes_of_the_one_file_a_pattern_matches(tmp_path):
    # DuckDB reads the one file the pattern matches, so its first bytes and
    # first line are checked as a plain path's are.
    (tmp_path / "export_2011.csv").write_bytes(gzip.compress(b"CustomerID\n1\n"))
    (tmp_path / "latin_2011.csv").write_bytes("Région\nNord\n".encode("latin-1"))
    assert not_csv_reason(str(tmp_path / "export_*.csv")) == (
        "it is gzip-compressed; give it a name ending in .gz"
    )
    assert first_line_not_utf8(str(tmp_path / "latin_20??.csv")) == (
        "byte 0xe9 at character 2"
    )
    # Several matches, or none: left to the reader.
    assert not_csv_reason(str(tmp_path / "*_2011.csv")) is None
    assert first_line_not_utf8(str(tmp_path / "*_2011.csv")) is None
    assert not_csv_reason(str(tmp_path / "none_*.csv")) is None


def test_a_missing_file_is_left_to_the_reader(tmp_path):
    assert not_csv_reason(str(tmp_path / "missing.csv")) is None


def test_header_cells_keep_a_quoted_comma():
    line = 'CustomerID, "Gender" ,Age,"Notes, misc"'
    assert header_cells(line).split(HEADER_CELL_SEPARATOR) == [
        "CustomerID",
        "Gender",
        "Age",
        "Notes, misc",
    ]


def test_a_damaged_gzip_file_is_told_by_its_crc(tmp_path):
    path = tmp_path / "customers.csv.gz"
    write_damaged_gzip(path)
    assert gzip_problem(str(path)) == DAMAGED_GZIP_CRC


def test_a_gzip_file_cut_short(tmp_path):
    path = tmp_path / "customers.csv.gz"
    path.write_bytes(
        gzip.compress((FIXTURES / "format_variants.csv").read_bytes())[:-4]
    )
    assert gzip_problem(str(path)) == (
        "Compressed file ended before the end-of-stream marker was reached"
    )


@pytest.mark.parametrize(
    "write",
    [
        lambda path: path.write_bytes(
            gzip.compress((FIXTURES / "format_variants.csv").read_bytes())
        ),
        lambda path: path.write_bytes((FIXTURES / "format_variants.csv").read_bytes()),
        lambda path: None,
    ],
    ids=["a whole gzip file", "a plain CSV file", "no file"],
)
def test_no_gzip_problem(tmp_path, write):
    path = tmp_path / "customers.csv.gz"
    write(path)
    assert gzip_problem(str(path)) is None


def test_a_first_line_that_is_not_utf8_is_found_plain_or_gzipped(tmp_path):
    header = "CustomerID,Genre,Région\n1,Male,Nord\n"
    plain, packed = tmp_path / "latin.csv", tmp_path / "latin.csv.gz"
    plain.write_bytes(header.encode("latin-1"))
    packed.write_bytes(gzip.compress(header.encode("latin-1")))
    assert first_line_not_utf8(str(plain)) == "byte 0xe9 at character 19"
    assert first_line_not_utf8(str(packed)) == "byte 0xe9 at character 19"
    # UTF-8 (with or without a byte-order mark) is fine; so is a later line
    # in another encoding: the CSV reader names that line.
    (tmp_path / "utf8.csv").write_text("\ufeff" + header, encoding="utf-8")
    later = tmp_path / "later.csv"
    later.write_bytes(b"CustomerID,Genre\n1,F\xe9minin\n")
    assert first_line_not_utf8(str(tmp_path / "utf8.csv")) is None
    assert first_line_not_utf8(str(later)) is None
    assert first_line_not_utf8(str(tmp_path / "missing.csv")) is None


def test_a_character_cut_by_the_length_limit_is_not_an_error(tmp_path):
    path = tmp_path / "long.csv"
    # "é" is two bytes; the limit falls between them.
    path.write_bytes(b"x" * (FIRST_LINE_BYTES - 1) + "é,y\n".encode())
    assert first_line_not_utf8(str(path)) is None


def test_the_first_line_ends_at_any_line_break_and_counts_characters(tmp_path):
    # An old Mac file (CR only): its first line is the header alone.
    mac = tmp_path / "mac.csv"
    mac.write_bytes(b"CustomerID,Genre\r1,F\xe9minin\r")
    assert first_line_not_utf8(str(mac)) is None
    # Characters, not bytes: "é" before the bad byte is one character.
    accented = tmp_path / "accented.csv"
    accented.write_bytes("Catégorie,".encode() + b"R\xe9gion\n")
    assert first_line_not_utf8(str(accented)) == "byte 0xe9 at character 12"
    # Binary: its first byte that is not text, before or at a NUL.
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x89PNG\x00\x00\xff\n")
    assert first_line_not_utf8(str(binary)) == "byte 0x89 at character 1"
    # UTF-16 without a byte order mark: "C" then a NUL.
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("CustomerID,Genre\n".encode("utf-16-le"))
    assert first_line_not_utf8(str(utf16)) == (
        "a NUL byte at character 2: binary data, or UTF-16 text without a byte"
        " order mark"
    )


def test_parquet_columns_are_the_stored_top_level_ones(tmp_path):
    # DuckDB's schema listing names a struct's and a list's fields (v,
    # element) as columns; its reader renames a second "price" as price_1.
    path = tmp_path / "lines.parquet"
    pyarrow.parquet.write_table(
        pyarrow.table(
            {
                "Price": [1.5],
                "price": [2.5],
                "income": [{"v": 15}],
                "tags": [["a", "b"]],
            }
        ),
        path,
    )
    columns = [
        {"name": "Price", "nested": False},
        {"name": "price", "nested": False},
        {"name": "income", "nested": True},
        {"name": "tags", "nested": True},
    ]
    assert parquet_columns(str(path)) == columns
    # A pattern that matches the one file, as DuckDB reads it.
    assert parquet_columns(str(tmp_path / "line?.parquet")) == columns
    not_parquet = tmp_path / "lines.csv"
    not_parquet.write_text("Price\n1.5\n")
    assert parquet_columns(str(not_parquet)) is None
    assert parquet_columns(str(tmp_path / "missing.parquet")) is None


LINE_ENDING_CASES = [
    (b"h\r\na\r\nb\nc\n", "line 3 ends in LF (Unix), line 1 in CRLF (Windows)"),
    (b"h\na\r\n", "line 2 ends in CRLF (Windows), line 1 in LF (Unix)"),
    (b"h\na\rb\n", "line 2 ends in CR (old Mac), line 1 in LF (Unix)"),
    (b"h\rb\rc\r", None),
    (b"h\r\nno final line break", None),
    (b"h", None),
    (b"", None),
    # A line break inside a quoted cell is the cell's, which the reader
    # reads (Excel writes Alt+Enter as LF in a CRLF file).
    (b'h\r\n"a\nb",c\r\nd\r\n', None),
    # A quote inside an unquoted cell is text, and opens no cell.
    (b'h\r\nRECORD 7" SINGLE,x\r\n"a\nb",c\r\nd\r\n', None),
    (
        b'h\r\nRECORD 7" SINGLE,x\nd\r\n',
        "line 2 ends in LF (Unix), line 1 in CRLF (Windows)",
    ),
    # A quote after a quoted cell's closing quote and some text is text.
    (b'h\r\na,"ab"x"\nq\r\n', "line 2 ends in LF (Unix), line 1 in CRLF (Windows)"),
    # A doubled quote inside a quoted cell is a quote character.
    (b'h\r\na,"x""y\nz",c\r\nd\r\n', None),
    (b'h\r\na,"x""y",c\nd\r\n', "line 2 ends in LF (Unix), line 1 in CRLF (Windows)"),
]


@pytest.mark.parametrize(("text", "found"), LINE_ENDING_CASES)
def test_the_first_line_ending_another_way(tmp_path, text, found):
    path = tmp_path / "lines.csv"
    path.write_bytes(text)
    assert mixed_line_endings(str(path)) == found
    packed = tmp_path / "lines.csv.gz"
    packed.write_bytes(gzip.compress(text))
    assert mixed_line_endings(str(packed)) == found
    # The same wherever the file's reads cut it.
    for size in range(1, 9):
        chunks = [text[i : i + size] for i in range(0, len(text), size)]
        assert _first_other_line_ending(chunks) == found, size


def test_line_endings_are_compared_across_read_chunks(tmp_path):
    # The file is read in chunks of 2^20 bytes, and 61,681 lines of 17
    # bytes are 2^20 + 1: the CRLF of line 61,681 is cut in two there.
    path = tmp_path / "lines.csv"
    lines = (b"x" * 15 + b"\r\n") * 61_681
    path.write_bytes(lines + b"y\r\nz\n")
    assert mixed_line_endings(str(path)) == (
        "line 61683 ends in LF (Unix), line 1 in CRLF (Windows)"
    )
    path.write_bytes(lines + b"y\r\n")
    assert mixed_line_endings(str(path)) is None
    assert mixed_line_endings(str(tmp_path / "missing.csv")) is None


@pytest.mark.parametrize(
    ("ending", "other"), [(b"\r\n", b"\n"), (b"\n", b"\r"), (b"\r", b"\n")]
)
def test_whole_chunks_of_one_line_ending_keep_the_count_and_the_open_quote(
    tmp_path, ending, other
):
    # A quoted cell opened on line 2 spans three whole chunks of 2^20 bytes
    # with no quote in them (counted without looking at each line): the
    # breaks of the other kind on lines 2 and 350,004 are the cell's. Once
    # it closes, the same break on line 350,006 is not.
    text = (
        b"h" + ending
        + b'"open' + other + b"x" + ending
        + (b"x" * 9 + ending) * 350_000
        + b"still open" + other
        + b'closed",y' + ending
        + b"z" + other
    )  # fmt: skip
    path = tmp_path / "lines.csv"
    path.write_bytes(text)
    assert len(text) > 3 * 2**20
    assert mixed_line_endings(str(path)) == (
        f"line 350006 ends in {LINE_ENDINGS[other]}, line 1 in {LINE_ENDINGS[ending]}"
    )


@pytest.mark.parametrize(
    ("ending", "other"), [(b"\r\n", b"\n"), (b"\n", b"\r"), (b"\r", b"\n")]
)
def test_a_break_of_the_other_kind_in_a_chunk_without_quotes(tmp_path, ending, other):
    text = b"h" + ending + (b"x" * 9 + ending) * 350_000 + b"y" + other + b"z" + ending
    path = tmp_path / "lines.csv"
    path.write_bytes(text)
    assert mixed_line_endings(str(path)) == (
        f"line 350002 ends in {LINE_ENDINGS[other]}, line 1 in {LINE_ENDINGS[ending]}"
    )


def test_what_a_path_that_is_not_a_regular_file_is(tmp_path):
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    assert special_file_kind(str(pipe)) == "a named pipe"
    assert special_file_kind(str(tmp_path / "pipe*.csv")) == "a named pipe"
    assert special_file_kind("/dev/null") == "a character device"
    regular = tmp_path / "customers.csv"
    regular.write_text("CustomerID\n1\n")
    assert special_file_kind(str(regular)) is None
    assert special_file_kind(str(tmp_path)) is None
    assert special_file_kind(str(tmp_path / "missing.csv")) is None


def test_a_full_read_finds_what_the_first_row_and_the_metadata_do_not(tmp_path):
    path = tmp_path / "customers.parquet"
    parquet_damaged_in_a_later_row_group(path)
    relation = f"read_parquet('{path}')"
    assert reader_problem(relation) is None
    # The raw byte DuckDB names is escaped, so that the line prints.
    assert read_problem(relation) == "don't know what type: \\x0f"
    assert read_problem(READABLE_CSV) is None


def test_file_size_of_the_one_file_a_path_names(tmp_path):
    folder = tmp_path / "size=1"
    folder.mkdir()
    (folder / "customers_2011.csv").write_bytes(b"CustomerID\n1\n")
    (folder / "empty.csv").write_bytes(b"")
    assert file_size(str(folder / "customers_2011.csv")) == 13
    assert file_size(str(folder / "customers_*.csv")) == 13
    assert file_size(str(folder / "empty.csv")) == 0
    assert file_size(str(folder / "missing.csv")) is None
