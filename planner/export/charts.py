"""Vector charts for the business-plan PDF, drawn with ``reportlab.graphics``.

The functions here only draw: they take the model's numbers, ready-made labels and a formatter
for axis values, and return a :class:`~reportlab.graphics.shapes.Drawing` (sizes in points).
Texts, locale formatting and the choice of numbers stay in :mod:`planner.export.pdf` (its
``axes`` module).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from reportlab import rl_config

# reportlab checks every attribute set on a shape against its declared types: a help while
# writing drawing code, and 20 ms of the example PDF's 160 ms (benchmarks/bench_pdf.py). The
# shapes here are set from floats, strings and colours only. Read when shapes is imported.
rl_config.shapeChecking = 0

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String  # noqa: E402
from reportlab.lib.colors import Color, HexColor  # noqa: E402
from reportlab.pdfbase.pdfmetrics import stringWidth  # noqa: E402

AxisFormat = Callable[[float, float], str]
"""Formats a tick value given the tick step (so the digits can follow the step)."""

INK = HexColor("#1F2937")
MUTED = HexColor("#6B7280")
GRID = HexColor("#E5E7EB")
AXIS = HexColor("#9CA3AF")
WHITE = HexColor("#FFFFFF")


def _no_fallback(text: str) -> list[tuple[bool, str]]:
    return [(False, text)] if text else []


@dataclass(frozen=True)
class Fonts:
    """Font names registered with reportlab, and the chart's base size (points).

    ``runs`` splits a text into runs drawn with the regular font (False) or with ``fallback``
    (True), the font for scripts the regular one lacks (Chinese, Japanese, Korean).
    """

    regular: str = "Helvetica"
    bold: str = "Helvetica-Bold"
    size: float = 7.5
    fallback: str | None = None
    runs: Callable[[str], list[tuple[bool, str]]] = _no_fallback

    def _pieces(self, text: str, font: str) -> list[tuple[str, str]]:
        return [
            (self.fallback if other and self.fallback else font, part)
            for other, part in self.runs(text)
        ]

    def width(self, text: str, font: str | None = None, size: float | None = None) -> float:
        """Width of ``text`` in points, each run measured in the font that draws it."""
        size = self.size if size is None else size
        return math.fsum(
            stringWidth(part, f, size) for f, part in self._pieces(text, font or self.regular)
        )

    def shorten(self, text: str, width: float, font: str | None = None) -> str:
        """``text`` cut with an ellipsis so that it is at most ``width`` points wide."""
        if self.width(text, font) <= width:
            return text
        while text and self.width(text + "…", font) > width:
            text = text[:-1]
        return text.rstrip() + "…"

    def text(
        self,
        drawing: Drawing,
        x: float,
        y: float,
        text: str,
        *,
        anchor: str = "start",
        color: Color = INK,
        font: str | None = None,
        size: float | None = None,
    ) -> None:
        """Draw ``text`` at ``x`` (its start, middle or end by ``anchor``), one string per run."""
        size = self.size if size is None else size
        pieces = self._pieces(text, font or self.regular)
        total = sum(stringWidth(part, f, size) for f, part in pieces)
        left = x - (total if anchor == "end" else total / 2 if anchor == "middle" else 0.0)
        for name, part in pieces:
            drawing.add(String(left, y, part, fontName=name, fontSize=size, fillColor=color))
            left += stringWidth(part, name, size)


@dataclass(frozen=True)
class Series:
    """One line or one stack layer: a legend label, values and a colour."""

    label: str
    values: Sequence[float]
    color: Color


@dataclass(frozen=True)
class Marker:
    """A vertical mark at ``x`` (a month), with a dot at ``y`` and a label."""

    x: float
    y: float
    label: str
    color: Color


@dataclass(frozen=True)
class Bar:
    """One tornado row: the figure's value when the assumption goes low and when high."""

    label: str
    low: float
    high: float


def nice_ticks(low: float, high: float, count: int = 5) -> tuple[float, float, float]:
    """Axis bounds and step covering ``low..high`` (and 0) with round steps.

    >>> nice_ticks(-253001, 1690844)
    (-500000.0, 2000000.0, 500000.0)
    >>> nice_ticks(0, 0)
    (0.0, 1.0, 1.0)
    """
    # Amounts below a billionth are noise (and subnormal floats break the step arithmetic).
    low, high = (0.0 if abs(v) < 1e-9 else v for v in (low, high))
    low, high = min(low, 0.0), max(high, 0.0)
    if not math.isfinite(low) or not math.isfinite(high) or high - low <= 0:
        return (0.0, 1.0, 1.0)
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = float(next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= raw))
    return (math.floor(low / step) * step, math.ceil(high / step) * step, step)


def _legend(
    drawing: Drawing, items: Sequence[tuple[str, Color]], x: float, y: float, fonts: Fonts
) -> None:
    for label, color in items:
        drawing.add(Rect(x, y - 1, 8, 6, fillColor=color, strokeColor=None))
        fonts.text(drawing, x + 11, y, label)
        x += 11 + fonts.width(label) + 14


def axis_width(values: Sequence[float], fmt: AxisFormat, fonts: Fonts) -> float:
    """Room the value axis of ``values`` needs left of the plot (its widest tick label)."""
    finite = [v for v in values if math.isfinite(v)] or [0.0]
    vmin, vmax, step = nice_ticks(min(finite), max(finite))
    widest, value = 0.0, vmin
    while value <= vmax + step / 2:
        widest = max(widest, stringWidth(fmt(value, step), fonts.regular, fonts.size))
        value += step
    return widest + 8


class _Frame:
    """A plot area with a value axis: maps values to drawing coordinates and draws the grid."""

    def __init__(
        self,
        drawing: Drawing,
        values: Sequence[float],
        unit: str,
        fmt: AxisFormat,
        fonts: Fonts,
        *,
        top: float,
        bottom: float = 18,
        left: float | None = None,
    ) -> None:
        finite = [v for v in values if math.isfinite(v)] or [0.0]
        self.vmin, self.vmax, step = nice_ticks(min(finite), max(finite))
        ticks = []
        value = self.vmin
        while value <= self.vmax + step / 2:
            ticks.append((value, fmt(value, step)))
            value += step
        self.x0: float = left if left is not None else axis_width(values, fmt, fonts)
        self.x1: float = drawing.width - 6
        self.y0: float = bottom
        self.y1: float = drawing.height - top
        for value, text in ticks:
            y = self.y(value)
            color = AXIS if value == 0 else GRID
            drawing.add(Line(self.x0, y, self.x1, y, strokeColor=color, strokeWidth=0.6))
            fonts.text(drawing, self.x0 - 4, y - fonts.size / 3, text, anchor="end", color=MUTED)
        fonts.text(drawing, self.x0 - 4, self.y1 + 6, unit, anchor="end", color=MUTED)

    def y(self, value: float) -> float:
        return self.y0 + (value - self.vmin) / (self.vmax - self.vmin) * (self.y1 - self.y0)


def line_chart(
    series: Sequence[Series],
    x_ticks: Mapping[int, str],
    *,
    unit: str,
    fmt: AxisFormat,
    markers: Sequence[Marker] = (),
    width: float = 480,
    height: float = 220,
    fonts: Fonts = Fonts(),
    steps: bool = False,
    left: float | None = None,
    caption: str = "",
) -> Drawing:
    """Lines over months ``1..N`` (N = length of the series), with optional vertical markers.

    ``steps`` draws each month's value as a level held for the month (headcount changes at
    a month's start, it does not slope); ``left`` fixes where the plot starts, so that stacked
    charts share their month axis; ``caption`` is a bold title at the top left.
    """
    drawing = Drawing(width, height)
    count = max(len(s.values) for s in series)
    values = [v for s in series for v in s.values] + [m.y for m in markers]
    frame = _Frame(drawing, values, unit, fmt, fonts, top=30, left=left)
    # With steps, month t fills the slot from t - 1/2 to t + 1/2; a line joins month centres.
    half = 0.5 if steps else 0.0
    span = max(count - 1 + 2 * half, 1)

    def x(month: float) -> float:
        return frame.x0 + (month - 1 + half) / span * (frame.x1 - frame.x0)

    for month, text in x_ticks.items():
        drawing.add(
            Line(x(month), frame.y0, x(month), frame.y0 - 3, strokeColor=AXIS, strokeWidth=0.6)
        )
        # The first label starts at the axis rather than reaching into the value labels.
        first = month == min(x_ticks) and not steps
        fonts.text(
            drawing,
            x(month),
            frame.y0 - 11,
            text,
            anchor="start" if first else "middle",
            color=MUTED,
        )
    for line in series:
        levels = [frame.y(v if math.isfinite(v) else 0.0) for v in line.values]
        if steps:
            # A level across each month's slot, a riser at the border between two months.
            points = [frame.x0, levels[0]]
            for month, (before, after) in enumerate(pairwise(levels)):
                border = x(month + 1.5)
                points += [border, before, border, after]
            points += [frame.x1, levels[-1]]
        else:
            points = [c for i, y in enumerate(levels) for c in (x(i + 1), y)]
        drawing.add(PolyLine(points, strokeColor=line.color, strokeWidth=1.6, strokeLineJoin=1))
    label_y = frame.y1 - 2
    for marker in markers:
        mx = x(marker.x)
        drawing.add(
            Line(
                mx,
                frame.y0,
                mx,
                frame.y1,
                strokeColor=marker.color,
                strokeWidth=0.7,
                strokeDashArray=[2, 2],
            )
        )
        drawing.add(Circle(mx, frame.y(marker.y), 2.6, fillColor=marker.color, strokeColor=None))
        label_width = fonts.width(marker.label)
        anchor = "end" if mx + 4 + label_width > frame.x1 else "start"
        left_edge = mx - 4 - label_width if anchor == "end" else mx + 4
        drawing.add(
            Rect(
                left_edge - 1.5,
                label_y - fonts.size - 2,
                label_width + 3,
                fonts.size + 3,
                fillColor=WHITE,
                strokeColor=None,
            )
        )
        fonts.text(
            drawing,
            mx - 4 if anchor == "end" else mx + 4,
            label_y - fonts.size,
            marker.label,
            anchor=anchor,
            color=marker.color,
        )
        label_y -= fonts.size + 3
    if caption:
        fonts.text(drawing, frame.x0, height - 10, caption, font=fonts.bold, size=fonts.size + 1)
    elif len(series) > 1:
        _legend(drawing, [(s.label, s.color) for s in series], frame.x0, height - 10, fonts)
    return drawing


def stacked_bars(
    series: Sequence[Series],
    categories: Sequence[str],
    *,
    unit: str,
    fmt: AxisFormat,
    width: float = 480,
    height: float = 200,
    fonts: Fonts = Fonts(),
    value: Callable[[float], str] | None = None,
) -> Drawing:
    """Stacked columns, one per category (plan year); layers are non-negative amounts.

    ``value`` formats the numbers written on the bars: each column's total above it and each
    layer's amount inside it where the layer is tall and wide enough to hold the text.
    """
    drawing = Drawing(width, height)
    totals = [sum(max(s.values[i], 0.0) for s in series) for i in range(len(categories))]
    # Head room for the totals written above the columns.
    frame = _Frame(drawing, [*totals, 0.0], unit, fmt, fonts, top=30 + (10 if value else 0))
    slot = (frame.x1 - frame.x0) / max(len(categories), 1)
    bar = min(slot * 0.6, 56)
    for i, category in enumerate(categories):
        left = frame.x0 + slot * i + (slot - bar) / 2
        base = 0.0
        for layer in series:
            amount = max(layer.values[i], 0.0)
            y_low, y_high = frame.y(base), frame.y(base + amount)
            if y_high - y_low > 0.05:
                drawing.add(
                    Rect(left, y_low, bar, y_high - y_low, fillColor=layer.color, strokeColor=None)
                )
            if value is not None and amount > 0 and y_high - y_low >= fonts.size + 4:
                text = value(amount)
                if fonts.width(text, size=fonts.size - 0.5) <= bar - 4:
                    fonts.text(
                        drawing,
                        left + bar / 2,
                        (y_low + y_high) / 2 - fonts.size / 3,
                        text,
                        anchor="middle",
                        color=_on(layer.color),
                        size=fonts.size - 0.5,
                    )
            base += amount
        if value is not None:
            fonts.text(
                drawing,
                left + bar / 2,
                frame.y(totals[i]) + 3,
                value(totals[i]),
                anchor="middle",
                font=fonts.bold,
            )
        fonts.text(drawing, left + bar / 2, frame.y0 - 11, category, anchor="middle", color=MUTED)
    _legend(drawing, [(s.label, s.color) for s in series], frame.x0, height - 10, fonts)
    return drawing


def _on(color: Color) -> Color:
    """White or ink, whichever reads better on ``color``."""
    light = 0.299 * color.red + 0.587 * color.green + 0.114 * color.blue
    return INK if light > 0.6 else WHITE


def tornado(
    bars: Sequence[Bar],
    *,
    base: float,
    base_label: str,
    fmt: AxisFormat,
    unit: str,
    low_color: Color,
    high_color: Color,
    legend: tuple[str, str],
    width: float = 480,
    fonts: Fonts = Fonts(),
) -> Drawing:
    """Horizontal bars from the base value of a figure to its value with each assumption
    moved low and high (``nan`` = undefined, no bar); the largest effect first. A label
    wider than the label column is cut with an ellipsis."""
    row = 17.0
    room = width * 0.4
    label_width = min(max((fonts.width(b.label) for b in bars), default=0) + 10, room)
    height = row * len(bars) + 54
    drawing = Drawing(width, height)
    values = [v for b in bars for v in (b.low, b.high) if math.isfinite(v)] + [base]
    vmin, vmax, step = nice_ticks(min(values), max(values))
    x0, x1 = label_width, width - 8
    y_top = height - 34
    y_bottom = 16.0

    def x(value: float) -> float:
        return x0 + (value - vmin) / (vmax - vmin) * (x1 - x0)

    tick = vmin
    while tick <= vmax + step / 2:
        color = AXIS if tick == 0 else GRID
        drawing.add(Line(x(tick), y_bottom, x(tick), y_top, strokeColor=color, strokeWidth=0.6))
        fonts.text(drawing, x(tick), y_bottom - 11, fmt(tick, step), anchor="middle", color=MUTED)
        tick += step
    for i, item in enumerate(bars):
        y = y_top - row * (i + 1) + 3
        label = fonts.shorten(item.label, label_width - 10)
        fonts.text(drawing, x0 - 6, y + 3, label, anchor="end")
        for value, color in ((item.low, low_color), (item.high, high_color)):
            if math.isfinite(value) and value != base:
                left, right = sorted((x(base), x(value)))
                drawing.add(Rect(left, y, right - left, row - 6, fillColor=color, strokeColor=None))
    drawing.add(Line(x(base), y_bottom, x(base), y_top + 4, strokeColor=INK, strokeWidth=0.9))
    fonts.text(drawing, x(base), y_top + 7, base_label, anchor="middle")
    _legend(drawing, [(legend[0], low_color), (legend[1], high_color)], x0, height - 10, fonts)
    fonts.text(drawing, x1, height - 10, unit, anchor="end", color=MUTED)
    return drawing


def zone_map(
    regions: Sequence[Sequence[int]],
    colors: Sequence[Color],
    *,
    x_ticks: Sequence[tuple[float, str]],
    y_ticks: Sequence[tuple[float, str]],
    x_title: str,
    y_title: str,
    here: tuple[float, float],
    target: tuple[float, float] | None,
    legend: Sequence[tuple[str, Color]],
    width: float,
    height: float,
    fonts: Fonts,
) -> Drawing:
    """A map of the grid ``regions[row][column]`` (rows bottom to top), each cell filled with
    ``colors[region]``; positions of ticks, the plan (``here``) and the smallest change to a
    mutual plan (``target``) are fractions of the axes (0 to 1)."""
    drawing = Drawing(width, height)
    left, bottom, top = 40.0, 34.0, 34.0
    right = width - 8
    plot_w, plot_h = right - left, height - top - bottom
    rows, columns = len(regions), len(regions[0]) if regions else 0
    cell_w, cell_h = plot_w / max(columns, 1), plot_h / max(rows, 1)
    for i, row in enumerate(regions):
        start = 0
        for j in range(1, columns + 1):  # one rectangle per run of cells of one region
            if j < columns and row[j] == row[start]:
                continue
            drawing.add(
                Rect(
                    left + start * cell_w,
                    bottom + i * cell_h,
                    (j - start) * cell_w + 0.3,
                    cell_h + 0.3,
                    fillColor=colors[row[start]],
                    strokeColor=None,
                )
            )
            start = j
    for fraction, text in x_ticks:
        x = left + fraction * plot_w
        drawing.add(Line(x, bottom, x, bottom - 3, strokeColor=AXIS, strokeWidth=0.6))
        fonts.text(drawing, x, bottom - 11, text, anchor="middle", color=MUTED)
    for fraction, text in y_ticks:
        y = bottom + fraction * plot_h
        drawing.add(Line(left - 3, y, left, y, strokeColor=AXIS, strokeWidth=0.6))
        fonts.text(drawing, left - 5, y - fonts.size / 3, text, anchor="end", color=MUTED)
    fonts.text(drawing, left + plot_w / 2, 4, x_title, anchor="middle", color=INK)
    fonts.text(drawing, left - 30, height - top + 8, y_title, color=INK)
    hx, hy = left + here[0] * plot_w, bottom + here[1] * plot_h
    drawing.add(Line(hx - 5, hy, hx + 5, hy, strokeColor=INK, strokeWidth=1.6))
    drawing.add(Line(hx, hy - 5, hx, hy + 5, strokeColor=INK, strokeWidth=1.6))
    if target is not None:
        tx, ty = left + target[0] * plot_w, bottom + target[1] * plot_h
        drawing.add(Line(hx, hy, tx, ty, strokeColor=INK, strokeWidth=0.8, strokeDashArray=[2, 2]))
        drawing.add(Circle(tx, ty, 3.5, fillColor=WHITE, strokeColor=INK, strokeWidth=1.2))
    _legend(drawing, legend, left, height - 8, fonts)
    return drawing
