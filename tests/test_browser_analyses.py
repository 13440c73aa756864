"""The analyses and onboarding pages in Debian's chromium against a real ``streamlit run``.

Waits are on the app's state (elements appearing, the script run state), never on the clock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from planner import i18n

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("example_plan_id")]
"""Each test on its own copy of the example plan, the newest: the one its page opens."""

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def settle(page: Any) -> None:
    """Wait until the app has finished its current run."""
    page.wait_for_selector(IDLE)
    page.locator('[data-testid="stStatusWidgetRunningIcon"]').wait_for(state="detached")


def open_app(page: Any, url: str, path: str) -> None:
    page.goto(f"{url}/{path}")
    settle(page)


def test_the_analyses_page_draws_the_scenarios_and_the_tornado(
    app_page: Any, app_server: dict
) -> None:
    open_app(app_page, app_server["url"], "analyses")
    charts = app_page.locator('[data-testid="stVegaLiteChart"]')
    charts.first.wait_for()  # the overlaid cash curves of the base and the scenarios
    app_page.get_by_role("tab", name=i18n.t("ui.analyses.tab_tornado", "de")).click()
    settle(app_page)
    # the tornado: the chart the open tab shows (other tabs' charts are there, hidden)
    app_page.locator('[data-testid="stVegaLiteChart"]:visible').first.wait_for()
    headline = i18n.label("npv", "de")
    app_page.get_by_text(headline, exact=False).first.wait_for()
    # the zone of mutual interest: its map and where this plan lies on it
    app_page.get_by_role("tab", name=i18n.t("ui.analyses.tab_zone", "de")).click()
    settle(app_page)
    app_page.get_by_text(i18n.t("ui.analyses.zone_is_mutual", "de")).wait_for()
    app_page.locator('[data-testid="stVegaLiteChart"]:visible').first.wait_for()


def test_actuals_beyond_the_horizon_are_refused_with_the_row_named(
    app_page: Any, app_server: dict, tmp_path: Path
) -> None:
    file = tmp_path / "ist.csv"
    file.write_text("month,revenue\n1,9000\n400,12000\n", encoding="utf-8")
    open_app(app_page, app_server["url"], "onboarding")
    app_page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(file))
    alert = app_page.locator('[data-testid="stAlertContentError"]')
    # the German page says it in German, naming the file, the row and the month
    alert.get_by_text(
        "ist.csv Zeile 3: Monat 400 liegt nicht im Planhorizont", exact=False
    ).wait_for()
    assert i18n.t("ui.onboarding.no_actuals", "de") in app_page.locator("body").inner_text()
