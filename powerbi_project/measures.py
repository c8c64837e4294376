"""The model's DAX measures, each on the table whose rows it counts.

A measure is added only when every column it names is in the marts'
contracts, so the RFM measures appear once customer_segments carries the
order-lines features, and a removed column takes its measures with it
instead of leaving a broken one.
"""

from __future__ import annotations

from dataclasses import dataclass

from powerbi_project.manifest import Marts

COUNT = "#,0"
ONE_DECIMAL = "#,0.0"
SHARE = "0.0%"


@dataclass(frozen=True)
class Measure:
    table: str
    name: str
    expression: str
    format_string: str
    description: str
    # (table, column) pairs the expression reads.
    needs: tuple[tuple[str, str], ...]


def _share_of_customers() -> str:
    return "\n".join(
        [
            "DIVIDE (",
            "    [Customers],",
            "    CALCULATE (",
            "        [Customers],",
            "        REMOVEFILTERS ( segment_profiles ),",
            "        REMOVEFILTERS ("
            " customer_segments[segment_id], customer_segments[segment_name] )",
            "    )",
            ")",
        ]
    )


def _female_share() -> str:
    gender = "customer_segments[gender]"
    return "\n".join(
        [
            "DIVIDE (",
            f'    CALCULATE ( [Customers], KEEPFILTERS ( {gender} = "Female" ) ),',
            f"    CALCULATE ( [Customers], KEEPFILTERS ( NOT ISBLANK ( {gender} ) ) )",
            ")",
        ]
    )


CS = "customer_segments"
KE = "k_evaluation"
RUN = "segmentation_run_summary"
SMS = "segment_monthly_sales"
RT = "rejected_transaction_rows"
RR = "reject_reasons"
AMOUNT = "#,0.00"


def _for_input(input_name: str, count: str) -> str:
    """``count``, but blank for the reasons of the other input: a bar chart
    of one input's rejects by reason then shows only that input's reasons."""
    other = "order_lines" if input_name == "customers" else "customers"
    return f'IF ( SELECTEDVALUE ( {RR}[input_name] ) = "{other}", BLANK (), {count} )'


# Power BI refuses a model in which a measure shares its name with a column
# of its table, and compares names ignoring case: a measure "Revenue" beside
# the column revenue stops the model loading. So no measure is named like
# any column of the model (test_power_bi_names.py).
MEASURES = (
    Measure(
        CS, "Customers", f"COUNTROWS ( {CS} )", COUNT,
        "Segmented customers in the current filter.",
        ((CS, "customer_id"),),
    ),
    Measure(
        CS, "Share of customers", _share_of_customers(), SHARE,
        "Customers as a share of all customers in view, ignoring the segment"
        " filter only: the segments' shares add up to 100 %.",
        (
            (CS, "customer_id"),
            (CS, "segment_id"),
            (CS, "segment_name"),
            ("segment_profiles", "segment_id"),
        ),
    ),
    Measure(
        CS, "Average annual income (k$)", f"AVERAGE ( {CS}[annual_income_k] )",
        ONE_DECIMAL, "Average annual income in k$.", ((CS, "annual_income_k"),),
    ),
    Measure(
        CS, "Average spending score", f"AVERAGE ( {CS}[spending_score] )",
        ONE_DECIMAL, "Average spending score (1-100).", ((CS, "spending_score"),),
    ),
    Measure(
        CS, "Average age", f"AVERAGE ( {CS}[age] )", ONE_DECIMAL,
        "Average age in years, of the customers with a known age.", ((CS, "age"),),
    ),
    Measure(
        CS, "Female share", _female_share(), SHARE,
        "Share of the customers with a known gender who are female.",
        ((CS, "customer_id"), (CS, "gender")),
    ),
    # The order-lines path: RFM features per customer.
    Measure(
        CS, "Average recency (days)", f"AVERAGE ( {CS}[recency_days] )", ONE_DECIMAL,
        "Average days since the customer's last purchase.", ((CS, "recency_days"),),
    ),
    Measure(
        CS, "Average frequency (invoices)", f"AVERAGE ( {CS}[frequency] )",
        ONE_DECIMAL, "Average number of invoices per customer.",
        ((CS, "frequency"),),
    ),
    Measure(
        CS, "Average monetary value", f"AVERAGE ( {CS}[monetary] )", AMOUNT,
        "Average amount spent per customer.", ((CS, "monetary"),),
    ),
    # Monthly sales per segment: every month of a segment is one row, so the
    # sums are exact for any set of segments and months.
    Measure(
        SMS, "Total revenue", f"SUM ( {SMS}[revenue] )", AMOUNT,
        "Quantity × unit price over the sale lines of the segments and months"
        " in view.",
        ((SMS, "revenue"),),
    ),
    Measure(
        SMS, "Returned value", f"SUM ( {SMS}[returned_value] )", AMOUNT,
        "Value of the return lines of the segments and months in view.",
        ((SMS, "returned_value"),),
    ),
    Measure(
        SMS, "Invoice count", f"SUM ( {SMS}[invoices] )", COUNT,
        "Invoices with a sale line, over the segments and months in view.",
        ((SMS, "invoices"),),
    ),
    Measure(
        SMS, "Days covered", f"MIN ( {SMS}[days_covered] )", "0",
        "Days of the month the order lines cover: fewer than the month's in"
        " a file's first or last month when it starts or ends mid-month, whose"
        " totals are then not a whole month's.",
        ((SMS, "days_covered"),),
    ),
    Measure(
        SMS, "Active customers", f"SUM ( {SMS}[active_customers] )", COUNT,
        "Customers with a sale line in the month; over several months a"
        " customer counts once per month.",
        ((SMS, "active_customers"),),
    ),
    Measure(
        KE, "Selected k",
        f"CALCULATE ( MAX ( {KE}[k] ), {KE}[is_selected] = TRUE () )", "0",
        "The number of segments the pipeline chose.",
        ((KE, "k"), (KE, "is_selected")),
    ),
    Measure(
        KE, "Inertia (sum of squares)", f"SUM ( {KE}[inertia] )", ONE_DECIMAL,
        "Within-segment sum of squared distances (z-score units).",
        ((KE, "inertia"),),
    ),
    Measure(
        KE, "Mean silhouette", f"AVERAGE ( {KE}[silhouette] )", "0.000",
        "Mean silhouette, -1 to 1; higher is better separated.",
        ((KE, "silhouette"),),
    ),
    Measure(
        KE, "Inertia at the selected k",
        f"CALCULATE ( [Inertia (sum of squares)], KEEPFILTERS ("
        f" {KE}[is_selected] = TRUE () ) )",
        ONE_DECIMAL, "Inertia, blank except at the selected k: marks it on a chart.",
        ((KE, "inertia"), (KE, "is_selected")),
    ),
    Measure(
        KE, "Silhouette at the selected k",
        f"CALCULATE ( [Mean silhouette], KEEPFILTERS ("
        f" {KE}[is_selected] = TRUE () ) )",
        "0.000", "Silhouette, blank except at the selected k: marks it on a chart.",
        ((KE, "silhouette"), (KE, "is_selected")),
    ),
    Measure(
        "rejected_customer_rows", "Rejected customer rows",
        _for_input("customers", "COUNTROWS ( rejected_customer_rows ) + 0"), COUNT,
        "Customer rows that were not segmented; 0 rather than blank, so that"
        " every reason shows, and blank for the order lines' reasons.",
        (("rejected_customer_rows", "source_row_number"), (RR, "input_name")),
    ),
    Measure(
        RT, "Rejected order lines",
        _for_input(
            "order_lines",
            f"IF ( ISBLANK ( SUM ( {RUN}[transaction_lines] ) ), BLANK (),"
            f" COUNTROWS ( {RT} ) + 0 )",
        ),
        COUNT,
        "Order lines that are neither a sale nor a return; 0 rather than"
        " blank, so that every reason shows, but blank for the customer rows'"
        " reasons and when the run read no order lines.",
        ((RT, "source_line_number"), (RR, "input_name"), (RUN, "transaction_lines")),
    ),
    Measure(
        RUN, "Customer rows", f"SUM ( {RUN}[input_rows] )", COUNT,
        "Rows of the customer file or seed, and with order lines one more per"
        " order-lines customer not in it; on a run on order lines alone, one"
        " per customer with a valid order line.",
        ((RUN, "input_rows"),),
    ),
    Measure(
        RUN, "Customer rows segmented", f"SUM ( {RUN}[segmented_rows] )", COUNT,
        "Customer rows that became a segmented customer.",
        ((RUN, "segmented_rows"),),
    ),
    Measure(
        RUN, "Rejected share of the customer rows",
        f"DIVIDE ( SUM ( {RUN}[rejected_rows] ), [Customer rows] )", SHARE,
        "Rejected customer rows as a share of the customer rows.",
        ((RUN, "rejected_rows"), (RUN, "input_rows")),
    ),
    Measure(
        RUN, "Order lines in the file", f"SUM ( {RUN}[transaction_lines] )", COUNT,
        "Lines of the order-lines file; blank when the run read none.",
        ((RUN, "transaction_lines"),),
    ),
    Measure(
        RUN, "Rejected share of the order lines",
        f"DIVIDE ( SUM ( {RUN}[rejected_transaction_lines] ),"
        " [Order lines in the file] )",
        SHARE,
        "Rejected order lines as a share of the file's lines; blank when the"
        " run read none.",
        ((RUN, "rejected_transaction_lines"), (RUN, "transaction_lines")),
    ),
)  # fmt: skip


def measures_for(marts: Marts) -> list[Measure]:
    """The measures whose every column exists, in MEASURES order."""
    return [m for m in MEASURES if all(marts.has(t, c) for t, c in m.needs)]
