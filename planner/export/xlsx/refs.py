"""The workbook's names and references: plan paths as defined names, absolute references
across sheets, and the tolerance of the checks that totals tie out."""

from __future__ import annotations

import re

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName

TOLERANCE = "1E-6"
"""Relative tolerance of the checks that totals tie out (floating-point sums differ in the
last digits)."""


def defined_name(path: str) -> str:
    """The workbook name of a plan path: dots (and so list indexes) become underscores.

    >>> defined_name("vendor_programme.rebate_tiers.1.rate")
    'vendor_programme_rebate_tiers_1_rate'
    """
    return path.replace(".", "_")


def quoted(sheet: str) -> str:
    """A sheet name as a formula writes it: quoted unless it is a plain ASCII word."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def ref(
    sheet: str, column: int, row: int, row_end: int | None = None, col_end: int | None = None
) -> str:
    """An absolute reference such as ``'Key figures'!$B$3`` or ``Monthly!$C$3:$C$38``."""
    start = f"${get_column_letter(column)}${row}"
    if row_end is None and col_end is None:
        return f"{quoted(sheet)}!{start}"
    end = f"${get_column_letter(col_end or column)}${row_end or row}"
    return f"{quoted(sheet)}!{start}:{end}"


def add_name(wb: Workbook, name: str, target: str) -> None:
    """A workbook-level defined name for ``target``; a name given twice is a bug, not a choice."""
    if name in wb.defined_names:
        raise ValueError(f"defined name {name!r} is used twice")
    wb.defined_names[name] = DefinedName(name, attr_text=target)


def tie(got: str, expected: str) -> str:
    """A condition true when ``got`` differs from ``expected`` beyond :data:`TOLERANCE`."""
    return f"ABS(({got})-({expected}))>{TOLERANCE}*MAX(1,ABS({expected}))"
