"""The analyses page's editors fit the page, and its choice boxes speak the UI language (real
chromium against ``streamlit run``).

At 1280 px the uncertainty ranges' table showed 784 of its 832 px (German: "Hoch" behind a
horizontal scroll) and the copy's table 197 of its 228 ("Neuer Wert" cut). After a switch of
the UI language the choice boxes kept the labels they showed ("Basisplan", "Kundenabwanderung
pro Monat" on an English page).
"""

from __future__ import annotations

from typing import Any

import pytest

from planner import i18n
from planner.plan.files import load
from planner.store import Store
from tests.factories import EXAMPLE
from tests.test_browser_collab import open_settings, settle
from tests.test_browser_table_keys import LANGUAGE_IDS, LANGUAGE_PAIRS, page_in_language

pytestmark = pytest.mark.browser


@pytest.fixture
def plan_id(store: Store) -> str:
    """A fresh copy of the example plan (four uncertainty ranges, the scenarios Konservativ
    and Ambitioniert), the newest, so the workspace opens it."""
    return store.create_plan(load(EXAMPLE), author="Vera", side="vendor")


def _ready(page: Any) -> None:
    """The analyses page drawn in English."""
    page.get_by_role("tab", name=i18n.t("ui.analyses.tab_mc", "en")).wait_for()


def _hidden_width(grid: Any) -> int:
    """How many pixels of a table lie beyond its right edge (behind a horizontal scroll)."""
    grid.locator(".dvn-scroller").wait_for()
    found: int = grid.evaluate(
        "g => { const s = g.querySelector('.dvn-scroller'); return s.scrollWidth - s.clientWidth; }"
    )
    return found


def _ranges_grid(page: Any, language: str) -> Any:
    return page.locator('[data-testid="stDataFrame"]:visible').filter(
        has_text=i18n.t("ui.analyses.distribution", language)
    )


def _copy_grid(page: Any, language: str) -> Any:
    return page.locator('[data-testid="stDataFrame"]:visible').filter(
        has_text=i18n.t("ui.analyses.new_value", language)
    )


@pytest.mark.parametrize(("browser", "language"), LANGUAGE_PAIRS, ids=LANGUAGE_IDS)
def test_the_ranges_and_the_copy_tables_fit_the_page(
    chromium_browser: Any, app_server: dict[str, Any], plan_id: str, browser: str, language: str
) -> None:
    """Every column of both tables in view, nothing behind a scroll, in a window 1280 px wide
    and 1600; the copy's table also at 1024 (the ranges' five columns scroll there)."""
    url = f"{app_server['url']}/analyses"
    with page_in_language(chromium_browser, url, browser, language, _ready) as page:
        page.get_by_role("tab", name=i18n.t("ui.analyses.tab_mc", language)).click()
        page.get_by_text(i18n.t("ui.analyses.ranges_title", language, count=4)).click()
        settle(page)
        for width in (1280, 1600):
            page.set_viewport_size({"width": width, "height": 1000})
            assert _hidden_width(_ranges_grid(page, language)) == 0, width
        page.get_by_role("tab", name=i18n.t("ui.analyses.tab_compare", language)).click()
        for width in (1280, 1600, 1024):
            page.set_viewport_size({"width": width, "height": 1000})
            assert _hidden_width(_copy_grid(page, language)) == 0, width


def _choose(page: Any, tab: str, box: str, option: str) -> None:
    """Pick ``option`` in the choice box labelled ``box`` on the analyses tab ``tab``."""
    page.get_by_role("tab", name=tab).click()
    combo = page.locator('[data-testid="stSelectbox"]:visible').get_by_role(
        "combobox", name=box, exact=True
    )
    combo.click()
    try:
        page.get_by_role("listbox").wait_for(timeout=3_000)
    except Exception:  # a click the page took as focus only: the key opens the list
        combo.press("ArrowDown")
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def _shown(page: Any) -> dict[str, str]:
    """What each choice box of the page shows, by its label (every tab's, open or not)."""
    found: dict[str, str] = page.evaluate(
        "() => Object.fromEntries(Array.from(document.querySelectorAll("
        '\'[data-testid="stSelectbox"] input[role="combobox"]\'))'
        ".map(e => [e.getAttribute('aria-label'), e.value]))"
    )
    return found


def _switch(page: Any, now: str, to: str) -> None:
    open_settings(page)
    page.get_by_role("combobox", name=i18n.t("ui.sidebar.language", now)).click()
    page.get_by_role("option", name=i18n.t(f"ui.language.{to}", now)).click()
    page.get_by_role("tab", name=i18n.t("ui.analyses.tab_mc", to)).wait_for()
    settle(page)
    page.keyboard.press("Escape")  # the settings' popover closed


def _expected(language: str, start: str) -> dict[str, str]:
    """The choices made, as the page in ``language`` names them (``start``: the copy's
    starting point, a scenario's name or ``""`` for the base plan); the goal seek's figure is
    the last box labelled "Kennzahl" on the page, after the tornado's."""

    def t(key: str) -> str:
        return i18n.t(f"ui.analyses.{key}", language)

    def label(key: str) -> str:
        return i18n.label(key, language)

    return {
        t("copy_from"): start or t("base"),
        t("driver"): label("revenue.monthly_churn"),
        t("zone_x"): label("revenue.deal_size"),
        t("figure"): f"{label('partner')} · {label('irr')}",
    }


def test_choice_boxes_show_their_choice_in_the_new_language_after_a_switch(
    chromium_browser: Any, app_server: dict[str, Any], plan_id: str
) -> None:
    """A German page in an English browser: the copy's starting point, the goal seek's
    driver, its figure and the zone's driver across chosen, then the page switched
    to English and back. Each box shows its choice in the page's language, and keeps it
    through the next run (a later pick elsewhere)."""
    url = f"{app_server['url']}/analyses"
    with page_in_language(chromium_browser, url, "en-US", "de", _ready) as page:

        def t(key: str, language: str = "de") -> str:
            return i18n.t(f"ui.analyses.{key}", language)

        def label(key: str) -> str:
            return i18n.label(key, "de")

        _choose(page, t("tab_compare"), t("copy_from"), "Konservativ")
        _choose(page, t("tab_goal"), t("driver"), label("revenue.monthly_churn"))
        _choose(page, t("tab_zone"), t("zone_x"), label("revenue.deal_size"))
        _choose(page, t("tab_goal"), t("figure"), f"{label('partner')} · {label('irr')}")
        assert _shown(page).items() >= _expected("de", "Konservativ").items()
        _switch(page, "de", "en")
        assert _shown(page).items() >= _expected("en", "Konservativ").items(), _shown(page)
        # the next run keeps every choice (the boxes sent their new labels back)
        _choose(page, t("tab_compare", "en"), t("copy_from", "en"), t("base", "en"))
        assert _shown(page).items() >= _expected("en", "").items(), _shown(page)
        _switch(page, "en", "de")
        assert _shown(page).items() >= _expected("de", "").items(), _shown(page)


def test_a_click_on_a_title_of_the_ranges_table_leaves_its_rows_in_plan_order(
    chromium_browser: Any, app_server: dict[str, Any], plan_id: str
) -> None:
    """The bounds are text in the UI language, which a sort would order as text ("9.600"
    after "35.700"). Streamlit sorts no table that rows may be added to (``num_rows=
    "dynamic"``): a click on a title, twice (ascending, descending), leaves the rows as the
    plan lists them."""
    url = f"{app_server['url']}/analyses"
    with page_in_language(chromium_browser, url, "de-DE", "de", _ready) as page:
        page.get_by_role("tab", name=i18n.t("ui.analyses.tab_mc", "de")).click()
        page.get_by_text(i18n.t("ui.analyses.ranges_title", "de", count=4)).click()
        settle(page)
        grid = _ranges_grid(page, "de")
        cells = "g => Array.from(g.querySelectorAll('td')).map(e => e.textContent)"
        before = grid.evaluate(cells)
        assert before[:4] == ["revenue.deals_per_sales_fte_month", "triangular", "0,48", "0,8"]
        box = grid.bounding_box()
        # the titles of the driver, the low and the high bound (row marker 31 px, then the
        # widths of montecarlo.RANGE_WIDTHS)
        for x in (31 + 140, 31 + 280 + 120 + 50, 31 + 280 + 120 + 100 + 135 + 50):
            for _ in range(2):
                page.mouse.click(box["x"] + x, box["y"] + 17)
                settle(page)
                assert grid.evaluate(cells) == before, x
