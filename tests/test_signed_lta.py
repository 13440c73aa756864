"""Long-term validation: with a timestamp authority a signed PDF is extended by validation data
and a document timestamp (PAdES B-LTA), once and again later; the check accepts exactly that
after the signature and refuses any other change, also one carrying a valid document
timestamp; verify says the level and whether each timestamp's authority is trusted.

The authority is a local one the tests start (tests/tsa_support.py); its certificate is
self-signed, so it is its own root: trusted when listed in ``PLANNER_TSA_TRUST``.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from planner.signoff import keys as signing
from planner.signoff import ltv, pades
from planner.signoff.verify import UNTRUSTED_AUTHORITY, verify_bytes
from tests import pdfa_rules
from tests.test_signed_pdfsig import SIGNED, pdfsig
from tests.test_signed_timestamp import authority as authority
from tests.test_signed_timestamp import identity as identity
from tests.test_signed_timestamp import stamped as stamped
from tests.tsa_support import TSA_NAME, Authority, _certificate

Stamped = tuple[bytes, datetime.datetime, datetime.datetime]
ADDED = "the PDF has content added after its signature"


@pytest.fixture(scope="module")
def extended(stamped: Stamped, authority: Authority) -> tuple[bytes, bytes]:
    """The B-T file extended once and twice."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(signing.TSA_ENV, authority.url)
        once = ltv.extend(stamped[0])
        return once, ltv.extend(once)


def _signatures(lines: list[str]) -> list[list[str]]:
    """pdfsig's report split into one list of lines per signature."""
    found: list[list[str]] = []
    for line in lines:
        if line.startswith("Signature #"):
            found.append([])
        elif found:
            found[-1].append(line)
    return found


def test_the_extended_file_is_b_lta_pdfa_and_its_signature_still_valid_for_pdfsig(
    stamped: Stamped, extended: tuple[bytes, bytes], tmp_path: Path
) -> None:
    once, twice = extended
    assert once.startswith(stamped[0])  # an incremental update: the signed bytes unchanged
    check = signing.check_pdf(once)
    assert check.ok, check.problem
    assert (check.level, check.validation_data) == ("B-LTA", True)
    (document,) = check.document_timestamps
    assert check.timestamp is not None
    assert check.timestamp.time <= document.time
    assert document.authority == f"CN={TSA_NAME},O=planner tests"
    assert document.matches_signature
    assert check.attachments == signing.check_pdf(stamped[0]).attachments
    for data in (once, twice):
        assert pdfa_rules.problems(data) == []
        signature, *stamps = _signatures(pdfsig(data, tmp_path))
        # the plan's signature covers the file up to itself, the last timestamp all of it;
        # pdfsig does not check document timestamps (it says "not yet verified")
        expected = [*SIGNED[:-2], "  - Not total document signed", SIGNED[-1]]
        assert [line for line in expected if line not in signature] == []
        assert [f"  - Signature Field Name: {ltv.TIMESTAMP_FIELD}{n}" for n in (1, 2)][
            : len(stamps)
        ] == [s[0] for s in stamps]
        assert "  - Total document signed" in stamps[-1]
        assert all("  - Not total document signed" in s for s in stamps[:-1])
    second = signing.check_pdf(twice)
    assert second.ok, second.problem
    assert second.level == "B-LTA"
    assert [s.time for s in second.document_timestamps] == sorted(
        s.time for s in second.document_timestamps
    )
    assert len(second.document_timestamps) == 2


def _page_changed(writer: object) -> None:
    from pyhanko.pdf_utils import generic

    page = writer.root["/Pages"]["/Kids"][0].get_object()  # type: ignore[attr-defined]
    stream = generic.StreamObject(stream_data=b"BT /F1 40 Tf 100 400 Td (forged) Tj ET")
    page["/Contents"] = writer.add_object(stream)  # type: ignore[attr-defined]
    writer.update_container(page)  # type: ignore[attr-defined]


def test_a_forged_update_after_the_signature_fails_even_with_a_document_timestamp(
    extended: tuple[bytes, bytes], authority: Authority
) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.sign.signers import PdfTimeStamper
    from pyhanko.sign.validation import DocumentSecurityStore

    once = extended[0]
    stamper = PdfTimeStamper(signing._timestamper(authority.url), field_name="Forged")

    def forged(change: str) -> bytes:
        writer = pades.writer(once)
        if change == "page":
            _page_changed(writer)
        elif change == "keywords":
            info = writer.trailer["/Info"].get_object()
            info["/Keywords"] = generic.TextStringObject("another plan")
            writer.update_container(info)
        DocumentSecurityStore.supply_dss_in_writer(writer, None, certs=[])
        return bytes(stamper.timestamp_pdf(writer, "sha256").getvalue())

    # the same update with nothing forged passes: the refusals below are for the forgery
    assert signing.check_pdf(forged("nothing")).ok
    for change in ("page", "keywords"):
        check = signing.check_pdf(forged(change))
        assert (check.ok, check.problem) == (False, ADDED), change
        assert not verify_bytes(forged(change)).ok
    writer = pades.writer(once)  # a page changed without any timestamp
    _page_changed(writer)
    out = io.BytesIO()
    writer.write(out)
    assert signing.check_pdf(out.getvalue()).problem == ADDED


def test_validation_data_alone_is_b_lt(stamped: Stamped) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import DocumentSecurityStore

    reader = PdfFileReader(io.BytesIO(stamped[0]))
    (signature,) = reader.embedded_regular_signatures
    writer = pades.writer(stamped[0])
    DocumentSecurityStore.supply_dss_in_writer(writer, None, certs=[signature.signer_cert])
    out = io.BytesIO()
    writer.write(out)
    check = signing.check_pdf(out.getvalue())
    assert check.ok, check.problem
    assert (check.level, check.document_timestamps) == ("B-LT", ())


def test_verify_says_the_level_and_whether_the_authority_is_trusted(
    extended: tuple[bytes, bytes],
    authority: Authority,
    identity: signing.Identity,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLANNER_DATA_DIR", str(identity.folder.parent))
    monkeypatch.delenv("PLANNER_DATABASE_URL", raising=False)
    monkeypatch.delenv("PLANNER_TSA_TRUST", raising=False)
    once = extended[0]
    untrusted = verify_bytes(once)
    assert untrusted.ok, untrusted.message  # the plan's signature is trusted by fingerprint
    assert f"PAdES B-LTA (timestamped by CN={TSA_NAME},O=planner tests at " in untrusted.message
    assert untrusted.message.count(UNTRUSTED_AUTHORITY) == 2  # the signature's, the document's
    assert "validation data in the file; document timestamp by CN=" in untrusted.message

    roots = tmp_path / "tsa.pem"
    roots.write_bytes(authority.certificate.public_bytes(serialization.Encoding.PEM))
    monkeypatch.setenv("PLANNER_TSA_TRUST", str(roots))
    trusted = verify_bytes(once)
    assert trusted.ok, trusted.message
    assert UNTRUSTED_AUTHORITY not in trusted.message
    assert trusted.message.count("authority trusted: its root is listed in tsa.pem") == 2

    _, other = _certificate(datetime.datetime.now(datetime.UTC))  # same name, another key
    roots.write_bytes(other.public_bytes(serialization.Encoding.PEM))
    assert verify_bytes(once).message.count(UNTRUSTED_AUTHORITY) == 2


def test_extend_needs_an_authority_and_a_signed_file(
    stamped: Stamped, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(signing.TSA_ENV, raising=False)
    with pytest.raises(signing.TimestampError, match="no timestamp authority is configured"):
        ltv.extend(stamped[0])
    changed = bytearray(stamped[0])
    changed[changed.index(b"/Keywords") + 12] ^= 1
    monkeypatch.setenv(signing.TSA_ENV, "http://127.0.0.1:9/tsa")
    with pytest.raises(ValueError, match="changed after it was signed"):
        ltv.extend(bytes(changed))


def test_the_command_line_extends_a_file_in_place(
    stamped: Stamped,
    authority: Authority,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from planner.cli import main

    file = tmp_path / "plan.pdf"
    file.write_bytes(stamped[0])
    monkeypatch.setenv(signing.TSA_ENV, authority.url)
    assert main(["extend", str(file)]) == 0
    assert capsys.readouterr().out == f"{file}\n"
    assert signing.check_pdf(file.read_bytes()).level == "B-LTA"


def test_a_file_signed_without_an_authority_gets_its_time_from_the_document_timestamp(
    identity: signing.Identity, authority: Authority, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_signed_timestamp import _sign

    monkeypatch.delenv(signing.TSA_ENV, raising=False)
    plain = _sign(identity)
    assert signing.check_pdf(plain).level == "B-B"
    monkeypatch.setenv(signing.TSA_ENV, authority.url)
    once = ltv.extend(plain)
    # the first document timestamp is the proof of time (B-T) and the validation data are
    # there (B-LT); only a later document timestamp over them makes it B-LTA
    assert signing.check_pdf(once).level == "B-LT"
    assert signing.check_pdf(ltv.extend(once)).level == "B-LTA"


def test_a_file_with_as_many_revisions_as_a_check_reads_is_not_extended(
    stamped: Stamped, monkeypatch: pytest.MonkeyPatch
) -> None:
    from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
    from pyhanko.sign.validation import DocumentSecurityStore

    from planner.signoff import bounds

    data = stamped[0]
    now = datetime.datetime.now(datetime.UTC)
    for _ in range(bounds.MAX_REVISIONS - 2):  # validation data, one more certificate each
        certificate = _certificate(now)[1].public_bytes(serialization.Encoding.DER)
        writer = pades.writer(data)
        DocumentSecurityStore.supply_dss_in_writer(
            writer, None, certs=[asn1_x509.Certificate.load(certificate)]
        )
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
    assert bounds.revisions(data) == bounds.MAX_REVISIONS
    assert signing.check_pdf(data).ok  # the check still reads it
    monkeypatch.setenv(signing.TSA_ENV, "http://127.0.0.1:9/tsa")  # never asked
    with pytest.raises(ValueError, match="8 revisions, the most a check reads"):
        ltv.extend(data)
