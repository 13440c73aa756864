"""The input of one plan value: a number, name or month typed, a switch, a choice.

Each input shows its unit and allowed range (:mod:`planner.ui.entries`); a change is handed
to :func:`session.change`, which validates the whole plan.

Why nothing is written that nobody typed, and nothing typed is lost: typed values (numbers,
names, months) go through :mod:`planner.ui.live_input`, which keeps a person's typing whatever
arrives meanwhile and sends one commit, with the field version the typing began on, when the
input is left. Switches and choices are committed by the click itself; their inputs are keyed
by the version of the field they show, with their value as the widget's own default (never set
through the session state), so a change by someone else builds a new input and a browser's
report of an old one reaches a key nobody listens to. Every write is a compare-and-set on the
version the person saw: a change someone made since is a conflict, never overwritten. A
commit of the text the input showed is no edit; empty or malformed text is refused at the
field and the stored value shown again.
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
from planner.ui.live_input import live_input
from planner.ui.text import label, problem_list, tr


def input_key(path: str, version: int) -> str:
    """Widget key of the switch or choice of ``path`` showing the field at ``version``.

    The language and the field's reset count are part of it: a new key is a new input that
    shows the stored value (after a language switch, or a refused entry).
    """
    return f"{state.field_key(path)}@{version}:{state.language()}:{_resets().get(path, 0)}"


def _resets() -> dict[str, int]:
    """Field path -> how often its input was set back to the stored value."""
    found: dict[str, int] = st.session_state.setdefault(state.FIELD_RESETS, {})
    return found


def _reset(path: str) -> None:
    """Show the stored value again in the input of ``path``."""
    resets = _resets()
    resets[path] = resets.get(path, 0) + 1


def _on_field(path: str, key: str, version: int, showed: Any) -> None:
    """A person switched or chose in the input of ``path`` that showed ``showed`` at
    ``version``."""
    _commit(path, st.session_state.get(key, showed), version, showed)


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
    key = input_key(path, version)
    value = _value(plan, spec)
    showed = display_text(spec, value)
    disabled = locked or path in collab.pending_paths()
    common: dict[str, Any] = {
        "key": key,
        "help": help_text(spec, plan),
        "on_change": _on_field,
        "args": (path, key, version, showed),
        "disabled": disabled,
    }
    if spec.kind == "flag":
        st.toggle(title, value=bool(showed), **common)
    elif spec.kind == "choice":
        st.selectbox(
            title,
            spec.choices,
            index=spec.choices.index(showed),
            format_func=lambda o: choice_label(path, o),
            **common,
        )
    else:
        live_input(
            title,
            str(showed),
            shown=_resting(spec, value, plan),
            key=f"{state.field_key(path)}@typed:{state.language()}",
            version=version,
            stamp=_resets().get(path, 0),
            help=common["help"],
            disabled=disabled,
            on_commit=lambda typed: _commit(path, typed.text, typed.version, typed.showed),
            scope=session.plan_id() or "",
            own=st.session_state.get(session.MINE, {}).get(path) == version,
            unsaved=tr("field.unsaved"),
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
