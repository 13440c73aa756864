"""The contract archive: one zip of one side's signed edition that a legal department files.

    python -m planner archive PLAN_ID VERSION [--edition partner|vendor|viewer|full]
                              [--output FILE] [--language de|en]

The zip (``plan-<id>-v<version>-<edition>.zip``) holds

- ``plan-v<version>-<edition>.pdf``: the signed PDF/A-3b, with the plan it shows
  (``plan.json``), the sign-off record and the signed workbook of the same edition embedded;
- ``validation.json`` and ``validation.txt``: the check of that PDF as ``verify`` makes it
  (signature, certificate, trust, the store's record) and of each embedded file, when the
  archive was made;
- ``change-log.json``: the plan's change log up to the signed version, as the edition's reader
  sees it, with the result of the store's check of its hash chain. The row hashes are included
  only when nothing is hidden from the reader: a hash over a hidden value would let a reader
  test guesses of it;
- ``README.txt``: what the files are and how to check them.

Everything in the archive is the edition's: never the whole plan for a side from which values
are hidden. The entries are dated with the signature's time, so archives of one version differ
only in the PDF's signature and the time of the check.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import io
import json
import sys
import zipfile
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from planner import i18n

WORKBOOK = "workbook.xlsx"
"""The embedded workbook's name (as :data:`planner.signoff.editions.WORKBOOK_ATTACHMENT` and
:data:`planner.signoff.verify.EMBEDDED_WORKBOOK`)."""


def workbook_problem(
    files: Mapping[str, bytes], record: Mapping[str, Any], fingerprint: str
) -> str:
    """:func:`planner.signoff.verify.workbook_problem`: what is wrong with a signed PDF's
    embedded workbook ("" when nothing, or none is there)."""
    from planner.signoff import verify

    return verify.workbook_problem(files, record, fingerprint)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def validation(pdf: bytes, name: str) -> dict[str, Any]:
    """The check of a signed PDF and of the files it embeds, as plain data."""
    from planner.signoff import keys as signing
    from planner.signoff import trust as trusting
    from planner.signoff.verify import UNTRUSTED_AUTHORITY, verify_bytes

    verdict = verify_bytes(pdf)
    check = signing.check_pdf(pdf)
    trusted = trusting.load()
    whole = (
        "over the whole file"
        if not check.document_timestamps and not check.validation_data
        else "over the file up to it; after it only validation data and document timestamps"
    )
    files = dict(check.attachments or {})
    record = json.loads(files.get(signing.SIGNOFF_ATTACHMENT, b"{}").decode("utf-8"))
    plan = files.get(signing.PLAN_ATTACHMENT, b"")
    return {
        "file": name,
        "sha256": _sha256(pdf),
        "verified": verdict.ok,
        "verdict": verdict.message,
        "checked_at": datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
        "signature": {
            "format": f"PAdES baseline {check.level} (ETSI.CAdES.detached), {whole}",
            "level": check.level,
            "validation_data": check.validation_data,
            "timestamps": [
                {
                    "kind": "signature" if stamp is check.timestamp else "document",
                    "time": stamp.time.isoformat(),
                    "authority": stamp.authority,
                    "authority_certificate_sha256": stamp.authority_sha256,
                    "authority_certificate_valid_until": _valid_until(stamp.certificates[0]),
                    "matches": stamp.matches_signature,
                    "authority_trusted": trusted.timestamp_why(stamp) or UNTRUSTED_AUTHORITY,
                }
                for stamp in check.timestamps
            ],
            "intact": check.ok,
            "certificate_sha256": check.fingerprint,
            "signing_time": check.signed_at.isoformat() if check.signed_at else None,
            "signing_time_source": check.time_source(),
            "timestamp": None
            if check.timestamp is None
            else {
                "time": check.timestamp.time.isoformat(),
                "authority": check.timestamp.authority,
                "authority_certificate_sha256": check.timestamp.authority_sha256,
                "token_matches_signature": check.timestamp.matches_signature,
            },
        },
        "pdfa": "PDF/A-3b (ISO 19005-3, level B)",
        "embedded": {
            file: {"sha256": _sha256(data), "bytes": len(data)} for file, data in files.items()
        },
        "plan_matches_record": bool(plan) and _sha256(plan) == record.get("edition_hash"),
        "workbook": workbook_problem(files, record, check.fingerprint)
        or "sealed with the same certificate, recording the same sign-off",
        "record": record,
    }


def _valid_until(der: bytes) -> str:
    """When a certificate expires (ISO 8601, UTC): a document timestamp must be renewed
    before its authority's certificate expires."""
    from cryptography import x509

    return x509.load_der_x509_certificate(der).not_valid_after_utc.isoformat()


def _timestamp_lines(signature: Mapping[str, Any]) -> list[str]:
    stamp = signature["timestamp"]
    if stamp is None:
        return ["timestamp: none (PAdES B-B: no timestamp authority was configured)"]
    lines = [
        f"timestamp: {stamp['time']} by {stamp['authority']} "
        f"(certificate SHA-256 {stamp['authority_certificate_sha256']}), token matches the "
        f"signature: {stamp['token_matches_signature']}"
    ]
    lines += [
        f"{s['kind']} timestamp at {s['time']} (authority's certificate valid until "
        f"{s['authority_certificate_valid_until']}): {s['authority_trusted']}"
        for s in signature["timestamps"]
    ]
    if signature["validation_data"]:
        lines.append(
            "validation data in the file: the certificates of the signature and timestamps "
            "(the signing certificate is self-signed: no revocation data exists for it)"
        )
    return lines


def change_log(store: Any, record: Any, edition: str) -> dict[str, Any]:
    """The change log up to the signed version as ``edition``'s reader sees it."""
    from planner import privacy
    from planner.signoff.editions import EDITIONS

    if edition not in EDITIONS:
        raise ValueError(f"edition: {edition!r} is not one of {', '.join(EDITIONS)}")
    plan = store.plan_at(record.plan_id, record.version)
    rows = [c for c in store.log(record.plan_id) if c.version <= record.version]
    audience = "vendor" if edition == "full" else edition
    whole = edition == "full" or not privacy.view(plan, audience).hidden
    if not whole:
        rows = privacy.visible_log(plan, rows, audience)
    chain = store.verify_chain(record.plan_id)
    entries = []
    for row in rows:
        entry = asdict(row)
        entry["at"] = row.at.isoformat()
        if not whole:
            entry.pop("hash")
        entries.append(entry)
    return {
        "plan_id": record.plan_id,
        "up_to_version": record.version,
        "edition": edition,
        "hash_chain": {
            "verified_by_the_store": chain.ok,
            "entries_in_the_store": chain.entries,
            "problems": list(chain.problems),
            "row_hashes": "included" if whole else "left out: they cover values hidden here",
        },
        "changes": entries,
    }


def build(
    store: Any,
    plan_id: str,
    version: int,
    *,
    edition: str = "full",
    language: str | None = None,
    pdf: bytes | None = None,
) -> tuple[str, bytes]:
    """The archive's file name and bytes (see the module docstring); ``pdf`` is the signed
    edition when the caller made it already (it is checked like any other).

    Raises :class:`planner.signoff.editions.NotSignedError` for a version not signed by both
    sides and LookupError for an unknown plan or version."""
    from planner import proposals
    from planner.signoff import editions
    from planner.signoff import keys as signing
    from planner.signoff import records as signoff

    record = signoff.record(store, plan_id, version)
    if record is None:
        raise LookupError(f"version {version} of plan {plan_id} was never frozen")
    plan = signoff.signed_plan(store, record)
    if not record.signed or record.signed_at is None:
        raise editions.NotSignedError(f"version {version} is not signed by both sides")
    lang = language or plan.language
    if pdf is None:
        pdf = editions.signed_pdf(
            plan,
            record,
            edition=edition,
            language=lang,
            proposals=proposals.all_of(store, plan_id),
        )
    if signing.tsa_url() and signing.check_pdf(pdf).level != "B-LTA":
        from planner.signoff import ltv

        pdf = ltv.extend(pdf)  # validation data and a document timestamp: PAdES B-LTA
    pdf_name = f"plan-v{version}-{edition}.pdf"
    report = validation(pdf, pdf_name)
    log = change_log(store, record, edition)
    stamp = report["signature"]["timestamp"]
    documents = [s for s in report["signature"]["timestamps"] if s["kind"] == "document"]
    if stamp is None:
        timing = i18n.t("archive.timing_bb", lang)
    else:
        timing = i18n.t("archive.timing_bt", lang, authority=stamp["authority"], time=stamp["time"])
    if stamp is not None and documents:
        last = documents[-1]
        timing += " " + i18n.t(
            "archive.timing_blta",
            lang,
            authority=last["authority"],
            time=last["time"],
            pdf=pdf_name,
        )
    readme = i18n.t(
        "archive.readme",
        lang,
        title=plan.title,
        version=version,
        edition=edition,
        pdf=pdf_name,
        hash=report["record"].get("edition_hash", ""),
        fingerprint=signing.identity().fingerprint,
        timing=timing,
    )
    text = "\n".join(
        [
            f"{pdf_name}  SHA-256 {report['sha256']}",
            f"verified: {report['verified']}: {report['verdict']}",
            f"signature: {report['signature']['format']}",
            f"certificate SHA-256: {report['signature']['certificate_sha256']}",
            f"signing time: {report['signature']['signing_time']} "
            f"({report['signature']['signing_time_source']})",
            *_timestamp_lines(report["signature"]),
            f"embedded plan matches the sign-off record: {report['plan_matches_record']}",
            f"embedded workbook: {report['workbook']}",
            *(f"embedded {k}: SHA-256 {v['sha256']}" for k, v in report["embedded"].items()),
            f"change log: {len(log['changes'])} changes up to version {version}, hash chain "
            f"verified by the store: {log['hash_chain']['verified_by_the_store']}",
            f"checked at {report['checked_at']}",
            "",
        ]
    )
    moment = record.signed_at.astimezone(datetime.UTC).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (
            ("README.txt", readme.encode("utf-8")),
            (pdf_name, pdf),
            ("validation.json", _json(report)),
            ("validation.txt", text.encode("utf-8")),
            ("change-log.json", _json(log)),
        ):
            entry = zipfile.ZipInfo(name, date_time=moment)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)
    return f"plan-{plan_id}-v{version}-{edition}.zip", out.getvalue()


def _json(data: Any) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True, default=str).encode()


def cmd_archive(args: argparse.Namespace) -> int:
    from planner.cli import UsageError
    from planner.export.cli import _write_atomically
    from planner.signoff.cli import _quiet_libraries
    from planner.signoff.editions import NotSignedError
    from planner.signoff.keys import TimestampError
    from planner.store import Store

    _quiet_libraries()
    store = Store()
    try:
        name, data = build(
            store, args.plan_id, args.version, edition=args.edition, language=args.language
        )
    except (LookupError, NotSignedError, ValueError, TimestampError) as error:
        raise UsageError(" ".join(str(error).split())) from None
    finally:
        store.close()
    target = Path(args.output or name)
    _write_atomically(target, data)
    sys.stdout.write(f"{target}\n")
    return 0


def register(subparsers: Any) -> None:
    """Add ``archive`` to the command line."""
    p = subparsers.add_parser(
        "archive", help="one zip of a signed edition: PDF/A, validation, change log, how to check"
    )
    p.add_argument("plan_id", metavar="PLAN_ID")
    p.add_argument("version", metavar="VERSION", type=int)
    p.add_argument("--edition", default="full", choices=("partner", "vendor", "viewer", "full"))
    p.add_argument("--output", metavar="FILE", help="default: plan-<id>-v<version>-<edition>.zip")
    p.add_argument("--language", choices=i18n.LANGUAGES, help="default: the plan's")
    p.set_defaults(handler=cmd_archive)


__all__ = ["build", "change_log", "register", "validation", "workbook_problem"]
