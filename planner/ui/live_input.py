"""A text input for a shared plan value that never loses what a person is typing.

Streamlit's own text input shows whatever the last run sent: when someone else's change to the
same field arrives while a person is typing, the input is rebuilt and the typing is gone.
This input (a small browser component, ``assets/live_input.js``) keeps the typing until the
person leaves the input, then sends one *commit*: the text, and the version and text the input
showed when the typing began. The server writes it against that version, so a change made in
the meantime is a conflict with "keep mine / take theirs", never an overwrite and never lost.

A commit is a one-shot event sent by a person's keystroke (Tab, Enter, a click elsewhere): a
rerun, a poll or a reloaded page sends none, so nothing is written that nobody typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import streamlit as st

ASSETS = Path(__file__).parent / "assets"
COMMIT = "commit"
"""The event a person's commit arrives as."""


@cache
def _component() -> Any:
    """The browser component, registered on first use (inside a run, where Streamlit expects
    it)."""
    return st.components.v2.component(
        "plan_input",
        js=(ASSETS / "live_input.js").read_text(encoding="utf-8"),
        css=(ASSETS / "live_input.css").read_text(encoding="utf-8"),
        isolate_styles=False,
    )


@dataclass(frozen=True)
class Commit:
    """What a person typed, with what the input showed when the typing began."""

    text: str
    version: int
    """The field's version the typing began on: the base of the write."""
    showed: str


def commit_of(payload: Any) -> Commit | None:
    """A commit event as the browser sent it, or None when it is not one (never raises: the
    payload comes from the browser)."""
    if not isinstance(payload, dict):
        return None
    text, version, showed = payload.get("text"), payload.get("version"), payload.get("showed")
    if not isinstance(text, str) or not isinstance(showed, str):
        return None
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        return None
    return Commit(text[:200], version, showed[:200])


def live_input(
    label: str,
    text: str,
    *,
    shown: str = "",
    key: str,
    version: int,
    stamp: int,
    on_commit: Callable[[Commit], None],
    help: str = "",
    disabled: bool = False,
) -> None:
    """Show ``text`` (the field at ``version``) in an input labelled ``label``; while it is
    not being edited it reads ``shown`` (an amount with its currency), when given.

    ``stamp``: raise it to show ``text`` again although it did not change (after a refused
    entry). ``on_commit`` runs, before the rerun, with each commit a person makes.
    """

    def committed() -> None:
        state = st.session_state.get(key)
        found = commit_of(state.get(COMMIT) if state is not None else None)
        if found is not None:
            on_commit(found)

    _component()(
        key=key,
        data={
            "label": label,
            "help": help,
            "text": text,
            "shown": shown or text,
            "version": version,
            "stamp": stamp,
            "disabled": disabled,
        },
        on_commit_change=committed,
    )
