"""The change history of a shared plan: who changed what, its effect, revert, compare, notes.

Everything shown is the session side's view: values private to the other side are masked and
the vendor's economics appear only where the vendor shares them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd
import streamlit as st

from planner import catalogue, editing, i18n, privacy
from planner.access import Access
from planner.model import evaluate
from planner.plan.schema import Plan
from planner.store import Change
from planner.ui import clicks, collab, refusals, state, wording
from planner.ui.text import plain

SHOWN = 200
"""Newest change-log rows listed (older ones stay in the database and the chain)."""
SIDES = ("vendor", "partner")


@lru_cache(maxsize=512)
def _npv(plan_id: str, version: int) -> tuple[float | None, float | None]:
    """Partner and vendor NPV of one stored version (versions never change)."""
    plan = collab.store().plan_at(plan_id, version)
    kpis = evaluate(plan).kpis
    return kpis["partner"]["npv"], kpis["vendor"]["npv"]


def _delta(after: float | None, before: float | None, plan: Plan) -> str:
    if after is None or before is None:
        return i18n.MISSING
    diff = after - before
    sign = "+" if diff > 0 else ""
    return sign + i18n.money(diff, plan.currency, state.language())


# the words for paths, values and changes live in planner/ui/wording.py (below collab)
ITEM_NAMES = wording.ITEM_NAMES
COLUMN_TEXTS = wording.COLUMN_TEXTS
value_text = wording.value_text
path_text = wording.path_text
story = wording.story
list_story = wording.list_story


def history_table(granted: Access, plan: Plan, log: list[Change]) -> pd.DataFrame:
    """The story of the plan: one row per thing changed (a table edit gives a row per cell
    changed, row added or removed), with time, person, side, before, after and NPV effect."""
    effects = [collab.tx("col.partner_npv")]  # NPV effects: the partner's, the vendor's
    if privacy.sees_vendor_economics(plan, granted.side):
        effects.append(collab.tx("col.vendor_npv"))
    rows = []
    for change in log:
        # the plan's creation has nothing before it: empty cells (a missing key read "None")
        effect = dict.fromkeys(effects, "")
        if change.version > 1:
            after = _npv(change.plan_id, change.version)
            before = _npv(change.plan_id, change.version - 1)
            for column, npv_after, npv_before in zip(effects, after, before, strict=False):
                effect[column] = _delta(npv_after, npv_before, plan)
        for what, old, new in story(change, plan) or [(collab.field_label(change.path), "", "")]:
            rows.append(
                {
                    "#": change.seq,
                    collab.tx("col.time"): _local_time(change.at),
                    collab.tx("col.person"): change.author,
                    collab.tx("col.side"): collab.tx(f"side.{change.side}"),
                    collab.tx("col.field"): what,
                    collab.tx("col.old"): old,
                    collab.tx("col.new"): new,
                    **effect,
                }
            )
    return pd.DataFrame(rows)


def _local_time(at: Any) -> str:
    """A stored time (UTC) in the server's local time zone, as the UI language writes it."""
    return i18n.date_time(at.astimezone(), state.language())


def render(granted: Access, *, heading: bool = True) -> None:
    """The history page body for a session with access to a shared plan."""
    store = collab.store()
    held = collab.snapshot(granted)
    plan = held.plan
    side = granted.side
    log = privacy.visible_log(plan, store.log(granted.plan_id), side)[-SHOWN:]
    if heading:
        st.subheader(collab.tx("history"))
    check = store.verify_chain(granted.plan_id)
    if check.ok:
        st.caption(collab.tx("chain_ok", entries=check.entries, plural=check.entries))
    else:
        st.error(collab.tx("chain_broken") + "\n\n" + "\n".join(check.problems))

    sides = st.multiselect(
        collab.tx("filter_side"),
        list(SIDES),
        key="history.sides",
        select_all=False,  # its label is Streamlit's English
        placeholder=collab.tx("choose"),
        format_func={s: collab.tx(f"side.{s}") for s in SIDES}.__getitem__,
    )
    people = st.multiselect(
        collab.tx("filter_person"),
        sorted({c.author for c in log}),
        key="history.people",
        select_all=False,  # its label is Streamlit's English
        placeholder=collab.tx("choose"),
    )
    needle = st.text_input(collab.tx("filter_field"), key="history.field").strip().lower()
    chosen = [
        c
        for c in log
        if (not sides or c.side in sides)
        and (not people or c.author in people)
        and (not needle or needle in c.path.lower() or needle in collab.field_label(c.path).lower())
    ]
    st.dataframe(history_table(granted, plan, chosen[::-1]), hide_index=True, width="stretch")

    if granted.can_edit:
        revertible = [c.seq for c in chosen if c.path]
        if revertible:
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            seq = left.selectbox(collab.tx("revert_which"), revertible[::-1], key="history.revert")
            if clicks.button(
                right, collab.tx("revert"), REVERT, icon=":material/undo:"
            ) and _revert(granted, plan, int(seq)):
                st.rerun()
            clicks.show_answer(st, REVERT)

    compare(granted, plan, held.version)
    notes(granted, plan)


def compare(granted: Access, plan: Plan, latest: int) -> None:
    """Two versions side by side: every field that differs."""
    st.subheader(collab.tx("compare"))
    left, right = st.columns(2)
    a = left.number_input(
        collab.tx("version_a"), 1, latest, max(1, latest - 1), key="history.version_a"
    )
    b = right.number_input(collab.tx("version_b"), 1, latest, latest, key="history.version_b")
    store = collab.store()
    before = store.plan_at(granted.plan_id, int(a)).to_data()
    after = store.plan_at(granted.plan_id, int(b)).to_data()
    shown = privacy.visible_differences(plan, before, after, granted.side)
    if not shown:
        st.caption(collab.tx("no_differences"))
        return
    table = pd.DataFrame(
        {
            collab.tx("col.field"): [path_text(d.path, plan) for d in shown],
            collab.tx("version_n", n=int(a)): [value_text(d.path, d.before, plan) for d in shown],
            collab.tx("version_n", n=int(b)): [value_text(d.path, d.after, plan) for d in shown],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")


NOTES_STORED = "history.notes_stored"
"""How many notes this session stored (part of the note box's key)."""
REVERT = "history.revert_go"
ADD_NOTE = "history.add_note"


def notes(granted: Access, plan: Plan) -> None:
    """Rationale notes on assumptions: list, and add one (editors)."""
    st.subheader(collab.tx("notes"))
    store = collab.store()
    visible = privacy.visible_notes(plan, store.notes(granted.plan_id), granted.side)
    for note in visible:
        st.markdown(f"**{collab._plain(collab.field_label(note.path))}**")
        st.caption(
            f"{collab._plain(note.author)} · {collab.tx('side.' + note.side)} · "
            f"{_local_time(note.at)}"
        )
        st.text(note.body)
    if not granted.can_edit:
        return
    shown = privacy.view(plan, granted.side)
    paths = [p for p in NOTE_PATHS if not shown.is_hidden(p)]
    path = st.selectbox(
        collab.tx("note_field"),
        paths,
        key="history.note_path",
        # labels fixed at render time: the widget may format its options outside this run
        format_func={p: collab.field_label(p) for p in paths}.__getitem__,
    )
    # keyed by how many notes this session stored: a stored note empties the box, so its text
    # is not there to be stored a second time
    stored = int(st.session_state.get(NOTES_STORED, 0))
    body = st.text_area(collab.tx("note_text"), key=f"history.note_body.{stored}", max_chars=1000)
    if clicks.button(
        st, collab.tx("add_note"), ADD_NOTE, icon=":material/sticky_note_2:"
    ) and _add_note(granted, plan, path, body):
        st.session_state[NOTES_STORED] = stored + 1
        st.rerun()
    clicks.show_answer(st, ADD_NOTE)


def _revert(granted: Access, plan: Plan, seq: int) -> bool:
    """Revert change ``seq``; a refusal or conflict answers the click. True when stored."""
    refusal = collab.write_refusal(granted)
    if refusal is not None:
        clicks.answer(REVERT, "error", refusal)
        return False
    result = editing.revert(
        collab.store(),
        collab.current_access(),
        granted.plan_id,
        seq,
        author=collab.display_name(),
    )
    if result.status == "conflict":
        conflict = collab.conflict_text(result.conflicts[0], plan)
        said = collab.tx("not_reverted", seq=seq, conflict=conflict)
        clicks.answer(REVERT, "warning", collab._plain(said))
    elif not result.ok:
        lines = [refusals.problem_line(p, plan) for p in result.problems]
        said = refusals.store_refusal(result.message, plan) or "; ".join(lines)
        clicks.answer(REVERT, "error", plain(said))
    return result.ok


def _add_note(granted: Access, plan: Plan, path: str, body: str) -> bool:
    """Store a note on ``path``; a refusal answers the click. True when stored."""
    refusal = collab.write_refusal(granted)
    if refusal is not None:
        clicks.answer(ADD_NOTE, "error", refusal)
        return False
    try:
        editing.add_note(
            collab.store(),
            collab.current_access(),
            granted.plan_id,
            path,
            body,
            author=collab.display_name(),
        )
    except editing.AccessRefusedError as refused:
        clicks.answer(ADD_NOTE, "error", collab.tx(refused.key))
    except (ValueError, PermissionError) as error:
        clicks.answer(ADD_NOTE, "error", plain(refusals.store_refusal(str(error), plan)))
    else:
        return True
    return False


NOTE_PATHS: tuple[str, ...] = (
    *(path for path in catalogue.modelled_scalars() if path != "revenue.subscription"),
    "investments",
    "resources",
)
"""Assumptions a note can be attached to from this page."""
