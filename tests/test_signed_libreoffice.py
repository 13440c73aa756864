"""Signed workbooks are ordinary workbooks: LibreOffice opens every signed edition, recalculates
it to the model, and its seal stays out of the way.

Every edition a side downloads (the operator's full plan, the partner's, the vendor's, a
viewer's) in both languages is signed from the store, then converted in ONE LibreOffice call
(a private profile; the workbook asks for a full calculation on load). A file LibreOffice
cannot load is missing from the output, so the conversion itself is the first check; then
each side's key figures read back from the recalculated file must be the model's figures that
side may see (to 1e-6 relative, as in tests/test_xlsx_libreoffice.py), and the master check 0.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from dataclasses import dataclass

import openpyxl
import pytest

from planner import model, privacy
from planner.plan.schema import Plan
from planner.signoff import seal
from planner.signoff.editions import signed_workbook
from tests.signed_support import EDITIONS, LANGUAGES, package_problems, signed_private_plan
from tests.test_xlsx_libreoffice import close, named, sheet

pytestmark = pytest.mark.libreoffice

SOFFICE_SECONDS = 600
NAMES = [f"{edition}-{language}" for edition in EDITIONS for language in LANGUAGES]


@dataclass(frozen=True)
class Converted:
    plan: Plan
    signed: dict[str, bytes]
    """Name -> the signed workbook as exported."""
    recalculated: dict[str, bytes]
    """Name -> the workbook LibreOffice loaded, recalculated and saved (missing: not loaded)."""


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Converted:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is needed: scripts/test installs it"
    folder = tmp_path_factory.mktemp("signed-lo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLANNER_DATA_DIR", str(folder / "data"))
        patch.delenv("PLANNER_DATABASE_URL", raising=False)
        plan, record = signed_private_plan()
        signed = {
            f"{edition}-{language}": signed_workbook(
                plan, record, edition=edition, language=language
            )
            for edition in EDITIONS
            for language in LANGUAGES
        }
    source, target = folder / "in", folder / "out"
    source.mkdir()
    for name, data in signed.items():
        (source / f"{name}.xlsx").write_bytes(data)
    command = [
        soffice,
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(target),
        *(str(source / f"{name}.xlsx") for name in signed),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=SOFFICE_SECONDS)
    assert done.returncode == 0, done.stderr
    recalculated = {
        name: (target / f"{name}.xlsx").read_bytes()
        for name in signed
        if (target / f"{name}.xlsx").is_file()
    }
    return Converted(plan, signed, recalculated)


def _audience(edition: str) -> str:
    return "vendor" if edition == "full" else edition


@pytest.mark.parametrize("name", NAMES)
def test_every_signed_edition_is_sealed_and_a_valid_package(
    converted: Converted, name: str
) -> None:
    data = converted.signed[name]
    assert seal.check(data).ok
    assert package_problems(data) == []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.comment == b""


@pytest.mark.parametrize("name", NAMES)
def test_libreoffice_opens_and_recalculates_every_signed_edition(
    converted: Converted, name: str
) -> None:
    assert name in converted.recalculated, f"LibreOffice could not load {name}.xlsx"
    plan = converted.plan
    edition = name.split("-")[0]
    book = openpyxl.load_workbook(io.BytesIO(converted.recalculated[name]), data_only=True)
    outcome = model.evaluate(plan)
    figures = (
        outcome.kpis
        if edition == "full"
        else privacy.visible_figures(plan, outcome.kpis, _audience(edition))
    )
    wrong = []
    for side in ("partner", "vendor"):
        scale = float(outcome.monthly["cumulative_cash"].abs().max())
        for figure, expected in figures[side].items():
            got = named(book, f"{side}_{figure}")
            tolerance = 0.0 if figure in ("irr", "roi") or figure in model.MONTH_FIGURES else scale
            if not close(got, expected, tolerance):
                wrong.append((side, figure, got, expected))
    assert wrong == []
    assert len(figures["partner"]) >= 5  # the partner's own figures are in every edition
    checks = sheet(book, "checks")
    failing = [r[3] for r in checks.iter_rows(min_row=5, values_only=True) if r[3] and r[1] != 0]
    assert failing == []
    assert named(book, "check_master") == 0


def test_a_workbook_libreoffice_saved_again_no_longer_verifies(converted: Converted) -> None:
    """LibreOffice keeps the seal's part when it saves, but rewrites every part it covers."""
    found = seal.check(converted.recalculated["partner-en"])
    assert found.problem.startswith(
        "the workbook was changed after it was signed: changed sheet Summary"
    ), found.problem
