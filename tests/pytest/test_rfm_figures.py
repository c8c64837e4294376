"""The figures of a run with order lines (RFM): exact checks on their
artists, first on small hand-built marts whose every number is known, then
on the build of the public Online Retail file shared with
test_order_lines_real_file.py. Which figures are drawn for which input:
test_figure_galleries.py."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from figure_captions import rfm_distributions_caption
from figure_catalogue import figure_specs
from figure_page import render_index
from figure_style import feature_label, segment_colour
from mart_data import Marts, load_marts
from matplotlib.legend import Legend
from model_selection_figure import not_actionable_k, plot_model_selection
from rfm_figures import (
    part_text,
    partial_month_links,
    plot_monthly_sales,
    plot_rfm_distributions,
    plot_rfm_grid,
    plot_segments_recency_monetary,
    rfm_grid_counts,
)
from rfm_hand_made_marts import (
    CUSTOMERS,
    MONTHS,
    NAMES,
    RFM,
    by_gid,
    hand_made_marts,
    rgb,
)

# -- Exact artists on hand-made marts -----------------------------------------


def test_the_grid_counts_each_r_and_f_score_pair():
    marts = hand_made_marts()
    figure = plot_rfm_grid(marts)
    [image] = by_gid(figure, "rfm-grid").values()
    # Rows f = 5 (top) to 1, columns r = 1 to 5; counted by hand above.
    assert image.get_array().tolist() == [
        [0, 0, 0, 0, 2],
        [0, 0, 0, 0, 1],
        [0, 0, 1, 2, 0],
        [1, 0, 0, 0, 0],
        [2, 1, 0, 0, 0],
    ]
    cells = {gid: text.get_text() for gid, text in by_gid(figure, "rfm-cell-").items()}
    assert len(cells) == 25
    assert cells["rfm-cell-5-5"] == "2\nChampions"
    assert cells["rfm-cell-1-1"] == "2\nLost"
    assert cells["rfm-cell-2-1"] == "1\nHibernating"
    assert cells["rfm-cell-3-3"] == "1\nNeed attention"
    assert cells["rfm-cell-4-4"] == "0\n"
    # The RFM segment bars: every customer once.
    bars = figure.axes[1].patches
    assert sorted(int(bar.get_width()) for bar in bars) == [1, 1, 2, 3, 3]


def test_a_cell_not_all_one_segment_never_reads_100_percent():
    assert [part_text(0.996), part_text(0.9396), part_text(2 / 3)] == [
        "99%",
        "94%",
        "67%",
    ]


def test_a_mixed_cell_names_its_most_common_segment_with_its_share():
    marts = hand_made_marts()
    customers = marts.customers.copy()
    # A third customer in r = 1, f = 1, in another RFM segment.
    customers.loc[9, ["r_score", "f_score", "rfm_segment"]] = [1, 1, "At risk"]
    mixed = replace(marts, customers=customers)
    cells = by_gid(plot_rfm_grid(mixed), "rfm-cell-")
    assert cells["rfm-cell-1-1"].get_text() == "3\nLost\n67%"


def grid_caption(marts: Marts) -> str:
    (spec,) = [s for s in figure_specs(marts) if s.filename == "02_eda_rfm_grid.png"]
    return spec.caption(marts)


def test_the_grid_caption_names_every_tied_cell_and_segment():
    # Three cells hold 2 customers each, and Champions and Lost 3 each:
    # naming one of them was an arbitrary pick.
    assert grid_caption(hand_made_marts()).endswith(
        "; the fullest cells are (r, f) = (5, 5), (4, 3) and (1, 1), 2 customers"
        " each; the largest RFM segments are Champions and Lost (3 each)."
    )
    marts = hand_made_marts()
    customers = marts.customers.copy()
    customers.loc[0, "rfm_segment"] = "Loyal"
    customers.loc[3, ["r_score", "f_score"]] = [5, 5]
    assert grid_caption(replace(marts, customers=customers)).endswith(
        "; the fullest cell is r = 5, f = 5 (3 customers);"
        " the largest RFM segment is Lost (3)."
    )
    # Ten customers in ten cells: counted, not named.
    spread = marts.customers.assign(
        r_score=[5, 5, 4, 4, 3, 3, 2, 2, 1, 1], f_score=[5, 4, 3, 2, 1] * 2
    )
    assert grid_caption(replace(marts, customers=spread)).endswith(
        "; 10 cells tie as the fullest, 1 customer each;"
        " the largest RFM segments are Champions and Lost (3 each)."
    )


def test_the_k_figure_hatches_the_k_the_rule_set_aside_and_marks_the_selected():
    marts = hand_made_marts()
    figure = plot_model_selection(marts)
    hatched = by_gid(figure, "not-actionable-")
    assert sorted(hatched) == [
        "not-actionable-inertia-2",
        "not-actionable-inertia-5",
        "not-actionable-silhouette-2",
        "not-actionable-silhouette-5",
    ]
    for gid, span in hatched.items():
        k = int(gid.rsplit("-", 1)[1])
        left, right = span.get_x(), span.get_x() + span.get_width()
        assert (left, right) == pytest.approx((k - 0.4, k + 0.4))
        assert span.get_hatch() == "//"
    for panel in ("inertia", "silhouette"):
        [selected] = by_gid(figure, f"selected-k-{panel}").values()
        assert list(selected.get_xdata()) == [3]
    shares = {
        gid: text.get_text() for gid, text in by_gid(figure, "smallest-share-").items()
    }
    assert shares == {
        "smallest-share-2": "smallest\n40.0%",
        "smallest-share-3": "smallest\n30.0%",
        "smallest-share-4": "smallest\n10.0%",
        "smallest-share-5": "smallest\n1.0%",
    }


def test_a_forced_k_hatches_nothing():
    marts = hand_made_marts()
    # The setting alone marks k as forced, whatever the reason's wording.
    marts.run_summary.loc[0, "n_clusters"] = 3
    assert not_actionable_k(marts) == []
    assert by_gid(plot_model_selection(marts), "not-actionable-") == {}


def test_monthly_sales_draw_one_line_per_segment_and_panel():
    marts = hand_made_marts()
    figure = plot_monthly_sales(marts)
    for panel, column in (("revenue", 1), ("customers", 2)):
        lines = by_gid(figure, f"monthly-{panel}-")
        assert sorted(lines) == [f"monthly-{panel}-{s}" for s in (1, 2, 3)]
        for segment, months in MONTHS.items():
            line = lines[f"monthly-{panel}-{segment}"]
            # The solid line joins the whole months: March 2011 is partial.
            whole = [month for month in months if month[0] != "2011-03-01"]
            assert len(line.get_xdata()) == len(whole)
            assert list(line.get_ydata()) == [month[column] for month in whole]
            assert rgb(line.get_color()) == rgb(segment_colour(segment))
            assert line.get_linestyle() == "-"


def test_a_month_the_file_covers_in_part_has_open_markers():
    figure = plot_monthly_sales(hand_made_marts())
    for panel, column in (("revenue", 1), ("customers", 2)):
        markers = by_gid(figure, f"partial-month-{panel}-")
        # Segments 1 and 2 have sales in March; segment 3 only in January.
        drawn = {
            gid: (list(marker.get_xdata()), list(marker.get_ydata()))
            for gid, marker in markers.items()
            if len(marker.get_xdata())
        }
        assert drawn == {
            f"partial-month-{panel}-{segment}": (
                [pd.Timestamp("2011-03-01")],
                [MONTHS[segment][-1][column]],
            )
            for segment in (1, 2)
        }
        assert {marker.get_markerfacecolor() for marker in markers.values()} == {
            "white"
        }
        # A dotted link from February to March: segment 1's and 2's lines
        # do not fall into the partial month.
        links = by_gid(figure, f"partial-link-{panel}-")
        assert {
            gid: (list(link.get_xdata()), list(link.get_ydata()), link.get_linestyle())
            for gid, link in links.items()
        } == {
            f"partial-link-{panel}-{segment}-2011-03": (
                [pd.Timestamp("2011-02-01"), pd.Timestamp("2011-03-01")],
                [MONTHS[segment][-2][column], MONTHS[segment][-1][column]],
                ":",
            )
            for segment in (1, 2)
        }
    [legend] = figure.findobj(Legend)
    assert legend.get_texts()[-1].get_text() == (
        "Month the file covers\nonly in part:\nMar 2011: 15 of 31 days"
    )


def test_a_partial_month_is_linked_to_the_month_next_to_it():
    def months(*partial: bool) -> pd.DataFrame:
        starts = pd.date_range("2011-01-01", periods=len(partial), freq="MS")
        return pd.DataFrame(
            {
                "month_start": starts,
                "revenue": [10.0 * (n + 1) for n in range(len(partial))],
                "is_partial_month": list(partial),
            }
        )

    jan, feb, mar = pd.date_range("2011-01-01", periods=3, freq="MS")
    # The first month from the one after it, the last from the one before.
    assert partial_month_links(months(True, False, True), "revenue") == {
        jan: ([feb, jan], [20.0, 10.0]),
        mar: ([feb, mar], [20.0, 30.0]),
    }
    assert partial_month_links(months(False, False, False), "revenue") == {}
    # A file of one month, in part: a marker, nothing to link it to.
    assert partial_month_links(months(True), "revenue") == {}


def test_whole_months_have_no_note():
    marts = hand_made_marts()
    marts.monthly_sales["is_partial_month"] = False
    [legend] = plot_monthly_sales(marts).findobj(Legend)
    assert [text.get_text() for text in legend.get_texts()] == [
        f"{segment}: {NAMES[segment]}" for segment in (1, 2, 3)
    ]


def bar_spans(ax) -> list[tuple[float, float, float, float]]:
    """Each bar's (left, right, height, width on the axis's x scale)."""
    scale = ax.xaxis.get_transform()
    spans = []
    for bar in ax.patches:
        left, right = bar.get_x(), bar.get_x() + bar.get_width()
        width = float(np.diff(scale.transform([left, right]))[0])
        spans.append((left, right, bar.get_height(), width))
    return spans


def test_distributions_count_every_customer_by_bar_area_on_log_axes():
    marts = hand_made_marts()
    figure = plot_rfm_distributions(marts)
    for ax, feature in zip(figure.axes, RFM, strict=True):
        assert ax.get_xscale() == "symlog"
        values = marts.customers[feature]
        spans = bar_spans(ax)
        average = sum(width for *_, width in spans) / len(spans)
        counted = []
        for index, (left, right, height, width) in enumerate(spans):
            last = index == len(spans) - 1
            inside = int(
                (
                    (values >= left) & ((values <= right) if last else (values < right))
                ).sum()
            )
            # A bar as wide as the average counts its customers at its
            # height; a wider one lower.
            assert height * width / average == pytest.approx(inside)
            if feature != "monetary":
                # Whole numbers: edges halfway between them, each bar
                # holding at least one.
                assert (left + 0.5) % 1 == 0
                assert (right + 0.5) % 1 == 0
                assert right - left >= 1
            counted.append(inside)
        assert sum(counted) == len(CUSTOMERS)
        [median] = ax.get_lines()
        assert median.get_xdata()[0] == values.median()


def test_whole_number_bins_give_no_value_a_spike_or_a_sliver():
    # One customer per day of recency, 1 to 374: a bar of two days stood
    # twice as tall as its neighbours, and the last day had a bar of its
    # own too thin to see.
    days = pd.Series(np.arange(1, 375), dtype="float64")
    figure = plot_rfm_distributions(
        replace(
            hand_made_marts(),
            customers=pd.DataFrame(
                {"recency_days": days, "frequency": days, "monetary": days}
            ),
        )
    )
    spans = bar_spans(figure.axes[0])
    heights = [height for _, _, height, _ in spans]
    # The same customers per day everywhere: bars of equal density on the
    # log axis rise with the days they span, smoothly, never doubling.
    assert all(b / a < 1.6 for a, b in pairwise(heights[1:]))
    last_left, last_right, _, _ = spans[-1]
    assert last_right == 374.5
    assert last_right - last_left > 1


def test_recency_monetary_scatter_on_log_axes_in_segment_colours():
    marts = hand_made_marts()
    figure = plot_segments_recency_monetary(marts)
    ax = figure.axes[0]
    assert (ax.get_xscale(), ax.get_yscale()) == ("symlog", "symlog")
    points = by_gid(figure, "segment-points-")
    for segment, count in ((1, 3), (2, 3), (3, 4)):
        collection = points[f"segment-points-{segment}"]
        assert len(collection.get_offsets()) == count
        assert rgb(collection.get_facecolors()[0]) == rgb(segment_colour(segment))


# -- The real file ------------------------------------------------------------


@pytest.fixture(scope="module")
def retail_marts(online_retail_build) -> Marts:
    return load_marts(online_retail_build.database)


def test_real_grid_counts_are_the_marts_counts(online_retail_build, retail_marts):
    counted = online_retail_build.query(
        "select f_score, r_score, count(*) from marts.customer_segments group by all"
    )
    expected = np.zeros((5, 5), dtype=int)
    for f, r, n in counted:
        expected[5 - f, r - 1] = n
    [image] = by_gid(plot_rfm_grid(retail_marts), "rfm-grid").values()
    assert image.get_array().tolist() == expected.tolist()
    assert rfm_grid_counts(retail_marts.customers).to_numpy().sum() == 4_334


def test_real_k_figure_marks_the_rules_choice(online_retail_build, retail_marts):
    # k = 2 scores best but is not actionable (fewer than 3 segments).
    assert online_retail_build.query(
        "select k, is_actionable, is_selected from marts.k_evaluation order by k"
    ) == [(2, False, False), (3, True, True)] + [(k, True, False) for k in range(4, 9)]
    figure = plot_model_selection(retail_marts)
    assert sorted(by_gid(figure, "not-actionable-silhouette-")) == [
        "not-actionable-silhouette-2"
    ]
    [selected] = by_gid(figure, "selected-k-silhouette").values()
    assert list(selected.get_xdata()) == [3]


def test_real_monthly_sales_have_a_line_per_segment(online_retail_build, retail_marts):
    months = dict(
        online_retail_build.query(
            "select segment_id, count(*) from marts.segment_monthly_sales group by 1"
        )
    )
    lines = by_gid(plot_monthly_sales(retail_marts), "monthly-revenue-")
    drawn = {
        int(gid.rsplit("-", 1)[1]): len(line.get_xdata()) for gid, line in lines.items()
    }
    # December 2011 is partial: a marker and a dotted link, off the line.
    assert months == {1: 13, 2: 13, 3: 13}
    assert drawn == {1: 12, 2: 12, 3: 12}


def test_money_axes_carry_the_currency_the_build_recorded(retail_marts):
    # The real build sets currency to £; the hand-made marts leave it unset.
    assert retail_marts.run_summary["currency"].tolist() == ["£"]
    monthly = plot_monthly_sales(retail_marts)
    assert [ax.get_ylabel() for ax in monthly.axes[:2]] == [
        "Revenue (sale lines, £)",
        "Customers with a sale",
    ]
    labels = [ax.get_xlabel() for ax in plot_rfm_distributions(retail_marts).axes]
    assert labels == [
        "Recency (days since the last purchase), log scale",
        "Frequency (invoices), log scale",
        "Monetary value (total spend, £), log scale",
    ]
    page = render_index(retail_marts, [])
    assert "<th>Avg spend (£)</th>" in page
    assert rfm_distributions_caption(retail_marts).endswith(
        "; medians 51 days, 2 invoices and 663 spent (£)."
    )
    unset = hand_made_marts()
    assert unset.currency is None
    assert "<th>Avg spend</th>" in render_index(unset, [])
    assert plot_monthly_sales(unset).axes[0].get_ylabel() == "Revenue (sale lines)"
    assert [
        feature_label(unset, feature) for feature in ("monetary", "avg_order_value")
    ] == ["Monetary value (total spend)", "Average order value"]
    pounds = replace(unset, run_summary=unset.run_summary.assign(currency="GBP"))
    assert [
        feature_label(pounds, feature)
        for feature in ("monetary", "avg_order_value", "returned_value", "frequency")
    ] == [
        "Monetary value (total spend, GBP)",
        "Average order value (GBP)",
        "Returned value (GBP)",
        "Frequency (invoices)",
    ]
