"""A scenario copied with changed values, typed into the copy's table in the UI language
whatever language the browser speaks, by the vendor and by the partner (real chromium against
``streamlit run``; the store is the ground truth).

The copy starts from Konservativ, which also sets the vendor's private gross margin (87.65 %).
A value written the other language's way is refused in the UI language, naming its row (the
driver) and column, with nothing written; corrected, the copy is saved with every value of
Konservativ and the typed ones on top, and the page lists what it sets. The partner's copy
leaves the private margin out, saying so by its name, and her page shows none of its digits.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from planner import access, i18n
from planner.plan.files import load
from planner.plan.schema import Plan
from planner.store import Store
from tests.factories import EXAMPLE
from tests.test_browser_actuals_language import edited, shows
from tests.test_browser_coediting import wait_until
from tests.test_browser_collab import open_settings, point_and_click, settle
from tests.test_browser_table_keys import (
    LANGUAGE_IDS,
    LANGUAGE_PAIRS,
    choose_cell,
    page_in_language,
    type_and_leave,
)

pytestmark = pytest.mark.browser

DRIVER, VALUE = 1, 2
"""The copy table's columns as the grid counts them (row marker, driver, new value)."""
MARGIN = 0.8765
"""The vendor's private gross margin that Konservativ sets: 87,65 % / 87.65 % nowhere on the
partner's page."""


def _plan() -> Plan:
    plan = load(EXAMPLE)
    first = plan.scenarios[0]
    assert first.name == "Konservativ"
    scenarios = [
        first.model_copy(update={"set": {**first.set, "vendor_programme.gross_margin": MARGIN}}),
        *plan.scenarios[1:],
    ]
    return plan.model_copy(update={"scenarios": scenarios})


@pytest.fixture
def plan_id(store: Store) -> str:
    """A fresh copy of the example plan whose Konservativ also sets the private gross margin,
    the newest, so the workspace opens it."""
    return store.create_plan(_plan(), author="Vera", side="vendor")


def _t(key: str, language: str, **values: Any) -> str:
    return i18n.t(f"ui.analyses.{key}", language, **values)


def _ready(page: Any) -> None:
    """The analyses page drawn in English."""
    page.get_by_role("tab", name=_t("tab_mc", "en")).wait_for()


def _errors(page: Any) -> str:
    found: list[str] = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    return "\n".join(found).replace("\\", "")


def _choose_start(page: Any, language: str, option: str) -> None:
    combo = page.get_by_role("combobox", name=_t("copy_from", language), exact=True)
    combo.click()
    try:
        page.get_by_role("listbox").wait_for(timeout=3_000)
    except Exception:  # a click the page took as focus only: the key opens the list
        combo.press("ArrowDown")
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


ROW = 35
"""A row's height in the grid, the header's too (pixels)."""
EDITOR = '[id^="gdg-overlay-"]'
"""The grid's cell editor, drawn over the page while a cell is being edited."""


def _driver(page: Any, grid: Any, row: int, typed: str, path: str) -> None:
    """Choose a driver in the copy table's new row ``row`` (a click into the empty row below
    the last adds it) by typing its name into the cell's list and Enter (the grid's cells for screen
    readers hold the driver's path)."""
    settle(page)
    where = (80, ROW + ROW * row + ROW // 2)  # the row marker is 0 to 35 wide
    # the click selects the cell, or adds the row with the cell's list open (as it does for a
    # person: the pointer moves there first)
    chosen = f'[data-testid="glide-cell-{DRIVER}-{row}"][aria-selected="true"], {EDITOR}'
    # attached, not visible: the grid's cells for screen readers are hidden (a selected cell
    # without its list open was waited for in vain)
    point_and_click(page, grid, *where)
    try:
        page.locator(chosen).first.wait_for(state="attached", timeout=3_000)
    except Exception:  # a grid drawn a moment ago took the click as focus only
        point_and_click(page, grid, *where)
        page.locator(chosen).first.wait_for(state="attached")
    page.keyboard.type(typed)
    page.get_by_role("option", name=typed, exact=True).wait_for()
    page.keyboard.press("Enter")
    shows(page, path)


def _value(page: Any, grid: Any, row: int, text: str) -> None:
    choose_cell(page, row, VALUE, grid=grid, marker=1)
    type_and_leave(page, text, "Enter")
    edited(page, text)


def _copy(page: Any, language: str, name: str, rows: list[tuple[str, str, str]]) -> None:
    """Fill the copy form: start from Konservativ, the name, and per row the driver's name
    (in the UI language), its path and the text typed as its new value."""
    page.get_by_text(_t("copy_title", language), exact=True).scroll_into_view_if_needed()
    _choose_start(page, language, "Konservativ")
    box = page.get_by_role("textbox", name=_t("scenario_name", language)).last
    box.fill(name)
    box.press("Tab")
    grid = page.locator('[data-testid="stDataFrame"]:visible').filter(
        has_text=_t("new_value", language)
    )
    for row, (typed, path, text) in enumerate(rows):
        _driver(page, grid, row, typed, path)
        _value(page, grid, row, text)


def _create(page: Any, language: str) -> None:
    settle(page)
    page.get_by_role("button", name=_t("create", language)).last.click()
    settle(page)


def _correct(page: Any, language: str, row: int, text: str) -> None:
    """Type the corrected text of a refused value into row ``row`` of the copy form."""
    grid = page.locator('[data-testid="stDataFrame"]:visible').filter(
        has_text=_t("new_value", language)
    )
    _value(page, grid, row, text)


def _check_saved(page: Any, store: Store, plan_id: str, name: str, side: str) -> None:
    """The copy holds Konservativ's values with the typed ones on top: 45.000 for the deal
    size, 1,5 % for the churn (Konservativ's 1,2 % replaced), both worked from the typed
    text; the vendor's copy holds its private margin, the partner's leaves it out (a side
    writes no value private to the other)."""
    assert wait_until(lambda: len(store.plan_at(plan_id).scenarios) == 3), _errors(page)
    made = store.plan_at(plan_id).scenarios[-1]
    assert made.name == name
    assert made.set == {
        "revenue.deals_per_sales_fte_month": 0.55,
        "revenue.monthly_churn": 0.015,
        "resources.0.ramp_months": 9,
        "revenue.deal_size": 45_000.0,
    } | ({"vendor_programme.gross_margin": MARGIN} if side == "vendor" else {})


def _listed(page: Any, language: str, name: str) -> str:
    """What the page lists the copy ``name`` to set (the comparison's expander)."""
    page.get_by_text(_t("created", language, name=name)).first.wait_for()
    page.get_by_text(_t("what_scenarios_set", language)).click()
    listed = page.locator('[data-testid="stExpander"]:visible').filter(
        has_text=_t("what_scenarios_set", language)
    )
    listed.get_by_text(name, exact=True).wait_for()
    text: str = listed.inner_text()
    return text[text.index(name) :]


@pytest.fixture(params=LANGUAGE_PAIRS, ids=LANGUAGE_IDS)
def vendor_page(
    request: pytest.FixtureRequest, chromium_browser: Any, app_server: dict[str, Any], plan_id: str
) -> Iterator[tuple[Any, str]]:
    browser, language = request.param
    url = f"{app_server['url']}/analyses"
    with page_in_language(chromium_browser, url, browser, language, _ready) as page:
        yield page, language


def test_the_vendor_copies_a_scenario_with_values_typed_in_the_ui_language(
    vendor_page: tuple[Any, str], store: Store, plan_id: str
) -> None:
    page, language = vendor_page
    german = language == "de"
    name = "Preis hoch" if german else "Price up"
    churn = i18n.label("revenue.monthly_churn", language)
    rows = [
        (i18n.label("revenue.deal_size", language), "revenue.deal_size",
         "45.000" if german else "45,000"),
        (churn, "revenue.monthly_churn", "1.5" if german else "1,5"),  # the other way
    ]  # fmt: skip
    _copy(page, language, name, rows)
    _create(page, language)
    said = {
        "de": f"{churn}, Neuer Wert: „1.5“ ist keine Zahl",
        "en": f"{churn}, New value: “1,5” is not a number",
    }[language]
    page.wait_for_function(
        "t => Array.from(document.querySelectorAll('[data-testid=\"stAlertContentError\"]'))"
        ".some(e => e.innerText.replace(/\\\\/g, '').includes(t))",
        arg=said,
    )
    settle(page)
    assert len(store.log(plan_id)) == 1, _errors(page)  # nothing written
    _correct(page, language, 1, "1,5" if german else "1.5")
    _create(page, language)
    _check_saved(page, store, plan_id, name, "vendor")
    listed = _listed(page, language, name)
    deal = i18n.label("revenue.deal_size", language)
    assert f"{deal}: {'45.000 €' if german else '€45,000'}" in listed.replace("\xa0", " ")
    assert f"{churn}: {'1,50 %' if german else '1.50%'}" in listed.replace("\xa0", " ")


def test_the_partner_copies_a_scenario_and_sees_none_of_the_vendors_private_values(
    chromium_browser: Any, app_server: dict[str, Any], store: Store, plan_id: str
) -> None:
    """Anna, the partner, in English in a German browser: the copy of Konservativ leaves out
    the vendor's private margin, and the page says so by its name only; her refusal names
    her row; no digit of the margin on her page. (Her copy was refused, naming the margin's
    path: a side writes no value private to the other.)"""
    token = access.create_invite(store, access.owner_access(plan_id), "partner_editor").token
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 1000}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{app_server['url']}/analyses?plan={plan_id}&key={token}")
        settle(page)
        box = page.get_by_role("textbox", name=i18n.t("collab.your_name", "de"))
        box.fill("Anna")
        box.press("Enter")
        settle(page)
        open_settings(page)
        page.get_by_role("combobox", name=i18n.t("ui.sidebar.language", "de")).click()
        page.get_by_role("option", name=i18n.t("ui.language.en", "de")).click()
        _ready(page)
        settle(page)
        page.keyboard.press("Escape")
        churn = i18n.label("revenue.monthly_churn", "en")
        rows = [
            (i18n.label("revenue.deal_size", "en"), "revenue.deal_size", "45,000"),
            (churn, "revenue.monthly_churn", "1,5"),
        ]
        _copy(page, "en", "Anna's copy", rows)
        margin = i18n.label("vendor_programme.gross_margin", "en")
        page.get_by_text(_t("copy_leaves_out", "en", names=margin)).wait_for()
        _create(page, "en")
        said = f"{churn}, New value: “1,5” is not a number"
        page.wait_for_function(
            "t => Array.from(document.querySelectorAll('[data-testid=\"stAlertContentError\"]'))"
            ".some(e => e.innerText.replace(/\\\\/g, '').includes(t))",
            arg=said,
        )
        settle(page)
        assert len(store.log(plan_id)) == 1, _errors(page)
        _correct(page, "en", 1, "1.5")
        _create(page, "en")
        _check_saved(page, store, plan_id, "Anna's copy", "partner")
        assert store.log(plan_id)[-1].author == "Anna"
        listed = _listed(page, "en", "Anna's copy")
        assert margin not in listed  # Konservativ's private margin left out of the copy
        shown = page.locator("body").inner_text()
        for digits in ("87.65", "87,65", "0.8765"):
            assert digits not in shown
    finally:
        context.close()
