"""Sign-off on screen: the decision in principle, freeze, signatures, amendments, signed
exports, the installation's fingerprint and the check of an uploaded file.

The steps themselves live in :mod:`planner.signoff` (which refuses what a role may not do);
this module only shows them. A shared plan (a join link, or the owner's shared plan) is
signed in the store; a local plan must be shared first.
"""

from __future__ import annotations

import datetime
from typing import Any

import streamlit as st

from planner import decision, i18n, privacy, proposals
from planner.access import Access
from planner.plan import Plan, PlanError
from planner.signoff import editions
from planner.signoff import keys as signing
from planner.signoff import records as signoff
from planner.signoff.records import SignOff, SignOffError
from planner.ui import collab, history, session, state
from planner.ui.refusals import refusal_text
from planner.ui.text import plain, problem_list

FREEZE = "signoff.freeze"
WITHDRAW = "signoff.withdraw"
SIGN_NAME = "signoff.sign.name"
SIGN_TITLE = "signoff.sign.title"
SIGN_DATE = "signoff.sign.date"
SIGN = "signoff.sign.submit"
PREPARE = "signoff.exports.prepare"
PDF_DOWNLOAD = "signoff.exports.pdf"
XLSX_DOWNLOAD = "signoff.exports.xlsx"
UPLOAD = "signoff.verify.upload"
DECISION_FORM = "signoff.decision.form"
DECISION_DATE = "signoff.decision.date_input"
DECISION_PARTNER = "signoff.decision.partner_input"
DECISION_VENDOR = "signoff.decision.vendor_input"
DECISION_NOTE = "signoff.decision.note_input"
EXPORTS = "signoff.exports.cache"
"""``{(plan_id, version, language): (pdf bytes, xlsx bytes)}`` of prepared signed exports."""
MESSAGE = "signoff.message"
"""The last refusal of a sign-off step (``str``)."""


def tx(key: str, **values: Any) -> str:
    """The text ``signoff.ui.<key>`` in the UI language."""
    return i18n.t(f"signoff.ui.{key}", state.language(), **values)


def _day(value: datetime.date) -> str:
    from babel.dates import format_date

    return format_date(value, format="long", locale=i18n.LOCALES[state.language()])


# --- the decision in principle -------------------------------------------------------------


def decision_summary(plan: Plan) -> None:
    """The decision in principle as a short block (the dashboard shows it when recorded)."""
    rows = decision.lines(plan, state.language())
    if not rows:
        return
    with st.container(border=True):
        st.markdown(f"**{plain(i18n.label('decision', state.language()))}**")
        for label, text in rows:
            st.markdown(f"{plain(label)}: {plain(text)}")


def _decision_form(plan: Plan, granted: Access | None) -> None:
    current = plan.decision
    with st.form(DECISION_FORM, border=True):
        day = st.date_input(
            tx("decision_date"),
            value=datetime.date.fromisoformat(current.date) if current else datetime.date.today(),
            key=DECISION_DATE,
            format="DD.MM.YYYY" if state.language() == "de" else "YYYY/MM/DD",
        )
        partner = st.text_input(
            tx("decision_partner"),
            value=current.partner if current else "",
            max_chars=500,
            key=DECISION_PARTNER,
            help=tx("decision_people_help"),
        )
        vendor = st.text_input(
            tx("decision_vendor"),
            value=current.vendor if current else "",
            max_chars=500,
            key=DECISION_VENDOR,
            help=tx("decision_people_help"),
        )
        note = st.text_area(
            tx("decision_note"),
            value=(current.note or "") if current else "",
            max_chars=1000,
            key=DECISION_NOTE,
        )
        saved = st.form_submit_button(
            tx("decision_save"), disabled=bool(granted and not granted.can_edit)
        )
    if not saved:
        return
    block: dict[str, Any] = {
        "date": day.isoformat() if isinstance(day, datetime.date) else str(day),
        "partner": " ".join(partner.split()),
        "vendor": " ".join(vendor.split()),
    }
    if note.strip():
        block["note"] = " ".join(note.split())  # one line: line breaks become spaces
    if not session.change({"decision": block}, DECISION_FORM):
        st.error(problem_list(state.errors().get(DECISION_FORM, [])))
        return
    st.rerun()


# --- sign-off of a shared plan -------------------------------------------------------------


def _author() -> str:
    return collab.display_name()


def _run(step: Any, *args: Any, **kwargs: Any) -> None:
    """One sign-off step by a person: never without their name or through a revoked link."""
    granted = collab.current_access()
    # a viewer is refused by the step itself, which says why in sign-off's words
    refusal = collab.write_refusal(granted) if granted is None or granted.can_edit else None
    if refusal is not None:
        st.session_state[MESSAGE] = refusal
        return
    try:
        step(*args, **kwargs)
    except SignOffError as error:
        st.session_state[MESSAGE] = str(error)
    else:
        st.session_state.pop(MESSAGE, None)
        st.session_state.pop(collab.SNAPSHOT, None)


def _signatures(record: SignOff) -> None:
    for side in signoff.SIDES:
        person = record.signature(side)
        who = tx(f"side.{side}")
        if person is None:
            st.markdown(f"- {who}: {tx('not_signed')}")
        else:
            st.markdown(
                f"- {who}: {plain(person.name)} ({plain(person.title)}), {_day(person.date)}"
            )


def _sign_form(granted: Access, record: SignOff) -> None:
    side = signoff.EDITOR_SIDE.get(granted.role)
    if side is None:
        st.info(tx("viewer_cannot_sign"))
        return
    if record.signature(side) is not None:
        st.caption(tx("your_side_signed"))
        return
    st.markdown(f"**{tx('sign_for', side=tx(f'side.{side}'))}**")
    st.text_input(tx("sign_name"), value=collab.display_name(), max_chars=200, key=SIGN_NAME)
    st.text_input(tx("sign_title"), max_chars=200, key=SIGN_TITLE)
    st.date_input(tx("sign_date"), value=datetime.date.today(), key=SIGN_DATE)
    digest = _edition_hash(granted, signoff.signed_plan(collab.store(), record))
    st.caption(tx("sign_statement", version=record.version, hash=digest))
    if st.button(tx("sign"), key=SIGN, type="primary", icon=":material/draw:"):
        ss = st.session_state
        day = ss.get(SIGN_DATE)
        _run(
            signoff.sign,
            collab.store(),
            granted.plan_id,
            record.version,
            side=side,
            role=granted.role,
            name=str(ss.get(SIGN_NAME, "")),
            title=str(ss.get(SIGN_TITLE, "")),
            date=day if isinstance(day, datetime.date) else None,
            entered_by=_author(),
        )
        st.rerun()


def _amendment(granted: Access, plan: Plan) -> None:
    change = signoff.amendment(collab.store(), granted.plan_id)
    if change is None or not change.changed:
        return
    st.warning(
        tx("amendment", signed=change.signed.version, version=change.version),
        icon=":material/difference:",
    )
    signed = signoff.signed_plan(collab.store(), change.signed).to_data()
    shown = privacy.visible_differences(plan, signed, plan.to_data(), granted.side)
    rows = [
        {
            tx("diff_field"): history.path_text(d.path, plan),
            tx("diff_signed"): history.value_text(d.path, d.before, plan),
            tx("diff_now"): history.value_text(d.path, d.after, plan),
        }
        for d in shown
    ]
    st.dataframe(rows, hide_index=True, key="signoff.diff")


def _edition_hash(granted: Access, plan: Plan) -> str:
    """The hash this side is shown of ``plan``: its edition's, which reveals nothing hidden
    from it (the content hash when nothing is)."""
    return editions.edition_hash(plan, granted.side)


def _exports(granted: Access, record: SignOff) -> None:
    """This side's signed edition (PDF and workbook): the plan as this side sees it."""
    language = state.language()
    key = (record.plan_id, record.version, language, granted.side)
    cache: dict[tuple[str, int, str, str], tuple[bytes, bytes]] = st.session_state.setdefault(
        EXPORTS, {}
    )
    if key not in cache:
        if st.button(tx("prepare_exports"), key=PREPARE, icon=":material/verified:"):
            plan = signoff.signed_plan(collab.store(), record)
            side = granted.side
            with st.spinner(tx("preparing")):
                cache[key] = (
                    editions.signed_pdf(
                        plan,
                        record,
                        edition=side,
                        language=language,
                        proposals=proposals.all_of(collab.store(), record.plan_id),
                    ),
                    editions.signed_workbook(plan, record, edition=side, language=language),
                )
        else:
            return
    pdf, xlsx = cache[key]
    left, right = st.columns(2)
    digest = _edition_hash(granted, signoff.signed_plan(collab.store(), record))
    stem = f"plan-v{record.version}-{granted.side}-{digest[:8]}"
    left.download_button(
        tx("download_pdf"),
        pdf,
        f"{stem}.pdf",
        "application/pdf",
        key=PDF_DOWNLOAD,
        on_click="ignore",  # no rerun: the other file stays downloadable
    )
    right.download_button(
        tx("download_xlsx"),
        xlsx,
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=XLSX_DOWNLOAD,
        on_click="ignore",
    )


def status(granted: Access) -> None:
    """Where the plan stands: frozen and waiting, signed, or an amendment of a signed one."""
    store = collab.store()
    shown = collab.snapshot(granted)
    plan, version = shown.plan, shown.version  # the version this page shows, hash and all
    pending = signoff.pending(store, granted.plan_id)
    signed = signoff.last_signed(store, granted.plan_id)
    message = st.session_state.get(MESSAGE)
    if message:
        st.error(plain(message), icon=":material/block:")
    st.markdown(tx("current", version=version))
    st.code(_edition_hash(granted, plan), language=None)
    if pending is not None:
        st.info(
            tx(
                "frozen",
                version=pending.version,
                who=plain(pending.frozen_by),
                when=_day(pending.frozen_at.date()),
            ),
            icon=":material/lock:",
        )
        _signatures(pending)
        _sign_form(granted, pending)
        if granted.can_edit and st.button(tx("withdraw"), key=WITHDRAW):
            _run(signoff.withdraw, store, granted.plan_id, role=granted.role, author=_author())
            st.rerun()
    elif granted.can_edit and (signed is None or signed.version != version):
        st.caption(tx("freeze_help"))
        if st.button(tx("freeze", version=version), key=FREEZE, icon=":material/lock:"):
            _run(
                signoff.freeze,
                store,
                granted.plan_id,
                role=granted.role,
                author=_author(),
                expected_version=version,
            )
            st.rerun()
    if signed is not None:
        st.success(
            tx(
                "signed",
                version=signed.version,
                hash=_edition_hash(granted, signoff.signed_plan(store, signed)),
            ),
            icon=":material/verified:",
        )
        _signatures(signed)
        _exports(granted, signed)
        _amendment(granted, plan)


def frozen_notice(granted: Access) -> bool:
    """Show that the plan is frozen for sign-off (True), so its inputs are read-only."""
    pending = signoff.pending(collab.store(), granted.plan_id)
    if pending is None:
        return False
    st.info(tx("read_only", version=pending.version), icon=":material/lock:")
    return True


def fingerprint() -> None:
    """The installation's certificate fingerprint, to be compared out of band."""
    st.markdown(f"**{tx('fingerprint')}**")
    st.code(signing.identity().fingerprint, language=None)
    st.caption(tx("fingerprint_help"))


def verify_upload() -> None:
    """Check an uploaded PDF or XLSX like ``python -m planner verify``."""
    from planner.signoff.verify import UnreadableError, verify_bytes

    st.markdown(f"**{tx('verify')}**")
    upload = st.file_uploader(tx("verify_help"), type=["pdf", "xlsx"], key=UPLOAD)
    if upload is None:
        return
    try:
        verdict = verify_bytes(upload.getvalue())
    except UnreadableError as error:
        reason = refusal_text(error, name=upload.name)
        st.error(tx("unreadable", reason=plain(reason)), icon=":material/error:")
        return
    if verdict.ok:
        st.success(plain(verdict.message), icon=":material/verified:")
    else:
        st.error(tx("not_verified", reason=plain(verdict.message)), icon=":material/gpp_bad:")


def render(granted: Access | None = None) -> None:
    """The sign-off section: of the shared plan when there is access, else of the local plan."""
    granted = granted or collab.current_access()
    plan = collab.snapshot(granted).plan if granted is not None else state.plan_in_force()
    st.subheader(tx("decision_title"))
    decision_summary(plan)
    _decision_form(plan, granted)
    st.subheader(tx("title"))
    if granted is None:
        st.info(tx("share_first"))
    else:
        try:
            status(granted)
        except PlanError as error:
            st.error(problem_list([str(p) for p in error.problems]))
    st.divider()
    fingerprint()
    verify_upload()
