"""The shape of the synthetic store behind benchmarks.synthetic_order_lines:
its period and opening hours, the share of each kind of line, the customers'
behaviour types, where they live, and the products, quantities and prices.
The values follow the UCI "Online Retail" file (a UK online gift
wholesaler, 2010-12-01 to 2011-12-09)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

PERIOD_START = np.datetime64("2010-12-01", "m")
PERIOD_DAYS = 374  # up to and including 2011-12-09
OPENING_HOURS = (7, 20)  # invoices from 7:00 to 19:59, as in the real file
FIRST_INVOICE_NUMBER = 536_365
FIRST_CUSTOMER_ID = 12_346

RETURN_LINE_SHARE = 0.02
GUEST_LINE_SHARE = 0.015
COPY_LINE_SHARE = 0.01
# Share of invoices with a postage line: abroad, and at home (DOT).
POSTAGE_SHARE_ABROAD = 0.6
POSTAGE_SHARE_HOME = 0.02


@dataclass(frozen=True)
class Behaviour:
    name: str
    share: float
    min_invoices: int
    extra_invoices_mean: float  # Poisson, on top of min_invoices
    lines_per_invoice_mean: float  # geometric, at least 1
    quantity_scale: int
    active_share_of_year: float  # lapsed customers buy early and stop


BEHAVIOURS = (
    Behaviour("one-off", 0.35, 1, 0.0, 12, 1, 1.0),
    Behaviour("occasional", 0.30, 2, 1.0, 15, 1, 1.0),
    Behaviour("regular", 0.20, 4, 3.0, 18, 1, 1.0),
    Behaviour("loyal", 0.08, 12, 8.0, 22, 2, 1.0),
    Behaviour("wholesale", 0.02, 25, 15.0, 35, 6, 1.0),
    Behaviour("lapsed", 0.05, 2, 2.0, 15, 1, 0.4),
)
GUEST_LINES_PER_INVOICE_MEAN = 10
MAX_LINES_PER_INVOICE = 250

# Quantities as the real file writes them most; repeats weight them.
QUANTITIES = np.array(
    [1, 1, 1, 1, 2, 2, 2, 3, 4, 4, 6, 6, 6, 8, 10, 12, 12, 12, 12, 24, 24, 36, 48]
)
# Where customers live (share of customers); guests are all at home.
COUNTRIES = (
    ("United Kingdom", 0.88),
    ("Germany", 0.022),
    ("France", 0.020),
    ("EIRE", 0.012),
    ("Spain", 0.007),
    ("Belgium", 0.006),
    ("Netherlands", 0.006),
    ("Switzerland", 0.005),
    ("Portugal", 0.005),
    ("Italy", 0.004),
    ("Finland", 0.004),
    ("Norway", 0.004),
    ("Australia", 0.003),
    ("Sweden", 0.003),
    ("Denmark", 0.003),
    ("Japan", 0.002),
    ("USA", 0.002),
    ("Channel Islands", 0.002),
    ("Poland", 0.002),
    ("Austria", 0.002),
    ("Cyprus", 0.002),
    ("Canada", 0.001),
    ("Greece", 0.001),
    ("Israel", 0.001),
    ("Iceland", 0.001),
    ("Singapore", 0.001),
)
HOME = 0  # COUNTRIES[0]

# A prime number of products: (base + j * step) % N_PRODUCTS differs for
# every j below N_PRODUCTS, so an invoice never lists a product twice.
N_PRODUCTS = 3_989
# fmt: off
PRICE_POINTS = (
    "0.29", "0.39", "0.42", "0.55", "0.65", "0.72", "0.79", "0.85", "1.25",
    "1.45", "1.65", "1.95", "2.1", "2.55", "2.95", "3.25", "3.39", "3.75",
    "4.25", "4.95", "5.95", "6.75", "7.95", "8.5", "9.95", "12.75", "14.95",
    "16.95",
)
COLOURS = (
    "WHITE", "RED", "PINK", "BLUE", "GREEN", "IVORY", "CREAM", "BLACK",
    "SILVER", "GOLD",
)
MATERIALS = (
    "METAL", "GLASS", "WOODEN", "CERAMIC", "PAPER", "FELT", "ENAMEL", "RETRO",
    "VINTAGE",
)
ITEMS = (
    "HEART T-LIGHT HOLDER", "LANTERN", "BUNTING", "CAKE STAND", "PARTY BAG",
    "DOORMAT", "HOT WATER BOTTLE", "LUNCH BOX", "JAM JAR", "CHILDRENS MUG",
    "PHOTO FRAME", "TEA SET", "CLOCK", "CANDLE", "STORAGE TIN", "SHOPPING BAG",
    "BIRD ORNAMENT", "WASHBAG", "NAPKINS", "PICNIC BASKET",
)
# fmt: on
# (stock code, description, price) of the postage lines; the first is
# POST, the others DOT.
POSTAGE_ABROAD = (("POST", "POSTAGE", "18"), ("POST", "POSTAGE", "40"))
POSTAGE_HOME = (("DOT", "DOTCOM POSTAGE", "11.17"), ("DOT", "DOTCOM POSTAGE", "4.13"))


def product_catalogue(rng: np.random.Generator) -> dict[str, pa.Array]:
    """Stock code, description and price (text) of every product, then the
    postage entries; and each product's popularity (Zipf-like)."""
    numbers = rng.choice(np.arange(10_000, 90_000), N_PRODUCTS, replace=False)
    letters = rng.choice(list(" ABCDEFGHJKLMNPS"), N_PRODUCTS)
    codes = [f"{n}{c}".strip() for n, c in zip(numbers, letters, strict=True)]
    descriptions = [
        f"{rng.choice(COLOURS)} {rng.choice(MATERIALS)} {rng.choice(ITEMS)}"
        for _ in range(N_PRODUCTS)
    ]
    prices = list(rng.choice(PRICE_POINTS, N_PRODUCTS))
    for code, description, price in POSTAGE_ABROAD + POSTAGE_HOME:
        codes.append(code)
        descriptions.append(description)
        prices.append(price)
    popularity = 1 / np.arange(1, N_PRODUCTS + 1) ** 0.8
    return {
        "StockCode": pa.array(codes),
        "Description": pa.array(descriptions),
        "UnitPrice": pa.array(prices),
        "popularity": rng.permutation(popularity / popularity.sum()),
    }


def expected_lines_per_customer() -> float:
    return sum(
        b.share * (b.min_invoices + b.extra_invoices_mean) * b.lines_per_invoice_mean
        for b in BEHAVIOURS
    )
