"""Where in a CSV file a line is, as an editor numbers it: for the one-line
refusal of a malformed line (macros/check_input_files.sql), whose position
DuckDB's reject log gives in bytes."""

from __future__ import annotations

import zlib

from segmentation.input_checks import open_as_read


def line_number_at(path: str, byte_position: int) -> int | None:
    """The line, as an editor numbers it (the header is line 1), that
    starts at ``byte_position`` of the file's text (after gzip, for a .gz
    file): one more than the line breaks (LF, CRLF or a lone CR) before it.
    DuckDB's reject log counts CSV rows instead, so a cell with a line
    break in quotes earlier in the file would send the user one line too
    early. After two or more blank lines DuckDB's position falls among
    them, so the blank lines from there on are skipped too. None when the
    file cannot be read."""
    if path is None or byte_position is None:
        return None
    try:
        with open_as_read(path) as file:
            breaks, left, after_cr = 0, byte_position, False
            while left > 0:
                chunk = file.read(min(left, 1 << 20))
                if not chunk:
                    break
                breaks += _line_breaks(chunk, after_cr)
                after_cr = chunk.endswith(b"\r")
                left -= len(chunk)
            while chunk := file.read(1 << 16):
                line_start = chunk.lstrip(b"\r\n")
                breaks += _line_breaks(chunk[: len(chunk) - len(line_start)], after_cr)
                after_cr = chunk.endswith(b"\r")
                if line_start:
                    break
    except (OSError, EOFError, zlib.error):
        return None
    return breaks + 1


def _line_breaks(data: bytes, after_cr: bool) -> int:
    """LF, CRLF and lone CR line breaks in ``data``, each counted once;
    ``after_cr``: the byte before ``data`` was a CR, whose break a leading
    LF completes."""
    breaks = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    return breaks - 1 if after_cr and data.startswith(b"\n") else breaks
