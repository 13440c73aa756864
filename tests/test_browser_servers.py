"""Two ``streamlit run`` servers on different ports sharing one PostgreSQL database.

What several app servers behind one address do: the vendor in Hamburg works on one server, the
partner in Munich joined by link on the other; each sees the other's edit within 2 s, read from
the shared database by each server's watcher (``planner.ui.push``). Each test gets a fresh
database on the server of ``PLANNER_TEST_POSTGRES_URL`` (``scripts/test`` starts one), so it
sees no other test's plans.
Waits are on input values, never on the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from planner import access, i18n
from planner.policy import RULES
from planner.store import Store
from planner.ui import library
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.store_support import POSTGRES_URL, database_for
from tests.test_browser_collab import (
    VISIBLE_MS,
    browser_page,
    commit_value,
    deal_input,
    join,
    settle,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not POSTGRES_URL,
        reason="PLANNER_TEST_POSTGRES_URL is not set (scripts/test starts a PostgreSQL)",
    ),
]


@pytest.fixture
def shared_database(tmp_path: Path) -> Iterator[str]:
    """URL of a fresh PostgreSQL database, dropped after the test (and after its servers)."""
    yield from database_for("postgres", tmp_path)


@pytest.fixture
def store(shared_database: str) -> Iterator[Store]:
    opened = Store(shared_database, policy=RULES)
    yield opened
    opened.close()


@pytest.fixture
def server_env() -> dict[str, str]:
    """More environment for both servers (none: the defaults; a test may parametrize it)."""
    return {}


@dataclass(frozen=True)
class TwoOffices:
    """The vendor on server 1 (Hamburg), the partner by join link on server 2 (Munich)."""

    plan_id: str
    vendor: Any
    partner: Any


@pytest.fixture
def offices(
    shared_database: str,
    store: Store,
    start_app_server: Callable[[Mapping[str, str]], str],
    chromium_browser: Any,
    server_env: dict[str, str],
) -> Iterator[TwoOffices]:
    plan_id = store.create_plan(library.template("reseller"), author="Vera", side="vendor")
    token = access.create_invite(store, access.owner_access(plan_id), "partner_editor").token
    both = {"PLANNER_DATABASE_URL": shared_database, **server_env}
    hamburg, munich = start_app_server(both), start_app_server(both)
    assert hamburg.rsplit(":", 1)[1] != munich.rsplit(":", 1)[1]  # two servers, two ports
    # Two people, two browsers: neither page is a throttled background tab of the other.
    munich_browser = chromium_browser.browser_type.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
    )
    vendor_context, vendor = browser_page(chromium_browser)
    partner_context, partner = browser_page(munich_browser)
    try:
        vendor.goto(f"{hamburg}/assumptions")
        settle(vendor)
        name = vendor.get_by_role("textbox", name=i18n.t("collab.your_name", "de"))
        name.fill("Vera")
        name.press("Enter")
        vendor.get_by_text("Vera (Hersteller)").wait_for()
        vendor.get_by_role("tab", name=i18n.t("ui.assumptions.revenue", "de")).click()
        deal_input(vendor).wait_for()
        join(partner, munich, plan_id, token, "Anna")
        deal_input(partner).wait_for()
        yield TwoOffices(plan_id, vendor, partner)
    finally:
        vendor_context.close()
        partner_context.close()
        munich_browser.close()


def test_an_edit_on_one_server_shows_on_the_other(offices: TwoOffices, store: Store) -> None:
    from playwright.sync_api import expect

    commit_value(offices.vendor, deal_input(offices.vendor), "52.000", store, offices.plan_id)
    version = store.version(offices.plan_id)
    offices.vendor.get_by_text(i18n.t("ui.workspace.version", "de", version=version)).wait_for()
    assert store.plan_at(offices.plan_id).revenue.deal_size == 52000  # stored via server 1
    expect(deal_input(offices.partner)).to_have_value("52.000\xa0€", timeout=VISIBLE_MS)  # server 2
    last = store.log(offices.plan_id)[-1]
    assert (last.author, last.side, last.new) == ("Vera", "vendor", 52000)


def test_the_partners_edit_after_a_remote_edit_reaches_the_vendor_on_the_other_server(
    offices: TwoOffices, store: Store
) -> None:
    from playwright.sync_api import expect

    commit_value(offices.vendor, deal_input(offices.vendor), "52.000", store, offices.plan_id)
    expect(deal_input(offices.partner)).to_have_value("52.000\xa0€", timeout=VISIBLE_MS)
    commit_value(offices.partner, deal_input(offices.partner), "61.000", store, offices.plan_id)
    expect(deal_input(offices.vendor)).to_have_value("61.000\xa0€", timeout=VISIBLE_MS)
    rows = store.log(offices.plan_id)[-2:]
    assert [(r.author, r.side, r.new) for r in rows] == [
        ("Vera", "vendor", 52000),
        ("Anna", "partner", 61000),
    ]


@pytest.mark.parametrize("server_env", [{"PLANNER_POLL_SECONDS": "3600"}])
def test_each_server_pushes_the_others_edit_to_its_page(offices: TwoOffices, store: Store) -> None:
    """The pages' own timer at an hour: each server's watcher reads the shared database and
    wakes its page; nobody touches the page that changes."""
    from playwright.sync_api import expect

    commit_value(offices.vendor, deal_input(offices.vendor), "52.000", store, offices.plan_id)
    offices.partner.bring_to_front()
    expect(deal_input(offices.partner)).to_have_value("52.000\xa0€", timeout=VISIBLE_MS)
    commit_value(offices.partner, deal_input(offices.partner), "61.000", store, offices.plan_id)
    offices.vendor.bring_to_front()
    expect(deal_input(offices.vendor)).to_have_value("61.000\xa0€", timeout=VISIBLE_MS)
    rows = [(r.author, r.side, r.new) for r in store.log(offices.plan_id)[1:]]
    assert rows == [("Vera", "vendor", 52000), ("Anna", "partner", 61000)]
