"""Synthetic order lines shaped like the UCI "Online Retail" file, for the
order-lines benchmark (`make bench-orders`).

The file has the UCI header and formats: ``InvoiceNo,StockCode,Description,
Quantity,InvoiceDate,UnitPrice,CustomerID,Country``, dates written
``M/D/YYYY H:MM`` as in UCI's own export, whole-number customer ids, the
period 2010-12-01 to 2011-12-09, invoices in date order. The mix:

- customers of six behaviour types (``BEHAVIOURS`` in
  benchmarks.order_lines_mix: one-off buyers to wholesalers, and customers
  who lapsed early in the year), about 100 lines per customer as in the real
  file (406,829 lines with a customer, 4,372 customers), so 10M lines come
  from about 96,000 customers;
- about 2 % return lines: cancellation invoices (``C`` + number) that take
  back the first lines of one of the customer's earlier invoices;
- about 1.5 % lines without a customer: guest invoices, CustomerID empty;
- postage lines (``POST``, ``DOT``), mostly on invoices abroad;
- about 1 % exact copies of a line, right after it.

Everything comes from one ``numpy`` generator seeded once, so a line count
and a seed always give the same file, byte for byte. Only the invoices are
held in memory (about 40 bytes each, ~20 lines per invoice); the lines are
expanded and written in chunks by DuckDB's CSV writer, so memory does not
grow with the line count beyond that.

Each line is exactly one of the kinds in ``LineCounts``, and the pipeline's
cleaning rules sort them without overlap: a guest line is
``missing_customer_id`` (even a postage line or a copy), a customer's postage
line is ``non_product_line`` (copies too), a copy of a customer's product line
is ``exact_duplicate``; the rest are sale and return lines. No two original
lines are equal: products differ within an invoice and invoice numbers
differ between invoices.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from benchmarks.order_lines_mix import (
    COUNTRIES,
    FIRST_INVOICE_NUMBER,
    N_PRODUCTS,
    PERIOD_START,
    QUANTITIES,
)
from benchmarks.synthetic_invoices import GUEST, RETURN, SALE, Plan, plan_invoices

CSV_HEADER = (
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)
# Bump when the generator's output changes, so cached files are rewritten.
GENERATOR_VERSION = 2

CHUNK_LINES = 1_000_000


@dataclass(frozen=True)
class LineCounts:
    """How many lines of each kind the file holds; they add up to ``lines``.

    Every kind maps to one outcome of the pipeline's cleaning rules:
    sale_lines and return_lines are valid, guest_lines are
    missing_customer_id, postage_lines non_product_line and copy_lines
    exact_duplicate.
    """

    lines: int
    sale_lines: int
    return_lines: int
    guest_lines: int
    postage_lines: int
    copy_lines: int
    customers: int
    invoices: int
    return_invoices: int

    @property
    def rejected(self) -> dict[str, int]:
        return {
            "missing_customer_id": self.guest_lines,
            "non_product_line": self.postage_lines,
            "exact_duplicate": self.copy_lines,
        }


def _counts(plan: Plan, n_lines: int) -> LineCounts:
    """Counted per invoice, and per copy: no array as long as the file."""
    inv = plan.invoices
    has_postage = inv.postage >= 0
    guest = inv.kind == GUEST
    # The invoice and position within it of each copied line.
    ends = np.cumsum(inv.lines)
    owner = np.searchsorted(ends, plan.copy_after, side="right")
    position = plan.copy_after - (ends - inv.lines)[owner]
    copy_is_postage = position >= inv.product_lines[owner]
    copy_is_guest = guest[owner]
    return LineCounts(
        lines=n_lines,
        sale_lines=int(inv.product_lines[inv.kind == SALE].sum()),
        return_lines=int(inv.product_lines[inv.kind == RETURN].sum()),
        guest_lines=int(inv.lines[guest].sum() + copy_is_guest.sum()),
        postage_lines=int(
            has_postage[~guest].sum() + (copy_is_postage & ~copy_is_guest).sum()
        ),
        copy_lines=int((~copy_is_postage & ~copy_is_guest).sum()),
        customers=len(np.unique(inv.customer[~guest])),
        invoices=len(inv.minute),
        return_invoices=int((inv.kind == RETURN).sum()),
    )


def _date_texts(minutes: np.ndarray) -> pa.Array:
    """M/D/YYYY H:MM, as UCI's export writes dates (12/1/2010 8:26)."""
    stamp = PERIOD_START + minutes.astype("timedelta64[m]")
    day = stamp.astype("datetime64[D]")
    month_start = day.astype("datetime64[M]")
    year_start = month_start.astype("datetime64[Y]")
    year = year_start.astype(np.int64) + 1970
    month = (month_start - year_start.astype("datetime64[M]")).astype(np.int64) + 1
    day_of_month = (day - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    minute_of_day = (stamp - day.astype("datetime64[m]")).astype(np.int64)

    def text(values) -> pa.Array:
        return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())

    return pc.binary_join_element_wise(
        text(month),
        text(day_of_month),
        pc.binary_join_element_wise(
            text(year),
            pc.binary_join_element_wise(
                text(minute_of_day // 60),
                pc.utf8_lpad(text(minute_of_day % 60), 2, "0"),
                ":",
            ),
            " ",
        ),
        "/",
    )


def _chunks(plan: Plan, chunk_lines: int = CHUNK_LINES):
    """The file's rows as Arrow record batches, in order, one chunk of
    invoices (about ``chunk_lines`` lines) at a time."""
    inv = plan.invoices
    lines = inv.lines
    ends = np.cumsum(lines)
    starts = ends - lines
    bounds = np.searchsorted(ends, np.arange(chunk_lines, ends[-1], chunk_lines))
    bounds = np.unique(np.concatenate([[0], bounds, [len(lines)]]))
    catalogue = plan.catalogue
    countries = pa.array([name for name, _ in COUNTRIES])
    for first, last in itertools.pairwise(bounds):
        part = inv.take(np.arange(first, last))
        number = pc.cast(
            pa.array(FIRST_INVOICE_NUMBER + np.arange(first, last)), pa.string()
        )
        invoice_text = pc.if_else(
            pa.array(part.kind == RETURN),
            pc.binary_join_element_wise("C", number, ""),
            number,
        )
        dates = _date_texts(part.minute)
        # One row per original line of the chunk.
        local = np.repeat(np.arange(last - first), lines[first:last])
        position = np.arange(len(local)) - np.repeat(
            starts[first:last] - starts[first], lines[first:last]
        )
        is_postage = position >= part.product_lines[local]
        product = np.where(
            is_postage,
            part.postage[local],
            (part.base[local] + position * part.step[local]) % N_PRODUCTS,
        )
        sign = np.where(part.kind[local] == RETURN, -1, 1)
        quantity = np.where(
            is_postage,
            1,
            QUANTITIES[(part.quantity_seed[local] + position * 7) % len(QUANTITIES)]
            * part.quantity_scale[local]
            * sign,
        )
        # Exact copies, right after the line they copy.
        global_line = starts[first] + np.arange(len(local))
        copied = np.zeros(len(local), dtype=np.int64)
        lo, hi = np.searchsorted(plan.copy_after, [global_line[0], global_line[-1] + 1])
        copied[plan.copy_after[lo:hi] - global_line[0]] = 1
        row = np.repeat(np.arange(len(local)), 1 + copied)
        local, product = local[row], product[row]
        customer = part.customer[local]
        yield pa.record_batch(
            [
                pc.take(invoice_text, local),
                pc.take(catalogue["StockCode"], product),
                pc.take(catalogue["Description"], product),
                pa.array(quantity[row]),
                pc.take(dates, local),
                pc.take(catalogue["UnitPrice"], product),
                pa.array(customer, mask=customer == 0),
                pc.take(countries, part.country[local]),
            ],
            names=list(CSV_HEADER),
        )


def write_synthetic_order_lines(
    csv_path: Path, n_lines: int, seed: int, chunk_lines: int = CHUNK_LINES
) -> LineCounts:
    """Write ``n_lines`` order lines (plus the header) to ``csv_path``, and
    their counts to ``csv_path`` with the suffix ``.json``; returns the counts.
    """
    if n_lines < 1_000:
        raise ValueError(f"n_lines must be at least 1,000, got {n_lines}")
    plan = plan_invoices(n_lines, seed)
    counts = _counts(plan, n_lines)
    batches = _chunks(plan, chunk_lines)
    first = next(batches)
    reader = pa.RecordBatchReader.from_batches(
        first.schema, (b for part in ([first], batches) for b in part)
    )
    with duckdb.connect() as con:
        # One thread keeps DuckDB's memory small; writing is not the
        # bottleneck, expanding the chunks in numpy is. DuckDB quotes only
        # where needed, like the UCI export.
        con.execute("set threads = 1")
        con.from_arrow(reader).write_csv(str(csv_path), header=True)
    _metadata_path(csv_path).write_text(
        json.dumps(
            {"seed": seed, "generator_version": GENERATOR_VERSION, **asdict(counts)},
            indent=2,
        )
    )
    return counts


def cached_counts(csv_path: Path, n_lines: int, seed: int) -> LineCounts | None:
    """The counts of a file this generator already wrote for these
    arguments, or None when there is none (or it is out of date)."""
    metadata = _metadata_path(csv_path)
    if not (csv_path.is_file() and metadata.is_file()):
        return None
    saved = json.loads(metadata.read_text())
    if (
        saved.pop("seed") != seed
        or saved.pop("generator_version") != GENERATOR_VERSION
        or saved["lines"] != n_lines
    ):
        return None
    return LineCounts(**saved)


def _metadata_path(csv_path: Path) -> Path:
    return csv_path.with_name(csv_path.name + ".json")
