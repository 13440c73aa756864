"""Vector charts for the business-plan PDF, drawn with ``reportlab.graphics``.

The functions here only draw: they take the model's numbers, ready-made labels and a formatter
for axis values, and return a :class:`~reportlab.graphics.shapes.Drawing` (sizes in points).
Texts, locale formatting and the choice of numbers stay in :mod:`planner.export.pdf`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib.colors import Color, HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth

AxisFormat = Callable[[float, float], str]
"""Formats a tick value given the tick step (so the digits can follow the step)."""

INK = HexColor("#1F2937")
MUTED = HexColor("#6B7280")
GRID = HexColor("#E5E7EB")
AXIS = HexColor("#9CA3AF")
WHITE = HexColor("#FFFFFF")


@dataclass(frozen=True)
class Fonts:
    """Font names registered with reportlab, and the chart's base size (points)."""

    regular: str = "Helvetica"
    bold: str = "Helvetica-Bold"
    size: float = 7.5


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
        drawing.add(
            String(x + 11, y, label, fontName=fonts.regular, fontSize=fonts.size, fillColor=INK)
        )
        x += 11 + stringWidth(label, fonts.regular, fonts.size) + 14


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
    ) -> None:
        finite = [v for v in values if math.isfinite(v)] or [0.0]
        self.vmin, self.vmax, step = nice_ticks(min(finite), max(finite))
        ticks = []
        value = self.vmin
        while value <= self.vmax + step / 2:
            ticks.append((value, fmt(value, step)))
            value += step
        label_width = max(stringWidth(text, fonts.regular, fonts.size) for _, text in ticks)
        self.x0: float = label_width + 8
        self.x1: float = drawing.width - 6
        self.y0: float = bottom
        self.y1: float = drawing.height - top
        for value, text in ticks:
            y = self.y(value)
            color = AXIS if value == 0 else GRID
            drawing.add(Line(self.x0, y, self.x1, y, strokeColor=color, strokeWidth=0.6))
            drawing.add(
                String(
                    self.x0 - 4,
                    y - fonts.size / 3,
                    text,
                    fontName=fonts.regular,
                    fontSize=fonts.size,
                    fillColor=MUTED,
                    textAnchor="end",
                )
            )
        drawing.add(
            String(
                self.x0 - 4,
                self.y1 + 6,
                unit,
                fontName=fonts.regular,
                fontSize=fonts.size,
                fillColor=MUTED,
                textAnchor="end",
            )
        )

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
) -> Drawing:
    """Lines over months ``1..N`` (N = length of the series), with optional vertical markers."""
    drawing = Drawing(width, height)
    count = max(len(s.values) for s in series)
    values = [v for s in series for v in s.values] + [m.y for m in markers]
    frame = _Frame(drawing, values, unit, fmt, fonts, top=30)

    def x(month: float) -> float:
        return frame.x0 + (month - 1) / max(count - 1, 1) * (frame.x1 - frame.x0)

    for month, text in x_ticks.items():
        drawing.add(
            Line(x(month), frame.y0, x(month), frame.y0 - 3, strokeColor=AXIS, strokeWidth=0.6)
        )
        # The first label starts at the axis rather than reaching into the value labels.
        first = month == min(x_ticks)
        drawing.add(
            String(
                x(month),
                frame.y0 - 11,
                text,
                fontName=fonts.regular,
                fontSize=fonts.size,
                fillColor=MUTED,
                textAnchor="start" if first else "middle",
            )
        )
    for line in series:
        points: list[float] = []
        for i, value in enumerate(line.values):
            points += [x(i + 1), frame.y(value if math.isfinite(value) else 0.0)]
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
        label_width = stringWidth(marker.label, fonts.regular, fonts.size)
        anchor = "end" if mx + 4 + label_width > frame.x1 else "start"
        left = mx - 4 - label_width if anchor == "end" else mx + 4
        drawing.add(
            Rect(
                left - 1.5,
                label_y - fonts.size - 2,
                label_width + 3,
                fonts.size + 3,
                fillColor=WHITE,
                strokeColor=None,
            )
        )
        drawing.add(
            String(
                mx - 4 if anchor == "end" else mx + 4,
                label_y - fonts.size,
                marker.label,
                fontName=fonts.regular,
                fontSize=fonts.size,
                fillColor=marker.color,
                textAnchor=anchor,
            )
        )
        label_y -= fonts.size + 3
    if len(series) > 1:
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
) -> Drawing:
    """Stacked columns, one per category (plan year); layers are non-negative amounts."""
    drawing = Drawing(width, height)
    totals = [sum(max(s.values[i], 0.0) for s in series) for i in range(len(categories))]
    frame = _Frame(drawing, [*totals, 0.0], unit, fmt, fonts, top=30)
    slot = (frame.x1 - frame.x0) / max(len(categories), 1)
    bar = min(slot * 0.6, 48)
    for i, category in enumerate(categories):
        left = frame.x0 + slot * i + (slot - bar) / 2
        base = 0.0
        for layer in series:
            value = max(layer.values[i], 0.0)
            y_low, y_high = frame.y(base), frame.y(base + value)
            if y_high - y_low > 0.05:
                drawing.add(
                    Rect(left, y_low, bar, y_high - y_low, fillColor=layer.color, strokeColor=None)
                )
            base += value
        drawing.add(
            String(
                left + bar / 2,
                frame.y0 - 11,
                category,
                fontName=fonts.regular,
                fontSize=fonts.size,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
    _legend(drawing, [(s.label, s.color) for s in series], frame.x0, height - 10, fonts)
    return drawing


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
    moved low and high (``nan`` = undefined, no bar); the largest effect first."""
    row = 17.0
    label_width = min(
        max((stringWidth(b.label, fonts.regular, fonts.size) for b in bars), default=0) + 10,
        width * 0.42,
    )
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
        drawing.add(
            String(
                x(tick),
                y_bottom - 11,
                fmt(tick, step),
                fontName=fonts.regular,
                fontSize=fonts.size,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
        tick += step
    for i, item in enumerate(bars):
        y = y_top - row * (i + 1) + 3
        drawing.add(
            String(
                x0 - 6,
                y + 3,
                item.label,
                fontName=fonts.regular,
                fontSize=fonts.size,
                fillColor=INK,
                textAnchor="end",
            )
        )
        for value, color in ((item.low, low_color), (item.high, high_color)):
            if math.isfinite(value) and value != base:
                left, right = sorted((x(base), x(value)))
                drawing.add(Rect(left, y, right - left, row - 6, fillColor=color, strokeColor=None))
    drawing.add(Line(x(base), y_bottom, x(base), y_top + 4, strokeColor=INK, strokeWidth=0.9))
    drawing.add(
        String(
            x(base),
            y_top + 7,
            base_label,
            fontName=fonts.regular,
            fontSize=fonts.size,
            fillColor=INK,
            textAnchor="middle",
        )
    )
    _legend(drawing, [(legend[0], low_color), (legend[1], high_color)], x0, height - 10, fonts)
    drawing.add(
        String(
            x1,
            height - 10,
            unit,
            fontName=fonts.regular,
            fontSize=fonts.size,
            fillColor=MUTED,
            textAnchor="end",
        )
    )
    return drawing
