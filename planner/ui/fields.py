"""Inputs for plan values: one keyed widget per plan path, editable tables for the lists.

Each input shows its unit and allowed range; a change is handed to :func:`session.change`,
which validates the whole plan. Shares are shown in percent (0-100) and stored as fractions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
import streamlit as st

from planner.i18n import LANGUAGES
from planner.plan import MAX_COUNT, MAX_MONEY, Plan, get_value
from planner.ui import library, session, state
from planner.ui.text import label, problem_list, term, tr

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


FIELDS: dict[str, Field] = {
    f.path: f
    for f in (
        Field("title", "text"),
        Field("partner.name", "text"),
        Field("vendor.name", "text"),
        Field("partner.kind", "choice", choices=library.KINDS),
        Field("start", "month"),
        Field("months", "integer", 12, 120, 12),
        Field("discount_rate", "percent", 0, 100, 0.5, 2, explained=True),
        Field("currency", "code"),
        Field("language", "choice", choices=LANGUAGES, explained=True),
        Field("opex_per_month", "money", step=500, explained=True),
        Field("revenue.deals_per_sales_fte_month", "count", 0, MAX_COUNT, 0.05, 2, explained=True),
        Field("revenue.deal_size", "money", step=1000, explained=True),
        Field("revenue.subscription", "flag", explained=True),
        Field("revenue.monthly_churn", "percent", 0, 100, 0.1, 2, explained=True),
        Field("revenue.annual_price_uplift", "percent", 0, 100, 0.5, 2, explained=True),
        Field("revenue.partner_margin", "percent", 0, 99.99, 1, 2, explained=True),
        Field("revenue.services_per_deal", "money", step=1000, explained=True),
        Field("revenue.delivery_capacity_per_fte_month", "money", step=1000, explained=True),
        Field("revenue.managed_fee_per_customer_month", "money", step=10, digits=2, explained=True),
        Field("vendor_programme.mdf_rate", "percent", 0, 100, 0.5, 2, explained=True),
        Field("vendor_programme.gross_margin", "percent", 0, 100, 1, 2, explained=True),
        Field("vendor_programme.partner_manager_fte", "count", 0, 1000, 0.1, 2, explained=True),
        Field("vendor_programme.partner_manager_annual_cost", "money", step=5000, explained=True),
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


def _help(spec: Field, plan: Plan) -> str:
    parts = [tr(f"help.{spec.path}")] if spec.explained else []
    unit = _range_help(spec, plan)
    if unit:
        parts.append(unit)
    return "  \n".join(parts)


def _on_field(path: str) -> None:
    spec = FIELDS[path]
    key = state.field_key(path)
    if key not in st.session_state:
        return  # a remote change reset this input in a run cut short: its value stands
    session.change({path: stored(spec.kind, st.session_state[key])}, key)


def _choice_label(path: str, option: str) -> str:
    if path == "partner.kind":
        return term(f"kind.{option}")
    return tr(f"language.{option}")


def field(path: str, plan: Plan) -> None:
    """The input of one plan value, with its problems (if refused) right below it."""
    spec = FIELDS[path]
    key = state.field_key(path)
    ss = st.session_state
    if key not in ss:
        ss[key] = shown(spec.kind, get_value(plan, path))
        state.errors().pop(key, None)  # a fresh input shows the plan's value: nothing refused
    common: dict[str, Any] = {
        "key": key,
        "help": _help(spec, plan),
        "on_change": _on_field,
        "args": (path,),
    }
    title = label(path) + (" (%)" if spec.kind == "percent" else "")
    if spec.kind in ("money", "percent", "count"):
        st.number_input(
            title,
            min_value=float(spec.low),
            max_value=float(spec.high),
            step=float(spec.step),
            format=f"%.{spec.digits}f",
            **common,
        )
    elif spec.kind == "integer":
        st.number_input(
            title, min_value=int(spec.low), max_value=int(spec.high), step=int(spec.step), **common
        )
    elif spec.kind == "flag":
        st.toggle(title, **common)
    elif spec.kind == "choice":
        st.selectbox(title, spec.choices, format_func=lambda o: _choice_label(path, o), **common)
    else:
        st.text_input(title, max_chars=200, **common)
    problems(key)


def problems(key: str) -> None:
    """The reasons an edit was refused, one line per problem with its plan path."""
    found = state.errors().get(key)
    if found:
        st.error(tr("refused") + "\n\n" + problem_list(found))


# --- editable tables -----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of an editable list: plan field name, kind and range (display units)."""

    name: str
    kind: Kind
    low: float = 0.0
    high: float = MAX_MONEY
    step: float = 1.0
    choices: tuple[str, ...] = ()
    default: Any = None


TABLES: dict[str, tuple[Column, ...]] = {
    "investments": (
        Column("name", "text"),
        Column(
            "category",
            "choice",
            choices=("certification", "training", "demo", "marketing", "tooling", "other"),
            default="other",
        ),
        Column("amount", "money", step=1000, default=0.0),
        Column("month", "month", 1, 120, default=1),
        Column("every_months", "integer", 0, 120, default=0),
        Column("vendor_share", "percent", 0, 100, 5, default=0.0),
    ),
    "resources": (
        Column("role", "text"),
        Column(
            "function",
            "choice",
            choices=("sales", "presales", "delivery", "support", "management"),
            default="sales",
        ),
        Column("fte", "count", 0, 1000, 0.5, default=1.0),
        Column("start_month", "month", 1, 120, default=1),
        Column("annual_cost", "money", step=5000, default=0.0),
        Column("ramp_months", "integer", 0, 120, default=0),
    ),
    "vendor_programme.rebate_tiers": (
        Column("threshold", "money", step=50000, default=0.0),
        Column("rate", "percent", 0, 100, 0.5, default=0.0),
    ),
}


def table_frame(plan: Plan, path: str) -> pd.DataFrame:
    """A plan list as the editable table shows it (shares in percent)."""
    columns = TABLES[path]
    items = get_value(plan, path)
    rows = [{c.name: shown(c.kind, item.get(c.name, c.default)) for c in columns} for item in items]
    return pd.DataFrame(rows, columns=[c.name for c in columns])


def _cell(column: Column, value: Any) -> Any:
    """A table cell as the plan holds it; empty cells become missing keys (None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if column.kind in ("month", "integer") and isinstance(value, float) and value.is_integer():
        return int(value)
    return stored(column.kind, value)


def edited_items(
    frame: pd.DataFrame, columns: Sequence[Column], delta: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The list after a table edit (``st.data_editor``'s record of edited, added, deleted rows)."""
    rows: list[dict[str, Any]] = [
        {str(k): (None if pd.isna(v) else v) for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]
    for index, changes in (delta.get("edited_rows") or {}).items():
        rows[int(index)].update(changes)
    deleted = {int(i) for i in delta.get("deleted_rows") or ()}
    rows = [row for i, row in enumerate(rows) if i not in deleted]
    for added in delta.get("added_rows") or ():
        rows.append({c.name: added.get(c.name, c.default) for c in columns})
    items = []
    for row in rows:
        item = {c.name: _cell(c, row.get(c.name)) for c in columns}
        items.append({k: v for k, v in item.items() if v is not None})
    return items


def _on_table(path: str, key: str, frame: pd.DataFrame) -> None:
    items = edited_items(frame, TABLES[path], st.session_state[key])
    session.change({path: items}, state.EDITOR_PREFIX + path)


def _column_config(column: Column, plan: Plan) -> Any:
    title = label(column.name) + (" (%)" if column.kind == "percent" else "")
    cc = st.column_config
    if column.kind == "text":
        return cc.TextColumn(title, required=True, max_chars=200)
    if column.kind == "choice":
        prefix = "category" if column.name == "category" else "function"
        return cc.SelectboxColumn(
            title,
            options=list(column.choices),
            format_func=lambda o: term(f"{prefix}.{o}"),
            required=True,
        )
    high = plan.months if column.kind == "month" else column.high
    fmt = {"money": "localized", "percent": "%.1f", "count": "%.1f"}.get(column.kind, "%d")
    return cc.NumberColumn(
        title,
        min_value=column.low,
        max_value=high,
        step=column.step,
        format=fmt,
        help=tr(f"column.{column.kind}", currency=plan.currency, months=plan.months),
    )


def table(path: str, plan: Plan) -> None:
    """An editable table of a plan list; rows can be added and deleted."""
    key = state.editor_key(path)
    frame = table_frame(plan, path)
    st.data_editor(
        frame,
        key=key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={c.name: _column_config(c, plan) for c in TABLES[path]},
        on_change=_on_table,
        args=(path, key, frame),
    )
    error_key = state.EDITOR_PREFIX + path
    if state.errors().get(error_key):
        problems(error_key)
        st.button(tr("discard"), key=f"discard:{path}", on_click=_discard, args=(error_key,))


def _discard(error_key: str) -> None:
    st.session_state[state.RESETS] += 1
    state.errors().pop(error_key, None)
