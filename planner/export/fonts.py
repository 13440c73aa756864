"""The PDF's fonts, shipped with the install, and how text is set in them.

No system font is read: the files come with the installation, so a PDF prints the same names
on every machine.

- DejaVu Sans (regular and bold) and DejaVu Sans Mono draw Latin, Greek, Cyrillic, Arabic and
  Hebrew. They come from matplotlib's package data (``mpl-data/fonts/ttf``, with its
  ``LICENSE_DEJAVU``), installed by ``requirements.txt``; only the files are read, matplotlib
  itself is never imported.
- Droid Sans Fallback draws Chinese, Japanese and Korean (``planner/fonts``, Apache 2.0, see the
  README there). It is loaded only when a document holds a character DejaVu lacks.

reportlab embeds the glyphs a document uses from each font (TrueType subsets), so the PDF
carries its fonts (PDF/A).

Right-to-left text: Arabic letters take their joined forms (:mod:`arabic_reshaper`, configured
with the ligatures DejaVu Sans has) and right-to-left runs are put in the order they are seen
(:mod:`bidi`, the Unicode bidirectional algorithm), because the PDF draws every string left to
right. A text is one unit, as a name is: its direction is right to left when it has right-to-left
letters and no left-to-right ones, else left to right (the documents are German or English). A
paragraph that wraps inside a right-to-left run keeps the run's words in the order of one line.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

CJK_NAME = "PlanCJK"
CJK_FILE = Path(__file__).resolve().parent.parent / "fonts" / "DroidSansFallback.ttf"
"""Droid Sans Fallback, in the repository with its licence."""
FACES = {
    "PlanSans": "DejaVuSans.ttf",
    "PlanSans-Bold": "DejaVuSans-Bold.ttf",
    "PlanMono": "DejaVuSansMono.ttf",
}
"""The main faces by the name the PDF registers them under: files of :func:`dejavu_dir`."""


class FontMissingError(RuntimeError):
    """A font file of the installation is missing: the install is incomplete."""


FONT_PACKAGE = "matplotlib"
"""The installed package whose data holds DejaVu Sans (``mpl-data/fonts/ttf``)."""


def dejavu_dir() -> Path:
    """The folder of matplotlib's DejaVu fonts (found without importing matplotlib)."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is None or spec.origin is None:
        raise FontMissingError(
            f"the PDF's fonts are missing: {FONT_PACKAGE} (which ships DejaVu Sans) is not"
            " installed; install requirements.txt"
        )
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


def files() -> dict[str, Path]:
    """Every font file the PDF may embed, by the name it is registered under."""
    folder = dejavu_dir()
    return {name: folder / file for name, file in FACES.items()} | {CJK_NAME: CJK_FILE}


def _load(name: str, path: Path) -> TTFont:
    try:
        font = TTFont(name, str(path))
    except (OSError, TTFError) as error:
        raise FontMissingError(
            f"the PDF's font {path.name} cannot be read ({error}); install requirements.txt"
        ) from None
    _mend_advances(font.face)
    return font


def _mend_advances(face: Any) -> None:
    """Give the glyphs past the font's last full horizontal metric its advance in font units.

    A TrueType ``hmtx`` table lists an advance for the first ``numberOfHMetrics`` glyphs only;
    the rest share the last one. reportlab keeps that shared advance already scaled to 1/1000
    em and copies it into the subsets it embeds, so their advances disagreed with the PDF's
    widths (DejaVu Sans Mono: 602 units instead of 1233), which PDF/A forbids.
    """
    full = int.from_bytes(face.get_table("hhea")[34:36], "big")
    if 0 < full < len(face.hmetrics):
        advance = face.hmetrics[full - 1][0]
        face.hmetrics[full:] = [(advance, lsb) for _, lsb in face.hmetrics[full:]]


RTL_RANGES = (("\u0590", "\u08ff"), ("\ufb1d", "\ufdff"), ("\ufe70", "\ufefc"))
"""Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation forms."""
ARABIC_RANGES = (("\u0600", "\u06ff"), ("\u0750", "\u077f"), ("\u08a0", "\u08ff"))


def _within(text: str, ranges: tuple[tuple[str, str], ...]) -> bool:
    return any(low <= ch <= high for ch in text for low, high in ranges)


@cache
def _reshaper() -> Any:
    from arabic_reshaper import ArabicReshaper, config_for_true_type_font

    # Only the ligatures both DejaVu faces draw: a ligature the font lacks would print as a box.
    regular, bold = (dejavu_dir() / FACES[face] for face in ("PlanSans", "PlanSans-Bold"))
    config = config_for_true_type_font(str(regular))
    bold_config = config_for_true_type_font(str(bold))
    return ArabicReshaper(configuration={k: v and bold_config.get(k, v) for k, v in config.items()})


def visual(text: str) -> str:
    """``text`` as it is seen: Arabic letters joined, right-to-left runs reversed.

    >>> visual("Anna Berger")
    'Anna Berger'
    >>> visual("שלום")
    'םולש'
    >>> visual("Partner שלום GmbH")
    'Partner םולש GmbH'
    """
    if not text or max(text) < "\u0590" or not _within(text, RTL_RANGES):
        return text
    from bidi import get_display

    if _within(text, ARABIC_RANGES):
        text = _reshaper().reshape(text)
    ltr = any(unicodedata.bidirectional(ch) == "L" for ch in text)
    return str(get_display(_unbroken(text), base_dir="L" if ltr else "R"))


def _unbroken(text: str) -> str:
    """``text`` with the spaces inside right-to-left runs made no-break spaces: a line never
    breaks inside such a run, whose words are already in the order of one line."""
    kinds = [unicodedata.bidirectional(ch) for ch in text]
    strong = [k if k in ("L", "R", "AL") else "" for k in kinds]
    before: list[str] = []
    last = ""
    for kind in strong:
        before.append(last)
        last = kind or last
    out = list(text)
    following = ""
    for i in range(len(text) - 1, -1, -1):
        if text[i] == " " and before[i] in ("R", "AL") and following in ("R", "AL"):
            out[i] = "\u00a0"
        following = strong[i] or following
    return "".join(out)


@dataclass(frozen=True)
class Fonts:
    """The registered main faces and what they draw."""

    regular: str
    bold: str
    mono: str
    covers: Callable[[str], bool]
    """Whether the regular and bold faces draw a character."""

    def runs(self, text: str) -> list[tuple[bool, str]]:
        """``text`` as it is seen (:func:`visual`), split into runs the main faces draw
        (False) and runs the CJK font draws (True)."""
        if not text or max(text) < "\u0250":  # Latin only (the common case): one run
            return [(False, text)] if text else []
        out: list[tuple[bool, str]] = []
        for ch in visual(text):
            other = not self.covers(ch) and cjk_covers(ch)
            if not other and not self.covers(ch):
                ch = "?"  # a joined Arabic form the font lacks (none known): never a box
            if out and out[-1][0] == other:
                out[-1] = (other, out[-1][1] + ch)
            else:
                out.append((other, ch))
        return out


@cache
def cjk() -> frozenset[int]:
    """The code points of the CJK font, registered on first use."""
    font = _load(CJK_NAME, CJK_FILE)
    pdfmetrics.registerFont(font)
    # One face for every style: the CJK font has no bold, reportlab needs the family mapped.
    pdfmetrics.registerFontFamily(
        CJK_NAME, normal=CJK_NAME, bold=CJK_NAME, italic=CJK_NAME, boldItalic=CJK_NAME
    )
    return frozenset(font.face.charToGlyph)


def cjk_covers(ch: str) -> bool:
    """Whether the CJK font draws ``ch`` (below U+0250 it is never needed: no file is read)."""
    return ord(ch) >= 0x250 and ord(ch) in cjk()


@cache
def main() -> Fonts:
    """The main faces, registered once."""
    loaded = {name: _load(name, path) for name, path in files().items() if name != CJK_NAME}
    for font in loaded.values():
        pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily(
        "PlanSans",
        normal="PlanSans",
        bold="PlanSans-Bold",
        # No italics in the document: two fewer font files to load on the first build.
        italic="PlanSans",
        boldItalic="PlanSans-Bold",
    )
    glyphs = frozenset(loaded["PlanSans"].face.charToGlyph) & frozenset(
        loaded["PlanSans-Bold"].face.charToGlyph
    )
    return Fonts("PlanSans", "PlanSans-Bold", "PlanMono", lambda ch: ord(ch) in glyphs)


def _embedded(name: str) -> str:
    """``name``, or the main face that stands in for it when it is a standard font (which a
    PDF names without embedding it)."""
    if pdfmetrics.getFont(name)._dynamicFont:
        return name
    return main().bold if "Bold" in name else main().regular


class _EmbeddingText(PDFTextObject):  # type: ignore[misc]
    def setFont(  # noqa: N802 (reportlab's name)
        self, psfontname: str, size: float, leading: float | None = None
    ) -> None:
        super().setFont(_embedded(psfontname), size, leading)

    def _setFont(self, psfontname: str, size: float) -> None:  # noqa: N802
        super()._setFont(_embedded(psfontname), size)


class EmbeddingCanvas(Canvas):  # type: ignore[misc]
    """A canvas that names no font it does not embed.

    reportlab falls back on its standard fonts (Helvetica, Times-Roman), which a PDF references
    without embedding them: in a page's preamble, a table cell's or a drawing's initial state,
    a paragraph's bullet without a font of its own. Here the main faces stand in for them (a
    PDF/A file embeds every font it names).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initialFontName"] = kwargs.get("initialFontName") or main().regular
        super().__init__(*args, **kwargs)

    def setFont(  # noqa: N802 (reportlab's name)
        self, psfontname: str, size: float, leading: float | None = None
    ) -> None:
        super().setFont(_embedded(psfontname), size, leading)

    def beginText(  # noqa: N802 (reportlab's name)
        self, x: float = 0, y: float = 0, direction: str | None = None
    ) -> PDFTextObject:
        return _EmbeddingText(self, x, y, direction=direction)


__all__ = [
    "CJK_FILE",
    "CJK_NAME",
    "FACES",
    "EmbeddingCanvas",
    "FontMissingError",
    "Fonts",
    "cjk",
    "cjk_covers",
    "dejavu_dir",
    "files",
    "main",
    "visual",
]
