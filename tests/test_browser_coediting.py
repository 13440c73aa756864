"""Co-editing in real browsers at the default poll: nothing is written that nobody typed.

Three kinds of page (the vendor's workspace, a partner editor's link, a viewer's link) stay open
while edits arrive through the store, and two people type into the same and into different
fields with random offsets. The change log must hold exactly what the test typed (or the store
received), each at most once; a typed value that neither lands nor shows as a conflict is a
dropped commit and fails the test: nothing is ever typed a second time.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from typing import Any

import pytest

from planner import access, i18n
from planner.store import Store
from tests.test_browser_collab import (
    VISIBLE_MS,
    browser_page,
    deal_input,
    enter_name,
    join,
    settle,
    shared_plan,
)

pytestmark = pytest.mark.browser

REMOTE = "Remo Fern"
"""The author of the edits that arrive through the store, not through a page."""


@pytest.fixture
def plan_id(store: Store) -> str:
    """A fresh plan per test, the newest, so the workspace opens it."""
    return store.create_plan(shared_plan(), author="Vera", side="vendor")


@pytest.fixture
def pages(chromium_browser: Any) -> Iterator[list[Any]]:
    """Three browser contexts: three people with their own Streamlit sessions."""
    opened = [browser_page(chromium_browser) for _ in range(3)]
    try:
        yield [page for _, page in opened]
    finally:
        for context, _ in opened:
            context.close()


def open_workspace(page: Any, url: str, name: str) -> None:
    page.goto(f"{url}/assumptions")
    settle(page)
    enter_name(page, name)
    page.get_by_role("tab", name=i18n.t("ui.assumptions.revenue", "de")).click()


def vendor_and_partner(vendor: Any, partner: Any, url: str, plan_id: str, store: Store) -> None:
    """Vera in the workspace's revenue tab, Anna by a partner editor's link, both named."""
    open_workspace(vendor, url, "Vera")
    join(
        partner,
        url,
        plan_id,
        access.create_invite(store, access.owner_access(plan_id), "partner_editor").token,
        "Anna",
    )


def field_box(page: Any, path: str) -> Any:
    return page.get_by_role("textbox", name=i18n.label(path, "de"))


def wait_until(condition: Any, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


# --- idle pages -------------------------------------------------------------------------------

REMOTE_VALUES: dict[str, Any] = {
    "revenue.deal_size": lambda r: float(r.randrange(30, 61) * 1000),
    "revenue.monthly_churn": lambda r: r.randrange(1, 30) / 1000,
    "revenue.partner_margin": lambda r: r.randrange(10, 40) / 100,
    "revenue.subscription": lambda r: r.random() < 0.5,
    "vendor_programme.mdf_rate": lambda r: r.randrange(0, 60) / 1000,
    "vendor_programme.gross_margin": lambda r: r.randrange(70, 90) / 100,  # private to the vendor
    "opex_per_month": lambda r: float(r.randrange(0, 20) * 500),
}


def test_idle_pages_write_nothing_while_200_edits_arrive(
    pages: list[Any], app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    from playwright.sync_api import expect

    url = app_server["url"]
    workspace, partner, viewer = pages
    vendor_and_partner(workspace, partner, url, plan_id, store)
    join(
        viewer,
        url,
        plan_id,
        access.create_invite(store, access.owner_access(plan_id), "viewer").token,
        "Otto",
    )

    rng = random.Random(10)
    accepted = 0
    for _ in range(200):
        path = rng.choice(list(REMOTE_VALUES))
        value = REMOTE_VALUES[path](rng)
        result = store.apply_edit(
            plan_id, path, value, store.field_version(plan_id, path), REMOTE, "vendor"
        )
        assert result.ok, result
        accepted += result.status == "accepted"
        time.sleep(rng.uniform(0, 0.1))  # edits arrive at an uneven pace, ~20 a second
    final = store.plan_at(plan_id)
    shown = i18n.money(final.revenue.deal_size, "EUR", "de")  # as an input reads at rest
    for page in (workspace, partner, viewer):
        page.bring_to_front()
        expect(deal_input(page)).to_have_value(shown, timeout=VISIBLE_MS)
    time.sleep(3)  # a late write by a page would land in this quiet time

    rows = store.log(plan_id)[1:]
    assert {row.author for row in rows} <= {REMOTE}, [r for r in rows if r.author != REMOTE]
    assert len({row.version for row in rows}) == accepted
    assert store.plan_at(plan_id) == final


# --- two people typing --------------------------------------------------------------------------

DUEL_FIELDS = (
    "revenue.deal_size",
    "revenue.services_per_deal",
    "revenue.delivery_capacity_per_fte_month",
)  # all on the workspace's revenue tab


def test_two_people_typing_at_once_write_exactly_what_they_typed(
    pages: list[Any], app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    url = app_server["url"]
    vendor, partner, _ = pages
    vendor_and_partner(vendor, partner, url, plan_id, store)
    people = {"Vera": vendor, "Anna": partner}
    rng = random.Random(11)
    typed: list[tuple[str, str, float]] = []
    for round_ in range(24):
        for page in people.values():
            decide_conflicts(page, rng)
        same = rng.random() < 0.5
        paths = [rng.choice(DUEL_FIELDS)] * 2 if same else rng.sample(DUEL_FIELDS, 2)
        entries = []
        for (name, page), path, nth in zip(people.items(), paths, (1, 2), strict=True):
            value = float(10_000 + round_ * 100 + nth)  # never a value anybody else types
            entries.append((name, page, path, value))
        for _, page, path, value in entries:
            field_box(page, path).fill(i18n.number(value, "de"))
        first, second = entries if rng.random() < 0.5 else entries[::-1]
        first[1].keyboard.press("Tab")  # leaves the field the person typed into
        first[1].wait_for_timeout(rng.uniform(0, 600))
        second[1].keyboard.press("Tab")
        for name, _page, path, value in entries:
            typed.append((name, path, value))

            def settled(name: str = name, path: str = path, value: float = value) -> bool:
                log = [(r.author, r.path, r.new) for r in store.log(plan_id)]
                return (name, path, value) in log or conflict_shown(people[name])

            assert wait_until(settled), f"round {round_}: {name}'s {value} for {path} was dropped"
        for page in people.values():
            settle(page)
            decide_conflicts(page, rng)

    rows = [(r.author, r.path, r.new) for r in store.log(plan_id)[1:]]
    assert len(rows) == len(set(rows)), "a value was written twice"
    assert set(rows) <= set(typed), [r for r in rows if r not in typed]
    # the plan holds, per field, the last value accepted for it
    final = store.plan_at(plan_id).to_data()
    for path in DUEL_FIELDS:
        last = [new for _, p, new in rows if p == path]
        if last:
            section, _, key = path.rpartition(".")
            holder = final[section] if section else final
            assert holder[key] == last[-1]


def test_typing_survives_a_change_by_someone_else_and_becomes_a_conflict(
    pages: list[Any], app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    """Vera is typing into the deal size when Remo's change of it arrives: her text stays in
    the input (the page shows Remo's version around it), and leaving the field makes it a
    conflict she decides, never a value lost or overwritten."""
    from playwright.sync_api import expect

    vera = pages[0]
    open_workspace(vera, app_server["url"], "Vera")
    deal = deal_input(vera)
    deal.select_text()
    deal.press_sequentially("50000")  # typed over the value shown, not yet committed
    path = "revenue.deal_size"
    assert store.apply_edit(
        plan_id, path, 33000.0, store.field_version(plan_id, path), REMOTE, "vendor"
    ).ok
    version = store.version(plan_id)
    expect(vera.get_by_text(f"Version {version},")).to_be_visible(timeout=VISIBLE_MS)
    settle(vera)
    expect(deal).to_have_value("50000")  # her typing, untouched by the new version
    deal.press("Tab")
    keep = vera.get_by_role("button", name=i18n.t("collab.keep_mine", "de"))
    expect(keep).to_have_count(1, timeout=VISIBLE_MS)
    assert store.plan_at(plan_id).revenue.deal_size == 33000  # Remo's stands until she decides
    expect(deal).to_have_value("33.000\xa0€")
    keep.click()
    assert wait_until(lambda: store.plan_at(plan_id).revenue.deal_size == 50000)
    rows = [(r.author, r.new) for r in store.log(plan_id)[1:]]
    assert rows == [(REMOTE, 33000.0), ("Vera", 50000.0)]
    expect(deal).to_have_value("50.000\xa0€")


def test_a_change_arriving_in_a_focused_field_stays_selected_for_the_next_keystroke(
    pages: list[Any], app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    """Vera has clicked into the deal size (its value selected) when Remo's change arrives: the
    input shows his value, still selected, so what she types replaces it (it was appended to
    it, making a number nobody typed, which the field then refused)."""
    from playwright.sync_api import expect

    vera = pages[0]
    open_workspace(vera, app_server["url"], "Vera")
    deal = deal_input(vera)
    deal.focus()
    expect(deal).to_have_value("40.000")  # focused: the value as it is edited, selected
    path = "revenue.deal_size"
    assert store.apply_edit(
        plan_id, path, 33000.0, store.field_version(plan_id, path), REMOTE, "vendor"
    ).ok
    expect(deal).to_have_value("33.000", timeout=VISIBLE_MS)  # his value, in the focused input
    deal.press_sequentially("50000")
    deal.press("Tab")
    assert wait_until(lambda: store.plan_at(plan_id).revenue.deal_size == 50000)
    assert [(r.author, r.new) for r in store.log(plan_id)[1:]] == [
        (REMOTE, 33000.0),
        ("Vera", 50000.0),
    ]


def decide_conflicts(page: Any, rng: random.Random) -> None:
    """The person decides every conflict shown, keep mine or take theirs at random, each
    once: the next click waits until the decided conflict's buttons have left the page (a
    "keep mine" overtaken again is a new conflict, with buttons of its own)."""
    from playwright.sync_api import expect

    while conflict_shown(page):
        choice = "keep" if rng.random() < 0.5 else "take"
        button = page.locator(f'[class*="st-key-collab-{choice}-"]').first
        key = next(c for c in button.get_attribute("class").split() if c.startswith("st-key-"))
        button.get_by_role("button").click()
        try:
            expect(page.locator(f".{key}")).to_have_count(0, timeout=VISIBLE_MS)
        except AssertionError as error:
            raise AssertionError(f"{key} still shown after its click: {_cards(page)}") from error
        settle(page)


CARDS = """() => Array.from(document.querySelectorAll('[class*="st-key-collab-keep-"]'))
    .map(e => [e.className.match(/st-key-\\S+/)[0],
               e.closest('[data-stale]')?.getAttribute('data-stale') ?? 'none',
               e.closest('[data-testid="stVerticalBlockBorderWrapper"]')?.innerText])"""
"""Each conflict card's key, whether it is stale and its text."""


def _cards(page: Any) -> str:
    """The conflict cards on the page and whether each is stale (drawn by an earlier run than
    the one under way): what tells a click the server never answered from a run that never
    ended."""
    running = page.locator('[data-testid="stStatusWidgetRunningIcon"]').count()
    return f"{page.evaluate(CARDS)} running={running}"


def conflict_shown(page: Any) -> bool:
    return bool(page.get_by_role("button", name=i18n.t("collab.keep_mine", "de")).count())


# --- a cleared field, undo under a concurrent edit, reload, revocation -------------------------

CLEARABLE = (
    ("revenue", "revenue.deal_size"),
    ("revenue", "revenue.monthly_churn"),
    ("revenue", "revenue.deals_per_sales_fte_month"),
    ("general", "months"),
    ("general", "title"),
    ("general", "start"),
    ("general", "currency"),
)


def test_clearing_any_input_is_refused_and_the_stored_value_shows_again(
    pages: list[Any], app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    from playwright.sync_api import expect

    page = pages[0]
    open_workspace(page, app_server["url"], "Vera")
    for tab, path in CLEARABLE:
        page.get_by_role("tab", name=i18n.t(f"ui.assumptions.{tab}", "de")).click()
        box = field_box(page, path)
        before = box.input_value()
        box.click()
        box.press("Control+a")
        box.press("Delete")
        box.press("Tab")
        settle(page)
        expect(field_box(page, path)).to_have_value(before)
        refusal = i18n.t("ui.field.empty", "de", field=i18n.label(path, "de"))
        expect(page.get_by_text(refusal)).to_be_visible()
    assert store.version(plan_id) == 1  # nothing written


def test_undo_never_overwrites_a_later_change_by_someone_else(
    pages: list[Any], app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    from playwright.sync_api import expect

    vendor = pages[0]
    open_workspace(vendor, app_server["url"], "Vera")
    box = field_box(vendor, "revenue.deal_size")
    box.fill("50.000")
    box.press("Tab")
    assert wait_until(lambda: store.plan_at(plan_id).revenue.deal_size == 50000)
    version = store.field_version(plan_id, "revenue.deal_size")
    assert store.apply_edit(plan_id, "revenue.deal_size", 61000, version, "Anna", "partner").ok
    expect(field_box(vendor, "revenue.deal_size")).to_have_value("61.000\xa0€", timeout=VISIBLE_MS)
    vendor.get_by_role("button", name="undo icon").click()  # the sidebar's undo (an icon button)
    vendor.get_by_role("button", name=i18n.t("collab.keep_mine", "de")).wait_for()
    assert store.plan_at(plan_id).revenue.deal_size == 61000
    assert [r.author for r in store.log(plan_id)[1:]] == ["Vera", "Anna"]


def test_a_reload_keeps_the_name_and_writes_nothing_half_typed(
    pages: list[Any], app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    partner = pages[0]
    token = access.create_invite(store, access.owner_access(plan_id), "partner_editor").token
    join(partner, app_server["url"], plan_id, token, "Anna")
    field_box(partner, "revenue.deal_size").fill("77.000")  # typed, never committed
    partner.reload()
    settle(partner)
    partner.get_by_role("tab", name=i18n.t("ui.assumptions.revenue", "de")).click()
    deal_input(partner).wait_for()  # straight to the plan: the name survived the reload
    assert not partner.get_by_role("textbox", name=i18n.t("collab.your_name", "de")).count()
    box = field_box(partner, "revenue.deal_size")
    box.fill("78.000")
    box.press("Tab")
    assert wait_until(lambda: store.version(plan_id) == 2)
    assert [(r.author, r.new) for r in store.log(plan_id)[1:]] == [("Anna", 78000)]


def test_revoking_an_invite_ends_its_open_session(
    pages: list[Any], app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    partner = pages[0]
    invite = access.create_invite(store, access.owner_access(plan_id), "partner_editor")
    join(partner, app_server["url"], plan_id, invite.token, "Anna")
    assert access.revoke(store, access.owner_access(plan_id), invite.id)
    partner.get_by_text(i18n.t("collab.no_access", "de")).wait_for(timeout=VISIBLE_MS)
    settle(partner)  # the notice's run is over: what it did not draw is gone
    assert not deal_input(partner).count()
    late = store.apply_edits(
        plan_id, {"revenue.deal_size": (1.0, 1)}, author="Anna", side="partner", invite=invite.id
    )
    assert late.status == "refused"
    assert store.version(plan_id) == 1


def test_the_open_tab_stays_open_when_a_remote_change_adds_a_line_above_it(
    pages: list[Any], app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    """Vera works in the revenue tab when Remo makes the MDF rate private: the privacy panel
    above the tabs gains a line. Her tab stays open (the tabs were drawn one place further
    down, as a new element, which opened the first tab under her)."""
    from playwright.sync_api import expect

    from planner import privacy

    vera = pages[0]
    open_workspace(vera, app_server["url"], "Vera")
    settle(vera)
    revenue = vera.get_by_role("tab", name=i18n.t("ui.assumptions.revenue", "de"))
    expect(revenue).to_have_attribute("aria-selected", "true")
    expect(deal_input(vera)).to_be_visible()
    private = [
        *privacy.private_paths(store.plan_at(plan_id))["vendor"],
        "vendor_programme.mdf_rate",
    ]
    version = store.version(plan_id)
    assert store.apply_edit(plan_id, "private.vendor", private, version, REMOTE, "vendor").ok
    vera.get_by_text(i18n.t("ui.share.private_title", "de", count=len(private))).wait_for(
        timeout=VISIBLE_MS
    )
    settle(vera)
    expect(revenue).to_have_attribute("aria-selected", "true")
    expect(deal_input(vera)).to_be_visible()


def test_the_dashboards_open_tab_stays_open_when_the_decision_is_recorded_elsewhere(
    pages: list[Any], app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    """Vera looks at the charts when Remo records the decision in principle: its block appears
    above the tabs, and the charts stay open."""
    from playwright.sync_api import expect

    vera = pages[0]
    vera.goto(app_server["url"])
    settle(vera)
    enter_name(vera, "Vera")
    charts = vera.get_by_role("tab", name=i18n.t("ui.dashboard.tab_charts", "de"))
    charts.click()
    vera.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    settle(vera)
    agreed = {"date": "2027-01-04", "partner": "Anna Berger (CEO)", "vendor": "Max Roth"}
    assert store.apply_edit(
        plan_id, "decision", agreed, store.version(plan_id), REMOTE, "vendor"
    ).ok
    vera.get_by_text("Anna Berger (CEO)").wait_for(timeout=VISIBLE_MS)
    settle(vera)
    expect(charts).to_have_attribute("aria-selected", "true")
    expect(vera.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
