"""The quarterly business review on the onboarding page: both sides record what happened to
their commitments, see the scorecard, the rebate and MDF ledgers, each side's NPV bridge and the
scenarios run from the actual state, and download their side's QBR pack.

Every record is one deliberate commit through :func:`planner.ui.session.change` (versioned,
attributed, undoable); the signed version never changes. What is shown is the review made for
the session's side (:func:`planner.onboarding.review.review`), so the other side's private
values and, unless shared, the vendor's economics never reach this page.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from planner import catalogue, i18n
from planner.onboarding import review as reviews
from planner.onboarding.bridge import STEPS
from planner.onboarding.quarters import Quarter
from planner.plan.schema import MAX_COUNT, Plan
from planner.ui import clicks, collab, entries, fields, session, state, viewer, widgets
from planner.ui.analyses.common import FormBase, form_base, saved_or_overtaken
from planner.ui.text import plain, tr

QUARTER = "review.quarter"
ERRORS = "review.record"
HIRE, INVESTMENT, MDF, OBJECTIVE, SUPPORT = (
    "review.form.hire",
    "review.form.investment",
    "review.form.mdf",
    "review.form.objective",
    "review.form.support",
)
ACTION, CLOSE = "review.form.action", "review.form.close"
ACTIONS = "review.form.actions"
"""What the action forms show of the plan's actions: both record that one list, so they share
it, and a change by someone else is said once, above them, with one button to show it."""
GOALS = "review.objectives"
GOAL_FORMS = "review.form.objectives"
"""What the three objective forms show of the plan's objectives (shared, as :data:`ACTIONS`)."""
NEW_GOAL, TARGET, DROP_GOAL = (
    "review.form.new_objective",
    "review.form.target",
    "review.form.drop_objective",
)
KINDS = catalogue.field("objectives.*.kind").choices
STAGES = ("requested", "approved", "claimed", "paid")
PROOFS = catalogue.field("commitments.mdf.*.proof").choices


def _signed(plan: Plan) -> tuple[Plan, int | None]:
    """The last signed version of the stored plan, or the plan itself (not signed yet)."""
    current = session.plan_id()
    if current is None:
        return plan, None
    from planner.signoff import records

    record = records.last_signed(session.store(), current)
    if record is None:
        return plan, None
    return records.signed_plan(session.store(), record), record.version


def _records(plan: Plan, block: str) -> list[dict[str, Any]]:
    data = plan.commitments.model_dump(mode="json", exclude_none=True) if plan.commitments else {}
    found: list[dict[str, Any]] = data.get(block, [])
    return found


def _part(form: str, path: str, build: Callable[[], Any]) -> FormBase:
    """The records form ``form`` shows of plan part ``path`` and the version its save is based
    on: kept while someone else changes the part, so a choice in the form (an index into what
    it showed) keeps meaning what the person picked, and saving it meets their change as a
    conflict instead of overwriting it or picking another record."""
    return form_base(form, path, build, "review.form_stale", "review.form_latest")


def _commit(
    form: str,
    part: FormBase,
    rows: list[dict[str, Any]],
    path: str,
    errors: str,
    shared: str | None = None,
) -> None:
    """Record ``rows`` as one commit of ``path`` based on the version the form showed
    (``part``, taken under the form's name or the ``shared`` one of the forms over the same
    part); only a stored record empties its ``form``, so what a person typed stays in the
    form when the record is refused or meets a conflict."""
    written = session.change({path: rows}, errors, bases={path: part.version})
    saved_or_overtaken(shared or form, path, written)
    if written:
        st.session_state[_generation_key(form)] = _generation(form) + 1
        session.notify("review.saved")
        st.rerun()
    if path in collab.pending_paths():  # overtaken: the conflict card holds the record
        st.rerun()


def _generation_key(form: str) -> str:
    return f"{form}.generation"


def _generation(form: str) -> int:
    """How many records ``form`` has stored in this session: its widgets' keys carry it, so a
    stored record gives the form fresh, empty inputs."""
    found: int = st.session_state.get(_generation_key(form), 0)
    return found


def _key(form: str, name: str) -> str:
    return f"{form}.{_generation(form)}.{name}"


def _number_text(form: str, name: str, label: str, value: float | None = None) -> str:
    """A number typed the way people of the UI language type it (``1,5`` in German); read by
    :func:`_number` when the form is submitted."""
    shown = "" if value is None else i18n.editable_number(value, state.language())
    return st.text_input(label, shown, key=_key(form, name))


def _number(
    text: str, label: str, kind: str, high: float, currency: str, optional: bool = False
) -> float | None:
    """``text`` as a number of ``kind`` (``money`` or ``count``) from 0 to ``high``; refused
    at the form with the field's name and range (the form keeps the text)."""
    if optional and not text.strip():
        return None
    if not text.strip():
        raise entries.EntryError(tr("field.empty", field=label))
    found: float = entries.number_entry(label, text, kind, 0.0, high, currency)
    return found


Rows = list[dict[str, Any]]


def _record(
    form: str,
    part: FormBase,
    rows: Callable[[], Rows],
    path: str,
    errors: str = ERRORS,
    shared: str | None = None,
) -> None:
    """A submitted record form: ``rows()`` reads what the form holds into the block's new rows,
    or raises :class:`~planner.ui.entries.EntryError`, which is shown at the form (the form keeps
    what was typed, nothing is written); the rows are then recorded as one commit
    (:func:`_commit`)."""
    try:
        found = rows()
    except entries.EntryError as error:
        state.errors()[errors] = [str(error)]
        return
    _commit(form, part, found, path, errors, shared)


def _action_forms(plan: Plan, side: str, quarter: Quarter) -> None:
    """New action items of this review, and closing an open one in it."""
    language = state.language()

    def shown() -> Rows:
        return [a.model_dump(mode="json", exclude_none=True) for a in plan.actions or []]

    # both forms record the one list: its change by someone else is said once, across them
    raised = _part(ACTIONS, "actions", shown)
    left, right = st.columns(2, gap="large")
    with left, st.form(_key(ACTION, "form")):
        st.markdown(f"**{tr('review.action', quarter=quarter.label())}**")
        text = st.text_input(tr("review.action_text"), max_chars=1000, key=_key(ACTION, "text"))
        owed = st.selectbox(
            tr("review.action_side"),
            ("partner", "vendor"),
            index=0 if side != "vendor" else 1,
            format_func=lambda s: i18n.t(f"qbr.side.{s}", language),
            key=_key(ACTION, "side"),
        )
        owner = st.text_input(tr("review.action_owner"), max_chars=200, key=_key(ACTION, "owner"))
        due = st.date_input(tr("review.action_due"), value=None, key=_key(ACTION, "due"))
        if clicks.submit(tr("review.save"), _key(ACTION, "save")):
            entry: dict[str, Any] = {"text": text.strip(), "side": owed, "raised": quarter.key}
            if owner.strip():
                entry["owner"] = owner.strip()
            if due is not None:
                entry["due"] = due.isoformat()
            _commit(ACTION, raised, [*raised.data, entry], "actions", ERRORS, ACTIONS)
    actions: Rows = raised.data
    open_items = [i for i, a in enumerate(actions) if "closed" not in a]
    if open_items:
        with right, st.form(_key(CLOSE, "form")):
            st.markdown(f"**{tr('review.action_close', quarter=quarter.label())}**")
            which = st.selectbox(
                tr("review.action_text"),
                open_items,
                format_func=lambda i: actions[i]["text"],
                key=_key(CLOSE, "which"),
            )
            if clicks.submit(tr("review.action_done"), _key(CLOSE, "save")):
                rows = [dict(a) for a in actions]
                rows[which]["closed"] = quarter.key
                _commit(CLOSE, raised, rows, "actions", ERRORS, ACTIONS)


def _record_forms(plan: Plan, side: str) -> None:
    """One form per kind of record; each submit is one commit, and the form empties once it is
    recorded (its inputs are keyed by how many records it stored), so a second click does not
    record the same again, while a refused record keeps what was typed."""
    language = state.language()
    currency = plan.currency
    months = list(range(1, plan.months + 1))
    quarters = [q.key for q in _quarters(plan)]
    left, right = st.columns(2, gap="large")
    with left:
        if plan.resources:
            hired = _part(HIRE, "commitments.hires", lambda: _records(plan, "hires"))
            with st.form(_key(HIRE, "form")):
                st.markdown(f"**{tr('review.hire')}**")
                role = st.selectbox(
                    tr("review.role"),
                    range(len(plan.resources)),
                    format_func=lambda i: plan.resources[i].role,
                    key=_key(HIRE, "role"),
                )
                fte_text = _number_text(HIRE, "fte", tr("review.fte"), 1.0)
                month = st.selectbox(tr("review.month"), months, key=_key(HIRE, "month"))
                dropped = st.checkbox(tr("review.dropped"), key=_key(HIRE, "dropped"))
                if clicks.submit(tr("review.save"), _key(HIRE, "save")):

                    def hires() -> Rows:
                        fte = _number(fte_text, tr("review.fte"), "count", 1000.0, currency)
                        entry: dict[str, Any] = {"resource": role, "fte": fte, "dropped": dropped}
                        if not dropped:
                            entry["month"] = month
                        return [*hired.data, entry]

                    _record(HIRE, hired, hires, "commitments.hires")
        if plan.investments:
            spent = _part(
                INVESTMENT, "commitments.investments", lambda: _records(plan, "investments")
            )
            with st.form(_key(INVESTMENT, "form")):
                st.markdown(f"**{tr('review.investment')}**")
                item = st.selectbox(
                    tr("review.item"),
                    range(len(plan.investments)),
                    format_func=lambda i: plan.investments[i].name,
                    key=_key(INVESTMENT, "item"),
                )
                month = st.selectbox(tr("review.month"), months, key=_key(INVESTMENT, "month"))
                amount_label = tr("review.amount", currency=currency)
                amount_text = _number_text(INVESTMENT, "amount", amount_label)
                dropped = st.checkbox(tr("review.dropped"), key=_key(INVESTMENT, "dropped"))
                if clicks.submit(tr("review.save"), _key(INVESTMENT, "save")):

                    def investments() -> Rows:
                        amount = _number(amount_text, amount_label, "money", 1e12, currency, True)
                        entry: dict[str, Any] = {"investment": item, "dropped": dropped}
                        if not dropped:
                            entry["month"] = month
                            if amount is not None:
                                entry["amount"] = amount
                        kept = [r for r in spent.data if r["investment"] != item]
                        return [*kept, entry]

                    _record(INVESTMENT, spent, investments, "commitments.investments")
    with right:
        funds = _part(MDF, "commitments.mdf", lambda: _records(plan, "mdf"))
        with st.form(_key(MDF, "form")):
            st.markdown(f"**{tr('review.mdf')}**")
            existing: Rows = funds.data
            choice = st.selectbox(
                tr("review.activity"),
                [-1, *range(len(existing))],
                format_func=lambda i: (
                    tr("review.new_activity") if i < 0 else existing[i]["activity"]
                ),
                key=_key(MDF, "which"),
            )
            name = st.text_input(tr("review.new_activity"), key=_key(MDF, "name"), max_chars=200)
            stage = st.selectbox(
                tr("review.stage"),
                STAGES,
                format_func=lambda s: i18n.t(f"qbr.mdf.stage.{s}", language),
                key=_key(MDF, "stage"),
            )
            day = st.date_input(tr("review.date"), datetime.date.today(), key=_key(MDF, "date"))
            mdf_label = tr("review.amount", currency=currency)
            mdf_text = _number_text(MDF, "amount", mdf_label)
            proof = st.selectbox(
                tr("review.proof"),
                PROOFS,
                format_func=lambda p: i18n.t(f"qbr.mdf.proof.{p}", language),
                key=_key(MDF, "proof"),
            )
            if clicks.submit(tr("review.save"), _key(MDF, "save")):

                def stages() -> Rows:
                    amount = _number(mdf_text, mdf_label, "money", 1e12, currency)
                    rows = [dict(r) for r in existing]
                    moment = {"date": day.isoformat(), "amount": amount}
                    if choice < 0:
                        rows.append({"activity": name.strip(), stage: moment, "proof": proof})
                    else:
                        rows[choice] = {**rows[choice], stage: moment, "proof": proof}
                    return rows

                _record(MDF, funds, stages, "commitments.mdf")
        if plan.objectives:
            met = _part(OBJECTIVE, "commitments.objectives", lambda: _records(plan, "objectives"))
            with st.form(_key(OBJECTIVE, "form")):
                st.markdown(f"**{tr('review.objective')}**")
                objective = st.selectbox(
                    tr("review.objective"),
                    [o.name for o in plan.objectives],
                    key=_key(OBJECTIVE, "name"),
                )
                quarter = st.selectbox(
                    tr("review.quarter"),
                    quarters,
                    format_func=_quarter_text,
                    key=_key(OBJECTIVE, "quarter"),
                )
                count_text = _number_text(OBJECTIVE, "count", tr("review.count"))
                if clicks.submit(tr("review.save"), _key(OBJECTIVE, "save")):

                    def reached() -> Rows:
                        count = _number(count_text, tr("review.count"), "count", 1e6, currency)
                        kept = [
                            r
                            for r in met.data
                            if (r["objective"], r["quarter"]) != (objective, quarter)
                        ]
                        return [*kept, {"objective": objective, "quarter": quarter, "count": count}]

                    _record(OBJECTIVE, met, reached, "commitments.objectives")
        if side == "vendor":
            given = _part(SUPPORT, "commitments.support", lambda: _records(plan, "support"))
            with st.form(_key(SUPPORT, "form")):
                st.markdown(f"**{tr('review.support')}**")
                quarter = st.selectbox(
                    tr("review.quarter"),
                    quarters,
                    format_func=_quarter_text,
                    key=_key(SUPPORT, "quarter"),
                )
                fte_text = _number_text(SUPPORT, "fte", tr("review.fte"))
                if clicks.submit(tr("review.save"), _key(SUPPORT, "save")):

                    def support() -> Rows:
                        fte = _number(fte_text, tr("review.fte"), "count", 1000.0, currency)
                        kept = [r for r in given.data if r["quarter"] != quarter]
                        return [*kept, {"quarter": quarter, "fte": fte}]

                    _record(SUPPORT, given, support, "commitments.support")


def _objective_table(plan: Plan) -> None:
    """Every objective of the plan with its quarterly targets: both sides see all of them."""
    language = state.language()
    quarters = [q.key for q in _quarters(plan)]
    used = [
        q for q in quarters if any(t.quarter == q for o in plan.objectives or [] for t in o.targets)
    ]
    rows = []
    for objective in plan.objectives or []:
        targets = {t.quarter: t.count for t in objective.targets}
        row = {
            tr("review.objective_name"): objective.name,
            tr("review.objective_kind"): i18n.t(f"qbr.kind.{objective.kind}", language),
            tr("review.objective_side"): i18n.t(f"qbr.side.{objective.side}", language),
        }
        for quarter in used:
            row[_quarter_text(quarter)] = (
                i18n.editable_number(targets[quarter], language) if quarter in targets else ""
            )
        rows.append(row)
    widgets.text_table(pd.DataFrame(rows), "review.objective_table", left=3)


def _objective_forms(plan: Plan, side: str) -> None:
    """Objectives and their quarterly targets, set by the editors: each side proposes, changes
    and removes its own objectives (both see all; both sign the plan that holds them). Each
    submit is one commit of the whole ``objectives`` list; a refused entry keeps what was
    typed, a stored one empties its form."""
    language = state.language()
    currency = plan.currency
    quarters = [q.key for q in _quarters(plan)]

    def shown() -> Rows:
        return [o.model_dump(mode="json", exclude_none=True) for o in plan.objectives or []]

    count_label = tr("review.target")
    # the three forms record the one list: its change by someone else is said once, across
    # them, with a button wide enough for its label (a third of the page cut it)
    goals = _part(GOAL_FORMS, "objectives", shown)
    left, middle, right = st.columns(3, gap="large")
    with left, st.form(_key(NEW_GOAL, "form")):
        st.markdown(f"**{tr('review.new_objective', side=i18n.t(f'qbr.side.{side}', language))}**")
        name_label = tr("review.objective_name")
        name = st.text_input(name_label, max_chars=200, key=_key(NEW_GOAL, "name"))
        kind = st.selectbox(
            tr("review.objective_kind"),
            KINDS,
            index=len(KINDS) - 1,
            format_func=lambda k: i18n.t(f"qbr.kind.{k}", language),
            key=_key(NEW_GOAL, "kind"),
        )
        quarter = st.selectbox(
            tr("review.quarter"), quarters, format_func=_quarter_text, key=_key(NEW_GOAL, "quarter")
        )
        count_text = _number_text(NEW_GOAL, "count", count_label)
        if clicks.submit(tr("review.add_objective"), _key(NEW_GOAL, "save")):

            def added() -> Rows:
                if not name.strip():
                    raise entries.EntryError(tr("field.empty", field=name_label))
                if name.strip() in {o["name"] for o in goals.data}:
                    raise entries.EntryError(tr("review.objective_taken", field=name_label))
                count = _number(count_text, count_label, "count", MAX_COUNT, currency)
                entry = {
                    "name": name.strip(),
                    "kind": kind,
                    "side": side,
                    "targets": [{"quarter": quarter, "count": count}],
                }
                return [*goals.data, entry]

            _record(NEW_GOAL, goals, added, "objectives", GOALS, GOAL_FORMS)
    objectives: Rows = goals.data
    own = [i for i, o in enumerate(objectives) if o.get("side", "partner") == side]
    if not own:
        return
    with middle, st.form(_key(TARGET, "form")):
        st.markdown(f"**{tr('review.set_target')}**")
        which = st.selectbox(
            tr("review.objective_name"),
            own,
            format_func=lambda i: objectives[i]["name"],
            key=_key(TARGET, "which"),
        )
        quarter = st.selectbox(
            tr("review.quarter"), quarters, format_func=_quarter_text, key=_key(TARGET, "quarter")
        )
        count_text = _number_text(TARGET, "count", count_label)
        if clicks.submit(tr("review.set"), _key(TARGET, "save")):

            def targeted() -> Rows:
                count = _number(count_text, count_label, "count", MAX_COUNT, currency, True)
                rows = [dict(o) for o in objectives]
                targets = [t for t in rows[which].get("targets", []) if t["quarter"] != quarter]
                if count is not None:  # an empty count removes that quarter's target
                    targets.append({"quarter": quarter, "count": count})
                order = {q: i for i, q in enumerate(quarters)}
                rows[which]["targets"] = sorted(
                    targets, key=lambda t: order.get(t["quarter"], len(order))
                )
                return rows

            _record(TARGET, goals, targeted, "objectives", GOALS, GOAL_FORMS)
    with right, st.form(_key(DROP_GOAL, "form")):
        st.markdown(f"**{tr('review.drop_objective')}**")
        gone = st.selectbox(
            tr("review.objective_name"),
            own,
            format_func=lambda i: objectives[i]["name"],
            key=_key(DROP_GOAL, "which"),
        )
        if clicks.submit(tr("review.remove"), _key(DROP_GOAL, "save")):
            rows = [o for i, o in enumerate(objectives) if i != gone]
            _commit(DROP_GOAL, goals, rows, "objectives", GOALS, GOAL_FORMS)


def _objectives_section(plan: Plan) -> None:
    """The plan's objectives, and for the editors the forms that set them."""
    who = viewer.current()
    st.subheader(tr("review.objectives"))
    st.caption(tr("review.objectives_caption"))
    if plan.objectives:
        _objective_table(plan)
    else:
        st.caption(tr("review.no_objectives"))
    if who.can_edit:
        _objective_forms(plan, who.side)
        fields.problems(GOALS)


def _quarter_text(key: str) -> str:
    """A quarter's key (``Q3-2027``) as a reader says it (``Q3 2027``)."""
    return Quarter.parse(key).label()


def _quarters(plan: Plan) -> list[Quarter]:
    from planner.onboarding.quarters import quarters_of

    return quarters_of(plan)


def section() -> None:
    """The review section of the onboarding page."""
    plan = state.plan_in_force()
    who = viewer.current()
    language = state.language()
    st.divider()
    st.header(tr("review.title"))
    st.caption(tr("review.caption"))
    _objectives_section(plan)
    if not plan.actuals:
        st.info(tr("review.no_actuals"), icon=":material/info:")
        return
    signed, version = _signed(plan)
    st.caption(
        tr("review.unsigned") if version is None else tr("review.signed_version", version=version)
    )
    with_actuals = sorted({Quarter.of_month(plan, int(r["month"])) for r in plan.actuals})
    quarter = st.selectbox(
        tr("review.quarter"),
        with_actuals,
        index=len(with_actuals) - 1,
        format_func=lambda q: q.label(),
        key=QUARTER,
    )
    found = session.memo(
        f"review:{who.side}:{quarter.key}:{version}",
        lambda: reviews.review(signed, plan, who.side, quarter),
    )
    from planner.export.qbr_pdf import scorecard_texts, summary_points

    def money(value: float | None) -> str:
        return i18n.money(value, plan.currency, language)

    def t(key: str) -> str:
        return i18n.t(key, language)

    columns = st.columns(2)
    for column, side in zip(columns, ("partner", "vendor"), strict=True):
        status = found.status[side]
        bridge = found.bridges[side]
        column.metric(
            i18n.t(f"qbr.side.{side}", language),
            i18n.t(f"qbr.status.{status}" if status else "qbr.status.hidden", language),
        )
        if bridge is not None:  # no metric delta: its arrow would read as a direction
            column.caption(
                tr(
                    "review.npv_line",
                    signed=money(bridge.signed_npv),
                    now=money(bridge.npv),
                )
            )
    st.markdown("\n".join(f"- {plain(point)}" for point in summary_points(found, language)))
    tabs = st.tabs(
        [
            tr("review.tab_scorecard"),
            tr("review.tab_record"),
            tr("review.tab_ledgers"),
            tr("review.tab_bridge"),
            tr("review.tab_scenarios"),
            tr("review.tab_pack"),
        ]
    )
    with tabs[0]:
        rows = scorecard_texts(found, language)
        frame = pd.DataFrame(rows).rename(
            columns={
                "side": t("qbr.scorecard.side"),
                "item": t("qbr.scorecard.item"),
                "planned": t("qbr.scorecard.planned"),
                "recorded": t("qbr.scorecard.actual"),
                "status": t("qbr.scorecard.status"),
            }
        )
        widgets.text_table(frame, "review.scorecard", left=5)
    with tabs[1]:
        if who.can_edit:
            _record_forms(plan, who.side)
            st.divider()
            _action_forms(plan, who.side, quarter)
            fields.problems(ERRORS)  # after every form: a refusal of any of them shows here
        else:
            st.caption(tr("review.read_only"))
    with tabs[2]:
        rebate, mdf = found.rebate, found.mdf
        lines = [
            (t("qbr.rebate.accrued"), money(rebate.accrued)),
            (t("qbr.rebate.to_next"), money(rebate.to_next)),
            (
                t("qbr.rebate.projected"),
                f"{money(rebate.projected_sell_in)} / {money(rebate.projected_rebate)}",
            ),
            (
                t("qbr.rebate.range"),
                " / ".join(money(v) for v in (rebate.p10, rebate.p50, rebate.p90)),
            ),
        ] + [
            (t(f"qbr.mdf.{key}"), money(getattr(mdf, key)))
            for key in ("planned", "projected", *STAGES, "awaiting_proof")
        ]
        lines.append((t("qbr.mdf.expiring").format(date=mdf.year_to), money(mdf.expiring)))
        widgets.text_table(
            pd.DataFrame(lines, columns=[tr("review.figure"), tr("review.value")]), "review.ledgers"
        )
    with tabs[3]:
        for side in ("partner", "vendor"):
            bridge = found.bridges[side]
            st.markdown(f"**{plain(i18n.t(f'qbr.side.{side}', language))}**")
            if bridge is None:
                st.caption(t("qbr.bridge.hidden"))
                continue
            steps = [(t("qbr.bridge.signed"), money(bridge.signed_npv))]
            steps += [(t(f"qbr.bridge.step.{s}"), money(bridge.parts[s])) for s in STEPS]
            steps.append((t("qbr.bridge.now"), money(bridge.npv)))
            widgets.text_table(
                pd.DataFrame(steps, columns=[t("qbr.bridge.step"), t("qbr.bridge.part")]),
                f"review.bridge.{side}",
            )
    with tabs[4]:
        st.caption(t("qbr.scenarios.intro"))
        scenario_rows = []
        for name, figures in found.scenarios.items():
            line = {
                t("qbr.scenarios.name"): t("qbr.scenarios.base") if name == "base" else name,
                t("qbr.scenarios.partner_npv"): money(figures["partner"]["npv"]),
            }
            if "npv" in figures["vendor"]:
                line[t("qbr.scenarios.vendor_npv")] = money(figures["vendor"]["npv"])
            scenario_rows.append(line)
        widgets.text_table(pd.DataFrame(scenario_rows), "review.scenarios")
    with tabs[5]:
        st.caption(tr("review.pack_caption"))
        from planner.export.qbr_pdf import build_qbr_pdf
        from planner.export.qbr_xlsx import build_qbr_workbook

        name = f"qbr-{quarter.key}-{who.side}"
        memo = f"review:{who.side}:{quarter.key}:{version}"
        pdf = session.memo(f"{memo}:pdf", lambda: build_qbr_pdf(found, language))
        xlsx = session.memo(f"{memo}:xlsx", lambda: build_qbr_workbook(found, language))
        left, right = st.columns(2)
        left.download_button(
            tr("review.download_pdf"),
            pdf,
            f"{name}.pdf",
            "application/pdf",
            key="review.pdf",
            on_click="ignore",  # no rerun: the other file stays downloadable
        )
        right.download_button(
            tr("review.download_xlsx"),
            xlsx,
            f"{name}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="review.xlsx",
            on_click="ignore",
        )
