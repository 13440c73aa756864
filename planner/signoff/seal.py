"""A seal over a signed workbook: an ECDSA signature carried in the zip archive's comment.

An XLSX file is a zip archive. :func:`seal` signs every byte of the archive up to its comment
(every entry as stored, every name, the directory: every sheet, value, formula, text, number
format, defined name and document property a reader sees) with the installation's key
(ECDSA P-256, SHA-256) and writes the signature, the certificate and the moment of the
sign-off as JSON into the archive comment. The comment lies outside the workbook's content:
spreadsheet programs ignore it and drop it when they save, so a workbook saved again reads as
"changed after signing", which it may well be.

:func:`check` needs nothing but the file: it tells whether the seal is intact, the certificate
it names (its SHA-256 fingerprint, which the reader must trust for the seal to mean anything,
see :mod:`planner.signoff.trust`) and, when the bytes differ, which parts of the workbook
changed. The seal is deterministic (RFC 6979 signatures): the same workbook sealed by the same
key at the same sign-off moment is the same bytes.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from planner.signoff import keys as signing

KIND = "partner-planner workbook seal"
FORMAT = 1
_END = b"PK\x05\x06"
_END_SIZE = 22
"""Size of the zip end-of-central-directory record without its comment (bytes)."""
_MAX_COMMENT = 0xFFFF
_FIELDS = {"kind", "format", "algorithm", "signed_at", "sha256", "entries", "certificate"}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MAX_PART = 5_000_000
"""Larger entries are not parsed to name sheets in a message (bytes)."""
MAX_PARTS = 10_000
MAX_EXPANDED = 100 << 20
"""An archive is read only up to this many parts and uncompressed bytes (a zip bomb stops)."""


class SealError(ValueError):
    """The bytes are no zip archive (or a damaged one): the file cannot be read. The message
    completes "the workbook cannot be read: ..."."""


@dataclass(frozen=True)
class SealCheck:
    """What :func:`check` found: ``problem`` is empty when the seal is intact."""

    problem: str = ""
    fingerprint: str = ""
    """SHA-256 fingerprint of the certificate named in the seal (when it could be read)."""
    signed_at: datetime.datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.problem


def _end(data: bytes) -> int:
    """Offset of the end record whose comment runs to the end of ``data``."""
    window = max(0, len(data) - _END_SIZE - _MAX_COMMENT)
    at = data.rfind(_END, window)
    if at < 0 or len(data) < at + _END_SIZE:
        raise SealError("it is no zip archive (no end record)")
    length = int.from_bytes(data[at + 20 : at + 22], "little")
    if at + _END_SIZE + length != len(data):
        raise SealError("its zip archive does not end where its end record says")
    return at


def entries(data: bytes) -> dict[str, str]:
    """Name -> SHA-256 (hex) of the uncompressed bytes of every entry, in archive order.

    Raises :class:`SealError` for an unreadable archive or a name that occurs twice (two
    programs could read two different workbooks from it).
    """
    found: dict[str, str] = {}
    budget = MAX_EXPANDED
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if len(archive.infolist()) > MAX_PARTS:
                raise SealError(f"it has more than {MAX_PARTS} parts")
            for info in archive.infolist():
                if info.filename in found:
                    raise SealError(f"it holds {info.filename!r} twice")
                digest = hashlib.sha256()
                with archive.open(info) as part:  # read in chunks: a zip bomb stops early
                    while chunk := part.read(1 << 16):
                        budget -= len(chunk)
                        if budget < 0:
                            raise SealError(f"it expands to more than {MAX_EXPANDED >> 20} MB")
                        digest.update(chunk)
                found[info.filename] = digest.hexdigest()
    except SealError:
        raise
    except Exception as error:  # zipfile and zlib fail in many ways on damaged bytes
        raise SealError(f"its zip archive is damaged ({type(error).__name__})") from None
    return found


def _message(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def seal(data: bytes, who: signing.Identity, signed_at: datetime.datetime) -> bytes:
    """``data`` (an XLSX file) with a seal in its archive comment (any comment is replaced)."""
    at = _end(data)
    body = data[: at + 20]
    certificate = who.certificate.public_bytes(serialization.Encoding.DER)
    payload = {
        "kind": KIND,
        "format": FORMAT,
        "algorithm": "ECDSA-P256-SHA256",
        "signed_at": signed_at.astimezone(datetime.UTC).isoformat(),
        "sha256": hashlib.sha256(body).hexdigest(),
        "entries": [[name, digest] for name, digest in entries(data).items()],
        "certificate": base64.b64encode(certificate).decode("ascii"),
    }
    key = serialization.load_pem_private_key(who.key_pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("the installation's key is no ECDSA key")
    value = key.sign(_message(payload), ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    comment = _message({**payload, "signature": base64.b64encode(value).decode("ascii")})
    if len(comment) > _MAX_COMMENT:
        raise ValueError("the workbook has too many parts to seal")
    return body + len(comment).to_bytes(2, "little") + comment


def check(data: bytes) -> SealCheck:
    """Whether ``data`` carries an intact seal; SealError when it is no readable archive."""
    at = _end(data)
    comment = data[at + _END_SIZE :]
    if not comment:
        entries(data)  # a damaged archive is unreadable rather than merely unsealed
        return SealCheck(
            "the workbook carries no seal: it is not a signed export, or it was saved again "
            "after signing (saving drops the seal)"
        )
    try:
        found = json.loads(comment.decode("ascii"))
        if not isinstance(found, dict) or set(found) != _FIELDS | {"signature"}:
            raise ValueError("unexpected fields")
        payload = {k: v for k, v in found.items() if k != "signature"}
        if (found["kind"], found["format"], found["algorithm"]) != (
            KIND,
            FORMAT,
            "ECDSA-P256-SHA256",
        ):
            raise ValueError("unknown kind of seal")
        der = base64.b64decode(str(found["certificate"]), validate=True)
        value = base64.b64decode(str(found["signature"]), validate=True)
        signed_at = datetime.datetime.fromisoformat(str(found["signed_at"]))
        if signed_at.tzinfo is None or not _SHA256.match(str(found["sha256"])):
            raise ValueError("bad time or digest")
        certificate = x509.load_der_x509_certificate(der)
    except (UnicodeDecodeError, ValueError, TypeError, binascii.Error):
        return SealCheck("the workbook's seal is damaged (its text cannot be read)")
    print_ = signing.fingerprint(der)
    key = certificate.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        return SealCheck("the workbook's seal names a certificate without a P-256 key", print_)
    try:
        certificate.verify_directly_issued_by(certificate)
        key.verify(value, _message(payload), ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, TypeError):
        return SealCheck("the workbook's seal was altered (its signature does not match)", print_)
    if hashlib.sha256(data[: at + 20]).hexdigest() != found["sha256"]:
        try:
            changes = _changes(data, found)
        except SealError as error:
            changes = str(error)
        return SealCheck(f"the workbook was changed after it was signed: {changes}", print_)
    return SealCheck("", print_, signed_at)


def _changes(data: bytes, found: Mapping[str, Any]) -> str:
    """Which parts differ from the sealed ones, as a reader names them."""
    try:
        sealed = {str(name): str(digest) for name, digest in found["entries"]}
    except (TypeError, ValueError):
        sealed = {}
    now = entries(data)
    sheets = _sheet_names(data)

    def name(part: str) -> str:
        return f"sheet {sheets[part]} ({part})" if part in sheets else part

    def order(part: str) -> tuple[bool, str]:  # sheets first, in the workbook's order
        return part not in sheets, ""

    changed = [name(p) for p in sorted(now, key=order) if p in sealed and now[p] != sealed[p]]
    added = [name(p) for p in sorted(now, key=order) if p not in sealed]
    removed = [p for p in sealed if p not in now]
    parts = []
    for words, items in (("changed", changed), ("added", added), ("removed", removed)):
        if items:
            more = f" and {len(items) - 3} more" if len(items) > 3 else ""
            parts.append(f"{words} {', '.join(items[:3])}{more}")
    return "; ".join(parts) or "its zip structure differs (entries unchanged)"


def _sheet_names(data: bytes) -> dict[str, str]:
    """Part name -> sheet title, read from the workbook as it is now (best effort)."""
    relations = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            book, rels = (
                archive.getinfo(p) for p in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
            )
            if max(book.file_size, rels.file_size) > _MAX_PART:
                return {}
            targets = {
                r.get("Id"): str(r.get("Target", "")).lstrip("/")
                for r in ElementTree.fromstring(archive.read(rels))
            }
            sheets = ElementTree.fromstring(archive.read(book)).iter(f"{main}sheet")
            found = {}
            for sheet in sheets:
                target = targets.get(sheet.get(relations), "")
                part = target if target.startswith("xl/") else f"xl/{target}"
                found[part] = str(sheet.get("name"))
            return found
    except Exception:  # only for naming parts in a message: the plain part names will do
        return {}


def read_property(data: bytes, name: str) -> str | None:
    """The custom document property ``name`` of a workbook (None when it has none)."""
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("docProps/custom.xml")
            if info.file_size > _MAX_PART:
                raise SealError("its document properties are too large")
            root = ElementTree.fromstring(archive.read(info))
    except KeyError:
        return None
    except SealError:
        raise
    except Exception as error:
        raise SealError(f"its document properties are damaged ({type(error).__name__})") from None
    for prop in root.iter(f"{ns}property"):
        if prop.get("name") == name:
            return "".join(prop.itertext())
    return None
