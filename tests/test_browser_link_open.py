"""A join link opened on the dashboard: both sides' key figures first, without a chart or table
(the browser loads no chart or grid script for them); the charts and the yearly P&L in their
tabs once opened; a later run (someone else's change) keeps the charts in place; a copied link
asks for a name before showing any figure. Waits are on what the page shows, never on the
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
            token = access.create_invite(
                store, access.owner_access(plan_id), "partner_editor"
            ).token
            yield url, store, plan_id, token
        finally:
            store.close()


def named_browser(chromium_browser: Any, url: str, plan_id: str, token: str, name: str) -> Any:
    """A browser that gave ``name`` on this link before (its cookie, as a reload has it)."""
    context = chromium_browser.new_context(viewport={"width": 1440, "height": 1000}, locale="de-DE")
    bound = hashlib.sha256(f"{plan_id}\n{token}".encode()).hexdigest()[:16]
    context.add_cookies([{"name": f"planner_name_{bound}", "value": quote(name), "url": url}])
    return context


def open_tab(page: Any, view: str) -> None:
    """Click one of the dashboard's tabs (German titles)."""
    page.get_by_role("tab", name=i18n.t(f"ui.dashboard.tab_{view}", "de")).click()


def test_the_dashboard_shows_the_figures_first_and_its_charts_and_pnl_when_opened(
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
        settle(page)
        # the first view: figures only, and no chart or grid script was loaded for it
        assert not page.locator(CHART).count()
        assert not page.locator(TABLE).count()
        loaded = page.evaluate(
            "() => performance.getEntriesByType('resource').map((r) => r.name).join(' ')"
        )
        assert "ArrowVegaLiteChart" not in loaded
        assert "DataFrame" not in loaded
        shown = everything_on(page)

        open_tab(page, "pnl")
        page.get_by_text(i18n.t("ui.dashboard.pnl_title", "de")).wait_for()
        page.locator(TABLE).first.wait_for()
        settle(page)
        shown += everything_on(page)
        open_tab(page, "charts")
        expect(page.locator(CHART)).to_have_count(3, timeout=VISIBLE_MS)
        settle(page)
        shown += everything_on(page)
        leaked = [secret for secret in SECRET_FORMS if secret in shown]
        assert not leaked  # every tab is the partner's view
        assert not page.locator('[data-testid="stException"]').count()
        # written by nobody: opening a page or a tab writes nothing
        assert store.version(plan_id) == 1

        # the vendor changes the plan: the page's run keeps the open tab and its charts in place
        assert store.apply_edit(plan_id, "revenue.deal_size", 52_000, 1, "Vera", "vendor").ok
        changed = store.plan_at(plan_id)
        open_tab(page, "figures")
        page.get_by_text(partner_npv(changed)).first.wait_for(timeout=VISIBLE_MS)
        open_tab(page, "charts")
        expect(page.locator(CHART)).to_have_count(3, timeout=VISIBLE_MS)
        before = page.evaluate("() => window.__blanks")
        assert store.apply_edit(plan_id, "revenue.deal_size", 53_000, 2, "Vera", "vendor").ok
        page.get_by_text(i18n.t("ui.workspace.version", "de", version=3)).wait_for(
            timeout=VISIBLE_MS
        )
        settle(page)
        expect(page.locator(CHART)).to_have_count(3)
        assert page.evaluate("() => window.__blanks") == before  # not blanked by the run
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
        open_tab(page, "charts")
        expect(page.locator(CHART)).to_have_count(3, timeout=VISIBLE_MS)
    finally:
        context.close()
