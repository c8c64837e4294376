"""The report in PBIR: pages of visuals over the semantic model, and a theme
whose data colours are the Matplotlib figures' segment colours."""

from __future__ import annotations

import sys
from pathlib import Path

from powerbi_project.manifest import Marts
from powerbi_project.visuals import (
    REPORT_SCHEMAS,
    Box,
    aggregated,
    column,
    literal,
    measure,
    visual_container,
)

REPORT_SCHEMA = f"{REPORT_SCHEMAS}/report/3.0.0/schema.json"
PAGE_SCHEMA = f"{REPORT_SCHEMAS}/page/2.0.0/schema.json"
PAGES_SCHEMA = f"{REPORT_SCHEMAS}/pagesMetadata/1.0.0/schema.json"
VERSION_SCHEMA = f"{REPORT_SCHEMAS}/versionMetadata/1.0.0/schema.json"
# Versions the files were written for (the theme's "at import" stamp).
SCHEMA_VERSIONS = {"visual": "2.4.0", "report": "3.0.0", "page": "2.0.0"}
THEME_FILE = "segment_colours.json"
PAGE_WIDTH, PAGE_HEIGHT = 1280, 720

CS, SP, SC = "customer_segments", "segment_profiles", "segment_centroids"
KE, RR, RJ = "k_evaluation", "reject_reasons", "rejected_customer_rows"
RUN = "segmentation_run_summary"
SMS = "segment_monthly_sales"
RT = "rejected_transaction_rows"


def segment_palette(count: int = 20) -> list[str]:
    """The figures' colour of segment 1, 2, ... (python_plots)."""
    plots = str(Path(__file__).resolve().parents[1] / "python_plots")
    if plots not in sys.path:
        sys.path.insert(0, plots)
    from segment_figures import segment_colour

    return [segment_colour(segment_id) for segment_id in range(1, count + 1)]


def theme() -> dict:
    return {"name": THEME_FILE, "dataColors": segment_palette()}


def grid(
    row_y: int, height: int, span: int = 1, start: int = 0, columns: int = 4
) -> Box:
    """A box in a grid of ``columns`` with 16 px margins and gutters."""
    margin = gutter = 16
    width = (PAGE_WIDTH - 2 * margin - (columns - 1) * gutter) // columns
    x = margin + start * (width + gutter)
    return Box(x, row_y, span * width + (span - 1) * gutter, height)


def cards(page: str, row_y: int, fields: list, columns: int = 4) -> list[dict]:
    return [
        visual_container(
            page,
            f"card {field.name}",
            grid(row_y, 110, start=index, columns=columns),
            index,
            "card",
            {"Values": [field]},
            field.name,
        )
        for index, field in enumerate(fields)
    ]


def overview(marts: Marts) -> list[dict]:
    page = "overview"
    segment = column(SP, "segment_name")
    visuals = cards(
        page,
        16,
        [
            measure(CS, "Customers"),
            measure(CS, "Average annual income (k$)"),
            measure(CS, "Average spending score"),
            measure(CS, "Female share"),
        ],
    )
    visuals.append(
        visual_container(
            page,
            "segment sizes",
            grid(142, 562, span=2),
            4,
            # Stacked, with the segment as the series too: each bar whole and
            # in its segment's theme colour, as in the figures (a clustered
            # chart would keep a slot per segment in every row).
            "barChart",
            {
                "Category": [segment],
                "Series": [segment],
                "Y": [measure(CS, "Customers")],
            },
            "Customers per segment",
            sort=[(segment, "Ascending")],
        )
    )
    visuals.append(
        visual_container(
            page,
            "income x spending",
            grid(142, 562, span=2, start=2),
            5,
            "scatterChart",
            {
                "Category": [column(CS, "customer_id")],
                "Series": [column(CS, "segment_name")],
                # One customer per point, so the sum is the customer's value.
                "X": [aggregated("Sum", CS, "annual_income_k", "Annual income (k$)")],
                "Y": [aggregated("Sum", CS, "spending_score", "Spending score")],
            },
            "Annual income (k$) × spending score, by segment",
        )
    )
    return visuals


def segment_profiles(marts: Marts) -> list[dict]:
    page = "segment_profiles"
    segment = column(SP, "segment_name")
    table_columns = [
        "segment_id", "segment_name", "playbook_label", "customer_count",
        "customer_share", "avg_annual_income_k", "avg_spending_score",
        "female_share", "recommended_action",
    ]  # fmt: skip
    return [
        visual_container(
            page, "segment slicer", grid(16, 200), 0, "slicer",
            {"Values": [segment]}, "Segment",
        ),
        visual_container(
            page, "playbook slicer", grid(232, 200), 1, "slicer",
            {"Values": [column(SP, "playbook_label")]}, "Playbook label",
        ),
        visual_container(
            page, "profiles table", grid(16, 400, span=3, start=1), 2, "tableEx",
            {"Values": [column(SP, name) for name in table_columns]},
            "Segments and what to do with them",
            sort=[(column(SP, "segment_id"), "Ascending")],
        ),
        visual_container(
            page, "centroids", grid(432, 272, span=3, start=1), 3,
            "clusteredColumnChart",
            {
                "Category": [column(SC, "feature")],
                "Series": [column(SC, "segment_name")],
                "Y": [aggregated("Sum", SC, "centroid_z", "Centroid (z-score)")],
            },
            "Centroids in z-scores: how far each segment sits from the average",
        ),
    ]  # fmt: skip


# The counts on the bars: 40 lines beside 135,080 are a bar too thin to see.
WITH_LABELS = {"labels": [{"properties": {"show": literal(True)}}]}
# Markers on every point: the "at the selected k" series has one value,
# which a line chart draws only as a marker.
WITH_MARKERS = {"lineStyles": [{"properties": {"showMarker": literal(True)}}]}


def choosing_k(marts: Marts) -> list[dict]:
    page = "choosing_k"
    k = column(KE, "k")
    silhouette = [
        measure(KE, "Mean silhouette"),
        measure(KE, "Silhouette at the selected k"),
    ]
    inertia = [
        measure(KE, "Inertia (sum of squares)"),
        measure(KE, "Inertia at the selected k"),
    ]
    return [
        *cards(page, 16, [measure(KE, "Selected k"), silhouette[1]]),
        visual_container(
            page, "silhouette", grid(142, 280, span=2), 2, "lineChart",
            {"Category": [k], "Y": silhouette},
            "Silhouette against k (the selected k marked)",
            sort=[(k, "Ascending")], objects=WITH_MARKERS,
        ),
        visual_container(
            page, "inertia", grid(142, 280, span=2, start=2), 3, "lineChart",
            {"Category": [k], "Y": inertia},
            "Inertia against k (the elbow; the selected k marked)",
            sort=[(k, "Ascending")], objects=WITH_MARKERS,
        ),
        visual_container(
            page, "k table", grid(438, 266, span=4), 4, "tableEx",
            {"Values": [column(KE, name) for name in (
                "k", "silhouette", "smallest_segment_share", "is_actionable",
                "is_selected", "selection_reason", "inertia",
                "davies_bouldin", "calinski_harabasz")]},
            "Every candidate k, with the rule's evidence",
            sort=[(k, "Ascending")],
        ),
    ]  # fmt: skip


def data_quality(marts: Marts) -> list[dict]:
    page = "data_quality"
    reason = column(RR, "reject_reason_key")
    with_order_lines = marts.has(RT, "source_line_number")
    card_fields = [
        measure(RUN, "Customer rows"),
        measure(RUN, "Customer rows segmented"),
        measure(RUN, "Rejected share of the customer rows"),
    ]
    if with_order_lines:
        card_fields += [
            measure(RUN, "Order lines in the file"),
            measure(RT, "Rejected order lines"),
            measure(RUN, "Rejected share of the order lines"),
        ]
    visuals = cards(page, 16, card_fields, columns=len(card_fields))
    # One chart per input: their counts differ by thousands, and each
    # input's reasons are numbered in the order its own rules run.
    by_reason = [measure(RJ, "Rejected customer rows")]
    if with_order_lines:
        by_reason.append(measure(RT, "Rejected order lines"))
    for index, count in enumerate(by_reason):
        visuals.append(
            visual_container(
                page, f"rejects by reason {count.name}",
                grid(142, 300, start=index, span=2 // len(by_reason)),
                len(visuals), "clusteredBarChart",
                {"Category": [reason], "Y": [count]},
                f"{count.name} by reason (in the order the rules run)",
                sort=[(reason, "Ascending")], objects=WITH_LABELS,
            )
        )  # fmt: skip
    run_columns = [
        "input_source", "segmentation_features", "selected_k",
        "selection_reason", "k_min", "k_max", "random_seed",
    ]  # fmt: skip
    if with_order_lines:
        run_columns += [
            "transactions_source", "as_of_date", "currency",
            "transaction_lines", "sale_lines", "return_lines",
            "rejected_transaction_lines",
        ]  # fmt: skip
    visuals += [
        visual_container(
            page, "run summary", grid(142, 300, span=2, start=2), len(visuals),
            "tableEx",
            {"Values": [column(RUN, name) for name in run_columns
                        if marts.has(RUN, name)]},
            "The run",
        ),
        visual_container(
            page, "rejected rows", grid(458, 246, span=4), len(visuals) + 1,
            "tableEx",
            {"Values": [column(RJ, name) for name in (
                "source_row_number", "reject_reason", "reject_detail")]},
            "Rejected customer rows, as read from the input",
            sort=[(column(RJ, "source_row_number"), "Ascending")],
        ),
    ]  # fmt: skip
    return visuals


def rfm(marts: Marts) -> list[dict]:
    """Only when customer_segments has the order-lines (RFM) columns; each
    visual only when the columns it reads exist."""
    page = "rfm"
    segment = column(SP, "segment_name")
    averages = [
        measure(CS, name)
        for name, needed in (
            ("Customers", "customer_id"),
            ("Average recency (days)", "recency_days"),
            ("Average frequency (invoices)", "frequency"),
            ("Average monetary value", "monetary"),
        )
        if marts.has(CS, needed)
    ]
    visuals = cards(page, 16, averages)
    if marts.has(SMS, "revenue") and marts.has(SMS, "month_start"):
        month = column(SMS, "month_start")
        visuals.append(
            visual_container(
                page, "monthly sales", grid(142, 280, span=4), 4, "lineChart",
                {"Category": [month], "Series": [segment],
                 "Y": [measure(SMS, "Total revenue")],
                 "Tooltips": [measure(SMS, "Days covered")]},
                "Revenue per month, by segment (the tooltip gives the days of"
                " the month the file covers)",
                sort=[(month, "Ascending")],
            )
        )  # fmt: skip
    if marts.has(CS, "r_score") and marts.has(CS, "f_score"):
        visuals.append(
            visual_container(
                page, "rfm grid", grid(438, 266, span=2), 5, "pivotTable",
                {"Rows": [column(CS, "f_score")],
                 "Columns": [column(CS, "r_score")],
                 "Values": [measure(CS, "Customers")]},
                "Customers by frequency score (rows) and recency score (columns)",
                sort=[(column(CS, "f_score"), "Descending")],
            )
        )  # fmt: skip
    rfm_averages = [
        name
        for name in ("avg_recency_days", "avg_frequency", "avg_monetary")
        if marts.has(SP, name)
    ]
    if rfm_averages:
        visuals.append(
            visual_container(
                page, "segment rfm averages", grid(438, 266, span=2, start=2), 6,
                "tableEx",
                {"Values": [column(SP, name) for name in (
                    "segment_id", "segment_name", "customer_count",
                    *rfm_averages)]},
                "The segments' RFM averages",
                sort=[(column(SP, "segment_id"), "Ascending")],
            )
        )  # fmt: skip
    return visuals


def has_rfm(marts: Marts) -> bool:
    return marts.has(CS, "recency_days")


def pages(marts: Marts) -> list[tuple[str, str, list[dict]]]:
    """(page name, display name, visuals), in report order."""
    found = [
        ("overview", "Overview", overview(marts)),
        ("segment_profiles", "Segment profiles", segment_profiles(marts)),
        ("choosing_k", "Choosing k", choosing_k(marts)),
        ("data_quality", "Data quality", data_quality(marts)),
    ]
    if has_rfm(marts):
        found.append(("rfm", "RFM", rfm(marts)))
    return found


def report_json() -> dict:
    return {
        "$schema": REPORT_SCHEMA,
        "themeCollection": {
            "customTheme": {
                "name": THEME_FILE,
                "reportVersionAtImport": SCHEMA_VERSIONS,
                "type": "RegisteredResources",
            }
        },
        "resourcePackages": [
            {
                "name": "RegisteredResources",
                "type": "RegisteredResources",
                "items": [
                    {"name": THEME_FILE, "path": THEME_FILE, "type": "CustomTheme"}
                ],
            }
        ],
        "settings": {
            "useStylableVisualContainerHeader": True,
            "exportDataMode": "AllowSummarized",
            "defaultDrillFilterOtherVisuals": True,
            "allowChangeFilterTypes": True,
        },
    }


def report_files(marts: Marts) -> dict[str, object]:
    """Path under the .Report folder -> JSON document."""
    report_pages = pages(marts)
    files: dict[str, object] = {
        "definition/version.json": {"$schema": VERSION_SCHEMA, "version": "2.0.0"},
        "definition/report.json": report_json(),
        "definition/pages/pages.json": {
            "$schema": PAGES_SCHEMA,
            "pageOrder": [name for name, _, _ in report_pages],
            "activePageName": report_pages[0][0],
        },
        f"StaticResources/RegisteredResources/{THEME_FILE}": theme(),
    }
    for page_name, display_name, visuals in report_pages:
        files[f"definition/pages/{page_name}/page.json"] = {
            "$schema": PAGE_SCHEMA,
            "name": page_name,
            "displayName": display_name,
            "displayOption": "FitToPage",
            "height": PAGE_HEIGHT,
            "width": PAGE_WIDTH,
        }
        for container in visuals:
            path = (
                f"definition/pages/{page_name}/visuals/{container['name']}/visual.json"
            )
            files[path] = container
    return files
