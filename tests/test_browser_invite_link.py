"""A link the vendor creates in the app opens for the person invited (real chromium against
``streamlit run``): on the dashboard, in German, without Streamlit's English "Page not found"
(the link named the page it was created on, which a partner may not open)."""

from __future__ import annotations

from typing import Any

import pytest

from planner import i18n
from planner.store import Store
from tests.test_browser_collab import enter_name, settle, shared_plan

pytestmark = pytest.mark.browser


def test_a_partner_link_made_on_the_collaboration_page_opens_the_dashboard(
    chromium_browser: Any, app_server: dict[str, Any], store: Store
) -> None:
    plan_id = store.create_plan(shared_plan(), author="Vera", side="vendor")
    contexts = [
        chromium_browser.new_context(viewport={"width": 1440, "height": 1000}, locale="de-DE")
        for _ in range(2)
    ]
    try:
        vera, anna = (context.new_page() for context in contexts)
        vera.goto(f"{app_server['url']}/share?open={plan_id}")
        settle(vera)
        enter_name(vera, "Vera")
        vera.get_by_role("combobox", name=i18n.t("collab.role", "de")).click()
        vera.get_by_role("option", name=i18n.t("collab.role.partner_editor", "de")).click()
        settle(vera)
        vera.get_by_role("button", name=i18n.t("collab.create_invite", "de")).click()
        code = vera.locator('[data-testid="stCode"]').filter(has_text="key=")
        link = code.inner_text().strip()
        assert link.startswith(f"{app_server['url']}/?plan={plan_id}&key="), link

        anna.goto(link)
        name = anna.get_by_role("textbox", name=i18n.t("collab.your_name", "de"))
        name.fill("Anna")
        name.press("Enter")
        anna.get_by_text(i18n.t("ui.dashboard.title", "de"), exact=True).first.wait_for()
        settle(anna)
        assert not anna.get_by_text("Page not found").count()
        assert anna.get_by_text("Anna (Partner)").count()
    finally:
        for context in contexts:
            context.close()
