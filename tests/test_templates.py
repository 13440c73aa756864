"""The starting plans in ``templates/``: valid, mutual, believable, and every number explained."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from planner import cli
from planner.model import evaluate, evaluate_many
from planner.plan.files import load
from planner.plan.validation import with_scenario

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
ARCHETYPES = ("isv", "msp", "reseller", "si")
NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
VALUE_STARTS = (
    yaml.ValueToken,
    yaml.BlockEntryToken,
    yaml.FlowEntryToken,
    yaml.FlowSequenceStartToken,
)
"""Tokens after which a scalar is a value (or list item), not a key."""


def uncommented_numbers(text: str) -> list[str]:
    """``line N: key-line`` for each line holding a number value without a ``#`` comment.

    Works on the YAML tokens, so keys that look like numbers (``resources.0.fte``), quoted
    strings and numbers inside comments do not count; a comment must have at least two words.
    """
    lines = text.splitlines()
    resolver = yaml.resolver.Resolver()
    missing = []
    previous: yaml.Token | None = None
    for token in yaml.scan(text):
        is_value = isinstance(previous, VALUE_STARTS)
        if isinstance(token, yaml.ScalarToken) and token.plain and is_value:
            tag = resolver.resolve(yaml.ScalarNode, token.value, (True, False))
            if tag in NUMBER_TAGS:
                line = token.end_mark.line
                rest = lines[line][token.end_mark.column :].strip()
                if not rest.startswith("#") or len(rest.lstrip("#").split()) < 2:
                    missing.append(f"line {line + 1}: {lines[line].strip()}")
        previous = token
    return missing


def template_path(name: str) -> Path:
    return TEMPLATES / f"{name}.yaml"


def test_there_is_one_template_per_partner_archetype():
    assert tuple(cli.template_names()) == ARCHETYPES


@pytest.mark.parametrize("name", ARCHETYPES)
def test_template_loads_as_a_dach_starting_plan(name):
    plan = load(template_path(name))
    assert plan.partner.kind == name
    assert (plan.currency, plan.language) == ("EUR", "de")
    assert 24 <= plan.months <= 60
    # Placeholders that the app replaces with the real names.
    assert (plan.partner.name, plan.vendor.name) == ("Partner GmbH", "Hersteller AG")
    assert plan.actuals == []


@pytest.mark.parametrize("name", ARCHETYPES)
def test_template_is_mutual_in_its_base_case(name):
    kpis = evaluate(load(template_path(name))).kpis
    assert kpis["partner"]["npv"] > 0
    assert kpis["vendor"]["npv"] > 0
    assert kpis["mutual"] is True


@pytest.mark.parametrize("name", ARCHETYPES)
def test_template_partner_economics_are_believable(name):
    partner = evaluate(load(template_path(name))).kpis["partner"]
    # A partner signs up for payback within roughly one to two and a half years ...
    assert 12 <= partner["payback_month"] <= 30
    # ... and a cash need a Mittelstand firm can fund from its own balance sheet.
    assert 50_000 <= partner["peak_funding"] <= 400_000
    assert partner["irr"] is not None
    assert partner["irr"] > 0


@pytest.mark.parametrize("name", ARCHETYPES)
def test_template_scenarios_compute(name):
    plan = load(template_path(name))
    assert len(plan.scenarios) >= 1
    variants = [with_scenario(plan, s.name) for s in plan.scenarios]
    for outcome in evaluate_many(variants):
        values = outcome.monthly.drop(columns=["month", "date"]).to_numpy()
        assert values.shape == (plan.months, len(outcome.monthly.columns) - 2)
        assert all(math.isfinite(v) for v in values.ravel())
        for side in ("partner", "vendor"):
            for figure, value in outcome.kpis[side].items():
                assert value is None or math.isfinite(value), (side, figure)


@pytest.mark.parametrize("name", ARCHETYPES)
def test_conservative_and_ambitious_scenarios_bracket_the_base_case(name):
    plan = load(template_path(name))
    base = evaluate(plan).kpis["partner"]["npv"]
    names = {s.name for s in plan.scenarios}
    assert {"Konservativ", "Ambitioniert"} <= names
    assert evaluate(plan, "Konservativ").kpis["partner"]["npv"] < base
    assert evaluate(plan, "Ambitioniert").kpis["partner"]["npv"] > base


@pytest.mark.parametrize("name", ARCHETYPES)
def test_every_number_in_the_template_has_a_comment(name):
    assert uncommented_numbers(template_path(name).read_text(encoding="utf-8")) == []


def test_comment_check_finds_uncommented_numbers():
    text = (
        "months: 36  # three years\n"
        "discount_rate: 0.1\n"
        "opex_per_month: 2000  #\n"
        "title: Plan 2027  # a number inside text does not count\n"
        "scenarios:\n"
        "  - name: A\n"
        "    set:\n"
        "      resources.0.fte: 3  # key looks numeric, value commented\n"
        "      revenue.deal_size: 5\n"
        "tiers: [1, 2]\n"
    )
    assert uncommented_numbers(text) == [
        "line 2: discount_rate: 0.1",
        "line 3: opex_per_month: 2000  #",
        "line 9: revenue.deal_size: 5",
        "line 10: tiers: [1, 2]",
        "line 10: tiers: [1, 2]",
    ]


@pytest.mark.parametrize("name", ARCHETYPES)
def test_new_writes_the_template_as_a_valid_plan(name, tmp_path, capsys):
    target = tmp_path / "plan.yaml"
    assert cli.main(["new", "--template", name, str(target)]) == 0
    assert load(target) == load(template_path(name))
    # The copy keeps the comments that explain the assumptions.
    assert uncommented_numbers(target.read_text(encoding="utf-8")) == []
    assert str(target) in capsys.readouterr().out


def test_new_refuses_an_unknown_template(tmp_path, capsys):
    target = tmp_path / "plan.yaml"
    assert cli.main(["new", "--template", "distributor", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "'distributor' is not one of isv, msp, reseller, si" in err
    assert not target.exists()


def test_new_does_not_overwrite_a_plan_without_force(tmp_path, capsys):
    target = tmp_path / "plan.yaml"
    target.write_text("keep me", encoding="utf-8")
    assert cli.main(["new", "--template", "msp", str(target)]) == 2
    assert target.read_text(encoding="utf-8") == "keep me"
    assert cli.main(["new", "--template", "msp", str(target), "--force"]) == 0
    assert load(target).partner.kind == "msp"
