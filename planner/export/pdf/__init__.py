"""The business plan as a board-ready PDF (reportlab), in the plan's language.

:func:`build_pdf` presents the model's numbers (:func:`planner.model.evaluate`), never computes
its own: cover, executive summary with both sides' key figures and the verdict, assumptions,
team and investment plan, yearly P&L and cash flow of both sides, charts, scenario comparison,
sensitivity (when :mod:`planner.analysis` offers a tornado) and a sign-off page. Every page has
a header (title, version) and a footer (page x of y, content hash).

User text (plan title, party and role names, scenario names) is data: it is escaped before it
goes into a Paragraph and characters the font cannot draw are replaced, so no name can inject
markup or crash the export. The output is deterministic: the same arguments give the same bytes.

The package, one module per concern: :mod:`~planner.export.pdf.text` (safe text),
:mod:`~planner.export.pdf.styles` (geometry, palette, paragraph styles),
:mod:`~planner.export.pdf.format` (how values are worded), :mod:`~planner.export.pdf.tables`,
:mod:`~planner.export.pdf.axes` (chart axes), :mod:`~planner.export.pdf.layout` (contents,
page numbers, the document), :mod:`~planner.export.pdf.base` (one document's state) and a
module per section (cover, summary, assumptions, yearly, scenarios, negotiation, commitments,
signoff), put together in :mod:`~planner.export.pdf.document`. The QBR pack
(:mod:`planner.export.qbr_pdf`) shares the text, styles, format and layout modules.
"""

from __future__ import annotations

from planner.export import Evidence
from planner.export.fonts import cjk_covers as _cjk_covers
from planner.export.fonts import main as _fonts
from planner.export.pdf.base import Signatory
from planner.export.pdf.document import (
    _Writer,
    build_pdf,
    default_attachment,
    plan_attachment,
    workbook_attachment,
)
from planner.export.pdf.scenarios import tornado_bars
from planner.export.pdf.styles import BODY_WIDTH, MIX_COLORS, PARTNER_COLOR
from planner.export.pdf.summary import SUMMARY_DRAWS, SUMMARY_SEED
from planner.export.pdf.text import clean

__all__ = [
    "BODY_WIDTH",
    "MIX_COLORS",
    "PARTNER_COLOR",
    "SUMMARY_DRAWS",
    "SUMMARY_SEED",
    "Evidence",
    "Signatory",
    "_Writer",
    "_cjk_covers",
    "_fonts",
    "build_pdf",
    "clean",
    "default_attachment",
    "plan_attachment",
    "tornado_bars",
    "workbook_attachment",
]
