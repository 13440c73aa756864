"""A table's numbers are written and typed the way the UI language writes them, whatever
language the browser speaks (real chromium against ``streamlit run``, the browser's language
set by its context's locale; the store's change log is the ground truth).

A German session in an English browser types 125.000 and 2,5; an English session in a German
browser 125,000 and 2.5. Every cell left with Enter or Tab stores exactly its number, once;
the other language's way of writing it and an amount typed with % are refused in the UI
language, naming the column, with the typed text kept in the cell and nothing written.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest

from planner import i18n
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

COLUMNS = 6
"""The investments table: name, category, amount, month, every months, vendor's share."""
AMOUNT, MONTH, SHARE = 2, 3, 5


@pytest.fixture
def plan_id(store: Store) -> str:
    """A fresh plan per test, the newest, so the workspace opens it. Its investments (the
    reseller template): 15,000 in month 1 (50 % the vendor's), 12,000 in month 2 (25 %),
    20,000 in month 3 (50 %), 5,000 in month 13 every 12 months (0 %)."""
    return store.create_plan(shared_plan(), author="Vera", side="vendor")


@pytest.fixture(params=LANGUAGE_PAIRS, ids=LANGUAGE_IDS)
def session(
    request: pytest.FixtureRequest,
    chromium_browser: Any,
    app_server: dict[str, Any],
    plan_id: str,
) -> Iterator[tuple[Any, str]]:
    """The assumptions page in the UI language ``language`` in a browser speaking the other
    language, on the plan ``plan_id`` (made first: the workspace opens the newest plan).
    Yields the page and the UI language."""
    browser, language = request.param
    url = f"{app_server['url']}/assumptions"
    with page_in_language(
        chromium_browser,
        url,
        browser,
        language,
        lambda page: page.get_by_role("tab", name=i18n.t("ui.assumptions.team", "en")).wait_for(),
        width=1440,
    ) as page:
        yield page, language


def _cells(page: Any) -> list[str]:
    """The cells of the visible table as its grid gives them to a screen reader, row by row."""
    found: list[str] = page.evaluate(
        "() => Array.from(document.querySelectorAll("
        "'[data-testid=\"stDataFrame\"]:not([hidden]) td')).map(e => e.textContent)"
    )
    return found


def _cell_shows(page: Any, row: int, column: int, text: str) -> None:
    """Wait until the investments' cell at ``row``, ``column`` reads ``text``."""
    index = row * COLUMNS + column
    try:
        page.wait_for_function(
            "([i, t]) => { const c = document.querySelectorAll("
            "'[data-testid=\"stDataFrame\"] td');"
            " return c.length > i && c[i].textContent === t; }",
            arg=[index, text],
            timeout=15_000,
        )
    except Exception as error:  # say what the cell shows instead
        raise AssertionError(f"cell {row},{column}: {_cells(page)[index : index + 1]}") from error


def _edits(store: Store, plan_id: str) -> list[tuple[str, Any]]:
    return [(r.path, r.new) for r in store.log(plan_id)[1:]]


def _errors(page: Any) -> str:
    """The error messages the page shows (markdown escapes taken out)."""
    found: list[str] = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    return "\n".join(found).replace("\\", "")


def test_table_numbers_are_typed_and_shown_in_the_ui_language_not_the_browsers(
    session: tuple[Any, str], store: Store, plan_id: str
) -> None:
    """Each cell is typed once and left once; each stores exactly its value (worked by hand
    from the text in the UI language: a share in percent is stored as a fraction) and shows
    it again written in the UI language."""
    page, language = session
    german = language == "de"
    page.get_by_role("tab", name=i18n.t("ui.assumptions.investments", language)).click()
    _cell_shows(page, 0, AMOUNT, "15.000" if german else "15,000")
    _cell_shows(page, 0, SHARE, "50")
    typed = [
        # (row, column, text, key that leaves the cell, cell path, value stored, cell shows)
        (0, AMOUNT, "125.000" if german else "125,000", "Enter", "investments.0.amount",
         125_000.0, "125.000" if german else "125,000"),
        (1, SHARE, "2,5" if german else "2.5", "Tab", "investments.1.vendor_share",
         0.025, "2,5" if german else "2.5"),
        (2, MONTH, "12", "Enter", "investments.2.month", 12, "12"),
        (3, AMOUNT, "-0", "Tab", "investments.3.amount", 0.0, "0"),
        (1, AMOUNT, "1.234,5" if german else "1,234.5", "Enter", "investments.1.amount",
         1234.5, "1.234,5" if german else "1,234.5"),
    ]  # fmt: skip
    landed: list[tuple[str, Any]] = []
    for row, column, text, leave, cell, value, shows in typed:
        choose_cell(page, row, column, language)
        type_and_leave(page, text, leave)
        landed.append((cell, value))
        count = 1 + len(landed)  # the plan's creation, then one change per cell
        assert wait_until(lambda count=count: len(store.log(plan_id)) >= count), (
            text,
            _edits(store, plan_id),
            _errors(page),
            _cells(page)[row * COLUMNS : (row + 1) * COLUMNS],
        )
        assert _edits(store, plan_id) == landed, _errors(page)
        _cell_shows(page, row, column, shows)
    assert math.copysign(1.0, store.plan_at(plan_id).investments[3].amount) == 1.0  # not -0
    # the other language's way of writing a number, and an amount typed as a share: refused
    # in the UI language naming the column, the text kept in its cell, nothing written
    other = "2.5" if german else "2,5"
    choose_cell(page, 2, SHARE, language)
    type_and_leave(page, other, "Enter")
    choose_cell(page, 2, AMOUNT, language)
    type_and_leave(page, "5 %", "Enter")
    share, amount = i18n.label("vendor_share", language), i18n.label("amount", language)
    said = {
        "de": [f"{share}: „2.5“ ist keine Zahl", f"{amount}: „5 %“ ist ein Prozentwert"],
        "en": [f"{share}: “2,5” is not a number", f"{amount}: “5 %” is a percentage"],
    }[language]
    page.wait_for_function(
        "m => m.every(t => Array.from(document.querySelectorAll("
        "'[data-testid=\"stAlertContentError\"]')).some(e => e.innerText.replace(/\\\\/g, '')"
        ".includes(t)))",
        arg=said,
    )
    _cell_shows(page, 2, SHARE, other)
    _cell_shows(page, 2, AMOUNT, "5 %")
    settle(page)
    assert _edits(store, plan_id) == landed
