"""The order-lines file as read: the accepted headers and a Parquet file
load as the UCI one does, and unusable files are refused with one line,
the marts of the last good build untouched. The cleaning rules and RFM are
in test_order_lines.py."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

import duckdb
import pytest
from conftest import ORDER_LINES, ORDER_LINES_LOAD_SELECTION, started_with_session
from dbt_runs import DATA_BUILD, DbtResult, passed, start_dbt
from refusals import (
    assert_failed_with_line,
    assert_refused,
    input_beside_previous_build,
    start_on_previous_build,
    unusable_input_line,
)
from unusable_order_line_files import UNUSABLE, write_gzip

EXCERPT = ORDER_LINES / "online_retail_excerpt.csv"


def excerpt_with_header(header: str):
    """A writer of the excerpt's lines under ``header`` instead of its own."""

    def write(path: Path):
        _, lines = EXCERPT.read_text(encoding="utf-8").split("\n", 1)
        path.write_text(f"{header}\n{lines}", encoding="utf-8")

    return write


def excerpt_as_typed_parquet(path: Path):
    """The excerpt as a Parquet file with the types pandas gives the UCI
    workbook: whole-number quantities, timestamps, and float prices and
    customer ids (an empty id is null)."""
    with duckdb.connect() as connection:
        connection.execute(
            "copy (select InvoiceNo, StockCode, Description,"
            " cast(Quantity as bigint) as Quantity,"
            " cast(InvoiceDate as timestamp) as InvoiceDate,"
            " cast(UnitPrice as double) as UnitPrice,"
            " cast(CustomerID as double) as CustomerID, Country"
            f" from read_csv('{EXCERPT}', header = true, all_varchar = true))"
            f" to '{path}' (format parquet)"
        )


def excerpt_from_excel_with_a_cell_line_break(path: Path):
    """The excerpt as Excel saves it on Windows: CRLF line ends, and a
    description with a line break typed in its cell (Alt+Enter, a bare LF)
    in quotes."""
    header, *lines = EXCERPT.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace(
        "WHITE HANGING HEART T-LIGHT HOLDER", '"WHITE HANGING\nHEART T-LIGHT HOLDER"'
    )
    path.write_bytes("\r\n".join([header, *lines, ""]).encode("utf-8"))


# The excerpt under the other accepted headers, and as Parquet: (case, file
# name, the function writing it). Only base_order_lines is built, the one
# model that reads the file and maps its header; every later model reads
# it, so a load equal to the excerpt's gives the excerpt's outcomes and RFM.
# The two CSV files have the same name, so their runs share one parse state
# (dbt_runs.run_dbt). Each file sits in folders named like Hive partitions,
# which must change no value: DuckDB's readers would put Germany in every
# line's Country and 1 in its Quantity, and its read_blob() stopped on a
# size=1 folder with an internal error.
HIVE_LIKE_FOLDERS = "size=1/Country=Germany/Quantity=1"
EXCERPT_VARIANTS = [
    (
        "padded, mixed-case header with a byte-order mark",
        f"{HIVE_LIKE_FOLDERS}/order_lines.csv",
        excerpt_with_header(
            '\ufeff invoiceno ,STOCKCODE," Description ",quantity,'
            "InvoiceDate , UNITPRICE,customerid ,COUNTRY"
        ),
    ),
    (
        "snake_case header",
        f"{HIVE_LIKE_FOLDERS}/order_lines.csv",
        excerpt_with_header(
            "invoice_no,stock_code,description,quantity,invoice_date,"
            "unit_price,customer_id,country"
        ),
    ),
    (
        "typed Parquet file",
        f"{HIVE_LIKE_FOLDERS}/order_lines.parquet",
        excerpt_as_typed_parquet,
    ),
]
EXCEL_CELL_LINE_BREAK = (
    "CRLF line ends, a cell's line break in quotes",
    "order_lines.csv",
    excerpt_from_excel_with_a_cell_line_break,
)


@started_with_session()
def variant_loads(folders, shared) -> dict[str, Future[DbtResult]]:
    """Each excerpt variant's load, started with the session."""
    loads = {}
    for case, name, write in [*EXCERPT_VARIANTS, EXCEL_CELL_LINE_BREAK]:
        folder = folders.mktemp("excerpt_variant")
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        write(folder / name)
        loads[case] = start_dbt(
            folder / "warehouse.duckdb",
            *DATA_BUILD,
            "--select",
            "base_order_lines",
            "--indirect-selection",
            "cautious",
            # Relative to the folder dbt runs in, as a user names a file in
            # the project folder.
            vars={"raw_transactions_path": name},
        )
    return loads


def loaded_lines(build) -> list[tuple]:
    """base_order_lines in file order: the values as read, by column."""
    return build.query("select * from staging.base_order_lines order by rowid")


@pytest.mark.parametrize("case", [case[0] for case in EXCERPT_VARIANTS])
def test_excerpt_variants_load_as_the_excerpt(
    variant_loads, order_lines_excerpt_build, case
):
    lines = loaded_lines(passed(variant_loads[case]))
    assert lines == loaded_lines(order_lines_excerpt_build)
    assert len(lines) == 30
    assert lines[0] == (
        "536365",
        "85123A",
        "WHITE HANGING HEART T-LIGHT HOLDER",
        "6",
        "2010-12-01 08:26:00",
        "2.55",
        "17850.0",
        "United Kingdom",
    )
    # Line 20: no description and no customer id.
    assert lines[19] == (
        "536414",
        "22139",
        None,
        "56",
        "2010-12-01 11:52:00",
        "0.0",
        None,
        "United Kingdom",
    )


def test_a_line_break_of_the_other_kind_inside_a_quoted_cell_is_read(
    variant_loads, order_lines_excerpt_build
):
    # The first-line check read the file without quotes, and a strict
    # reader stopped at the bare LF among CRLF line ends: the file was
    # refused as unreadable before anything was built.
    lines = loaded_lines(passed(variant_loads[EXCEL_CELL_LINE_BREAK[0]]))
    excerpt = loaded_lines(order_lines_excerpt_build)
    assert len(lines) == 30
    assert lines[0][2] == "WHITE HANGING\nHEART T-LIGHT HOLDER"
    assert lines[0][:2] + lines[0][3:] == excerpt[0][:2] + excerpt[0][3:]
    assert lines[1:] == excerpt[1:]


def excerpt_with_day_first_dates(path: Path):
    """The excerpt as a UK Excel writes it: 1/12/2010 8:26 for 1 December."""
    header, *lines = EXCERPT.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join(
            [
                header,
                *(
                    line.replace("2010-12-01 0", "1/12/2010 ").replace(
                        "2010-12-01 1", "1/12/2010 1"
                    )
                    for line in lines
                ),
                "",
            ]
        ),
        encoding="utf-8",
    )


@started_with_session()
def day_first_build(folders, shared) -> Future[DbtResult]:
    folder = folders.mktemp("day_first")
    excerpt_with_day_first_dates(folder / "order_lines.csv")
    return start_dbt(
        folder / "warehouse.duckdb",
        *DATA_BUILD,
        *ORDER_LINES_LOAD_SELECTION,
        vars={
            "raw_transactions_path": "order_lines.csv",
            "slash_date_order": "day_first",
        },
    )


def test_day_first_dates_read_with_the_var(day_first_build, order_lines_excerpt_build):
    build = passed(day_first_build)
    assert build.query(
        "select invoice_date_raw from staging.base_order_lines order by rowid limit 1"
    ) == [("1/12/2010 8:26:00",)]
    dates = (
        "select invoice_date from staging.stg_order_lines order by source_line_number"
    )
    assert build.query(dates) == order_lines_excerpt_build.query(dates)
    assert len(build.query(dates)) == 30


RETURNS_ONLY = (
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,"
    "Country\n"
    + "".join(
        f"C5000{n},2200{n},MUG,-2,2010-12-0{n} 08:26:00,1.25,{customer},UK\n"
        for n, customer in enumerate((17850, 12838, 13047), start=1)
    )
)


@started_with_session()
def returns_only_builds(folders, shared) -> dict[str, Future[DbtResult]]:
    """Order lines that are all returns beside the customer file, built up
    to the model whose post-hook looks for a sale line: clustered on the
    profile (nothing to refuse) and on RFM (nothing to segment)."""
    runs = {}
    for case, features in (
        ("profile features", ["annual_income_k", "spending_score"]),
        ("RFM features", ["recency_days", "frequency", "monetary"]),
    ):
        folder = folders.mktemp("returns_only")
        (folder / "order_lines.csv").write_text(RETURNS_ONLY)
        runs[case] = start_dbt(
            folder / "warehouse.duckdb",
            *DATA_BUILD,
            "--select",
            "+int_customer_invoice_months",
            "--indirect-selection",
            "cautious",
            vars={
                "raw_customers_path": str(ORDER_LINES / "customer_profiles.csv"),
                "raw_transactions_path": "order_lines.csv",
                "segmentation_features": features,
            },
        )
    return runs


def test_lines_without_a_sale_are_refused_only_when_rfm_is_clustered(
    returns_only_builds,
):
    built = passed(returns_only_builds["profile features"])
    assert built.query(
        "select sum(sale_lines), sum(return_lines)"
        " from intermediate.int_customer_invoice_months"
    ) == [(0, 3)]
    refused = returns_only_builds["RFM features"].result()
    assert_failed_with_line(
        refused,
        unusable_input_line(
            "order_lines.csv",
            "none of its 3 lines is a sale line (3 return lines, 0 rejected lines)",
        ),
    )


# Unusable order-lines files: refused with one line, the marts untouched.


HAND_MADE = str(ORDER_LINES / "hand_made.csv")
# (case, the vars, the line that must refuse them).
BAD_VARS = [
    (
        "invalid as_of_date",
        {"raw_transactions_path": HAND_MADE, "as_of_date": "2011-02-30"},
        "Invalid var 'as_of_date': \"2011-02-30\". Allowed values: null (the"
        " day after the latest sale line) or a date written YYYY-MM-DD, before"
        " the year 9999.",
    ),
    (
        # The check's date arithmetic went past the year 9999: a raw
        # "date value out of range".
        "as_of_date in the year 9999",
        {"raw_transactions_path": HAND_MADE, "as_of_date": "9999-12-31"},
        "Invalid var 'as_of_date': \"9999-12-31\". Allowed values: null (the"
        " day after the latest sale line) or a date written YYYY-MM-DD, before"
        " the year 9999.",
    ),
    (
        "invalid slash_date_order",
        {"raw_transactions_path": HAND_MADE, "slash_date_order": "dmy"},
        "Invalid var 'slash_date_order': \"dmy\". Allowed values: month_first"
        " (12/1/2010 is 1 December, as in UCI's export) or day_first (1/12/2010"
        " is 1 December).",
    ),
    (
        "slash_date_order without order lines",
        {"slash_date_order": "day_first"},
        "Invalid var 'slash_date_order': \"day_first\". Allowed values:"
        " month_first without an order-lines file (slash_date_order reads the"
        " dates of raw_transactions_path).",
    ),
]


@started_with_session("bundled_build")
def refused_builds(folders, shared) -> dict[str, tuple[Future, str]]:
    """Each unusable file's build, and each bad var's, on a copy of
    a good warehouse, all started with the session: case -> (the run, the
    line that must refuse it)."""
    refused = {}
    for case, name, content, message in UNUSABLE:
        folder = folders.mktemp("refused")
        path = input_beside_previous_build(folder, name)
        if callable(content):
            content(path)
        elif name.endswith(".gz"):
            write_gzip(path, content)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        elif content is not None:
            path.write_text(content)
        run = start_on_previous_build(
            shared["bundled_build"], folder, {"raw_transactions_path": name}
        )
        refused[case] = (run, unusable_input_line(name, message))
    for case, vars, expected_line in BAD_VARS:
        run = start_on_previous_build(
            shared["bundled_build"], folders.mktemp("refused"), vars
        )
        refused[case] = (run, expected_line)
    return refused


@pytest.mark.parametrize("case", [case[0] for case in UNUSABLE])
def test_unusable_order_lines_file_is_refused(refused_builds, good_marts, case):
    run, expected_line = refused_builds[case]
    # As for the customer file, only the problems found reading the whole
    # file come once nodes have run.
    found_reading_it_all = case in (
        "malformed line in a gzip file",
        "lines ending in two ways past the sniffer's sample",
        "a line longer than 2 MB past the sniffer's sample",
        "header but no data rows",
        "one customer",
        "a line that is not UTF-8",
        "dates written day first",
        "no sale line",
    )
    assert_refused(
        run, expected_line, good_marts, before_any_node=not found_reading_it_all
    )
    # The warehouse held no order lines. A file refused before or as it
    # loads leaves none (its load is rolled back); refused later, once its
    # lines are cleaned (no sale line, one customer), the loaded lines stay
    # until the next good build, while the marts stay as they were.
    refused_after_load = case in ("one customer", "no sale line")
    assert run.result().query(
        "select count(*) from duckdb_tables()"
        " where schema_name = 'staging' and table_name = 'base_order_lines'"
    ) == [(1 if refused_after_load else 0,)]


@pytest.mark.parametrize("case", [case[0] for case in BAD_VARS])
def test_invalid_order_lines_var_is_refused(refused_builds, good_marts, case):
    run, expected_line = refused_builds[case]
    assert_refused(run, expected_line, good_marts, before_any_node=True)
