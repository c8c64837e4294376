"""The order-line analyses (analyses/order_lines/), compiled once by dbt, run
on two warehouses: the 30-line excerpt, with every number worked out by hand
below, and the real Online Retail file, against the same figures computed
anew with pandas from the raw file (the cleaning rules that the file
triggers, written again here, and plain groupbys). Amounts are compared
exactly, in thousandths of a pound."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pandas as pd
import pytest
import yaml
from conftest import ONLINE_RETAIL, ONLINE_RETAIL_ABSENT, PROJECT_DIR
from dbt_runs import DbtResult

ANALYSES = [
    "order_lines_cancellations",
    "order_lines_country_sales",
    "order_lines_monthly_sales",
    "order_lines_top_products",
    "order_lines_top_returned_products",
]


@pytest.fixture(scope="module")
def run_analysis(order_line_analyses):
    """Runs one compiled analysis on a warehouse: a list of dicts, in the
    analysis's own order."""
    assert sorted(path.stem for path in order_line_analyses.glob("*.sql")) == ANALYSES

    def run(build: DbtResult, name: str) -> list[dict]:
        sql = (order_line_analyses / f"{name}.sql").read_text()
        with duckdb.connect(str(build.database), read_only=True) as con:
            relation = con.sql(sql)
            columns = relation.columns
            return [dict(zip(columns, row, strict=True)) for row in relation.fetchall()]

    return run


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


# The real file: the valid lines worked out again with pandas.

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
