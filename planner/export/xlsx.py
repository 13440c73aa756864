"""The plan as a live XLSX model (openpyxl): inputs, docs/model.md's formulas, key figures.

Sheets: ``Inputs`` (every plan value, one per row, each cell a workbook-level defined name
such as ``revenue_deal_size``), ``Team`` and ``Investments`` (per-item helper columns),
``Monthly`` (every docs/model.md monthly column as formulas, one generator function per column
in :data:`MONTHLY_FORMULAS`), ``Yearly``, ``Key figures`` (both sides, docs/model.md section 4),
``Scenarios`` (values at export plus the scenario definitions), ``Actuals`` (when the plan has
any) and ``Sign-off``. Changing an input in a spreadsheet program recalculates the whole plan.

User text is data: it is written as a string cell (never a formula), with a quote prefix so
that editing it keeps it text, and with characters XML cannot carry escaped the OOXML way
(``_x0001_``). Money is in the plan's currency, rates are fractions shown as percentages.
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
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planner import i18n, model, privacy
from planner.export import Evidence
from planner.plan import MONTHLY_COLUMNS, VALUE_COLUMNS, Investment, Partner, Plan, Resource
from planner.plan import content_hash as plan_hash

INPUTS = "Inputs"
TEAM = "Team"
INVESTMENTS = "Investments"
MONTHLY = "Monthly"
YEARLY = "Yearly"
FIGURES = "Key figures"
SCENARIOS = "Scenarios"
ACTUALS = "Actuals"
SIGN_OFF = "Sign-off"

INPUT_PATH_COLUMN = 1
INPUT_VALUE_COLUMN = 3
INPUT_FIRST_ROW = 2
MONTHLY_FIRST_ROW = 3
"""Row of plan month 1 on ``Monthly``: row 1 holds labels, row 2 docs/model.md's column keys."""
DEFINITIONS_KEYS = ("name", "path", "value", "type")
"""Key row that starts the scenario definitions on ``Scenarios`` (read back on import)."""

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


_BOLD = Font(bold=True)
_KEY_FONT = Font(color="808080", size=8)
_TITLE_FONT = Font(bold=True, size=13)
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_HELPER_FILL = PatternFill("solid", fgColor="EDEDED")
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
    """Style a cell; each combination is built once per workbook and then copied, as
    openpyxl's per-attribute styling costs more than writing the cell."""
    if not (fmt or font or fill or quote or wrap):
        return cell
    cache = _STYLES.setdefault(cell.parent.parent, {})
    key = (fmt, id(font), id(fill), quote, wrap)
    style = cache.get(key)
    if style is not None:
        cell._style = copy.copy(style)
        return cell
    if fmt:
        cell.number_format = fmt
    if font:
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


def _header(ws: Worksheet, row: int, texts: Sequence[str], *, fill: bool = True) -> None:
    for column, text in enumerate(texts, start=1):
        _put(ws, row, column, text, font=_BOLD, fill=_HEAD_FILL if fill else None, wrap=True)


def _keys(ws: Worksheet, row: int, keys: Sequence[str]) -> None:
    for column, key in enumerate(keys, start=1):
        _put(ws, row, column, key, font=_KEY_FONT)


def _widths(ws: Worksheet, widths: Mapping[int, float]) -> None:
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width


def _print_setup(ws: Worksheet, title_rows: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows


def _ref(
    sheet: str, column: int, row: int, row_end: int | None = None, col_end: int | None = None
) -> str:
    """An absolute reference such as ``'Key figures'!$B$3`` or ``Monthly!$C$3:$C$38``."""
    quoted = f"'{sheet}'" if " " in sheet or "-" in sheet else sheet
    start = f"${get_column_letter(column)}${row}"
    if row_end is None and col_end is None:
        return f"{quoted}!{start}"
    end = f"${get_column_letter(col_end or column)}${row_end or row}"
    return f"{quoted}!{start}:{end}"


def _name(wb: Workbook, name: str, target: str) -> None:
    if name in wb.defined_names:
        raise ValueError(f"defined name {name!r} is used twice")
    wb.defined_names[name] = DefinedName(name, attr_text=target)


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
INPUT_EXACT_COLUMN = 5
"""Hidden: the exact value (``repr``) of a float that the 16 digits of a cell would round."""


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


def _write_inputs(wb: Workbook, plan: Plan, language: str, fmt: Formats) -> list[InputRow]:
    ws = wb.create_sheet(INPUTS)
    _header(
        ws,
        1,
        [i18n.t(f"xlsx.head.{k}", language) for k in ("path", "label", "value", "unit")],
    )
    _put(ws, 1, INPUT_EXACT_COLUMN, "exact", font=_KEY_FONT)
    validations: dict[tuple[str, float, float | None], DataValidation] = {}
    enum_lists: dict[tuple[str, ...], DataValidation] = {}
    rows: list[InputRow] = []
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
        _put(ws, row, 2, _input_label(path, language))
        cell = ws.cell(row=row, column=INPUT_VALUE_COLUMN)
        leaf = parts[-1]
        unit = ""
        if isinstance(value, bool):
            cell.value = value
            _style(cell, fill=_INPUT_FILL)
            unit = i18n.t("xlsx.unit.bool", language)
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
            put_text(cell, str(value), fill=_INPUT_FILL)
            choices = _enum_of(path)
            if choices:
                unit = " | ".join(choices)
                if choices not in enum_lists:
                    enum_lists[choices] = DataValidation(
                        type="list", formula1='"' + ",".join(choices) + '"'
                    )
                enum_lists[choices].add(cell)
            elif section == "private" or path.endswith(".path"):
                unit = i18n.t("xlsx.unit.path", language)
            else:
                unit = i18n.t(_TEXT_UNITS.get(leaf, "xlsx.unit.text"), language)
        _put(ws, row, 4, unit)
        _name(wb, defined_name(path), _ref(INPUTS, INPUT_VALUE_COLUMN, row))
        rows.append(InputRow(path, value, row))
        row += 1
    for validation in [*validations.values(), *enum_lists.values()]:
        validation.error = i18n.t("xlsx.validation", language)
        validation.showErrorMessage = True
        ws.add_data_validation(validation)
    ws.freeze_panes = "A2"
    _widths(ws, {1: 36, 2: 52, 3: 20, 4: 44})
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


def _write_team(wb: Workbook, plan: Plan, language: str, fmt: Formats) -> ItemBlock:
    ws = wb.create_sheet(TEAM)
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
    layout = ItemBlock(TEAM, count, first_row, param_rows, {"active": 3, "productive": 3 + count})
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
                    "is_sales": f'IF({base}_function="sales",1,0)',
                    "is_delivery": f'IF({base}_function="delivery",1,0)',
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
    _print_setup(ws, f"{head}:{head}")
    return layout


def _write_investments(wb: Workbook, plan: Plan, language: str, fmt: Formats) -> ItemBlock:
    ws = wb.create_sheet(INVESTMENTS)
    count = len(plan.investments)
    params = ("name", "category", "amount", "month", "every_months", "vendor_share")
    param_rows = {name: 3 + i for i, name in enumerate(params)}
    first_row = 3 + len(params) + 2
    layout = ItemBlock(INVESTMENTS, count, first_row, param_rows, {"due": 3})
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
    _print_setup(ws, f"{head}:{head}")
    return layout


# --- Monthly: docs/model.md section 2, one formula generator per column ------------------


@dataclass(frozen=True)
class MonthlyLayout:
    """Where each monthly column sits; ``columns`` maps a key to its column number."""

    months: int
    columns: Mapping[str, int]
    tiers: int
    team: ItemBlock
    investments: ItemBlock

    def row(self, t: int) -> int:
        return MONTHLY_FIRST_ROW + t - 1

    def range(self, key: str) -> str:
        return _ref(MONTHLY, self.columns[key], self.row(1), self.row(self.months))


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
    year, month = "VALUE(LEFT(start,4))", "VALUE(RIGHT(start,2))"
    offset = f"{month}+{m['month']}-2"
    # Text arithmetic, not TEXT(): format codes such as "YYYY" are language-dependent in Excel.
    return f'({year}+INT(({offset})/12))&"-"&RIGHT("0"&(MOD({offset},12)+1),2)'


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
    if key in ("date", "year_end"):
        return None
    return fmt.money


def _write_monthly(
    wb: Workbook,
    plan: Plan,
    language: str,
    fmt: Formats,
    team: ItemBlock,
    inv: ItemBlock,
    shown: Sequence[str] = MONTHLY_COLUMNS,
) -> MonthlyLayout:
    ws = wb.create_sheet(MONTHLY)
    tiers = len(plan.vendor_programme.rebate_tiers)
    keys = [*shown, *HELPERS, *(f"tier_{j}" for j in range(tiers)), "rebate_rate"]
    columns = {key: i for i, key in enumerate(keys, start=1)}
    layout = MonthlyLayout(plan.months, columns, tiers, team, inv)
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
    _header(ws, 1, labels)
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
    _widths(ws, {1: 7, 2: 9, **dict.fromkeys(range(3, len(keys) + 1), 15)})
    ws.row_dimensions[1].height = 45
    _print_setup(ws, "1:2")
    return layout


# --- Yearly ------------------------------------------------------------------------------


def _write_yearly(
    wb: Workbook, plan: Plan, language: str, fmt: Formats, layout: MonthlyLayout
) -> None:
    ws = wb.create_sheet(YEARLY)
    values = [key for key in VALUE_COLUMNS if key in layout.columns]
    keys = ["year", "months", "from", "to", *values]
    labels = [
        i18n.label("year", language),
        i18n.t("xlsx.head.months_in_year", language),
        i18n.t("xlsx.head.from", language),
        i18n.t("xlsx.head.to", language),
        *(i18n.label(key, language) for key in values),
    ]
    _header(ws, 1, labels)
    _keys(ws, 2, keys)
    years = -(-plan.months // 12)
    cols = layout.columns
    for k in range(years):
        row = 3 + k
        first, last = layout.row(12 * k + 1), layout.row(min(12 * k + 12, plan.months))
        _put(ws, row, 1, k + 1)
        _fx(ws, row, 2, f"COUNT({_ref(MONTHLY, cols['month'], first, last)})", fmt.whole)
        _fx(ws, row, 3, _ref(MONTHLY, cols["date"], first))
        _fx(ws, row, 4, _ref(MONTHLY, cols["date"], last))
        for i, key in enumerate(values, start=5):
            if key in model.STOCK_COLUMNS:
                formula = _ref(MONTHLY, cols[key], last)
            else:
                formula = f"SUM({_ref(MONTHLY, cols[key], first, last)})"
            _fx(ws, row, i, formula, _column_format(key, fmt))
    ws.freeze_panes = "C3"
    _widths(ws, {1: 6, 2: 8, 3: 9, 4: 9, **dict.fromkeys(range(5, len(keys) + 1), 15)})
    ws.row_dimensions[1].height = 45
    _print_setup(ws, "1:2")


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


def figure_formula(side: str, figure: str, months: int) -> str:
    """The spreadsheet formula of one key figure of one side (docs/model.md section 4)."""
    flow, level = _SIDES[side]
    cf, cum = f"monthly_{flow}", f"monthly_{level}"
    last_cf = f"INDEX({cf},{months})"
    last_cum = f"INDEX({cum},{months})"
    missing = f'"{i18n.MISSING}"'
    if figure in _SUMS[side]:
        return f"SUM(monthly_{_SUMS[side][figure]})"
    peak = f"MAX(0,-MIN({cum}))"
    formulas = {
        "npv": f"SUMPRODUCT({cf}/(1+discount_rate)^(monthly_month/12))",
        "irr": (
            f'IF(OR(COUNTIF({cf},"<0")=0,COUNTIF({cf},">0")=0),{missing},'
            # Newton from the guess; then from 1 % and -10 % a month before giving up
            f"IFERROR((1+IRR({cf},{side}_irr_guess))^12-1,IFERROR((1+IRR({cf},0.01))^12-1,"
            f"IFERROR((1+IRR({cf},-0.1))^12-1,{missing}))))"
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


def _write_figures(
    wb: Workbook,
    plan: Plan,
    language: str,
    fmt: Formats,
    kpis: Mapping[str, Any],
    economics: bool = True,
) -> None:
    """``economics`` false: of the vendor's figures only its revenue, and no verdict (a side's
    edition without the vendor's economics, :mod:`planner.privacy`)."""
    ws = wb.create_sheet(FIGURES)
    _put(ws, 1, 1, i18n.t("xlsx.figures.title", language), font=_TITLE_FONT)
    head = [
        i18n.t("xlsx.head.figure", language),
        i18n.label("partner", language),
        i18n.label("vendor", language),
        i18n.t("xlsx.head.exported", language) + ": " + i18n.label("partner", language),
        i18n.t("xlsx.head.exported", language) + ": " + i18n.label("vendor", language),
        i18n.t("xlsx.head.key", language),
    ]
    _header(ws, 2, head)
    row = 3
    for figure in FIGURE_ROWS:
        _put(ws, row, 1, i18n.label(figure, language))
        _put(ws, row, 6, figure, font=_KEY_FONT)
        for offset, side in enumerate(("partner", "vendor")):
            if figure not in kpis[side] or not _shown(side, figure, economics):
                continue
            number = _figure_format(figure, fmt)
            formula = figure_formula(side, figure, plan.months)
            _fx(ws, row, 2 + offset, formula, number, font=_BOLD)
            exported = kpis[side][figure]
            _put(ws, row, 4 + offset, i18n.MISSING if exported is None else exported, number)
            _name(wb, f"{side}_{figure}", _ref(FIGURES, 2 + offset, row))
        row += 1
    if economics:
        _put(ws, row, 1, i18n.label("mutual", language), font=_BOLD)
        _fx(ws, row, 2, "AND(partner_npv>0,vendor_npv>0)", font=_BOLD)
        _put(ws, row, 4, bool(kpis["mutual"]))
        _put(ws, row, 6, "mutual", font=_KEY_FONT)
        _name(wb, "mutual", _ref(FIGURES, 2, row))
    row += 2
    _put(ws, row, 1, i18n.t("xlsx.figures.irr_guess", language))
    for offset, side in enumerate(("partner", "vendor") if economics else ("partner",)):
        _put(ws, row, 2 + offset, irr_guess(kpis[side]["irr"]), "0.00%", fill=_INPUT_FILL)
        _name(wb, f"{side}_irr_guess", _ref(FIGURES, 2 + offset, row))
    _put(ws, row, 6, "irr_guess", font=_KEY_FONT)
    _put(ws, row + 1, 1, i18n.t("xlsx.figures.note", language))
    ws.freeze_panes = "B3"
    _widths(ws, {1: 40, 2: 18, 3: 18, 4: 22, 5: 22, 6: 18})
    _print_setup(ws, "2:2")


def _shown(side: str, figure: str, economics: bool) -> bool:
    return economics or side == "partner" or figure not in privacy.VENDOR_ECONOMICS_FIGURES


# --- Scenarios, Actuals, Sign-off --------------------------------------------------------

_TYPES: dict[type, str] = {bool: "bool", int: "int", float: "float", str: "str"}


def _write_scenarios(
    wb: Workbook,
    plan: Plan,
    language: str,
    fmt: Formats,
    base_kpis: Mapping[str, Any],
    economics: bool = True,
) -> None:
    ws = wb.create_sheet(SCENARIOS)
    _put(ws, 1, 1, i18n.t("xlsx.scenarios.title", language), font=_TITLE_FONT)
    row = 3
    if not plan.scenarios:
        _put(ws, 2, 1, i18n.t("xlsx.scenarios.none", language))
    else:
        _put(ws, row, 1, i18n.t("xlsx.section.results", language), font=_BOLD)
        row += 1
        variants = model.evaluate_many([plan.scenario(s.name) for s in plan.scenarios])
        outcomes = [base_kpis, *(outcome.kpis for outcome in variants)]
        heads = [i18n.t("xlsx.head.figure", language), i18n.t("xlsx.head.base", language)]
        _header(ws, row, heads)
        for column, scenario in enumerate(plan.scenarios, start=3):
            put_text(ws.cell(row=row, column=column), scenario.name, font=_BOLD, fill=_HEAD_FILL)
        row += 1
        for side, figures in (("partner", model.PARTNER_FIGURES), ("vendor", model.VENDOR_FIGURES)):
            for figure in figures:
                if not _shown(side, figure, economics):
                    continue
                text = f"{i18n.label(side, language)}: {i18n.label(figure, language)}"
                _put(ws, row, 1, text)
                for column, kpis in enumerate(outcomes, start=2):
                    value = kpis[side][figure]
                    _put(
                        ws,
                        row,
                        column,
                        i18n.MISSING if value is None else value,
                        _figure_format(figure, fmt),
                    )
                row += 1
        if economics:
            _put(ws, row, 1, i18n.label("mutual", language))
            for column, kpis in enumerate(outcomes, start=2):
                _put(ws, row, column, bool(kpis["mutual"]))
            row += 1
        row += 1
    _put(ws, row, 1, i18n.t("xlsx.section.definitions", language), font=_BOLD)
    row += 1
    _header(
        ws, row, [i18n.t(f"xlsx.head.{k}", language) for k in ("scenario", "path", "value", "type")]
    )
    row += 1
    _keys(ws, row, DEFINITIONS_KEYS)
    row += 1
    for scenario in plan.scenarios:
        entries = list(scenario.set.items()) or [("", None)]
        for path, value in entries:
            put_text(ws.cell(row=row, column=1), scenario.name)
            if path:
                put_text(ws.cell(row=row, column=2), path)
                kind = _TYPES.get(type(value), "json")
                cell = ws.cell(row=row, column=3)
                if kind == "str":
                    put_text(cell, value)
                elif kind == "json":
                    put_text(cell, json.dumps(value, ensure_ascii=False))
                else:
                    cell.value = value
                _put(ws, row, 4, kind, font=_KEY_FONT)
                if exact_text(value):
                    _put(ws, row, 5, exact_text(value), font=_KEY_FONT)
            row += 1
    _widths(ws, {1: 44, 2: 40, **dict.fromkeys(range(3, 4 + len(plan.scenarios)), 18)})
    _print_setup(ws, "1:1")


def _write_actuals(
    wb: Workbook, plan: Plan, language: str, fmt: Formats, shown: Sequence[str] = MONTHLY_COLUMNS
) -> None:
    ws = wb.create_sheet(ACTUALS)
    given = {key for row in plan.actuals for key in row}
    keys = ["month", *(c for c in VALUE_COLUMNS if c in given and c in shown)]
    _header(ws, 1, [i18n.label(k, language) for k in keys])
    _keys(ws, 2, keys)
    for r, values in enumerate(plan.actuals, start=3):
        for c, key in enumerate(keys, start=1):
            if key in values:
                number = fmt.whole if key == "month" else _column_format(key, fmt)
                _put(ws, r, c, values[key], number)
    ws.freeze_panes = "B3"
    _widths(ws, dict.fromkeys(range(1, len(keys) + 1), 15))
    _print_setup(ws, "1:2")


def _write_sign_off(
    wb: Workbook,
    plan: Plan,
    language: str,
    digest: str,
    issued: date | None = None,
    signatories: Sequence[Sequence[str]] = (),
    evidence: Evidence | None = None,
) -> None:
    ws = wb.create_sheet(SIGN_OFF)
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
        _fx(ws, row, 2, name)
    facts_values = [
        (i18n.t("xlsx.signoff.exported", language), (issued or date.today()).isoformat()),
        (i18n.t("xlsx.signoff.hash", language), digest),
    ]
    if evidence is not None:  # a signed edition: when it was signed, and by which key
        moment = evidence.signed_at.astimezone(UTC)
        when = f"{moment:%Y-%m-%d %H:%M} UTC"
        facts_values[0] = (i18n.t("xlsx.signoff.signed_at", language), when)
        facts_values.append((i18n.t("xlsx.signoff.certificate", language), evidence.fingerprint))
    for row, (label, value) in enumerate(facts_values, start=3 + len(facts)):
        _put(ws, row, 1, label, font=_BOLD)
        _put(ws, row, 2, value)
    _name(wb, "content_hash", _ref(SIGN_OFF, 2, 3 + len(facts) + 1))  # after the date
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


PROTECTED = (TEAM, INVESTMENTS, MONTHLY, YEARLY)
"""Sheets of formulas only: protected without a password against overwriting by mistake."""


def _pages(wb: Workbook, title: str, digest: str) -> None:
    """Printed pages: the plan's title on top; sheet, page x / y and the hash below."""
    shown = _plain(title)[:100].replace("&", "&&")  # & starts a header code
    for ws in wb.worksheets:
        ws.oddHeader.center.text = shown
        ws.oddFooter.left.text = "&A"
        ws.oddFooter.center.text = "&P / &N"
        ws.oddFooter.right.text = digest[:16]
        if ws.title in PROTECTED:
            ws.protection.sheet = True


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

    wb = Workbook()
    wb.remove(wb.active)
    _write_inputs(wb, chosen, lang, fmt)
    team = _write_team(wb, chosen, lang, fmt)
    inv = _write_investments(wb, chosen, lang, fmt)
    layout = _write_monthly(wb, chosen, lang, fmt, team, inv, shown)
    _write_yearly(wb, chosen, lang, fmt, layout)
    _write_figures(wb, chosen, lang, fmt, outcome.kpis, economics)
    _write_scenarios(wb, chosen, lang, fmt, outcome.kpis, economics)
    if chosen.actuals:
        _write_actuals(wb, chosen, lang, fmt, shown)
    _write_sign_off(wb, chosen, lang, digest, issued, signatories, evidence)
    if view is not None and view.hidden:
        from planner.export import edition

        edition.hide(wb, view, outcome, lang)
    wb.active = wb.sheetnames.index(FIGURES)
    _pages(wb, chosen.title, digest)

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
