"""Text the PDFs can draw: what no font covers replaced, user text escaped before it goes into
a Paragraph, metadata without controls, and text measured, cut and drawn on the canvas with the
CJK runs in the CJK font (shared by the business-plan PDF and the QBR pack)."""

from __future__ import annotations

import math
import unicodedata
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from planner.export.fonts import CJK_NAME, cjk_covers
from planner.export.fonts import main as _fonts


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
        elif category == "Cs" or not (covers(ch) or cjk_covers(ch)):
            # Narrow no-break space (German number grouping in some locales) degrades to a space.
            out.append("\u00a0" if ch == "\u202f" and covers("\u00a0") else "?")
        else:
            out.append(ch)
    return "".join(out)


def safe(text: object) -> str:
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


def meta(text: str) -> str:
    """Text for PDF metadata: Unicode is fine there, but not lone surrogates or controls."""
    return "".join(
        " " if unicodedata.category(ch) == "Cc" else "?" if unicodedata.category(ch) == "Cs" else ch
        for ch in text
    )


def text_width(text: str, font: str, size: float) -> float:
    """Width of ``text`` with the CJK runs measured in the CJK font."""
    return math.fsum(
        pdfmetrics.stringWidth(part, CJK_NAME if other else font, size)
        for other, part in _fonts().runs(text)
    )


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis to at most ``width`` points."""
    if text_width(text, font, size) <= width:
        return text
    while text and text_width(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def draw_text(
    canvas: Canvas, x: float, y: float, text: str, font: str, size: float, *, right: bool = False
) -> None:
    """Draw ``text`` from ``x`` (or ending at ``x``), the CJK runs in the CJK font."""
    if right:
        x -= text_width(text, font, size)
    for other, part in _fonts().runs(text):
        name = CJK_NAME if other else font
        canvas.setFont(name, size)
        canvas.drawString(x, y, part)
        x += pdfmetrics.stringWidth(part, name, size)
