"""The plan in force and its edits: validated changes, undo/redo, saving, cached results.

An edit never changes the plan in place: it builds a new plan with ``plan.with_values``, which
validates the whole plan. A refused edit leaves the plan in force untouched and records the
problems under the widget that asked for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import streamlit as st

from planner.model import Outcome, evaluate
from planner.plan import Plan, PlanError, with_values
from planner.ui import library, state

T = TypeVar("T")


def outcome() -> Outcome:
    """Key figures and tables of the plan in force, computed once per revision."""
    ss = st.session_state
    revision = ss[state.REVISION]
    cached = ss.get(state.OUTCOME)
    if cached is None or cached[0] != revision:
        cached = (revision, evaluate(state.plan_in_force()))
        ss[state.OUTCOME] = cached
    result: Outcome = cached[1]
    return result


def previous_outcome() -> Outcome | None:
    """Results of the plan before the last edit (for the change shown next to each figure)."""
    ss = st.session_state
    revision = ss[state.REVISION]
    cached = ss.get(state.PREVIOUS)
    if cached is None or cached[0] != revision:
        past: list[Plan] = ss[state.PAST]
        before = past[-1] if past else None
        same_horizon = before is not None and before.months == state.plan_in_force().months
        cached = (revision, evaluate(before) if before is not None and same_horizon else None)
        ss[state.PREVIOUS] = cached
    result: Outcome | None = cached[1]
    return result


def memo(name: str, build: Callable[[], T]) -> T:
    """``build()`` once per plan revision and UI language (tables, chart specs of a page)."""
    ss = st.session_state
    key = (ss[state.REVISION], state.language())
    store: dict[str, tuple[Any, Any]] = ss.setdefault(state.MEMO, {})
    hit = store.get(name)
    if hit is None or hit[0] != key:
        hit = (key, build())
        store[name] = hit
    value: T = hit[1]
    return value


def _put(plan: Plan) -> None:
    ss = st.session_state
    ss[state.PLAN] = plan
    ss[state.REVISION] += 1
    ss[state.ERRORS] = {}
    library.store(plan, ss[state.PLAN_FILE])


def commit(plan: Plan) -> None:
    """Make ``plan`` the plan in force, keeping the one before it for undo."""
    ss = st.session_state
    current = state.plan_in_force()
    if plan == current:
        return
    past: list[Plan] = ss[state.PAST]
    ss[state.PAST] = [*past, current][-state.UNDO_LIMIT :]
    ss[state.FUTURE] = []
    _put(plan)


def change(changes: Mapping[str, Any], error_key: str) -> bool:
    """Apply ``{path: value}`` to the plan in force; on a bad value keep it and note why."""
    found = state.errors()
    try:
        plan = with_values(state.plan_in_force(), changes)
    except PlanError as error:
        found[error_key] = [str(problem) for problem in error.problems]
        return False
    found.pop(error_key, None)
    commit(plan)
    return True


def undo() -> None:
    """Go back to the plan before the last edit."""
    ss = st.session_state
    past: list[Plan] = ss[state.PAST]
    if past:
        ss[state.FUTURE] = [*ss[state.FUTURE], state.plan_in_force()]
        ss[state.PAST] = past[:-1]
        _put(past[-1])


def redo() -> None:
    """Reapply the edit last undone."""
    ss = st.session_state
    future: list[Plan] = ss[state.FUTURE]
    if future:
        ss[state.PAST] = [*ss[state.PAST], state.plan_in_force()][-state.UNDO_LIMIT :]
        ss[state.FUTURE] = future[:-1]
        _put(future[-1])


def open_plan(plan: Plan, name: str) -> None:
    """Work on another plan (saved under ``name``); its own history starts empty."""
    ss = st.session_state
    ss[state.PLAN_FILE] = name
    ss[state.PAST] = []
    ss[state.FUTURE] = []
    _put(plan)


def sync_fields() -> None:
    """After a plan change or a language switch, let every input show the plan's value again."""
    ss = st.session_state
    relabelled = ss.get(state.SYNCED_LANGUAGE) != state.language()
    if ss[state.SYNCED] == ss[state.REVISION] and not relabelled:
        return
    # Choice widgets keep their value by its label: after a language switch they start afresh.
    for key in list(ss.keys()):
        if isinstance(key, str) and (key.startswith(state.FIELD_PREFIX) or key == state.NEW_KIND):
            del ss[key]
    ss[state.SYNCED] = ss[state.REVISION]
    ss[state.SYNCED_LANGUAGE] = state.language()


def notify(key: str, **values: Any) -> None:
    """Show a confirmation on the next run."""
    st.session_state[state.NOTICE] = (key, values)
