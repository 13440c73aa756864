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
from planner.store import Store
from planner.ui import collab
from tests.app_support import local_app
from tests.store_support import example_plan

ROOT = Path(__file__).resolve().parents[1]
SHARE = collab.SHARE_PATH


@pytest.fixture
def workspace_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Store, str]]:
    with local_app(tmp_path, monkeypatch):
        store = Store()
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


def _switch(app: AppTest) -> object:
    (found,) = [t for t in app.toggle if str(t.key).startswith(collab.SHARE_KEY + "@")]
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
