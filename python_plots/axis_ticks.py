"""Axis ticks for every figure: whole counts, log axes that still show
zeros, and linear value axes with separators and room between labels."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis, XAxis
from matplotlib.figure import Figure
from matplotlib.ticker import (
    AutoLocator,
    Formatter,
    MaxNLocator,
    ScalarFormatter,
    StrMethodFormatter,
    SymmetricalLogLocator,
)


def count_ticks(axis: Axis) -> None:
    """Ticks at whole counts (a few customers would otherwise get 0, 0.5,
    1, ... read as 0, 0, 1), with separators."""
    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(thousands())


def thousands() -> StrMethodFormatter:
    """Tick labels as whole numbers with separators: 1,000 rather than 1000
    (a new formatter per axis, as matplotlib ties each to its axis)."""
    return StrMethodFormatter("{x:,.0f}")


class LogTicks(SymmetricalLogLocator):
    """The log axis' ticks at 0, 1, 10, 100 …; at 2 and 5 times each too
    when fewer than three of those fall in view, and at every multiple when
    that still gives fewer than two: customers spending 204 to 802 gave an
    axis with no tick at all, and 12 to 40 one. An axis of zeros only has
    one tick, 0."""

    # Each set of multiples of the powers of ten, with the ticks in view it
    # must give to be kept.
    STEPS = (([1.0], 3), ([1.0, 2.0, 5.0], 2), ([float(n) for n in range(1, 10)], 0))

    def __init__(self) -> None:
        super().__init__(linthresh=1, base=10)

    def tick_values(self, vmin: float, vmax: float) -> np.ndarray:
        low, high = sorted((vmin, vmax))
        if high < 1:
            return np.array([0.0])
        for subs, enough in self.STEPS:
            self.set_params(subs=subs)
            ticks = np.asarray(super().tick_values(vmin, vmax))
            if np.count_nonzero((ticks >= low) & (ticks <= high)) >= enough:
                return ticks
        return ticks


def set_log_axis(ax: Axes, axis: str) -> None:
    """A log scale that still shows zeros: linear from 0 to 1, logarithmic
    above (the features are counts and amounts of at least 0), with plain
    numbers as tick labels."""
    scale = ax.set_xscale if axis == "x" else ax.set_yscale
    scale("symlog", linthresh=1, linscale=0.4)
    ticks = ax.xaxis if axis == "x" else ax.yaxis
    ticks.set_major_locator(LogTicks())
    ticks.set_major_formatter(thousands())


def number_text(value: float, decimals: int | None = None) -> str:
    """A tick value with separators and a true minus sign: 100,000 and
    −2.5. With decimals None, only the decimals the value has (at most
    six); never -0."""
    if decimals is None:
        text = f"{value:,.6f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")
    return text.replace("-", "\u2212")


class NumberFormatter(Formatter):
    """number_text with the same decimals for every tick of an axis, as
    many as the most precise one needs: 0.50 beside 0.55, not 0.5."""

    # Past this many decimals a range is too small to label at all.
    MOST_DECIMALS = 15

    def __init__(self) -> None:
        self.decimals: int | None = None

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        places = [len(number_text(loc).partition(".")[2]) for loc in locs]
        self.decimals = max(places, default=0)
        # number_text keeps six decimals: a range of 1e-7 needs more to
        # tell its ticks apart (ticks still equal at MOST_DECIMALS differ
        # by float noise only: 0 and 1e-17).
        apart = len({number_text(loc, self.MOST_DECIMALS) for loc in locs})
        while len({number_text(loc, self.decimals) for loc in locs}) < apart:
            self.decimals += 1

    def __call__(self, value: float, pos: int | None = None) -> str:
        return number_text(value, self.decimals)


class SpacedTicks(MaxNLocator):
    """Round linear ticks, fewer when two neighbouring labels would touch:
    Matplotlib budgets three font sizes a tick, which incomes given in
    dollars ('100,000', '120,000') overran until the labels ran together."""

    # Widths in font sizes, as the slide font draws them: a digit (or a
    # minus sign), a comma or point, and the gap kept between two labels.
    DIGIT_WIDTH = 0.66
    SEPARATOR_WIDTH = 0.33
    GAP = 0.75
    STEPS = (1, 2, 2.5, 5, 10)

    def __init__(self) -> None:
        super().__init__(nbins="auto", steps=list(self.STEPS))

    @classmethod
    def label_width(cls, tick: float) -> float:
        text = number_text(tick)
        separators = text.count(",") + text.count(".")
        return (len(text) - separators) * cls.DIGIT_WIDTH + (
            separators * cls.SEPARATOR_WIDTH
        )

    def fits(self, ticks: np.ndarray, vmin: float, vmax: float) -> bool:
        low, high = sorted((vmin, vmax))
        shown = ticks[(ticks >= low) & (ticks <= high)]
        if len(shown) < 2 or high == low:
            return True
        # get_tick_space() counts the axis in slots of three font sizes.
        per_unit = self.axis.get_tick_space() * 3 / (high - low)
        widths = [self.label_width(tick) for tick in shown]
        return all(
            (right - left) * per_unit >= (width_left + width_right) / 2 + self.GAP
            for left, right, width_left, width_right in zip(
                shown, shown[1:], widths, widths[1:], strict=False
            )
        )

    def tick_values(self, vmin: float, vmax: float) -> np.ndarray:
        ticks = super().tick_values(vmin, vmax)
        if self.axis is None:
            return ticks
        bins = len(ticks) - 1
        while bins > 1 and not self.fits(ticks, vmin, vmax):
            bins -= 1
            ticks = MaxNLocator(nbins=bins, steps=list(self.STEPS)).tick_values(
                vmin, vmax
            )
        return ticks


def space_linear_ticks(figure: Figure) -> None:
    """Every linear axis that still has Matplotlib's default ticks gets
    separators and only the decimals its values have (100,000, not 100000
    or 1e5); an x axis also gets as many ticks as its labels leave room
    for. Counts, log, date and category axes keep the ticks set for them."""
    for ax in figure.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() != "linear":
                continue
            if type(axis.get_major_formatter()) is ScalarFormatter:
                axis.set_major_formatter(NumberFormatter())
            if (
                isinstance(axis, XAxis)
                and type(axis.get_major_locator()) is AutoLocator
            ):
                axis.set_major_locator(SpacedTicks())
