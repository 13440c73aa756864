"""The quarterly business review pack as a PDF (A4, German or English), one side's edition.

Pages: a one-page summary (each side on track, behind or ahead; what matters; key figures signed
and now), plan vs actual vs re-forecast of both sides for the quarter and the year to date, each
side's NPV bridge, the commitments scorecard, the rebate and MDF ledgers, the zone of mutual
interest and the scenarios from the actual state, and the action items.

Everything printed comes from a :class:`~planner.onboarding.review.Review` made for the edition's
side, which is already masked through :mod:`planner.privacy`: the vendor's economics and the other
side's private values are absent from it, not merely left unprinted. User text (titles, names,
activities, action items) is cleaned and escaped: never markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from planner import i18n
from planner.analysis.drivers import driver
from planner.export.fonts import main as _fonts
from planner.export.pdf import (
    GOOD,
    INK,
    MUTED,
    NAVY,
    RULE,
    SHADE,
    WARN,
    _draw,
    _meta,
    _numbered_canvas,
    _safe,
    clean,
)
from planner.onboarding.bridge import STEPS
from planner.onboarding.quarters import calendar_month
from planner.onboarding.review import Item, Period, Review

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
BODY = PAGE_WIDTH - 2 * MARGIN
BAD = (colors.HexColor("#FBECEC"), colors.HexColor("#B42318"))
STATUS_COLORS = {"ahead": GOOD, "on_track": GOOD, "behind": BAD, None: (SHADE, MUTED)}
ITEM_COLORS = {
    "late": WARN[1],
    "partial": WARN[1],
    "dropped": BAD[1],
    "behind": BAD[1],
    "not_recorded": WARN[1],
    "on_time": GOOD[1],
    "on_track": GOOD[1],
    "ahead": GOOD[1],
}
FIGURES = ("npv", "irr", "payback_month", "peak_funding", "cumulative_cash")


class _Pack:
    """Builds the story of one review's PDF."""

    def __init__(self, review: Review, language: str) -> None:
        self.r = review
        self.plan = review.plan
        self.language = language
        self.fonts = _fonts()
        body = ParagraphStyle(
            "body", fontName=self.fonts.regular, fontSize=9, leading=12.5, textColor=INK
        )
        bold = self.fonts.bold
        self.styles = {
            "body": body,
            "small": ParagraphStyle("small", body, fontSize=7.5, leading=9.5, textColor=MUTED),
            "cell": ParagraphStyle("cell", body, fontSize=8, leading=10),
            "cell_bold": ParagraphStyle("cell_bold", body, fontName=bold, fontSize=8, leading=10),
            "kicker": ParagraphStyle("kicker", body, fontName=bold, fontSize=9.5, textColor=MUTED),
            "title": ParagraphStyle(
                "title", body, fontName=bold, fontSize=17, leading=21, textColor=NAVY
            ),
            "h1": ParagraphStyle(
                "h1", body, fontName=bold, fontSize=13, leading=17, textColor=NAVY, spaceAfter=6
            ),
            "h2": ParagraphStyle(
                "h2",
                body,
                fontName=bold,
                fontSize=10,
                leading=13,
                spaceBefore=8,
                spaceAfter=3,
                keepWithNext=1,
            ),
            "status": ParagraphStyle("status", body, fontName=bold, fontSize=14, leading=18),
            "point": ParagraphStyle("point", body, leftIndent=10, bulletIndent=0, spaceAfter=2.5),
        }

    # texts and numbers ------------------------------------------------------------------

    def t(self, key: str, **values: object) -> str:
        return i18n.t(key, self.language, **values)

    def m(self, key: str, **values: object) -> str:
        """Paragraph markup: the template escaped, every value cleaned and escaped."""
        template = escape(i18n.t(key, self.language))
        return template.format(**{k: _safe(v) for k, v in values.items()}) if values else template

    def p(self, markup: str, style: str = "body") -> Paragraph:
        return Paragraph(markup, self.styles[style])

    def money(self, value: float | None) -> str:
        return i18n.money(value, self.plan.currency, self.language)

    def signed_money(self, value: float) -> str:
        text = self.money(value)
        return text if value < 0 or text.startswith(("-", "−")) else f"+{text}"

    def share(self, value: float | None) -> str:
        return i18n.percent(value, self.language)

    def number(self, value: float | None, digits: int = 1) -> str:
        if value is not None and float(value).is_integer():
            digits = 0
        return i18n.number(value, self.language, digits)

    def month(self, month: int | None) -> str:
        """``Monat 14 (Feb. 2028)``, or "not within the horizon"."""
        if month is None:
            return self.t("qbr.never")
        return f"{self.t('qbr.month', month=month)} ({self.date(month)})"

    def date(self, month: int) -> str:
        year, calendar = calendar_month(self.plan, month)
        return i18n.month_label(f"{year:04d}-{calendar:02d}", self.language)

    def day(self, iso: str) -> str:
        year, month, day = (int(part) for part in iso.split("-"))
        return f"{day:02d}.{month:02d}.{year}" if self.language == "de" else iso

    def side(self, side: str) -> str:
        return self.t(f"qbr.side.{side}")

    # tables -----------------------------------------------------------------------------

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        *,
        numeric_from: int = 1,
        strong: Sequence[int] = (),
        colours: dict[tuple[int, int], Any] | None = None,
    ) -> Table:
        """Header and rows of plain text (escaped here) or flowables; numbers right-aligned."""

        def cell(value: Any, column: int, head: bool = False) -> Any:
            if isinstance(value, Flowable):
                return value
            style = "cell_bold" if head else "cell"
            if column < numeric_from or head:
                para = self.p(_safe(value), style)
                if head and column >= numeric_from:
                    para.style = ParagraphStyle("head_right", para.style, alignment=2)
                return para
            return clean(str(value))

        data = [[cell(v, i, True) for i, v in enumerate(header)]]
        data += [[cell(v, i) for i, v in enumerate(row)] for row in rows]
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), self.fonts.regular),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, NAVY),
            ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ]
        for row in strong:
            commands += [
                ("FONTNAME", (0, row + 1), (-1, row + 1), self.fonts.bold),
                ("LINEABOVE", (0, row + 1), (-1, row + 1), 0.8, INK),
            ]
        for (row, column), colour in (colours or {}).items():
            commands.append(("TEXTCOLOR", (column, row + 1), (column, row + 1), colour))
        table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle(commands))
        return table

    # pages ------------------------------------------------------------------------------

    def story(self) -> list[Flowable]:
        return [
            *self.summary(),
            PageBreak(),
            *self.pnl(),
            PageBreak(),
            *self.bridges(),
            *self.scorecard(),
            PageBreak(),
            *self.ledgers(),
            *self.zone_and_scenarios(),
            *self.actions(),
        ]

    def heading(self) -> list[Flowable]:
        r = self.r
        edition = self.t(f"qbr.edition.{r.audience}")
        if r.last_actual:
            subtitle = self.m(
                "qbr.subtitle",
                quarter=r.quarter.label(),
                edition=edition,
                last=self.date(r.last_actual),
            )
        else:
            subtitle = self.m("qbr.subtitle_none", quarter=r.quarter.label(), edition=edition)
        return [
            self.p(self.m("qbr.kicker"), "kicker"),
            self.p(_safe(self.plan.title), "title"),
            Spacer(1, 2),
            self.p(subtitle, "small"),
            Spacer(1, 8),
        ]

    def status_box(self, side: str) -> Table:
        r = self.r
        status = r.status[side]
        background, ink = STATUS_COLORS[status]
        bridge = r.bridges[side]
        word = self.t(f"qbr.status.{status}") if status else self.t("qbr.status.hidden")
        lines: list[Flowable] = [
            self.p(f"<b>{_safe(self.side(side))}</b> · {_safe(self._name(side))}", "small"),
            Paragraph(
                f'<font color="#{ink.hexval()[2:]}">{_safe(word)}</font>',
                self.styles["status"],
            ),
        ]
        if bridge is not None:
            lines.append(
                self.p(
                    self.m(
                        "qbr.npv_line",
                        signed=self.money(bridge.signed_npv),
                        now=self.money(bridge.npv),
                        change=self.signed_money(bridge.change),
                    ),
                    "cell",
                )
            )
            lines.append(
                self.p(
                    self.m(
                        "qbr.payback_line",
                        signed=self.month(bridge.signed_payback),
                        now=self.month(bridge.payback),
                    ),
                    "cell",
                )
            )
        else:
            lines.append(self.p(self.m("qbr.status.hidden_note"), "cell"))
        box = Table([[lines]], colWidths=[BODY / 2 - 4])
        box.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), background),
                    ("LINEBEFORE", (0, 0), (0, -1), 3, ink),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ]
            )
        )
        return box

    def _name(self, side: str) -> str:
        return self.plan.partner.name if side == "partner" else self.plan.vendor.name

    def summary(self) -> list[Flowable]:
        r = self.r
        boxes = Table(
            [[self.status_box("partner"), self.status_box("vendor")]],
            colWidths=[BODY / 2, BODY / 2],
        )
        boxes.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        out: list[Flowable] = [*self.heading(), boxes, Spacer(1, 6)]
        out.append(self.p(self.m("qbr.summary.points"), "h2"))
        for point in self.points():
            out.append(Paragraph(point, self.styles["point"], bulletText="•"))
        out.append(self.p(self.m("qbr.figures.title"), "h2"))
        sides = ["partner"] + (["vendor"] if r.economics else [])
        header = [self.t("qbr.figures.figure")] + [
            f"{self.side(s)}: {self.t(f'qbr.figures.{k}')}"
            for s in sides
            for k in ("signed", "now")
        ]
        rows = []
        for figure in FIGURES:
            row = [self.t(f"qbr.figure.{figure}")]
            for side in sides:
                for key in ("signed", "reforecast"):
                    value = r.figures[key][side].get(figure)
                    row.append(self._figure(figure, value))
            rows.append(row)
        first = 52 * mm
        rest = (BODY - first) / (len(header) - 1)
        out.append(self.table(header, rows, [first] + [rest] * (len(header) - 1)))
        return out

    def _figure(self, figure: str, value: Any) -> str:
        if figure == "irr":
            return self.share(value)
        if figure == "payback_month":
            return self.t("qbr.month", month=value) if value is not None else i18n.MISSING
        return self.money(value)

    def points(self) -> list[str]:
        r = self.r
        out = []
        rebate = r.rebate
        through = self.date(self.ledger_month())
        if rebate.rate > 0:
            line = self.m(
                "qbr.summary.rebate",
                year=rebate.year,
                rate=self.share(rebate.rate),
                accrued=self.money(rebate.accrued),
                sell_in=self.money(rebate.sell_in),
                month=through,
            )
        else:
            line = self.m(
                "qbr.summary.rebate_none",
                year=rebate.year,
                sell_in=self.money(rebate.sell_in),
                month=through,
            )
        if rebate.to_next is not None:
            line += " " + self.m(
                "qbr.summary.rebate_next",
                gap=self.money(rebate.to_next),
                rate=self.share(rebate.next_rate),
            )
        line += " " + self.m(
            "qbr.summary.rebate_projection", rebate=self.money(rebate.projected_rebate)
        )
        if rebate.p10 is not None and rebate.p90 is not None:
            line += self.m(
                "qbr.summary.rebate_range", low=self.money(rebate.p10), high=self.money(rebate.p90)
            )
        out.append(line + ".")
        mdf = r.mdf
        line = self.m(
            "qbr.summary.mdf",
            year=mdf.year,
            earned=self.money(mdf.earned),
            requested=self.money(mdf.requested),
            paid=self.money(mdf.paid),
        )
        if mdf.expiring > 0.5:
            line += " " + self.m(
                "qbr.summary.mdf_expiring",
                amount=self.money(mdf.expiring),
                date=self.day(mdf.year_to),
            )
        out.append(line)
        for side in ("partner", "vendor"):
            items = [
                i
                for i in r.scorecard
                if i.side == side and i.status not in ("upcoming", "no_target", "private")
            ]
            if not items:
                continue
            good = sum(i.status in ("on_time", "on_track", "ahead") for i in items)
            out.append(
                self.m(
                    "qbr.summary.commitments",
                    side=self.side(side),
                    good=good,
                    total=len(items),
                    bad=len(items) - good,
                )
            )
        current = r.zone["current"]
        if current.get("both") is not None:
            out.append(
                self.m("qbr.summary.mutual" if current["both"] else "qbr.summary.not_mutual")
            )
        else:
            out.append(
                self.m(
                    "qbr.summary.partner_pays" if current["partner"] else "qbr.summary.partner_not"
                )
            )
        actions = r.actions["carried"] + r.actions["new"]
        open_ = [a for a in actions if not a["done"]]
        if actions:
            carried = sum(1 for a in r.actions["carried"] if not a["done"])
            out.append(self.m("qbr.summary.actions", open=len(open_), carried=carried))
        return out

    def ledger_month(self) -> int:
        """The last month the ledgers count sell-in and MDF in."""
        rebate = self.r.rebate
        return 12 * (rebate.year - 1) + rebate.months_elapsed

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
            out.append(self.p(_safe(title), "h2"))
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
                rows.append([self.p(f"<b>{_safe(self.side(side))}</b>", "cell"), "", "", "", ""])
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
            out.append(self.p(_safe(f"{self.side(side)} · {self._name(side)}"), "h2"))
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

    def _payback(self, month: int | None) -> str:
        return self.t("qbr.month", month=month) if month is not None else i18n.MISSING

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

    def scorecard(self) -> list[Flowable]:
        r = self.r
        out: list[Flowable] = [Spacer(1, 10), self.p(self.m("qbr.scorecard.title"), "h1")]
        if not r.scorecard:
            return [*out, self.p(self.m("qbr.scorecard.none"))]
        header = [
            self.t("qbr.scorecard.side"),
            self.t("qbr.scorecard.item"),
            self.t("qbr.scorecard.planned"),
            self.t("qbr.scorecard.actual"),
            self.t("qbr.scorecard.status"),
        ]
        rows: list[list[str]] = []
        colours: dict[tuple[int, int], Any] = {}
        for item in r.scorecard:
            status = self.t(f"qbr.item.status.{item.status}")
            if (
                item.kind == "hire"
                and item.status in ("late", "partial")
                and item.actual.get("late")
            ):
                status += " " + self.t("qbr.item.late_by", months=item.actual["late"])
            colour = ITEM_COLORS.get(item.status)
            if colour is not None:
                colours[(len(rows), 4)] = colour
            rows.append(
                [
                    self.side(item.side),
                    self._item(item),
                    self._planned(item),
                    self._recorded(item),
                    status,
                ]
            )
        widths = [20 * mm, 54 * mm, 38 * mm, 38 * mm, BODY - 150 * mm]
        out.append(self.table(header, rows, widths, numeric_from=5, colours=colours))
        return out

    def _item(self, item: Item) -> str:
        kind = self.t(f"qbr.kind.{item.kind}")
        return kind if item.kind in ("mdf", "support") else f"{kind}: {item.name}"

    def _planned(self, item: Item) -> str:
        if item.private:
            return self.t("qbr.scorecard.private")
        plan = item.planned
        if item.kind == "hire":
            return self.t(
                "qbr.item.fte_from", fte=self.number(plan["fte"]), date=self.date(plan["month"])
            )
        if item.kind == "investment":
            if "amount" in plan:
                return self.t(
                    "qbr.item.amount_in",
                    amount=self.money(plan["amount"]),
                    date=self.date(plan["month"]),
                )
            return self.t("qbr.item.made_in", date=self.date(plan["month"]))
        if item.kind == "mdf":
            return self.t("qbr.item.earned", amount=self.money(plan["earned"]))
        if item.kind == "support":
            return self.t("qbr.item.fte", fte=self.number(plan["fte"], 2))
        return self.t(
            "qbr.item.count", quarter=self.number(plan["quarter"]), ytd=self.number(plan["ytd"])
        )

    def _recorded(self, item: Item) -> str:
        if item.private:
            return self.t("qbr.scorecard.private")
        actual = item.actual
        if item.kind == "hire":
            parts = (
                [
                    self.t(
                        "qbr.item.fte_from",
                        fte=self.number(actual["fte"]),
                        date=self.date(min(actual["months"])),
                    )
                ]
                if actual.get("months")
                else []
            )
            if actual.get("dropped"):
                parts.append(self.t("qbr.item.fte_dropped", fte=self.number(actual["dropped"])))
            return "; ".join(parts) or i18n.MISSING
        if item.kind == "investment":
            if not actual:
                return i18n.MISSING
            if actual.get("dropped"):
                return self.t("qbr.item.dropped")
            if "amount" in actual:
                return self.t(
                    "qbr.item.amount_in",
                    amount=self.money(actual["amount"]),
                    date=self.date(actual["month"]),
                )
            return self.t("qbr.item.made_in", date=self.date(actual["month"]))
        if item.kind == "mdf":
            return self.t(
                "qbr.item.paid",
                paid=self.money(actual["paid"]),
                due=self.money(actual["proven_unpaid"]),
            )
        if item.kind == "support":
            fte = actual.get("fte")
            return i18n.MISSING if fte is None else self.t("qbr.item.fte", fte=self.number(fte, 2))
        quarter = actual.get("quarter")
        return self.t(
            "qbr.item.count",
            quarter=i18n.MISSING if quarter is None else self.number(quarter),
            ytd=self.number(actual["ytd"]),
        )

    def ledgers(self) -> list[Flowable]:
        r = self.r
        rebate, mdf = r.rebate, r.mdf
        out: list[Flowable] = [self.p(self.m("qbr.ledger.title"), "h1")]
        out.append(
            self.p(
                self.m(
                    "qbr.rebate.title",
                    year=rebate.year,
                    first=self.day(rebate.year_from),
                    last=self.day(rebate.year_to),
                ),
                "h2",
            )
        )
        rows = [
            [
                self.t(
                    "qbr.rebate.sell_in",
                    months=rebate.months_elapsed,
                    length=rebate.year_length,
                    month=self.date(self.ledger_month()),
                ),
                self.money(rebate.sell_in),
            ],
            [self.t("qbr.rebate.rate"), self.share(rebate.rate)],
            [self.t("qbr.rebate.accrued"), self.money(rebate.accrued)],
        ]
        if rebate.next_threshold is not None:
            rows.append(
                [
                    self.t("qbr.rebate.next", rate=self.share(rebate.next_rate)),
                    self.money(rebate.next_threshold),
                ]
            )
            rows.append([self.t("qbr.rebate.to_next"), self.money(rebate.to_next)])
        else:
            rows.append([self.t("qbr.rebate.top"), self.t("qbr.rebate.top_value")])
        rows.append(
            [
                self.t("qbr.rebate.planned"),
                f"{self.money(rebate.planned_sell_in)} / {self.money(rebate.planned_rebate)}",
            ]
        )
        rows.append(
            [
                self.t("qbr.rebate.projected"),
                f"{self.money(rebate.projected_sell_in)} / {self.money(rebate.projected_rebate)}",
            ]
        )
        if rebate.p10 is not None:
            spread = " / ".join(self.money(v) for v in (rebate.p10, rebate.p50, rebate.p90))
        else:
            spread = self.t("qbr.rebate.no_range")
        rows.append([self.t("qbr.rebate.range"), spread])
        out.append(self._pairs(rows))
        out.append(self.p(self.m("qbr.mdf.title", year=mdf.year, date=self.day(mdf.as_of)), "h2"))
        pairs = [
            [self.t("qbr.mdf.planned"), self.money(mdf.planned)],
            [
                self.t("qbr.mdf.earned", month=self.date(self.ledger_month())),
                self.money(mdf.earned),
            ],
            [self.t("qbr.mdf.projected"), self.money(mdf.projected)],
            [self.t("qbr.mdf.requested"), self.money(mdf.requested)],
            [self.t("qbr.mdf.approved"), self.money(mdf.approved)],
            [self.t("qbr.mdf.claimed"), self.money(mdf.claimed)],
            [self.t("qbr.mdf.paid"), self.money(mdf.paid)],
            [self.t("qbr.mdf.awaiting_proof"), self.money(mdf.awaiting_proof)],
            [self.t("qbr.mdf.expiring", date=self.day(mdf.year_to)), self.money(mdf.expiring)],
        ]
        out.append(self._pairs(pairs))
        if mdf.activities:
            out.append(Spacer(1, 5))
            header = [
                self.t("qbr.mdf.activity"),
                self.t("qbr.mdf.status"),
                self.t("qbr.mdf.amount"),
                self.t("qbr.mdf.proof"),
            ]
            rows = [
                [
                    a["activity"],
                    self.t(f"qbr.mdf.stage.{a['status']}"),
                    self.money(a["amount"]),
                    self.t(f"qbr.mdf.proof.{a['proof']}"),
                ]
                for a in mdf.activities
            ]
            out.append(
                self.table(
                    header, rows, [80 * mm, 30 * mm, 34 * mm, BODY - 144 * mm], numeric_from=2
                )
            )
        return out

    def _pairs(self, rows: Sequence[Sequence[str]]) -> Table:
        data = [[self.p(_safe(a), "cell"), clean(b)] for a, b in rows]
        table = Table(data, colWidths=[100 * mm, 50 * mm], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), self.fonts.regular),
                    ("FONTSIZE", (0, 0), (-1, -1), 8),
                    ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return table

    def zone_and_scenarios(self) -> list[Flowable]:
        r = self.r
        out: list[Flowable] = [self.p(self.m("qbr.zone.title"), "h2")]
        current = r.zone["current"]
        if current.get("both") is None:
            out.append(
                self.p(
                    self.m(
                        "qbr.summary.partner_pays"
                        if current["partner"]
                        else "qbr.summary.partner_not"
                    )
                )
            )
            out.append(self.p(self.m("qbr.zone.hidden"), "small"))
        elif current["both"]:
            out.append(self.p(self.m("qbr.summary.mutual")))
        else:
            out.append(self.p(self.m("qbr.summary.not_mutual")))
            if r.zone["nearest"]:
                out.append(self.p(self.m("qbr.zone.change")))
                for change in r.zone["nearest"]:
                    item = driver(self.plan, change["path"])
                    text = self.m(
                        "qbr.zone.change_line",
                        label=i18n.label(change["path"], self.language),
                        **{
                            "from": self._driver(item.high, change["from"]),
                            "to": self._driver(item.high, change["to"]),
                        },
                    )
                    out.append(Paragraph(text, self.styles["point"], bulletText="•"))
            else:
                out.append(self.p(self.m("qbr.zone.no_change")))
        out.append(self.p(self.m("qbr.scenarios.title"), "h2"))
        out.append(self.p(self.m("qbr.scenarios.intro"), "small"))
        header = [
            self.t("qbr.scenarios.name"),
            self.t("qbr.scenarios.partner_npv"),
            self.t("qbr.scenarios.payback"),
        ]
        if r.economics:
            header.append(self.t("qbr.scenarios.vendor_npv"))
        rows = []
        for name, figures in r.scenarios.items():
            row = [
                self.t("qbr.scenarios.base") if name == "base" else name,
                self.money(figures["partner"]["npv"]),
                self._payback(figures["partner"]["payback_month"]),
            ]
            if r.economics:
                row.append(self.money(figures["vendor"]["npv"]))
            rows.append(row)
        first = 70 * mm
        out.append(
            self.table(
                header, rows, [first] + [(BODY - first) / (len(header) - 1)] * (len(header) - 1)
            )
        )
        return out

    def _driver(self, high: float, value: float) -> str:
        return self.share(value) if high <= 1 else self.number(value, 2)

    def actions(self) -> list[Flowable]:
        r = self.r
        out: list[Flowable] = [self.p(self.m("qbr.actions.title"), "h2")]
        for key, title in (
            ("carried", self.t("qbr.actions.carried")),
            ("new", self.t("qbr.actions.new", quarter=r.quarter.label())),
        ):
            out.append(self.p(f"<b>{_safe(title)}</b>", "body"))
            entries = r.actions[key]
            if not entries:
                out.append(self.p(self.m("qbr.actions.none"), "small"))
                continue
            header = [
                self.t("qbr.actions.text"),
                self.t("qbr.actions.owner"),
                self.t("qbr.actions.due"),
                self.t("qbr.actions.state"),
            ]
            rows = [
                [
                    a["text"],
                    f"{self.side(a['side'])}" + (f": {a['owner']}" if a.get("owner") else ""),
                    self.day(a["due"]) if a.get("due") else i18n.MISSING,
                    self.t("qbr.actions.done" if a["done"] else "qbr.actions.open"),
                ]
                for a in entries
            ]
            out.append(
                self.table(
                    header, rows, [90 * mm, 45 * mm, 22 * mm, BODY - 157 * mm], numeric_from=4
                )
            )
            out.append(Spacer(1, 4))
        return out

    # the document -----------------------------------------------------------------------

    def footer(self, canvas: Canvas, page: int, pages: int) -> None:
        canvas.saveState()
        canvas.setFillColor(MUTED)
        edition = self.t(f"qbr.edition.{self.r.audience}")
        text = self.t(
            "qbr.footer", title=self.plan.title, quarter=self.r.quarter.label(), edition=edition
        )
        from planner.export.pdf import _fit

        _draw(
            canvas,
            MARGIN,
            10 * mm,
            _fit(clean(text), self.fonts.regular, 7, BODY - 30 * mm),
            self.fonts.regular,
            7,
        )
        _draw(
            canvas,
            PAGE_WIDTH - MARGIN,
            10 * mm,
            self.t("qbr.page_of", page=page, pages=pages),
            self.fonts.regular,
            7,
            right=True,
        )
        canvas.restoreState()

    def build(self) -> bytes:
        out = io.BytesIO()
        document = BaseDocTemplate(
            out,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=16 * mm,
            bottomMargin=18 * mm,
            title=_meta(f"{self.t('qbr.kicker')} {self.r.quarter.label()}: {self.plan.title}"),
            author=_meta(f"{self.plan.partner.name} / {self.plan.vendor.name}"),
            subject=_meta(self.t("qbr.kicker")),
            creator="planner",
            invariant=1,
        )
        frame = Frame(
            MARGIN,
            18 * mm,
            BODY,
            PAGE_HEIGHT - 34 * mm,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        document.build(self.story(), canvasmaker=_numbered_canvas(self.footer))
        return out.getvalue()


def build_qbr_pdf(review: Review, language: str | None = None) -> bytes:
    """The QBR pack of ``review`` (one side's edition) as PDF bytes."""
    return _Pack(review, language or review.plan.language).build()


def scorecard_texts(review: Review, language: str) -> list[dict[str, str]]:
    """The scorecard as the pack words it: side, commitment, planned, recorded, status."""
    pack = _Pack(review, language)
    return [
        {
            "side": pack.side(item.side),
            "item": pack._item(item),
            "planned": pack._planned(item),
            "recorded": pack._recorded(item),
            "status": pack.t(f"qbr.item.status.{item.status}"),
        }
        for item in review.scorecard
    ]


def summary_points(review: Review, language: str) -> list[str]:
    """The summary page's points as plain text."""
    import re
    from xml.sax.saxutils import unescape

    return [unescape(re.sub(r"<[^>]+>", "", p)) for p in _Pack(review, language).points()]
