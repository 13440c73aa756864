"""``python -m planner verify``: signed exports pass; a change, unknown hash or other key fails."""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import cli
from planner.export.pdf import build_pdf
from planner.export.xlsx import build_workbook
from planner.plan import canonical_json, content_hash, validate
from planner.signoff import keys as signing
from planner.signoff import records as signoff
from planner.signoff.editions import XLSX_PROPERTY, signed_pdf, signed_workbook
from planner.signoff.records import SignOff
from planner.signoff.verify import StoreView, UnreadableError, verify_bytes
from planner.store import Store
from tests.store_support import PLAN_DATA

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
        store = Store()
        plan = validate({**PLAN_DATA, "decision": DECISION})
        plan_id = store.create_plan(plan, author="Max Roth", side="vendor")
        assert store.apply_edit(plan_id, "opex_per_month", 3000, 1, "Anna", "partner").ok
        signoff.freeze(store, plan_id, role="owner", author="Max Roth")
        signoff.sign(
            store,
            plan_id,
            2,
            side="partner",
            role="partner_editor",
            name="Anna Berger",
            title="CEO",
            date=datetime.date(2027, 1, 5),
        )
        record = signoff.sign(
            store,
            plan_id,
            2,
            side="vendor",
            role="owner",
            name="Max Roth",
            title="Partner Manager",
            date=datetime.date(2027, 1, 6),
        )
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
    'signed version 2 of "ACME x Nordwind", hash {hash}, signed by Anna Berger (CEO) for the '
    "partner on 2027-01-05 and Max Roth (Partner Manager) for the vendor on 2027-01-06"
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
        EXPECTED.format(hash=env.record.content_hash)
        + f"; PDF signature intact, certificate SHA-256 {fingerprint} (this installation)\n"
    )


def test_the_signed_workbook_verifies_in_one_line(
    env: Signed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "plan.xlsx"
    file.write_bytes(env.xlsx)
    assert _verify(file, capsys) == (0, EXPECTED.format(hash=env.record.content_hash) + "\n", "")


def test_without_a_store_the_file_alone_is_checked(
    signed: Signed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path / "elsewhere"))
    for data in (signed.pdf, signed.xlsx):
        verdict = verify_bytes(data)
        assert verdict.ok, verdict.message
        assert verdict.message.endswith("(no store configured: file checked only)")
    assert not (tmp_path / "elsewhere").exists()  # verifying creates no database or key


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
    assert ["Partner", "Anna Berger", "CEO", "2027-01-05"] in rows
    assert ["Vendor", "Max Roth", "Partner Manager", "2027-01-06"] in rows
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
    assert "the workbook's inputs have hash" in err
    assert err.rstrip().endswith("revenue.deal_size is 42500, signed 42000")


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
    assert verdict.message.startswith("the workbook records different hashes")


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


def test_a_draft_workbook_whose_hash_was_never_signed_fails(env: Signed) -> None:
    draft = build_workbook(validate(PLAN_DATA))
    verdict = verify_bytes(draft)
    assert not verdict.ok
    assert (
        verdict.message
        == f"hash {content_hash(validate(PLAN_DATA))} is not a signed version in the store"
    )


def test_a_hash_the_store_does_not_know_fails(
    signed: Signed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path))
    Store().close()  # another installation's (empty) store
    for data in (signed.pdf, signed.xlsx):
        verdict = verify_bytes(data)
        assert not verdict.ok
        assert verdict.message == (
            f"hash {signed.record.content_hash} is not a signed version in the store"
        )


def test_a_pdf_re_signed_with_another_key_fails_where_the_plan_was_signed(
    env: Signed, tmp_path: Path
) -> None:
    other = signing.identity(tmp_path / "other")
    prefix = env.pdf[: env.pdf.index(b"%%EOF") + 6]  # the unsigned revision
    forged = signing.sign_pdf(prefix, other, attachments=_attachments(env.pdf))
    verdict = verify_bytes(forged)
    assert not verdict.ok
    assert verdict.message.startswith(f"signed with certificate {other.fingerprint}, not this")


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
    store = Store()
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


def test_a_workbook_saved_again_unchanged_still_verifies(env: Signed) -> None:
    verdict = verify_bytes(_resaved(env.xlsx))
    assert verdict.ok, verdict.message


def test_an_edited_formula_fails_naming_the_cell(env: Signed) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        sheet = book["Monthly"]
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.value = cell.value + "*1.1"
                    return

    changed = _resaved(env.xlsx, edit)
    for view in (None, StoreView(False, note="no store configured")):
        verdict = verify_bytes(changed, view=view)
        assert not verdict.ok
        assert re.fullmatch(
            r"the formula in Monthly!\w+ is =.*\*1\.1, the signed workbook has =.*",
            verdict.message,
        ), verdict.message


# --- any changed byte --------------------------------------------------------------------

NO_STORE = StoreView(False, note="no store configured")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_single_changed_byte_of_the_signed_pdf_fails(
    signed: Signed, data: st.DataObject
) -> None:
    pdf = signed.pdf
    gap = re.compile(rb"/Contents\s*<([0-9A-F]+)>").search(pdf, pdf.rfind(b"/Contents"))
    assert gap is not None
    # half the draws inside the signature value (padding included), half anywhere after the header
    where = data.draw(
        st.one_of(st.integers(gap.start(1), gap.end(1) - 1), st.integers(16, len(pdf) - 1))
    )
    changed = bytearray(pdf)
    changed[where] ^= data.draw(st.integers(1, 255))
    assert not verify_bytes(bytes(changed), view=NO_STORE).ok, pdf[where - 120 : where + 40]
