"""``verify`` on hostile PDFs: refused before the PDF reader parses them (planner/signoff/
bounds.py), or not verified, always in one line and never a traceback. What each costs in time
and memory is measured by benchmarks/bench_signoff.py, not asserted here."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner import cli
from planner.export.pdf import build_pdf
from planner.plan.validation import validate
from planner.signoff import bounds, trust
from planner.signoff import keys as signing
from planner.signoff.verify import StoreView, UnreadableError, verify_bytes
from tests.factories import ROOT
from tests.hostile_files import PAGE_OBJECTS, Hostile, catalog, pdf_file, pdfs
from tests.store_support import PLAN_DATA

NO_STORE = StoreView(False, note="no store configured")


@pytest.fixture(scope="module")
def who(tmp_path_factory: pytest.TempPathFactory) -> signing.Identity:
    return signing.identity(tmp_path_factory.mktemp("hostile-key") / "signing")


@pytest.fixture
def quiet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder: no store, no key, no trust list."""
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PLANNER_DATABASE_URL", raising=False)
    monkeypatch.delenv(trust.TRUST_ENV, raising=False)
    return tmp_path


def _verify(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli.main(["verify", str(path)])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("hostile", pdfs(), ids=repr)
def test_a_hostile_pdf_is_refused_in_one_line(
    hostile: Hostile, quiet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(UnreadableError, match="the PDF is refused: it ") as refused:
        verify_bytes(hostile.data, view=NO_STORE, trust=trust.Trust())
    assert hostile.refusal in str(refused.value)
    file = quiet / hostile.name
    file.write_bytes(hostile.data)
    status, out, err = _verify(file, capsys)
    assert (status, out) == (2, "")
    assert err == f"error: {refused.value}\n"


def test_a_pdf_of_49_mb_is_refused_before_it_is_read(
    quiet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = quiet / "junk.pdf"
    with file.open("wb") as out:
        out.write(b"%PDF-1.7\n")
        out.truncate(49_000_000)  # sparse: nothing but the header is written
    status, out, err = _verify(file, capsys)
    assert (status, out, err) == (2, "", "error: the PDF is refused: it is larger than 10 MB\n")


def _signed(who: signing.Identity, attachments: dict[str, bytes]) -> bytes:
    return signing.sign_pdf(build_pdf(validate(PLAN_DATA)), who, attachments=attachments)


def test_an_embedded_file_that_expands_beyond_its_limit_is_not_read(
    who: signing.Identity, quiet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """6 MB of zeros compress to a few KB: inflating stops at 5 MB. (The draft embeds its
    plan already; the signature's revision adds the record.)"""
    pdf = _signed(who, {"signoff.json": bytes(6_000_000)})
    assert len(pdf) < 300_000
    file = quiet / "bomb.pdf"
    file.write_bytes(pdf)
    status, out, err = _verify(file, capsys)
    assert (status, out) == (1, "")
    assert err == f"{file}: NOT VERIFIED: the PDF embeds signoff.json of more than 5 MB\n"
    twice = _signed(who, {"plan.json": b"{}"})
    file.write_bytes(twice)
    status, out, err = _verify(file, capsys)
    assert (status, out) == (1, "")
    assert err == (
        f"{file}: NOT VERIFIED: the PDF embeds plan.json twice (a signed export has it once)\n"
    )


def test_an_update_after_signing_is_not_verified_without_a_traceback(
    who: signing.Identity, quiet: Path
) -> None:
    """A page changed in a revision after the signature: pyHanko's change analysis (which
    logs a traceback) is not run; the coverage of the signature says it all."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    pdf = _signed(who, {"signoff.json": b"{}"})
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    file = quiet / "updated.pdf"
    file.write_bytes(out.getvalue())
    done = subprocess.run(  # a fresh process: the logging of a library would show there
        [sys.executable, "-m", "planner", "verify", str(file), "--fingerprint", who.fingerprint],
        cwd=ROOT,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"{file}: NOT VERIFIED: the PDF has content added after its signature\n"


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        (
            "nested.pdf",
            pdf_file([catalog(b"[" * 30_000 + b"]" * 30_000), *PAGE_OBJECTS]),
            "the PDF is damaged or was altered: the PDF cannot be read (its objects nest too "
            "deeply)",
        ),
        (
            "no-value.pdf",
            pdf_file([catalog(b"4 0 R"), *PAGE_OBJECTS, b"<</FT/Sig/T(k)/V 5 0 R>>", b"<<>>"]),
            "the PDF signature cannot be checked (",
        ),
    ],
)
def test_a_damaged_form_is_not_verified_in_one_line(
    quiet: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, problem: str
) -> None:
    assert len(data) < bounds.MAX_PDF_BYTES
    file = quiet / name
    file.write_bytes(data)
    status, out, err = _verify(file, capsys)
    assert (status, out) == (1, "")
    assert err.startswith(f"{file}: NOT VERIFIED: {problem}"), err
    assert err.count("\n") == 1
    assert "Traceback" not in err
