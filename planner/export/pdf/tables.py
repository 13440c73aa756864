"""Tables of the business-plan PDF: data tables (header on every page, numbers right, type
that shrinks to fit), label / value pairs, footnotes and the key figures with their notes."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from planner import i18n, model
from planner.export.pdf.format import Format, Side
from planner.export.pdf.styles import BODY_WIDTH, INK, MUTED, SHADE, grid
from planner.export.pdf.text import clean, safe, text_width

SANE_RATIO = 10.0
"""IRR and ROI above 1,000 % print as "> 1.000 %" with a note: such a rate comes from a tiny
investment base and says nothing a board can compare."""
SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹"


class Notes:
    """Footnotes of one table: a mark per distinct text, the texts below the table."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def mark(self, text: str) -> str:
        if text not in self.texts:
            self.texts.append(text)
        index = self.texts.index(text)
        return "\u00a0" + (SUPERSCRIPTS[index] if index < len(SUPERSCRIPTS) else f"({index + 1})")

    def flowables(self, writer: Tables) -> list[Flowable]:
        return [
            writer.p(
                safe(f"{SUPERSCRIPTS[i] if i < len(SUPERSCRIPTS) else f'({i + 1})'} {text}"),
                "small",
            )
            for i, text in enumerate(self.texts)
        ]


class Tables(Format):
    """The business-plan PDF's data tables and its key figures in them."""

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        numeric_from: int = 1,
        strong: Iterable[int] = (),
        minor: Iterable[int] = (),
    ) -> Table:
        """A data table: header repeated on every page, rows never split, numbers right.

        ``header`` and ``rows`` hold plain text (escaped here); ``strong`` and ``minor`` are
        body row indexes shown as totals (bold, rule above) or as "of which" lines (muted).
        """
        head = [
            self.header_cell(text, widths[i], "head" if i < numeric_from else "head_right")
            for i, text in enumerate(header)
        ]
        body = [
            [self.p(safe(row[0]), "cell")] + [clean(cell) for cell in row[1:]]
            if numeric_from > 0
            else [clean(cell) for cell in row]
            for row in rows
        ]
        body = [
            [
                self.p(safe(cell), "cell") if 0 < i < numeric_from else cell
                for i, cell in enumerate(row)
            ]
            for row in body
        ]
        size = self.fitting_size(body, widths, numeric_from)
        commands = grid(self.fonts.regular, size, numeric_from, padding=4, head=INK, rule=0.25)
        commands.append(("LEADING", (0, 0), (-1, -1), 10))
        for index in strong:
            row = index + 1
            commands += [
                ("FONTNAME", (0, row), (-1, row), self.fonts.bold),
                ("LINEABOVE", (0, row), (-1, row), 0.6, INK),
                ("BACKGROUND", (0, row), (-1, row), SHADE),
            ]
            body[index][0] = self.p(safe(rows[index][0]), "cell_bold")
        for index in minor:
            row = index + 1
            commands += [
                ("TEXTCOLOR", (0, row), (-1, row), MUTED),
                ("LEFTPADDING", (0, row), (0, row), 12),
            ]
        table = Table([head, *body], colWidths=list(widths), repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle(commands))
        return table

    def header_cell(self, text: str, width: float, style: str) -> Paragraph:
        """A header cell that wraps between words only: a word wider than the column makes the
        cell's type smaller (down to 6 pt) instead of breaking inside the word."""
        text = text.replace(" %", "\u00a0%").replace(" …", "\u00a0…")
        room = width - 8
        widest = max(
            (text_width(word, self.fonts.bold, 8) for word in text.split() if word), default=0.0
        )
        if widest <= room:
            return self.p(safe(text), style)
        size = max(6.0, math.floor(8 * room / widest * 4) / 4)
        fitted = ParagraphStyle(
            f"{style}_{size}", self.styles[style], fontSize=size, leading=size + 2
        )
        return Paragraph(safe(text), fitted)

    def fitting_size(
        self, body: Sequence[Sequence[Any]], widths: Sequence[float], numeric_from: int
    ) -> float:
        """The font size (points, 8 down to 5) at which every plain cell fits its column,
        so that very large amounts shrink rather than run into the next column."""
        size = 8.0
        for row in body:
            for i, cell in enumerate(row):
                if i >= numeric_from and isinstance(cell, str) and cell:
                    needed = pdfmetrics.stringWidth(cell, self.fonts.bold, 8) + 8
                    size = min(size, 8 * widths[i] / needed)
        return max(5.0, math.floor(size * 4) / 4)

    def pairs(self, rows: Sequence[tuple[str, str]], label_width: float = 95 * mm) -> Table:
        """Label / value rows (assumptions)."""
        return self.table(
            [self.t("pdf.assumptions.assumption"), self.t("pdf.assumptions.value")],
            rows,
            [label_width, BODY_WIDTH * 0.75 - label_width],
        )

    def figure_cell(self, side: Side, name: str, outcome: model.Outcome, notes: Notes) -> str:
        """A key figure for a table, with a footnote mark where it needs explaining."""
        figures = outcome.kpis[side]
        value = figures[name]
        months = len(outcome.monthly)
        if name == "payback_month" and value is None:
            return self.t("pdf.figure.not_by", months=months)
        if name == "break_even_month" and value is None:
            flows = outcome.monthly["cash_flow" if side == "partner" else "vendor_cash_flow"]
            last = float(flows.iloc[-1])
            rebate = float(outcome.monthly["rebate"].iloc[-1])
            key = (
                "pdf.note.no_break_even_rebate"
                if side == "vendor" and rebate > 0 and last + rebate >= 0
                else "pdf.note.no_break_even"
            )
            return i18n.MISSING + notes.mark(self.t(key, date=self.month_label(months)))
        if name == "irr" and value is None:
            flows = outcome.monthly["cash_flow" if side == "partner" else "vendor_cash_flow"]
            key = (
                "pdf.note.irr_no_negative"
                if float(flows.min()) >= 0
                else "pdf.note.irr_no_positive"
                if float(flows.max()) <= 0
                else "pdf.note.irr_no_root"
            )
            return i18n.MISSING + notes.mark(self.t(key))
        if name == "roi" and value is None:
            return i18n.MISSING + notes.mark(self.t("pdf.note.roi_no_funding"))
        if name in ("irr", "roi") and value is not None and value > SANE_RATIO:
            limit = i18n.percent(SANE_RATIO, self.language, 0)
            return f"> {limit}" + notes.mark(self.t("pdf.note.huge_percent", limit=limit))
        return self.figure(name, value)
