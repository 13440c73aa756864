"""The business-plan PDF is PDF/A-3b, drafts and signed editions alike, with the files it was
made from embedded as associated files; the signature keeps it PDF/A.

The rules checked are listed in ``tests/pdfa_rules.py`` (veraPDF cannot be installed here);
the checker is shown to catch files that break them.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pypdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from planner import privacy
from planner.export import pdfa
from planner.export.pdf import build_pdf
from planner.plan.files import canonical_json, content_hash, load
from planner.plan.schema import Plan
from planner.plan.validation import validate
from planner.signoff import editions, seal
from planner.signoff import keys as signing
from tests import pdfa_rules
from tests.factories import EXAMPLE
from tests.test_pdf_fonts import six_script_plan
from tests.test_privacy_matrix import KEY, MARGIN, secret_plan, signed_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def example() -> Plan:
    return load(EXAMPLE)


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> signing.Identity:
    return signing.identity(tmp_path_factory.mktemp("keys") / "signing")


def _xmp(document: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(document))
    return bytes(reader.trailer["/Root"]["/Metadata"].get_object().get_data()).decode("utf-8")


def test_the_draft_is_pdfa_3b_and_embeds_the_plan_it_was_made_from(example: Plan) -> None:
    document = build_pdf(example, issued=datetime.date(2027, 1, 15))
    assert pdfa_rules.problems(document) == []
    assert "<pdfaid:part>3</pdfaid:part>" in _xmp(document)
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in _xmp(document)
    files = pdfa_rules.embedded(document)
    assert set(files) == {"plan.json"}
    relationship, mime, data = files["plan.json"]
    assert (relationship, mime) == ("/Source", "application/json")
    assert data.decode("utf-8") == canonical_json(example)
    # the hash on every page is the embedded file's SHA-256
    assert hashlib.sha256(data).hexdigest() == content_hash(example)
    assert build_pdf(example, issued=datetime.date(2027, 1, 15)) == document  # same bytes


def test_names_in_every_script_keep_the_file_pdfa() -> None:
    document = build_pdf(validate(six_script_plan()), language="en")
    assert pdfa_rules.problems(document) == []
    title = pypdf.PdfReader(io.BytesIO(document)).metadata.title
    assert f'<rdf:li xml:lang="x-default">{title}</rdf:li>' in _xmp(document)


def test_a_sides_draft_embeds_only_what_that_side_sees() -> None:
    plan = secret_plan()
    document = build_pdf(plan, audience="partner")
    assert pdfa_rules.problems(document) == []
    data = pdfa_rules.embedded(document)["plan.json"][2].decode("utf-8")
    assert data == privacy.edition_json(plan, "partner")
    assert str(MARGIN) not in data
    assert "vendor_programme.gross_margin" in json.loads(data)["hidden"]


@pytest.mark.parametrize("edition", ["full", "partner"])
def test_the_signed_edition_is_pdfa_3b_with_its_plan_record_and_workbook(
    edition: str, identity: signing.Identity
) -> None:
    plan = secret_plan()
    record = signed_record(plan)
    document = editions.signed_pdf(plan, record, edition=edition, who=identity, key=KEY)
    assert pdfa_rules.problems(document) == []
    files = pdfa_rules.embedded(document)
    assert {name: kind[:2] for name, kind in files.items()} == {
        "plan.json": ("/Source", "application/json"),
        "signoff.json": ("/Data", "application/json"),
        "workbook.xlsx": ("/Data", XLSX),
    }
    assert files["plan.json"][2].decode() == editions.edition_json(plan, edition, KEY)
    workbook = files["workbook.xlsx"][2]
    again = editions.signed_workbook(plan, record, edition=edition, key=KEY, who=identity)
    assert workbook == again
    assert seal.check(workbook).ok
    with zipfile.ZipFile(io.BytesIO(workbook)) as book:
        sheets = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
    assert (str(MARGIN) in sheets) == (edition == "full")  # the side's edition, never more
    check = signing.check_pdf(document)
    assert check.ok, check.problem
    assert check.attachments is not None
    assert check.attachments["workbook.xlsx"] == workbook


def test_a_workbook_made_beforehand_is_the_one_embedded(identity: signing.Identity) -> None:
    plan = secret_plan()
    record = signed_record(plan)
    workbook = editions.signed_workbook(plan, record, edition="vendor", key=KEY, who=identity)
    document = editions.signed_pdf(
        plan, record, edition="vendor", who=identity, key=KEY, workbook=workbook
    )
    assert pdfa_rules.embedded(document)["workbook.xlsx"][2] == workbook


def test_the_checker_catches_a_plain_pdf_and_pyhankos_own_signature(
    example: Plan, identity: signing.Identity
) -> None:
    plain = io.BytesIO()
    canvas = Canvas(plain)
    canvas.drawString(72, 720, "Helvetica, not embedded")
    canvas.save()
    found = " ".join(pdfa_rules.problems(plain.getvalue()))
    for rule in ("6.6.2.1 no /Metadata", "6.2.3 0 PDF/A output intents", "6.2.11.4.1"):
        assert rule in found

    # pyHanko left to itself: PDF 2.0, and a producer that differs between info and XMP
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(build_pdf(example)), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name="S", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    out = signers.sign_pdf(writer, meta, signer=signing._signer(identity))
    found = " ".join(pdfa_rules.problems(out.getvalue()))
    assert "catalogue declares PDF /2.0" in found
    assert "6.6.2.3 /Producer" in found


def test_the_srgb_profile_is_a_v4_2_display_profile_and_the_same_every_time() -> None:
    profile = pdfa.srgb_profile()
    assert profile[36:40] == b"acsp"  # the ICC signature
    assert profile[12:20] == b"mntrRGB "  # display class, RGB
    assert profile[8:12] == bytes([4, 0x20, 0, 0])  # 4.2.0.0: ICC.1:2004-10
    assert pdfa_rules._icc_tag_types(profile) <= pdfa_rules.ICC_2004_TYPES
    assert profile[24:36] == bytes(12)
    pdfa.srgb_profile.cache_clear()
    assert pdfa.srgb_profile() == profile


def test_the_checker_catches_a_later_icc_profile_version(example: Plan) -> None:
    document = build_pdf(example)
    assert pdfa_rules.problems(document) == []
    pdfa.srgb_profile.cache_clear()
    try:
        profile = pdfa.srgb_profile()
        later = profile[:8] + bytes([4, 0x40]) + profile[10:]  # 4.4, as LittleCMS writes
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(pdfa, "srgb_profile", lambda: later)
            found = pdfa_rules.problems(build_pdf(example))
    finally:
        pdfa.srgb_profile.cache_clear()
    assert found == ["6.2.3 output intent profile version 4.4, above 4.2"]


def test_the_quarterly_review_pack_is_pdfa_3b_too() -> None:
    from planner.export.qbr_pdf import build_qbr_pdf
    from planner.onboarding import review as reviews
    from tests.test_qbr import live_data

    review = reviews.review(load(EXAMPLE), validate(live_data()), "partner", spread=False)
    document = build_qbr_pdf(review, "en")
    assert pdfa_rules.problems(document) == []  # a bullet without a font of its own included


def test_the_exported_draft_embeds_the_plan_and_the_workbook_of_the_same_edition(
    tmp_path: Path,
) -> None:
    from planner.cli import main

    target, book = tmp_path / "plan.pdf", tmp_path / "plan.xlsx"
    assert main(["export", str(EXAMPLE), "--pdf", str(target), "--xlsx", str(book)]) == 0
    document = target.read_bytes()
    assert pdfa_rules.problems(document) == []
    files = pdfa_rules.embedded(document)
    assert files["plan.json"][:2] == ("/Source", "application/json")
    assert files["workbook.xlsx"] == ("/Data", XLSX, book.read_bytes())
