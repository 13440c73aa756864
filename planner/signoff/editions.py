"""Exports of a signed plan version: a PAdES-signed PDF and a workbook with its sign-off.

Both carry the content hash (:func:`planner.plan.content_hash`) of the signed plan. The PDF
embeds the plan's canonical JSON (``plan.json``) and the sign-off record (``signoff.json``)
and is signed with the installation's key, so :mod:`planner.signoff.verify` can tell whether a file
is the signed plan, unaltered. Apart from the signature (its time and value), the exports of
one signed version are the same bytes whenever they are made: every date printed is the date
of the signature, never the day of the export.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from typing import Any

from planner import i18n
from planner.export import Evidence
from planner.plan import Plan, canonical_json, content_hash
from planner.signoff import keys as signing
from planner.signoff import seal as sealing
from planner.signoff.records import SIDES, SignOff

FORMAT = 1
"""Version of the ``signoff.json`` record."""
XLSX_PROPERTY = "planner_signoff"
"""Custom document property of a signed workbook holding the sign-off record (JSON)."""


class NotSignedError(ValueError):
    """The record is not a signed version of this plan."""


def record_data(record: SignOff) -> dict[str, Any]:
    """The sign-off record as plain data (what ``signoff.json`` holds)."""
    return {
        "format": FORMAT,
        "plan_id": record.plan_id,
        "version": record.version,
        "title": record.title,
        "content_hash": record.content_hash,
        "signed_at": record.signed_at.isoformat() if record.signed_at else None,
        "signatures": {
            side: {"name": s.name, "title": s.title, "date": s.date.isoformat()}
            for side, s in sorted(record.signatures.items())
        },
    }


def _check(plan: Plan, record: SignOff) -> datetime.date:
    if not record.signed or record.signed_at is None:
        raise NotSignedError(f"version {record.version} is not signed by both sides")
    if content_hash(plan) != record.content_hash:
        raise NotSignedError(f"the plan is not version {record.version} as it was signed")
    return record.signed_at.date()


def signed_pdf(
    plan: Plan,
    record: SignOff,
    *,
    who: signing.Identity | None = None,
    language: str | None = None,
) -> bytes:
    """The signed version as a PDF with its signatories, plan files and PAdES signature."""
    from planner.export import pdf

    day = _check(plan, record)
    who = who or signing.identity()
    assert record.signed_at is not None
    lang = language or plan.language
    signatories = [
        pdf.Signatory(side, s.name, s.title, s.date)
        for side in ("partner", "vendor")
        if (s := record.signature(side)) is not None
    ]
    document = pdf.build_pdf(
        plan,
        language=lang,
        issued=day,
        version=i18n.t("signoff.version_label", lang, version=record.version),
        signatories=signatories,
        evidence=Evidence(who.fingerprint, record.signed_at),
    )
    reason = i18n.t(
        "signoff.pdf_reason",
        lang,
        version=record.version,
        title=plan.title,
        hash=record.content_hash,
    )
    return signing.sign_pdf(
        document,
        who,
        attachments={
            signing.PLAN_ATTACHMENT: canonical_json(plan).encode("utf-8"),
            signing.SIGNOFF_ATTACHMENT: json.dumps(
                record_data(record), sort_keys=True, ensure_ascii=False
            ).encode("utf-8"),
        },
        reason=reason,
    )


def signed_workbook(
    plan: Plan,
    record: SignOff,
    *,
    language: str | None = None,
    who: signing.Identity | None = None,
) -> bytes:
    """The signed version as a workbook: signatories on ``Sign-off``, the record in a
    document property, and the same bytes for every export of the version."""
    from planner.export import xlsx

    day = _check(plan, record)
    who = who or signing.identity()
    assert record.signed_at is not None
    signatories = [
        (side, s.name, s.title, s.date.isoformat())
        for side in SIDES
        if (s := record.signature(side)) is not None
    ]
    data = xlsx.build_workbook(
        plan,
        language=language,
        issued=day,
        signatories=signatories,
        evidence=Evidence(who.fingerprint, record.signed_at),
        properties={XLSX_PROPERTY: json.dumps(record_data(record), sort_keys=True)},
    )
    return sealing.seal(stable_zip(data, record.signed_at), who, record.signed_at)


_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def stable_zip(data: bytes, moment: datetime.datetime) -> bytes:
    """An XLSX (zip) with every entry time and the created/modified properties set to
    ``moment``, so that the same workbook saved at different times is the same bytes."""
    stamp = moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    when = moment.astimezone(datetime.UTC).timetuple()[:6]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = _CORE_TIMES.sub(lambda m: m[1] + stamp + m[3], content)
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()
