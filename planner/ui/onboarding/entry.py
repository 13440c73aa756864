"""Entering actuals: one row per plan month in an editable table of the chosen columns, saved
as one deliberate change against the version the table showed."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from planner import i18n
from planner.model import month_dates
from planner.plan.schema import COUNT_COLUMNS
from planner.plan.validation import MAX_ACTUAL
from planner.ui import clicks, collab, entries, fields, grid_keys, session, state, widgets
from planner.ui.onboarding.common import (
    ACTUALS_SEEN,
    COLUMNS,
    DEFAULT_COLUMNS,
    TABLE_ERRORS,
    Here,
    here,
)
from planner.ui.text import label, problem_list, tr

EDITOR_ROWS = 12  # rows of the actuals table visible at once (one plan year)


def entry_frame(here: Here, columns: list[str]) -> pd.DataFrame:
    """One row per plan month with the chosen columns' actuals (empty = not known)."""
    plan = here.plan
    known = plan.actuals_by_month()
    dates = month_dates(plan.start, plan.months)
    frame = pd.DataFrame(
        {
            "month": range(1, plan.months + 1),
            "date": [i18n.month_label(d, here.language) for d in dates],
        }
    )
    for column in columns:
        frame[column] = [known.get(m, {}).get(column) for m in range(1, plan.months + 1)]
        frame[column] = frame[column].astype("float64")
    return frame


def shown_frame(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The actuals table as its cells read: numbers as text in the UI language (``1.234,5``
    in German), whatever the language of the person's browser."""
    return entries.number_columns_as_text(frame, columns)


Typed = dict[tuple[int, str], float | None]
"""The cells a person changed in the actuals table: ``(plan month, column)`` -> the number
typed, None where emptied."""


def typed_values(
    here: Here, edited: pd.DataFrame, columns: list[str], frame: pd.DataFrame
) -> tuple[Typed, list[str]]:
    """The cells of the table that showed ``frame`` which read other than they did after the
    edit, as numbers; and the refusals of cells that are no number of their column, each
    naming the column and the month (``Umsatz, März 2027: „12.5.0“ ist keine Zahl``)."""
    before = frame.to_dict(orient="records")
    typed: Typed = {}
    refused = []
    bounds = tr("onboarding.actual_bounds")
    for index, record in enumerate(edited.to_dict(orient="records")):
        month = int(record["month"])
        for column in columns:
            name = f"{label(column)}, {record['date']}"
            was = before[index].get(column) if index < len(before) else None
            try:
                value = entries.cell_number(
                    record.get(column),
                    was,
                    name,
                    _kind(column),
                    -MAX_ACTUAL,
                    MAX_ACTUAL,
                    here.plan.currency,
                    bounds,
                )
            except entries.EntryError as refusal:
                refused.append(str(refusal))
                continue
            if value != (None if entries.empty_cell(was) else was):
                typed[(month, column)] = None if value is None else float(value)
    return typed, refused


def rows_with(known: dict[int, dict[str, float]], typed: Typed) -> list[dict[str, Any]]:
    """The actuals ``known`` (``{month: {column: value}}``) with the ``typed`` cells put in:
    every other cell as it was, a month left without values left out."""
    months = {month: dict(values) for month, values in known.items()}
    for (month, column), value in typed.items():
        row = months.setdefault(month, {})
        if value is None:
            row.pop(column, None)
        else:
            row[column] = value
    return [{"month": month, **months[month]} for month in sorted(months) if months[month]]


def based_on(seen_version: int, typed: Typed) -> tuple[int, dict[int, dict[str, float]]]:
    """The version a Save of the ``typed`` cells is based on, and the actuals it puts them
    into: the ones stored now when nobody changed any of those cells since the table showed
    ``seen_version`` (the Save writes beside the other's change of other cells), else the
    ones the table showed (the Save is a conflict for the person to decide)."""
    current = session.field_version("actuals")
    now = state.plan_in_force().actuals_by_month()
    plan_id = session.plan_id()
    if seen_version >= current or plan_id is None:
        return current, now
    then = session.store().plan_at(plan_id, seen_version).actuals_by_month()
    if any(then.get(m, {}).get(c) != now.get(m, {}).get(c) for m, c in typed):
        return seen_version, then
    return current, now


def _kind(column: str) -> str:
    return "count" if column in COUNT_COLUMNS else "money"


def seen_table(here: Here, columns: list[str]) -> dict[str, Any]:
    """The actuals table as this person's input shows it: the stored actuals at the version
    they were loaded, kept while the person has typed cells in it (a change by someone else
    then makes their save a conflict instead of emptying what they typed), else the stored
    ones. Its key names a generation, not the plan's revision: a change of another field keeps
    it. A table built anew for another UI language or other columns carries the typed cells
    over (``typed``: numbers written the new language's way, other text as typed) and stays
    based on the version they were typed against; a typed cell it cannot show (its column was
    taken away, another plan was opened, the link may no longer edit) is listed in
    ``dropped``, which the page shows."""
    ss = st.session_state
    version = session.field_version("actuals")
    seen: dict[str, Any] | None = ss.get(ACTUALS_SEEN)
    typed: dict[entries.Cell, Any] = {}
    if seen is not None:
        typed = {**seen["typed"], **entries.typed_cells(ss.get(seen["key"]))}
        same_shape = seen["columns"] == tuple(columns) and seen["language"] == here.language
        moved = seen["version"] != version
        renew = seen["version"] < 0  # saved or overtaken: the stored actuals again
        same_plan = seen["plan"] == session.plan_id()
        closed = typed and not here.who.can_edit  # typed, then the link lost its right to edit
        if same_plan and same_shape and not renew and not closed and (not moved or typed):
            return seen
        if renew:
            typed = {}
    carried: dict[entries.Cell, Any] = {}
    dropped: list[str] = []
    if seen is not None and typed:
        kept = seen["plan"] == session.plan_id() and here.who.can_edit
        for (row, column), text in sorted(typed.items()):
            if kept and column in columns:
                carried[(row, column)] = entries.rewritten(
                    text, _kind(column), seen["language"], here.language, here.plan.currency
                )
            elif not entries.empty_cell(text) and row < len(seen["frame"]):
                month = seen["frame"].at[row, "date"]
                dropped.append(f"{label(column)}, {month}: {text}")
    generation = seen["generation"] + 1 if seen is not None else 0
    fresh = {
        # typed cells carried over keep the version they were typed against
        "version": seen["version"] if carried and seen is not None else version,
        "generation": generation,
        "plan": session.plan_id(),
        "columns": tuple(columns),
        "language": here.language,
        "frame": entry_frame(here, columns),
        "typed": carried,
        "dropped": dropped,
        "saved": bool(seen is not None and seen["version"] < 0 and seen.get("saved")),
        "key": f"{state.EDITOR_PREFIX}actuals@{generation}",
        "before": seen["key"] if seen is not None else "",
    }
    ss[ACTUALS_SEEN] = fresh
    return fresh


KEYS = "grid-keys:actuals"
"""The key of the component below the actuals table (:mod:`planner.ui.grid_keys`)."""


def _on_lost() -> None:
    """Text typed into a cell of the actuals table while it was built anew (someone else's
    change of the actuals came in): carried into the new table as typed, for the Save."""
    found = grid_keys.lost_text(KEYS)
    seen: dict[str, Any] | None = st.session_state.get(ACTUALS_SEEN)
    if found is None or seen is None or found.token not in (seen["key"], seen["before"]):
        return
    index = found.column - 2  # plan month and month come first
    if 0 <= index < len(seen["columns"]) and found.row < len(seen["frame"]):
        cell = (found.row, seen["columns"][index])
        st.session_state[ACTUALS_SEEN] = {**seen, "typed": {**seen["typed"], cell: found.text}}


def _unsaved(here: Here, seen: dict[str, Any]) -> grid_keys.Unsaved | None:
    """The cells typed into the table shown and not saved, by plan month and column, for the
    tab to keep (a reload or a page left forgets the session's); none without a stored plan."""
    plan = session.plan_id()
    if plan is None or seen["plan"] != plan:
        return None
    typed = {**seen["typed"], **entries.typed_cells(st.session_state.get(seen["key"]))}
    frame = seen["frame"]
    cells = tuple(
        (int(frame.at[row, "month"]), column, None if entries.empty_cell(text) else str(text))
        for (row, column), text in sorted(typed.items())
        if row < len(frame) and column in seen["columns"]
    )
    if cells:
        seen["saved"] = False  # typed since the last Save: the tab keeps these
    saved = bool(seen.get("saved"))
    return grid_keys.Unsaved(plan, seen["version"], seen["language"], cells, saved)


def _on_unsaved() -> None:
    """Cells typed into the actuals table and not saved when the page was left or reloaded
    (:func:`planner.ui.grid_keys.unsaved_cells`): shown in the table again, written the UI
    language's way, and based on the version they were typed against (a change by someone
    else since makes the Save a conflict). A column they are in is chosen again. A cell that
    reads as what is stored now (saved meanwhile) is not carried."""
    found = grid_keys.unsaved_cells(KEYS)
    ss = st.session_state
    seen: dict[str, Any] | None = ss.get(ACTUALS_SEEN)
    now = here()
    if found is None or seen is None or found.plan != seen["plan"] or not now.who.can_edit:
        return
    version = session.field_version("actuals")
    known = now.plan.actuals_by_month()
    carried: dict[entries.Cell, Any] = {}
    wanted: list[str] = []
    for month, column, text in found.cells:
        if column not in now.value_columns or not 1 <= month <= now.plan.months:
            continue
        kind = _kind(column)
        shown = entries.rewritten(text, kind, found.language, now.language, now.plan.currency)
        if _reads_as(shown, known.get(month, {}).get(column), column, now.plan.currency):
            continue  # saved meanwhile, or never changed
        carried[(month - 1, column)] = shown
        if column not in seen["columns"] and column not in wanted:
            wanted.append(column)
    if not carried:
        return
    drawn_at = seen["version"] if seen["version"] >= 0 else version  # -1: about to be renewed
    ss[ACTUALS_SEEN] = {
        **seen,
        "typed": {**seen["typed"], **carried},
        # never later than what is stored: a version sent from the browser only makes a conflict
        "version": min(found.version, drawn_at, version),
    }
    if wanted:  # the table shows them in the column chosen again
        key = f"{COLUMNS}.{now.language}"
        ss[key] = [*ss.get(key, seen["columns"]), *wanted]


def _reads_as(text: Any, stored: float | None, column: str, currency: str) -> bool:
    """Whether a cell's ``text`` (in the UI language) reads as the ``stored`` actual."""
    try:
        value = entries.cell_number(
            text, stored, column, _kind(column), -MAX_ACTUAL, MAX_ACTUAL, currency
        )
    except entries.EntryError:
        return False  # no number: carried, for the Save to refuse naming the cell
    return bool(value == stored)


def _renew_table(saved: bool) -> None:
    """Show the stored actuals in a new table (after a save, or when it was overtaken); once
    ``saved``, the tab forgets the cells it kept."""
    seen: dict[str, Any] | None = st.session_state.get(ACTUALS_SEEN)
    if seen is not None:
        st.session_state[ACTUALS_SEEN] = {**seen, "version": -1, "saved": saved}


def save_actuals(rows: list[dict[str, Any]], version: int) -> bool:
    """Write the actuals against the version the table showed; a change by someone else since
    comes back as a conflict with both (nothing overwritten)."""
    saved = session.change({"actuals": rows}, TABLE_ERRORS, bases={"actuals": version})
    if saved or "actuals" in collab.pending_paths():
        _renew_table(saved)
    return saved


def entry_table(here: Here, columns: list[str]) -> None:
    plan, who = here.plan, here.who
    seen = seen_table(here, columns)
    edited = st.data_editor(
        entries.with_typed(shown_frame(seen["frame"], columns), seen["typed"]),
        key=seen["key"],
        num_rows="fixed",
        hide_index=True,
        placeholder="",
        width="stretch",
        height=widgets.ROW_HEIGHT * (EDITOR_ROWS + 1) + 3,
        disabled=["month", "date"] if who.can_edit else True,
        column_config={
            "month": st.column_config.NumberColumn(tr("onboarding.plan_month"), format="%d"),
            "date": st.column_config.TextColumn(label("month")),
            **{
                # text in the UI language, read on the server when saved (a number column
                # writes and reads numbers as the browser's language does)
                column: st.column_config.TextColumn(
                    label(column),
                    max_chars=40,
                    alignment="right",
                    help=tr(
                        "onboarding.count_help"
                        if column in COUNT_COLUMNS
                        else "onboarding.money_help",
                        currency=plan.currency,
                    ),
                )
                for column in columns
            },
        },
    )
    if who.can_edit:
        grid_keys.keep_typing(KEYS, seen["key"], _on_lost, _unsaved(here, seen), _on_unsaved)
    if seen["dropped"]:
        st.warning(
            tr("onboarding.typed_dropped") + "\n\n" + problem_list(seen["dropped"]),
            icon=":material/warning:",
        )
    save, clear = st.columns([1, 1])
    # each click answered before the next element: a run stopped at an element drawn between
    # a click's button and its answer (a rerun asked for meanwhile) would lose the click
    if clicks.button(
        save,
        tr("onboarding.save"),
        "onboarding.save",
        type="primary",
        width="stretch",
        disabled=not who.can_edit,
    ):
        typed, refused = typed_values(here, edited, columns, seen["frame"])
        version, known = based_on(seen["version"], typed)
        rows = rows_with(known, typed)
        if refused:  # nothing written; the typed cells stay in the table
            state.errors()[TABLE_ERRORS] = refused
        elif save_actuals(rows, version):
            session.notify("onboarding.saved", count=len(rows), plural=len(rows))
            st.rerun()
    cleared = clicks.button(
        clear,
        tr("onboarding.clear"),
        "onboarding.clear",
        disabled=not plan.actuals or not who.can_edit,
        width="stretch",
    )
    if cleared and save_actuals([], seen["version"]):
        session.notify("onboarding.cleared")
        st.rerun()
    fields.problems(TABLE_ERRORS)


def entry_section(here: Here) -> None:
    """The columns to enter (those already given and the usual ones first) and their table."""
    st.subheader(tr("onboarding.enter_title"))
    columns = here.value_columns
    present = [c for c in columns if any(c in row for row in here.plan.actuals)]
    # one choice per UI language: the browser keeps a choice as the names it showed, which
    # another language's run no longer knows (it emptied the choice, and the table with it,
    # at the first run after a switch); the choice made in the other language is carried over
    key = f"{COLUMNS}.{here.language}"
    ss = st.session_state
    before = [ss[k] for k in list(ss.keys()) if str(k).startswith(f"{COLUMNS}.") and k != key]
    chosen = st.multiselect(
        tr("onboarding.columns"),
        columns,
        default=[c for c in before[0] if c in columns]
        if before and key not in ss
        else [c for c in columns if c in DEFAULT_COLUMNS or c in present],
        format_func=label,
        key=key,
        select_all=False,  # its label is Streamlit's English
        placeholder=tr("choose"),
    )
    if chosen:
        entry_table(here, list(chosen))
