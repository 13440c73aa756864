"""Two app sessions on one database: join links and the vendor's workspace, live edits,
conflicts, undo as a change, a wrong token, and no connection left open."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner import access
from planner.store import Store
from planner.ui import collab, session, state
from tests.store_support import example_plan

ROOT = Path(__file__).resolve().parents[1]
DEAL = state.field_key("revenue.deal_size")
CHURN = state.field_key("revenue.monthly_churn")
MARGIN = 0.8537


def _app() -> None:
    from planner.ui import shared_plan

    shared_plan.render()


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Store, str]]:
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PLANNER_DATABASE_URL", raising=False)
    monkeypatch.setenv("PLANNER_POLL_SECONDS", "0")  # AppTest: each .run() is the poll's rerun
    collab.store.clear()  # type: ignore[attr-defined]
    store = Store()
    plan = example_plan(
        vendor_programme={
            "mdf_rate": 0.03,
            "gross_margin": MARGIN,
            "partner_manager_fte": 0.3,
            "partner_manager_annual_cost": 120000,
        }
    )
    yield store, store.create_plan(plan, author="Vera", side="vendor")
    collab.store.clear()  # type: ignore[attr-defined]
    store.close()


def _session(plan_id: str, token: str, name: str) -> AppTest:
    app = AppTest.from_function(_app, default_timeout=30)
    app.query_params["plan"] = plan_id
    app.query_params["key"] = token
    app.run()
    app.text_input(key=collab.NAME_INPUT).input(name).run()
    return app


def test_an_edit_by_one_appears_for_the_other_and_a_late_edit_is_a_conflict(
    shared: tuple[Store, str],
) -> None:
    store, plan_id = shared
    partner_link = access.create_invite(store, plan_id, "partner_editor")
    vendor_link = access.create_invite(store, plan_id, "vendor_editor")
    anna = _session(plan_id, partner_link.token, "Anna")
    vera = _session(plan_id, vendor_link.token, "Vera")
    assert anna.number_input(key=DEAL).value == 42000
    assert vera.number_input(key=DEAL).value == 42000

    anna.number_input(key=DEAL).set_value(38000).run()
    assert store.plan_at(plan_id).revenue.deal_size == 38000
    (change,) = store.log(plan_id)[1:]
    assert (change.author, change.side) == ("Anna", "partner")

    # Vera typed 45000 on the value she saw (42000) before her page took Anna's edit
    vera.number_input(key=DEAL).set_value(45000).run()
    assert store.plan_at(plan_id).revenue.deal_size == 38000  # not overwritten
    warnings = [w.value for w in vera.warning]
    assert any("Anna (Partner) hat" in w and "38.000\xa0€" in w for w in warnings), warnings
    assert vera.number_input(key=DEAL).value == 38000  # her page now shows Anna's value
    vera.button(key="collab.keep.0").click().run()
    assert store.plan_at(plan_id).revenue.deal_size == 45000

    anna.run()  # the poll's rerun
    assert anna.number_input(key=DEAL).value == 45000


def test_the_partner_page_shows_no_vendor_secret_and_a_viewer_cannot_edit(
    shared: tuple[Store, str],
) -> None:
    store, plan_id = shared
    anna = _session(plan_id, access.create_invite(store, plan_id, "partner_editor").token, "Anna")
    page = str(anna._tree)
    assert "0.8537" not in page
    assert "85,37" not in page
    assert "85.37" not in page
    assert anna.text_input(key="private:vendor_programme.gross_margin").value == "privat"
    otto = _session(plan_id, access.create_invite(store, plan_id, "viewer").token, "Otto")
    assert otto.number_input(key=DEAL).disabled


def test_a_wrong_token_sees_nothing_of_the_plan(shared: tuple[Store, str]) -> None:
    _, plan_id = shared
    app = AppTest.from_function(_app, default_timeout=30)
    app.query_params["plan"] = plan_id
    app.query_params["key"] = "not-the-token"
    app.run()
    assert [i.value for i in app.info] == ["Dieser Link ist ungültig oder wurde widerrufen."]
    assert "ACME" not in str(app._tree)
    assert not app.number_input


# --- the vendor's workspace (app.py): every plan is a stored plan -----------------------------


def _workspace(name: str) -> AppTest:
    """A workspace session on the assumptions page, its user named ``name``."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    app.text_input(key=collab.NAME_INPUT).input(name).run()
    app.switch_page("planner/ui/pages/assumptions.py").run()
    assert not app.exception, [e.message for e in app.exception]
    return app


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PLANNER_DATABASE_URL", raising=False)
    monkeypatch.delenv("PLANNER_OWNER_KEY", raising=False)
    monkeypatch.setenv("PLANNER_POLL_SECONDS", "0")
    collab.store.clear()
    store = Store()
    yield store
    collab.store.clear()
    store.close()


def test_two_workspace_sessions_see_each_others_edit_after_a_rerun(workspace: Store) -> None:
    vera = _workspace("Vera")
    max_ = _workspace("Max")
    plan_id = vera.session_state[session.PLAN_ID]
    assert max_.session_state[session.PLAN_ID] == plan_id  # both opened the example plan

    vera.number_input(key=DEAL).set_value(45000).run()
    (change,) = workspace.log(plan_id)[1:]
    assert (change.author, change.side, change.path, change.new) == (
        "Vera",
        "vendor",
        "revenue.deal_size",
        45000,
    )
    max_.run()  # the poll's rerun
    assert max_.number_input(key=DEAL).value == 45000
    assert max_.session_state[state.PLAN].revenue.deal_size == 45000

    max_.number_input(key=CHURN).set_value(1.5).run()  # 1.5 % a month
    vera.run()
    assert vera.number_input(key=CHURN).value == 1.5
    assert vera.number_input(key=DEAL).value == 45000
    assert workspace.plan_at(plan_id).revenue.monthly_churn == 0.015
    assert workspace.verify_chain(plan_id).ok


def test_a_late_workspace_edit_is_a_conflict_with_keep_mine_and_take_theirs(
    workspace: Store,
) -> None:
    vera = _workspace("Vera")
    max_ = _workspace("Max")
    plan_id = vera.session_state[session.PLAN_ID]
    vera.number_input(key=DEAL).set_value(45000).run()
    # Max typed 38000 on the value he saw (40000) before his page took Vera's edit
    max_.number_input(key=DEAL).set_value(38000).run()
    assert workspace.plan_at(plan_id).revenue.deal_size == 45000  # not overwritten
    warnings = [w.value for w in max_.warning]
    assert any("Vera (Hersteller) hat" in w and "45.000\xa0€" in w for w in warnings), warnings
    assert max_.number_input(key=DEAL).value == 45000  # his page shows Vera's value now
    assert not max_.error  # a conflict is no refusal

    max_.button(key="collab.keep.0").click().run()
    assert workspace.plan_at(plan_id).revenue.deal_size == 38000
    assert max_.number_input(key=DEAL).value == 38000
    assert [c.author for c in workspace.log(plan_id)[1:]] == ["Vera", "Max"]


def test_undo_does_not_overwrite_someone_elses_later_change(workspace: Store) -> None:
    vera = _workspace("Vera")
    max_ = _workspace("Max")
    plan_id = vera.session_state[session.PLAN_ID]
    vera.number_input(key=DEAL).set_value(45000).run()
    max_.run()
    max_.number_input(key=DEAL).set_value(47000).run()
    vera.run()
    vera.button(key="undo").click().run()
    assert workspace.plan_at(plan_id).revenue.deal_size == 47000  # Max's value stands
    assert any("Max (Hersteller) hat" in w.value for w in vera.warning)
    assert vera.button(key="undo").disabled  # the undone step is gone


def test_the_app_leaves_no_connection_or_transaction_open(workspace: Store) -> None:
    """The cause of a hang: a connection left checked out (or a transaction left open) by a
    run makes the next writer wait the whole busy timeout."""
    vera = _workspace("Vera")
    vera.number_input(key=DEAL).set_value(45000).run()
    vera.button(key="undo").click().run()
    vera.number_input(key=DEAL).set_value(-1.0).run()  # refused by the store
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


def test_an_inputs_stale_echo_does_not_undo_a_remote_edit(workspace: Store) -> None:
    """The browser may send an input's old value once more after a remote change replaced it
    (a rerun it asked for before the new value arrived): that echo writes nothing."""
    vera = _workspace("Vera")
    max_ = _workspace("Max")
    plan_id = vera.session_state[session.PLAN_ID]
    vera.number_input(key=DEAL).set_value(45000).run()
    max_.run()  # the poll's rerun resets his input to 45000
    assert max_.number_input(key=DEAL).value == 45000
    max_.number_input(key=DEAL).set_value(42000).run()  # his browser's old value (example plan)
    assert workspace.plan_at(plan_id).revenue.deal_size == 45000
    assert max_.number_input(key=DEAL).value == 45000
    assert [c.author for c in workspace.log(plan_id)[1:]] == ["Vera"]
    max_.number_input(key=DEAL).set_value(47000).run()  # a real edit still lands
    assert workspace.plan_at(plan_id).revenue.deal_size == 47000


def test_a_join_link_inputs_stale_echo_does_not_undo_a_remote_edit(
    shared: tuple[Store, str],
) -> None:
    store, plan_id = shared
    anna = _session(plan_id, access.create_invite(store, plan_id, "partner_editor").token, "Anna")
    vera = _session(plan_id, access.create_invite(store, plan_id, "vendor_editor").token, "Vera")
    vera.number_input(key=DEAL).set_value(45000).run()
    anna.run()
    assert anna.number_input(key=DEAL).value == 45000
    anna.number_input(key=DEAL).set_value(42000).run()  # her browser's old value
    assert store.plan_at(plan_id).revenue.deal_size == 45000
    assert [c.author for c in store.log(plan_id)[1:]] == ["Vera"]


def test_with_polling_on_a_remote_edit_takes_one_rerun_not_an_endless_loop(
    shared: tuple[Store, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hang: the poll, run inside the full run before the page loaded the new version,
    asked for yet another rerun on every run. AppTest ends a run only when no rerun is asked."""
    monkeypatch.setenv("PLANNER_POLL_SECONDS", "1")
    store, plan_id = shared
    anna = _session(plan_id, access.create_invite(store, plan_id, "partner_editor").token, "Anna")
    store.apply_edit(plan_id, "revenue.deal_size", 45000, 1, "Vera", "vendor")
    anna.run(timeout=20)
    assert not anna.exception
    assert anna.number_input(key=DEAL).value == 45000
