"""What people read in a live session (AppTest): conflict cards and change notices show values
as the fields show them (shares in percent, choices by their names), a person's own earlier
change is said to be theirs, and refusals are in the UI language."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner import i18n
from planner.store import Store
from planner.ui import collab, session
from planner.ui.text import plain
from tests.app_support import decision, field, named, open_tab, type_into

ROOT = Path(__file__).resolve().parents[1]
MARGIN = "revenue.partner_margin"


def _page(name: str, path: str = "revenue.deal_size") -> AppTest:
    """``name``'s assumptions page with the tab of ``path`` open (only the open tab runs)."""
    app = named(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), name)
    app.switch_page("planner/ui/pages/assumptions.py").run()
    open_tab(app, path)
    assert not app.exception, [e.message for e in app.exception]
    return app


def _card(app: AppTest) -> str:
    return "\n".join(w.value for w in app.warning)


def test_a_conflict_on_a_share_reads_in_percent_like_its_field(workspace: Store) -> None:
    vera, max_ = _page("Vera", MARGIN), _page("Max", MARGIN)
    type_into(vera, MARGIN, "3,82")  # stored as 0.0382
    type_into(max_, MARGIN, "5")  # from his page before Vera's edit: a conflict
    label = i18n.label(MARGIN, "de")
    assert plain(f"Vera (Hersteller) hat {label} auf 3,82 % geändert") in _card(max_)
    assert plain("Ihr Wert: 5 %") in "\n".join(c.value for c in max_.caption)


def test_a_notice_of_someone_elses_change_reads_like_the_field(workspace: Store) -> None:
    vera, max_ = _page("Vera"), _page("Max")
    type_into(vera, MARGIN, "3,82")
    max_.run()  # his next run (a poll's) takes in Vera's change
    said = i18n.t(
        "collab.conflict",
        "de",
        author="Vera",
        side="Hersteller",
        field=i18n.label(MARGIN, "de"),
        value="3,82 %",
    )
    assert plain(said) in [t.value for t in max_.toast]


def test_a_conflict_on_a_choice_names_the_choice(workspace: Store) -> None:
    vera, max_ = _page("Vera", "partner.kind"), _page("Max", "partner.kind")
    field(vera, "partner.kind").set_value("msp").run()
    field(max_, "partner.kind").set_value("si").run()
    assert plain(i18n.t("kind.msp", "de")) in _card(max_)
    assert plain(i18n.t("kind.si", "de")) in "\n".join(c.value for c in max_.caption)


def test_a_persons_own_earlier_change_is_said_to_be_theirs(workspace: Store) -> None:
    """Vera in two windows: her edit in the second, made on the value the first had not yet
    taken, meets her own change, not someone else's."""
    first, second = _page("Vera"), _page("Vera")
    plan_id = first.session_state[session.PLAN_ID]
    type_into(first, "revenue.deal_size", "45.000")
    type_into(second, "revenue.deal_size", "47.000")
    said = i18n.t(
        "collab.conflict_own", "de", field=i18n.label("revenue.deal_size", "de"), value="45.000 €"
    )
    assert _card(second) == plain(said.replace(" €", "\xa0€"))
    assert "Vera (Hersteller) hat" not in _card(second)
    keep = decision(second, "revenue.deal_size", keep_mine=True)
    assert keep.label == i18n.t("collab.keep_mine_own", "de")
    keep.click().run()
    assert workspace.plan_at(plan_id).revenue.deal_size == 47000
    assert not second.session_state[collab.CONFLICTS]


def test_an_actuals_conflict_names_the_month_and_column_of_each_side(workspace: Store) -> None:
    """Max saved 5 € as January's revenue while Vera typed 9.999 there (the example starts in
    January 2027): the card names the table once and each side's cell by month and column,
    with its amount as the table shows it, not "Ist-Zahlen: Monat 1 (Zeile 1): hinzugefügt"."""
    from tests.app_support import edit_table

    vera = named(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), "Vera")
    vera.switch_page("planner/ui/pages/onboarding.py").run()
    plan_id = vera.session_state[session.PLAN_ID]
    edit_table(vera, "actuals", {"edited_rows": {0: {"revenue": "9.999"}}})
    base = workspace.version(plan_id)
    workspace.apply_edit(plan_id, "actuals", [{"month": 1, "revenue": 5.0}], base, "Max", "vendor")
    vera.run()
    vera.button(key="onboarding.save").click().run()
    assert not vera.exception, [e.message for e in vera.exception]
    table = i18n.label("actuals", "de")
    cell = f"Jan. 2027 · {i18n.label('revenue', 'de')}"
    assert _card(vera) == plain(f"Max (Hersteller) hat {table} geändert: {cell}: 5\xa0€")
    assert plain(f"Ihr Wert: {cell}: 9.999\xa0€") in [c.value for c in vera.caption]


# --- refusals in the UI language ---------------------------------------------------------------


def _refused(store: Store, plan_id: str, edits: dict[str, object], side: str) -> str:
    """The store's own refusal line of an edit (as the command line and the log say it)."""
    bases = {path: (value, store.version(plan_id)) for path, value in edits.items()}
    result = store.apply_edits(plan_id, bases, author="Anna", side=side)
    assert result.status in ("refused", "invalid"), result
    return result.message


def test_the_stores_refusals_are_said_in_german(workspace: Store) -> None:
    from planner.ui import refusals

    vera = _page("Vera")  # a session in German, on the example plan
    plan_id = vera.session_state[session.PLAN_ID]
    plan = workspace.plan_at(plan_id)
    own = _refused(workspace, plan_id, {"hurdles.vendor.min_irr": 0.2}, "partner")
    private = _refused(workspace, plan_id, {"vendor_programme.gross_margin": 0.5}, "partner")
    with pytest.raises(ValueError, match="must not be empty") as empty:
        workspace.add_note(plan_id, "revenue.deal_size", " ", author="Anna", side="partner")
    with pytest.raises(ValueError, match="is not a plan path") as nowhere:
        workspace.add_note(plan_id, "revenue.nothing", "why", author="Anna", side="partner")
    said = [
        refusals.store_refusal(message, plan)
        for message in (own, private, str(empty.value), str(nowhere.value))
    ]
    margin = i18n.label("vendor_programme.gross_margin", "de")
    assert said == [
        "Nur die Seite Hersteller legt ihre eigenen Hürden und ihren Kalkulationszins fest",
        f"{margin} ist privat für die andere Seite und kann hier nicht geändert werden",
        "Notiz: darf nicht leer sein",
        "revenue.nothing: ist kein Feld des Plans",
    ]


def test_a_private_value_of_a_scenario_is_named_by_the_scenario_in_the_ui_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Scenario "Low" sets the vendor's private gross margin; the partner deletes it from its
    # view (where the margin is None): the store refuses, naming the value's place by the
    # scenario's name, "scenarios[Low].set.vendor_programme.gross_margin ...". The page said
    # that English line in a German session.
    from planner import privacy
    from planner.policy import RULES
    from planner.ui import refusals, state
    from tests.store_support import example_plan

    plan = example_plan()
    store = Store("sqlite+pysqlite:///:memory:", policy=RULES)
    plan_id = store.create_plan(plan, author="Vera", side="vendor")
    sent = [dict(s) for s in privacy.view(plan, "partner").data["scenarios"]]
    assert [s["name"] for s in sent] == ["Low"]
    result = store.apply_edit(plan_id, "scenarios", sent[1:], 1, "Anna", "partner")
    assert result.status == "refused"
    assert result.message.startswith("scenarios[Low].set.vendor_programme.gross_margin is")
    said = {}
    for language in ("de", "en"):
        monkeypatch.setattr(state, "language", lambda language=language: language)
        said[language] = refusals.store_refusal(result.message, plan)
    margin = {language: i18n.label("vendor_programme.gross_margin", language) for language in said}
    assert said == {
        "de": f"Szenario „Low“ · {margin['de']} ist privat für die andere Seite und kann hier "
        "nicht geändert werden",
        "en": f'Scenario "Low" · {margin["en"]} is private to the other side and cannot be '
        "changed here",
    }


def test_a_refused_cell_names_its_row_and_column_in_german(workspace: Store) -> None:
    from tests.app_support import edit_table

    vera = _page("Vera")
    plan_id = vera.session_state[session.PLAN_ID]
    edit_table(vera, "resources", {"edited_rows": {0: {"role": "   "}}})  # blanks only
    assert len(workspace.log(plan_id)) == 1
    where = f"{i18n.label('resources', 'de')}: Account Executive (Zeile 1) · Rolle"
    shown = "\n".join(e.value for e in vera.error)
    assert plain(f"{where}: darf nicht leer sein") in shown
    assert "must not" not in shown


def test_a_stored_note_empties_its_box_so_a_second_click_stores_nothing(
    workspace: Store,
) -> None:
    """Vera stores a note on the deal size; the box is empty afterwards, so clicking the button
    again stores no second copy (an empty note is refused, naming the note's text)."""
    app = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60)
    app.session_state[collab.NAME] = "Vera"
    app.switch_page("planner/ui/pages/history.py").run()
    assert not app.exception, [e.message for e in app.exception]
    plan_id = app.session_state[session.PLAN_ID]
    app.selectbox(key="history.note_path").set_value("revenue.deal_size")
    (box,) = app.text_area  # the note's text
    box.input("Two pilots closed at this size")
    app.button(key="history.add_note").click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert [n.body for n in workspace.notes(plan_id)] == ["Two pilots closed at this size"]
    assert [a.value for a in app.text_area] == [""]
    app.button(key="history.add_note").click().run()
    assert [n.body for n in workspace.notes(plan_id)] == ["Two pilots closed at this size"]


def test_a_refused_clicks_answer_outlasts_the_other_sides_edit_until_the_next_click(
    workspace: Store,
) -> None:
    """Vera's empty note is refused under its button. Anna's edit arriving a moment later
    reruns Vera's page (as the watcher's wake does): the refusal is still there to be read.
    Vera's next click (a note with text, stored) takes it away."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.session_state[collab.NAME] = "Vera"
    app.switch_page("planner/ui/pages/history.py").run()
    plan_id = app.session_state[session.PLAN_ID]
    app.selectbox(key="history.note_path").set_value("revenue.deal_size")
    app.button(key="history.add_note").click().run()  # the box is empty
    shown = "\n".join(e.value for e in app.error)
    assert "darf nicht leer sein" in shown, shown
    version = workspace.version(plan_id)
    workspace.apply_edit(plan_id, "revenue.deal_size", 47000, version, "Anna", "partner")
    app.run()  # the other side's edit: a run with no click
    assert workspace.version(plan_id) == version + 1
    assert "\n".join(e.value for e in app.error) == shown  # still said
    (box,) = app.text_area
    box.input("Two pilots closed at this size")
    app.button(key="history.add_note").click().run()
    assert [n.body for n in workspace.notes(plan_id)] == ["Two pilots closed at this size"]
    assert not [e.value for e in app.error if "leer" in e.value]
