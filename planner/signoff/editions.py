"""Exports of a signed plan version: a PAdES-signed PDF and a workbook with its sign-off.

Both carry the content hash (:func:`planner.plan.files.content_hash`) of the signed plan. The PDF
(PDF/A-3b) embeds the plan's canonical JSON (``plan.json``), the sign-off record
(``signoff.json``) and the signed workbook (``workbook.xlsx``) and is signed with the
installation's key, so :mod:`planner.signoff.verify` can tell whether a file
is the signed plan, unaltered. Apart from the signature (its time and value), the exports of
one signed version are the same bytes whenever they are made: every date printed is the date
of the signature, never the day of the export.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import json
import os
import re
import secrets
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from planner import i18n, privacy
from planner.export import Evidence
from planner.plan.files import canonical_json, content_hash
from planner.plan.schema import Plan
from planner.proposals import Proposal
from planner.signoff import keys as signing
from planner.signoff import seal as sealing
from planner.signoff.records import SIDES, SignOff

FORMAT = 2
"""Version of the ``signoff.json`` record (1: whole plans only, before editions)."""
EDITIONS: tuple[str, ...] = ("vendor", "partner", "viewer", "full")
"""Who an edition is for: a side, a read-only viewer, or the whole plan."""
SECRET_FILE = "edition.key"
"""The commitment secret beside the signing key (32 random bytes, owner-readable)."""
XLSX_PROPERTY = "planner_signoff"
"""Custom document property of a signed workbook holding the sign-off record (JSON)."""
WORKBOOK_ATTACHMENT = "workbook.xlsx"
"""Name of the file in a signed PDF holding the signed workbook of the same edition."""


class NotSignedError(ValueError):
    """The record is not a signed version of this plan."""


def secret(folder: Path | None = None) -> bytes:
    """The installation's commitment secret, made on first use (see the module docstring)."""
    folder = folder or signing.data_dir() / signing.FOLDER
    file = folder / SECRET_FILE
    if not file.is_file():
        signing.identity(folder)  # the folder is made with the key, in one move
        scratch = folder / f".{SECRET_FILE}.{secrets.token_hex(4)}"
        descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(secrets.token_bytes(32))
        try:
            os.link(scratch, file)  # fails when another process made it first: use theirs
        except FileExistsError:
            pass
        finally:
            scratch.unlink()
    return file.read_bytes()


def existing_secret(folder: Path | None = None) -> bytes | None:
    """The commitment secret if this installation has one (never makes it)."""
    file = (folder or signing.data_dir() / signing.FOLDER) / SECRET_FILE
    return file.read_bytes() if file.is_file() else None


def commitment(plan: Plan, key: bytes) -> str:
    """HMAC-SHA-256 (hex) of the plan's content hash under ``key``."""
    return hmac.new(key, content_hash(plan).encode("ascii"), hashlib.sha256).hexdigest()


def _audience(edition: str) -> str:
    if edition not in EDITIONS:
        raise ValueError(f"edition: {edition!r} is not one of {', '.join(EDITIONS)}")
    return "vendor" if edition == "full" else edition


def edition_json(plan: Plan, edition: str, key: bytes | None = None) -> str:
    """What ``edition`` of the signed ``plan`` embeds (``full``: the plan's canonical JSON)."""
    audience = _audience(edition)
    if edition == "full" or not privacy.view(plan, audience).hidden:
        return canonical_json(plan)
    seal = commitment(plan, key if key is not None else secret())
    return privacy.edition_json(plan, audience, seal)


def edition_hash(plan: Plan, edition: str, key: bytes | None = None) -> str:
    """SHA-256 (hex) of :func:`edition_json`: the hash an edition shows and carries."""
    return hashlib.sha256(edition_json(plan, edition, key).encode("utf-8")).hexdigest()


def as_of(proposals: Sequence[Proposal], moment: datetime.datetime) -> list[Proposal]:
    """The proposals made by ``moment``, each as it stood then (a later decision: open)."""
    out = []
    for proposal in proposals:
        if proposal.created_at > moment:
            continue
        if proposal.decided_at is not None and proposal.decided_at > moment:
            proposal = replace(
                proposal,
                status="open",
                decided_at=None,
                decided_by=None,
                decided_side=None,
                decision_reason=None,
                result_version=None,
            )
        out.append(proposal)
    return out


def record_data(
    record: SignOff,
    edition: str = "full",
    digest: str | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """The sign-off record of one edition as plain data (what ``signoff.json`` holds).

    ``digest`` is the edition hash; the content hash of the whole plan is included only when
    it is the same (nothing hidden from the edition's reader). ``language``: the file's
    (records of files made before it was recorded have none).
    """
    digest = digest or record.content_hash
    data: dict[str, Any] = {
        "format": FORMAT,
        "plan_id": record.plan_id,
        "version": record.version,
        "title": record.title,
        "edition": edition,
        "edition_hash": digest,
    }
    if language is not None:
        data["language"] = language
    if digest == record.content_hash:
        data["content_hash"] = record.content_hash
    return data | {
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
    edition: str = "full",
    who: signing.Identity | None = None,
    language: str | None = None,
    key: bytes | None = None,
    proposals: Sequence[Proposal] = (),
    workbook: bytes | None = None,
) -> bytes:
    """``edition`` of the signed version as a PDF/A-3b: the plan as that side sees it, its
    signatories, and a PAdES signature over it all.

    The document embeds, as associated files, the edition's JSON (``plan.json``, its source),
    the sign-off record (``signoff.json``) and the signed workbook of the same edition
    (``workbook.xlsx``; ``workbook`` when the caller made it already, else it is made here).
    They are written with the document, before the signature, which is an incremental update
    that keeps the file PDF/A.

    ``proposals``: the plan's term proposals; the record prints those made before the
    signature, each as it stood then (so every export of the version is the same)."""
    from planner.export import pdf, pdfa

    day = _check(plan, record)
    who = who or signing.identity()
    assert record.signed_at is not None
    lang = language or plan.language
    embedded = edition_json(plan, edition, key)
    digest = hashlib.sha256(embedded.encode("utf-8")).hexdigest()
    if workbook is None:
        workbook = signed_workbook(plan, record, edition=edition, language=lang, key=key, who=who)
    data = record_data(record, edition, digest, lang)
    attachments = [
        pdf.plan_attachment(embedded, lang),
        pdfa.Attachment(
            signing.SIGNOFF_ATTACHMENT,
            json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8"),
            pdfa.JSON_MIME,
            "Data",
            i18n.t("pdf.file.signoff", lang),
        ),
        pdfa.Attachment(
            WORKBOOK_ATTACHMENT, workbook, pdfa.XLSX_MIME, "Data", i18n.t("pdf.file.workbook", lang)
        ),
    ]
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
        evidence=Evidence(who.fingerprint, record.signed_at, timestamped=bool(signing.tsa_url())),
        audience=None if edition == "full" else edition,
        digest=digest,
        proposals=as_of(proposals, record.signed_at),
        attachments=attachments,
    )
    reason = i18n.t(
        "signoff.pdf_reason", lang, version=record.version, title=plan.title, hash=digest
    )
    return signing.sign_pdf(document, who, reason=reason)


def signed_workbook(
    plan: Plan,
    record: SignOff,
    *,
    edition: str = "full",
    language: str | None = None,
    key: bytes | None = None,
    who: signing.Identity | None = None,
) -> bytes:
    """``edition`` of the signed version as a workbook: the plan as that side sees it (what
    it may not see is left out, formulas that would need it hold their values), signatories
    on ``Sign-off``, the record in a document property, the same bytes for every export."""
    from planner.export import xlsx

    day = _check(plan, record)
    who = who or signing.identity()
    assert record.signed_at is not None
    digest = edition_hash(plan, edition, key)
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
        properties={
            XLSX_PROPERTY: json.dumps(
                record_data(record, edition, digest, language or plan.language), sort_keys=True
            )
        },
        audience=None if edition == "full" else edition,
        digest=digest,
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
