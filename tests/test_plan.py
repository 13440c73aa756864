"""Plan schema: every rule of docs/model.md section 1, errors naming the field, canonical form."""

from __future__ import annotations

import json
from typing import Any

import pytest

from planner.plan.files import canonical_json, content_hash, load, parse, to_yaml
from planner.plan.paths import get_value
from planner.plan.schema import PlanError, Problem
from planner.plan.validation import apply_changes, validate, with_scenario, with_values
from tests.factories import EXAMPLE, investment, make_plan, plan_data, sales


def problems_of(data: Any) -> list[str]:
    with pytest.raises(PlanError) as caught:
        validate(data)
    return [str(p) for p in caught.value.problems]


def with_path(path: str, value: Any) -> dict[str, Any]:
    """The neutral plan (with one resource, investment and tier) with one value replaced."""
    data = plan_data(
        resources=[sales(), sales()],
        investments=[investment(100, 1)],
        vendor_programme={"rebate_tiers": [{"threshold": 10, "rate": 0.1}]},
    )
    node: Any = data
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is _DELETE:
        del node[parts[-1]]
    else:
        node[parts[-1]] = value
    return data


_DELETE = object()

RULES = [
    ("resources.1.fte", -2, "resources.1.fte: -2 is below 0"),
    ("resources.0.fte", 1001, "resources.0.fte: 1001 is above 1000"),
    ("version", 2, "version: 2 is not one of 1"),
    ("title", "", "title: must not be empty"),
    ("title", "x" * 201, "title: is longer than 200 characters"),
    ("title", 2027, "title: 2027 is not text (put it in quotes)"),
    ("partner.name", "  ", "partner.name: must not be empty"),
    ("partner.name", "ACME\nGmbH", "partner.name: must not contain control characters"),
    ("vendor.name", "Nord\x85wind", "vendor.name: must not contain control characters"),
    ("partner.kind", "distributor", "partner.kind: 'distributor' is not one of"),
    ("vendor.name", _DELETE, "vendor.name: is required"),
    ("currency", "EURO", "currency: 'EURO' is not an ISO 4217 currency code"),
    ("language", "fr", "language: 'fr' is not one of 'de' or 'en'"),
    ("start", "2027-13", "start: '2027-13' is not a month as YYYY-MM"),
    ("start", "27-01", "start: '27-01' is not a month as YYYY-MM"),
    ("months", 11, "months: 11 is below 12"),
    ("months", 121, "months: 121 is above 120"),
    ("months", 12.5, "months: 12.5 is not a whole number"),
    ("discount_rate", 1.5, "discount_rate: 1.5 is above 1"),
    ("discount_rate", "10%", "discount_rate: '10%' is not a number"),
    ("opex_per_month", -1, "opex_per_month: -1 is below 0"),
    ("opex_per_month", 1e13, "opex_per_month: 10000000000000 is above 1000000000000"),
    ("opex_per_month", float("nan"), "opex_per_month: nan is not a finite number"),
    ("opex_per_month", float("inf"), "opex_per_month: inf is not a finite number"),
    ("opex_per_month", True, "opex_per_month: True is not a number"),
    ("investments.0.name", None, "investments.0.name: None is not text"),
    ("investments.0.category", "bribes", "investments.0.category: 'bribes' is not one of"),
    ("investments.0.amount", -5, "investments.0.amount: -5 is below 0"),
    ("investments.0.month", 0, "investments.0.month: 0 is below 1"),
    ("investments.0.month", 13, "investments.0.month: 13 is above 12 (months)"),
    ("investments.0.every_months", -1, "investments.0.every_months: -1 is below 0"),
    ("investments.0.vendor_share", 1.01, "investments.0.vendor_share: 1.01 is above 1"),
    ("resources.0.role", "", "resources.0.role: must not be empty"),
    ("resources.0.function", "finance", "resources.0.function: 'finance' is not one of"),
    ("resources.0.start_month", 13, "resources.0.start_month: 13 is above 12 (months)"),
    ("resources.0.annual_cost", -1, "resources.0.annual_cost: -1 is below 0"),
    ("resources.0.ramp_months", 13, "resources.0.ramp_months: 13 is above 12 (months)"),
    ("resources.0.ramp_months", 1.5, "resources.0.ramp_months: 1.5 is not a whole number"),
    (
        "revenue.deals_per_sales_fte_month",
        -0.1,
        "revenue.deals_per_sales_fte_month: -0.1 is below 0",
    ),
    ("revenue.deal_size", -1, "revenue.deal_size: -1 is below 0"),
    ("revenue.subscription", "yes", "revenue.subscription: 'yes' is not true or false"),
    ("revenue.monthly_churn", 2, "revenue.monthly_churn: 2 is above 1"),
    ("revenue.annual_price_uplift", -0.1, "revenue.annual_price_uplift: -0.1 is below 0"),
    ("revenue.partner_margin", 1, "revenue.partner_margin: 1 must be below 1"),
    ("revenue.services_per_deal", -1, "revenue.services_per_deal: -1 is below 0"),
    ("revenue.delivery_capacity_per_fte_month", -1, "revenue.delivery_capacity_per_fte_month"),
    ("revenue.managed_fee_per_customer_month", -1, "revenue.managed_fee_per_customer_month"),
    ("revenue.typo", 1, "revenue.typo: unknown key (check the spelling)"),
    ("vendor_programme.mdf_rate", 1.1, "vendor_programme.mdf_rate: 1.1 is above 1"),
    ("vendor_programme.rebate_tiers.0.threshold", -1, "rebate_tiers.0.threshold: -1 is below 0"),
    ("vendor_programme.rebate_tiers.0.rate", 2, "vendor_programme.rebate_tiers.0.rate: 2 is above"),
    ("vendor_programme.gross_margin", -1, "vendor_programme.gross_margin: -1 is below 0"),
    ("vendor_programme.partner_manager_fte", -1, "vendor_programme.partner_manager_fte: -1"),
    ("vendor_programme.partner_manager_annual_cost", -1, "partner_manager_annual_cost: -1"),
    ("vendor_programme", [1], "vendor_programme: [1] is not a mapping of keys to values"),
    ("resources", {"a": 1}, "resources: {'a': 1} is not a list"),
    ("extra_key", 1, "extra_key: unknown key (check the spelling)"),
]


@pytest.mark.parametrize(("path", "value", "expected"), RULES, ids=[r[0] for r in RULES])
def test_each_rule_names_the_field_and_the_range(path, value, expected):
    messages = problems_of(with_path(path, value))
    assert any(expected in m for m in messages), messages


def test_every_problem_is_reported_at_once_and_structured():
    data = with_path("months", 200)
    data["discount_rate"] = -1
    with pytest.raises(PlanError) as caught:
        validate(data)
    assert Problem("months", "200 is above 120") in caught.value.problems
    assert Problem("discount_rate", "-1 is below 0") in caught.value.problems


def test_defaults_of_model_md():
    data = plan_data()
    del data["investments"], data["resources"], data["vendor_programme"]["rebate_tiers"]
    plan = validate(data)
    assert plan.currency == "EUR"
    assert plan.language == "de"
    assert plan.investments == []
    assert plan.scenarios == []


def test_scenarios_are_applied_by_dotted_path():
    plan = make_plan(
        resources=[sales(fte=2)],
        scenarios=[{"name": "Big", "set": {"resources.0.fte": 3, "revenue.deal_size": 30_000}}],
    )
    big = with_scenario(plan, "Big")
    assert big.resources[0].fte == 3
    assert big.revenue.deal_size == 30_000
    assert plan.resources[0].fte == 2  # the base is untouched


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"revenue.deal_sise": 1}, "scenarios.S.revenue.deal_sise: is not a plan path"),
        ({"resources.5.fte": 1}, "scenarios.S.resources.5.fte: is not a plan path"),
        ({"resources.0.fte": -1}, "scenarios.S.resources.0.fte: -1 is below 0"),
        ({"scenarios": []}, "scenarios.S.scenarios: is not a plan path"),
    ],
)
def test_a_bad_scenario_names_the_scenario_and_the_path(changes, expected):
    data = plan_data(resources=[sales()], scenarios=[{"name": "S", "set": changes}])
    assert expected in problems_of(data)


def test_scenario_names_are_unique_and_must_exist():
    data = plan_data(scenarios=[{"name": "A", "set": {}}, {"name": "A", "set": {}}])
    assert "scenarios.1.name: 'A' is used twice" in problems_of(data)
    with pytest.raises(PlanError, match="'B' is not in the plan"):
        with_scenario(make_plan(scenarios=[{"name": "A", "set": {}}]), "B")


def test_actuals_rules():
    data = plan_data(
        actuals=[
            {"month": 1, "revenue": 10},
            {"month": 1, "revenue": 11},
            {"month": 13, "customers": 1},
            {"month": 2, "profit": 1},
            {"month": 3, "revenue": float("nan")},
            {"revenue": 5},
        ]
    )
    messages = problems_of(data)
    assert "actuals.1.month: 1 appears twice" in messages
    assert "actuals.2.month: 13 is not within 1 to 12" in messages
    assert "actuals.3.profit: unknown key (not a monthly column)" in messages
    assert "actuals.4.revenue: nan is not a finite number" in messages
    assert "actuals.5.month: is required" in messages


def test_actuals_are_normalised_and_sorted():
    plan = make_plan(actuals=[{"month": 2, "revenue": 5}, {"month": 1, "revenue": 4.5}])
    assert plan.actuals == [{"month": 1, "revenue": 4.5}, {"month": 2, "revenue": 5.0}]
    assert plan.actuals_by_month()[2] == {"revenue": 5.0}


def test_private_paths_must_exist():
    data = plan_data(private={"vendor": ["vendor_programme.gross_margin", "nope.x"]})
    assert "private.vendor.1: 'nope.x' is not a plan path" in problems_of(data)


def test_with_values_keeps_scenarios_and_validates():
    plan = make_plan(resources=[sales()], scenarios=[{"name": "S", "set": {"months": 24}}])
    edited = with_values(plan, {"resources.0.fte": 4})
    assert edited.resources[0].fte == 4
    assert edited.scenarios == plan.scenarios
    with pytest.raises(PlanError, match=r"resources\.0\.fte: -4 is below 0"):
        with_values(plan, {"resources.0.fte": -4})
    # a scenario that becomes invalid through an edit is reported, naming the scenario
    plan = make_plan(
        months=24,
        investments=[investment(1, 1)],
        scenarios=[{"name": "S", "set": {"investments.0.month": 20}}],
    )
    with pytest.raises(PlanError, match=r"scenarios\.S\.investments\.0\.month: 20 is above 12"):
        with_values(plan, {"months": 12})


def test_apply_changes_sets_an_optional_key_left_out():
    data = plan_data()
    assert "currency" not in data
    plan = apply_changes(validate(data), {"currency": "CHF"})
    assert plan.currency == "CHF"


def test_get_value():
    plan = make_plan(resources=[sales(fte=2.5)])
    assert get_value(plan, "resources.0.fte") == 2.5
    with pytest.raises(KeyError):
        get_value(plan, "resources.1.fte")


def test_canonical_form_ignores_key_order_number_spelling_and_defaults():
    data = plan_data(opex_per_month=2500)
    plan = validate(data)
    reordered = json.loads(json.dumps(dict(reversed(list(data.items())))))
    reordered["opex_per_month"] = 2500.0
    reordered["currency"] = "EUR"  # a default written out
    assert canonical_json(validate(reordered)) == canonical_json(plan)
    assert content_hash(validate(reordered)) == content_hash(plan)
    assert content_hash(make_plan(opex_per_month=2501)) != content_hash(plan)
    assert len(content_hash(plan)) == 64


def test_yaml_round_trip_keeps_the_plan():
    plan = load(EXAMPLE)
    again = parse(to_yaml(plan))
    assert again == plan
    assert content_hash(again) == content_hash(plan)


def test_json_plan_is_read_strictly():
    text = json.dumps(plan_data())
    assert parse(text).title == "Test plan"
    with pytest.raises(PlanError, match="not valid JSON"):
        parse(text.replace('"months": 12', '"months": NaN'))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "is empty"),
        ("   \n", "is empty"),
        ("- 1\n- 2\n", "the plan must be a mapping"),
        ("title: [unclosed\n", "is not valid YAML (line 2)"),
        ("{broken json", "is not valid JSON"),
    ],
)
def test_unreadable_text_gives_one_clear_problem(text, expected):
    with pytest.raises(PlanError, match=r".*") as caught:
        parse(text)
    assert expected in str(caught.value)


def test_load_refuses_missing_directory_binary_and_huge_files(tmp_path):
    with pytest.raises(PlanError, match="does not exist"):
        load(tmp_path / "missing.yaml")
    with pytest.raises(PlanError, match="is a directory"):
        load(tmp_path)
    binary = tmp_path / "plan.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(PlanError, match="is not UTF-8 text"):
        load(binary)
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"#" * 6_000_000)
    with pytest.raises(PlanError, match="larger than 5 MB"):
        load(huge)


def test_yaml_special_floats_are_refused():
    text = to_yaml(make_plan()).replace("opex_per_month: 0.0", "opex_per_month: .nan")
    with pytest.raises(PlanError, match="opex_per_month: nan is not a finite number"):
        parse(text)
    text = to_yaml(make_plan()).replace("opex_per_month: 0.0", "opex_per_month: 1.0e+400")
    with pytest.raises(PlanError, match="opex_per_month: inf is not a finite number"):
        parse(text)


TRICKY_TEXTS = (
    "title: Schulung für Ärzte 😀  # eine Notiz 😀\nrevenue:\n  deal_size: 40000  # Liste ü\n"
    "  x: 'ä😀' # q\nitems:\n  - 5  # five\n  - {a: 1, b: 2}  # flow\n",
    "a:\n- 1 # x\n- 2 # y\n",
    'k: "x#y"  # real\nblock: |\n  text # not a note\n# alone\nz: 1 # z\n',
    "\ufeffa: 1 # after a byte order mark\n",
    "a:\r\n  b: 2 # CRLF\r\n",
)


@pytest.mark.parametrize("which", ["templates and example", "tricky"])
def test_plan_text_reads_the_same_with_the_c_parser_as_with_the_python_one(which, monkeypatch):
    # Plan text the C parser (libyaml) reads within the limits is composed by it too, and its
    # comments are found on its tokens, in a fraction of the time; the Python loader and
    # scanner remain for text libyaml stops at. Both must give the same data and notes.
    import yaml

    from planner import limits, notes

    assert yaml.__with_libyaml__
    if which == "tricky":
        texts = list(TRICKY_TEXTS)
    else:
        folder = EXAMPLE.parent.parent / "templates"
        texts = [path.read_text("utf-8") for path in [*folder.glob("*.yaml"), EXAMPLE]]
    fast_notes = [notes.comment_notes(text) for text in texts]
    monkeypatch.setattr(notes, "_SCANNER", yaml.SafeLoader)
    for text, found in zip(texts, fast_notes, strict=True):
        assert limits.read_tree(text) == yaml.load(text, Loader=limits._TreeLoader)
        assert found == notes.comment_notes(text)
    assert any(fast_notes)  # the comments were found, not both empty
    with pytest.raises(limits.RefusedError, match="appears twice"):  # on the C parser's path
        limits.read_tree("a: 1\nb:\n  c: 2\n  c: 3\n")


def test_the_currency_list_is_babels() -> None:
    """The plan's currency codes are babel's ISO 4217 list, written out for a quick start; after
    a babel upgrade that changes it, write ``planner/plan/currencies.py`` again from
    ``sorted(babel.numbers.list_currencies())``."""
    from babel.numbers import list_currencies

    from planner.plan.currencies import CURRENCIES

    assert set(CURRENCIES) == list_currencies()
    assert {"EUR", "USD", "CHF", "GBP"} <= CURRENCIES  # the currencies partners plan in


@pytest.mark.parametrize("code", ["EUR", "USD", "CHF", "JPY", "SEK"])
def test_a_plan_takes_an_iso_currency(code: str) -> None:
    plan = with_values(make_plan(), {"currency": code})
    assert plan.currency == code
