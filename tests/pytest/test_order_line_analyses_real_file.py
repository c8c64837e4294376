"""The order-line analyses (analyses/order_lines/), compiled once by dbt, run
on the real Online Retail file, against the same figures computed anew with
pandas from the raw file (the cleaning rules that the file triggers, written
again here, and plain groupbys). Amounts are compared exactly, in
thousandths of a pound."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
import yaml
from conftest import ONLINE_RETAIL, ONLINE_RETAIL_ABSENT, PROJECT_DIR
from order_line_analysis_runs import analysis_runner


@pytest.fixture(scope="module")
def run_analysis(order_line_analyses):
    return analysis_runner(order_line_analyses)


d = Decimal  # the expected amounts below, as in the excerpt's tests

MISSING_MARKERS = {"", "?", "na", "n/a", "null", "none"}


def milli(amount: Decimal) -> int:
    """An exact amount in pounds as whole thousandths of a pound."""
    return int(amount * 1000)


def average_milli(total_milli: int, count: int) -> int:
    """total / count in thousandths, halves rounded up (cast to 3 places)."""
    return int((Decimal(total_milli) / count).quantize(Decimal(1), ROUND_HALF_UP))


@pytest.fixture(scope="module")
def valid_lines() -> pd.DataFrame:
    """The sale and return lines of the raw file, without dbt: every value
    trimmed, the missing markers missing, invoices and stock codes
    upper-case; then the rules that reject lines of this file: no customer
    id, a price of 0, a positive quantity on a C invoice, a non-product stock
    code (the var's default list) and extra exact copies. Tests ask for it
    before the build, so that it runs while the build does."""
    if not ONLINE_RETAIL.is_file():
        pytest.skip(ONLINE_RETAIL_ABSENT)
    raw = pd.read_csv(ONLINE_RETAIL, dtype=str, keep_default_na=False, engine="pyarrow")
    text = raw.apply(lambda column: column.str.strip())
    text = text.mask(text.apply(lambda col: col.str.lower().isin(MISSING_MARKERS)))
    # At most 3 decimals on every price, so price × 1000 is a whole number
    # that a double holds exactly.
    assert text["UnitPrice"].str.fullmatch(r"-?\d+(\.\d{1,3})?").all()
    lines = pd.DataFrame(
        {
            "invoice_no": text["InvoiceNo"].str.upper(),
            "stock_code": text["StockCode"].str.upper(),
            "description": text["Description"],
            "quantity": pd.to_numeric(text["Quantity"]).astype("int64"),
            "invoice_date": pd.to_datetime(
                text["InvoiceDate"], format="%Y-%m-%d %H:%M:%S"
            ),
            "price_milli": (pd.to_numeric(text["UnitPrice"]) * 1000)
            .round()
            .astype("int64"),
            "customer_id": pd.to_numeric(text["CustomerID"]),
            "country": text["Country"],
        }
    )
    vars = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    non_product = {code.upper() for code in vars["non_product_stock_codes"]}
    is_valid = (
        lines["customer_id"].notna()
        & (lines["price_milli"] > 0)
        & ~(lines["invoice_no"].str.startswith("C") & (lines["quantity"] > 0))
        & ~lines["stock_code"].isin(non_product)
        & ~lines.duplicated(keep="first")
    )
    valid = lines.loc[is_valid].assign(
        amount_milli=lambda v: v["quantity"] * v["price_milli"],
        is_sale=lambda v: v["quantity"] > 0,
        sales_month=lambda v: v["invoice_date"].dt.to_period("M").dt.start_time.dt.date,
    )
    # The build's counts (test_order_lines_real_file.py): same lines.
    assert (valid["is_sale"].sum(), (~valid["is_sale"]).sum()) == (391_150, 8_506)
    return valid


def measures(valid: pd.DataFrame, by: str) -> pd.DataFrame:
    """Sales and returns per value of ``by``, amounts in thousandths."""
    sales = valid[valid["is_sale"]].groupby(by)
    returns = valid[~valid["is_sale"]].groupby(by)
    return (
        pd.DataFrame(
            {
                "sale_lines": sales.size(),
                "invoices": sales["invoice_no"].nunique(),
                "customers": sales["customer_id"].nunique(),
                "quantity_sold": sales["quantity"].sum(),
                "revenue": sales["amount_milli"].sum(),
                "return_lines": returns.size(),
                "cancelled_invoices": returns["invoice_no"].nunique(),
                "returning_customers": returns["customer_id"].nunique(),
                "returned_quantity": -returns["quantity"].sum(),
                "returned_value": -returns["amount_milli"].sum(),
            },
            index=valid[by].drop_duplicates().sort_values(),
        )
        .fillna(0)
        .astype("int64")
    )


def most_common_description(valid: pd.DataFrame) -> pd.Series:
    counts = valid.groupby(["stock_code", "description"]).size().reset_index(name="n")
    counts = counts.sort_values(["n", "description"], ascending=[False, True])
    return counts.drop_duplicates("stock_code").set_index("stock_code")["description"]


def test_real_file_monthly_sales(valid_lines, run_analysis, online_retail_build):
    rows = run_analysis(online_retail_build, "order_lines_monthly_sales")
    expected = measures(valid_lines, "sales_month")
    assert [row["sales_month"] for row in rows] == list(expected.index)
    assert [
        (row["sale_lines"], row["invoices"], row["active_customers"],
         milli(row["revenue"]), milli(row["avg_order_value"]),
         row["return_lines"], milli(row["returned_value"]),
         milli(row["net_revenue"]))
        for row in rows
    ] == [
        (m.sale_lines, m.invoices, m.customers, m.revenue,
         average_milli(m.revenue, m.invoices), m.return_lines,
         m.returned_value, m.revenue - m.returned_value)
        for m in expected.itertuples()
    ]  # fmt: skip
    # The figures docs/order_lines.md quotes: 13 months from December 2010
    # to December 2011 (sales up to the 9th); November 2011 the busiest.
    assert len(rows) == 13
    assert sum(row["revenue"] for row in rows) == d("8737227.640")
    assert sum(row["returned_value"] for row in rows) == d("471750.710")
    assert rows[11] == {
        "sales_month": date(2011, 11, 1), "sale_lines": 62_938,
        "invoices": 2_642, "active_customers": 1_660,
        "revenue": d("1136534.000"), "avg_order_value": d("430.179"),
        "return_lines": 1_000, "returned_value": d("23431.880"),
        "net_revenue": d("1113102.120"),
    }  # fmt: skip


def test_real_file_country_sales(valid_lines, run_analysis, online_retail_build):
    rows = run_analysis(online_retail_build, "order_lines_country_sales")
    expected = (
        measures(valid_lines, "country")
        .reset_index()
        .sort_values(["revenue", "country"], ascending=[False, True])
    )
    total_milli = expected["revenue"].sum()
    assert [
        (row["country"], row["customers"], row["invoices"], row["sale_lines"],
         milli(row["revenue"]), milli(row["avg_order_value"]),
         milli(row["returned_value"]))
        for row in rows
    ] == [
        (c.country, c.customers, c.invoices, c.sale_lines, c.revenue,
         average_milli(c.revenue, c.invoices), c.returned_value)
        for c in expected.itertuples()
    ]  # fmt: skip
    assert [row["revenue_share"] for row in rows] == pytest.approx(
        list(expected["revenue"] / total_milli), rel=1e-12
    )
    # 37 countries; the United Kingdom has 82.9% of the revenue.
    assert len(rows) == 37
    assert (rows[0]["country"], rows[0]["customers"]) == ("United Kingdom", 3_916)
    assert round(rows[0]["revenue_share"], 4) == 0.8290


def test_real_file_top_products(valid_lines, run_analysis, online_retail_build):
    rows = run_analysis(online_retail_build, "order_lines_top_products")
    products = measures(valid_lines, "stock_code").reset_index()
    products = products[products["sale_lines"] > 0]
    descriptions = most_common_description(valid_lines)
    for ranking in ("revenue", "quantity_sold"):
        top = products.sort_values([ranking, "stock_code"], ascending=[False, True])
        assert [
            (row["product_rank"], row["stock_code"], row["description"],
             row["quantity_sold"], milli(row["revenue"]), row["sale_lines"],
             row["invoices"], row["customers"], row["returned_quantity"],
             milli(row["returned_value"]))
            for row in rows
            if row["ranking"] == ranking
        ] == [
            (n, p.stock_code, descriptions[p.stock_code], p.quantity_sold,
             p.revenue, p.sale_lines, p.invoices, p.customers,
             p.returned_quantity, p.returned_value)
            for n, p in enumerate(top.head(10).itertuples(), start=1)
        ]  # fmt: skip
    # The top seller by revenue, one line of 80,995 units on 2011-12-09,
    # was cancelled in full the same day.
    assert [rows[0][key] for key in ("stock_code", "revenue", "returned_value")] == [
        "23843",
        d("168469.600"),
        d("168469.600"),
    ]
    assert (rows[1]["stock_code"], rows[1]["description"]) == (
        "22423",
        "REGENCY CAKESTAND 3 TIER",
    )


def test_real_file_cancellations(valid_lines, run_analysis, online_retail_build):
    rows = run_analysis(online_retail_build, "order_lines_cancellations")
    expected = measures(valid_lines, "sales_month")
    assert [
        (row["sales_month"], row["return_lines"], row["cancelled_invoices"],
         row["returning_customers"], row["returned_quantity"],
         milli(row["returned_value"]), milli(row["revenue"]))
        for row in rows
    ] == [
        (m.Index, m.return_lines, m.cancelled_invoices, m.returning_customers,
         m.returned_quantity, m.returned_value, m.revenue)
        for m in expected.itertuples()
    ]  # fmt: skip
    assert [row["returned_share_of_revenue"] for row in rows] == pytest.approx(
        list(expected["returned_value"] / expected["revenue"]), rel=1e-12
    )
    assert [row["return_line_share"] for row in rows] == pytest.approx(
        list(
            expected["return_lines"]
            / (expected["sale_lines"] + expected["return_lines"])
        ),
        rel=1e-12,
    )
    # December 2011: a third of the month's sales value came back.
    assert round(rows[12]["returned_share_of_revenue"], 4) == 0.3398
    assert sum(row["return_lines"] for row in rows) == 8_506


def test_real_file_top_returned_products(
    valid_lines, run_analysis, online_retail_build
):
    rows = run_analysis(online_retail_build, "order_lines_top_returned_products")
    products = measures(valid_lines, "stock_code").reset_index()
    products = products[products["return_lines"] > 0]
    top = products.sort_values(
        ["returned_value", "stock_code"], ascending=[False, True]
    ).head(10)
    descriptions = most_common_description(valid_lines)
    assert [
        (row["product_rank"], row["stock_code"], row["description"],
         row["return_lines"], row["returning_customers"],
         row["returned_quantity"], milli(row["returned_value"]),
         row["quantity_sold"], milli(row["revenue"]))
        for row in rows
    ] == [
        (n, p.stock_code, descriptions[p.stock_code], p.return_lines,
         p.returning_customers, p.returned_quantity, p.returned_value,
         p.quantity_sold, p.revenue)
        for n, p in enumerate(top.itertuples(), start=1)
    ]  # fmt: skip
    assert [row["returned_share_of_revenue"] for row in rows] == pytest.approx(
        list(top["returned_value"] / top["revenue"]), rel=1e-12
    )
    # 74,494 of the 77,916 storage jars sold came back (12346's 74,215
    # among them).
    assert [rows[1][key] for key in ("stock_code", "returned_quantity")] == [
        "23166",
        74_494,
    ]
