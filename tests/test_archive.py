"""``python -m planner archive``: one zip of a side's signed edition (the PDF/A with its
embedded sources, the check of its signature, the change log up to the signed version, how to
verify), holding nothing hidden from that side; ``verify`` checks the embedded workbook."""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from planner.cli import main
from planner.policy import RULES
from planner.signoff import archive, editions, seal
from planner.signoff import keys as signing
from planner.signoff import records as signoff
from planner.store import Store
from tests import pdfa_rules
from tests.test_xlsx_libreoffice import _private_example

MARGIN = 0.4321
"""The vendor's private gross margin, set by an edit before the sign-off."""


@dataclass(frozen=True)
class Signed:
    folder: Path
    plan_id: str


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Signed]:
    """A plan with private values on both sides, edited twice (once a hidden value), signed at
    version 3 and amended afterwards (version 4)."""
    folder = tmp_path_factory.mktemp("archive")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLANNER_DATA_DIR", str(folder))
        patch.delenv("PLANNER_DATABASE_URL", raising=False)
        store = Store(policy=RULES)
        plan_id = store.create_plan(_private_example(False), author="Max Roth", side="vendor")
        path = "vendor_programme.gross_margin"
        assert store.apply_edit(plan_id, path, MARGIN, 1, "Max", "vendor").ok
        assert store.apply_edit(plan_id, "opex_per_month", 3100, 2, "Anna", "partner").ok
        signoff.freeze(store, plan_id, role="owner", author="Max Roth")
        for side, role, name in (
            ("partner", "partner_editor", "Anna Berger"),
            ("vendor", "owner", "Max Roth"),
        ):
            signoff.sign(
                store,
                plan_id,
                3,
                side=side,
                role=role,
                name=name,
                title="CEO",
                date=datetime.date(2027, 1, 6),
            )
        assert store.apply_edit(plan_id, "opex_per_month", 3300, 3, "Anna", "partner").ok
        store.close()
        yield Signed(folder, plan_id)


@pytest.fixture
def env(signed: Signed, monkeypatch: pytest.MonkeyPatch) -> Signed:
    monkeypatch.setenv("PLANNER_DATA_DIR", str(signed.folder))
    monkeypatch.delenv("PLANNER_DATABASE_URL", raising=False)
    return signed


def _archive(env: Signed, edition: str) -> dict[str, bytes]:
    store = Store(policy=RULES)
    try:
        name, data = archive.build(store, env.plan_id, 3, edition=edition, language="en")
    finally:
        store.close()
    assert name == f"plan-{env.plan_id}-v3-{edition}.zip"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_the_partners_archive_holds_its_pdfa_its_check_its_log_and_how_to_verify(
    env: Signed,
) -> None:
    files = _archive(env, "partner")
    pdf_name = "plan-v3-partner.pdf"
    assert set(files) == {
        "README.txt",
        pdf_name,
        "validation.json",
        "validation.txt",
        "change-log.json",
    }
    pdf = files[pdf_name]
    assert pdfa_rules.problems(pdf) == []
    assert set(pdfa_rules.embedded(pdf)) == {"plan.json", "signoff.json", "workbook.xlsx"}

    report = json.loads(files["validation.json"])
    assert report["verified"] is True
    assert report["plan_matches_record"] is True
    assert report["workbook"].startswith("sealed with the same certificate")
    assert report["signature"]["signing_time_source"] == "signing time is the signer's own clock"
    assert report["record"]["edition"] == "partner"
    fingerprint = report["signature"]["certificate_sha256"]
    readme = files["README.txt"].decode()
    assert f"python -m planner verify {pdf_name} --fingerprint {fingerprint}" in readme
    assert "verified: True" in files["validation.txt"].decode()

    log = json.loads(files["change-log.json"])
    # created, two edits, frozen and signed at 3: the amendment (version 4) is not in it
    assert [c["version"] for c in log["changes"]] == [1, 2, 3]
    assert log["hash_chain"]["verified_by_the_store"] is True
    assert all("hash" not in c for c in log["changes"])  # they cover the hidden margin
    margin_edit = log["changes"][1]
    assert margin_edit["path"] == "vendor_programme.gross_margin"
    assert margin_edit["masked"] is True
    # nothing of the archive holds the vendor's margin, in any form
    embedded_workbook = pdfa_rules.embedded(pdf)["workbook.xlsx"][2]
    with zipfile.ZipFile(io.BytesIO(embedded_workbook)) as book:
        sheets = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
    texts = [files[n].decode() for n in files if n != pdf_name]
    texts += [pdfa_rules.embedded(pdf)["plan.json"][2].decode(), sheets]
    for text in texts:
        assert not re.search(r"0[.,]4321|43[.,]21", text)


def test_the_whole_plans_archive_carries_the_hash_chain(env: Signed) -> None:
    log = json.loads(_archive(env, "full")["change-log.json"])
    store = Store(policy=RULES)
    try:
        hashes = [c.hash for c in store.log(env.plan_id) if c.version <= 3]
    finally:
        store.close()
    assert [c["hash"] for c in log["changes"]] == hashes
    assert log["changes"][1]["new"] == MARGIN


def test_archive_on_the_command_line(env: Signed, tmp_path: Path, capsys) -> None:
    target = tmp_path / "a.zip"
    status = main(["archive", env.plan_id, "3", "--edition", "vendor", "--output", str(target)])
    assert status == 0
    assert capsys.readouterr().out.strip() == str(target)
    with zipfile.ZipFile(target) as z:
        assert "plan-v3-vendor.pdf" in z.namelist()
    assert main(["archive", env.plan_id, "4", "--edition", "vendor"]) == 2
    err = capsys.readouterr().err
    assert "version 4" in err
    assert len(err.strip().splitlines()) == 1


def test_verify_refuses_an_embedded_workbook_of_another_seal_or_sign_off(env: Signed) -> None:
    store = Store(policy=RULES)
    try:
        record = signoff.record(store, env.plan_id, 3)
        assert record is not None
        plan = signoff.signed_plan(store, record)
    finally:
        store.close()
    who = signing.identity()
    partner = editions.signed_workbook(plan, record, edition="partner")
    vendor = editions.signed_workbook(plan, record, edition="vendor")
    digest = editions.edition_hash(plan, "partner")
    data = editions.record_data(record, "partner", digest, plan.language)  # as signed_pdf makes it
    files = {"workbook.xlsx": partner}
    assert archive.workbook_problem(files, data, who.fingerprint) == ""
    assert "another sign-off" in archive.workbook_problem(
        {"workbook.xlsx": vendor}, data, who.fingerprint
    )
    assert "another certificate" in archive.workbook_problem(files, data, "AB" * 32)
    broken = bytearray(partner)
    broken[100] ^= 1
    assert seal.check(bytes(broken)).ok is False
    assert "embedded workbook" in archive.workbook_problem(
        {"workbook.xlsx": bytes(broken)}, data, who.fingerprint
    )
