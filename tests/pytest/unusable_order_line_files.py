"""The order-lines files that must be refused, and how each is written:
the cases of test_order_lines_input.py."""

from __future__ import annotations

import gzip

import pyarrow as pa
import pyarrow.parquet as pq

UCI_HEADER = (
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"
)
LINE = "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom"


def duckdb_free_parquet(path):
    """The UCI columns and a second unit price, "unitprice", as pyarrow
    writes them: DuckDB would read the second as unitprice_1."""
    names = [*UCI_HEADER.split(","), "unitprice"]
    values = [*LINE.split(","), "2.60"]
    pq.write_table(pa.table({n: [v] for n, v in zip(names, values, strict=True)}), path)


def write_gzip(path, text):
    with gzip.open(path, "wt") as handle:
        handle.write(text)
    return path


EXPECTED_HEADERS = (
    "InvoiceNo (or Invoice), StockCode, Description, Quantity, InvoiceDate,"
    " UnitPrice (or Price), CustomerID (or Customer ID), Country"
)


# (case, file name, its content or None for no file, the message after
# "Unusable input <file>: "). The steps are those of the customer file
# (test_unusable_input.py): these cases check them on the order-lines
# catalogue, a .gz file and the post-hook of base_order_lines, the model
# that reads the whole file. As there, each file is named relative to the
# folder dbt runs in, so the runs on order_lines.csv (and the two CSV
# excerpt variants above) share one parse state.
UNUSABLE = [
    ("missing file", "order_lines.csv", None, "file not found"),
    ("empty file", "order_lines.csv", "", "the file is empty (0 bytes)"),
    (
        "no header row",
        "order_lines.csv",
        f"{LINE}\n{LINE}\n",
        f"no header row with the expected columns (first line: {LINE};"
        f" expected {EXPECTED_HEADERS})",
    ),
    (
        "missing required column",
        "order_lines.csv",
        UCI_HEADER.replace(",UnitPrice", "") + "\n",
        "required column 'UnitPrice (or Price)' is missing (found"
        " InvoiceNo,StockCode,Description,Quantity,InvoiceDate,CustomerID,Country)",
    ),
    (
        # A line break in a quoted cell makes its row two lines: DuckDB's
        # reader counts the bad row as line 4, an editor shows it on line 5.
        "malformed line in a gzip file",
        "order_lines.csv.gz",
        "\n".join(
            [
                UCI_HEADER,
                LINE.replace("HEART", '"HEART\nHOLDER"'),
                LINE,
                f"{LINE},extra",
                "",
            ]
        ),
        "line 5 is not valid CSV (Expected Number of Columns: 8 Found: 9);"
        " fix or remove that line",
    ),
    (
        "lines ending in two ways",
        "order_lines.csv",
        f"{UCI_HEADER}\r\n{LINE}\r\n{LINE}\n".encode(),
        "its lines end in two ways (line 3 ends in LF (Unix), line 1 in CRLF"
        " (Windows)); save it with one kind of line ending",
    ),
    (
        # Past the 20,480 rows DuckDB's sniffer reads: said on-run-end, once
        # the load has failed.
        "lines ending in two ways past the sniffer's sample",
        "order_lines.csv",
        (f"{UCI_HEADER}\r\n" + f"{LINE}\r\n" * 25_000 + f"{LINE}\n" * 3).encode(),
        "its lines end in two ways (line 25002 ends in LF (Unix), line 1 in CRLF"
        " (Windows)); save it with one kind of line ending",
    ),
    (
        # DuckDB's own limit on a line, which the source's reader options
        # keep (models/staging/_staging__sources.yml) although their larger
        # buffer would raise it. Past the sniffer's sample, so that the
        # load itself meets the line.
        "a line longer than 2 MB past the sniffer's sample",
        "order_lines.csv",
        f"{UCI_HEADER}\n"
        + f"{LINE}\n" * 25_000
        + f"{LINE.replace('HEART', 'H' * 2_100_000)}\n",
        "line 25002 is not valid CSV (Maximum line size of 2000000 bytes"
        " exceeded. Actual Size:2100064 bytes.); fix or remove that line",
    ),
    (
        "header but no data rows",
        "order_lines.csv",
        f"{UCI_HEADER}\n",
        "the file has a header but no data rows",
    ),
    (
        "one customer",
        "order_lines.csv",
        f"{UCI_HEADER}\n{LINE}\n",
        "only 1 usable customer row after cleaning; k=2 needs at least 3"
        " (reasons in intermediate.int_customers_joined, and for order lines"
        " intermediate.int_order_lines_validated)",
    ),
    (
        "two columns for the unit price",
        "order_lines.csv",
        f"{UCI_HEADER},Price\n{LINE},2.60\n",
        "columns 'UnitPrice' and 'Price' are both UnitPrice (or Price); keep"
        " one of them, or rename the other",
    ),
    (
        "two columns for the unit price in a Parquet file",
        "order_lines.parquet",
        duckdb_free_parquet,
        "columns 'UnitPrice' and 'unitprice' are both UnitPrice (or Price); keep"
        " one of them, or rename the other",
    ),
    (
        "a header that is not UTF-8",
        "order_lines.csv",
        f"{UCI_HEADER},Catégorie\n{LINE},x\n".encode("latin-1"),
        "no header row (the first line is not UTF-8 text: byte 0xe9 at"
        " character 86); save the file as UTF-8 CSV",
    ),
    (
        "a line that is not UTF-8",
        "order_lines.csv",
        f"{UCI_HEADER}\n{LINE}\n{LINE.replace('HEART', 'CAFÉ')}\n".encode("latin-1"),
        "line 3 is not valid CSV (Invalid unicode (byte sequence mismatch)"
        " detected. This file is not utf-8 encoded.); save the file as UTF-8",
    ),
    (
        "dates written day first",
        "order_lines.csv",
        UCI_HEADER
        + "\n"
        + "".join(
            LINE.replace("2010-12-01 08:26:00", f"{day}/12/2010 8:26") + "\n"
            for day in range(1, 31)
        ),
        "its dates with slashes are written day first: 18 of its 30 would have"
        " a month above 12 (line 14: '13/12/2010 8:26'), and 0 a day above 12;"
        " set the var slash_date_order to day_first",
    ),
    (
        # Two reasons on two lines each: the one checked first is named
        # (missing_customer_id, rule 1), not the first alphabetically.
        "no sale line",
        "order_lines.csv",
        f"{UCI_HEADER}\n"
        + f"{LINE.replace('2010-12-01 08:26:00', '01.12.2010 08:26')}\n" * 2
        + f"{LINE.replace('17850.0', '')}\n" * 2
        + LINE.replace("536365", "C536365").replace(",6,", ",-6,")
        + "\n",
        "none of its 5 lines is a sale line (1 return line, 4 rejected lines,"
        " most as missing_customer_id (2; line 4: CustomerID is missing))",
    ),
]
