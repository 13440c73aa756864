"""Writing cells: user text as literal text, fonts and fills, one cached style per
combination, headings, column widths, print setup and the master check an output sheet shows."""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner import i18n

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def escape_text(text: str) -> str:
    """Text as an OOXML string: characters XML cannot hold (and ``_`` before ``xHHHH_``) as
    ``_xHHHH_``, the way spreadsheet programs store them.

    >>> escape_text("a\\x01b_x0041_")
    'a_x0001_b_x005F_x0041_'
    """
    return _CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def unescape_text(text: str) -> str:
    """The inverse of :func:`escape_text`.

    >>> unescape_text('a_x0001_b_x005F_x0041_')
    'a\\x01b_x0041_'
    """
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def exact_text(value: Any) -> str:
    """``repr`` of a float whose 16 significant digits (what a cell stores) would round it,
    else ``""``; the import takes it back when the cell still holds the rounded number.

    >>> exact_text(0.24785421176924363), exact_text(0.25)
    ('0.24785421176924363', '')
    """
    if isinstance(value, float) and float(f"{value:.16g}") != value:
        return repr(value)
    return ""


FONT = "Arial"
"""Named on every style: without a name LibreOffice falls back to a serif font. Arial is on
every office machine; LibreOffice on Linux uses the metric-compatible Liberation Sans."""
BODY = Font(name=FONT, size=10)
BOLD = Font(name=FONT, size=10, bold=True)
KEY_FONT = Font(name=FONT, color="808080", size=8)
TITLE_FONT = Font(name=FONT, bold=True, size=13)
NOTE_FONT = Font(name=FONT, italic=True, size=9, color="404040")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
HELPER_FILL = PatternFill("solid", fgColor="EDEDED")
CHECK_FILL = PatternFill("solid", fgColor="E2EFDA")
_WRAP = Alignment(wrap_text=True, vertical="top")


_STYLES: WeakKeyDictionary[Workbook, dict[tuple[Any, ...], Any]] = WeakKeyDictionary()


def style(
    cell: Cell,
    fmt: str | None = None,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    quote: bool = False,
    wrap: bool = False,
) -> Cell:
    """Style a cell (always with a named font); each combination is built once per workbook
    and then copied, as openpyxl's per-attribute styling costs more than writing the cell."""
    font = font or BODY
    cache = _STYLES.setdefault(cell.parent.parent, {})
    key = (fmt, id(font), id(fill), quote, wrap)
    made = cache.get(key)
    if made is not None:
        cell._style = copy.copy(made)
        return cell
    cell._style = StyleArray()  # the cache keeps exactly what is asked for, nothing inherited
    if fmt:
        cell.number_format = fmt
    cell.font = font
    if fill:
        cell.fill = fill
    if quote:
        cell.quotePrefix = True
    if wrap:
        cell.alignment = _WRAP
    cache[key] = copy.copy(cell._style)
    return cell


def put_text(
    cell: Cell,
    text: str,
    fmt: str | None = None,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    wrap: bool = False,
) -> Cell:
    """Store user text as a literal string: never a formula, an error code or a number."""
    cell.value = escape_text(text)
    cell.data_type = "s"
    return style(cell, fmt, font=font, fill=fill, quote=True, wrap=wrap)


def put(
    ws: Worksheet,
    row: int,
    column: int,
    value: Any,
    fmt: str | None = None,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    wrap: bool = False,
) -> Cell:
    """A value cell: text always as text, numbers and booleans as they are."""
    cell: Cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        return put_text(cell, value, fmt, font=font, fill=fill, wrap=wrap)
    cell.value = value
    return style(cell, fmt, font=font, fill=fill, wrap=wrap)


def fx(
    ws: Worksheet,
    row: int,
    column: int,
    formula: str,
    fmt: str | None = None,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
) -> Cell:
    """A formula cell (``formula`` without the leading ``=``); only generated text gets here."""
    cell: Cell = ws.cell(row=row, column=column, value="=" + formula)
    return style(cell, fmt, font=font, fill=fill)


def header(
    ws: Worksheet,
    row: int,
    texts: Sequence[str],
    *,
    fill: bool = True,
    height: float = 0,
    wrap: bool = True,
) -> None:
    """A row of bold headings, from column A (on the heading fill unless ``fill`` is false)."""
    for column, text in enumerate(texts, start=1):
        put(ws, row, column, text, font=BOLD, fill=HEAD_FILL if fill else None, wrap=wrap)
    if height:  # wrapped headings get their height: programs do not grow rows on opening
        ws.row_dimensions[row].height = height


def key_row(ws: Worksheet, row: int, keys: Sequence[str]) -> None:
    for column, key in enumerate(keys, start=1):
        put(ws, row, column, key, font=KEY_FONT)


def widths(ws: Worksheet, sizes: Mapping[int, float]) -> None:
    for column, width in sizes.items():
        ws.column_dimensions[get_column_letter(column)].width = width


def print_setup(
    ws: Worksheet,
    title_rows: str | None,
    *,
    portrait: bool = False,
    fit_width: bool = True,
    title_cols: str | None = None,
    scale: int | None = None,
) -> None:
    """A4; ``fit_width``: all columns on one page wide (the sheet must be narrow enough to stay
    readable), else pages at ``scale`` % with the breaks the caller sets."""
    ws.page_setup.orientation = "portrait" if portrait else "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    if fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    elif scale:
        ws.page_setup.scale = scale
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols


def status_format(language: str) -> str:
    """Number format of the master check: "OK" at 0, else the count of failing checks."""
    failing = i18n.t("xlsx.checks.failing", language).replace('"', "")
    return f'[Red]0" {failing}";[Red]-0;"OK"'


def show_master(ws: Worksheet, row: int, column: int, language: str, value: int = 0) -> None:
    """The master check on an output sheet: label and value (``OK`` or how many fail), the
    value in column ``value`` (default: the next one)."""
    put(ws, row, column, i18n.t("xlsx.checks.master", language), font=BOLD)
    where = value or column + 1
    fx(ws, row, where, "check_master", status_format(language), font=BOLD, fill=CHECK_FILL)


def fit_height(ws: Worksheet, row: int, *texts: tuple[str | None, float]) -> None:
    """A row as high as its longest wrapped text (programs do not grow rows on opening)."""
    lines = max(1, *(math.ceil(len(text) * 1.15 / width) for text, width in texts if text))
    if lines > 1:
        ws.row_dimensions[row].height = 12.75 * lines
