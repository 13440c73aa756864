"""The actuals table's numbers are written and typed the way the UI language writes them,
whatever language the browser speaks (real chromium against ``streamlit run``, the browser's
language set by its context's locale; the store's change log is the ground truth).

A German session in an English browser types 1.234,5; an English session in a German browser
1,234.5. A Save with a cell that is no number is refused in the UI language naming the column
and the month, writes nothing and keeps every typed cell; corrected, the same Save writes
exactly the typed numbers, once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from planner import i18n
from planner.model import month_dates
from planner.store import Store
from tests.test_browser_coediting import wait_until
from tests.test_browser_collab import settle, shared_plan
from tests.test_browser_table_keys import (
    LANGUAGE_IDS,
    LANGUAGE_PAIRS,
    choose_cell,
    page_in_language,
    type_and_leave,
)

pytestmark = pytest.mark.browser

REVENUE = 4
"""The actuals table's revenue column (plan month, month, new deals, customers, revenue, ...)."""


@pytest.fixture
def plan_id(store: Store) -> str:
    """A fresh plan per test without actuals, the newest, so the workspace opens it."""
    return store.create_plan(shared_plan(), author="Vera", side="vendor")


@pytest.fixture(params=LANGUAGE_PAIRS, ids=LANGUAGE_IDS)
def session(
    request: pytest.FixtureRequest,
    chromium_browser: Any,
    app_server: dict[str, Any],
    plan_id: str,
) -> Iterator[tuple[Any, str]]:
    """The onboarding page in the UI language ``language`` in a browser speaking the other
    language. Yields the page and the UI language."""
    browser, language = request.param
    url = f"{app_server['url']}/onboarding"
    with page_in_language(
        chromium_browser,
        url,
        browser,
        language,
        lambda page: page.get_by_text(i18n.t("ui.onboarding.enter_title", "en")).wait_for(),
    ) as page:
        yield page, language


def shows(page: Any, text: str) -> None:
    """Wait until a cell of the table reads ``text``: the grid has taken the typed text (a
    click elsewhere within milliseconds of the leaving key would come before it)."""
    page.wait_for_function(
        "t => Array.from(document.querySelectorAll('[data-testid=\"stDataFrame\"] td'))"
        ".some(c => c.textContent === t)",
        arg=text,
        timeout=15_000,
    )


def edited(page: Any, text: str) -> None:
    """Wait until a cell reads ``text`` and the page's run for that edit is over: a Save
    clicked before the edit's run started went with the table as it was (1 failed run in 6 at
    load 10 of the corrected Save, which the server still saw as 12.5.0)."""
    shows(page, text)
    # the run the edit asked for, if it has not come and gone already
    with contextlib.suppress(Exception):
        page.locator('[data-testid="stStatusWidgetRunningIcon"]').wait_for(
            state="attached", timeout=2_000
        )
    settle(page)


def _errors(page: Any) -> str:
    found: list[str] = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    return "\n".join(found).replace("\\", "")


def upload_reads_in(page: Any, language: str) -> None:
    """Streamlit writes its uploader's button and note in English ("Upload", "10MB per
    file • CSV, XLSX"): the page shows and names them in the UI ``language``, the limit the
    server's (10 MB, .streamlit/config.toml) and the types the page takes."""
    zone = page.locator('[data-testid="stFileUploaderDropzone"]')
    button = i18n.t("ui.upload.button", language)
    note = i18n.t("ui.upload.note", language, size=10, types="CSV, XLSX")
    # as a screen reader reads it (and a person sees it): ours alone
    zone.get_by_role("button", name=button, exact=True).wait_for()
    read = zone.aria_snapshot()
    assert f'button "{button}"' in read, read
    assert f"text: {note}" in read, read
    assert "Upload" not in read, read
    assert "per file •" not in read, read


def test_actuals_are_typed_in_the_ui_language_and_a_refused_save_keeps_them(
    session: tuple[Any, str], store: Store, plan_id: str
) -> None:
    page, language = session
    upload_reads_in(page, language)  # the page's other words in the UI language too
    german = language == "de"
    grid = page.locator('[data-testid="stDataFrame"]:visible').filter(
        has_text=i18n.label("revenue", language)
    )
    save = page.get_by_role("button", name=i18n.t("ui.onboarding.save", language))
    first = "1.234,5" if german else "1,234.5"
    choose_cell(page, 0, REVENUE, language, grid)
    type_and_leave(page, first, "Enter")
    shows(page, first)
    choose_cell(page, 2, REVENUE, language, grid)
    type_and_leave(page, "12.5.0", "Enter")
    edited(page, "12.5.0")
    settle(page)
    save.click()
    settle(page)
    plan = store.plan_at(plan_id)
    third = i18n.month_label(month_dates(plan.start, plan.months)[2], language)
    revenue = i18n.label("revenue", language)
    said = {  # the wording of ui.field.not_number
        "de": f"{revenue}, {third}: „12.5.0“ ist keine Zahl",
        "en": f"{revenue}, {third}: “12.5.0” is not a number",
    }[language]
    page.wait_for_function(
        "t => Array.from(document.querySelectorAll('[data-testid=\"stAlertContentError\"]'))"
        ".some(e => e.innerText.replace(/\\\\/g, '').includes(t))",
        arg=said,
    )
    settle(page)
    assert len(store.log(plan_id)) == 1, _errors(page)  # the plan's creation only
    cells = grid.locator("td").all_text_contents()
    assert first in cells, cells  # kept: nobody types them again
    assert "12.5.0" in cells, cells
    # corrected, the same Save writes both months, exactly as typed
    choose_cell(page, 2, REVENUE, language, grid)
    type_and_leave(page, "8.500" if german else "8,500", "Enter")
    edited(page, "8.500" if german else "8,500")
    settle(page)
    save.click()
    assert wait_until(lambda: len(store.log(plan_id)) == 2), _errors(page)
    settle(page)
    assert store.plan_at(plan_id).actuals == [
        {"month": 1, "revenue": 1234.5},
        {"month": 3, "revenue": 8500.0},
    ]
    assert len(store.log(plan_id)) == 2
    shows(page, "8.500" if german else "8,500")  # the stored actuals, written as before
    shows(page, first)
