"""The choices on a shared plan that commit through the session: "keep mine" or "take theirs"
on an edit someone else overtook, and the vendor's switch to share its economics.

They sit above :mod:`planner.ui.collab` (what the session knows of the shared plan) and
:mod:`planner.ui.session` (the one write path), which import nothing from here.
"""

from __future__ import annotations

import streamlit as st

from planner import privacy
from planner.access import Access
from planner.plan.schema import MONTH_KEYED, Plan
from planner.store import Conflict
from planner.ui import collab, session, state, wording
from planner.ui.live_input import ON, Commit, live_switch
from planner.ui.text import plain, problem_list, tr


def _resolve(path: str, version: int, keep_mine: bool) -> None:
    """A person decides a conflict: keep mine writes their value, based on the version that
    overtook it (a further change by someone else is a new conflict); take theirs writes
    nothing. Keep mine of a list re-applies only the rows the person added or deleted, of the
    actuals only the cells they changed. A conflict already decided is left alone."""
    pending: list[Conflict] = st.session_state.get(collab.CONFLICTS, [])
    found = [c for c in pending if (c.path, c.version) == (path, version)]
    if not found:
        return
    conflict = found[0]
    st.session_state[collab.CONFLICTS] = [c for c in pending if c is not conflict]
    start = st.session_state.get(collab.STARTS, {}).pop((path, version), None)
    if not keep_mine or (path, version) in st.session_state.get(collab.MOVED, set()):
        return
    value = conflict.yours
    left: list[str] = []
    rows = isinstance(start, list) and isinstance(value, list)
    if rows and path in MONTH_KEYED and isinstance(conflict.theirs, list):
        value = collab.rebase_months(start, value, conflict.theirs)  # cells, by plan month
    elif rows and isinstance(conflict.theirs, list):
        value = collab.rebase_rows(start, value, conflict.theirs)
        deleted, _ = collab.row_changes(start, conflict.yours)
        left = [
            wording.item_text(conflict.path, row, start.index(row))
            for row in deleted
            if row not in conflict.theirs
        ]
    session.change(
        {conflict.path: value},
        state.field_key(conflict.path),
        bases={conflict.path: conflict.version},
    )
    if left:  # changed or deleted by the other side meanwhile: not the rows this person deleted
        state.errors()[state.EDITOR_PREFIX + conflict.path] = [
            wording.tx("rows_left", rows=", ".join(left))
        ]


DRAWN = "collab.conflicts_drawn"
"""The conflicts the panel drew in this run (``(path, version)`` of each)."""


def _drawn(conflicts: list[Conflict]) -> list[tuple[str, int]]:
    return [(c.path, c.version) for c in conflicts]


def show_late_conflicts() -> None:
    """At the end of a run: a conflict that arose after the panel was drawn (a button's
    action in the page below it, such as the actuals' Save) is shown by a run at once, not
    at the next change someone makes."""
    drawn = st.session_state.pop(DRAWN, None)
    if drawn is not None and drawn != _drawn(st.session_state.get(collab.CONFLICTS, [])):
        st.rerun()


def conflicts_panel(plan: Plan) -> None:
    """Every edit that someone else overtook, with "keep mine" and "take theirs"."""
    st.session_state[DRAWN] = _drawn(st.session_state.get(collab.CONFLICTS, []))
    for conflict in st.session_state.get(collab.CONFLICTS, []):
        with st.container(border=True):
            st.warning(plain(collab.conflict_text(conflict, plan)), icon=":material/sync_problem:")
            st.caption(plain(collab.yours_text(conflict, plan)))
            moved = (conflict.path, conflict.version) in st.session_state.get(collab.MOVED, set())
            if moved:
                st.caption(collab.tx("rows_moved"))
            mine = collab.own(conflict)
            for column, keep_mine in zip(st.columns(2), (True, False), strict=True):
                name = "keep_mine" if keep_mine else "take_theirs"
                column.button(
                    collab.tx(name + ("_own" if mine else "")),
                    key=collab.decision_key(conflict, keep_mine),
                    on_click=_resolve,
                    args=(conflict.path, conflict.version, keep_mine),
                    disabled=keep_mine and moved,
                )


def economics_toggle(granted: Access, plan: Plan) -> None:
    """The vendor decides whether the partner sees the vendor's economics.

    The switch is one deliberate commit (:func:`planner.ui.live_input.live_switch`): its flip
    carries the version of the setting the person saw, and a change by someone else (another
    tab, an undo) updates the switch without rebuilding it, so a click is never lost to a new
    switch and a rerun never writes."""
    if granted.side != "vendor":
        return
    version = session.field_version(collab.SHARE_PATH)
    live_switch(
        collab.tx("share_economics"),
        privacy.shares_economics(plan),
        key=f"{collab.SHARE_KEY}@pick:{state.language()}",
        version=version,
        on_commit=_share,
        disabled=collab.SHARE_PATH in collab.pending_paths(),
        scope=session.plan_id() or "",
        own=st.session_state.get(session.MINE, {}).get(collab.SHARE_PATH) == version,
        unsaved=tr("field.unsaved"),
    )
    st.caption(collab.tx("share_economics_help"))
    found = state.errors().get(collab.SHARE_KEY)
    if found:
        st.error(problem_list(found))


def _share(flip: Commit) -> bool:
    """A person flipped the sharing switch that showed ``flip.showed`` at ``flip.version``."""
    wanted = flip.text == ON
    if wanted == (flip.showed == ON):
        return True  # the switch reports what it was built with: nobody clicked
    edits = privacy.sharing_edits(state.plan_in_force(), wanted)
    return session.change(edits, collab.SHARE_KEY, bases=dict.fromkeys(edits, flip.version))
