"""The Streamlit app driven with AppTest: every page, edits, refusals, undo, language, upload."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner import i18n
from planner.model import evaluate
from planner.plan.files import content_hash, load, to_yaml
from planner.plan.schema import PlanError, Problem
from planner.plan.validation import with_values
from planner.policy import RULES
from planner.store import Store
from planner.ui import collab, library, session, state
from planner.ui.shell import PAGES
from tests.app_support import field, local_app, named, type_into, typed_inputs
from tests.factories import EXAMPLE

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60


def unescape(markdown: str) -> str:
    """Markdown source as the reader sees it (backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def page(name: str) -> str:
    return f"planner/ui/pages/{name}.py"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh SQLite store in a temporary folder; the single-user local setup."""
    with local_app(tmp_path, monkeypatch):
        yield tmp_path


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    """The database the app uses, opened by the test."""
    opened = Store(policy=RULES)
    yield opened
    opened.close()


@pytest.fixture
def app(data_dir: Path) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state[collab.NAME] = "Vera"  # every change is recorded with a name
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def plan_of(at: AppTest):  # type: ignore[no-untyped-def]
    return at.session_state[state.PLAN]


def metrics(at: AppTest) -> list[str]:
    return [m.value for m in at.metric]


def expected_metrics(plan, language: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The dashboard's twelve figures, formatted from the model's numbers by hand-picked rules."""
    kpis = evaluate(plan).kpis
    p, v = kpis["partner"], kpis["vendor"]

    def month(n: int | None) -> str:  # "Monat 34 (Okt. 2029)"; none: "nicht in 36 Monaten"
        if n is None:
            word = {"de": "nicht in {} Monaten", "en": "not within {} months"}[language]
            return word.format(plan.months)
        date = i18n.month_label(evaluate(plan).monthly["date"].iloc[n - 1], language)
        unit = {"de": "Monat", "en": "month"}[language]
        return f"{unit} {n} ({date})"

    money = lambda x: i18n.money(x, plan.currency, language)  # noqa: E731
    pct = lambda x: i18n.percent(x, language)  # noqa: E731
    return [
        money(p["npv"]),
        pct(p["irr"]),
        month(p["payback_month"]),
        month(p["break_even_month"]),
        money(p["peak_funding"]),
        pct(p["roi"]),
        money(v["npv"]),
        pct(v["irr"]),
        month(v["payback_month"]),
        money(v["revenue"]),
        money(v["cost"]),
        pct(v["roi"]),
    ]


@pytest.mark.parametrize("name", [name for name, _ in PAGES])
def test_every_page_renders_from_a_fresh_start(data_dir: Path, name: str) -> None:
    at = named(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)).run()
    at.switch_page(page(name)).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == i18n.t(f"ui.{name}.title", "de")


def test_first_start_stores_the_example_plan(app: AppTest, store: Store, data_dir: Path) -> None:
    assert (data_dir / "planner.db").is_file()
    (info,) = store.plans()
    example = load(EXAMPLE)  # the example plan shipped in examples/
    assert info.version == 1
    assert content_hash(store.plan_at(info.id)) == content_hash(example)
    assert app.session_state[session.PLAN_ID] == info.id
    assert content_hash(plan_of(app)) == content_hash(example)
    (created,) = store.log(info.id)
    assert (created.kind, created.side, created.path) == ("create", "vendor", "")
    assert metrics(app) == expected_metrics(example, "de")
    assert i18n.t("verdict.mutual", "de") in [s.value for s in app.success]


def test_an_edit_updates_every_dashboard_figure_to_the_models_numbers(
    app: AppTest, store: Store
) -> None:
    before = plan_of(app)
    app.switch_page(page("assumptions")).run()
    deal = field(app, "revenue.deal_size")
    assert deal.value == i18n.number(before.revenue.deal_size, "de")  # "42.000"
    deal.set_value(i18n.number(before.revenue.deal_size + 10_000, "de")).run()
    assert not app.error
    edited = with_values(before, {"revenue.deal_size": before.revenue.deal_size + 10_000})
    assert content_hash(plan_of(app)) == content_hash(edited)

    app.switch_page(page("dashboard")).run()
    assert metrics(app) == expected_metrics(edited, "de")
    assert metrics(app) != expected_metrics(before, "de")
    # a bigger deal raises the partner's NPV, and the change since the last edit is shown
    assert app.metric[0].proto.delta.startswith("+")
    # every accepted edit is stored at once, as version 2 with one attributed log row
    plan_id = app.session_state[session.PLAN_ID]
    assert store.version(plan_id) == 2
    assert content_hash(store.plan_at(plan_id)) == content_hash(edited)
    change = store.log(plan_id)[-1]
    assert (change.kind, change.side, change.path) == ("edit", "vendor", "revenue.deal_size")
    assert (change.old, change.new) == (before.revenue.deal_size, before.revenue.deal_size + 10_000)
    assert store.verify_chain(plan_id).ok


def test_a_percent_field_is_shown_in_percent_and_stored_as_a_fraction(app: AppTest) -> None:
    app.switch_page(page("assumptions")).run()
    churn = field(app, "revenue.monthly_churn")
    assert plan_of(app).revenue.monthly_churn == 0.008
    assert churn.value == "0,8"  # percent, as typed in German
    churn.set_value("2,5").run()  # 2,5 % a month
    assert plan_of(app).revenue.monthly_churn == 0.025
    assert field(app, "revenue.monthly_churn").value == "2,5"


@pytest.mark.parametrize(
    ("path", "bad", "problem"),
    [
        (
            "title",
            "   ",
            "Titel: Ein leeres Feld ist kein Wert. Es gilt weiter der gespeicherte Wert.",
        ),
        # said in the UI language, the field by its label (the store's line is English)
        ("start", "2027-13", "Startmonat: '2027-13' ist kein Monat als JJJJ-MM"),
        ("currency", "EURO", "Währung: 'EURO' ist kein Währungscode nach ISO 4217"),
    ],
)
def test_a_bad_value_shows_the_message_and_keeps_the_plan(
    app: AppTest, store: Store, path: str, bad: str, problem: str
) -> None:
    before = plan_of(app)
    app.switch_page(page("assumptions")).run()
    shown = field(app, path).value
    field(app, path).set_value(bad).run()
    assert plan_of(app) is before
    assert store.version(app.session_state[session.PLAN_ID]) == 1  # nothing written
    assert [unescape(e.value).splitlines()[-1] for e in app.error] == [f"- {problem}"]
    # the field shows the stored value again; the message says what was refused
    assert field(app, path).value == shown
    app.switch_page(page("dashboard")).run()
    assert metrics(app) == expected_metrics(before, "de")


def test_a_horizon_shorter_than_a_planned_month_is_refused_with_every_problem(
    store: Store,
) -> None:
    plan = with_values(library.template("reseller"), {"investments.0.month": 13})
    plan_id = store.create_plan(plan, author="Vera", side="vendor")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state[collab.NAME] = "Vera"
    at.run()
    at.switch_page(page("assumptions")).run()
    field(at, "months").set_value("12").run()
    with pytest.raises(PlanError) as refused:
        with_values(plan, {"months": 12})
    problems = [str(p) for p in refused.value.problems]
    assert "investments.0.month: 13 is above 12 (months)" in problems  # the store's line
    shown = [line for line in unescape(at.error[0].value).splitlines() if line.startswith("- ")]
    assert len(shown) == len(problems)  # every problem listed
    # said in German, the cell by its list, row and column
    item = plan.investments[0].name
    assert f"- Investitionen: {item} (Zeile 1) · Monat: 13 liegt nach dem letzten Planmonat 12" in (
        shown
    )
    assert content_hash(at.session_state[state.PLAN]) == content_hash(plan)
    assert store.version(plan_id) == 1


def test_undo_and_redo_walk_the_edits(app: AppTest, store: Store) -> None:
    original = plan_of(app)
    app.switch_page(page("assumptions")).run()
    deals = "revenue.deals_per_sales_fte_month"
    type_into(app, deals, "1,5")
    type_into(app, deals, "2")
    assert plan_of(app).revenue.deals_per_sales_fte_month == 2.0
    app.button(key="undo").click().run()
    assert plan_of(app).revenue.deals_per_sales_fte_month == 1.5
    assert field(app, deals).value == "1,5"
    app.button(key="undo").click().run()
    assert content_hash(plan_of(app)) == content_hash(original)
    assert app.button(key="undo").disabled
    app.button(key="redo").click().run()
    assert plan_of(app).revenue.deals_per_sales_fte_month == 1.5
    assert field(app, deals).value == "1,5"
    # undo and redo are new changes in the log, each naming the change it reverts
    plan_id = app.session_state[session.PLAN_ID]
    rows = [(c.seq, c.kind, c.old, c.new, c.reverts) for c in store.log(plan_id)[1:]]
    first = original.revenue.deals_per_sales_fte_month
    assert rows == [
        (2, "edit", first, 1.5, None),
        (3, "edit", 1.5, 2.0, None),
        (4, "revert", 2.0, 1.5, 3),
        (5, "revert", 1.5, first, 2),
        (6, "revert", first, 1.5, 5),
    ]
    assert store.verify_chain(plan_id).ok


def test_switching_the_language_keeps_the_plan_and_the_edits(app: AppTest) -> None:
    app.switch_page(page("assumptions")).run()
    type_into(app, "revenue.deal_size", "55.000")
    edited = plan_of(app)
    app.selectbox(key=state.LANGUAGE).set_value("en").run()
    assert plan_of(app) is edited
    assert app.title[0].value == "Assumptions"
    assert field(app, "revenue.deal_size").value == "55,000"  # English now
    app.switch_page(page("dashboard")).run()
    assert app.title[0].value == "Dashboard"
    assert metrics(app) == expected_metrics(edited, "en")
    assert app.button(key="undo").disabled is False  # the history survives the switch too


def test_switching_the_language_keeps_the_open_assumptions_tab(app: AppTest) -> None:
    """The tabs know the open one by its title: the revenue tab stays open under its English
    title, its inputs drawn by the switch's own run (only the open tab runs)."""
    app.switch_page(page("assumptions")).run()
    app.session_state[state.ASSUMPTIONS_VIEW] = i18n.t("ui.assumptions.revenue", "de")
    app.run()
    app.selectbox(key=state.LANGUAGE).set_value("en").run()
    assert not app.exception, [e.message for e in app.exception]
    assert app.session_state[state.ASSUMPTIONS_VIEW] == i18n.t("ui.assumptions.revenue", "en")
    prefix = state.field_key("revenue.deal_size") + "@"
    assert [i for i in typed_inputs(app) if (i.key or "").startswith(prefix)]


def test_uploading_a_plan_file_opens_it(app: AppTest, store: Store) -> None:
    plan = with_values(library.template("reseller"), {"partner.name": "Müller & Söhne GmbH"})
    app.switch_page(page("start")).run()
    app.file_uploader(key="upload.plan").set_value(
        ("mueller.yaml", to_yaml(plan).encode(), "application/x-yaml")
    ).run()
    assert not app.exception
    assert content_hash(plan_of(app)) == content_hash(plan)
    assert metrics(app) == expected_metrics(plan, "de")  # the dashboard is shown
    assert len(store.plans()) == 2  # stored beside the example plan
    assert content_hash(store.plan_at(app.session_state[session.PLAN_ID])) == content_hash(plan)


def test_an_uploaded_file_with_errors_lists_each_problem_and_keeps_the_plan(
    app: AppTest, store: Store
) -> None:
    before = plan_of(app)
    data = to_yaml(library.template("reseller"))
    data = data.replace("deal_size:", "deal_size: -5 #", 1).replace("months:", "months: 7 #", 1)
    app.switch_page(page("start")).run()
    app.file_uploader(key="upload.plan").set_value(("bad.yaml", data.encode(), "text/yaml")).run()
    assert plan_of(app) is before
    lines = unescape(app.error[0].value).splitlines()
    assert "- months: 7 is below 12" in lines
    assert "- revenue.deal_size: -5 is below 0" in lines
    assert len(store.plans()) == 1  # nothing stored


def test_a_new_plan_from_a_template_carries_both_names(app: AppTest, store: Store) -> None:
    app.switch_page(page("start")).run()
    app.selectbox(key="new.kind").set_value("reseller")
    app.text_input(key="new.partner").input("Beispiel IT GmbH")
    app.text_input(key="new.vendor").input("Cloudwerk AG")
    app.form_submit_button[0].click().run()
    plan = plan_of(app)
    assert (plan.partner.name, plan.vendor.name) == ("Beispiel IT GmbH", "Cloudwerk AG")
    assert plan.title == "Beispiel IT GmbH × Cloudwerk AG – Partner-Businessplan"
    titles = [info.title for info in store.plans()]
    assert titles == [plan.title, load(EXAMPLE).title]
    assert app.session_state[session.PLAN_ID] == store.plans()[0].id


def test_presenter_mode_renders_the_dashboard(app: AppTest) -> None:
    app.toggle(key=state.PRESENTER).set_value(True).run()
    assert not app.exception
    assert len(app.metric) == 12


def test_problem_lines_are_shown_literally() -> None:
    from planner.ui.text import plain

    assert unescape(plain("*x* [a](b) <b>&amp; :red[y]")) == "*x* [a](b) <b>&amp; :red[y]"
    assert str(Problem("a.b", "c")) == "a.b: c"


@pytest.mark.parametrize("kind", ["pdf", "xlsx"])
def test_the_export_page_builds_a_document_on_click(app: AppTest, kind: str) -> None:
    app.switch_page(page("export")).run()
    assert not app.get("download_button")  # nothing is built before the click
    app.button(key=f"export.build.{kind}").click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert len(app.get("download_button")) == 1


def test_the_presence_list_says_who_has_not_given_a_name_yet(data_dir: Path) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()  # the workspace, no name given
    listed = [unescape(m.value) for m in at.sidebar.markdown]
    assert "- (noch ohne Namen) · Hersteller" in listed, listed  # it read "- ? · Hersteller"
    at.session_state[collab.NAME] = "Vera"
    at.run()
    listed = [unescape(m.value) for m in at.sidebar.markdown]
    assert "- Vera · Hersteller" in listed, listed
