"""What a plan value looks like in its input and how what a person typed becomes a plan value.

One :class:`Field` per single plan value (its kind, range and input step, from the catalogue);
shares are typed and shown in percent and stored as fractions; numbers are typed the way the UI
language writes them (``48.000,50`` in German) and parsed strictly
(:func:`planner.i18n.parse_number`); an entry that is not a value of its field is an
:class:`EntryError` whose message names the field and the accepted form or range.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from planner import catalogue, i18n, values
from planner.plan.schema import MAX_MONEY, Plan
from planner.ui import state
from planner.ui.text import label, tr

Kind = Literal["money", "percent", "count", "integer", "text", "month", "choice", "flag", "code"]


@dataclass(frozen=True)
class Field:
    """How one plan value is entered: its kind, range and input step (in display units)."""

    path: str
    kind: Kind
    low: float = 0.0
    high: float = MAX_MONEY
    step: float = 1.0
    digits: int = 0
    choices: tuple[str, ...] = ()
    explained: bool = False
    """Whether ``ui.help.<path>`` describes the value in words."""
    optional: bool = False
    """Whether the plan may leave the value out: an empty entry removes it."""
    default_path: str = ""
    """For an optional value: the plan value that applies while it is left out."""


def ui_kind(kind: str, *, column: bool = False) -> Kind:
    """How a field of catalogue kind ``kind`` is entered: shares in percent, a calendar month
    and a currency as text; a plan month as a whole number (in a table: a month column)."""
    if kind == "month":
        return "month" if column else "integer"
    found = {"share": "percent", "year_month": "month", "currency": "code"}.get(kind, kind)
    return found  # type: ignore[return-value]


def display_bound(
    bound: float | None, entry: catalogue.Entry, digits: int, *, upper: bool
) -> float:
    """A schema bound in display units (percent for shares), to the input's ``digits``
    inwards (a share "below 100 %" reads 99.99 with two digits); no bound: 0 or the largest
    amount."""
    if bound is None:
        return MAX_MONEY if upper else 0.0
    value = bound * 100 if entry.kind == "share" else bound
    scale = 10**digits
    inward = math.floor(value * scale) if upper else math.ceil(value * scale)
    return float(round(value, digits) if math.isclose(inward / scale, value) else inward / scale)


def _field(
    path: str,
    step: float = 1.0,
    digits: int = 0,
    *,
    explained: bool = False,
    default_path: str = "",
) -> Field:
    """The input of ``path``: its kind, range, choices and whether it may be left empty come
    from the catalogue (and so from the schema); the step and digits are the input's own."""
    entry = catalogue.field(path)
    return Field(
        path,
        ui_kind(entry.kind),
        display_bound(entry.low, entry, digits, upper=False),
        display_bound(entry.high, entry, digits, upper=True),
        step,
        digits,
        entry.choices,
        explained,
        entry.optional,
        default_path,
    )


FIELDS: dict[str, Field] = {
    f.path: f
    for f in (
        _field("title"),
        _field("partner.name"),
        _field("vendor.name"),
        _field("partner.kind"),
        _field("start"),
        _field("months", 12),
        _field("discount_rate", 0.5, 2, explained=True),
        _field("currency"),
        _field("language", explained=True),
        _field("opex_per_month", 500, explained=True),
        _field("revenue.deals_per_sales_fte_month", 0.05, 2, explained=True),
        _field("revenue.deal_size", 1000, explained=True),
        _field("revenue.subscription", explained=True),
        _field("revenue.monthly_churn", 0.1, 2, explained=True),
        _field("revenue.annual_price_uplift", 0.5, 2, explained=True),
        _field("revenue.partner_margin", 1, 2, explained=True),
        _field("revenue.services_per_deal", 1000, explained=True),
        _field("revenue.delivery_capacity_per_fte_month", 1000, explained=True),
        _field("revenue.managed_fee_per_customer_month", 10, 2, explained=True),
        _field("vendor_programme.mdf_rate", 0.5, 2, explained=True),
        _field("vendor_programme.gross_margin", 1, 2, explained=True),
        _field("vendor_programme.partner_manager_fte", 0.1, 2, explained=True),
        _field("vendor_programme.partner_manager_annual_cost", 5000, explained=True),
        _field(
            "vendor_programme.discount_rate", 0.5, 2, explained=True, default_path="discount_rate"
        ),
        *(
            spec
            for side in ("partner", "vendor")
            for spec in (
                _field(f"hurdles.{side}.min_irr", 1, 2, explained=True),
                _field(f"hurdles.{side}.latest_payback_month", explained=True),
            )
        ),
    )
}


def shown(kind: str, value: Any) -> Any:
    """A plan value as the input shows it (shares in percent)."""
    if kind == "percent":
        return round(float(value) * 100, 10)
    if kind in ("money", "count"):
        return float(value)
    return value


def stored(kind: str, value: Any) -> Any:
    """An input's value as the plan holds it (percent back to a fraction)."""
    if kind == "percent" and isinstance(value, (int, float)):
        return round(float(value) / 100, 12)
    if kind in ("text", "code", "month") and isinstance(value, str):
        return value.strip()
    return value


def _range_help(spec: Field, plan: Plan) -> str:
    if spec.kind == "money":
        return tr("unit.money", currency=plan.currency)
    if spec.kind == "percent":
        return tr("unit.percent", high=_plain(spec.high))
    if spec.kind in ("count", "integer"):
        return tr("unit.range", low=_plain(spec.low), high=_plain(spec.high))
    if spec.kind == "month":
        return tr("unit.month")
    if spec.kind == "code":
        return tr("unit.currency")
    if spec.kind == "text":
        return tr("unit.text")
    return ""


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def help_text(spec: Field, plan: Plan) -> str:
    parts = [tr(f"help.{spec.path}")] if spec.explained else []
    unit = _range_help(spec, plan)
    if unit:
        parts.append(unit)
    return "  \n".join(parts)


def display_text(spec: Field, value: Any) -> Any:
    """A plan value as its input shows it: numbers as text in the UI language (percent for
    shares), flags and choices as they are."""
    if value is None:
        return ""
    if spec.kind in ("money", "percent", "count", "integer"):
        return i18n.editable_number(float(shown(spec.kind, value)), state.language())
    return value


def resting_text(spec: Field, value: Any, currency: str) -> str:
    """A plan value as its input reads while nobody edits it: amounts with their currency and
    shares with a percent sign, in the UI language (``42.000 €``, ``0,8 %``)."""
    language = state.language()
    if value is None:
        return tr("field.unset")
    if spec.kind in ("money", "percent"):  # as notices and history write it
        return values.value_text(spec.path, value, language, currency)
    return str(display_text(spec, value))


def percent_text(fraction: float) -> str:
    """A share as people write it, with as many decimals as it has: ``0,8 %`` / ``0.8%``."""
    return values.share_text(fraction, state.language())


class EntryError(ValueError):
    """An entry refused at the field, with the message to show under it."""


def parse_entry(spec: Field, raw: Any) -> Any:
    """What a person typed into the input of ``spec``, as the plan holds it; raises
    :class:`EntryError` naming the field and the accepted form or range."""
    name = label(spec.path)
    if isinstance(raw, bool) or spec.kind == "choice":
        return raw
    text = "" if raw is None else str(raw)
    if not text.strip() and spec.optional:
        return None
    if not text.strip():
        raise EntryError(tr("field.empty", field=name))
    if spec.kind not in ("money", "percent", "count", "integer"):
        return stored(spec.kind, text)
    return number_entry(name, text, spec.kind, spec.low, spec.high)


def number_entry(
    name: str,
    text: str,
    kind: str,
    low: float,
    high: float,
    currency: str | None = None,
    bounds: str = "",
) -> Any:
    """Typed ``text`` as the plan holds a number of ``kind`` (shares as fractions, whole
    numbers as ``int``); raises :class:`EntryError` naming the field ``name``, the accepted
    form and the range ``low`` to ``high`` (display units; ``bounds``: that range in words,
    where its digits would not read, as ``-10^15 to 10^15``). The unit is part of the number:
    an amount takes only the plan's ``currency`` (the plan in force's by default), a share
    only ``%``, anything else no unit."""
    language = state.language()
    currency = currency or state.plan_in_force().currency
    unit: i18n.Unit = "money" if kind == "money" else "percent" if kind == "percent" else ""
    try:
        number = i18n.parse_number(
            text, language, example=_example(kind), unit=unit, currency=currency
        )
    except i18n.UnitError as error:
        raise EntryError(_unit_refusal(name, text, kind, error, currency)) from None
    except i18n.NumberTextError as error:
        raise EntryError(
            tr("field.not_number", field=name, text=text, example=error.example)
        ) from None
    whole = kind in ("integer", "month")
    if whole and not number.is_integer():
        raise EntryError(tr("field.not_whole", field=name, text=text))
    if not low <= number <= high and bounds:
        raise EntryError(tr("field.outside", field=name, text=text, bounds=bounds))
    if not low <= number <= high:
        raise EntryError(
            tr(
                "field.out_of_range",
                field=name,
                text=text,
                low=i18n.editable_number(low, language),
                high=i18n.editable_number(high, language),
                unit=" %" if kind == "percent" else "",
            )
        )
    return int(number) if whole else stored(kind, number)


def _unit_refusal(name: str, text: str, kind: str, error: i18n.UnitError, currency: str) -> str:
    """Why a number typed with ``error.sign`` does not fit a field of ``kind``."""
    if kind == "money":
        key = "percent_in_amount" if error.found == "percent" else "foreign_currency"
    elif kind == "percent":
        key = "currency_in_share"
    else:
        key = "unit_in_number"
    return tr(f"field.{key}", field=name, text=text, sign=error.sign, currency=currency)


def _example(kind: str) -> float:
    """The number an error message shows as the accepted form, written in the UI language."""
    return {"money": 48000.5, "percent": 12.5, "count": 1.5, "integer": 36, "month": 36}.get(
        kind, 1.5
    )


NUMBER_KINDS = ("money", "percent", "count", "integer", "month")
"""Kinds of grid cells shown and typed as numbers in the UI language (``1.234,5`` in German):
text cells, since Streamlit's number column writes and reads numbers only as the browser's
language does."""


def empty_cell(value: Any) -> bool:
    """Whether a grid cell is empty (missing, NaN or blank text)."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, float) and math.isnan(value))


def cell_text(value: Any) -> Any:
    """A number cell of a grid as it reads, in the UI language; empty stays empty, and what
    is no number (a value hidden from the side, shown as private) as it is."""
    if empty_cell(value):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return i18n.editable_number(float(value), state.language())


def number_columns_as_text(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A grid's table with its number ``columns`` as text in the UI language (``1.234,5`` /
    ``1,234.5``), whatever the language of the person's browser, which a number column would
    follow instead; text even without rows (an empty list alone would make a number column)."""
    shown = frame.copy()
    for column in columns:
        texts = [cell_text(v) for v in frame[column].tolist()]
        shown[column] = pd.Series(texts, index=frame.index, dtype=object)
    return shown


def cell_number(
    typed: Any,
    was: Any,
    name: str,
    kind: str,
    low: float,
    high: float,
    currency: str,
    bounds: str = "",
) -> Any:
    """What a person left in a number cell of a grid that showed ``was`` (display units), as
    the plan holds it: ``None`` when empty, ``was`` itself (as stored) while the cell still
    reads as it did (its text has at most eight decimals, the number may have more), else the
    typed text read as :func:`number_entry` reads it (``bounds`` as there); raises
    :class:`EntryError` naming ``name`` (the column, and the row where a grid has several)."""
    if empty_cell(typed):
        return None
    if isinstance(typed, (int, float)) and not isinstance(typed, bool):
        typed = i18n.editable_number(float(typed), state.language())  # as a number column sent
    text = str(typed).strip()
    if not empty_cell(was) and text == cell_text(was):
        number = float(was)
        whole = kind in ("integer", "month") and number.is_integer()
        return int(number) if whole else stored(kind, number)
    return number_entry(name, text, kind, low, high, currency, bounds)


def choice_label(path: str, option: str) -> str:
    """A choice as its field shows it (``msp`` -> Managed Service Provider)."""
    return values.choice_text(path, option, state.language())


def kind_of(path: str) -> Kind:
    """How the value at ``path`` is entered (its input's or table column's kind); ``count``
    for a path that names no field."""
    entry = catalogue.find(path)
    if entry is None:
        return "count"
    return ui_kind(entry.kind, column="*" in entry.pattern)


def title_of(spec: Field, plan: Plan) -> str:
    unit = {"percent": " (%)", "money": f" ({plan.currency})"}.get(spec.kind, "")
    return label(spec.path) + unit


Cell = tuple[int, str]
"""A grid cell: its row's position in the table as drawn (from 0) and its column's name."""


def typed_cells(edits: Any) -> dict[Cell, Any]:
    """The cells a person changed in an editable grid (its widget state, ``edited_rows``), by
    row position and column; ``None`` for a cell emptied. Never raises: the state comes from
    the browser, and what is not as expected is left out."""
    rows = edits.get("edited_rows") if isinstance(edits, dict) else None
    if not isinstance(rows, dict):
        return {}
    found: dict[Cell, Any] = {}
    for row, cells in rows.items():
        if isinstance(row, str) and row.isdigit():
            row = int(row)
        if isinstance(row, int) and row >= 0 and isinstance(cells, dict):
            found.update({(row, str(column)): text for column, text in cells.items()})
    return found


def rewritten(typed: Any, kind: str, was: str, language: str, currency: str) -> Any:
    """A number cell's text typed while the UI spoke ``was``, as the grid shows it in
    ``language`` after a switch: a number of ``kind`` as ``language`` writes it, every
    decimal kept (``1.234,5`` -> ``1,234.5``); empty as empty; anything else (no number, a unit
    the column does not take) as typed, for the Save to refuse naming the cell."""
    if empty_cell(typed):
        return None
    text = str(typed)
    unit: i18n.Unit = "money" if kind == "money" else "percent" if kind == "percent" else ""
    try:
        number = i18n.parse_number(text, was, unit=unit, currency=currency)
    except i18n.NumberTextError:  # a UnitError too
        return text
    return i18n.exact_number(number, language)


def with_typed(shown: pd.DataFrame, cells: dict[Cell, Any]) -> pd.DataFrame:
    """A grid's table as drawn (``shown``, its number columns as text) with the ``cells`` a
    person typed that a rebuilt table carries over in place of what it would show."""
    if not cells:
        return shown
    drawn = shown.copy()
    for (row, column), text in cells.items():
        if column in drawn.columns and 0 <= row < len(drawn):
            drawn.at[drawn.index[row], column] = text
    return drawn
