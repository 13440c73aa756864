"""``python -m planner verify``: signed exports pass on their own, by a trusted key; a change,
a forgery, an unknown hash or an untrusted key fails; a damaged file is unreadable."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import cli, paths
from planner.export.pdf import build_pdf
from planner.export.xlsx import build_workbook
from planner.plan.files import canonical_json, content_hash
from planner.plan.validation import validate, with_values
from planner.policy import RULES
from planner.signoff import keys as signing
from planner.signoff import records as signoff
from planner.signoff import seal, trust
from planner.signoff.editions import XLSX_PROPERTY, edition_hash, signed_pdf, signed_workbook
from planner.signoff.records import SignOff
from planner.signoff.verify import StoreView, UnreadableError, Verdict, verify_bytes
from planner.store import Store
from planner.store.db import database_url as env_database_url
from tests.factories import ROOT
from tests.store_support import PLAN_DATA, freeze_and_sign

DECISION = {
    "date": "2027-01-04",
    "partner": "Anna Berger (CEO), Jonas Weber (CFO)",
    "vendor": "Max Roth (Partner Manager)",
    "note": "Go ahead with two account executives",
}


@dataclass(frozen=True)
class Signed:
    folder: Path
    plan_id: str
    record: SignOff
    pdf: bytes
    xlsx: bytes


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Signed]:
    """A plan at version 2, frozen and signed by both sides, and its signed exports."""
    folder = tmp_path_factory.mktemp("signed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLANNER_DATA_DIR", str(folder))
        patch.delenv("PLANNER_DATABASE_URL", raising=False)
        store = Store(policy=RULES)
        plan = validate({**PLAN_DATA, "decision": DECISION})
        plan_id = store.create_plan(plan, author="Max Roth", side="vendor")
        assert store.apply_edit(plan_id, "opex_per_month", 3000, 1, "Anna", "partner").ok
        record = freeze_and_sign(store, plan_id, 2)
        signed_version = signoff.signed_plan(store, record)
        pdf = signed_pdf(signed_version, record, language="en")
        xlsx = signed_workbook(signed_version, record, language="en")
        store.close()
        yield Signed(folder, plan_id, record, pdf, xlsx)


@pytest.fixture
def env(signed: Signed, monkeypatch: pytest.MonkeyPatch) -> Signed:
    """The signing installation's data folder (its store and key) as the environment."""
    monkeypatch.setenv("PLANNER_DATA_DIR", str(signed.folder))
    monkeypatch.delenv("PLANNER_DATABASE_URL", raising=False)
    return signed


def _verify(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    status = cli.main(["verify", str(path), *extra])
    out, err = capsys.readouterr()
    return status, out, err


EXPECTED = (
    'signed version 2 of "ACME x Nordwind" (plan {plan}; whole plan, English), hash {hash}, '
    "signed by Anna Berger (CEO) for the partner on 2027-01-05 and Max Roth (Partner Manager) "
    "for the vendor on 2027-01-06"
)


# --- files that pass ---------------------------------------------------------------------


def test_the_signed_pdf_verifies_in_one_line(
    env: Signed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "plan.pdf"
    file.write_bytes(env.pdf)
    status, out, err = _verify(file, capsys)
    assert (status, err) == (0, "")
    fingerprint = signing.identity(env.folder / "signing").fingerprint
    assert out == (
        EXPECTED.format(plan=env.plan_id, hash=env.record.content_hash)
        + "; PDF signature intact, PAdES B-B (signing time is the signer's own clock), "
        + f"certificate SHA-256 {fingerprint} (this installation)\n"
    )


def test_the_signed_workbook_verifies_in_one_line(
    env: Signed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "plan.xlsx"
    file.write_bytes(env.xlsx)
    fingerprint = signing.identity(env.folder / "signing").fingerprint
    assert _verify(file, capsys) == (
        0,
        EXPECTED.format(plan=env.plan_id, hash=env.record.content_hash)
        + f"; workbook seal intact, certificate SHA-256 {fingerprint} (this installation)\n",
        "",
    )


def test_without_a_store_the_file_alone_proves_itself(
    signed: Signed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv(trust.TRUST_ENV, _fingerprint(signed))
    for data in (signed.pdf, signed.xlsx):
        verdict = verify_bytes(data)
        assert verdict.ok, verdict.message
        assert verdict.message.endswith(
            f"{_fingerprint(signed)} (listed in {trust.TRUST_ENV}) "
            "(no store configured: file checked only)"
        )
    assert not (tmp_path / "elsewhere").exists()  # verifying creates no database or key


def _fingerprint(signed: Signed) -> str:
    return signing.identity(signed.folder / "signing").fingerprint


def test_the_pdf_carries_the_hash_on_every_page_the_signatories_and_the_plan(
    signed: Signed,
) -> None:
    digest = signed.record.content_hash
    reader = pypdf.PdfReader(io.BytesIO(signed.pdf))
    pages = [page.extract_text() for page in reader.pages]
    assert all(f"Content hash (SHA-256) {digest}" in text for text in pages)
    assert "Version 2, signed" in pages[0]
    assert "Anna Berger (CEO), Jonas Weber (CFO)" in pages[0]  # the decision in principle
    assert "Go ahead with two account executives" in pages[0]
    last = pages[-1]
    assert "Anna Berger" in last
    assert "Partner Manager" in last
    assert "6 January 2027" in last
    files = {name: spec["/EF"]["/F"].get_object().get_data() for name, spec in _embedded(reader)}
    plan = validate(json.loads(files["plan.json"]))
    assert content_hash(plan) == digest
    assert files["plan.json"].decode() == canonical_json(plan)
    assert json.loads(files["signoff.json"])["version"] == 2


def _embedded(reader: pypdf.PdfReader) -> list[tuple[str, pypdf.generic.DictionaryObject]]:
    names = reader.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    return [(str(names[i]), names[i + 1].get_object()) for i in range(0, len(names), 2)]


def test_the_workbook_records_the_hash_signatories_and_sign_off(signed: Signed) -> None:
    book = openpyxl.load_workbook(io.BytesIO(signed.xlsx))
    sheet = book["Sign-off"]
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert [signed.record.content_hash] in [row[1:] for row in rows]
    assert ["Partner", "Anna Berger", "CEO", "2027-01-05", "signed electronically"] in rows
    assert ["Vendor", "Max Roth", "Partner Manager", "2027-01-06", "signed electronically"] in rows
    assert f"content_hash:{signed.record.content_hash}" in book.properties.keywords
    (prop,) = [p for p in book.custom_doc_props.props if p.name == XLSX_PROPERTY]
    assert json.loads(prop.value)["signatures"]["vendor"]["name"] == "Max Roth"


# --- files that fail ---------------------------------------------------------------------


def test_one_changed_input_cell_of_the_workbook_fails_naming_the_value(
    env: Signed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(env.xlsx))
    inputs = book["Inputs"]
    (row,) = [r for r in inputs.iter_rows() if r[0].value == "revenue.deal_size"]
    assert row[2].value == 42000
    row[2].value = 42500
    file = tmp_path / "edited.xlsx"
    book.save(file)
    status, out, err = _verify(file, capsys)
    assert (status, out) == (1, "")
    assert "the workbook carries no seal" in err
    assert err.endswith(
        "its inputs differ from signed version 2: revenue.deal_size is 42500, signed 42000\n"
    )


def test_a_changed_recorded_hash_in_the_workbook_fails(env: Signed, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(io.BytesIO(env.xlsx))
    sheet = book["Sign-off"]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == env.record.content_hash:
                cell.value = "0" * 64
    out = io.BytesIO()
    book.save(out)
    verdict = verify_bytes(out.getvalue())
    assert not verdict.ok
    assert verdict.message.startswith("the workbook carries no seal")


def _flip(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] = ord("1") if changed[at] != ord("1") else ord("2")
    return bytes(changed)


def _pdf_positions(pdf: bytes) -> dict[str, int]:
    contents = re.search(rb"/Contents <", pdf)
    assert contents is not None
    page_text = pdf.index(b"stream", 2000) + 40
    return {
        "a page's content stream": page_text,
        "the embedded plan": pdf.rindex(b"/EmbeddedFile") + 200,
        "the signature value": contents.end() + 20,
    }


@pytest.mark.parametrize(
    "where", ["a page's content stream", "the embedded plan", "the signature value"]
)
def test_one_changed_byte_of_the_pdf_fails(
    env: Signed, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    file = tmp_path / "changed.pdf"
    file.write_bytes(_flip(env.pdf, _pdf_positions(env.pdf)[where]))
    status, out, err = _verify(file, capsys)
    assert (status, out) == (1, "")
    assert err.startswith(f"{file}: NOT VERIFIED: ")


def test_a_revision_added_after_the_signature_fails(env: Signed) -> None:
    from pyhanko.pdf_utils import embed
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(env.pdf))
    forged = b'{"revenue": "other numbers"}'
    embed.embed_file(
        writer,
        embed.FileSpec(
            "plan.json", embedded_data=embed.EmbeddedFileObject.from_file_data(writer, forged)
        ),
    )
    out = io.BytesIO()
    writer.write(out)
    for data in (out.getvalue(), env.pdf + b"\n% a comment\n"):
        verdict = verify_bytes(data)
        assert not verdict.ok
        assert verdict.message == "the PDF has content added after its signature"


def test_an_unsigned_pdf_fails(env: Signed) -> None:
    draft = build_pdf(validate(PLAN_DATA))
    verdict = verify_bytes(draft)
    assert not verdict.ok
    assert verdict.message == "the PDF carries no digital signature (not a signed export)"


def test_a_draft_workbook_fails_it_carries_no_seal(env: Signed) -> None:
    draft = build_workbook(validate(PLAN_DATA))
    verdict = verify_bytes(draft)
    assert not verdict.ok
    assert verdict.message.startswith("the workbook carries no seal: it is not a signed export")


def test_a_version_the_signing_store_never_signed_fails(env: Signed) -> None:
    """Sealed with this installation's key, but its store knows no such signed version."""
    store = Store(policy=RULES)
    plan = signoff.signed_plan(store, env.record)
    store.close()
    unsigned = dataclasses.replace(env.record, version=1)  # version 1 was never frozen
    for data in (signed_pdf(plan, unsigned), signed_workbook(plan, unsigned)):
        verdict = verify_bytes(data)
        assert not verdict.ok
        assert verdict.message == (
            f"version 1 of plan {env.plan_id} (hash {env.record.content_hash}) is not a signed "
            "version in the store"
        )


def test_another_installations_store_does_not_judge_a_trusted_signature(
    signed: Signed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path))
    Store(policy=RULES).close()  # another installation's (empty) store
    for data in (signed.pdf, signed.xlsx):
        verdict = verify_bytes(data)
        assert not verdict.ok
        assert "which is not trusted here" in verdict.message
        trusted = trust.load(fingerprints=[_fingerprint(signed)])
        verdict = verify_bytes(data, trust=trusted)
        assert verdict.ok, verdict.message
        assert verdict.message.endswith(
            "(the plan is not in this installation's store: signature checked only)"
        )


def test_a_pdf_re_signed_with_another_key_fails_where_the_plan_was_signed(
    env: Signed, tmp_path: Path
) -> None:
    other = signing.identity(tmp_path / "other")
    prefix = env.pdf[: env.pdf.index(b"%%EOF") + 6]  # the unsigned revision, files embedded
    forged = signing.sign_pdf(prefix, other)
    assert _attachments(forged) == _attachments(env.pdf)
    verdict = verify_bytes(forged)
    assert not verdict.ok
    assert verdict.message.startswith(
        f"signed with certificate {other.fingerprint}, which is not trusted here"
    )


def _attachments(pdf: bytes) -> dict[str, bytes]:
    check = signing.check_pdf(pdf)
    assert check.attachments is not None
    return dict(check.attachments)


def test_a_required_fingerprint_that_differs_fails(
    env: Signed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "plan.pdf"
    file.write_bytes(env.pdf)
    status, _, err = _verify(file, capsys, "--fingerprint", "AB:" * 31 + "AB")
    assert status == 1
    assert "not the expected AB:AB" in err
    own = signing.identity(env.folder / "signing").fingerprint.replace(":", "").lower()
    assert _verify(file, capsys, "--fingerprint", own)[0] == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "does not exist"),
        (b"title: not a pdf\n", "the file is neither a PDF nor an XLSX workbook"),
        (b"PK\x03\x04broken zip", "the workbook cannot be read"),
    ],
)
def test_a_file_that_cannot_be_read_exits_2(
    env: Signed,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes | None,
    reason: str,
) -> None:
    file = tmp_path / "file.bin"
    if content is not None:
        file.write_bytes(content)
    status, out, err = _verify(file, capsys)
    assert (status, out) == (2, "")
    assert reason in err
    assert err.count("\n") == 1


def test_verify_bytes_refuses_what_is_no_pdf_or_workbook() -> None:
    with pytest.raises(UnreadableError):
        verify_bytes(b"")


# --- stable exports ----------------------------------------------------------------------


def test_exports_of_the_signed_version_are_the_same_bytes_apart_from_the_signature(
    env: Signed,
) -> None:
    store = Store(policy=RULES)
    record = signoff.record(store, env.plan_id, 2)
    assert record is not None
    plan = signoff.signed_plan(store, record)
    store.close()
    again = signed_pdf(plan, record, language="en")
    first_revision = env.pdf[: env.pdf.index(b"%%EOF") + 6]
    assert again.startswith(first_revision)  # every page, byte for byte
    assert _attachments(again) == _attachments(env.pdf)
    assert signed_workbook(plan, record, language="en") == env.xlsx
    assert record.signed_at is not None
    moment = record.signed_at.astimezone(datetime.UTC)
    with zipfile.ZipFile(io.BytesIO(env.xlsx)) as archive:
        # every time in the workbook file is the signature's, none the moment of the export
        when = (*moment.timetuple()[:5], moment.second // 2 * 2)  # zip keeps even seconds
        assert {i.date_time for i in archive.infolist()} == {when}
        core = archive.read("docProps/core.xml").decode()
    assert core.count(moment.strftime("%Y-%m-%dT%H:%M:%SZ")) == 2


# --- signed-export and fingerprint on the command line -----------------------------------


def test_signed_export_writes_files_that_verify(
    env: Signed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf, xlsx = tmp_path / "v2.pdf", tmp_path / "v2.xlsx"
    args = ["signed-export", env.plan_id, "2", "--pdf", str(pdf), "--xlsx", str(xlsx)]
    assert cli.main([*args, "--language", "en"]) == 0
    assert xlsx.read_bytes() == env.xlsx
    for file in (pdf, xlsx):
        status, out, _ = _verify(file, capsys)
        assert status == 0
        assert out.startswith('signed version 2 of "ACME x Nordwind"')


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("1", "error: version 1 of plan {plan} was never frozen\n"),
        ("7", "error: version 7 of plan {plan} was never frozen\n"),
    ],
)
def test_signed_export_of_a_version_never_signed_exits_2(
    env: Signed, tmp_path: Path, capsys: pytest.CaptureFixture[str], version: str, message: str
) -> None:
    status = cli.main(["signed-export", env.plan_id, version, "--pdf", str(tmp_path / "x.pdf")])
    assert (status, capsys.readouterr().err) == (2, message.format(plan=env.plan_id))
    assert not (tmp_path / "x.pdf").exists()


def test_fingerprint_prints_the_installation_certificate(
    env: Signed, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["fingerprint"]) == 0
    expected = signing.identity(env.folder / "signing").fingerprint
    assert capsys.readouterr().out == expected + "\n"
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", expected)


# --- formulas ----------------------------------------------------------------------------


def _resaved(data: bytes, change: Any = None) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    if change is not None:
        change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_saved_again_unchanged_fails_saving_drops_the_seal(env: Signed) -> None:
    verdict = verify_bytes(_resaved(env.xlsx))
    assert not verdict.ok
    assert verdict.message == (
        "the workbook carries no seal: it is not a signed export, or it was saved again after "
        "signing (saving drops the seal)"
    )


def test_an_edited_formula_fails_naming_the_sheet(env: Signed) -> None:
    with zipfile.ZipFile(io.BytesIO(env.xlsx)) as archive:
        names = {n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")}
        part = next(n for n in sorted(names) if b"<f>" in archive.read(n) and "6" in n)
        sheet = archive.read(part)
    formula = re.search(rb"<f>([^<]*)</f>", sheet)
    assert formula is not None
    changed = _replaced(
        env.xlsx, part, sheet.replace(formula[0], b"<f>" + formula[1] + b"*1.1</f>", 1)
    )
    for view in (None, StoreView(False, note="no store configured")):
        verdict = verify_bytes(changed, view=view)
        assert not verdict.ok
        assert verdict.message == (
            f"the workbook was changed after it was signed: changed sheet Monthly ({part})"
        ), verdict.message


def _replaced(data: bytes, part: str, content: bytes) -> bytes:
    """Zip surgery: one entry replaced, every other byte and the seal kept."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, content if info.filename == part else source.read(info))
        target.comment = source.comment
    return out.getvalue()


# --- any changed byte --------------------------------------------------------------------

NO_STORE = StoreView(False, note="no store configured")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_single_changed_byte_of_the_signed_pdf_fails(
    signed: Signed, data: st.DataObject
) -> None:
    """Judged with the signer's key trusted, so only the change can make it fail."""
    pdf = signed.pdf
    gap = re.compile(rb"/Contents\s*<([0-9A-F]+)>").search(pdf, pdf.rfind(b"/Contents"))
    assert gap is not None
    # half the draws inside the signature value (padding included), half anywhere after the header
    where = data.draw(
        st.one_of(st.integers(gap.start(1), gap.end(1) - 1), st.integers(16, len(pdf) - 1))
    )
    changed = bytearray(pdf)
    changed[where] ^= data.draw(st.integers(1, 255))
    trusted = trust.load(fingerprints=[_fingerprint(signed)])
    assert verify_bytes(pdf, view=NO_STORE, trust=trusted).ok
    assert not _outcome(bytes(changed), trusted).ok, pdf[where - 120 : where + 40]


def _outcome(data: bytes, trusted: trust.Trust) -> Verdict:
    """The verdict, an unreadable file counting as not verified; nothing else may be raised."""
    try:
        return verify_bytes(data, view=NO_STORE, trust=trusted)
    except UnreadableError as error:
        return Verdict(False, str(error))


# --- forgeries without a store: the partner's, an auditor's or a court's situation -------

Forgery = Callable[[openpyxl.Workbook, Signed], None]


def _inputs_row(book: openpyxl.Workbook, path: str) -> tuple[Any, ...]:
    (row,) = [r for r in book["Inputs"].iter_rows() if r[0].value == path]
    return tuple(row)


def _record_property(book: openpyxl.Workbook) -> Any:
    (prop,) = [p for p in book.custom_doc_props.props if p.name == XLSX_PROPERTY]
    return prop


def _new_deal_size_and_margin(book: openpyxl.Workbook, signed: Signed) -> None:
    """Deal size and margin changed, the new plan's hash written wherever one is recorded."""
    _inputs_row(book, "revenue.deal_size")[2].value = 52000
    _inputs_row(book, "revenue.partner_margin")[2].value = 0.35
    store = Store(policy=RULES)
    plan = signoff.signed_plan(store, signed.record)
    store.close()
    forged = content_hash(
        with_values(plan, {"revenue.deal_size": 52000, "revenue.partner_margin": 0.35})
    )
    old = signed.record.content_hash
    for row in book["Sign-off"].iter_rows():
        for cell in row:
            if cell.value == old:
                cell.value = forged
    book.properties.keywords = str(book.properties.keywords).replace(old, forged)
    prop = _record_property(book)
    prop.value = str(prop.value).replace(old, forged)


def _other_signatory(book: openpyxl.Workbook, signed: Signed) -> None:
    for row in book["Sign-off"].iter_rows():
        for cell in row:
            if cell.value == "Max Roth":
                cell.value = "Eva Falk"
    prop = _record_property(book)
    prop.value = str(prop.value).replace("Max Roth", "Eva Falk")


def _units_in_thousands(book: openpyxl.Workbook, signed: Signed) -> None:
    for (cell,) in book["Inputs"].iter_rows(min_col=4, max_col=4):  # "Unit / allowed"
        if isinstance(cell.value, str) and cell.value.startswith("EUR "):
            cell.value = "T" + cell.value  # "TEUR per month": every amount a thousand times


def _another_label(book: openpyxl.Workbook, signed: Signed) -> None:
    _inputs_row(book, "revenue.deal_size")[1].value = "List price per deal and month"


def _fake_cached_figure(book: openpyxl.Workbook, signed: Signed) -> None:
    book["Key figures"]["D3"].value = 999_999  # the partner's NPV "at export"


def _another_number_format(book: openpyxl.Workbook, signed: Signed) -> None:
    book["Key figures"]["B3"].number_format = '#,##0,," Mio. €"'


def _added_sheet(book: openpyxl.Workbook, signed: Signed) -> None:
    sheet = book.create_sheet("Key figures (final)", 0)
    sheet.append(["Net present value (NPV)", 2_500_000])


FORGERIES: dict[str, Forgery] = {
    "deal size and margin, hash recomputed": _new_deal_size_and_margin,
    "signatory names": _other_signatory,
    "unit text TEUR": _units_in_thousands,
    "a label": _another_label,
    "a cached key-figure value": _fake_cached_figure,
    "a number format": _another_number_format,
    "an added sheet with fake values": _added_sheet,
}


def _with_seal_of(data: bytes, original: bytes) -> bytes:
    """``data`` with the seal part of ``original`` added as its last part, as a forger would."""
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        text = archive.read(seal.PART)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr(zipfile.ZipInfo(seal.PART), text)
    return out.getvalue()


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_a_forged_workbook_fails_without_a_store(
    env: Signed,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    forgery: str,
) -> None:
    edited = _resaved(env.xlsx, lambda book: FORGERIES[forgery](book, env))
    assert env.record.signed_at is not None
    forger = signing.identity(tmp_path / "forger" / "signing")
    ways = {
        "saved": (edited, "the workbook carries no seal"),
        "seal kept": (
            _with_seal_of(edited, env.xlsx),
            "the workbook was changed after it was signed: changed sheet",
        ),
        "sealed again by another key": (
            seal.seal(edited, forger, env.record.signed_at),
            f"signed with certificate {forger.fingerprint}, not the expected {_fingerprint(env)}",
        ),
    }
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path / "auditor"))  # no store, no key
    for way, (data, reason) in ways.items():
        file = tmp_path / f"{way}.xlsx"
        file.write_bytes(data)
        status, out, err = _verify(file, capsys, "--fingerprint", _fingerprint(env))
        assert (status, out) == (1, ""), (way, out)
        assert err.startswith(f"{file}: NOT VERIFIED: {reason}"), (way, err)
        assert err.count("\n") == 1
    status, _, err = _verify(tmp_path / "sealed again by another key.xlsx", capsys)
    assert status == 1
    assert f"signed with certificate {forger.fingerprint}, which is not trusted here" in err


def test_the_signed_workbook_verifies_without_a_store_by_fingerprint(
    env: Signed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path / "auditor"))
    file = tmp_path / "plan.xlsx"
    file.write_bytes(env.xlsx)
    status, out, err = _verify(file, capsys, "--fingerprint", _fingerprint(env).lower())
    assert (status, err) == (0, "")
    assert out.startswith(EXPECTED.format(plan=env.plan_id, hash=env.record.content_hash))
    assert out.endswith("(the fingerprint given) (no store configured: file checked only)\n")


# --- a PDF signed by another installation --------------------------------------------------


def test_a_pdf_of_another_installation_passes_only_when_its_key_is_trusted(
    env: Signed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    other = signing.identity(tmp_path / "other" / "signing")
    store = Store(policy=RULES)
    plan = signoff.signed_plan(store, env.record)
    store.close()
    file = tmp_path / "other.pdf"
    # the same signed version as another installation makes it: its key signs the PDF and seals
    # the workbook embedded in it
    file.write_bytes(signed_pdf(plan, env.record, language="en", who=other))
    auditor = tmp_path / "auditor"
    monkeypatch.setenv("PLANNER_DATA_DIR", str(auditor))

    status, out, err = _verify(file, capsys)
    assert (status, out) == (1, "")
    assert f"signed with certificate {other.fingerprint}, which is not trusted here" in err
    assert "`python -m planner fingerprint`" in err
    assert f"--fingerprint {other.fingerprint}" in err
    assert err.count("\n") == 1

    listed = tmp_path / "trusted.txt"
    listed.write_text(f"{other.fingerprint} Nordwind Security AG\n")
    ways: list[tuple[list[str], str]] = [
        (["--fingerprint", other.fingerprint], "the fingerprint given"),
        (["--trust", str(listed)], "listed in trusted.txt line 1 (Nordwind Security AG)"),
    ]
    for extra, why in ways:
        status, out, err = _verify(file, capsys, *extra)
        assert (status, err) == (0, ""), err
        assert f"certificate SHA-256 {other.fingerprint} ({why})" in out
    monkeypatch.setenv(trust.TRUST_ENV, other.fingerprint.replace(":", ""))
    assert _verify(file, capsys)[0] == 0
    monkeypatch.delenv(trust.TRUST_ENV)
    auditor.mkdir()
    (auditor / trust.TRUST_FILE).write_text(f"# checked by phone\n{other.fingerprint}\n")
    status, out, _ = _verify(file, capsys)
    assert status == 0
    assert f"(listed in {trust.TRUST_FILE} line 2)" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--fingerprint", "AB:CD"], "error: --fingerprint: 'AB:CD' is not a SHA-256 fingerprint"),
        (["--trust", "missing.txt"], "error: missing.txt does not exist"),
    ],
)
def test_a_bad_fingerprint_or_trust_list_exits_2(
    env: Signed,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    extra: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    file = tmp_path / "plan.pdf"
    file.write_bytes(env.pdf)
    status, out, err = _verify(file, capsys, *extra)
    assert (status, out) == (2, "")
    assert err.startswith(message)
    assert err.count("\n") == 1


# --- damaged files -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["pdf", "xlsx"])
def test_random_byte_flips_are_not_verified_and_never_a_traceback(
    env: Signed,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    kind: str,
) -> None:
    original = env.pdf if kind == "pdf" else env.xlsx
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path / "auditor"))
    trusted = trust.load(fingerprints=[_fingerprint(env)])
    draw = random.Random(f"flips-{kind}")
    statuses = []
    for flip in range(20):
        changed = bytearray(original)
        for _ in range(1 + flip % 3):  # one to three bytes anywhere after the magic number
            changed[draw.randrange(5, len(changed))] ^= draw.randrange(1, 256)
        with contextlib.suppress(UnreadableError):  # in the process: nothing else is raised
            assert not verify_bytes(bytes(changed), view=NO_STORE, trust=trusted).ok
        file = tmp_path / f"flip{flip}.{kind}"
        file.write_bytes(bytes(changed))
        status, out, err = _verify(file, capsys, "--fingerprint", _fingerprint(env))
        assert status in (1, 2), (flip, out)
        assert out == ""
        assert err.count("\n") == 1, err
        assert "Traceback" not in err
        statuses.append(status)
    # a changed byte inside a compressed part fails its checksum (damaged: 2); elsewhere the
    # file still reads and the signature or seal no longer matches (altered: 1)
    assert set(statuses) <= {1, 2}
    assert len(statuses) == 20


# --- evidence on the page --------------------------------------------------------------------


def test_the_signed_pdf_states_its_electronic_signature(env: Signed) -> None:
    fingerprint = _fingerprint(env)
    digest = env.record.content_hash
    store = Store(policy=RULES)
    plan = signoff.signed_plan(store, env.record)
    store.close()
    german = signed_pdf(plan, env.record, language="de")
    for data, texts in (
        (
            env.pdf,
            [
                "signed electronically (see below)",
                "Electronic signature",
                "This document is electronically signed.",
                "Anna Berger (CEO) for the partner ACME IT GmbH, on 5 January 2027",
                "Max Roth (Partner Manager) for the vendor Nordwind Security AG, on 6 January",
                "Sign-off complete on",
                "How to check this file",
                "python -m planner verify FILE.pdf --fingerprint",
            ],
        ),
        (
            german,
            [
                "elektronisch unterschrieben (siehe unten)",
                "Elektronische Signatur",
                "Dieses Dokument ist elektronisch unterschrieben.",
                "Anna Berger (CEO) für den Partner ACME IT GmbH, am 5. Januar 2027",
                "Freigabe vollständig am",
                "So prüfen Sie die Datei",
                "python -m planner verify DATEI.pdf --fingerprint",
            ],
        ),
    ):
        pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]
        last = " ".join(pages[-1].split())
        for text in texts:
            assert text in last, text
        assert fingerprint[:47] in last  # on two lines
        assert fingerprint[48:] in last
        assert f"--fingerprint {fingerprint}" in last
        assert last.count(digest) >= 3  # statement, facts, footer
        assert not any("Version Version" in page for page in pages)
    assert "Version 2, freigegeben" in " ".join(pages[0].split())


def test_the_signed_workbook_states_its_electronic_signature(env: Signed) -> None:
    fingerprint = _fingerprint(env)
    store = Store(policy=RULES)
    plan = signoff.signed_plan(store, env.record)
    store.close()
    german = signed_workbook(plan, env.record, language="de")
    for data, texts, unsigned_note in (
        (
            env.xlsx,
            [
                "This workbook is electronically signed",
                "Sign-off complete on",
                "Certificate (SHA-256 fingerprint)",
                f"python -m planner verify FILE.xlsx --fingerprint {fingerprint}",
            ],
            "Blank until the plan is signed off",
        ),
        (
            german,
            [
                "Diese Arbeitsmappe ist elektronisch unterschrieben",
                "Freigabe vollständig am",
                "Zertifikat (SHA-256-Fingerabdruck)",
                f"python -m planner verify DATEI.xlsx --fingerprint {fingerprint}",
            ],
            "Leer, bis der Plan freigegeben ist",
        ),
    ):
        book = openpyxl.load_workbook(io.BytesIO(data))
        sheet = book["Sign-off" if "Sign-off" in book.sheetnames else "Freigabe"]
        cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
        text = "\n".join(cells)
        for expected in texts:
            assert expected in text, expected
        assert fingerprint in cells
        assert env.record.content_hash in cells
        assert unsigned_note not in text
    assert signed_workbook(plan, env.record, language="de") == german  # sealed the same


def test_an_unsealed_workbook_with_macros_is_refused(
    env: Signed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(env.xlsx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("xl/vbaProject.bin", b"macro")
    file = tmp_path / "macro.xlsx"
    file.write_bytes(out.getvalue())
    status, stdout, err = _verify(file, capsys)
    assert (status, stdout) == (2, "")
    assert err.startswith("error: the workbook is refused: it ")
    assert err.count("\n") == 1


# --- whose trust: the installation's data folder, never the working folder's -----------------


def _forged(env: Signed, forger: signing.Identity) -> tuple[bytes, bytes]:
    """The signed plan with the partner's margin set to 35 %, signed by ``forger``."""
    store = Store(policy=RULES)
    plan = signoff.signed_plan(store, env.record)
    store.close()
    forged = with_values(plan, {"revenue.partner_margin": 0.35})
    record = dataclasses.replace(env.record, content_hash=content_hash(forged))
    pdf = signed_pdf(forged, record, who=forger, language="en")
    return pdf, signed_workbook(forged, record, who=forger, language="en")


def test_a_data_folder_in_the_working_folder_is_not_this_installation(
    env: Signed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone's folder holds their ./data/signing beside their forged file: verify run there
    trusts the installation's data folder, not theirs."""
    forger = signing.identity(tmp_path / "data" / "signing")
    pdf, xlsx = _forged(env, forger)
    (tmp_path / "forged.pdf").write_bytes(pdf)
    (tmp_path / "forged.xlsx").write_bytes(xlsx)
    (tmp_path / "genuine.pdf").write_bytes(env.pdf)
    monkeypatch.delenv("PLANNER_DATA_DIR")
    monkeypatch.setattr(paths, "DEFAULT_DATA_DIR", env.folder)  # the signing installation
    monkeypatch.chdir(tmp_path)
    for name in ("forged.pdf", "forged.xlsx"):
        status, out, err = _verify(Path(name), capsys)
        assert (status, out) == (1, ""), err
        assert f"signed with certificate {forger.fingerprint}, which is not trusted here" in err
    status, out, err = _verify(Path("genuine.pdf"), capsys)
    assert (status, err) == (0, "")
    assert out.endswith("(this installation)\n")


def test_verify_run_in_someone_elses_folder_does_not_trust_their_key(
    env: Signed, tmp_path: Path
) -> None:
    """The same as a person runs it: a fresh process, PLANNER_DATA_DIR unset."""
    forger = signing.identity(tmp_path / "data" / "signing")
    (tmp_path / "forged.pdf").write_bytes(_forged(env, forger)[0])
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_")}
    done = subprocess.run(
        [sys.executable, "-m", "planner", "verify", "forged.pdf"],
        cwd=tmp_path,
        env={**environment, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (1, ""), done.stderr
    assert done.stderr.startswith("forged.pdf: NOT VERIFIED: signed with certificate ")
    assert f"{forger.fingerprint}, which is not trusted here" in done.stderr
    assert done.stderr.count("\n") == 1


def test_the_data_folder_is_the_installations_unless_configured(tmp_path: Path) -> None:
    assert paths.data_dir({}) == ROOT / "data"
    assert paths.data_dir({"PLANNER_DATA_DIR": " "}) == ROOT / "data"
    assert paths.data_dir({"PLANNER_DATA_DIR": str(tmp_path)}) == tmp_path
    assert signing.data_dir({}) == paths.data_dir({})
    url = env_database_url({})
    assert url == f"sqlite+pysqlite:///{ROOT / 'data' / 'planner.db'}"


# --- what the file is: edition, language, version, plan, and whether it was superseded ------


def test_the_verdict_names_the_edition_its_language_the_version_and_the_plan(
    env: Signed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(policy=RULES)
    plan = signoff.signed_plan(store, env.record)
    store.close()
    digest = edition_hash(plan, "partner")
    for kind, data in (
        ("pdf", signed_pdf(plan, env.record, edition="partner", language="de")),
        ("xlsx", signed_workbook(plan, env.record, edition="partner", language="de")),
    ):
        file = tmp_path / f"partner.{kind}"
        file.write_bytes(data)
        status, out, err = _verify(file, capsys)
        assert (status, err) == (0, "")
        assert out.startswith(
            f'signed version 2 of "ACME x Nordwind" (plan {env.plan_id}; partner edition, '
            f"German), hash {digest}, signed by Anna Berger (CEO) for the partner on 2027-01-05"
        ), out


def test_a_version_signed_again_later_is_said_to_be_superseded(
    env: Signed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    later = tmp_path / "later"
    shutil.copytree(env.folder, later)
    monkeypatch.setenv("PLANNER_DATA_DIR", str(later))
    store = Store(policy=RULES)
    assert store.apply_edit(env.plan_id, "opex_per_month", 3500, 2, "Anna", "partner").ok
    signoff.freeze(store, env.plan_id, role="owner", author="Max Roth")
    for side, role in (("partner", "partner_editor"), ("vendor", "owner")):
        record = signoff.sign(
            store, env.plan_id, 3, side=side, role=role, name="Eva Falk", title="CFO"
        )
    third = signed_pdf(signoff.signed_plan(store, record), record, language="en")
    store.close()
    assert record.signed_at is not None
    files = {"v2.pdf": env.pdf, "v2.xlsx": env.xlsx, "v3.pdf": third}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    expected = f"; superseded by version 3 signed on {record.signed_at.date().isoformat()}; "
    for name in ("v2.pdf", "v2.xlsx"):
        status, out, err = _verify(tmp_path / name, capsys)
        assert (status, err) == (0, "")
        assert expected in out, out
    status, out, _ = _verify(tmp_path / "v3.pdf", capsys)
    assert status == 0
    assert out.startswith("signed version 3 of")
    assert "superseded" not in out
    monkeypatch.setenv("PLANNER_DATA_DIR", str(env.folder))  # the store that knows only v2
    assert "superseded" not in _verify(tmp_path / "v2.pdf", capsys)[1]


# --- bad trust entries -------------------------------------------------------------------------


def test_a_junk_trust_entry_is_named_and_skipped(
    env: Signed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "plan.pdf"
    file.write_bytes(env.pdf)
    monkeypatch.setenv(trust.TRUST_ENV, "junk")
    status, out, err = _verify(file, capsys)
    assert status == 0
    assert out.endswith("(this installation)\n")
    assert err == f"warning: {trust.TRUST_ENV}: 'junk' is not a fingerprint, skipped\n"


def test_a_trust_list_that_never_ends_exits_2(
    env: Signed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "plan.pdf"
    file.write_bytes(env.pdf)
    status, out, err = _verify(file, capsys, "--trust", "/dev/zero")
    assert (status, out, err) == (2, "", "error: /dev/zero: larger than 1 MB\n")
