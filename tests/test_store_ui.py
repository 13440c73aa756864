"""Two app sessions on one database: a join link, live edits, conflicts, a wrong token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner import access
from planner.store import Store
from planner.ui import collab, state
from tests.store_support import example_plan

DEAL = state.field_key("revenue.deal_size")
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
