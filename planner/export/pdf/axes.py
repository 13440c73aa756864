"""The business-plan PDF's charts in the reader's language: units and tick labels of amount,
count and month axes, labels on bars and the chart fonts; the drawing itself is
:mod:`planner.export.charts`."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from babel.numbers import get_currency_symbol
from reportlab.platypus import Flowable, KeepTogether

from planner import i18n
from planner.export import charts
from planner.export.fonts import CJK_NAME
from planner.export.pdf.format import Format
from planner.export.pdf.text import clean


class Axes(Format):
    """Axes and labels of the business-plan PDF's charts (:mod:`planner.export.charts`)."""

    def money_axis(self, values: Iterable[float]) -> tuple[str, charts.AxisFormat]:
        """The unit caption and tick formatter for an amount axis (thousands or millions)."""
        largest = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
        symbol = get_currency_symbol(self.currency, locale=i18n.LOCALES[self.language])
        if largest >= 2e6:
            scale, key = 1e6, "pdf.unit.million"
        elif largest >= 2e3:
            scale, key = 1e3, "pdf.unit.thousand"
        else:
            scale, key = 1.0, "pdf.unit.plain"

        def fmt(value: float, step: float) -> str:
            digits = max(0, min(2, -math.floor(math.log10(step / scale) + 1e-9)))
            return clean(i18n.number(value / scale, self.language, digits))

        return clean(self.t(key, symbol=symbol)), fmt

    def count_axis(self, value: float, step: float) -> str:
        digits = 0 if float(step).is_integer() else 1
        return clean(i18n.number(value, self.language, digits))

    def compact_money(self, values: Iterable[float]) -> Callable[[float], str]:
        """Amounts for labels on bars, in the unit of the axis (thousands or millions)."""
        largest = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
        scale = 1e6 if largest >= 2e6 else 1e3 if largest >= 2e3 else 1.0

        def fmt(value: float) -> str:
            scaled = value / scale
            digits = 0 if scale == 1.0 or abs(scaled) >= 100 else 1 if abs(scaled) >= 10 else 2
            return clean(i18n.number(scaled, self.language, digits))

        return fmt

    def month_ticks(self) -> dict[int, str]:
        """Tick labels every quarter, half year or year (years only for long plans)."""
        n = len(self.dates)
        every = 3 if n <= 24 else 6 if n <= 48 else 12
        ticks = {}
        for month in range(1, n + 1, every):
            text = self.dates[month - 1][:4] if n > 60 else self.month_label(month)
            ticks[month] = clean(text)
        return ticks

    def chart_fonts(self) -> charts.Fonts:
        return charts.Fonts(
            self.fonts.regular, self.fonts.bold, fallback=CJK_NAME, runs=self.fonts.runs
        )

    def chart_block(self, title_key: str, drawing: Flowable, **values: object) -> Flowable:
        return KeepTogether([self.p(self.m(title_key, **values), "h2"), drawing])
