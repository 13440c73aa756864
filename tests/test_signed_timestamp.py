"""Trusted time: with ``PLANNER_TSA_URL`` the PDF signature carries a timestamp token from that
authority (PAdES B-T), still PDF/A and still valid for ``pdfsig``; without it the signature
is B-B and every report says the signing time is the signer's own clock.

The authority is a local one the tests start (tests/tsa_support.py). What is checked: the
token's time lies between the moments before and after signing (an ordering, not a speed),
its authority is the test certificate (subject and SHA-256 compared with the certificate
made in the test), the token stamps this signature (a changed token byte is refused), and
the CMS check accepts exactly one signature-timestamp attribute and nothing else.
"""

from __future__ import annotations

import datetime
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from planner.signoff import editions
from planner.signoff import keys as signing
from planner.signoff.verify import verify_bytes
from tests import pdfa_rules
from tests.test_archive import Signed, _archive
from tests.test_archive import env as env
from tests.test_archive import signed as signed
from tests.test_privacy_matrix import KEY, secret_plan, signed_record
from tests.test_signed_pdfsig import SIGNED, pdfsig
from tests.tsa_support import TSA_NAME, Authority, timestamp_authority


@pytest.fixture(scope="module")
def authority() -> Iterator[Authority]:
    with timestamp_authority() as running:
        yield running


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> signing.Identity:
    return signing.identity(tmp_path_factory.mktemp("tsa") / "signing")


def _sign(who: signing.Identity) -> bytes:
    plan = secret_plan()
    return editions.signed_pdf(plan, signed_record(plan), edition="partner", who=who, key=KEY)


@pytest.fixture(scope="module")
def stamped(
    authority: Authority, identity: signing.Identity
) -> tuple[bytes, datetime.datetime, datetime.datetime]:
    """A partner edition signed with the local authority configured, and the moments around."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(signing.TSA_ENV, authority.url)
        before = datetime.datetime.now(datetime.UTC)
        document = _sign(identity)
        after = datetime.datetime.now(datetime.UTC)
    return document, before, after


def test_with_an_authority_the_signature_is_b_t_stamped_by_it(
    stamped: tuple[bytes, datetime.datetime, datetime.datetime], authority: Authority
) -> None:
    document, before, after = stamped
    check = signing.check_pdf(document)
    assert check.ok, check.problem
    assert check.level == "B-T"
    stamp = check.timestamp
    assert stamp is not None
    assert before - datetime.timedelta(seconds=1) <= stamp.time <= after
    assert stamp.authority == f"CN={TSA_NAME},O=planner tests"
    der = authority.certificate.public_bytes(serialization.Encoding.DER)
    assert stamp.authority_sha256 == signing.fingerprint(der)
    assert stamp.matches_signature
    assert check.time_source() == (
        f"timestamped by CN={TSA_NAME},O=planner tests at {stamp.time.isoformat()}"
    )
    assert authority.requests  # the authority was asked


def test_the_stamped_file_stays_pdfa_and_valid_for_pdfsig(
    stamped: tuple[bytes, datetime.datetime, datetime.datetime], tmp_path: Path
) -> None:
    document = stamped[0]
    assert pdfa_rules.problems(document) == []
    lines = pdfsig(document, tmp_path)
    for line in SIGNED:
        assert line in lines, lines


def test_verify_names_the_level_and_the_authority(
    stamped: tuple[bytes, datetime.datetime, datetime.datetime],
    identity: signing.Identity,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(signing.TSA_ENV, raising=False)
    monkeypatch.setenv("PLANNER_DATA_DIR", str(identity.folder.parent))
    monkeypatch.delenv("PLANNER_DATABASE_URL", raising=False)
    verdict = verify_bytes(stamped[0])
    assert verdict.ok, verdict.message
    assert f"PAdES B-T (timestamped by CN={TSA_NAME},O=planner tests at " in verdict.message
    plain = verify_bytes(_sign(identity))
    assert plain.ok, plain.message
    assert "; PDF signature intact, PAdES B-B (signing time is the signer's own clock), " in (
        plain.message
    )


def test_a_changed_byte_of_the_timestamp_token_is_refused(
    stamped: tuple[bytes, datetime.datetime, datetime.datetime],
) -> None:
    from asn1crypto import cms  # type: ignore[import-untyped]

    document = stamped[0]
    start = document.index(b"/Contents <") + len(b"/Contents <")
    end = document.index(b">", start)
    raw = bytes.fromhex(document[start:end].decode("ascii"))
    info = cms.ContentInfo.load(raw[: signing._der_length(raw)])
    (signer,) = info["content"]["signer_infos"]
    (token,) = signer["unsigned_attrs"][0]["values"]
    value = token["content"]["signer_infos"][0]["signature"].native
    assert raw.count(value) == 1
    changed = raw.replace(value, value[:-1] + bytes([value[-1] ^ 1]))
    altered = document[:start] + changed.hex().upper().encode("ascii") + document[end:]
    assert len(altered) == len(document)
    check = signing.check_pdf(altered)
    assert not check.ok
    assert "timestamp" in check.problem or "cannot be checked" in check.problem, check.problem


def _attributes(token: object, *kinds: str) -> object:
    """Unsigned attributes of the given types: a timestamp attribute holds ``token``."""
    from asn1crypto import cms

    made = []
    for kind in kinds:
        if kind == "signature_time_stamp_token":
            made.append(cms.CMSAttribute({"type": kind, "values": [token]}))
        else:
            when = cms.Time({"utc_time": datetime.datetime(2027, 1, 6, tzinfo=datetime.UTC)})
            made.append(cms.CMSAttribute({"type": kind, "values": [when]}))
    return cms.CMSAttributes(made)


def test_the_cms_check_takes_exactly_one_signature_timestamp_and_nothing_else(
    stamped: tuple[bytes, datetime.datetime, datetime.datetime],
) -> None:
    from asn1crypto import cms

    document = stamped[0]
    start = document.index(b"/Contents <") + len(b"/Contents <")
    raw = bytes.fromhex(document[start : document.index(b">", start)].decode("ascii"))
    info = cms.ContentInfo.load(raw[: signing._der_length(raw)])
    (signer,) = info["content"]["signer_infos"]
    assert signing._unsigned_shape(signer["unsigned_attrs"]) == "timestamp"
    (token,) = signer["unsigned_attrs"][0]["values"]
    stamp = "signature_time_stamp_token"
    assert signing._unsigned_shape(_attributes(token, stamp)) == "timestamp"
    for kinds in ((stamp, stamp), ("signing_time",), (stamp, "signing_time"), ()):
        assert signing._unsigned_shape(_attributes(token, *kinds)) not in (None, "timestamp")
    two = cms.CMSAttributes(
        [cms.CMSAttribute({"type": stamp, "values": [token, token]})]
    )  # one attribute, two tokens
    assert signing._unsigned_shape(two) not in (None, "timestamp")


def test_an_authority_that_does_not_answer_signs_nothing(
    identity: signing.Identity, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port nobody listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/tsa"
    monkeypatch.setenv(signing.TSA_ENV, url)
    with pytest.raises(signing.TimestampError, match=f"timestamp authority {url} gave no"):
        _sign(identity)


def test_the_archive_reports_the_timestamp(
    env: Signed,
    authority: Authority,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(signing.TSA_ENV, authority.url)
    files = _archive(env, "partner")
    report = json.loads(files["validation.json"])
    signature = report["signature"]
    assert report["verified"], report["verdict"]
    # with an authority the archive's PDF is extended: validation data, a document timestamp
    assert signature["level"] == "B-LTA"
    assert signature["format"].startswith("PAdES baseline B-LTA")
    assert [s["kind"] for s in signature["timestamps"]] == ["signature", "document"]
    expires = authority.certificate.not_valid_after_utc.isoformat()
    assert {s["authority_certificate_valid_until"] for s in signature["timestamps"]} == {expires}
    stamp = signature["timestamp"]
    assert stamp["authority"] == f"CN={TSA_NAME},O=planner tests"
    assert stamp["token_matches_signature"] is True
    der = authority.certificate.public_bytes(serialization.Encoding.DER)
    assert stamp["authority_certificate_sha256"] == signing.fingerprint(der)
    text = files["validation.txt"].decode()
    assert f"timestamp: {stamp['time']} by CN={TSA_NAME},O=planner tests" in text
    readme = files["README.txt"].decode()
    assert "PAdES B-T" in readme
    assert "PAdES B-LTA" in readme
    assert "B-B" not in readme


def test_without_an_authority_the_archive_says_b_b(
    env: Signed,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(signing.TSA_ENV, raising=False)
    files = _archive(env, "partner")
    signature = json.loads(files["validation.json"])["signature"]
    assert signature["level"] == "B-B"
    assert signature["timestamp"] is None
    assert signature["signing_time_source"] == "signing time is the signer's own clock"
    assert "timestamp: none (PAdES B-B" in files["validation.txt"].decode()
    assert "PAdES B-B" in files["README.txt"].decode()


def test_the_command_line_says_the_authority_failed_in_one_line(
    env: Signed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.cli import main

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/tsa"
    monkeypatch.setenv(signing.TSA_ENV, url)
    target = tmp_path / "a.zip"
    pdf = tmp_path / "a.pdf"
    for command in (
        ["archive", env.plan_id, "3", "--edition", "vendor", "--output", str(target)],
        ["signed-export", env.plan_id, "3", "--pdf", str(pdf)],
    ):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert f"the timestamp authority {url} gave no timestamp" in err
        assert len(err.strip().splitlines()) == 1
    assert not target.exists()
    assert not pdf.exists()


def _last_page(document: bytes) -> str:
    import io

    import pypdf

    return " ".join(pypdf.PdfReader(io.BytesIO(document)).pages[-1].extract_text().split())


def test_the_signed_pdf_states_its_level(
    stamped: tuple[bytes, datetime.datetime, datetime.datetime],
    identity: signing.Identity,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(signing.TSA_ENV, raising=False)
    timestamped = _last_page(stamped[0])
    # the edition is German (the plan's language)
    assert "Zeitstempel eines Zeitstempeldienstes (PAdES B-T)" in timestamped
    assert "B-B" not in timestamped
    plain = _last_page(_sign(identity))
    assert "nach ihrer eigenen Uhr (PAdES B-B, ohne Zeitstempeldienst)" in plain
    assert "B-T" not in plain


def test_each_later_signature_asks_the_authority_once(
    identity: signing.Identity, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fresh authority: the first signature asks twice (a token to size the space the
    # signature reserves, then the real one), the second only for its own token: 2 + 1.
    with timestamp_authority() as fresh:
        monkeypatch.setenv(signing.TSA_ENV, fresh.url)
        first, second = _sign(identity), _sign(identity)
        assert len(fresh.requests) == 3
    assert signing.check_pdf(first).level == signing.check_pdf(second).level == "B-T"
