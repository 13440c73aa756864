"""Access, switches and forms in real browsers, the store's change log as the ground truth.

A page left open after its link was revoked writes nothing, whatever input it still sends; a
switch writes once per click, never by itself, however many tabs are open and whatever
arrives; a form saved against a version someone else changed meanwhile shows the conflict
instead of overwriting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from planner import access, i18n
from planner.store import Store
from tests.test_browser_collab import (
    browser_page,
    commit_value,
    deal_input,
    join,
    settle,
    shared_plan,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def quiet_server(
    start_app_server: Callable[[Mapping[str, str]], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Store]]:
    """An app server whose pages do not poll: a page learns of a revocation only from its own
    next input, so that input is sent by a page that still shows the plan."""
    folder = tmp_path_factory.mktemp("quiet")
    url = start_app_server({"PLANNER_POLL_SECONDS": "0", "PLANNER_DATA_DIR": str(folder)})
    store = Store(f"sqlite+pysqlite:///{folder / 'planner.db'}")
    yield url, store
    store.close()


def test_an_input_on_a_page_whose_link_was_revoked_writes_nothing(
    chromium_browser: Any, quiet_server: tuple[str, Store]
) -> None:
    url, store = quiet_server
    plan_id = store.create_plan(shared_plan(), author="Vera", side="vendor")
    invite = access.create_invite(store, plan_id, "partner_editor")
    context, page = browser_page(chromium_browser)
    try:
        join(page, url, plan_id, invite.token, "Anna")
        commit_value(page, deal_input(page), "38.000", store, plan_id)
        assert access.revoke(store, plan_id, invite.id)
        box = deal_input(page)  # still on screen: nothing told the page
        box.fill("39.000")
        box.press("Tab")
        page.get_by_text(i18n.t("collab.no_access", "de")).wait_for()
        settle(page)  # the run is over: what it did not draw is gone
        assert not deal_input(page).count()
        # the notice alone: no page list, no sidebar
        assert not page.locator('[data-testid="stSidebarNav"]').count()
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert not sidebar.count() or not sidebar.inner_text().strip()
        rows = store.log(plan_id)
        assert [(r.author, r.side, r.new) for r in rows[1:]] == [("Anna", "partner", 38000)]
    finally:
        context.close()
