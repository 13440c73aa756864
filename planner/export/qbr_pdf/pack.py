"""The state of one QBR pack and what its pages share: numbers, months and dates as the pack
words them, its tables and its footer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Table, TableStyle

from planner import i18n
from planner.export.fonts import main as _fonts
from planner.export.pdf.format import Texts
from planner.export.pdf.styles import INK, MUTED, NAVY, PAGE_WIDTH, SHADE, grid, qbr_styles
from planner.export.pdf.text import clean, draw_text, fit_text, safe
from planner.onboarding.quarters import calendar_month
from planner.onboarding.review import Review
from planner.plan.schema import Plan

MARGIN = 18 * mm
BODY = PAGE_WIDTH - 2 * MARGIN


class PackBase(Texts):
    """One review's pack: texts, numbers and tables; each page is a mixin of it."""

    r: Review
    plan: Plan

    def __init__(self, review: Review, language: str) -> None:
        self.r = review
        self.plan = review.plan
        self.language = language
        self.currency = review.plan.currency
        self.fonts = _fonts()
        self.styles = qbr_styles(self.fonts)

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

    def _name(self, side: str) -> str:
        return self.plan.partner.name if side == "partner" else self.plan.vendor.name

    def _payback(self, month: int | None) -> str:
        return self.t("qbr.month", month=month) if month is not None else i18n.MISSING

    def ledger_month(self) -> int:
        """The last month the ledgers count sell-in and MDF in."""
        rebate = self.r.rebate
        return 12 * (rebate.year - 1) + rebate.months_elapsed

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
                para = self.p(safe(value), style)
                if head and column >= numeric_from:
                    para.style = ParagraphStyle("head_right", para.style, alignment=2)
                return para
            return clean(str(value))

        data = [[cell(v, i, True) for i, v in enumerate(header)]]
        data += [[cell(v, i) for i, v in enumerate(row)] for row in rows]
        commands = grid(self.fonts.regular, 8, numeric_from, padding=3, head=NAVY, rule=0.3)
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
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

    def footer(self, canvas: Canvas, page: int, pages: int) -> None:
        canvas.saveState()
        canvas.setFillColor(MUTED)
        edition = self.t(f"qbr.edition.{self.r.audience}")
        text = self.t(
            "qbr.footer", title=self.plan.title, quarter=self.r.quarter.label(), edition=edition
        )
        draw_text(
            canvas,
            MARGIN,
            10 * mm,
            fit_text(clean(text), self.fonts.regular, 7, BODY - 30 * mm),
            self.fonts.regular,
            7,
        )
        draw_text(
            canvas,
            PAGE_WIDTH - MARGIN,
            10 * mm,
            self.t("qbr.page_of", page=page, pages=pages),
            self.fonts.regular,
            7,
            right=True,
        )
        canvas.restoreState()
