"""Negotiating terms in two browsers: the vendor proposes, the partner sees it live and
counters, the vendor accepts; the change log holds exactly the accepted change."""

from __future__ import annotations

import re
from typing import Any

import pytest

from planner import access, i18n, proposals
from planner.store import Store
from tests.test_browser_collab import (
    VISIBLE_MS,
    enter_name,
    plan_id,
    settle,
    two_pages,
)

__all__ = ["plan_id", "two_pages"]

pytestmark = pytest.mark.browser


def _propose(page: Any, value: str, reason: str) -> None:
    """Choose the MDF rate, type the value the way a German reader does, give a reason."""
    mdf = re.compile(re.escape(i18n.label("vendor_programme.mdf_rate", "de")))
    field = page.get_by_role("textbox", name=mdf)
    if not field.count():
        page.locator('[data-testid="stMultiSelect"]').click()
        page.keyboard.type("MDF")  # the list shows the first options; typing filters it
        page.get_by_role("option", name=mdf).first.click()
        page.keyboard.press("Escape")
        settle(page)
    field.fill(value)
    page.get_by_role("textbox", name=i18n.t("ui.proposals.reason", "de")).fill(reason)
    page.get_by_role("button", name=i18n.t("ui.proposals.send", "de")).click()
    settle(page)


def test_propose_counter_accept_across_two_browsers(
    two_pages: tuple[Any, Any], app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    url = app_server["url"]
    vendor, partner = two_pages
    token = access.create_invite(store, access.owner_access(plan_id), "partner_editor").token
    vendor.goto(f"{url}/proposals")
    settle(vendor)
    enter_name(vendor, "Vera")
    partner.goto(f"{url}/proposals?plan={plan_id}&key={token}")
    settle(partner)
    box = partner.get_by_role("textbox", name=i18n.t("collab.your_name", "de"))
    box.fill("Anna")
    box.press("Enter")
    settle(partner)

    _propose(vendor, "4,5", "Mehr MDF im ersten Jahr")
    vendor.get_by_text(i18n.t("ui.proposals.open", "de", count=1)).wait_for()
    (offer,) = proposals.open_ones(store, plan_id)
    assert dict(offer.changes) == {"vendor_programme.mdf_rate": 0.045}

    # the partner's page shows it without a reload, with its effect on both sides
    partner.bring_to_front()
    title = i18n.t("ui.proposals.card", "de", number=offer.id, who="Vera (Hersteller)")
    partner.get_by_text(title).wait_for(timeout=VISIBLE_MS)
    # its changes and its effect on both sides' key figures: two tables in the card
    partner.locator(f'.st-key-proposal_{offer.id} [data-testid="stDataFrame"]').nth(1).wait_for()
    partner.get_by_role("button", name=i18n.t("ui.proposals.counter", "de")).click()
    settle(partner)
    mdf = re.compile(re.escape(i18n.label("vendor_programme.mdf_rate", "de")))
    partner.get_by_role("textbox", name=mdf).wait_for()  # the form holds the proposal's values
    _propose(partner, "5", "5 % brauchen wir für die Kampagne")
    partner.get_by_text("Gegenvorschlag von Anna").wait_for()
    (answer,) = proposals.open_ones(store, plan_id)
    assert (answer.side, answer.counter_of) == ("partner", offer.id)
    assert dict(answer.changes) == {"vendor_programme.mdf_rate": 0.05}
    assert store.log(plan_id)[1:] == []

    vendor.bring_to_front()
    counter = i18n.t("ui.proposals.card", "de", number=answer.id, who="Anna (Partner)")
    vendor.get_by_text(counter).wait_for(timeout=VISIBLE_MS)
    vendor.get_by_role("button", name=i18n.t("ui.proposals.accept", "de")).click()
    vendor.get_by_text("angenommen von Vera").wait_for(timeout=VISIBLE_MS)
    log = store.log(plan_id)[1:]
    assert [(c.path, c.new, c.author, c.kind) for c in log] == [
        ("vendor_programme.mdf_rate", 0.05, "Anna", "proposal")
    ]
    partner.bring_to_front()
    partner.get_by_text("angenommen von Vera").wait_for(timeout=VISIBLE_MS)
