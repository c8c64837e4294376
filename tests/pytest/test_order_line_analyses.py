"""The order-line analyses (analyses/order_lines/), compiled once by dbt, run
on the 30-line excerpt, with every number worked out by hand below (on the
real Online Retail file: test_order_line_analyses_real_file.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from dbt_runs import copy_warehouse, damage
from order_line_analysis_runs import analysis_runner


@pytest.fixture(scope="module")
def run_analysis(order_line_analyses):
    return analysis_runner(order_line_analyses)


def d(text: str) -> Decimal:
    return Decimal(text)


# The excerpt (tests/pytest/fixtures/order_lines/online_retail_excerpt.csv):
# 17 sale lines and 2 return lines are valid (test_order_lines.py lists
# every line's outcome), all in the United Kingdom.
# December 2010, six invoices by five customers:
#   536365 (17850) 6×2.55 + 6×3.39 + 8×2.75 + 6×3.39 + 6×3.39 + 2×7.65
#                  + 6×4.25 = 139.12
#   536366 (17850) 6×1.85 + 6×1.85 = 22.20
#   536367 (13047) 32×1.69 = 54.08
#   536384 (18074) 3×6.45 + 48×0.65 = 19.35 + 31.20 = 50.55
#   536409 (17908) 2.10 + 1.25 = 3.35 (its other two lines are copies)
#   536415 (12838) 10×0.55 + 5×2.95 = 5.50 + 14.75 = 20.25
#   revenue 289.55 over 16 lines; average order 289.55 / 6 = 48.258;
#   one return, C536383 (15311): 1 × 4.65.
# January 2011: 541431 (12346) 74215 × 1.04 = 77183.60, all returned the
# same day by C541433.


def test_excerpt_monthly_sales(run_analysis, order_lines_excerpt_build):
    assert run_analysis(order_lines_excerpt_build, "order_lines_monthly_sales") == [
        {"sales_month": date(2010, 12, 1), "sale_lines": 16, "invoices": 6,
         "active_customers": 5, "revenue": d("289.550"),
         "avg_order_value": d("48.258"), "return_lines": 1,
         "returned_value": d("4.650"), "net_revenue": d("284.900")},
        {"sales_month": date(2011, 1, 1), "sale_lines": 1, "invoices": 1,
         "active_customers": 1, "revenue": d("77183.600"),
         "avg_order_value": d("77183.600"), "return_lines": 1,
         "returned_value": d("77183.600"), "net_revenue": d("0.000")},
    ]  # fmt: skip


def test_excerpt_country_sales(run_analysis, order_lines_excerpt_build):
    # France (POST) and Germany (price 0) have no valid line. 289.55 +
    # 77183.60 = 77473.15 over 7 invoices = 11067.593; returned 4.65 +
    # 77183.60 = 77188.25.
    assert run_analysis(order_lines_excerpt_build, "order_lines_country_sales") == [
        {"country": "United Kingdom", "customers": 6, "invoices": 7,
         "sale_lines": 17, "revenue": d("77473.150"), "revenue_share": 1.0,
         "avg_order_value": d("11067.593"), "returned_value": d("77188.250")},
    ]  # fmt: skip


def test_an_average_order_halfway_between_two_thousandths_rounds_up(
    run_analysis, order_lines_excerpt_build, tmp_path
):
    # DuckDB divides a DECIMAL as a double: 289.575 / 6 = 48.2625 became
    # 48.26249999… and 48.262, and 77473.1895 / 7 = 11067.5985 became
    # 11067.598, where the customers' avg_order_value rounds exactly.
    copy = copy_warehouse(order_lines_excerpt_build, tmp_path)
    damage(
        copy,
        "update intermediate.int_customer_invoice_months"
        " set revenue = revenue + 0.025 where invoice_no = '536409'",
        # The lines as read (int_order_lines_validated is a view over them);
        # of the two 2.10 lines the second is the copy, rejected either way.
        "update staging.base_order_lines set unit_price_raw = '2.1395'"
        " where invoice_no_raw = '536409' and unit_price_raw = '2.1'",
    )
    changed = replace(order_lines_excerpt_build, database=copy)
    december, _ = run_analysis(changed, "order_lines_monthly_sales")
    assert (december["revenue"], december["avg_order_value"]) == (
        d("289.575"),
        d("48.263"),
    )
    [country] = run_analysis(changed, "order_lines_country_sales")
    assert (country["revenue"], country["avg_order_value"]) == (
        d("77473.1895"),
        d("11067.599"),
    )


def test_excerpt_top_products(run_analysis, order_lines_excerpt_build):
    rows = run_analysis(order_lines_excerpt_build, "order_lines_top_products")
    ranked = [(row["ranking"], row["product_rank"], row["stock_code"]) for row in rows]
    # By revenue: 77183.60, 54.08, 31.20, 25.50, 22.00, then three at 20.34
    # in stock-code order, 19.35, and of the two at 15.30 the lower code.
    by_revenue = ["23166", "84879", "84755", "21730", "84406B", "71053",
                  "84029E", "84029G", "82484", "22752"]  # fmt: skip
    # By units: 74215, 48, 32, 10, 8, then five of the seven products at 6
    # units, in stock-code order.
    by_quantity = ["23166", "84755", "84879", "22952", "84406B", "21730",
                   "22632", "22633", "71053", "84029E"]  # fmt: skip
    assert ranked == [
        *(("revenue", n, code) for n, code in enumerate(by_revenue, start=1)),
        *(("quantity_sold", n, code) for n, code in enumerate(by_quantity, start=1)),
    ]
    assert rows[0] == {
        "ranking": "revenue",
        "product_rank": 1,
        "stock_code": "23166",
        "description": "MEDIUM CERAMIC TOP STORAGE JAR",
        "quantity_sold": 74215,
        "revenue": d("77183.600"),
        "sale_lines": 1,
        "invoices": 1,
        "customers": 1,
        "returned_quantity": 74215,
        "returned_value": d("77183.600"),
    }
    assert rows[2] == {
        "ranking": "revenue",
        "product_rank": 3,
        "stock_code": "84755",
        "description": "COLOUR GLASS T-LIGHT HOLDER HANGING",
        "quantity_sold": 48,
        "revenue": d("31.200"),
        "sale_lines": 1,
        "invoices": 1,
        "customers": 1,
        "returned_quantity": 0,
        "returned_value": d("0.000"),
    }


def test_excerpt_cancellations(run_analysis, order_lines_excerpt_build):
    rows = run_analysis(order_lines_excerpt_build, "order_lines_cancellations")
    shares = [
        (row.pop("returned_share_of_revenue"), row.pop("return_line_share"))
        for row in rows
    ]
    assert rows == [
        {"sales_month": date(2010, 12, 1), "return_lines": 1,
         "cancelled_invoices": 1, "returning_customers": 1,
         "returned_quantity": 1, "returned_value": d("4.650"),
         "revenue": d("289.550")},
        {"sales_month": date(2011, 1, 1), "return_lines": 1,
         "cancelled_invoices": 1, "returning_customers": 1,
         "returned_quantity": 74215, "returned_value": d("77183.600"),
         "revenue": d("77183.600")},
    ]  # fmt: skip
    # 4.65 / 289.55 and 1 return line in 17; all of January's sales, 1 in 2.
    assert shares == [
        (pytest.approx(4.65 / 289.55, rel=1e-12), pytest.approx(1 / 17, rel=1e-12)),
        (1.0, 0.5),
    ]


def test_excerpt_top_returned_products(run_analysis, order_lines_excerpt_build):
    # 35004C was returned but never sold in the excerpt: no revenue, so no
    # share of it.
    assert run_analysis(
        order_lines_excerpt_build, "order_lines_top_returned_products"
    ) == [
        {"product_rank": 1, "stock_code": "23166",
         "description": "MEDIUM CERAMIC TOP STORAGE JAR", "return_lines": 1,
         "returning_customers": 1, "returned_quantity": 74215,
         "returned_value": d("77183.600"), "quantity_sold": 74215,
         "revenue": d("77183.600"), "returned_share_of_revenue": 1.0},
        {"product_rank": 2, "stock_code": "35004C",
         "description": "SET OF 3 COLOURED  FLYING DUCKS", "return_lines": 1,
         "returning_customers": 1, "returned_quantity": 1,
         "returned_value": d("4.650"), "quantity_sold": 0,
         "revenue": d("0.000"), "returned_share_of_revenue": None},
    ]  # fmt: skip
