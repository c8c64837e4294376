"""The invoices behind the synthetic order lines (benchmarks/
synthetic_order_lines.py): who buys when, how many lines each invoice has,
which are returned, and which lines get an exact copy. One entry per
invoice, never per line, so memory does not grow with the line count beyond
the invoices; synthetic_order_lines.py expands and writes the lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from benchmarks.order_lines_mix import (
    BEHAVIOURS,
    COPY_LINE_SHARE,
    COUNTRIES,
    FIRST_CUSTOMER_ID,
    GUEST_LINE_SHARE,
    GUEST_LINES_PER_INVOICE_MEAN,
    HOME,
    MAX_LINES_PER_INVOICE,
    N_PRODUCTS,
    OPENING_HOURS,
    PERIOD_DAYS,
    POSTAGE_ABROAD,
    POSTAGE_SHARE_ABROAD,
    POSTAGE_SHARE_HOME,
    QUANTITIES,
    RETURN_LINE_SHARE,
    expected_lines_per_customer,
    product_catalogue,
)

SALE, RETURN, GUEST = 0, 1, 2


@dataclass
class Invoices:
    """One entry per invoice, before ordering by date."""

    minute: np.ndarray  # minutes since PERIOD_START
    customer: np.ndarray  # customer id, 0 for a guest
    country: np.ndarray
    kind: np.ndarray  # SALE, RETURN or GUEST
    product_lines: np.ndarray
    postage: np.ndarray  # catalogue index of the postage line, or -1
    base: np.ndarray  # first product
    step: np.ndarray  # product stride
    quantity_seed: np.ndarray
    quantity_scale: np.ndarray

    def take(self, index: np.ndarray) -> Invoices:
        return Invoices(**{k: v[index] for k, v in vars(self).items()})

    @staticmethod
    def concat(parts: list[Invoices]) -> Invoices:
        return Invoices(
            **{k: np.concatenate([vars(p)[k] for p in parts]) for k in vars(parts[0])}
        )

    @property
    def lines(self) -> np.ndarray:
        return self.product_lines + (self.postage >= 0)


def _minutes(rng, days_from, days_to) -> np.ndarray:
    """A random minute within opening hours between two day offsets."""
    day = np.floor(rng.uniform(days_from, days_to)).astype(np.int64)
    open_minutes = (OPENING_HOURS[1] - OPENING_HOURS[0]) * 60
    minute = rng.integers(0, open_minutes, len(day))
    return day * 1440 + OPENING_HOURS[0] * 60 + minute


def _sales(rng, n_customers: int, catalogue) -> Invoices:
    behaviour = rng.choice(
        len(BEHAVIOURS), n_customers, p=[b.share for b in BEHAVIOURS]
    )
    param = {
        name: np.array([getattr(b, name) for b in BEHAVIOURS])[behaviour]
        for name in (
            "min_invoices",
            "extra_invoices_mean",
            "lines_per_invoice_mean",
            "quantity_scale",
            "active_share_of_year",
        )
    }
    n_invoices = param["min_invoices"] + rng.poisson(param["extra_invoices_mean"])
    # Lapsed customers stop buying after their share of the year.
    active_days = param["active_share_of_year"] * PERIOD_DAYS
    # Half were customers before the period began; the others join in it.
    first_day = np.where(
        rng.random(n_customers) < 0.5, 0, rng.uniform(0, active_days * 0.8)
    )
    country_shares = np.array([share for _, share in COUNTRIES])
    country = rng.choice(
        len(COUNTRIES), n_customers, p=country_shares / country_shares.sum()
    )
    customer_id = FIRST_CUSTOMER_ID + rng.permutation(n_customers)

    owner = np.repeat(np.arange(n_customers), n_invoices)
    lines_mean = param["lines_per_invoice_mean"][owner]
    invoices = Invoices(
        minute=_minutes(rng, first_day[owner], active_days[owner]),
        customer=customer_id[owner],
        country=country[owner],
        kind=np.full(len(owner), SALE, dtype=np.int8),
        product_lines=np.minimum(rng.geometric(1 / lines_mean), MAX_LINES_PER_INVOICE),
        postage=np.full(len(owner), -1),
        base=rng.choice(N_PRODUCTS, len(owner), p=catalogue["popularity"]),
        step=rng.integers(1, N_PRODUCTS, len(owner)),
        quantity_seed=rng.integers(0, len(QUANTITIES), len(owner)),
        quantity_scale=param["quantity_scale"][owner],
    )
    _add_postage(rng, invoices)
    return invoices


def _add_postage(rng, invoices: Invoices) -> None:
    abroad = invoices.country != HOME
    share = np.where(abroad, POSTAGE_SHARE_ABROAD, POSTAGE_SHARE_HOME)
    has_postage = rng.random(len(abroad)) < share
    variant = rng.integers(0, 2, len(abroad))
    first_postage = N_PRODUCTS + np.where(abroad, 0, len(POSTAGE_ABROAD))
    invoices.postage[:] = np.where(has_postage, first_postage + variant, -1)


def _guests(rng, n_lines: float, catalogue) -> Invoices:
    n = max(1, round(n_lines / GUEST_LINES_PER_INVOICE_MEAN))
    invoices = Invoices(
        minute=_minutes(rng, np.zeros(n), np.full(n, PERIOD_DAYS)),
        customer=np.zeros(n, dtype=np.int64),
        country=np.full(n, HOME),
        kind=np.full(n, GUEST, dtype=np.int8),
        product_lines=np.minimum(
            rng.geometric(1 / GUEST_LINES_PER_INVOICE_MEAN, n), MAX_LINES_PER_INVOICE
        ),
        postage=np.full(n, -1),
        base=rng.choice(N_PRODUCTS, n, p=catalogue["popularity"]),
        step=rng.integers(1, N_PRODUCTS, n),
        quantity_seed=rng.integers(0, len(QUANTITIES), n),
        quantity_scale=np.ones(n, dtype=np.int64),
    )
    _add_postage(rng, invoices)
    return invoices


def _returns(rng, sales: Invoices, n_lines: float) -> Invoices:
    """Cancellation invoices, each taking back the first 1 to 3 product lines
    of one earlier sale invoice of the same customer, within 30 days."""
    returned_lines = 1 + rng.binomial(2, 0.25, len(sales.minute))
    wanted = n_lines / returned_lines.mean()
    chosen = rng.random(len(sales.minute)) < wanted / len(sales.minute)
    invoices = sales.take(np.flatnonzero(chosen))
    n = len(invoices.minute)
    invoices.kind[:] = RETURN
    invoices.postage[:] = -1
    invoices.product_lines = np.minimum(returned_lines[chosen], invoices.product_lines)
    # 1 to 30 days later, within opening hours, within the period.
    day = invoices.minute // 1440 + rng.integers(1, 31, n)
    invoices.minute = _minutes(rng, day, day + 1)
    in_period = invoices.minute < PERIOD_DAYS * 1440
    return invoices.take(np.flatnonzero(in_period))


@dataclass
class Plan:
    invoices: Invoices  # in file order
    copy_after: np.ndarray  # sorted positions (among original lines) copied
    catalogue: dict


def plan_invoices(n_lines: int, seed: int) -> Plan:
    rng = np.random.default_rng(seed)
    catalogue = product_catalogue(rng)
    n_copies = round(COPY_LINE_SHARE * n_lines)
    originals = n_lines - n_copies
    # Slightly more invoices than needed; a random few are then dropped.
    n_customers = max(1, int(originals / expected_lines_per_customer() * 1.1))
    while True:
        sales = _sales(rng, n_customers, catalogue)
        sale_lines = sales.lines.sum()
        guests = _guests(rng, sale_lines * GUEST_LINE_SHARE, catalogue)
        returns = _returns(rng, sales, sale_lines * RETURN_LINE_SHARE)
        invoices = Invoices.concat([sales, guests, returns])
        if invoices.lines.sum() >= originals:
            break
        n_customers = n_customers * 2  # small runs: rare, but deterministic
    # Drop random sale and guest invoices until just enough lines are left,
    # then shorten the next one by the few lines still too many.
    droppable = rng.permutation(np.flatnonzero(invoices.kind != RETURN))
    surplus = invoices.lines.sum() - originals
    dropped = np.searchsorted(
        np.cumsum(invoices.lines[droppable]), surplus, side="right"
    )
    excess = surplus - invoices.lines[droppable[:dropped]].sum()
    shortened = droppable[dropped]
    cut = min(excess, invoices.product_lines[shortened] - 1)
    invoices.product_lines[shortened] -= cut
    if excess > cut:  # one line more: the postage line goes
        invoices.postage[shortened] = -1
    keep = np.ones(len(invoices.minute), dtype=bool)
    keep[droppable[:dropped]] = False
    invoices = invoices.take(np.flatnonzero(keep))
    # Date order; invoices of the same minute in the order generated.
    invoices = invoices.take(np.argsort(invoices.minute, kind="stable"))
    assert invoices.lines.sum() == originals
    copy_after = np.sort(rng.choice(originals, n_copies, replace=False))
    return Plan(invoices, copy_after, catalogue)
