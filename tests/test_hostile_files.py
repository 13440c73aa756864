"""Hostile files through every entry point: the core readers, the command line
(``python -m planner validate / variance / import``) and the app's uploads. Each is refused
within a safety bound with one line naming the file and what was refused, and nothing is
half-applied (planner.limits: one set of limits for every reader)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from planner.analysis import AnalysisError
from planner.analysis.actuals import read_actuals, read_actuals_data, variance
from planner.export.workbook_import import read_workbook
from planner.plan.files import load, parse
from planner.plan.schema import PlanError
from planner.ui import state
from tests.app_support import local_app, named
from tests.factories import EXAMPLE, ROOT
from tests.hostile_files import (
    Hostile,
    actuals_workbook,
    actuals_workbooks,
    csv_files,
    plan_texts,
    workbooks,
)

BOUND = 5.0
"""Seconds within which a hostile file must be refused: a safety bound against unbounded
work (minutes, before the limits), not a performance measurement."""
CLI_BOUND = 30.0
"""The same through a fresh ``python -m planner`` process, which first imports its libraries."""
ACTUALS = [*workbooks(), *actuals_workbooks(), *csv_files()]


def refused_in_time(read: Callable[[], Any], error: type[Exception]) -> str:
    start = time.perf_counter()
    with pytest.raises(error) as caught:
        read()
    assert time.perf_counter() - start < BOUND
    return str(caught.value)


# --- the core readers --------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", ACTUALS, ids=repr)
def test_hostile_actuals_are_refused_with_one_line(hostile: Hostile) -> None:
    plan = load(EXAMPLE)
    message = refused_in_time(
        lambda: read_actuals_data(plan, hostile.data, hostile.name), AnalysisError
    )
    assert message.startswith(f"{hostile.name}")
    assert hostile.refusal in message
    assert "\n" not in message


@pytest.mark.parametrize("hostile", workbooks(), ids=repr)
def test_hostile_workbooks_are_refused_by_the_import(hostile: Hostile) -> None:
    message = refused_in_time(lambda: read_workbook(hostile.data), PlanError)
    assert message.startswith("workbook: ")
    assert hostile.refusal in message


@pytest.mark.parametrize("hostile", plan_texts(), ids=repr)
def test_hostile_plan_texts_are_refused(hostile: Hostile) -> None:
    message = refused_in_time(lambda: parse(hostile.data.decode(), name=hostile.name), PlanError)
    assert message.startswith(hostile.name)
    assert hostile.refusal in message


def test_a_plain_actuals_workbook_and_csv_still_read(tmp_path: Path) -> None:
    plan = load(EXAMPLE)
    expected = [{"month": 1, "revenue": 8200.0}, {"month": 2, "revenue": 9100.0}]
    rows = read_actuals_data(plan, actuals_workbook(), "ist.xlsx")
    assert [{k: float(v) if k != "month" else v for k, v in r.items()} for r in rows] == expected
    csv = tmp_path / "ist.csv"
    csv.write_text("Monat;Umsatz\n1;8.200\n2;9.100,0\n", encoding="utf-8")
    assert read_actuals(plan, csv) == expected


def test_actuals_at_the_edge_of_the_range_pass_and_beyond_it_are_refused() -> None:
    plan = load(EXAMPLE)
    assert variance(plan, [{"month": 1, "revenue": 1e15, "cash_flow": -1e15}]).monthly is not None
    for value in (1e300, -1.5e15, float("inf"), float("nan")):
        with pytest.raises(AnalysisError) as refused:
            variance(plan, [{"month": 2, "revenue": 1.0}, {"month": 3, "cash_flow": value}])
        assert str(refused.value).startswith("actuals month 3, cash_flow: ")
    with pytest.raises(PlanError) as refused_plan:
        parse(EXAMPLE.read_text(encoding="utf-8") + "actuals:\n  - {month: 1, revenue: 1.0e+300}\n")
    assert "actuals.0.revenue: 1e+300 is not within -10^15 to 10^15" in str(refused_plan.value)


# --- the command line --------------------------------------------------------------------------


def planner(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "planner", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "default"},
        timeout=120,
    )
    assert time.perf_counter() - start < CLI_BOUND
    return done


def one_refusal(done: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a refusal (status 2): no traceback, no warnings."""
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "plan.yaml").write_bytes(EXAMPLE.read_bytes())
    for group in ("actuals", "workbooks", "plans"):
        (folder / group).mkdir()
    for hostile in ACTUALS:
        (folder / "actuals" / hostile.name).write_bytes(hostile.data)
    for hostile in workbooks():
        (folder / "workbooks" / hostile.name).write_bytes(hostile.data)
    for hostile in plan_texts():
        (folder / "plans" / hostile.name).write_bytes(hostile.data)
    return folder


def test_validate_refuses_every_hostile_plan_file(corpus: Path) -> None:
    names = [h.name for h in plan_texts()]
    done = planner("validate", *(f"plans/{name}" for name in names), cwd=corpus)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == len(names), done.stderr  # one line each, no traceback
    for line, hostile in zip(lines, plan_texts(), strict=True):
        assert line.startswith(f"plans/{hostile.name}")
        assert hostile.refusal in line


@pytest.mark.parametrize("hostile", ACTUALS, ids=repr)
def test_variance_refuses_every_hostile_actuals_file(corpus: Path, hostile: Hostile) -> None:
    done = planner("variance", "plan.yaml", "--actuals", f"actuals/{hostile.name}", cwd=corpus)
    line = one_refusal(done)
    assert hostile.refusal in line
    assert hostile.name in line


@pytest.mark.parametrize("hostile", workbooks(), ids=repr)
def test_import_refuses_every_hostile_workbook(corpus: Path, hostile: Hostile) -> None:
    out = corpus / f"{hostile.name}.yaml"
    done = planner("import", f"workbooks/{hostile.name}", out, cwd=corpus)
    assert hostile.refusal in one_refusal(done)
    assert not out.exists()  # nothing half-written


def test_variance_with_huge_actuals_in_the_plan_says_so_without_numpy_warnings(
    corpus: Path,
) -> None:
    plan = corpus / "huge-actuals.yaml"
    plan.write_text(
        EXAMPLE.read_text(encoding="utf-8") + "actuals:\n  - {month: 1, revenue: 1.0e+300}\n",
        encoding="utf-8",
    )
    line = one_refusal(planner("variance", plan.name, cwd=corpus))
    assert line == "huge-actuals.yaml: actuals.0.revenue: 1e+300 is not within -10^15 to 10^15"


# --- the app's uploads -------------------------------------------------------------------------


@pytest.fixture
def onboarding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    with local_app(tmp_path, monkeypatch):
        app = named(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)).run()
        app.switch_page("planner/ui/pages/onboarding.py").run()
        assert not app.exception, [e.message for e in app.exception]
        yield app


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def in_language(app: AppTest, language: str) -> AppTest:
    """The session switched to ``language`` (the example plan opens in German)."""
    app.selectbox(key=state.LANGUAGE).set_value(language).run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def said(line: str, hostile: Hostile, language: str) -> bool:
    """Whether ``line`` says the hostile file's refusal in ``language``: in English the
    command line's words (a column by its label: ``Revenue``), in German none of them."""
    if language == "en":
        return hostile.refusal.casefold() in line.casefold()
    return hostile.name.split(".")[0] in line and hostile.refusal not in line


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_onboarding_upload_refuses_every_hostile_actuals_file(
    onboarding: AppTest, language: str
) -> None:
    app = in_language(onboarding, language)
    before = app.session_state[state.PLAN]
    for hostile in ACTUALS:
        # the uploader itself takes .csv and .xlsx only: an .xlsm comes renamed
        name = hostile.name.replace(".xlsm", ".xlsx")
        start = time.perf_counter()
        upload = app.file_uploader(key="onboarding.upload")
        upload.set_value((name, hostile.data, "application/octet-stream")).run()
        assert time.perf_counter() - start < BOUND + 5  # the page itself takes a moment
        assert not app.exception, [e.message for e in app.exception]
        (error,) = app.error
        lines = unescape(error.value).splitlines()
        assert lines[0].startswith(name), lines
        (line,) = [line for line in lines[1:] if line.strip()]
        assert said(line, hostile, language), (hostile, lines)
        assert app.session_state[state.PLAN] is before  # nothing applied


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_plan_upload_refuses_every_hostile_plan_file(
    onboarding: AppTest, language: str
) -> None:
    app = onboarding
    app.switch_page("planner/ui/pages/start.py").run()
    app = in_language(app, language)
    before = app.session_state[state.PLAN]
    for hostile in plan_texts():
        app.file_uploader(key="upload.plan").set_value(
            (hostile.name, hostile.data, "text/yaml")
        ).run()
        assert not app.exception, [e.message for e in app.exception]
        (line,) = [line for line in unescape(app.error[0].value).splitlines()[1:] if line.strip()]
        assert said(line, hostile, language), line
        assert app.session_state[state.PLAN] is before


def damaged_workbook() -> bytes:
    """The plain actuals workbook with one byte of its sheet's compressed data changed."""
    data = bytearray(actuals_workbook())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    head = info.header_offset
    name_length = int.from_bytes(data[head + 26 : head + 28], "little")
    extra_length = int.from_bytes(data[head + 28 : head + 30], "little")
    data[head + 30 + name_length + extra_length + info.compress_size // 2] ^= 0xFF
    return bytes(data)


def refusals() -> list[tuple[str, bytes, str, str]]:
    """Refused actuals files: name, bytes, and the line a German and an English page show."""
    months = load(EXAMPLE).months
    by_name = {h.name: h for h in ACTUALS}
    return [
        (
            "ist.csv",
            b"month,revenue\n1,9000\n400,12000\n",
            f"ist.csv Zeile 3: Monat 400 liegt nicht im Planhorizont von 1 bis {months}",
            f"ist.csv row 3: month 400 is not within 1 to {months} (the plan's horizon)",
        ),
        (
            "ist.csv",
            b"Monat;Umsatz\n1;9.000\n2;viel\n",
            "ist.csv Zeile 3, Umsatz: 'viel' ist keine Zahl",
            "ist.csv row 3, Revenue: 'viel' is not a number",
        ),
        (
            "ist.xlsx",
            damaged_workbook(),
            "ist.xlsx: ist beschädigt: xl/worksheets/sheet1.xml lässt sich nicht lesen",
            "ist.xlsx: is damaged: xl/worksheets/sheet1.xml cannot be read",
        ),
        (
            "ist.xlsx",
            by_name["bomb-ratio.xlsx"].data,
            "ist.xlsx: xl/worksheets/sheet1.xml wird entpackt mehr als 100-mal so groß (Zip-Bombe)",
            "ist.xlsx: xl/worksheets/sheet1.xml expands more than 100 times (zip bomb)",
        ),
        (
            "ist.xlsx",
            by_name["too-large.xlsx"].data,
            "ist.xlsx: ist größer als 10 MB",
            "ist.xlsx: is larger than 10 MB",
        ),
        (
            "ist.csv",
            by_name["empty-lines.csv"].data,
            "ist.csv: hat mehr als 100.000 Zeilen",
            "ist.csv: has more than 100,000 rows",
        ),
    ]


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_refused_actuals_file_is_said_in_the_ui_language(
    onboarding: AppTest, language: str
) -> None:
    """The row, the month, the column (by its label) and the limit, in the page's language
    with its numbers (100.000 in German); the command line keeps its English line."""
    app = in_language(onboarding, language)
    for name, data, german, english in refusals():
        app.file_uploader(key="onboarding.upload").set_value((name, data, "text/csv")).run()
        assert not app.exception, [e.message for e in app.exception]
        lines = [line for line in unescape(app.error[0].value).splitlines() if line.strip()]
        assert lines[1] == "- " + (german if language == "de" else english), lines


def test_the_command_line_keeps_the_english_line(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_bytes(EXAMPLE.read_bytes())
    months = load(EXAMPLE).months
    for name, data, expected in (
        (
            "ist.csv",
            b"month,revenue\n1,9000\n400,12000\n",
            f"ist.csv row 3: month 400 is not within 1 to {months} (the plan's horizon)",
        ),
        (
            "ist.csv",
            b"Monat;Umsatz\n1;9.000\n2;viel\n",
            "ist.csv row 3, revenue: 'viel' is not a number",
        ),
        (
            "ist.xlsx",
            damaged_workbook(),
            "ist.xlsx: is damaged: xl/worksheets/sheet1.xml cannot be read",
        ),
    ):
        (tmp_path / name).write_bytes(data)
        line = one_refusal(planner("variance", "plan.yaml", "--actuals", name, cwd=tmp_path))
        assert line == f"error: {expected}"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "many.yaml: enthält mehr als 50.000 Werte"),
        ("en", "many.yaml: has more than 50,000 values"),
    ],
)
def test_a_refused_plan_file_is_said_in_the_ui_language(
    onboarding: AppTest, language: str, expected: str
) -> None:
    app = onboarding
    app.switch_page("planner/ui/pages/start.py").run()
    app = in_language(app, language)
    (many,) = [h for h in plan_texts() if h.name == "many.yaml"]
    app.file_uploader(key="upload.plan").set_value((many.name, many.data, "text/yaml")).run()
    lines = [line for line in unescape(app.error[0].value).splitlines() if line.strip()]
    assert lines[1] == f"- {expected}", lines


def test_a_workbook_refused_by_the_signoff_check_is_said_in_the_ui_language(
    onboarding: AppTest,
) -> None:
    from planner.signoff.verify import UnreadableError, verify_bytes

    bomb = next(h for h in workbooks() if h.name == "bomb-ratio.xlsx")
    with pytest.raises(UnreadableError) as caught:  # the command line's English line stays
        verify_bytes(bomb.data)
    assert str(caught.value) == (
        "the workbook is refused: it xl/worksheets/sheet1.xml expands more than 100 times "
        "(zip bomb)"
    )
    app = onboarding
    app.switch_page("planner/ui/pages/signoff.py").run()
    app.file_uploader(key="signoff.verify.upload").set_value(("ist.xlsx", bomb.data, "x")).run()
    assert not app.exception, [e.message for e in app.exception]
    assert unescape(app.error[0].value) == (
        "Die Datei kann nicht gelesen werden: ist.xlsx: xl/worksheets/sheet1.xml wird entpackt "
        "mehr als 100-mal so groß (Zip-Bombe)"
    )


def test_damaged_workbooks_are_refused_in_one_line_never_with_a_traceback(tmp_path: Path) -> None:
    """Random byte flips of an exported workbook (a damaged download, a bad disk): the import
    and the actuals reader either read it or refuse it with one line, never a traceback."""
    import random

    from planner.export.xlsx import build_workbook

    data = build_workbook(load(EXAMPLE))
    rng = random.Random(11)
    outcomes = set()
    for round_ in range(40):
        damaged = bytearray(data)
        for _ in range(rng.choice([1, 3, 12])):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        for read in (read_workbook, lambda d: read_actuals_data(load(EXAMPLE), d, "ist.xlsx")):
            message = ""
            try:
                read(bytes(damaged))
            except (PlanError, AnalysisError) as refused:  # anything else fails the test
                message = str(refused).strip()
            outcomes.add("refused" if message else "read")
            assert "\n" not in message, (round_, message)
    assert "refused" in outcomes
    file = tmp_path / "damaged.xlsx"
    file.write_bytes(bytes(damaged))
    done = subprocess.run(
        [sys.executable, "-m", "planner", "import", str(file), str(tmp_path / "out.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode in (0, 2)
    assert "Traceback" not in done.stderr


# --- every refusal has its text ----------------------------------------------------------------


def raised_keys(module: Path, error: str) -> list[str | None]:
    """The key of every ``raise <error>(message, key, ...)`` in ``module`` (None: no key);
    a key from a variable counts as ``"*"``."""
    import ast

    keys: list[str | None] = []
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        call = node.exc if isinstance(node, ast.Raise) else None
        if not (isinstance(call, ast.Call) and getattr(call.func, "id", "") == error):
            continue
        key = call.args[1] if len(call.args) > 1 else None
        if isinstance(key, ast.Constant):
            keys.append(str(key.value))
        elif isinstance(key, ast.BinOp):  # "value_" + key
            keys.append("*")
        else:
            keys.append(None if key is None else "*")
    return keys


def test_every_refusal_of_the_readers_carries_a_key_with_german_and_english_text() -> None:
    import string

    from planner import i18n, limits

    found = raised_keys(ROOT / "planner" / "limits.py", "RefusedError")
    found += raised_keys(ROOT / "planner" / "analysis" / "actuals.py", "AnalysisError")
    assert len(found) > 40
    assert None not in found, found
    texts = {
        k.removeprefix("ui.refusal."): v
        for k, v in i18n.catalog().items()
        if k.startswith("ui.refusal.")
    }
    named = {key for key in found if isinstance(key, str) and key != "*"}
    for sub in ("range", "not_finite"):  # actual_refusal's reasons, per row and per month
        named |= {f"value_{sub}", f"actuals_{sub}"}
    for key in named | limits.KEYS:
        assert f"ui.refusal.{key}" in i18n.catalog(), key
        places = [
            {field for _, field, _, _ in string.Formatter().parse(texts[key][language]) if field}
            for language in ("de", "en")
        ]
        assert places[0] == places[1], key
