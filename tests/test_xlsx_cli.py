"""``python -m planner export`` and ``import``: files written, exit codes, one-line messages."""

from __future__ import annotations

import io

import openpyxl

from planner.cli import main
from planner.plan.files import content_hash, load, to_yaml
from planner.plan.validation import with_scenario
from tests.factories import EXAMPLE, make_plan


def run(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def test_export_writes_the_workbook_and_import_reads_it_back(capsys, tmp_path):
    xlsx = tmp_path / "plan.xlsx"
    status, out, err = run(capsys, "export", EXAMPLE, "--xlsx", xlsx, "--language", "en")
    assert status == 0, err
    assert out.startswith(f"{xlsx}: XLSX workbook, ")
    assert openpyxl.load_workbook(io.BytesIO(xlsx.read_bytes())).sheetnames[:2] == [
        "Summary",
        "Inputs",
    ]
    back = tmp_path / "back.yaml"
    status, out, err = run(capsys, "import", xlsx, back)
    assert status == 0, err
    digest = content_hash(load(EXAMPLE))
    assert out == f"{back}: plan from plan.xlsx (content hash {digest})\n"
    assert content_hash(load(back)) == digest


def test_export_of_a_scenario_as_pdf_and_xlsx(capsys, tmp_path):
    pdf, xlsx = tmp_path / "plan.pdf", tmp_path / "plan.xlsx"
    status, _, err = run(
        capsys, "export", EXAMPLE, "--pdf", pdf, "--xlsx", xlsx, "--scenario", "Konservativ"
    )
    assert status == 0, err
    assert pdf.read_bytes().startswith(b"%PDF")
    back = tmp_path / "back.json"
    assert run(capsys, "import", xlsx, back)[0] == 0
    assert content_hash(load(back)) == content_hash(with_scenario(load(EXAMPLE), "Konservativ"))


def test_export_needs_an_output(capsys):
    status, out, err = run(capsys, "export", EXAMPLE)
    assert status == 2
    assert out == ""
    assert err == "error: export: give --pdf FILE and/or --xlsx FILE\n"


def test_export_of_a_bad_plan_or_scenario_exits_2_naming_the_problem(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(to_yaml(make_plan()).replace("months: 12", "months: 7"), encoding="utf-8")
    status, _, err = run(capsys, "export", bad, "--xlsx", tmp_path / "x.xlsx")
    assert status == 2
    assert err == f"{bad}: months: 7 is below 12\n"
    status, _, err = run(
        capsys, "export", EXAMPLE, "--xlsx", tmp_path / "x.xlsx", "--scenario", "X"
    )
    assert status == 2
    assert err == "scenario: 'X' is not in the plan (known: Konservativ, Ambitioniert)\n"
    assert not (tmp_path / "x.xlsx").exists()


def test_export_refuses_an_unknown_language(capsys, tmp_path):
    status, _, err = run(
        capsys, "export", EXAMPLE, "--xlsx", tmp_path / "x.xlsx", "--language", "fr"
    )
    assert status == 2
    assert err.splitlines()[-1].startswith("error: argument --language: invalid choice: 'fr'")


def test_import_of_a_refused_upload_exits_2(capsys, tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a zip")
    status, out, err = run(capsys, "import", fake, tmp_path / "out.yaml")
    assert status == 2
    assert out == ""
    assert err == f"{fake}: workbook: is not an XLSX workbook (not a zip archive)\n"
    assert not (tmp_path / "out.yaml").exists()


def test_import_of_a_bad_value_names_the_cell(capsys, tmp_path):
    xlsx = tmp_path / "plan.xlsx"
    assert run(capsys, "export", EXAMPLE, "--xlsx", xlsx)[0] == 0
    wb = openpyxl.load_workbook(xlsx)
    sheet, cell = wb.defined_names["revenue_deal_size"].attr_text.replace("$", "").split("!")
    wb[sheet][cell] = -5
    wb.save(xlsx)
    status, _, err = run(capsys, "import", xlsx, tmp_path / "out.yaml")
    assert status == 2
    # the example is German: its input sheet is "Eingaben"
    assert err == f"{xlsx}: Eingaben!{cell} (revenue.deal_size): -5 is below 0\n"


def test_import_does_not_overwrite_without_force(capsys, tmp_path):
    xlsx, existing = tmp_path / "plan.xlsx", tmp_path / "plan.yaml"
    existing.write_text("keep me", encoding="utf-8")
    assert run(capsys, "export", EXAMPLE, "--xlsx", xlsx)[0] == 0
    status, _, err = run(capsys, "import", xlsx, existing)
    assert status == 2
    assert err == f"error: {existing} exists already (use --force to overwrite)\n"
    assert existing.read_text(encoding="utf-8") == "keep me"
    assert run(capsys, "import", xlsx, existing, "--force")[0] == 0
    assert content_hash(load(existing)) == content_hash(load(EXAMPLE))


def test_import_of_a_missing_file_exits_2(capsys, tmp_path):
    status, _, err = run(capsys, "import", tmp_path / "none.xlsx", tmp_path / "out.yaml")
    assert status == 2
    assert "No such file or directory" in err
