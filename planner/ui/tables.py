"""Editable tables of the plan's lists (investments, hires, rebate tiers).

A cell is edited in place and written alone, against the version of that cell the table
showed; a new row is added whole through the form below the table, rows are deleted through
the one beside it, each as one change of the list against the list's version.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import BaseModel

from planner import catalogue, i18n
from planner.notes import after_deleting
from planner.plan.paths import get_value
from planner.plan.schema import MAX_MONEY, Investment, Plan, RebateTier, Resource
from planner.privacy import PlanView
from planner.store.faults import FAULTS
from planner.ui import collab, grid_keys, session, state, table_seen, wording
from planner.ui.entries import (
    NUMBER_KINDS,
    EntryError,
    Kind,
    choice_label,
    display_bound,
    empty_cell,
    number_columns_as_text,
    number_entry,
    shown,
    stored,
    ui_kind,
)
from planner.ui.fields import problems
from planner.ui.text import label, plain, tr


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
    width: int | None = None
    """Pixels, where the grid's own sizing (by header and text) does not fit 1280 px windows."""


def _column(
    items: str, name: str, step: float = 1.0, default: Any = None, width: int | None = None
) -> Column:
    """The column ``name`` of list ``items``: kind, range and choices from the catalogue."""
    entry = catalogue.field(f"{items}.0.{name}")
    return Column(
        name,
        ui_kind(entry.kind, column=True),
        display_bound(entry.low, entry, 0, upper=False),
        display_bound(entry.high, entry, 0, upper=True),
        step,
        entry.choices,
        default,
        width,
    )


TABLES: dict[str, tuple[Column, ...]] = {
    "investments": (
        _column("investments", "name", width=190),
        _column("investments", "category", default="other", width=125),
        _column("investments", "amount", 1000, 0.0),
        _column("investments", "month", default=1),
        _column("investments", "every_months", default=0),
        _column("investments", "vendor_share", 5, 0.0),
    ),
    "resources": (
        _column("resources", "role"),
        _column("resources", "function", default="sales"),
        _column("resources", "fte", 0.5, 1.0),
        _column("resources", "start_month", default=1),
        _column("resources", "annual_cost", 5000, 0.0),
        _column("resources", "ramp_months", default=0),
    ),
    "vendor_programme.rebate_tiers": (
        _column("vendor_programme.rebate_tiers", "threshold", 50000, 0.0),
        _column("vendor_programme.rebate_tiers", "rate", 0.5, 0.0),
    ),
}


def table_frame(plan: Plan, path: str) -> pd.DataFrame:
    """A plan list as the editable table shows it (shares in percent)."""
    return _frame(path, get_value(plan, path))


def _frame(path: str, items: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    columns = TABLES[path]
    rows = [
        {c.name: _shown_cell(c, item.get(c.name, c.default)) for c in columns} for item in items
    ]
    return pd.DataFrame(rows, columns=[c.name for c in columns])


def _shown_cell(column: Column, value: Any) -> Any:
    return None if value is None else shown(column.kind, value)


def display_frame(frame: pd.DataFrame, path: str) -> pd.DataFrame:
    """The table ``frame`` of list ``path`` as its cells read: numbers as text in the UI
    language (``1.234,5`` / ``1,234.5``), whatever the language of the person's browser, which
    a number column of the table would follow instead."""
    numbers = [column.name for column in TABLES[path] if column.kind in NUMBER_KINDS]
    return number_columns_as_text(frame, numbers)


def _cell(column: Column, value: Any) -> Any:
    """A table cell as the plan holds it; empty cells become missing keys (None). A number
    cell typed as text is read in the UI language; raises :class:`EntryError` naming the
    column and the accepted form or range when it is not a value of the column."""
    if isinstance(value, str) and column.kind in NUMBER_KINDS:
        return _row_value(column, value, state.plan_in_force()) if value.strip() else None
    if isinstance(value, str):  # text, blanks too: the plan's check names row and column
        return stored(column.kind, value)
    if empty_cell(value):
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


def cell_edits(
    path: str, frame: pd.DataFrame, delta: Mapping[str, Any], current: pd.DataFrame | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The cells a person changed in a table that showed ``frame`` of list ``path``: ``{cell
    path: value as the plan holds it}`` (``resources.1.fte``), only those whose value differs
    from what the table showed, and the refusals of cells left empty that need a value.
    ``current``: the table as it shows now, when someone else's change arrived meanwhile; a
    cell typed as it was but changed since is an edit too (written against the version it
    was typed on, so a conflict, not dropped)."""
    columns = {c.name: c for c in TABLES[path]}
    shown = frame.to_dict(orient="records")
    now = current.to_dict(orient="records") if current is not None else shown
    edits: dict[str, Any] = {}
    refused: list[str] = []
    for index, changes in (delta.get("edited_rows") or {}).items():
        row = int(index)
        if not 0 <= row < len(shown):
            continue
        for name, typed in changes.items():
            column = columns.get(str(name))
            if column is None:
                continue
            before = shown[row].get(column.name)
            try:
                value = _cell(column, typed)
            except EntryError as refusal:
                refused.append(str(refusal))
                continue
            later = now[row].get(column.name) if row < len(now) else before
            if value == _cell(column, before) and value == _cell(column, later):
                continue  # the cell shows what it showed: no edit
            if value is None and _required(path, column.name):
                refused.append(tr("field.required", field=label(column.name)))
                continue
            edits[f"{path}.{row}.{column.name}"] = column.default if value is None else value
    return edits, refused


ROW_MODELS: dict[str, type[BaseModel]] = {
    "investments": Investment,
    "resources": Resource,
    "vendor_programme.rebate_tiers": RebateTier,
}
"""The schema of one row of each editable list."""


def _required(path: str, name: str) -> bool:
    """Whether a row of list ``path`` needs a value in column ``name`` (the schema has no
    default for it): an emptied cell of it is refused, of another one is its default."""
    return ROW_MODELS[path].model_fields[name].is_required()


def _on_table(path: str, key: str, current: pd.DataFrame) -> None:
    """A person edited the table keyed ``key`` of the list; ``current``: the table as the page
    shows it now (someone else's change may have arrived while a cell was open). The edit is
    checked against the table's base (:data:`TABLE_BASES`): the frame and snapshot the person
    began on. A changed cell is written alone, based on the version of that cell the table
    showed, so edits of other rows or cells by someone else are neither a conflict nor
    reverted; adding or deleting rows rewrites the list, based on its version."""
    record = st.session_state.get(key) or {}
    delta = untaken(record, st.session_state.get(TABLE_DONE, {}).get(key))
    if not any(delta.get(part) for part in ("edited_rows", "added_rows", "deleted_rows")):
        return  # nothing typed, added or deleted, or nothing this session has not taken yet
    _on_seen(path, key)  # the same run may carry the editor's opening on a newer table
    base = st.session_state.get(TABLE_BASES, {}).get(path)
    if base is None or base[0] != key:  # not drawn by this session: what it holds now
        base = (key, current, st.session_state.get(collab.SNAPSHOT))
    frame, held = base[1], base[2]
    error_key = state.EDITOR_PREFIX + path

    def version(where: str) -> int:
        found: int = held.field_version(where) if held is not None else 0
        return found

    if delta.get("added_rows") or delta.get("deleted_rows"):
        _took(path, key, record)
        _rewrite_rows(path, frame, held, delta)
        return
    typed, refused = cell_edits(path, frame, delta, current)
    cells, bases, gone = _rows_now(path, frame, typed, version)
    refused += gone
    if refused:
        state.errors()[error_key] = refused
        return
    _took(path, key, record)
    if cells:
        session.change(cells, error_key, bases=bases)


def _rows_now(
    path: str, frame: pd.DataFrame, typed: Mapping[str, Any], version: Callable[[str], int]
) -> tuple[dict[str, Any], dict[str, int], list[str]]:
    """Cells typed into rows of list ``path`` as the table showed it (``frame``; ``typed``:
    cell path -> value; ``version``: the version a cell's edit is based on, as the table
    showed it), put where those rows are stored now.

    When someone else has added or removed rows since, a row is found by its content (the
    nearest one if it is there twice): edited at its place now, based on the stored version in
    which it was found as the person saw it (a row above it removed is not a conflict and does
    not move the edit to another row). A row not found where the list is shorter has been
    removed: nothing is written, and why is said, one line per row, by its name. Returns the
    cells to write, their bases and those lines."""
    bases = {cell: version(cell) for cell in typed}
    plan_id = session.plan_id()
    if plan_id is None or not typed:  # a plan without a store has no one else moving rows
        return dict(typed), bases, []
    try:  # the stored list: this callback runs before the run that loads others' changes
        stored = collab.store().snapshot(plan_id)
    except FAULTS:  # no database now: the write that follows keeps the edit and says so
        return dict(typed), bases, []
    items = get_value(stored.plan, path)
    shown = edited_items(frame, TABLES[path], {})
    placed: dict[str, Any] = {}
    based: dict[str, int] = {}
    gone: set[int] = set()
    for cell, value in typed.items():
        row_text, _, column = cell[len(path) + 1 :].partition(".")
        row = place = int(row_text)
        base = bases[cell]
        if len(items) != len(shown) and row < len(shown):
            found = [i for i, item in enumerate(items) if item == shown[row]]
            if found:
                place = min(found, key=lambda i: abs(i - row))
                base = stored.version  # the row as the person saw it, in this version
        if place >= len(items):
            gone.add(row)
            continue
        placed[f"{path}.{place}.{column}"] = value
        based[f"{path}.{place}.{column}"] = base
    records = frame.to_dict(orient="records")
    said = [tr("table.row_gone", row=wording.item_text(path, records[r], r)) for r in sorted(gone)]
    return placed, based, said


def _rewrite_rows(path: str, frame: pd.DataFrame, held: Any, delta: Mapping[str, Any]) -> None:
    """Rows added to or deleted from the list that showed ``frame`` from snapshot ``held``:
    the whole list is written, based on its version there."""
    items = edited_items(frame, TABLES[path], delta)
    edits: dict[str, Any] = {path: items}
    deleted = {int(i) for i in delta.get("deleted_rows") or ()}
    notes = state.plan_in_force().notes
    if deleted and notes:  # the reasoning stays with its item, not with its row number
        edits["notes"] = after_deleting(dict(notes), path, deleted)
    bases = {p: held.field_version(p) if held is not None else 0 for p in edits}
    session.change(edits, state.EDITOR_PREFIX + path, bases=bases)


TABLE_TAKEN = "tables.taken"
"""List path -> how many edits of its table this session took (``dict[str, int]``): each one
builds a fresh table, so an edit already taken is never sent again with the next one."""
TABLE_BASES = "tables.bases"
"""List path -> ``(widget key, frame, snapshot)``: what the open table's cell edits are
checked against (see :func:`table`)."""


TABLE_SHOWN = "tables.shown"
"""List path -> ``(widget key, frame, snapshot)`` of the table as the last run drew it."""


def _token(key: str, held: Any) -> str:
    """The name of a table as drawn from snapshot ``held`` (its version; the session's
    revision without the store)."""
    version = held.version if held is not None else st.session_state.get(state.REVISION, 0)
    return f"{key}#{version}"


def _on_seen(path: str, key: str) -> None:
    """A cell editor of the table keyed ``key`` opened on the table the page shows: its edits
    are checked against that from now on (when it is still the one this session drew last)."""
    token = table_seen.seen_token(SEEN_PREFIX + key)
    shown = st.session_state.get(TABLE_SHOWN, {}).get(path)
    if token is None or shown is None or shown[0] != key or token != _token(key, shown[2]):
        return
    st.session_state.setdefault(TABLE_BASES, {})[path] = shown


SEEN_PREFIX = "seen:"

TABLE_DRAWN = "tables.drawn"
"""Widget key of a table -> ``(list path, frame, snapshot)`` it was drawn with, for the newest
:data:`DONE_KEPT` tables: text typed into a table built anew meanwhile is read against it."""


def _remember(key: str, path: str, frame: pd.DataFrame, held: Any) -> None:
    drawn: dict[str, tuple[str, pd.DataFrame, Any]] = st.session_state.setdefault(TABLE_DRAWN, {})
    drawn.pop(key, None)  # the newest last
    drawn[key] = (path, frame, held)
    while len(drawn) > DONE_KEPT:
        drawn.pop(next(iter(drawn)))


def _keys_of(path: str) -> str:
    """The key of the component below list ``path``'s table (:mod:`planner.ui.grid_keys`)."""
    return f"grid-keys:{path}"


def _on_lost(path: str) -> None:
    """Text typed into a cell of list ``path``'s table when the table was built anew under it
    (rows added or deleted by anyone, or this person's edit of another cell taken): it is
    written into the row it was typed into, where that row is now, based on the version of
    the cell the person saw, and the page says so; when that row was changed or removed
    meanwhile, the page says what was not saved. Never written into another row."""
    lost = grid_keys.lost_text(_keys_of(path))
    drawn = st.session_state.get(TABLE_DRAWN, {}).get(lost.token) if lost else None
    if lost is None or drawn is None or drawn[0] != path:
        return  # not a table this session drew: nothing to read the text against
    _, frame, held = drawn
    columns = [str(c) for c in frame.columns]
    if lost.row >= len(frame) or lost.column >= len(columns):
        return
    name = columns[lost.column]
    error_key = state.EDITOR_PREFIX + path
    cells, refused = cell_edits(path, frame, {"edited_rows": {lost.row: {name: lost.text}}})
    if refused:
        state.errors()[error_key] = refused
        return
    if not cells:
        return  # the text the cell showed: nothing was typed
    (value,) = cells.values()
    shown = frame.to_dict(orient="records")
    where = (label(name), wording.item_text(path, shown[lost.row], lost.row))
    found = _row_now(path, frame, held, lost.row, name)
    if found is None:
        said = tr("table.lost_row", text=lost.text, column=where[0], row=where[1])
        state.errors()[error_key] = [said]
        return
    row, base = found
    cell = f"{path}.{row}.{name}"
    if session.change({cell: value}, error_key, bases={cell: base}):
        shown_text, shown_row = plain(lost.text), plain(where[1])  # a toast reads markdown
        session.notify("table.lost_saved", text=shown_text, column=where[0], row=shown_row)


def _row_now(
    path: str, frame: pd.DataFrame, held: Any, row: int, name: str
) -> tuple[int, int] | None:
    """Where row ``row`` of the table ``frame`` (drawn from snapshot ``held``) is in the stored
    list now, and the version an edit of its cell ``name`` is based on; None when it was
    changed or removed since (or is not to be told from another row)."""
    plan_id = session.plan_id()
    if plan_id is None or held is None:  # no store: only this session's edits rebuild it
        return row, 0
    try:
        now = collab.store().snapshot(plan_id)
    except FAULTS:  # no database now: nothing to place the text by
        return None
    if _rows_at(now, path) == _rows_at(held, path):  # the same rows: the same place
        found: int = held.field_version(f"{path}.{row}.{name}")
        return row, found
    was = _records(frame)[row]
    places = [i for i, item in enumerate(_records(table_frame(now.plan, path))) if item == was]
    if len(places) != 1:
        return None
    place: int = places[0]
    return place, now.field_version(f"{path}.{place}.{name}")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table's rows, empty cells as None (comparable)."""
    return [
        {str(k): (None if empty_cell(v) else v) for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]


def _took(path: str, key: str, record: Mapping[str, Any]) -> None:
    """The edit ``record`` of the table keyed ``key`` is taken: the next run builds a fresh
    table, and the record is kept so that it is never taken again (:func:`untaken`)."""
    taken: dict[str, int] = st.session_state.setdefault(TABLE_TAKEN, {})
    taken[path] = taken.get(path, 0) + 1
    done: dict[str, Mapping[str, Any]] = st.session_state.setdefault(TABLE_DONE, {})
    done[key] = record
    while len(done) > DONE_KEPT:
        done.pop(next(iter(done)))


TABLE_DONE = "tables.done"
"""Widget key of a table -> the record of edits (``st.data_editor``'s) taken from it. The
browser keeps a replaced table's record and may send it again with a later run (a live
fragment's timed run carries every input's value the page still holds); Streamlit, which has
forgotten that table, calls its callback again, and the same edit was written a second time
and built yet another table under a cell being typed in."""
DONE_KEPT = 50
"""How many tables' taken records a session keeps (the newest)."""


def untaken(record: Mapping[str, Any], done: Mapping[str, Any] | None) -> dict[str, Any]:
    """The part of a table's edit ``record`` not yet taken from it (``done``: what was taken,
    None when nothing was): cells typed since, rows added or deleted since.

    >>> untaken({"edited_rows": {0: {"fte": 3.0}, 1: {"fte": 4.0}}},
    ...         {"edited_rows": {0: {"fte": 3.0}}})
    {'edited_rows': {1: {'fte': 4.0}}, 'added_rows': [], 'deleted_rows': []}
    >>> untaken({"edited_rows": {0: {"fte": 3.0}}}, {"edited_rows": {0: {"fte": 3.0}}})
    {'edited_rows': {}, 'added_rows': [], 'deleted_rows': []}
    """
    taken: Mapping[str, Any] = done or {}
    edited: dict[Any, dict[str, Any]] = {}
    before = taken.get("edited_rows") or {}
    for row, changes in (record.get("edited_rows") or {}).items():
        was = before.get(row) or {}
        rest = {c: v for c, v in changes.items() if c not in was or was[c] != v}
        if rest:
            edited[row] = rest
    parts: dict[str, Any] = {"edited_rows": edited}
    for part in ("added_rows", "deleted_rows"):
        rows = list(record.get(part) or ())
        parts[part] = [] if rows == list(taken.get(part) or ()) else rows
    return parts


def rows_version(path: str) -> int:
    """The version at which list ``path`` last got other rows (added, deleted, replaced as a
    whole): a change of a single cell, by anyone, leaves it."""
    held = st.session_state.get(collab.SNAPSHOT)
    if held is None:  # a page run without the store: the session's own revision
        return int(st.session_state.get(state.REVISION, 0))
    return _rows_at(held, path)


def _rows_at(held: Any, path: str) -> int:
    """:func:`rows_version` of list ``path`` in snapshot ``held``."""
    found: int = max(
        (
            v
            for p, v in held.field_versions.items()
            if p == path or not p or path.startswith(p + ".")
        ),
        default=0,
    )
    return found


def _column_config(path: str, column: Column, plan: Plan) -> Any:
    title = label(column.name) + (" (%)" if column.kind == "percent" else "")
    cc = st.column_config
    if column.kind in NUMBER_KINDS:  # typed and shown in the UI language, checked on the server
        if column.kind == "money":
            title += f" ({plan.currency})"
        return cc.TextColumn(
            title,
            max_chars=40,
            alignment="right",
            width=column.width,
            help=tr(f"column.{column.kind}", currency=plan.currency, months=plan.months),
        )
    if column.kind == "choice":
        where = f"{path}.0.{column.name}"
        return cc.SelectboxColumn(
            title,
            options=list(column.choices),
            format_func=lambda o: choice_label(where, str(o)),
            required=True,
            width=column.width,
        )
    return cc.TextColumn(title, required=True, max_chars=200, width=column.width)


def table(
    path: str,
    plan: Plan,
    *,
    view: PlanView | None = None,
    locked: bool = False,
    shown: bool = True,
) -> None:
    """An editable table of a plan list: its cells are edited in place, a new row is added
    whole through the form below it (:func:`add_form`), rows are deleted through the one
    beside that (:func:`remove_form`).

    ``view``: the side's view of the plan; a list holding values hidden from the side shows
    them empty and cannot be edited by it. ``shown=False`` (a closed tab): the forms only, in
    the place they have below the table (the table's place stays, empty), so text typed into a
    form and not sent yet, which only the browser holds, stays in it; and only once this
    person opened one of them (:data:`FORMS_OPENED`): nothing can be typed into a closed
    form, and every element drawn costs each remote change its redraw in the browser."""
    if view is not None and view.is_hidden(path):
        if shown:
            st.caption(tr("field.private_cells"))
            hidden = _frame(path, view.get(path) or [])
            st.dataframe(display_frame(hidden, path), hide_index=True, width="stretch")
        return
    frame = table_frame(plan, path)
    held = st.session_state.get(collab.SNAPSHOT)
    with st.container():  # one element whether the table is drawn or not: the forms stay put
        if shown:
            _grid(path, plan, frame, held, locked)
    if not locked and (shown or _forms_opened(path)):
        add_form(path, plan)
        remove_form(path, plan, frame, held)


def drawn(path: str, view: PlanView | None, locked: bool, *, shown: bool) -> bool:
    """Whether :func:`table` draws anything for ``path``: the table in an open tab, else its
    forms once this person opened one (a closed tab whose forms nobody opened can be left
    empty: nothing typed lives in it)."""
    if shown:
        return True
    hidden = view is not None and view.is_hidden(path)
    return not hidden and not locked and _forms_opened(path)


FORMS_OPENED = "tables.forms_opened"
"""List paths whose add-row or delete form this session opened (``set[str]``): their forms
are drawn in a closed tab too, where text typed into them and not sent yet lives on."""


def _forms_opened(path: str) -> bool:
    """Whether this person opened a form of ``path``: noted by a run that drew it open, or open
    in the browser's state of this very run (opened, then another tab chosen, before a run
    drew the form open)."""
    if path in st.session_state.get(FORMS_OPENED, ()):
        return True
    return any(bool(st.session_state.get(f"open:{kind}:{path}")) for kind in ("add", "remove"))


def _form_expander(label_text: str, path: str, kind: str) -> Any:
    """The expander holding form ``kind`` ("add", "remove") of list ``path``: opening it is a
    run (nothing written), which notes that its forms now hold what this person may type."""
    expander = st.expander(label_text, key=f"open:{kind}:{path}", on_change="rerun")
    if expander.open:
        st.session_state.setdefault(FORMS_OPENED, set()).add(path)
    return expander


def _grid(path: str, plan: Plan, frame: pd.DataFrame, held: Any, locked: bool) -> None:
    """The table of ``path`` itself, its marker of cells seen and its problems."""
    # Keyed by the list's rows and this session's own edits of it, never by its values: a
    # change of a cell by someone else shows in the table while a cell being edited stays
    # open with its typing (Streamlit keeps a keyed table with a fixed number of rows across
    # changes of its values). Rows added or deleted by anyone build a new table.
    taken = st.session_state.get(TABLE_TAKEN, {}).get(path, 0)
    key = f"{state.EDITOR_PREFIX}{path}@{rows_version(path)}:{taken}:"
    key += f"{st.session_state[state.RESETS]}:{state.language()}"
    # A cell's edit is checked against the table as this person last acted on the page: a run
    # that only shows someone else's change keeps that base, so typing begun before the change
    # arrived and left after it is a conflict on that cell, never an overwrite. A cell editor
    # opened after the change showed moves the base to the table shown (table_seen).
    bases: dict[str, tuple[str, pd.DataFrame, Any]] = st.session_state.setdefault(TABLE_BASES, {})
    base = bases.get(path)
    if base is None or base[0] != key or not collab.remote_run():
        base = bases[path] = (key, frame, held)
    st.session_state.setdefault(TABLE_SHOWN, {})[path] = (key, frame, held)
    _remember(key, path, frame, held)
    st.data_editor(
        display_frame(frame, path),
        key=key,
        num_rows="fixed",
        hide_index=True,
        width="stretch",
        column_config={c.name: _column_config(path, c, plan) for c in TABLES[path]},
        on_change=_on_table,
        args=(path, key, frame),
        disabled=locked,
    )
    if not locked:
        table_seen.marker(
            SEEN_PREFIX + key,
            _token(key, held),
            _token(key, base[2]),
            on_seen=lambda: _on_seen(path, key),
        )
        grid_keys.keep_typing(_keys_of(path), key, on_lost=lambda: _on_lost(path))
    error_key = state.EDITOR_PREFIX + path
    if state.errors().get(error_key):
        problems(error_key)
        st.button(tr("discard"), key=f"discard:{path}", on_click=_discard, args=(error_key,))


def add_form(path: str, plan: Plan) -> None:
    """A form with every column of a new row; the row is added as one change when all its
    values are valid, and nothing is written (and nothing typed is lost) when one is not."""
    added: dict[str, int] = st.session_state.setdefault(state.ROWS_ADDED, {})
    key = f"add:{path}:{added.get(path, 0)}"
    columns = TABLES[path]
    language = state.language()
    with _form_expander(tr(f"table.add.{path}"), path, "add"), st.form(key, border=False):
        cells = st.columns(len(columns))
        for cell, column in zip(cells, columns, strict=True):
            title = _column_config(path, column, plan)["label"]
            if column.kind == "choice":
                names = {o: choice_label(f"{path}.0.{column.name}", o) for o in column.choices}
                cell.selectbox(
                    title,
                    list(column.choices),
                    index=column.choices.index(column.default),
                    format_func=names.__getitem__,
                    key=_add_key(key, column, language),
                )
            else:
                blank = column.kind in ("text", "money")  # a name and an amount are typed
                default = "" if blank else _default_text(column)
                cell.text_input(title, default, max_chars=200, key=f"{key}:{column.name}")
        st.form_submit_button(
            tr("table.add_button"),
            on_click=_add_row,
            args=(path, key, session.field_version(path), language),
        )
    problems(f"{state.EDITOR_PREFIX}{path}:add")


def remove_form(path: str, plan: Plan, frame: pd.DataFrame, held: Any) -> None:
    """A form to delete rows of the list as the table shows them (``frame``, from snapshot
    ``held``): chosen by number and name, deleted as one change of the list. Keyed by the
    list's rows: rows added or deleted meanwhile by anyone empty the choice, so a number never
    deletes another row than the one chosen."""
    key = f"remove:{path}@{rows_version(path)}:{state.language()}"
    first = TABLES[path][0]
    names = [_row_name(first, value, plan) for value in frame[first.name].tolist()]
    with _form_expander(tr(f"table.remove.{path}"), path, "remove"), st.form(key, border=False):
        st.multiselect(
            tr("table.remove_rows"),
            list(range(len(names))),
            format_func=lambda i: tr("table.row", row=i + 1, name=names[i]),
            key=f"{key}:rows",
        )
        st.form_submit_button(
            tr("table.remove_button"), on_click=_remove_rows, args=(path, key, frame, held)
        )


def _row_name(column: Column, value: Any, plan: Plan) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if column.kind == "money":
        return i18n.money(float(value), plan.currency, state.language(), 0)
    return str(value)


def _remove_rows(path: str, key: str, frame: pd.DataFrame, held: Any) -> None:
    """Delete the rows chosen in the form of ``path`` (nothing chosen: nothing written)."""
    chosen = [int(i) for i in st.session_state.get(f"{key}:rows") or () if 0 <= int(i) < len(frame)]
    if chosen:
        _rewrite_rows(path, frame, held, {"deleted_rows": sorted(set(chosen))})


def _default_text(column: Column) -> str:
    value = shown(column.kind, column.default)
    return i18n.editable_number(float(value), state.language())


def _add_key(key: str, column: Column, language: str) -> str:
    """Widget key of a column's input in the add-row form ``key``: a choice's holds the UI
    language, so a new language is a new choice showing the options' new names (a select box
    keeps the names it was built with)."""
    if column.kind == "choice":
        return f"{key}:{column.name}:{language}"
    return f"{key}:{column.name}"


def _add_row(path: str, key: str, version: int, language: str) -> None:
    """Check every value of the new row (the form drawn in ``language``); add it as one
    change, or say what is wrong."""
    error_key = f"{state.EDITOR_PREFIX}{path}:add"
    row: dict[str, Any] = {}
    refused: list[str] = []
    plan = state.plan_in_force()
    for column in TABLES[path]:
        raw = st.session_state.get(_add_key(key, column, language))
        try:
            row[column.name] = _row_value(column, raw, plan)
        except EntryError as refusal:
            refused.append(str(refusal))
    if refused:
        state.errors()[error_key] = refused
        return
    state.errors().pop(error_key, None)
    items = [dict(item) for item in get_value(plan, path)] + [row]
    if session.change({path: items}, error_key, bases={path: version}):
        added: dict[str, int] = st.session_state.setdefault(state.ROWS_ADDED, {})
        added[path] = added.get(path, 0) + 1


def _row_value(column: Column, raw: Any, plan: Plan) -> Any:
    """One value of a new row as the plan holds it; raises :class:`EntryError` naming the
    column and the accepted form or range."""
    if column.kind == "choice":
        return raw
    name = label(column.name)
    text = "" if raw is None else str(raw).strip()
    if not text:
        raise EntryError(tr("field.required", field=name))
    if column.kind == "text":
        return text
    high = plan.months if column.kind == "month" else column.high
    low = 1 if column.kind == "month" else column.low
    return number_entry(name, text, column.kind, low, high, plan.currency)


def _discard(error_key: str) -> None:
    st.session_state[state.RESETS] += 1
    state.errors().pop(error_key, None)
