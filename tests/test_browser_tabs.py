"""The assumptions page runs only its open tab's tables and fields: text typed into a table's
add-row form and not sent yet lives only in the browser, and must survive a look at another
tab, someone else's change arriving meanwhile, and the way back."""

from __future__ import annotations

from typing import Any

import pytest

from planner import i18n
from planner.store import Store
from tests.test_browser_collab import enter_name, settle

pytestmark = pytest.mark.browser


def tab(page: Any, view: str) -> Any:
    return page.get_by_role("tab", name=i18n.t(f"ui.assumptions.{view}", "de"))


def test_text_typed_into_an_add_row_form_survives_another_tab_and_a_remote_change(
    app_page: Any, app_server: dict[str, Any], store: Store, example_plan_id: str
) -> None:
    page = app_page
    page.goto(f"{app_server['url']}/assumptions")
    settle(page)
    enter_name(page, "Vera")
    settle(page)
    # the investments tab is open first: its add-row form, expanded, a name typed, not sent
    page.get_by_text(i18n.t("ui.table.add.investments", "de")).click()
    form = page.get_by_test_id("stForm").filter(visible=True).first
    name_box = form.get_by_role("textbox").first
    name_box.fill("Messestand Hannover")
    # a look at the revenue tab: its inputs run and are drawn, the investments table is not
    tab(page, "revenue").click()
    deal = page.get_by_role("textbox", name=i18n.label("revenue.deal_size", "de"))
    deal.wait_for()
    settle(page)
    # someone else changes the plan meanwhile; this page shows it (a remote run)
    version = store.version(example_plan_id)
    changed = store.apply_edit(
        example_plan_id, "revenue.deal_size", 47000, version, "Remo Fern", "partner"
    )
    assert changed.ok
    page.wait_for_function(
        "() => [...document.querySelectorAll('input')].some(i => i.value.startsWith('47.000'))"
    )
    settle(page)
    # back on the investments tab: the typed name is still in the form, nothing was written
    tab(page, "investments").click()
    page.get_by_test_id("stDataFrame").first.wait_for()
    settle(page)
    form = page.get_by_test_id("stForm").filter(visible=True).first
    assert form.get_by_role("textbox").first.input_value() == "Messestand Hannover"
    log = store.log(example_plan_id)
    assert [(r.author, r.path) for r in log[1:]] == [("Remo Fern", "revenue.deal_size")]
    assert len(store.plan_at(example_plan_id).investments) == len(
        store.plan_at(example_plan_id, 1).investments
    )
