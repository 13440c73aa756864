"""Every place that names a plan value in words (change notices, conflict cards, history)
writes it as its field's kind says, through the one formatter of planner/values.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import streamlit as st

from planner import values
from planner.plan.files import load
from planner.store import Change
from planner.ui import collab, history, state
from tests.factories import EXAMPLE

PLAN = load(EXAMPLE)

# Hand-written: 0.0382 is 3.82 percent; German puts a comma and a spaced sign, English not.
SHARE = {"de": "3,82 %", "en": "3.82%"}
# 84,000 in euros, no cents, in each language's grouping.
MONEY = {"de": "84.000\u00a0€", "en": "€84,000"}


@pytest.fixture(params=["de", "en"])
def language(request: pytest.FixtureRequest) -> str:
    st.session_state[state.LANGUAGE] = request.param
    yield request.param
    st.session_state.pop(state.LANGUAGE, None)


def test_the_formatter_writes_a_share_in_percent():
    assert values.value_text("vendor_programme.gross_margin", 0.0382, "de", "EUR") == SHARE["de"]
    assert values.value_text("vendor_programme.gross_margin", 0.0382, "en", "EUR") == SHARE["en"]
    # a share in a list item and in an optional block are shares too
    assert (
        values.value_text("vendor_programme.rebate_tiers.2.rate", 0.0382, "de", "EUR") == "3,82 %"
    )
    assert values.value_text("hurdles.vendor.min_irr", 0.0382, "en", "EUR") == "3.82%"


def test_the_formatter_writes_by_kind_not_by_number():
    # the same number is a share, an amount, a month or a count by its field
    assert values.value_text("resources.0.annual_cost", 84000, "de", "EUR") == MONEY["de"]
    assert values.value_text("resources.0.annual_cost", 84000, "en", "EUR") == MONEY["en"]
    # cents where the amount has them: 12.50 is not 13 (hand-written, Babel's grouping)
    fee = "revenue.managed_fee_per_customer_month"
    assert values.value_text(fee, 12.5, "de", "EUR") == "12,50\u00a0€"
    assert values.value_text(fee, 12.5, "en", "EUR") == "€12.50"
    assert values.value_text("resources.0.fte", 1.5, "de", "EUR") == "1,50"
    assert values.value_text("investments.0.month", 7, "de", "EUR") == "7"
    assert values.value_text("partner.kind", "msp", "de", "EUR") == "Managed Service Provider"
    assert values.value_text("objectives.0.kind", "custom", "de", "EUR") == "custom"
    assert values.value_text("revenue.subscription", True, "en", "EUR") == "yes"
    assert values.value_text("resources", [], "en", "EUR") == "several values"
    assert values.value_text("revenue.deal_size", None, "en", "EUR") == "–"


def test_history_writes_a_share_as_the_field_does(language: str):
    assert history.value_text("vendor_programme.gross_margin", 0.0382, PLAN) == SHARE[language]


def test_a_conflict_card_writes_a_share_as_the_field_does(language: str):
    assert collab.value_text("vendor_programme.gross_margin", 0.0382, PLAN) == SHARE[language]


def test_a_change_notice_writes_a_share_as_the_field_does(language: str):
    lines = collab.described("vendor_programme.gross_margin", 0.04, 0.0382, PLAN)
    assert [value for _, value, _ in lines] == [SHARE[language]]


def test_the_history_story_writes_a_share_as_the_field_does(language: str):
    at = datetime(2027, 1, 1, tzinfo=UTC)
    path = "vendor_programme.rebate_tiers.0.rate"
    change = Change("p", 1, 2, at, "Vera", "vendor", "edit", path, 0.05, 0.0382, None, "")
    [(_, before, after)] = history.story(change, PLAN)
    assert (before, after) == ({"de": "5 %", "en": "5%"}[language], SHARE[language])


def test_a_change_of_the_actuals_reads_by_month_and_column(language: str):
    """Anna put 5 € into January's revenue where Vera had saved February (the example
    starts in January 2027): one line for the one cell changed, named by month and column,
    the amount with its currency; February, which moved to the second row, is no change."""
    old = [{"month": 2, "revenue": 12345.5}]
    new = [{"month": 1, "revenue": 5.0, "new_deals": 2.0}, {"month": 2, "revenue": 12345.5}]
    lines = collab.described("actuals", old, new, PLAN)
    title = {"de": "Ist-Zahlen: Jan. 2027", "en": "Actuals: Jan 2027"}[language]
    revenue, deals = {"de": ("Umsatz", "Neue Abschlüsse"), "en": ("Revenue", "New deals")}[language]
    assert sorted(lines) == sorted(
        [
            (f"{title} · {deals}", "2", False),
            (f"{title} · {revenue}", {"de": "5\u00a0€", "en": "€5"}[language], False),
        ]
    )
