"""A typed value is never silently lost, and no value is written that nobody typed (real
chromium against ``streamlit run``; the store's change log is the ground truth).

Leaving a field by a page link commits it first and then follows the link; going back into a
field just left shows what was committed and typing goes on from it; a value arriving while
the caret is placed inside a field is never merged with the keystrokes that follow; tables are
edited cell by cell, so two people editing different rows of one table both land while the
same cell is a visible conflict. A test never types a value a second time: a dropped commit
fails it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from planner import access, i18n
from planner.policy import RULES
from planner.store import Store
from tests.conftest import _free_port, running_app
from tests.test_browser_coediting import REMOTE, field_box, open_workspace, wait_until
from tests.test_browser_collab import (
    VISIBLE_MS,
    browser_page,
    enter_name,
    join,
    open_settings,
    point_and_click,
    settle,
    shared_plan,
)

pytestmark = pytest.mark.browser

DEAL = "revenue.deal_size"
DEALS = "revenue.deals_per_sales_fte_month"


@pytest.fixture
def plan_id(store: Store) -> str:
    """A fresh plan per test, the newest, so the workspace opens it."""
    return store.create_plan(shared_plan(), author="Vera", side="vendor")


@pytest.fixture
def page(chromium_browser: Any) -> Iterator[Any]:
    context, opened = browser_page(chromium_browser)
    try:
        yield opened
    finally:
        context.close()


def _edits(store: Store, plan_id: str) -> list[tuple[str, str, Any]]:
    return [(r.author, r.path, r.new) for r in store.log(plan_id)[1:]]


def test_a_value_typed_then_left_by_a_sidebar_link_is_saved_and_the_link_followed(
    page: Any, app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    from playwright.sync_api import expect

    open_workspace(page, app_server["url"], "Vera")
    field_box(page, DEAL).fill("47.000")  # typed, not yet left
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name=i18n.t("ui.nav.dashboard", "de")).click()
    assert wait_until(lambda: _edits(store, plan_id) == [("Vera", DEAL, 47000.0)]), _edits(
        store, plan_id
    )
    # the dashboard is the app's first page, at its root address
    expect(page).to_have_url(re.compile(rf"^{re.escape(app_server['url'])}/(\?.*)?$"))
    page.get_by_role("heading", name=i18n.t("ui.dashboard.title", "de")).wait_for()


def test_going_back_into_a_field_just_left_shows_what_was_typed_and_goes_on_from_it(
    page: Any, app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    from playwright.sync_api import expect

    open_workspace(page, app_server["url"], "Vera")
    box = field_box(page, DEAL)
    box.fill("47.000")
    box.press("Tab")
    page.keyboard.press("Shift+Tab")  # straight back, before or after the server answered
    expect(box).to_have_value("47.000")  # what she committed, never the value before it
    box.press("Control+a")
    box.press_sequentially("48.000")
    box.press("Tab")
    assert wait_until(lambda: len(_edits(store, plan_id)) == 2), _edits(store, plan_id)
    # her second value goes on from her first: no conflict with her own change
    assert _edits(store, plan_id) == [("Vera", DEAL, 47000.0), ("Vera", DEAL, 48000.0)]
    settle(page)
    assert not page.get_by_role("button", name=i18n.t("collab.keep_mine", "de")).count()
    assert not page.get_by_role("button", name=i18n.t("collab.keep_mine_own", "de")).count()


def test_a_value_arriving_while_the_caret_is_in_a_field_is_not_merged_with_typing(
    page: Any, app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    """Vera has placed the caret at the end of the deals per sales FTE (1) when Remo's 1,2
    arrives; she types 5. What she typed is 15 on the 1 she saw, never 1,25 made of his value
    and her keystroke: the field moved on, so it is a conflict she decides."""
    from playwright.sync_api import expect

    open_workspace(page, app_server["url"], "Vera")
    box = field_box(page, DEALS)
    box.click()
    box.press("End")  # the caret after the last digit, nothing selected
    expect(box).to_have_value("1")
    version = store.field_version(plan_id, DEALS)
    assert store.apply_edit(plan_id, DEALS, 1.2, version, REMOTE, "vendor").ok
    page.get_by_text(f"Version {store.version(plan_id)},").wait_for(timeout=VISIBLE_MS)
    settle(page)
    box.press_sequentially("5")
    expect(box).to_have_value("15")
    box.press("Tab")
    keep = page.get_by_role("button", name=i18n.t("collab.keep_mine", "de"))
    expect(keep).to_have_count(1, timeout=VISIBLE_MS)
    assert _edits(store, plan_id) == [(REMOTE, DEALS, 1.2)]  # nothing nobody typed
    card = page.locator('[data-testid="stCaptionContainer"]', has_text="Ihr Wert")
    expect(card).to_have_text("Ihr Wert: 15")


# --- tables, cell by cell ----------------------------------------------------------------------


@pytest.fixture
def still_server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A server whose pages do not check for changes (``PLANNER_POLL_SECONDS=0``): a page keeps
    showing the table as it was until its person acts, as a page on a slow network would.
    Yields its URL, its store and the id of its one plan."""
    with running_app(tmp_path, {"PLANNER_POLL_SECONDS": "0"}) as url:
        store = Store(f"sqlite+pysqlite:///{tmp_path / 'planner.db'}", policy=RULES)
        try:
            plan_id = store.create_plan(shared_plan(), author="Vera", side="vendor")
            yield {"url": url, "store": store, "plan_id": plan_id}
        finally:
            store.close()


def _team_cell(page: Any, row: int, column: int) -> None:
    """Select a cell of the team table: its first cell by a click, then by the arrow keys.
    The click is the grid's own (Playwright waits until the grid stands still and checks that
    the point hits it: a point taken from the page just before it moved hit the tabs), and the
    chosen cell is checked through the grid's cells for screen readers."""
    from playwright.sync_api import expect

    settle(page)  # the table as the last run drew it, not the one it replaced
    page.get_by_role("tab", name=i18n.t("ui.assumptions.team", "de")).click()
    grid = page.locator('[data-testid="stDataFrame"]:visible').filter(
        has_text=i18n.label("fte", "de")  # the team's table, not another tab's
    )
    first = grid.get_by_test_id("glide-cell-0-0")
    point_and_click(page, grid, 40, 35 + 17)  # the first data row, first column
    try:
        expect(first).to_have_attribute("aria-selected", "true", timeout=3_000)
    except AssertionError:  # a grid drawn a moment ago took the click as focus only
        point_and_click(page, grid, 40, 35 + 17)  # as a person clicks again
        expect(first).to_have_attribute("aria-selected", "true")
    for _ in range(column):
        page.keyboard.press("ArrowRight")
    for _ in range(row):
        page.keyboard.press("ArrowDown")
    cell = grid.get_by_test_id(f"glide-cell-{column}-{row}")
    expect(cell).to_have_attribute("aria-selected", "true")


def _type_cell(page: Any, text: str) -> None:
    """Type into the selected cell (a key opens its editor with it) and leave it with Enter."""
    page.keyboard.type(text)
    page.wait_for_function(  # the cell's editor has the focus and the text
        "t => document.activeElement && document.activeElement.value === t", arg=text
    )
    page.keyboard.press("Enter")


FTE = 2
"""The FTE column of the team table (role, function, FTE, ...)."""
COST = 4
"""The annual cost column of the team table."""


def test_two_people_editing_different_rows_of_one_table_both_land(
    chromium_browser: Any, still_server: dict[str, Any]
) -> None:
    url, store, plan_id = still_server["url"], still_server["store"], still_server["plan_id"]
    (vera_context, vera), (anna_context, anna) = (browser_page(chromium_browser) for _ in range(2))
    try:
        vera.goto(f"{url}/assumptions")
        settle(vera)
        enter_name(vera, "Vera")
        token = access.create_invite(store, access.owner_access(plan_id), "partner_editor").token
        join(anna, url, plan_id, token, "Anna")
        # both pages show the team as it was; Vera makes row 1 three FTE, then Anna row 2 four
        _team_cell(vera, 0, FTE)
        _team_cell(anna, 1, FTE)
        _type_cell(vera, "3")
        assert wait_until(lambda: len(store.log(plan_id)) == 2), _edits(store, plan_id)
        _type_cell(anna, "4")
        assert wait_until(lambda: len(store.log(plan_id)) == 3), _edits(store, plan_id)
        assert _edits(store, plan_id) == [
            ("Vera", "resources.0.fte", 3.0),
            ("Anna", "resources.1.fte", 4.0),
        ]
        settle(anna)
        assert not anna.get_by_role("button", name=i18n.t("collab.keep_mine", "de")).count()
        # (the same cell from a page that has not taken the other's edit is a conflict:
        # tests/test_table_cells.py, where the pages are sessions driven one run at a time)
    finally:
        vera_context.close()
        anna_context.close()


def test_a_value_left_while_the_server_restarts_is_saved_once_it_is_back(
    page: Any, tmp_path: Path
) -> None:
    """The server stops while Vera types; she leaves the field: the page cannot send it, so the
    field says "not saved", and once the server runs again the value is saved (never left on
    screen as if it were)."""
    from playwright.sync_api import expect

    store = Store(f"sqlite+pysqlite:///{tmp_path / 'planner.db'}", policy=RULES)
    plan_id = store.create_plan(shared_plan(), author="Vera", side="vendor")
    port = _free_port()
    try:
        with running_app(tmp_path, port=port) as url:
            open_workspace(page, url, "Vera")
            box = field_box(page, DEAL)
            box.fill("47.000")
        box.press("Tab")  # the server is gone: nothing can arrive
        unsaved = page.get_by_text(i18n.t("ui.field.unsaved", "de"))
        expect(unsaved).to_be_visible(timeout=VISIBLE_MS)
        assert store.log(plan_id)[1:] == []
        with running_app(tmp_path, port=port):
            assert wait_until(lambda: _edits(store, plan_id) == [("Vera", DEAL, 47000.0)], 60)
            expect(unsaved).to_have_count(0, timeout=VISIBLE_MS)
            # the saved value, at rest or (the field still focused) as it is edited
            expect(field_box(page, DEAL)).to_have_value(re.compile("^47\\.000(\xa0€)?$"))
    finally:
        store.close()


def _typing_in_cell(page: Any) -> str | None:
    """The text in the open cell editor, or None when no cell editor has the focus."""
    found: str | None = page.evaluate(
        "() => { const e = document.activeElement;"
        " return e && e.closest('#portal, [data-testid=\"stDataFrame\"]') ? e.value : null; }"
    )
    return found


def store_url(app_server: dict[str, Any]) -> str:
    """The address of :func:`app_server`'s store (a second connection to it)."""
    return f"sqlite+pysqlite:///{app_server['data_dir'] / 'planner.db'}"


def _remote_cell(store: Store, plan_id: str, cell: str, value: float) -> None:
    """Someone else changes one cell of the team, as their page showed it."""
    assert store.apply_edit(
        plan_id, cell, value, store.field_version(plan_id, cell), REMOTE, "vendor"
    ).ok


@pytest.mark.parametrize(
    ("remote_cell", "landed"),
    [
        # another row: Vera's 3 lands beside Remo's 4
        ("resources.1.fte", [(REMOTE, "resources.1.fte", 4.0), ("Vera", "resources.0.fte", 3.0)]),
        # her own cell: she typed on the 2 she saw, so it is a conflict she decides
        ("resources.0.fte", [(REMOTE, "resources.0.fte", 4.0)]),
    ],
)
def test_a_cell_being_typed_in_stays_open_while_someone_changes_the_same_table(
    page: Any,
    app_server: dict[str, Any],
    plan_id: str,
    store: Store,
    remote_cell: str,
    landed: list[tuple[str, str, Any]],
) -> None:
    """Vera types 3 into the first row's FTE and has not left the cell when Remo's change of
    the team arrives (the page polls at its default). The cell stays open with her 3, his
    change shows on the page, and leaving the cell commits her 3 once: beside his change of
    another row, or as a conflict with his change of the same cell; never lost, never his
    value overwritten unseen."""
    from playwright.sync_api import expect

    open_workspace(page, app_server["url"], "Vera")
    _team_cell(page, 0, FTE)
    page.keyboard.type("3")
    assert wait_until(lambda: _typing_in_cell(page) == "3")
    _remote_cell(store, plan_id, remote_cell, 4.0)
    page.get_by_text(f"Version {store.version(plan_id)},").wait_for(timeout=VISIBLE_MS)
    page.get_by_text(REMOTE, exact=False).first.wait_for(timeout=VISIBLE_MS)  # his notice
    settle(page)
    assert _typing_in_cell(page) == "3"  # the cell is still open with what she typed
    page.keyboard.press("Enter")
    assert wait_until(lambda: len(store.log(plan_id)) == 1 + len(landed)), _edits(store, plan_id)
    settle(page)
    assert _edits(store, plan_id) == landed
    keep = page.get_by_role("button", name=i18n.t("collab.keep_mine", "de"))
    if len(landed) == 1:  # her 3 waits on the conflict card; keep mine writes it
        expect(keep).to_have_count(1, timeout=VISIBLE_MS)
        keep.click()
        assert wait_until(lambda: len(store.log(plan_id)) == 3), _edits(store, plan_id)
        assert _edits(store, plan_id)[-1] == ("Vera", "resources.0.fte", 3.0)
    else:
        assert not keep.count()
    assert store.plan_at(plan_id).resources[0].fte == 3.0


class _Remo:
    """Someone else changing ``path`` again and again (each time a new value) on a thread of
    its own, with a store of its own, until stopped: every change redraws the page."""

    def __init__(self, url: str, plan_id: str, path: str, values: Iterator[float]) -> None:
        self.stop = threading.Event()
        self.done: list[float] = []
        self._thread = threading.Thread(target=self._run, args=(url, plan_id, path, values))
        self._thread.start()

    def _run(self, url: str, plan_id: str, path: str, values: Iterator[float]) -> None:
        store = Store(url, policy=RULES)
        try:
            for value in values:
                if self.stop.is_set():
                    return
                _remote_value(store, plan_id, path, value)
                self.done.append(value)
                self.stop.wait(0.25)  # a change about every quarter second (not asserted)
        finally:
            store.close()

    def join(self) -> list[float]:
        self.stop.set()
        self._thread.join()
        return self.done


@pytest.mark.parametrize(
    "remote",
    [
        "revenue.deal_size",  # another field of the plan: the whole page is drawn again
        "resources.1.annual_cost",  # another row of the same table: the table gets new values
    ],
)
def test_keys_typed_into_a_cell_while_remote_changes_redraw_the_table_are_all_kept(
    page: Any, app_server: dict[str, Any], plan_id: str, store: Store, remote: str
) -> None:
    """Vera types a cost into the first hire's annual cost one key at a time while Remo
    changes another field, or another row of the team, about four times a second, so the page
    is drawn again between and during her keystrokes. Every key stays in the cell (the editor
    holds all eight digits) and Enter stores exactly her number, beside his changes (another
    cell, so no conflict): a key typed while the table is redrawn is never lost."""
    from playwright.sync_api import expect

    typed = "12345678"
    open_workspace(page, app_server["url"], "Vera")
    _team_cell(page, 0, COST)
    page.keyboard.type(typed[0])  # the first key opens the cell's editor with it
    assert wait_until(lambda: _typing_in_cell(page) == typed[0]), _typing_in_cell(page)
    values = (40_000.0 + 1_000 * i for i in range(1, 200))
    remo = _Remo(store_url(app_server), plan_id, remote, values)
    try:
        for key in typed[1:]:
            page.keyboard.press(key)
            page.wait_for_timeout(150)  # a person's pace, so redraws fall between keys
    finally:
        changed = remo.join()
    assert len(changed) >= 3, changed  # the page was drawn again while she typed
    page.get_by_text(f"Version {store.version(plan_id)},").wait_for(timeout=VISIBLE_MS)
    settle(page)
    assert _typing_in_cell(page) == typed  # every key she typed, in order
    page.keyboard.press("Enter")
    cell = "resources.0.annual_cost"
    assert wait_until(lambda: any(r[0] == "Vera" for r in _edits(store, plan_id)))
    edits = _edits(store, plan_id)
    assert [e for e in edits if e[0] == "Vera"] == [("Vera", cell, float(typed))], edits
    assert [e for e in edits if e[0] != "Vera"] == [(REMOTE, remote, v) for v in changed]
    assert store.plan_at(plan_id).resources[0].annual_cost == float(typed)
    settle(page)
    expect(page.get_by_role("button", name=i18n.t("collab.keep_mine", "de"))).to_have_count(0)


def test_a_cell_typed_in_after_someones_change_of_it_showed_is_based_on_that_change(
    page: Any, app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    """Remo changes the first hire's FTE from 1 to 4 and Vera's page shows his 4; then she
    types 3 into that cell. She saw his value, so her 3 is written over it, no conflict (typing
    begun before his change arrived is one: the test above)."""
    from playwright.sync_api import expect

    open_workspace(page, app_server["url"], "Vera")
    _team_cell(page, 0, FTE)  # the team table drawn once, the cell chosen, nothing typed
    _remote_cell(store, plan_id, "resources.0.fte", 4.0)
    page.get_by_text(f"Version {store.version(plan_id)},").wait_for(timeout=VISIBLE_MS)
    settle(page)
    _cell_shows(page, FTE, "4")  # his 4 in the first row's FTE
    _type_cell(page, "3")  # into the cell chosen before, still chosen
    assert wait_until(lambda: len(store.log(plan_id)) == 3), _edits(store, plan_id)
    settle(page)
    assert _edits(store, plan_id) == [
        (REMOTE, "resources.0.fte", 4.0),
        ("Vera", "resources.0.fte", 3.0),
    ]
    expect(page.get_by_role("button", name=i18n.t("collab.keep_mine", "de"))).to_have_count(0)


def _cell_shows(page: Any, index: int, text: str) -> None:
    """Wait until cell ``index`` of the visible table (row by row) reads ``text``."""
    page.wait_for_function(
        "([i, t]) => { const c = document.querySelectorAll('[data-testid=\"stDataFrame\"] td');"
        " return c.length > i && c[i].textContent === t; }",
        arg=[index, text],
    )


def test_switching_the_ui_language_writes_nothing_and_refuses_nothing(
    page: Any, app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    """Vera switches the interface to English on the assumptions page, whose private-values
    picker shows her three private values by their German names, then turns presenter mode
    on: no input sends what it showed in German as an edit, nothing is written or refused."""
    from playwright.sync_api import expect

    page.goto(f"{app_server['url']}/assumptions")
    settle(page)
    enter_name(page, "Vera")
    open_settings(page)
    page.get_by_role("combobox", name=i18n.t("ui.sidebar.language", "de")).click()
    page.get_by_role("option", name=i18n.t("ui.language.en", "de")).click()
    page.get_by_role("tab", name=i18n.t("ui.assumptions.team", "en")).wait_for()
    settle(page)
    # a run the page asks for with all its inputs as they are (presenter mode writes nothing)
    open_settings(page)
    page.get_by_role("switch", name=i18n.t("ui.sidebar.presenter", "en")).click(force=True)
    page.get_by_role("tab", name=i18n.t("ui.assumptions.team", "en")).wait_for()
    settle(page)
    page.wait_for_timeout(2_000)  # the page's polls meanwhile: still nothing
    expect(page.locator('[data-testid="stAlertContentError"]')).to_have_count(0)
    assert _edits(store, plan_id) == []


# --- choices ---------------------------------------------------------------------------------

KIND = "partner.kind"


def test_an_open_choice_stays_open_while_its_field_changes_and_a_pick_lands_once(
    page: Any, app_server: dict[str, Any], plan_id: str, store: Store
) -> None:
    """Vera has opened the partner type's list when Remo changes the deal size and then the
    partner type itself: the list is the same element throughout (never rebuilt, so it stays
    open) and keeps showing what it opened on while it is open. Escape closes it and it shows
    Remo's choice. What she picks then is written once, nothing before it."""
    from playwright.sync_api import expect

    open_workspace(page, app_server["url"], "Vera")
    page.get_by_role("tab", name=i18n.t("ui.assumptions.general", "de")).click()
    choice = page.get_by_role("combobox", name=i18n.label(KIND, "de"))
    settle(page)
    element = choice.element_handle()
    choice.click()  # the list opens
    assert element.evaluate("e => e.matches(':open')")
    _remote_value(store, plan_id, DEAL, 47_000.0)
    page.get_by_text(f"Version {store.version(plan_id)},").wait_for(timeout=VISIBLE_MS)
    _remote_value(store, plan_id, KIND, "si")
    page.get_by_text(f"Version {store.version(plan_id)},").wait_for(timeout=VISIBLE_MS)
    settle(page)
    assert element.evaluate("e => e.isConnected && e.matches(':open')")  # the same, still open
    expect(choice).to_have_value("reseller")  # what it opened on, while it is open
    choice.press("Escape")  # closed without a pick
    expect(choice).to_have_value("si")  # his choice, shown
    assert _edits(store, plan_id) == [(REMOTE, DEAL, 47_000.0), (REMOTE, KIND, "si")]
    choice.select_option("msp")
    assert wait_until(lambda: len(store.log(plan_id)) == 4), _edits(store, plan_id)
    page.wait_for_timeout(2_000)  # four polls: nothing more is written
    assert _edits(store, plan_id)[2:] == [("Vera", KIND, "msp")]
    assert element.evaluate("e => e.isConnected")


def _remote_value(store: Store, plan_id: str, path: str, value: Any) -> None:
    assert store.apply_edit(
        plan_id, path, value, store.field_version(plan_id, path), REMOTE, "vendor"
    ).ok
