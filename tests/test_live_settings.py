"""Switches, settings and forms in a live session (AppTest): each is one deliberate commit
carrying the version the person saw; reruns, second tabs, remote changes and undo never write,
and a form saved against a version someone else changed meanwhile is a conflict, never a
silent overwrite. The store's change log is the ground truth."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner import privacy
from planner.policy import RULES
from planner.store import Store
from planner.ui import collab
from tests.app_support import PickInput, local_app, pick_inputs
from tests.store_support import example_plan

ROOT = Path(__file__).resolve().parents[1]
SHARE = collab.SHARE_PATH


@pytest.fixture
def workspace_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Store, str]]:
    with local_app(tmp_path, monkeypatch):
        store = Store(policy=RULES)
        plan = example_plan(
            private={
                "vendor": list(privacy.DEFAULT_VENDOR_PRIVATE),
                "partner": [],
                "share_vendor_economics": False,
            }
        )
        yield store, store.create_plan(plan, author="Vera", side="vendor")
        store.close()


def _tab(page: str, name: str = "Vera") -> AppTest:
    """A workspace tab on ``page``, its person named."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    app.text_input(key=collab.NAME_INPUT).input(name).run()
    app.switch_page(f"planner/ui/pages/{page}.py").run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def _switch(app: AppTest) -> PickInput:
    (found,) = [t for t in pick_inputs(app) if t.key.startswith(collab.SHARE_KEY + "@")]
    return found


def _rows(store: Store, plan_id: str) -> list[tuple[str, object]]:
    return [(r.path, r.new) for r in store.log(plan_id)[1:]]


# --- the sharing switch ------------------------------------------------------------------------


def test_one_click_in_one_of_two_tabs_writes_one_row_and_reruns_write_none(
    workspace_plan: tuple[Store, str],
) -> None:
    store, plan_id = workspace_plan
    first, second = _tab("share"), _tab("share")
    assert not privacy.shares_economics(store.plan_at(plan_id))
    old_second = _switch(second)
    _switch(first).set_value(True).run()
    assert _rows(store, plan_id) == [(SHARE, True)]
    for _ in range(3):  # polls of both tabs, idle
        second.run()
        first.run()
    assert _switch(second).value is True
    old_second.set_value(False).run()  # the second tab's old switch, re-sent as it was
    second.run()
    assert _rows(store, plan_id) == [(SHARE, True)]


def test_an_idle_switch_does_not_write_back_a_remote_change(
    workspace_plan: tuple[Store, str],
) -> None:
    store, plan_id = workspace_plan
    idle = _tab("share")
    assert _switch(idle).value is False
    base = store.field_version(plan_id, SHARE)
    assert store.apply_edit(plan_id, SHARE, True, base, "Max", "vendor").ok  # another session
    for _ in range(3):
        idle.run()
    assert _switch(idle).value is True
    assert _rows(store, plan_id) == [(SHARE, True)]


def test_a_switch_undone_in_the_sidebar_stays_undone(workspace_plan: tuple[Store, str]) -> None:
    store, plan_id = workspace_plan
    app = _tab("share")
    _switch(app).set_value(True).run()
    app.button(key="undo").click().run()
    for _ in range(3):
        app.run()
    assert _switch(app).value is False
    assert _rows(store, plan_id) == [(SHARE, True), (SHARE, False)]


def test_a_click_on_a_switch_someone_changed_meanwhile_is_a_conflict(
    workspace_plan: tuple[Store, str],
) -> None:
    """The switch showed "off"; another vendor session turned it on and off again before the
    click arrived: the click ("on", based on the version it showed) is not written."""
    store, plan_id = workspace_plan
    app = _tab("share")
    shown = _switch(app)
    for value in (True, False):
        base = store.field_version(plan_id, SHARE)
        assert store.apply_edit(plan_id, SHARE, value, base, "Max", "vendor").ok
    shown.set_value(True).run()
    assert _rows(store, plan_id) == [(SHARE, True), (SHARE, False)]
    assert [c.path for c in app.session_state[collab.CONFLICTS]] == [SHARE]


# --- the decision form -------------------------------------------------------------------------

DECIDED = {
    "date": "2027-01-04",
    "partner": "Anna Berger (CEO)",
    "vendor": "Max Roth",
    "note": "Go ahead",
}


@pytest.fixture
def decided(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Store, str]]:
    with local_app(tmp_path, monkeypatch):
        store = Store(policy=RULES)
        plan = example_plan(decision=DECIDED)
        yield store, store.create_plan(plan, author="Vera", side="vendor")
        store.close()


def _link(store: Store, plan_id: str, name: str) -> AppTest:
    from planner import access

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.query_params["plan"] = plan_id
    app.query_params["key"] = access.create_invite(
        store, access.owner_access(plan_id), "partner_editor"
    ).token
    app.run()
    app.text_input(key=collab.NAME_INPUT).input(name).run()
    app.switch_page("planner/ui/pages/signoff.py").run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def _decision_input(app: AppTest, name: str) -> object:
    from planner.ui import signoff_panel

    kinds = {"note": app.text_area, "date": app.date_input}
    prefix = signoff_panel.decision_key(name, 0).rsplit("@", 1)[0] + "@"
    (found,) = [w for w in kinds.get(name, app.text_input) if str(w.key).startswith(prefix)]
    return found


def _save(app: AppTest) -> AppTest:
    from planner.ui import signoff_panel

    return app.button(key=signoff_panel.DECISION_FORM).click().run()


def test_a_note_saved_on_an_open_form_keeps_the_other_sides_correction(
    decided: tuple[Store, str],
) -> None:
    store, plan_id = decided
    vera = _tab("signoff")
    anna = _link(store, plan_id, "Anna")
    _decision_input(anna, "partner").input("Anna Berger (CEO), Jonas Weber (CFO)")
    _save(anna)
    vera.run()  # the poll: her form, untouched there, shows Anna's correction
    assert _decision_input(vera, "partner").value == "Anna Berger (CEO), Jonas Weber (CFO)"
    _decision_input(vera, "note").input("Go ahead with two AEs")
    _save(vera)
    decision = store.plan_at(plan_id).decision
    assert decision is not None
    assert decision.partner == "Anna Berger (CEO), Jonas Weber (CFO)"
    assert decision.note == "Go ahead with two AEs"
    assert [(r.author, r.path) for r in store.log(plan_id)[1:]] == [
        ("Anna", "decision.partner"),
        ("Vera", "decision.note"),
    ]
    for _ in range(3):  # idle forms write nothing
        vera.run()
        anna.run()
    assert len(store.log(plan_id)) == 3


def test_typing_in_a_field_someone_saved_meanwhile_is_kept_and_saved_as_a_conflict(
    decided: tuple[Store, str],
) -> None:
    store, plan_id = decided
    vera = _tab("signoff")
    anna = _link(store, plan_id, "Anna")
    _decision_input(vera, "partner").input("Anna Berger")  # typed, not saved yet
    _decision_input(anna, "partner").input("Anna Berger (CEO), Jonas Weber (CFO)")
    _save(anna)
    vera.run()  # the remote change arrives: her text stays
    assert _decision_input(vera, "partner").value == "Anna Berger"
    _save(vera)  # against the version she saw: a conflict, not an overwrite
    decision = store.plan_at(plan_id).decision
    assert decision is not None
    assert decision.partner == "Anna Berger (CEO), Jonas Weber (CFO)"
    (conflict,) = vera.session_state[collab.CONFLICTS]
    assert (conflict.path, conflict.yours, conflict.theirs) == (
        "decision.partner",
        "Anna Berger",
        "Anna Berger (CEO), Jonas Weber (CFO)",
    )
    warnings = " ".join(w.value for w in vera.warning).replace("\\", "")  # markdown escapes
    assert "Anna Berger (CEO), Jonas Weber (CFO)" in warnings
    assert [r.author for r in store.log(plan_id)[1:]] == ["Anna"]
    # she keeps hers: one deliberate change, based on the version that overtook her
    vera.button(key=collab.decision_key(conflict, keep_mine=True)).click().run()
    decision = store.plan_at(plan_id).decision
    assert decision is not None
    assert decision.partner == "Anna Berger"
    assert [r.author for r in store.log(plan_id)[1:]] == ["Anna", "Vera"]


# --- the actuals table -------------------------------------------------------------------------


def _type_actuals(app: AppTest, **delta: object) -> None:
    """Cells typed into the actuals table (the browser sends them as the table's state: the
    texts typed, numbers as the UI language writes them)."""
    key = app.session_state["onboarding.actuals_seen"]["key"]
    app.session_state[key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **delta}


def test_actuals_typed_while_others_edit_are_kept_and_saved(
    workspace_plan: tuple[Store, str],
) -> None:
    store, plan_id = workspace_plan
    app = _tab("onboarding")
    _type_actuals(app, edited_rows={0: {"revenue": "8.500"}})  # as a German session types it
    base = store.field_version(plan_id, "revenue.deal_size")
    assert store.apply_edit(plan_id, "revenue.deal_size", 45000, base, "Anna", "partner").ok
    app.run()  # the poll: another field changed, the table and its typed cell stay
    app.button(key="onboarding.save").click().run()
    assert store.plan_at(plan_id).actuals_by_month() == {1: {"revenue": 8500.0}}
    assert [(r.author, r.path) for r in store.log(plan_id)[1:]] == [
        ("Anna", "revenue.deal_size"),
        ("Vera", "actuals"),
    ]


def test_actuals_saved_over_someone_elses_are_a_conflict(
    workspace_plan: tuple[Store, str],
) -> None:
    store, plan_id = workspace_plan
    app = _tab("onboarding")
    _type_actuals(app, edited_rows={0: {"revenue": "8.500"}})  # as a German session types it
    theirs = [{"month": 1, "revenue": 9000.0}]
    assert store.apply_edit(plan_id, "actuals", theirs, 1, "Anna", "partner").ok
    app.run()  # her typed cell stays while Anna's actuals arrive
    app.button(key="onboarding.save").click().run()
    assert store.plan_at(plan_id).actuals_by_month() == {1: {"revenue": 9000.0}}
    assert [c.path for c in app.session_state[collab.CONFLICTS]] == ["actuals"]
    assert [r.author for r in store.log(plan_id)[1:]] == ["Anna"]


# --- the open plan survives a reload ---------------------------------------------------------


def test_a_reload_returns_to_the_plan_that_was_open_not_the_newest(
    workspace_plan: tuple[Store, str],
) -> None:
    from planner.ui import session

    store, older = workspace_plan
    newer = store.create_plan(example_plan(title="Zweiter Plan"), author="Vera", side="vendor")
    app = _tab("start")
    assert app.session_state[session.PLAN_ID] == newer  # a first visit: the newest
    app.selectbox(key="open.name").set_value(older)
    app.button(key="open.button").click().run()
    assert app.session_state[session.PLAN_ID] == older
    assert app.query_params[session.OPEN_PARAM] == older  # the address names the plan
    base = store.field_version(newer, "revenue.deal_size")
    assert store.apply_edit(newer, "revenue.deal_size", 45000, base, "Max", "vendor").ok

    reloaded = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    reloaded.query_params[session.OPEN_PARAM] = older  # the same address, a new session
    reloaded.run()
    assert not reloaded.exception
    assert reloaded.session_state[session.PLAN_ID] == older

    gone = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    gone.query_params[session.OPEN_PARAM] = "no-such-plan"  # an address of a deleted plan
    gone.run()
    assert gone.session_state[session.PLAN_ID] == newer


# --- who changed what: by access, not by name ------------------------------------------------


def test_a_partner_using_the_vendors_name_does_not_silence_the_vendors_notice(
    workspace_plan: tuple[Store, str],
) -> None:
    from planner import access
    from tests.app_support import type_into

    store, plan_id = workspace_plan
    vera = _tab("assumptions")
    partner = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    partner.query_params["plan"] = plan_id
    partner.query_params["key"] = access.create_invite(
        store, access.owner_access(plan_id), "partner_editor"
    ).token
    partner.run()
    partner.text_input(key=collab.NAME_INPUT).input("Vera").run()  # the vendor's name
    partner.switch_page("planner/ui/pages/assumptions.py").run()
    type_into(partner, "revenue.deal_size", "38.000")
    assert [(r.author, r.side) for r in store.log(plan_id)[1:]] == [("Vera", "partner")]
    vera.run()  # the poll
    notices = [t.value.replace("\\", "") for t in vera.toast]  # shown as literal markdown
    assert any("Vera (Partner)" in n and "38.000" in n for n in notices), notices

    type_into(vera, "revenue.deal_size", "39.000")  # her own change: no notice to herself
    vera.run()
    assert not any("39.000" in t.value for t in vera.toast)
