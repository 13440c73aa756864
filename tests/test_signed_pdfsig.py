"""An independent validator accepts every signed PDF: ``pdfsig`` (poppler) finds one signature,
covering the whole document, valid for its content.

The lines read are ``Signature Field Name``, ``Signature Type``, ``Signing Hash Algorithm``,
``Total document signed`` and ``Signature Validation: Signature is Valid.``. The certificate
is the installation's own, self-signed, so ``Certificate Validation`` says its issuer is
unknown (it is not in any trust store): trust comes from comparing the fingerprint, not from
pdfsig. The same lines catch an update after signing and a changed byte, so they can fail.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from planner.signoff.editions import signed_pdf
from tests.signed_support import EDITIONS, LANGUAGES, signed_private_plan

SIGNED = (
    "  - Signature Field Name: PlanSignature",
    "  - Signing Hash Algorithm: SHA-256",
    "  - Signature Type: ETSI.CAdES.detached",
    "  - Total document signed",
    "  - Signature Validation: Signature is Valid.",
)
UNTRUSTED = "  - Certificate Validation: Certificate issuer is unknown."


def pdfsig(data: bytes, folder: Path) -> list[str]:
    tool = shutil.which("pdfsig")
    assert tool, "pdfsig (poppler-utils) is needed: scripts/test installs it"
    file = folder / "checked.pdf"
    file.write_bytes(data)
    done = subprocess.run([tool, str(file)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Every edition in both languages, signed: name -> PDF."""
    folder = tmp_path_factory.mktemp("signed-pdfsig")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLANNER_DATA_DIR", str(folder / "data"))
        patch.delenv("PLANNER_DATABASE_URL", raising=False)
        plan, record = signed_private_plan()
        return {
            f"{edition}-{language}": signed_pdf(plan, record, edition=edition, language=language)
            for edition in EDITIONS
            for language in LANGUAGES
        }


@pytest.mark.parametrize("name", [f"{e}-{lang}" for e in EDITIONS for lang in LANGUAGES])
def test_pdfsig_finds_one_valid_signature_over_the_whole_document(
    signed: dict[str, bytes], tmp_path: Path, name: str
) -> None:
    lines = pdfsig(signed[name], tmp_path)
    assert [line for line in lines if line.startswith("Signature #")] == ["Signature #1:"]
    assert [line for line in SIGNED if line not in lines] == []
    assert UNTRUSTED in lines


def test_pdfsig_sees_an_update_after_signing_and_a_changed_byte(
    signed: dict[str, bytes], tmp_path: Path
) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed["partner-en"]))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    lines = pdfsig(out.getvalue(), tmp_path)
    assert "  - Not total document signed" in lines
    assert "  - Total document signed" not in lines

    changed = bytearray(signed["partner-en"])
    changed[changed.index(b"/Keywords") + 12] ^= 1  # the edition hash in the document info
    lines = pdfsig(bytes(changed), tmp_path)
    assert "  - Signature Validation: Digest Mismatch." in lines
