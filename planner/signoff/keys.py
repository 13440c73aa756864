"""The installation's signing key and a PAdES signature of PDF bytes (pyHanko, offline).

On first use a key (ECDSA P-256) and a self-signed certificate are made with ``cryptography``
and kept in ``signing`` in the data folder (``$PLANNER_DATA_DIR``, default ``data`` in the
installation, never the working folder's: :mod:`planner.paths`): ``key.pem`` (readable
by the owner only) and ``certificate.pem``. The certificate's SHA-256 fingerprint is what the
two sides compare out of band (read aloud, or sent by another channel) to know that a PDF was
signed by this installation. No network is used unless a timestamp authority is configured
(``PLANNER_TSA_URL``, RFC 3161 over HTTP): then the signature carries the authority's
timestamp token over its value (PAdES B-T), else the signing time is the signer's own clock
(PAdES B-B). No revocation checks.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime
import functools
import hashlib
import io
import os
import secrets
import shutil
import tempfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from planner import paths

T = TypeVar("T")
FOLDER = "signing"
KEY_FILE = "key.pem"
CERT_FILE = "certificate.pem"
VALID_DAYS = 3650
"""Validity of the self-signed certificate (days)."""
SIGNATURE_FIELD = "PlanSignature"
PLAN_ATTACHMENT = "plan.json"
"""Name of the embedded file holding the signed plan's canonical JSON."""
SIGNOFF_ATTACHMENT = "signoff.json"
"""Name of the embedded file holding the sign-off record (version, hash, signatories)."""
TSA_ENV = "PLANNER_TSA_URL"
"""Environment variable naming the timestamp authority (RFC 3161 over HTTP); empty: none."""
TSA_TIMEOUT = 10
"""Seconds the timestamp authority has to answer."""


class TimestampError(Exception):
    """The configured timestamp authority gave no usable timestamp: nothing was signed."""


def tsa_url(env: Mapping[str, str] | None = None) -> str:
    """The configured timestamp authority's URL, "" when none is configured."""
    env = os.environ if env is None else env
    return env.get(TSA_ENV, "").strip()


@dataclass(frozen=True)
class Identity:
    """The installation's key and certificate."""

    key_pem: bytes
    certificate_pem: bytes
    folder: Path

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.certificate_pem)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the certificate (DER), as colon-separated hex pairs."""
        return fingerprint(self.certificate.public_bytes(serialization.Encoding.DER))


def fingerprint(der: bytes) -> str:
    """SHA-256 of a DER certificate as ``AB:CD:...`` (32 pairs).

    >>> fingerprint(b"")[:11]
    'E3:B0:C4:42'
    """
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """``PLANNER_DATA_DIR``, else ``data`` in the installation (:mod:`planner.paths`)."""
    return paths.data_dir(env)


def _make(folder: Path, common_name: str, now: datetime.datetime) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "partner-planner"),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int.from_bytes(secrets.token_bytes(16), "big") >> 1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(folder / KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(key_pem)
    (folder / CERT_FILE).write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def identity(folder: Path | None = None, *, common_name: str | None = None) -> Identity:
    """The installation's key and certificate, made on first use.

    Two processes starting at once make one identity: each builds its own in a temporary
    folder and moves it into place; the one that loses the race uses the winner's.
    """
    folder = folder or data_dir() / FOLDER
    if not (folder / KEY_FILE).is_file():
        folder.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".signing-", dir=folder.parent))
        try:
            label = common_name or f"partner-planner {secrets.token_hex(4)}"
            _make(scratch, label, datetime.datetime.now(datetime.UTC))
            try:
                scratch.rename(folder)
            except OSError:
                if not (folder / KEY_FILE).is_file():
                    raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return Identity(
        key_pem=(folder / KEY_FILE).read_bytes(),
        certificate_pem=(folder / CERT_FILE).read_bytes(),
        folder=folder,
    )


def _outside_event_loop(work: Callable[[], T]) -> T:
    """Run ``work`` here, or in a worker thread when this thread runs an event loop: pyHanko's
    synchronous calls start their own loop, which a running one (Playwright, Jupyter) forbids."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def _signer(who: Identity) -> Any:
    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    (certificate,) = load_certs_from_pemder_data(who.certificate_pem)
    key = load_private_key_from_pemder_data(who.key_pem, passphrase=None)
    registry = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    registry.register(certificate)
    return signers.SimpleSigner(signing_cert=certificate, signing_key=key, cert_registry=registry)


@functools.lru_cache(maxsize=4)
def _timestamper(url: str) -> Any:
    """One client per authority: it keeps the first answer's size, by which the signature's
    space is reserved, so each later signature asks the authority once instead of twice."""
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=TSA_TIMEOUT)


def sign_pdf(
    pdf: bytes,
    who: Identity,
    *,
    attachments: Mapping[str, bytes] = {},
    reason: str = "",
    name: str = "",
    timestamper: Any = None,
) -> bytes:
    """``pdf`` with ``attachments`` embedded (JSON files) and a PAdES signature over it all.

    The signature is the last revision and covers every byte of the result but its own
    value, so any later change of the file shows (:func:`check_pdf`). With a timestamp
    authority (``timestamper``, else the one ``PLANNER_TSA_URL`` names) the signature carries
    its timestamp token (PAdES B-T); when the authority fails, :class:`TimestampError` and no
    file (a configured authority is never silently skipped).
    """
    from pyhanko.pdf_utils import embed
    from pyhanko.sign import fields, signers

    from planner.signoff import pades

    writer = pades.writer(pdf)  # keeps a PDF/A file PDF/A
    for file_name, data in attachments.items():
        embed.embed_file(
            writer,
            embed.FileSpec(
                file_spec_string=file_name,
                file_name=file_name,
                embedded_data=embed.EmbeddedFileObject.from_file_data(
                    writer, data=data, mime_type="application/json"
                ),
            ),
        )
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        name=name or None,
    )
    url = tsa_url()
    if timestamper is None and url:
        timestamper = _timestamper(url)
    try:
        out = _outside_event_loop(lambda: pades.sign(writer, meta, _signer(who), timestamper))
    except Exception as error:
        if timestamper is None:
            raise
        found = timestamp_error(error, url)
        if found is error:
            raise
        raise found from None
    return bytes(out.getvalue())


def timestamp_error(error: BaseException, url: str) -> BaseException:
    """A :class:`TimestampError` naming the authority when ``error`` came from asking it
    (an answer refused, or no answer), else ``error`` itself."""
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError

    chain: BaseException | None = error
    while chain is not None and not isinstance(chain, TimestampRequestError | OSError):
        chain = chain.__cause__ or chain.__context__
    if chain is None:
        return error
    reason = " ".join(f"{type(chain).__name__}: {chain}".split())[:300]
    where = f" {url}" if url else ""
    return TimestampError(f"the timestamp authority{where} gave no timestamp ({reason})")


@dataclass(frozen=True)
class PdfCheck:
    """What :func:`check_pdf` found: ``problem`` is empty when the signature is intact."""

    problem: str = ""
    fingerprint: str = ""
    """SHA-256 fingerprint of the certificate that signed."""
    signed_at: datetime.datetime | None = None
    attachments: Mapping[str, bytes] | None = None
    timestamp: Timestamp | None = None
    """The signature timestamp (PAdES B-T), None when the signature has none (B-B)."""
    document_timestamps: tuple[Timestamp, ...] = ()
    """The document timestamps after the signature, oldest first (PAdES B-LTA)."""
    validation_data: bool = False
    """Whether the file holds validation data for the signature (a document security store
    with its certificate: PAdES B-LT with a signature timestamp)."""

    @property
    def ok(self) -> bool:
        return not self.problem

    @property
    def level(self) -> str:
        """The PAdES baseline level (ETSI EN 319 142-1): ``B-B`` without any timestamp;
        ``B-T`` with one (the signature's own, or else the first document timestamp);
        ``B-LT`` with validation data too; ``B-LTA`` with validation data and a document
        timestamp beyond the one that makes it B-T."""
        stamps = len(self.timestamps)
        if not stamps:
            return "B-B"
        if not self.validation_data:
            return "B-T"
        return "B-LTA" if self.document_timestamps and stamps >= 2 else "B-LT"

    @property
    def timestamps(self) -> tuple[Timestamp, ...]:
        """Every timestamp the file carries: the signature's, then the document timestamps."""
        own = () if self.timestamp is None else (self.timestamp,)
        return own + self.document_timestamps

    def time_source(self) -> str:
        """Where the signing time comes from, one phrase."""
        if self.timestamp is None:
            return "signing time is the signer's own clock"
        return f"timestamped by {self.timestamp.authority} at {self.timestamp.time.isoformat()}"


@dataclass(frozen=True)
class Timestamp:
    """A signature timestamp token (RFC 3161) as :func:`check_pdf` found it."""

    time: datetime.datetime
    authority: str
    """The timestamp authority's certificate subject (RFC 4514)."""
    authority_sha256: str
    """SHA-256 fingerprint of the authority's certificate."""
    matches_signature: bool
    """Whether the token is intact and its imprint is the digest of this signature's value
    (of the file up to it, for a document timestamp)."""
    certificates: tuple[bytes, ...] = ()
    """The authority's certificate (DER) first, then the other certificates the token and
    the file's validation data carry: what its chain is built from."""


def _der_length(data: bytes) -> int:
    """Length (bytes) of the DER element at the start of ``data``, header included."""
    if len(data) < 2:
        return len(data)
    if data[1] < 0x80:
        return 2 + data[1]
    count = data[1] & 0x7F
    return 2 + count + int.from_bytes(data[2 : 2 + count], "big")


def _signature_value_untouched(pdf: bytes, signature: Any) -> bool:
    """The bytes the signature cannot cover (its own value) are exactly what the signer
    wrote: the CMS in upper-case hex, padded with zeros. A reader ignores the padding, so
    without this check a byte changed there would go unnoticed."""
    byte_range = [int(n) for n in signature.sig_object["/ByteRange"]]
    raw = bytes(signature.sig_object["/Contents"])
    gap = pdf[byte_range[1] : byte_range[2]]
    written = b"<" + raw.hex().upper().encode("ascii") + b">"
    return gap == written and not raw[_der_length(raw) :].strip(b"\0")


def _self_signed_intact(der: bytes) -> bool:
    """Whether a self-signed certificate's own signature still matches it: the CMS check
    uses only its key, so an edited name or serial would otherwise pass unnoticed."""
    from cryptography.exceptions import InvalidSignature

    try:
        certificate = x509.load_der_x509_certificate(der)
        certificate.verify_directly_issued_by(certificate)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _unsigned_shape(attributes: Any) -> str | None:
    """None without unsigned attributes; "timestamp" for exactly one signature timestamp
    token attribute holding one token; anything else is returned as a different value."""
    if attributes.native is None:
        return None
    kinds = [a["type"].native for a in attributes]
    if kinds != ["signature_time_stamp_token"] or len(attributes[0]["values"]) != 1:
        return f"other: {kinds}"
    token = attributes[0]["values"][0]
    if token["content_type"].native != "signed_data":
        return "other: token"
    return "timestamp"


def _cms_as_signed(signature: Any) -> bool:
    """Whether the parts of the signature that the signature itself does not cover (CMS
    version, algorithm lists, certificate list, unsigned attributes) are as :func:`sign_pdf`
    writes them, byte for byte: a reader tolerates edits there, this check does not."""
    from asn1crypto import cms  # type: ignore[import-untyped]

    raw = bytes(signature.sig_object["/Contents"])
    body = raw[: _der_length(raw)]
    certificate = signature.signer_cert
    try:
        info = cms.ContentInfo.load(body, strict=True)
        data = info["content"]
        (signer,) = data["signer_infos"]
        shape = (
            info["content_type"].native,
            data["version"].native,
            [a["algorithm"].native for a in data["digest_algorithms"]],
            data["encap_content_info"]["content_type"].native,
            data["encap_content_info"]["content"].native,
            {c.chosen.dump() for c in data["certificates"]} == {certificate.dump()},
            data["crls"].native,
            signer["version"].native,
            signer["digest_algorithm"]["algorithm"].native,
            _unsigned_shape(signer["unsigned_attrs"]),
            signer["sid"].chosen["issuer"].dump() == certificate.issuer.dump()
            and signer["sid"].chosen["serial_number"].native == certificate.serial_number,
        )
        again = info.copy().dump(force=True)
    except (ValueError, TypeError, KeyError):
        return False
    expected = (
        "signed_data",
        "v1",
        ["sha256"],
        "data",
        None,
        True,
        None,
        "v1",
        "sha256",
        "timestamp" if _unsigned_shape(signer["unsigned_attrs"]) == "timestamp" else None,
        True,
    )
    return shape == expected and again == body


def check_pdf(pdf: bytes) -> PdfCheck:
    """Whether ``pdf`` carries one intact signature over the whole file, or over the file
    up to an update that adds only validation data and document timestamps (PAdES B-LT,
    B-LTA: :mod:`planner.signoff.ltv`), and its attachments.

    Raises :class:`~planner.signoff.bounds.BoundsError` when the file exceeds a limit of
    :mod:`planner.signoff.bounds` (checked before anything is parsed) and ValueError when the
    bytes are not a readable PDF at all.
    """
    from planner.signoff import bounds

    bounds.precheck(pdf)  # before the PDF reader is even imported

    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        fields = bounds.signature_fields(reader.root)
    except bounds.BoundsError:
        raise
    except (PdfReadError, ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
        raise ValueError(f"the PDF cannot be read ({error})") from None
    except RecursionError:
        raise ValueError("the PDF cannot be read (its objects nest too deeply)") from None
    if not fields:
        return PdfCheck("the PDF carries no digital signature (not a signed export)")
    try:
        kinds = [str(field["/V"].get_object().get("/Type", "/Sig")) for _, field in fields]
    except (PdfReadError, ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
        raise ValueError(f"the PDF cannot be read ({error})") from None
    paired = list(zip(fields, kinds, strict=True))
    signed = [named for named, kind in paired if kind != "/DocTimeStamp"]
    if len(signed) != 1:
        return PdfCheck(f"the PDF carries {len(signed)} signatures, a signed export has one")
    stamped = [named for named, kind in paired if kind == "/DocTimeStamp"]
    try:
        name, field = signed[0]
        signature = EmbeddedPdfSignature(reader, field, name)
        certificate = signature.signer_cert
        print_ = fingerprint(certificate.dump())
        # Trust is judged by the fingerprint (compared out of band), so the certificate is its
        # own root here: the check is of integrity, offline, without a chain to build. What
        # follows the signature, if anything, is checked below by a narrow analysis of its
        # own (planner.signoff.updates), not by pyHanko's default one.
        context = ValidationContext(
            trust_roots=[certificate], allow_fetching=False, revocation_mode="soft-fail"
        )
        # The timestamp's authority is named in the report; its certificates are taken as
        # their own roots, as the signer's are: what is checked is the token's integrity and
        # that it stamps this signature's value.
        authorities = _token_certificates(signature)
        ts_context = ValidationContext(
            trust_roots=authorities or [certificate],
            allow_fetching=False,
            revocation_mode="soft-fail",
        )
        status = _outside_event_loop(
            lambda: validate_pdf_signature(
                signature,
                signer_validation_context=context,
                ts_validation_context=ts_context,
                skip_diff=True,
            )
        )
    except Exception as error:  # a damaged signature breaks pyHanko in many ways: not verified
        reason = " ".join(f"{type(error).__name__}: {error}".split())[:300]
        return PdfCheck(f"the PDF signature cannot be checked ({reason})")
    if not status.intact:
        return PdfCheck("the PDF was changed after it was signed (its digest differs)", print_)
    if not status.valid:
        return PdfCheck("the PDF signature is not valid for its content", print_)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        # only validation data and document timestamps may follow (PAdES B-LT, B-LTA); the
        # analysis runs only when the file has some, and refuses everything else
        added = "the PDF has content added after its signature"
        if status.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
            return PdfCheck(added, print_)
        if not stamped and "/DSS" not in reader.root:
            return PdfCheck(added, print_)
        from planner.signoff import updates

        try:
            if updates.lta_problem(reader, signature.signed_revision):
                return PdfCheck(added, print_)
        except RecursionError:
            return PdfCheck(added, print_)
    if not _signature_value_untouched(pdf, signature):
        return PdfCheck("the PDF's signature value was altered", print_)
    if not _self_signed_intact(certificate.dump()) or not _cms_as_signed(signature):
        return PdfCheck("the PDF's signature value was altered", print_)
    try:
        attachments = bounds.embedded_files(reader.root)
    except bounds.BoundsError as error:
        return PdfCheck(f"the PDF {error}", print_)
    except (PdfReadError, ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
        return PdfCheck(f"the PDF's embedded plan cannot be read ({error})", print_)
    except zlib.error as error:
        return PdfCheck(f"the PDF's embedded plan is damaged ({error})", print_)
    when = status.signer_reported_dt
    stored = _stored_certificates(reader)
    stamp = status.timestamp_validity
    timestamp = None
    if stamp is not None:
        tokens = [c.dump() for c in _token_certificates(signature)]
        timestamp = _timestamp(stamp, [*tokens, *stored])
        if not timestamp.matches_signature:
            problem = "the PDF's signature timestamp does not match its signature"
            return PdfCheck(problem, print_, when, attachments, timestamp)
    documents: list[Timestamp] = []
    for stamp_name, stamp_field in stamped:
        found = _document_timestamp(pdf, reader, (stamp_name, stamp_field), signature, stored)
        if isinstance(found, str):
            return PdfCheck(found, print_, when, attachments, timestamp)
        documents.append(found)
    documents.sort(key=lambda t: t.time)
    validation_data = certificate.dump() in stored
    return PdfCheck("", print_, when, attachments, timestamp, tuple(documents), validation_data)


def _timestamp(stamp: Any, others: list[bytes]) -> Timestamp:
    """A :class:`Timestamp` of pyHanko's status of a token."""
    der = stamp.signing_cert.dump()
    return Timestamp(
        time=stamp.timestamp,
        authority=x509.load_der_x509_certificate(der).subject.rfc4514_string(),
        authority_sha256=fingerprint(der),
        matches_signature=bool(stamp.intact and stamp.valid),
        certificates=(der, *dict.fromkeys(c for c in others if c != der)),
    )


def _stored_certificates(reader: Any) -> list[bytes]:
    """The certificates (DER) of the file's document security store, none without one."""
    from pyhanko.sign.validation import DocumentSecurityStore
    from pyhanko.sign.validation.errors import ValidationInfoReadingError

    try:
        return [c.dump() for c in DocumentSecurityStore.read_dss(reader).load_certs()]
    except ValidationInfoReadingError:
        return []
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return []


def _document_timestamp(
    pdf: bytes, reader: Any, named: tuple[str, Any], signature: Any, stored: list[bytes]
) -> Timestamp | str:
    """A document timestamp after ``signature``, checked: intact, its value as written, made
    after the signature; else the problem."""
    from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_timestamp
    from pyhanko_certvalidator import ValidationContext

    try:
        name, field = named
        embedded = EmbeddedPdfSignature(reader, field, name)
        if embedded.signed_revision <= signature.signed_revision:
            return "the PDF has a document timestamp before its signature"
        # as for the signature's timestamp: the token's own certificates are its roots here;
        # whether its authority is trusted is for the reader (planner.signoff.trust)
        context = ValidationContext(
            trust_roots=_certificates_of(embedded.signed_data) or [embedded.signer_cert],
            allow_fetching=False,
            revocation_mode="soft-fail",
        )
        status = _outside_event_loop(
            lambda: validate_pdf_timestamp(embedded, validation_context=context, skip_diff=True)
        )
        untouched = _signature_value_untouched(pdf, embedded)
    except Exception as error:  # a damaged timestamp breaks pyHanko in many ways
        reason = " ".join(f"{type(error).__name__}: {error}".split())[:300]
        return f"the PDF's document timestamp cannot be checked ({reason})"
    if not status.intact or not status.valid or not untouched:
        return "the PDF's document timestamp does not match the file"
    own = [c.dump() for c in _certificates_of(embedded.signed_data)]
    return _timestamp(status, [*own, *stored])


def _certificates_of(signed_data: Any) -> list[Any]:
    return [c.chosen for c in signed_data["certificates"] or [] if c.name == "certificate"]


def _token_certificates(signature: Any) -> list[Any]:
    """The certificates inside the signature's timestamp token (none without one)."""
    attributes = signature.signer_info["unsigned_attrs"]
    if attributes.native is None:
        return []
    found = []
    for attribute in attributes:
        if attribute["type"].native != "signature_time_stamp_token":
            continue
        for token in attribute["values"]:
            for choice in token["content"]["certificates"] or []:
                if choice.name == "certificate":
                    found.append(choice.chosen)
    return found
