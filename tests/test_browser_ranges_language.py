"""The analyses' uncertainty ranges are written and typed the way the UI language writes
numbers, whatever language the browser speaks (real chromium against ``streamlit run``; the
store's change log is the ground truth): a German session in an English browser types 0,5 in
the churn's row (a share, in percent: 0.5 %) and 50.000 as the deal size's high bound."""

from __future__ import annotations

from typing import Any

import pytest

from planner import i18n
from planner.plan.files import load
from planner.store import Store
from tests.factories import EXAMPLE
from tests.test_browser_actuals_language import edited, shows
from tests.test_browser_coediting import wait_until
from tests.test_browser_collab import enter_name, settle
from tests.test_browser_table_keys import choose_cell, type_and_leave

pytestmark = pytest.mark.browser


def open_ranges(page: Any, language: str = "de") -> Any:
    """Open the analyses' Monte Carlo tab and its four uncertainty ranges: their table."""
    page.get_by_role("tab", name=i18n.t("ui.analyses.tab_mc", language)).click()
    page.get_by_text(i18n.t("ui.analyses.ranges_title", language, count=4)).click()
    settle(page)
    return page.locator('[data-testid="stDataFrame"]:visible').filter(
        has_text=i18n.t("ui.analyses.likely", language)
    )


LOW, HIGH = 3, 5
"""The ranges' low and high columns (row marker, driver, distribution, low, likely, high)."""


def test_ranges_are_typed_in_the_ui_language_not_the_browsers(
    chromium_browser: Any, app_server: dict[str, Any], store: Store
) -> None:
    plan_id = store.create_plan(load(EXAMPLE), author="Vera", side="vendor")
    before = store.plan_at(plan_id).uncertainty
    assert [r.path for r in before][1:3] == ["revenue.deal_size", "revenue.monthly_churn"]
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{app_server['url']}/analyses")
        settle(page)
        enter_name(page, "Vera")
        grid = open_ranges(page)
        choose_cell(page, 2, LOW, "de", grid, marker=1)
        type_and_leave(page, "0,5", "Enter")
        shows(page, "0,5")
        choose_cell(page, 1, HIGH, "de", grid, marker=1)
        type_and_leave(page, "50.000", "Enter")
        edited(page, "50.000")  # the grid has it before the button is clicked
        settle(page)
        page.get_by_role("button", name=i18n.t("ui.analyses.save_ranges", "de")).click()
        assert wait_until(lambda: len(store.log(plan_id)) == 2)
        after = store.plan_at(plan_id).uncertainty
        assert after[2].low == 0.005  # 0,5 % typed in a share's row
        assert after[1].high == 50_000.0
        unchanged = [(r.path, r.low, r.likely) for r in before]
        assert [(r.path, r.low, r.likely) for r in after][:2] == unchanged[:2]
        assert [r.high for r in after][2:] == [r.high for r in before][2:]
    finally:
        context.close()
