"""Onboarding: commitment records, the rebate and MDF ledgers, the NPV bridge and the model
run from actuals. Expected values are worked out by hand in the comments."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import model
from planner.analysis import zone
from planner.onboarding import bridge, forecast, ledgers, records
from planner.onboarding.quarters import Quarter, quarters_of
from planner.plan.files import content_hash, load
from planner.plan.schema import VALUE_COLUMNS, PlanError
from planner.plan.validation import validate
from tests import strategies
from tests.factories import EXAMPLE, investment, make_plan, plan_data, sales


def _with(data: dict[str, Any], **blocks: Any) -> Any:
    return validate({**data, **blocks})


# --- the plan blocks ---------------------------------------------------------------------


def test_a_plan_without_the_onboarding_blocks_means_and_hashes_the_same():
    plan = load(EXAMPLE)
    data = plan.to_data()
    assert "objectives" not in data
    assert "commitments" not in data
    assert "actions" not in data
    again = validate(data)
    assert content_hash(again) == content_hash(plan)
    with_blocks = _with(data, objectives=[], commitments={}, actions=[])
    assert content_hash(with_blocks) != content_hash(plan)  # an empty block is still a change
    assert model.figures(with_blocks) == model.figures(plan)


@pytest.mark.parametrize(
    ("blocks", "path", "words"),
    [
        (
            {"commitments": {"hires": [{"resource": 3, "fte": 1, "month": 2}]}},
            "commitments.hires.0.resource",
            "not a planned role (0 to 0)",
        ),
        (
            {"commitments": {"hires": [{"resource": 0, "fte": 1}]}},
            "commitments.hires.0.month",
            "required unless dropped",
        ),
        (
            {"commitments": {"hires": [{"resource": 0, "fte": 1, "month": 13}]}},
            "commitments.hires.0.month",
            "13 is above 12",
        ),
        (
            {"commitments": {"investments": [{"investment": 0}, {"investment": 0}]}},
            "commitments.investments.1.investment",
            "appears twice",
        ),
        (
            {
                "commitments": {
                    "mdf": [
                        {
                            "activity": "A",
                            "requested": {"date": "2027-02-01", "amount": 100},
                            "approved": {"date": "2027-02-03", "amount": 120},
                        }
                    ]
                }
            },
            "commitments.mdf.0.approved.amount",
            "120 is above the requested amount 100",
        ),
        (
            {
                "commitments": {
                    "mdf": [
                        {
                            "activity": "A",
                            "requested": {"date": "2027-02-01", "amount": 100},
                            "approved": {"date": "2027-01-03", "amount": 90},
                        }
                    ]
                }
            },
            "commitments.mdf.0.approved.date",
            "before the requested date",
        ),
        (
            {
                "commitments": {
                    "mdf": [
                        {
                            "activity": "A",
                            "requested": {"date": "2027-02-01", "amount": 100},
                            "paid": {"date": "2027-03-03", "amount": 90},
                        }
                    ]
                }
            },
            "commitments.mdf.0.paid",
            "is given but approved is not",
        ),
        (
            {
                "objectives": [
                    {"name": "Certified", "targets": [{"quarter": "Q1-2028", "count": 2}]}
                ]
            },
            "objectives.0.targets.0.quarter",
            "Q1-2028 is not within the plan's horizon",
        ),
        (
            {
                "objectives": [
                    {"name": "Certified", "targets": [{"quarter": "Q5-2027", "count": 2}]}
                ]
            },
            "objectives.0.targets.0.quarter",
            "not a calendar quarter",
        ),
        (
            {
                "commitments": {
                    "objectives": [{"objective": "Nope", "quarter": "Q1-2027", "count": 1}]
                }
            },
            "commitments.objectives.0.objective",
            "'Nope' is not an objective",
        ),
        (
            {
                "actions": [
                    {"text": "x", "side": "partner", "raised": "Q3-2027", "closed": "Q2-2027"}
                ]
            },
            "actions.0.closed",
            "before Q3-2027",
        ),
    ],
)
def test_a_bad_record_is_refused_naming_its_field(blocks, path, words):
    data = plan_data(resources=[sales()], investments=[investment(1000, 2)])
    with pytest.raises(PlanError) as error:
        validate({**data, **blocks})
    problems = {p.path: p.message for p in error.value.problems}
    assert path in problems, problems
    assert words in problems[path]


def test_quarters_map_to_plan_months_from_the_plan_start():
    plan = make_plan(start="2027-11", months=14)  # Nov 2027 .. Dec 2028
    assert [q.key for q in quarters_of(plan)] == [
        "Q4-2027",
        "Q1-2028",
        "Q2-2028",
        "Q3-2028",
        "Q4-2028",
    ]
    assert Quarter.parse("Q4-2027").months(plan) == [1, 2]  # Oct is before the start
    assert Quarter.parse("q1 2028").months(plan) == [3, 4, 5]
    assert Quarter.parse("2028-Q4").year_to_date(plan) == list(range(3, 15))
    assert Quarter.of_month(plan, 14) == Quarter(2028, 4)
    with pytest.raises(ValueError, match="Q3-2027"):
        Quarter.parse("Q0-2027")


# --- records applied to the plan ---------------------------------------------------------


def test_a_role_hired_in_parts_keeps_its_index_and_splits_its_fte():
    data = plan_data(resources=[sales(fte=3, start=2), sales(fte=1, start=4)])
    plan = _with(
        data,
        commitments={
            "hires": [
                {"resource": 0, "fte": 1, "month": 5},
                {"resource": 0, "fte": 1, "dropped": True},
            ]
        },
    )
    committed = records.committed_plan(plan)
    # role 0: 3 planned - 1 hired - 1 dropped = 1 left at month 2; the hire is appended
    assert [(r.fte, r.start_month) for r in committed.resources] == [(1, 2), (1, 4), (1, 5)]
    timed = records.timed_plan(plan)
    # timing only: the dropped FTE stays at its planned month, so 3 FTE in total remain
    assert sorted((r.fte, r.start_month) for r in timed.resources) == [
        (1, 2),
        (1, 2),
        (1, 4),
        (1, 5),
    ]


def test_records_that_match_the_plan_change_nothing():
    data = plan_data(
        months=24,
        discount_rate=0.1,
        resources=[sales(fte=2, start=3, ramp=2, cost=60000)],
        investments=[investment(12000, 4, vendor_share=0.5)],
        revenue={"deals_per_sales_fte_month": 1, "deal_size": 12000},
        vendor_programme={"gross_margin": 0.8, "mdf_rate": 0.05},
    )
    plan = _with(
        data,
        commitments={
            "hires": [{"resource": 0, "fte": 1, "month": 3}, {"resource": 0, "fte": 1, "month": 3}],
            "investments": [{"investment": 0, "month": 4, "amount": 12000}],
        },
    )
    found = bridge.bridge(validate(data), plan, [])
    for side in ("partner", "vendor"):
        assert found.side(side).change == pytest.approx(0, abs=1e-6)


# --- the NPV bridge ----------------------------------------------------------------------


def test_a_dropped_investment_is_a_commitment_and_a_late_one_is_timing():
    # Two investments of 12,000, half vendor-funded; rate 12 % a year for both sides.
    # #0 due month 2 is dropped: the partner saves its half, 6,000 / 1.12 ** (2/12), and
    # the vendor saves its half, the same amount: 1.12 ** (1/6) = 1.019068, so
    # commitments = 6,000 / 1.019068 = +5,887.73 for each side.
    # #1 due month 3 is made in month 9: the partner's 6,000 moves from a discount of
    # 1.12 ** (3/12) to 1.12 ** (9/12): timing = 6,000 * (1/1.12**0.25 - 1/1.12**0.75)
    # = 6,000 * (0.972065 - 0.918515) = +321.30; the vendor's half alike.
    data = plan_data(
        discount_rate=0.12,
        investments=[
            investment(12000, 2, vendor_share=0.5),
            investment(12000, 3, vendor_share=0.5),
        ],
    )
    live = _with(
        data,
        commitments={
            "investments": [{"investment": 0, "dropped": True}, {"investment": 1, "month": 9}]
        },
    )
    found = bridge.bridge(validate(data), live, [])
    for side in ("partner", "vendor"):
        parts = found.side(side).parts
        assert parts["commitments"] == pytest.approx(6000 / 1.12 ** (2 / 12), rel=1e-12)
        assert parts["commitments"] == pytest.approx(5887.73, abs=0.01)
        assert parts["timing"] == pytest.approx(321.30, abs=0.01)
        assert parts["volume"] == parts["price"] == parts["cost"] == parts["assumptions"] == 0


def test_actual_volume_and_price_split_the_revenue_change():
    # One sales FTE closing 1 deal a month of 12,000 a year as subscriptions, no churn, rate 0:
    # planned customers 1, 2, 3 ...; resale(t) = customers(t) * 1,000. Margin 0, so the
    # partner passes all resale on as sell-in and the vendor (gross margin 100 %) keeps it.
    # Actuals month 1: 2 new deals (volume) and resale 1,500 (price).
    # Volume step: customers(1) = 2, then 3, 4 ... : every month one customer more than
    # planned: the vendor gains 1,000 a month for 12 months = +12,000 (rate 0: NPV = sum).
    # Price step: resale and sell-in of month 1 become 1,500 instead of 2 * 1,000 = 2,000:
    # the vendor loses 500. The partner's cash is 0 throughout (resale - sell-in).
    data = plan_data(
        resources=[sales()],
        revenue={"deals_per_sales_fte_month": 1, "deal_size": 12000},
        vendor_programme={"gross_margin": 1},
    )
    plan = validate(data)
    rows = [{"month": 1, "new_deals": 2, "resale": 1500, "sell_in": 1500}]
    found = bridge.bridge(plan, plan, rows)
    assert found.vendor.parts["volume"] == pytest.approx(12000)
    assert found.vendor.parts["price"] == pytest.approx(-500)
    assert found.vendor.change == pytest.approx(11500)
    assert found.partner.change == pytest.approx(0, abs=1e-9)


@st.composite
def live_plans(draw: st.DrawFn) -> tuple[Any, Any, list[dict[str, Any]]]:
    data = draw(strategies.plan_data())
    signed = validate(data)
    months = signed.months
    hires = [
        {
            "resource": draw(st.integers(0, len(data["resources"]) - 1)),
            "fte": draw(st.floats(0, 5, allow_nan=False)),
            "month": draw(st.integers(1, months)),
            "dropped": draw(st.booleans()),
        }
        for _ in range(draw(st.integers(0, 3) if data["resources"] else st.just(0)))
    ]
    chosen = draw(st.sets(st.integers(0, max(0, len(data["investments"]) - 1)), max_size=3))
    made = [
        {
            "investment": i,
            "month": draw(st.integers(1, months)),
            "amount": draw(st.floats(0, 100_000, allow_nan=False)),
            "dropped": draw(st.booleans()),
        }
        for i in sorted(chosen)
        if i < len(data["investments"])
    ]
    last = draw(st.integers(0, months))
    columns = draw(st.lists(st.sampled_from(VALUE_COLUMNS), max_size=6, unique=True))
    rows = [
        {"month": m, **{c: draw(st.floats(-1e6, 1e6, allow_nan=False)) for c in columns}}
        for m in range(1, last + 1)
    ]
    changed = dict(data, discount_rate=draw(strategies.rates))
    live = validate({**changed, "commitments": {"hires": hires, "investments": made}})
    return signed, live, rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(live_plans())
def test_the_bridge_parts_add_up_to_the_change_and_end_at_the_reforecast(case):
    signed, live, rows = case
    found = bridge.bridge(signed, live, rows)
    again = forecast.reforecast(live, rows)
    for side in ("partner", "vendor"):
        part = found.side(side)
        scale = max(1.0, abs(part.signed_npv), abs(part.npv), *map(abs, part.parts.values()))
        assert abs(bridge.residual(part)) <= 1e-9 * scale
        assert part.signed_npv == model.figures(records.assumptions(signed))[side]["npv"]
        assert part.npv == again.figures[side]["npv"]
        assert part.payback == again.figures[side]["payback_month"]


# --- the rebate ledger -------------------------------------------------------------------


def _rebate_plan(months: int = 18) -> Any:
    return make_plan(
        months=months,
        vendor_programme={
            "rebate_tiers": [
                {"threshold": 300_000, "rate": 0.02},
                {"threshold": 700_000, "rate": 0.04},
            ]
        },
    )


def test_rebate_accrued_on_actual_sell_in_with_the_tiers_of_a_full_year():
    plan = _rebate_plan()
    rows = [{"month": m, "sell_in": 60_000} for m in range(1, 7)]
    now = forecast.reforecast(plan, rows)
    signed = forecast.run(plan)
    found = ledgers.rebate_ledger(plan, signed, now, 6)
    # year 1 (12 months): 6 * 60,000 = 360,000 >= 300,000 (2 %) < 700,000: accrued 7,200,
    # 340,000 to the 4 % tier. The model forecasts no sell-in after the actuals (no deals):
    # the year ends at 360,000, whose rebate of 7,200 is paid in month 12.
    assert (found.year, found.year_length, found.months_elapsed) == (1, 12, 6)
    assert found.sell_in == 360_000
    assert (found.rate, found.accrued) == (0.02, 7_200)
    assert (found.next_threshold, found.next_rate, found.to_next) == (700_000, 0.04, 340_000)
    assert (found.projected_sell_in, found.projected_rebate) == (360_000, pytest.approx(7_200))
    assert (found.planned_sell_in, found.planned_rebate) == (0, 0)
    assert (found.year_from, found.year_to) == ("2027-01-01", "2027-12-31")


def test_rebate_tiers_are_pro_rated_in_a_short_last_year():
    plan = _rebate_plan(18)  # year 2 has L = 6 months: tiers at 150,000 and 350,000
    rows = [{"month": m, "sell_in": 50_000} for m in range(13, 17)]
    now = forecast.reforecast(plan, rows)
    found = ledgers.rebate_ledger(plan, forecast.run(plan), now, 16)
    # 4 * 50,000 = 200,000 >= 150,000: 2 %, accrued 4,000; 150,000 short of 350,000
    assert (found.year, found.year_length, found.months_elapsed) == (2, 6, 4)
    assert (found.rate, found.accrued, found.to_next) == (0.02, 4_000, 150_000)
    assert found.year_to == "2028-06-30"
    # the model pays the year's rebate in month 18 by the same rule
    assert found.projected_rebate == pytest.approx(0.02 * 200_000)


def test_the_rebate_range_comes_from_draws_run_from_the_actual_state():
    plan = load(EXAMPLE)
    rows = [{"month": m, "sell_in": 20_000} for m in range(1, 10)]
    spread = forecast.montecarlo_from_actuals(
        plan, rows, {"rebate": lambda b, c: c["rebate"][:, 11].copy()}, draws=400, seed=1
    )
    assert spread is not None
    low, mid, high = (spread["rebate"][k] for k in ("p10", "p50", "p90"))
    assert low is not None
    assert mid is not None
    assert high is not None
    assert low <= mid <= high
    # 9 * 20,000 = 180,000 of sell-in are fixed; three months of forecast add to it
    assert low >= 0
    # zero-width ranges: every draw is the re-forecast itself
    fixed = plan.model_copy(
        update={
            "uncertainty": [
                u.model_copy(update={"low": u.likely or u.low, "high": u.likely or u.low})
                for u in plan.uncertainty or []
            ]
        }
    )
    exact = forecast.montecarlo_from_actuals(
        fixed, rows, {"rebate": lambda b, c: c["rebate"][:, 11].copy()}, draws=50, seed=1
    )
    assert exact is not None
    expected = forecast.reforecast(plan, rows).columns["rebate"][11]
    assert exact["rebate"]["p10"] == pytest.approx(expected, rel=1e-12)
    assert exact["rebate"]["p90"] == pytest.approx(expected, rel=1e-12)


# --- the MDF ledger ----------------------------------------------------------------------


def _mdf_plan() -> Any:
    data = plan_data(vendor_programme={"mdf_rate": 0.05})
    stage = lambda date, amount: {"date": date, "amount": amount}  # noqa: E731
    return _with(
        data,
        commitments={
            "mdf": [
                {
                    "activity": "Webinar",
                    "requested": stage("2027-02-01", 10_000),
                    "approved": stage("2027-02-10", 8_000),
                    "claimed": stage("2027-04-02", 8_000),
                    "paid": stage("2027-05-20", 7_500),
                    "proof": "accepted",
                },
                {
                    "activity": "Trade fair",
                    "requested": stage("2027-03-01", 5_000),
                    "approved": stage("2027-03-05", 5_000),
                    "claimed": stage("2027-06-15", 4_000),
                    "proof": "submitted",
                },
                {"activity": "Mailing", "requested": stage("2027-07-01", 2_000)},
            ]
        },
    )


def test_the_mdf_ledger_counts_each_stage_by_its_date():
    plan = _mdf_plan()
    rows = [{"month": m, "sell_in": 100_000} for m in range(1, 7)]
    now = forecast.reforecast(plan, rows)
    signed = forecast.run(plan)
    june = ledgers.mdf_ledger(plan, signed, now, 6)
    # as of 2027-06-30: requested 10,000 + 5,000 (the mailing comes in July), approved
    # 8,000 + 5,000, claimed 8,000 + 4,000, paid 7,500; the fair's 4,000 await proof.
    # Earned: 5 % of 6 * 100,000 = 30,000; the model forecasts no more sell-in, so the
    # year's MDF is 30,000 and 30,000 - 15,000 requested lapse at 2027-12-31.
    assert (june.requested, june.approved, june.claimed, june.paid) == (
        15_000,
        13_000,
        12_000,
        7_500,
    )
    assert june.awaiting_proof == 4_000
    assert (june.earned, june.projected, june.planned) == (30_000, 30_000, 0)
    assert june.expiring == 15_000
    assert [a["status"] for a in june.activities] == ["paid", "claimed"]
    april = ledgers.mdf_ledger(plan, signed, now, 4)
    # as of 2027-04-30 the webinar is claimed, not yet paid; the fair approved
    assert (april.claimed, april.paid) == (8_000, 0)
    assert [a["status"] for a in april.activities] == ["claimed", "approved"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 300),
            st.lists(st.integers(0, 60), min_size=3, max_size=3),
            st.lists(st.floats(0, 1, allow_nan=False), min_size=3, max_size=3),
            st.integers(1, 4),
            st.floats(1, 1e6, allow_nan=False),
        ),
        max_size=6,
    ),
    st.integers(1, 12),
)
def test_mdf_stages_never_grow_whatever_the_day(claims, month):
    import datetime

    records_ = []
    for start, gaps, shares, stages, amount in claims:
        day = datetime.date(2027, 1, 1) + datetime.timedelta(days=start)
        entry: dict[str, Any] = {
            "activity": "A",
            "requested": {"date": day.isoformat(), "amount": amount},
        }
        for name, gap, share in zip(
            ("approved", "claimed", "paid")[: stages - 1], gaps, shares, strict=False
        ):
            day += datetime.timedelta(days=gap)
            amount *= share
            entry[name] = {"date": day.isoformat(), "amount": amount}
        records_.append(entry)
    plan = _with(plan_data(vendor_programme={"mdf_rate": 0.1}), commitments={"mdf": records_})
    run = forecast.run(plan)
    found = ledgers.mdf_ledger(plan, run, run, month)
    assert found.requested >= found.approved >= found.claimed >= found.paid >= 0
    assert found.awaiting_proof <= found.claimed
    assert found.expiring == max(0.0, found.projected - found.requested)
    assert math.isclose(found.requested, math.fsum(a["requested"] for a in found.activities))


# --- the model from actuals --------------------------------------------------------------


def test_scenarios_without_actuals_are_the_plans_scenarios():
    plan = load(EXAMPLE)
    found = forecast.scenarios_from_actuals(plan, [])
    assert found["base"] == model.figures(plan)
    for scenario in plan.scenarios:
        assert found[scenario.name]["partner"]["npv"] == pytest.approx(
            model.figures(plan, scenario.name)["partner"]["npv"], rel=1e-12
        )


def test_scenarios_with_every_cash_flow_actual_agree_on_the_npv():
    plan = load(EXAMPLE)
    base = model.evaluate(plan).monthly
    rows = [
        {
            "month": int(r.month),
            "cash_flow": float(r.cash_flow),
            "vendor_cash_flow": float(r.vendor_cash_flow),
        }
        for r in base.itertuples()
    ]
    found = forecast.scenarios_from_actuals(plan, rows)
    npvs = {name: f["partner"]["npv"] for name, f in found.items()}
    assert len(npvs) == 3
    assert max(npvs.values()) - min(npvs.values()) < 1e-6


def test_the_zone_run_from_actuals_of_every_cash_flow_is_one_colour():
    plan = make_plan(months=12, discount_rate=0.1)
    rows = [{"month": m, "cash_flow": 100.0, "vendor_cash_flow": -5.0} for m in range(1, 13)]
    arrays = forecast.actual_arrays(plan, rows)
    found = zone.zone(plan, points=5, actuals=arrays)
    # every point has the same cash: partner pays off everywhere, vendor nowhere
    assert found.partner.all()
    assert not found.vendor.any()
    plain = zone.zone(plan, points=5)
    assert np.array_equal(plain.partner, zone.zone(plan, points=5, actuals={}).partner)


# --- privacy of the records --------------------------------------------------------------


def test_records_are_as_private_as_the_values_they_tell():
    from planner import privacy

    data = plan_data(
        resources=[sales(fte=2, start=3), sales(fte=1, start=4)],
        investments=[investment(9000, 2), investment(5000, 3)],
        private={
            "partner": ["investments.0.amount", "resources.1.fte"],
            "vendor": ["vendor_programme.partner_manager_fte"],
        },
        vendor_programme={"partner_manager_fte": 0.5},
    )
    plan = _with(
        data,
        commitments={
            "hires": [{"resource": 0, "fte": 2, "month": 5}, {"resource": 1, "fte": 1, "month": 6}],
            "investments": [{"investment": 0, "amount": 12000}, {"investment": 1, "amount": 4000}],
            "support": [{"quarter": "Q1-2027", "fte": 0.2}],
        },
    )
    vendor = privacy.view(plan, "vendor").data["commitments"]
    assert vendor["investments"][0]["amount"] is None  # the partner's private amount
    assert vendor["investments"][1]["amount"] == 4000
    assert (vendor["hires"][1]["fte"], vendor["hires"][1]["month"]) == (None, None)
    assert vendor["hires"][0]["fte"] == 2
    assert vendor["support"] == [{"quarter": "Q1-2027", "fte": 0.2}]  # the vendor's own
    partner = privacy.view(plan, "partner").data["commitments"]
    assert partner["investments"][0]["amount"] == 12000
    assert partner["support"] is None  # the vendor keeps its partner-manager FTE private
    # a change of the list in the log is masked the same way
    masked, paths = privacy.mask_value(
        plan, "vendor", "commitments.investments", plan.to_data()["commitments"]["investments"]
    )
    assert masked[0]["amount"] is None
    assert paths == ["commitments.investments.0.amount"]


# --- analyses from actuals on the command line -------------------------------------------


def test_compare_and_simulate_from_actuals(capsys, tmp_path):
    import json

    from planner.cli import main
    from planner.plan.files import save

    plan = load(EXAMPLE)
    base = model.evaluate(plan).monthly
    # every month's cash flows given: whatever a scenario or a draw changes, the NPVs stay
    rows = [
        {
            "month": int(r.month),
            "cash_flow": float(r.cash_flow) + 100.0,
            "vendor_cash_flow": float(r.vendor_cash_flow),
        }
        for r in base.itertuples()
    ]
    path = tmp_path / "live.yaml"
    save(plan.model_copy(update={"actuals": rows}), path)
    assert main(["compare", str(path), "--from-actuals", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    expected = forecast.reforecast(validate(plan.to_data() | {"actuals": rows}))
    npv = expected.figures["partner"]["npv"]
    assert found["base"]["partner"]["npv"] == pytest.approx(npv, rel=1e-12)
    for figures in found["scenarios"].values():
        assert figures["partner"]["npv"] == pytest.approx(npv, rel=1e-9)
    assert main(["simulate", str(path), "--from-actuals", "--draws", "200", "--json"]) == 0
    spread = json.loads(capsys.readouterr().out)["percentiles"]["partner.npv"]
    assert spread["p10"] == pytest.approx(npv, rel=1e-9)
    assert spread["p90"] == pytest.approx(npv, rel=1e-9)
    assert main(["simulate", str(EXAMPLE), "--from-actuals"]) == 2
    assert "--from-actuals: the plan has no actuals" in capsys.readouterr().err
