"""Entering actuals: one row per plan month in an editable table of the chosen columns, saved
as one deliberate change against the version the table showed."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from planner import i18n
from planner.model import month_dates
from planner.plan.validation import MAX_ACTUAL
from planner.ui import collab, entries, fields, grid_keys, session, state, widgets
from planner.ui.onboarding.common import (
    ACTUALS_SEEN,
    COLUMNS,
    COUNT_COLUMNS,
    DEFAULT_COLUMNS,
    TABLE_ERRORS,
    Here,
)
from planner.ui.text import label, tr

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


def rows_from(
    here: Here, edited: pd.DataFrame, columns: list[str], frame: pd.DataFrame
) -> tuple[list[dict[str, Any]], list[str]]:
    """The plan's actuals after the edit of the table that showed ``frame``: shown columns
    replaced, others kept; and the refusals of cells that are no number of their column, each
    naming the column and the month (``Umsatz, März 2027: „12.5.0“ ist keine Zahl``)."""
    known = here.plan.actuals_by_month()
    before = frame.to_dict(orient="records")
    rows, refused = [], []
    for index, record in enumerate(edited.to_dict(orient="records")):
        month = int(record["month"])
        row = {k: v for k, v in known.get(month, {}).items() if k not in columns}
        for column in columns:
            kind = "count" if column in COUNT_COLUMNS else "money"
            name = f"{label(column)}, {record['date']}"
            was = before[index].get(column) if index < len(before) else None
            try:
                value = entries.cell_number(
                    record.get(column), was, name, kind, -MAX_ACTUAL, MAX_ACTUAL, here.plan.currency
                )
            except entries.EntryError as refusal:
                refused.append(str(refusal))
                continue
            if value is not None:
                row[column] = float(value)
        if row:
            rows.append({"month": month, **row})
    return rows, refused


def _pending(edits: Any) -> bool:
    """Whether an editable table's state holds edits the person made."""
    return isinstance(edits, dict) and any(
        edits.get(part) for part in ("edited_rows", "added_rows", "deleted_rows")
    )


def seen_table(here: Here, columns: list[str]) -> dict[str, Any]:
    """The actuals table as this person's input shows it: the stored actuals at the version
    they were loaded, kept while the person has edits in it (a change by someone else then
    makes their save a conflict instead of emptying what they typed), else the stored ones.
    Its key names a generation, not the plan's revision: a change of another field keeps it."""
    ss = st.session_state
    version = session.field_version("actuals")
    seen: dict[str, Any] | None = ss.get(ACTUALS_SEEN)
    if seen is not None:
        same_shape = seen["columns"] == tuple(columns) and seen["language"] == here.language
        moved = seen["version"] != version
        renew = seen["version"] < 0  # saved or overtaken: the stored actuals again
        if same_shape and not renew and not (moved and not _pending(ss.get(seen["key"]))):
            return seen
    generation = seen["generation"] + 1 if seen is not None else 0
    fresh = {
        "version": version,
        "generation": generation,
        "columns": tuple(columns),
        "language": here.language,
        "frame": entry_frame(here, columns),
        "key": f"{state.EDITOR_PREFIX}actuals@{generation}",
    }
    ss[ACTUALS_SEEN] = fresh
    return fresh


def _renew_table() -> None:
    """Show the stored actuals in a new table (after a save, or when it was overtaken)."""
    seen: dict[str, Any] | None = st.session_state.get(ACTUALS_SEEN)
    if seen is not None:
        st.session_state[ACTUALS_SEEN] = {**seen, "version": -1}


def save_actuals(rows: list[dict[str, Any]], version: int) -> bool:
    """Write the actuals against the version the table showed; a change by someone else since
    comes back as a conflict with both (nothing overwritten)."""
    saved = session.change({"actuals": rows}, TABLE_ERRORS, bases={"actuals": version})
    if saved or "actuals" in collab.pending_paths():
        _renew_table()
    return saved


def entry_table(here: Here, columns: list[str]) -> None:
    plan, who = here.plan, here.who
    seen = seen_table(here, columns)
    edited = st.data_editor(
        shown_frame(seen["frame"], columns),
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
        grid_keys.keep_last_key("grid-keys:actuals")
    save, clear = st.columns([1, 1])
    saved = save.button(
        tr("onboarding.save"),
        type="primary",
        width="stretch",
        key="onboarding.save",
        disabled=not who.can_edit,
    )
    cleared = clear.button(
        tr("onboarding.clear"),
        disabled=not plan.actuals or not who.can_edit,
        width="stretch",
        key="onboarding.clear",
    )
    if saved:
        rows, refused = rows_from(here, edited, columns, seen["frame"])
        if refused:  # nothing written; the typed cells stay in the table
            state.errors()[TABLE_ERRORS] = refused
        elif save_actuals(rows, seen["version"]):
            session.notify("onboarding.saved", count=len(rows), plural=len(rows))
            st.rerun()
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
