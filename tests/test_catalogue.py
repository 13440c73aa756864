"""The field catalogue covers the schema exactly, and a concrete path finds its field's kind."""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from planner import catalogue, i18n, model
from planner.catalogue import field, find, pattern_of
from planner.plan.files import load
from planner.plan.schema import Plan
from planner.plan.validation import validate
from tests.factories import EXAMPLE


def _bare(annotation: Any) -> Any:
    """``X`` of ``Annotated[X, ...]`` and of ``X | None``."""
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif (
            isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union
        ):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def schema_walk(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Every leaf of the schema, walked here apart from the catalogue's own walk: blocks are
    entered, list items are ``*``, everything else (numbers, text, choices, free mappings) is
    a leaf."""
    for name, info in model.model_fields.items():
        node, path = _bare(info.annotation), f"{prefix}{name}"
        while typing.get_origin(node) is list:
            node, path = _bare(typing.get_args(node)[0]), path + ".*"
        if isinstance(node, type) and issubclass(node, BaseModel):
            yield from schema_walk(node, path + ".")
        else:
            yield path


SCHEMA = list(schema_walk(Plan))


def test_the_walk_reaches_the_optional_blocks_and_list_items():
    # The walk is only as good as its reach: the blocks a plan may leave out (hurdles,
    # objectives, commitments, actions) and items of lists inside list items must appear.
    for path in (
        "hurdles.vendor.latest_payback_month",
        "objectives.*.targets.*.count",
        "commitments.mdf.*.paid.amount",
        "actions.*.closed",
        "vendor_programme.rebate_tiers.*.rate",
        "vendor_programme.discount_rate",
    ):
        assert path in SCHEMA


def test_every_schema_field_has_a_catalogue_entry():
    missing = [path for path in SCHEMA if path not in catalogue.ENTRIES]
    assert not missing, f"add these fields to planner/catalogue.py: {missing}"


def test_every_catalogue_entry_is_a_field_of_the_schema():
    stale = [path for path in catalogue.ENTRIES if path not in SCHEMA]
    assert not stale, f"planner/catalogue.py has entries the schema does not: {stale}"


def test_the_catalogue_follows_the_schema_order():
    assert list(catalogue.ENTRIES) == SCHEMA


def test_the_catalogues_own_walk_agrees_with_this_one():
    assert list(catalogue.schema_leaves()) == SCHEMA


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("vendor_programme.gross_margin", "share"),
        ("resources.2.annual_cost", "money"),
        ("resources.0.fte", "count"),
        ("investments.11.month", "month"),
        ("investments.0.every_months", "integer"),
        ("vendor_programme.rebate_tiers.3.rate", "share"),
        ("vendor_programme.rebate_tiers.0.threshold", "money"),
        ("hurdles.partner.min_irr", "share"),
        ("hurdles.vendor.latest_payback_month", "month"),
        ("objectives.1.targets.4.count", "count"),
        ("commitments.mdf.0.approved.amount", "money"),
        ("commitments.hires.2.resource", "index"),
        ("actions.0.due", "date"),
        ("partner.kind", "choice"),
        ("start", "year_month"),
        ("revenue.subscription", "flag"),
        # free keys: a scenario's values and an actuals row are mappings, not fields
        ("scenarios.0.set", "mapping"),
        ("actuals.2.revenue", "mapping"),
    ],
)
def test_a_concrete_path_finds_the_kind_of_its_field(path, kind):
    assert field(path).kind == kind


@pytest.mark.parametrize(
    "path", ["revenue", "resources", "resources.0", "hires.2.monthly_cost", "revenue.deal", ""]
)
def test_a_path_that_names_no_field_finds_nothing(path):
    assert find(path) is None
    with pytest.raises(KeyError):
        field(path)


def test_the_pattern_of_a_path_replaces_row_numbers():
    assert pattern_of("objectives.10.targets.0.count") == "objectives.*.targets.*.count"


def test_bounds_come_from_the_schema_also_inside_optional_values():
    # Hand-read from planner/plan/schema.py: Share is 0..1, the partner margin is below 1, the
    # vendor's own rate is an optional Share, a hurdle's IRR is -1..10, horizons 12..120.
    assert (field("discount_rate").low, field("discount_rate").high) == (0.0, 1.0)
    margin = field("revenue.partner_margin")
    assert margin.high == math.nextafter(1.0, 0.0)
    own = field("vendor_programme.discount_rate")
    assert (own.low, own.high, own.optional) == (0.0, 1.0, True)
    assert (field("hurdles.partner.min_irr").low, field("hurdles.partner.min_irr").high) == (-1, 10)
    months = field("months")
    assert (months.low, months.high, months.integer) == (12.0, 120.0, True)
    assert field("resources.0.start_month").integer
    assert field("resources.0.start_month").horizon
    assert field("partner.kind").choices == ("reseller", "msp", "si", "isv")
    assert (field("version").low, field("version").high, field("version").integer) == (1, 1, True)
    assert field("title").low is None
    assert not field("title").numeric


def test_the_vendors_economics_are_private_by_default():
    assert catalogue.private_by_default("vendor") == (
        "vendor_programme.gross_margin",
        "vendor_programme.partner_manager_fte",
        "vendor_programme.partner_manager_annual_cost",
    )
    assert catalogue.private_by_default("partner") == ()


def test_every_label_and_unit_the_catalogue_names_is_in_both_languages():
    keys = [f"label.{e.label}" for e in catalogue.entries() if e.label]
    keys += [f"xlsx.unit.{e.unit}" for e in catalogue.entries() if e.unit]
    texts = i18n.catalog()
    missing = [key for key in keys if key not in texts or set(texts[key]) < {"de", "en"}]
    assert not missing


def _full_plan() -> Plan:
    """The example plan with every optional block filled in."""
    data = load(EXAMPLE).to_data()
    data["hurdles"] = {
        "partner": {"min_irr": 0.1, "latest_payback_month": 24},
        "vendor": {"min_irr": 0.05, "latest_payback_month": 30},
    }
    data["vendor_programme"]["discount_rate"] = 0.08
    data["decision"] = {"date": "2027-01-05", "partner": "A", "vendor": "B", "note": "go"}
    data["private"] = {"vendor": ["vendor_programme.gross_margin"], "partner": []}
    data["objectives"] = [
        {"name": "Certified", "kind": "certification", "side": "partner"}
        | {"targets": [{"quarter": "Q1-2027", "count": 2}]}
    ]
    stage = {"date": "2027-02-01", "amount": 1000}
    data["commitments"] = {
        "hires": [{"resource": 0, "fte": 1, "month": 2, "dropped": False}],
        "investments": [{"investment": 0, "month": 1, "amount": 100, "dropped": False}],
        "mdf": [
            {"activity": "Summit", "proof": "submitted"}
            | dict.fromkeys(("requested", "approved", "claimed", "paid"), stage)
        ],
        "objectives": [{"objective": "Certified", "quarter": "Q1-2027", "count": 1}],
        "support": [{"quarter": "Q1-2027", "fte": 0.5}],
    }
    data["actions"] = [
        {"text": "Book", "side": "vendor", "owner": "C", "due": "2027-03-01"}
        | {"raised": "Q1-2027", "closed": "Q2-2027"}
    ]
    return validate(data)


def _leaf_paths(node: Any, prefix: str = "") -> Iterator[str]:
    """Every leaf of plain data (an empty list or mapping has none)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaf_paths(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaf_paths(value, f"{prefix}.{i}" if prefix else str(i))
    else:
        yield prefix


def test_every_value_of_a_full_plan_finds_its_field():
    paths = list(_leaf_paths(_full_plan().to_data()))
    assert "commitments.mdf.0.paid.amount" in paths  # the plan does fill every block
    assert [path for path in paths if find(path) is None] == []


def test_the_model_reads_what_the_catalogue_says_it_reads():
    from planner import model

    assert catalogue.modelled_scalars() == model.SCALAR_PATHS
    assert {k: set(v) for k, v in model.LIST_FIELDS.items()} == {
        k: set(v) for k, v in catalogue.modelled_lists().items()
    }


def test_the_owner_of_each_field_is_the_side_privacy_lets_alone_set_it():
    from planner import privacy

    found = {
        pattern: privacy.owner_of(pattern.replace("*", "0"))
        for pattern, entry in catalogue.ENTRIES.items()
    }
    assert found == {pattern: entry.owner for pattern, entry in catalogue.ENTRIES.items()}
    assert found["vendor_programme.discount_rate"] == "vendor"  # read the other way round too
    assert found["hurdles.partner.min_irr"] == "partner"


# --- the tables derived from the catalogue ------------------------------------------------
# Each table below is built from the catalogue; these tests say, field by field, that a new
# entry reaches it, so a field left out of a derived table cannot happen silently.


def test_every_field_within_the_horizon_bounds_a_shortening_under_a_hidden_value():
    from planner import privacy_writes

    plan = load(EXAMPLE)
    bounded = [e.pattern for e in catalogue.entries() if e.horizon]
    # hand-read from planner/plan.py: the months of hires, investments and their commitments,
    # ramp-ups and each side's latest payback are the plan's months
    assert bounded == [
        "investments.*.month",
        "resources.*.start_month",
        "resources.*.ramp_months",
        "hurdles.partner.latest_payback_month",
        "hurdles.vendor.latest_payback_month",
        "commitments.hires.*.month",
        "commitments.investments.*.month",
    ]
    for pattern in bounded:
        assert privacy_writes._month_bounded(plan, pattern.replace("*", "0")), pattern
    for entry in catalogue.entries():
        if entry.numeric and not entry.horizon and entry.pattern.count(".") == 1:
            assert not privacy_writes._month_bounded(plan, entry.pattern), entry.pattern


def test_what_each_side_alone_states_covers_exactly_its_owned_fields():
    from planner import privacy

    for side in ("vendor", "partner"):
        blocks = privacy.OWN_TERMS[side]
        covered = {p for p in catalogue.ENTRIES if any(p.startswith(b) for b in blocks)}
        owned = {p for p, e in catalogue.ENTRIES.items() if e.owner == side}
        assert covered == owned
    assert privacy.OWN_TERMS == {
        "vendor": ("vendor_programme.discount_rate", "hurdles.vendor"),
        "partner": ("hurdles.partner",),
    }


def test_every_choice_with_labelled_options_is_an_enumeration_of_the_workbook():
    from planner.export.xlsx import fields

    for entry in catalogue.entries():
        concrete = entry.pattern.replace("*", "0")
        if entry.kind == "choice" and entry.terms:
            assert fields.enum_choices(concrete) == entry.choices, entry.pattern
            assert entry.choices, entry.pattern
            if entry.pattern != "language":  # a language is written as its code
                option = entry.choices[0]
                assert fields.shown_enum(concrete, option, "de") == i18n.t(
                    f"{entry.terms}.{option}", "de"
                )
        else:
            assert fields.enum_choices(concrete) is None, entry.pattern


def test_every_single_date_field_is_a_date_cell_of_the_workbook():
    from planner.export.xlsx import fields

    dates = {e.pattern for e in catalogue.entries() if e.kind in ("date", "year_month")}
    single = {p for p in dates if "*" not in p}
    assert set(fields.DATE_FIELDS) == single == {"start", "decision.date"}
    assert fields.DATE_FIELDS == {"start": "yyyy-mm", "decision.date": "yyyy-mm-dd"}


def test_every_item_parameter_of_the_helper_sheets_has_the_format_of_its_kind():
    from planner.export.xlsx import fields

    fmt = fields.Formats.of("EUR", "en")
    # hand-picked: an amount in whole units, a share in percent, FTE as a count, months whole
    assert fields.item_format("resources.*.annual_cost", fmt) == fmt.money
    assert fields.item_format("investments.*.vendor_share", fmt) == fmt.share
    assert fields.item_format("resources.*.fte", fmt) == fmt.count
    assert fields.item_format("investments.*.every_months", fmt) == fmt.whole
    assert fields.item_format("resources.*.role", fmt) is None
    for name in model.LIST_FIELDS["resources"] + model.LIST_FIELDS["investments"]:
        assert fields.item_format(f"resources.*.{name}", fmt) or fields.item_format(
            f"investments.*.{name}", fmt
        ), name


def test_the_kernel_reads_every_modelled_single_value_but_those_entering_otherwise():
    from planner import kernel

    read = set(kernel.SCALARS)
    elsewhere = set(catalogue.modelled_scalars()) - read
    # hand-read from planner/model.py: the rates go into the discount factors, the deal size
    # and its yearly uplift into the yearly price; every other single value is a kernel row
    assert elsewhere == {
        "discount_rate",
        "vendor_programme.discount_rate",
        "revenue.annual_price_uplift",
        "revenue.deal_size",
    }
    assert tuple(p for p in catalogue.modelled_scalars() if p not in elsewhere) == kernel.SCALARS
