"""Sign-off on screen: the decision in principle, freeze, signatures, amendments, signed
exports, the installation's fingerprint and the check of an uploaded file.

The steps themselves live in :mod:`planner.signoff` (which refuses what a role may not do);
this module only shows them. A shared plan (a join link, or the owner's shared plan) is
signed in the store; a local plan must be shared first.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import streamlit as st

from planner import decision, i18n, privacy, proposals
from planner.access import Access
from planner.plan.schema import Plan, PlanError
from planner.signoff import archive, editions
from planner.signoff import keys as signing
from planner.signoff import records as signoff
from planner.signoff.records import SignOff, SignOffError
from planner.ui import clicks, collab, history, session, state, widgets
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
ARCHIVE_DOWNLOAD = "signoff.exports.archive"
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


DECISION_FIELDS = ("date", "partner", "vendor", "note")
DECISION_SEEN = "signoff.decision.seen"
"""Per field of the decision form: what its input showed, the version of that field then,
and the input's generation (part of its key) (``dict[str, Seen]``)."""


@dataclass(frozen=True)
class Seen:
    """What one input of the decision form showed: ``value`` at the field's ``version``."""

    value: Any
    version: int
    generation: int = 0


def _stored(plan: Plan, name: str) -> Any:
    """The value the decision form shows for field ``name`` of the plan's decision."""
    current = plan.decision
    if name == "date":
        return datetime.date.fromisoformat(current.date) if current else datetime.date.today()
    return (getattr(current, name) or "") if current else ""


def _written(name: str, value: Any) -> Any:
    """A form value as the plan keeps it: a date as ``YYYY-MM-DD``, text on one line (line
    breaks become spaces), an empty note as none."""
    if name == "date":
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    text = " ".join(str(value or "").split())
    return None if name == "note" and not text else text


def decision_key(name: str, generation: int) -> str:
    """Widget key of the decision form's input of ``name`` (``date``, ``partner``, ...)."""
    prefix = {
        "date": DECISION_DATE,
        "partner": DECISION_PARTNER,
        "vendor": DECISION_VENDOR,
        "note": DECISION_NOTE,
    }[name]
    return f"{prefix}@{generation}"


def _typed(name: str, seen: Seen) -> bool:
    """Whether the person changed the input of ``name`` from what it showed."""
    value = st.session_state.get(decision_key(name, seen.generation), seen.value)
    return bool(_written(name, value) != _written(name, seen.value))


def _seen(plan: Plan) -> dict[str, Seen]:
    """What each input of the form shows in this run: the stored value, unless the person typed
    in it since it showed an older one (then their text stays, and saving it is based on the
    version they saw). An input whose field changed in the store and that nobody typed in
    shows the new value."""
    ss = st.session_state
    held: dict[str, Seen] = ss.setdefault(DECISION_SEEN, {})
    for name in DECISION_FIELDS:
        version = session.field_version(f"decision.{name}")
        seen = held.get(name)
        if seen is None:
            held[name] = Seen(_stored(plan, name), version)
        elif seen.version != version and not _typed(name, seen):
            held[name] = Seen(_stored(plan, name), version, seen.generation + 1)
    return held


def _refresh(names: Any) -> None:
    """Show the stored values in the inputs of ``names`` again (new inputs)."""
    held: dict[str, Seen] = st.session_state.get(DECISION_SEEN, {})
    for name in names:
        if name in held:
            held[name] = Seen(None, -1, held[name].generation + 1)


def _save_decision() -> None:
    """A person saves the decision form: only the fields they changed are written, each based
    on the version its input showed, so a field someone else changed meanwhile is a conflict
    (shown with both values) and the others' corrections of other fields stay."""
    ss = st.session_state
    plan = state.plan_in_force()
    held: dict[str, Seen] = ss.get(DECISION_SEEN, {})
    values = {
        name: _written(name, ss.get(decision_key(name, seen.generation), seen.value))
        for name, seen in held.items()
    }
    changed = [name for name, seen in held.items() if values[name] != _written(name, seen.value)]
    if plan.decision is None:  # the first decision: one block, all fields at once
        block = {k: v for k, v in values.items() if v is not None}
        base = min((seen.version for seen in held.values()), default=None)
        bases = {"decision": base} if base is not None else None
        saved = session.change({"decision": block}, DECISION_FORM, bases)
        if saved or "decision" in collab.pending_paths():  # saved, or overtaken: show the store's
            _refresh(DECISION_FIELDS)
        return
    if not changed:
        state.errors().pop(DECISION_FORM, None)
        return
    edits = {f"decision.{name}": values[name] for name in changed}
    bases = {f"decision.{name}": held[name].version for name in changed}
    saved = session.change(edits, DECISION_FORM, bases)
    overtaken = collab.pending_paths()
    _refresh(n for n in changed if saved or f"decision.{n}" in overtaken)


def _decision_form(plan: Plan, granted: Access | None) -> None:
    """The decision in principle as a form whose inputs keep what the person typed while
    others edit, and refresh to the stored values where the person did not type."""
    held = _seen(plan)
    locked = bool(granted and not granted.can_edit)
    with st.container(border=True):
        date = held["date"]
        st.date_input(
            tx("decision_date"),
            value=date.value,
            key=decision_key("date", date.generation),
            format="DD.MM.YYYY" if state.language() == "de" else "YYYY/MM/DD",
            disabled=locked,
        )
        for name, label in (("partner", "decision_partner"), ("vendor", "decision_vendor")):
            seen = held[name]
            st.text_input(
                tx(label),
                value=seen.value,
                max_chars=500,
                key=decision_key(name, seen.generation),
                help=tx("decision_people_help"),
                disabled=locked,
            )
        note = held["note"]
        st.text_area(
            tx("decision_note"),
            value=note.value,
            max_chars=1000,
            key=decision_key("note", note.generation),
            disabled=locked,
        )
        st.button(tx("decision_save"), key=DECISION_FORM, on_click=_save_decision, disabled=locked)
    refused = state.errors().get(DECISION_FORM)
    if refused:
        st.error(problem_list(refused))


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
        # the step checks the link again inside its own write: one revoked meanwhile writes nothing
        step(*args, invite=granted.invite_id if granted is not None else None, **kwargs)
    except signoff.LinkRevokedError:
        st.session_state[MESSAGE] = collab.tx("no_access")
    except SignOffError as error:
        st.session_state[MESSAGE] = _refusal(error)
    else:
        st.session_state.pop(MESSAGE, None)
        st.session_state.pop(collab.SNAPSHOT, None)


def _refusal(error: SignOffError) -> str:
    """Why a sign-off step was refused, in the UI language where the reason has a text."""
    key = getattr(error, "key", None)
    if key and f"signoff.ui.refusal.{key}" in i18n.catalog():
        params = dict(error.params)
        if "field" in params:  # the input's name as the form shows it
            params["field"] = tx(f"field.{params['field']}")
        if "side" in params:
            params["side"] = tx(f"side.{params['side']}")
        return tx(f"refusal.{key}", **params)
    return str(error)


def _freeze(granted: Access, version: int) -> None:
    """The freeze button of the page that showed ``version``: that version or nothing."""
    _run(
        signoff.freeze,
        collab.store(),
        granted.plan_id,
        role=granted.role,
        author=_author(),
        expected_version=version,
    )


def _withdraw(granted: Access, shown: SignOff) -> None:
    """The withdraw button of the page that showed the freeze ``shown``: that one or nothing."""
    _run(
        signoff.withdraw,
        collab.store(),
        granted.plan_id,
        role=granted.role,
        author=_author(),
        expected=shown,
    )


def _sign(granted: Access, side: str, version: int) -> None:
    """The sign button of the page that showed frozen ``version``: that version or nothing."""
    ss = st.session_state
    day = ss.get(SIGN_DATE)
    _run(
        signoff.sign,
        collab.store(),
        granted.plan_id,
        version,
        side=side,
        role=granted.role,
        name=str(ss.get(SIGN_NAME, "")),
        title=str(ss.get(SIGN_TITLE, "")),
        date=day if isinstance(day, datetime.date) else None,
        entered_by=_author(),
    )


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
    # a callback: it signs the version this page showed (its args are this run's)
    st.button(
        tx("sign"),
        key=SIGN,
        type="primary",
        icon=":material/draw:",
        on_click=_sign,
        args=(granted, side, record.version),
    )


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
    cache: dict[tuple[str, int, str, str], tuple[bytes, bytes, bytes]] = (
        st.session_state.setdefault(EXPORTS, {})
    )
    if key not in cache:
        if clicks.button(st, tx("prepare_exports"), PREPARE, icon=":material/verified:"):
            plan = signoff.signed_plan(collab.store(), record)
            side = granted.side
            with st.spinner(tx("preparing")):
                workbook = editions.signed_workbook(plan, record, edition=side, language=language)
                try:
                    pdf = editions.signed_pdf(
                        plan,
                        record,
                        edition=side,
                        language=language,
                        proposals=proposals.all_of(collab.store(), record.plan_id),
                        workbook=workbook,  # the PDF embeds the workbook it is offered with
                    )
                    _, bundle = archive.build(  # with an authority: extended to PAdES B-LTA
                        collab.store(),
                        record.plan_id,
                        record.version,
                        edition=side,
                        language=language,
                        pdf=pdf,
                    )
                except signing.TimestampError:
                    clicks.answer(PREPARE, "error", tx("timestamp_failed"))
                else:
                    cache[key] = (pdf, workbook, bundle)
        if key not in cache:
            clicks.show_answer(st, PREPARE)
            return
    pdf, xlsx, bundle = cache[key]
    left, right, third = st.columns(3)
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
    third.download_button(
        tx("download_archive"),
        bundle,
        f"{stem}-archive.zip",
        "application/zip",
        key=ARCHIVE_DOWNLOAD,
        on_click="ignore",
        help=tx("archive_help"),
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
        if granted.can_edit:
            # a callback: it withdraws the freeze this page showed (its args are this run's)
            st.button(tx("withdraw"), key=WITHDRAW, on_click=_withdraw, args=(granted, pending))
    elif granted.can_edit and (signed is None or signed.version != version):
        st.caption(tx("freeze_help"))
        # a callback: it freezes the version this page showed (its args are this run's)
        st.button(
            tx("freeze", version=version),
            key=FREEZE,
            icon=":material/lock:",
            on_click=_freeze,
            args=(granted, version),
        )
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
    upload = widgets.file_uploader(tx("verify_help"), ["pdf", "xlsx"], UPLOAD)
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
