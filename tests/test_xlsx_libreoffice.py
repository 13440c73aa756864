"""The workbook recalculated by a real spreadsheet engine reproduces the model.

Every workbook of this module is converted in ONE LibreOffice call (it takes seconds to start),
with a private profile; the workbook asks for a full calculation on load, so LibreOffice
evaluates every formula, and openpyxl reads the results (``data_only=True``). The monthly
table, the yearly table and both sides' key figures must match ``model.evaluate`` to 1e-6
relative (absolute, scaled to the series, for values near 0). The scenario switch set to each
scenario reproduces ``model.evaluate(with_scenario(plan, name))``; every total read back equals its
parts; the master check is 0 on every valid workbook and flags a changed ``months`` and a
deleted list row.
"""

from __future__ import annotations

import io
import math
import random
import shutil
import subprocess
from typing import Any

import openpyxl
import pytest

from planner import i18n, model, privacy
from planner.export.workbook_import import read_workbook
from planner.export.xlsx import (
    MONTHLY_FIRST_ROW,
    PNL_FIRST_ROW,
    PNL_LINES,
    build_workbook,
    sheet_names,
)
from planner.plan.files import content_hash, load
from planner.plan.schema import MONTHLY_COLUMNS, VALUE_COLUMNS, Plan
from planner.plan.validation import with_scenario, with_values
from tests.factories import EXAMPLE, ROOT, delivery, investment, make_plan, sales

pytestmark = pytest.mark.libreoffice

REL = 1e-6
SOFFICE_SECONDS = 600
EDIT = {"revenue.deal_size": 50000.0, "resources.0.fte": 3.0, "revenue.subscription": False}
"""Inputs changed in the exported workbook before recalculation: the workbook is a model."""
TYPED = {**EDIT, "revenue.deal_size": "=40000+10000"}
"""The same edits as typed into the cells: a formula in an input is read as its result."""


def random_plan(seed: int) -> Plan:
    """A plan with values a person might type, drawn from a fixed seed."""
    rng = random.Random(seed)
    months = rng.choice([12, 18, 30, 36, 61, 120])
    functions = ["sales", "presales", "delivery", "support", "management"]
    resources = [
        {
            "role": f"Role {i}",
            "function": rng.choice(functions[:3] * 2 + functions),
            "fte": rng.choice([0.5, 1, 2, 3]),
            "start_month": rng.randint(1, months),
            "annual_cost": rng.randrange(40_000, 160_000, 5_000),
            "ramp_months": rng.choice([0, 1, 3, 6, 12]),
        }
        for i in range(rng.randint(0, 6))
    ]
    investments = [
        {
            **investment(rng.randrange(1_000, 60_000, 500), rng.randint(1, months)),
            "every_months": rng.choice([0, 0, 1, 3, 5, 12, 24]),
            "vendor_share": rng.choice([0, 0.25, 0.5, 1]),
        }
        for _ in range(rng.randint(0, 4))
    ]
    tiers = [
        {"threshold": rng.randrange(0, 2_000_000, 50_000), "rate": rng.choice([0.01, 0.03, 0.05])}
        for _ in range(rng.randint(0, 3))
    ]
    return make_plan(
        months=months,
        discount_rate=rng.choice([0, 0.08, 0.12]),
        opex_per_month=rng.randrange(0, 10_000, 500),
        resources=resources,
        investments=investments,
        revenue={
            "deals_per_sales_fte_month": rng.choice([0, 0.3, 0.8, 1.5]),
            "deal_size": rng.randrange(5_000, 100_000, 1_000),
            "subscription": rng.random() < 0.6,
            "monthly_churn": rng.choice([0, 0.005, 0.02]),
            "annual_price_uplift": rng.choice([0, 0.03, 0.1]),
            "partner_margin": rng.choice([0.1, 0.25, 0.4]),
            "services_per_deal": rng.randrange(0, 30_000, 1_000),
            "delivery_capacity_per_fte_month": rng.randrange(0, 30_000, 1_000),
            "managed_fee_per_customer_month": rng.choice([0, 50, 150]),
        },
        vendor_programme={
            "mdf_rate": rng.choice([0, 0.02, 0.05]),
            "rebate_tiers": tiers,
            "gross_margin": rng.choice([0.6, 0.85]),
            "partner_manager_fte": rng.choice([0, 0.2, 1]),
            "partner_manager_annual_cost": 120_000,
        },
    )


def generated_plans() -> dict[str, Plan]:
    """Plans that reach the corners of docs/model.md section 2 and 4."""
    team = [sales(fte=2, ramp=4, cost=90_000), delivery(fte=1, start=3, ramp=2, cost=80_000)]
    revenue = {
        "deals_per_sales_fte_month": 0.7,
        "deal_size": 24_000,
        "monthly_churn": 0.01,
        "annual_price_uplift": 0.05,
        "partner_margin": 0.3,
        "services_per_deal": 9_000,
        "delivery_capacity_per_fte_month": 12_000,
        "managed_fee_per_customer_month": 80,
    }
    programme = {
        "mdf_rate": 0.02,
        "rebate_tiers": [
            {"threshold": 150_000, "rate": 0.02},
            {"threshold": 400_000, "rate": 0.05},
        ],
        "gross_margin": 0.8,
        "partner_manager_fte": 0.25,
        "partner_manager_annual_cost": 110_000,
    }
    base: dict[str, Any] = {
        "discount_rate": 0.1,
        "opex_per_month": 1_500,
        "resources": team,
        "revenue": revenue,
        "vendor_programme": programme,
    }
    return {
        # 30 months: the last plan year has 6 months, so its rebate thresholds are halved
        "partial-year": make_plan(**base, months=30),
        "recurring-investments": make_plan(
            **base,
            months=40,
            investments=[
                investment(5_000, 2, every=12, vendor_share=0.5),
                investment(700, 1, every=1),
                investment(3_000, 7, every=5, vendor_share=1),
                investment(20_000, 40),
            ],
        ),
        "zero-sales": make_plan(**{**base, "resources": [delivery(cost=70_000)]}, months=24),
        "no-rebate-tiers": make_plan(
            **{**base, "vendor_programme": {**programme, "rebate_tiers": []}}, months=12
        ),
        "one-off-licences": make_plan(
            **{**base, "revenue": {**revenue, "subscription": False}}, months=36
        ),
        "never-negative": make_plan(
            months=12,
            resources=[sales()],
            revenue={"deals_per_sales_fte_month": 1, "deal_size": 1_200, "partner_margin": 0.5},
            vendor_programme={"gross_margin": 0.5},
        ),
        "120-months": make_plan(**base, months=120, start="2029-11"),
        # the vendor discounts at its own rate: its NPV formula must read that rate
        "vendor-own-rate": make_plan(
            **{**base, "vendor_programme": {**programme, "discount_rate": 0.25}}, months=36
        ),
        **{f"random-{seed}": random_plan(seed) for seed in range(6)},
    }


def switched(data: bytes, k: int) -> bytes:
    """The workbook with its scenario switch set to ``k``, as a person would set it."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheet, cell = wb.defined_names["scenario_switch"].attr_text.split("!")
    wb[sheet.strip("'")][cell.replace("$", "")].value = k
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def deleted_item(data: bytes, prefix: str) -> bytes:
    """The workbook with the rows of one list item deleted from Inputs the way a spreadsheet
    program deletes rows: the names of the deleted cells become #REF!, those below move up."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[next(n for n in sheet_names("inputs") if n in wb.sheetnames)]
    rows = [r[0].row for r in ws.iter_rows() if str(r[0].value or "").startswith(prefix)]
    first, count = rows[0], len(rows)
    ws.delete_rows(first, count)
    quoted = f"'{ws.title}'" if not ws.title.isalnum() else ws.title
    for defined in wb.defined_names.values():
        sheet, _, cell = str(defined.attr_text).partition("!")
        if sheet.strip("'") != ws.title or ":" in cell:
            continue
        row = int(cell.split("$")[-1])
        if first <= row < first + count:
            defined.attr_text = f"{quoted}!#REF!"
        elif row >= first + count:
            defined.attr_text = f"{quoted}!{cell.rsplit('$', 1)[0]}${row - count}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


BROKEN = ("broken-months", "broken-deleted-role")
"""Workbooks a person made inconsistent: the master check must flag them."""


def cases() -> dict[str, tuple[Plan, bytes]]:
    """Name -> (the plan the workbook must reproduce, the workbook)."""
    example = load(EXAMPLE)
    out: dict[str, tuple[Plan, bytes]] = {
        "example": (example, build_workbook(example)),
        "example-en": (example, build_workbook(example, language="en")),
        "example-konservativ": (
            with_scenario(example, "Konservativ"),
            build_workbook(example, scenario="Konservativ"),
        ),
    }
    for path in TEMPLATES:
        plan = load(path)
        out[f"template-{path.stem}"] = (plan, build_workbook(plan))
    for name, plan in generated_plans().items():
        out[name] = (plan, build_workbook(plan))
    out["example-edited"] = (with_values(example, EDIT), edit(out["example"][1], TYPED))
    for name, (plan, audience) in EDITIONS.items():
        out[name] = (plan, build_workbook(plan, audience=audience))
    for base in ["example", "example-en", *(f"template-{path.stem}" for path in TEMPLATES)]:
        plan, data = out[base]
        for k, scenario in enumerate(plan.scenarios, start=1):
            out[f"{base}-switch-{k}"] = (with_scenario(plan, scenario.name), switched(data, k))
    out["broken-months"] = (example, edit(out["example"][1], {"months": 24}))
    out["broken-deleted-role"] = (example, deleted_item(out["example"][1], "resources.3."))
    return out


def _private_example(share: bool) -> Plan:
    data = load(EXAMPLE).to_data()
    data["private"] = {
        "vendor": ["vendor_programme.gross_margin", "vendor_programme.partner_manager_fte"],
        "partner": ["resources.0.annual_cost", "revenue.services_per_deal"],
        "share_vendor_economics": share,
    }
    return Plan.model_validate(data)


EDITIONS: dict[str, tuple[Plan, str]] = {
    "edition-partner-shared": (_private_example(True), "partner"),
    "edition-partner": (_private_example(False), "partner"),
    "edition-vendor": (_private_example(False), "vendor"),
    "edition-viewer": (_private_example(True), "viewer"),
}
"""A side's edition: the vendor's margin and the partner's team cost and services private."""


def edit(data: bytes, changes: dict[str, Any]) -> bytes:
    """The workbook with input cells changed, as someone would in a spreadsheet program."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for path, value in changes.items():
        name = path.replace(".", "_")
        name = f"base_{name}" if f"base_{name}" in wb.defined_names else name  # the input cell
        sheet, cell = wb.defined_names[name].attr_text.split("!")
        wb[sheet.strip("'")][cell.replace("$", "")].value = value
    wb.calculation.fullCalcOnLoad = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> dict[str, tuple[Plan, bytes]]:
    """Every case's workbook after LibreOffice recalculated and saved it: name -> (plan, bytes)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is needed: scripts/test installs it"
    source = tmp_path_factory.mktemp("xlsx-in")
    target = tmp_path_factory.mktemp("xlsx-out")
    profile = tmp_path_factory.mktemp("lo-profile")
    all_cases = cases()
    files = []
    for name, (_, data) in all_cases.items():
        (source / f"{name}.xlsx").write_bytes(data)
        files.append(str(source / f"{name}.xlsx"))
    command = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(target),
        *files,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=SOFFICE_SECONDS)
    assert done.returncode == 0, done.stderr
    return {
        name: (plan, (target / f"{name}.xlsx").read_bytes())
        for name, (plan, _) in all_cases.items()
    }


TEMPLATES = sorted((ROOT / "templates").glob("*.yaml"))
NAMES = [
    "example",
    "example-en",
    "example-konservativ",
    *(f"template-{path.stem}" for path in TEMPLATES),
    *generated_plans(),
    "example-edited",
    "example-switch-1",
    "example-switch-2",
    "example-en-switch-2",
    *(
        f"template-{path.stem}-switch-{k + 1}"
        for path in TEMPLATES
        for k in range(len(load(path).scenarios))
    ),
]


def values(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data), data_only=True)


def sheet(book: openpyxl.Workbook, key: str) -> Any:
    """Sheet ``key`` by its name in the workbook's language."""
    return book[next(n for n in sheet_names(key) if n in book.sheetnames)]


def named(book: openpyxl.Workbook, name: str) -> Any:
    where, cell = book.defined_names[name].attr_text.split("!")
    return book[where.strip("'")][cell.replace("$", "")].value


def month_text(value: Any) -> Any:
    """A date cell as docs/model.md's ``YYYY-MM``."""
    return value.strftime("%Y-%m") if hasattr(value, "strftime") else value


def close(got: Any, expected: Any, scale: float) -> bool:
    """Within 1e-6 relative, or 1e-6 of the series' magnitude for values near 0."""
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return got in (None, i18n.MISSING)
    if isinstance(expected, str):
        return got == expected
    if isinstance(expected, bool) or isinstance(got, bool):
        return bool(got) == bool(expected) and isinstance(got, bool)
    if not isinstance(got, (int, float)):
        return False
    return math.isclose(got, expected, rel_tol=REL, abs_tol=REL * max(1.0, scale))


@pytest.mark.parametrize("name", list(EDITIONS))
def test_a_sides_edition_recalculates_to_the_model_without_what_it_may_not_see(recalculated, name):
    plan, data = recalculated[name]
    audience = EDITIONS[name][1]
    outcome = model.evaluate(plan)
    book = values(data)
    shown = privacy.visible_columns(plan, audience)
    ws = sheet(book, "monthly")
    keys = [cell.value for cell in ws[2]]
    assert [k for k in keys if k in MONTHLY_COLUMNS] == list(shown)
    rows = list(ws.iter_rows(min_row=MONTHLY_FIRST_ROW, values_only=True))[: plan.months]
    wrong = []
    for column in shown:
        series = outcome.monthly[column].tolist()
        scale = max((abs(v) for v in series), default=0.0) if column != "date" else 0.0
        got = [month_text(row[keys.index(column)]) for row in rows]
        wrong += [
            (column, t + 1)
            for t, (g, e) in enumerate(zip(got, series, strict=True))
            if not close(g, e, scale)
        ]
    visible = privacy.visible_figures(plan, outcome.kpis, audience)
    for side in ("partner", "vendor"):
        for figure in set(outcome.kpis[side]) - set(visible[side]):
            assert f"{side}_{figure}" not in book.defined_names
        for figure, expected in visible[side].items():
            got = named(book, f"{side}_{figure}")
            tolerance = 0.0 if figure in ("irr", "roi") or figure in model.MONTH_FIGURES else 1e3
            if not close(got, expected, tolerance):
                wrong.append((side, figure, got, expected))
    assert wrong == []
    hidden = privacy.view(plan, audience).hidden
    inputs = sheet(book, "inputs")
    private = {r[0]: r[2] for r in inputs.iter_rows(min_row=2, values_only=True) if r[0] in hidden}
    assert private
    assert set(private.values()) == {i18n.t("xlsx.private", plan.language)}


@pytest.mark.parametrize("name", NAMES)
def test_monthly_table_matches_the_model(recalculated, name):
    plan, data = recalculated[name]
    expected = model.evaluate(plan).monthly
    ws = sheet(values(data), "monthly")
    keys = [cell.value for cell in ws[2]]
    assert keys[: len(MONTHLY_COLUMNS)] == list(MONTHLY_COLUMNS)
    rows = list(ws.iter_rows(min_row=MONTHLY_FIRST_ROW, values_only=True))[: plan.months]
    wrong = []
    for column in MONTHLY_COLUMNS:
        series = expected[column].tolist()
        scale = max((abs(v) for v in series), default=0.0) if column != "date" else 0.0
        got = [month_text(row[keys.index(column)]) for row in rows]
        wrong += [
            (column, t + 1, g, e)
            for t, (g, e) in enumerate(zip(got, series, strict=True))
            if not close(g, e, scale)
        ]
    assert wrong == []


@pytest.mark.parametrize("name", NAMES)
def test_key_figures_match_the_model(recalculated, name):
    plan, data = recalculated[name]
    outcome = model.evaluate(plan)
    wb = values(data)
    monthly = outcome.monthly
    wrong = []
    for side, cum in (("partner", "cumulative_cash"), ("vendor", "vendor_cumulative_cash")):
        scale = float(monthly[cum].abs().max())
        for figure, expected in outcome.kpis[side].items():
            sheet, cell = wb.defined_names[f"{side}_{figure}"].attr_text.split("!")
            got = wb[sheet.strip("'")][cell.replace("$", "")].value
            tolerance = 0.0 if figure in ("irr", "roi") or figure in model.MONTH_FIGURES else scale
            if not close(got, expected, tolerance):
                wrong.append((side, figure, got, expected))
    sheet, cell = wb.defined_names["mutual"].attr_text.split("!")
    assert wb[sheet.strip("'")][cell.replace("$", "")].value is outcome.kpis["mutual"]
    assert wrong == []


@pytest.mark.parametrize("name", NAMES)
def test_yearly_table_matches_the_model(recalculated, name):
    plan, data = recalculated[name]
    expected = model.evaluate(plan).yearly
    ws = sheet(values(data), "yearly")
    keys = [cell.value for cell in ws[2]]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len([r for r in rows if r[0] is not None]) == len(expected)
    wrong = []
    for k, record in expected.iterrows():
        row = rows[k]
        assert row[keys.index("months")] == record["months"]
        got = (month_text(row[keys.index("from")]), month_text(row[keys.index("to")]))
        assert got == (record["from"], record["to"])
        for column in VALUE_COLUMNS:
            scale = float(expected[column].abs().max())
            if not close(row[keys.index(column)], record[column], scale):
                wrong.append((k + 1, column, row[keys.index(column)], record[column]))
    assert wrong == []


@pytest.mark.parametrize(
    "name", [n for n in NAMES if n != "example-edited" and "-switch-" not in n]
)
def test_a_workbook_saved_by_a_spreadsheet_program_imports_as_the_same_plan(recalculated, name):
    plan, data = recalculated[name]
    assert content_hash(read_workbook(data)) == content_hash(plan)


def test_edited_inputs_recalculate_the_whole_plan(recalculated):
    plan, data = recalculated["example-edited"]
    assert plan.revenue.subscription is False  # the edits took: one-off licences now
    original = model.evaluate(load(EXAMPLE)).kpis["partner"]["npv"]
    sheet, cell = values(data).defined_names["partner_npv"].attr_text.split("!")
    got = values(data)[sheet.strip("'")][cell.replace("$", "")].value
    assert not math.isclose(got, original, rel_tol=1e-3)
    assert read_workbook(data).revenue.deal_size == 50000


VALID = [n for n in NAMES if n not in BROKEN] + list(EDITIONS)


@pytest.mark.parametrize("name", VALID)
def test_the_master_check_is_zero_on_every_valid_workbook(recalculated, name):
    book = values(recalculated[name][1])
    checks = sheet(book, "checks")
    failing = [r[3] for r in checks.iter_rows(min_row=5, values_only=True) if r[3] and r[1] != 0]
    assert failing == []
    assert named(book, "check_master") == 0


@pytest.mark.parametrize("name", BROKEN)
def test_the_master_check_flags_a_changed_horizon_and_a_deleted_list_row(recalculated, name):
    book = values(recalculated[name][1])
    checks = sheet(book, "checks")
    failing = {r[3] for r in checks.iter_rows(min_row=5, values_only=True) if r[3] and r[1] != 0}
    assert named(book, "check_master") >= 1
    assert ("months" if name == "broken-months" else "rows_resources") in failing
    if name == "broken-months":  # the figures are still the 36 months', and the check says so
        assert named(book, "partner_npv") == pytest.approx(
            model.evaluate(load(EXAMPLE)).kpis["partner"]["npv"], rel=REL
        )


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0


@pytest.mark.parametrize("name", VALID)
def test_every_total_read_back_equals_its_parts(recalculated, name):
    """Monthly identities, yearly sums of the months, the P&L's subtotals and totals and the
    key figures' sums, all read from the recalculated workbook (not from its formulas)."""
    plan, data = recalculated[name]
    book = values(data)
    wrong: list[Any] = []

    def tie(where: Any, got: Any, parts: list[float], scale: float) -> None:
        if not math.isclose(_number(got), sum(parts), rel_tol=REL, abs_tol=REL * max(1, scale)):
            wrong.append((where, got, sum(parts)))

    ws = sheet(book, "monthly")
    keys = [c.value for c in ws[2]]
    rows = list(ws.iter_rows(min_row=MONTHLY_FIRST_ROW, values_only=True))[: plan.months]
    col = {key: [r[keys.index(key)] for r in rows] for key in keys if key in MONTHLY_COLUMNS}
    identities = {
        "revenue": ["resale", "services", "managed"],
        "vendor_funds": ["mdf", "rebate"],
        "investment_net": ["investment_gross", "-investment_vendor_funded"],
        "ebitda": ["gross_profit", "vendor_funds", "-staff_cost", "-opex", "-investment_net"],
        "gross_profit": ["revenue", "-sell_in"],
        "vendor_cash_flow": ["vendor_gross_profit", "-vendor_cost"],
    }
    for total, parts in identities.items():
        if total not in col or any(p.lstrip("-") not in col for p in parts):
            continue
        scale = max(abs(_number(v)) for v in col[total]) if col[total] else 0
        for t in range(plan.months):
            terms = [
                -_number(col[p[1:]][t]) if p.startswith("-") else _number(col[p][t]) for p in parts
            ]
            tie(("monthly", total, t + 1), col[total][t], terms, scale)
    ws = sheet(book, "yearly")
    ykeys = [c.value for c in ws[2]]
    yrows = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] is not None]
    tie(("yearly", "months"), plan.months, [r[ykeys.index("months")] for r in yrows], 1)
    for key in ykeys[4:]:
        if key in model.STOCK_COLUMNS or key not in col:
            continue
        scale = max(abs(_number(v)) for v in col[key]) if col[key] else 0
        for k, r in enumerate(yrows):
            months = col[key][12 * k : 12 * k + 12]
            tie(("yearly", key, k + 1), r[ykeys.index(key)], [_number(v) for v in months], scale)
    ws = sheet(book, "pnl")
    years = len(yrows)
    lines = {r[3 + years]: r for r in ws.iter_rows(min_row=PNL_FIRST_ROW, values_only=True)}
    for key, _, kind, parts in PNL_LINES:
        if key not in lines or kind == "head":
            continue
        line = lines[key]
        amounts = [_number(v) for v in line[2 : 2 + years]]
        scale = max(abs(a) for a in amounts)
        if kind == "level":
            tie(("pnl", key, "total"), line[2 + years], amounts[-1:], scale)
            flows = [_number(v) for v in lines[parts[0]][2 : 2 + years]]
            for k in range(years):
                tie(("pnl", key, k + 1), amounts[k], flows[: k + 1], scale)
            continue
        tie(("pnl", key, "total"), line[2 + years], amounts, scale)
        if kind == "sum" and all(
            not isinstance(lines[p.lstrip("-")][2], str) for p in parts
        ):  # a line "confidential" in a side's edition: its subtotal holds the model's value
            for k in range(years):
                terms = [
                    (-1 if p.startswith("-") else 1) * _number(lines[p.lstrip("-")][2 + k])
                    for p in parts
                ]
                tie(("pnl", key, k + 1), amounts[k], terms, scale)
        if key in col and kind in ("line", "sum"):
            tie(("pnl vs months", key), line[2 + years], [_number(v) for v in col[key]], scale)
    figures = {
        ("partner", "revenue"): "revenue",
        ("partner", "gross_profit"): "gross_profit",
        ("partner", "ebitda"): "ebitda",
        ("vendor", "revenue"): "vendor_revenue",
        ("vendor", "cost"): "vendor_cost",
    }
    for (side, figure), key in figures.items():
        if f"{side}_{figure}" in book.defined_names and key in lines:
            got = named(book, f"{side}_{figure}")
            tie(("figure", side, figure), got, [_number(lines[key][2 + years])], abs(_number(got)))
    assert wrong == []


def test_a_german_workbook_recalculates_with_german_sheet_names(recalculated):
    book = values(recalculated["example"][1])
    assert book.sheetnames[:3] == ["Übersicht", "Eingaben", "Szenarien"]
    assert sheet(book, "summary")["B3"].value == 0  # the master check on the summary
    assert sheet(book, "summary")["B4"].value == "Basisplan"
    switched_book = values(recalculated["example-switch-1"][1])
    assert sheet(switched_book, "summary")["B4"].value == "Konservativ"
