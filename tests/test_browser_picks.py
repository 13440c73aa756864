"""Choices and switches in real browsers (chromium against ``streamlit run``; the store's change
log is the ground truth): a pick made just as someone else's change of the same field arrives is
stored or shown as a conflict, never lost; the open list is the same input throughout (never
rebuilt under the person's click); idle pages and a second tab write nothing while choices and
switches change elsewhere, and one click writes exactly one row. A test never picks twice: a
dropped pick fails it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest

from planner import access, i18n
from planner.store import Store
from tests.test_browser_coediting import REMOTE, open_workspace, wait_until
from tests.test_browser_collab import VISIBLE_MS, browser_page, join, settle, shared_plan

pytestmark = pytest.mark.browser

KIND = "partner.kind"
SUBSCRIPTION = "revenue.subscription"
KINDS = ("reseller", "msp", "si", "isv")


@pytest.fixture
def plan_id(store: Store) -> str:
    """A fresh plan per test, the newest, so the workspace opens it."""
    return store.create_plan(shared_plan(), author="Vera", side="vendor")


@pytest.fixture
def contexts(chromium_browser: Any) -> Iterator[list[tuple[Any, Any]]]:
    """Two browser contexts: two people with their own Streamlit sessions."""
    opened = [browser_page(chromium_browser) for _ in range(2)]
    try:
        yield opened
    finally:
        for context, _ in opened:
            context.close()


def _rows(store: Store, plan_id: str) -> list[tuple[str, str, Any]]:
    return [(r.author, r.path, r.new) for r in store.log(plan_id)[1:]]


def _remote(store: Store, plan_id: str, path: str, value: Any) -> None:
    result = store.apply_edit(
        plan_id, path, value, store.field_version(plan_id, path), REMOTE, "vendor"
    )
    assert result.ok, result


def _general(page: Any) -> Any:
    """The general tab's partner-type choice (the field's own <select>)."""
    page.get_by_role("tab", name=i18n.t("ui.assumptions.general", "de")).click()
    return page.get_by_role("combobox", name=i18n.label(KIND, "de"))


def _pick(page: Any, element: Any, option: str) -> None:
    """A person picks ``option`` in the open list with the keyboard, as a person does: from
    the option the list opened on, down or up to it, then Enter (the list closes)."""
    assert element.evaluate("e => e.matches(':open')")
    steps = KINDS.index(option) - element.evaluate("e => e.selectedIndex")
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    page.keyboard.press("Enter")


def _cards(page: Any) -> str:
    """The conflict cards' text: what overtook the edit, and the person's own value."""
    found = page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts()
    found += page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
    return "\n".join(found)


def test_a_pick_made_as_the_same_fields_change_arrives_is_stored_or_a_conflict(
    contexts: list[tuple[Any, Any]], app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    """Vera opens the partner type's list; Remo changes the partner type; Vera picks. Twelve
    rounds at random offsets (seeded): her pick lands in the store, or (based on the value she
    saw, which Remo's change overtook) her page shows a conflict card naming her pick, which
    she then keeps. In the rounds where Remo's change has reached her page before she picks,
    the open list still shows the value it opened on (held back, so the list stays open) and
    her pick is a conflict. The <select> is one element throughout: never rebuilt."""
    from playwright.sync_api import expect

    (_, page), _ = contexts
    open_workspace(page, app_server["url"], "Vera")
    choice = _general(page)
    choice.wait_for()
    settle(page)
    element = choice.element_handle()
    rng = random.Random(7)
    for round_ in range(12):
        current = store.plan_at(plan_id).partner.kind
        theirs = rng.choice([k for k in KINDS if k != current])
        mine = rng.choice([k for k in KINDS if k not in (current, theirs)])
        before = len(store.log(plan_id))
        arrived = round_ % 3 == 0
        if round_ % 3 == 2:  # Remo's change first, her click a moment after (drawn or not yet)
            _remote(store, plan_id, KIND, theirs)
            page.wait_for_timeout(rng.randrange(0, 1_500))
            choice.click()
        else:
            choice.click()  # the list opens
            page.wait_for_timeout(rng.randrange(0, 300))
            _remote(store, plan_id, KIND, theirs)
        if arrived:  # Remo's change reached the page while the list is open: held back
            page.get_by_text(f"Version {store.version(plan_id)},").wait_for(timeout=VISIBLE_MS)
            assert element.evaluate("e => e.matches(':open')")  # still open
            expect(choice).to_have_value(current)
        else:
            page.wait_for_timeout(rng.randrange(0, 600))
        _pick(page, element, mine)
        name = i18n.t("collab.yours", "de", value=i18n.t(f"kind.{mine}", "de"))
        stored = ("Vera", KIND, mine)

        def landed(stored: tuple[str, str, str] = stored, before: int = before) -> bool:
            return stored in _rows(store, plan_id)[before - 1 :]

        def settled(name: str = name, landed: Any = landed) -> bool:
            return landed() or name in _cards(page)

        assert wait_until(settled), (round_, _rows(store, plan_id), _cards(page))
        if not landed():
            # a conflict: the card names her pick and Remo's by their names, not the codes
            said = i18n.t(
                "collab.conflict",
                "de",
                author=REMOTE,
                side=i18n.t("collab.side.vendor", "de"),
                field=i18n.label(KIND, "de"),
                value=i18n.t(f"kind.{theirs}", "de"),
            )
            assert said in _cards(page), _cards(page)
            expect(choice).to_be_disabled()  # until she decides
            page.get_by_role("button", name=i18n.t("collab.keep_mine", "de")).click()
            assert wait_until(landed)
        else:
            assert not arrived, "a pick on a value the page had held back was not a conflict"
        expect(choice).to_have_value(mine, timeout=VISIBLE_MS)
        expect(choice).to_be_enabled(timeout=VISIBLE_MS)
        settle(page)
        # exactly Remo's change and her pick, once each
        assert _rows(store, plan_id)[before - 1 :] == [(REMOTE, KIND, theirs), stored]
        assert element.evaluate("e => e.isConnected")  # the same <select>, never rebuilt
    page.wait_for_timeout(2_000)  # four polls: nothing more is written
    assert len(_rows(store, plan_id)) == 24


def test_idle_pages_and_a_second_tab_write_nothing_and_one_click_writes_one_row(
    contexts: list[tuple[Any, Any]], app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    """Vera's workspace in two tabs (one on the general tab's choices, one on the revenue tab's
    switch) and Anna's page by a partner editor's link stay open while Remo changes the
    partner type, the plan language and the subscription switch 60 times: the store gets his
    60 rows and none of theirs, and each page shows his last values. Then one click on Vera's
    switch writes exactly one row."""
    from playwright.sync_api import expect

    url = app_server["url"]
    (vera_context, vera), (_, anna) = contexts
    open_workspace(vera, url, "Vera")  # the revenue tab: the switch
    second = vera_context.new_page()  # her second tab, the same person
    second.set_default_timeout(30_000)
    second.goto(f"{url}/assumptions")
    settle(second)
    choice = _general(second)
    token = access.create_invite(store, access.owner_access(plan_id), "partner_editor").token
    join(anna, url, plan_id, token, "Anna")
    switches = [p.get_by_role("switch", name=i18n.label(SUBSCRIPTION, "de")) for p in (vera, anna)]
    for switch in switches:
        switch.wait_for()
    choice.wait_for()

    rng = random.Random(11)
    for _ in range(60):
        path = rng.choice([KIND, SUBSCRIPTION, "language"])
        plan = store.plan_at(plan_id)
        if path == KIND:
            value: Any = rng.choice([k for k in KINDS if k != plan.partner.kind])
        elif path == SUBSCRIPTION:
            value = not plan.revenue.subscription
        else:
            value = "en" if plan.language == "de" else "de"
        _remote(store, plan_id, path, value)
        vera.wait_for_timeout(rng.randrange(0, 150))  # an uneven pace; the pages keep running
    final = store.plan_at(plan_id)
    for page in (vera, second, anna):
        page.bring_to_front()
        page.get_by_text(f"Version {store.version(plan_id)},").wait_for(timeout=VISIBLE_MS)
    for switch in switches:
        if final.revenue.subscription:
            expect(switch).to_be_checked(timeout=VISIBLE_MS)
        else:
            expect(switch).not_to_be_checked(timeout=VISIBLE_MS)
    expect(choice).to_have_value(final.partner.kind, timeout=VISIBLE_MS)
    vera.wait_for_timeout(3_000)  # a late write by a page would land in this quiet time
    rows = _rows(store, plan_id)
    assert len(rows) == 60, rows
    assert {author for author, _, _ in rows} == {REMOTE}, rows

    vera.bring_to_front()
    switches[0].click(force=True)  # one click
    wanted = not final.revenue.subscription
    assert wait_until(lambda: len(store.log(plan_id)) == 62), _rows(store, plan_id)
    for page in (vera, second, anna):
        page.bring_to_front()
        page.get_by_text(f"Version {store.version(plan_id)},").wait_for(timeout=VISIBLE_MS)
    for switch in switches:
        (expect(switch).to_be_checked if wanted else expect(switch).not_to_be_checked)(
            timeout=VISIBLE_MS
        )
    vera.wait_for_timeout(3_000)  # six polls of each page: nothing more
    assert _rows(store, plan_id)[60:] == [("Vera", SUBSCRIPTION, wanted)]


def test_a_second_pick_sent_while_the_first_becomes_a_conflict_is_the_conflict_not_lost(
    contexts: list[tuple[Any, Any]], app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    """Vera opens the partner type's list; Remo's change arrives and is held back (the list
    stays open on the value it showed). Vera picks one type and at once another, before the
    first pick is answered: the first is a conflict (based on what she saw), and the second,
    her last word, is what the conflict card then holds, never dropped. Keeping it stores it:
    Remo's change and her second pick, once each."""
    from playwright.sync_api import expect

    (_, page), _ = contexts
    open_workspace(page, app_server["url"], "Vera")
    choice = _general(page)
    choice.wait_for()
    settle(page)
    current = store.plan_at(plan_id).partner.kind
    theirs, first, second = [k for k in KINDS if k != current][:3]
    choice.click()  # the list opens
    _remote(store, plan_id, KIND, theirs)
    page.get_by_text(f"Version {store.version(plan_id)},").wait_for(timeout=VISIBLE_MS)
    expect(choice).to_have_value(current)  # held back while the list is open
    # two picks in a row, the second before the first's answer can arrive
    choice.evaluate(
        """(e, picks) => { for (const value of picks) {
            e.value = value; e.dispatchEvent(new Event("change", { bubbles: true })); } }""",
        [first, second],
    )
    page.keyboard.press("Escape")
    name = i18n.t("collab.yours", "de", value=i18n.t(f"kind.{second}", "de"))
    assert wait_until(lambda: name in _cards(page)), (_rows(store, plan_id), _cards(page))
    assert _rows(store, plan_id) == [(REMOTE, KIND, theirs)]
    page.get_by_role("button", name=i18n.t("collab.keep_mine", "de")).click()
    assert wait_until(lambda: len(_rows(store, plan_id)) == 2), _rows(store, plan_id)
    expect(choice).to_have_value(second, timeout=VISIBLE_MS)
    page.wait_for_timeout(2_000)  # four polls: nothing more is written
    assert _rows(store, plan_id) == [(REMOTE, KIND, theirs), ("Vera", KIND, second)]
