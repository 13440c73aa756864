"""A join link opened on the dashboard: both sides' key figures, then the charts and the yearly
P&L, by themselves; a later run (someone else's change) keeps the charts in place; a copied
link asks for a name before showing any figure. Waits are on what the page shows, never on the
clock (the times are measured in benchmarks/bench_link.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from planner import access, i18n
from planner.policy import RULES
from planner.store import Store
from tests.conftest import running_app
from tests.test_browser_collab import (
    SECRET_FORMS,
    VISIBLE_MS,
    everything_on,
    partner_npv,
    settle,
    shared_plan,
)

pytestmark = pytest.mark.browser

CHART = '[data-testid="stVegaLiteChart"]'
TABLE = '[data-testid="stDataFrame"]'
# Counts, in the page, every time the dashboard's charts went from drawn to none: a run that
# blanked them would count one.
BLANKS = """
(() => {
  window.__blanks = 0; let drawn = false;
  new MutationObserver(() => {
    const now = document.querySelectorAll('[data-testid="stVegaLiteChart"]').length > 0;
    if (drawn && !now) window.__blanks += 1;
    drawn = now;
  }).observe(document, {childList: true, subtree: true});
})();
"""


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[str, Store, str, str]]:
    """A server, its store, a plan with the vendor's private margin and a partner's link."""
    with running_app(tmp_path) as url:
        store = Store(f"sqlite+pysqlite:///{tmp_path / 'planner.db'}", policy=RULES)
        try:
            plan_id = store.create_plan(shared_plan(), author="Vera", side="vendor")
            token = access.create_invite(store, plan_id, "partner_editor").token
            yield url, store, plan_id, token
        finally:
            store.close()


def named_browser(chromium_browser: Any, url: str, plan_id: str, token: str, name: str) -> Any:
    """A browser that gave ``name`` on this link before (its cookie, as a reload has it)."""
    context = chromium_browser.new_context(viewport={"width": 1440, "height": 1000}, locale="de-DE")
    bound = hashlib.sha256(f"{plan_id}\n{token}".encode()).hexdigest()[:16]
    context.add_cookies([{"name": f"planner_name_{bound}", "value": quote(name), "url": url}])
    return context


def test_the_dashboard_draws_its_charts_and_pnl_by_itself_and_keeps_them(
    chromium_browser: Any, shared: tuple[str, Store, str, str]
) -> None:
    from playwright.sync_api import expect

    url, store, plan_id, token = shared
    context = named_browser(chromium_browser, url, plan_id, token, "Anna")
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.add_init_script(BLANKS)
        page.goto(f"{url}/?plan={plan_id}&key={token}")
        plan = store.plan_at(plan_id)
        page.get_by_text(partner_npv(plan)).first.wait_for()
        # nobody touches the page: the cash, mix and team charts and the P&L arrive
        expect(page.locator(CHART)).to_have_count(3, timeout=VISIBLE_MS)
        page.get_by_text(i18n.t("ui.dashboard.pnl_title", "de")).wait_for()
        page.locator(TABLE).first.wait_for()
        settle(page)
        shown = everything_on(page)
        leaked = [secret for secret in SECRET_FORMS if secret in shown]
        assert not leaked  # the late part is the partner's view too
        assert not page.locator('[data-testid="stException"]').count()
        # written by nobody: opening a page writes nothing
        assert store.version(plan_id) == 1

        # the vendor changes the plan: the page's run shows it with the charts kept in place
        assert store.apply_edit(plan_id, "revenue.deal_size", 52_000, 1, "Vera", "vendor").ok
        changed = store.plan_at(plan_id)
        page.get_by_text(partner_npv(changed)).first.wait_for(timeout=VISIBLE_MS)
        settle(page)
        expect(page.locator(CHART)).to_have_count(3)
        assert page.evaluate("() => window.__blanks") == 0
    finally:
        context.close()


def test_a_copied_link_asks_for_the_name_before_any_figure(
    chromium_browser: Any, shared: tuple[str, Store, str, str]
) -> None:
    from playwright.sync_api import expect

    url, store, plan_id, token = shared
    context = chromium_browser.new_context(viewport={"width": 1440, "height": 1000}, locale="de-DE")
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{url}/?plan={plan_id}&key={token}")
        name = page.get_by_role("textbox", name=i18n.t("collab.your_name", "de"))
        name.wait_for()
        settle(page)
        plan = store.plan_at(plan_id)
        assert partner_npv(plan) not in page.inner_text("body")
        assert not page.locator(CHART).count()
        name.fill("Berta")
        name.press("Enter")
        page.get_by_text(partner_npv(plan)).first.wait_for()
        expect(page.locator(CHART)).to_have_count(3, timeout=VISIBLE_MS)
    finally:
        context.close()
