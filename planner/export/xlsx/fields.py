"""What the workbook knows about each plan field, in one place: number formats, units,
allowed ranges (the input cells' data validation), enumerations and their labels, dates.

Every number format a sheet writes and every input check (data validation) comes from here:
:class:`Formats` (the codes of one plan), :func:`number_field` (format kind, unit and allowed
range of a plan path), :func:`path_format`, :func:`column_format` and :func:`figure_format`
(computed columns and key figures), :class:`InputChecks` and :func:`switch_check`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.numbers import get_currency_symbol
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planner import catalogue, i18n, model
from planner.plan.schema import COUNT_COLUMNS, MAX_MONEY


@dataclass(frozen=True)
class Formats:
    """Excel number-format codes for one plan (Excel stores ``,``/``.``; readers localise)."""

    money: str
    money_cents: str
    share: str = "0.0##%"
    count: str = "#,##0.00"
    whole: str = "0"
    general: str = "General"

    @classmethod
    def of(cls, currency: str, language: str) -> Formats:
        symbol = get_currency_symbol(currency, i18n.LOCALES.get(language, "en_GB")).replace('"', "")
        if language == "de":
            money = f'#,##0 "{symbol}";-#,##0 "{symbol}"'
            cents = f'#,##0.00 "{symbol}";-#,##0.00 "{symbol}"'
        else:
            money = f'"{symbol}"#,##0;-"{symbol}"#,##0'
            cents = f'"{symbol}"#,##0.00;-"{symbol}"#,##0.00'
        return cls(money=money, money_cents=cents)


_CODES = frozenset({"language"})
"""Choices the workbook writes as the plan file has them (a language as ``de``), not by label."""
ENUMS: dict[str, tuple[str, ...]] = {
    entry.pattern: entry.choices
    for entry in catalogue.entries()
    if entry.kind == "choice" and entry.terms
}
"""The workbook's enumerations, from the catalogue: every choice with labels of its options
(``partner.kind``, ``investments.*.category``, ``resources.*.function``, ``language``)."""

Range = tuple[str, float, float | None]
"""An allowed range: the validation type (``whole`` or ``decimal``), minimum and maximum; a
``whole`` maximum of 0 stands for the plan's ``months``, a ``decimal`` one of ``None`` for none."""

TEXT_UNITS = {
    entry.pattern: f"xlsx.unit.{entry.unit}"
    for entry in catalogue.entries()
    if entry.kind in ("year_month", "currency")
}
"""Unit texts of the text fields that have their own (the start month, the currency)."""
_GENERAL: tuple[str, str, Range | None] = ("general", "", None)


_FORMATS = {"money": "money_cents", "share": "share", "count": "count"}
"""Format kind of a field by its kind in the catalogue; any other number is whole."""


def number_field(path: str) -> tuple[str, str, Range | None]:
    """Format kind (a field of :class:`Formats`), unit text key and allowed range of a numeric
    plan path, all from its entry in the catalogue (planner/catalogue.py: kind, unit, the
    schema's bounds); a field without a unit there, and an uncertainty range (in the units of
    its path), is general and unchecked."""
    entry = catalogue.find(path)
    if path.split(".")[0] == "uncertainty" or entry is None or not entry.numeric:
        return _GENERAL
    if not entry.unit:
        return _GENERAL
    return (_FORMATS.get(entry.kind, "whole"), f"xlsx.unit.{entry.unit}", _range(entry))


def _range(entry: catalogue.Entry) -> Range:
    """The schema's range of a field as a data validation: a plan month's maximum is the
    horizon (0), an amount's none; a bound "below" a number is 9 decimals under it (Excel
    keeps 15 digits: the float just under 1 would read as 1)."""
    low = _plain(entry.low or 0.0)
    if entry.integer:
        return ("whole", low, 0 if entry.horizon else _plain(entry.high or 0.0))
    if entry.high is None or entry.high >= MAX_MONEY:
        return ("decimal", low, None)
    return ("decimal", low, _plain(math.floor(entry.high * 1e9) / 1e9))


def _plain(number: float) -> float:
    """A whole bound as an ``int`` (the validation's formula reads ``1``, not ``1.0``)."""
    return int(number) if float(number).is_integer() else number


class InputChecks:
    """The data validation of a sheet's input cells: one rule per allowed range and per list
    of choices, in the order first needed; :meth:`attach` puts them on the sheet."""

    def __init__(self, months: int) -> None:
        self.months = months
        self._ranges: dict[tuple[str, float, float | None], DataValidation] = {}
        self._lists: dict[tuple[str, ...], DataValidation] = {}

    def number(self, cell: Cell, check: Range) -> None:
        kind, low, high = check
        if kind == "whole" and high == 0:
            high = self.months  # months within the horizon
        if kind == "decimal" and high is None:
            high = 1e12
        key = (kind, low, high)
        if key not in self._ranges:
            self._ranges[key] = DataValidation(
                type=kind, operator="between", formula1=str(low), formula2=str(high)
            )
        self._ranges[key].add(cell)

    def choice(self, cell: Cell, words: tuple[str, ...]) -> None:
        if words not in self._lists:
            self._lists[words] = DataValidation(type="list", formula1='"' + ",".join(words) + '"')
        self._lists[words].add(cell)

    def attach(self, ws: Worksheet, message: str) -> None:
        for validation in [*self._ranges.values(), *self._lists.values()]:
            validation.error = message
            validation.showErrorMessage = True
            ws.add_data_validation(validation)


def switch_check(top: int, message: str) -> DataValidation:
    """The scenario switch's validation: a whole number from 0 (the base plan) to ``top``."""
    validation = DataValidation(type="whole", operator="between", formula1="0", formula2=str(top))
    validation.error = message
    validation.showErrorMessage = True
    return validation


def enum_choices(path: str) -> tuple[str, ...] | None:
    """The options of an enumerated plan path (``resources.0.function``), ``None`` for any
    other."""
    entry = catalogue.find(path)
    return ENUMS.get(entry.pattern) if entry is not None else None


def _enum_prefix(path: str) -> str | None:
    """The locale prefix of the labels of an enumerated field shown in the workbook's language
    (``function`` -> ``function.sales``), from the catalogue."""
    entry = catalogue.find(path)
    if entry is None or entry.pattern not in ENUMS or entry.pattern in _CODES:
        return None
    return entry.terms


def shown_enum(path: str, value: Any, language: str) -> Any:
    """An enumerated value as the workbook shows it (``function`` ``sales`` -> ``Vertrieb``).

    >>> shown_enum("resources.0.function", "sales", "de"), shown_enum("title", "x", "de")
    ('Vertrieb', 'x')
    """
    prefix = _enum_prefix(path)
    if prefix is None or not isinstance(value, str) or f"{prefix}.{value}" not in i18n.catalog():
        return value
    return i18n.t(f"{prefix}.{value}", language)


def enum_value(path: str, shown: Any) -> Any:
    """The plan's value of an enumerated field from what a cell holds: a label in any language
    (any case) or the value itself; anything else as it is (validation names it).

    >>> enum_value("partner.kind", "Systemintegrator"), enum_value("partner.kind", "msp")
    ('si', 'msp')
    """
    choices = enum_choices(path)
    prefix = _enum_prefix(path)
    if not choices or prefix is None or not isinstance(shown, str):
        return shown
    text = shown.strip().casefold()
    for choice in choices:
        words = {choice.casefold()}
        words |= {i18n.t(f"{prefix}.{choice}", lang).casefold() for lang in i18n.LANGUAGES}
        if text in words:
            return choice
    return shown


def enum_words(path: str, choice: str) -> list[str]:
    """Every text that means ``choice`` in a cell: the value and its labels."""
    prefix = _enum_prefix(path)
    words = [choice]
    if prefix is not None:
        words += [i18n.t(f"{prefix}.{choice}", lang) for lang in i18n.LANGUAGES]
    return list(dict.fromkeys(words))


_DATE_FORMATS = {"year_month": "yyyy-mm", "date": "yyyy-mm-dd"}
DATE_FIELDS = {
    entry.pattern: _DATE_FORMATS[entry.kind]
    for entry in catalogue.entries()
    if entry.kind in _DATE_FORMATS and "*" not in entry.pattern
}
"""Single text fields that are dates (their kind in the catalogue) with their number format:
written as date cells (the import reads a date back as text)."""


def as_date(path: str, value: Any) -> date | None:
    if path not in DATE_FIELDS or not isinstance(value, str):
        return None
    parts = [int(p) for p in value.split("-")]
    if parts[0] < 1901:  # spreadsheet programs disagree about dates before March 1900
        return None
    return date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)


def column_format(key: str, fmt: Formats) -> str | None:
    if key in COUNT_COLUMNS:
        return fmt.count
    if key in ("month", "plan_year", "year_months"):
        return fmt.whole
    if key.startswith("tier_") or key == "rebate_rate":
        return fmt.share
    if key == "date":
        return "yyyy-mm"
    if key == "year_end":
        return None
    return fmt.money


def figure_format(figure: str, fmt: Formats) -> str:
    if figure in ("irr", "roi"):
        return "0.0%"
    if figure in model.MONTH_FIGURES:
        return fmt.whole
    return fmt.money


_ITEM_FORMATS = {"money": "money", "share": "share", "count": "count"}


def item_format(pattern: str, fmt: Formats) -> str | None:
    """The number format of an item's parameter on a helper sheet (``resources.*.fte``) by its
    kind in the catalogue: amounts in whole units, months and other whole numbers as such;
    ``None`` (general) for text, a choice and anything that is no field."""
    entry = catalogue.find(pattern)
    if entry is None or not entry.numeric:
        return None
    return str(getattr(fmt, _ITEM_FORMATS.get(entry.kind, "whole")))


def path_format(path: str, fmt: Formats) -> str | None:
    """The number format of a plan path's value (a scenario's), ``None`` for general."""
    kind = number_field(path)[0]
    return None if kind == "general" else str(getattr(fmt, kind))
