"""A plan's paths, values and changes in words, in the UI language: "Team: Account Manager
(Zeile 2) · FTE", amounts with their currency, shares in percent, private values as such.

The history, the change notices and conflicts (:mod:`planner.ui.collab`) and the refusals
(:mod:`planner.ui.refusals`) all say a change this way; this module sits below them all and
imports none of them.
"""

from __future__ import annotations

import re
from typing import Any

from planner import i18n, privacy, values
from planner.catalogue import lookup
from planner.model import month_dates
from planner.plan.schema import MONTH_KEYED, VALUE_COLUMNS, Plan
from planner.store import Change
from planner.ui import state
from planner.ui.text import tr


def tx(key: str, **params: Any) -> str:
    """The text ``collab.<key>`` in the UI language."""
    return i18n.t(f"collab.{key}", state.language(), **params)


def field_label(path: str) -> str:
    """The label of a plan path, or the path itself where there is no label."""
    try:
        return i18n.label(path, state.language())
    except KeyError:
        return path


ITEM_NAMES: dict[str, str] = {
    "resources": "role",
    "investments": "name",
    "scenarios": "name",
    "uncertainty": "path",
    "objectives": "name",
    "actions": "text",
    "mdf": "activity",
}
"""The key that names an item of a plan list in the story (else: its row number)."""


def value_text(path: str, value: Any, plan: Plan, masked: bool = False) -> str:
    """A value as a person reads it: amounts with currency, shares in percent, flags and
    choices in words, private values as such."""
    if value is privacy.PRIVATE or (value is None and masked):
        return tx("private")
    return values.value_text(path, value, state.language(), plan.currency)


PLACES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^scenarios\[(?P<name>.*)\]\.set\.(?P<field>[\w.]+)$", re.DOTALL), "scenario"),
    (re.compile(r"^uncertainty\[(?P<field>[\w.]+)\]$"), "uncertainty"),
    (re.compile(r"^actuals\[(?P<month>\d+)\]\.(?P<field>\w+)$"), "actuals"),
)
"""A hidden value's place by name (:func:`planner.privacy._identity`, as the store's refusals
name it) and the text that says it (``ui.place.<key>``)."""


def path_text(path: str, plan: Plan, items: Any = None) -> str:
    """A plan path in words: "Team: Account Manager (Zeile 2) · FTE"; a place by name too:
    "Szenario „Low“ · Hersteller-Rohmarge"."""
    for pattern, key in PLACES:
        found = pattern.match(path)
        if found:
            values = found.groupdict()
            return tr(f"place.{key}", **dict(values, field=path_text(values["field"], plan)))
    try:
        return field_label(path) if "." not in path else i18n.label(path, state.language())
    except KeyError:
        pass
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        head, rest = ".".join(parts[:cut]), parts[cut:]
        if rest[0].isdigit():
            row = int(rest[0])
            listed = items if items is not None else _lookup(plan, head)
            item = listed[row] if isinstance(listed, list) and row < len(listed) else None
            text = f"{field_label(head)}: {item_text(head, item, row)}"
            if len(rest) > 1:
                column = COLUMN_TEXTS.get((head, rest[-1]))
                text += " · " + (tr(column) if column else field_label(rest[-1]))
            return text
    return field_label(path)


COLUMN_TEXTS: dict[tuple[str, str], str] = {
    ("uncertainty", "path"): "analyses.driver",
    ("uncertainty", "distribution"): "analyses.distribution",
    ("uncertainty", "low"): "analyses.low",
    ("uncertainty", "likely"): "analyses.likely",
    ("uncertainty", "high"): "analyses.high",
}
"""Columns of a list named by their table's heading (``ui.<text>``) rather than a plan label."""


def _lookup(plan: Plan, path: str) -> Any:
    return lookup(plan.to_data(), path)


def item_text(list_path: str, item: Any, row: int) -> str:
    """A row of list ``list_path`` by its name and number (``Presales Engineer (Zeile 2)``)."""
    name_key = ITEM_NAMES.get(list_path.rsplit(".", 1)[-1], "")
    name = item.get(name_key) if isinstance(item, dict) else None
    if list_path == "uncertainty" and isinstance(name, str):
        name = field_label(name)
    if list_path in MONTH_KEYED and isinstance(item, dict):
        name = f"{i18n.label('month', state.language())} {item.get('month')}"
    return tx("row", item=name or "–", row=row + 1)


def story(change: Change, plan: Plan) -> list[tuple[str, str, str]]:
    """What one change did, as lines of (what, before, after): a whole list (a table edit)
    becomes its rows' changes, "Team: Account Manager (Zeile 2) · FTE: 1 -> 2"."""
    old, new, path = change.old, change.new, change.path
    if not path:
        return [(tx("created"), "", "")]
    if isinstance(old, list) or isinstance(new, list):
        return list_story(path, old or [], new or [], plan, change.masked)
    return [
        (
            path_text(path, plan),
            value_text(path, old, plan, change.masked),
            value_text(path, new, plan, change.masked),
        )
    ]


def list_story(
    path: str, old: list[Any], new: list[Any], plan: Plan, masked: bool
) -> list[tuple[str, str, str]]:
    """A list's change row by row: (what, before, after) of each cell changed, row added
    (before empty) or removed (after empty). The actuals, cell by cell of each plan month."""
    if path in MONTH_KEYED:
        return month_story(path, old, new, plan, masked)
    lines: list[tuple[str, str, str]] = []
    title = field_label(path)
    for row in range(max(len(old), len(new))):
        before = old[row] if row < len(old) else None
        after = new[row] if row < len(new) else None
        item = item_text(path, after if after is not None else before, row)
        if before is None:
            lines.append((f"{title}: {item}", "", tx("added")))
        elif after is None:
            lines.append((f"{title}: {item}", tx("removed"), ""))
        elif isinstance(before, dict) and isinstance(after, dict):
            for key in [*before, *(k for k in after if k not in before)]:
                if before.get(key) != after.get(key):
                    what = f"{title}: {item} · {field_label(key)}"
                    where = f"{path}.{row}.{key}"
                    lines.append(_cell_line(what, where, before, after, key, plan, masked))
        elif before != after:
            lines.append((f"{title}: {item}", str(before), str(after)))
    return lines


def month_story(
    path: str, old: list[Any], new: list[Any], plan: Plan, masked: bool
) -> list[tuple[str, str, str]]:
    """A change of a list keyed by plan month (the actuals) as (what, before, after) of each
    cell changed, by month and column: ``Ist-Zahlen: Jan. 2027 · Umsatz``, ``–``, ``5 €``."""
    title = field_label(path)
    before = {row.get("month"): row for row in old if isinstance(row, dict)}
    after = {row.get("month"): row for row in new if isinstance(row, dict)}
    dates = month_dates(plan.start, plan.months)
    lines: list[tuple[str, str, str]] = []
    for month in sorted(m for m in before.keys() | after.keys() if isinstance(m, int)):
        was, now = before.get(month, {}), after.get(month, {})
        when = (
            i18n.month_label(dates[month - 1], state.language())
            if 1 <= month <= len(dates)
            else f"{i18n.label('month', state.language())} {month}"
        )
        for key in VALUE_COLUMNS:
            if was.get(key) != now.get(key):
                what = f"{title}: {when} · {field_label(key)}"
                where = f"{path}.{month - 1}.{key}"
                lines.append(_cell_line(what, where, was, now, key, plan, masked))
    return lines


def _cell_line(
    what: str,
    where: str,
    before: dict[str, Any],
    after: dict[str, Any],
    key: str,
    plan: Plan,
    masked: bool,
) -> tuple[str, str, str]:
    """One cell's change: what it is, and its value ``key`` in the row before and after."""
    return (
        what,
        value_text(where, before.get(key), plan, masked),
        value_text(where, after.get(key), plan, masked),
    )


def described(
    path: str, old: Any, new: Any, plan: Plan, masked: bool = False
) -> list[tuple[str, str, bool]]:
    """What a change of ``path`` from ``old`` to ``new`` did, as a person reads it: lines of
    (what, its new value, whether the line is a whole row added or removed). A list becomes
    its rows' changes."""
    if isinstance(old, list) or isinstance(new, list):
        lines = list_story(path, old or [], new or [], plan, masked)
        return [(what, after or before, not (before and after)) for what, before, after in lines]
    return [(path_text(path, plan), value_text(path, new, plan, masked), False)]
