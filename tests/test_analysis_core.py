"""Drivers, scenarios, tornado and goal seek on hand-worked plans.

The plan ``_simple`` has one sales FTE from month 1 closing ``d`` one-off deals of 1,000 a
month at a 50 % margin and 300 opex a month, over 12 months at a 0 % discount rate:
gross profit 500 d a month, cash flow 500 d - 300, NPV = 12 * (500 d - 300).
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import model
from planner.analysis import AnalysisError
from planner.analysis.drivers import driver, drivers, tornado_drivers
from planner.analysis.figures import NUMERIC_FIGURES, compute, figure_array
from planner.analysis.goalseek import goal_seek, parse_target
from planner.analysis.scenarios import (
    add_scenario,
    compare,
    delete_scenario,
    diff,
    promote_scenario,
    rename_scenario,
    scenario_from_plan,
)
from planner.analysis.sensitivity import tornado
from planner.plan.files import load
from planner.plan.schema import MAX_COUNT, MAX_MONEY, Plan, PlanError
from planner.plan.validation import with_scenario, with_values
from tests.factories import EXAMPLE, investment, make_plan, sales


def _simple(**changes: Any) -> Plan:
    data: dict[str, Any] = {
        "resources": [sales(fte=1, start=1)],
        "opex_per_month": 300,
        "revenue": {
            "deals_per_sales_fte_month": 1,
            "deal_size": 1000,
            "subscription": False,
            "partner_margin": 0.5,
        },
    }
    data.update(changes)
    return make_plan(**data)


def _figure(plan: Plan, name: str) -> Any:
    side, _, figure = name.partition(".")
    return model.evaluate(plan).kpis[side][figure]


# --- drivers -----------------------------------------------------------------------------


def test_driver_ranges_follow_the_schema_and_the_horizon() -> None:
    plan = load(EXAMPLE)
    assert driver(plan, "revenue.partner_margin").high < 1
    assert driver(plan, "revenue.partner_margin").high == math.nextafter(1, 0)
    assert driver(plan, "revenue.deal_size").high == MAX_MONEY
    assert driver(plan, "revenue.deals_per_sales_fte_month").high == MAX_COUNT
    start = driver(plan, "resources.0.start_month")
    assert (start.low, start.high, start.integer) == (1, plan.months, True)
    assert driver(plan, "resources.2.ramp_months").high == plan.months
    assert driver(plan, "investments.3.month").high == plan.months
    assert driver(plan, "investments.3.every_months").high == 120
    assert driver(plan, "vendor_programme.rebate_tiers.1.rate").high == 1
    paths = [d.path for d in drivers(plan)]
    assert "revenue.subscription" not in paths
    assert "months" not in paths
    assert len(paths) == 14 + 4 * 4 + 4 * 4 + 2 * 2
    assert "investments.0.month" not in [d.path for d in tornado_drivers(plan)]


@pytest.mark.parametrize("path", ["revenue.x", "resources.9.fte", "months", "title", ""])
def test_unknown_driver_is_refused_by_name(path: str) -> None:
    with pytest.raises(AnalysisError, match="is not a numeric driver"):
        driver(load(EXAMPLE), path)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_clamped_values_are_valid_plan_values(data: st.DataObject) -> None:
    plan = load(EXAMPLE)
    item = data.draw(st.sampled_from(drivers(plan)))
    raw = data.draw(st.floats(-1e13, 1e13, allow_nan=False))
    value = float(item.clamp(raw))
    assert item.contains(value)
    changed = with_values(plan, {item.path: int(value) if item.integer else value})
    assert driver(changed, item.path).value == value


def test_single_figure_equals_key_figures() -> None:
    plan = load(EXAMPLE)
    batch = model.Batch.from_plans([plan, with_scenario(plan, "Konservativ")])
    columns = model.simulate(batch)
    figures = model.key_figures(batch, columns)
    for name in (*NUMERIC_FIGURES, "mutual"):
        expected, got = figure_array(figures, name), compute(batch, columns, name)
        assert got.tolist() == pytest.approx(expected.tolist(), nan_ok=True), name


# --- scenarios ---------------------------------------------------------------------------


def test_compare_hand_worked() -> None:
    # base NPV 12 * (500 - 300) = 2400; deal size 1200: 12 * (600 - 300) = 3600
    plan = add_scenario(_simple(), "Higher price", {"revenue.deal_size": 1200})
    result = compare(plan)
    assert result.base["partner"]["npv"] == pytest.approx(2400)
    assert result.scenarios["Higher price"]["partner"]["npv"] == pytest.approx(3600)
    assert result.difference("Higher price")["partner"]["npv"] == pytest.approx(1200)
    row = next(r for r in result.rows() if r["figure"] == "partner.npv")
    assert row["differences"]["Higher price"] == pytest.approx(1200)


def test_compare_equals_evaluate_per_scenario() -> None:
    plan = load(EXAMPLE)
    result = compare(plan)
    assert result.base == model.evaluate(plan).kpis
    for name in ("Konservativ", "Ambitioniert"):
        assert result.scenarios[name] == model.evaluate(plan, name).kpis


def test_scenario_helpers() -> None:
    plan = load(EXAMPLE)
    edited = with_values(plan, {"revenue.deal_size": 45000, "resources.1.fte": 2})
    assert diff(plan, edited) == {"revenue.deal_size": 45000, "resources.1.fte": 2}
    made = scenario_from_plan(plan, edited, "Edits")
    assert with_scenario(made, "Edits").revenue.deal_size == 45000
    renamed = rename_scenario(made, "Edits", "Meeting")
    assert [s.name for s in renamed.scenarios] == ["Konservativ", "Ambitioniert", "Meeting"]
    assert [s.name for s in delete_scenario(renamed, "Meeting").scenarios] == [
        "Konservativ",
        "Ambitioniert",
    ]
    with pytest.raises(PlanError, match="used twice"):
        rename_scenario(renamed, "Meeting", "Konservativ")
    with pytest.raises(PlanError, match="not in the plan"):
        delete_scenario(plan, "Nope")
    with pytest.raises(PlanError, match="not a plan path"):
        add_scenario(plan, "Bad", {"revenue.nope": 1})


def test_promote_scenario_keeps_old_base_on_request() -> None:
    plan = load(EXAMPLE)
    promoted = promote_scenario(plan, "Ambitioniert", keep_base_as="Bisher")
    assert promoted.revenue.deals_per_sales_fte_month == 1.0
    assert promoted.resources[0].fte == 3
    assert [s.name for s in promoted.scenarios] == ["Konservativ", "Bisher"]
    back = with_scenario(promoted, "Bisher")
    assert back.revenue.deals_per_sales_fte_month == 0.8
    assert back.resources[0].fte == 2


# --- tornado -----------------------------------------------------------------------------


def test_tornado_hand_worked() -> None:
    result = tornado(_simple())
    assert result.base == pytest.approx(2400)
    # deals, deal size, FTE and margin each move gross profit 500 by +-100 a month:
    # NPV 12 * (400 - 300) = 1200 and 12 * (600 - 300) = 3600, impact 1200.
    top = {bar.path: bar for bar in result.bars[:4]}
    assert set(top) == {
        "revenue.deals_per_sales_fte_month",
        "revenue.deal_size",
        "revenue.partner_margin",
        "resources.0.fte",
    }
    for bar in top.values():
        assert (bar.low_figure, bar.high_figure) == pytest.approx((1200, 3600))
        assert bar.impact == pytest.approx(1200)
    # opex 300 -> 240 / 360: NPV 12 * 260 = 3120 and 12 * 140 = 1680, impact 720
    fifth = result.bars[4]
    assert fifth.path == "opex_per_month"
    assert (fifth.low_value, fifth.high_value) == pytest.approx((240, 360))
    assert (fifth.low_figure, fifth.high_figure, fifth.impact) == pytest.approx((3120, 1680, 720))
    # start month 1 moved by 20 % rounds back to 1: no effect
    start = next(bar for bar in result.bars if bar.path == "resources.0.start_month")
    assert (start.low_value, start.high_value, start.impact) == (1, 1, 0)
    assert all(bar.impact == 0 for bar in result.bars[5:])


def test_tornado_undefined_payback_ranks_first() -> None:
    # investment 2300 in month 1: cum(t) = 200 t - 2300, payback month 12 (cum(11) = -100).
    # deal size 800: cf 100, cum(12) = -1100 -> never pays back (null).
    # deal size 1200: cf 300, cum(7) = -200, cum(8) = 100 -> payback month 8.
    plan = _simple(investments=[investment(2300, 1)])
    result = tornado(plan, "partner.payback_month", paths=["opex_per_month", "revenue.deal_size"])
    assert result.base == 12
    first = result.bars[0]
    assert first.path == "revenue.deal_size"
    assert first.changes_kind
    assert (first.low_figure, first.high_figure) == (None, 8)
    assert first.impact == 4


def test_tornado_bad_arguments() -> None:
    with pytest.raises(AnalysisError, match="figure: 'npv'"):
        tornado(_simple(), "npv")
    with pytest.raises(AnalysisError, match="step"):
        tornado(_simple(), step=0)
    with pytest.raises(AnalysisError, match="step"):
        tornado(_simple(), step=1.5)


def test_tornado_of_example_is_sorted_and_covers_every_driver() -> None:
    plan = load(EXAMPLE)
    result = tornado(plan, "vendor.npv")
    impacts = [bar.impact for bar in result.bars if not bar.changes_kind]
    assert impacts == sorted(impacts, reverse=True)
    assert {bar.path for bar in result.bars} == {d.path for d in tornado_drivers(plan)}


# --- goal seek ---------------------------------------------------------------------------


def test_goal_seek_npv_zero_hand_worked() -> None:
    # NPV = 12 * (500 d - 300) = 0 at d = 0.6
    plan = _simple()
    result = goal_seek(plan, "revenue.deals_per_sales_fte_month", "partner.npv", 0)
    assert result.status == "reached"
    assert result.value == pytest.approx(0.6, rel=1e-8)
    checked = _figure(with_values(plan, {result.path: result.value}), "partner.npv")
    assert checked >= 0
    assert checked == pytest.approx(0, abs=1e-4)


def test_goal_seek_payback_is_a_step_target() -> None:
    # investment 2300: cum(10) = 10 (500 d - 300) - 2300 >= 0  <=>  d >= 1.06
    plan = _simple(investments=[investment(2300, 1)])
    result = goal_seek(plan, "revenue.deals_per_sales_fte_month", "partner.payback_month", 10)
    assert result.op == "<="
    assert result.value == pytest.approx(1.06, rel=1e-8)
    assert _figure(with_values(plan, {result.path: result.value}), "partner.payback_month") <= 10


def test_goal_seek_integer_driver() -> None:
    # start month s: 13 - s months of 500 gross profit, opex 3600: NPV >= 0 <=> s <= 5.8
    plan = _simple()
    result = goal_seek(plan, "resources.0.start_month", "partner.npv", 0, ">=")
    assert result.value == 5
    assert isinstance(result.value, int)
    assert _figure(with_values(plan, {result.path: 5}), "partner.npv") == pytest.approx(400)
    assert _figure(with_values(plan, {result.path: 6}), "partner.npv") < 0


def test_goal_seek_unreachable_target_is_said_clearly() -> None:
    # margin m < 1: NPV = 12 * (1000 m - 300) < 8400, so 9000 cannot be reached
    result = goal_seek(_simple(), "revenue.partner_margin", "partner.npv", 9000)
    assert result.status == "unreachable"
    assert result.value is None
    assert "cannot be reached" in result.message()
    assert result.figure_value == pytest.approx(12 * (1000 * math.nextafter(1, 0) - 300))


def test_goal_seek_example_answers_meet_their_targets() -> None:
    plan = load(EXAMPLE)
    cases = [
        ("revenue.deals_per_sales_fte_month", "partner.payback_month", 18, None),
        ("resources.0.annual_cost", "partner.irr", 0.3, ">="),
        ("revenue.deal_size", "partner.npv", 0, "="),
        ("resources.3.start_month", "partner.payback_month", 33, None),
    ]
    for path, figure, target, op in cases:
        result = goal_seek(plan, path, figure, target, op)
        assert result.status == "reached", result.message()
        value = _figure(with_values(plan, {path: result.value}), figure)
        if result.op == "<=":
            assert value <= target
        else:
            assert value >= target
            assert value == pytest.approx(target, rel=1e-6, abs=1e-3)


def test_parse_target() -> None:
    assert parse_target(">= 0") == (">=", 0.0)
    assert parse_target("=1e5") == ("=", 100000.0)
    for bad in ("abc", "<18", "nan", "inf", ""):
        with pytest.raises(AnalysisError, match="target"):
            parse_target(bad)
