"""Adding a hire or an investment is one action (AppTest): a form with every column, checked
together, stored as one attributed change; a refused row writes nothing and keeps what was
typed."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from planner import i18n
from planner.store import Store
from planner.ui import collab, session, state
from tests.app_support import open_tab

ROOT = Path(__file__).resolve().parents[1]
HIRE = "add:resources:0"
FUNCTIONS = ("sales", "presales", "delivery", "support", "management")


def _workspace() -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.session_state[collab.NAME] = "Vera"
    app.switch_page("planner/ui/pages/assumptions.py").run()
    open_tab(app, "resources")  # the team tab, where the hires' forms are
    assert not app.exception, [e.message for e in app.exception]
    return app


def _type_hire(app: AppTest, values: dict[str, str]) -> None:
    for name, text in values.items():
        app.text_input(key=f"{HIRE}:{name}").input(text)
    app.selectbox(key=f"{HIRE}:function:de").set_value("presales")
    next(b for b in app.button if b.label == "Hinzufügen" and "resources" in b.id).click().run()


def test_a_hire_typed_in_german_is_added_as_one_change(workspace: Store) -> None:
    app = _workspace()
    plan_id = app.session_state[session.PLAN_ID]
    before = list(workspace.plan_at(plan_id).resources)
    _type_hire(
        app,
        {
            "role": "Presales Engineer",
            "fte": "0,5",
            "start_month": "4",
            "annual_cost": "95.000",
            "ramp_months": "2",
        },
    )
    assert not app.exception, [e.message for e in app.exception]
    after = workspace.plan_at(plan_id).resources
    assert after[: len(before)] == before
    new = after[-1]
    # typed: 0,5 FTE from month 4 at 95.000 a year, 2 months' ramp (German number forms)
    assert (new.role, new.function, new.fte, new.start_month, new.annual_cost, new.ramp_months) == (
        "Presales Engineer",
        "presales",
        0.5,
        4,
        95000.0,
        2,
    )
    (change,) = workspace.log(plan_id)[1:]
    assert (change.author, change.path) == ("Vera", "resources")
    assert app.text_input(key="add:resources:1:role").value == ""  # a fresh form for the next


def test_a_half_typed_hire_is_refused_whole_and_nothing_typed_is_lost(workspace: Store) -> None:
    app = _workspace()
    plan_id = app.session_state[session.PLAN_ID]
    _type_hire(app, {"role": "Delivery Lead", "fte": "zwei", "start_month": "99"})
    assert workspace.log(plan_id)[1:] == []
    shown = "\n".join(e.value for e in app.error)
    assert "FTE\\: „zwei“ ist keine Zahl" in shown
    assert "99" in shown  # the start month's range is named
    assert "Vollkosten p\\. a\\. je FTE\\: bitte einen Wert eingeben" in shown  # left empty
    assert app.text_input(key=f"{HIRE}:role").value == "Delivery Lead"
    assert app.text_input(key=f"{HIRE}:fte").value == "zwei"


def test_rows_chosen_in_the_remove_form_are_deleted_as_one_change(workspace: Store) -> None:
    app = _workspace()
    plan_id = app.session_state[session.PLAN_ID]
    before = list(workspace.plan_at(plan_id).resources)
    (chooser,) = [m for m in app.multiselect if (m.key or "").startswith("remove:resources@")]
    # the example's team has four rows; the first and third are removed, by their names
    assert chooser.format_func(0) == f"Zeile 1: {before[0].role}"
    chooser.set_value([0, 2])
    next(b for b in app.button if b.label == "Entfernen" and "resources" in b.id).click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert workspace.plan_at(plan_id).resources == [before[1], before[3]]
    (change,) = workspace.log(plan_id)[1:]
    assert (change.author, change.path) == ("Vera", "resources")
    app.run()  # an idle run afterwards writes nothing
    assert len(workspace.log(plan_id)) == 2


def test_the_hire_forms_choice_follows_a_language_switch_made_mid_form(workspace: Store) -> None:
    """The function chosen in German, then the interface switched to English before the form is
    sent: the choice is a new one named in English (a select box keeps the names it was built
    with), and the row is added with the function picked after."""
    app = _workspace()
    plan_id = app.session_state[session.PLAN_ID]
    app.selectbox(key=f"{HIRE}:function:de").set_value("presales")
    app.selectbox(key=state.LANGUAGE).set_value("en").run()
    assert f"{HIRE}:function:de" not in [s.key for s in app.selectbox]
    english = app.selectbox(key=f"{HIRE}:function:en")
    assert english.options == [i18n.t(f"function.{f}", "en") for f in FUNCTIONS]
    english.set_value("support")
    typed = {"role": "Support Lead", "fte": "1", "start_month": "2", "annual_cost": "70,000"}
    for name, text in typed.items():
        app.text_input(key=f"{HIRE}:{name}").input(text)
    next(b for b in app.button if b.label == "Add" and "resources" in b.id).click().run()
    assert not app.exception, [e.message for e in app.exception]
    new = workspace.plan_at(plan_id).resources[-1]
    # typed in English: 1 FTE from month 2 at 70,000 a year, no ramp typed (the default 0)
    assert (new.role, new.function, new.fte, new.start_month, new.annual_cost) == (
        "Support Lead",
        "support",
        1.0,
        2,
        70000.0,
    )
