"""The plan as a live XLSX model (openpyxl), laid out the way financial models are audited
(FAST standard, ICAEW Financial Modelling Code): inputs, calculations and outputs on separate
sheets, one scenario switch, a Checks sheet whose master check every output sheet shows.

Sheets, named in the plan's language (:data:`SHEET_NAMES`, the one place for them):

- outputs: ``Summary`` (key figures, the master check, native charts), ``P&L`` (plan years as
  columns), ``Key figures`` (both sides, docs/model.md section 4), the results on
  ``Scenarios``;
- inputs: ``Inputs`` (every plan value, one per row, with its reasoning; each cell a
  workbook-level defined name such as ``revenue_deal_size``, and the scenario switch), the
  scenario definitions on ``Scenarios`` (read back on import), ``Actuals``;
- calculations: the values in use under the switch (``Scenarios``), ``Team`` and
  ``Investments`` (per-item helper columns), ``Monthly`` (every docs/model.md monthly column as
  formulas, one generator per column in :data:`MONTHLY_FORMULAS`), ``Yearly``;
- ``Checks`` (totals tie out, the shape matches ``months`` and the lists, no error values, a
  valid switch) and ``Sign-off``.

Sign convention: costs are positive amounts on the P&L lines (a line that is subtracted says
so with "−"), cash flows carry their sign. User text is data: it is written as a string cell
(never a formula), with a quote prefix so that editing it keeps it text, and with characters
XML cannot carry escaped the OOXML way (``_x0001_``). Money is in the plan's currency, rates
are fractions shown as percentages.
"""

from __future__ import annotations

import copy
import io
import json
import math
import re
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date
from typing import Any
from weakref import WeakKeyDictionary

from babel.numbers import get_currency_symbol
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from planner import i18n, model, privacy
from planner.export import Evidence
from planner.plan import MONTHLY_COLUMNS, VALUE_COLUMNS, Investment, Partner, Plan, Resource
from planner.plan import content_hash as plan_hash

SHEET_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "summary": "Summary",
        "inputs": "Inputs",
        "scenarios": "Scenarios",
        "team": "Team",
        "investments": "Investments",
        "monthly": "Monthly",
        "yearly": "Yearly",
        "pnl": "P&L",
        "figures": "Key figures",
        "checks": "Checks",
        "actuals": "Actuals",
        "signoff": "Sign-off",
    },
    "de": {
        "summary": "Übersicht",
        "inputs": "Eingaben",
        "scenarios": "Szenarien",
        "team": "Team",
        "investments": "Investitionen",
        "monthly": "Monate",
        "yearly": "Jahre",
        "pnl": "GuV",
        "figures": "Kennzahlen",
        "checks": "Prüfungen",
        "actuals": "Ist-Werte",
        "signoff": "Freigabe",
    },
}
"""Sheet names per language, by role, in the workbook's order: the one place for them."""
PROTECTED = ("summary", "team", "investments", "monthly", "yearly", "pnl", "checks")
"""Sheets of formulas only: protected without a password against overwriting by mistake."""


def sheet_name(key: str, language: str) -> str:
    """The name of sheet ``key`` in a workbook of ``language``.

    >>> sheet_name("inputs", "de"), sheet_name("pnl", "en")
    ('Eingaben', 'P&L')
    """
    return SHEET_NAMES.get(language, SHEET_NAMES["en"])[key]


def sheet_names(key: str) -> tuple[str, ...]:
    """Every name sheet ``key`` has in some language (an import finds it by any of them)."""
    return tuple(dict.fromkeys(names[key] for names in SHEET_NAMES.values()))


INPUT_PATH_COLUMN = 1
INPUT_VALUE_COLUMN = 3
INPUT_EXACT_COLUMN = 5
"""Hidden: the exact value (``repr``) of a float that the 16 digits of a cell would round."""
INPUT_NOTE_COLUMN = 6
"""The reasoning behind the value (the plan's ``notes``), read back on import."""
SWITCH_ROW = 2
"""Row of the scenario switch on ``Inputs`` (no path in column A: the import skips it)."""
INPUT_FIRST_ROW = 4
NOTE_PREFIX = "notes."
"""Column A of a note without an input row of its own: ``notes.<path>``, text in column F."""
MONTHLY_FIRST_ROW = 3
"""Row of plan month 1 on ``Monthly``: row 1 holds labels, row 2 docs/model.md's column keys."""
DEFINITIONS_KEYS = ("name", "path", "value", "type")
"""Key row that starts the scenario definitions on ``Scenarios`` (read back on import)."""
DEFINITION_NOTE_COLUMN = 6
TOLERANCE = "1E-6"
"""Relative tolerance of the checks that totals tie out (floating-point sums differ in the
last digits)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")

HELPERS: tuple[str, ...] = (
    "plan_year",
    "price",
    "sales_fte",
    "delivery_fte",
    "capacity",
    "open",
    "year_months",
    "year_end",
    "year_sell_in",
)
"""Intermediate quantities of docs/model.md section 2, as helper columns right of the table."""

# --- text and formats --------------------------------------------------------------------


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


def defined_name(path: str) -> str:
    """The workbook name of a plan path: dots (and so list indexes) become underscores.

    >>> defined_name("vendor_programme.rebate_tiers.1.rate")
    'vendor_programme_rebate_tiers_1_rate'
    """
    return path.replace(".", "_")


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


FONT = "Arial"
"""Named on every style: without a name LibreOffice falls back to a serif font. Arial is on
every office machine; LibreOffice on Linux uses the metric-compatible Liberation Sans."""
_BODY = Font(name=FONT, size=10)
_BOLD = Font(name=FONT, size=10, bold=True)
_KEY_FONT = Font(name=FONT, color="808080", size=8)
_TITLE_FONT = Font(name=FONT, bold=True, size=13)
_NOTE_FONT = Font(name=FONT, italic=True, size=9, color="404040")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_HELPER_FILL = PatternFill("solid", fgColor="EDEDED")
_CHECK_FILL = PatternFill("solid", fgColor="E2EFDA")
_WRAP = Alignment(wrap_text=True, vertical="top")


_STYLES: WeakKeyDictionary[Workbook, dict[tuple[Any, ...], Any]] = WeakKeyDictionary()


def _style(
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
    font = font or _BODY
    cache = _STYLES.setdefault(cell.parent.parent, {})
    key = (fmt, id(font), id(fill), quote, wrap)
    style = cache.get(key)
    if style is not None:
        cell._style = copy.copy(style)
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
    return _style(cell, fmt, font=font, fill=fill, quote=True, wrap=wrap)


def _put(
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
    return _style(cell, fmt, font=font, fill=fill, wrap=wrap)


def _fx(
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
    return _style(cell, fmt, font=font, fill=fill)


def _header(
    ws: Worksheet, row: int, texts: Sequence[str], *, fill: bool = True, height: float = 0
) -> None:
    for column, text in enumerate(texts, start=1):
        _put(ws, row, column, text, font=_BOLD, fill=_HEAD_FILL if fill else None, wrap=True)
    if height:  # wrapped headings get their height: programs do not grow rows on opening
        ws.row_dimensions[row].height = height


def _keys(ws: Worksheet, row: int, keys: Sequence[str]) -> None:
    for column, key in enumerate(keys, start=1):
        _put(ws, row, column, key, font=_KEY_FONT)


def _widths(ws: Worksheet, widths: Mapping[int, float]) -> None:
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width


def _print_setup(
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


def _quoted(sheet: str) -> str:
    """A sheet name as a formula writes it: quoted unless it is a plain ASCII word."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def _ref(
    sheet: str, column: int, row: int, row_end: int | None = None, col_end: int | None = None
) -> str:
    """An absolute reference such as ``'Key figures'!$B$3`` or ``Monthly!$C$3:$C$38``."""
    start = f"${get_column_letter(column)}${row}"
    if row_end is None and col_end is None:
        return f"{_quoted(sheet)}!{start}"
    end = f"${get_column_letter(col_end or column)}${row_end or row}"
    return f"{_quoted(sheet)}!{start}:{end}"


def _name(wb: Workbook, name: str, target: str) -> None:
    if name in wb.defined_names:
        raise ValueError(f"defined name {name!r} is used twice")
    wb.defined_names[name] = DefinedName(name, attr_text=target)


def _tie(got: str, expected: str) -> str:
    """A condition true when ``got`` differs from ``expected`` beyond :data:`TOLERANCE`."""
    return f"ABS(({got})-({expected}))>{TOLERANCE}*MAX(1,ABS({expected}))"


def _status_format(language: str) -> str:
    """Number format of the master check: "OK" at 0, else the count of failing checks."""
    failing = i18n.t("xlsx.checks.failing", language).replace('"', "")
    return f'[Red]0" {failing}";[Red]-0;"OK"'


def _show_master(ws: Worksheet, row: int, column: int, language: str, value: int = 0) -> None:
    """The master check on an output sheet: label and value (``OK`` or how many fail), the
    value in column ``value`` (default: the next one)."""
    _put(ws, row, column, i18n.t("xlsx.checks.master", language), font=_BOLD)
    where = value or column + 1
    _fx(ws, row, where, "check_master", _status_format(language), font=_BOLD, fill=_CHECK_FILL)


# --- Inputs ------------------------------------------------------------------------------

_ENUMS: dict[str, tuple[str, ...]] = {
    "partner.kind": typing.get_args(Partner.model_fields["kind"].annotation),
    "category": typing.get_args(Investment.model_fields["category"].annotation),
    "function": typing.get_args(Resource.model_fields["function"].annotation),
    "language": i18n.LANGUAGES,
}

# leaf field -> (format kind, unit text key, validation (type, min, max) or None)
_NUMBER_FIELDS: dict[str, tuple[str, str, tuple[str, float, float | None] | None]] = {
    "version": ("whole", "xlsx.unit.version", ("whole", 1, 1)),
    "months": ("whole", "xlsx.unit.horizon", ("whole", 12, 120)),
    "discount_rate": ("share", "xlsx.unit.share_year", ("decimal", 0, 1)),
    "opex_per_month": ("money_cents", "xlsx.unit.money_month", ("decimal", 0, None)),
    "amount": ("money_cents", "xlsx.unit.money", ("decimal", 0, None)),
    "month": ("whole", "xlsx.unit.plan_month", ("whole", 1, 0)),
    "every_months": ("whole", "xlsx.unit.every", ("whole", 0, 120)),
    "vendor_share": ("share", "xlsx.unit.share", ("decimal", 0, 1)),
    "fte": ("count", "xlsx.unit.fte", ("decimal", 0, 1000)),
    "start_month": ("whole", "xlsx.unit.plan_month", ("whole", 1, 0)),
    "annual_cost": ("money_cents", "xlsx.unit.money_year", ("decimal", 0, None)),
    "ramp_months": ("whole", "xlsx.unit.ramp", ("whole", 0, 0)),
    "deals_per_sales_fte_month": ("count", "xlsx.unit.deals", ("decimal", 0, None)),
    "deal_size": ("money_cents", "xlsx.unit.money_deal", ("decimal", 0, None)),
    "monthly_churn": ("share", "xlsx.unit.share_month", ("decimal", 0, 1)),
    "annual_price_uplift": ("share", "xlsx.unit.share_year", ("decimal", 0, 1)),
    "partner_margin": ("share", "xlsx.unit.margin", ("decimal", 0, 0.999999999)),
    "services_per_deal": ("money_cents", "xlsx.unit.money_deal", ("decimal", 0, None)),
    "delivery_capacity_per_fte_month": (
        "money_cents",
        "xlsx.unit.money_fte_month",
        ("decimal", 0, None),
    ),
    "managed_fee_per_customer_month": (
        "money_cents",
        "xlsx.unit.money_customer_month",
        ("decimal", 0, None),
    ),
    "mdf_rate": ("share", "xlsx.unit.share", ("decimal", 0, 1)),
    "threshold": ("money_cents", "xlsx.unit.money_year", ("decimal", 0, None)),
    "rate": ("share", "xlsx.unit.share", ("decimal", 0, 1)),
    "gross_margin": ("share", "xlsx.unit.share", ("decimal", 0, 1)),
    "partner_manager_fte": ("count", "xlsx.unit.fte", ("decimal", 0, 1000)),
    "partner_manager_annual_cost": ("money_cents", "xlsx.unit.money_year", ("decimal", 0, None)),
}
_TEXT_UNITS = {"start": "xlsx.unit.start", "currency": "xlsx.unit.currency"}
_SECTIONS = (
    "investments",
    "resources",
    "revenue",
    "vendor_programme",
    "private",
    "uncertainty",
    "decision",
)


@dataclass(frozen=True)
class InputRow:
    """One plan value on ``Inputs``: its path, value and where it sits."""

    path: str
    value: Any
    row: int


def plan_values(plan: Plan) -> Iterator[tuple[str, Any]]:
    """Every value of the plan by dotted path, in file order (scenarios and actuals aside)."""
    data = plan.to_data()
    data.pop("scenarios", None)
    data.pop("actuals", None)
    data.pop("notes", None)  # the reasoning sits beside the values (:func:`note_places`)

    def walk(prefix: str, node: Any) -> Iterator[tuple[str, Any]]:
        if isinstance(node, dict):
            for key, value in node.items():
                yield from walk(f"{prefix}.{key}" if prefix else key, value)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(f"{prefix}.{index}", value)
        else:
            yield prefix, node

    yield from walk("", data)


def _section(path: str) -> str:
    root = path.split(".")[0]
    return root if root in _SECTIONS else "general"


def _input_label(path: str, language: str) -> str:
    parts = path.split(".")
    if parts[0] == "private" and len(parts) == 3 and parts[2].isdigit():
        return i18n.t(f"xlsx.label.private.{parts[1]}", language, n=int(parts[2]) + 1)
    index = next((i for i, part in enumerate(parts) if part.isdigit()), None)
    if index is None:
        for key in (f"label.{path}", f"xlsx.label.{path}"):
            if key in i18n.catalog():
                return i18n.t(key, language)
        return path
    item = parts[index - 1]
    head = i18n.t(f"xlsx.item.{item}", language, n=int(parts[index]) + 1)
    leaf = ".".join(parts[index + 1 :])
    text = leaf
    for key in (f"label.{leaf}", f"xlsx.label.{leaf}"):
        if key in i18n.catalog():
            text = i18n.t(key, language)
            break
    return f"{head}: {text}"


def _enum_of(path: str) -> tuple[str, ...] | None:
    return _ENUMS.get(path) or _ENUMS.get(path.rsplit(".", 1)[-1])


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
    choices = _enum_of(path)
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


def _enum_words(path: str, choice: str) -> list[str]:
    """Every text that means ``choice`` in a cell: the value and its labels."""
    prefix = _enum_prefix(path)
    words = [choice]
    if prefix is not None:
        words += [i18n.t(f"{prefix}.{choice}", lang) for lang in i18n.LANGUAGES]
    return list(dict.fromkeys(words))


_DATE_FIELDS = {"start": "yyyy-mm", "decision.date": "yyyy-mm-dd"}
"""Text fields that are dates: written as date cells (the import reads a date back as text)."""


def _as_date(path: str, value: Any) -> date | None:
    if path not in _DATE_FIELDS or not isinstance(value, str):
        return None
    parts = [int(p) for p in value.split("-")]
    if parts[0] < 1901:  # spreadsheet programs disagree about dates before March 1900
        return None
    return date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)


# --- the scenario switch ----------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioSwitch:
    """What the switch on ``Inputs`` chooses from: 0 the base plan, ``k`` the k-th scenario.

    A scenario is *live* when it keeps the workbook's shape (``months`` and every list's
    length): then its changes, by leaf path, flow through the formulas of the values in use on
    ``Scenarios``. One that changes the shape cannot (the Checks sheet flags choosing it)."""

    names: tuple[str, ...] = ()
    live: tuple[bool, ...] = ()
    changes: tuple[Mapping[str, Any], ...] = ()
    paths: tuple[str, ...] = ()
    """Every path a live scenario changes, in the order of ``Inputs``."""


def scenario_switch(plan: Plan) -> ScenarioSwitch:
    """The plan's scenarios as the switch offers them."""
    if not plan.scenarios:
        return ScenarioSwitch()
    base = {k: v for k, v in plan_values(plan) if not k.startswith("uncertainty.")}
    names, live, changes = [], [], []
    touched: set[str] = set()
    for scenario in plan.scenarios:
        variant = dict(plan_values(plan.scenario(scenario.name)))
        changed = {
            path: value
            for path, value in variant.items()
            if path not in base or base[path] != value or type(base[path]) is not type(value)
        }
        ok = set(variant) == set(base) and "months" not in changed
        names.append(scenario.name)
        live.append(ok)
        changes.append(changed if ok else {})
        if ok:
            touched |= set(changed)
    order = [path for path in base if path in touched]
    return ScenarioSwitch(tuple(names), tuple(live), tuple(changes), tuple(order))


# --- the workbook being built -----------------------------------------------------------


@dataclass
class Book:
    """Everything the sheet writers share: the workbook, the plan and how it is shown."""

    wb: Workbook
    plan: Plan
    language: str
    fmt: Formats
    switch: ScenarioSwitch
    notes: Mapping[str, str]
    economics: bool = True
    shown: Sequence[str] = MONTHLY_COLUMNS
    locked: bool = False
    """The switch stays at the base plan: an edition whose formulas hold model values."""
    used_notes: set[str] = field(default_factory=set)
    definition_rows: dict[tuple[int, str], int] = field(default_factory=dict)

    def sheet(self, key: str) -> str:
        return sheet_name(key, self.language)

    def t(self, key: str, **values: Any) -> str:
        return i18n.t(key, self.language, **values)

    def note(self, key: str) -> str | None:
        text = self.notes.get(key)
        if text:
            self.used_notes.add(key)
        return text


def _note(book: Book, ws: Worksheet, row: int, column: int, key: str) -> None:
    text = book.note(key)
    if text:
        _put(ws, row, column, text, font=_NOTE_FONT, wrap=True)


# --- Inputs -----------------------------------------------------------------------------


def _fit_height(ws: Worksheet, row: int, *texts: tuple[str | None, float]) -> None:
    """A row as high as its longest wrapped text (programs do not grow rows on opening)."""
    lines = max(1, *(math.ceil(len(text) * 1.15 / width) for text, width in texts if text))
    if lines > 1:
        ws.row_dimensions[row].height = 12.75 * lines


def _write_switch(book: Book, ws: Worksheet) -> None:
    sw = book.switch
    _put(ws, SWITCH_ROW, 2, book.t("xlsx.switch.label"), font=_BOLD, wrap=True)
    cell = _put(ws, SWITCH_ROW, INPUT_VALUE_COLUMN, 0, book.fmt.whole, font=_BOLD, fill=_INPUT_FILL)
    choices = [f"0 = {book.t('xlsx.head.base')}"]
    for k, (name, live) in enumerate(zip(sw.names, sw.live, strict=True), start=1):
        choices.append(f"{k} = {name}" + ("" if live else f" ({book.t('xlsx.switch.not_live')})"))
    if book.locked:
        choices = [choices[0], book.t("xlsx.switch.locked")]
    _put(ws, SWITCH_ROW, 4, "; ".join(choices), wrap=True)
    top = 0 if book.locked else len(sw.names)
    validation = DataValidation(type="whole", operator="between", formula1="0", formula2=str(top))
    validation.error = book.t("xlsx.switch.invalid", top=top)
    validation.showErrorMessage = True
    ws.add_data_validation(validation)
    validation.add(cell)
    _name(book.wb, "scenario_switch", _ref(book.sheet("inputs"), INPUT_VALUE_COLUMN, SWITCH_ROW))
    _fit_height(ws, SWITCH_ROW, (book.t("xlsx.switch.label"), 34), ("; ".join(choices), 30))


def _write_inputs(book: Book) -> list[InputRow]:
    wb, plan, language, fmt = book.wb, book.plan, book.language, book.fmt
    ws = wb[book.sheet("inputs")]
    heads = [i18n.t(f"xlsx.head.{k}", language) for k in ("path", "label", "value", "unit")]
    _header(ws, 1, [*heads, "exact", book.t("xlsx.head.reasoning")], height=30)
    _put(ws, 1, INPUT_EXACT_COLUMN, "exact", font=_KEY_FONT)
    _write_switch(book, ws)
    validations: dict[tuple[str, float, float | None], DataValidation] = {}
    enum_lists: dict[tuple[str, ...], DataValidation] = {}
    rows: list[InputRow] = []
    changed = set(book.switch.paths)
    row = INPUT_FIRST_ROW
    section = ""
    item = ""
    for path, value in plan_values(plan):
        if _section(path) != section:
            section = _section(path)
            item = ""
            _put(ws, row, 2, i18n.t(f"xlsx.section.{section}", language), font=_BOLD)
            row += 1
        parts = path.split(".")
        digits = [i for i, part in enumerate(parts) if part.isdigit()]
        current = ".".join(parts[: digits[0] + 1]) if digits and section != "private" else ""
        if current and current != item:
            row += 0 if not item else 1  # a blank line between list items
        item = current
        _put(ws, row, INPUT_PATH_COLUMN, path, font=_KEY_FONT)
        _put(ws, row, 2, _input_label(path, language), wrap=True)
        cell = ws.cell(row=row, column=INPUT_VALUE_COLUMN)
        leaf = parts[-1]
        unit = ""
        day = _as_date(path, value)
        if isinstance(value, bool):
            cell.value = value
            _style(cell, fill=_INPUT_FILL)
            unit = i18n.t("xlsx.unit.bool", language)
        elif day is not None:
            cell.value = day
            _style(cell, _DATE_FIELDS[path], fill=_INPUT_FILL)
            unit = i18n.t(f"xlsx.unit.date.{leaf}", language)
        elif isinstance(value, (int, float)):
            kind, unit_key, check = _NUMBER_FIELDS.get(leaf, ("general", "", None))
            if section == "uncertainty":
                kind, unit_key, check = ("general", "", None)  # in the units of its path
            cell.value = value
            _style(cell, getattr(fmt, kind), fill=_INPUT_FILL)
            exact = exact_text(value)
            if exact:
                _put(ws, row, INPUT_EXACT_COLUMN, exact, font=_KEY_FONT)
            unit = (
                i18n.t(unit_key, language, currency=plan.currency, months=plan.months)
                if unit_key
                else ""
            )
            if check is not None:
                low, high = check[1], check[2]
                if check[0] == "whole" and high == 0:
                    high = plan.months  # months within the horizon
                if check[0] == "decimal" and high is None:
                    high = 1e12
                key = (check[0], low, high)
                if key not in validations:
                    validations[key] = DataValidation(
                        type=check[0], operator="between", formula1=str(low), formula2=str(high)
                    )
                validations[key].add(cell)
        else:
            put_text(cell, str(shown_enum(path, value, language)), fill=_INPUT_FILL)
            choices = _enum_of(path)
            if choices:
                words = tuple(str(shown_enum(path, c, language)) for c in choices)
                unit = " | ".join(words)
                if words not in enum_lists:
                    enum_lists[words] = DataValidation(
                        type="list", formula1='"' + ",".join(words) + '"'
                    )
                enum_lists[words].add(cell)
            elif section == "private" or path.endswith(".path"):
                unit = i18n.t("xlsx.unit.path", language)
            else:
                unit = i18n.t(_TEXT_UNITS.get(leaf, "xlsx.unit.text"), language)
        _put(ws, row, 4, unit, wrap=True)
        _note(book, ws, row, INPUT_NOTE_COLUMN, path)
        _fit_height(
            ws, row, (_input_label(path, language), 38), (unit, 30), (book.notes.get(path), 56)
        )
        name = defined_name(path)
        _name(wb, f"base_{name}" if path in changed else name, _ref(ws.title, 3, row))
        rows.append(InputRow(path, value, row))
        row += 1
    entries = {f"scenarios.{i}.set.{p}" for i, sc in enumerate(plan.scenarios) for p in sc.set}
    rest = [key for key in sorted(book.notes) if key not in book.used_notes and key not in entries]
    if rest:  # reasoning without a row of its own here: kept, so that import gives it back
        row += 1
        _put(ws, row, 2, book.t("xlsx.section.notes"), font=_BOLD)
        for place in rest:
            row += 1
            _put(ws, row, INPUT_PATH_COLUMN, NOTE_PREFIX + place, font=_KEY_FONT)
            _put(ws, row, 2, place)
            _note(book, ws, row, INPUT_NOTE_COLUMN, place)
    for validation in [*validations.values(), *enum_lists.values()]:
        validation.error = i18n.t("xlsx.validation", language)
        validation.showErrorMessage = True
        ws.add_data_validation(validation)
    ws.freeze_panes = f"A{INPUT_FIRST_ROW}"
    _widths(ws, {1: 30, 2: 38, 3: 16, 4: 30, 6: 56})
    ws.column_dimensions[get_column_letter(INPUT_EXACT_COLUMN)].hidden = True
    _print_setup(ws, "1:1")
    return rows


# --- Team and Investments: per-item helper columns ---------------------------------------


@dataclass(frozen=True)
class ItemBlock:
    """A helper sheet: item parameters in rows above, one row per month below."""

    sheet: str
    items: int
    first_row: int
    param_rows: Mapping[str, int]
    blocks: Mapping[str, int] = field(default_factory=dict)
    """First column of each per-month block (``active``, ``productive`` or ``due``)."""

    def row(self, t: int) -> int:
        return self.first_row + t - 1

    def span(self, block: str, t: int) -> str:
        """The block's cells of month ``t``, e.g. ``Team!$C12:$D12``."""
        first = self.blocks[block]
        return _ref(self.sheet, first, self.row(t), col_end=first + self.items - 1)

    def params(self, block: str, name: str) -> str:
        """The parameter row ``name`` above ``block``, e.g. ``Team!$C$7:$D$7``."""
        first = self.blocks[block]
        return _ref(self.sheet, first, self.param_rows[name], col_end=first + self.items - 1)


def _is_function(name: str, function: str) -> str:
    words = ",".join(f'{name}="{word}"' for word in _enum_words("function", function))
    return f"IF(OR({words}),1,0)"


def _write_team(book: Book) -> ItemBlock:
    wb, plan, language, fmt = book.wb, book.plan, book.language, book.fmt
    ws = wb[book.sheet("team")]
    count = len(plan.resources)
    params = (
        "role",
        "function",
        "fte",
        "start_month",
        "ramp_months",
        "annual_cost",
        "is_sales",
        "is_delivery",
    )
    param_rows = {name: 3 + i for i, name in enumerate(params)}
    first_row = 3 + len(params) + 2
    layout = ItemBlock(
        ws.title, count, first_row, param_rows, {"active": 3, "productive": 3 + count}
    )
    _put(ws, 1, 1, i18n.t("xlsx.team.title", language), font=_TITLE_FONT)
    if not count:
        _put(ws, 2, 1, i18n.t("xlsx.team.none", language))
    for name, row in param_rows.items():
        text = (
            i18n.t(f"xlsx.team.{name}", language)
            if name.startswith("is_")
            else i18n.label(name, language)
        )
        _put(ws, row, 1, text, font=_BOLD)
        _put(ws, row, 2, name, font=_KEY_FONT)
    head = first_row - 1
    _put(ws, head, 1, i18n.label("month", language), font=_BOLD)
    for block in ("active", "productive"):
        for i in range(count):
            column = layout.blocks[block] + i
            letter = get_column_letter(column)
            for name, row in param_rows.items():
                base = f"resources_{i}"
                formula = {
                    "is_sales": _is_function(f"{base}_function", "sales"),
                    "is_delivery": _is_function(f"{base}_function", "delivery"),
                }.get(name, f"{base}_{name}")
                number = {"fte": fmt.count, "annual_cost": fmt.money, "start_month": fmt.whole}.get(
                    name
                )
                _fx(ws, row, column, formula, number)
            title = f'"{i18n.t(f"xlsx.team.{block}", language)}: "&{letter}$3'
            _fx(ws, head, column, title, font=_BOLD)
            ws.column_dimensions[letter].width = 16
    p = param_rows
    for t in range(1, plan.months + 1):
        row = layout.row(t)
        _put(ws, row, 1, t)
        for i in range(count):
            a = get_column_letter(layout.blocks["active"] + i)
            q = get_column_letter(layout.blocks["productive"] + i)
            fte, start, ramp = (
                f"{q}${p['fte']}",
                f"{q}${p['start_month']}",
                f"{q}${p['ramp_months']}",
            )
            active = f"IF($A{row}>={a}${p['start_month']},{a}${p['fte']},0)"
            productive = (
                f"IF($A{row}>={start},{fte}*IF({ramp}=0,1,MIN(1,($A{row}-{start}+1)/{ramp})),0)"
            )
            _fx(ws, row, layout.blocks["active"] + i, active, fmt.count)
            _fx(ws, row, layout.blocks["productive"] + i, productive, fmt.count)
    ws.freeze_panes = ws.cell(row=first_row, column=3).coordinate
    _widths(ws, {1: 24, 2: 12})
    _print_setup(ws, f"{head}:{head}", fit_width=2 * count <= 12, scale=80, title_cols="A:B")
    return layout


def _write_investments(book: Book) -> ItemBlock:
    wb, plan, language, fmt = book.wb, book.plan, book.language, book.fmt
    ws = wb[book.sheet("investments")]
    count = len(plan.investments)
    params = ("name", "category", "amount", "month", "every_months", "vendor_share")
    param_rows = {name: 3 + i for i, name in enumerate(params)}
    first_row = 3 + len(params) + 2
    layout = ItemBlock(ws.title, count, first_row, param_rows, {"due": 3})
    _put(ws, 1, 1, i18n.t("xlsx.investments.title", language), font=_TITLE_FONT)
    if not count:
        _put(ws, 2, 1, i18n.t("xlsx.investments.none", language))
    for name, row in param_rows.items():
        _put(ws, row, 1, i18n.label(name, language), font=_BOLD)
        _put(ws, row, 2, name, font=_KEY_FONT)
    head = first_row - 1
    _put(ws, head, 1, i18n.label("month", language), font=_BOLD)
    number = {
        "amount": fmt.money,
        "month": fmt.whole,
        "every_months": fmt.whole,
        "vendor_share": fmt.share,
    }
    for i in range(count):
        column = 3 + i
        letter = get_column_letter(column)
        for name, row in param_rows.items():
            _fx(ws, row, column, f"investments_{i}_{name}", number.get(name))
        _fx(ws, head, column, f"{letter}$3", font=_BOLD)
        ws.column_dimensions[letter].width = 18
    p = param_rows
    for t in range(1, plan.months + 1):
        row = layout.row(t)
        _put(ws, row, 1, t)
        for i in range(count):
            c = get_column_letter(3 + i)
            month, every = f"{c}${p['month']}", f"{c}${p['every_months']}"
            # MAX(every,1): AND() evaluates every argument, so MOD(x, 0) must never happen.
            due = (
                f"IF(OR($A{row}={month},AND({every}>0,$A{row}>{month},"
                f"MOD($A{row}-{month},MAX({every},1))=0)),{c}${p['amount']},0)"
            )
            _fx(ws, row, 3 + i, due, fmt.money)
    ws.freeze_panes = ws.cell(row=first_row, column=3).coordinate
    _widths(ws, {1: 24, 2: 12})
    _print_setup(ws, f"{head}:{head}", fit_width=count <= 10, scale=80, title_cols="A:B")
    return layout


# --- Monthly: docs/model.md section 2, one formula generator per column ------------------


@dataclass(frozen=True)
class MonthlyLayout:
    """Where each monthly column sits; ``columns`` maps a key to its column number."""

    sheet: str
    months: int
    columns: Mapping[str, int]
    tiers: int
    team: ItemBlock
    investments: ItemBlock

    def row(self, t: int) -> int:
        return MONTHLY_FIRST_ROW + t - 1

    def range(self, key: str) -> str:
        return _ref(self.sheet, self.columns[key], self.row(1), self.row(self.months))


@dataclass(frozen=True)
class Month:
    """The context of one formula: month ``t`` of the layout."""

    layout: MonthlyLayout
    t: int

    def __getitem__(self, key: str) -> str:
        """This month's cell of column ``key`` (relative, e.g. ``F7``)."""
        return f"{get_column_letter(self.layout.columns[key])}{self.layout.row(self.t)}"

    def prev(self, key: str) -> str:
        """Last month's cell of column ``key`` (only for t > 1)."""
        return f"{get_column_letter(self.layout.columns[key])}{self.layout.row(self.t - 1)}"

    def column(self, key: str) -> str:
        """The whole column ``key``, absolute (for SUMIF and COUNTIF)."""
        letter = get_column_letter(self.layout.columns[key])
        return f"${letter}${self.layout.row(1)}:${letter}${self.layout.row(self.layout.months)}"

    @property
    def first(self) -> bool:
        return self.t == 1


def _date(m: Month) -> str:
    # a date (the first of the month), shown as YYYY-MM; DATE rolls month 13 into January
    return f"DATE(YEAR(start),MONTH(start)+{m['month']}-1,1)"


def _headcount(m: Month) -> str:
    team = m.layout.team
    return f"SUM({team.span('active', m.t)})" if team.items else "0"


def _sales_fte(m: Month) -> str:
    team = m.layout.team
    if not team.items:
        return "0"
    return f"SUMPRODUCT({team.span('productive', m.t)},{team.params('productive', 'is_sales')})"


def _delivery_fte(m: Month) -> str:
    team = m.layout.team
    if not team.items:
        return "0"
    return f"SUMPRODUCT({team.span('productive', m.t)},{team.params('productive', 'is_delivery')})"


def _staff_cost(m: Month) -> str:
    team = m.layout.team
    if not team.items:
        return "0"
    return f"SUMPRODUCT({team.span('active', m.t)},{team.params('active', 'annual_cost')})/12"


def _customers(m: Month) -> str:
    if m.first:
        return m["new_deals"]  # customers(0) = 0
    return f"{m.prev('customers')}*(1-revenue_monthly_churn)+{m['new_deals']}"


def _open(m: Month) -> str:
    if m.first:
        return m["services_demand"]  # backlog(0) = 0
    return f"{m.prev('backlog')}+{m['services_demand']}"


def _cumulative(flow: str, level: str) -> Callable[[Month], str]:
    def formula(m: Month) -> str:
        return m[flow] if m.first else f"{m.prev(level)}+{m[flow]}"

    return formula


def _tier(j: int) -> Callable[[Month], str]:
    def formula(m: Month) -> str:
        tier = f"vendor_programme_rebate_tiers_{j}"
        return f"IF({tier}_threshold*{m['year_months']}/12<={m['year_sell_in']},{tier}_rate,0)"

    return formula


def _rebate_rate(m: Month) -> str:
    tiers = m.layout.tiers
    if not tiers:
        return "0"
    return f"MAX({m['tier_0']}:{m[f'tier_{tiers - 1}']})"


def _investment_gross(m: Month) -> str:
    inv = m.layout.investments
    return f"SUM({inv.span('due', m.t)})" if inv.items else "0"


def _investment_vendor_funded(m: Month) -> str:
    inv = m.layout.investments
    if not inv.items:
        return "0"
    return f"SUMPRODUCT({inv.span('due', m.t)},{inv.params('due', 'vendor_share')})"


MONTHLY_FORMULAS: dict[str, Callable[[Month], str]] = {
    "date": _date,
    "headcount": _headcount,
    "new_deals": lambda m: f"revenue_deals_per_sales_fte_month*{m['sales_fte']}",
    "customers": _customers,
    "resale": lambda m: (
        f"IF(revenue_subscription,{m['customers']}*{m['price']}/12,{m['new_deals']}*{m['price']})"
    ),
    "sell_in": lambda m: f"{m['resale']}*(1-revenue_partner_margin)",
    "services_demand": lambda m: f"{m['new_deals']}*revenue_services_per_deal",
    "services": lambda m: f"MIN({m['open']},{m['capacity']})",
    "backlog": lambda m: f"{m['open']}-{m['services']}",
    "managed": lambda m: f"{m['customers']}*revenue_managed_fee_per_customer_month",
    "mdf": lambda m: f"vendor_programme_mdf_rate*{m['sell_in']}",
    "rebate": lambda m: f"IF({m['year_end']},{m['rebate_rate']}*{m['year_sell_in']},0)",
    "revenue": lambda m: f"{m['resale']}+{m['services']}+{m['managed']}",
    "gross_profit": lambda m: f"{m['revenue']}-{m['sell_in']}",
    "vendor_funds": lambda m: f"{m['mdf']}+{m['rebate']}",
    "staff_cost": _staff_cost,
    "opex": lambda m: "opex_per_month",
    "investment_gross": _investment_gross,
    "investment_vendor_funded": _investment_vendor_funded,
    "investment_net": lambda m: f"{m['investment_gross']}-{m['investment_vendor_funded']}",
    "ebitda": lambda m: (
        f"{m['gross_profit']}+{m['vendor_funds']}-{m['staff_cost']}-{m['opex']}"
        f"-{m['investment_net']}"
    ),
    "cash_flow": lambda m: m["ebitda"],
    "cumulative_cash": _cumulative("cash_flow", "cumulative_cash"),
    "vendor_revenue": lambda m: m["sell_in"],
    "vendor_gross_profit": lambda m: f"{m['sell_in']}*vendor_programme_gross_margin",
    "vendor_cost": lambda m: (
        f"{m['mdf']}+{m['rebate']}+{m['investment_vendor_funded']}"
        "+vendor_programme_partner_manager_fte*vendor_programme_partner_manager_annual_cost/12"
    ),
    "vendor_cash_flow": lambda m: f"{m['vendor_gross_profit']}-{m['vendor_cost']}",
    "vendor_cumulative_cash": _cumulative("vendor_cash_flow", "vendor_cumulative_cash"),
    # helpers
    "plan_year": lambda m: f"INT(({m['month']}-1)/12)",
    "price": lambda m: f"revenue_deal_size*(1+revenue_annual_price_uplift)^{m['plan_year']}",
    "sales_fte": _sales_fte,
    "delivery_fte": _delivery_fte,
    "capacity": lambda m: f"revenue_delivery_capacity_per_fte_month*{m['delivery_fte']}",
    "open": _open,
    "year_months": lambda m: f"COUNTIF({m.column('plan_year')},{m['plan_year']})",
    "year_end": lambda m: f"MOD({m['month']}-1,12)+1={m['year_months']}",
    "year_sell_in": lambda m: (
        f"SUMIF({m.column('plan_year')},{m['plan_year']},{m.column('sell_in')})"
    ),
    "rebate_rate": _rebate_rate,
}
"""docs/model.md section 2 as spreadsheet formulas: column key -> formula of month ``t``."""

_COUNT_COLUMNS = frozenset({"headcount", "new_deals", "customers", "sales_fte", "delivery_fte"})


def _column_format(key: str, fmt: Formats) -> str | None:
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


MONTHLY_PAGE_COLUMNS = 9
"""Value columns per printed page of ``Monthly`` and ``Yearly`` (beside the repeated month
and date): 9 columns at 80 % fill an A4 page in landscape at a readable 8 pt."""


def _write_monthly(book: Book, team: ItemBlock, inv: ItemBlock) -> MonthlyLayout:
    wb, plan, language, fmt, shown = book.wb, book.plan, book.language, book.fmt, book.shown
    ws = wb[book.sheet("monthly")]
    tiers = len(plan.vendor_programme.rebate_tiers)
    keys = [*shown, *HELPERS, *(f"tier_{j}" for j in range(tiers)), "rebate_rate"]
    columns = {key: i for i, key in enumerate(keys, start=1)}
    layout = MonthlyLayout(ws.title, plan.months, columns, tiers, team, inv)
    formulas = dict(MONTHLY_FORMULAS)
    formulas.update({f"tier_{j}": _tier(j) for j in range(tiers)})
    labels = []
    for key in keys:
        if key in MONTHLY_COLUMNS:
            labels.append(i18n.label(key, language))
        elif key.startswith("tier_"):
            labels.append(i18n.t("xlsx.helper.tier", language, n=int(key[5:]) + 1))
        else:
            labels.append(i18n.t(f"xlsx.helper.{key}", language))
    _header(ws, 1, labels, height=45)
    _keys(ws, 2, keys)
    first_helper = len(shown) + 1
    for column in range(first_helper, len(keys) + 1):
        _style(ws.cell(row=1, column=column), font=_BOLD, fill=_HELPER_FILL, wrap=True)
    formats = {key: _column_format(key, fmt) for key in keys}
    for t in range(1, plan.months + 1):
        month = Month(layout, t)
        row = layout.row(t)
        for key, column in columns.items():
            value: Any = t if key == "month" else "=" + formulas[key](month)
            _style(ws.cell(row=row, column=column, value=value), formats[key])
    for key in shown:
        _name(wb, f"monthly_{key}", layout.range(key))
    ws.freeze_panes = "C3"
    _widths(ws, {1: 7, 2: 9, **dict.fromkeys(range(3, len(keys) + 1), 13)})
    # Printed: the docs/model.md columns (the helpers are the formulas' working), one plan
    # year per page, 9 columns per page beside the month and date that every page repeats.
    last = layout.row(plan.months)
    ws.print_area = f"A1:{get_column_letter(len(shown))}{last}"
    _print_setup(ws, "1:2", fit_width=False, title_cols="A:B", scale=80)
    for t in range(12, plan.months, 12):
        ws.row_breaks.append(Break(id=layout.row(t)))
    for column in range(2 + MONTHLY_PAGE_COLUMNS, len(shown), MONTHLY_PAGE_COLUMNS):
        ws.col_breaks.append(Break(id=column))
    return layout


# --- Yearly ------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearlyLayout:
    """Where each yearly column sits; year ``k`` (0-based) is row ``3 + k``."""

    sheet: str
    years: int
    columns: Mapping[str, int]

    def row(self, k: int) -> int:
        return 3 + k

    def cell(self, key: str, k: int) -> str:
        return _ref(self.sheet, self.columns[key], self.row(k))

    def range(self, key: str) -> str:
        return _ref(self.sheet, self.columns[key], self.row(0), self.row(self.years - 1))


def _write_yearly(book: Book, layout: MonthlyLayout) -> YearlyLayout:
    wb, plan, language, fmt = book.wb, book.plan, book.language, book.fmt
    ws = wb[book.sheet("yearly")]
    values = [key for key in VALUE_COLUMNS if key in layout.columns]
    keys = ["year", "months", "from", "to", *values]
    labels = [
        i18n.label("year", language),
        i18n.t("xlsx.head.months_in_year", language),
        i18n.t("xlsx.head.from", language),
        i18n.t("xlsx.head.to", language),
        *(i18n.label(key, language) for key in values),
    ]
    _header(ws, 1, labels, height=45)
    _keys(ws, 2, keys)
    years = -(-plan.months // 12)
    cols = layout.columns
    monthly = layout.sheet
    for k in range(years):
        row = 3 + k
        first, last = layout.row(12 * k + 1), layout.row(min(12 * k + 12, plan.months))
        _put(ws, row, 1, k + 1)
        _fx(ws, row, 2, f"COUNT({_ref(monthly, cols['month'], first, last)})", fmt.whole)
        _fx(ws, row, 3, _ref(monthly, cols["date"], first), "yyyy-mm")
        _fx(ws, row, 4, _ref(monthly, cols["date"], last), "yyyy-mm")
        for i, key in enumerate(values, start=5):
            if key in model.STOCK_COLUMNS:
                formula = _ref(monthly, cols[key], last)
            else:
                formula = f"SUM({_ref(monthly, cols[key], first, last)})"
            _fx(ws, row, i, formula, _column_format(key, fmt))
    ws.freeze_panes = "E3"
    _widths(ws, {1: 6, 2: 8, 3: 9, 4: 9, **dict.fromkeys(range(5, len(keys) + 1), 13)})
    _print_setup(ws, "1:2", fit_width=False, title_cols="A:D", scale=80)
    for column in range(4 + MONTHLY_PAGE_COLUMNS, len(keys), MONTHLY_PAGE_COLUMNS):
        ws.col_breaks.append(Break(id=column))
    return YearlyLayout(ws.title, years, {key: i for i, key in enumerate(keys, start=1)})


# --- Key figures: docs/model.md section 4 ------------------------------------------------

_SIDES = {
    "partner": ("cash_flow", "cumulative_cash"),
    "vendor": ("vendor_cash_flow", "vendor_cumulative_cash"),
}
_SUMS = {
    "partner": {"revenue": "revenue", "gross_profit": "gross_profit", "ebitda": "ebitda"},
    "vendor": {
        "revenue": "vendor_revenue",
        "gross_profit": "vendor_gross_profit",
        "cost": "vendor_cost",
    },
}
FIGURE_ROWS: tuple[str, ...] = tuple(dict.fromkeys(model.PARTNER_FIGURES + model.VENDOR_FIGURES))
"""Rows of ``Key figures``; a side leaves the cell of a figure it does not have empty."""


def figure_formula(side: str, figure: str, months: int, own_rate: bool = False) -> str:
    """The spreadsheet formula of one key figure of one side (docs/model.md section 4);
    ``own_rate``: the vendor discounts at its own rate (``vendor_programme.discount_rate``)."""
    flow, level = _SIDES[side]
    rate = "vendor_programme_discount_rate" if side == "vendor" and own_rate else "discount_rate"
    cf, cum = f"monthly_{flow}", f"monthly_{level}"
    last_cf = f"INDEX({cf},{months})"
    last_cum = f"INDEX({cum},{months})"
    missing = f'"{i18n.MISSING}"'
    if figure in _SUMS[side]:
        return f"SUM(monthly_{_SUMS[side][figure]})"
    peak = f"MAX(0,-MIN({cum}))"
    formulas = {
        "npv": f"SUMPRODUCT({cf}/(1+{rate})^(monthly_month/12))",
        "irr": (
            f'IF(OR(COUNTIF({cf},"<0")=0,COUNTIF({cf},">0")=0),{missing},'
            # Newton from the guess; then from 1 %, -10 % and -20 % a month before giving up
            f"IFERROR((1+IRR({cf},{side}_irr_guess))^12-1,IFERROR((1+IRR({cf},0.01))^12-1,"
            f"IFERROR((1+IRR({cf},-0.1))^12-1,IFERROR((1+IRR({cf},-0.2))^12-1,{missing})))))"
        ),
        # the month after the last negative cumulative month: LOOKUP finds the last match
        "payback_month": (
            f'IF(COUNTIF({cum},"<0")=0,0,IF({last_cum}<0,{missing},'
            f"LOOKUP(2,1/({cum}<0),monthly_month)+1))"
        ),
        "break_even_month": (
            f'IF({last_cf}<0,{missing},IF(COUNTIF({cf},"<0")=0,1,'
            f"LOOKUP(2,1/({cf}<0),monthly_month)+1))"
        ),
        "peak_funding": f"{peak}",
        "cumulative_cash": f"{last_cum}",
        "roi": f"IF({peak}>0,{last_cum}/{peak},{missing})",
    }
    return formulas[figure]


def irr_guess(annual: float | None) -> float:
    """Where the spreadsheet's IRR search starts (monthly): the app's own monthly IRR at
    export, so the workbook finds the same root and, after edits, starts next to it.

    >>> irr_guess(None), round(irr_guess(0.12682503013196977), 12)
    (0.01, 0.01)
    """
    if annual is None or not math.isfinite(annual) or annual <= -1:
        return 0.01
    return float((1.0 + annual) ** (1.0 / 12.0) - 1.0)


def _figure_format(figure: str, fmt: Formats) -> str:
    if figure in ("irr", "roi"):
        return "0.0%"
    if figure in model.MONTH_FIGURES:
        return fmt.whole
    return fmt.money


def _write_figures(book: Book, kpis: Mapping[str, Any]) -> None:
    """Without the vendor's economics (``book.economics`` false): of the vendor's figures only
    its revenue, and no verdict (a side's edition, :mod:`planner.privacy`)."""
    wb, plan, language, fmt, economics = book.wb, book.plan, book.language, book.fmt, book.economics
    ws = wb[book.sheet("figures")]
    _put(ws, 1, 1, i18n.t("xlsx.figures.title", language), font=_TITLE_FONT)
    _show_master(ws, 1, 4, language)
    head = [
        i18n.t("xlsx.head.figure", language),
        i18n.label("partner", language),
        i18n.label("vendor", language),
        i18n.t("xlsx.head.exported", language) + ": " + i18n.label("partner", language),
        i18n.t("xlsx.head.exported", language) + ": " + i18n.label("vendor", language),
        i18n.t("xlsx.head.key", language),
    ]
    _header(ws, 2, head, height=45)
    row = 3
    for figure in FIGURE_ROWS:
        _put(ws, row, 1, i18n.label(figure, language))
        _put(ws, row, 6, figure, font=_KEY_FONT)
        for offset, side in enumerate(("partner", "vendor")):
            if figure not in kpis[side] or not _shown(side, figure, economics):
                continue
            number = _figure_format(figure, fmt)
            own = plan.vendor_programme.discount_rate is not None
            formula = figure_formula(side, figure, plan.months, own)
            _fx(ws, row, 2 + offset, formula, number, font=_BOLD)
            exported = kpis[side][figure]
            _put(ws, row, 4 + offset, i18n.MISSING if exported is None else exported, number)
            _name(wb, f"{side}_{figure}", _ref(ws.title, 2 + offset, row))
        row += 1
    if economics:
        _put(ws, row, 1, i18n.label("mutual", language), font=_BOLD)
        _fx(ws, row, 2, "AND(partner_npv>0,vendor_npv>0)", font=_BOLD)
        _put(ws, row, 4, bool(kpis["mutual"]))
        _put(ws, row, 6, "mutual", font=_KEY_FONT)
        _name(wb, "mutual", _ref(ws.title, 2, row))
    row += 2
    _put(ws, row, 1, i18n.t("xlsx.figures.irr_guess", language))
    for offset, side in enumerate(("partner", "vendor") if economics else ("partner",)):
        _put(ws, row, 2 + offset, irr_guess(kpis[side]["irr"]), "0.00%", fill=_INPUT_FILL)
        _name(wb, f"{side}_irr_guess", _ref(ws.title, 2 + offset, row))
    _put(ws, row, 6, "irr_guess", font=_KEY_FONT)
    _put(ws, row + 1, 1, i18n.t("xlsx.figures.note", language))
    _put(ws, row + 2, 1, i18n.t("xlsx.figures.exported_note", language))
    ws.freeze_panes = "B3"
    _widths(ws, {1: 40, 2: 18, 3: 18, 4: 22, 5: 22, 6: 18})
    _print_setup(ws, "2:2")


def _shown(side: str, figure: str, economics: bool) -> bool:
    return economics or side == "partner" or figure not in privacy.VENDOR_ECONOMICS_FIGURES


# --- Scenarios, Actuals, Sign-off --------------------------------------------------------

_TYPES: dict[type, str] = {bool: "bool", int: "int", float: "float", str: "str"}


def _write_scenarios(book: Book, base_kpis: Mapping[str, Any]) -> None:
    """Results per scenario (the live column follows the switch; the others are stored values
    at export, labelled so), the values in use under the switch (formulas), and the scenario
    definitions (inputs, read back on import)."""
    wb, plan, language, sw = book.wb, book.plan, book.language, book.switch
    ws = wb[book.sheet("scenarios")]
    _put(ws, 1, 1, i18n.t("xlsx.scenarios.title", language), font=_TITLE_FONT)
    _show_master(ws, 1, 4, language)
    _put(ws, 2, 1, book.t("xlsx.switch.in_use"), font=_BOLD)
    count = len(plan.scenarios)
    first = 4  # the stored results: column of the first scenario (C: the base plan)
    if count:
        names = _ref(ws.title, first, 5, col_end=first + count - 1)
        _name(wb, "scenario_names", names)
        base_text = book.t("xlsx.head.base").replace('"', "'")
        in_use = f'IF(scenario_switch=0,"{base_text}",INDEX(scenario_names,1,scenario_switch))'
    else:
        in_use = f'"{book.t("xlsx.head.base")}"'
    _fx(ws, 2, 2, in_use, font=_BOLD)
    _name(wb, "scenario_in_use", _ref(ws.title, 2, 2))
    row = 4
    if not count:
        _put(ws, row, 1, i18n.t("xlsx.scenarios.none", language))
        row += 2
    else:
        row = _scenario_results(book, ws, base_kpis, row)
    if sw.paths:
        row = _values_in_use(book, ws, row)
    _put(ws, row, 1, i18n.t("xlsx.section.definitions", language), font=_BOLD)
    row += 1
    heads = [i18n.t(f"xlsx.head.{k}", language) for k in ("scenario", "path", "value", "type")]
    _header(ws, row, [*heads, "", book.t("xlsx.head.reasoning")])
    row += 1
    _keys(ws, row, [*DEFINITIONS_KEYS, "exact", "note"])
    row += 1
    for index, scenario in enumerate(plan.scenarios):
        entries = list(scenario.set.items()) or [("", None)]
        for path, value in entries:
            put_text(ws.cell(row=row, column=1), scenario.name)
            if path:
                put_text(ws.cell(row=row, column=2), path)
                kind = _TYPES.get(type(value), "json")
                cell = ws.cell(row=row, column=3)
                if kind == "str":
                    put_text(cell, str(shown_enum(path, value, language)), fill=_INPUT_FILL)
                elif kind == "json":
                    put_text(cell, json.dumps(value, ensure_ascii=False), fill=_INPUT_FILL)
                else:
                    cell.value = value
                    _style(cell, fill=_INPUT_FILL)
                _put(ws, row, 4, kind, font=_KEY_FONT)
                if exact_text(value):
                    _put(ws, row, 5, exact_text(value), font=_KEY_FONT)
                _note(book, ws, row, DEFINITION_NOTE_COLUMN, f"scenarios.{index}.set.{path}")
                book.definition_rows[(index, path)] = row
            row += 1
    _widths(ws, {1: 44, 2: 34, **dict.fromkeys(range(3, 5 + count), 16)})
    ws.column_dimensions[get_column_letter(DEFINITION_NOTE_COLUMN)].width = max(
        16, ws.column_dimensions[get_column_letter(DEFINITION_NOTE_COLUMN)].width or 0
    )
    _print_setup(ws, None)


def _scenario_results(book: Book, ws: Worksheet, base_kpis: Mapping[str, Any], row: int) -> int:
    plan, language, fmt = book.plan, book.language, book.fmt
    count = len(plan.scenarios)
    _put(ws, row, 1, i18n.t("xlsx.section.results", language), font=_BOLD)
    row += 1
    variants = model.evaluate_many([plan.scenario(s.name) for s in plan.scenarios])
    outcomes = [base_kpis, *(outcome.kpis for outcome in variants)]
    stored = book.t("xlsx.head.stored")
    heads = [
        i18n.t("xlsx.head.figure", language),
        book.t("xlsx.head.live"),
        f"{i18n.t('xlsx.head.base', language)} ({stored})",
    ]
    _header(ws, row, heads, height=45)
    for column, scenario in enumerate(plan.scenarios, start=4):
        put_text(ws.cell(row=row, column=column), scenario.name, font=_BOLD, fill=_HEAD_FILL)
    last = get_column_letter(3 + count)
    _put(ws, row, 4 + count, book.t("xlsx.head.live_minus_stored"), font=_BOLD, fill=_HEAD_FILL)
    _style(ws.cell(row=row, column=4 + count), font=_BOLD, fill=_HEAD_FILL, wrap=True)
    row += 1
    for side, figures in (("partner", model.PARTNER_FIGURES), ("vendor", model.VENDOR_FIGURES)):
        for figure in figures:
            if not _shown(side, figure, book.economics):
                continue
            number = _figure_format(figure, fmt)
            text = f"{i18n.label(side, language)}: {i18n.label(figure, language)}"
            _put(ws, row, 1, text)
            _fx(ws, row, 2, f"{side}_{figure}", number, font=_BOLD)
            for column, kpis in enumerate(outcomes, start=3):
                value = kpis[side][figure]
                _put(ws, row, column, i18n.MISSING if value is None else value, number)
            stored_value = f"INDEX(C{row}:{last}{row},1,scenario_switch+1)"
            _fx(
                ws,
                row,
                4 + count,
                f'IF(AND(ISNUMBER(B{row}),ISNUMBER({stored_value})),B{row}-{stored_value},"")',
                number,
            )
            row += 1
    if book.economics:
        _put(ws, row, 1, i18n.label("mutual", language))
        _fx(ws, row, 2, "mutual", font=_BOLD)
        for column, kpis in enumerate(outcomes, start=3):
            _put(ws, row, column, bool(kpis["mutual"]))
        row += 1
    _put(ws, row, 1, book.t("xlsx.scenarios.stored_note"), font=_NOTE_FONT)
    return row + 2


def _values_in_use(book: Book, ws: Worksheet, row: int) -> int:
    """Each input a live scenario changes: its base value, each scenario's value and the value
    in use, ``CHOOSE(scenario_switch+1, ...)``, which carries the input's workbook name."""
    wb, plan, sw = book.wb, book.plan, book.switch
    count = len(sw.names)
    _put(ws, row, 1, book.t("xlsx.section.in_use"), font=_BOLD)
    row += 1
    heads = [
        i18n.t("xlsx.head.path", book.language),
        i18n.t("xlsx.head.label", book.language),
        i18n.t("xlsx.head.base", book.language),
    ]
    _header(ws, row, [*heads, *([""] * count), book.t("xlsx.head.in_use")], height=30)
    for column, name in enumerate(sw.names, start=4):
        put_text(ws.cell(row=row, column=column), name, font=_BOLD, fill=_HEAD_FILL)
    row += 1
    definitions = _definition_places(book, row + len(sw.paths) + 2)
    base_values = dict(plan_values(plan))
    for path in sw.paths:
        _put(ws, row, 1, path, font=_KEY_FONT)
        _put(ws, row, 2, _input_label(path, book.language))
        day = _as_date(path, base_values.get(path))
        number = _DATE_FIELDS[path] if day is not None else _path_format(path, book.fmt)
        _fx(ws, row, 3, f"base_{defined_name(path)}", number)
        for k in range(count):
            column = 4 + k
            if not sw.live[k] or path not in sw.changes[k]:
                _fx(ws, row, column, f"$C{row}", number)
                continue
            value = sw.changes[k][path]
            place = definitions.get((k, path))
            if place is not None and _as_date(path, value) is None:
                _fx(ws, row, column, f"$C${place}", number)
            elif _as_date(path, value) is not None:
                _put(ws, row, column, _as_date(path, value), number)
            else:  # set as part of a larger value (JSON): the leaf's value, stated here
                _put(ws, row, column, shown_enum(path, value, book.language), number)
        choices = ",".join(f"{get_column_letter(4 + k)}{row}" for k in range(count))
        _fx(ws, row, 4 + count, f"CHOOSE(scenario_switch+1,C{row},{choices})", number, font=_BOLD)
        _name(wb, defined_name(path), _ref(ws.title, 4 + count, row))
        row += 1
    _put(ws, row, 1, book.t("xlsx.scenarios.in_use_note"), font=_NOTE_FONT)
    return row + 2


def _definition_places(book: Book, first: int) -> dict[tuple[int, str], int]:
    """Row of each scalar scenario entry in the definitions that start at row ``first``
    (section title, heading and key row above them)."""
    places: dict[tuple[int, str], int] = {}
    row = first + 3
    for index, scenario in enumerate(book.plan.scenarios):
        entries = list(scenario.set.items()) or [("", None)]
        for path, value in entries:
            if path and _TYPES.get(type(value), "json") != "json":
                places[(index, path)] = row
            row += 1
    return places


def _path_format(path: str, fmt: Formats) -> str | None:
    leaf = path.rsplit(".", 1)[-1]
    if leaf in _NUMBER_FIELDS and not path.startswith("uncertainty."):
        return str(getattr(fmt, _NUMBER_FIELDS[leaf][0]))
    return None


def _write_actuals(book: Book) -> None:
    wb, plan, language, fmt, shown = book.wb, book.plan, book.language, book.fmt, book.shown
    ws = wb[book.sheet("actuals")]
    given = {key for row in plan.actuals for key in row}
    keys = ["month", *(c for c in VALUE_COLUMNS if c in given and c in shown)]
    _header(ws, 1, [i18n.label(k, language) for k in keys], height=45)
    _keys(ws, 2, keys)
    for r, values in enumerate(plan.actuals, start=3):
        for c, key in enumerate(keys, start=1):
            if key in values:
                number = fmt.whole if key == "month" else _column_format(key, fmt)
                _put(ws, r, c, values[key], number)
    ws.freeze_panes = "B3"
    _widths(ws, dict.fromkeys(range(1, len(keys) + 1), 13))
    _print_setup(ws, "1:2", fit_width=len(keys) <= 12, scale=80, title_cols="A:A")


def _write_sign_off(
    book: Book,
    digest: str,
    issued: date | None = None,
    signatories: Sequence[Sequence[str]] = (),
    evidence: Evidence | None = None,
) -> None:
    wb, plan, language = book.wb, book.plan, book.language
    ws = wb[book.sheet("signoff")]
    _put(ws, 1, 1, i18n.t("xlsx.signoff.title", language), font=_TITLE_FONT)
    facts = [
        (i18n.label("title", language), "title"),
        (i18n.label("partner", language), "partner_name"),
        (i18n.label("vendor", language), "vendor_name"),
    ]
    if plan.decision is not None:
        facts += [
            (i18n.label(f"decision.{key}", language), f"decision_{key}")
            for key in ("date", "partner", "vendor")
        ]
    for row, (label, name) in enumerate(facts, start=3):
        _put(ws, row, 1, label, font=_BOLD)
        _fx(ws, row, 2, name, "yyyy-mm-dd" if name == "decision_date" else None)
    facts_values: list[tuple[str, Any]] = [
        (i18n.t("xlsx.signoff.exported", language), issued or date.today()),
        (i18n.t("xlsx.signoff.hash", language), digest),
    ]
    if evidence is not None:  # a signed edition: when it was signed, and by which key
        moment = evidence.signed_at.astimezone(UTC)
        when = f"{moment:%Y-%m-%d %H:%M} UTC"
        facts_values[0] = (i18n.t("xlsx.signoff.signed_at", language), when)
        facts_values.append((i18n.t("xlsx.signoff.certificate", language), evidence.fingerprint))
    for row, (label, value) in enumerate(facts_values, start=3 + len(facts)):
        _put(ws, row, 1, label, font=_BOLD)
        _put(ws, row, 2, value, "yyyy-mm-dd" if isinstance(value, date) else None)
    _name(wb, "content_hash", _ref(ws.title, 2, 3 + len(facts) + 1))  # after the date
    facts += facts_values
    row = 4 + len(facts)
    if evidence is None:
        _put(ws, row, 1, i18n.t("xlsx.signoff.note", language))
    else:
        command = (
            f"python -m planner verify {i18n.t('xlsx.signoff.file', language)} "
            f"--fingerprint {evidence.fingerprint}"
        )
        for text in (
            i18n.t("xlsx.signoff.signed_note", language),
            i18n.t("xlsx.signoff.check", language),
            command,
        ):
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
            _put(ws, row, 1, text, wrap=True)
            ws.row_dimensions[row].height = 15 * (1 + len(text) // 150)
            row += 1
        row -= 1
    row += 2
    _header(
        ws,
        row,
        [
            i18n.t(f"xlsx.head.{k}", language)
            for k in ("side", "signatory", "position", "date", "signature")
        ],
    )
    for side in ("partner", "vendor"):
        # signed: (side, name, position, date) of each signatory (planner/signoff/editions.py)
        people = [p for p in signatories if p[0] == side]
        for slot in range(2):
            row += 1
            _put(ws, row, 1, i18n.label(side, language))
            if slot < len(people):
                for column, text in enumerate(people[slot][1:4], start=2):
                    put_text(ws.cell(row=row, column=column), text)
                if evidence is not None:
                    _put(ws, row, 5, i18n.t("xlsx.signoff.signed_electronically", language))
            ws.row_dimensions[row].height = 30
    _widths(ws, {1: 30, 2: 70, 3: 24, 4: 14, 5: 30})
    _print_setup(ws, "1:1")


# --- P&L: plan years as columns ----------------------------------------------------------

PNL_LINES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    # (row key, sign shown, kind, parts): kind "line" reads Yearly's column of that key
    # (``parts[0]`` when given), "sum" adds the parts (a leading "-" subtracts), "level" is a
    # running total of ``parts[0]``, "staff" the vendor's partner manager cost
    ("partner", "", "head", ()),
    ("resale", "", "line", ()),
    ("services", "+", "line", ()),
    ("managed", "+", "line", ()),
    ("revenue", "=", "sum", ("resale", "services", "managed")),
    ("sell_in", "−", "line", ()),
    ("gross_profit", "=", "sum", ("revenue", "-sell_in")),
    ("mdf", "", "line", ()),
    ("rebate", "+", "line", ()),
    ("vendor_funds", "=", "sum", ("mdf", "rebate")),
    ("investment_gross", "", "line", ()),
    ("investment_vendor_funded", "−", "line", ()),
    ("investment_net", "=", "sum", ("investment_gross", "-investment_vendor_funded")),
    ("staff_cost", "−", "line", ()),
    ("opex", "−", "line", ()),
    (
        "ebitda",
        "=",
        "sum",
        ("gross_profit", "vendor_funds", "-investment_net", "-staff_cost", "-opex"),
    ),
    ("cash_flow", "=", "sum", ("ebitda",)),
    ("cumulative_cash", "", "level", ("cash_flow",)),
    ("vendor", "", "head", ()),
    ("vendor_revenue", "", "line", ()),
    ("vendor_gross_profit", "", "line", ()),
    ("vendor_mdf", "", "line", ("mdf",)),
    ("vendor_rebate", "+", "line", ("rebate",)),
    ("vendor_investment_vendor_funded", "+", "line", ("investment_vendor_funded",)),
    ("partner_manager_cost", "+", "staff", ()),
    (
        "vendor_cost",
        "=",
        "sum",
        ("vendor_mdf", "vendor_rebate", "vendor_investment_vendor_funded", "partner_manager_cost"),
    ),
    ("vendor_cash_flow", "=", "sum", ("vendor_gross_profit", "-vendor_cost")),
    ("vendor_cumulative_cash", "", "level", ("vendor_cash_flow",)),
)
"""The P&L's rows. Costs are positive amounts; the sign column says how a line enters the
subtotal below it, and every subtotal is a formula of the lines above it, so the Checks sheet
can tie it out against ``Yearly`` (computed from the months)."""
PNL_TIES: dict[str, str] = {
    "revenue": "revenue",
    "gross_profit": "gross_profit",
    "vendor_funds": "vendor_funds",
    "ebitda": "ebitda",
    "cash_flow": "cash_flow",
    "cumulative_cash": "cumulative_cash",
    "vendor_cost": "vendor_cost",
    "vendor_cash_flow": "vendor_cash_flow",
    "vendor_cumulative_cash": "vendor_cumulative_cash",
}
"""Subtotal row -> the Yearly column it must equal."""
PNL_FIRST_ROW = 6
"""Row of the first P&L line (title, master check, sign convention and headings above)."""


def pnl_source(key: str) -> str | None:
    """The Yearly column a P&L row of kind "line" shows (its key, or the key it repeats)."""
    for row_key, _, kind, parts in PNL_LINES:
        if row_key == key and kind in ("line", "sum", "level"):
            return parts[0] if kind == "line" and parts else key
    return None


@dataclass(frozen=True)
class PnlLayout:
    sheet: str
    years: int
    rows: Mapping[str, int]

    @property
    def total_column(self) -> int:
        return 3 + self.years


def _pnl_label(key: str, language: str) -> str:
    source = pnl_source(key)
    if key in ("partner", "vendor"):
        return i18n.label(key, language)
    if key in ("partner_manager_cost", "investment_net"):
        return i18n.t(f"xlsx.pnl.{key}", language)
    if key.startswith("vendor_") and source and source != key:
        return i18n.label(source, language)
    return i18n.label(key, language)


def _write_pnl(book: Book, yearly: YearlyLayout) -> PnlLayout:
    wb, language, fmt = book.wb, book.language, book.fmt
    ws = wb[book.sheet("pnl")]
    years = yearly.years
    _put(ws, 1, 1, book.t("xlsx.pnl.title"), font=_TITLE_FONT)
    _show_master(ws, 2, 1, language, value=3)
    _put(ws, 3, 1, book.t("xlsx.pnl.signs"), font=_NOTE_FONT)
    heads = [book.t("xlsx.pnl.line"), ""]
    heads += [f"{i18n.label('year', language)} {k + 1}" for k in range(years)]
    heads += [book.t("xlsx.pnl.total"), i18n.t("xlsx.head.key", language)]
    # column A: the line; B: its sign; C.. the years; then the total and the key
    _header(ws, 5, heads, height=30)
    rows: dict[str, int] = {}
    row = PNL_FIRST_ROW
    total = 3 + years
    for key, sign, kind, parts in PNL_LINES:
        needed = [p.lstrip("-") for p in parts] if kind == "sum" else []
        source = pnl_source(key)
        if kind == "line" and source not in yearly.columns:
            continue
        if kind in ("sum", "level") and (
            any(p not in rows for p in needed) or (kind == "level" and parts[0] not in rows)
        ):
            continue
        if kind == "staff" and not book.economics:
            continue
        if kind == "head":
            if rows and key == "vendor":
                row += 1
            _put(ws, row, 1, _pnl_label(key, language), font=_BOLD)
            rows[key] = row
            row += 1
            continue
        bold = kind in ("sum", "level")
        font = _BOLD if bold else None
        _put(ws, row, 1, _pnl_label(key, language), font=font)
        _put(ws, row, 2, sign, font=font)
        for k in range(years):
            column = 3 + k
            letter = get_column_letter(column)
            if kind == "line":
                formula = yearly.cell(str(source), k)
            elif kind == "staff":
                months = yearly.cell("months", k)
                formula = (
                    "vendor_programme_partner_manager_fte*"
                    f"vendor_programme_partner_manager_annual_cost/12*{months}"
                )
            elif kind == "level":
                flow = f"{letter}{rows[parts[0]]}"
                previous = f"{get_column_letter(column - 1)}{row}"
                formula = flow if k == 0 else f"{previous}+{flow}"
            else:
                terms = [
                    ("-" if p.startswith("-") else "+") + f"{letter}{rows[p.lstrip('-')]}"
                    for p in parts
                ]
                formula = "".join(terms).lstrip("+")
            _fx(ws, row, column, formula, fmt.money, font=font)
        first, last = get_column_letter(3), get_column_letter(2 + years)
        if kind == "level":
            _fx(ws, row, total, f"{last}{row}", fmt.money, font=font)
        else:
            _fx(ws, row, total, f"SUM({first}{row}:{last}{row})", fmt.money, font=font)
        _put(ws, row, total + 1, key, font=_KEY_FONT)
        rows[key] = row
        row += 1
    ws.freeze_panes = "C6"
    _widths(ws, {1: 40, 2: 3, **dict.fromkeys(range(3, total + 1), 14), total + 1: 18})
    _print_setup(ws, "5:5")
    return PnlLayout(ws.title, years, rows)


# --- Checks ------------------------------------------------------------------------------


def _count_rows(inputs: str, prefix: str, suffix: str, last: int) -> str:
    """How many paths on ``Inputs`` start with ``prefix`` and end with ``suffix``."""
    column = _ref(inputs, INPUT_PATH_COLUMN, 1, last)
    return (
        f'SUMPRODUCT((LEFT({column},{len(prefix)})="{prefix}")'
        f'*(RIGHT({column},{len(suffix)})="{suffix}"))'
    )


def _errors(block: str) -> str:
    return f"SUMPRODUCT(--ISERROR({block}))"


def _write_checks(
    book: Book,
    team: ItemBlock,
    inv: ItemBlock,
    monthly: MonthlyLayout,
    yearly: YearlyLayout,
    pnl: PnlLayout,
) -> None:
    """Each check is 0 when it holds and 1 when it fails; the master check is their sum."""
    wb, plan = book.wb, book.plan
    ws = wb[book.sheet("checks")]
    _put(ws, 1, 1, book.t("xlsx.checks.title"), font=_TITLE_FONT)
    _show_master(ws, 2, 1, book.language)
    _header(
        ws,
        4,
        [
            book.t("xlsx.checks.check"),
            book.t("xlsx.checks.result"),
            book.t("xlsx.checks.about"),
            i18n.t("xlsx.head.key", book.language),
        ],
        height=30,
    )
    inputs = book.sheet("inputs")
    last_input = 5000
    checks: list[tuple[str, str, str]] = []  # (key, formula, detail)

    checks.append(
        (
            "months",
            "IF(months=ROWS(monthly_month),0,1)",
            book.t("xlsx.checks.months_detail", months=plan.months),
        )
    )
    lists = (
        ("resources", "resources.", ".role", len(plan.resources)),
        ("investments", "investments.", ".name", len(plan.investments)),
        (
            "rebate_tiers",
            "vendor_programme.rebate_tiers.",
            ".rate",
            len(plan.vendor_programme.rebate_tiers),
        ),
    )
    for key, prefix, suffix, count in lists:
        counted = _count_rows(inputs, prefix, suffix, last_input)
        checks.append(
            (
                f"rows_{key}",
                f"IF({counted}={count},0,1)",
                book.t(f"xlsx.checks.rows_detail.{key}", count=count),
            )
        )
    blocks = [
        _ref(monthly.sheet, 1, MONTHLY_FIRST_ROW, monthly.row(plan.months), len(monthly.columns))
    ]
    blocks.append(_ref(yearly.sheet, 1, 3, 2 + yearly.years, len(yearly.columns)))
    blocks.append(_ref(pnl.sheet, 3, PNL_FIRST_ROW, max(pnl.rows.values()), pnl.total_column))
    for block in (team, inv):
        if block.items:
            width = 2 + block.items * len(block.blocks)
            blocks.append(_ref(block.sheet, 3, 3, block.row(plan.months), width))
    checks.append(
        (
            "errors",
            "IF(" + "+".join(_errors(b) for b in blocks) + "=0,0,1)",
            book.t("xlsx.checks.errors_detail"),
        )
    )
    flows = [
        key for key in VALUE_COLUMNS if key in yearly.columns and key not in model.STOCK_COLUMNS
    ]
    ties = [_tie(f"SUM({yearly.range(key)})", f"SUM(monthly_{key})") for key in flows]
    ties.append(f"SUM({yearly.range('months')})<>{plan.months}")
    checks.append(
        ("yearly_totals", f"IF(OR({','.join(ties)}),1,0)", book.t("xlsx.checks.yearly_detail"))
    )
    for key, column in PNL_TIES.items():
        if key not in pnl.rows or column not in yearly.columns:
            continue
        row = pnl.rows[key]
        parts = [
            _tie(_ref(pnl.sheet, 3 + k, row), yearly.cell(column, k)) for k in range(yearly.years)
        ]
        total = _ref(pnl.sheet, pnl.total_column, row)
        if column in model.STOCK_COLUMNS:
            parts.append(_tie(total, f"INDEX(monthly_{column},{plan.months})"))
        else:
            parts.append(_tie(total, f"SUM(monthly_{column})"))
        checks.append(
            (
                f"pnl_{key}",
                f"IF(OR({','.join(parts)}),1,0)",
                book.t("xlsx.checks.pnl_detail", line=_pnl_label(key, book.language)),
            )
        )
    sums = []
    for side, figures in _SUMS.items():
        for figure, column in figures.items():
            if f"{side}_{figure}" in wb.defined_names and column in pnl.rows:
                sums.append(
                    _tie(f"{side}_{figure}", _ref(pnl.sheet, pnl.total_column, pnl.rows[column]))
                )
    if sums:
        checks.append(
            ("figure_totals", f"IF(OR({','.join(sums)}),1,0)", book.t("xlsx.checks.figures_detail"))
        )
    sw = book.switch
    if book.locked:
        switch = "IF(scenario_switch=0,0,1)"
        detail = book.t("xlsx.checks.switch_locked")
    else:
        dead = [str(k) for k, live in enumerate(sw.live, start=1) if not live]
        bad = [f"scenario_switch={k}" for k in dead]
        top = len(sw.names)
        valid = (
            f"AND(scenario_switch>=0,scenario_switch<={top},scenario_switch=INT(scenario_switch))"
        )
        switch = f"IF(AND({valid}{',NOT(OR(' + ','.join(bad) + '))' if bad else ''}),0,1)"
        detail = book.t("xlsx.checks.switch_detail", top=len(sw.names))
        if dead:
            detail += " " + book.t("xlsx.checks.switch_dead", scenarios=", ".join(dead))
    checks.append(("scenario_switch", switch, detail))

    row = 5
    for key, formula, detail in checks:
        _put(ws, row, 1, _check_label(book, key))
        _fx(ws, row, 2, f"IFERROR({formula},1)", book.fmt.whole, font=_BOLD)
        _put(ws, row, 3, detail, wrap=True)
        _put(ws, row, 4, key, font=_KEY_FONT)
        row += 1
    _name(wb, "check_master", _ref(ws.title, 2, row))
    _put(ws, row, 1, book.t("xlsx.checks.master"), font=_BOLD)
    _fx(
        ws,
        row,
        2,
        f"SUM(B5:B{row - 1})",
        _status_format(book.language),
        font=_BOLD,
        fill=_CHECK_FILL,
    )
    _put(ws, row + 2, 1, book.t("xlsx.checks.note"), font=_NOTE_FONT)
    _widths(ws, {1: 46, 2: 12, 3: 70, 4: 20})
    _print_setup(ws, "4:4")


def _check_label(book: Book, key: str) -> str:
    if key.startswith("pnl_"):
        return book.t("xlsx.checks.pnl", line=_pnl_label(key[4:], book.language))
    if key.startswith("rows_"):
        return book.t(f"xlsx.checks.rows.{key[5:]}")
    return book.t(f"xlsx.checks.{key}")


# --- Summary ------------------------------------------------------------------------------


def _write_summary(
    book: Book, kpis: Mapping[str, Any], monthly: MonthlyLayout, pnl: PnlLayout
) -> None:
    wb, plan, language, fmt = book.wb, book.plan, book.language, book.fmt
    ws = wb[book.sheet("summary")]
    _put(ws, 1, 1, plan.title, font=_TITLE_FONT)
    _put(ws, 2, 1, f"{plan.partner.name} × {plan.vendor.name}")
    _show_master(ws, 3, 1, language)
    _put(ws, 4, 1, book.t("xlsx.switch.in_use"), font=_BOLD)
    _fx(ws, 4, 2, "scenario_in_use", font=_BOLD)
    heads = [
        i18n.t("xlsx.head.figure", language),
        i18n.label("partner", language),
        i18n.label("vendor", language),
    ]
    _header(ws, 6, heads, height=20)
    row = 7
    for figure in FIGURE_ROWS:
        cells: list[str | None] = []
        for side in ("partner", "vendor"):
            cells.append(f"{side}_{figure}" if f"{side}_{figure}" in wb.defined_names else None)
        if not any(cells):
            continue
        _put(ws, row, 1, i18n.label(figure, language))
        for offset, cell_name in enumerate(cells):
            if cell_name:
                _fx(ws, row, 2 + offset, cell_name, _figure_format(figure, fmt), font=_BOLD)
        row += 1
    if "mutual" in wb.defined_names:
        _put(ws, row, 1, i18n.label("mutual", language), font=_BOLD)
        _fx(ws, row, 2, "mutual", font=_BOLD)
        row += 1
    _put(ws, row + 1, 1, book.t("xlsx.summary.note"), font=_NOTE_FONT)
    _widths(ws, {1: 34, 2: 18, 3: 18, 4: 4})

    # native charts: cumulative cash of both sides by month, revenue and EBITDA by plan year
    line = LineChart()
    line.title = book.t("xlsx.summary.cash_chart")
    line.y_axis.title = plan.currency
    line.x_axis.title = i18n.label("month", language)
    line.height, line.width = 7.5, 16
    first, last = monthly.row(1), monthly.row(plan.months)
    monthly_ws = wb[monthly.sheet]
    for key in ("cumulative_cash", "vendor_cumulative_cash"):
        if key in book.shown:
            values = Reference(
                monthly_ws, min_col=monthly.columns[key], min_row=first, max_row=last
            )
            series = Series(values, title=i18n.label(key, language))
            series.smooth = False
            line.series.append(series)
    line.set_categories(
        Reference(monthly_ws, min_col=monthly.columns["month"], min_row=first, max_row=last)
    )
    bars = BarChart()
    bars.title = book.t("xlsx.summary.year_chart")
    bars.y_axis.title = plan.currency
    bars.height, bars.width = 7.5, 16
    pnl_ws = wb[pnl.sheet]
    for key in ("revenue", "ebitda", "vendor_cash_flow"):
        if key in pnl.rows:
            values = Reference(pnl_ws, min_col=3, max_col=2 + pnl.years, min_row=pnl.rows[key])
            bars.series.append(Series(values, title=_pnl_label(key, language)))
    bars.set_categories(Reference(pnl_ws, min_col=3, max_col=2 + pnl.years, min_row=5))
    for chart in (line, bars):
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.y_axis.number_format = fmt.money
        chart.legend.position = "b"
    ws.add_chart(line, "E1")
    ws.add_chart(bars, "E17")
    _print_setup(ws, None)


def _pages(wb: Workbook, title: str, digest: str, language: str) -> None:
    """Printed pages: the plan's title on top; sheet, page x / y and the hash below."""
    shown = _plain(title)[:100].replace("&", "&&")  # & starts a header code
    for ws in wb.worksheets:
        ws.oddHeader.center.text = shown
        ws.oddFooter.left.text = "&A"
        ws.oddFooter.center.text = "&P / &N"
        ws.oddFooter.right.text = digest[:16]
        if ws.title in {sheet_name(key, language) for key in PROTECTED}:
            ws.protection.sheet = True


def _default_font(wb: Workbook) -> None:
    """The workbook's default style names :data:`FONT` too (cells left unstyled use it)."""
    wb._fonts = IndexedList([_BODY])
    normal = wb._named_styles["Normal"]
    normal.font = _BODY


def _plain(text: str) -> str:
    """Text for document properties, which cannot escape control characters."""
    return re.sub(r"[\x00-\x1f\x7f\ufffe\uffff]", " ", text)


# --- the workbook ------------------------------------------------------------------------


def build_workbook(
    plan: Plan,
    *,
    scenario: str | None = None,
    language: str | None = None,
    issued: date | None = None,
    signatories: Sequence[Sequence[str]] = (),
    properties: Mapping[str, str] | None = None,
    audience: str | None = None,
    digest: str | None = None,
    evidence: Evidence | None = None,
) -> bytes:
    """The plan (or one of its scenarios) as a live XLSX model, as the bytes of the file.

    ``language`` overrides the plan's language for labels and number formats. For a signed
    version (planner/signoff/editions.py): ``issued`` is the export date shown (default today),
    ``signatories`` fill the Sign-off lines as ``(side, name, position, date)`` and
    ``properties`` become custom document properties; ``evidence`` states on ``Sign-off``
    that and how the workbook is electronically signed (the seal itself is added afterwards,
    :mod:`planner.signoff.seal`).

    ``audience`` (``vendor``, ``partner`` or ``viewer``) makes that side's edition: the other
    side's private inputs read "private", a formula that would need one holds the model's value
    instead (:mod:`planner.export.edition`), and without the vendor's economics its figures
    beyond its revenue are left out. ``digest`` is the hash recorded (default: the edition hash
    of :mod:`planner.privacy`, the content hash when nothing is hidden from the audience).
    """
    chosen = plan.scenario(scenario) if scenario else plan
    lang = language or chosen.language
    fmt = Formats.of(chosen.currency, lang)
    outcome = model.evaluate(chosen)
    view = privacy.view(chosen, audience) if audience else None
    economics = view is None or view.economics
    shown = MONTHLY_COLUMNS if view is None else privacy.visible_columns(chosen, audience or "")
    if digest is None:
        digest = privacy.edition_hash(chosen, audience) if audience else plan_hash(chosen)
    notes = (view.data.get("notes") if view is not None else chosen.notes) or {}

    wb = Workbook()
    wb.remove(wb.active)
    _default_font(wb)
    book = Book(
        wb,
        chosen,
        lang,
        fmt,
        scenario_switch(chosen),
        {key: text for key, text in notes.items() if text},
        economics=economics,
        shown=shown,
        locked=bool(view is not None and view.hidden),
    )
    keys = [key for key in SHEET_NAMES["en"] if key != "actuals" or chosen.actuals]
    for key in keys:
        wb.create_sheet(book.sheet(key))
    _write_inputs(book)
    team = _write_team(book)
    inv = _write_investments(book)
    layout = _write_monthly(book, team, inv)
    yearly = _write_yearly(book, layout)
    pnl = _write_pnl(book, yearly)
    _write_figures(book, outcome.kpis)
    _write_scenarios(book, outcome.kpis)
    _write_checks(book, team, inv, layout, yearly, pnl)
    _write_summary(book, outcome.kpis, layout, pnl)
    if chosen.actuals:
        _write_actuals(book)
    _write_sign_off(book, digest, issued, signatories, evidence)
    if view is not None and view.hidden:
        from planner.export import edition

        edition.hide(wb, view, outcome, lang)
    wb.active = 0
    _pages(wb, chosen.title, digest, lang)

    # No cached values are stored, so a spreadsheet program must calculate on opening.
    wb.calculation.fullCalcOnLoad = True
    props = wb.properties
    props.title = _plain(chosen.title)
    props.subject = _plain(
        i18n.t("xlsx.subject", lang, partner=chosen.partner.name, vendor=chosen.vendor.name)
    )
    keywords = [f"content_hash:{digest}", "partner-planner", "MODEL.md v1"]
    if scenario:
        keywords.append(_plain(i18n.t("xlsx.scenario_of", lang, scenario=scenario)))
    props.keywords = "; ".join(keywords)
    props.description = i18n.t("xlsx.description", lang)
    props.creator = "partner-planner"
    props.language = i18n.LOCALES.get(lang, "en_GB").replace("_", "-")
    for key, value in (properties or {}).items():
        wb.custom_doc_props.append(StringProperty(name=key, value=_plain(value)))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
