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
from planner.plan import with_values
from planner.policy import RULES
from planner.store import Store
from tests.test_browser_coediting import wait_until as wait_for
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
from tests.test_live_settings import DECIDED, SHARE

pytestmark = pytest.mark.browser


@pytest.fixture
def quiet_server(
    start_app_server: Callable[[Mapping[str, str]], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Store]]:
    """An app server whose pages do not poll: a page learns of a revocation only from its own
    next input, so that input is sent by a page that still shows the plan."""
    folder = tmp_path_factory.mktemp("quiet")
    url = start_app_server({"PLANNER_POLL_SECONDS": "0", "PLANNER_DATA_DIR": str(folder)})
    store = Store(f"sqlite+pysqlite:///{folder / 'planner.db'}", policy=RULES)
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


IDLE_MS = 3_000
"""How long pages stay idle between steps: six polls at the default half second (a switch that
wrote by itself flipped about three times a second)."""


@pytest.fixture
def store(app_server: dict[str, Any]) -> Iterator[Store]:
    opened = Store(f"sqlite+pysqlite:///{app_server['data_dir'] / 'planner.db'}", policy=RULES)
    yield opened
    opened.close()


def _rows(store: Store, plan_id: str) -> list[tuple[str, str, Any]]:
    return [(r.author, r.path, r.new) for r in store.log(plan_id)[1:]]


def test_the_sharing_switch_in_two_tabs_writes_once_per_click_and_never_by_itself(
    chromium_browser: Any, app_server: dict[str, Any], store: Store
) -> None:
    from playwright.sync_api import expect

    url = app_server["url"]
    plan_id = store.create_plan(shared_plan(), author="Vera", side="vendor")  # the newest
    context = chromium_browser.new_context(viewport={"width": 1440, "height": 1000}, locale="de-DE")
    try:
        tabs = [context.new_page(), context.new_page()]  # one person, two tabs
        for tab in tabs:
            tab.set_default_timeout(30_000)
            tab.goto(f"{url}/share")
            settle(tab)
            if tab is tabs[0]:
                enter_name(tab, "Vera")
        tabs[1].get_by_text("Vera (Hersteller)").wait_for()  # the browser's name for the access
        switches = [
            t.get_by_role("switch", name=i18n.t("collab.share_economics", "de")) for t in tabs
        ]
        for switch in switches:
            expect(switch).not_to_be_checked()
        tabs[0].wait_for_timeout(IDLE_MS)
        assert _rows(store, plan_id) == []  # idle: nothing

        base = store.field_version(plan_id, SHARE)
        assert store.apply_edit(plan_id, SHARE, True, base, "Max", "vendor").ok  # elsewhere
        for switch in switches:
            expect(switch).to_be_checked(timeout=VISIBLE_MS)
        tabs[0].wait_for_timeout(IDLE_MS)
        assert _rows(store, plan_id) == [("Max", SHARE, True)]  # nothing written back

        switches[1].click(force=True)  # the person turns it off in the second tab
        expect(switches[0]).not_to_be_checked(timeout=VISIBLE_MS)
        tabs[0].wait_for_timeout(IDLE_MS)
        assert _rows(store, plan_id) == [("Max", SHARE, True), ("Vera", SHARE, False)]
    finally:
        context.close()


def test_a_decision_saved_over_a_correction_is_a_conflict_not_an_overwrite(
    chromium_browser: Any, app_server: dict[str, Any], store: Store
) -> None:
    url = app_server["url"]
    plan_id = store.create_plan(
        with_values(shared_plan(), {"decision": DECIDED}), author="Vera", side="vendor"
    )
    token = access.create_invite(store, plan_id, "partner_editor").token
    (vendor_context, vendor), (partner_context, partner) = (
        browser_page(chromium_browser),
        browser_page(chromium_browser),
    )
    participants = i18n.t("signoff.ui.decision_partner", "de")
    try:
        vendor.goto(f"{url}/signoff")
        settle(vendor)
        enter_name(vendor, "Vera")
        partner.goto(f"{url}/signoff?plan={plan_id}&key={token}")
        settle(partner)
        name = partner.get_by_role("textbox", name=i18n.t("collab.your_name", "de"))
        name.fill("Anna")
        name.press("Enter")
        settle(partner)

        mine = vendor.get_by_role("textbox", name=participants)
        mine.fill("Anna Berger")  # Vera types, and has not saved yet
        mine.press("Tab")
        theirs = partner.get_by_role("textbox", name=participants)
        theirs.fill("Anna Berger (CEO), Jonas Weber (CFO)")
        theirs.press("Tab")
        partner.get_by_role("button", name=i18n.t("signoff.ui.decision_save", "de")).click()
        assert wait_for(lambda: len(store.log(plan_id)) == 2)
        vendor.wait_for_timeout(IDLE_MS)  # the correction arrives on Vera's open form
        assert mine.input_value() == "Anna Berger"  # what she typed stays
        vendor.get_by_role("button", name=i18n.t("signoff.ui.decision_save", "de")).click()
        vendor.get_by_role("button", name=i18n.t("collab.keep_mine", "de")).wait_for()
        vendor.wait_for_timeout(IDLE_MS)
        assert _rows(store, plan_id) == [
            ("Anna", "decision.partner", "Anna Berger (CEO), Jonas Weber (CFO)")
        ]
    finally:
        vendor_context.close()
        partner_context.close()


def test_a_copied_address_asks_for_a_name_and_a_reload_keeps_it(
    chromium_browser: Any, app_server: dict[str, Any], store: Store
) -> None:
    url = app_server["url"]
    plan_id = store.create_plan(shared_plan(), author="Vera", side="vendor")
    token = access.create_invite(store, plan_id, "partner_editor").token
    (own_context, own), (other_context, other) = (
        browser_page(chromium_browser),
        browser_page(chromium_browser),
    )
    name_box = i18n.t("collab.your_name", "de")
    try:
        join(own, url, plan_id, token, "Anna")
        assert "Anna" not in own.url  # the address names no one
        own.reload()
        settle(own)
        own.get_by_text("Anna (Partner)").wait_for()  # this browser keeps her name for this link
        assert not own.get_by_role("textbox", name=name_box).count()

        other.goto(own.url)  # the address, copied to a colleague's browser
        settle(other)
        other.get_by_role("textbox", name=name_box).wait_for()
        assert not other.get_by_text("Anna (Partner)").count()
    finally:
        own_context.close()
        other_context.close()
