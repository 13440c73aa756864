"""Is this PDF or XLSX the signed plan, unaltered, signed by a key the reader trusts?

A file proves itself, without the store: a signed PDF (:func:`planner.signoff.editions.
signed_pdf`) carries a PAdES signature over every byte, a signed workbook a seal
(:mod:`planner.signoff.seal`) over every byte of its archive. Either passes when

1. the signature is intact (nothing changed since it was made);
2. its certificate is trusted (:mod:`planner.signoff.trust`): given on the command line, this
   installation's own, or on a trust list;
3. for a PDF, the embedded plan (``plan.json``) has the SHA-256 its sign-off record names and,
   when nothing is hidden from the edition's reader, is a valid plan in canonical form; the
   embedded workbook (``workbook.xlsx``), when there is one, carries an intact seal of the
   certificate that signed the PDF and the same sign-off record;
4. when a store is configured and answers, and it is the signing installation's or knows the
   plan: the record's version is signed there, with the same hash and signatories.

Anything else is a :class:`Verdict` with ``ok`` false and the reason; a file that cannot be
read at all raises :class:`UnreadableError`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.signoff import bounds, seal
from planner.signoff import keys as signing
from planner.signoff import trust as trusting

MAX_BYTES = 50_000_000
"""Files larger than this are not read (bytes)."""
HASH = re.compile(r"^[0-9a-f]{64}$")
SIDES = ("partner", "vendor")


class UnreadableError(Exception):
    """The file cannot be read as a PDF or a workbook (exit status 2).

    ``key`` and ``params``, where given, are those of the :mod:`planner.limits` refusal, for a
    page to say it in the reader's language (``ui.refusal.<key>``)."""

    def __init__(self, message: str, key: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: ``message`` is one line, the reason when ``ok`` is false."""

    ok: bool
    message: str
    content_hash: str = ""
    """The hash the file's sign-off record names (the edition's hash)."""
    record: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class StoreView:
    """What the store says about a plan version: its signed record, or why it could not be
    asked. ``known`` is whether the store holds the plan at all."""

    reachable: bool
    records: tuple[Any, ...] = ()
    plans: Mapping[tuple[str, int], Any] | None = None
    note: str = ""
    known: bool = False
    latest: Any = None
    """The plan's latest signed version in the store (a sign-off record), None if none."""


# --- the store ---------------------------------------------------------------------------


def _store_configured(env: Mapping[str, str]) -> bool:
    if env.get("PLANNER_DATABASE_URL", "").strip():
        return True
    return (signing.data_dir(env) / "planner.db").is_file()


def ask_store(plan_id: str, version: int, env: Mapping[str, str] | None = None) -> StoreView:
    """The signed record of one plan version, if a store is configured and answers."""
    env = os.environ if env is None else env
    if not _store_configured(env):
        return StoreView(False, note="no store configured")
    try:
        from planner.signoff import records as signoff
        from planner.store import Store

        store = Store()
        try:
            known = store.exists(plan_id)
            found = signoff.record(store, plan_id, version) if known else None
            records = (found,) if found is not None and found.signed else ()
            plans = {(r.plan_id, r.version): signoff.signed_plan(store, r) for r in records}
            latest = signoff.last_signed(store, plan_id) if known else None
        finally:
            store.close()
    except Exception as error:  # any database failure means: the store cannot vouch now
        return StoreView(False, note=f"store not reachable: {type(error).__name__}")
    return StoreView(True, records, plans, known=known, latest=latest)


def _ask(record: Mapping[str, Any]) -> StoreView:
    return ask_store(str(record["plan_id"]), int(record["version"]))


# --- the sign-off record -----------------------------------------------------------------


def _edition(record: Mapping[str, Any]) -> str:
    """Whose edition the file is ("full" when it shows everything)."""
    return str(record.get("edition") or record.get("side") or "full")


def record_hash(record: Mapping[str, Any]) -> str:
    """The hash a record vouches for: its edition's (format 2) or the plan's (format 1)."""
    return str(record.get("edition_hash") or record.get("content_hash"))


def checked_record(raw: object) -> dict[str, Any]:
    """A sign-off record read from a file, checked for shape; ValueError naming what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("it is not a mapping")
    if not isinstance(raw.get("plan_id"), str) or not isinstance(raw.get("title"), str):
        raise ValueError("plan or title missing")
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError("no version")
    hashes = {k: raw[k] for k in ("edition_hash", "content_hash") if raw.get(k) is not None}
    if not hashes or not all(isinstance(h, str) and HASH.match(h) for h in hashes.values()):
        raise ValueError("no SHA-256 hash")
    if len(set(hashes.values())) > 1:
        raise ValueError("its content hash and edition hash differ")
    people = raw.get("signatures")
    if not isinstance(people, dict) or sorted(people) != sorted(SIDES):
        raise ValueError("not signed by both sides")
    for person in people.values():
        if not isinstance(person, dict) or not all(
            isinstance(person.get(k), str) for k in ("name", "title", "date")
        ):
            raise ValueError("a signature without name, title or date")
    return raw


LANGUAGE_NAMES = {"de": "German", "en": "English"}


def describe(record: Mapping[str, Any]) -> str:
    """``signed version 3 of "Title" (plan ID; partner edition, German), hash ..., signed by
    A (CEO) for the partner on ...``: which plan, version, edition and language a file is."""
    people = []
    for side in SIDES:
        person = (record.get("signatures") or {}).get(side)
        if person:
            people.append(
                f"{person['name']} ({person['title']}) for the {side} on {person['date']}"
            )
    edition = _edition(record)
    whose = "whole plan" if edition == "full" else f"{edition} edition"
    language = LANGUAGE_NAMES.get(str(record.get("language")))
    which = f"plan {record['plan_id']}; {whose}" + (f", {language}" if language else "")
    return (
        f'signed version {record["version"]} of "{record["title"]}" ({which}), '
        f"hash {record_hash(record)}, signed by {' and '.join(people) or 'nobody'}"
    )


def _superseded(view: StoreView, version: int) -> str:
    """ "; superseded by version N signed on DATE" when the store knows a later signed one."""
    latest = view.latest
    if latest is None or latest.version <= version or latest.signed_at is None:
        return ""
    return (
        f"; superseded by version {latest.version} signed on {latest.signed_at.date().isoformat()}"
    )


def _signatures(stored: Any) -> dict[str, dict[str, str]]:
    return {
        side: {"name": s.name, "title": s.title, "date": s.date.isoformat()}
        for side, s in sorted(stored.signatures.items())
    }


def _expected_hash(stored: Any, plan: Any, record: Mapping[str, Any]) -> str | None:
    """The hash the store's signed version gives the file's edition (None: cannot tell, as
    when the installation's commitment secret is gone: then the signature stands alone)."""
    if record.get("content_hash"):
        return str(stored.content_hash)
    from planner.signoff import editions

    key = editions.existing_secret()
    if plan is None or key is None:
        return None
    try:
        return editions.edition_hash(plan, _edition(record), key)
    except ValueError:  # an edition name this installation does not make
        return None


def _store_verdict(
    record: Mapping[str, Any], view: StoreView, *, local: bool, suffix: str
) -> Verdict:
    """The verdict once the file is intact and signed by a trusted key."""
    digest = record_hash(record)
    version = int(record["version"])
    if view.reachable and (view.known or local):
        if not view.records:
            return Verdict(
                False,
                f"version {version} of plan {record['plan_id']} (hash {digest}) is not a signed "
                "version in the store",
                digest,
                record,
            )
        stored = view.records[-1]
        plan = (view.plans or {}).get((stored.plan_id, stored.version))
        expected = _expected_hash(stored, plan, record)
        if expected is not None and expected != digest:
            return Verdict(
                False,
                f"the file's hash {digest} is not that of signed version {version} in the "
                f"store ({expected})",
                digest,
                record,
            )
        if record["signatures"] != _signatures(stored):
            return Verdict(
                False,
                "the signatories in the file differ from the store's: "
                f"{describe(record)} / {describe({**record, 'signatures': _signatures(stored)})}",
                digest,
                record,
            )
        later = _superseded(view, version)
        return Verdict(True, describe(record) + later + suffix, digest, record)
    if view.reachable:
        note = "the plan is not in this installation's store: signature checked only"
    else:
        note = f"{view.note}: file checked only"
    return Verdict(True, f"{describe(record)}{suffix} ({note})", digest, record)


def _differences(plan: Any, signed: Any, most: int = 3) -> str:
    from planner.catalogue import diff_data
    from planner.plan.schema import fmt_value

    found = list(diff_data(signed.to_data(), plan.to_data()))
    parts = [f"{p} is {fmt_value(after)}, signed {fmt_value(before)}" for p, before, after in found]
    more = f" and {len(parts) - most} more" if len(parts) > most else ""
    return "; ".join(parts[:most]) + more


# --- PDF ---------------------------------------------------------------------------------


def _default_trust() -> trusting.Trust:
    """This installation's trust (:func:`planner.signoff.trust.load`); a trust list that
    cannot be read makes every check unreadable, said in one line."""
    try:
        return trusting.load()
    except trusting.TrustError as error:
        raise UnreadableError(f"the trust list cannot be read: {_one_line(error)}") from None


def _pdf_keywords(data: bytes) -> str:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    info = reader.trailer_view.get("/Info")
    if info is None:
        return ""
    return str(info.get_object().get("/Keywords", ""))


def _one_line(error: object) -> str:
    return " ".join(str(error).split())


UNTRUSTED_AUTHORITY = (
    "its authority is not trusted here, so its time is that authority's claim only (trust "
    f"comes from its root certificate in {trusting.TSA_TRUST_FILE} in the data folder or in "
    f"the file {trusting.TSA_TRUST_ENV} names)"
)


def authority_trust(stamp: signing.Timestamp, trust: trusting.Trust) -> str:
    """``authority trusted: WHY`` or :data:`UNTRUSTED_AUTHORITY`."""
    why = trust.timestamp_why(stamp)
    return UNTRUSTED_AUTHORITY if why is None else f"authority trusted: {why}"


def timing(check: signing.PdfCheck, trust: trusting.Trust) -> str:
    """Where the signing time comes from, whether each timestamp's authority is trusted, and
    what follows the signature (validation data, document timestamps)."""
    parts = [check.time_source()]
    if check.timestamp is not None:
        parts[0] += f", {authority_trust(check.timestamp, trust)}"
    if check.validation_data:
        parts.append("validation data in the file")
    for stamp in check.document_timestamps:
        parts.append(
            f"document timestamp by {stamp.authority} at {stamp.time.isoformat()}, "
            f"{authority_trust(stamp, trust)}"
        )
    return "; ".join(parts)


def verify_pdf(
    data: bytes, *, view: StoreView | None = None, trust: trusting.Trust | None = None
) -> Verdict:
    """Check a signed PDF export (see the module docstring)."""
    trust = trust if trust is not None else _default_trust()
    try:
        check = signing.check_pdf(data)
    except bounds.BoundsError as error:
        raise UnreadableError(f"the PDF is refused: it {error}") from None
    except ValueError as error:  # its structure is readable, its signature is not
        return Verdict(False, f"the PDF is damaged or was altered: {_one_line(error)}")
    except Exception as error:  # a damaged file breaks the PDF reader in many ways
        raise UnreadableError(f"the PDF cannot be read ({type(error).__name__})") from None
    if not check.ok:
        return Verdict(False, check.problem)
    why = trust.why(check.fingerprint)
    if why is None:
        return Verdict(False, trust.refusal(check.fingerprint))
    files = check.attachments or {}
    if signing.PLAN_ATTACHMENT not in files or signing.SIGNOFF_ATTACHMENT not in files:
        return Verdict(False, "the PDF embeds no signed plan (not a signed export)")
    try:
        record = checked_record(json.loads(files[signing.SIGNOFF_ATTACHMENT].decode("utf-8")))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        return Verdict(False, f"the PDF's sign-off record cannot be read: {_one_line(error)}")
    digest = record_hash(record)
    embedded = files[signing.PLAN_ATTACHMENT]
    actual = hashlib.sha256(embedded).hexdigest()
    if actual != digest:
        return Verdict(
            False, f"the embedded plan has hash {actual}, its sign-off record names {digest}"
        )
    if record.get("content_hash"):  # the whole plan: it must be one, in canonical form
        from planner.plan.files import canonical_json
        from planner.plan.validation import validate

        try:
            text = embedded.decode("utf-8")
            if canonical_json(validate(json.loads(text))) != text:
                raise ValueError("it is not in canonical form")
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            reason = _one_line(error)
            return Verdict(False, f"the PDF's embedded plan is not a valid plan: {reason}")
    if problem := workbook_problem(files, record, check.fingerprint):
        return Verdict(False, problem)
    try:
        keywords = _pdf_keywords(data)
    except Exception as error:
        raise UnreadableError(f"the PDF cannot be read ({type(error).__name__})") from None
    if digest not in keywords:
        return Verdict(False, f"the PDF's pages are not those of the plan with hash {digest}")
    view = view if view is not None else _ask(record)
    suffix = (
        f"; PDF signature intact, PAdES {check.level} ({timing(check, trust)}), "
        f"certificate SHA-256 {check.fingerprint} ({why})"
    )
    return _store_verdict(record, view, local=trust.is_local(check.fingerprint), suffix=suffix)


# --- XLSX --------------------------------------------------------------------------------

XLSX_PROPERTY = "planner_signoff"
"""Custom document property of a signed workbook holding the sign-off record (JSON); the
same name as :data:`planner.signoff.editions.XLSX_PROPERTY` (not imported: it pulls in the
store, which a check without a store never needs)."""


EMBEDDED_WORKBOOK = "workbook.xlsx"
"""The name of the workbook a signed PDF embeds (:data:`planner.signoff.archive.WORKBOOK`)."""


def workbook_problem(
    files: Mapping[str, bytes], record: Mapping[str, Any], fingerprint: str
) -> str:
    """What is wrong with a signed PDF's embedded workbook ("" when nothing, or none is there):
    its seal must be intact, made with the certificate that signed the PDF, and its sign-off
    record must be the PDF's."""
    workbook = files.get(EMBEDDED_WORKBOOK)
    if workbook is None:
        return ""
    try:
        sealed = seal.check(workbook)
        raw = seal.read_property(workbook, XLSX_PROPERTY)
        own = None if raw is None else checked_record(json.loads(raw))
    except (ValueError, RecursionError) as error:
        return f"the PDF's embedded workbook cannot be read ({' '.join(str(error).split())})"
    if not sealed.ok:
        return f"the PDF's embedded workbook: {sealed.problem}"
    if sealed.fingerprint != fingerprint:
        return "the PDF's embedded workbook is sealed with another certificate than the PDF"
    if own != dict(record):
        return "the PDF's embedded workbook records another sign-off than the PDF"
    return ""


def _workbook_record(data: bytes) -> dict[str, Any] | None:
    raw = seal.read_property(data, XLSX_PROPERTY)
    return None if raw is None else checked_record(json.loads(raw))


def _refused(data: bytes) -> UnreadableError | None:
    """The refusal of the limits every workbook from a person passes (:mod:`planner.limits`)
    for an unsealed or altered one (None when they pass it). A sealed, intact workbook is the
    app's own."""
    from planner import limits

    try:
        limits.check_workbook(data)
    except limits.RefusedError as refused:
        message = f"the workbook is refused: it {_one_line(refused)}"
        return UnreadableError(message, refused.key, **refused.params)
    except Exception:  # damaged: the seal's verdict says so
        return None
    return None


def _inputs_detail(data: bytes, view: StoreView | None) -> str:
    """For a workbook that fails: which inputs differ from the signed version in the store
    ("" when that cannot be told). Only a hint: the verdict is already "not verified"."""
    try:
        record = _workbook_record(data)
        if record is None or not record.get("content_hash"):
            return ""
        view = view if view is not None else _ask(record)
        signed = (view.plans or {}).get((str(record["plan_id"]), int(record["version"])))
        if not view.reachable or signed is None:
            return ""
        from planner.export.workbook_import import read_workbook

        found = _differences(read_workbook(data), signed)
    except Exception:  # a hint only; the file may be anything
        return ""
    return f"; its inputs differ from signed version {record['version']}: {found}" if found else ""


def verify_xlsx(
    data: bytes, *, view: StoreView | None = None, trust: trusting.Trust | None = None
) -> Verdict:
    """Check a signed workbook export (see the module docstring)."""
    trust = trust if trust is not None else _default_trust()
    try:
        sealed = seal.check(data)
    except seal.SealError as error:
        raise UnreadableError(f"the workbook cannot be read: {_one_line(error)}") from None
    if not sealed.ok:
        refused = _refused(data)
        if refused is not None:
            raise refused
        return Verdict(False, sealed.problem + _inputs_detail(data, view))
    why = trust.why(sealed.fingerprint)
    if why is None:
        return Verdict(False, trust.refusal(sealed.fingerprint))
    try:
        record = _workbook_record(data)
    except seal.SealError as error:
        raise UnreadableError(f"the workbook cannot be read: {_one_line(error)}") from None
    except (ValueError, RecursionError) as error:
        return Verdict(False, f"the workbook's sign-off record cannot be read: {_one_line(error)}")
    if record is None:
        return Verdict(False, "the workbook carries no sign-off record (not a signed export)")
    view = view if view is not None else _ask(record)
    suffix = f"; workbook seal intact, certificate SHA-256 {sealed.fingerprint} ({why})"
    return _store_verdict(record, view, local=trust.is_local(sealed.fingerprint), suffix=suffix)


# --- files -------------------------------------------------------------------------------


def verify_bytes(
    data: bytes, *, view: StoreView | None = None, trust: trusting.Trust | None = None
) -> Verdict:
    """Check the bytes of a PDF or XLSX file; UnreadableError for anything else.

    ``trust`` defaults to :func:`planner.signoff.trust.load` (this installation's certificate,
    its trust list and ``PLANNER_TRUSTED_FINGERPRINTS``).
    """
    if data.startswith(b"%PDF-"):
        return verify_pdf(data, view=view, trust=trust)
    if data.startswith(b"PK\x03\x04"):
        return verify_xlsx(data, view=view, trust=trust)
    raise UnreadableError("the file is neither a PDF nor an XLSX workbook")


def verify_file(path: str | Path, *, trust: trusting.Trust | None = None) -> Verdict:
    """Check a file on disk; UnreadableError when it cannot be read."""
    file = Path(path)
    try:
        if file.is_dir():
            raise UnreadableError(f"{file} is a directory")
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise UnreadableError(f"{file} is larger than {MAX_BYTES // 1_000_000} MB")
        with file.open("rb") as opened:
            if opened.read(5) == b"%PDF-" and size > bounds.MAX_PDF_BYTES:
                limit = bounds.MAX_PDF_BYTES // 1_000_000
                raise UnreadableError(f"the PDF is refused: it is larger than {limit} MB")
        data = file.read_bytes()
    except FileNotFoundError:
        raise UnreadableError(f"{file} does not exist") from None
    except OSError as error:
        raise UnreadableError(f"{file} cannot be read: {error.strerror}") from None
    return verify_bytes(data, trust=trust)
