"""The field catalogue: one entry per plan path, the one place that says what a plan value is.

Each :class:`Entry` names a path pattern of the plan file (list items by ``*``:
``resources.*.annual_cost``) and says what its value is: its kind (an amount of money, a share,
a plan month, a count, text, a choice ...), the unit it is measured in, its label in the
locales, which side states it alone, which side keeps it private by default, and whether the
model reads it. The allowed range is not written here: it is read from the pydantic schema
(:mod:`planner.plan.schema`) when the catalogue is built, so a bound changes in one place.
:func:`field` finds the entry of a concrete path (``resources.2.annual_cost``).

Everything that formats, checks or masks a plan value asks here: the app's inputs, the change
notices, conflict cards and history, the privacy defaults, the model's list of drivers, the
documents. Adding a field to the plan is a line in the schema, an entry here and, if the
model reads it, its formula (``tests/test_catalogue.py`` fails for a schema field without an
entry and for an entry the schema no longer has).

The dotted-path functions beside it (:func:`lookup`, :func:`get_value`, :func:`overlaps`,
:func:`diff_data`, :func:`data_with_values`) are the only walkers of a plan path; they live in
:mod:`planner.plan.paths` (the plan's validation uses them too) and are named here as their
public home.

This module imports the schema and nothing above it.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel

from planner.plan.paths import data_with_values, diff_data, get_value, lookup, overlaps, set_path
from planner.plan.schema import Plan

__all__ = [
    "ENTRIES",
    "Entry",
    "Kind",
    "data_with_values",
    "diff_data",
    "entries",
    "field",
    "find",
    "get_value",
    "horizon_bounded",
    "lookup",
    "modelled_lists",
    "modelled_scalars",
    "overlaps",
    "owned_by",
    "pattern_of",
    "private_by_default",
    "schema_leaves",
    "set_path",
]

Kind = Literal[
    "money",  # an amount in the plan's currency
    "share",  # a fraction 0..1, shown in percent
    "count",  # a number of things or people (FTE, deals per FTE and month)
    "integer",  # a whole number that is not a plan month (horizon, ramp months, an interval)
    "month",  # a plan month, 1 to the horizon
    "year_month",  # a calendar month as YYYY-MM text
    "date",  # a day as YYYY-MM-DD text
    "quarter",  # a calendar quarter as Q3-2027
    "text",  # words typed by a person
    "choice",  # one of the schema's options
    "flag",  # true or false
    "currency",  # an ISO 4217 code
    "version",  # the plan format's version
    "index",  # the row number of an item of another list
    "path",  # a plan path given as text
    "number",  # a number in the units of another field (an uncertainty range)
    "mapping",  # free keys and values (a scenario's values, an actuals row, notes)
]
Side = Literal["partner", "vendor"]
NUMERIC_KINDS: frozenset[str] = frozenset(
    {"money", "share", "count", "integer", "month", "version", "index", "number"}
)
"""Kinds whose value is a number."""


@dataclass(frozen=True)
class Entry:
    """What one plan path holds. ``low``, ``high``, ``integer``, ``optional`` and ``choices``
    come from the schema; the rest is declared in :data:`_DECLARED`."""

    pattern: str
    kind: Kind
    unit: str = ""
    """How the value is measured, as ``xlsx.unit.<unit>`` says it (``money_year``)."""
    label: str = ""
    """The key ``label.<label>`` naming the field in planner/locales ("": none of its own)."""
    owner: Side | None = None
    """The side that alone states the value (its own hurdles, the vendor's own rate)."""
    private_to: Side | None = None
    """The side that keeps it private while the plan has no ``private`` block."""
    modelled: bool = False
    """Whether the model reads the value (it is a driver of the figures)."""
    horizon: bool = False
    """Whether the value may not go beyond the plan's horizon (``months``)."""
    terms: str = ""
    """For a choice: the locale prefix naming its options (``kind`` -> ``kind.msp``)."""
    low: float | None = None
    """Smallest allowed value (schema), ``None`` for no bound or no number."""
    high: float | None = None
    """Largest allowed value (schema); a bound the schema states as "below" (``lt``) is the
    float just under it."""
    integer: bool = False
    optional: bool = False
    """Whether the value may be absent (``None``): it or the block holding it is optional."""
    choices: tuple[str, ...] = ()

    @property
    def numeric(self) -> bool:
        """Whether the value is a number."""
        return self.kind in NUMERIC_KINDS


def _declare(
    pattern: str, kind: Kind, unit: str = "", label: str | None = None, **more: Any
) -> Entry:
    name = pattern if label is None else label
    return Entry(pattern, kind, unit, name, **more)


def _item(pattern: str, kind: Kind, unit: str = "", **more: Any) -> Entry:
    """A field of a list item, labelled by its own name (``label.fte``)."""
    return _declare(pattern, kind, unit, pattern.rsplit(".", 1)[-1], **more)


_SIDES: tuple[Side, Side] = ("partner", "vendor")

_DECLARED: tuple[Entry, ...] = (
    _declare("version", "version", "version", ""),
    _declare("title", "text", "text"),
    _declare("partner.name", "text", "text"),
    _declare("partner.kind", "choice", terms="kind"),
    _declare("vendor.name", "text", "text"),
    _declare("currency", "currency", "currency"),
    _declare("language", "choice", terms="ui.language"),
    _declare("start", "year_month", "start"),
    _declare("months", "integer", "horizon"),
    _declare("discount_rate", "share", "share_year", modelled=True),
    _declare("opex_per_month", "money", "money_month", modelled=True),
    _item("investments.*.name", "text", "text"),
    _item("investments.*.category", "choice", terms="category"),
    _item("investments.*.amount", "money", "money", modelled=True),
    _item("investments.*.month", "month", "plan_month", modelled=True, horizon=True),
    _item("investments.*.every_months", "integer", "every", modelled=True),
    _item("investments.*.vendor_share", "share", "share", modelled=True),
    _item("resources.*.role", "text", "text"),
    _item("resources.*.function", "choice", terms="function"),
    _item("resources.*.fte", "count", "fte", modelled=True),
    _item("resources.*.start_month", "month", "plan_month", modelled=True, horizon=True),
    _item("resources.*.annual_cost", "money", "money_year", modelled=True),
    _item("resources.*.ramp_months", "integer", "ramp", modelled=True, horizon=True),
    _declare("revenue.deals_per_sales_fte_month", "count", "deals", modelled=True),
    _declare("revenue.deal_size", "money", "money_deal", modelled=True),
    _declare("revenue.subscription", "flag", "bool", modelled=True),
    _declare("revenue.monthly_churn", "share", "share_month", modelled=True),
    _declare("revenue.annual_price_uplift", "share", "share_year", modelled=True),
    _declare("revenue.partner_margin", "share", "margin", modelled=True),
    _declare("revenue.services_per_deal", "money", "money_deal", modelled=True),
    _declare("revenue.delivery_capacity_per_fte_month", "money", "money_fte_month", modelled=True),
    _declare(
        "revenue.managed_fee_per_customer_month", "money", "money_customer_month", modelled=True
    ),
    _declare("vendor_programme.mdf_rate", "share", "share", modelled=True),
    _item("vendor_programme.rebate_tiers.*.threshold", "money", "money_year", modelled=True),
    _item("vendor_programme.rebate_tiers.*.rate", "share", "share", modelled=True),
    _declare("vendor_programme.gross_margin", "share", "share", modelled=True, private_to="vendor"),
    _declare(
        "vendor_programme.partner_manager_fte", "count", "fte", modelled=True, private_to="vendor"
    ),
    _declare(
        "vendor_programme.partner_manager_annual_cost",
        "money",
        "money_year",
        modelled=True,
        private_to="vendor",
    ),
    _declare(
        "vendor_programme.discount_rate", "share", "share_year", modelled=True, owner="vendor"
    ),
    _item("scenarios.*.name", "text", "text"),
    _declare("scenarios.*.set", "mapping", label=""),
    _declare("actuals.*", "mapping", label=""),
    *(_declare(f"private.{side}.*", "path", "path", label="") for side in ("vendor", "partner")),
    _declare("private.share_vendor_economics", "flag"),
    _declare("uncertainty.*.path", "path", "path", label=""),
    _declare("uncertainty.*.distribution", "choice", label=""),
    *(_declare(f"uncertainty.*.{name}", "number", label="") for name in ("low", "likely", "high")),
    _declare("decision.date", "date", "date.date"),
    _declare("decision.partner", "text"),
    _declare("decision.vendor", "text"),
    _declare("decision.note", "text"),
    *(
        entry
        for side in _SIDES
        for entry in (
            _declare(f"hurdles.{side}.min_irr", "share", owner=side),
            _declare(f"hurdles.{side}.latest_payback_month", "month", owner=side, horizon=True),
        )
    ),
    _declare("notes", "mapping", label=""),
    _item("objectives.*.name", "text", "text"),
    _declare("objectives.*.kind", "choice", label=""),
    _declare("objectives.*.side", "choice", label=""),
    _declare("objectives.*.targets.*.quarter", "quarter", label=""),
    _declare("objectives.*.targets.*.count", "count", label=""),
    _declare("commitments.hires.*.resource", "index", label=""),
    _item("commitments.hires.*.fte", "count", "fte"),
    _item("commitments.hires.*.month", "month", "plan_month", horizon=True),
    _declare("commitments.hires.*.dropped", "flag", label=""),
    _declare("commitments.investments.*.investment", "index", label=""),
    _item("commitments.investments.*.month", "month", "plan_month", horizon=True),
    _item("commitments.investments.*.amount", "money", "money"),
    _declare("commitments.investments.*.dropped", "flag", label=""),
    _declare("commitments.mdf.*.activity", "text", "text", label=""),
    *(
        entry
        for stage in ("requested", "approved", "claimed", "paid")
        for entry in (
            _declare(f"commitments.mdf.*.{stage}.date", "date", label="date"),
            _declare(f"commitments.mdf.*.{stage}.amount", "money", "money", label="amount"),
        )
    ),
    _declare("commitments.mdf.*.proof", "choice", label=""),
    _declare("commitments.objectives.*.objective", "text", label=""),
    _declare("commitments.objectives.*.quarter", "quarter", label=""),
    _declare("commitments.objectives.*.count", "count", label=""),
    _declare("commitments.support.*.quarter", "quarter", label=""),
    _item("commitments.support.*.fte", "count", "fte"),
    _item("actions.*.text", "text"),
    _declare("actions.*.side", "choice", label=""),
    _declare("actions.*.owner", "text", label=""),
    _declare("actions.*.due", "date", label="date"),
    _declare("actions.*.raised", "quarter", label=""),
    _declare("actions.*.closed", "quarter", label=""),
)


# --- the schema --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Leaf:
    """A leaf of the schema: its pattern, type and the constraints met on the way to it."""

    pattern: str
    annotation: Any
    constraints: tuple[Any, ...]
    optional: bool


def _strip(annotation: Any, constraints: list[Any]) -> tuple[Any, bool]:
    """The type inside ``Annotated`` and ``X | None`` (collecting the constraints met on the
    way) and whether ``None`` was one of the options."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            for item in extra:
                constraints += getattr(item, "metadata", None) or [item]
        elif isinstance(annotation, types.UnionType) or origin is typing.Union:
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(options) < len(typing.get_args(annotation))
            if len(options) != 1:
                return annotation, optional
            annotation = options[0]
        else:
            return annotation, optional


def _leaves(model: type[BaseModel], prefix: str, optional: bool) -> Iterator[_Leaf]:
    for name, info in model.model_fields.items():
        constraints = list(info.metadata)
        annotation, maybe = _strip(info.annotation, constraints)
        left_out = optional or maybe
        yield from _node(f"{prefix}{name}", annotation, constraints, left_out)


def _node(pattern: str, annotation: Any, constraints: list[Any], optional: bool) -> Iterator[_Leaf]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from _leaves(annotation, pattern + ".", optional)
    elif typing.get_origin(annotation) is list:
        inner: list[Any] = []
        item, maybe = _strip(typing.get_args(annotation)[0], inner)
        yield from _node(pattern + ".*", item, inner, optional or maybe)
    else:
        yield _Leaf(pattern, annotation, tuple(constraints), optional)


@cache
def schema_leaves() -> tuple[str, ...]:
    """Every leaf pattern of the :class:`~planner.plan.schema.Plan` schema, list items as ``*``, in
    schema order (``resources.*.fte``, ``commitments.mdf.*.paid.amount``)."""
    return tuple(leaf.pattern for leaf in _leaves(Plan, "", False))


def _bound(constraints: tuple[Any, ...]) -> tuple[float | None, float | None]:
    low: float | None = None
    high: float | None = None
    for item in constraints:
        if isinstance(item, annotated_types.Ge):
            low = float(item.ge)  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Gt):
            low = math.nextafter(float(item.gt), math.inf)  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Le):
            high = float(item.le)  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Lt):
            high = math.nextafter(float(item.lt), -math.inf)  # type: ignore[arg-type]
    return low, high


def _with_schema(entry: Entry, leaf: _Leaf) -> Entry:
    low, high = _bound(leaf.constraints)
    args = typing.get_args(leaf.annotation)
    choices = args if typing.get_origin(leaf.annotation) is Literal else ()
    numbers = [float(c) for c in choices if isinstance(c, int) and not isinstance(c, bool)]
    if numbers and len(numbers) == len(choices):  # a fixed whole number (``version: 1``)
        low, high = min(numbers), max(numbers)
    return replace(
        entry,
        low=low,
        high=high,
        integer=leaf.annotation is int or bool(numbers),
        optional=leaf.optional,
        choices=tuple(str(c) for c in choices) if entry.kind == "choice" else (),
    )


def _build() -> dict[str, Entry]:
    leaves = {leaf.pattern: leaf for leaf in _leaves(Plan, "", False)}
    built: dict[str, Entry] = {}
    for entry in _DECLARED:
        leaf = leaves.get(entry.pattern)
        built[entry.pattern] = _with_schema(entry, leaf) if leaf is not None else entry
    return built


ENTRIES: dict[str, Entry] = _build()
"""Pattern -> entry, in the order of the declarations (the schema's order)."""


# --- looking up ----------------------------------------------------------------------------


def pattern_of(path: str) -> str:
    """The pattern of a concrete path: row numbers as ``*``.

    >>> pattern_of("resources.2.annual_cost")
    'resources.*.annual_cost'
    """
    return ".".join("*" if part.isdigit() else part for part in path.split("."))


def find(path: str) -> Entry | None:
    """The entry of a concrete plan path, or ``None`` when the path names no field (a block
    such as ``revenue``, a whole list, or a path outside the plan). A path into free keys
    (``scenarios.0.set.revenue.deal_size``, ``actuals.3.revenue``) finds its mapping's entry.

    >>> find("hires.2.monthly_cost") is None, find("resources.2.annual_cost").kind
    (True, 'money')
    """
    parts = pattern_of(path).split(".")
    found = ENTRIES.get(".".join(parts))
    if found is not None:
        return found
    for cut in range(len(parts) - 1, 0, -1):
        entry = ENTRIES.get(".".join(parts[:cut]))
        if entry is not None:
            return entry if entry.kind == "mapping" else None
    return None


def field(path: str) -> Entry:
    """The entry of a concrete plan path; KeyError when the path names no field.

    >>> field("vendor_programme.rebate_tiers.0.rate").kind
    'share'
    """
    entry = find(path)
    if entry is None:
        raise KeyError(path)
    return entry


def entries() -> tuple[Entry, ...]:
    """Every entry, in schema order."""
    return tuple(ENTRIES.values())


def private_by_default(side: Side) -> tuple[str, ...]:
    """The paths ``side`` keeps private while the plan has no ``private`` block."""
    return tuple(e.pattern for e in ENTRIES.values() if e.private_to == side)


def owned_by(side: Side) -> tuple[str, ...]:
    """What only ``side`` states (the entries it is the ``owner`` of), each field given as the
    largest block of the schema whose every field is that side's own.

    >>> owned_by("vendor")
    ('vendor_programme.discount_rate', 'hurdles.vendor')
    """
    out: list[str] = []
    for entry in ENTRIES.values():
        if entry.owner != side:
            continue
        parts, top = entry.pattern.split("."), entry.pattern
        for cut in range(len(parts) - 1, 0, -1):
            block = ".".join(parts[:cut]) + "."
            if any(e.owner != side for p, e in ENTRIES.items() if p.startswith(block)):
                break
            top = block[:-1]
        if top not in out:
            out.append(top)
    return tuple(out)


def horizon_bounded() -> tuple[str, ...]:
    """The fields whose value may not go beyond the plan's horizon, in schema order."""
    return tuple(e.pattern for e in ENTRIES.values() if e.horizon)


def modelled_scalars() -> tuple[str, ...]:
    """The single values the model reads, in schema order (``revenue.subscription`` too)."""
    return tuple(e.pattern for e in ENTRIES.values() if e.modelled and "*" not in e.pattern)


def modelled_lists() -> dict[str, tuple[str, ...]]:
    """List path -> the fields of its items the model reads (``resources``: ``fte`` ...)."""
    lists: dict[str, tuple[str, ...]] = {}
    for entry in ENTRIES.values():
        if entry.modelled and "*" in entry.pattern:
            head, _, name = entry.pattern.partition(".*.")
            lists[head] = (*lists.get(head, ()), name)
    return lists
