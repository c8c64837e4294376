"""One self-contained HTML page with every figure and a segment table.

No scripts and no external files beyond the PNGs next to it, so it opens
from disk in any browser and can be mailed as a folder.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

import pandas as pd
from figure_catalogue import RenderedFigure
from figure_style import (
    MONEY_AVERAGES,
    feature_list_text,
    money_label,
    percent_text,
    segment_colour,
    share_text,
)
from mart_data import Marts

PAGE_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1200px;
       padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; }
.summary { color: #444; font-size: 1.1rem; }
table { border-collapse: collapse; margin: 1rem 0 2rem; font-size: 0.95rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.4rem 0.6rem; text-align: left;
         vertical-align: top; }
td.number, td.segment-id { text-align: right; white-space: nowrap; }
.swatch { display: inline-block; width: 0.9rem; height: 0.9rem;
          border-radius: 2px; margin-right: 0.4rem; vertical-align: -0.1rem; }
figure { margin: 0 0 2.5rem; }
figure img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { margin-top: 0.4rem; }
nav ol { columns: 2; }
"""


def _number(value: float, text: Callable[[float], str]) -> str:
    return "n/a" if pd.isna(value) else text(value)


# (heading, segment_profiles column, format) of the averages in the segment
# table: the customer file's, then the order lines', each when the run had
# that input.
PROFILE_CELLS = [
    ("Avg age", "avg_age", "{:.1f}".format),
    ("Avg income k$", "avg_annual_income_k", "{:.1f}".format),
    ("Avg score", "avg_spending_score", "{:.1f}".format),
    ("Female", "female_share", percent_text),
]
RFM_CELLS = [
    ("Avg recency days", "avg_recency_days", "{:,.0f}".format),
    ("Avg invoices", "avg_frequency", "{:,.1f}".format),
    ("Avg spend", "avg_monetary", "{:,.0f}".format),
]


def _average_cells(marts: Marts) -> list[tuple[str, str, str]]:
    cells = PROFILE_CELLS if marts.has_profiles else []
    return cells + (RFM_CELLS if marts.has_rfm else [])


def _segment_rows(marts: Marts) -> str:
    rows = []
    averages = _average_cells(marts)
    for segment in marts.profiles.sort_values("segment_id").itertuples():
        cells = [
            f'<td class="segment-id"><span class="swatch" style="background:'
            f'{segment_colour(segment.segment_id)}"></span>'
            f"{segment.segment_id}</td>",
            f"<td><strong>{escape(segment.segment_name)}</strong><br>"
            f"{escape(segment.playbook_label)}</td>",
            f'<td class="number">{segment.customer_count:,}'
            f" ({share_text(segment.customer_share)})</td>",
            *(
                f'<td class="number">{_number(getattr(segment, column), pattern)}</td>'
                for _, column, pattern in averages
            ),
            f"<td>{escape(segment.recommended_action)}</td>",
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "\n".join(rows)


def _table_head(marts: Marts) -> str:
    headings = ["#", "Segment", "Customers"]
    headings += [
        money_label(marts, heading) if column in MONEY_AVERAGES else heading
        for heading, column, _ in _average_cells(marts)
    ]
    headings.append("Recommended action")
    cells = [f"<th>{escape(heading)}</th>" for heading in headings]
    # Laid out as the page always was: four cells, the other averages, the
    # action.
    lines = ["".join(cells[:4]), "".join(cells[4:-1]), cells[-1]]
    return "<tr>" + "\n".join(line for line in lines if line) + "</tr>"


def _accounting(marts: Marts) -> str:
    """Where every input row and order line went."""
    run = marts.run_summary.iloc[0]
    rows = f"{int(run['input_rows']):,}"
    source = escape(str(run["input_source"]))
    # From the run, not from the segmented customers' values: with both
    # files, no segmented customer may have RFM (profile features only) or
    # a profile (no id in both files). With order lines alone, the
    # customers' source is the order-lines file.
    read_order_lines = pd.notna(run["transactions_source"])
    read_customer_file = run["input_source"] != run["transactions_source"]
    if read_order_lines and read_customer_file:
        # input_rows also counts the order-lines customers with no row in
        # the file: not the file's own row count.
        text = (
            f"Customers: {rows}, the rows of {source} and the order-lines"
            " customers who have none;"
        )
    elif not read_order_lines:
        text = f"Input: {source}, {rows} rows;"
    else:
        text = f"Customers: {rows} in the order lines;"
    text += (
        f" {int(run['segmented_rows']):,} segmented and"
        f" {int(run['rejected_rows']):,} rejected, each with its reason in"
        " marts.rejected_customer_rows."
    )
    if read_order_lines:
        text += (
            f" Order lines: {escape(str(run['transactions_source']))},"
            f" {int(run['transaction_lines']):,} lines;"
            f" {int(run['sale_lines']):,} sale lines,"
            f" {int(run['return_lines']):,} return lines and"
            f" {int(run['rejected_transaction_lines']):,} rejected, each with its"
            " reason in marts.rejected_transaction_rows."
        )
    return text


def render_index(marts: Marts, figures: list[RenderedFigure]) -> str:
    selected = marts.selected
    summary = (
        f"{len(marts.customers):,} customers in {int(selected['k'])} segments,"
        f" clustered with K-Means on {feature_list_text(marts.features)};"
        f" selected k = {int(selected['k'])}"
        f" ({escape(str(selected['selection_reason']))})."
    )
    accounting = _accounting(marts)
    reading = (
        "A segment's name says where its centre sits against all customers"
        " (low, average or high on each clustering feature); the label and"
        " the recommended action come from the store's playbook"
        " (seeds/segment_playbook.csv). Each segment keeps its colour in"
        " every figure."
    )
    contents = "\n".join(
        f'<li><a href="#{escape(Path(f.filename).stem)}">{escape(f.title)}</a></li>'
        for f in figures
    )
    blocks = "\n".join(
        f'<figure id="{escape(Path(f.filename).stem)}">\n'
        f'<img src="{escape(f.filename)}" alt="{escape(f.title)}">\n'
        f"<figcaption><strong>{escape(f.title)}.</strong>"
        f" {escape(f.caption)}</figcaption>\n</figure>"
        for f in figures
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Customer segments: figures</title>
<style>{PAGE_STYLE}</style>
</head>
<body>
<h1>Customer segments</h1>
<p class="summary">{summary}</p>
<p>{accounting}</p>
<h2>The segments</h2>
<p>{reading}</p>
<table>
<thead>{_table_head(marts)}</thead>
<tbody>
{_segment_rows(marts)}
</tbody>
</table>
<h2>Figures</h2>
<nav><ol>
{contents}
</ol></nav>
{blocks}
</body>
</html>
"""


def write_index(marts: Marts, figures: list[RenderedFigure], out_dir: Path) -> Path:
    page = out_dir / "index.html"
    page.write_text(render_index(marts, figures), encoding="utf-8")
    return page
