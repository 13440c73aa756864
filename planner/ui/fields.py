"""The input of one plan value: a number, name or month typed, a switch, a choice.

Each input shows its unit and allowed range (:mod:`planner.ui.entries`); a change is handed
to :func:`session.change`, which validates the whole plan.

Why nothing is written that nobody typed, and nothing typed is lost: typed values (numbers,
names, months) go through :mod:`planner.ui.live_input`, which keeps a person's typing whatever
arrives meanwhile and sends one commit, with the field version the typing began on, when the
input is left. Switches and choices are the same component's switch and choice: a flip or a
pick is one commit carrying the version the input showed, and a change by someone else updates
the input without rebuilding it (an open list stays open), so a click is never lost to a new
input. Every write is a compare-and-set on the version the person saw: a change someone made
since is a conflict, never overwritten. A commit of the text the input showed is no edit;
empty or malformed text is refused at the field and the stored value shown again.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from planner.plan.paths import get_value
from planner.plan.schema import Plan
from planner.privacy import PlanView
from planner.ui import collab, session, state
from planner.ui.entries import (
    FIELDS,
    EntryError,
    Field,
    choice_label,
    display_text,
    help_text,
    parse_entry,
    resting_text,
    title_of,
)
from planner.ui.live_input import ON, Commit, live_choice, live_input, live_switch
from planner.ui.text import label, problem_list, tr


def input_key(path: str) -> str:
    """Widget key of the switch or choice of ``path``: the field and the UI language, no
    version, so a change by someone else updates the input a person may be clicking instead
    of building a new one (a new language is a new input, with the options' new names)."""
    return f"{state.field_key(path)}@pick:{state.language()}"


def _resets() -> dict[str, int]:
    """Field path -> how often its input was set back to the stored value."""
    found: dict[str, int] = st.session_state.setdefault(state.FIELD_RESETS, {})
    return found


def _reset(path: str) -> None:
    """Show the stored value again in the input of ``path``."""
    resets = _resets()
    resets[path] = resets.get(path, 0) + 1


def _picked(path: str, commit: Commit) -> bool:
    """A person switched or chose in the input of ``path`` (a switch's commit is on or off)."""
    if FIELDS[path].kind == "flag":
        return _commit(path, commit.text == ON, commit.version, commit.showed == ON)
    return _commit(path, commit.text, commit.version, commit.showed)


def _commit(path: str, raw: Any, version: int, showed: Any) -> bool:
    """Write what a person entered for ``path`` against ``version``, the field's version when
    the input showed ``showed``; refuse it at the field when it is not a value of the field.
    False when it was not written (refused, a conflict, the database failed)."""
    spec = FIELDS[path]
    error_key = state.field_key(path)
    if raw == showed:
        return True  # the input reports what it was built with: nobody changed anything
    try:
        value = parse_entry(spec, raw)
    except EntryError as refusal:
        state.errors()[error_key] = [str(refusal)]
        _reset(path)
        return False
    if value == parse_entry(spec, showed):  # the same number typed differently
        state.errors().pop(error_key, None)
        _reset(path)
        return True
    if not session.change({path: value}, error_key, bases={path: version}):
        _reset(path)  # refused or overtaken: the input shows the stored value again
        return False
    return True


def field(path: str, plan: Plan, *, view: PlanView | None = None, locked: bool = False) -> None:
    """The input of one plan value, with its problems (if refused) right below it.

    ``view``: the side's view of the plan (a value hidden from it shows as private);
    ``locked``: shown read-only (a viewer, a frozen plan). An input whose field waits for this
    person's decision of a conflict is read-only until they decide.
    """
    spec = FIELDS[path]
    title = title_of(spec, plan)
    if view is not None and view.is_hidden(path):
        st.text_input(title, tr("field.private"), disabled=True, key=f"private:{path}")
        return
    version = session.field_version(path)
    value = _value(plan, spec)
    showed = display_text(spec, value)
    disabled = locked or path in collab.pending_paths()
    common: dict[str, Any] = {
        "version": version,
        "help": help_text(spec, plan),
        "disabled": disabled,
        "scope": session.plan_id() or "",
        "own": st.session_state.get(session.MINE, {}).get(path) == version,
        "unsaved": tr("field.unsaved"),
    }
    if spec.kind == "flag":
        live_switch(
            title,
            bool(showed),
            key=input_key(path),
            on_commit=lambda picked: _picked(path, picked),
            **common,
        )
    elif spec.kind == "choice":
        live_choice(
            title,
            str(showed),
            [(option, choice_label(path, option)) for option in spec.choices],
            key=input_key(path),
            on_commit=lambda picked: _picked(path, picked),
            **common,
        )
    else:
        live_input(
            title,
            str(showed),
            shown=_resting(spec, value, plan),
            key=f"{state.field_key(path)}@typed:{state.language()}",
            stamp=_resets().get(path, 0),
            on_commit=lambda typed: _commit(path, typed.text, typed.version, typed.showed),
            **common,
        )
    problems(state.field_key(path))


def _value(plan: Plan, spec: Field) -> Any:
    """The plan's value of the field; ``None`` for an optional value the plan leaves out."""
    try:
        return get_value(plan, spec.path)
    except KeyError:
        if spec.optional:
            return None
        raise


def _resting(spec: Field, value: Any, plan: Plan) -> str:
    if value is None and spec.default_path:
        default = FIELDS[spec.default_path]
        fallback = resting_text(default, get_value(plan, spec.default_path), plan.currency)
        return tr("field.as_default", value=fallback, field=label(spec.default_path))
    return resting_text(spec, value, plan.currency)


def problems(key: str) -> None:
    """The reasons an edit was refused, one line per problem with its plan path."""
    found = state.errors().get(key)
    if found:
        st.error(tr("refused") + "\n\n" + problem_list(found))
