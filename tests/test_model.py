"""Hand-worked plans: every expected number is derived in the comment next to it."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest

from planner import finance, model
from planner.model import Batch, evaluate, evaluate_many, month_dates, simulate
from planner.plan.files import load
from planner.plan.schema import MONTHLY_COLUMNS
from planner.plan.validation import with_values
from tests.agreement import assert_figures_agree
from tests.factories import EXAMPLE, delivery, investment, make_plan, sales


def column(outcome, name):
    return outcome.monthly[name].to_numpy()


def test_one_sales_role_twelve_months_subscription():
    # 1 sales FTE from month 1, no ramp, 1 deal a month at 12,000 list, subscription, no churn:
    # customers(t) = t, resale(t) = t * 12,000 / 12 = 1,000 t, sell_in = 75 % = 750 t.
    # Staff 120,000 / 12 = 10,000 a month, so cash_flow(t) = 250 t - 10,000 (always < 0).
    plan = make_plan(
        resources=[sales(cost=120_000)],
        revenue={"deals_per_sales_fte_month": 1, "deal_size": 12_000, "partner_margin": 0.25},
        vendor_programme={"gross_margin": 0.5},
    )
    out = evaluate(plan)
    t = np.arange(1, 13)
    assert column(out, "customers") == pytest.approx(t)
    assert column(out, "resale") == pytest.approx(1_000 * t)
    assert column(out, "sell_in") == pytest.approx(750 * t)
    assert column(out, "staff_cost") == pytest.approx(np.full(12, 10_000))
    assert column(out, "cash_flow") == pytest.approx(250 * t - 10_000)
    partner = out.kpis["partner"]
    # cum(12) = 250 * 78 - 120,000 = -100,500: never paid back, no break-even, no IRR.
    assert partner["cumulative_cash"] == pytest.approx(-100_500)
    assert partner["peak_funding"] == pytest.approx(100_500)
    assert partner["payback_month"] is None
    assert partner["break_even_month"] is None
    assert partner["irr"] is None
    assert partner["npv"] == pytest.approx(-100_500)  # rate 0: NPV is the plain sum
    assert partner["revenue"] == pytest.approx(78_000)
    vendor = out.kpis["vendor"]
    # Vendor: 50 % of sell-in, no cost: cf(t) = 375 t > 0, so payback 0, break-even 1.
    assert vendor["revenue"] == pytest.approx(58_500)
    assert vendor["gross_profit"] == pytest.approx(29_250)
    assert vendor["payback_month"] == 0
    assert vendor["break_even_month"] == 1
    assert vendor["peak_funding"] == 0
    assert vendor["roi"] is None
    assert vendor["irr"] is None
    assert out.kpis["mutual"] is False  # partner NPV < 0


def test_key_figures_of_a_simple_payback():
    # One-off licences: 1 deal a month at 4,000, 50 % margin: gross profit 2,000 a month.
    # An investment of 10,000 in month 1: cf = -8,000, then 2,000 for months 2..12.
    # cum = -8,000, -6,000, -4,000, -2,000, 0, 2,000, ... 14,000.
    plan = make_plan(
        resources=[sales()],
        investments=[investment(10_000, 1)],
        revenue={
            "deals_per_sales_fte_month": 1,
            "deal_size": 4_000,
            "subscription": False,
            "partner_margin": 0.5,
        },
        vendor_programme={
            "gross_margin": 0.5,
            "partner_manager_fte": 1,
            "partner_manager_annual_cost": 6_000,
        },
        discount_rate=0.1,
    )
    out = evaluate(plan)
    flows = np.array([-8_000] + [2_000] * 11, dtype=float)
    assert column(out, "cash_flow") == pytest.approx(flows)
    partner = out.kpis["partner"]
    assert partner["payback_month"] == 5  # cum(5) = 0 >= 0 and stays
    assert partner["break_even_month"] == 2
    assert partner["peak_funding"] == pytest.approx(8_000)
    assert partner["cumulative_cash"] == pytest.approx(14_000)
    assert partner["roi"] == pytest.approx(14_000 / 8_000)
    discount = 1.1 ** (-np.arange(1, 13) / 12)
    assert partner["npv"] == pytest.approx(float((flows * discount).sum()))
    assert partner["irr"] == pytest.approx((1 + npf.irr(flows)) ** 12 - 1, rel=1e-9)
    # Vendor: 50 % of 2,000 sell-in = 1,000 minus the manager 6,000 / 12 = 500: 500 a month.
    assert column(out, "vendor_cash_flow") == pytest.approx(np.full(12, 500))
    assert out.kpis["vendor"]["cost"] == pytest.approx(6_000)
    assert out.kpis["mutual"] is True


def test_ramp_churn_uplift_and_tiered_rebate_in_a_partial_last_year():
    # 18 months: plan year 0 has 12 months, year 1 only 6 (partial).
    # 2 sales FTE, ramp 4: productive 0.5, 1.0, 1.5, then 2.0; 0.5 deals each:
    # new deals 0.25, 0.5, 0.75, then 1.0 a month. One-off licences at 10,000, +10 % in year 1.
    # Resale year 0 = (0.25 + 0.5 + 0.75 + 9 * 1) * 10,000 = 105,000; sell-in 80 % = 84,000.
    # Resale months 13-18 = 6 * 11,000 = 66,000; sell-in = 52,800.
    # Tiers (given out of order): 100,000 -> 5 %, 80,000 -> 2 %.
    # Year 0: 80,000 <= 84,000 < 100,000: 2 % of 84,000 = 1,680, paid in month 12.
    # Year 1 (6 months): thresholds scale to 40,000 and 50,000, both <= 52,800: the larger
    # rate 5 % of 52,800 = 2,640, paid in month 18.
    plan = make_plan(
        months=18,
        resources=[sales(fte=2, ramp=4)],
        revenue={
            "deals_per_sales_fte_month": 0.5,
            "deal_size": 10_000,
            "subscription": False,
            "annual_price_uplift": 0.1,
            "partner_margin": 0.2,
        },
        vendor_programme={
            "rebate_tiers": [
                {"threshold": 100_000, "rate": 0.05},
                {"threshold": 80_000, "rate": 0.02},
            ],
        },
    )
    out = evaluate(plan)
    new_deals = [0.25, 0.5, 0.75] + [1.0] * 15
    assert column(out, "new_deals") == pytest.approx(new_deals)
    assert column(out, "resale")[12:] == pytest.approx(np.full(6, 11_000))
    assert column(out, "sell_in")[:12].sum() == pytest.approx(84_000)
    rebate = np.zeros(18)
    rebate[11], rebate[17] = 1_680, 2_640
    assert column(out, "rebate") == pytest.approx(rebate)
    assert column(out, "vendor_funds") == pytest.approx(rebate)


def test_rebate_tier_threshold_is_inclusive_and_none_below():
    # Sell-in exactly 1,000 a month = 12,000 a year: a 12,000 threshold qualifies (<=),
    # a 12,001 one does not.
    def rebate_for(threshold):
        plan = make_plan(
            resources=[sales()],
            revenue={"deals_per_sales_fte_month": 1, "deal_size": 1_000, "subscription": False},
            vendor_programme={"rebate_tiers": [{"threshold": threshold, "rate": 0.1}]},
        )
        return column(evaluate(plan), "rebate")

    assert rebate_for(12_000)[11] == pytest.approx(1_200)
    assert rebate_for(12_001).sum() == 0


def test_recurring_investment_and_vendor_share():
    # 1,000 in month 3, every 5 months within 12: due in months 3 and 8 (13 is past the end).
    # Vendor funds 25 %: 250 each time; the partner's net is 750.
    plan = make_plan(investments=[investment(1_000, 3, every=5, vendor_share=0.25)])
    out = evaluate(plan)
    gross = np.zeros(12)
    gross[[2, 7]] = 1_000
    assert column(out, "investment_gross") == pytest.approx(gross)
    assert column(out, "investment_vendor_funded") == pytest.approx(gross * 0.25)
    assert column(out, "investment_net") == pytest.approx(gross * 0.75)
    assert column(out, "vendor_cost") == pytest.approx(gross * 0.25)
    assert column(out, "cash_flow") == pytest.approx(-gross * 0.75)


def test_yearly_recurring_investment_stops_at_the_horizon():
    # 6,000 in month 13 every 12 months over 24 months: due in month 13 only (25 > 24).
    out = evaluate(make_plan(months=24, investments=[investment(6_000, 13, every=12)]))
    gross = column(out, "investment_gross")
    assert gross[12] == 6_000
    assert gross.sum() == 6_000


def test_backlog_fills_and_drains():
    # 1 deal a month, 1,000 of services each. Consultant A delivers 600 a month from month 1;
    # consultant B starts in month 4 with a 2-month ramp: capacity 900 in month 4, then 1,200.
    # backlog: 400, 800, 1,200, then 1,200 + 1,000 - 900 = 1,300, then falls by 200 a month
    # (1,100, 900, 700, 500, 300, 100) until month 11 clears it: open 1,100 <= 1,200.
    plan = make_plan(
        resources=[sales(), delivery(), delivery(start=4, ramp=2)],
        revenue={
            "deals_per_sales_fte_month": 1,
            "services_per_deal": 1_000,
            "delivery_capacity_per_fte_month": 600,
        },
    )
    out = evaluate(plan)
    backlog = [400, 800, 1_200, 1_300, 1_100, 900, 700, 500, 300, 100, 0, 0]
    services = [600, 600, 600, 900, 1_200, 1_200, 1_200, 1_200, 1_200, 1_200, 1_100, 1_000]
    assert column(out, "backlog") == pytest.approx(backlog)
    assert column(out, "services") == pytest.approx(services)
    assert column(out, "services_demand") == pytest.approx(np.full(12, 1_000))
    assert column(out, "revenue") == pytest.approx(services)  # no resale (deal size 0)


def test_churn_drives_customers_and_managed_fees():
    # 1 deal a month, 10 % churn: customers 1, 0.9 + 1 = 1.9, 1.71 + 1 = 2.71, ...
    # Managed fee 100 per customer and month: 100, 190, 271.
    plan = make_plan(
        resources=[sales()],
        revenue={
            "deals_per_sales_fte_month": 1,
            "monthly_churn": 0.1,
            "managed_fee_per_customer_month": 100,
        },
    )
    out = evaluate(plan)
    assert column(out, "customers")[:3] == pytest.approx([1, 1.9, 2.71])
    assert column(out, "managed")[:3] == pytest.approx([100, 190, 271])


def test_resources_count_from_their_start_and_mdf_flows_to_both_sides():
    # A delivery FTE of 0.5 from month 7 at 96,000 a year: headcount 0 then 0.5, staff 4,000.
    # Sales: 1 FTE at 1 deal of 1,200 a month (one-off), no margin: sell-in 1,200; MDF 10 % = 120
    # a month is income for the partner and cost for the vendor.
    plan = make_plan(
        resources=[sales(), delivery(fte=0.5, start=7, cost=96_000)],
        revenue={"deals_per_sales_fte_month": 1, "deal_size": 1_200, "subscription": False},
        vendor_programme={"mdf_rate": 0.1, "gross_margin": 1.0},
    )
    out = evaluate(plan)
    assert column(out, "headcount") == pytest.approx([1] * 6 + [1.5] * 6)
    assert column(out, "staff_cost") == pytest.approx([0] * 6 + [4_000] * 6)
    assert column(out, "mdf") == pytest.approx(np.full(12, 120))
    assert column(out, "vendor_cash_flow") == pytest.approx(np.full(12, 1_080))
    # partner: gross profit 0 (no margin) + MDF 120 - staff
    assert column(out, "ebitda") == pytest.approx([120] * 6 + [-3_880] * 6)


def test_monthly_table_shape_and_yearly_table():
    out = evaluate(make_plan(months=30, opex_per_month=100))
    assert list(out.monthly.columns) == list(MONTHLY_COLUMNS)
    assert out.monthly["date"].iloc[[0, 12, 29]].tolist() == ["2027-01", "2028-01", "2029-06"]
    yearly = out.yearly
    assert yearly["months"].tolist() == [12, 12, 6]
    assert yearly["opex"].tolist() == [1_200, 1_200, 600]
    # stocks take the year's last month: cumulative cash -1,200, -2,400, -3,000
    assert yearly["cumulative_cash"].tolist() == [-1_200, -2_400, -3_000]


def test_dates_roll_over_years():
    assert month_dates("2027-12", 2) == ["2027-12", "2028-01"]


def test_example_plan_loads_and_computes():
    plan = load(EXAMPLE)
    out = evaluate(plan)
    assert len(out.monthly) == 36
    assert np.isfinite(out.monthly.drop(columns=["date"]).to_numpy(dtype=float)).all()
    # Month 1 by hand: 2 AEs ramping over 6 months: productive 2/6 FTE, 0.8 deals each:
    # 0.2667 deals; resale = 0.2667 * 42,000 / 12 = 933.33; sell-in 75 % = 700.
    assert out.monthly["new_deals"].iloc[0] == pytest.approx(0.8 * 2 / 6)
    assert out.monthly["resale"].iloc[0] == pytest.approx(0.8 * 2 / 6 * 42_000 / 12)
    assert out.monthly["sell_in"].iloc[0] == pytest.approx(700)
    # Investments in month 1: certification 18,000 half vendor funded.
    assert out.monthly["investment_vendor_funded"].iloc[0] == pytest.approx(9_000)
    # Vendor cost in month 1: MDF 3 % of 700 = 21, funded 9,000, manager 0.3 * 120,000 / 12
    assert out.monthly["vendor_cost"].iloc[0] == pytest.approx(21 + 9_000 + 3_000)
    for name in [s.name for s in plan.scenarios]:
        assert evaluate(plan, name).plan.scenarios == []


def test_evaluate_many_groups_by_horizon_and_matches_evaluate():
    plans = [make_plan(months=12, opex_per_month=1), make_plan(months=24, opex_per_month=2)]
    plans.append(make_plan(months=12, opex_per_month=3, start="2030-05"))
    outs = evaluate_many(plans)
    for plan, out in zip(plans, outs, strict=True):
        single = evaluate(plan)
        assert out.kpis == single.kpis
        assert out.monthly.equals(single.monthly)


@pytest.mark.parametrize("ramps", [[3], list(range(10))], ids=["few schedules", "many schedules"])
def test_rows_with_their_own_month_schedules_equal_their_single_results(ramps):
    # 12 start months x 1 ramp = 12 distinct schedules (computed once each); x 10 ramps = 120,
    # more than are grouped, so each row computes its own: both must equal the single plans.
    plan = load(EXAMPLE)
    combos = [(start, ramp) for start in range(1, 13) for ramp in ramps]
    batch = Batch.from_plans([plan]).repeat(len(combos))
    batch = batch.set("resources.0.start_month", [c[0] for c in combos])
    batch = batch.set("resources.0.ramp_months", [c[1] for c in combos])
    batch = batch.set("investments.1.month", [c[0] for c in combos])
    columns = simulate(batch)
    for row, (start, ramp) in enumerate(combos):
        single_plan = with_values(
            plan,
            {
                "resources.0.start_month": start,
                "resources.0.ramp_months": ramp,
                "investments.1.month": start,
            },
        )
        single = simulate(Batch.from_plans([single_plan]))
        for name, values in single.items():
            np.testing.assert_array_equal(columns[name][row], values[0], err_msg=name)


@pytest.mark.parametrize(
    ("path", "value"),
    [("resources.0.start_month", 2.5), ("resources.0.ramp_months", -1), ("investments.0.month", 0)],
)
@pytest.mark.parametrize("plans", [2, 200], ids=["a few plans", "a batch"])
def test_months_outside_the_plan_or_not_whole_are_refused_by_the_model(path, value, plans):
    values = np.ones(plans)
    values[-1] = value
    batch = Batch.from_plans([load(EXAMPLE)]).repeat(plans).set(path, values)
    with pytest.raises(ValueError, match=path.split(".")[0]):
        simulate(batch)
    with pytest.raises(ValueError, match=path.split(".")[0]):
        model.batch_key_figures(batch)


def test_rows_with_their_own_investment_repeats_equal_their_single_results():
    plan = load(EXAMPLE)
    combos = [(month, every) for month in (1, 5, 30) for every in (0, 1, 7, 12, 40, 120)]
    batch = Batch.from_plans([plan]).repeat(len(combos))
    batch = batch.set("investments.0.month", [c[0] for c in combos])
    batch = batch.set("investments.0.every_months", [c[1] for c in combos])
    columns = simulate(batch)
    for row, (month, every) in enumerate(combos):
        single_plan = with_values(
            plan, {"investments.0.month": month, "investments.0.every_months": every}
        )
        single = simulate(Batch.from_plans([single_plan]))
        for name, values in single.items():
            np.testing.assert_array_equal(columns[name][row], values[0], err_msg=name)
        due = np.flatnonzero(single["investment_gross"][0] >= plan.investments[0].amount) + 1
        expected = [month] if every == 0 else list(range(month, plan.months + 1, every))
        assert set(expected) <= set(due.tolist())


def test_plans_losing_nearly_all_customers_leave_other_rows_alone():
    # A plan keeping 0.5 % of its customers a month runs the month-by-month recursion (its
    # closed form could overflow); the other plans of the batch keep the closed form, so each
    # row equals the plan run alone; the leaving plan is in the model's second block.
    steady = make_plan(
        resources=[sales(), delivery(start=3)],
        revenue={"deals_per_sales_fte_month": 1.3, "deal_size": 9_000, "monthly_churn": 0.013},
    )
    leaving = with_values(steady, {"revenue.monthly_churn": 0.995})
    last = finance.block_rows(steady.months) + 99
    batch = Batch.from_plans([steady] * last + [leaving])
    together = simulate(batch)
    for row, plan in ((0, steady), (last, leaving)):
        alone = simulate(Batch.from_plans([plan]))
        for name, values in alone.items():
            assert np.array_equal(together[name][row], values[0]), name
    customers = together["customers"][last]
    expected = np.zeros(12)
    for t in range(12):  # the recursion of docs/model.md section 2
        expected[t] = (expected[t - 1] if t else 0.0) * 0.005 + together["new_deals"][last][t]
    assert customers == pytest.approx(expected, rel=1e-12)


def test_npv_of_a_row_is_the_same_alone_with_one_rate_and_with_a_rate_per_row():
    rng = np.random.default_rng(11)
    flows = rng.normal(0, 10_000, (300, 48))
    rates = rng.uniform(0.0, 0.3, 300)
    rates[::2] = 0.1
    per_row = finance.npv(rates, flows)
    alone = np.array([finance.npv(rate, row)[0] for rate, row in zip(rates, flows, strict=True)])
    np.testing.assert_array_equal(per_row, alone)
    np.testing.assert_array_equal(finance.npv(np.full(300, 0.1), flows)[::2], per_row[::2])
    np.testing.assert_array_equal(finance.npv(0.1, flows), finance.npv(np.full(300, 0.1), flows))
    t = np.arange(1, 49)
    np.testing.assert_allclose(per_row, (flows * (1 + rates[:, None]) ** (-t / 12)).sum(axis=1))


def _varied(count: int, seed: int) -> Batch:
    """``count`` variations of the example: start month, FTE, deals, deal size and churn."""
    rng = np.random.default_rng(seed)
    batch = Batch.from_plans([load(EXAMPLE)]).repeat(count)
    return (
        batch.set("resources.0.start_month", rng.integers(1, 13, count).astype(float))
        .set("resources.0.fte", rng.uniform(0.5, 2.0, count))
        .set("revenue.deals_per_sales_fte_month", rng.uniform(0.2, 2.0, count))
        .set("revenue.deal_size", rng.uniform(5_000, 30_000, count))
        .set("revenue.monthly_churn", rng.uniform(0.0, 0.05, count))
    )


def test_blocks_and_their_figures_equal_the_whole_batch():
    # Two whole blocks of the model and a part one; with actuals for some rows. The blocks and,
    # with actuals, their figures equal the whole batch bit for bit; without actuals the
    # compiled kernel computes the figures: they agree within 1e-12 relative (1e-6 currency
    # units), the same months, the same figures shown (as the team decided).
    size = finance.block_rows(load(EXAMPLE).months)
    batch = _varied(2 * size + 452, seed=5)
    actuals = {"cash_flow": np.full((batch.size, batch.months), np.nan)}
    actuals["cash_flow"][::7, :3] = -12_345.0
    for given in (None, actuals):
        whole = simulate(batch, given)
        blocks = list(model.simulate_blocks(batch, given))  # columns copied as they come
        assert [b.stop - b.start for b, _ in blocks] == [size, size, 452]
        for block, columns in model.simulate_blocks(batch, given):
            for name, values in columns.items():
                np.testing.assert_array_equal(values, whole[name][block], err_msg=name)
        expected = model.key_figures(batch, whole)
        fused = model.batch_key_figures(batch, given)
        if given is None:
            assert_figures_agree(fused, expected)
            continue
        for side in ("partner", "vendor"):
            assert fused[side].keys() == expected[side].keys()
            for name, values in expected[side].items():
                np.testing.assert_array_equal(fused[side][name], values, err_msg=name)
        np.testing.assert_array_equal(fused["mutual"], expected["mutual"])
    # actuals reach the figures: NPV moves by the discounted difference of the first three
    # months' flows, (actual - planned) * (1 + r) ** (-t / 12), in the rows given them only
    plain = model.key_figures(batch, simulate(batch))
    given = model.batch_key_figures(batch, actuals)
    planned = simulate(batch)["cash_flow"][::7, :3]
    discount = (1 + batch.get("discount_rate")[::7, None]) ** (-np.arange(1, 4) / 12)
    moved = ((-12_345.0 - planned) * discount).sum(axis=1)
    npv = given["partner"]["npv"] - plain["partner"]["npv"]
    np.testing.assert_allclose(npv[::7], moved, rtol=1e-9, atol=1e-6)
    np.testing.assert_array_equal(npv[1::7], 0.0)


def test_blocks_read_while_others_are_computed_keep_their_own_values():
    # a caller may compute another batch while it reads a block: the blocks must not share
    # the reused buffer
    size = finance.block_rows(load(EXAMPLE).months)
    first, second = _varied(size + 10, seed=1), _varied(size + 10, seed=2)
    expected_first, expected_second = simulate(first), simulate(second)
    for (block, columns), (other, other_columns) in zip(
        model.simulate_blocks(first), model.simulate_blocks(second), strict=True
    ):
        np.testing.assert_array_equal(columns["cash_flow"], expected_first["cash_flow"][block])
        np.testing.assert_array_equal(
            other_columns["cash_flow"], expected_second["cash_flow"][other]
        )
        assert not np.shares_memory(columns["cash_flow"], other_columns["cash_flow"])
