"""The order-lines input (var raw_transactions_path): every cleaning rule on
fixture files, RFM features worked out by hand, and unusable files refused
with one line. The real Online Retail file is tested in
test_order_lines_real_file.py."""

from __future__ import annotations

import gzip
from concurrent.futures import Future
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import (
    ORDER_LINES,
    ORDER_LINES_SELECTION,
    assert_refused,
    start_on_previous_build,
    started_with_session,
)
from dbt_runs import DATA_BUILD, PREVIOUS_BUILD, DbtResult, passed, start_dbt


def start_order_lines(folders, name, **vars) -> Future[DbtResult]:
    # The unit tests run in the session's excerpt build.
    database = folders.mktemp(name) / "warehouse.duckdb"
    return start_dbt(database, *DATA_BUILD, *ORDER_LINES_SELECTION, vars=vars)


def line_outcomes(build) -> dict[int, str]:
    """source_line_number -> 'sale', 'return' or the reject reason."""
    return dict(
        build.query(
            "select source_line_number, case when is_sale_line then 'sale'"
            " when is_return_line then 'return' else reject_reason end"
            " from intermediate.int_order_lines_validated"
        )
    )


def rfm(build, customer_id) -> dict:
    columns = (
        "recency_days, frequency, monetary, tenure_days, avg_order_value,"
        " returned_value, r_score, f_score, m_score, rfm_segment,"
        " has_purchases, reject_reason, reject_detail"
    )
    rows = build.query(
        f"select {columns} from intermediate.int_customers_joined"
        f" where customer_id = {customer_id}"
    )
    assert len(rows) == 1, rows
    return dict(zip(columns.split(", "), rows[0], strict=True))


# A file longer than one of DuckDB's CSV read buffers (about 51 MB), in
# which each line's invoice number is its line number.
LONG_FILE_LINES = 600_000


def write_long_file(path: Path) -> Path:
    with duckdb.connect() as connection:
        connection.execute(
            "copy (select line as InvoiceNo, 'SC' || line % 977 as StockCode,"
            " 'PRODUCT ' || line % 31 as Description, 1 + line % 12 as Quantity,"
            " '2011-01-02 10:11' as InvoiceDate, '1.25' as UnitPrice,"
            " 12000 + line % 900 as CustomerID, 'United Kingdom' as Country"
            f" from range(1, {LONG_FILE_LINES + 1}) as lines (line))"
            f" to '{path}' (header true)"
        )
    return path


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


# The excerpt under the other accepted headers, and as Parquet: (case, file
# name, the function writing it). Only base_order_lines is built, the one
# model that reads the file and maps its header; every later model reads
# it, so a load equal to the excerpt's gives the excerpt's outcomes and RFM.
# The two CSV files have the same name, so their runs share one parse state
# (dbt_runs.run_dbt).
EXCERPT_VARIANTS = [
    (
        "padded, mixed-case header with a byte-order mark",
        "order_lines.csv",
        excerpt_with_header(
            '\ufeff invoiceno ,STOCKCODE," Description ",quantity,'
            "InvoiceDate , UNITPRICE,customerid ,COUNTRY"
        ),
    ),
    (
        "snake_case header",
        "order_lines.csv",
        excerpt_with_header(
            "invoice_no,stock_code,description,quantity,invoice_date,"
            "unit_price,customer_id,country"
        ),
    ),
    ("typed Parquet file", "order_lines.parquet", excerpt_as_typed_parquet),
]


@started_with_session()
def builds(folders, shared) -> dict[str, Future[DbtResult]]:
    """The hand-made build, the long file's load and the excerpt variants'
    loads, started with the session (the excerpt is the session's,
    conftest; the refused builds are below)."""
    long_file = folders.mktemp("long_file")
    runs = {
        # The load and the line numbers only.
        "long file": start_dbt(
            long_file / "warehouse.duckdb",
            *DATA_BUILD,
            "--select",
            "base_order_lines stg_order_lines",
            "--indirect-selection",
            "cautious",
            vars={
                "raw_transactions_path": str(
                    write_long_file(long_file / "order_lines.csv")
                )
            },
        ),
        # Rare cases, "Online Retail II" header, as_of_date set.
        "hand made": start_order_lines(
            folders,
            "hand_made",
            raw_transactions_path=str(ORDER_LINES / "hand_made.csv"),
            as_of_date="2010-12-05",
        ),
    }
    for case, name, write in EXCERPT_VARIANTS:
        folder = folders.mktemp("excerpt_variant")
        write(folder / name)
        runs[case] = start_dbt(
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
    return runs


@pytest.fixture(scope="module")
def excerpt_build(order_lines_excerpt_build) -> DbtResult:
    """30 lines of the public file, built once for the session (conftest)."""
    return order_lines_excerpt_build


@pytest.fixture(scope="module")
def hand_made_build(builds) -> DbtResult:
    return passed(builds["hand made"])


def test_excerpt_lines_each_end_in_one_place(excerpt_build):
    sale = {n: "sale" for n in [*range(1, 11), 14, 15, 16, 17, 21, 22, 26]}
    assert line_outcomes(excerpt_build) == {
        **sale,
        11: "non_product_line",  # POST
        12: "non_product_line",  # D (a discount), on a C invoice
        13: "return",  # C536383, quantity -1
        18: "exact_duplicate",  # of line 17
        19: "exact_duplicate",  # of line 16
        20: "missing_customer_id",
        23: "non_product_line",  # M
        24: "non_product_line",  # BANK CHARGES
        25: "invalid_unit_price",  # 0.0
        27: "return",  # C541433, -74215
        28: "missing_customer_id",  # A563185, adjust bad debt
        29: "missing_customer_id",
        30: "missing_customer_id",
    }
    assert excerpt_build.query(
        "select source_line_number, reject_detail, invoice_no_raw,"
        " unit_price_raw, customer_id_raw from marts.rejected_transaction_rows"
        " where source_line_number in (18, 25) order by 1"
    ) == [
        (18, "exact copy of source line 17", "536409", "1.25", "17908.0"),
        (25, "UnitPrice '0.0' is not a number above 0", "537197", "0.0", "12647.0"),
    ]


def test_excerpt_rfm_worked_by_hand(excerpt_build):
    # as_of_date: the day after the latest sale line (12346's, 2011-01-18).
    # 17850: invoice 536365 = 6×2.55 + 6×3.39 + 8×2.75 + 6×3.39 + 6×3.39
    # + 2×7.65 + 6×4.25 = 139.12, invoice 536366 = 6×1.85 + 6×1.85 = 22.20;
    # 161.32 over 2 invoices, last and first on 2010-12-01: 49 days.
    # Scores over 6 customers (ntile(5): groups of 2, 1, 1, 1, 1): five are
    # 49 days out, ranked by id (12838, 13047, 17850, ...), so r = 2; the
    # most invoices, f = 5; the second-highest spend, m = 4; fm = 5.
    assert rfm(excerpt_build, 17850) == {
        "recency_days": 49,
        "frequency": 2,
        "monetary": Decimal("161.320"),
        "tenure_days": 49,
        "avg_order_value": Decimal("80.660"),
        "returned_value": Decimal("0.000"),
        "r_score": 2,
        "f_score": 5,
        "m_score": 4,
        "rfm_segment": "At risk",
        "has_purchases": True,
        "reject_reason": None,
        "reject_detail": None,
    }
    # 12346: 74215 × 1.04 = 77183.60 bought, and returned the same day.
    # The most recent (r 5) and the highest spend (m 5), one invoice (f 1):
    # fm = (1 + 5 + 1) // 2 = 3.
    assert rfm(excerpt_build, 12346) == {
        "recency_days": 1,
        "frequency": 1,
        "monetary": Decimal("77183.600"),
        "tenure_days": 1,
        "avg_order_value": Decimal("77183.600"),
        "returned_value": Decimal("77183.600"),
        "r_score": 5,
        "f_score": 1,
        "m_score": 5,
        "rfm_segment": "Potential loyalists",
        "has_purchases": True,
        "reject_reason": None,
        "reject_detail": None,
    }
    # 15311's one valid line is a return: not segmented.
    assert rfm(excerpt_build, 15311)["reject_reason"] == "no_purchases"
    # Customers: 6 with a sale line, 15311, and none for the rejected lines.
    assert excerpt_build.query(
        "select count(*), count(*) filter (where has_purchases)"
        " from intermediate.int_customer_rfm"
    ) == [(7, 6)]


def test_rare_cases_and_the_online_retail_ii_header(hand_made_build):
    assert line_outcomes(hand_made_build) == {
        1: "sale",  # 12/1/2010 8:26, month first
        2: "exact_duplicate",  # of 1: " GIFT CARD ", 6.0, ISO date, 1.250
        3: "return",  # c536501, lower-case c
        4: "inconsistent_cancellation",  # c536502 with quantity 2
        5: "non_product_line",  # post, lower-case
        6: "invalid_invoice_date",  # 13/1/2011: no 13th month
        7: "invalid_quantity",  # 0
        8: "invalid_quantity",  # 1.5
        9: "invalid_unit_price",  # nan
        10: "invalid_unit_price",  # -1
        11: "invalid_customer_id",  # abc
        12: "invalid_customer_id",  # 0
        13: "missing_customer_id",  # ?
        14: "missing_invoice",  # NA
        15: "missing_stock_code",  # empty
        16: "sale",  # "BOWL, LARGE": a quoted comma
        17: "return",  # customer 13001's only valid line
        18: "after_as_of_date",  # 2010-12-05 09:00, as_of_date 2010-12-05
        19: "sale",
    }
    assert hand_made_build.query(
        "select reject_detail from marts.rejected_transaction_rows"
        " where source_line_number in (2, 4, 6, 18) order by source_line_number"
    ) == [
        ("exact copy of source line 1",),
        ("cancellation invoice C536502 has a positive quantity (2)",),
        (
            "InvoiceDate '13/1/2011 8:26' is not a date and time written"
            " YYYY-MM-DD HH:MM[:SS] or M/D/YYYY H:MM",
        ),
        ("dated 2010-12-05 09:00:00, on or after as_of_date 2010-12-05",),
    ]


def test_rfm_from_the_as_of_date_var(hand_made_build):
    # 13000: 6 × 1.25 = 7.50 on 2010-12-01 and 4 × 0.333 = 1.332 on
    # 2010-12-04: 8.832 over 2 invoices; returned 2 × 1.25 = 2.50. Two
    # customers, so scores are 1 or 2; r 2, f 2, m 2 -> fm 2: Hibernating.
    assert rfm(hand_made_build, 13000) == {
        "recency_days": 1,
        "frequency": 2,
        "monetary": Decimal("8.832"),
        "tenure_days": 4,
        "avg_order_value": Decimal("4.416"),
        "returned_value": Decimal("2.500"),
        "r_score": 2,
        "f_score": 2,
        "m_score": 2,
        "rfm_segment": "Hibernating",
        "has_purchases": True,
        "reject_reason": None,
        "reject_detail": None,
    }
    assert rfm(hand_made_build, 13002)["rfm_segment"] == "Lost"
    assert rfm(hand_made_build, 13001) == {
        "recency_days": None,
        "frequency": 0,
        "monetary": None,
        "tenure_days": None,
        "avg_order_value": None,
        "returned_value": Decimal("0.333"),
        "r_score": None,
        "f_score": None,
        "m_score": None,
        "rfm_segment": None,
        "has_purchases": False,
        "reject_reason": "no_purchases",
        "reject_detail": (
            "CustomerID 13001 has no sale line in the order lines; return lines: 1"
        ),
    }


def loaded_lines(build) -> list[tuple]:
    """base_order_lines in file order: the values as read, by column."""
    return build.query("select * from staging.base_order_lines order by rowid")


@pytest.mark.parametrize("case", [case[0] for case in EXCERPT_VARIANTS])
def test_excerpt_variants_load_as_the_excerpt(builds, excerpt_build, case):
    lines = loaded_lines(passed(builds[case]))
    assert lines == loaded_lines(excerpt_build)
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


# Unusable order-lines files: refused with one line, the marts untouched.

UCI_HEADER = (
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"
)
LINE = "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom"


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
        "malformed line in a gzip file",
        "order_lines.csv.gz",
        f"{UCI_HEADER}\n{LINE}\n{LINE},extra\n",
        "line 3 is not valid CSV (Expected Number of Columns: 8 Found: 9);"
        " fix or remove that line",
    ),
    (
        "header but no data rows",
        "order_lines.csv",
        f"{UCI_HEADER}\n",
        "the file has a header but no data rows",
    ),
]


@started_with_session("bundled_build")
def refused_builds(folders, shared) -> dict[str, tuple[Future, str]]:
    """Each unusable file's build, and the invalid as_of_date's, on a copy of
    a good warehouse, all started with the session: case -> (the run, the
    line that must refuse it)."""
    refused = {}
    for case, name, content, message in UNUSABLE:
        folder = folders.mktemp("refused")
        # The folder of the warehouse's copy, where dbt runs.
        path = folder / PREVIOUS_BUILD / name
        path.parent.mkdir()
        if name.endswith(".gz"):
            write_gzip(path, content)
        elif content is not None:
            path.write_text(content)
        run = start_on_previous_build(
            shared["bundled_build"], folder, {"raw_transactions_path": name}
        )
        refused[case] = (run, f"Unusable input {name}: {message}")
    run = start_on_previous_build(
        shared["bundled_build"],
        folders.mktemp("refused"),
        {
            "raw_transactions_path": str(ORDER_LINES / "hand_made.csv"),
            "as_of_date": "2011-02-30",
        },
    )
    refused["invalid as_of_date"] = (
        run,
        "Invalid var 'as_of_date': \"2011-02-30\". Allowed values: null (the"
        " day after the latest sale line) or a date written YYYY-MM-DD.",
    )
    return refused


@pytest.mark.parametrize("case", [case[0] for case in UNUSABLE])
def test_unusable_order_lines_file_is_refused(refused_builds, good_marts, case):
    run, expected_line = refused_builds[case]
    assert_refused(run, expected_line, good_marts)


def test_invalid_as_of_date_is_refused(refused_builds, good_marts):
    run, expected_line = refused_builds["invalid as_of_date"]
    assert_refused(run, expected_line, good_marts)


def test_line_numbers_follow_the_file_on_a_long_file(builds):
    # base_order_lines stores the lines unnumbered and stg_order_lines
    # numbers them by their place in the table: DuckDB keeps the file's
    # order however many read buffers the load takes.
    build = passed(builds["long file"])
    assert build.query(
        "select count(*), min(source_line_number), max(source_line_number),"
        " count(*) filter (where invoice_no_raw::bigint != source_line_number)"
        " from staging.stg_order_lines"
    ) == [(LONG_FILE_LINES, 1, LONG_FILE_LINES, 0)]
