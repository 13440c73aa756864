"""Term proposals on screen: what is on the table, its effect on both sides, and the answers.

The steps themselves live in :mod:`planner.proposals` (which refuses what a side may not do);
this module shows them in the session side's view: the key figures before and after a
proposal are those this side may see, and the values proposed are visible to both sides by
construction (:func:`planner.proposals.check_changes`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from planner import editing, i18n, privacy, proposals
from planner.access import Access
from planner.analysis.drivers import driver, drivers
from planner.model import evaluate_many
from planner.plan.paths import get_value
from planner.plan.schema import Plan, PlanError
from planner.plan.validation import with_values
from planner.proposals import Proposal, ProposalError
from planner.ui import clicks, collab, entries, history, state, viewer
from planner.ui.text import figure, label, plain, tr

CHOSEN = "proposals.paths"
REASON = "proposals.reason"
VALUE = "proposals.value:"
COUNTERING = "proposals.countering"
MESSAGE = "proposals.message"
REJECT_REASON = "proposals.reject_reason:"
SEEN = "proposals.seen"
"""Per field of the form: the text its input was given and the field's version then (``dict[str,
tuple[str, int]]``); a proposal is based on these versions."""
REFRESH = "proposals.refresh"
"""Fields whose inputs take the plan's value at the next run (``list[str]``): a proposal was
refused because they changed, and the person had not typed in them."""
EFFECT_FIGURES: dict[str, tuple[str, ...]] = {
    "partner": ("npv", "irr", "payback_month", "peak_funding"),
    "vendor": ("npv", "irr", "payback_month"),
}
"""The key figures a proposal's effect is shown in, per side."""


def _author() -> str:
    return collab.display_name() or tr("proposals.someone")


def proposable_paths(plan: Plan, side: str) -> list[str]:
    """The numeric values this side may propose: visible to both sides, not the other side's
    own terms (its hurdles, the vendor's rate)."""
    other = "vendor" if side == "partner" else "partner"
    return [
        d.path
        for d in drivers(plan)
        if privacy.may_write(plan, d.path, side)
        and privacy.may_write(plan, d.path, other)
        and privacy.owner_of(d.path) in (None, side)
    ]


def _shown(path: str, value: Any) -> str:
    """A value as its input shows it (German ``4,5`` for a share of 4.5 %)."""
    spec = entries.Field(path, entries.kind_of(path))
    return str(entries.display_text(spec, value))


# --- the effect of a proposal --------------------------------------------------------------


def effect_table(plan: Plan, changes: dict[str, Any]) -> pd.DataFrame | None:
    """Both sides' key figures now and with the proposal, as this side may see them (None
    when the proposal no longer makes a valid plan)."""
    try:
        after = with_values(plan, changes)
    except PlanError:
        return None
    now, then = evaluate_many([plan, after])
    who = viewer.current()
    seen_now = who.figures(plan, now.kpis)
    seen_then = who.figures(plan, then.kpis)
    rows = []
    for side, names in EFFECT_FIGURES.items():
        for name in names:
            if name not in seen_now.get(side, {}):
                continue
            rows.append(
                {
                    tr("proposals.figure"): f"{label(side)} · {label(name)}",
                    tr("proposals.now"): figure(name, seen_now[side][name], plan),
                    tr("proposals.with"): figure(name, seen_then[side][name], after),
                }
            )
    if "mutual" in seen_now:
        yes, no = collab.tx("yes"), collab.tx("no")
        rows.append(
            {
                tr("proposals.figure"): label("mutual"),
                tr("proposals.now"): yes if seen_now["mutual"] else no,
                tr("proposals.with"): yes if seen_then["mutual"] else no,
            }
        )
    return pd.DataFrame(rows)


def changes_table(plan: Plan, changes: dict[str, Any]) -> pd.DataFrame:
    """Each proposed value next to the plan's, both as this side may see them."""
    return pd.DataFrame(
        [
            {
                tr("proposals.field"): history.path_text(path, plan),
                tr("proposals.now"): history.value_text(path, _current(plan, path), plan),
                tr("proposals.proposed"): history.value_text(path, value, plan),
            }
            for path, value in changes.items()
        ]
    )


def _current(plan: Plan, path: str) -> Any:
    """The plan's value at ``path`` as this side may see it (:data:`privacy.PRIVATE`)."""
    if viewer.current().view(plan).is_hidden(path):
        return privacy.PRIVATE
    try:
        return get_value(plan, path)
    except KeyError:
        return None


def _seen(proposal: Proposal, plan: Plan) -> Proposal:
    return proposals.as_seen(proposal, plan, viewer.current().side)


# --- open proposals ------------------------------------------------------------------------


def banner(granted: Access) -> None:
    """How many proposals wait, for every page's sidebar (nothing when none)."""
    waiting = proposals.open_ones(collab.store(), granted.plan_id)
    if waiting:
        theirs = sum(1 for p in waiting if p.side != granted.side)
        st.page_link(
            "planner/ui/pages/proposals.py",
            label=tr("proposals.waiting", count=len(waiting), theirs=theirs),
            icon=":material/handshake:",
        )


def render(granted: Access, plan: Plan) -> None:
    """The proposals page body."""
    message = st.session_state.pop(MESSAGE, None)
    if message:
        st.error(plain(message), icon=":material/block:")
    store = collab.store()
    everything = [_seen(p, plan) for p in proposals.all_of(store, granted.plan_id)]
    waiting = [p for p in everything if p.open]
    st.subheader(tr("proposals.open", count=len(waiting)))
    if not waiting:
        st.caption(tr("proposals.none_open"))
    for proposal in reversed(waiting):
        _open_card(granted, plan, proposal)
    if granted.can_edit:
        _new_form(granted, plan, everything)
    decided = [p for p in everything if not p.open]
    if decided:
        st.subheader(tr("proposals.decided"))
        for proposal in reversed(decided):
            st.markdown(outcome_line(proposal, plan))


def negotiation(granted: Access, plan: Plan) -> None:
    """Every proposal and its outcome, newest first, for the history page."""
    everything = [_seen(p, plan) for p in proposals.all_of(collab.store(), granted.plan_id)]
    if not everything:
        return
    st.subheader(tr("proposals.history"))
    for proposal in reversed(everything):
        if proposal.open:
            what = "; ".join(
                f"{history.path_text(p, plan)} → {history.value_text(p, v, plan)}"
                for p, v in proposal.changes.items()
            )
            st.markdown(
                "- "
                + tr(
                    "proposals.outcome.open",
                    number=proposal.id,
                    who=_who(proposal),
                    what=plain(what),
                )
            )
        else:
            st.markdown(outcome_line(proposal, plan))


def refusal_text(error: ProposalError) -> str:
    """Why a proposal step was refused, in the UI language (plan paths as labels)."""
    plan = state.plan_in_force()
    params = dict(error.params)
    if "path" in params:
        params["path"] = history.path_text(str(params["path"]), plan)
    if "paths" in params:  # every field named, as the form labels it
        params["path"] = ", ".join(history.path_text(str(p), plan) for p in params.pop("paths"))
    if "side" in params:
        params["side"] = collab.tx(f"side.{params['side']}")
    key = f"ui.proposals.error.{error.key}"
    if key not in i18n.catalog():
        return str(error)
    return tr(f"proposals.error.{error.key}", **params)


def _who(proposal: Proposal) -> str:
    return f"{plain(proposal.author)} ({collab.tx('side.' + proposal.side)})"


def outcome_line(proposal: Proposal, plan: Plan) -> str:
    """One line of a decided proposal: who proposed what, who decided how, and why."""
    what = "; ".join(
        f"{history.path_text(p, plan)} → {history.value_text(p, v, plan)}"
        for p, v in proposal.changes.items()
    )
    decided = plain(proposal.decided_by or "")
    when = i18n.date_time(proposal.decided_at, state.language()) if proposal.decided_at else ""
    text = tr(
        f"proposals.outcome.{proposal.status}",
        number=proposal.id,
        who=_who(proposal),
        what=plain(what),
        by=decided,
        when=when,
    )
    if proposal.decision_reason and proposal.status == "rejected":
        text += " " + tr("proposals.because", reason=plain(proposal.decision_reason))
    return "- " + text


def _open_card(granted: Access, plan: Plan, proposal: Proposal) -> None:
    with st.container(border=True, key=f"proposal_{proposal.id}"):
        title = tr("proposals.card", number=proposal.id, who=_who(proposal))
        if proposal.counter_of is not None:
            title += " " + tr("proposals.counters", number=proposal.counter_of)
        st.markdown(f"**{title}**")
        st.markdown(tr("proposals.reason_is", reason=plain(proposal.reason)))
        changes = dict(proposal.changes)
        st.dataframe(
            changes_table(plan, changes), hide_index=True, key=f"proposal_changes_{proposal.id}"
        )
        # the effect of a value hidden from this side would tell the value: not shown
        hidden = any(value is privacy.PRIVATE for value in changes.values())
        effect = None if hidden else effect_table(plan, changes)
        if effect is not None:
            st.dataframe(effect, hide_index=True, key=f"proposal_effect_{proposal.id}")
        elif hidden:
            st.caption(tr("proposals.effect_private"))
        else:
            st.warning(tr("proposals.no_longer_valid"), icon=":material/warning:")
        if not granted.can_edit:
            return
        # every decision is the button's callback: it runs before the page, so the click
        # cannot be lost to a run that another person's change starts while this one draws
        if proposal.side == granted.side:
            st.button(
                tr("proposals.withdraw"),
                key=f"proposal_withdraw_{proposal.id}",
                on_click=_step,
                args=(proposals.withdraw, granted, proposal.id),
            )
            return
        accept, counter, reject = st.columns(3)
        accept.button(
            tr("proposals.accept"),
            key=f"proposal_accept_{proposal.id}",
            type="primary",
            on_click=_accept,
            args=(granted, proposal),
        )
        counter.button(
            tr("proposals.counter"),
            key=f"proposal_counter_{proposal.id}",
            on_click=_prefill,
            args=(proposal,),
        )
        with reject:
            reason_key = f"{REJECT_REASON}{proposal.id}"
            st.text_input(tr("proposals.reject_reason"), key=reason_key, max_chars=1000)
            st.button(
                tr("proposals.reject"),
                key=f"proposal_reject_{proposal.id}",
                on_click=_step,
                args=(proposals.reject, granted, proposal.id, reason_key),
            )


def _refused(granted: Access) -> bool:
    """Whether this session's access may not write now (a viewer, a revoked link): then say
    so, and nothing is proposed or decided."""
    found = editing.refusal(collab.store(), collab.current_access(), granted.plan_id)
    if found is not None:
        st.session_state[MESSAGE] = collab.tx(found)
    return found is not None


def _step(action: Any, granted: Access, proposal_id: int, reason_key: str = "") -> None:
    """Withdraw or reject a proposal (a button's callback); with ``reason_key``, the reason
    typed into that input goes with it."""
    if _refused(granted):
        return
    values = {"reason": str(st.session_state.get(reason_key, ""))} if reason_key else {}
    try:
        action(
            collab.store(),
            granted.plan_id,
            proposal_id,
            author=_author(),
            side=granted.side,
            invite=granted.invite_id,
            **values,
        )
    except ProposalError as error:
        st.session_state[MESSAGE] = refusal_text(error)


def _accept(granted: Access, proposal: Proposal) -> None:
    """Accept a proposal (a button's callback): its changes are written as one edit; those a
    later change overtook are named."""
    if _refused(granted):
        return
    try:
        done = proposals.accept(
            collab.store(),
            granted.plan_id,
            proposal.id,
            author=_author(),
            side=granted.side,
            invite=granted.invite_id,
        )
    except ProposalError as error:
        st.session_state[MESSAGE] = refusal_text(error)
        return
    if done.conflicts:
        plan = collab.snapshot(granted).plan
        names = ", ".join(history.path_text(c.path, plan) for c in done.conflicts)
        st.session_state[MESSAGE] = tr("proposals.conflict", fields=names)


# --- a new proposal (or a counter) ---------------------------------------------------------


def _fill(path: str, text: str) -> None:
    """Give the input of ``path`` the text ``text``, noting the field's version it goes with."""
    ss = st.session_state
    ss[VALUE + path] = text
    ss.setdefault(SEEN, {})[path] = (text, _version(path))


def _version(path: str) -> int:
    """The version of ``path`` as the store has it now."""
    granted = collab.current_access()
    if granted is None:
        return 0
    return collab.store().field_version(granted.plan_id, path)


def _prefill(proposal: Proposal) -> None:
    ss = st.session_state
    ss[COUNTERING] = proposal.id
    seen = {p: v for p, v in proposal.changes.items() if v is not privacy.PRIVATE}
    ss[CHOSEN] = list(seen)
    for path, value in seen.items():
        _fill(path, _shown(path, value))


def _new_form(granted: Access, plan: Plan, everything: list[Proposal]) -> None:
    ss = st.session_state
    countering = ss.get(COUNTERING)
    if countering is not None and not any(p.id == countering and p.open for p in everything):
        ss.pop(COUNTERING, None)
        countering = None
    heading = (
        tr("proposals.counter_title", number=countering)
        if countering is not None
        else tr("proposals.new_title")
    )
    st.subheader(heading)
    paths = proposable_paths(plan, granted.side)
    chosen = st.multiselect(
        tr("proposals.choose"),
        paths,
        key=CHOSEN,
        select_all=False,  # its label is Streamlit's English
        format_func=lambda p: history.path_text(str(p), plan),
        placeholder=tr("proposals.choose_placeholder"),
    )
    refresh = ss.pop(REFRESH, [])
    with st.form("proposals.form", border=False):
        for path in chosen:
            if VALUE + path not in ss or path in refresh:
                _fill(path, _shown(path, _current(plan, path)))
            st.text_input(
                history.path_text(path, plan),
                key=VALUE + path,
                help=tr(
                    "proposals.value_help", now=history.value_text(path, _current(plan, path), plan)
                ),
            )
        st.text_area(tr("proposals.reason"), key=REASON, max_chars=1000)
        sent = clicks.submit(tr("proposals.send"), "proposals.send", type="primary")
    if sent:
        _send(granted, plan, chosen, countering)


def _send(granted: Access, plan: Plan, chosen: list[str], countering: int | None) -> None:
    ss = st.session_state
    changes: dict[str, Any] = {}
    problems = []
    for path in chosen:
        item = driver(plan, path)
        kind = entries.kind_of(path)
        scale = 100.0 if kind == "percent" else 1.0
        try:
            changes[path] = entries.number_entry(
                history.path_text(path, plan),
                str(ss.get(VALUE + path, "")),
                kind,
                item.low * scale,
                item.high * scale,
            )
        except entries.EntryError as error:
            problems.append(str(error))
    if problems:
        ss[MESSAGE] = " ".join(problems)
        st.rerun()
    if _refused(granted):
        st.rerun()
    held: dict[str, tuple[str, int]] = ss.get(SEEN, {})
    seen = {path: held[path][1] for path in chosen if path in held}
    try:
        if countering is not None:
            proposals.counter(
                collab.store(),
                granted.plan_id,
                countering,
                changes,
                reason=str(ss.get(REASON, "")),
                author=_author(),
                side=granted.side,
                invite=granted.invite_id,
                seen=seen,
            )
        else:
            proposals.propose(
                collab.store(),
                granted.plan_id,
                changes,
                reason=str(ss.get(REASON, "")),
                author=_author(),
                side=granted.side,
                invite=granted.invite_id,
                seen=seen,
            )
    except ProposalError as error:
        ss[MESSAGE] = refusal_text(error)  # nothing typed is lost: the form keeps its values
        if error.key == "moved":  # untyped inputs show the new value, typed ones are kept
            for path in error.params["paths"]:  # and a second send proposes them anew
                if str(ss.get(VALUE + path, "")) == held[path][0]:
                    ss[REFRESH] = [*ss.get(REFRESH, []), path]
                else:
                    held[path] = (held[path][0], _version(path))
        st.rerun()
    for key in [k for k in ss if str(k).startswith(VALUE)] + [CHOSEN, REASON, COUNTERING, SEEN]:
        ss.pop(key, None)
    st.rerun()
