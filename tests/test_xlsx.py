"""The live workbook: structure, defined names, formulas, hostile text, formats and the
export -> import round trip (no spreadsheet engine needed; see test_xlsx_libreoffice.py)."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import model
from planner.export.workbook_import import read_workbook
from planner.export.xlsx import (
    MONTHLY_FIRST_ROW,
    SHEET_NAMES,
    build_workbook,
    defined_name,
    enum_value,
    escape_text,
    plan_values,
    sheet_name,
    unescape_text,
)
from planner.plan.files import content_hash, load
from planner.plan.schema import MONTHLY_COLUMNS, PlanError
from planner.plan.validation import validate, with_scenario, with_values
from tests.factories import EXAMPLE, ROOT, investment, make_plan, sales
from tests.strategies import plans

TEMPLATES = sorted((ROOT / "templates").glob("*.yaml"))
INPUTS, MONTHLY, FIGURES, SIGN_OFF, SCENARIOS = (
    sheet_name(key, "de") for key in ("inputs", "monthly", "figures", "signoff", "scenarios")
)
"""The example plan is German: its workbook's sheets have German names."""
HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "@SUM(A1)",
    "+1",
    "-1",
    "=1+1",
    "#N/A",
    "Müller & Söhne <b>GmbH</b>",
    "_x0041_ stays _x0041_",
    "TRUE",
    "0042",
]


def book(data: bytes, **options: bool) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data), **options)


def target(wb: openpyxl.Workbook, name: str) -> tuple[str, str]:
    """(sheet, range) a workbook-level defined name points at, without ``$``."""
    sheet, cells = wb.defined_names[name].attr_text.split("!")
    return sheet.strip("'"), cells.replace("$", "")


def named_cell(wb: openpyxl.Workbook, name: str):
    sheet, cell = target(wb, name)
    return wb[sheet][cell]


@pytest.fixture(scope="module")
def example():
    return load(EXAMPLE)


@pytest.fixture(scope="module")
def example_book(example):
    return book(build_workbook(example))


# --- structure ---------------------------------------------------------------------------


def test_sheets_in_reading_order_named_in_the_plans_language(example):
    assert book(build_workbook(example)).sheetnames == [
        "Übersicht",
        "Eingaben",
        "Szenarien",
        "Team",
        "Investitionen",
        "Monate",
        "Jahre",
        "GuV",
        "Kennzahlen",
        "Prüfungen",
        "Freigabe",
    ]
    english = book(build_workbook(example, language="en"))
    assert english.sheetnames == [
        name for key, name in SHEET_NAMES["en"].items() if key != "actuals"
    ]
    assert english.sheetnames[:3] == ["Summary", "Inputs", "Scenarios"]


def test_german_workbook_has_german_headers_and_enum_values(example_book):
    ws = example_book[INPUTS]
    assert [c.value for c in ws[1]][:4] == ["Pfad (Name)", "Eingabe", "Wert", "Einheit / zulässig"]
    assert ws.cell(row=1, column=6).value == "Begründung"
    assert named_cell(example_book, "partner_kind").value == "Reseller"
    assert named_cell(example_book, "resources_0_function").value == "Vertrieb"
    assert named_cell(example_book, "investments_0_category").value == "Zertifizierung"
    headings = [c.value for c in example_book[sheet_name("pnl", "de")][5]]
    assert [headings[0], *headings[2:4]] == ["Position", "Jahr 1", "Jahr 2"]


def test_every_plan_value_has_a_defined_name_on_its_input_cell(example, example_book):
    values = list(plan_values(example))
    # 11 general + 4 investments * 6 + 4 resources * 6 + 9 revenue + 4 + 2 tiers * 2 programme
    # + uncertainty: 3 triangular ranges (path, distribution, low, likely, high), 1 uniform
    assert len(values) == 11 + 24 + 24 + 9 + 4 + 4 + 3 * 5 + 4
    changed = {"revenue.deals_per_sales_fte_month", "revenue.monthly_churn"}
    changed |= {"resources.0.ramp_months", "resources.0.fte"}  # by a scenario
    for path, value in values:
        # an input a scenario changes: the name is the value in use, base_ the input
        name = ("base_" if path in changed else "") + defined_name(path)
        cell = named_cell(example_book, name)
        assert target(example_book, name)[0] == INPUTS
        shown = cell.value.strftime("%Y-%m") if path == "start" else enum_value(path, cell.value)
        assert shown == value, path
        assert example_book[INPUTS].cell(row=cell.row, column=1).value == path
        if path in changed:
            assert target(example_book, defined_name(path))[0] == SCENARIOS
    for name in ("revenue_deal_size", "resources_0_fte", "investments_2_amount"):
        assert name in example_book.defined_names
    assert named_cell(example_book, "vendor_programme_rebate_tiers_1_rate").value == 0.04


def test_text_and_enum_inputs_are_text_the_start_a_date_and_the_subscription_a_boolean(
    example_book,
):
    for name in ("title", "partner_name", "partner_kind", "resources_0_function"):
        cell = named_cell(example_book, name)
        assert cell.data_type == "s", name
    start = named_cell(example_book, "start")
    assert start.is_date
    assert start.value.date() == datetime.date(2027, 1, 1)
    assert start.number_format == "yyyy-mm"
    subscription = named_cell(example_book, "revenue_subscription")
    assert subscription.value is True
    assert subscription.data_type == "b"


def test_inputs_are_labelled_in_the_plans_language_with_units(example_book):
    ws = example_book[INPUTS]
    row = named_cell(example_book, "revenue_deal_size").row
    assert ws.cell(row=row, column=2).value == "Listenpreis je Abschluss"
    assert ws.cell(row=row, column=4).value == "EUR je Abschluss"
    assert ws.cell(row=row, column=6).value is None  # the example has no reasoning for it
    row = named_cell(example_book, "resources_1_fte").row
    assert ws.cell(row=row, column=2).value == "Ressource 2: FTE"
    english = book(build_workbook(load(EXAMPLE), language="en"))
    row = named_cell(english, "base_revenue_monthly_churn").row
    assert english["Inputs"].cell(row=row, column=2).value == "Customer churn per month"


def test_every_monthly_cell_is_a_formula_with_a_name_per_column(example, example_book):
    ws = example_book[MONTHLY]
    keys = [cell.value for cell in ws[2]]
    assert keys[: len(MONTHLY_COLUMNS)] == list(MONTHLY_COLUMNS)
    for t in range(1, example.months + 1):
        row = ws[MONTHLY_FIRST_ROW + t - 1]
        assert row[0].value == t
        for cell in row[1:]:
            assert cell.data_type == "f", cell.coordinate
    for key in MONTHLY_COLUMNS:
        sheet, cells = target(example_book, f"monthly_{key}")
        first, last = cells.split(":")
        assert sheet == MONTHLY
        assert int(re.sub(r"\D", "", last)) - int(re.sub(r"\D", "", first)) + 1 == 36


def test_formulas_follow_model_md(example_book):
    ws = example_book[MONTHLY]
    keys = [cell.value for cell in ws[2]]

    def formula(key: str, t: int) -> str:
        return ws.cell(row=MONTHLY_FIRST_ROW + t - 1, column=keys.index(key) + 1).value

    def col(key: str) -> str:
        return openpyxl.utils.get_column_letter(keys.index(key) + 1)

    # customers(t) = customers(t-1) * (1 - churn) + new_deals(t), customers(0) = 0
    assert formula("customers", 1) == f"={col('new_deals')}3"
    assert formula("customers", 2) == (
        f"={col('customers')}3*(1-revenue_monthly_churn)+{col('new_deals')}4"
    )
    assert formula("services", 5) == f"=MIN({col('open')}7,{col('capacity')}7)"
    assert formula("rebate", 12) == (
        f"=IF({col('year_end')}14,{col('rebate_rate')}14*{col('year_sell_in')}14,0)"
    )
    assert formula("price", 13) == (
        f"=revenue_deal_size*(1+revenue_annual_price_uplift)^{col('plan_year')}15"
    )
    assert formula("cash_flow", 7) == f"={col('ebitda')}9"


def test_key_figures_are_formulas_with_side_prefixed_names(example, example_book):
    for side, figures in (("partner", model.PARTNER_FIGURES), ("vendor", model.VENDOR_FIGURES)):
        for figure in figures:
            cell = named_cell(example_book, f"{side}_{figure}")
            assert target(example_book, f"{side}_{figure}")[0] == FIGURES
            assert cell.data_type == "f", (side, figure)
    assert named_cell(example_book, "partner_npv").value == (
        "=SUMPRODUCT(monthly_cash_flow/(1+discount_rate)^(monthly_month/12))"
    )
    irr = named_cell(example_book, "partner_irr").value
    assert "(1+IRR(monthly_cash_flow,partner_irr_guess))^12-1" in irr
    assert named_cell(example_book, "mutual").value == "=AND(partner_npv>0,vendor_npv>0)"


def test_workbook_recalculates_on_opening(example_book):
    assert example_book.calculation.fullCalcOnLoad is True


def test_sign_off_and_properties_carry_the_content_hash(example, example_book):
    digest = content_hash(example)
    assert named_cell(example_book, "content_hash").value == digest
    assert target(example_book, "content_hash")[0] == SIGN_OFF
    props = example_book.properties
    assert props.title == example.title
    assert f"content_hash:{digest}" in props.keywords
    assert "ACME IT GmbH" in props.subject
    assert "Nordwind Security AG" in props.subject


def test_number_formats_follow_the_locale_and_currency(example):
    german = book(build_workbook(example))
    assert named_cell(german, "revenue_deal_size").number_format == ('#,##0.00 "€";-#,##0.00 "€"')
    assert named_cell(german, "revenue_monthly_churn").number_format == "0.0##%"
    money = german[MONTHLY].cell(row=MONTHLY_FIRST_ROW, column=MONTHLY_COLUMNS.index("resale") + 1)
    assert money.number_format == '#,##0 "€";-#,##0 "€"'
    dollars = with_values(example, {"currency": "USD"})
    english = book(build_workbook(dollars, language="en"))
    assert named_cell(english, "revenue_deal_size").number_format == (
        '"US$"#,##0.00;-"US$"#,##0.00'
    )


def test_sheets_have_frozen_headers_widths_and_a4_print_setup(example, example_book):
    assert example_book[INPUTS].freeze_panes == "A4"
    assert example_book[MONTHLY].freeze_panes == "C3"
    for ws in example_book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    for key in ("summary", "inputs", "pnl", "figures", "checks", "signoff"):
        ws = example_book[sheet_name(key, "de")]
        assert ws.page_setup.fitToWidth == 1, key
        assert ws.sheet_properties.pageSetUpPr.fitToPage, key
    # Monthly prints without its helper columns, one plan year per page, 9 columns per page
    # beside the month and date, at 80 %: never shrunk to fit 41 columns on a page
    monthly = example_book[MONTHLY]
    assert not monthly.sheet_properties.pageSetUpPr.fitToPage
    assert monthly.page_setup.scale == 80
    assert monthly.print_area == f"'{MONTHLY}'!$A$1:$AC$38"
    assert [b.id for b in monthly.row_breaks.brk] == [14, 26]
    assert [b.id for b in monthly.col_breaks.brk] == [11, 20]
    assert monthly.print_title_cols == "$A:$B"
    assert example_book[INPUTS].column_dimensions["F"].width == 56


def test_every_style_names_its_font(example_book):
    for ws in example_book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.has_style:
                    assert cell.font.name == "Arial", (ws.title, cell.coordinate)


def test_printed_pages_carry_title_page_numbers_and_hash(example):
    plan = with_values(example, {"title": "Müller & Söhne &P plan"})
    wb = book(build_workbook(plan))
    for ws in wb.worksheets:
        # a literal & is doubled, so the title never turns into a page-number code
        assert ws.oddHeader.center.text == "Müller && Söhne &&P plan"
        assert ws.oddFooter.center.text == "&P / &N"
        assert ws.oddFooter.right.text == content_hash(plan)[:16]


def test_formula_sheets_are_protected_and_inputs_stay_editable(example_book):
    for key in ("summary", "team", "investments", "monthly", "yearly", "pnl", "checks"):
        assert example_book[sheet_name(key, "de")].protection.sheet, key
    for key in ("inputs", "figures", "scenarios", "signoff"):
        assert not example_book[sheet_name(key, "de")].protection.sheet, key


# --- hostile text ------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_stay_literal_text(name):
    plan = make_plan(
        title=name,
        partner={"name": name, "kind": "msp"},
        resources=[{**sales(), "role": name}],
        investments=[{**investment(100, 1), "name": name}],
        scenarios=[{"name": name, "set": {"revenue.deal_size": 5}}],
    )
    data = build_workbook(plan)
    wb = book(data)
    for key in ("title", "partner_name", "resources_0_role", "investments_0_name"):
        cell = named_cell(wb, key)
        assert cell.data_type == "s", (key, name)
        assert unescape_text(cell.value) == name
    # the scenario's name is a column heading and a definition: text there too
    for row in wb[SCENARIOS].iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and unescape_text(cell.value) == name:
                assert cell.data_type == "s"
    # no cell anywhere holds a formula built from the user's text
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert "HYPERLINK" not in cell.value
                    assert "@SUM" not in cell.value
    assert content_hash(read_workbook(data)) == content_hash(plan)


def test_text_escape_round_trips_and_leaves_ordinary_text_alone():
    assert escape_text("ACME IT GmbH") == "ACME IT GmbH"
    assert escape_text("a\x00b") == "a_x0000_b"
    assert escape_text("_x0041_") == "_x005F_x0041_"


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
def test_unescape_inverts_escape(text):
    escaped = escape_text(text)
    assert unescape_text(escaped) == text
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f]", escaped)


# --- export -> import --------------------------------------------------------------------


@pytest.mark.parametrize("path", [EXAMPLE, *TEMPLATES], ids=lambda p: p.name)
def test_export_then_import_gives_the_same_plan(path):
    plan = load(path)
    assert content_hash(read_workbook(build_workbook(plan))) == content_hash(plan)
    english = build_workbook(plan, language="en")
    assert content_hash(read_workbook(english)) == content_hash(plan)


def test_scenario_export_imports_as_that_scenario(example):
    data = build_workbook(example, scenario="Konservativ")
    assert content_hash(read_workbook(data)) == content_hash(with_scenario(example, "Konservativ"))


def test_scenario_values_keep_their_types_actuals_and_private_paths_round_trip():
    plan = make_plan(
        resources=[sales()],
        scenarios=[
            {"name": "ints", "set": {"resources.0.fte": 3, "resources.0.ramp_months": 2}},
            {"name": "floats", "set": {"revenue.deal_size": 1.0, "revenue.subscription": False}},
            {"name": "texts", "set": {"partner.name": "=1+1", "title": "12"}},
            {"name": "empty", "set": {}},
        ],
        actuals=[{"month": 2, "customers": 3.5}, {"month": 1, "revenue": 10.0, "sell_in": 1}],
        private={
            "vendor": ["revenue.deal_size"],
            "partner": ["resources.0", "opex_per_month"],
            "share_vendor_economics": True,
        },
        uncertainty=[
            {
                "path": "revenue.deal_size",
                "distribution": "triangular",
                "low": 10,
                "likely": 20,
                "high": 40,
            },
            {"path": "revenue.monthly_churn", "distribution": "uniform", "low": 0, "high": 0.1},
        ],
        decision={"date": "2026-11-20", "partner": "Anna (CEO)", "vendor": "=Ben", "note": "ok"},
        opex_per_month=0.24785421176924363,  # 17 significant digits: more than a cell keeps
    )
    again = read_workbook(build_workbook(plan))
    assert again.scenarios == plan.scenarios
    assert again.actuals == plan.actuals
    assert again.uncertainty == plan.uncertainty
    assert again.decision == plan.decision
    assert again.opex_per_month == 0.24785421176924363
    assert content_hash(again) == content_hash(plan)


def test_a_plan_under_onboarding_exports_its_commitments_and_reads_them_back(example):
    # Objectives, commitments and action items are lists without a label of their own in the
    # plan's texts: each item's rows read "<item> <n>: <field>" like a resource's.
    data = example.to_data()
    data["objectives"] = [
        {
            "name": "Certified staff",
            "kind": "certification",
            "targets": [{"quarter": "Q2-2027", "count": 1}],
        }
    ]
    data["commitments"] = {
        "hires": [{"resource": 1, "fte": 1, "month": 5}],
        "mdf": [{"activity": "=Webinar", "requested": {"date": "2027-02-01", "amount": 6000}}],
        "objectives": [{"objective": "Certified staff", "quarter": "Q2-2027", "count": 1}],
        "support": [{"quarter": "Q2-2027", "fte": 0.2}],
    }
    data["actions"] = [{"text": "Book the stand", "side": "partner", "raised": "Q2-2027"}]
    plan = validate(data)
    for language in ("de", "en"):
        book = build_workbook(plan, language=language)
        assert content_hash(read_workbook(book)) == content_hash(plan)
    inputs = openpyxl.load_workbook(io.BytesIO(book))["Inputs"]
    labels = {row[0]: row[1] for row in inputs.iter_rows(min_row=4, max_col=2, values_only=True)}
    assert labels["commitments.hires.0.fte"].startswith("Hire 1: ")
    assert labels["actions.0.text"].startswith("Action item 1: ")
    assert labels["commitments.mdf.0.activity"].startswith("MDF activity 1: ")


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_any_valid_plan_round_trips(plan):
    assert content_hash(read_workbook(build_workbook(plan))) == content_hash(plan)


# --- import of edited workbooks ----------------------------------------------------------


def input_name(wb: openpyxl.Workbook, name: str) -> str:
    """The name of an input cell: ``base_<name>`` when a scenario changes it (``<name>`` is
    then the value in use under the scenario switch)."""
    return f"base_{name}" if f"base_{name}" in wb.defined_names else name


def edited(data: bytes, changes: dict[str, object]) -> bytes:
    """The workbook with input cells (by defined name) changed, as a CFO would edit them."""
    wb = book(data)
    for name, value in changes.items():
        named_cell(wb, input_name(wb, name)).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def input_cell(data: bytes, name: str) -> str:
    wb = book(data)
    cell = named_cell(wb, input_name(wb, name))
    return f"{INPUTS}!{cell.coordinate}"


def test_edited_inputs_load_into_the_changed_plan(example):
    data = build_workbook(example)
    changed = edited(
        data,
        {"revenue_deal_size": 45000, "resources_0_fte": 3, "revenue_subscription": "FALSCH"},
    )
    plan = read_workbook(changed)
    assert plan.revenue.deal_size == 45000
    assert plan.resources[0].fte == 3
    assert plan.revenue.subscription is False
    assert plan.scenarios == example.scenarios


def test_a_bad_value_is_reported_with_sheet_cell_and_path(example):
    data = build_workbook(example)
    with pytest.raises(PlanError) as caught:
        read_workbook(edited(data, {"revenue_deal_size": -5, "resources_1_fte": "two"}))
    problems = [str(p) for p in caught.value.problems]
    assert f"{input_cell(data, 'revenue_deal_size')} (revenue.deal_size): -5 is below 0" in problems
    assert any(
        p.startswith(f"{input_cell(data, 'resources_1_fte')} (resources.1.fte): 'two'")
        for p in problems
    )


def test_an_emptied_required_input_names_its_cell(example):
    data = build_workbook(example)
    with pytest.raises(PlanError) as caught:
        read_workbook(edited(data, {"revenue_partner_margin": None}))
    cell = input_cell(data, "revenue_partner_margin")
    assert [str(p) for p in caught.value.problems] == [
        f"{cell} (revenue.partner_margin): is required"
    ]


def test_a_bad_scenario_value_names_the_scenarios_sheet(example):
    wb = book(build_workbook(example))
    for row in wb[SCENARIOS].iter_rows():
        if row[1].value == "revenue.monthly_churn":
            row[2].value = 7
            where = f"{SCENARIOS}!C{row[2].row}"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(PlanError) as caught:
        read_workbook(out.getvalue())
    [problem] = [str(p) for p in caught.value.problems]
    assert problem.startswith(f"{where} (scenarios.Konservativ")
    assert problem.endswith("revenue.monthly_churn): 7 is above 1")


def test_control_characters_typed_into_a_name_are_refused_naming_the_cell(example):
    data = build_workbook(example)
    # a spreadsheet program stores them escaped the OOXML way; the plan refuses them
    with pytest.raises(PlanError) as caught:
        read_workbook(edited(data, {"partner_name": "ACME_x0001_\tGmbH"}))
    cell = input_cell(data, "partner_name")
    assert [str(p) for p in caught.value.problems] == [
        f"{cell} (partner.name): must not contain control characters or line breaks"
    ]


def test_an_uncalculated_formula_in_an_input_says_so(example):
    data = build_workbook(example)
    # openpyxl (like any script) stores formulas without results; a program would calculate
    with pytest.raises(PlanError) as caught:
        read_workbook(edited(data, {"revenue_deal_size": "=40000*1.05"}))
    cell = input_cell(data, "revenue_deal_size")
    assert [str(p) for p in caught.value.problems] == [
        f"{cell} (revenue.deal_size): holds a formula without a calculated value: type the "
        "number, or open and save the workbook in a spreadsheet program first"
    ]


# --- the reasoning column ----------------------------------------------------------------


def test_template_comments_become_the_reasoning_column_and_come_back_on_import():
    plan = load(ROOT / "templates" / "reseller.yaml")
    assert plan.notes["revenue.deal_size"].startswith("yearly list price of a mid-market")
    assert "scenarios.0.set.revenue.monthly_churn" in plan.notes
    for language in ("de", "en"):
        data = build_workbook(plan, language=language)
        wb = book(data)
        inputs = wb[sheet_name("inputs", language)]
        cell = named_cell(wb, "revenue_deal_size")
        assert inputs.cell(row=cell.row, column=6).value == plan.notes["revenue.deal_size"]
        again = read_workbook(data)
        assert again.notes == plan.notes
        assert content_hash(again) == content_hash(plan)


def test_a_reasoning_edited_in_the_workbook_is_imported_and_one_without_a_row_kept():
    plan = with_values(
        load(EXAMPLE), {"notes": {"opex_per_month": "CRM and events", "partner": "a reseller"}}
    )
    wb = book(build_workbook(plan))
    inputs = wb[INPUTS]
    row = named_cell(wb, "opex_per_month").row
    inputs.cell(row=row, column=6).value = "CRM, events and travel"
    rows = [r[0].row for r in inputs.iter_rows() if r[0].value == "notes.partner"]
    assert rows  # a note on a whole block has a row of its own: notes.<path>
    out = io.BytesIO()
    wb.save(out)
    assert read_workbook(out.getvalue()).notes == {
        "opex_per_month": "CRM, events and travel",
        "partner": "a reseller",
    }


def test_a_plan_without_notes_hashes_as_before_and_a_side_sees_no_reasoning_of_hidden_values():
    example = load(EXAMPLE)
    assert example.notes is None
    assert "notes" not in example.to_data()
    plan = load(ROOT / "templates" / "reseller.yaml")
    # the vendor's margin is private to the vendor by default: its reasoning too
    assert "vendor_programme.gross_margin" in plan.notes
    wb = book(build_workbook(plan, audience="partner"))
    texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert plan.notes["vendor_programme.gross_margin"] not in texts
    assert plan.notes["revenue.deal_size"] in texts


# --- the scenario switch and the checks (recalculated in test_xlsx_libreoffice.py) ------


def test_the_switch_chooses_the_values_in_use_and_the_scenarios_results_are_labelled(example):
    wb = book(build_workbook(example))
    assert target(wb, "scenario_switch") == (INPUTS, "C2")
    assert named_cell(wb, "scenario_switch").value == 0
    in_use = named_cell(wb, "revenue_monthly_churn")
    assert in_use.value.startswith("=CHOOSE(scenario_switch+1,")
    # the scenario's value is the definition cell read back on import, not a copy
    konservativ = wb[SCENARIOS].cell(row=in_use.row, column=in_use.column - 2).value
    (definition,) = [r for r in wb[SCENARIOS].iter_rows() if r[1].value == "revenue.monthly_churn"]
    assert konservativ == f"=$C${definition[2].row}"
    texts = [c.value for row in wb[SCENARIOS].iter_rows() for c in row]
    assert "Basisplan (gespeichert beim Export)" in texts
    assert "Live: Szenario in Rechnung" in texts


def test_a_scenario_that_changes_the_shape_is_offered_but_flagged():
    plan = make_plan(
        resources=[sales()],
        scenarios=[{"name": "long", "set": {"months": 48}}, {"name": "big", "set": {}}],
    )
    wb = book(build_workbook(plan, language="en"))
    switch = wb["Inputs"].cell(row=2, column=4).value
    assert "1 = long (changes the horizon or lists" in switch
    assert "2 = big" in switch
    checks = {r[3].value: r[1].value for r in wb["Checks"].iter_rows(min_row=5)}
    assert "scenario_switch=1" in checks["scenario_switch"]


def test_every_output_sheet_shows_the_master_check(example_book):
    for key in ("summary", "pnl", "figures", "scenarios"):
        ws = example_book[sheet_name(key, "de")]
        formulas = [c.value for row in ws.iter_rows(max_row=3) for c in row]
        assert "=check_master" in formulas, key
    checks = example_book[sheet_name("checks", "de")]
    keys = [r[3].value for r in checks.iter_rows(min_row=5) if r[3].value]
    assert keys[:5] == [
        "months",
        "rows_resources",
        "rows_investments",
        "rows_rebate_tiers",
        "errors",
    ]
    assert {
        "yearly_totals",
        "pnl_revenue",
        "pnl_ebitda",
        "figure_totals",
        "scenario_switch",
    } <= set(keys)
    assert len(example_book[sheet_name("summary", "de")]._charts) == 2
