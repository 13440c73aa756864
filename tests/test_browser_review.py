"""Two browsers in a review session: the partner records a commitment on the onboarding page
and the vendor's page shows its effect on the next poll; the partner's page never shows the
vendor's NPV. Waits are on what the pages show, never on the clock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from planner import access, i18n
from planner.onboarding import review as reviews
from planner.plan.files import load
from planner.plan.schema import Plan
from planner.plan.validation import validate
from planner.policy import RULES
from planner.store import Store
from tests.factories import EXAMPLE

pytestmark = pytest.mark.browser

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
VISIBLE_MS = 20_000
DE = "de"


def live_plan() -> Plan:
    data = load(EXAMPLE).to_data()
    data["title"] = "QBR browser session"
    data["actuals"] = [{"month": m, "new_deals": 0.5, "opex": 2600.0} for m in (1, 2, 4)]
    return validate(data)


@pytest.fixture
def session(app_server: dict[str, Any]) -> Iterator[tuple[Store, str]]:
    store = Store(f"sqlite+pysqlite:///{app_server['data_dir'] / 'planner.db'}", policy=RULES)
    try:
        yield store, store.create_plan(live_plan(), author="Vera", side="vendor")
    finally:
        store.close()


def settle(page: Any) -> None:
    page.wait_for_selector(IDLE)
    page.locator('[data-testid="stStatusWidgetRunningIcon"]').wait_for(state="detached")


def open_review(browser: Any, url: str, plan: str, token: str, name: str) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{url}/onboarding?plan={plan}&key={token}")
    settle(page)
    name_input = page.get_by_role("textbox", name=i18n.t("collab.your_name", DE))
    name_input.fill(name)
    name_input.press("Enter")
    settle(page)
    page.get_by_role("heading", name=i18n.t("ui.review.title", DE)).wait_for()
    settle(page)
    return context, page


def npv_line(plan: Plan, side: str) -> str:
    """The caption of a side's NPV, signed and now, as the review section words it."""
    found = reviews.review(live_plan(), plan, "vendor", spread=False).bridges[side]
    assert found is not None
    money = lambda v: i18n.money(v, "EUR", DE)  # noqa: E731
    return i18n.t("ui.review.npv_line", DE, signed=money(found.signed_npv), now=money(found.npv))


def test_a_record_of_one_side_shows_in_the_others_review(
    chromium_browser: Any, app_server: dict[str, Any], session: tuple[Store, str]
) -> None:
    from playwright.sync_api import expect

    store, plan_id = session
    url = app_server["url"]
    partner_link = access.create_invite(store, access.owner_access(plan_id), "partner_editor").token
    vendor_link = access.create_invite(store, access.owner_access(plan_id), "vendor_editor").token
    anna_context, anna = open_review(chromium_browser, url, plan_id, partner_link, "Anna")
    vera_context, vera = open_review(chromium_browser, url, plan_id, vendor_link, "Vera")
    try:
        before = store.plan_at(plan_id)
        vera.get_by_text(npv_line(before, "partner")).wait_for()
        vendor_npv = npv_line(before, "vendor")
        vera.get_by_text(vendor_npv).wait_for()
        expect(anna.get_by_text(vendor_npv)).to_have_count(0)
        anna.get_by_text(i18n.t("qbr.status.hidden", DE)).first.wait_for()

        # Anna records that one of the two account executives will not be hired
        anna.get_by_role("tab", name=i18n.t("ui.review.tab_record", DE)).click()
        form = anna.locator('[data-testid="stForm"]').filter(has_text=i18n.t("ui.review.hire", DE))
        form.get_by_text(i18n.t("ui.review.dropped", DE)).click()
        form.get_by_role("button", name=i18n.t("ui.review.save", DE)).click()
        anna.get_by_text(i18n.t("ui.review.saved", DE)).wait_for()  # the confirmation
        after = store.plan_at(plan_id)
        assert after.commitments is not None
        assert [(h.resource, h.fte, h.dropped) for h in after.commitments.hires] == [(0, 1.0, True)]
        assert [(c.author, c.side, c.path) for c in store.log(plan_id)[1:]] == [
            ("Anna", "partner", "commitments.hires")
        ]
        # Vera's page takes it on its next poll: the partner's NPV now is the new one
        changed = npv_line(after, "partner")
        assert changed != npv_line(before, "partner")
        expect(vera.get_by_text(changed)).to_be_visible(timeout=VISIBLE_MS)
        expect(anna.get_by_text(changed)).to_be_visible(timeout=VISIBLE_MS)
        expect(anna.get_by_text(npv_line(after, "vendor"))).to_have_count(0)
    finally:
        anna_context.close()
        vera_context.close()
