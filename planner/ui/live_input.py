"""The inputs of shared plan values that never lose what a person types, picks or switches.

Streamlit's own text input shows whatever the last run sent: when someone else's change to the
same field arrives while a person is typing, the input is rebuilt and the typing is gone.
This input (a small browser component, ``assets/live_input.js``) keeps the typing until the
person leaves the input, then sends one *commit*: the text, and the version and text the input
showed when the typing began. The server writes it against that version, so a change made in
the meantime is a conflict with "keep mine / take theirs", never an overwrite and never lost.

A commit is a one-shot event sent by a person's keystroke (Tab, Enter, a click elsewhere): a
rerun, a poll or a reloaded page sends none, so nothing is written that nobody typed. Each
commit carries a nonce; the server answers it (``ack``) once taken, and takes each nonce once.
Until answered the browser keeps the commit and sends it again when the page is drawn anew (a
lost connection, a server restart, a reload), marked "not saved" after a moment: a commit is
delivered once or visibly not, never silently dropped.

The same component shows a plan value's choice (a ``<select>`` of the options, named in the UI
language by the server: :func:`live_choice`) and switch (a checkbox in the role of a switch:
:func:`live_switch`), with the same commit: a pick or a flip is one commit carrying the
option (``on``/``off`` for a switch) and the version the input showed it on. The input's key
holds no version: a change by someone else updates what the input shows (not while the
person has its list open: the list stays open, and the pick is based on what it showed), and
never rebuilds the input under a person's click.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import streamlit as st

ASSETS = Path(__file__).parent / "assets"
COMMIT = "commit"
"""The event a person's commit arrives as."""


NAME = "planner.plan_input"


def _component() -> Any:
    """The browser component, registered on first use (inside a run, where Streamlit expects
    it). Its script and style are files the browser fetches once and caches: given as text,
    Streamlit sends them inside every input of every run (about 14 KB each, 308 of the 333 KB
    the assumptions page sent per run). Streamlit serves a component's files from the folder
    an installed package declares; this app is not installed, so it declares its folder the
    way Streamlit's scan of installed packages would (private API, checked by
    tests/test_live_input.py), again whenever Streamlit's registry has lost it."""
    from streamlit.components.v2.get_bidi_component_manager import get_bidi_component_manager
    from streamlit.components.v2.manifest_scanner import ComponentConfig, ComponentManifest

    manager = get_bidi_component_manager()
    if manager.get_component_asset_root(NAME) is None:
        project, name = NAME.split(".")
        manager.register_from_manifest(
            ComponentManifest(project, "1", [ComponentConfig(name, ASSETS.name)]), ASSETS.parent
        )
        _mount.cache_clear()
    return _mount()


@cache
def _mount() -> Any:
    return st.components.v2.component(
        NAME, js="live_input.js", css="live_input.css", isolate_styles=False
    )


@dataclass(frozen=True)
class Commit:
    """What a person typed, with what the input showed when the typing began."""

    text: str
    version: int
    """The field's version the typing began on: the base of the write."""
    showed: str
    nonce: str = ""
    """The browser's name for this commit: sent again (after a lost connection), it is taken
    once."""


ACKS = "live_input.acks"
"""Input key -> ``(nonce, ok)`` of the last commit taken: the answer the browser waits for."""
TAKEN = "live_input.taken"
"""Nonces of the commits taken in this session, newest last (a commit sent again is skipped)."""
TAKEN_KEPT = 200
ON, OFF = "on", "off"
"""What a switch's commit carries, on or off."""


def commit_of(payload: Any, allowed: Sequence[str] | None = None) -> Commit | None:
    """A commit event as the browser sent it, or None when it is not one (never raises: the
    payload comes from the browser). ``allowed``: for a choice or a switch, the values it
    offers; a commit of any other value, or based on any other, is none."""
    if not isinstance(payload, dict):
        return None
    text, version, showed = payload.get("text"), payload.get("version"), payload.get("showed")
    if not isinstance(text, str) or not isinstance(showed, str):
        return None
    if allowed is not None and (text not in allowed or showed not in allowed):
        return None
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        return None
    nonce = payload.get("nonce", "")
    if not isinstance(nonce, str):
        return None
    return Commit(text[:200], version, showed[:200], nonce[:40])


def live_input(
    label: str,
    text: str,
    *,
    shown: str = "",
    key: str,
    version: int,
    stamp: int,
    on_commit: Callable[[Commit], bool | None],
    help: str = "",
    disabled: bool = False,
    scope: str = "",
    own: bool = False,
    unsaved: str = "",
) -> None:
    """Show ``text`` (the field at ``version``) in an input labelled ``label``; while it is
    not being edited it reads ``shown`` (an amount with its currency), when given.

    ``stamp``: raise it to show ``text`` again although it did not change (after a refused
    entry). ``on_commit`` runs, before the rerun, with each commit a person makes, once per
    commit; it returns False when the commit was not written (refused, a conflict), and the
    browser then stays on the page. ``scope``: what the field belongs to (the plan's id): a
    commit or typing the browser kept across a reload comes back only within it. ``own``:
    the field's version is this session's own write (typing begun on a commit not yet
    confirmed goes on from it). ``unsaved``: the mark of a commit not confirmed.
    """
    _show(
        key,
        {
            "label": label,
            "help": help,
            "text": text,
            "shown": shown or text,
            "version": version,
            "stamp": stamp,
            "disabled": disabled,
            "scope": scope,
            "own": own,
            "unsaved": unsaved,
        },
        on_commit,
    )


def live_choice(
    label: str,
    value: str,
    options: Sequence[tuple[str, str]],
    *,
    key: str,
    version: int,
    on_commit: Callable[[Commit], bool | None],
    help: str = "",
    disabled: bool = False,
    scope: str = "",
    own: bool = False,
    unsaved: str = "",
) -> None:
    """Show the choice ``value`` (the field at ``version``) among ``options``, pairs of the
    stored option and its name in the UI language. A person's pick is one commit whose text
    is the stored option picked; ``on_commit`` and the rest as for :func:`live_input`."""
    _show(
        key,
        {
            "mode": "choice",
            "label": label,
            "help": help,
            "text": value,
            "options": [[option, name] for option, name in options],
            "version": version,
            "disabled": disabled,
            "scope": scope,
            "own": own,
            "unsaved": unsaved,
        },
        on_commit,
        [option for option, _ in options],
    )


def live_switch(
    label: str,
    on: bool,
    *,
    key: str,
    version: int,
    on_commit: Callable[[Commit], bool | None],
    help: str = "",
    disabled: bool = False,
    scope: str = "",
    own: bool = False,
    unsaved: str = "",
) -> None:
    """Show the switch ``on`` (the field at ``version``). A person's flip is one commit whose
    text is :data:`ON` or :data:`OFF`; ``on_commit`` and the rest as for :func:`live_input`."""
    _show(
        key,
        {
            "mode": "switch",
            "label": label,
            "help": help,
            "text": ON if on else OFF,
            "version": version,
            "disabled": disabled,
            "scope": scope,
            "own": own,
            "unsaved": unsaved,
        },
        on_commit,
        (ON, OFF),
    )


def _show(
    key: str,
    data: dict[str, Any],
    on_commit: Callable[[Commit], bool | None],
    allowed: Sequence[str] | None = None,
) -> None:
    """The component of ``key`` showing ``data``; its commits, each taken once, go to
    ``on_commit`` and are answered with an ack."""
    ss = st.session_state
    acks: dict[str, tuple[str, bool]] = ss.setdefault(ACKS, {})

    def committed() -> None:
        state = ss.get(key)
        found = commit_of(state.get(COMMIT) if state is not None else None, allowed)
        if found is None:
            return
        taken: list[str] = ss.setdefault(TAKEN, [])
        if found.nonce and found.nonce in taken:
            return  # sent again after a lost answer: taken once
        ok = on_commit(found) is not False
        if found.nonce:
            ss[TAKEN] = [*taken, found.nonce][-TAKEN_KEPT:]
            acks[key] = (found.nonce, ok)

    ack, ok = acks.get(key, ("", True))
    _component()(
        key=key,
        data={**data, "key": key, "ack": ack, "ok": ok},
        on_commit_change=committed,
    )
