"""The negotiation arithmetic: each side's own discount rate and hurdles, the value split, the
zone of mutual interest and its smallest change to a mutual plan."""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest

from planner import cli, model
from planner.analysis import AnalysisError, goalseek, zone
from planner.analysis.figures import figure_value, value_share
from planner.plan.files import canonical_json, content_hash, load
from planner.plan.schema import PlanError
from planner.plan.validation import with_scenario, with_values
from planner.policy import RULES
from tests.factories import EXAMPLE


@pytest.fixture(scope="module")
def example():  # type: ignore[no-untyped-def]
    return load(EXAMPLE)


# --- each side's own rate -----------------------------------------------------------------


def test_a_plan_without_a_vendor_rate_means_and_hashes_as_before(example) -> None:  # type: ignore[no-untyped-def]
    assert "discount_rate" not in example.to_data()["vendor_programme"]
    assert canonical_json(example).count('"discount_rate"') == 1
    same = with_values(example, {"vendor_programme.discount_rate": example.discount_rate})
    assert content_hash(same) != content_hash(example)  # written out, it is part of the file
    assert model.figures(same) == model.figures(example)  # ... and means the same


def test_the_vendor_discounts_at_its_own_rate_and_the_partner_at_the_plans(example) -> None:  # type: ignore[no-untyped-def]
    own = with_values(example, {"vendor_programme.discount_rate": 0.25})
    outcome = model.evaluate(own)
    flows = outcome.monthly["vendor_cash_flow"].to_numpy()
    months = np.arange(1, own.months + 1)
    # docs/model.md section 4: NPV = sum of cf(t) / (1 + r)^(t/12), here r = 25 % a year
    by_hand = float(sum(flows / 1.25 ** (months / 12)))
    assert outcome.kpis["vendor"]["npv"] == pytest.approx(by_hand, rel=1e-12)
    assert outcome.kpis["partner"] == model.evaluate(example).kpis["partner"]
    assert outcome.kpis["vendor"]["npv"] < model.evaluate(example).kpis["vendor"]["npv"]


def test_a_batch_mixing_plans_with_and_without_a_vendor_rate_equals_each_alone(example) -> None:  # type: ignore[no-untyped-def]
    plans = [example, with_values(example, {"vendor_programme.discount_rate": 0.3}), example]
    batch = model.Batch.from_plans(plans)
    together = model.key_figures(batch, model.simulate(batch))
    for row, plan in enumerate(plans):
        assert model.figures_of(together, row) == model.figures(plan)


def test_hurdles_are_optional_and_checked_against_the_horizon(example) -> None:  # type: ignore[no-untyped-def]
    hurdles = {"partner": {"min_irr": 0.15, "latest_payback_month": 30}}
    assert with_values(example, {"hurdles": hurdles}).hurdles is not None
    with pytest.raises(PlanError, match=r"hurdles\.partner\.latest_payback_month: 40 is above 36"):
        with_values(example, {"hurdles": {"partner": {"latest_payback_month": 40}}})


# --- the value split ------------------------------------------------------------------------


def test_the_value_split_is_each_sides_share_of_the_joint_npv(example) -> None:  # type: ignore[no-untyped-def]
    figures = model.figures(example)
    partner, vendor = figures["partner"]["npv"], figures["vendor"]["npv"]
    share = figure_value(figures, "partner.value_share")
    assert share == pytest.approx(partner / (partner + vendor))
    assert share + figure_value(figures, "vendor.value_share") == pytest.approx(1.0)
    assert math.isnan(float(value_share(-5.0, 3.0)))  # no joint value to split


def test_goal_seek_finds_the_mdf_rate_at_which_the_partner_keeps_30_percent(example) -> None:  # type: ignore[no-untyped-def]
    found = goalseek.goal_seek(example, "vendor_programme.mdf_rate", "partner.value_share", 0.3)
    assert found.status == "reached"
    again = with_values(example, {"vendor_programme.mdf_rate": found.value})
    assert figure_value(model.figures(again), "partner.value_share") >= 0.3
    assert found.value > example.vendor_programme.mdf_rate  # the partner needs more funds


# --- the zone ---------------------------------------------------------------------------------


def test_the_map_agrees_with_single_plan_evaluations_on_random_points(example) -> None:  # type: ignore[no-untyped-def]
    plan = with_values(example, {"hurdles": {"vendor": {"min_irr": 0.5}}})
    found = zone.zone(plan, points=25)
    rng = random.Random(7)
    for _ in range(12):
        i, j = rng.randrange(25), rng.randrange(25)
        x, y = found.x.values[j], found.y.values[i]
        alone = model.figures(with_values(plan, {found.x.path: x, found.y.path: y}))
        assert found.partner[i, j] == (alone["partner"]["npv"] > 0), (x, y)
        vendor_clears = alone["vendor"]["npv"] > 0 and (alone["vendor"]["irr"] or -1) >= 0.5
        assert found.vendor is not None
        assert found.vendor[i, j] == vendor_clears, (x, y)


def test_the_smallest_change_put_back_into_the_plan_is_mutual(example) -> None:  # type: ignore[no-untyped-def]
    conservative = with_scenario(example, "Konservativ")
    assert not model.figures(conservative)["mutual"]
    found = zone.zone(conservative, "revenue.deal_size", "vendor_programme.mdf_rate", points=30)
    assert found.nearest is not None
    changed = with_values(conservative, found.nearest)
    assert model.figures(changed)["mutual"]
    # and it is close: no mutual grid point is nearer to the plan (each axis in its range)
    both = found.both
    assert both is not None

    def distance(x: float, y: float) -> float:
        width_x = found.x.values[-1] - found.x.values[0]
        width_y = found.y.values[-1] - found.y.values[0]
        return math.hypot((x - found.x.current) / width_x, (y - found.y.current) / width_y)

    answer = distance(*found.nearest.values())
    grid = [
        distance(found.x.values[j], found.y.values[i])
        for i, j in zip(*np.nonzero(both), strict=True)
    ]
    assert answer <= min(grid) + 1e-12


def test_a_partner_without_the_vendors_economics_sees_only_its_own_map(example) -> None:  # type: ignore[no-untyped-def]
    found = zone.zone(with_scenario(example, "Konservativ"), points=10)
    own = found.for_side(sees_vendor_economics=False)
    assert own.vendor is None
    assert own.both is None
    assert own.nearest is None
    assert own.current == {"partner": False, "vendor": None, "both": None}
    assert np.array_equal(own.partner, found.partner)
    assert own.to_json()["vendor"] is None


def test_bad_requests_name_the_argument(example) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AnalysisError, match="same driver"):
        zone.zone(example, "revenue.deal_size", "revenue.deal_size")
    with pytest.raises(AnalysisError, match="points: 1 is not within 2 to 200"):
        zone.zone(example, points=1)
    with pytest.raises(AnalysisError, match=r"range of revenue\.partner_margin"):
        zone.zone(example, x_range=(0.5, 2.0))
    with pytest.raises(AnalysisError, match="not a numeric driver"):
        zone.zone(example, "revenue.nothing")


def test_the_command_prints_a_map_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["zone", str(EXAMPLE), "--points", "12"]) == 0
    out = capsys.readouterr().out
    assert "*" in out
    assert "this plan: partner yes, vendor yes, mutual yes" in out
    assert cli.main(["zone", str(EXAMPLE), "--points", "12", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["partner"]) == 12
    assert data["current"]["both"] is True
    assert cli.main(["zone", str(EXAMPLE), "--x-range", "a:b"]) == 2
    assert "--x-range: 'a:b' is not LOW:HIGH" in capsys.readouterr().err


def test_only_a_side_states_its_own_hurdles_and_rate(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from planner.store import Store

    store = Store(f"sqlite+pysqlite:///{tmp_path / 'p.db'}", policy=RULES)
    plan_id = store.create_plan(load(EXAMPLE), author="Vera", side="vendor")
    mine = {"partner": {"min_irr": 0.2}}
    assert store.apply_edit(plan_id, "hurdles", mine, 1, "Anna", "partner").ok
    theirs = {"partner": {"min_irr": 0.2}, "vendor": {"min_irr": 0.1}}
    refused = store.apply_edit(plan_id, "hurdles", theirs, 2, "Anna", "partner")
    assert refused.status == "refused"
    assert "only the vendor states its own hurdles" in refused.message
    rate = store.apply_edit(plan_id, "vendor_programme.discount_rate", 0.2, 2, "Anna", "partner")
    assert rate.status == "refused"
    assert store.apply_edit(plan_id, "hurdles.vendor.min_irr", 0.1, 2, "Vera", "vendor").ok
    store.close()
