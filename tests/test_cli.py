"""``python -m planner``: output formats, exit codes and messages (docs/model.md section 5)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from planner.cli import main
from planner.model import evaluate
from planner.plan.files import load, to_yaml
from planner.plan.schema import MONTHLY_COLUMNS
from tests.factories import EXAMPLE, ROOT, make_plan, sales


def run(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_kpis_json_is_one_object_per_plan_and_line(capsys, tmp_path):
    other = write(tmp_path, "small.yaml", to_yaml(make_plan(resources=[sales()])))
    status, out, err = run(capsys, "kpis", EXAMPLE, other, "--json")
    assert status == 0, err
    lines = out.splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["file"] == str(EXAMPLE)
    assert first["scenario"] is None
    assert set(first) == {"file", "scenario", "partner", "vendor", "mutual"}
    assert list(first["partner"]) == [
        "npv",
        "irr",
        "payback_month",
        "break_even_month",
        "peak_funding",
        "cumulative_cash",
        "roi",
        "revenue",
        "gross_profit",
        "ebitda",
    ]
    assert list(first["vendor"])[-3:] == ["revenue", "gross_profit", "cost"]
    # full precision: the JSON carries exactly the model's floats
    assert first["partner"]["npv"] == evaluate(load(EXAMPLE)).kpis["partner"]["npv"]
    # undefined figures are null: the small plan has no revenue, so no IRR and no payback
    assert second["partner"]["irr"] is None
    assert second["vendor"]["roi"] is None


def test_kpis_of_a_scenario(capsys):
    status, out, _ = run(capsys, "kpis", EXAMPLE, "--scenario", "Konservativ", "--json")
    record = json.loads(out)
    assert status == 0
    assert record["scenario"] == "Konservativ"
    expected = evaluate(load(EXAMPLE), "Konservativ").kpis
    assert record["partner"] == expected["partner"]


def test_kpis_table_for_people(capsys):
    status, out, _ = run(capsys, "kpis", EXAMPLE)
    assert status == 0
    assert "npv" in out
    assert "mutual" in out


def test_monthly_csv_has_model_md_columns_in_full_precision(capsys):
    status, out, _ = run(capsys, "monthly", EXAMPLE)
    assert status == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == list(MONTHLY_COLUMNS)
    assert len(rows) == 37
    table = evaluate(load(EXAMPLE)).monthly
    assert rows[1][:2] == ["1", "2027-01"]
    for i, name in enumerate(MONTHLY_COLUMNS[2:], start=2):
        assert float(rows[5][i]) == table[name].iloc[4]  # exact: no rounding


def test_validate_reports_ok_and_every_problem(capsys, tmp_path):
    bad = write(tmp_path, "bad.yaml", to_yaml(make_plan()).replace("months: 12", "months: 500"))
    bad_text = bad.read_text().replace("discount_rate: 0.0", "discount_rate: -1")
    bad.write_text(bad_text)
    status, out, err = run(capsys, "validate", EXAMPLE, bad)
    assert status == 2
    assert f"{EXAMPLE}: ok (36 months, 2 scenarios)" in out
    assert f"{bad}: months: 500 is above 120" in err.splitlines()
    assert f"{bad}: discount_rate: -1 is below 0" in err.splitlines()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "is empty"),
        ("version: [1\n", "is not valid YAML"),
        ("just text\n", "the plan must be a mapping"),
        ('{"version": 1, "months": NaN}', "is not valid JSON"),
    ],
)
def test_unreadable_files_exit_2_with_one_line(capsys, tmp_path, content, expected):
    path = write(tmp_path, "plan.yaml", content)
    status, out, err = run(capsys, "kpis", path)
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert expected in err
    assert "Traceback" not in err


def test_wrong_types_nan_and_huge_numbers_name_the_field(capsys, tmp_path):
    text = to_yaml(make_plan(resources=[sales()]))
    text = text.replace("fte: 1.0", "fte: lots").replace(
        "opex_per_month: 0.0", "opex_per_month: .nan"
    )
    text = text.replace("deal_size: 0.0", "deal_size: 1.0e+300")
    status, _, err = run(capsys, "kpis", write(tmp_path, "p.yaml", text))
    assert status == 2
    assert "resources.0.fte: 'lots' is not a number" in err
    assert "opex_per_month: nan is not a finite number" in err
    assert "revenue.deal_size: 1e+300 is above 1000000000000" in err


def test_directory_and_missing_file(capsys, tmp_path):
    status, _, err = run(capsys, "kpis", tmp_path)
    assert status == 2
    assert "is a directory" in err
    status, _, err = run(capsys, "monthly", tmp_path / "nope.yaml")
    assert status == 2
    assert "does not exist" in err


def test_unknown_scenario_and_bad_arguments(capsys):
    status, _, err = run(capsys, "kpis", EXAMPLE, "--scenario", "Nope")
    assert status == 2
    assert "scenario: 'Nope' is not in the plan (known: Konservativ, Ambitioniert)" in err
    status, _, err = run(capsys, "frobnicate")
    assert status == 2
    assert "error:" in err


def test_new_from_template_writes_a_valid_plan(capsys, tmp_path):
    target = tmp_path / "mine.yaml"
    status, _, err = run(capsys, "new", "--template", "reseller", target)
    assert status == 0, err
    assert load(target).partner.kind == "reseller"
    status, _, err = run(capsys, "new", "--template", "reseller", target)
    assert status == 2
    assert "exists already" in err
    status, _, err = run(capsys, "new", "--template", "wholesaler", tmp_path / "x.yaml")
    assert status == 2
    assert "'wholesaler' is not one of" in err


def test_the_module_runs_as_a_program_without_traceback(tmp_path):
    bad = write(tmp_path, "bad.yaml", "version: 1\n")
    result = subprocess.run(
        [sys.executable, "-m", "planner", "kpis", str(bad)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{bad}: title: is required" in result.stderr.splitlines()


HEAVY = (
    "pandas",
    "reportlab",
    "openpyxl",
    "sqlalchemy",
    "pyhanko",
    "numpy_financial",
    "numba",
    "planner.kernel",
    "babel",
    "streamlit",
    "planner.store",
)
"""Libraries the quick commands must not import: each costs a tenth of a second or more (the
compiled batch kernel with numba about 0.3 s; babel's dates with their time zones 0.01 s; the
app and the store; babel, whose currency list checking a plan's currency reads from
``planner/plan/currencies.py``)."""


@pytest.mark.parametrize(
    "command",
    [["validate", EXAMPLE], ["kpis", EXAMPLE], ["kpis", "--json", EXAMPLE]],
    ids=["validate", "kpis", "kpis --json"],
)
def test_quick_commands_import_no_heavy_library(command):
    code = (
        "import sys\n"
        "from planner.cli import main\n"
        "status = main(sys.argv[1:])\n"
        f"sys.stderr.write(repr(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
        "sys.exit(status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *map(str, command)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "[]"


def _as_program(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m planner ARGS``, reporting on stderr at exit whether the garbage collector
    was on and how many objects it had frozen."""
    code = (
        "import atexit, gc, runpy, sys\n"
        "report = lambda: sys.stderr.write(f'gc {gc.isenabled()} {gc.get_freeze_count()}')\n"
        "atexit.register(report)\n"
        "sys.argv[0] = 'planner'\n"
        "runpy.run_module('planner', run_name='__main__', alter_sys=True)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_quick_commands_run_without_the_garbage_collector_and_print_the_same(capsys):
    # python -m planner switches the collector off for the quick commands (start-up makes no
    # garbage worth a pass) and freezes what is left at exit; their output is the same as
    # main()'s in this process, which collects as usual.
    status, out, _ = run(capsys, "kpis", "--json", EXAMPLE)
    result = _as_program("kpis", "--json", str(EXAMPLE))
    assert status == 0
    assert (result.returncode, result.stdout) == (status, out)
    enabled, frozen = result.stderr.split()[1:]
    assert enabled == "False"
    assert int(frozen) > 10_000  # the modules' objects: pydantic alone makes more

    status, out, _ = run(capsys, "validate", EXAMPLE)
    result = _as_program("validate", str(EXAMPLE))
    assert (result.returncode, result.stdout) == (status, out)
    assert result.stderr.split()[1] == "False"


def test_other_commands_collect_garbage_as_usual(tmp_path):
    # analyses, exports and sign-off run long and make garbage: the collector stays on and
    # nothing is frozen.
    result = _as_program("verify", str(tmp_path / "missing.pdf"))
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].endswith("gc True 0")


def test_a_quick_command_builds_the_validator_of_the_plan_alone():
    # planner/plan/schema.py defers building its models: validating a file builds the plan's
    # validator, the parts inside it, and no validator of each part on its own.
    code = (
        "import sys\n"
        "from pydantic import BaseModel\n"
        "from planner.plan import schema as plan\n"
        "from planner.cli import main\n"
        "status = main(sys.argv[1:])\n"
        "types = [v for v in vars(plan).values() if isinstance(v, type)]\n"
        "models = [t for t in types if issubclass(t, BaseModel)]\n"
        "built = [m.__name__ for m in models if m.__pydantic_complete__]\n"
        "sys.stderr.write(repr(sorted(built)))\n"
        "sys.exit(status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "kpis", str(EXAMPLE)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "['Plan']"


def test_the_plan_models_carry_their_annotations_as_objects():
    # As strings (``from __future__ import annotations``), pydantic would compile and evaluate
    # each field's annotation at every start of the command line (PROFILE.md, sixth pass).
    from pydantic import BaseModel

    from planner.plan import schema

    types = [v for v in vars(schema).values() if isinstance(v, type)]
    models = [t for t in types if issubclass(t, BaseModel) and t is not BaseModel]
    strings = [
        f"{model.__name__}.{name}"
        for model in models
        for name, annotation in vars(model).get("__annotations__", {}).items()
        if isinstance(annotation, str)
    ]
    assert {"Plan", "Revenue", "Commitments"} <= {model.__name__ for model in models}
    assert strings == []


def test_every_command_is_still_listed_and_the_analysis_defaults_agree():
    from planner.analysis import montecarlo, sensitivity
    from planner.cli import build_parser

    parser = build_parser()
    tornado = parser.parse_args(["tornado", "plan.yaml"])
    simulate = parser.parse_args(["simulate", "plan.yaml"])
    assert tornado.figure == sensitivity.DEFAULT_FIGURE
    assert simulate.draws == montecarlo.DEFAULT_DRAWS
    listed = parser.format_help()
    for command in ("kpis", "monthly", "validate", "compare", "tornado", "simulate", "export"):
        assert command in listed
