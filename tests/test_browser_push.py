"""The server wakes an open page when its plan moves (``planner.ui.push``), in chromium against
``streamlit run``. The pages' own timer is set to an hour, so whatever reaches a page here came
by the server's watcher; nobody touches the page that changes. Waits are on the page, never on
the clock. (Two servers on one PostgreSQL: ``test_browser_servers.py``.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from planner import access, i18n
from planner.policy import RULES
from planner.store import Store
from tests.conftest import running_app
from tests.test_browser_collab import (
    VISIBLE_MS,
    browser_page,
    commit_value,
    deal_input,
    enter_name,
    join,
    settle,
    shared_plan,
)

pytestmark = pytest.mark.browser

NO_TIMER = {"PLANNER_POLL_SECONDS": "3600"}
"""The pages' fallback timer at an hour: only the server's push can bring a change."""


@pytest.fixture
def pushed(tmp_path: Path) -> Iterator[tuple[str, Store]]:
    """A server whose pages learn of changes only by push; its URL and its store."""
    with running_app(tmp_path, NO_TIMER) as url:
        store = Store(f"sqlite+pysqlite:///{tmp_path / 'planner.db'}", policy=RULES)
        try:
            yield url, store
        finally:
            store.close()


def test_an_edit_reaches_the_other_page_by_push_and_the_page_writes_nothing(
    chromium_browser: Any, pushed: tuple[str, Store]
) -> None:
    """Vera commits a deal size in her browser; Anna, by link, is typing into the churn rate
    and does nothing else. Her page shows Vera's value by itself, her typing stays in its
    input, and the change log holds Vera's change alone. Then her link is revoked: her page
    closes by itself too."""
    from playwright.sync_api import expect

    url, store = pushed
    plan_id = store.create_plan(shared_plan(), author="Vera", side="vendor")
    invite = access.create_invite(store, access.owner_access(plan_id), "partner_editor")
    (vera_context, vera), (anna_context, anna) = (
        browser_page(chromium_browser),
        browser_page(chromium_browser),
    )
    try:
        vera.goto(f"{url}/assumptions")
        settle(vera)
        enter_name(vera, "Vera")
        vera.get_by_role("tab", name=i18n.t("ui.assumptions.revenue", "de")).click()
        join(anna, url, plan_id, invite.token, "Anna")
        churn = anna.get_by_role("textbox", name=i18n.label("revenue.monthly_churn", "de"))
        churn.select_text()
        churn.press_sequentially("2,5")  # typed, not committed: it must survive the push

        commit_value(vera, deal_input(vera), "52.000", store, plan_id)
        anna.bring_to_front()  # each person looks at their own browser
        expect(deal_input(anna)).to_have_value("52.000\xa0€", timeout=VISIBLE_MS)
        settle(anna)
        expect(churn).to_have_value("2,5")  # her typing, untouched
        rows = [(r.author, r.side, r.path, r.new) for r in store.log(plan_id)[1:]]
        assert rows == [("Vera", "vendor", "revenue.deal_size", 52000)]

        assert access.revoke(store, access.owner_access(plan_id), invite.id)
        anna.get_by_text(i18n.t("collab.no_access", "de")).wait_for(timeout=VISIBLE_MS)
        assert [r.author for r in store.log(plan_id)[1:]] == ["Vera"]
    finally:
        vera_context.close()
        anna_context.close()
