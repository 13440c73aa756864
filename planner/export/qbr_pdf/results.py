"""Plan vs actual vs re-forecast of both sides, and each side's NPV bridge from the signed plan
to today with its waterfall."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from planner import i18n
from planner.export.pdf.styles import BAD, GOOD, MUTED, NAVY, RULE
from planner.export.pdf.text import safe
from planner.export.qbr_pdf.pack import BODY, PackBase
from planner.onboarding.bridge import STEPS
from planner.onboarding.review import Period


class Results(PackBase):
    """The P&L comparison and the NPV bridges."""

    def pnl(self) -> list[Flowable]:
        r = self.r
        out: list[Flowable] = [
            self.p(self.m("qbr.pnl.title"), "h1"),
            self.p(self.m("qbr.pnl.intro"), "small"),
        ]
        titles = (
            self.t("qbr.pnl.quarter", quarter=r.quarter.label()),
            self.t("qbr.pnl.ytd", year=r.quarter.year, quarter=r.quarter.label()),
        )
        for title, periods in zip(titles, (r.quarter_rows, r.ytd_rows), strict=True):
            out.append(self.p(safe(title), "h2"))
            first = periods[0]
            actual = (
                self.t("qbr.pnl.actual")
                if first.months_actual == first.months
                else self.t("qbr.pnl.actual_months", months=first.months_actual, of=first.months)
            )
            header = [
                self.t("qbr.pnl.item"),
                self.t("qbr.pnl.plan"),
                actual,
                self.t("qbr.pnl.reforecast"),
                self.t("qbr.pnl.difference"),
            ]
            rows, strong, colours = [], [], {}
            for side in ("partner", "vendor"):
                mine = [p for p in periods if p.side == side]
                if not mine:
                    continue
                rows.append([self.p(f"<b>{safe(self.side(side))}</b>", "cell"), "", "", "", ""])
                for period in mine:
                    if period.column in ("cash_flow", "vendor_cash_flow"):
                        strong.append(len(rows))
                    colour = self._difference_colour(period)
                    if colour is not None:
                        colours[(len(rows), 4)] = colour
                    rows.append(self._period_row(period))
            widths = [60 * mm] + [(BODY - 60 * mm) / 4] * 4
            out.append(self.table(header, rows, widths, strong=strong, colours=colours))
        out.append(Spacer(1, 3))
        out.append(self.p(self.m("qbr.pnl.stock_note"), "small"))
        return out

    def _period_row(self, period: Period) -> list[str]:
        return [
            i18n.label(period.column, self.language),
            self.money(period.plan),
            self.money(period.actual),
            self.money(period.reforecast),
            self.signed_money(period.difference),
        ]

    def _difference_colour(self, period: Period) -> Any:
        costly = period.column in ("staff_cost", "opex", "investment_net", "vendor_cost")
        good = period.difference < 0 if costly else period.difference > 0
        if abs(period.difference) < 0.5:
            return None
        return GOOD[1] if good else BAD[1]

    def bridges(self) -> list[Flowable]:
        r = self.r
        out: list[Flowable] = [
            self.p(self.m("qbr.bridge.title"), "h1"),
            self.p(self.m("qbr.bridge.intro"), "small"),
        ]
        for side in ("partner", "vendor"):
            bridge = r.bridges[side]
            out.append(self.p(safe(f"{self.side(side)} · {self._name(side)}"), "h2"))
            if bridge is None:
                out.append(self.p(self.m("qbr.bridge.hidden"), "body"))
                continue
            header = [
                self.t("qbr.bridge.step"),
                self.t("qbr.bridge.part"),
                self.t("qbr.bridge.payback"),
            ]
            rows = [
                [
                    self.t("qbr.bridge.signed"),
                    self.money(bridge.signed_npv),
                    self._payback(bridge.signed_payback),
                ]
            ]
            colours = {}
            for step in STEPS:
                part = bridge.parts[step]
                if abs(part) >= 0.5:
                    colours[(len(rows), 1)] = GOOD[1] if part > 0 else BAD[1]
                rows.append(
                    [
                        self.t(f"qbr.bridge.step.{step}"),
                        self.signed_money(part),
                        self._payback(bridge.paybacks[step]),
                    ]
                )
            rows.append(
                [self.t("qbr.bridge.now"), self.money(bridge.npv), self._payback(bridge.payback)]
            )
            table = self.table(
                header,
                rows,
                [62 * mm, 36 * mm, 36 * mm],
                strong=[len(rows) - 1],
                colours=colours,
            )
            chart = self.waterfall(bridge.signed_npv, [bridge.parts[s] for s in STEPS], bridge.npv)
            pair = Table([[table, chart]], colWidths=[136 * mm, BODY - 136 * mm])
            pair.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ]
                )
            )
            out.append(KeepTogether([pair]))
        return out

    def waterfall(self, start: float, parts: Sequence[float], end: float) -> Drawing:
        """Signed NPV, the steps and today's NPV as bars, signed and today's in navy."""
        width, height = BODY - 136 * mm, 44 * mm
        drawing = Drawing(width, height)
        levels = [0.0, start]
        level = start
        for part in parts:
            level += part
            levels.append(level)
        # The axis spans the levels the bars reach (not from 0), so small steps stay
        # visible beside a large NPV; the first and last bars start at the axis' foot.
        reached = [*levels[1:], end]
        low, high = min(reached), max(reached)
        pad = max(high - low, 1.0) * 0.15
        low, high = (0.0 if low >= 0 and low - pad < 0 else low - pad), high + pad / 3
        span = (high - low) or 1.0
        bottom, top = 4.0, height - 4.0

        def y(value: float) -> float:
            return float(bottom + (value - low) / span * (top - bottom))

        count = len(parts) + 2
        slot = width / count
        bar = slot * 0.64
        if low <= 0 <= high:
            drawing.add(Line(0, y(0.0), width, y(0.0), strokeColor=RULE, strokeWidth=0.5))
        bars = [(low, start, NAVY)]
        level = start
        for part in parts:
            bars.append((level, level + part, GOOD[1] if part >= 0 else BAD[1]))
            level += part
        bars.append((low, end, NAVY))
        for i, (a, b, colour) in enumerate(bars):
            lower, upper = sorted((y(a), y(b)))
            drawing.add(
                Rect(
                    i * slot + (slot - bar) / 2,
                    lower,
                    bar,
                    max(upper - lower, 0.6),
                    fillColor=colour,
                    strokeColor=None,
                )
            )
        for i in range(count):
            label = "S" if i == 0 else "=" if i == count - 1 else str(i)
            drawing.add(
                String(
                    i * slot + slot / 2,
                    0,
                    label,
                    fontName=self.fonts.regular,
                    fontSize=5,
                    fillColor=MUTED,
                    textAnchor="middle",
                )
            )
        return drawing
