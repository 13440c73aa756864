"""What a person types into the actuals table is what Save writes (real chromium against
``streamlit run``; the store's change log is the ground truth): a Save clicked at once after
a cell's Enter goes with that cell, and cells typed but not saved come along through a switch
of the UI language, written the new language's way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from planner import i18n
from planner.model import month_dates
from planner.plan.files import load
from planner.store import Store
from tests.factories import EXAMPLE
from tests.test_browser_actuals_language import REVENUE, _errors, edited, shows
from tests.test_browser_coediting import wait_until
from tests.test_browser_collab import open_settings, settle, shared_plan
from tests.test_browser_ranges_language import open_ranges
from tests.test_browser_scenario_copy import _driver, _value
from tests.test_browser_table_keys import choose_cell, page_in_language, type_and_leave

pytestmark = pytest.mark.browser

DISTRIBUTION, LIKELY, HIGH = 2, 4, 5
"""The ranges table's distribution and high bound (row marker, driver, distribution, low,
likely, high)."""


@pytest.fixture
def plan_id(store: Store) -> str:
    """A fresh plan per test without actuals, the newest, so the workspace opens it."""
    return store.create_plan(shared_plan(), author="Vera", side="vendor")


@pytest.fixture
def page(chromium_browser: Any, app_server: dict[str, Any], plan_id: str) -> Iterator[Any]:
    """The onboarding page in German in a German browser, Vera's name entered."""
    with page_in_language(
        chromium_browser, f"{app_server['url']}/onboarding", "de-DE", "de", lambda page: None
    ) as opened:
        opened.get_by_text(i18n.t("ui.onboarding.enter_title", "de")).wait_for()
        yield opened


def _grid(page: Any) -> Any:
    """The actuals table (the only one with a plan month column)."""
    plan_month = i18n.t("ui.onboarding.plan_month", "de")
    return page.locator('[data-testid="stDataFrame"]:visible').filter(has_text=plan_month)


def test_a_save_clicked_at_once_after_a_cells_enter_saves_that_cell(
    page: Any, store: Store, plan_id: str
) -> None:
    """Streamlit's table tells the server of an edit 150 ms after it: a Save clicked in
    between went with the table as it was (every time, 8 of 8, in this test's rhythm: the
    cell's editor closed by Enter, then the click at once, as fast as a mouse can)."""
    save = page.get_by_role("button", name=i18n.t("ui.onboarding.save", "de"))
    for round_, amount in enumerate((100, 101, 102)):
        box = save.bounding_box()
        choose_cell(page, 0, REVENUE, "de", _grid(page))
        type_and_leave(page, str(amount), "Enter")
        page.wait_for_selector('[id^="gdg-overlay-"]', state="detached")
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert wait_until(lambda r=round_: len(store.log(plan_id)) == r + 2), _errors(page)
        assert store.plan_at(plan_id).actuals == [{"month": 1, "revenue": float(amount)}]
        settle(page)


def test_cells_typed_before_a_switch_to_english_are_saved_as_typed(
    page: Any, store: Store, plan_id: str
) -> None:
    grid = _grid(page)
    choose_cell(page, 0, REVENUE, "de", grid)
    type_and_leave(page, "1.234,5", "Enter")
    shows(page, "1.234,5")
    choose_cell(page, 2, REVENUE, "de", grid)
    type_and_leave(page, "12.5.0", "Enter")
    edited(page, "12.5.0")
    open_settings(page)
    page.get_by_role("combobox", name=i18n.t("ui.sidebar.language", "de")).click()
    page.get_by_role("option", name=i18n.t("ui.language.en", "de")).click()
    page.get_by_text(i18n.t("ui.onboarding.enter_title", "en")).wait_for()
    settle(page)
    page.keyboard.press("Escape")  # the settings closed
    shows(page, "1,234.5")  # the number written the English way
    shows(page, "12.5.0")  # no number: as typed
    save = page.get_by_role("button", name=i18n.t("ui.onboarding.save", "en"))
    save.click()
    plan = store.plan_at(plan_id)
    third = i18n.month_label(month_dates(plan.start, plan.months)[2], "en")
    said = f"{i18n.label('revenue', 'en')}, {third}: “12.5.0” is not a number"
    page.wait_for_function(
        "t => Array.from(document.querySelectorAll('[data-testid=\"stAlertContentError\"]'))"
        ".some(e => e.innerText.replace(/\\\\/g, '').includes(t))",
        arg=said,
    )
    settle(page)
    assert len(store.log(plan_id)) == 1, _errors(page)  # nothing written
    choose_cell(page, 2, REVENUE, "en", _grid_en(page))
    type_and_leave(page, "8,500", "Enter")
    edited(page, "8,500")
    save.click()
    assert wait_until(lambda: len(store.log(plan_id)) == 2), _errors(page)
    assert store.plan_at(plan_id).actuals == [
        {"month": 1, "revenue": 1234.5},
        {"month": 3, "revenue": 8500.0},
    ]


def _dashboard_and_back(page: Any, back: str = "onboarding") -> None:
    """The person looks at the dashboard and comes back by the sidebar (to the page ``back``,
    ``ui.nav.<back>``)."""
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_text(i18n.t("ui.nav.dashboard", "de"), exact=True).click()
    page.get_by_role("heading", name=i18n.t("ui.dashboard.title", "de")).wait_for()
    settle(page)
    nav.get_by_text(i18n.t(f"ui.nav.{back}", "de"), exact=True).click()
    settle(page)


def _reloaded(page: Any) -> None:
    page.reload()
    page.get_by_text(i18n.t("ui.onboarding.enter_title", "de")).wait_for()
    settle(page)


UNSAVED = "() => Object.keys(sessionStorage).filter(k => k.includes('grid-keys:actuals'))"
"""The tab's kept unsaved cells of the actuals table."""


@pytest.mark.parametrize(
    "left", [_dashboard_and_back, _reloaded], ids=["page-left-and-back", "reloaded"]
)
def test_cells_typed_but_not_saved_come_back_after_the_page_was_left_and_are_saved(
    page: Any, store: Store, plan_id: str, left: Any
) -> None:
    """Actuals typed and not saved were gone, without a word, once the person looked at
    another page or reloaded: the tab keeps them for the plan, the table shows them again
    and Save writes them. Once saved, the tab forgets them."""
    choose_cell(page, 0, REVENUE, "de", _grid(page))
    type_and_leave(page, "12.345", "Enter")
    edited(page, "12.345")
    choose_cell(page, 2, REVENUE, "de", _grid(page))
    type_and_leave(page, "4.567,5", "Enter")
    edited(page, "4.567,5")
    left(page)
    shows(page, "12.345")
    shows(page, "4.567,5")
    assert len(store.log(plan_id)) == 1  # nothing written by coming back
    page.get_by_role("button", name=i18n.t("ui.onboarding.save", "de")).click()
    assert wait_until(lambda: len(store.log(plan_id)) == 2), _errors(page)
    assert store.plan_at(plan_id).actuals == [
        {"month": 1, "revenue": 12345.0},
        {"month": 3, "revenue": 4567.5},
    ]
    settle(page)
    page.wait_for_function(f"() => ({UNSAVED})().length === 0", timeout=15_000)
    _reloaded(page)
    assert len(store.log(plan_id)) == 2


def test_cells_kept_through_a_reload_stay_based_on_the_version_they_were_typed_against(
    page: Any, store: Store, plan_id: str
) -> None:
    """Vera typed 9.999 and had not saved when Anna's actuals arrived; after a reload her
    Save is a conflict for her to decide, never a silent overwrite of Anna's."""
    choose_cell(page, 0, REVENUE, "de", _grid(page))
    type_and_leave(page, "9.999", "Enter")
    edited(page, "9.999")
    done = store.apply_edits(
        plan_id,
        {"actuals": ([{"month": 1, "revenue": 5.0}], store.version(plan_id))},
        author="Anna",
        side="partner",
    )
    assert done.status == "accepted"
    settle(page)
    _reloaded(page)
    shows(page, "9.999")
    page.get_by_role("button", name=i18n.t("ui.onboarding.save", "de")).click()
    keep = page.get_by_role("button", name=i18n.t("collab.keep_mine", "de"))
    keep.wait_for()
    assert [r.author for r in store.log(plan_id)] == ["Vera", "Anna"]  # nothing overwritten
    keep.click()
    assert wait_until(lambda: len(store.log(plan_id)) == 3), _errors(page)
    assert store.plan_at(plan_id).actuals == [{"month": 1, "revenue": 9999.0}]


def _grid_en(page: Any) -> Any:
    plan_month = i18n.t("ui.onboarding.plan_month", "en")
    return page.locator('[data-testid="stDataFrame"]:visible').filter(has_text=plan_month)


def test_a_cell_typed_while_the_other_side_saves_actuals_is_kept_for_the_save(
    page: Any, store: Store, plan_id: str
) -> None:
    """Vera types 7777 into the first month's revenue and has not left the cell when Anna's
    actuals arrive, which builds the table anew under the open cell: the text stays in its
    cell, and Vera's Save writes it beside Anna's."""
    choose_cell(page, 0, REVENUE, "de", _grid(page))
    page.keyboard.type("7777", delay=60)  # a person typing, the cell still open
    done = store.apply_edits(
        plan_id,
        {"actuals": ([{"month": 2, "revenue": 5.0}], store.version(plan_id))},
        author="Anna",
        side="partner",
    )
    assert done.status == "accepted"
    shows(page, "7777")  # in the table built anew
    settle(page)
    page.get_by_role("button", name=i18n.t("ui.onboarding.save", "de")).click()
    assert wait_until(lambda: len(store.log(plan_id)) == 3), _errors(page)
    assert store.plan_at(plan_id).actuals == [
        {"month": 1, "revenue": 7777.0},
        {"month": 2, "revenue": 5.0},
    ]


def _to_english(page: Any) -> None:
    open_settings(page)
    page.get_by_role("combobox", name=i18n.t("ui.sidebar.language", "de")).click()
    page.get_by_role("option", name=i18n.t("ui.language.en", "de")).click()
    settle(page)
    page.keyboard.press("Escape")  # the settings closed


CELLS = "g => Array.from(g.querySelectorAll('td')).map(e => e.textContent)"
"""A table's cells as its grid gives them to screen readers (a choice's stored value)."""


def test_a_row_added_to_the_copy_form_before_a_switch_comes_along_and_is_created(
    chromium_browser: Any, app_server: dict[str, Any], store: Store
) -> None:
    """The copy form's row (a driver chosen, 45.000 typed in German) is in the table drawn in
    English, its value written 45,000, and the scenario created from it sets 45000."""
    plan_id = store.create_plan(load(EXAMPLE), author="Vera", side="vendor")
    with page_in_language(
        chromium_browser, f"{app_server['url']}/analyses", "de-DE", "de", lambda page: None
    ) as page:
        page.get_by_text(
            i18n.t("ui.analyses.copy_title", "de"), exact=True
        ).scroll_into_view_if_needed()
        grid = page.locator('[data-testid="stDataFrame"]:visible').filter(
            has_text=i18n.t("ui.analyses.new_value", "de")
        )
        _driver(page, grid, 0, "Listenpreis je Abschluss", "revenue.deal_size")
        _value(page, grid, 0, "45.000")
        settle(page)
        _to_english(page)
        shows(page, "45,000")
        settle(page)  # the run drawing the page in English over: the German page's tables gone
        form = page.locator('[data-testid="stForm"]').filter(
            has_text=i18n.t("ui.analyses.new_value", "en")
        )
        table = page.locator('[data-testid="stDataFrame"]:visible').filter(
            has_text=i18n.t("ui.analyses.new_value", "en")
        )
        cells = table.evaluate(CELLS)
        assert cells[:2] == ["revenue.deal_size", "45,000"]
        assert not page.locator('[data-testid="stAlertContentWarning"]').count()
        form.get_by_role("textbox", name=i18n.t("ui.analyses.scenario_name", "en")).fill("Kopie")
        form.get_by_role("button", name=i18n.t("ui.analyses.create", "en")).click()
        assert wait_until(lambda: len(store.log(plan_id)) == 2), _errors(page)
    (made,) = [s for s in store.plan_at(plan_id).scenarios if s.name == "Kopie"]
    assert made.set == {"revenue.deal_size": 45_000.0}


def test_a_distribution_chosen_before_a_switch_comes_along_and_is_saved(
    chromium_browser: Any, app_server: dict[str, Any], store: Store
) -> None:
    """A choice in the ranges table is no typed text: the table drawn in English had lost it
    (and the bound typed with it would have been kept alone). The services' uniform range
    made triangular with a likely value of 12.000: both come along, written 12,000, and are
    saved."""
    plan_id = store.create_plan(load(EXAMPLE), author="Vera", side="vendor")
    before = store.plan_at(plan_id).uncertainty
    assert (before[3].path, before[3].distribution) == ("revenue.services_per_deal", "uniform")
    with page_in_language(
        chromium_browser, f"{app_server['url']}/analyses", "de-DE", "de", lambda page: None
    ) as page:
        grid = open_ranges(page)
        choose_cell(page, 3, DISTRIBUTION, "de", grid, marker=1)
        page.keyboard.press("Enter")  # the cell's list
        page.get_by_role("option", name="Dreieck", exact=True).click()
        page.wait_for_function(
            f"g => ({CELLS})(g)[3 * 5 + 1] === 'triangular'", arg=grid.element_handle()
        )
        choose_cell(page, 3, LIKELY, "de", grid, marker=1)
        type_and_leave(page, "12.000", "Enter")
        shows(page, "12.000")
        _to_english(page)
        grid = open_ranges(page, "en")
        shows(page, "12,000")
        assert grid.evaluate(CELLS)[3 * 5 : 4 * 5] == [
            "revenue.services_per_deal",
            "triangular",
            "9,600",
            "12,000",
            "14,400",
        ]
        settle(page)
        page.get_by_role("button", name=i18n.t("ui.analyses.save_ranges", "en")).click()
        assert wait_until(lambda: len(store.log(plan_id)) == 2), _errors(page)
    after = store.plan_at(plan_id).uncertainty
    assert (after[3].distribution, after[3].likely) == ("triangular", 12_000.0)
    assert after[:3] == before[:3]
    assert (after[3].low, after[3].high) == (before[3].low, before[3].high)


def _switched_to_english(page: Any) -> str:
    _to_english(page)
    open_ranges(page, "en")
    return "en"


def _left_and_reloaded(page: Any) -> str:
    """The person looks at the dashboard and comes back, then reloads the page."""
    _dashboard_and_back(page, "analyses")
    open_ranges(page)
    shows(page, "77.777")
    page.reload()
    settle(page)
    open_ranges(page)
    return "de"


@pytest.mark.parametrize(
    "drawn_anew",
    [_switched_to_english, _left_and_reloaded],
    ids=["language-switched", "page-left-and-reloaded"],
)
def test_a_bound_typed_but_not_saved_comes_along_when_the_table_is_drawn_anew(
    chromium_browser: Any, app_server: dict[str, Any], store: Store, drawn_anew: Any
) -> None:
    """The uncertainty ranges are a form: what is typed reaches the server with its button
    only, and the table drawn anew (in the new language; after the page was left, or
    reloaded) had lost it without a word. 77.777 typed as the first driver's high bound in
    German shows as 77,777 in English (as 77.777 in German again) and is saved as 77777."""
    plan_id = store.create_plan(load(EXAMPLE), author="Vera", side="vendor")
    before = store.plan_at(plan_id).uncertainty
    with page_in_language(
        chromium_browser, f"{app_server['url']}/analyses", "de-DE", "de", lambda page: None
    ) as page:
        grid = open_ranges(page)
        choose_cell(page, 0, HIGH, "de", grid, marker=1)
        type_and_leave(page, "77.777", "Enter")
        shows(page, "77.777")
        page.wait_for_timeout(600)  # the page keeps the table a moment after the input
        language = drawn_anew(page)
        shows(page, {"de": "77.777", "en": "77,777"}[language])
        settle(page)
        page.get_by_role("button", name=i18n.t("ui.analyses.save_ranges", language)).click()
        assert wait_until(lambda: len(store.log(plan_id)) == 2), _errors(page)
    after = store.plan_at(plan_id).uncertainty
    assert after[0].high == 77_777.0
    assert [(r.path, r.low, r.likely) for r in after] == [(r.path, r.low, r.likely) for r in before]
    assert [r.high for r in after][1:] == [r.high for r in before][1:]
