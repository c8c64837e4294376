"""The order-lines input (var raw_transactions_path): every cleaning rule on
fixture files and RFM features worked out by hand. How the file is read
(headers, Parquet, unusable files) is tested in test_order_lines_input.py,
the real Online Retail file in test_order_lines_real_file.py."""

from __future__ import annotations

import json
import re
from concurrent.futures import Future
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import (
    ORDER_LINES,
    ORDER_LINES_LOAD_SELECTION,
    ORDER_LINES_SELECTION,
    started_with_session,
)
from dbt_runs import (
    DATA_BUILD,
    WITH_UNIT_TESTS,
    DbtResult,
    passed,
    start_dbt,
    start_in_background,
    start_on_copy,
)


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


# 600,000 lines (41 MB), each line's invoice number its line number: the
# line numbers come from the loaded rows' positions. The file fits in one
# of the reader's 128 MiB buffers (buffer_size in _staging__sources.yml).
LONG_FILE_LINES = 600_000


def write_long_file(path: Path, lines: int = LONG_FILE_LINES) -> Path:
    with duckdb.connect() as connection:
        connection.execute(
            "copy (select line as InvoiceNo, 'SC' || line % 977 as StockCode,"
            " 'PRODUCT ' || line % 31 as Description, 1 + line % 12 as Quantity,"
            " '2011-01-02 10:11' as InvoiceDate, '1.25' as UnitPrice,"
            " 12000 + line % 900 as CustomerID, 'United Kingdom' as Country"
            f" from range(1, {lines + 1}) as lines (line))"
            f" to '{path}' (header true)"
        )
    return path


@started_with_session("order_lines_excerpt_build")
def builds(folders, shared) -> dict[str, Future[DbtResult]]:
    """The hand-made build and the long file's load, started with the
    session (the excerpt is the session's, conftest; the variants of its
    file and the refused files are in test_order_lines_input.py)."""
    long_file = folders.mktemp("long_file")
    hand_made = start_order_lines(
        folders,
        "hand_made",
        raw_transactions_path=str(ORDER_LINES / "hand_made.csv"),
        as_of_date="2010-12-05",
    )
    return {
        # The load and the line numbers only.
        "long file": start_dbt(
            long_file / "warehouse.duckdb",
            *DATA_BUILD,
            *ORDER_LINES_LOAD_SELECTION,
            vars={
                "raw_transactions_path": str(
                    write_long_file(long_file / "order_lines.csv")
                )
            },
        ),
        # Rare cases, "Online Retail II" header, as_of_date set.
        "hand made": hand_made,
        # Every unit test of a build on order lines, run with a user's
        # settings instead of the defaults, on the excerpt build's tables
        # (their columns).
        "unit tests, user's settings": start_on_copy(
            start_in_background(
                lambda: shared["order_lines_excerpt_build"].result()[0]
            ),
            folders.mktemp("users_settings"),
            "test",
            "--select",
            "test_type:unit",
            vars=USERS_SETTINGS,
        ),
    }


# Every setting that the order-lines models read, none at its default.
USERS_SETTINGS = {
    "raw_transactions_path": str(ORDER_LINES / "hand_made.csv"),
    **WITH_UNIT_TESTS,
    "as_of_date": "2010-12-05",
    "non_product_stock_codes": ["POST", "CRUK"],
    "slash_date_order": "day_first",
    "segmentation_features": ["recency_days", "monetary", "tenure_days"],
    "log_transformed_features": ["monetary"],
    "k_min": 3,
    "k_max": 4,
    "min_segments": 4,
    "min_segment_share": 0.1,
    "random_seed": 7,
}


@pytest.fixture(scope="module")
def excerpt_build(order_lines_excerpt_build) -> DbtResult:
    """30 lines of the public file, built once for the session (conftest)."""
    return order_lines_excerpt_build


@pytest.fixture(scope="module")
def hand_made_build(builds) -> DbtResult:
    return passed(builds["hand made"])


def test_unit_tests_pin_the_settings_they_depend_on(builds):
    # A unit test that reads a var the user set (as_of_date, say) expects
    # the outcome of the default and fails the user's plain `dbt build`.
    result = passed(builds["unit tests, user's settings"])
    assert sorted(re.findall(r" PASS \w+::(\w+) ", result.output)) == [
        "int_customer_invoice_months_adds_up_valid_lines",
        "int_customer_rfm_computes_features",
        "int_customers_joined_with_order_lines_alone",
        "int_order_line_copies_finds_exact_copies",
        "int_order_lines_validated_amounts_are_exact",
        "int_order_lines_validated_applies_the_rules_in_order",
        "int_order_lines_validated_details_and_as_of_date",
        "int_segments_named_bands_and_deduplicates_names",
        "int_segments_named_words_age",
        "int_segments_named_words_rfm",
        "segment_monthly_sales_counts_the_days_each_month_covers",
        "stg_order_lines_parses_each_value",
    ]


def test_excerpt_lines_each_end_in_one_place(excerpt_build):
    sale = {n: "sale" for n in [*range(1, 11), 14, 15, 16, 17, 21, 22, 26]}
    # The build says so in a line per input: 17 sales, 2 returns, 11
    # rejected; 15311 has only a return.
    assert (
        "  Segmented 6 of the 7 customers of the order lines into 3 segments; 1"
        " rejected, each with its reason in marts.rejected_customer_rows.\n"
    ) in excerpt_build.output
    assert (
        "  Order lines: 30 read, 17 sales, 2 returns, 11 rejected, each with"
        " its reason in marts.rejected_transaction_rows.\n"
    ) in excerpt_build.output
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
        (
            25,
            "UnitPrice '0.0' is not a number above 0 and below 10^12"
            " once rounded to 6 decimals",
            "537197",
            "0.0",
            "12647.0",
        ),
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
            "InvoiceDate '13/1/2011 8:26' is not a date written"
            " YYYY-MM-DD[ HH:MM[:SS]] or M/D/YYYY H:MM[:SS] (D/M/YYYY when"
            " slash_date_order is day_first) in the years 1000 to 9998",
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
        "monetary": Decimal("0.000000"),
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
            "CustomerID 13001 has no sale line left after cleaning; return lines: 1"
        ),
    }


def test_line_numbers_follow_the_file_on_a_long_file(builds):
    # base_order_lines stores the lines unnumbered and stg_order_lines
    # numbers them by their place in the table; the next test reads
    # through many buffers.
    build = passed(builds["long file"])
    assert build.query(
        "select count(*), min(source_line_number), max(source_line_number),"
        " count(*) filter (where invoice_no_raw::bigint != source_line_number)"
        " from staging.stg_order_lines"
    ) == [(LONG_FILE_LINES, 1, LONG_FILE_LINES, 0)]


def test_the_readers_options_keep_the_file_order_across_many_buffers(
    order_lines_excerpt_build, tmp_path
):
    # The long file above fits in one of the reader's 128 MiB buffers. Here
    # the project's reader, as the build's manifest gives it, reads 100,000
    # lines (6.8 MB) through 26 buffers of 256 KiB on two threads. Without
    # DuckDB's preserve_insertion_order, this load put 96,765 of the lines
    # out of place (checked by hand, 2026-12-02): the numbers would be wrong.
    manifest = json.loads(
        (order_lines_excerpt_build.database.parent / "target/manifest.json").read_text()
    )
    source = "source.mall_segmentation.order_lines_file.order_lines"
    options = manifest["sources"][source]["config"]["external_location"]
    path = write_long_file(tmp_path / "order_lines.csv", lines=100_000)
    small_buffers = {
        "buffer_size = 134217728": "buffer_size = 262144",
        # The reader wants a buffer larger than its longest line.
        "max_line_size = 2000000": "max_line_size = 100000",
        f"read_csv('{ORDER_LINES / 'online_retail_excerpt.csv'}'": f"read_csv('{path}'",
    }
    for option, replacement in small_buffers.items():
        assert options.count(option) == 1, options
        options = options.replace(option, replacement)
    with duckdb.connect() as connection:
        connection.execute("set threads = 2")
        connection.execute(f"create table lines as select * from {options}")
        assert connection.sql(
            "select count(*), count(*) filter (where InvoiceNo::bigint != rowid + 1)"
            " from lines"
        ).fetchall() == [(100_000, 0)]
