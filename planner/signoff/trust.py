"""Which signing certificates a reader trusts: a signature proves something only then.

An intact signature shows that a file is what some key signed; whose key it was is known only
by comparing the certificate's SHA-256 fingerprint with the one the signing side gives by
another channel (read aloud, or ``python -m planner fingerprint`` on the signing
installation). A certificate is trusted when its fingerprint is

- given on the command line (``--fingerprint``): then only the fingerprints given count;
- this installation's own certificate (``signing/certificate.pem`` in the data folder:
  ``$PLANNER_DATA_DIR``, else ``data`` in the installation, never the working folder's, see
  :mod:`planner.paths`);
- listed in ``trusted-certificates.txt`` in the data folder or a file given with ``--trust``:
  one fingerprint a line, optionally followed by a name; ``#`` starts a comment;
- listed in the environment variable ``PLANNER_TRUSTED_FINGERPRINTS`` (separated by commas,
  semicolons or spaces).

A timestamp (the signature's own, PAdES B-T, and each document timestamp, B-LTA) is trusted
when its authority's certificate chains, at the timestamp's time and for time stamping, to a
root certificate in ``trusted-timestamp-authorities.pem`` in the data folder or in the PEM
file ``PLANNER_TSA_TRUST`` names (:func:`timestamp_roots`). A timestamp whose authority is not
trusted is reported as such: its time is then the authority's claim only. Revocation of an
authority's certificate is not checked (no network): the validation data the file carries
is listed in the archive's report.

Fingerprints are 32 hex pairs; colons, spaces and case do not matter. A line of a list or an
entry of the variable that is no fingerprint is skipped with a warning naming it (a bad entry
can match no certificate, so skipping it trusts nothing more); a bad ``--fingerprint``, a
list that does not exist, cannot be read or is larger than 1 MB is refused (TrustError).
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.signoff import keys as signing

TRUST_FILE = "trusted-certificates.txt"
TRUST_ENV = "PLANNER_TRUSTED_FINGERPRINTS"
TSA_TRUST_FILE = "trusted-timestamp-authorities.pem"
TSA_TRUST_ENV = "PLANNER_TSA_TRUST"
"""Environment variable naming a PEM file of root certificates of trusted timestamp
authorities (besides :data:`TSA_TRUST_FILE` in the data folder)."""
_HEX = re.compile(r"^[0-9A-F]{64}$")
_MAX_FILE = 1_000_000
"""A trust list larger than this is refused (bytes)."""


class TrustError(ValueError):
    """A trust list or fingerprint that cannot be read (exit status 2)."""


def normalize(text: str) -> str:
    """A fingerprint as 64 upper-case hex digits; ValueError when it is none.

    >>> normalize("ab:" * 31 + "ab")[:6]
    'ABABAB'
    """
    digits = re.sub(r"[\s:]", "", text).upper()
    if not _HEX.match(digits):
        raise ValueError(f"{text!r} is not a SHA-256 fingerprint (32 hex pairs, colons allowed)")
    return digits


def pretty(fingerprint: str) -> str:
    """``AB:CD:...`` as ``python -m planner fingerprint`` prints it."""
    digits = normalize(fingerprint)
    return ":".join(digits[i : i + 2] for i in range(0, 64, 2))


@dataclass(frozen=True)
class Trust:
    """Trusted fingerprints (normalized) and why each is trusted."""

    known: Mapping[str, str] = field(default_factory=dict)
    required: bool = False
    """True when the fingerprints were given on the command line: nothing else counts."""
    local: str = ""
    """This installation's fingerprint (normalized), "" when it has none."""
    warnings: tuple[str, ...] = ()
    """One line for each entry skipped because it is no fingerprint."""
    timestamp_roots: tuple[tuple[bytes, str], ...] = ()
    """Root certificates (DER) of trusted timestamp authorities, each with where it is listed."""

    def timestamp_why(self, stamp: signing.Timestamp) -> str | None:
        """Why the authority of ``stamp`` is trusted (its chain ends at a trusted root), or
        None when it is not."""
        return timestamp_trusted(stamp, self.timestamp_roots)

    def why(self, fingerprint: str) -> str | None:
        """Why ``fingerprint`` is trusted, or None when it is not."""
        try:
            return self.known.get(normalize(fingerprint))
        except ValueError:
            return None

    def is_local(self, fingerprint: str) -> bool:
        try:
            return bool(self.local) and normalize(fingerprint) == self.local
        except ValueError:
            return False

    def refusal(self, fingerprint: str) -> str:
        """One line saying that ``fingerprint`` is not trusted and what to do about it."""
        shown = pretty(fingerprint)
        if self.required:
            expected = ", ".join(pretty(f) for f in self.known)
            return f"signed with certificate {shown}, not the expected {expected}"
        return (
            f"signed with certificate {shown}, which is not trusted here: confirm this "
            "fingerprint with the signing side by another channel (read it aloud, or compare "
            "with `python -m planner fingerprint` on their installation), then pass "
            f"--fingerprint {shown} or add it to {TRUST_FILE} in the data folder"
        )


def installation_fingerprint(env: Mapping[str, str] | None = None) -> str:
    """This installation's certificate fingerprint (normalized), "" when it has none yet.

    Never makes a key: checking a file must not create one.
    """
    file = signing.data_dir(env) / signing.FOLDER / signing.CERT_FILE
    if not file.is_file():
        return ""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    try:
        loaded = x509.load_pem_x509_certificate(file.read_bytes())
    except (OSError, ValueError):
        return ""
    return normalize(signing.fingerprint(loaded.public_bytes(serialization.Encoding.DER)))


def _shown(entry: str) -> str:
    """An entry as a warning quotes it: at most 40 characters."""
    return repr(entry if len(entry) <= 40 else entry[:40] + "...")


def read_list(path: Path) -> tuple[dict[str, str], list[str]]:
    """Fingerprint -> "listed in FILE line N (name)" of a trust list, and a warning for each
    line that is no fingerprint; TrustError when the list cannot be read. At most
    :data:`_MAX_FILE` bytes are read, whatever the file (``/dev/zero`` ends too)."""
    try:
        with path.open("rb") as opened:
            raw = opened.read(_MAX_FILE + 1)
    except FileNotFoundError:
        raise TrustError(f"{path} does not exist") from None
    except OSError as error:
        raise TrustError(f"{path} cannot be read: {error.strerror or error}") from None
    if len(raw) > _MAX_FILE:
        raise TrustError(f"{path}: larger than {_MAX_FILE // 1_000_000} MB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TrustError(f"{path} cannot be read: it is not UTF-8 text") from None
    found: dict[str, str] = {}
    skipped: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        first, *rest = line.split(maxsplit=1)
        name = rest[0] if rest else ""
        try:
            digits = normalize(first)
        except ValueError:
            skipped.append(f"{path} line {number}: {_shown(first)} is not a fingerprint, skipped")
            continue
        label = f" ({name.strip()})" if name.strip() else ""
        found.setdefault(digits, f"listed in {path.name} line {number}{label}")
    return found, skipped


def _from_env(value: str) -> tuple[dict[str, str], list[str]]:
    found: dict[str, str] = {}
    skipped: list[str] = []
    for item in re.split(r"[,;\s]+", value.strip()):
        if item:
            try:
                found.setdefault(normalize(item), f"listed in {TRUST_ENV}")
            except ValueError:
                skipped.append(f"{TRUST_ENV}: {_shown(item)} is not a fingerprint, skipped")
    return found, skipped


def load(
    *,
    fingerprints: Iterable[str] = (),
    files: Iterable[str | Path] = (),
    env: Mapping[str, str] | None = None,
) -> Trust:
    """The trust of this reader: ``fingerprints`` alone when given, else this installation's
    certificate, its trust list, ``files`` and ``PLANNER_TRUSTED_FINGERPRINTS``.

    Raises :class:`TrustError` for a bad ``--fingerprint`` or a list that cannot be read;
    entries that are no fingerprint are skipped, each with a line in ``warnings``.
    """
    env = os.environ if env is None else env
    local = installation_fingerprint(env)
    roots = timestamp_roots(env)
    given = list(fingerprints)
    if given:
        try:
            return Trust(
                {normalize(f): "the fingerprint given" for f in given},
                required=True,
                local=local,
                timestamp_roots=roots,
            )
        except ValueError as error:
            raise TrustError(f"--fingerprint: {error}") from None
    known: dict[str, str] = {}
    if local:
        known[local] = "this installation"
    default = signing.data_dir(env) / TRUST_FILE
    lists = [default] if default.is_file() else []
    warnings: list[str] = []
    sources = [read_list(path) for path in [*lists, *(Path(f) for f in files)]]
    for found, skipped in [*sources, _from_env(env.get(TRUST_ENV, ""))]:
        for digits, why in found.items():
            known.setdefault(digits, why)
        warnings += skipped
    return Trust(known, local=local, warnings=tuple(warnings), timestamp_roots=roots)


def timestamp_roots(env: Mapping[str, str] | None = None) -> tuple[tuple[bytes, str], ...]:
    """The root certificates (DER) of trusted timestamp authorities, each with the file it is
    listed in: :data:`TSA_TRUST_FILE` in the data folder and the file :data:`TSA_TRUST_ENV`
    names. TrustError when a file named cannot be read or holds no certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    env = os.environ if env is None else env
    files = [signing.data_dir(env) / TSA_TRUST_FILE]
    named = env.get(TSA_TRUST_ENV, "").strip()
    files = [f for f in files if f.is_file()] + ([Path(named)] if named else [])
    found: dict[bytes, str] = {}
    for path in files:
        try:
            with path.open("rb") as opened:
                raw = opened.read(_MAX_FILE + 1)
        except OSError as error:
            raise TrustError(f"{path} cannot be read: {error.strerror or error}") from None
        if len(raw) > _MAX_FILE:
            raise TrustError(f"{path}: larger than {_MAX_FILE // 1_000_000} MB")
        try:
            certificates = x509.load_pem_x509_certificates(raw)
        except ValueError:
            raise TrustError(f"{path} holds no PEM certificate") from None
        for certificate in certificates:
            der = certificate.public_bytes(serialization.Encoding.DER)
            found.setdefault(der, f"its root is listed in {path.name}")
    return tuple(found.items())


def timestamp_trusted(stamp: signing.Timestamp, roots: tuple[tuple[bytes, str], ...]) -> str | None:
    """Why ``stamp``'s authority is trusted, or None: its certificate must chain to one of
    ``roots`` (from the certificates the token and the file carry), valid at the timestamp's
    time and for time stamping (pyhanko-certvalidator, no revocation check, no network)."""
    if not roots or not stamp.certificates:
        return None
    from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

    anchors = dict(roots)
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(der) for der in anchors],
        moment=stamp.time,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    leaf, *others = (asn1_x509.Certificate.load(der) for der in stamp.certificates)
    validator: Any = CertificateValidator(
        leaf, intermediate_certs=others, validation_context=context
    )
    usage = validator.async_validate_usage(set(), extended_key_usage={"time_stamping"})
    try:
        path = signing._outside_event_loop(lambda: asyncio.run(usage))
    except (PathBuildingError, PathValidationError, ValueError):
        return None
    return anchors.get(path.first.dump(), "its chain ends at a trusted root")
