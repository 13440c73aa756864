"""Fixtures for the store tests: a fresh database per test on SQLite and on PostgreSQL.

The PostgreSQL variant needs ``PLANNER_TEST_POSTGRES_URL`` (set by ``scripts/test``); each
test gets its own database on that server, dropped afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from planner.plan.schema import Plan
from planner.plan.validation import validate
from planner.policy import RULES
from planner.signoff import records as signoff
from planner.store import Store

POSTGRES_URL = os.environ.get("PLANNER_TEST_POSTGRES_URL", "")
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgres",
        id="postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(
                not POSTGRES_URL,
                reason="PLANNER_TEST_POSTGRES_URL is not set (scripts/test starts a PostgreSQL)",
            ),
        ],
    ),
]

PLAN_DATA = {
    "version": 1,
    "title": "ACME x Nordwind",
    "partner": {"name": "ACME IT GmbH", "kind": "reseller"},
    "vendor": {"name": "Nordwind Security AG"},
    "start": "2027-01",
    "months": 24,
    "discount_rate": 0.1,
    "opex_per_month": 2500,
    "investments": [
        {"name": "Zertifizierung", "category": "certification", "amount": 18000, "month": 1},
    ],
    "resources": [
        {"role": "AE", "function": "sales", "fte": 2, "start_month": 1, "annual_cost": 115000},
        {"role": "PS", "function": "delivery", "fte": 1, "start_month": 2, "annual_cost": 95000},
    ],
    "revenue": {
        "deals_per_sales_fte_month": 0.8,
        "deal_size": 42000,
        "subscription": True,
        "monthly_churn": 0.01,
        "annual_price_uplift": 0.03,
        "partner_margin": 0.25,
        "services_per_deal": 12000,
        "delivery_capacity_per_fte_month": 16000,
        "managed_fee_per_customer_month": 150,
    },
    "vendor_programme": {
        "mdf_rate": 0.03,
        "rebate_tiers": [{"threshold": 300000, "rate": 0.02}],
        "gross_margin": 0.85,
        "partner_manager_fte": 0.3,
        "partner_manager_annual_cost": 120000,
    },
    "scenarios": [
        {"name": "Low", "set": {"revenue.deal_size": 30000, "vendor_programme.gross_margin": 0.7}}
    ],
}


def example_plan(**changes: object) -> Plan:
    data = {**PLAN_DATA, **changes}
    return validate(data)


class FakeClock:
    """A clock that moves only when told to (timezone-aware, UTC)."""

    def __init__(self) -> None:
        self.now = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def database_for(backend: str, tmp_path: Path) -> Iterator[str]:
    """A URL of a fresh, empty database of ``backend``; dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite+pysqlite:///{tmp_path / 'planner.db'}"
        return
    name = "planner_test_" + secrets.token_hex(6)
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from database_for(request.param, tmp_path)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(database_url: str, clock: FakeClock) -> Iterator[Store]:
    opened = Store(database_url, clock=clock, policy=RULES)
    yield opened
    opened.close()


def freeze_and_sign(store: Store, plan_id: str, version: int) -> signoff.SignOff:
    """Freeze ``version`` (the plan's current one) as the owner and sign it by both sides:
    Anna Berger (CEO) for the partner on 5 January 2027, then Max Roth (Partner Manager) as
    the owner for the vendor on the 6th. Returns the completed record."""
    signoff.freeze(store, plan_id, role="owner", author="Max Roth")
    signoff.sign(
        store,
        plan_id,
        version,
        side="partner",
        role="partner_editor",
        name="Anna Berger",
        title="CEO",
        date=dt.date(2027, 1, 5),
    )
    return signoff.sign(
        store,
        plan_id,
        version,
        side="vendor",
        role="owner",
        name="Max Roth",
        title="Partner Manager",
        date=dt.date(2027, 1, 6),
    )
