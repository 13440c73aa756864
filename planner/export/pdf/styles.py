"""The look shared by the PDFs: page geometry, the palette, the grid of a data table and the
paragraph styles of the business-plan PDF and of the QBR pack."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from planner.export.fonts import Fonts

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
MIX_COLORS = (colors.HexColor("#1F4E79"), colors.HexColor("#5B8DB8"), colors.HexColor("#A9C4DE"))
GOOD = (colors.HexColor("#EEF5EF"), colors.HexColor("#3C7A4A"))
WARN = (colors.HexColor("#FBF3E6"), colors.HexColor("#B7791F"))
BAD = (colors.HexColor("#FBECEC"), colors.HexColor("#B42318"))
"""Behind plan (the QBR pack); GOOD and WARN: a good verdict and a caveat."""


def grid(
    font: str, size: float, numeric_from: int, *, padding: float, head: Color, rule: float
) -> list[tuple[Any, ...]]:
    """The look of a data table in both PDFs, as table style commands: ``font`` at ``size``
    points in ink, cells top-aligned, the columns from ``numeric_from`` on right-aligned,
    ``padding`` points left and right, a rule in colour ``head`` under the header row and one
    ``rule`` points wide under every other row."""
    return [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, head),
        ("LINEBELOW", (0, 1), (-1, -1), rule, RULE),
    ]


def plan_styles(fonts: Fonts) -> dict[str, ParagraphStyle]:
    """The paragraph styles of the business-plan PDF."""
    regular, bold = fonts.regular, fonts.bold
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
            "mono", body, fontName=fonts.mono, fontSize=8.5, leading=12, textColor=INK
        ),
    }


def qbr_styles(fonts: Fonts) -> dict[str, ParagraphStyle]:
    """The paragraph styles of the QBR pack: denser type than the plan's."""
    body = ParagraphStyle("body", fontName=fonts.regular, fontSize=9, leading=12.5, textColor=INK)
    bold = fonts.bold
    return {
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
