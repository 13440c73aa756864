"""Small plans for hand-worked tests: a neutral base that each test changes where it needs to."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from planner.plan.schema import Plan
from planner.plan.validation import validate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "acme-reseller.yaml"
"""The example plan of docs/model.md, which the app also stores on its first start."""

_NEUTRAL: dict[str, Any] = {
    "version": 1,
    "title": "Test plan",
    "partner": {"name": "Partner GmbH", "kind": "reseller"},
    "vendor": {"name": "Vendor AG"},
    "start": "2027-01",
    "months": 12,
    "discount_rate": 0.0,
    "opex_per_month": 0,
    "investments": [],
    "resources": [],
    "revenue": {
        "deals_per_sales_fte_month": 0,
        "deal_size": 0,
        "subscription": True,
        "monthly_churn": 0,
        "annual_price_uplift": 0,
        "partner_margin": 0,
        "services_per_deal": 0,
        "delivery_capacity_per_fte_month": 0,
        "managed_fee_per_customer_month": 0,
    },
    "vendor_programme": {
        "mdf_rate": 0,
        "rebate_tiers": [],
        "gross_margin": 0,
        "partner_manager_fte": 0,
        "partner_manager_annual_cost": 0,
    },
}


def plan_data(**changes: Any) -> dict[str, Any]:
    """The neutral plan as data; ``revenue={...}`` and ``vendor_programme={...}`` merge."""
    data = copy.deepcopy(_NEUTRAL)
    for key, value in changes.items():
        if key in ("revenue", "vendor_programme"):
            data[key].update(value)
        else:
            data[key] = value
    return data


def make_plan(**changes: Any) -> Plan:
    """A validated plan: the neutral base with ``changes`` applied (see :func:`plan_data`)."""
    return validate(plan_data(**changes))


def sales(fte: float = 1, start: int = 1, ramp: int = 0, cost: float = 0) -> dict[str, Any]:
    return {
        "role": "Account Executive",
        "function": "sales",
        "fte": fte,
        "start_month": start,
        "annual_cost": cost,
        "ramp_months": ramp,
    }


def delivery(fte: float = 1, start: int = 1, ramp: int = 0, cost: float = 0) -> dict[str, Any]:
    return {**sales(fte, start, ramp, cost), "role": "Consultant", "function": "delivery"}


def investment(
    amount: float, month: int, every: int = 0, vendor_share: float = 0
) -> dict[str, Any]:
    return {
        "name": "Item",
        "category": "other",
        "amount": amount,
        "month": month,
        "every_months": every,
        "vendor_share": vendor_share,
    }
