"""How the figures keep their layout on unusual runs: long segment names,
long subtitles, centres that nearly coincide, a file of one month; on the
hand-built marts of rfm_hand_made_marts.py."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from figure_style import (
    LABEL_WIDTH,
    new_figure,
    segment_label,
)
from model_selection_figure import plot_model_selection, scored_k_text
from rfm_figures import (
    plot_monthly_sales,
    plot_segment_rfm_profiles,
    plot_segments_recency_monetary,
)
from rfm_hand_made_marts import NAMES, by_gid, hand_made_marts
from segment_figures import plot_centroid_heatmap
from segment_planes import number_offsets


def test_the_numbers_of_centres_that_nearly_coincide_do_not_overlap():
    # Segment 2's centroid moved to within 1 % of segment 1's: its number
    # goes below its X instead of printing over 1's; 3, far off, keeps its
    # place.
    marts = hand_made_marts()
    centroids = marts.centroids.copy()
    segment_2 = centroids["segment_id"] == 2
    for feature in ("recency_days", "monetary"):
        of_1 = (centroids["segment_id"] == 1) & (centroids["feature"] == feature)
        centroids.loc[
            segment_2 & (centroids["feature"] == feature), "centroid_value"
        ] = centroids.loc[of_1, "centroid_value"].iloc[0] * 1.01
    for together, expected in (
        (marts, [(11, 9)] * 3),
        (replace(marts, centroids=centroids), [(11, 9), (11, -22), (11, 9)]),
    ):
        figure = plot_segments_recency_monetary(together)
        numbers = by_gid(figure, "segment-number-")
        assert [numbers[f"segment-number-{n}"].xyann for n in (1, 2, 3)] == expected


def test_a_number_never_sits_on_another_centres_x():
    # Segment 2's X sits just up and right of segment 1's, where 1's number
    # went: each number was printed beside the other's X. Now 1's goes
    # below its X, and 2's up and right of its own, clear of both.
    customers = pd.DataFrame({"x": [0.0, 100.0], "y": [0.0, 100.0]})
    centres = pd.DataFrame({"segment_id": [1, 2], "x": [50.0, 52.5], "y": [50.0, 52.5]})
    assert number_offsets(centres, customers, (False, False)) == [
        (11, -22),
        (11, 9),
    ]
    # A centre without coordinates is not drawn and blocks nothing.
    with_a_gap = pd.concat(
        [pd.DataFrame({"segment_id": [3], "x": [None], "y": [None]}), centres]
    ).astype({"x": "float64", "y": "float64"})
    assert number_offsets(with_a_gap, customers, (False, False)) == [
        (11, 9),
        (11, -22),
        (11, 9),
    ]


def test_a_small_panel_needs_its_numbers_further_apart():
    # Segment 2's X is 6 % of the range right of 1's: clear of 1's number
    # on the headline plane, not on a panel of the pairs grid about half as
    # wide, where 11 points are a larger share of the range.
    customers = pd.DataFrame({"x": [0.0, 100.0], "y": [0.0, 100.0]})
    centres = pd.DataFrame({"segment_id": [1, 2], "x": [50.0, 56.0], "y": [50.0, 52.0]})
    assert number_offsets(centres, customers, (False, False)) == [(11, 9), (11, 9)]
    assert number_offsets(centres, customers, (False, False), (373.0, 376.0)) == [
        (11, -22),
        (11, 9),
    ]


@pytest.mark.parametrize(
    ("renamed", "tail"),
    [
        # The hand-made run clusters on recency, frequency and monetary.
        (
            {},
            "; this plane shows two of them, so segments may overlap",
        ),
        (
            {"recency_days": "age"},
            "; only one axis is a clustering feature, so segments may overlap",
        ),
        (
            {"recency_days": "age", "monetary": "annual_income_k"},
            "; neither axis is a clustering feature, so segments may overlap",
        ),
    ],
)
def test_the_plane_subtitle_says_how_many_axes_were_clustered_on(renamed, tail):
    # It said "this plane shows two of them" whatever the axes were.
    marts = hand_made_marts()
    centroids = marts.centroids.assign(
        feature=marts.centroids["feature"].replace(renamed)
    )
    figure = plot_segments_recency_monetary(replace(marts, centroids=centroids))
    [_, subtitle] = figure.subfigs[0].texts
    assert subtitle.get_text().replace("\n", " ").endswith(tail)


def test_the_plane_subtitle_says_nothing_more_when_it_shows_every_feature():
    marts = hand_made_marts()
    centroids = marts.centroids[marts.centroids["feature"] != "frequency"]
    figure = plot_segments_recency_monetary(replace(marts, centroids=centroids))
    [_, subtitle] = figure.subfigs[0].texts
    assert subtitle.get_text() == (
        "k = 3 segments, clustered on recency and monetary value"
    )


def test_scored_k_text_names_runs_of_k():
    assert scored_k_text([2, 3, 4, 5, 6, 7, 8, 9, 10, 20]) == "2 to 10 and 20"
    assert scored_k_text([3, 2]) == "2 to 3"
    assert scored_k_text([5]) == "5"
    assert scored_k_text([2, 3, 5, 7, 8]) == "2 to 3, 5 and 7 to 8"
    assert scored_k_text([3, 2, 2]) == "2 to 3"


def test_one_k_scored_gets_one_tick():
    # Three usable customers score k = 2 alone: the ticks were 1.900,
    # 1.925, ... around it.
    marts = hand_made_marts()
    evaluation = marts.k_evaluation[marts.k_evaluation["k"] == 3]
    figure = plot_model_selection(replace(marts, k_evaluation=evaluation))
    assert [list(ax.get_xticks()) for ax in figure.axes] == [[3], [3]]


def test_the_k_lines_break_where_no_k_was_scored():
    # n_clusters = 5 with k_max = 3: k = 4 was not scored, and the lines
    # drew one straight segment from 3 to 5 as if it were.
    marts = hand_made_marts()
    evaluation = marts.k_evaluation[marts.k_evaluation["k"] != 4]
    figure = plot_model_selection(replace(marts, k_evaluation=evaluation))
    expected = ([60, 40, None, 25], [0.45, 0.36, None, 0.31])
    for ax, scores in zip(figure.axes, expected, strict=True):
        [line] = [line for line in ax.get_lines() if len(line.get_xdata()) == 4]
        assert list(line.get_xdata()) == [2, 3, 4, 5]
        assert [
            None if np.isnan(value) else value for value in line.get_ydata()
        ] == scores


def test_the_k_legends_cover_no_point():
    # A Mall run with log-scaled incomes: the best silhouette, k = 6, sat
    # at the top of its panel, under the legend.
    evaluation = pd.DataFrame(
        {
            "k": range(2, 11),
            "selection_reason":
                ["best silhouette among actionable k"] + [None] * 8,
            "inertia": [268.2, 160.6, 111.3, 71.9, 37.9, 32.7, 28.5, 25.1, 21.9],
            "silhouette":
                [0.35, 0.368, 0.43, 0.512, 0.583, 0.45, 0.469, 0.482, 0.438],
            "evaluated_rows": [200] * 9,
            "smallest_segment_share": [0.495] + [0.005] * 8,
            "is_actionable": [True] + [False] * 8,
            "is_selected": [True] + [False] * 8,
        }
    )  # fmt: skip
    figure = plot_model_selection(replace(hand_made_marts(), k_evaluation=evaluation))
    figure.canvas.draw()
    for ax in figure.axes:
        legend = ax.get_legend().get_window_extent()
        [line] = [line for line in ax.get_lines() if len(line.get_xdata()) == 9]
        points = ax.transData.transform(line.get_xydata())
        assert not any(legend.contains(x, y) for x, y in points)


def test_a_centre_of_one_day_reads_1_day():
    marts = hand_made_marts()
    centroids = marts.centroids.copy()
    centroids.loc[
        (centroids["segment_id"] == 1) & (centroids["feature"] == "recency_days"),
        "centroid_value",
    ] = 1.0
    ax = plot_centroid_heatmap(replace(marts, centroids=centroids)).axes[0]
    cells = [text.get_text().split("\n")[0] for text in ax.texts]
    assert cells[:3] == ["1 day", "12 inv.", "4,000 spent"]


def test_an_axis_is_logarithmic_only_for_a_log1p_feature():
    marts = hand_made_marts()
    centroids = marts.centroids
    centroids.loc[centroids["feature"] == "monetary", "transformation"] = "none"
    ax = plot_segments_recency_monetary(marts).axes[0]
    assert (ax.get_xscale(), ax.get_yscale()) == ("symlog", "linear")


def test_the_legend_centre_marker_is_drawn_at_its_plot_size():
    # The legend enlarges the scatter dots (markerscale); the centroid ×
    # keeps the 14 points it has on the plot instead of spilling out.
    figure = plot_segments_recency_monetary(hand_made_marts())
    (legend,) = [legend for body in figure.subfigs for legend in body.legends]
    assert legend.legend_handles[-1].get_markersize() == pytest.approx(14)


def test_a_legend_tells_a_deduplicated_name_from_the_customer_count():
    # "Lost (1) (4)" read as two numbers of the same kind.
    marts = hand_made_marts()
    marts.profiles.loc[marts.profiles["segment_id"] == 3, "segment_name"] = "Lost (1)"
    figure = plot_segments_recency_monetary(marts)
    (legend,) = [legend for body in figure.subfigs for legend in body.legends]
    assert legend.get_title().get_text() == "Segment"
    assert [text.get_text() for text in legend.get_texts()][2:] == [
        "3: Lost (1) (n = 4)",
        "centroid, numbered by segment",
    ]


def test_the_centroid_heatmap_says_which_centres_are_on_the_log_scale():
    marts = hand_made_marts()
    centroids = marts.centroids
    centroids.loc[centroids["feature"] == "monetary", "transformation"] = "none"
    ax = plot_centroid_heatmap(marts).axes[0]
    assert [tick.get_text() for tick in ax.get_xticklabels()] == [
        "Recency (days since the last purchase)\ncentre on the log scale",
        "Frequency (invoices)\ncentre on the log scale",
        "Monetary value (total spend)",
    ]


def test_a_file_of_one_month_keeps_its_layout():
    # One month, covered whole: no partial-month marker, and the date axis
    # spans half a month either side instead of Matplotlib's four years.
    marts = hand_made_marts()
    sales = marts.monthly_sales
    first = sales.loc[sales["month_start"] == sales["month_start"].min()]
    figure = plot_monthly_sales(
        replace(marts, monthly_sales=first.assign(is_partial_month=False))
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure.canvas.draw()
    low, high = figure.axes[1].get_xlim()
    assert high - low == 32
    assert by_gid(figure, "partial-month-") == {}


SIX_LEVELS = (
    "Middle-aged · Average income · High spending · Lapsing · Infrequent"
    " · Average spend"
)


def test_a_long_segment_name_breaks_after_a_level():
    assert segment_label(1, SIX_LEVELS, LABEL_WIDTH) == (
        "1: Middle-aged · Average income ·\n"
        "High spending · Lapsing · Infrequent ·\n"
        "Average spend"
    )
    assert segment_label(12, SIX_LEVELS, width=None) == "12: " + SIX_LEVELS
    # Three levels, as RFM names have, keep one line.
    assert segment_label(10, NAMES[2], LABEL_WIDTH) == "10: " + NAMES[2]


def test_long_names_leave_the_profile_panels_their_width():
    # Six levels on one line took the first panel down to a sixth of the
    # figure's width; broken after a level they leave it a quarter.
    marts = hand_made_marts()
    figure = plot_segment_rfm_profiles(
        replace(marts, profiles=marts.profiles.assign(segment_name=SIX_LEVELS))
    )
    figure.canvas.draw()
    first_panel = figure.axes[0]
    assert [tick.get_text().count("\n") for tick in first_panel.get_yticklabels()] == [
        2,
        2,
        2,
    ]
    assert first_panel.get_position().width > 0.25


def test_a_subtitle_wider_than_the_figure_wraps_inside_it():
    subtitle = "k = 3 segments, clustered on " + ", ".join(
        ["one of many features with long names"] * 9
    )
    one_line, _ = new_figure(14, 7.8, "Segments", "k = 3 segments")
    wrapped, body = new_figure(14, 7.8, "Segments", subtitle)
    body.subplots()
    wrapped.canvas.draw()
    [title, sub] = wrapped.subfigs[0].texts
    lines = sub.get_text().split("\n")
    assert len(lines) == 3
    assert " ".join(lines) == subtitle
    # The band grows by the two extra lines; the plots keep their height.
    assert tuple(one_line.get_size_inches()) == (14, 7.8)
    assert tuple(wrapped.get_size_inches()) == (14, 8.3)
    figure_box = wrapped.bbox
    for text in (title, sub):
        box = text.get_window_extent()
        assert figure_box.x0 <= box.x0
        assert box.x1 <= figure_box.x1
    assert title.get_window_extent().y0 > sub.get_window_extent().y1
