"""What the workbook knows about each plan field, in one place: number formats, units,
allowed ranges (the input cells' data validation), enumerations and their labels, dates.

Every number format a sheet writes and every input check (data validation) comes from here:
:class:`Formats` (the codes of one plan), :func:`number_field` (format kind, unit and allowed
range of a plan path), :func:`path_format`, :func:`column_format` and :func:`figure_format`
(computed columns and key figures), :class:`InputChecks` and :func:`switch_check`."""

from __future__ import annotations

import math
import typing
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.numbers import get_currency_symbol
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planner import catalogue, i18n, model
from planner.plan.schema import MAX_MONEY, Investment, Partner, Resource


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


ENUMS: dict[str, tuple[str, ...]] = {
    "partner.kind": typing.get_args(Partner.model_fields["kind"].annotation),
    "category": typing.get_args(Investment.model_fields["category"].annotation),
    "function": typing.get_args(Resource.model_fields["function"].annotation),
    "language": i18n.LANGUAGES,
}

Range = tuple[str, float, float | None]
"""An allowed range: the validation type (``whole`` or ``decimal``), minimum and maximum; a
``whole`` maximum of 0 stands for the plan's ``months``, a ``decimal`` one of ``None`` for none."""

TEXT_UNITS = {"start": "xlsx.unit.start", "currency": "xlsx.unit.currency"}
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
    return ENUMS.get(path) or ENUMS.get(path.rsplit(".", 1)[-1])


_ENUM_LABELS = {"partner.kind": "kind", "category": "category", "function": "function"}
"""Enumerations shown in the workbook's language: field -> prefix of the labels in common.yaml."""


def _enum_prefix(path: str) -> str | None:
    return _ENUM_LABELS.get(path) or _ENUM_LABELS.get(path.rsplit(".", 1)[-1])


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


DATE_FIELDS = {"start": "yyyy-mm", "decision.date": "yyyy-mm-dd"}
"""Text fields that are dates: written as date cells (the import reads a date back as text)."""


def as_date(path: str, value: Any) -> date | None:
    if path not in DATE_FIELDS or not isinstance(value, str):
        return None
    parts = [int(p) for p in value.split("-")]
    if parts[0] < 1901:  # spreadsheet programs disagree about dates before March 1900
        return None
    return date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)


_COUNT_COLUMNS = frozenset({"headcount", "new_deals", "customers", "sales_fte", "delivery_fte"})


def column_format(key: str, fmt: Formats) -> str | None:
    if key in _COUNT_COLUMNS:
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


def path_format(path: str, fmt: Formats) -> str | None:
    """The number format of a plan path's value (a scenario's), ``None`` for general."""
    kind = number_field(path)[0]
    return None if kind == "general" else str(getattr(fmt, kind))
