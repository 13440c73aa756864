"""A seal over a signed workbook: an ECDSA signature in a part of the workbook's own package.

An XLSX file is a zip archive of parts (an OPC package). :func:`seal` adds one part,
:data:`PART`, holding as JSON the signature, the certificate and the moment of the sign-off,
declared like any part: its content type in ``[Content_Types].xml`` and a package relationship
of its own type (:data:`RELATIONSHIP`) in ``_rels/.rels``. Spreadsheet programs ignore a part
of a type they do not know, so the signed workbook opens, recalculates and prints like any
other; when they save it they drop the part, so a workbook saved again reads as "carries no
seal", which it may well be changed since.

The seal is the last entry of the archive. It signs (ECDSA P-256, SHA-256, with the
installation's key) every byte of the archive before it and every central-directory record
of the other entries: every part as stored, every name, the declarations of the seal itself,
hence every sheet, value, formula, text, number format, defined name and document property a
reader sees. The seal's own bytes (its entry, its directory record, the end record) are what
:func:`seal` writes for them, byte for byte, or the check fails: nothing in the file is left
unchecked. The seal also lists each part's SHA-256, only to name what changed.

:func:`check` needs nothing but the file: it tells whether the seal is intact, the certificate
it names (its SHA-256 fingerprint, which the reader must trust for the seal to mean anything,
see :mod:`planner.signoff.trust`) and, when the bytes differ, which parts changed. The seal is
deterministic (RFC 6979 signatures): the same workbook sealed by the same key at the same
sign-off moment is the same bytes.

Workbooks signed before the seal was a part (format 1) carry it in the archive's comment, over
every byte up to the comment; :func:`check` still reads them, :func:`seal` writes format 2.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import io
import json
import re
import struct
import zipfile
import zlib
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
FORMAT = 2
"""Format of the seal :func:`seal` writes (1: in the archive comment, read only)."""
PART = "partner-planner/seal.json"
"""The seal's part in the package."""
CONTENT_TYPE = "application/vnd.partner-planner.seal+json"
RELATIONSHIP = "urn:partner-planner:workbook-seal"
"""Type of the package relationship (``_rels/.rels``) that points at :data:`PART`."""
RELATIONSHIP_ID = "plannerSeal"
_CONTENT_TYPES = "[Content_Types].xml"
_PACKAGE_RELS = "_rels/.rels"
_OVERRIDE = f'<Override PartName="/{PART}" ContentType="{CONTENT_TYPE}"/>'.encode()
_RELATION = (
    f'<Relationship Id="{RELATIONSHIP_ID}" Type="{RELATIONSHIP}" Target="/{PART}"/>'
).encode()
_END = b"PK\x05\x06"
_END_SIZE = 22
"""Size of the zip end-of-central-directory record without its comment (bytes)."""
_LOCAL_SIZE = 30
_CENTRAL_SIZE = 46
_MAX_COMMENT = 0xFFFF
_FIELDS = {"kind", "format", "algorithm", "signed_at", "sha256", "entries", "certificate"}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MAX_PART = 5_000_000
"""Larger entries are not parsed to name sheets in a message (bytes)."""
MAX_SEAL = 2_000_000
"""A seal part larger than this is not read (bytes; 10,000 parts listed take about 1 MB)."""
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


NO_SEAL = (
    "the workbook carries no seal: it is not a signed export, or it was saved again after "
    "signing (saving drops the seal)"
)


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


def _archive(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as error:  # zipfile fails in many ways on damaged bytes
        raise SealError(f"its zip archive is damaged ({type(error).__name__})") from None
    if len(archive.infolist()) > MAX_PARTS:
        raise SealError(f"it has more than {MAX_PARTS} parts")
    return archive


def _walk(data: bytes, *, keep: bool) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """Every entry in archive order with its uncompressed bytes (``keep``) or their SHA-256
    (hex, ASCII). SealError for an unreadable archive, a name that occurs twice (two programs
    could read two different workbooks from it) or more than :data:`MAX_EXPANDED` bytes."""
    found: list[tuple[zipfile.ZipInfo, bytes]] = []
    names: set[str] = set()
    budget = MAX_EXPANDED
    try:
        with _archive(data) as archive:
            for info in archive.infolist():
                if info.filename in names:
                    raise SealError(f"it holds {info.filename!r} twice")
                names.add(info.filename)
                chunks = []
                digest = hashlib.sha256()
                with archive.open(info) as part:  # read in chunks: a zip bomb stops early
                    while chunk := part.read(1 << 16):
                        budget -= len(chunk)
                        if budget < 0:
                            raise SealError(f"it expands to more than {MAX_EXPANDED >> 20} MB")
                        if keep:
                            chunks.append(chunk)
                        else:
                            digest.update(chunk)
                kept = b"".join(chunks) if keep else digest.hexdigest().encode("ascii")
                found.append((info, kept))
    except SealError:
        raise
    except Exception as error:  # zipfile and zlib fail in many ways on damaged bytes
        raise SealError(f"its zip archive is damaged ({type(error).__name__})") from None
    return found


def entries(data: bytes) -> dict[str, str]:
    """Name -> SHA-256 (hex) of the uncompressed bytes of every entry, in archive order.

    Raises :class:`SealError` for an unreadable archive or a name that occurs twice.
    """
    return {info.filename: digest.decode("ascii") for info, digest in _walk(data, keep=False)}


def _message(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _declared(name: str, content: bytes) -> bytes:
    """``[Content_Types].xml`` or ``_rels/.rels`` declaring the seal's part (once)."""
    if name == _CONTENT_TYPES and f'PartName="/{PART}"'.encode() not in content:
        at = content.rfind(b"</Types>")
        if at < 0:
            raise ValueError(f"the workbook's {_CONTENT_TYPES} has no end tag")
        return content[:at] + _OVERRIDE + content[at:]
    if name == _PACKAGE_RELS and f'Id="{RELATIONSHIP_ID}"'.encode() not in content:
        at = content.rfind(b"</Relationships>")
        if at < 0:
            raise ValueError(f"the workbook's {_PACKAGE_RELS} has no end tag")
        return content[:at] + _RELATION + content[at:]
    return content


def _dos_time(moment: datetime.datetime) -> tuple[int, int]:
    """The zip format's (time, date) fields of ``moment`` in UTC."""
    at = moment.astimezone(datetime.UTC)
    return (
        at.hour << 11 | at.minute << 5 | at.second // 2,
        (max(at.year, 1980) - 1980) << 9 | at.month << 5 | at.day,
    )


def _tail(
    head: bytes, directory: bytes, count: int, content: bytes, moment: datetime.datetime
) -> bytes:
    """The archive ``head`` (every entry before the seal) + the seal's entry + ``directory``
    (the other entries' records, ``count`` of them) + the seal's record + the end record,
    exactly as :func:`seal` writes them: stored, no extra fields, no comment."""
    name = PART.encode("ascii")
    time, date = _dos_time(moment)
    crc = zlib.crc32(content)
    size = len(content)
    local = struct.pack(
        "<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, time, date, crc, size, size, len(name), 0
    )
    central = struct.pack(
        "<4s6H3L5H2L",
        b"PK\x01\x02",
        3 << 8 | 20,  # made on Unix (permissions below), zip 2.0, as Python's zipfile writes
        20,
        0,
        0,
        time,
        date,
        crc,
        size,
        size,
        len(name),
        0,  # extra field
        0,  # comment
        0,  # disk
        0,  # internal attributes
        0o600 << 16,  # ?rw-------
        len(head),
    )
    start = len(head) + len(local) + len(name) + size
    end = struct.pack(
        "<4s4H2LH",
        _END,
        0,
        0,
        count + 1,
        count + 1,
        len(directory) + len(central) + len(name),
        start,
        0,
    )
    return head + local + name + content + directory + central + name + end


def _split(plain: bytes) -> tuple[bytes, bytes, int]:
    """(every entry, the central directory, its number of records) of an archive written
    without a comment."""
    at = _end(plain)
    count, size, start = struct.unpack("<2xH2L", plain[at + 8 : at + 20])
    if at != start + size:
        raise SealError("its central directory is not where its end record says")
    return plain[:start], plain[start:at], count


def seal(data: bytes, who: signing.Identity, signed_at: datetime.datetime) -> bytes:
    """``data`` (an XLSX file) with a seal part (see the module docstring); a seal it carries
    already, in a part or in the archive comment, is replaced."""
    parts = [(i, c) for i, c in _walk(data, keep=True) if i.filename != PART]
    names = {info.filename for info, _ in parts}
    if not {_CONTENT_TYPES, _PACKAGE_RELS} <= names:
        raise ValueError(f"the workbook has no {_CONTENT_TYPES} or {_PACKAGE_RELS}")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info, content in parts:
            target.writestr(info, _declared(info.filename, content))
    head, directory, count = _split(out.getvalue())
    certificate = who.certificate.public_bytes(serialization.Encoding.DER)
    payload = {
        "kind": KIND,
        "format": FORMAT,
        "algorithm": "ECDSA-P256-SHA256",
        "signed_at": signed_at.astimezone(datetime.UTC).isoformat(),
        "sha256": hashlib.sha256(head + directory).hexdigest(),
        "entries": [
            [info.filename, hashlib.sha256(_declared(info.filename, content)).hexdigest()]
            for info, content in parts
        ],
        "certificate": base64.b64encode(certificate).decode("ascii"),
    }
    key = serialization.load_pem_private_key(who.key_pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("the installation's key is no ECDSA key")
    value = key.sign(_message(payload), ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    content = _message({**payload, "signature": base64.b64encode(value).decode("ascii")})
    return _tail(head, directory, count, content, signed_at)


@dataclass(frozen=True)
class _Read:
    """A seal's text, read and its signature checked."""

    found: Mapping[str, Any]
    fingerprint: str
    signed_at: datetime.datetime


def _read(text: bytes, form: int) -> _Read | SealCheck:
    """The seal in ``text`` with its signature checked, or the problem found."""
    try:
        found = json.loads(text.decode("ascii"))
        if not isinstance(found, dict) or set(found) != _FIELDS | {"signature"}:
            raise ValueError("unexpected fields")
        payload = {k: v for k, v in found.items() if k != "signature"}
        if (found["kind"], found["format"], found["algorithm"]) != (
            KIND,
            form,
            "ECDSA-P256-SHA256",
        ):
            raise ValueError("unknown kind of seal")
        der = base64.b64decode(str(found["certificate"]), validate=True)
        value = base64.b64decode(str(found["signature"]), validate=True)
        signed_at = datetime.datetime.fromisoformat(str(found["signed_at"]))
        if signed_at.tzinfo is None or not _SHA256.match(str(found["sha256"])):
            raise ValueError("bad time or digest")
        certificate = x509.load_der_x509_certificate(der)
    except (UnicodeDecodeError, ValueError, TypeError, binascii.Error, RecursionError):
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
    if form == FORMAT and text != _message(found):
        return SealCheck("the workbook's seal was altered (it is not as it was written)", print_)
    return _Read(found, print_, signed_at)


def _changed(data: bytes, read: _Read) -> SealCheck:
    try:
        changes = _changes(data, read.found)
    except SealError as error:
        changes = str(error)
    return SealCheck(f"the workbook was changed after it was signed: {changes}", read.fingerprint)


def check(data: bytes) -> SealCheck:
    """Whether ``data`` carries an intact seal; SealError when it is no readable archive."""
    at = _end(data)
    with _archive(data) as archive:
        try:
            info = archive.getinfo(PART)
        except KeyError:
            info = None
        if info is None:
            if data[at + _END_SIZE :]:
                return _check_comment(data, at)
            entries(data)  # a damaged archive is unreadable rather than merely unsealed
            return SealCheck(NO_SEAL)
        if info.file_size > MAX_SEAL or info.compress_size > MAX_SEAL:
            return SealCheck("the workbook's seal is damaged (it is too large)")
        try:
            text = archive.read(info)
        except Exception:  # a bad checksum or compression: the seal's bytes were changed
            return SealCheck("the workbook's seal is damaged (its text cannot be read)")
    read = _read(text, FORMAT)
    if isinstance(read, SealCheck):
        return read
    count, size, start = struct.unpack("<2xH2L", data[at + 8 : at + 20])
    head = data[: info.header_offset]
    directory = data[start : start + size - _CENTRAL_SIZE - len(PART)]
    digest = hashlib.sha256(head + directory).hexdigest()
    if digest != read.found["sha256"]:
        return _changed(data, read)
    if _tail(head, directory, count - 1, text, read.signed_at) != data:
        return SealCheck(
            "the workbook was changed after it was signed: its zip structure differs "
            "(entries unchanged)",
            read.fingerprint,
        )
    return SealCheck("", read.fingerprint, read.signed_at)


def _check_comment(data: bytes, at: int) -> SealCheck:
    """A format 1 seal: in the archive comment, over every byte before the comment."""
    read = _read(data[at + _END_SIZE :], 1)
    if isinstance(read, SealCheck):
        return read
    if hashlib.sha256(data[: at + 20]).hexdigest() != read.found["sha256"]:
        return _changed(data, read)
    return SealCheck("", read.fingerprint, read.signed_at)


def _changes(data: bytes, found: Mapping[str, Any]) -> str:
    """Which parts differ from the sealed ones, as a reader names them."""
    try:
        sealed = {str(name): str(digest) for name, digest in found["entries"]}
    except (TypeError, ValueError):
        sealed = {}
    now = {name: digest for name, digest in entries(data).items() if name != PART}
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
