"""Two app sessions on one database: join links and the vendor's workspace, live edits,
conflicts, undo as a change, a wrong token, and no connection left open."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst
from streamlit.testing.v1 import AppTest

from planner import access
from planner.store import Store
from planner.ui import collab, session, state
from planner.ui.text import plain
from tests.app_support import (
    click_again,
    decision,
    each_tab,
    field,
    joined,
    open_tab,
    send_stale,
    shared_plan,
    type_into,
)
from tests.store_support import example_plan

ROOT = Path(__file__).resolve().parents[1]
DEAL = "revenue.deal_size"
CHURN = "revenue.monthly_churn"
MARGIN = 0.8537


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Store, str]]:
    plan = example_plan(
        vendor_programme={
            "mdf_rate": 0.03,
            "gross_margin": MARGIN,
            "partner_manager_fte": 0.3,
            "partner_manager_annual_cost": 120000,
        }
    )
    with shared_plan(tmp_path, monkeypatch, plan) as found:
        yield found


def test_an_edit_by_one_appears_for_the_other_and_a_late_edit_is_a_conflict(
    shared: tuple[Store, str],
) -> None:
    store, plan_id = shared
    partner_link = access.create_invite(store, access.owner_access(plan_id), "partner_editor")
    vendor_link = access.create_invite(store, access.owner_access(plan_id), "vendor_editor")
    anna = joined(plan_id, partner_link.token, "Anna")
    vera = joined(plan_id, vendor_link.token, "Vera")
    assert field(anna, DEAL).value == "42.000"
    assert field(vera, DEAL).value == "42.000"

    type_into(anna, DEAL, "38.000")
    assert store.plan_at(plan_id).revenue.deal_size == 38000
    (change,) = store.log(plan_id)[1:]
    assert (change.author, change.side) == ("Anna", "partner")

    # Vera typed 45000 on the value she saw (42000) before her page took Anna's edit
    type_into(vera, DEAL, "45.000")
    assert store.plan_at(plan_id).revenue.deal_size == 38000  # not overwritten
    warnings = [w.value for w in vera.warning]
    # the card says it in markdown with every user text escaped (shown literally)
    assert any(plain("Anna (Partner) hat") in w and plain("38.000\xa0€") in w for w in warnings)
    assert field(vera, DEAL).value == "38.000"  # her page now shows Anna's value
    decision(vera, DEAL, keep_mine=True).click().run()
    assert store.plan_at(plan_id).revenue.deal_size == 45000

    anna.run()  # the poll's rerun
    assert field(anna, DEAL).value == "45.000"


def test_the_partner_page_shows_no_vendor_secret_and_a_viewer_cannot_edit(
    shared: tuple[Store, str],
) -> None:
    store, plan_id = shared
    anna = joined(
        plan_id,
        access.create_invite(store, access.owner_access(plan_id), "partner_editor").token,
        "Anna",
    )
    page = "\n".join(str(anna._tree) for _ in each_tab(anna))  # every tab of the page
    assert "0.8537" not in page
    assert "85,37" not in page
    assert "85.37" not in page
    open_tab(anna, "vendor_programme.gross_margin")
    assert anna.text_input(key="private:vendor_programme.gross_margin").value == "privat"
    otto = joined(
        plan_id, access.create_invite(store, access.owner_access(plan_id), "viewer").token, "Otto"
    )
    assert field(otto, DEAL).disabled


def test_a_wrong_token_sees_nothing_of_the_plan(shared: tuple[Store, str]) -> None:
    _, plan_id = shared
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.query_params["plan"] = plan_id
    app.query_params["key"] = "not-the-token"
    app.run()
    assert [i.value for i in app.info] == ["Dieser Link ist ungültig oder wurde widerrufen."]
    assert "ACME" not in str(app._tree)
    assert not app.text_input


# --- the vendor's workspace (app.py): every plan is a stored plan -----------------------------


def _workspace(name: str) -> AppTest:
    """A workspace session on the assumptions page, its user named ``name``."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    app.text_input(key=collab.NAME_INPUT).input(name).run()
    app.switch_page("planner/ui/pages/assumptions.py").run()
    open_tab(app, DEAL)  # the revenue tab open: only the open tab runs
    assert not app.exception, [e.message for e in app.exception]
    return app


def test_two_workspace_sessions_see_each_others_edit_after_a_rerun(workspace: Store) -> None:
    vera = _workspace("Vera")
    max_ = _workspace("Max")
    plan_id = vera.session_state[session.PLAN_ID]
    assert max_.session_state[session.PLAN_ID] == plan_id  # both opened the example plan

    type_into(vera, DEAL, "45.000")
    (change,) = workspace.log(plan_id)[1:]
    assert (change.author, change.side, change.path, change.new) == (
        "Vera",
        "vendor",
        "revenue.deal_size",
        45000,
    )
    max_.run()  # the poll's rerun
    assert field(max_, DEAL).value == "45.000"
    assert max_.session_state[state.PLAN].revenue.deal_size == 45000

    type_into(max_, CHURN, "1,5")  # 1.5 % a month
    vera.run()
    assert field(vera, CHURN).value == "1,5"
    assert field(vera, DEAL).value == "45.000"
    assert workspace.plan_at(plan_id).revenue.monthly_churn == 0.015
    assert workspace.verify_chain(plan_id).ok


def test_a_late_workspace_edit_is_a_conflict_with_keep_mine_and_take_theirs(
    workspace: Store,
) -> None:
    vera = _workspace("Vera")
    max_ = _workspace("Max")
    plan_id = vera.session_state[session.PLAN_ID]
    type_into(vera, DEAL, "45.000")
    # Max typed 38000 on the value he saw (40000) before his page took Vera's edit
    type_into(max_, DEAL, "38.000")
    assert workspace.plan_at(plan_id).revenue.deal_size == 45000  # not overwritten
    warnings = [w.value for w in max_.warning]
    assert any(plain("Vera (Hersteller) hat") in w and plain("45.000\xa0€") in w for w in warnings)
    assert field(max_, DEAL).value == "45.000"  # his page shows Vera's value now
    assert not max_.error  # a conflict is no refusal

    decision(max_, DEAL, keep_mine=True).click().run()
    assert workspace.plan_at(plan_id).revenue.deal_size == 38000
    assert field(max_, DEAL).value == "38.000"
    assert [c.author for c in workspace.log(plan_id)[1:]] == ["Vera", "Max"]


def test_a_second_click_on_a_decided_conflict_decides_nothing_else(workspace: Store) -> None:
    """A double click, or a click on the button of a panel that was still on screen, comes
    back for a conflict already decided: it must not decide the conflict now in its place."""
    vera = _workspace("Vera")
    max_ = _workspace("Max")
    plan_id = vera.session_state[session.PLAN_ID]
    old_deal, old_churn = field(max_, DEAL), field(max_, CHURN)  # his page at version 1
    type_into(vera, DEAL, "45.000")
    type_into(vera, CHURN, "2")
    old_deal.set_value("38.000").run()  # typed on the values he saw: two conflicts
    old_churn.set_value("3").run()
    assert [c.path for c in max_.session_state[collab.CONFLICTS]] == [DEAL, CHURN]

    keep_deal = decision(max_, DEAL, keep_mine=True)
    keep_deal.click().run()
    click_again(max_, keep_deal)
    assert not max_.exception
    assert [c.path for c in max_.session_state[collab.CONFLICTS]] == [CHURN]
    assert workspace.plan_at(plan_id).revenue.monthly_churn == 0.02  # Vera's, still undecided
    assert [(c.author, c.path) for c in workspace.log(plan_id)[1:]] == [
        ("Vera", DEAL),
        ("Vera", CHURN),
        ("Max", DEAL),
    ]


def test_undo_does_not_overwrite_someone_elses_later_change(workspace: Store) -> None:
    vera = _workspace("Vera")
    max_ = _workspace("Max")
    plan_id = vera.session_state[session.PLAN_ID]
    type_into(vera, DEAL, "45.000")
    max_.run()
    type_into(max_, DEAL, "47.000")
    vera.run()
    vera.button(key="undo").click().run()
    assert workspace.plan_at(plan_id).revenue.deal_size == 47000  # Max's value stands
    assert any(plain("Max (Hersteller) hat") in w.value for w in vera.warning)
    assert vera.button(key="undo").disabled  # the undone step is gone


def test_the_app_leaves_no_connection_or_transaction_open(workspace: Store) -> None:
    """The cause of a hang: a connection left checked out (or a transaction left open) by a
    run makes the next writer wait the whole busy timeout."""
    vera = _workspace("Vera")
    type_into(vera, DEAL, "45.000")
    vera.button(key="undo").click().run()
    type_into(vera, DEAL, "-1")  # refused by the store
    for name in ("dashboard", "history", "share", "start", "signoff"):
        vera.switch_page(f"planner/ui/pages/{name}.py").run()
        assert not vera.exception, [e.message for e in vera.exception]
    app_store = collab.store()
    assert app_store.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    # a writer gets the lock at once: nothing holds it
    with app_store.writing() as conn:
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1


def test_reads_do_not_wait_for_an_open_write_transaction(workspace: Store) -> None:
    """The poll (a read) and a callback's edit (a write) in two threads: the read returns while
    the write transaction is still open (SQLite WAL; one connection per call and thread)."""
    plan_id = workspace.create_plan(example_plan(), author="Vera", side="vendor")
    inside, release = threading.Event(), threading.Event()

    def hold_write() -> None:
        with workspace.writing() as conn:
            conn.exec_driver_sql("UPDATE plans SET title = title")
            inside.set()
            release.wait(60)

    writer = threading.Thread(target=hold_write)
    writer.start()
    try:
        assert inside.wait(60)
        # were reads blocked, each would wait out the busy timeout and raise "locked"
        assert workspace.version(plan_id) == 1
        assert workspace.snapshot(plan_id).version == 1
        assert access.present(workspace, plan_id) == []
    finally:
        release.set()
        writer.join()


def test_typing_begun_before_a_remote_edit_is_kept_as_a_conflict(workspace: Store) -> None:
    """Max began typing while his input showed 42.000 at version 1; Vera's 45.000 arrived
    before he left the input. What he typed is written against version 1: a conflict he
    decides, never an overwrite of Vera's value and never lost. Leaving it with the text it
    began on writes nothing."""
    vera = _workspace("Vera")
    max_ = _workspace("Max")
    plan_id = vera.session_state[session.PLAN_ID]
    old_input = field(max_, DEAL)  # his page before the poll: 42.000 at version 1
    assert old_input.value == "42.000"
    type_into(vera, DEAL, "45.000")
    max_.run()  # the poll's rerun: a new input shows 45.000
    assert field(max_, DEAL).value == "45.000"
    assert field(max_, DEAL).version > old_input.version
    old_input.set_value("42.000").run()  # typed, then back to where it began: no edit
    assert workspace.plan_at(plan_id).revenue.deal_size == 45000
    assert [c.author for c in workspace.log(plan_id)[1:]] == ["Vera"]
    old_input.set_value("47.000").run()  # his typing began before Vera's change came
    assert workspace.plan_at(plan_id).revenue.deal_size == 45000
    assert max_.session_state[collab.CONFLICTS][0].yours == 47000
    assert field(max_, DEAL).disabled  # nothing more for this field until he decides
    decision(max_, DEAL, keep_mine=False).click().run()
    assert workspace.plan_at(plan_id).revenue.deal_size == 45000
    type_into(max_, DEAL, "47.000")  # typed into the input showing 45.000: a real edit
    assert workspace.plan_at(plan_id).revenue.deal_size == 47000


def test_a_join_link_inputs_stale_report_does_not_undo_a_remote_edit(
    shared: tuple[Store, str],
) -> None:
    store, plan_id = shared
    anna = joined(
        plan_id,
        access.create_invite(store, access.owner_access(plan_id), "partner_editor").token,
        "Anna",
    )
    vera = joined(
        plan_id,
        access.create_invite(store, access.owner_access(plan_id), "vendor_editor").token,
        "Vera",
    )
    old_input = field(anna, DEAL)
    assert old_input.value == "42.000"
    type_into(vera, DEAL, "45.000")
    anna.run()
    assert field(anna, DEAL).value == "45.000"
    old_input.set_value("42.000").run()  # her browser's old page, re-sent
    assert store.plan_at(plan_id).revenue.deal_size == 45000
    assert [c.author for c in store.log(plan_id)[1:]] == ["Vera"]


def test_with_polling_on_a_remote_edit_takes_one_rerun_not_an_endless_loop(
    shared: tuple[Store, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hang: the poll, run inside the full run before the page loaded the new version,
    asked for yet another rerun on every run. AppTest ends a run only when no rerun is asked."""
    monkeypatch.setenv("PLANNER_POLL_SECONDS", "1")
    store, plan_id = shared
    anna = joined(
        plan_id,
        access.create_invite(store, access.owner_access(plan_id), "partner_editor").token,
        "Anna",
    )
    store.apply_edit(plan_id, "revenue.deal_size", 45000, 1, "Vera", "vendor")
    anna.run(timeout=20)
    assert not anna.exception
    assert field(anna, DEAL).value == "45.000"


def test_an_edit_landing_while_a_run_renders_leaves_the_run_on_one_version(
    workspace: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stuck page: an edit stored after the run loaded its plan was taken in halfway (the
    poll's version), so the poll saw nothing new and the page stayed one version behind."""
    vera = _workspace("Vera")
    plan_id = vera.session_state[session.PLAN_ID]
    loaded = workspace.version(plan_id)
    attach = session.attach

    def attach_then_someone_edits(wanted: str | None = None) -> None:
        attach(wanted)
        if workspace.version(plan_id) == loaded:  # once, right after this run loaded
            workspace.apply_edit(plan_id, CHURN, 0.02, loaded, "Remo", "vendor")

    monkeypatch.setattr(session, "attach", attach_then_someone_edits)
    vera.run()
    assert workspace.version(plan_id) == loaded + 1
    # Everything this run showed, and what the poll compares, is the version it loaded.
    assert vera.session_state[session.PLAN_VERSION] == loaded
    assert vera.session_state[collab.SNAPSHOT].version == loaded
    assert any(f"Version {loaded}," in c.value for c in vera.sidebar.caption)
    vera.run()  # the poll's rerun takes the edit in
    assert vera.session_state[collab.SNAPSHOT].version == loaded + 1
    assert field(vera, CHURN).value == "2"


# --- no action of a person, no write -------------------------------------------------------------

REMOTE_EDITS: dict[str, Any] = {
    "revenue.deal_size": lambda r: float(r.randrange(30, 61) * 1000),
    "revenue.monthly_churn": lambda r: r.randrange(1, 30) / 1000,
    "revenue.subscription": lambda r: r.random() < 0.5,
    "vendor_programme.gross_margin": lambda r: r.randrange(70, 90) / 100,
    "months": lambda r: r.choice((36, 48)),
    "title": lambda r: f"Plan {r.randrange(1000)}",
}


def _inputs_of(app: AppTest) -> list[tuple[Any, Any]]:
    """The plan inputs of the page as shown now, with their values (typed values, switches
    and choices have no state to re-send: they send a commit only when a person leaves,
    flips or picks them)."""
    found = [*app.text_input, *app.toggle, *app.selectbox]
    return [(w, w.value) for w in found if (w.key or "").startswith(state.FIELD_PREFIX)]


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=hst.lists(
        hst.sampled_from(["poll", "remote", "stale", "language", "page"]), min_size=2, max_size=7
    ),
    seed=hst.integers(0, 2**32 - 1),
)
def test_polls_reruns_remote_edits_and_stale_inputs_write_nothing(
    workspace: Store, steps: list[str], seed: int
) -> None:
    """Any interleaving of polls, remote edits, a browser re-sending an old page's inputs,
    language and page switches, without a person's action: the session writes nothing."""
    rng = random.Random(seed)
    plan_id = workspace.create_plan(example_plan(), author="Vera", side="vendor")
    app = _workspace("Max")
    assert app.session_state[session.PLAN_ID] == plan_id
    on_fields = True
    old = [_inputs_of(app)]
    for step in steps:
        if step == "poll":
            app.run()
        elif step == "remote":
            path = rng.choice(list(REMOTE_EDITS))
            base = workspace.field_version(plan_id, path)
            value = REMOTE_EDITS[path](rng)
            assert workspace.apply_edit(plan_id, path, value, base, "Remo", "vendor").ok
        elif step == "stale":
            page = rng.choice(old)  # the browser re-sends an old page's inputs as they were
            send_stale(app, [widget.set_value(value) for widget, value in page])
        elif step == "language":
            app.selectbox(key=state.LANGUAGE).set_value(rng.choice(["de", "en"])).run()
        elif step == "page":
            on_fields = not on_fields
            target = "assumptions" if on_fields else "dashboard"
            app.switch_page(f"planner/ui/pages/{target}.py").run()
        assert not app.exception, [e.message for e in app.exception]
        if on_fields:
            old.append(_inputs_of(app))
    assert {c.author for c in workspace.log(plan_id)[1:]} <= {"Remo"}
