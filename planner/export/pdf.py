"""The business plan as a board-ready PDF (reportlab), in the plan's language.

:func:`build_pdf` presents the model's numbers (:func:`planner.model.evaluate`), never computes
its own: cover, executive summary with both sides' key figures and the verdict, assumptions,
team and investment plan, yearly P&L and cash flow of both sides, charts, scenario comparison,
sensitivity (when :mod:`planner.analysis` offers a tornado) and a sign-off page. Every page has
a header (title, version) and a footer (page x of y, content hash).

User text (plan title, party and role names, scenario names) is data: it is escaped before it
goes into a Paragraph and characters the font cannot draw are replaced, so no name can inject
markup or crash the export. The output is deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from xml.sax.saxutils import escape

from babel.dates import format_date
from babel.numbers import get_currency_symbol
from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
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

from planner import decision, i18n, model, privacy
from planner.analysis import montecarlo
from planner.analysis.sensitivity import Tornado, tornado
from planner.export import Evidence, charts, pdfa
from planner.export.fonts import CJK_NAME
from planner.export.fonts import Fonts as _Fonts
from planner.export.fonts import cjk_covers as _cjk_covers
from planner.export.fonts import main as _fonts
from planner.plan import Plan, canonical_json, content_hash, get_value
from planner.proposals import Proposal

Side = Literal["partner", "vendor"]

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 20 * mm
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

NAVY = colors.HexColor("#1F3A5F")
INK = colors.HexColor("#1F2937")
MUTED = colors.HexColor("#6B7280")
RULE = colors.HexColor("#D1D5DB")
SHADE = colors.HexColor("#F3F4F6")
PARTNER_COLOR = colors.HexColor("#1F4E79")
VENDOR_COLOR = colors.HexColor("#C8811A")
ZONE_COLORS = (
    colors.HexColor("#4F8A3C"),
    colors.HexColor("#5B8DB8"),
    colors.HexColor("#E0A370"),
    colors.HexColor("#E6E6E6"),
)
"""The zone map: pays off for both, the partner only, the vendor only, neither."""
ZONE_POINTS = 40
"""Grid points per axis of the PDF's zone map (1,600 plans in one batched call)."""
MIX_COLORS = (colors.HexColor("#1F4E79"), colors.HexColor("#5B8DB8"), colors.HexColor("#A9C4DE"))
GOOD = (colors.HexColor("#EEF5EF"), colors.HexColor("#3C7A4A"))
WARN = (colors.HexColor("#FBF3E6"), colors.HexColor("#B7791F"))

MONEY_FIGURES = frozenset(
    {"npv", "peak_funding", "cumulative_cash", "revenue", "gross_profit", "ebitda", "cost"}
)
MAX_YEAR_COLUMNS = 5
"""Yearly tables wider than this many value columns are split into several tables."""
MAX_SCENARIO_COLUMNS = 4
MAX_TORNADO_BARS = 10
"""The sensitivity page shows the assumptions with the largest effect, this many."""
TORNADO_STEP = 0.2
"""Each assumption moves down and up by this fraction (20 %)."""
SANE_RATIO = 10.0
"""IRR and ROI above 1,000 % print as "> 1.000 %" with a note: such a rate comes from a tiny
investment base and says nothing a board can compare."""
FAIR_SHARE = 0.2
"""A side getting less than this share of the joint NPV is a caveat of the summary."""
LATE_PAYBACK = 0.75
"""A payback in the last quarter of the horizon (or never) is a caveat of the summary."""
SUMMARY_DRAWS = 2_000
SUMMARY_SEED = 20_240_613
"""The summary's Monte Carlo: few draws with a fixed seed, so that the same plan gives the same
document, quickly (20 ms for a 36-month plan, 50 ms for 120 months). With 1,000 draws the
example's median partner NPV was 18,000 off the value of 20,000 draws, with 2,000 draws 7,000."""
SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹"

_MONEY_PATHS = frozenset(
    {
        "opex_per_month",
        "revenue.deal_size",
        "revenue.services_per_deal",
        "revenue.delivery_capacity_per_fte_month",
        "revenue.managed_fee_per_customer_month",
        "vendor_programme.partner_manager_annual_cost",
        "annual_cost",
        "amount",
        "threshold",
    }
)
_SHARE_PATHS = frozenset(
    {
        "discount_rate",
        "revenue.monthly_churn",
        "revenue.annual_price_uplift",
        "revenue.partner_margin",
        "vendor_programme.mdf_rate",
        "vendor_programme.gross_margin",
        "vendor_share",
        "rate",
    }
)
_MONTH_PATHS = frozenset({"start_month", "month"})


@dataclass(frozen=True)
class Signatory:
    """A person who signs for one side; unknown details print as blank lines to fill in."""

    side: Side
    name: str = ""
    title: str = ""
    date: datetime.date | None = None


# --- fonts and safe text -----------------------------------------------------------------


def clean(text: str) -> str:
    """``text`` with what no font can draw replaced by ``?`` and control characters by spaces.

    >>> clean("Müller\\n& Söhne\\ud800")
    'Müller & Söhne?'
    """
    text = str(text)
    if text.isascii() and text.isprintable():
        return text  # both fonts draw printable ASCII: the common case, kept fast
    covers = _fonts().covers
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc":
            out.append(" ")
        elif category == "Cs" or not (covers(ch) or _cjk_covers(ch)):
            # Narrow no-break space (German number grouping in some locales) degrades to a space.
            out.append("\u00a0" if ch == "\u202f" and covers("\u00a0") else "?")
        else:
            out.append(ch)
    return "".join(out)


def _safe(text: object) -> str:
    """User or formatted text made safe for a Paragraph: cleaned, then markup-escaped, with
    the characters only the CJK font draws set in it and right-to-left runs as they are seen
    (:func:`planner.export.fonts.visual`)."""
    text = clean(str(text))
    if not text or max(text) < "\u0250":
        return escape(text)
    return "".join(
        f'<font name="{CJK_NAME}">{escape(part)}</font>' if other else escape(part)
        for other, part in _fonts().runs(text)
    )


def _meta(text: str) -> str:
    """Text for PDF metadata: Unicode is fine there, but not lone surrogates or controls."""
    return "".join(
        " " if unicodedata.category(ch) == "Cc" else "?" if unicodedata.category(ch) == "Cs" else ch
        for ch in text
    )


class _Notes:
    """Footnotes of one table: a mark per distinct text, the texts below the table."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def mark(self, text: str) -> str:
        if text not in self.texts:
            self.texts.append(text)
        index = self.texts.index(text)
        return "\u00a0" + (SUPERSCRIPTS[index] if index < len(SUPERSCRIPTS) else f"({index + 1})")

    def flowables(self, writer: _Writer) -> list[Flowable]:
        return [
            writer.p(
                _safe(f"{SUPERSCRIPTS[i] if i < len(SUPERSCRIPTS) else f'({i + 1})'} {text}"),
                "small",
            )
            for i, text in enumerate(self.texts)
        ]


SECTION_TITLES = {
    "summary": "pdf.summary.title",
    "assumptions": "pdf.assumptions.title",
    "team": "pdf.team.title",
    "partner_years": "pdf.yearly.partner_title",
    "vendor_years": "pdf.yearly.vendor_title",
    "development": "pdf.charts.title",
    "scenarios": "pdf.scenarios.title",
    "sensitivity": "pdf.tornado.title",
    "negotiation": "pdf.zone.title",
    "commitments": "pdf.commit.title",
    "signoff": "pdf.signoff.title",
}


class _Contents:
    """The table of contents, filled while the document is laid out: the page each section
    starts on, and where on the cover its line is, so that the page numbers are drawn when
    the held pages are written (one layout pass, no rebuild)."""

    def __init__(self) -> None:
        self.pages: dict[str, int] = {}
        self.lines: list[tuple[str, int, float, float]] = []
        """(section, cover page, right end x, baseline y) of each contents line."""

    def draw(self, canvas: Canvas, page: int, font: str, size: float) -> None:
        for key, on_page, right, y in self.lines:
            if on_page == page and key in self.pages:
                canvas.setFont(font, size)
                canvas.setFillColor(INK)
                canvas.drawRightString(right, y, str(self.pages[key]))


class _Anchor(Flowable):  # type: ignore[misc]
    """Where a section starts: records its page, a bookmark and an outline entry."""

    def __init__(self, key: str, title: str, contents: _Contents) -> None:
        super().__init__()
        self.key, self.title, self.contents = key, title, contents
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return (0, 0)

    def draw(self) -> None:
        self.contents.pages.setdefault(self.key, self.canv.getPageNumber())
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=0)


class _ContentsLine(Flowable):  # type: ignore[misc]
    """One line of the table of contents: the title, dot leaders, a link to the section; the
    page number is drawn at the end (:class:`_Contents`)."""

    def __init__(self, key: str, title: str, contents: _Contents, fonts: _Fonts) -> None:
        super().__init__()
        self.key, self.title, self.contents, self.fonts = key, title, contents, fonts
        self.size = 9.5

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width * 0.75
        return (self.width, 14)

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFillColor(INK)
        _draw(canvas, 0, 3, self.title, self.fonts.regular, self.size)
        start = _width(self.title, self.fonts.regular, self.size) + 4
        canvas.setFillColor(RULE)
        canvas.setFont(self.fonts.regular, self.size)
        dots = max(
            0,
            int(
                (self.width - 18 - start)
                / pdfmetrics.stringWidth(". ", self.fonts.regular, self.size)
            ),
        )
        canvas.drawString(start, 3, ". " * dots)
        right, baseline = canvas.absolutePosition(self.width, 3)
        self.contents.lines.append((self.key, canvas.getPageNumber(), right, baseline))
        canvas.linkRect("", self.key, (0, 0, self.width, 14), relative=1, thickness=0)


# --- page decorations (header, footer, page x of y) -------------------------------------


def _width(text: str, font: str, size: float) -> float:
    """Width of ``text`` with the CJK runs measured in the CJK font."""
    return math.fsum(
        pdfmetrics.stringWidth(part, CJK_NAME if other else font, size)
        for other, part in _fonts().runs(text)
    )


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis to at most ``width`` points."""
    if _width(text, font, size) <= width:
        return text
    while text and _width(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _draw(
    canvas: Canvas, x: float, y: float, text: str, font: str, size: float, *, right: bool = False
) -> None:
    """Draw ``text`` from ``x`` (or ending at ``x``), the CJK runs in the CJK font."""
    if right:
        x -= _width(text, font, size)
    for other, part in _fonts().runs(text):
        name = CJK_NAME if other else font
        canvas.setFont(name, size)
        canvas.drawString(x, y, part)
        x += pdfmetrics.stringWidth(part, name, size)


def _numbered_canvas(
    decorate: Callable[[Canvas, int, int], None], attachments: Sequence[pdfa.Attachment] = ()
) -> type[Canvas]:
    """A canvas that holds pages back until the end so every footer knows the page count,
    and writes the document as PDF/A-3b with ``attachments`` (:mod:`planner.export.pdfa`)."""

    class NumberedCanvas(pdfa.ArchiveCanvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for state in self._held:
                self.__dict__.update(state)
                decorate(self, self._pageNumber, total)
                super().showPage()
            super().save()

    NumberedCanvas.attachments = tuple(attachments)
    return NumberedCanvas


# --- the document ------------------------------------------------------------------------


class _Writer:
    """Builds the story of one plan's PDF: texts, formatting, tables and charts."""

    evidence: Evidence | None = None
    """Set for a signed edition: its sign-off page states the electronic signature."""
    proposals: Sequence[Proposal] = ()
    """The term proposals of the plan, for the record of the negotiation."""

    def __init__(
        self,
        plan: Plan,
        outcomes: Sequence[model.Outcome],
        chosen: int,
        scenario: str | None,
        language: str,
        issued: datetime.date | None,
        version: str | None,
        signatories: Sequence[Signatory],
        audience: str | None = None,
        digest: str | None = None,
    ) -> None:
        self.source = plan
        self.outcomes = outcomes
        self.outcome = outcomes[chosen]
        self.chosen = chosen
        self.plan = self.outcome.plan
        self.scenario = scenario
        self.language = language
        self.currency = self.plan.currency
        self.issued = issued
        # The hash a side's edition shows covers only what that side sees: the plan's
        # content hash would let a reader test guesses of the values hidden from it.
        self.hash = digest or (
            privacy.edition_hash(plan, audience) if audience else content_hash(plan)
        )
        self.draft = version is None
        self.whole = self.hash == content_hash(plan)
        """Whether the hash printed is the plan's content hash (nothing hidden from the reader)."""
        self.version = version or self.t("pdf.version_draft", short=self.hash[:8])
        self.signatories = signatories
        self.audience = audience
        self.view = privacy.view(plan, audience) if audience else None
        self.economics = self.view is None or self.view.economics
        """Whether the vendor's economics (beyond its revenue) may be shown."""
        self.fonts = _fonts()
        self.dates: list[str] = self.outcome.monthly["date"].tolist()
        self.yearly_table = self.outcome.yearly  # a property that regroups on every use
        self.styles = self._styles()
        self._simulation: montecarlo.MonteCarlo | Literal[False] | None = False
        self.toc = _Contents()

    # texts ------------------------------------------------------------------------------

    def t(self, key: str, **values: object) -> str:
        """Plain text (for the canvas and metadata)."""
        return i18n.t(key, self.language, **values)

    def m(self, key: str, **values: object) -> str:
        """Paragraph markup: the template escaped, every value cleaned and escaped."""
        template = escape(i18n.t(key, self.language))
        return template.format(**{k: _safe(v) for k, v in values.items()}) if values else template

    def label(self, key: str) -> str:
        """A field's or column's label; the PDF's own wording where it has one."""
        if f"pdf.label.{key}" in i18n.catalog():
            return self.t(f"pdf.label.{key}")
        return i18n.label(key, self.language)

    def hidden(self, path: str) -> bool:
        """``path`` is the other side's private value for this document's audience."""
        return self.view is not None and self.view.is_hidden(path)

    def shown(self, path: str, text: str) -> str:
        return self.t("pdf.private") if self.hidden(path) else text

    def money(self, value: float | None) -> str:
        return i18n.money(value, self.currency, self.language)

    def month(self, month: int | None, key: str = "pdf.month_value") -> str:
        """A plan month as ``Monat 34 (Okt. 2029)``; ``–`` when undefined."""
        if month is None:
            return i18n.MISSING
        if month == 0:
            return self.t("pdf.figure.immediate")
        return self.t(key, month=month, date=self.month_label(month))

    def month_label(self, month: int) -> str:
        return i18n.month_label(self.dates[month - 1], self.language)

    def figure(self, name: str, value: Any) -> str:
        if name in MONEY_FIGURES:
            return self.money(value)
        if name in model.MONTH_FIGURES:
            # The row label already says "(month)": "34 (Okt. 2029)" keeps columns narrow.
            return self.month(value, "pdf.month_short")
        return i18n.percent(value, self.language)

    def _value(self, path: str, value: Any) -> str:
        """A plan value as the reader expects it, by the kind of its field."""
        field = path.split(".")[-1]
        if isinstance(value, bool):
            return self.t("pdf.assumptions.yes" if value else "pdf.assumptions.no")
        if isinstance(value, str):
            return value
        if not isinstance(value, (int, float)):
            text = str(value)
            return text if len(text) <= 60 else text[:59] + "…"
        if path in _MONEY_PATHS or field in _MONEY_PATHS:
            return self.money(value)
        if path in _SHARE_PATHS or field in _SHARE_PATHS:
            return i18n.percent(value, self.language)
        if field in _MONTH_PATHS:
            return self.month(int(value)) if 1 <= value <= len(self.dates) else str(int(value))
        digits = 0 if float(value).is_integer() else 1 if round(value, 1) == value else 2
        return i18n.number(value, self.language, digits)

    def value(self, path: str, value: Any) -> str:
        """A plan value as the reader expects it; a number never wraps inside itself."""
        text = self._value(path, value)
        return text if isinstance(value, str) else text.replace(" ", "\u00a0")

    # styles -----------------------------------------------------------------------------

    def _styles(self) -> dict[str, ParagraphStyle]:
        regular, bold = self.fonts.regular, self.fonts.bold
        body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13.5, textColor=INK)
        return {
            "body": body,
            "small": ParagraphStyle("small", body, fontSize=8, leading=10.5, textColor=MUTED),
            "h1": ParagraphStyle(
                "h1",
                body,
                fontName=bold,
                fontSize=16,
                leading=20,
                textColor=NAVY,
                spaceAfter=8,
                keepWithNext=1,
            ),
            "h2": ParagraphStyle(
                "h2",
                body,
                fontName=bold,
                fontSize=10.5,
                leading=14,
                textColor=INK,
                spaceBefore=10,
                spaceAfter=4,
                keepWithNext=1,
            ),
            "h3": ParagraphStyle(
                "h3",
                body,
                fontName=bold,
                fontSize=9.5,
                leading=13,
                textColor=NAVY,
                spaceBefore=6,
                spaceAfter=2,
                keepWithNext=1,
            ),
            "kicker": ParagraphStyle(
                "kicker", body, fontName=bold, fontSize=10, leading=14, textColor=MUTED
            ),
            "title": ParagraphStyle(
                "title", body, fontName=bold, fontSize=24, leading=30, textColor=NAVY
            ),
            "verdict": ParagraphStyle(
                "verdict", body, fontName=bold, fontSize=13, leading=17, textColor=INK
            ),
            "point": ParagraphStyle(
                "point",
                body,
                leftIndent=12,
                bulletIndent=0,
                spaceAfter=3,
                bulletFontName=bold,
                bulletColor=GOOD[1],
            ),
            "caveat": ParagraphStyle(
                "caveat",
                body,
                leftIndent=12,
                bulletIndent=0,
                spaceAfter=3,
                bulletFontName=bold,
                bulletColor=WARN[1],
            ),
            "cell": ParagraphStyle("cell", body, fontSize=8, leading=10),
            "cell_bold": ParagraphStyle("cell_bold", body, fontName=bold, fontSize=8, leading=10),
            "head": ParagraphStyle(
                "head", body, fontName=bold, fontSize=8, leading=10, alignment=TA_LEFT
            ),
            "head_right": ParagraphStyle(
                "head_right", body, fontName=bold, fontSize=8, leading=10, alignment=TA_RIGHT
            ),
            "mono": ParagraphStyle(
                "mono", body, fontName=self.fonts.mono, fontSize=8.5, leading=12, textColor=INK
            ),
        }

    def p(self, markup: str, style: str = "body") -> Paragraph:
        return Paragraph(markup, self.styles[style])

    # tables -----------------------------------------------------------------------------

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
            [self.p(_safe(row[0]), "cell")] + [clean(cell) for cell in row[1:]]
            if numeric_from > 0
            else [clean(cell) for cell in row]
            for row in rows
        ]
        body = [
            [
                self.p(_safe(cell), "cell") if 0 < i < numeric_from else cell
                for i, cell in enumerate(row)
            ]
            for row in body
        ]
        size = self.fitting_size(body, widths, numeric_from)
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), self.fonts.regular),
            ("FONTSIZE", (0, 0), (-1, -1), size),
            ("LEADING", (0, 0), (-1, -1), 10),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ]
        for index in strong:
            row = index + 1
            commands += [
                ("FONTNAME", (0, row), (-1, row), self.fonts.bold),
                ("LINEABOVE", (0, row), (-1, row), 0.6, INK),
                ("BACKGROUND", (0, row), (-1, row), SHADE),
            ]
            body[index][0] = self.p(_safe(rows[index][0]), "cell_bold")
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
            (_width(word, self.fonts.bold, 8) for word in text.split() if word), default=0.0
        )
        if widest <= room:
            return self.p(_safe(text), style)
        size = max(6.0, math.floor(8 * room / widest * 4) / 4)
        fitted = ParagraphStyle(
            f"{style}_{size}", self.styles[style], fontSize=size, leading=size + 2
        )
        return Paragraph(_safe(text), fitted)

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

    # axis formatting ----------------------------------------------------------------------

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

    # sections -----------------------------------------------------------------------------

    def story(self) -> list[Flowable]:
        sections: list[tuple[str, list[Flowable]]] = []
        for key, section in (
            ("summary", self.summary),
            ("assumptions", self.assumptions),
            ("team", self.team),
            ("partner_years", self.partner_years),
            ("vendor_years", self.vendor_years),
            ("development", self.development),
            ("scenarios", self.scenarios),
            ("sensitivity", self.sensitivity),
            ("negotiation", self.negotiation),
            ("commitments", self.commitments),
            ("signoff", self.signoff),
        ):
            flowables = section()
            if flowables:
                sections.append((key, flowables))
        story: list[Flowable] = self.cover([key for key, _ in sections])
        for key, flowables in sections:
            story += [PageBreak(), _Anchor(key, clean(self.t(SECTION_TITLES[key])), self.toc)]
            story += flowables
        return story

    def cover(self, contents: Sequence[str] = ()) -> list[Flowable]:
        plan = self.plan
        rows = [
            (
                self.t("pdf.cover.partner"),
                f"{plan.partner.name} ({i18n.t(f'kind.{plan.partner.kind}', self.language)})",
            ),
            (self.t("pdf.cover.vendor"), plan.vendor.name),
            (
                self.t("pdf.cover.period"),
                self.t(
                    "pdf.cover.period_value",
                    first=self.month_label(1),
                    last=self.month_label(len(self.dates)),
                    months=len(self.dates),
                ),
            ),
            (self.t("pdf.cover.scenario"), self.scenario or self.t("pdf.cover.base")),
            (self.t("pdf.cover.currency"), plan.currency),
        ]
        if self.issued is not None:
            # A draft is dated as of its printing; a signed version by its issue date.
            key = "pdf.cover.as_of" if self.draft else "pdf.cover.date"
            rows.append((self.t(key), self.date(self.issued)))
        rows.append((self.t("pdf.cover.version"), self.version))
        rows += decision.lines(plan, self.language)  # the decision in principle, when recorded
        if self.audience:
            rows.append((self.t("pdf.cover.audience"), self.t(f"pdf.audience.{self.audience}")))
        details = Table(
            [[self.p(_safe(k), "small"), self.p(_safe(v))] for k, v in rows],
            colWidths=[45 * mm, BODY_WIDTH - 45 * mm],
            hAlign="LEFT",
        )
        details.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ]
            )
        )
        # Less air above a long title or a recorded decision keeps the cover on one page.
        top = 30 * mm - (15 * mm if len(plan.title) > 90 else 0) - (15 * mm if plan.decision else 0)
        toc: list[Flowable] = []
        if contents:
            toc = [
                Spacer(1, 7 * mm),
                self.p(self.m("pdf.contents.title"), "kicker"),
                Spacer(1, 1.5 * mm),
                *(
                    _ContentsLine(key, clean(self.t(SECTION_TITLES[key])), self.toc, self.fonts)
                    for key in contents
                ),
            ]
        return [
            Spacer(1, max(top, 0)),
            self.p(self.m("pdf.kicker").upper(), "kicker"),
            Spacer(1, 4 * mm),
            self.p(_safe(plan.title), "title"),
            Spacer(1, 10 * mm),
            details,
            *toc,
            Spacer(1, 7 * mm),
            self.p(self.m("pdf.cover.hash" if self.whole else "pdf.cover.edition_hash"), "small"),
            self.p(_safe(self.hash), "mono"),
            Spacer(1, 6 * mm),
            self.p(self.m("pdf.cover.confidential"), "small"),
        ]

    def date(self, day: datetime.date) -> str:
        return format_date(day, format="long", locale=i18n.LOCALES[self.language])

    def verdict_key(self, kpis: Mapping[str, Any]) -> str:
        partner = (kpis["partner"]["npv"] or 0.0) > 0
        vendor = (kpis["vendor"]["npv"] or 0.0) > 0
        if partner and vendor:
            return "verdict.mutual"
        return (
            "verdict.partner_only"
            if partner
            else "verdict.vendor_only"
            if vendor
            else ("verdict.neither")
        )

    # figures in words: every "–" explained, absurd percentages capped --------------------

    def figure_cell(self, side: Side, name: str, outcome: model.Outcome, notes: _Notes) -> str:
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

    def payback_phrase(self, side: Side) -> str:
        """What a side funds and when it has its money back, relative to the horizon."""
        figures = self.outcome.kpis[side]
        months = len(self.dates)
        who = self.t(f"pdf.summary.the_{side}")
        payback = figures["payback_month"]
        cumulative = self.money(figures["cumulative_cash"])
        if payback == 0:
            return self.m("pdf.summary.side_no_funding", side=who, cumulative=cumulative)
        peak = self.money(figures["peak_funding"])
        if payback is None:
            return self.m(
                "pdf.summary.side_no_payback",
                side=who,
                peak=peak,
                months=months,
                cumulative=cumulative,
            )
        return self.m(
            "pdf.summary.side_funding",
            side=who,
            peak=peak,
            month=payback,
            months=months,
            date=self.month_label(payback),
        )

    def glance(self) -> list[tuple[str, str, bool]]:
        """The summary's points: (lead, text, caveat). A caveat is a risk a board should see."""
        kpis = self.outcome.kpis
        months = len(self.dates)
        points: list[tuple[str, str, bool]] = []
        partner_npv = kpis["partner"]["npv"] or 0.0
        vendor_npv = kpis["vendor"]["npv"] or 0.0
        if self.economics:
            # The joint value as the sum of the amounts printed, so the sentence adds up.
            total = float(round(partner_npv) + round(vendor_npv))
            if partner_npv > 0 and vendor_npv > 0:
                share = partner_npv / total
                text = self.m(
                    "pdf.glance.split",
                    total=self.money(total),
                    partner_share=i18n.percent(share, self.language, 0),
                    vendor_share=i18n.percent(1 - share, self.language, 0),
                    partner=self.money(partner_npv),
                    vendor=self.money(vendor_npv),
                )
                caveat = min(share, 1 - share) < FAIR_SHARE
                if caveat:
                    text += " " + self.m(
                        "pdf.glance.split_caveat",
                        side=self.t(
                            "pdf.summary.the_partner" if share < 0.5 else "pdf.summary.the_vendor"
                        ),
                        limit=i18n.percent(FAIR_SHARE, self.language, 0),
                    )
                points.append((self.m("pdf.glance.lead.split"), text, caveat))
            else:
                text = self.m(
                    "pdf.glance.split_unshared",
                    total=self.money(total),
                    partner=self.money(partner_npv),
                    vendor=self.money(vendor_npv),
                )
                points.append((self.m("pdf.glance.lead.split"), text, True))
        sides: tuple[Side, ...] = ("partner", "vendor") if self.economics else ("partner",)
        for side in sides:
            payback = kpis[side]["payback_month"]
            late = payback is None or payback > LATE_PAYBACK * months
            text = self.payback_phrase(side)
            if late and payback is not None:
                text += " " + self.m("pdf.glance.late", left=months - payback)
            lead = self.m("pdf.glance.lead.payback", side=self.label(side))
            points.append((lead, text, late))
        worst = self.worst_case()
        if worst is not None:
            points.append(worst)
        spread = self.spread()
        if spread is not None:
            points.append(spread)
        return points

    def worst_case(self) -> tuple[str, str, bool] | None:
        """The least favourable of the plan's cases (lowest partner NPV) other than this one."""
        if len(self.outcomes) < 2:
            return None
        others = [i for i in range(len(self.outcomes)) if i != self.chosen]
        worst = min(others, key=lambda i: self.outcomes[i].kpis["partner"]["npv"] or 0.0)
        own = self.outcome.kpis["partner"]["npv"] or 0.0
        if (self.outcomes[worst].kpis["partner"]["npv"] or 0.0) >= own:
            caveat = own <= 0 or (self.economics and not self.outcome.mutual)
            lead = self.m("pdf.glance.lead.worst_this")
            return (lead, self.m("pdf.glance.worst_is_this"), caveat)
        outcome = self.outcomes[worst]
        name = self.t("pdf.cover.base") if worst == 0 else self.source.scenarios[worst - 1].name
        partner = outcome.kpis["partner"]
        lead = self.m("pdf.glance.lead.worst", name=self.short(name, 60))
        values: dict[str, object] = {
            "partner": self.money(partner["npv"]),
            "peak": self.money(partner["peak_funding"]),
        }
        if self.economics:
            values["vendor"] = self.money(outcome.kpis["vendor"]["npv"])
            key = "pdf.glance.worst_mutual" if outcome.mutual else "pdf.glance.worst_not_mutual"
            caveat = not outcome.mutual
        else:
            key = "pdf.glance.worst_partner"
            caveat = (partner["npv"] or 0.0) <= 0
        return (lead, self.m(key, **values), caveat)

    def simulation(self) -> montecarlo.MonteCarlo | None:
        """The Monte Carlo of the plan's uncertainty ranges: fixed seed, few draws, so the
        document stays the same bytes and quick to build. None without ranges."""
        if self._simulation is False:
            ranges = [
                entry
                for entry in self.source.uncertainty or []
                if entry.path not in self.scenario_paths() and not self.hidden(entry.path)
            ]
            self._simulation = (
                montecarlo.run(
                    self.plan, SUMMARY_DRAWS, SUMMARY_SEED, ranges=ranges, audience=self.audience
                )
                if ranges
                else None
            )
        return self._simulation

    def scenario_paths(self) -> set[str]:
        """The paths this document's scenario sets (none for the base plan)."""
        if self.chosen == 0:
            return set()
        return set(self.source.scenarios[self.chosen - 1].set)

    def spread(self) -> tuple[str, str, bool] | None:
        result = self.simulation()
        if result is None:
            return None
        npv = result.percentiles["partner.npv"]
        values: dict[str, object] = {
            "draws": i18n.number(result.draws, self.language),
            "p10": self.money(npv["p10"]),
            "p50": self.money(npv["p50"]),
            "p90": self.money(npv["p90"]),
            "months": len(self.dates),
            "payback": i18n.percent(result.probability_payback, self.language, 0),
        }
        caveat = result.probability_payback < 0.5 or (npv["p50"] or 0.0) <= 0
        if self.economics:
            values["mutual"] = i18n.percent(result.probability_mutual, self.language, 0)
            caveat = caveat or result.probability_mutual < 0.5
            key = "pdf.glance.spread"
        else:
            key = "pdf.glance.spread_partner"
        return (self.m("pdf.glance.lead.spread"), self.m(key, **values), caveat)

    def summary(self) -> list[Flowable]:
        kpis = self.outcome.kpis
        rate = i18n.percent(self.plan.discount_rate, self.language)
        points = self.glance()
        caveats = any(caveat for _, _, caveat in points)
        if self.economics:
            key = self.verdict_key(kpis)
            good = key == "verdict.mutual"
            verdict = escape(i18n.t(key, self.language))
            own = self.plan.vendor_programme.discount_rate
            npv_line = self.m(
                "pdf.summary.npv_line" if own is None else "pdf.summary.npv_line_own_rates",
                rate=rate,
                vendor_rate=i18n.percent(own or 0.0, self.language),
                partner=self.money(kpis["partner"]["npv"]),
                vendor=self.money(kpis["vendor"]["npv"]),
            )
        else:
            # Whether the plan is mutual would reveal the sign of the vendor's NPV.
            good = (kpis["partner"]["npv"] or 0.0) > 0
            verdict = self.m("pdf.summary.partner_pays" if good else "pdf.summary.partner_loses")
            npv_line = self.m(
                "pdf.summary.npv_line_partner",
                rate=rate,
                partner=self.money(kpis["partner"]["npv"]),
            )
        if good and caveats:
            verdict = verdict.rstrip(".") + self.m("pdf.summary.with_caveats")
        background, bar = GOOD if good and not caveats else WARN
        box = Table(
            [[self.p(verdict, "verdict")], [self.p(npv_line)]],
            colWidths=[BODY_WIDTH],
        )
        box.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), background),
                    ("LINEBEFORE", (0, 0), (0, -1), 3, bar),
                    ("LEFTPADDING", (0, 0), (-1, -1), 10),
                    ("TOPPADDING", (0, 0), (-1, 0), 8),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
                ]
            )
        )
        bullets = [
            Paragraph(
                f"<b>{lead}:</b> {text}",
                self.styles["point"],
                bulletText="!" if caveat else "✓",
            )
            for lead, text, caveat in points
        ]
        for paragraph, (_, _, caveat) in zip(bullets, points, strict=True):
            paragraph.style = self.styles["caveat" if caveat else "point"]
        notes = _Notes()
        names = (*model.PARTNER_FIGURES, "cost")
        rows = []
        for name in names:
            values = [
                ""
                if name not in kpis[side]
                else self.t("pdf.private")
                if side == "vendor" and not self.economics and name != "revenue"
                else self.figure_cell(side, name, self.outcome, notes)
                for side in ("partner", "vendor")
            ]
            rows.append((self.label(name), *values))
        header = [
            self.t("pdf.summary.figure"),
            f"{self.label('partner')}: {self.short(self.plan.partner.name, 50)}",
            f"{self.label('vendor')}: {self.short(self.plan.vendor.name, 50)}",
        ]
        figures = self.table(header, rows, [62 * mm, 54 * mm, 54 * mm], strong=[0])
        return [
            self.p(self.m("pdf.summary.title"), "h1"),
            self.p(
                self.m(
                    "pdf.summary.intro",
                    partner=self.plan.partner.name,
                    vendor=self.plan.vendor.name,
                )
            ),
            Spacer(1, 4 * mm),
            box,
            Spacer(1, 3 * mm),
            *bullets,
            self.p(self.m("pdf.summary.figures"), "h2"),
            figures,
            *notes.flowables(self),
            Spacer(1, 4 * mm),
            self.cumulative_chart(),
        ]

    def short(self, text: str, limit: int) -> str:
        """``text`` of at most ``limit`` characters, cut with an ellipsis (table headers)."""
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

    def chart_block(self, title_key: str, drawing: Flowable, **values: object) -> Flowable:
        return KeepTogether([self.p(self.m(title_key, **values), "h2"), drawing])

    def cumulative_chart(self) -> Flowable:
        """Each side's J-curve on its own scale (the vendor's would flatten the partner's),
        one above the other on the same month axis, payback marked."""
        monthly = self.outcome.monthly
        sides: list[tuple[Side, list[float], Color]] = [
            ("partner", monthly["cumulative_cash"].tolist(), PARTNER_COLOR),
            ("vendor", monthly["vendor_cumulative_cash"].tolist(), VENDOR_COLOR),
        ]
        if not self.economics:
            sides = sides[:1]
        axes = [self.money_axis(values) for _, values, _ in sides]
        fonts = self.chart_fonts()
        left = max(
            charts.axis_width(values, fmt, fonts)
            for (_, values, _), (_, fmt) in zip(sides, axes, strict=True)
        )
        months = len(self.dates)
        drawings: list[Flowable] = []
        for (side, values, color), (unit, fmt) in zip(sides, axes, strict=True):
            markers = []
            month = self.outcome.kpis[side]["payback_month"]
            if month:
                markers.append(
                    charts.Marker(
                        month,
                        values[month - 1],
                        clean(self.t("pdf.chart.payback", month=month, months=months)),
                        color,
                    )
                )
            name = self.plan.partner.name if side == "partner" else self.plan.vendor.name
            drawings.append(
                charts.line_chart(
                    [charts.Series(clean(self.label(side)), values, color)],
                    self.month_ticks(),
                    unit=unit,
                    fmt=fmt,
                    markers=markers,
                    width=BODY_WIDTH,
                    height=135 if len(sides) > 1 else 190,
                    fonts=fonts,
                    left=left,
                    caption=fonts.shorten(
                        clean(f"{self.label(side)}: {name}"), BODY_WIDTH * 0.6, fonts.bold
                    ),
                )
            )
        title = "pdf.chart.cumulative" if self.economics else "pdf.chart.cumulative_partner"
        return KeepTogether(
            [
                self.p(self.m(title), "h2"),
                *drawings,
                self.p(
                    self.m("pdf.chart.own_scale" if len(sides) > 1 else "pdf.chart.scale"), "small"
                ),
            ]
        )

    def assumptions(self) -> list[Flowable]:
        plan = self.plan

        def rows(paths: Sequence[str]) -> list[tuple[str, str]]:
            return [
                (self.label(path), self.shown(path, self.value(path, get_value(plan, path))))
                for path in paths
            ]

        general = rows(("start", "months", "currency", "discount_rate", "opex_per_month"))
        general[0] = (general[0][0], self.month_label(1))
        revenue = rows([f"revenue.{name}" for name in type(plan.revenue).model_fields])
        programme = rows(
            [
                f"vendor_programme.{name}"
                for name in (
                    "mdf_rate",
                    "gross_margin",
                    "partner_manager_fte",
                    "partner_manager_annual_cost",
                )
            ]
        )
        flowables: list[Flowable] = [
            self.p(self.m("pdf.assumptions.title"), "h1"),
            self.p(self.m("pdf.assumptions.general"), "h2"),
            self.pairs(general),
            self.p(self.m("pdf.assumptions.revenue"), "h2"),
            self.pairs(revenue),
            self.p(self.m("pdf.assumptions.programme"), "h2"),
            self.pairs(programme),
            self.p(self.m("pdf.assumptions.tiers"), "h2"),
        ]
        tiers = plan.vendor_programme.rebate_tiers
        if tiers:
            flowables.append(
                self.table(
                    [self.label("threshold"), self.label("rate")],
                    [
                        (
                            self.shown(
                                f"vendor_programme.rebate_tiers.{i}.threshold",
                                self.money(tier.threshold),
                            ),
                            self.shown(
                                f"vendor_programme.rebate_tiers.{i}.rate",
                                i18n.percent(tier.rate, self.language),
                            ),
                        )
                        for i, tier in enumerate(tiers)
                    ],
                    [60 * mm, 40 * mm],
                    numeric_from=0,
                )
            )
        else:
            flowables.append(self.p(self.m("pdf.assumptions.no_tiers")))
        return flowables

    def team(self) -> list[Flowable]:
        plan = self.plan
        flowables: list[Flowable] = [
            self.p(self.m("pdf.team.title"), "h1"),
            self.p(self.m("pdf.team.team"), "h2"),
        ]
        if plan.resources:
            roles = self.item_names("resources")
            rows = [
                (*cells, self.shown(f"resources.{i}.annual_cost", self.money(item.annual_cost)))
                for i, (item, cells) in enumerate(
                    zip(plan.resources, self.hire_cells(roles, self.month_label), strict=True)
                )
            ]
            header = [
                self.label("role"),
                self.label("function"),
                self.label("fte"),
                self.t("pdf.team.start"),
                self.label("ramp_months"),
                self.label("annual_cost"),
            ]
            flowables.append(
                self.table(
                    header,
                    rows,
                    [48 * mm, 26 * mm, 14 * mm, 22 * mm, 26 * mm, 34 * mm],
                    numeric_from=2,
                )
            )
        else:
            flowables.append(self.p(self.m("pdf.team.none")))
        flowables.append(self.p(self.m("pdf.invest.title"), "h2"))
        if plan.investments:
            names = self.item_names("investments")
            rows = [
                (
                    names[i],
                    self.shown(f"investments.{i}.category", self.t(f"category.{item.category}")),
                    self.shown(f"investments.{i}.amount", self.money(item.amount)),
                    self.shown(f"investments.{i}.month", self.month_label(item.month)),
                    self.shown(
                        f"investments.{i}.every_months",
                        self.t("pdf.invest.every", n=item.every_months)
                        if item.every_months
                        else self.t("pdf.invest.once"),
                    ),
                    self.shown(
                        f"investments.{i}.vendor_share",
                        i18n.percent(item.vendor_share, self.language, 0),
                    ),
                )
                for i, item in enumerate(plan.investments)
            ]
            header = [
                self.label("name"),
                self.label("category"),
                self.label("amount"),
                self.t("pdf.invest.month"),
                self.label("every_months"),
                self.label("vendor_share"),
            ]
            flowables.append(
                self.table(
                    header,
                    rows,
                    [42 * mm, 30 * mm, 24 * mm, 19 * mm, 27 * mm, 28 * mm],
                    numeric_from=2,
                )
            )
            monthly = self.outcome.monthly
            flowables += [
                Spacer(1, 3 * mm),
                self.p(
                    self.m(
                        "pdf.invest.totals",
                        gross=self.money(float(monthly["investment_gross"].sum())),
                        funded=self.money(float(monthly["investment_vendor_funded"].sum())),
                        net=self.money(float(monthly["investment_net"].sum())),
                    ),
                    "small",
                ),
            ]
        else:
            flowables.append(self.p(self.m("pdf.invest.none")))
        return flowables

    # yearly tables ------------------------------------------------------------------------

    def year_header(self, row: Mapping[str, Any]) -> str:
        first, last = str(row["from"]), str(row["to"])
        period = (
            first[:4]
            if first.endswith("-01") and row["months"] == 12
            else (
                f"{i18n.month_label(first, self.language)}–{i18n.month_label(last, self.language)}"
            )
        )
        return f"{self.t('pdf.yearly.year', n=int(row['year']))}\n{period}"

    def monthly_column(self, column: str) -> list[float]:
        """A monthly column of the model, or one the PDF derives from the plan for its tables:
        ``partner_management``, the vendor's partner-manager cost (part of ``vendor_cost``)."""
        if column == "partner_management":
            programme = self.plan.vendor_programme
            cost = programme.partner_manager_fte * programme.partner_manager_annual_cost / 12
            return [cost] * len(self.dates)
        return [float(v) for v in self.outcome.monthly[column].tolist()]

    def year_values(self, column: str, stock: bool) -> list[float]:
        """Per plan year: the flow summed, or a level's value in the year's last month."""
        values = self.monthly_column(column)
        years = range(math.ceil(len(values) / 12))
        if stock:
            return [values[min(12 * (y + 1), len(values)) - 1] for y in years]
        return [math.fsum(values[12 * y : 12 * (y + 1)]) for y in years]

    def yearly(
        self,
        lines: Sequence[tuple[str, str, str]],
        strong: Sequence[str] = (),
    ) -> list[Flowable]:
        """Yearly table(s) of monthly columns; ``lines`` are (column, kind, role).

        ``kind`` is ``money``, ``count`` or ``stock`` (a level: year-end value, no total).
        ``role`` says how a line adds up: ``less`` (a cost, shown as a positive amount and
        subtracted), ``plus`` (added), ``of_which`` (a part of the line above it) or empty.
        """
        records: list[dict[str, Any]] = [
            {str(k): v for k, v in rec.items()} for rec in self.yearly_table.to_dict("records")
        ]
        values = {
            column: self.year_values(column, kind.startswith("stock")) for column, kind, _ in lines
        }
        # One column per plan year, then the total (flows summed; a level has no total).
        columns: list[tuple[str, int | None]] = [
            (self.year_header(rec), index) for index, rec in enumerate(records)
        ]
        columns.append((self.t("pdf.yearly.total"), None))
        chunks = max(1, math.ceil(len(columns) / MAX_YEAR_COLUMNS))
        size = math.ceil(len(columns) / chunks)
        flowables: list[Flowable] = []
        for start in range(0, len(columns), size):
            part = columns[start : start + size]
            rows = []
            for column, kind, role in lines:
                label = self.label(column)
                if role:
                    label = self.t(f"pdf.yearly.{role}", label=label)
                elif kind.startswith("stock"):
                    label = self.t("pdf.yearly.end_of_year", label=label)
                cells = [label]
                for _, year in part:
                    if year is None and kind.startswith("stock"):
                        cells.append("")
                        continue
                    value = values[column][year] if year is not None else math.fsum(values[column])
                    if kind.endswith("count"):
                        cells.append(i18n.number(value, self.language, 1))
                    else:
                        cells.append(self.money(value if round(value) != 0 else 0.0))
                rows.append(cells)
            value_width = min(30 * mm, (BODY_WIDTH - 58 * mm) / len(part))
            header = ["", *(name for name, _ in part)]
            table = self.table(
                header,
                rows,
                [58 * mm] + [value_width] * len(part),
                strong=[i for i, (c, _, _) in enumerate(lines) if c in strong],
                minor=[i for i, (_, _, role) in enumerate(lines) if role == "of_which"],
            )
            flowables += [table, Spacer(1, 3 * mm)]
        return flowables

    def partner_years(self) -> list[Flowable]:
        pnl = [
            ("resale", "money", ""),
            ("services", "money", ""),
            ("managed", "money", ""),
            ("revenue", "money", ""),
            ("sell_in", "money", "less"),
            ("gross_profit", "money", ""),
            ("vendor_funds", "money", "plus"),
            ("mdf", "money", "of_which"),
            ("rebate", "money", "of_which"),
            ("staff_cost", "money", "less"),
            ("opex", "money", "less"),
            ("investment_net", "money", "less"),
            ("ebitda", "money", ""),
        ]
        cash = [
            ("cash_flow", "money", ""),
            ("cumulative_cash", "stock", ""),
            ("investment_gross", "money", ""),
            ("investment_vendor_funded", "money", "of_which"),
            ("investment_net", "money", "of_which"),
            ("new_deals", "count", ""),
            ("customers", "stock_count", ""),
            ("headcount", "stock_count", ""),
            ("backlog", "stock", ""),
        ]
        return [
            self.p(self.m("pdf.yearly.partner_title"), "h1"),
            self.p(self.m("pdf.yearly.pnl"), "h2"),
            *self.yearly(pnl, strong=("revenue", "gross_profit", "ebitda")),
            self.p(self.m("pdf.yearly.cash"), "h2"),
            *self.yearly(cash, strong=("cash_flow", "cumulative_cash")),
            self.p(self.m("pdf.yearly.note", currency=self.currency), "small"),
        ]

    def vendor_years(self) -> list[Flowable]:
        if not self.economics:
            return []  # the vendor's revenue is the partner's sell-in, shown on its page
        pnl = [
            ("vendor_revenue", "money", ""),
            ("vendor_gross_profit", "money", ""),
            ("vendor_cost", "money", "less"),
            ("mdf", "money", "of_which"),
            ("rebate", "money", "of_which"),
            ("investment_vendor_funded", "money", "of_which"),
            ("partner_management", "money", "of_which"),
            ("vendor_cash_flow", "money", ""),
        ]
        cash = [("vendor_cash_flow", "money", ""), ("vendor_cumulative_cash", "stock", "")]
        return [
            self.p(self.m("pdf.yearly.vendor_title"), "h1"),
            self.p(self.m("pdf.yearly.pnl"), "h2"),
            *self.yearly(pnl, strong=("vendor_gross_profit", "vendor_cash_flow")),
            self.p(self.m("pdf.yearly.vendor_margin"), "small"),
            self.p(self.m("pdf.yearly.cash"), "h2"),
            *self.yearly(cash, strong=("vendor_cumulative_cash",)),
            self.p(self.m("pdf.yearly.note", currency=self.currency), "small"),
        ]

    def development(self) -> list[Flowable]:
        yearly = self.yearly_table
        layers = [
            charts.Series(clean(self.label(column)), yearly[column].tolist(), color)
            for column, color in zip(("resale", "services", "managed"), MIX_COLORS, strict=True)
        ]
        unit, fmt = self.money_axis(yearly["revenue"].tolist())
        categories = [clean(self.t("pdf.yearly.year", n=int(y))) for y in yearly["year"]]
        mix = charts.stacked_bars(
            layers,
            categories,
            unit=unit,
            fmt=fmt,
            width=BODY_WIDTH,
            height=220,
            fonts=self.chart_fonts(),
            value=self.compact_money(yearly["revenue"].tolist()),
        )
        headcount = charts.line_chart(
            [
                charts.Series(
                    clean(self.label("headcount")),
                    self.outcome.monthly["headcount"].tolist(),
                    PARTNER_COLOR,
                )
            ],
            self.month_ticks(),
            unit=clean(self.t("label.fte")),
            fmt=self.count_axis,
            width=BODY_WIDTH,
            height=170,
            fonts=self.chart_fonts(),
            steps=True,
        )
        return [
            self.p(self.m("pdf.charts.title"), "h1"),
            self.chart_block("pdf.chart.revenue_mix", mix),
            self.p(self.m("pdf.chart.revenue_mix_note", unit=unit), "small"),
            Spacer(1, 6 * mm),
            self.chart_block("pdf.chart.headcount", headcount),
            self.p(self.m("pdf.chart.headcount_note"), "small"),
        ]

    def compact_money(self, values: Iterable[float]) -> Callable[[float], str]:
        """Amounts for labels on bars, in the unit of the axis (thousands or millions)."""
        largest = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
        scale = 1e6 if largest >= 2e6 else 1e3 if largest >= 2e3 else 1.0

        def fmt(value: float) -> str:
            scaled = value / scale
            digits = 0 if scale == 1.0 or abs(scaled) >= 100 else 1 if abs(scaled) >= 10 else 2
            return clean(i18n.number(scaled, self.language, digits))

        return fmt

    def item_names(self, kind: str, plan: Plan | None = None) -> list[str]:
        """The names of a list's items as the document shows them: an item hidden from this
        edition by its kind and number, and equal names told apart by a number in brackets
        (``Account Manager (2)``)."""
        plan = plan or self.plan
        items: Sequence[Any] = plan.resources if kind == "resources" else plan.investments
        field = "role" if kind == "resources" else "name"
        names = [
            self.t(f"pdf.{kind}_hidden", n=i + 1)
            if self.hidden(f"{kind}.{i}.{field}")
            else str(getattr(item, field))
            for i, item in enumerate(items)
        ]
        counts = {name: names.count(name) for name in names}
        seen: dict[str, int] = {}
        out = []
        for name in names:
            if counts[name] > 1:
                seen[name] = seen.get(name, 0) + 1
                name = f"{name} ({seen[name]})"
            out.append(name)
        return out

    # scenarios and sensitivity --------------------------------------------------------------

    def path_label(self, path: str, owner_limit: int = 200) -> str:
        """A scenario's dotted path in words: ``Account Executive (2): FTE``; ``owner_limit``
        cuts a long role or investment name, never the field after it."""
        parts = path.split(".")
        if len(parts) == 3 and parts[0] in ("resources", "investments") and parts[1].isdigit():
            index = int(parts[1])
            names = self.item_names(parts[0], self.source)
            owner = names[index] if index < len(names) else f"#{index + 1}"
            if len(owner) > owner_limit:  # keep the " (2)" that tells equal names apart
                base, number = re.fullmatch(r"(.*?)((?: \(\d+\))?)", owner).groups()  # type: ignore[union-attr]
                owner = self.short(base, owner_limit - len(number)) + number
            return f"{owner}: {self.label(parts[2]) if self.known(parts[2]) else parts[2]}"
        if len(parts) == 4 and parts[1] == "rebate_tiers" and parts[2].isdigit():
            return (
                f"{self.label('vendor_programme.rebate_tiers')} {int(parts[2]) + 1}: "
                f"{self.label(parts[3]) if self.known(parts[3]) else parts[3]}"
            )
        return self.label(path) if self.known(path) else path

    def known(self, key: str) -> bool:
        return f"label.{key}" in i18n.catalog()

    def scenarios(self) -> list[Flowable]:
        if not self.source.scenarios:
            return []
        names = [self.t("pdf.cover.base")] + [self.short(s.name, 60) for s in self.source.scenarios]
        this = self.chosen
        names[this] = f"{names[this]} {self.t('pdf.scenarios.this_document')}"
        lines: list[tuple[str, str | None]] = [
            (self.label("partner"), None),
            *(
                (f"partner.{f}", f)
                for f in ("npv", "irr", "payback_month", "peak_funding", "cumulative_cash")
            ),
            *([(self.label("vendor"), None)] if self.economics else []),
            *(
                (f"vendor.{f}", f)
                for f in ("npv", "irr", "payback_month", "cumulative_cash")
                if self.economics
            ),
        ]
        flowables: list[Flowable] = [
            self.p(self.m("pdf.scenarios.title"), "h1"),
            self.p(self.m("pdf.scenarios.intro")),
            Spacer(1, 3 * mm),
        ]
        count = len(self.outcomes)
        chunks = max(1, math.ceil(count / MAX_SCENARIO_COLUMNS))
        size = math.ceil(count / chunks)
        for start in range(0, count, size):
            part = range(start, min(count, start + size))
            rows: list[list[str]] = []
            strong: list[int] = []
            notes = _Notes()
            for key, figure in lines:
                if figure is None:
                    strong.append(len(rows))
                    rows.append([key] + [""] * len(part))
                    continue
                side: Side = "partner" if key.startswith("partner.") else "vendor"
                rows.append(
                    [self.label(figure)]
                    + [self.figure_cell(side, figure, self.outcomes[i], notes) for i in part]
                )
            if self.economics:
                rows.append(
                    [self.label("mutual")]
                    + [
                        self.t(
                            "pdf.assumptions.yes"
                            if self.outcomes[i].mutual
                            else "pdf.assumptions.no"
                        )
                        for i in part
                    ]
                )
            value_width = (BODY_WIDTH - 52 * mm) / len(part)
            table = self.table(
                ["", *(names[i] for i in part)],
                rows,
                [52 * mm] + [value_width] * len(part),
                strong=strong,
            )
            flowables += [table, *notes.flowables(self), Spacer(1, 4 * mm)]
        flowables.append(self.p(self.m("pdf.scenarios.changes"), "h2"))
        for scenario, outcome in zip(self.source.scenarios, self.outcomes[1:], strict=True):
            changes = "; ".join(
                _safe(f"{self.path_label(path)} = {self.scenario_value(outcome, path, value)}")
                for path, value in scenario.set.items()
            )
            flowables.append(self.p(f"<b>{_safe(scenario.name)}</b>: {changes or '–'}"))
        return flowables

    def scenario_value(self, outcome: model.Outcome, path: str, value: Any) -> str:
        """A scenario's value as validated in its plan (``3`` rather than ``3.0``)."""
        with contextlib.suppress(KeyError):
            value = get_value(outcome.plan, path)
        return self.shown(path, self.value(path, value))

    def hire_cells(
        self, roles: Sequence[str], month: Callable[[int], str]
    ) -> list[tuple[str, ...]]:
        """Each hire as the team table and the commitments annex show it: role, function, FTE,
        start (``month`` formats it), ramp; values hidden from the reader as such."""
        return [
            (
                roles[i],
                self.shown(f"resources.{i}.function", self.t(f"pdf.function.{item.function}")),
                self.shown(f"resources.{i}.fte", self.value("fte", item.fte)),
                self.shown(f"resources.{i}.start_month", month(item.start_month)),
                self.shown(
                    f"resources.{i}.ramp_months", self.t("pdf.team.months_n", n=item.ramp_months)
                ),
            )
            for i, item in enumerate(self.plan.resources)
        ]

    def negotiation(self) -> list[Flowable]:
        """The zone of mutual interest over partner margin and MDF rate, each side's hurdles,
        and the record of the term proposals (who proposed what, and what became of it)."""
        from planner.analysis import AnalysisError, zone

        try:
            full = zone.zone(self.plan, points=ZONE_POINTS, audience=self.audience)
        except AnalysisError:  # e.g. an axis is private to the other side: no map
            rest = self.hurdle_lines() + self.proposal_record()
            return [self.p(self.m("pdf.zone.title"), "h1"), *rest] if rest else []
        found = full.for_side(self.economics)
        x, y = found.x, found.y
        flowables: list[Flowable] = [
            self.p(self.m("pdf.zone.title"), "h1"),
            self.p(self.m("pdf.zone.intro")),
            Spacer(1, 2 * mm),
        ]
        if found.vendor is None:
            regions = [[0 if p else 1 for p in row] for row in found.partner.tolist()]
            colours = [ZONE_COLORS[0], ZONE_COLORS[3]]
            names = [self.t("pdf.zone.partner_pays"), self.t("pdf.zone.partner_not")]
        else:
            regions = [
                [0 if p and v else 1 if p else 2 if v else 3 for p, v in zip(pr, vr, strict=True)]
                for pr, vr in zip(found.partner.tolist(), found.vendor.tolist(), strict=True)
            ]
            colours = list(ZONE_COLORS)
            names = [self.t(f"pdf.zone.{k}") for k in ("both", "partner", "vendor", "neither")]

        def fraction(axis: zone.Axis, value: float) -> float:
            low, high = axis.values[0], axis.values[-1]
            return 0.0 if high == low else min(1.0, max(0.0, (value - low) / (high - low)))

        def ticks(axis: zone.Axis) -> list[tuple[float, str]]:
            """Round values (steps of 1, 2, 2.5 or 5 times a power of ten) within the axis."""
            low, high = axis.values[0], axis.values[-1]
            step = charts.nice_ticks(0.0, high - low)[2]
            first = math.ceil(low / step - 1e-9) * step
            count = math.floor((high - first) / step + 1e-9) + 1
            picks = [first + i * step for i in range(count)]
            return [(fraction(axis, v), self.value(axis.path, v)) for v in picks]

        target = None
        if found.nearest:
            target = (
                fraction(x, float(found.nearest[x.path])),
                fraction(y, float(found.nearest[y.path])),
            )
        drawing = charts.zone_map(
            regions,
            colours,
            x_ticks=ticks(x),
            y_ticks=ticks(y),
            x_title=clean(self.path_label(x.path)),
            y_title=clean(self.path_label(y.path)),
            here=(fraction(x, x.current), fraction(y, y.current)),
            target=target,
            legend=[(clean(n), c) for n, c in zip(names, colours, strict=True)],
            width=BODY_WIDTH,
            height=78 * mm,
            fonts=self.chart_fonts(),
        )
        flowables += [drawing, Spacer(1, 2 * mm)]
        now = found.current
        if now["both"]:
            flowables.append(self.p(self.m("pdf.zone.is_mutual")))
        elif now["both"] is None:
            key = "pdf.zone.partner_yes" if now["partner"] else "pdf.zone.partner_no"
            flowables.append(self.p(self.m(key)))
        elif found.nearest:
            flowables.append(
                self.p(
                    self.m(
                        "pdf.zone.change",
                        x=self.path_label(x.path),
                        x_from=self.value(x.path, x.current),
                        x_to=self.value(x.path, found.nearest[x.path]),
                        y=self.path_label(y.path),
                        y_from=self.value(y.path, y.current),
                        y_to=self.value(y.path, found.nearest[y.path]),
                    )
                )
            )
        else:
            flowables.append(self.p(self.m("pdf.zone.nowhere")))
        flowables += self.hurdle_lines()
        flowables += self.proposal_record()
        return flowables

    def hurdle_lines(self) -> list[Flowable]:
        """Each side's hurdles (a side without the vendor's economics: the partner's only);
        a hurdle private to the other side is left out."""
        hurdles = self.plan.hurdles
        if hurdles is None:
            return []
        out: list[Flowable] = []
        for side in ("partner", "vendor") if self.economics else ("partner",):
            hurdle = getattr(hurdles, side)
            if hurdle is None:
                continue
            found = self.outcome.kpis[side]
            parts = []
            if hurdle.min_irr is not None and not self.hidden(f"hurdles.{side}.min_irr"):
                ok = found["irr"] is not None and found["irr"] >= hurdle.min_irr
                parts.append(
                    self.t(
                        "pdf.zone.min_irr",
                        irr=i18n.percent(hurdle.min_irr, self.language),
                        verdict=self.t("pdf.zone.met" if ok else "pdf.zone.missed"),
                    )
                )
            latest = f"hurdles.{side}.latest_payback_month"
            if hurdle.latest_payback_month is not None and not self.hidden(latest):
                month = found["payback_month"]
                ok = month is not None and month <= hurdle.latest_payback_month
                parts.append(
                    self.t(
                        "pdf.zone.latest_payback",
                        month=self.month(hurdle.latest_payback_month),
                        verdict=self.t("pdf.zone.met" if ok else "pdf.zone.missed"),
                    )
                )
            if parts:
                out.append(self.p(self.m("pdf.zone.hurdles_" + side, items="; ".join(parts))))
        return out

    def proposal_record(self) -> list[Flowable]:
        """Every term proposal and its outcome, oldest first: the negotiation's record."""
        if not self.proposals:
            return []
        rows = []
        for proposal in self.proposals:
            # a value proposed at a path now private to the other side: as such
            changes = "; ".join(
                f"{self.path_label(path)} → {self.shown(path, self.value(path, value))}"
                for path, value in proposal.changes.items()
            )
            outcome = self.t(f"pdf.proposal.{proposal.status}")
            if proposal.decided_by and proposal.status != "open":
                outcome += " " + self.t("pdf.proposal.by", name=proposal.decided_by)
            if proposal.decision_reason and proposal.status == "rejected":
                outcome += f" ({proposal.decision_reason})"
            rows.append(
                [
                    str(proposal.id),
                    f"{proposal.author} ({self.label(proposal.side)})",
                    f"{changes}. {proposal.reason}",
                    outcome,
                ]
            )
        table = self.table(
            [
                self.t("pdf.proposal.number"),
                self.t("pdf.proposal.who"),
                self.t("pdf.proposal.what"),
                self.t("pdf.proposal.outcome"),
            ],
            rows,
            [10 * mm, 38 * mm, BODY_WIDTH - 88 * mm, 40 * mm],
        )
        return [Spacer(1, 4 * mm), self.p(self.m("pdf.proposal.title"), "h2"), table]

    def sensitivity(self) -> list[Flowable]:
        # A bar shows the assumption's value: the reader's tornado has no bar of a value
        # private to the other side.
        result = tornado_bars(self.plan, self.audience)
        if result is None or not result.bars:
            return []
        shown = result.bars[:MAX_TORNADO_BARS]
        if not shown:
            return []
        base = result.base if result.base is not None else math.nan
        low_share = i18n.percent(-result.step, self.language, 0)
        high_share = "+" + i18n.percent(result.step, self.language, 0)
        unit, fmt = self.money_axis(
            [base, *(v for b in shown for v in (b.low_figure, b.high_figure) if v is not None)]
        )
        drawing = charts.tornado(
            [
                charts.Bar(
                    clean(self.path_label(b.path, owner_limit=32)),
                    math.nan if b.low_figure is None else b.low_figure,
                    math.nan if b.high_figure is None else b.high_figure,
                )
                for b in shown
            ],
            base=base,
            base_label=clean(self.t("pdf.tornado.base", value=self.money(result.base))),
            fmt=fmt,
            unit=unit,
            low_color=MIX_COLORS[2],
            high_color=PARTNER_COLOR,
            legend=(
                clean(self.t("pdf.chart.low", step=low_share)),
                clean(self.t("pdf.chart.high", step=high_share)),
            ),
            width=BODY_WIDTH,
            fonts=self.chart_fonts(),
        )
        rows = [
            (
                self.path_label(b.path),
                self.value(b.path, b.value),
                self.value(b.path, b.low_value),
                self.value(b.path, b.high_value),
                self.money(b.low_figure),
                self.money(b.high_figure),
            )
            for b in shown
        ]
        header = [
            self.t("pdf.assumptions.assumption"),
            self.t("pdf.assumptions.value"),
            low_share,
            high_share,
            self.t("pdf.tornado.npv_at", step=low_share),
            self.t("pdf.tornado.npv_at", step=high_share),
        ]
        table = self.table(
            header, rows, [52 * mm, 22 * mm, 22 * mm, 22 * mm, 26 * mm, 26 * mm], numeric_from=1
        )
        return [
            self.p(self.m("pdf.tornado.title"), "h1"),
            self.p(self.m("pdf.tornado.intro", step=high_share[1:], count=len(shown))),
            Spacer(1, 4 * mm),
            KeepTogether([drawing]),
            Spacer(1, 5 * mm),
            table,
        ]

    # commitments annex ----------------------------------------------------------------------

    def commitments(self) -> list[Flowable]:
        """What each side commits to and when, worded to be attached to the partner agreement."""
        plan = self.plan
        programme = plan.vendor_programme
        months = len(self.dates)
        partner, vendor = plan.partner.name, plan.vendor.name
        flowables: list[Flowable] = [
            self.p(self.m("pdf.commit.title"), "h1"),
            self.p(
                self.m(
                    "pdf.commit.intro",
                    partner=partner,
                    vendor=vendor,
                    hash=self.hash[:16],
                    first=self.month_label(1),
                    months=months,
                )
            ),
            self.p(self.m("pdf.commit.partner", partner=partner), "h2"),
        ]
        # 1. the partner's hires
        if plan.resources:
            roles = self.item_names("resources")
            rows = self.hire_cells(roles, self.month)
            flowables += [
                self.p(self.m("pdf.commit.hires"), "h3"),
                self.table(
                    [
                        self.label("role"),
                        self.label("function"),
                        self.label("fte"),
                        self.t("pdf.commit.from"),
                        self.label("ramp_months"),
                    ],
                    rows,
                    [56 * mm, 30 * mm, 16 * mm, 40 * mm, 28 * mm],
                    numeric_from=2,
                ),
            ]
        else:
            flowables.append(self.p(self.m("pdf.commit.no_hires")))
        # 2. the partner's investments and the vendor's share of each
        if plan.investments:
            names = self.item_names("investments")
            lines: list[tuple[str, ...]] = []
            for i, item in enumerate(plan.investments):
                count = 1 + (months - item.month) // item.every_months if item.every_months else 1
                total = item.amount * count
                funded = total * item.vendor_share
                amount_hidden = self.hidden(f"investments.{i}.amount")
                share_hidden = self.hidden(f"investments.{i}.vendor_share")
                when = (
                    self.t(
                        "pdf.commit.due_every",
                        month=item.month,
                        n=item.every_months,
                        count=count,
                    )
                    if item.every_months
                    else self.t("pdf.commit.due_once", month=item.month)
                )
                lines.append(
                    (
                        names[i],
                        self.shown(f"investments.{i}.month", when)
                        if not self.hidden(f"investments.{i}.every_months")
                        else self.t("pdf.private"),
                        self.shown(f"investments.{i}.amount", self.money(total)),
                        self.shown(
                            f"investments.{i}.vendor_share",
                            i18n.percent(item.vendor_share, self.language, 0),
                        ),
                        self.t("pdf.private")
                        if amount_hidden or share_hidden
                        else self.money(funded),
                        self.t("pdf.private")
                        if amount_hidden or share_hidden
                        else self.money(total - funded),
                    )
                )
            monthly = self.outcome.monthly
            lines.append(
                (
                    self.t("pdf.yearly.total"),
                    "",
                    self.money(float(monthly["investment_gross"].sum())),
                    "",
                    self.money(float(monthly["investment_vendor_funded"].sum())),
                    self.money(float(monthly["investment_net"].sum())),
                )
            )
            flowables += [
                self.p(self.m("pdf.commit.investments"), "h3"),
                self.table(
                    [
                        self.label("name"),
                        self.t("pdf.commit.due"),
                        self.t("pdf.commit.total"),
                        self.t("pdf.commit.share"),
                        self.t("pdf.commit.by_vendor"),
                        self.t("pdf.commit.by_partner"),
                    ],
                    lines,
                    [42 * mm, 36 * mm, 24 * mm, 20 * mm, 24 * mm, 24 * mm],
                    numeric_from=2,
                    strong=[len(lines) - 1],
                ),
            ]
        flowables.append(
            self.p(
                self.m(
                    "pdf.commit.opex",
                    amount=self.shown("opex_per_month", self.money(plan.opex_per_month)),
                )
            )
        )
        # 3. the vendor's programme
        flowables.append(self.p(self.m("pdf.commit.vendor", vendor=vendor), "h2"))
        mdf_total = self.money(float(self.outcome.monthly["mdf"].sum()))
        flowables += [
            self.p(self.m("pdf.commit.lead.mdf"), "h3"),
            self.p(
                self.m(
                    "pdf.commit.mdf",
                    rate=self.shown(
                        "vendor_programme.mdf_rate",
                        i18n.percent(programme.mdf_rate, self.language),
                    ),
                    total=mdf_total,
                )
            ),
            self.p(self.m("pdf.commit.lead.rebate"), "h3"),
        ]
        if programme.rebate_tiers:
            flowables += [
                self.p(self.m("pdf.commit.rebate_mechanics")),
                Spacer(1, 2 * mm),
                *self.rebate_years(),
            ]
        else:
            flowables.append(self.p(self.m("pdf.assumptions.no_tiers")))
        funded_total = self.money(float(self.outcome.monthly["investment_vendor_funded"].sum()))
        fte = programme.partner_manager_fte
        support = (
            self.m("pdf.commit.support_hidden")
            if self.hidden("vendor_programme.partner_manager_fte")
            else self.m("pdf.commit.support_none")
            if fte == 0
            else self.m("pdf.commit.support", fte=self.value("fte", fte), months=months)
        )
        flowables += [
            self.p(self.m("pdf.commit.lead.funding"), "h3"),
            self.p(self.m("pdf.commit.funding", total=funded_total)),
            self.p(self.m("pdf.commit.lead.support"), "h3"),
            self.p(support),
            Spacer(1, 3 * mm),
            self.p(self.m("pdf.commit.note", currency=self.currency), "small"),
        ]
        return flowables

    def rebate_years(self) -> list[Flowable]:
        """The rebate tiers and what they pay in each plan year of this plan."""
        tiers = self.plan.vendor_programme.rebate_tiers
        tier_rows = [
            (
                self.shown(
                    f"vendor_programme.rebate_tiers.{i}.threshold", self.money(tier.threshold)
                ),
                self.shown(
                    f"vendor_programme.rebate_tiers.{i}.rate",
                    i18n.percent(tier.rate, self.language),
                ),
            )
            for i, tier in enumerate(tiers)
        ]
        sell_in = self.year_values("sell_in", stock=False)
        rebate = self.year_values("rebate", stock=False)
        months = len(self.dates)
        rates_hidden = self.hidden("vendor_programme.rebate_tiers")
        rows = []
        for year, (bought, paid) in enumerate(zip(sell_in, rebate, strict=True)):
            last = min(12 * (year + 1), months)
            length = last - 12 * year
            rate = paid / bought if bought > 0 else 0.0
            rows.append(
                (
                    self.t("pdf.yearly.year", n=year + 1)
                    + ("" if length == 12 else " " + self.t("pdf.commit.partial", n=length)),
                    self.money(bought),
                    self.t("pdf.private") if rates_hidden else i18n.percent(rate, self.language),
                    self.money(paid),
                    self.month(last),
                )
            )
        rows.append(
            (
                self.t("pdf.yearly.total"),
                self.money(math.fsum(sell_in)),
                "",
                self.money(math.fsum(rebate)),
                "",
            )
        )
        return [
            self.table(
                [self.label("threshold"), self.label("rate")],
                tier_rows,
                [60 * mm, 40 * mm],
                numeric_from=0,
            ),
            Spacer(1, 3 * mm),
            self.table(
                [
                    self.t("pdf.commit.plan_year"),
                    self.label("sell_in"),
                    self.t("pdf.commit.rate_reached"),
                    self.label("rebate"),
                    self.t("pdf.commit.paid"),
                ],
                rows,
                [34 * mm, 32 * mm, 26 * mm, 30 * mm, 48 * mm],
                strong=[len(rows) - 1],
            ),
        ]

    # sign-off -------------------------------------------------------------------------------

    def signoff(self) -> list[Flowable]:
        people = {
            side: [s for s in self.signatories if s.side == side] for side in ("partner", "vendor")
        }
        # Two blank blocks per side to fill in by hand; once named, one block per signatory.
        slots = max(len(v) for v in people.values()) if self.signatories else 2
        fields = ("name", "position", "date", "signature")
        data: list[list[Any]] = [
            [
                self.p(f"<b>{self.m('pdf.cover.partner')}</b><br/>{_safe(self.plan.partner.name)}"),
                "",
                "",
                self.p(f"<b>{self.m('pdf.cover.vendor')}</b><br/>{_safe(self.plan.vendor.name)}"),
                "",
            ]
        ]
        heights: list[float] = [0.0]
        for slot in range(slots):
            for field in fields:
                row: list[Any] = []
                for side in ("partner", "vendor"):
                    person = people[side][slot] if slot < len(people[side]) else None
                    text = ""
                    if person is not None and field == "name":
                        text = person.name
                    elif person is not None and field == "position":
                        text = person.title
                    elif person is not None and field == "date" and person.date is not None:
                        text = self.date(person.date)
                    elif person is not None and field == "signature" and self.evidence:
                        text = self.t("pdf.signoff.signed_electronically")
                    if row:
                        row.append("")
                    row += [self.p(self.m(f"pdf.signoff.{field}"), "small"), self.p(_safe(text))]
                data.append(row)
                heights.append(32.0 if field == "signature" else 20.0)
            data.append([""] * 5)
            heights.append(14.0)
        gap, label = 10 * mm, 24 * mm
        value = (BODY_WIDTH - gap) / 2 - label
        table = Table(
            data,
            colWidths=[label, value, gap, label, value],
            rowHeights=[h or None for h in heights],
            hAlign="LEFT",
        )
        commands: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 1), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 10),
            ("SPAN", (0, 0), (1, 0)),
            ("SPAN", (3, 0), (4, 0)),
        ]
        for index, height in enumerate(heights):
            if height >= 20:
                commands += [
                    ("LINEBELOW", (1, index), (1, index), 0.5, INK),
                    ("LINEBELOW", (4, index), (4, index), 0.5, INK),
                ]
        table.setStyle(TableStyle(commands))
        return [
            self.p(self.m("pdf.signoff.title"), "h1"),
            self.p(
                self.m(
                    "pdf.signoff.statement",
                    partner=self.plan.partner.name,
                    vendor=self.plan.vendor.name,
                )
            ),
            Spacer(1, 2 * mm),
            self.p(_safe(self.hash), "mono"),
            Spacer(1, 8 * mm),
            KeepTogether([table]),
            *self.evidence_section(),
        ]

    def evidence_section(self) -> list[Flowable]:
        """What proves the signature, for a signed edition: who signed and when, the
        certificate, the hash, and how to check the file without the planner's store."""
        if self.evidence is None:
            return []
        moment = self.evidence.signed_at.astimezone(datetime.UTC)
        print_ = self.evidence.fingerprint
        orgs = {"partner": self.plan.partner.name, "vendor": self.plan.vendor.name}
        mono = self.fonts.mono
        rows: list[tuple[str, str]] = [
            (
                self.m("pdf.signoff.signed_by"),
                self.m(
                    f"pdf.signoff.by_{s.side}",
                    name=s.name,
                    title=s.title,
                    org=orgs[s.side],
                    date=self.date(s.date) if s.date else "",
                ),
            )
            for s in self.signatories
        ]
        rows += [
            (
                self.m("pdf.signoff.complete"),
                _safe(f"{self.date(moment.date())}, {moment:%H:%M} UTC"),
            ),
            (
                self.m("pdf.signoff.certificate"),
                f'<font name="{mono}" size="8">{print_[:47]}<br/>{print_[48:]}</font>',
            ),
            (
                self.m("pdf.signoff.content_hash" if self.whole else "pdf.signoff.edition_hash"),
                f'<font name="{mono}" size="8">{_safe(self.hash)}</font>',
            ),
        ]
        facts = Table(
            [[self.p(k, "small"), self.p(v)] for k, v in rows],
            colWidths=[45 * mm, BODY_WIDTH - 45 * mm],
            hAlign="LEFT",
        )
        facts.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        command = _safe(f"python -m planner verify {self.t('pdf.signoff.file')} --fingerprint")
        return [
            Spacer(1, 4 * mm),
            KeepTogether(
                [
                    self.p(self.m("pdf.signoff.evidence_title"), "h2"),
                    self.p(self.m("pdf.signoff.evidence")),
                    self.p(
                        self.m(
                            "pdf.signoff.timing_bt"
                            if self.evidence.timestamped
                            else "pdf.signoff.timing_bb"
                        )
                    ),
                    Spacer(1, 2 * mm),
                    facts,
                    self.p(self.m("pdf.signoff.check_title"), "h2"),
                    self.p(self.m("pdf.signoff.check")),
                    Spacer(1, 1 * mm),
                    self.p(f'<font size="8">{command}<br/>{_safe(print_)}</font>', "mono"),
                    Spacer(1, 1 * mm),
                    self.p(self.m("pdf.signoff.reader"), "small"),
                ]
            ),
        ]

    # page decorations -----------------------------------------------------------------------

    def decorate(self, canvas: Canvas, page: int, pages: int) -> None:
        regular, size = self.fonts.regular, 7.5
        top = PAGE_HEIGHT - 13 * mm
        canvas.saveState()
        canvas.setFont(regular, size)
        canvas.setFillColor(MUTED)
        version = clean(self.t("pdf.header_version", version=self.version))
        _draw(canvas, PAGE_WIDTH - MARGIN_X, top, version, regular, size, right=True)
        room = BODY_WIDTH - _width(version, regular, size) - 10 * mm
        title = self.plan.title if self.scenario is None else f"{self.plan.title} – {self.scenario}"
        _draw(canvas, MARGIN_X, top, _fit(clean(title), regular, size, room), regular, size)
        canvas.setFont(regular, size)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, top - 2.5 * mm, PAGE_WIDTH - MARGIN_X, top - 2.5 * mm)
        bottom = 11 * mm
        canvas.line(MARGIN_X, bottom + 4 * mm, PAGE_WIDTH - MARGIN_X, bottom + 4 * mm)
        canvas.drawString(
            MARGIN_X,
            bottom,
            clean(
                self.t(
                    "pdf.hash_footer" if self.whole else "pdf.edition_hash_footer", hash=self.hash
                )
            ),
        )
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN_X, bottom, clean(self.t("pdf.page_of", page=page, pages=pages))
        )
        self.toc.draw(canvas, page, regular, 9.5)
        canvas.restoreState()


# --- sensitivity hook --------------------------------------------------------------------


def tornado_bars(plan: Plan, audience: str | None = None) -> Tornado | None:
    """The sensitivity section's data: the partner NPV tornado of :mod:`planner.analysis`, of
    the drivers ``audience`` may see (:mod:`planner.privacy`).

    The one place the PDF reaches into the analyses; returning None leaves the section out.
    """
    return tornado(plan, "partner.npv", TORNADO_STEP, audience=audience)


# --- entry point -------------------------------------------------------------------------


def plan_attachment(
    text: str, language: str, description_key: str = "pdf.file.plan"
) -> pdfa.Attachment:
    """The plan (canonical JSON, or a side's edition of it) as the document's source file."""
    return pdfa.Attachment(
        "plan.json",
        text.encode("utf-8"),
        pdfa.JSON_MIME,
        "Source",
        i18n.t(description_key, language),
    )


def workbook_attachment(data: bytes, language: str) -> pdfa.Attachment:
    """The workbook of the same plan and edition as data the document presents."""
    return pdfa.Attachment(
        "workbook.xlsx", data, pdfa.XLSX_MIME, "Data", i18n.t("pdf.file.workbook", language)
    )


def default_attachment(plan: Plan, audience: str | None, language: str) -> pdfa.Attachment:
    """What a document embeds by default: the plan as its audience may see it."""
    text = privacy.edition_json(plan, audience) if audience else canonical_json(plan)
    return plan_attachment(text, language)


def build_pdf(
    plan: Plan,
    *,
    scenario: str | None = None,
    language: str | None = None,
    issued: datetime.date | None = None,
    version: str | None = None,
    signatories: Sequence[Signatory] = (),
    audience: str | None = None,
    digest: str | None = None,
    evidence: Evidence | None = None,
    proposals: Sequence[Proposal] = (),
    attachments: Sequence[pdfa.Attachment] | None = None,
) -> bytes:
    """The business plan as PDF bytes (A4), deterministic for the same arguments.

    ``scenario`` presents one of the plan's scenarios (the comparison still shows all);
    ``language`` defaults to the plan's; ``issued`` is the document date (none printed when
    omitted: this module reads no clock); ``version`` labels the plan version (default: a
    draft label with the content hash); ``signatories`` fill the sign-off page's lines.
    ``audience`` (``vendor``, ``partner`` or ``viewer``) makes the edition for one side: the
    other side's private assumptions read "confidential" and, unless the vendor shares its
    economics, the vendor's figures beyond its revenue are left out (:mod:`planner.privacy`);
    without it the document shows everything, as both sides see it at sign-off.
    ``digest`` is the hash printed (default: the edition hash of :mod:`planner.privacy`, which
    is the content hash when nothing is hidden from the audience).
    ``proposals`` (the plan's term proposals) are printed as the record of the negotiation.
    ``evidence`` (a signed edition) states on the sign-off page that and how the file is
    electronically signed.
    The document is PDF/A-3b (:mod:`planner.export.pdfa`) and embeds ``attachments`` as
    associated files; by default the plan as the audience may see it
    (:func:`planner.privacy.edition_json`, the whole plan's canonical JSON without an audience),
    whose SHA-256 is the hash printed when ``digest`` is not given.
    Raises :class:`planner.plan.PlanError` for an unknown scenario and ValueError for an
    unknown language.
    """
    chosen_language = language or plan.language
    if chosen_language not in i18n.LANGUAGES:
        raise ValueError(f"language: {chosen_language!r} is not one of {', '.join(i18n.LANGUAGES)}")
    variants = [plan] + [plan.scenario(s.name) for s in plan.scenarios]
    if scenario is not None:
        plan.scenario(scenario)  # raises a PlanError naming the known scenarios
        chosen = 1 + [s.name for s in plan.scenarios].index(scenario)
    else:
        chosen = 0
    outcomes = model.evaluate_many(variants)
    if audience is not None and audience not in privacy.AUDIENCES:
        raise ValueError(f"audience: {audience!r} is not one of {', '.join(privacy.AUDIENCES)}")
    writer = _Writer(
        plan,
        outcomes,
        chosen,
        scenario,
        chosen_language,
        issued,
        version,
        signatories,
        audience,
        digest,
    )
    writer.evidence = evidence
    writer.proposals = tuple(proposals)
    title = plan.title if scenario is None else f"{plan.title} – {scenario}"
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=_meta(title),
        author=_meta(f"{plan.partner.name}, {plan.vendor.name}"),
        subject=_meta(writer.t("pdf.subject", partner=plan.partner.name, vendor=plan.vendor.name)),
        keywords=_meta(writer.t("pdf.keywords", hash=writer.hash)),
        creator="partner-planner",
        producer="partner-planner (ReportLab)",
        lang=chosen_language,
        displayDocTitle=1,
        invariant=1,
    )
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        BODY_WIDTH,
        PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    if attachments is None:
        attachments = [default_attachment(plan, audience, chosen_language)]
    maker = _numbered_canvas(writer.decorate, attachments)
    document.build(writer.story(), canvasmaker=maker)
    return buffer.getvalue()


__all__ = ["Evidence", "Signatory", "build_pdf", "clean", "tornado_bars"]
