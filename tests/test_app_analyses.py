"""The scenarios & analyses page and the onboarding page, driven with AppTest.

Every number a page shows is checked against the model or the analysis package computed
directly in the test; every change to the plan is checked on the plan in force.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from planner import i18n
from planner.analysis import montecarlo, sensitivity
from planner.model import evaluate
from planner.plan.files import content_hash
from planner.plan.validation import with_scenario, with_values
from planner.policy import RULES
from planner.store import Store
from planner.ui import collab, session, state
from tests.app_support import local_app, named, table_editor, type_into

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60
DE = "de"


def page(name: str) -> str:
    return f"planner/ui/pages/{name}.py"


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty local plan folder (and store) of its own: the app starts with the example."""
    with local_app(tmp_path, monkeypatch):
        yield tmp_path


def open_page(name: str) -> AppTest:
    at = named(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)).run()
    at.switch_page(page(name)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture
def analyses(data_dir: Path) -> AppTest:
    return open_page("analyses")


@pytest.fixture
def onboarding(data_dir: Path) -> AppTest:
    return open_page("onboarding")


def plan_of(at: AppTest) -> Any:
    return at.session_state[state.PLAN]


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page that has a column titled ``column``."""
    for frame in at.dataframe:
        value = frame.value
        if column in value.columns:
            return value
    raise AssertionError(f"no table with a column {column!r}")


def row(table: pd.DataFrame, first: str) -> pd.Series:
    """The row whose first cell is ``first``."""
    found = table[table.iloc[:, 0] == first]
    assert len(found) == 1, (first, list(table.iloc[:, 0]))
    return found.iloc[0]


def t(key: str, **values: Any) -> str:
    return i18n.t(f"ui.{key}", DE, **values)


def money(value: float | None) -> str:
    return i18n.money(value, "EUR", DE)


def seed_editor(at: AppTest, name: str, **delta: Any) -> None:
    """Put edits into an editable table, as the browser would before a form is submitted."""
    if name == "actuals":  # keyed by the version it shows, not by the plan's revision
        key = at.session_state["onboarding.actuals_seen"]["key"]
    else:  # keyed by the version of the plan's part its form shows
        key = table_editor(at, name).key
    at.session_state[key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **delta}


# --- rendering -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["analyses", "onboarding"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_both_pages_render_from_a_fresh_start(data_dir: Path, name: str, language: str) -> None:
    at = named(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)).run()
    at.selectbox(key=state.LANGUAGE).set_value(language).run()
    at.switch_page(page(name)).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == i18n.t(f"ui.{name}.title", language)
    assert not at.error


# --- scenario comparison ---------------------------------------------------------------------


def test_the_comparison_shows_the_models_numbers_for_each_scenario(analyses: AppTest) -> None:
    plan = plan_of(analyses)
    assert [s.name for s in plan.scenarios] == ["Konservativ", "Ambitioniert"]
    table = table_with(analyses, t("analyses.base"))
    base = evaluate(plan).kpis
    npv_row = row(table, "Partner · Kapitalwert (NPV)")
    cost_row = row(table, "Hersteller · Kosten")
    assert npv_row[t("analyses.base")] == money(base["partner"]["npv"])
    for name in ("Konservativ", "Ambitioniert"):
        kpis = evaluate(plan, name).kpis
        assert npv_row[name] == money(kpis["partner"]["npv"])
        assert cost_row[name] == money(kpis["vendor"]["cost"])
        # the difference is scenario minus base, signed
        diff = kpis["partner"]["npv"] - base["partner"]["npv"]
        expected = ("+" if diff > 0 else "") + money(diff)
        assert npv_row[t("analyses.difference", name=name)] == expected
    mutual = row(table, i18n.label("mutual", DE))
    assert (mutual[t("analyses.base")], mutual["Konservativ"]) == ("ja", "nein")
    assert len(analyses.get("vega_lite_chart")) >= 1


def test_a_scenario_made_from_the_edits_restores_the_base(data_dir: Path) -> None:
    at = named(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)).run()
    original = plan_of(at)
    at.switch_page(page("assumptions")).run()
    type_into(at, "revenue.deal_size", "52.000")
    at.switch_page(page("analyses")).run()
    at.text_input(key="analyses.scenario.new_name").input("Höherer Preis")
    at.button(key="analyses.from_edits.create").click().run()
    assert not at.exception, [e.message for e in at.exception]
    plan = plan_of(at)
    assert plan.revenue.deal_size == original.revenue.deal_size
    assert plan.scenarios[-1].name == "Höherer Preis"
    assert plan.scenarios[-1].set == {"revenue.deal_size": 52_000}
    table = table_with(at, "Höherer Preis")
    kpis = evaluate(plan, "Höherer Preis").kpis
    assert row(table, "Partner · Kapitalwert (NPV)")["Höherer Preis"] == money(
        kpis["partner"]["npv"]
    )
    # one undoable edit: undo brings back the edited plan without the scenario
    at.button(key="undo").click().run()
    assert plan_of(at).revenue.deal_size == 52_000
    assert [s.name for s in plan_of(at).scenarios] == ["Konservativ", "Ambitioniert"]


def test_a_scenario_from_the_edits_saves_only_the_edits_its_form_listed(data_dir: Path) -> None:
    """Vera's form lists her one edit (the deal size); Remo changes the margin before her
    click reaches the server (her page is not drawn again). The click saves nothing and says
    why, instead of folding a change she never saw into her scenario; the list drawn anew
    shows both and a second click saves them."""
    at = named(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)).run()
    at.switch_page(page("assumptions")).run()
    type_into(at, "revenue.deal_size", "52.000")
    at.switch_page(page("analyses")).run()
    scenarios_before = [s.name for s in plan_of(at).scenarios]
    _remote(at, "revenue.partner_margin", 0.3)
    at.text_input(key="analyses.scenario.new_name").input("Höherer Preis")
    at.button(key="analyses.from_edits.create").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [s.name for s in plan_of(at).scenarios] == scenarios_before  # nothing saved
    assert [w.value for w in at.warning] == [t("analyses.from_edits_moved")]
    at.button(key="analyses.from_edits.create").click().run()
    made = plan_of(at).scenarios[-1]
    assert made.name == "Höherer Preis"
    assert made.set == {"revenue.deal_size": 52_000, "revenue.partner_margin": 0.3}


def test_copy_rename_promote_and_delete_scenarios(analyses: AppTest) -> None:
    at = analyses
    before = plan_of(at)
    at.text_input(key="analyses.scenario.copy_name").input("Premium")
    at.selectbox(key="analyses.scenario.copy_from").set_value("Konservativ")
    seed_editor(
        at,
        "analyses.copy",
        added_rows=[
            {"driver": "revenue.deal_size", "value": 50_000},
            {"driver": "revenue.partner_margin", "value": 25},  # percent on screen
        ],
    )
    at.button(key="analyses.copy.create").click().run()
    assert not at.exception, [e.message for e in at.exception]
    premium = plan_of(at).scenarios[-1]
    assert premium.name == "Premium"
    assert premium.set == {
        **before.scenarios[0].set,
        "revenue.deal_size": 50_000,
        "revenue.partner_margin": 0.25,
    }

    at.selectbox(key="analyses.scenario.choice").set_value("Premium")
    at.text_input(key="analyses.scenario.rename_to").input("Premium 2028")
    at.button(key="analyses.rename").click().run()
    assert [s.name for s in plan_of(at).scenarios][-1] == "Premium 2028"

    at.selectbox(key="analyses.scenario.choice").set_value("Premium 2028")
    at.text_input(key="analyses.scenario.keep_base").input("Bisher")
    at.button(key="analyses.promote").click().run()
    plan = plan_of(at)
    assert plan.revenue.deal_size == 50_000
    assert plan.revenue.partner_margin == 0.25
    assert plan.revenue.monthly_churn == before.scenarios[0].set["revenue.monthly_churn"]
    assert [s.name for s in plan.scenarios] == ["Konservativ", "Ambitioniert", "Bisher"]
    assert with_scenario(plan, "Bisher").revenue.deal_size == before.revenue.deal_size

    at.selectbox(key="analyses.scenario.choice").set_value("Konservativ")
    at.button(key="analyses.delete").click().run()
    assert [s.name for s in plan_of(at).scenarios] == ["Ambitioniert", "Bisher"]


def test_a_taken_scenario_name_is_refused_and_the_plan_kept(analyses: AppTest) -> None:
    before = plan_of(analyses)
    analyses.selectbox(key="analyses.scenario.choice").set_value("Konservativ")
    analyses.text_input(key="analyses.scenario.rename_to").input("Ambitioniert")
    analyses.button(key="analyses.rename").click().run()
    assert plan_of(analyses) is before
    message = unescape(analyses.error[0].value)
    assert "Ambitioniert" in message
    assert "scenarios" in message


def test_a_scenario_deleted_as_someone_else_renames_it_is_a_conflict_not_another_deletion(
    analyses: AppTest,
) -> None:
    """Vera picks "Ambitioniert" to delete; Remo renames it while her page shows the scenarios
    (her page is not drawn again). Her deletion is based on the scenarios she saw: a conflict
    for her to decide; "Konservativ", the first left, is not deleted in its place."""
    at = analyses
    theirs = [s.model_dump(mode="json", exclude_none=True) for s in plan_of(at).scenarios]
    theirs[1]["name"] = "Ambitioniert 2"
    at.selectbox(key="analyses.scenario.choice").set_value("Ambitioniert")
    _remote(at, "scenarios", theirs)
    at.button(key="analyses.delete").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert _log(at) == [("Remo", "scenarios")]  # nothing written over his rename
    assert [s.name for s in plan_of(at).scenarios] == ["Konservativ", "Ambitioniert 2"]
    (conflict,) = at.session_state[collab.CONFLICTS]
    assert conflict.path == "scenarios"
    assert [s["name"] for s in conflict.yours] == ["Konservativ"]  # hers: without Ambitioniert

    # drawn again after the conflict, the list is his; one picked while it shows an old list
    # says so in the UI language
    assert at.selectbox(key="analyses.scenario.choice").options == ["Konservativ", "Ambitioniert 2"]
    _remote(at, "scenarios", theirs[:1])
    at.run()
    assert any(t("analyses.scenarios_stale") in i.value for i in at.info)


# --- tornado ---------------------------------------------------------------------------------


def test_the_tornado_lists_drivers_by_impact_with_the_models_numbers(analyses: AppTest) -> None:
    plan = plan_of(analyses)
    table = table_with(analyses, t("analyses.impact"))
    result = sensitivity.tornado(plan, "partner.npv", 0.2)
    impacts = [bar.impact for bar in result.bars if bar.impact > 0]
    assert impacts == sorted(impacts, reverse=True)
    assert len(table) == len(impacts)
    # the top driver, checked against the model: deals per sales FTE 0.8 -> 0.64 and 0.96
    top = row(table, "Abschlüsse je Vertriebs-FTE und Monat")
    assert table.index.get_loc(top.name) == 0
    assert plan.revenue.deals_per_sales_fte_month == 0.8
    low = evaluate(with_values(plan, {"revenue.deals_per_sales_fte_month": 0.64}))
    high = evaluate(with_values(plan, {"revenue.deals_per_sales_fte_month": 0.96}))
    base = evaluate(plan).kpis["partner"]["npv"]
    assert top[t("analyses.figure_at", case="−20 %")] == money(low.kpis["partner"]["npv"])
    assert top[t("analyses.figure_at", case="+20 %")] == money(high.kpis["partner"]["npv"])
    largest = max(abs(low.kpis["partner"]["npv"] - base), abs(high.kpis["partner"]["npv"] - base))
    assert top[t("analyses.impact")] == money(largest)


def test_the_tornado_follows_the_chosen_figure_and_step(analyses: AppTest) -> None:
    analyses.selectbox(key="analyses.tornado.figure").set_value("vendor.npv").run()
    analyses.number_input(key="analyses.tornado.step").set_value(10).run()
    assert not analyses.exception
    plan = plan_of(analyses)
    table = table_with(analyses, t("analyses.impact"))
    result = sensitivity.tornado(plan, "vendor.npv", 0.1)
    first = result.bars[0]
    assert table.iloc[0][t("analyses.impact")] == money(first.impact)


# --- goal seek -------------------------------------------------------------------------------


def test_a_goal_seek_answer_put_back_meets_the_target(analyses: AppTest) -> None:
    at = analyses
    at.selectbox(key="analyses.goal.driver").set_value("revenue.deal_size")
    at.selectbox(key="analyses.goal.figure").set_value("partner.npv")
    at.selectbox(key="analyses.goal.op").set_value(">=")
    at.number_input(key="analyses.goal.target").set_value(500_000)
    at.button(key="analyses.goal.run").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.success, "the answer is shown"
    before = plan_of(at)
    at.button(key="analyses.goal.apply").click().run()
    applied = plan_of(at)
    assert not at.info  # applied: nothing is left over, and nothing is said to be stale
    assert applied.revenue.deal_size > before.revenue.deal_size
    assert evaluate(applied).kpis["partner"]["npv"] >= 500_000
    # the smallest deal size that meets it: one cent less does not (the NPV may jump at a
    # rebate threshold, so the figure itself can land above the target)
    less = with_values(applied, {"revenue.deal_size": applied.revenue.deal_size - 0.01})
    assert evaluate(less).kpis["partner"]["npv"] < 500_000
    # the answer is one undoable edit
    at.button(key="undo").click().run()
    assert content_hash(plan_of(at)) == content_hash(before)


def test_a_goal_seek_answer_overtaken_by_a_change_says_so_instead_of_vanishing(
    analyses: AppTest,
) -> None:
    """Remo changes the deal size while Vera's page offers to apply an answer; her click
    applies nothing (the answer was for the plan before) and the page says why: the answer
    and its button used to vanish without a word."""
    at = analyses
    at.selectbox(key="analyses.goal.driver").set_value("revenue.deal_size")
    at.number_input(key="analyses.goal.target").set_value(500_000)
    at.button(key="analyses.goal.run").click().run()
    assert at.success, "the answer is shown"
    assert not at.info
    _remote(at, "revenue.deal_size", 41_000)
    at.button(key="analyses.goal.apply").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert plan_of(at).revenue.deal_size == 41_000  # Remo's value, nothing applied over it
    assert [i.value for i in at.info] == [t("analyses.goal_stale")]


def test_an_unreachable_goal_says_so_and_changes_nothing(analyses: AppTest) -> None:
    at = analyses
    before = plan_of(at)
    at.selectbox(key="analyses.goal.driver").set_value("opex_per_month")
    at.selectbox(key="analyses.goal.figure").set_value("partner.npv")
    at.selectbox(key="analyses.goal.op").set_value(">=")
    at.number_input(key="analyses.goal.target").set_value(10_000_000)
    at.button(key="analyses.goal.run").click().run()
    assert not at.exception
    assert at.warning, "a clear message"
    assert "nicht erreichbar" in at.warning[0].value
    assert not _has(at, "analyses.goal.apply")
    assert plan_of(at) is before


def _has(at: AppTest, key: str) -> bool:
    return any(b.key == key for b in at.button)


# --- Monte Carlo -----------------------------------------------------------------------------


def test_ranges_are_added_and_a_seeded_run_shows_the_packages_percentiles(
    analyses: AppTest,
) -> None:
    at = analyses
    assert len(plan_of(at).uncertainty) == 4  # the example carries its ranges
    assert _has(at, "analyses.mc.run")  # so Monte Carlo runs out of the box
    seed_editor(
        at,
        "uncertainty",
        deleted_rows=[0, 1, 2, 3],
        added_rows=[
            {  # typed as a German session writes numbers
                "path": "revenue.deal_size",
                "distribution": "triangular",
                "low": "34.000",
                "likely": "40.000",
                "high": "46.000",
            },
            # shares are entered in percent: 0.5 % to 1.5 % churn a month
            {
                "path": "revenue.monthly_churn",
                "distribution": "uniform",
                "low": "0,5",
                "high": "1,5",
            },
        ],
    )
    at.button(key="analyses.ranges.save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    plan = plan_of(at)
    ranges = [entry.model_dump(exclude_none=True) for entry in plan.uncertainty]
    assert ranges == [
        {
            "path": "revenue.deal_size",
            "distribution": "triangular",
            "low": 34_000,
            "likely": 40_000,
            "high": 46_000,
        },
        {"path": "revenue.monthly_churn", "distribution": "uniform", "low": 0.005, "high": 0.015},
    ]
    at.number_input(key="analyses.mc.draws").set_value(2_000)
    at.number_input(key="analyses.mc.seed").set_value(7)
    at.button(key="analyses.mc.run").click().run()
    assert not at.exception, [e.message for e in at.exception]
    direct = montecarlo.run(plan, draws=2_000, seed=7)
    table = table_with(at, "P50")
    npv = row(table, "Partner · Kapitalwert (NPV)")
    assert npv["P50"] == money(direct.percentiles["partner.npv"]["p50"])
    assert npv["P10"] == money(direct.percentiles["partner.npv"]["p10"])
    assert row(table, "Hersteller · Kapitalwert (NPV)")["P90"] == money(
        direct.percentiles["vendor.npv"]["p90"]
    )
    shown = [m.value for m in at.metric]
    assert shown == [
        i18n.percent(direct.probability_payback, DE),
        i18n.percent(direct.probability_mutual, DE),
    ]


def test_a_bad_range_is_refused_with_the_field_named(analyses: AppTest) -> None:
    before = plan_of(analyses)
    seed_editor(
        analyses,
        "uncertainty",
        deleted_rows=[0, 1, 2, 3],
        added_rows=[
            {"path": "revenue.deal_size", "distribution": "uniform", "low": 50_000, "high": 30_000}
        ],
    )
    analyses.button(key="analyses.ranges.save").click().run()
    assert plan_of(analyses) is before
    lines = unescape(analyses.error[0].value).splitlines()
    # said in German, the range by its driver and column (the store's line is English)
    driver = i18n.label("revenue.deal_size", DE)
    low = t("analyses.low")
    where = f"Unsicherheitsbereiche: {driver} (Zeile 1) · {low}"
    said = f"- {where}: 50000 liegt über dem höchsten Wert 30000"
    assert said in lines


def test_a_bound_beyond_any_amount_is_refused_with_a_range_people_read(analyses: AppTest) -> None:
    # 2 * 10^12 (German digits): beyond the largest amount a plan holds (10^12); the refusal read
    # "-1.000.000.000.000 bis 1.000.000.000.000", a row of zeros to count
    before = plan_of(analyses)
    high = "2.000.000.000.000"
    far = {"path": "revenue.deal_size", "distribution": "uniform", "low": "1", "high": high}
    seed_editor(analyses, "uncertainty", deleted_rows=[0, 1, 2, 3], added_rows=[far])
    analyses.button(key="analyses.ranges.save").click().run()
    assert plan_of(analyses) is before
    said = unescape("\n".join(e.value for e in analyses.error))
    where = f"{i18n.label('revenue.deal_size', DE)}, {t('analyses.high')}"
    bounds = "-10^12 bis 10^12 (plus/minus eine Billion)"
    assert f"{where}: {high} liegt außerhalb des erlaubten Bereichs {bounds}." in said, said
    assert "1.000.000.000.000" not in said


def test_ranges_are_typed_as_the_ui_language_writes_numbers(analyses: AppTest) -> None:
    """A German session types "1.234,5" for 1234.5 and "2,5" in a share's row for 2.5 % (stored
    0.025); a bound that is no number is refused naming the driver and the column, and a
    share typed with a currency sign too; nothing of the refused save is written and the
    typed rows stay in the table; a bound left as it showed keeps its value."""
    at = analyses
    before = plan_of(at)
    deal, churn = "revenue.deal_size", "revenue.monthly_churn"
    rows = [
        {"path": deal, "distribution": "uniform", "low": "1.234,5", "high": "46.000"},
        {"path": churn, "distribution": "uniform", "low": "0,5", "high": "2,5 %"},
    ]
    bad = [
        {"path": deal, "distribution": "uniform", "low": "12.5.0", "high": "46.000"},
        {"path": churn, "distribution": "uniform", "low": "0,5 €", "high": "2,5"},
    ]
    seed_editor(at, "uncertainty", deleted_rows=[0, 1, 2, 3], added_rows=bad)
    typed = table_editor(at, "uncertainty").key
    at.button(key="analyses.ranges.save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert plan_of(at) is before
    said = unescape("\n".join(e.value for e in at.error))
    low = t("analyses.low")
    deal_name, churn_name = i18n.label(deal, DE), i18n.label(churn, DE)
    # the wording of ui.field.not_number and ui.field.currency_in_share
    assert f"{deal_name}, {low}: „12.5.0“ ist keine Zahl" in said, said
    assert f"{churn_name}, {low}: „0,5 €“ ist ein Betrag; das Feld ist ein Anteil" in said, said
    assert table_editor(at, "uncertainty").key == typed  # the same table, what was typed
    assert at.session_state[typed]["added_rows"] == bad
    seed_editor(at, "uncertainty", deleted_rows=[0, 1, 2, 3], added_rows=rows)
    at.button(key="analyses.ranges.save").click().run()
    ranges = [entry.model_dump(exclude_none=True) for entry in plan_of(at).uncertainty]
    assert ranges == [
        {"path": deal, "distribution": "uniform", "low": 1234.5, "high": 46_000},
        {"path": churn, "distribution": "uniform", "low": 0.005, "high": 0.025},
    ]
    # the saved ranges show as German writes them and save again unchanged
    shown = table_editor(at, "uncertainty").value
    assert shown[["low", "high"]].values.tolist() == [["1.234,5", "46.000"], ["0,5", "2,5"]]
    at.button(key="analyses.ranges.save").click().run()
    assert [entry.model_dump(exclude_none=True) for entry in plan_of(at).uncertainty] == ranges


def test_a_copy_s_values_are_typed_as_the_ui_language_writes_numbers(analyses: AppTest) -> None:
    """The copy's value is read by its driver's unit in the UI language: "45.000" for an
    amount, "2,5" for a share (2.5 %, stored 0.025); one that is no number is refused naming
    the driver and the column, and nothing is created."""
    at = analyses
    before = plan_of(at)
    at.text_input(key="analyses.scenario.copy_name").input("Deutsch")
    deal, margin = "revenue.deal_size", "revenue.partner_margin"
    seed_editor(at, "analyses.copy", added_rows=[{"driver": deal, "value": "45.000,0.0"}])
    at.button(key="analyses.copy.create").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert plan_of(at) is before
    said = unescape("\n".join(e.value for e in at.error))
    column = t("analyses.new_value")
    assert f"{i18n.label(deal, DE)}, {column}: „45.000,0.0“ ist keine Zahl" in said, said
    added = [{"driver": deal, "value": "45.000"}, {"driver": margin, "value": "2,5"}]
    seed_editor(at, "analyses.copy", added_rows=added)
    at.button(key="analyses.copy.create").click().run()
    assert plan_of(at).scenarios[-1].set == {deal: 45_000, margin: 0.025}


def _remote(at: AppTest, path: str, value: Any) -> None:
    """Someone else changes ``path`` in the store (from the plan as it is now)."""
    plan_id = at.session_state[session.PLAN_ID]
    store = Store(policy=RULES)
    try:
        version = store.field_version(plan_id, path)
        assert store.apply_edit(plan_id, path, value, version, "Remo", "vendor").ok
    finally:
        store.close()


def _log(at: AppTest) -> list[tuple[str, str]]:
    store = Store(policy=RULES)
    try:
        return [(r.author, r.path) for r in store.log(at.session_state[session.PLAN_ID])[1:]]
    finally:
        store.close()


def test_ranges_typed_in_the_form_survive_a_change_elsewhere_and_are_saved(
    analyses: AppTest,
) -> None:
    """Vera deletes the fourth range in the form; Remo's change of the deal size arrives (the
    page runs again) before she saves: her typing is still in the form, and saving writes the
    three ranges she left, against the version she saw (the ranges did not change)."""
    at = analyses
    before = list(plan_of(at).uncertainty)
    seed_editor(at, "uncertainty", deleted_rows=[3])
    typed = table_editor(at, "uncertainty").key
    _remote(at, "revenue.deal_size", 41_000.0)
    at.run()
    assert plan_of(at).revenue.deal_size == 41_000  # his change shows
    assert table_editor(at, "uncertainty").key == typed  # the same form, what she typed in it
    assert not at.info or all(t("analyses.form_stale") not in i.value for i in at.info)
    at.button(key="analyses.ranges.save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert plan_of(at).uncertainty == before[:3]
    assert _log(at) == [("Remo", "revenue.deal_size"), ("Vera", "uncertainty")]
    assert not at.session_state[collab.CONFLICTS]


def test_ranges_changed_by_someone_else_while_typed_are_a_conflict_not_overwritten(
    analyses: AppTest,
) -> None:
    """Remo removes two ranges while Vera's form holds her deletion of the fourth: the form
    keeps her typing and says the ranges changed; saving it writes nothing over his change but
    shows the conflict for her to decide."""
    at = analyses
    before = list(plan_of(at).uncertainty)
    seed_editor(at, "uncertainty", deleted_rows=[3])
    typed = table_editor(at, "uncertainty").key
    theirs = [entry.model_dump(mode="json", exclude_none=True) for entry in before[:2]]
    _remote(at, "uncertainty", theirs)
    at.run()
    assert table_editor(at, "uncertainty").key == typed
    assert any(t("analyses.form_stale") in i.value for i in at.info)
    at.button(key="analyses.ranges.save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert _log(at) == [("Remo", "uncertainty")]  # nothing written over his change
    assert plan_of(at).uncertainty == before[:2]
    (conflict,) = at.session_state[collab.CONFLICTS]
    assert conflict.path == "uncertainty"
    # the form now shows his ranges (her typing waits on the conflict card)
    assert table_editor(at, "uncertainty").key != typed


def test_a_scenario_copy_typed_in_the_form_survives_a_change_of_the_scenarios(
    analyses: AppTest,
) -> None:
    """Vera types a driver's value into the copy's table; Remo creates a scenario meanwhile:
    the copy's table keeps her row, and creating the copy is a conflict on the scenarios,
    never an overwrite of his."""
    at = analyses
    seed_editor(at, "analyses.copy", added_rows=[{"driver": "revenue.deal_size", "value": 20_000}])
    typed = table_editor(at, "analyses.copy").key
    scenarios = [s.model_dump(mode="json", exclude_none=True) for s in plan_of(at).scenarios]
    scenarios.append({"name": "Remos", "set": {"revenue.deal_size": 30_000}})
    _remote(at, "scenarios", scenarios)
    at.run()
    assert table_editor(at, "analyses.copy").key == typed
    at.text_input(key="analyses.scenario.copy_name").input("Kurz")
    at.button(key="analyses.copy.create").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert _log(at) == [("Remo", "scenarios")]
    assert [c.path for c in at.session_state[collab.CONFLICTS]] == ["scenarios"]


# --- onboarding ------------------------------------------------------------------------------


def upload(at: AppTest, name: str, text: str) -> None:
    at.file_uploader(key="onboarding.upload").set_value((name, text.encode(), "text/csv")).run()


def test_uploaded_actuals_show_a_variance_of_actual_minus_plan(onboarding: AppTest) -> None:
    at = onboarding
    plan = plan_of(at)
    upload(at, "ist.csv", "month,revenue,new_deals\n1,9000,0\n2,21000,1\n")
    assert not at.exception, [e.message for e in at.exception]
    assert plan_of(at).actuals == [
        {"month": 1, "revenue": 9000.0, "new_deals": 0.0},
        {"month": 2, "revenue": 21000.0, "new_deals": 1.0},
    ]
    monthly = evaluate(plan).monthly
    table = table_with(at, t("onboarding.percent"))
    for month, actual in ((1, 9000.0), (2, 21000.0)):
        planned = float(monthly["revenue"].iloc[month - 1])
        line = row(table, i18n.month_label(monthly["date"].iloc[month - 1], DE))
        assert line[t("onboarding.plan")] == money(planned)
        assert line[t("onboarding.actual")] == money(actual)
        difference = actual - planned
        assert line[t("onboarding.difference")] == ("+" if difference > 0 else "") + money(
            difference
        )
    # the re-forecast table shows the plan's figures next to the re-forecast
    forecast = table_with(at, t("onboarding.reforecast"))
    npv = row(forecast, "Partner · Kapitalwert (NPV)")
    assert npv[t("onboarding.plan")] == money(evaluate(plan).kpis["partner"]["npv"])


def test_a_month_beyond_the_horizon_is_refused_and_nothing_changes(onboarding: AppTest) -> None:
    at = onboarding
    before = plan_of(at)
    upload(at, "ist.csv", "month,revenue\n1,9000\n40,12000\n")
    assert not at.exception
    message = unescape(at.error[0].value)
    assert "ist.csv Zeile 3: Monat 40 liegt nicht im Planhorizont von 1 bis 36" in message
    assert plan_of(at) is before
    assert plan_of(at).actuals == []


def test_actuals_entered_in_the_table_are_stored(onboarding: AppTest) -> None:
    at = onboarding
    seed_editor(at, "actuals", edited_rows={0: {"revenue": "8.500"}, 2: {"customers": "3"}})
    at.button(key="onboarding.save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert plan_of(at).actuals == [
        {"month": 1, "revenue": 8_500.0},
        {"month": 3, "customers": 3.0},
    ]
    at.button(key="onboarding.clear").click().run()
    assert plan_of(at).actuals == []


def test_the_histogram_draws_bars_from_the_axis_up() -> None:
    """Each bin is a bar from 0 to its count between its edges (without a base only the tops
    of the bars were drawn, as dashes)."""
    from planner.ui import charts

    frame = pd.DataFrame({"low": [0.0, 10.0], "high": [10.0, 20.0], "count": [3, 5]})
    spec = charts.histogram(frame, {"x": "NPV", "y": "draws"}, "de")
    layer = spec.get("layer", [spec])[0]
    assert layer["mark"]["type"] == "bar"
    encoding = layer["encoding"]
    assert (encoding["x"]["field"], encoding["x2"]["field"]) == ("low", "high")
    assert encoding["y"]["field"] == "count"
    assert encoding["y2"] == {"datum": 0}


def test_actuals_are_typed_as_the_ui_language_writes_numbers(onboarding: AppTest) -> None:
    """The actuals table's cells are text in the UI language, whatever the browser's: in a
    German session "1.234,5" is 1234.5 and "3" customers are 3; a table showing them reads
    "1.234,5" again."""
    at = onboarding
    seed_editor(at, "actuals", edited_rows={0: {"revenue": "1.234,5"}, 2: {"customers": "3"}})
    at.button(key="onboarding.save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert plan_of(at).actuals == [{"month": 1, "revenue": 1234.5}, {"month": 3, "customers": 3.0}]
    shown = at.data_editor(key=at.session_state["onboarding.actuals_seen"]["key"]).value
    assert shown["revenue"].iloc[0] == "1.234,5"  # text, as German writes it


def test_a_refused_cell_of_the_actuals_saves_nothing_and_keeps_what_was_typed(
    onboarding: AppTest,
) -> None:
    """A Save with a cell that is no number (or an amount typed as a share) is refused naming
    the column and the month, in the UI language; nothing is written, also not the good cell
    typed beside it, and every typed cell stays in the table. (The English wording is checked
    in the browser: tests/test_browser_table_language.py.)"""
    at = onboarding
    edits = {0: {"revenue": "8.500"}, 2: {"revenue": "12.5.0", "staff_cost": "5 %"}}
    seed_editor(at, "actuals", edited_rows=edits)
    key = at.session_state["onboarding.actuals_seen"]["key"]
    at.button(key="onboarding.save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert plan_of(at).actuals == []
    said = unescape("\n".join(e.value for e in at.error))
    third = i18n.month_label(evaluate(plan_of(at)).monthly["date"].iloc[2], DE)
    # the wording of ui.field.not_number and ui.field.percent_in_amount
    assert f"Umsatz, {third}: „12.5.0“ ist keine Zahl" in said, said
    assert (
        f"Personalkosten, {third}: „5 %“ ist ein Prozentwert; das Feld ist ein Betrag in EUR"
        in said
    )
    # the same table, with what was typed
    assert at.session_state["onboarding.actuals_seen"]["key"] == key
    assert at.session_state[key]["edited_rows"] == edits
    # the cells corrected, the same Save writes them all
    seed_editor(at, "actuals", edited_rows={0: {"revenue": "8.500"}, 2: {"revenue": "12,5"}})
    at.button(key="onboarding.save").click().run()
    assert plan_of(at).actuals == [{"month": 1, "revenue": 8500.0}, {"month": 3, "revenue": 12.5}]
    assert not at.error


def test_one_month_of_actuals_saved_is_said_in_the_singular(onboarding: AppTest) -> None:
    at = onboarding
    seed_editor(at, "actuals", edited_rows={0: {"revenue": "8.500"}})
    at.button(key="onboarding.save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [t.value for t in at.toast] == ["Ist-Zahlen gespeichert (1 Monat)"]
    seed_editor(at, "actuals", edited_rows={1: {"revenue": "9.000"}})
    at.button(key="onboarding.save").click().run()
    assert [t.value for t in at.toast] == ["Ist-Zahlen gespeichert (2 Monate)"]


def test_the_comparisons_figure_names_stay_in_view_while_its_columns_scroll(
    analyses: AppTest,
) -> None:
    # Two scenarios make the comparison 892 px wide, 818 px in view at 1280 px: scrolled to
    # its differences, the rows lost their names. The names' column is pinned.
    table = next(frame for frame in analyses.dataframe if t("analyses.base") in frame.value.columns)
    config = json.loads(table.proto.columns)
    first = str(table.value.columns[0])
    assert first == t("analyses.figure")
    assert config[first]["pinned"] is True
    assert not any(c.get("pinned") for name, c in config.items() if name != first)
