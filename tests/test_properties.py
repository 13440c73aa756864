"""Identities that hold for every valid plan (hypothesis)."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import finance
from planner.model import Batch, batch_key_figures, evaluate, key_figures, simulate
from planner.plan.files import canonical_json, parse, to_yaml
from planner.plan.paths import get_value
from planner.plan.schema import VALUE_COLUMNS
from planner.plan.validation import apply_changes
from tests import strategies
from tests.agreement import assert_figures_agree

SIDES = ("partner", "vendor")
quick = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def brute_force_first_month_staying_nonnegative(series):
    for t in range(1, len(series) + 1):
        if all(v >= 0 for v in series[t - 1 :]):
            return t
    return None


@quick
@given(strategies.plans())
def test_any_valid_plan_computes_finite_consistent_columns(plan):
    out = evaluate(plan)
    m = out.monthly
    values = m[list(VALUE_COLUMNS)].to_numpy(dtype=float)
    assert np.isfinite(values).all()
    assert m["cumulative_cash"].to_numpy() == pytest.approx(np.cumsum(m["cash_flow"]), abs=1e-6)
    assert m["vendor_cumulative_cash"].to_numpy() == pytest.approx(
        np.cumsum(m["vendor_cash_flow"]), abs=1e-6
    )
    assert m["gross_profit"].to_numpy() == pytest.approx(m["revenue"] - m["sell_in"], abs=1e-6)
    assert m["investment_net"].to_numpy() == pytest.approx(
        m["investment_gross"] - m["investment_vendor_funded"], abs=1e-6
    )
    assert (m["backlog"] >= -1e-9).all()
    assert (m["services"] <= m["services_demand"].cumsum() + 1e-6).all()
    assert m["vendor_revenue"].equals(m["sell_in"])


@quick
@given(strategies.plans())
def test_npv_at_rate_zero_is_the_sum_of_cash_flows(plan):
    plan = apply_changes(plan, {"discount_rate": 0.0})
    out = evaluate(plan)
    assert out.kpis["partner"]["npv"] == pytest.approx(out.monthly["cash_flow"].sum(), abs=1e-6)
    assert out.kpis["vendor"]["npv"] == pytest.approx(
        out.monthly["vendor_cash_flow"].sum(), abs=1e-6
    )


@quick
@given(strategies.plans(), st.integers(1, 5))
def test_a_batch_of_copies_equals_the_single_result(plan, copies):
    single = Batch.from_plans([plan])
    many = single.repeat(copies)
    one, all_ = simulate(single), simulate(many)
    for name in VALUE_COLUMNS:
        assert np.array_equal(all_[name], np.repeat(one[name], copies, axis=0))
    f1, fk = key_figures(single, one), key_figures(many, all_)
    for side in ("partner", "vendor"):
        for name, values in f1[side].items():
            np.testing.assert_array_equal(fk[side][name], np.repeat(values, copies))


@quick
@given(strategies.plans(), st.data())
def test_a_scenario_setting_a_value_to_itself_changes_nothing(plan, data):
    paths = ["discount_rate", "revenue.deal_size", "vendor_programme.mdf_rate", "months"]
    paths += [f"resources.{i}.fte" for i in range(len(plan.resources))]
    path = data.draw(st.sampled_from(paths))
    same = apply_changes(plan, {path: get_value(plan, path)})
    base = apply_changes(plan, {})
    assert canonical_json(same) == canonical_json(base)
    assert evaluate(same).kpis == evaluate(plan).kpis


@quick
@given(strategies.plans())
def test_payback_and_break_even_agree_with_their_definitions(plan):
    out = evaluate(plan)
    for side, flow, cum in (
        ("partner", "cash_flow", "cumulative_cash"),
        ("vendor", "vendor_cash_flow", "vendor_cumulative_cash"),
    ):
        cf, cumulative = list(out.monthly[flow]), list(out.monthly[cum])
        figures = out.kpis[side]
        if min(cumulative) >= 0:
            assert figures["payback_month"] == 0
        elif cumulative[-1] < 0:
            assert figures["payback_month"] is None
        else:
            assert figures["payback_month"] == brute_force_first_month_staying_nonnegative(
                cumulative
            )
        if cf[-1] < 0:
            assert figures["break_even_month"] is None
        else:
            assert figures["break_even_month"] == brute_force_first_month_staying_nonnegative(cf)
        assert figures["peak_funding"] == pytest.approx(max(0.0, -min(cumulative)))


@quick
@given(strategies.plans())
def test_yaml_round_trip_keeps_every_plan(plan):
    assert canonical_json(parse(to_yaml(plan))) == canonical_json(plan)


@settings(max_examples=200, deadline=None)
@given(strategies.cash_flows(36))
def test_batched_irr_agrees_with_numpy_financial(flows):
    cf = np.array(flows)
    ours = finance.irr_monthly(cf)[0]
    if not ((cf > 0).any() and (cf < 0).any()):
        assert np.isnan(ours)
        return
    theirs = npf.irr(cf)
    if np.isnan(theirs):
        assert np.isnan(ours)
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


def test_batched_irr_agrees_row_by_row_on_a_mixed_batch():
    rng = np.random.default_rng(7)
    # J-curves (one sign change), noisy series (several), all-positive rows (undefined)
    t = np.arange(1, 49)
    j_curves = -50_000 + 4_000 * t[None, :] * rng.uniform(0.2, 1.5, size=(200, 1))
    noisy = rng.normal(0, 1_000, size=(200, 48))
    positive = np.abs(noisy[:10]) + 1
    # J-curves with a dip in months 13 and 25 (a hire, a renewal): three sign changes, the
    # case the Descartes count around a rate of 0 settles without polynomial roots
    dipped = j_curves.copy()
    dipped[:, 12] -= rng.uniform(0, 150_000, 200)
    dipped[:, 24] -= rng.uniform(0, 100_000, 200)
    batch = np.vstack([j_curves, noisy, positive, dipped])
    ours = finance.irr_monthly(batch)
    for row, value in zip(batch, ours, strict=True):
        expected = npf.irr(row) if (row > 0).any() and (row < 0).any() else np.nan
        if np.isnan(expected):
            assert np.isnan(value)
        else:
            assert value == pytest.approx(expected, abs=1e-9)


def test_irr_of_flows_too_tiny_for_the_polynomial_solve_is_undefined_not_an_error():
    # A deal size of 5e-324 (the smallest float) makes cash flows whose companion matrix in
    # numpy_financial.irr overflows to inf: hypothesis found this; the IRR is then undefined.
    flows = np.array([[-1.0, 5e-324, -5e-324, 5e-324, 2e-323, -1e-323]])
    result = finance.irr_monthly(flows)
    assert result.shape == (1,)
    assert np.isnan(result[0]) or np.isfinite(result[0])


@quick
@given(
    strategies.plans(),
    st.lists(
        st.tuples(st.floats(0, 10), st.floats(0, 1), st.floats(0, 500_000), st.floats(0, 0.5)),
        min_size=1,
        max_size=12,
    ),
)
def test_plans_in_a_compiled_batch_agree_with_each_plan_alone(plan, variations):
    # The compiled kernel against the plans alone (numpy, the same figures as `kpis`): within
    # 1e-12 relative or 1e-6 currency units, the same payback and break-even months, the same
    # figures shown (a team decision; bit for bit is not asked of the kernel).
    deals, churn, deal_size, margin = (np.array(column) for column in zip(*variations, strict=True))
    batch = (
        Batch.from_plans([plan])
        .repeat(len(variations))
        .set("revenue.deals_per_sales_fte_month", deals)
        .set("revenue.monthly_churn", churn)
        .set("revenue.deal_size", deal_size)
        .set("revenue.partner_margin", margin)
    )
    compiled = batch_key_figures(batch)
    for row in range(batch.size):
        alone = batch.rows(slice(row, row + 1))
        expected = key_figures(alone, simulate(alone))
        assert_figures_agree(
            {side: {n: v[row : row + 1] for n, v in compiled[side].items()} for side in SIDES}
            | {"mutual": compiled["mutual"][row : row + 1]},
            expected,
        )
