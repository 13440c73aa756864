"""Is this PDF or XLSX the signed plan, unaltered?

A signed PDF (:func:`planner.signoff.editions.signed_pdf`) passes when its PAdES signature is
intact and covers the whole file, the plan it embeds has the content hash its sign-off record
and its document properties name, and (when the store is reachable) that hash is a version
both sides signed, signed with this installation's key. A workbook passes when its ``Inputs``
sheet, read back with :func:`planner.export.workbook_import.read_workbook`, has the content
hash its ``Sign-off`` sheet and document properties record, and (store reachable) that hash
is a signed version. Anything else is a :class:`Verdict` with ``ok`` false and the reason;
a file that is neither a PDF nor a workbook raises :class:`UnreadableError`.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.plan import Plan, PlanError, canonical_json, content_hash, fmt_value, validate
from planner.signoff import keys as signing

MAX_BYTES = 50_000_000
"""Files larger than this are not read (bytes)."""
HASH = re.compile(r"^[0-9a-f]{64}$")


class UnreadableError(Exception):
    """The file cannot be read as a PDF or a workbook (exit status 2)."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: ``message`` is one line, the reason when ``ok`` is false."""

    ok: bool
    message: str
    content_hash: str = ""
    record: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class StoreView:
    """What the store says about a hash: the signed records, or why it could not be asked."""

    reachable: bool
    records: tuple[Any, ...] = ()
    plans: Mapping[tuple[str, int], Plan] | None = None
    note: str = ""


# --- the store ---------------------------------------------------------------------------


def _store_configured(env: Mapping[str, str]) -> bool:
    if env.get("PLANNER_DATABASE_URL", "").strip():
        return True
    return (signing.data_dir(env) / "planner.db").is_file()


def ask_store(digest: str, env: Mapping[str, str] | None = None) -> StoreView:
    """The signed versions with this content hash, if a store is configured and answers."""
    env = os.environ if env is None else env
    if not _store_configured(env):
        return StoreView(False, note="no store configured")
    try:
        from planner.signoff import records as signoff
        from planner.store import Store

        store = Store()
        try:
            records = tuple(r for r in signoff.by_hash(store, digest) if r.signed)
            plans = {(r.plan_id, r.version): signoff.signed_plan(store, r) for r in records}
        finally:
            store.close()
    except Exception as error:  # any database failure means: the store cannot vouch now
        return StoreView(False, note=f"store not reachable: {type(error).__name__}")
    return StoreView(True, records, plans)


# --- messages ----------------------------------------------------------------------------


def describe(record: Mapping[str, Any]) -> str:
    """``signed version 3 of "Title", hash ..., signed by A (CEO) for the partner on ...``."""
    people = []
    for side in ("partner", "vendor"):
        person = (record.get("signatures") or {}).get(side)
        if person:
            people.append(
                f"{person['name']} ({person['title']}) for the {side} on {person['date']}"
            )
    return (
        f'signed version {record["version"]} of "{record["title"]}", '
        f"hash {record['content_hash']}, signed by {' and '.join(people) or 'nobody'}"
    )


def _record_of(signed: Any) -> dict[str, Any]:
    from planner.signoff.editions import record_data

    return record_data(signed)


def _differences(plan: Plan, signed: Plan, most: int = 3) -> str:
    from planner.store import diff_data

    found = list(diff_data(signed.to_data(), plan.to_data()))
    parts = [f"{p} is {fmt_value(after)}, signed {fmt_value(before)}" for p, before, after in found]
    more = f" and {len(parts) - most} more" if len(parts) > most else ""
    return "; ".join(parts[:most]) + more


def _store_verdict(
    digest: str,
    record: Mapping[str, Any] | None,
    view: StoreView,
    *,
    suffix: str = "",
) -> Verdict:
    """The final verdict once the file itself is consistent with ``digest``."""
    if view.reachable:
        if not view.records:
            return Verdict(
                False, f"hash {digest} is not a signed version in the store", digest, record
            )
        stored = _record_of(view.records[-1])
        if record is not None and _people(record) != _people(stored):
            return Verdict(
                False,
                "the signatories in the file differ from the store's: "
                f"{describe(record)} / {describe(stored)}",
                digest,
                record,
            )
        return Verdict(True, describe(stored) + suffix, digest, stored)
    if record is None:
        return Verdict(False, f"the file carries no sign-off record ({view.note})", digest)
    return Verdict(True, f"{describe(record)}{suffix} ({view.note}: file checked only)", digest)


def _people(record: Mapping[str, Any]) -> Any:
    return record.get("version"), record.get("signatures")


# --- PDF ---------------------------------------------------------------------------------


def _pdf_keywords(data: bytes) -> str:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    info = reader.trailer_view.get("/Info")
    if info is None:
        return ""
    return str(info.get_object().get("/Keywords", ""))


def verify_pdf(
    data: bytes, *, view: StoreView | None = None, fingerprint: str | None = None
) -> Verdict:
    """Check a signed PDF export (see the module docstring)."""
    try:
        check = signing.check_pdf(data)
    except ValueError as error:
        return Verdict(False, f"the PDF is damaged or was altered: {error}")
    if not check.ok:
        return Verdict(False, check.problem)
    files = check.attachments or {}
    if signing.PLAN_ATTACHMENT not in files or signing.SIGNOFF_ATTACHMENT not in files:
        return Verdict(False, "the PDF embeds no signed plan (not a signed export)")
    try:
        text = files[signing.PLAN_ATTACHMENT].decode("utf-8")
        plan = validate(json.loads(text))
        record = json.loads(files[signing.SIGNOFF_ATTACHMENT].decode("utf-8"))
        recorded = str(record["content_hash"])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        return Verdict(False, f"the PDF's embedded plan cannot be read: {error}")
    digest = content_hash(plan)
    if canonical_json(plan) != text or digest != recorded:
        return Verdict(
            False, f"the embedded plan has hash {digest}, its sign-off record names {recorded}"
        )
    if digest not in _pdf_keywords(data):
        return Verdict(False, f"the PDF's pages are not those of the plan with hash {digest}")
    if fingerprint is not None and _norm(fingerprint) != _norm(check.fingerprint):
        return Verdict(
            False,
            f"signed with certificate {check.fingerprint}, not the expected {fingerprint}",
            digest,
            record,
        )
    view = view if view is not None else ask_store(digest)
    local = _local_fingerprint()
    if view.reachable and view.records and local and local != check.fingerprint:
        return Verdict(
            False,
            f"signed with certificate {check.fingerprint}, not this installation's ({local})",
            digest,
            record,
        )
    whose = " (this installation)" if local == check.fingerprint else ""
    suffix = f"; PDF signature intact, certificate SHA-256 {check.fingerprint}{whose}"
    return _store_verdict(digest, record, view, suffix=suffix)


def _norm(fingerprint: str) -> str:
    return re.sub(r"[^0-9A-F]", "", fingerprint.upper())


def _local_fingerprint() -> str:
    certificate = signing.data_dir() / signing.FOLDER / signing.CERT_FILE
    if not certificate.is_file():
        return ""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    loaded = x509.load_pem_x509_certificate(certificate.read_bytes())
    return signing.fingerprint(loaded.public_bytes(serialization.Encoding.DER))


# --- XLSX --------------------------------------------------------------------------------


def _recorded_in_workbook(data: bytes) -> tuple[set[str], dict[str, Any] | None]:
    """The content hashes a workbook names (Sign-off cell, keywords) and its sign-off record."""
    from openpyxl import load_workbook

    from planner.export.xlsx import SIGN_OFF
    from planner.signoff.editions import XLSX_PROPERTY

    book = load_workbook(io.BytesIO(data), data_only=True)
    hashes: set[str] = set()
    name = book.defined_names.get("content_hash")
    if name is not None:
        for sheet, cell in name.destinations:
            if sheet == SIGN_OFF:
                hashes.add(str(book[sheet][cell.replace("$", "")].value or "").strip())
    for part in str(book.properties.keywords or "").split(";"):
        key, _, value = part.strip().partition(":")
        if key == "content_hash":
            hashes.add(value.strip())
    record = None
    for prop in book.custom_doc_props.props:
        if prop.name == XLSX_PROPERTY:
            record = json.loads(str(prop.value))
    return hashes, record


def verify_xlsx(data: bytes, *, view: StoreView | None = None) -> Verdict:
    """Check a workbook export (see the module docstring)."""
    from planner.export.workbook_import import check_upload, read_workbook

    try:
        check_upload(data)
        hashes, record = _recorded_in_workbook(data)
    except (PlanError, ValueError, KeyError, zipfile.BadZipFile, OSError) as error:
        raise UnreadableError(f"the workbook cannot be read: {error}") from None
    if not hashes or "" in hashes:
        return Verdict(False, "the workbook records no content hash (Sign-off sheet)")
    if len(hashes) > 1:
        return Verdict(False, f"the workbook records different hashes: {', '.join(sorted(hashes))}")
    (recorded,) = hashes
    if not HASH.match(recorded):
        return Verdict(False, f"the workbook's recorded hash {recorded!r} is not a SHA-256")
    if record is not None and record.get("content_hash") != recorded:
        return Verdict(False, "the workbook's sign-off record names another hash")
    view = view if view is not None else ask_store(recorded)
    try:
        plan = read_workbook(data)
    except PlanError as error:
        return Verdict(False, f"the workbook's inputs are not a valid plan: {error}", recorded)
    digest = content_hash(plan)
    if digest != recorded:
        detail = ""
        if view.reachable and view.records and view.plans:
            signed = view.records[-1]
            detail = ": " + _differences(plan, view.plans[(signed.plan_id, signed.version)])
        return Verdict(
            False,
            f"the workbook's inputs have hash {digest}, not the recorded {recorded}{detail}",
            digest,
            record,
        )
    changed = _changed_formula(data, plan, record, view)
    if changed:
        return Verdict(False, changed, digest, record)
    return _store_verdict(digest, record, view)


def _formulas(data: bytes) -> dict[tuple[str, str], str]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return {
        (sheet.title, cell.coordinate): str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=")
    }


def _changed_formula(
    data: bytes, plan: Plan, record: Mapping[str, Any] | None, view: StoreView
) -> str:
    """Where the workbook's formulas differ from those this app writes for the signed plan
    ("" when none do): the inputs alone would not show an edited formula."""
    from planner.signoff.editions import signed_workbook

    signed = next(iter(view.records[-1:]), None) if view.reachable else None
    if signed is None:
        signed = _record_from_data(record)
    if signed is None:
        return ""
    ours = _formulas(signed_workbook(plan, signed, language=_workbook_language(data)))
    theirs = _formulas(data)
    for where in sorted(set(ours) | set(theirs)):
        if ours.get(where) != theirs.get(where):
            sheet, cell = where
            return (
                f"the formula in {sheet}!{cell} is {theirs.get(where, 'missing')}, "
                f"the signed workbook has {ours.get(where, 'none')}"
            )
    return ""


def _workbook_language(data: bytes) -> str:
    from openpyxl import load_workbook

    language = str(load_workbook(io.BytesIO(data), read_only=True).properties.language or "")
    return "de" if language.startswith("de") else "en"


def _record_from_data(record: Mapping[str, Any] | None) -> Any:
    """A sign-off record rebuilt from a workbook's ``planner_signoff`` property."""
    import datetime

    from planner.signoff.records import Signature, SignOff

    if record is None or not record.get("signed_at"):
        return None
    try:
        at = datetime.datetime.fromisoformat(str(record["signed_at"]))
        return SignOff(
            plan_id=str(record["plan_id"]),
            version=int(record["version"]),
            content_hash=str(record["content_hash"]),
            title=str(record["title"]),
            status="signed",
            frozen_at=at,
            frozen_by="",
            frozen_side="",
            signed_at=at,
            signatures={
                side: Signature(
                    side,
                    str(s["name"]),
                    str(s["title"]),
                    datetime.date.fromisoformat(s["date"]),
                    at,
                    "",
                )
                for side, s in dict(record["signatures"]).items()
            },
        )
    except (KeyError, TypeError, ValueError):
        return None


# --- files -------------------------------------------------------------------------------


def verify_bytes(data: bytes, *, view: StoreView | None = None) -> Verdict:
    """Check the bytes of a PDF or XLSX file; UnreadableError for anything else."""
    if data.startswith(b"%PDF-"):
        return verify_pdf(data, view=view)
    if data.startswith(b"PK\x03\x04"):
        return verify_xlsx(data, view=view)
    raise UnreadableError("the file is neither a PDF nor an XLSX workbook")


def verify_file(path: str | Path, *, fingerprint: str | None = None) -> Verdict:
    """Check a file on disk; UnreadableError when it cannot be read."""
    file = Path(path)
    try:
        if file.is_dir():
            raise UnreadableError(f"{file} is a directory")
        if file.stat().st_size > MAX_BYTES:
            raise UnreadableError(f"{file} is larger than {MAX_BYTES // 1_000_000} MB")
        data = file.read_bytes()
    except FileNotFoundError:
        raise UnreadableError(f"{file} does not exist") from None
    except OSError as error:
        raise UnreadableError(f"{file} cannot be read: {error.strerror}") from None
    if data.startswith(b"%PDF-"):
        return verify_pdf(data, fingerprint=fingerprint)
    return verify_bytes(data)
