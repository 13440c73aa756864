"""The frame of the PDFs: the table of contents filled while the document is laid out,
section anchors and bookmarks, pages held back so every footer knows the page count, and
the A4 document itself as PDF/A-3b (:mod:`planner.export.pdfa`)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from planner.export import pdfa
from planner.export.fonts import Fonts
from planner.export.pdf.styles import INK, PAGE_HEIGHT, PAGE_WIDTH, RULE
from planner.export.pdf.text import draw_text, text_width

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


class Contents:
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


class Anchor(Flowable):  # type: ignore[misc]
    """Where a section starts: records its page, a bookmark and an outline entry."""

    def __init__(self, key: str, title: str, contents: Contents) -> None:
        super().__init__()
        self.key, self.title, self.contents = key, title, contents
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return (0, 0)

    def draw(self) -> None:
        self.contents.pages.setdefault(self.key, self.canv.getPageNumber())
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=0)


class ContentsLine(Flowable):  # type: ignore[misc]
    """One line of the table of contents: the title, dot leaders, a link to the section; the
    page number is drawn at the end (:class:`Contents`)."""

    def __init__(self, key: str, title: str, contents: Contents, fonts: Fonts) -> None:
        super().__init__()
        self.key, self.title, self.contents, self.fonts = key, title, contents, fonts
        self.size = 9.5

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width * 0.75
        return (self.width, 14)

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFillColor(INK)
        draw_text(canvas, 0, 3, self.title, self.fonts.regular, self.size)
        start = text_width(self.title, self.fonts.regular, self.size) + 4
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


def numbered_canvas(
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


def render(
    story: list[Flowable],
    decorate: Callable[[Canvas, int, int], None],
    *,
    left: float,
    right: float,
    top: float,
    bottom: float,
    attachments: Sequence[pdfa.Attachment] = (),
    **info: Any,
) -> bytes:
    """The PDF bytes of ``story`` on A4 pages with one body frame within the margins,
    ``decorate`` drawing each page's header and footer once the page count is known; ``info``
    is the document's metadata (title, author, ...)."""
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        **info,
    )
    frame = Frame(
        left,
        bottom,
        PAGE_WIDTH - (left + right),
        PAGE_HEIGHT - top - bottom,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    document.build(story, canvasmaker=numbered_canvas(decorate, attachments))
    return buffer.getvalue()
