"""The ticks of every figure (python_plots/axis_ticks.py): log axes with
few values, linear axes with wide numbers, the same decimals on every tick
of an axis; on the hand-built marts of rfm_hand_made_marts.py."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import matplotlib as mpl
import numpy as np
from axis_ticks import LogTicks, NumberFormatter, space_linear_ticks
from eda_figures import plot_pairwise_scatter
from figure_style import SLIDE_STYLE
from rfm_figures import plot_segments_recency_monetary
from rfm_hand_made_marts import hand_made_marts


def test_a_log_axis_within_one_decade_still_has_ticks():
    # Four customers spending 204 to 802 (a 60-line file) had no tick on
    # the monetary axis: no power of ten falls in view. Two and five times
    # each are added when fewer than three powers do; a wide axis keeps
    # only the powers.
    marts = hand_made_marts()
    spend = [204.0, 366.63, 334.0, 801.86] * 2 + [250.0, 700.0]
    centroids = marts.centroids.copy()
    centroids.loc[centroids["feature"] == "monetary", "centroid_value"] = [
        700.0,
        400.0,
        250.0,
    ]
    narrow = replace(
        marts, customers=marts.customers.assign(monetary=spend), centroids=centroids
    )
    for figure, expected in (
        (plot_segments_recency_monetary(narrow), ["200", "500"]),
        (plot_segments_recency_monetary(marts), ["100", "1,000", "10,000"]),
    ):
        figure.canvas.draw()
        ax = figure.axes[0]
        low, high = ax.get_ylim()
        shown = [
            tick.get_text()
            for tick, value in zip(ax.get_yticklabels(), ax.get_yticks(), strict=True)
            if low <= value <= high
        ]
        assert shown == expected


def test_log_ticks_give_two_at_least_and_zeros_one():
    def in_view(low, high):
        ticks = LogTicks().tick_values(low, high)
        return [float(t) for t in ticks if low <= t <= high]

    assert in_view(0.5, 20_000) == [1.0, 10.0, 100.0, 1_000.0, 10_000.0]
    assert in_view(190, 850) == [200.0, 500.0]
    # 12 to 40: 2 and 5 times the powers give 20 alone.
    assert in_view(11, 42) == [20.0, 30.0, 40.0]
    # A feature that is 0 for everyone: one tick, not "−0", "0", "0".
    assert in_view(-0.05, 0.05) == [0.0]


def shown_x_labels(ax):
    low, high = ax.get_xlim()
    return [
        tick
        for tick, value in zip(ax.get_xticklabels(), ax.get_xticks(), strict=True)
        if low <= value <= high
    ]


def test_wide_numbers_get_separators_and_room_on_a_linear_axis():
    # Incomes given in dollars in the k$ column: Matplotlib wrote 20000,
    # 40000 … 140000 under a pairs-grid panel, running into each other.
    marts = hand_made_marts(with_profiles=True)
    customers = marts.customers.assign(
        annual_income_k=np.linspace(15_000, 137_000, len(marts.customers))
    )
    # In the style figures are saved in (figure_catalogue.render_one).
    with mpl.rc_context(SLIDE_STYLE):
        figure = plot_pairwise_scatter(replace(marts, customers=customers))
        income = np.array(figure.axes).reshape(3, 3)[2, 1]
        age = np.array(figure.axes).reshape(3, 3)[2, 0]
        figure.canvas.draw()
        ages = [tick.get_text() for tick in shown_x_labels(age)]
        assert not apart([tick.get_window_extent() for tick in shown_x_labels(income)])
        space_linear_ticks(figure)
        figure.canvas.draw()
    incomes = shown_x_labels(income)
    assert [tick.get_text() for tick in incomes] == ["50,000", "100,000"]
    assert apart([tick.get_window_extent() for tick in incomes])
    # Labels that fit keep Matplotlib's ticks.
    assert [tick.get_text() for tick in shown_x_labels(age)] == ages


def apart(boxes) -> bool:
    return all(left.x1 < right.x0 for left, right in pairwise(boxes))


def test_every_tick_of_an_axis_gets_the_same_decimals():
    assert NumberFormatter().format_ticks([0.35, 0.4, 0.45, 0.5]) == [
        "0.35",
        "0.40",
        "0.45",
        "0.50",
    ]
    assert NumberFormatter().format_ticks([-1, -0.5, 0, 0.5]) == [
        "\u22121.0",
        "\u22120.5",
        "0.0",
        "0.5",
    ]
    # A range too small for six decimals gets as many as tell ticks apart.
    assert NumberFormatter().format_ticks([0, 5e-8, 1e-7]) == [
        "0.00000000",
        "0.00000005",
        "0.00000010",
    ]
    assert NumberFormatter().format_ticks([0, 1e-17, 2_500_000]) == [
        "0",
        "0",
        "2,500,000",
    ]
