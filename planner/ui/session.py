"""The plan in force and its edits: stored, versioned changes, undo/redo, cached results.

The vendor's workspace works on one stored plan at a time (:mod:`planner.store`). An edit never
changes the plan in place: :func:`change` sends ``{path: value}`` to ``Store.apply_edits`` with
the version of each field as this session last loaded it, attributed to the user's name and
side. The store validates the whole plan; a refused edit writes nothing, leaves the plan in
force untouched and records the problems under the widget that asked for it. An edit that
someone else overtook comes back as a conflict, shown with "keep mine / take theirs"
(:func:`planner.ui.choices.conflicts_panel`). Undo and redo are new changes that put the fields
of an earlier edit back, so they are in the change log like any edit.

Each run starts with :func:`attach`, which reloads the plan when its stored version moved (an
edit in another browser). Loading never writes and never touches an input: inputs show the new
values, and an input being typed into keeps its text until the person leaves it
(:mod:`planner.ui.fields`).

The one write path is :func:`change`: it runs only from a person's action (committing an
input, a button, keep mine, undo/redo), carries the field versions that person saw, and
needs a name and an access that may edit (the vendor's workspace or a live editor link).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import streamlit as st

from planner import editing
from planner.model import Outcome, evaluate
from planner.plan.schema import Plan, PlanError
from planner.plan.validation import with_values
from planner.store import EditResult, Side, Snapshot, Store, UnknownPlanError, database_url
from planner.store.faults import FAULTS, Fault, classify
from planner.ui import collab, library, push, refusals, state
from planner.ui.text import tr

log = logging.getLogger("planner.ui")

T = TypeVar("T")

PLAN_ID = "workspace.plan_id"
"""Id of the stored plan the session works on (``str``)."""
PLAN_VERSION = "workspace.plan_version"
"""The stored version of the plan in force (``int``)."""
UNDO = "workspace.undo"
"""This session's accepted edits, oldest first (``list[Step]``)."""
REDO = "workspace.redo"
"""Edits undone, the next redo last (``list[Step]``)."""
BEFORE = "workspace.before"
"""The plan before the last change in force, local or remote (``Plan | None``)."""
MINE = "workspace.mine"
"""Field path -> version of this session's last write to it (``dict[str, int]``): the base of
an undo, so that only someone else's later change makes it a conflict."""
UNDO_ERROR = "undo"
"""Error key of a refused undo or redo."""
SIDE: Side = "vendor"
"""The side of the vendor's workspace."""


@dataclass(frozen=True)
class Step:
    """One accepted edit of this session: the fields' values before and after it."""

    before: Mapping[str, Any]
    after: Mapping[str, Any]
    version: int
    """The plan version the edit (or its undo or redo) made."""
    seq: int
    """Change-log number of its first row (what an undo reverts)."""


def store() -> Store:
    return collab.store()


def plan_id() -> str | None:
    found: str | None = st.session_state.get(PLAN_ID)
    return found


# --- which plan, and keeping it current --------------------------------------------------------


OPEN_PARAM = "open"
"""Query parameter of the workspace's page address naming the plan it has open (an id, not an
identity): a reload or a restart of the server returns to that plan."""


def reopened() -> str | None:
    """The stored plan the page address names (``?open=ID``), if there is one."""
    found = st.query_params.get(OPEN_PARAM)
    if not isinstance(found, str) or not found or len(found) > 64:
        return None
    return found if store().exists(found) else None


def attach(wanted: str | None = None) -> None:
    """Open plan ``wanted`` (a join link's) or, on a workspace session's first run, the plan
    its address names (``?open=ID``: the one open before a reload or a restart), else the
    newest stored plan; later, take in changes that others made since this run's last load."""
    current = plan_id()
    if wanted is not None and current != wanted:
        open_stored(wanted, owner=False)
        return
    if current is None:
        open_stored(reopened() or library.plan_list(store())[0].id)
        return
    try:
        version = store().version(current)
    except UnknownPlanError:  # the database was replaced under the app
        st.session_state.pop(PLAN_ID, None)
        attach(wanted)
        return
    held: Snapshot | None = st.session_state.get(collab.SNAPSHOT)
    if version != st.session_state.get(PLAN_VERSION) or held is None or held.version != version:
        _show(store().snapshot(current), local=False)


def open_stored(new_id: str, *, owner: bool = True) -> None:
    """Work on the stored plan ``new_id`` (as its owner unless it came by link); its undo
    history starts empty."""
    ss = st.session_state
    fresh = store().snapshot(new_id)
    if owner:
        collab.open_as_owner(new_id)
    ss[PLAN_ID] = new_id
    ss[UNDO] = []
    ss[REDO] = []
    ss[state.PAST] = []
    ss[state.FUTURE] = []
    ss[MINE] = {}
    ss[collab.CONFLICTS] = []
    ss[state.ERRORS] = {}
    _show(fresh, local=True)
    ss[BEFORE] = None


def open_plan(plan: Plan, name: str = "") -> str:
    """Store ``plan`` as a new plan of the workspace and work on it; returns its id.

    ``name`` (a file name from the time plans were files) is not needed any more.
    """
    new_id = store().create_plan(plan, author=collab.display_name() or "?", side=SIDE)
    open_stored(new_id)
    return new_id


def _show(fresh: Snapshot, *, local: bool) -> None:
    """Make a loaded snapshot the plan in force (``local``: after this session's own edit)."""
    ss = st.session_state
    old: Plan | None = ss.get(state.PLAN)
    since = ss.get(PLAN_VERSION)
    if not local and since is not None and fresh.plan_id == plan_id():
        granted = collab.current_access()
        audience = granted.side if granted is not None else SIDE
        collab.announce_changes(fresh.plan_id, int(since), fresh.plan, audience)
    ss[collab.SNAPSHOT] = fresh
    ss[PLAN_VERSION] = fresh.version
    ss[state.PLAN_FILE] = library.file_name(fresh.plan.title)
    if old is fresh.plan:
        return
    ss[BEFORE] = old
    ss[state.PLAN] = fresh.plan
    ss[state.REVISION] = int(ss.get(state.REVISION, 0)) + 1


def field_version(path: str) -> int:
    """The version of ``path`` in the plan this run shows: the base of an edit made from it."""
    held: Snapshot | None = st.session_state.get(collab.SNAPSHOT)
    if held is None:  # a page run without the store: the session's own revision
        return int(st.session_state.get(state.REVISION, 0))
    return held.field_version(path)


# --- results of the plan in force --------------------------------------------------------------


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
    """Results of the plan before the last change (for the change shown next to each figure)."""
    ss = st.session_state
    revision = ss[state.REVISION]
    cached = ss.get(state.PREVIOUS)
    if cached is None or cached[0] != revision:
        before: Plan | None = ss.get(BEFORE)
        same_horizon = before is not None and before.months == state.plan_in_force().months
        cached = (revision, evaluate(before) if before is not None and same_horizon else None)
        ss[state.PREVIOUS] = cached
    result: Outcome | None = cached[1]
    return result


def memo(name: str, build: Callable[[], T]) -> T:
    """``build()`` once per plan revision and UI language (tables, chart specs of a page)."""
    ss = st.session_state
    key = (ss[state.REVISION], state.language())
    found: dict[str, tuple[Any, Any]] = ss.setdefault(state.MEMO, {})
    hit = found.get(name)
    if hit is None or hit[0] != key:
        hit = (key, build())
        found[name] = hit
    value: T = hit[1]
    return value


# --- edits -------------------------------------------------------------------------------------


def change(
    changes: Mapping[str, Any], error_key: str, bases: Mapping[str, int] | None = None
) -> bool:
    """Store ``{path: value}`` as one edit of the plan in force, each field based on the version
    in ``bases`` (the one its input showed) or else the one this run shows. On a refusal keep
    the plan and note why under ``error_key``; a conflict goes to the conflicts panel."""
    current = plan_id()
    if current is None:
        return _change_unstored(changes, error_key)
    bases = {path: (bases or {}).get(path) or field_version(path) for path in changes}
    edits = {path: (value, bases[path]) for path, value in changes.items()}
    granted = collab.current_access()  # the access of this moment, never one kept by a widget
    try:
        refusal = collab.write_refusal(granted)
        if refusal is not None:
            state.errors()[error_key] = [refusal]
            return False
        result = editing.apply_edits(store(), granted, current, edits, author=collab.display_name())
        push.watcher().poke()  # the other pages on this server: at once, not at the next tick
    except FAULTS as error:
        _hold(Pending(current, dict(changes), bases, error_key), error)
        return False
    if result.status == "conflict":
        collab.remember_starts(current, result.conflicts, bases)
    return _settle(result, error_key, undoable=True, changes=changes)


@dataclass(frozen=True)
class Pending:
    """An edit the database did not take: kept in the session until it is saved or dropped."""

    plan_id: str
    changes: Mapping[str, Any]
    bases: Mapping[str, int]
    """The version of each field the person saw (a retry is an edit of that version)."""
    error_key: str
    fault: Fault | None = None


def fault_of(error: BaseException) -> Fault:
    """What a store error means (the database the environment names)."""
    try:
        url = database_url()
    except FAULTS:
        url = ""
    return classify(error, url)


def _hold(pending: Pending, error: BaseException) -> None:
    """Keep an edit the database failed to take, and say so under its input."""
    fault = fault_of(error)
    log.error("the plan could not be saved (%s at %s): %s", fault.kind, fault.where, fault.detail)
    changes, bases = dict(pending.changes), dict(pending.bases)
    earlier = pending_change()
    if earlier is not None and earlier.plan_id == pending.plan_id:  # both are kept
        changes, bases = {**earlier.changes, **changes}, {**earlier.bases, **bases}
    st.session_state[state.PENDING] = Pending(
        pending.plan_id, changes, bases, pending.error_key, fault
    )
    state.errors()[pending.error_key] = [tr("fault.not_saved_here")]


def pending_change() -> Pending | None:
    """The edit waiting for the database, if any."""
    found: Pending | None = st.session_state.get(state.PENDING)
    return found


def retry() -> None:
    """Send the kept edit again, based on the versions the person saw (someone else's change
    since then makes it a conflict, as always)."""
    held = pending_change()
    if held is None:
        return
    if plan_id() != held.plan_id:  # another plan is open now: retry from there is no edit
        return
    st.session_state.pop(state.PENDING, None)
    if change(held.changes, held.error_key, held.bases):
        notify("fault.saved")


def discard() -> None:
    """Drop the kept edit."""
    held = st.session_state.pop(state.PENDING, None)
    if held is not None:
        state.errors().pop(held.error_key, None)


def commit(plan: Plan, error_key: str = "commit") -> bool:
    """Make ``plan`` the plan in force: one edit of every top-level part that differs."""
    current = state.plan_in_force()
    if plan == current:
        return True
    before, after = current.to_data(), plan.to_data()
    changes = {k: after.get(k) for k in {*before, *after} if before.get(k) != after.get(k)}
    return change(changes, error_key)


def _settle(
    result: EditResult,
    error_key: str,
    *,
    undoable: bool,
    changes: Mapping[str, Any] | None = None,
) -> bool:
    """Take in the outcome of this session's edit (``changes``, when it is one): the new plan,
    an error, or a conflict."""
    ss = st.session_state
    found = state.errors()
    if result.status in ("invalid", "refused"):
        plan = state.plan_in_force()
        found[error_key] = [refusals.problem_line(p, plan, changes) for p in result.problems] or [
            refusals.store_refusal(result.message, plan)
        ]
        return False
    found.pop(error_key, None)
    if result.status == "unchanged":
        return True
    if result.status == "conflict":
        collab.add_conflicts(result.conflicts)
        attach()  # show their value
        return False
    mine: dict[str, int] = ss.setdefault(MINE, {})
    for row in result.changes:
        mine[row.path] = row.version
    ss.setdefault(collab.OWN, set()).add(result.version)
    if undoable and result.changes:
        step = Step(
            before={c.path: c.old for c in result.changes},
            after={c.path: c.new for c in result.changes},
            version=result.version,
            seq=result.changes[0].seq,
        )
        ss[UNDO] = [*ss.get(UNDO, []), step][-state.UNDO_LIMIT :]
        ss[state.PAST] = [*ss.get(state.PAST, []), state.plan_in_force()][-state.UNDO_LIMIT :]
        ss[REDO] = []
        ss[state.FUTURE] = []
    _show(store().snapshot(str(plan_id())), local=True)
    found.clear()
    return True


def _change_unstored(changes: Mapping[str, Any], error_key: str) -> bool:
    """A page run without the workspace (no stored plan): validate and keep in the session."""
    found = state.errors()
    try:
        plan = with_values(state.plan_in_force(), changes)
    except PlanError as error:
        plan = state.plan_in_force()
        found[error_key] = [refusals.problem_line(p, plan, changes) for p in error.problems]
        return False
    found.pop(error_key, None)
    ss = st.session_state
    ss[BEFORE] = state.plan_in_force()
    ss[state.PLAN] = plan
    ss[state.REVISION] += 1
    return True


def _replay(step: Step, values: Mapping[str, Any]) -> EditResult:
    """Put ``values`` back as a new change that reverts ``step``; based on this session's last
    write of each field, so that only someone else's later change is a conflict."""
    mine: dict[str, int] = st.session_state.get(MINE, {})
    edits = {path: (value, mine.get(path, step.version)) for path, value in values.items()}
    granted = collab.current_access()
    refusal = collab.write_refusal(granted)
    if refusal is not None:
        return EditResult("refused", int(st.session_state.get(PLAN_VERSION, 0)), message=refusal)
    return editing.apply_edits(
        store(),
        granted,
        str(plan_id()),
        edits,
        author=collab.display_name(),
        kind="revert",
        reverts=step.seq,
    )


def _move(source: str, target: str, undoing: bool) -> None:
    ss = st.session_state
    steps: list[Step] = ss.get(source, [])
    if not steps or plan_id() is None:
        return
    step = steps[-1]
    try:
        result = _replay(step, step.before if undoing else step.after)
    except FAULTS as error:  # nothing written: the step stays where it was
        fault = fault_of(error)
        log.error("undo/redo not saved (%s at %s): %s", fault.kind, fault.where, fault.detail)
        state.errors()[UNDO_ERROR] = [tr("fault.undo_not_saved")]
        return
    ss[source] = steps[:-1]
    plans_key, other_key = (state.PAST, state.FUTURE) if undoing else (state.FUTURE, state.PAST)
    plans: list[Plan] = ss.get(plans_key, [])
    ss[plans_key] = plans[:-1]
    before = state.plan_in_force()
    if not _settle(result, UNDO_ERROR, undoable=False) or not result.changes:
        return
    ss[other_key] = [*ss.get(other_key, []), before][-state.UNDO_LIMIT :]
    moved = Step(step.before, step.after, result.version, result.changes[0].seq)
    ss[target] = [*ss.get(target, []), moved][-state.UNDO_LIMIT :]


def undo() -> None:
    """Put back the fields of this session's last edit (a new, attributed change)."""
    _move(UNDO, REDO, undoing=True)


def redo() -> None:
    """Reapply the edit last undone (a new, attributed change)."""
    _move(REDO, UNDO, undoing=False)


def can_undo() -> bool:
    return bool(st.session_state.get(UNDO))


def can_redo() -> bool:
    return bool(st.session_state.get(REDO))


# --- inputs and notices ------------------------------------------------------------------------


def notify(key: str, **values: Any) -> None:
    """Show a confirmation on the next run."""
    st.session_state[state.NOTICE] = (key, values)
