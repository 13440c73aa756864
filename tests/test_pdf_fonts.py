"""The PDF's fonts come with the install: no system font is read, every name has its glyphs,
and the fonts embedded in a PDF are the installed files.

"A machine without the Debian font packages" is made by a subprocess that refuses every read
under the system's font folders (an audit hook) and reports which font files it opened.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from planner.export import fonts
from planner.export.pdf import build_pdf
from planner.plan.validation import validate
from tests.factories import ROOT, plan_data, sales

SYSTEM_FONTS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"))
NAMES = {
    "Latin": "Müller & Söhne, Łódź, Ærø",
    "Greek": "Αθήνα Συνεργάτης Ψηφιακή",
    "Cyrillic": "Москва Партнёр, Київ Ґанок",
    "Chinese": "北京云端科技有限公司 臺灣",
    "Japanese": "株式会社トウキョウ ひらがな",
    "Korean": "서울 파트너 주식회사",
    "Arabic": "شركة الأمل للتجارة لا إله",
    "Persian": "پارس گستر",
    "Hebrew": "שלום עולם בע״מ",
}


def six_script_plan() -> dict[str, object]:
    return plan_data(
        title=f"Plan {NAMES['Japanese']} – {NAMES['Hebrew']}",
        partner={"name": NAMES["Arabic"], "kind": "reseller"},
        vendor={"name": NAMES["Chinese"]},
        resources=[
            {**sales(cost=60_000), "role": NAMES["Korean"]},
            {**sales(cost=50_000), "role": NAMES["Cyrillic"]},
            {**sales(cost=50_000), "role": NAMES["Greek"]},
        ],
        investments=[
            {"name": NAMES["Persian"], "category": "demo", "amount": 5000, "month": 1},
            {"name": NAMES["Latin"], "category": "demo", "amount": 5000, "month": 2},
        ],
        revenue={"deals_per_sales_fte_month": 1, "deal_size": 12_000},
        vendor_programme={"gross_margin": 0.5},
    )


def test_font_files_ship_with_the_install_with_their_licences() -> None:
    installed = (Path(sys.prefix).resolve(), ROOT.resolve())
    for name, path in fonts.files().items():
        path = path.resolve()
        assert path.is_file(), name
        assert any(path.is_relative_to(place) for place in installed), path
        assert not str(path).startswith(SYSTEM_FONTS), path
    assert (fonts.dejavu_dir() / "LICENSE_DEJAVU").is_file()
    assert (fonts.CJK_FILE.parent / "LICENSE-Apache-2.0.txt").is_file()
    assert "Apache License 2.0" in (fonts.CJK_FILE.parent / "README.md").read_text()


@pytest.fixture(scope="module")
def cmaps() -> dict[str, set[int]]:
    return {
        name: set(TTFont(path, lazy=True).getBestCmap()) for name, path in fonts.files().items()
    }


@pytest.mark.parametrize("script", sorted(NAMES))
def test_every_character_of_a_name_has_a_glyph_in_the_font_that_draws_it(
    script: str, cmaps: dict[str, set[int]]
) -> None:
    drawn = fonts.visual(NAMES[script])  # joined Arabic forms, right-to-left runs as seen
    if script in ("Arabic", "Persian", "Hebrew"):
        assert drawn != NAMES[script]
        # Read right to left, the joined forms are the letters typed.
        logical = unicodedata.normalize("NFKC", drawn[::-1]).replace("\u00a0", " ")
        assert logical == unicodedata.normalize("NFKC", NAMES[script])
    main = cmaps["PlanSans"] & cmaps["PlanSans-Bold"]
    for ch in drawn:
        assert ord(ch) in main or ord(ch) in cmaps[fonts.CJK_NAME], (script, ch, hex(ord(ch)))
    runs = fonts.main().runs(NAMES[script])
    assert "".join(part for _, part in runs) == drawn  # nothing replaced by "?"
    assert any(cjk for cjk, _ in runs) == (script in ("Chinese", "Japanese", "Korean"))


PROBE = """
import json, sys
sys.path.insert(0, {root!r})
opened = set()

def refuse_system_fonts(event, args):
    if event == "open" and isinstance(args[0], str):
        if args[0].startswith({system!r}):
            raise PermissionError("no system fonts on this machine: " + args[0])
        if args[0].endswith((".ttf", ".ttc", ".otf")):
            opened.add(args[0])

sys.addaudithook(refuse_system_fonts)
from planner.export.pdf import build_pdf
from planner.plan.validation import validate
document = build_pdf(validate(json.loads(sys.stdin.read())))
sys.stdout.write(json.dumps({{"opened": sorted(opened), "size": len(document)}}))
"""


def test_a_machine_without_system_fonts_prints_every_script_from_the_installed_files() -> None:
    code = PROBE.format(root=str(ROOT), system=SYSTEM_FONTS)
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(six_script_plan()),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    report = json.loads(done.stdout)
    expected = {str(path) for path in fonts.files().values()}
    assert set(report["opened"]) == expected
    assert report["size"] > 10_000


def test_the_fonts_a_pdf_embeds_are_the_installed_files() -> None:
    document = build_pdf(validate(six_script_plan()))
    sources = {
        TTFont(path, lazy=True)["name"].getDebugName(6): TTFont(path, lazy=True)["head"]
        for path in fonts.files().values()
    }
    embedded: dict[str, TTFont] = {}
    for page in PdfReader(io.BytesIO(document)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            name = str(font["/BaseFont"]).lstrip("/").split("+")[-1]
            if name in embedded:
                continue
            assert font["/Subtype"] == "/TrueType", name
            program = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
            embedded[name] = TTFont(io.BytesIO(program))
    assert set(embedded) >= {"DejaVuSans", "DejaVuSans-Bold", "DroidSansFallback"}
    assert set(embedded) <= set(sources)
    for name, program in embedded.items():
        # reportlab copies the source's head table into each subset: its creation time and
        # revision tell the installed file from another build of the same font (Debian's).
        head = program["head"]
        assert (head.created, head.fontRevision) == (
            sources[name].created,
            sources[name].fontRevision,
        ), name
