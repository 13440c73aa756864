"""What the page does for a table cell being typed in, beyond Streamlit's table.

Drawn below every editable table, this small browser component (``assets/grid_keys.js``):

- holds Enter or Tab pressed right after a cell's last character until the grid's editor has
  that character (150 ms at most): Streamlit's table took the value as last drawn and left the
  cell unsaved, without a word;
- gives the keys typed while a cell's editor opens (the first character opens it) to the
  editor once it has the focus: the table dropped them ("7" left of "7777" typed fast);
- holds a click on a button right after a table cell's edit until the table has sent that
  edit (Streamlit's table sends it 150 ms late, later on a busy machine: a Save clicked at once
  after Enter went with the table as it was), 0.8 s at most;
- below a live table (:func:`keep_typing`), reports the text of a cell editor whose table was
  built anew under it (someone added or deleted rows, or the person's own edit of another
  cell was taken), which went with the old table: the server saves it or says why not; and
  keeps the cells typed but not saved in the tab, for the table drawn again after the page
  was left or reloaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import streamlit as st

from planner.ui.table_seen import script

KEPT = "kept"
"""The event the cells typed into a form's table arrive as when the table was drawn anew before
the form was sent."""
LOST = "lost"
"""The event a cell's text whose table was built anew under it arrives as."""
UNSAVED = "unsaved"
"""The event the cells typed into a live table but not saved arrive as when the table is drawn
again after the page was left or reloaded."""


@cache
def _component() -> Any:
    return st.components.v2.component(
        "plan_grid_keys",
        js=script("table_before.js", "grid_keys.js"),
        isolate_styles=False,
    )


def keep_last_key(key: str) -> None:
    """Below an editable table (keyed ``key``, one per table on a page): its cells' last typed
    character is kept when Enter or Tab follows at once."""
    _component()(key=key, data={})


def keep_typing(
    key: str,
    token: str,
    on_lost: Callable[[], None],
    unsaved: Unsaved | None = None,
    on_unsaved: Callable[[], None] | None = None,
) -> None:
    """Below a live table, drawn as ``token`` (its widget key): as :func:`keep_last_key`, and
    text typed into one of its cells when the table is built anew under it comes back to the
    server (``on_lost``, before the run; :func:`lost_text` reads it).

    With ``unsaved`` (the cells typed and not saved, as this run knows them; none once saved)
    the tab keeps them for the plan ``unsaved.plan``, and a table drawn again after the page
    was left or reloaded, which knows none, gets them back (``on_unsaved``, before the run;
    :func:`unsaved_cells` reads them)."""
    data: dict[str, Any] = {"name": key, "token": token}
    if unsaved is not None:
        data["scope"] = unsaved.plan
        data["unsaved"] = {
            "plan": unsaved.plan,
            "version": unsaved.version,
            "language": unsaved.language,
            "cells": [list(cell) for cell in unsaved.cells],
            "saved": unsaved.saved,
        }
    _component()(key=key, data=data, on_lost_change=on_lost, on_unsaved_change=on_unsaved)


@dataclass(frozen=True)
class Unsaved:
    """Cells typed into a live table and not saved: the plan and the version of the table
    they were typed into, the UI language they were typed in, and each cell's row (a stable
    number, such as the plan month), column name and text (None: emptied)."""

    plan: str
    version: int
    language: str
    cells: tuple[tuple[int, str, str | None], ...]
    saved: bool = False
    """Whether the table was saved and nothing typed since: the tab forgets what it kept."""


def unsaved_cells(key: str) -> Unsaved | None:
    """The unsaved cells this run carries from the component keyed ``key``; None when none
    (never raises: the payload comes from the browser, and what is not as expected is left
    out)."""
    found = st.session_state.get(key)
    payload = found.get(UNSAVED) if isinstance(found, dict) else None
    if not isinstance(payload, dict):
        return None
    plan, version, language, cells = (
        payload.get(k) for k in ("plan", "version", "language", "cells")
    )
    if not (isinstance(plan, str) and isinstance(language, str) and isinstance(cells, list)):
        return None
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        return None
    kept: list[tuple[int, str, str | None]] = []
    for cell in cells[:5000]:
        if not (isinstance(cell, list) and len(cell) == 3):
            continue
        row, column, text = cell
        whole = isinstance(row, int) and not isinstance(row, bool)
        if whole and isinstance(column, str) and (text is None or isinstance(text, str)):
            kept.append((row, column[:100], None if text is None else text[:200]))
    return Unsaved(plan[:300], version, language[:10], tuple(kept))


@dataclass(frozen=True)
class LostText:
    """A cell's text whose table was built anew while it was typed: the table as drawn
    (``token``), the cell's row and column there (from 0, as the table showed them)."""

    token: str
    row: int
    column: int
    text: str


def lost_text(key: str) -> LostText | None:
    """The text this run carries from the component keyed ``key``; None when none (never
    raises: the payload comes from the browser, and what is not as expected is ignored)."""
    found = st.session_state.get(key)
    payload = found.get(LOST) if isinstance(found, dict) else None
    if not isinstance(payload, dict):
        return None
    token, row, column, text = (payload.get(k) for k in ("token", "row", "column", "text"))
    if not (isinstance(token, str) and isinstance(text, str)):
        return None
    if not (isinstance(row, int) and isinstance(column, int) and row >= 0 and column >= 0):
        return None
    return LostText(token[:300], row, column, text[:200])


def keep_form_cells(key: str, token: str, scope: str, on_kept: Callable[[], None]) -> None:
    """Below a form's table, drawn as ``token``: as :func:`keep_last_key`, and what was done in
    it comes back to the server (``on_kept``, before the run; :func:`kept_cells` and
    :func:`kept_rows` read it) when the table is drawn under another token before the form
    was sent, or drawn again after the page was left or reloaded (kept in the tab for the plan
    ``scope`` until the form is sent)."""
    data = {"name": key, "token": token, "form": True, "scope": scope}
    _component()(key=key, data=data, on_kept_change=on_kept)


def kept_cells(key: str) -> tuple[str, list[tuple[int, int, str]]] | None:
    """The token of the table the cells were typed into and the cells (row and column as the
    table showed them, from 0, and the text) this run carries from the component keyed
    ``key``; None when none (never raises: the payload comes from the browser)."""
    found = st.session_state.get(key)
    payload = found.get(KEPT) if isinstance(found, dict) else None
    if not isinstance(payload, dict) or not isinstance(payload.get("token"), str):
        return None
    cells = payload.get("cells")
    kept: list[tuple[int, int, str]] = []
    for cell in cells[:500] if isinstance(cells, list) else []:
        if isinstance(cell, list) and len(cell) == 3:
            row, column, text = cell
            ok = isinstance(row, int) and isinstance(column, int) and isinstance(text, str)
            if ok and row >= 0 and column >= 0:
                kept.append((row, column, text[:200]))
    return payload["token"][:300], kept


def kept_rows(key: str, width: int) -> list[list[str]] | None:
    """The whole table the cells were typed into, as the page last showed it (each row's
    ``width`` cells as text, the stored values: a choice's option, not its label) when the
    person changed more than typed cells (a choice, rows added or deleted); None when not
    sent (never raises: the payload comes from the browser)."""
    found = st.session_state.get(key)
    payload = found.get(KEPT) if isinstance(found, dict) else None
    rows = payload.get("rows") if isinstance(payload, dict) else None
    if not isinstance(rows, list):
        return None
    kept: list[list[str]] = []
    for row in rows[:500]:
        if isinstance(row, list) and len(row) == width and all(isinstance(c, str) for c in row):
            kept.append([cell[:200] for cell in row])
    return kept
