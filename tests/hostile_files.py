"""A corpus of hostile files, generated here (nothing hostile is kept in the repository).

Each :class:`Hostile` is a file name, its bytes and the words its one-line refusal must
contain. Workbooks serve both the plan import and the actuals upload; CSV only actuals; text
only plans.
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass
from functools import cache

from openpyxl import Workbook

from planner import limits

MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
MACRO_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData>'
    b'<row r="1"><c r="A1"><f>EXEC("calc.exe")</f></c></row>'
    b'<row r="2"><c r="A2"><f>HALT()</f></c></row></sheetData></xm:macrosheet>'
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><sst>&lol2;</sst>'
)
YAML_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)


@dataclass(frozen=True)
class Hostile:
    name: str
    data: bytes
    refusal: str
    """Words the one-line refusal contains."""

    def __repr__(self) -> str:  # short test ids
        return self.name


@cache
def actuals_workbook() -> bytes:
    """A plain, valid actuals workbook: month and revenue of two months."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["month", "revenue"])
    sheet.append([1, 8200])
    sheet.append([2, 9100])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_parts(
    data: bytes, parts: dict[str, bytes], *, types: tuple[bytes, bytes] | None = None
) -> bytes:
    """A copy of workbook ``data`` with ``parts`` added or replaced; ``types`` replaces one
    string of ``[Content_Types].xml`` by another."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename in parts:
                continue
            content = source.read(info)
            if types is not None and info.filename == "[Content_Types].xml":
                assert types[0] in content
                content = content.replace(*types)
            target.writestr(info, content)
        for name, content in parts.items():
            target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def declared(part: str, content_type: str) -> tuple[bytes, bytes]:
    """A ``types`` replacement that declares ``part`` with ``content_type``."""
    override = f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
    return (b"</Types>", override.encode())


def sheet_xml(rows: bytes, dimension: str = "A1:B3") -> bytes:
    header = (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>month</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>revenue</t></is></c></row>'
    )
    return (
        SHEET_HEAD
        + f'<dimension ref="{dimension}"/>'.encode()
        + b"<sheetData>"
        + header
        + rows
        + b"</sheetData></worksheet>"
    )


@cache
def workbooks() -> list[Hostile]:
    """Hostile workbooks: each refused by :func:`planner.limits.check_workbook` or the table
    limits, whichever reader gets it."""
    base = actuals_workbook()
    sheet = "xl/worksheets/sheet1.xml"
    many = random.Random(7)
    cells = b"".join(b"<c><v>%d</v></c>" % many.randrange(10**6) for _ in range(40_000))
    return [
        Hostile(
            "bomb-ratio.xlsx",
            # one row of 7.5 million empty cells: 30 MB in 30 KB
            with_parts(base, {sheet: sheet_xml(b'<row r="2">' + b"<c/>" * 7_500_000 + b"</row>")}),
            "expands more than 100 times (zip bomb)",
        ),
        Hostile(
            "bomb-cells.xlsx",
            # 80,000 elements of random numbers: no ratio to speak of, but each costs parsing
            with_parts(base, {sheet: sheet_xml(b'<row r="2">' + cells + b"</row>")}),
            f"holds more than {limits.MAX_ELEMENTS:,} XML elements",
        ),
        Hostile(
            "vba.xlsm",
            with_parts(base, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(600)}),
            "contains macros (vbaProject.bin)",
        ),
        Hostile(
            "macro-enabled.xlsx",
            with_parts(
                base, {}, types=(MAIN, b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            ),
            "is a macro-enabled workbook (.xlsm)",
        ),
        Hostile(
            "excel4-macro.xlsx",
            with_parts(base, {"xl/macrosheets/sheet1.xml": MACRO_SHEET}),
            "contains Excel 4.0 macro sheets (xl/macrosheets/sheet1.xml)",
        ),
        Hostile(
            "excel4-macro-moved.xlsx",
            # the same macro sheet under a harmless name, found by its declared content type
            with_parts(
                base,
                {"xl/worksheets/sheet9.xml": MACRO_SHEET},
                types=declared(
                    "xl/worksheets/sheet9.xml", "application/vnd.ms-excel.macrosheet+xml"
                ),
            ),
            "contains Excel 4.0 macro sheets",
        ),
        Hostile(
            "dialogsheet.xlsx",
            with_parts(base, {"xl/dialogsheets/sheet1.xml": b"<dialogsheet/>"}),
            "contains dialog sheets",
        ),
        Hostile(
            "activex.xlsx",
            with_parts(base, {"xl/activeX/activeX1.xml": b"<ax:ocx/>"}),
            "contains ActiveX controls",
        ),
        Hostile(
            "external-link.xlsx",
            with_parts(base, {"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}),
            "links to other files (external links)",
        ),
        Hostile(
            "entities.xlsx",
            with_parts(base, {"xl/sharedStrings.xml": LAUGHS}),
            "xl/sharedStrings.xml declares XML entities",
        ),
        Hostile("not-a-zip.xlsx", b"month,revenue\n1,8200\n", "not an XLSX workbook"),
        Hostile(
            "too-large.xlsx",
            b"PK" + bytes(limits.WORKBOOK_MAX_BYTES),
            f"is larger than {limits.size_text(limits.WORKBOOK_MAX_BYTES)}",
        ),
    ]


def actuals_workbooks() -> list[Hostile]:
    """Workbooks that pass the zip checks but not the actuals table's limits."""
    base = actuals_workbook()
    claims = sheet_xml(b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>', "A1:XFD1048576")
    return [
        Hostile(
            "million-rows.xlsx",
            with_parts(base, {"xl/worksheets/sheet1.xml": claims}),
            f"has more than {limits.MAX_ROWS:,} rows",
        ),
        Hostile(
            "huge-actual.xlsx",
            with_parts(
                base,
                {
                    "xl/worksheets/sheet1.xml": sheet_xml(
                        b'<row r="2"><c><v>1</v></c><c><v>1e300</v></c></row>'
                    )
                },
            ),
            "row 2, month 1, revenue: 1e+300 is not within -10^15 to 10^15",
        ),
    ]


def csv_files() -> list[Hostile]:
    return [
        Hostile(
            "too-large.csv",
            b"month,revenue\n" + b"1,8200\n" * 800_000,
            f"is larger than {limits.size_text(limits.TEXT_MAX_BYTES)}",
        ),
        Hostile(
            "huge-actual.csv",
            b"month,revenue\n1,1e300\n",
            "row 2, month 1, revenue: 1e+300 is not within -10^15 to 10^15",
        ),
        Hostile(
            "negative-huge.csv",
            b"month;revenue\n2;-2000000000000000\n",
            "row 2, month 2, revenue: -2000000000000000.0 is not within -10^15 to 10^15",
        ),
        Hostile(
            "empty-lines.csv",
            b"month,revenue\n" + b"\n" * 2_000_000,
            f"has more than {limits.MAX_ROWS:,} rows",
        ),
        Hostile(
            "wide.csv",
            b"month," + b",".join(b"c%d" % i for i in range(50_000)) + b"\n",
            f"has more than {limits.MAX_COLUMNS:,} columns",
        ),
        Hostile(
            "long-field.csv",
            b'month,revenue\n1,"' + b"9" * 1_000_000 + b'"\n',
            "is not a readable CSV file (field larger than field limit",
        ),
        Hostile(
            "zip-named.csv",
            with_parts(actuals_workbook(), {"xl/macrosheets/sheet1.xml": MACRO_SHEET}),
            "contains Excel 4.0 macro sheets",
        ),
    ]


def plan_texts() -> list[Hostile]:
    return [
        Hostile("laughs.yaml", YAML_LAUGHS.encode(), "anchors and aliases (&, *) are not allowed"),
        Hostile(
            "deep.json",
            b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            f"nested more than {limits.MAX_DEPTH} levels deep",
        ),
        Hostile("twice.json", b'{"title": "A", "title": "B"}', "key 'title' appears twice"),
        Hostile(
            "many.yaml",
            b"actuals:\n" + b"".join(b"  - {month: %d}\n" % i for i in range(limits.MAX_NODES)),
            f"more than {limits.MAX_NODES:,} values",
        ),
        Hostile(
            "too-large.yaml",
            b"title: x\n" + b"# padding\n" * 600_000,
            f"is larger than {limits.size_text(limits.TEXT_MAX_BYTES)}",
        ),
    ]


# --- PDFs: refused before the PDF reader parses them (planner/signoff/bounds.py) ---------------


def pdf_file(objects: list[bytes], *, trailer: bytes = b"") -> bytes:
    """A PDF of ``objects`` (numbered from 1, the first the catalog) with one cross-reference
    table; ``trailer`` is added to the trailer dictionary."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % table
    return bytes(out)


PAGE_OBJECTS = [
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
]
SIGNATURE_VALUE = (
    b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
    b"/ByteRange [0 10 20 10] /Contents <00> >>"
)


def catalog(form: bytes) -> bytes:
    return b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [" + form + b"] >> >>"


def signature_fields(count: int) -> bytes:
    """A PDF whose form has ``count`` filled signature fields (objects 5 ...)."""
    fields = b" ".join(b"%d 0 R" % (5 + i) for i in range(count))
    return pdf_file(
        [
            catalog(fields),
            *PAGE_OBJECTS,
            SIGNATURE_VALUE,
            *(b"<</FT/Sig/T(s%d)/V 4 0 R>>" % i for i in range(count)),
        ]
    )


def revisions(count: int) -> bytes:
    """A PDF of ``count`` revisions, each an empty update with its own table and trailer."""
    data = pdf_file([catalog(b""), *PAGE_OBJECTS])
    for _ in range(count - 1):
        previous = int(data[data.rindex(b"startxref") + 10 :].split()[0])
        table = len(data)
        data += (
            b"xref\n0 0\ntrailer\n<< /Size 4 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
            % (previous, table)
        )
    return data


@cache
def pdfs() -> list[Hostile]:
    """Hostile PDFs: each refused by :func:`planner.signoff.bounds.precheck` or the form's
    limit before the PDF reader parses more than a few objects."""
    plain = pdf_file([catalog(b""), *PAGE_OBJECTS])
    at = plain.rindex(b"startxref")
    table = plain.rindex(b"xref\n0 ")
    looped = plain.replace(b"/Root 1 0 R >>", b"/Root 1 0 R /Prev %d >>" % table)  # itself
    stream = pdf_file([catalog(b""), *PAGE_OBJECTS, b"<< /Type /XRef /Size 5 /W [1 2 1] >>"])
    stream = stream[: stream.rindex(b"startxref")] + b"startxref\n%d\n%%%%EOF\n" % stream.index(
        b"4 0 obj"
    )
    return [
        Hostile("junk.pdf", b"%PDF-1.7\n" + bytes(10_000_000), "larger than 10 MB"),
        Hostile("no-end.pdf", b"%PDF-1.7\n" + random.Random(1).randbytes(100_000), "end-of-file"),
        Hostile("fields.pdf", signature_fields(100_000), "more than 20,000 objects"),
        Hostile(
            "kids.pdf",
            pdf_file(
                [
                    catalog(b"5 0 R"),
                    *PAGE_OBJECTS,
                    SIGNATURE_VALUE,
                    b"<</FT/Sig/T(k)/V 4 0 R/Kids [" + b"5 0 R " * 10_000 + b"]>>",
                ]
            ),
            "more than 50 form fields",
        ),
        Hostile(
            "catalog.pdf",
            pdf_file([catalog(b"4 0 R " * 20_000), *PAGE_OBJECTS, SIGNATURE_VALUE]),
            "object of more than 64 KB that is no stream",
        ),
        Hostile("revisions.pdf", revisions(9), "more than 8 revisions"),
        Hostile("loop.pdf", looped, "point at each other"),
        Hostile("xref-stream.pdf", stream, "no cross-reference table where it says"),
        Hostile(
            "count.pdf",
            plain[:at].replace(b"xref\n0 4\n", b"xref\n0 4000000\n") + plain[at:],
            "more than 20,000 objects",
        ),
    ]
