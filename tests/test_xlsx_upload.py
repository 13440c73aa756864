"""Untrusted workbook uploads are refused cleanly, before openpyxl parses any XML."""

from __future__ import annotations

import io
import zipfile

import pytest

from planner.export.workbook_import import MAX_BYTES, check_upload, read_workbook
from planner.export.xlsx import build_workbook
from planner.plan.files import load
from planner.plan.schema import PlanError
from tests.factories import EXAMPLE


@pytest.fixture(scope="module")
def workbook() -> bytes:
    return build_workbook(load(EXAMPLE))


def with_parts(data: bytes, parts: dict[str, bytes], *, drop: tuple[str, ...] = ()) -> bytes:
    """A copy of the zip ``data`` with ``parts`` added or replaced and ``drop`` left out."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename not in parts and info.filename not in drop:
                target.writestr(info, source.read(info))
        for name, content in parts.items():
            target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def refusal(data: bytes) -> str:
    with pytest.raises(PlanError) as caught:
        read_workbook(data)
    [problem] = caught.value.problems
    return str(problem)


def test_a_plain_exported_workbook_passes(workbook):
    check_upload(workbook)


def test_not_a_zip_is_refused():
    assert refusal(b"title: not a workbook\n") == (
        "workbook: is not an XLSX workbook (not a zip archive)"
    )


def test_an_old_xls_or_encrypted_file_is_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    assert "old .xls or a password-protected file" in refusal(ole)


def test_a_zip_that_is_no_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refusal(out.getvalue()) == "workbook: is not an XLSX workbook (no xl/workbook.xml)"


def test_more_than_10_mb_is_refused_by_size_alone():
    assert refusal(b"PK" + bytes(MAX_BYTES - 1)) == "workbook: is larger than 10 MB"


def test_a_zip_bomb_by_ratio_is_refused(workbook):
    # 20 MB of zeros deflate to about 20 KB: a ratio near 1000
    bomb = with_parts(workbook, {"xl/media/padding.bin": bytes(20_000_000)})
    assert len(bomb) < 200_000
    assert refusal(bomb) == "workbook: xl/media/padding.bin expands more than 100 times (zip bomb)"


def test_a_zip_bomb_by_total_size_is_refused(workbook):
    bomb = with_parts(workbook, {"xl/media/padding.bin": bytes(60_000_000)})
    assert refusal(bomb) == "workbook: expands to 60 MB (more than 50 MB)"


def test_macros_are_refused(workbook):
    macro = with_parts(workbook, {"xl/vbaProject.bin": b"\x00" * 100})
    assert "contains macros (vbaProject.bin)" in refusal(macro)


def test_external_links_are_refused(workbook):
    linked = with_parts(workbook, {"xl/externalLinks/externalLink1.xml": b"<externalLink/>"})
    assert "links to other files (external links)" in refusal(linked)


def test_xml_entity_declarations_are_refused(workbook):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><sst>&lol2;</sst>'
    )
    bomb = with_parts(workbook, {"xl/sharedStrings.xml": laughs})
    assert refusal(bomb) == "workbook: xl/sharedStrings.xml declares XML entities (refused)"


def test_a_workbook_without_inputs_sheet_is_refused():
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Tabelle1"
    out = io.BytesIO()
    wb.save(out)
    assert refusal(out.getvalue()) == (
        "workbook: has no sheet named 'Inputs' or 'Eingaben' (was it exported by this product?)"
    )


def test_a_broken_part_is_refused_without_a_traceback(workbook):
    broken = with_parts(workbook, {"xl/workbook.xml": b"<workbook><sheets><sheet"})
    assert refusal(broken).startswith("workbook: cannot be read as XLSX (")
