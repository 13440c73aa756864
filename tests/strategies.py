"""Hypothesis strategies for valid plans, kept in one module."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from planner.plan.schema import Plan
from planner.plan.validation import validate

fractions = st.floats(0, 1, allow_nan=False)
rates = st.floats(0, 0.3, allow_nan=False)
money = st.floats(0, 500_000, allow_nan=False)
FUNCTIONS = ("sales", "presales", "delivery", "support", "management")
names = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=30
).filter(str.strip)
"""User text: any Unicode a person can type on one line (emoji, umlauts, markup, formulas)."""
CATEGORIES = ("certification", "training", "demo", "marketing", "tooling", "other")


@st.composite
def resources(draw: st.DrawFn, months: int) -> dict[str, Any]:
    return {
        "role": draw(names),
        "function": draw(st.sampled_from(FUNCTIONS)),
        "fte": draw(st.floats(0, 10, allow_nan=False)),
        "start_month": draw(st.integers(1, months)),
        "annual_cost": draw(money),
        "ramp_months": draw(st.integers(0, months)),
    }


@st.composite
def investments(draw: st.DrawFn, months: int) -> dict[str, Any]:
    return {
        "name": draw(names),
        "category": draw(st.sampled_from(CATEGORIES)),
        "amount": draw(money),
        "month": draw(st.integers(1, months)),
        "every_months": draw(st.sampled_from([0, 0, 1, 3, 12, 24])),
        "vendor_share": draw(fractions),
    }


@st.composite
def plan_data(draw: st.DrawFn) -> dict[str, Any]:
    """Plain data of a valid plan: any horizon, lists of any length, any valid values."""
    months = draw(st.integers(12, 120))
    return {
        "version": 1,
        "title": draw(names),
        "partner": {"name": "P", "kind": draw(st.sampled_from(["reseller", "msp", "si", "isv"]))},
        "vendor": {"name": "V"},
        "start": f"{draw(st.integers(2000, 2100))}-{draw(st.integers(1, 12)):02d}",
        "months": months,
        "discount_rate": draw(rates),
        "opex_per_month": draw(st.floats(0, 20_000, allow_nan=False)),
        "investments": draw(st.lists(investments(months), max_size=4)),
        "resources": draw(st.lists(resources(months), max_size=5)),
        "revenue": {
            "deals_per_sales_fte_month": draw(st.floats(0, 5, allow_nan=False)),
            "deal_size": draw(money),
            "subscription": draw(st.booleans()),
            "monthly_churn": draw(fractions),
            "annual_price_uplift": draw(rates),
            "partner_margin": draw(st.floats(0, 0.99, allow_nan=False)),
            "services_per_deal": draw(money),
            "delivery_capacity_per_fte_month": draw(money),
            "managed_fee_per_customer_month": draw(st.floats(0, 1_000, allow_nan=False)),
        },
        "vendor_programme": {
            "mdf_rate": draw(st.floats(0, 0.2, allow_nan=False)),
            "rebate_tiers": draw(
                st.lists(st.fixed_dictionaries({"threshold": money, "rate": rates}), max_size=3)
            ),
            "gross_margin": draw(fractions),
            "partner_manager_fte": draw(st.floats(0, 3, allow_nan=False)),
            "partner_manager_annual_cost": draw(money),
        },
    }


def plans() -> st.SearchStrategy[Plan]:
    """Valid plans."""
    return plan_data().map(validate)


def cash_flows(months: int = 36) -> st.SearchStrategy[list[float]]:
    """Monthly cash-flow series in a plan's range of magnitudes."""
    return st.lists(
        st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 2)),
        min_size=months,
        max_size=months,
    )
