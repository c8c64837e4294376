"""Input checks that need Python, called from SQL (see dbt_plugin.py).

Jinja cannot catch a failed query, and DuckDB fails on some damaged files
before any line is read: its CSV sniffer on an unterminated quote, its gzip
reader on a `.gz` name that is not gzip, its Parquet reader on a file that
is not Parquet. This lets macros/check_input_files.sql ask first, and
explain the problem in one line. Jinja cannot read a file's first bytes or
ask whether a path is a file either.
"""

from __future__ import annotations

import csv
import glob
import gzip
import os
import re
import stat
import zlib

import duckdb


def _query_error(query: str) -> str | None:
    """The first line of DuckDB's error for ``query`` on a connection of
    its own; None when it runs."""
    with duckdb.connect() as con:
        try:
            con.execute(query).fetchall()
        except duckdb.Error as error:
            return str(error).splitlines()[0]
    return None


def reader_problem(relation_sql: str) -> str | None:
    """None when DuckDB can read the first row of ``relation_sql`` (a table
    function such as ``read_csv(...)``; for a CSV its sniffer reads a
    sample, not the whole file), else the first line of DuckDB's error."""
    return _query_error(f"select * from {relation_sql} limit 1")


def read_problem(relation_sql: str) -> str | None:
    """reader_problem for every value of the relation: None when DuckDB
    decodes them all, else the first line of its error, with characters
    that do not print escaped (a damaged Parquet page names a raw byte). A
    full read, asked only after the build stopped in the model that reads
    the input, to tell whether the file is the cause. It hashes every value,
    since a count or a maximum can come from a Parquet file's metadata."""
    line = _query_error(f"select sum(hash(columns(*))) from {relation_sql}")
    if line is None:
        return None
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in line)


def is_same_file(first: str, second: str) -> bool:
    """Whether two paths name one existing file, however each is spelled
    (./, ~, absolute or relative, through a symlink). False where either
    cannot be looked at: its own checks report that."""
    try:
        return os.path.samefile(os.path.expanduser(first), os.path.expanduser(second))
    except (OSError, ValueError):
        return False


def is_folder(path: str) -> bool:
    """Whether ``path`` names a folder, or is a pattern that matches folders
    only (False, not an error, where it cannot be looked at). DuckDB's glob
    lists files only, so to it a folder given as the input file looks
    missing."""
    path = os.path.expanduser(path)
    if glob.escape(path) == path:
        return os.path.isdir(path)
    matches = glob.glob(path, recursive=True)
    return bool(matches) and all(os.path.isdir(match) for match in matches)


def is_file_named_like_a_pattern(path: str) -> bool:
    """Whether ``path`` names an existing file with one of glob's wildcards
    (``*``, ``?``, ``[``) in its name. DuckDB reads such a path as a
    pattern, never as the name: ``customers[1].csv`` reads
    ``customers1.csv``."""
    path = os.path.expanduser(path)
    return glob.escape(path) != path and os.path.isfile(path)


def file_as_read(path: str) -> str:
    """The file DuckDB's reader takes for ``path``: ``~`` expanded, and a
    pattern that matches one file replaced by that file. A pattern that
    matches none or several is left as it is: the checks that open it find
    nothing, and DuckDB's reader says what it makes of it."""
    expanded = os.path.expanduser(path)
    if glob.has_magic(expanded):
        matches = glob.glob(expanded, recursive=True)
        if len(matches) == 1:
            return matches[0]
    return expanded


def _file_status(path: str) -> os.stat_result | None:
    """os.stat of the one file ``path`` names; None where it cannot be
    looked at (its own checks say why)."""
    try:
        return os.stat(file_as_read(path))
    except OSError:
        return None


def file_size(path: str) -> int | None:
    """The size in bytes of the one file ``path`` names, or None (see
    _file_status). DuckDB's read_blob() would read a folder named like
    ``size=1/`` in the path as a Hive partition, whose column clashes with
    its own ``size``."""
    status = _file_status(path)
    return None if status is None else status.st_size


def special_file_kind(path: str) -> str | None:
    """What the one file ``path`` names is when it is not a regular file:
    "a named pipe", "a character device" (/dev/null), "a socket" or "a
    block device"; None for a regular file, a folder, or a path that
    cannot be looked at (see _file_status). Its size reads 0, so it would
    be refused as an empty file; a named pipe fed by another program would
    be read until that program stops."""
    status = _file_status(path)
    if status is None:
        return None
    kinds = [
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISBLK, "a block device"),
    ]
    return next((kind for test, kind in kinds if test(status.st_mode)), None)


GZIP_MAGIC = b"\x1f\x8b"
# The first bytes of files that are often given where a CSV file belongs,
# as patterns matched at the file's start.
_RECOMPRESS = "decompress it, or compress it with gzip and name it .gz"
_NOT_CSV = [
    (re.escape(GZIP_MAGIC), "it is gzip-compressed; give it a name ending in .gz"),
    (
        rb"PK\x03\x04",
        "it is a ZIP archive, as an Excel workbook (.xlsx) is; save the sheet as CSV",
    ),
    (rb"\xff\xfe", "it is UTF-16 text; save it as UTF-8 CSV"),
    (rb"\xfe\xff", "it is UTF-16 text; save it as UTF-8 CSV"),
    # The other compressions the inputs do not take: DuckDB reads zstd,
    # but the checks before it read the text with Python's gzip module.
    (rb"\x28\xb5\x2f\xfd", f"it is zstd-compressed; {_RECOMPRESS}"),
    (rb"BZh[1-9]1AY&SY", f"it is bzip2-compressed; {_RECOMPRESS}"),
    (rb"\xfd7zXZ\x00", f"it is xz-compressed; {_RECOMPRESS}"),
]
PARQUET_MAGIC = b"PAR1"


def not_csv_reason(path: str) -> str | None:
    """What a file named as a plain CSV file is instead, when its first
    bytes say so; None otherwise, and where it cannot be opened (DuckDB's
    reader then says why)."""
    try:
        with open(file_as_read(path), "rb") as file:
            start = file.read(10)
            # A Parquet file starts and ends with its magic; a CSV header
            # may start with the same four letters.
            is_parquet = (
                start[:4] == PARQUET_MAGIC and _last_bytes(file, 4) == PARQUET_MAGIC
            )
    except OSError:
        return None
    if is_parquet:
        return "it is a Parquet file; give it a name ending in .parquet"
    return next((reason for magic, reason in _NOT_CSV if re.match(magic, start)), None)


# Enough for any header; a longer first line is checked this far.
FIRST_LINE_BYTES = 1 << 16


def open_as_read(path: str):
    """The file's text as DuckDB's CSV reader takes it: decompressed when
    its name ends in .gz (the reader goes by the name, and a file whose
    content and name disagree is refused before it is read)."""
    path = file_as_read(path)
    opener = gzip.open if path.lower().endswith(".gz") else open
    return opener(path, "rb")


def first_line_not_utf8(path: str) -> str | None:
    """Where the first line of a CSV file (plain or .gz) is not UTF-8
    text, as "byte 0xe9 at character 62", or where it holds a NUL byte,
    which no text file's header has; None when it is text, or when the
    file cannot be opened (DuckDB's reader then says why). DuckDB's reader
    skips a line that is not UTF-8 when asked to ignore errors, so the next
    line would pass for the header; and a line with NUL bytes, as UTF-16
    text without a byte order mark has, printed them into the message."""
    try:
        with open_as_read(path) as file:
            start = file.read(FIRST_LINE_BYTES)
    except (OSError, EOFError, zlib.error):
        return None
    # A line ends at LF, CRLF or a lone CR (old Mac files).
    line = start.split(b"\n", 1)[0].split(b"\r", 1)[0]
    whole = len(line) < len(start)
    nul = line.find(b"\x00")
    text = line if nul < 0 else line[:nul]
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as error:
        # A character cut by the length limit is not an error.
        if nul >= 0 or whole or error.start < len(line) - 3:
            character = len(line[: error.start].decode("utf-8")) + 1
            return f"byte 0x{line[error.start]:02x} at character {character}"
    if nul >= 0:
        character = len(text.decode("utf-8")) + 1
        return (
            f"a NUL byte at character {character}: binary data, or UTF-16"
            " text without a byte order mark"
        )
    return None


def _last_bytes(file, count: int) -> bytes:
    file.seek(0, os.SEEK_END)
    file.seek(max(file.tell() - count, 0))
    return file.read(count)


def gzip_problem(path: str) -> str | None:
    """Why a gzip file's data is damaged, in Python's gzip module's words
    (a CRC or length that does not match, a stream cut short); None when
    it is whole, is not gzip, or cannot be opened. DuckDB's reader does not
    check the CRC, so a damaged stretch in the middle of a file reaches the
    CSV reader as a malformed line. This reads the whole file, so it is
    asked only once DuckDB has found such a line, with the file's name as
    DuckDB's reader logged it (``~`` expanded, a pattern matched)."""
    try:
        with open(path, "rb") as file:
            if file.read(2) != GZIP_MAGIC:
                return None
    except OSError:
        return None
    try:
        with gzip.open(path, "rb") as file:
            while file.read(1 << 20):
                pass
    except (OSError, EOFError, zlib.error) as error:
        return str(error)
    return None


LINE_ENDINGS = {b"\r\n": "CRLF (Windows)", b"\n": "LF (Unix)", b"\r": "CR (old Mac)"}
_BREAK_OR_QUOTE = re.compile(rb'"|\r\n|\n|\r')
# What a quote opening a quoted cell follows: the start of a cell.
_CELL_STARTS = (b",", b"\n", b"\r", b"")


def mixed_line_endings(path: str) -> str | None:
    """Where a CSV file (plain or .gz) first ends a line otherwise than its
    first line, as "line 21 ends in LF (Unix), line 1 in CRLF (Windows)";
    None when every line outside quoted cells ends alike, or when the file
    cannot be read. DuckDB's strict reader stops on such a file ("state
    machine reached an invalid state"), and its lenient one would also take
    a row with too many values, dropping the extra ones. Python's csv
    module cannot tell either: it gives rows, not how each line ended.
    Reads the whole file, so it is asked only once the reader has
    failed."""
    try:
        with open_as_read(path) as file:
            return _first_other_line_ending(iter(lambda: file.read(1 << 20), b""))
    except (OSError, EOFError, zlib.error):
        return None


def _first_other_line_ending(chunks) -> str | None:
    """mixed_line_endings over the file's bytes, in chunks of any size. A
    quote opens a quoted cell at the start of a cell only (elsewhere it is
    text, as to DuckDB's reader), and a doubled quote inside one is a quote
    character."""
    first = None  # how the first line ends
    line, quoted = 1, False
    # The byte before the chunk; whether the byte before the next token is
    # a quote that closed a quoted cell.
    before, just_closed = b"", False
    carry = b""
    for chunk in [*chunks, None]:
        if chunk is None:
            data, carry = carry, b""
        else:
            # A CR at a chunk's end may be half of a CRLF.
            data = carry + chunk
            data, carry = (data[:-1], b"\r") if data.endswith(b"\r") else (data, b"")
        if not data:
            continue
        breaks = None if b'"' in data else _breaks_if_all(first, data)
        if breaks is not None:
            # No quote, and every break ends lines as the first does (the
            # common case, counted at C speed): only the line count moves.
            # On 1M customers (22 MB) 0.07-0.09 s, against 0.45-0.61 s
            # matching every break (2026-12-02, 2 cores).
            line += breaks
            before, just_closed = data[-1:], False
            continue
        for match in _BREAK_OR_QUOTE.finditer(data):
            token, at = match.group(), match.start()
            previous = data[at - 1 : at] if at else before
            if token == b'"':
                if quoted:
                    quoted, just_closed = False, True
                    continue
                # A quote that opens a cell, or the second of a doubled one
                # (right after the quote that seemed to close the cell).
                quoted = previous in _CELL_STARTS or (just_closed and previous == b'"')
                just_closed = False
                continue
            just_closed = False
            if not quoted:
                if first is None:
                    first = token
                elif token != first:
                    return (
                        f"line {line} ends in {LINE_ENDINGS[token]}, line 1 in"
                        f" {LINE_ENDINGS[first]}"
                    )
            line += 1
        before = data[-1:]
        just_closed = just_closed and data.endswith(b'"')
    return None


def _breaks_if_all(kind: bytes | None, data: bytes) -> int | None:
    """How many line breaks ``data`` holds when each of them is ``kind``;
    None when any is not, or ``kind`` is not known yet."""
    cr, lf, crlf = data.count(b"\r"), data.count(b"\n"), data.count(b"\r\n")
    if kind == b"\r\n":
        return crlf if cr == lf == crlf else None
    if kind == b"\n":
        return lf if cr == 0 else None
    if kind == b"\r":
        return cr if lf == 0 else None
    return None


# Joins header cells for Jinja, which splits them again: a character no
# header has.
HEADER_CELL_SEPARATOR = "\x1f"


def header_cells(first_line: str) -> str:
    """The cells of a CSV header line, trimmed, joined by
    HEADER_CELL_SEPARATOR. A quoted cell may hold a comma (``"Notes,
    misc"``), which splitting the line on commas would cut in two."""
    # DuckDB's reader drops one byte order mark; a second one would keep a
    # quote after it from opening a quoted cell.
    cells = next(csv.reader([first_line.lstrip("\ufeff")]), [])
    # A quote after a space is text to the csv module: ` "Age"`.
    return HEADER_CELL_SEPARATOR.join(cell.strip().strip('"').strip() for cell in cells)


def parquet_columns(path: str) -> list[dict] | None:
    """A Parquet file's columns by their stored names, in order, each with
    whether it holds a struct, list or map per row instead of one value;
    None when it cannot be read (DuckDB's reader says why). The schema is
    read from the file DuckDB's reader takes for ``path``. DuckDB's own
    schema listing names the fields inside a struct or list column as
    columns too, and its reader renames a second "price" beside "Price" as
    price_1.

    pyarrow is imported here, for a Parquet input only: the project's
    dbt-duckdb plugin imports this module when any dbt command opens its
    database, and importing pyarrow there held up every build by about
    0.45 s before its first hook."""
    import pyarrow.parquet

    try:
        schema = pyarrow.parquet.read_schema(file_as_read(path))
    except (OSError, pyarrow.ArrowException):
        return None
    return [
        {"name": field.name, "nested": pyarrow.types.is_nested(field.type)}
        for field in schema
    ]
