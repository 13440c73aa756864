"""The plan file of docs/model.md section 1: schema, validation, loading, scenarios, canonical form.

Every entry point (CLI, app, upload, workbook import) goes through :func:`validate`, which
either returns a complete :class:`Plan` or raises :class:`PlanError` carrying one
:class:`Problem` per bad field; a plan is never half-loaded.
"""

# Without ``from __future__ import annotations``: the fields' annotations are objects when the
# classes are made, where strings would be compiled and evaluated one by one when pydantic
# reads them (about 10 ms of every start of the command line).
import copy
import datetime
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from babel.numbers import list_currencies
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from planner import limits

MAX_MONEY = 1e12
"""Upper bound for amounts and costs (currency units): beyond it float sums lose cents, and a
typo of a few extra zeros should be caught."""
MAX_COUNT = 1e6
"""Upper bound for unbounded counts such as deals per FTE and month."""
MAX_FILE_BYTES = limits.TEXT_MAX_BYTES
"""A plan file larger than this is refused before parsing."""
MAX_NODES = limits.MAX_NODES
MAX_DEPTH = limits.MAX_DEPTH
MAX_ACTUAL = MAX_MONEY * 1000
"""Largest size of an actual value (docs/model.md: at most 10^15), either sign."""

MONTHLY_COLUMNS: tuple[str, ...] = (
    "month",
    "date",
    "headcount",
    "new_deals",
    "customers",
    "resale",
    "sell_in",
    "services_demand",
    "services",
    "backlog",
    "managed",
    "mdf",
    "rebate",
    "revenue",
    "gross_profit",
    "vendor_funds",
    "staff_cost",
    "opex",
    "investment_gross",
    "investment_vendor_funded",
    "investment_net",
    "ebitda",
    "cash_flow",
    "cumulative_cash",
    "vendor_revenue",
    "vendor_gross_profit",
    "vendor_cost",
    "vendor_cash_flow",
    "vendor_cumulative_cash",
)
"""docs/model.md section 3, in order."""
VALUE_COLUMNS: tuple[str, ...] = MONTHLY_COLUMNS[2:]
"""The numeric monthly columns (those an actuals row may carry)."""


@dataclass(frozen=True)
class Problem:
    """One bad field: its dotted path in the plan and what is wrong with it.

    ``key`` and ``params``, where given, let a page say the message in the reader's language
    (``ui.refusal.<key>``, as for a file refused by :mod:`planner.limits`)."""

    path: str
    message: str
    key: str | None = field(default=None, compare=False)
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class PlanError(ValueError):
    """A plan that cannot be accepted; ``problems`` lists every bad field."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


# --- field types -------------------------------------------------------------------------


def fmt_value(value: Any) -> str:
    """A value as it would be typed in the plan file: ``-2`` rather than ``-2.0``."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PydanticCustomError(
            "not_number", "{value} is not a number", {"value": fmt_value(value)}
        )
    try:
        result = float(value)
    except OverflowError:
        raise PydanticCustomError("not_finite", "the number is too large") from None
    if not math.isfinite(result):
        raise PydanticCustomError(
            "not_finite", "{value} is not a finite number", {"value": fmt_value(value)}
        )
    return result


def _integer(value: Any) -> int:
    number = _number(value)
    if not number.is_integer():
        raise PydanticCustomError(
            "not_integer", "{value} is not a whole number", {"value": fmt_value(value)}
        )
    return int(number)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "not_text", "{value} is not text (put it in quotes)", {"value": fmt_value(value)}
        )
    if not value.strip():
        raise PydanticCustomError("blank_text", "must not be empty")
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value):
        raise PydanticCustomError(
            "control_text", "must not contain control characters or line breaks"
        )
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise PydanticCustomError(
            "not_bool", "{value} is not true or false", {"value": fmt_value(value)}
        )
    return value


Number = Annotated[float, BeforeValidator(_number)]
Integer = Annotated[int, BeforeValidator(_integer)]
Text = Annotated[str, BeforeValidator(_text), Field(max_length=200)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Share = Annotated[Number, Field(ge=0, le=1)]
Money = Annotated[Number, Field(ge=0, le=MAX_MONEY)]
Count = Annotated[Number, Field(ge=0, le=MAX_COUNT)]
MonthNo = Annotated[Integer, Field(ge=1, le=120)]

_CURRENCIES = frozenset(list_currencies())
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _currency(value: Any) -> str:
    text = _text(value)
    if text not in _CURRENCIES:
        raise PydanticCustomError(
            "currency", "{value} is not an ISO 4217 currency code", {"value": repr(text)}
        )
    return text


def _year_month(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "year_month", "{value} is not a month as YYYY-MM", {"value": fmt_value(value)}
        )
    match = _YEAR_MONTH.match(value)
    if not match or not 1900 <= int(match[1]) <= 2200 or not 1 <= int(match[2]) <= 12:
        raise PydanticCustomError(
            "year_month", "{value} is not a month as YYYY-MM", {"value": repr(value)}
        )
    return value


class _Strict(BaseModel):
    # defer_build: a model's validator is built when it is first used, so validating a plan
    # builds the plan's (with its parts inside) instead of one for each of the 25 parts too.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --- the schema --------------------------------------------------------------------------


class Partner(_Strict):
    name: Text
    kind: Literal["reseller", "msp", "si", "isv"]


class Vendor(_Strict):
    name: Text


class Investment(_Strict):
    """Partner spending due in ``month`` and, if ``every_months`` > 0, again every so often."""

    name: Text
    category: Literal["certification", "training", "demo", "marketing", "tooling", "other"]
    amount: Money
    month: MonthNo
    every_months: Annotated[Integer, Field(ge=0, le=120)] = 0
    vendor_share: Share = 0.0


class Resource(_Strict):
    """A role on the partner's team: ``fte`` people from ``start_month``, ramping up."""

    role: Text
    function: Literal["sales", "presales", "delivery", "support", "management"]
    fte: Annotated[Number, Field(ge=0, le=1000)]
    start_month: MonthNo
    annual_cost: Money
    ramp_months: Annotated[Integer, Field(ge=0, le=120)] = 0


class Revenue(_Strict):
    deals_per_sales_fte_month: Count
    deal_size: Money
    subscription: Flag
    monthly_churn: Share
    annual_price_uplift: Share
    partner_margin: Annotated[Number, Field(ge=0, lt=1)]
    services_per_deal: Money
    delivery_capacity_per_fte_month: Money
    managed_fee_per_customer_month: Money


class RebateTier(_Strict):
    threshold: Money
    rate: Share


class VendorProgramme(_Strict):
    mdf_rate: Share
    rebate_tiers: list[RebateTier] = []
    gross_margin: Share
    partner_manager_fte: Annotated[Number, Field(ge=0, le=1000)]
    partner_manager_annual_cost: Money
    discount_rate: Share | None = None
    """The vendor's own annual rate for its NPV; None: the plan's ``discount_rate``."""


class Hurdle(_Strict):
    """What a side needs beyond a positive NPV before the plan counts for it (README:
    hurdles): a minimum annual IRR and a latest payback month, each optional."""

    min_irr: Annotated[Number, Field(ge=-1, le=10)] | None = None
    latest_payback_month: Annotated[Integer, Field(ge=1, le=120)] | None = None


class Hurdles(_Strict):
    partner: Hurdle | None = None
    vendor: Hurdle | None = None


class Scenario(_Strict):
    name: Text
    set: dict[str, Any] = {}


class Private(_Strict):
    vendor: list[str] = []
    partner: list[str] = []
    share_vendor_economics: Flag | None = None
    """True: the partner may see the vendor's gross profit, cost, cash flow and return."""


class Uncertainty(_Strict):
    """A range for one numeric driver in the Monte Carlo analysis (README: uncertainty)."""

    path: Annotated[str, BeforeValidator(_text)]
    distribution: Literal["triangular", "uniform"]
    low: Number
    likely: Number | None = None
    high: Number


MAX_PEOPLE_TEXT = 500
"""Longest list of participants of one side in the decision in principle (characters)."""
MAX_DECISION_NOTE = 1000
"""Longest note on the decision in principle (characters)."""


def _iso_date(value: Any) -> str:
    # YAML reads an unquoted 2026-11-20 as a date; JSON and the app give text.
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            day = None
        if day is not None and 1900 <= day.year <= 2200:
            return value
    raise PydanticCustomError(
        "iso_date", "{value} is not a date as YYYY-MM-DD", {"value": fmt_value(value)}
    )


def _note(value: Any) -> str:
    text = _text(value)
    if len(text) > MAX_DECISION_NOTE:
        raise PydanticCustomError(
            "note_length", "is longer than {most} characters", {"most": MAX_DECISION_NOTE}
        )
    return text


class Decision(_Strict):
    """The decision in principle (README: decision): the day both sides agreed to go ahead,
    who of each side took part, and a short note. Optional; sign-off does not depend on it."""

    date: Annotated[str, BeforeValidator(_iso_date)]
    partner: Annotated[str, BeforeValidator(_text), Field(max_length=MAX_PEOPLE_TEXT)]
    """Who of the partner took part, as one line (``Anna Berger (CEO), Jonas Weber (CFO)``)."""
    vendor: Annotated[str, BeforeValidator(_text), Field(max_length=MAX_PEOPLE_TEXT)]
    note: Annotated[str, BeforeValidator(_note)] | None = None


def _notes(value: Any) -> dict[str, str]:
    from planner.notes import note_refusal

    if not isinstance(value, Mapping):
        raise PydanticCustomError(
            "notes", "{value} is not a mapping of plan paths to text", {"value": fmt_value(value)}
        )
    for key, text in value.items():
        refusal = note_refusal(key, text)
        if refusal:
            raise PydanticCustomError("note", "{key}: {why}", {"key": str(key), "why": refusal})
    return dict(value)


QUARTER = re.compile(r"^Q([1-4])-(\d{4})$")
"""A calendar quarter as the plan file writes it: ``Q3-2027`` (July to September 2027)."""
MAX_RECORDS = 500
"""Longest list of onboarding records of one kind (hires, MDF claims, actions ...)."""


def _quarter(value: Any) -> str:
    if not isinstance(value, str) or not QUARTER.match(value) or not 1900 <= int(value[3:]) <= 2200:
        raise PydanticCustomError(
            "quarter", "{value} is not a calendar quarter as Q1-2027", {"value": fmt_value(value)}
        )
    return value


Quarter = Annotated[str, BeforeValidator(_quarter)]
IsoDate = Annotated[str, BeforeValidator(_iso_date)]
Side = Literal["partner", "vendor"]


class Target(_Strict):
    quarter: Quarter
    count: Count


class Objective(_Strict):
    """A count one side commits to reach each quarter (README: objectives): certified people,
    registered deals, or any count the plan names."""

    name: Text
    kind: Literal["certification", "deal_registration", "custom"] = "custom"
    side: Side = "partner"
    targets: Annotated[list[Target], Field(max_length=MAX_RECORDS)] = []


class HireRecord(_Strict):
    """``fte`` people of planned role ``resource`` (index) started in plan month ``month``;
    ``dropped``: that part of the role will not be hired."""

    resource: Annotated[Integer, Field(ge=0)]
    fte: Annotated[Number, Field(ge=0, le=1000)]
    month: MonthNo | None = None
    dropped: Flag = False


class InvestmentRecord(_Strict):
    """Planned investment ``investment`` (index) made first in ``month`` for ``amount`` (each
    time it is due), or ``dropped``."""

    investment: Annotated[Integer, Field(ge=0)]
    month: MonthNo | None = None
    amount: Money | None = None
    dropped: Flag = False


class Stage(_Strict):
    date: IsoDate
    amount: Money


class MdfRecord(_Strict):
    """One market-development activity through requested -> approved -> claimed -> paid."""

    activity: Text
    requested: Stage
    approved: Stage | None = None
    claimed: Stage | None = None
    paid: Stage | None = None
    proof: Literal["none", "submitted", "accepted", "rejected"] = "none"


class ObjectiveRecord(_Strict):
    objective: Text
    quarter: Quarter
    count: Count


class SupportRecord(_Strict):
    """The vendor's partner-manager FTE actually on this partner in ``quarter``."""

    quarter: Quarter
    fte: Annotated[Number, Field(ge=0, le=1000)]


class Commitments(_Strict):
    """What happened to each side's commitments during onboarding (README: commitments)."""

    hires: Annotated[list[HireRecord], Field(max_length=MAX_RECORDS)] = []
    investments: Annotated[list[InvestmentRecord], Field(max_length=MAX_RECORDS)] = []
    mdf: Annotated[list[MdfRecord], Field(max_length=MAX_RECORDS)] = []
    objectives: Annotated[list[ObjectiveRecord], Field(max_length=MAX_RECORDS)] = []
    support: Annotated[list[SupportRecord], Field(max_length=MAX_RECORDS)] = []


class Action(_Strict):
    """An action item of a business review: raised in one quarter, closed in a later one."""

    text: Annotated[str, BeforeValidator(_note)]
    side: Side
    owner: Text | None = None
    due: IsoDate | None = None
    raised: Quarter
    closed: Quarter | None = None


class Plan(_Strict):
    """A validated plan (docs/model.md section 1). Immutable: edits make a new plan."""

    version: Literal[1]
    title: Text
    partner: Partner
    vendor: Vendor
    currency: Annotated[str, BeforeValidator(_currency)] = "EUR"
    language: Literal["de", "en"] = "de"
    start: Annotated[str, BeforeValidator(_year_month)]
    months: Annotated[Integer, Field(ge=12, le=120)]
    discount_rate: Share
    opex_per_month: Money
    investments: list[Investment] = []
    resources: list[Resource] = []
    revenue: Revenue
    vendor_programme: VendorProgramme
    scenarios: list[Scenario] = []
    actuals: list[dict[str, Any]] = []
    private: Private | None = None
    uncertainty: list[Uncertainty] | None = None  # None: absent, so old files hash the same
    decision: Decision | None = None  # None: absent, so old files hash the same
    hurdles: Hurdles | None = None  # None: absent, so old files hash the same
    notes: Annotated[dict[str, str], BeforeValidator(_notes)] | None = None
    """The reasoning behind values, by plan path (:mod:`planner.notes`); None: absent."""
    objectives: Annotated[list[Objective], Field(max_length=MAX_RECORDS)] | None = None
    """Counts each side commits to per quarter; None: absent, so old files hash the same."""
    commitments: Commitments | None = None
    """Onboarding records of what happened; None: absent, so old files hash the same."""
    actions: Annotated[list[Action], Field(max_length=MAX_RECORDS)] | None = None
    """Action items of the business reviews; None: absent, so old files hash the same."""

    def to_data(self) -> dict[str, Any]:
        """The plan as plain data (what the file holds), without defaults left implicit."""
        return self.model_dump(mode="json", exclude_none=True)

    def scenario(self, name: str) -> "Plan":
        """This plan with the named scenario's values set (scenarios and actuals dropped)."""
        for scenario in self.scenarios:
            if scenario.name == name:
                return apply_changes(self, scenario.set, context=f"scenarios.{name}")
        known = ", ".join(s.name for s in self.scenarios) or "none"
        raise PlanError([Problem("scenario", f"{name!r} is not in the plan (known: {known})")])

    def actuals_by_month(self) -> dict[int, dict[str, float]]:
        """Actual values per plan month: ``{month: {column: value}}``."""
        return {
            int(row["month"]): {k: v for k, v in row.items() if k != "month"}
            for row in self.actuals
        }


# --- validation --------------------------------------------------------------------------

_SCENARIO_ROOTS = frozenset(Plan.model_fields) - {
    "version",
    "scenarios",
    "actuals",
    "private",
    "uncertainty",
    "decision",
    "notes",
    "objectives",
    "commitments",
    "actions",
}


def _loc_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _problem_from_error(error: Mapping[str, Any]) -> Problem:
    """One pydantic error as a problem: an English line, and the key and values a page says
    it with in the reader's language (``ui.problem.<key>``)."""
    loc = tuple(error["loc"])
    value = error.get("input")
    ctx = error.get("ctx") or {}
    kind = error["type"]
    # keys of their own: a file's refusals (ui.refusal.*) use "missing" and "not_finite"
    key = {"missing": "required", "not_finite": "too_large_number"}.get(kind, kind)
    params = {"value": fmt_value(value)}
    if kind == "greater_than_equal":
        params["bound"] = fmt_value(ctx["ge"])
        message = f"{fmt_value(value)} is below {fmt_value(ctx['ge'])}"
    elif kind == "greater_than":
        params["bound"] = fmt_value(ctx["gt"])
        message = f"{fmt_value(value)} must be above {fmt_value(ctx['gt'])}"
    elif kind == "less_than_equal":
        params["bound"] = fmt_value(ctx["le"])
        message = f"{fmt_value(value)} is above {fmt_value(ctx['le'])}"
    elif kind == "less_than":
        params["bound"] = fmt_value(ctx["lt"])
        message = f"{fmt_value(value)} must be below {fmt_value(ctx['lt'])}"
    elif kind == "missing":
        message = "is required"
    elif kind == "extra_forbidden":
        message = "unknown key (check the spelling)"
    elif kind == "literal_error":
        params["expected"] = str(ctx.get("expected", ""))
        message = f"{fmt_value(value)} is not one of {ctx.get('expected', '')}"
    elif kind in ("string_too_long", "too_long"):
        key, params["limit"] = "too_long", ctx["max_length"]
        message = f"is longer than {ctx['max_length']} characters"
    elif kind in ("model_type", "dict_type"):
        key, message = "not_mapping", f"{fmt_value(value)} is not a mapping of keys to values"
    elif kind == "list_type":
        message = f"{fmt_value(value)} is not a list"
    elif kind == "string_type":
        message = f"{fmt_value(value)} is not text"
    else:
        params.update({name: str(item) for name, item in ctx.items()})
        message = error["msg"]
    return Problem(_loc_path(loc), message, key, params)


def validate(data: Any) -> Plan:
    """Validate plain data (as read from YAML or JSON) into a :class:`Plan`.

    >>> validate({"version": 1})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    planner.plan.PlanError: title: is required; ...
    """
    if not isinstance(data, Mapping):
        raise PlanError([Problem("", "the plan must be a mapping of keys to values")])
    try:
        plan = Plan.model_validate(data)
    except ValidationError as error:
        raise PlanError(_problem_from_error(e) for e in error.errors()) from None
    problems = _cross_checks(plan)
    if problems:
        raise PlanError(problems)
    if plan.actuals:
        rows = [
            {k: int(v) if k == "month" else float(v) for k, v in row.items()}
            for row in plan.actuals
        ]
        plan = plan.model_copy(update={"actuals": sorted(rows, key=lambda row: row["month"])})
    return plan


def _cross_checks(plan: Plan) -> list[Problem]:
    """Rules that involve more than one field: months within the horizon, scenarios, actuals."""
    n = plan.months
    problems: list[Problem] = []
    for i, item in enumerate(plan.investments):
        if item.month > n:
            problems.append(
                Problem(
                    f"investments.{i}.month",
                    f"{item.month} is above {n} (months)",
                    "above_months",
                    {"value": item.month, "bound": n},
                )
            )
    for i, res in enumerate(plan.resources):
        if res.start_month > n:
            problems.append(
                Problem(
                    f"resources.{i}.start_month",
                    f"{res.start_month} is above {n} (months)",
                    "above_months",
                    {"value": res.start_month, "bound": n},
                )
            )
        if res.ramp_months > n:
            problems.append(
                Problem(
                    f"resources.{i}.ramp_months",
                    f"{res.ramp_months} is above {n} (months)",
                    "above_months",
                    {"value": res.ramp_months, "bound": n},
                )
            )
    for side in ("partner", "vendor"):
        hurdle = getattr(plan.hurdles, side, None) if plan.hurdles else None
        latest = hurdle.latest_payback_month if hurdle else None
        if latest is not None and latest > n:
            problems.append(
                Problem(
                    f"hurdles.{side}.latest_payback_month",
                    f"{latest} is above {n} (months)",
                    "above_months",
                    {"value": latest, "bound": n},
                )
            )
    problems += _check_actuals(plan.actuals, n)
    problems += _check_private(plan)
    problems += _check_uncertainty(plan)
    problems += _check_onboarding(plan)
    names: set[str] = set()
    for i, scenario in enumerate(plan.scenarios):
        if scenario.name in names:
            problems.append(Problem(f"scenarios.{i}.name", f"{scenario.name!r} is used twice"))
        names.add(scenario.name)
        try:
            apply_changes(plan, scenario.set, context=f"scenarios.{scenario.name}")
        except PlanError as error:
            problems += error.problems
    return problems


def _check_actuals(rows: list[dict[str, Any]], months: int) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[int] = set()
    for i, row in enumerate(rows):
        where = f"actuals.{i}"
        if "month" not in row:
            problems.append(Problem(f"{where}.month", "is required"))
        for key, value in row.items():
            if key != "month" and key not in VALUE_COLUMNS:
                problems.append(Problem(f"{where}.{key}", "unknown key (not a monthly column)"))
                continue
            try:
                number = _integer(value) if key == "month" else _number(value)
            except PydanticCustomError as error:
                problems.append(Problem(f"{where}.{key}", error.message()))
                continue
            if key == "month":
                if not 1 <= number <= months:
                    problems.append(
                        Problem(f"{where}.month", f"{number} is not within 1 to {months}")
                    )
                elif number in seen:
                    problems.append(Problem(f"{where}.month", f"{number} appears twice"))
                seen.add(int(number))
            else:
                refusal = actual_refusal(number)
                if refusal:
                    problems.append(Problem(f"{where}.{key}", refusal))
    return problems


ACTUAL_RANGE = "-10^15 to 10^15"


def actual_refusal(value: float) -> str | None:
    """Why ``value`` cannot be an actual (docs/model.md: finite, at most 10^15 in size), or
    ``None``: ``1e+300 is not within -10^15 to 10^15``."""
    if not math.isfinite(value):
        return f"{fmt_value(value)} is not a finite number"
    if abs(value) > MAX_ACTUAL:
        return f"{fmt_value(value)} is not within {ACTUAL_RANGE}"
    return None


def _check_uncertainty(plan: Plan) -> list[Problem]:
    if not plan.uncertainty:
        return []
    # The driver ranges live with the analyses; imported here to keep plan.py free of them.
    from planner.analysis.drivers import uncertainty_problems

    return uncertainty_problems(plan, plan.uncertainty)


def _check_onboarding(plan: Plan) -> list[Problem]:
    if plan.objectives is None and plan.commitments is None and plan.actions is None:
        return []
    # The rules live with the onboarding records; imported here to keep plan.py free of them.
    from planner.onboarding.records import record_problems

    return record_problems(plan)


def _check_private(plan: Plan) -> list[Problem]:
    if plan.private is None:
        return []
    data = plan.to_data()
    problems = []
    for side in ("vendor", "partner"):
        for i, path in enumerate(getattr(plan.private, side)):
            if path.split(".")[0] not in _SCENARIO_ROOTS or not _has_path(data, path):
                problems.append(Problem(f"private.{side}.{i}", f"{path!r} is not a plan path"))
    return problems


# --- paths and scenarios -----------------------------------------------------------------
# The one set of dotted-path functions (``resources.0.fte``); planner/catalogue.py names them
# beside the field catalogue, the store and the pages use them from there.


def _step(node: Any, part: str) -> tuple[bool, Any]:
    if isinstance(node, dict):
        return (part in node, node.get(part))
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return (True, node[int(part)])
    return (False, None)


def _has_path(data: Any, path: str) -> bool:
    node = data
    for part in path.split("."):
        found, node = _step(node, part)
        if not found:
            return False
    return True


def lookup(data: Any, path: str) -> Any:
    """The value at a dotted path of plain data, ``None`` where there is none (``""`` is the
    whole of it).

    >>> lookup({"resources": [{"fte": 2.5}]}, "resources.0.fte"), lookup({}, "revenue.x")
    (2.5, None)
    """
    node = data
    for part in path.split(".") if path else []:
        found, node = _step(node, part)
        if not found:
            return None
    return node


def get_value(plan: Plan, path: str) -> Any:
    """The value at a dotted path (``resources.0.fte``); KeyError if there is none."""
    node: Any = plan.to_data()
    for part in path.split("."):
        found, node = _step(node, part)
        if not found:
            raise KeyError(path)
    return node


def overlaps(a: str, b: str) -> bool:
    """Whether two field paths touch the same data: equal, or one contains the other.

    ``""`` is the whole plan.

    >>> overlaps("resources", "resources.0.fte"), overlaps("revenue.deal_size", "revenue.deal")
    (True, False)
    """
    return a == b or not a or not b or a.startswith(b + ".") or b.startswith(a + ".")


def diff_data(a: Any, b: Any, prefix: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Leaf paths where two plain-data trees differ: ``(path, before, after)``.

    >>> list(diff_data({"x": 1, "y": [1, 2]}, {"x": 1, "y": [1, 3, 4]}))
    [('y.1', 2, 3), ('y.2', None, 4)]
    """
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            yield from diff_data(a.get(key), b.get(key), f"{prefix}.{key}" if prefix else key)
    elif isinstance(a, list) and isinstance(b, list):
        for i in range(max(len(a), len(b))):
            x = a[i] if i < len(a) else None
            y = b[i] if i < len(b) else None
            yield from diff_data(x, y, f"{prefix}.{i}" if prefix else str(i))
    elif a != b:
        yield (prefix, a, b)


def set_path(data: dict[str, Any], path: str, value: Any) -> bool:
    """Set the value at a dotted path of plain plan data in place (a copy of ``value``);
    False when the plan has no such path. An optional block or key the data leaves out
    (``hurdles``, ``vendor_programme.discount_rate``) is made."""
    parts = path.split(".")
    node: Any = data
    for depth, part in enumerate(parts[:-1], start=1):
        found, child = _step(node, part)
        if not found and isinstance(node, dict) and _is_optional_key(parts[:depth]):
            child = node[part] = {}  # an optional block the file left out (``hurdles``)
        elif not found:
            return False
        node = child
    last = parts[-1]
    if isinstance(node, dict) and last in node:
        node[last] = copy.deepcopy(value)
        return True
    if isinstance(node, list) and last.isdigit() and int(last) < len(node):
        node[int(last)] = copy.deepcopy(value)
        return True
    # An optional key that the file left out (a default) may still be set.
    if isinstance(node, dict) and _is_optional_key(parts):
        node[last] = copy.deepcopy(value)
        return True
    return False


def _is_optional_key(parts: list[str]) -> bool:
    model: Any = Plan
    for part in parts:
        if part.isdigit():
            continue
        fields = getattr(model, "model_fields", None)
        if fields is None or part not in fields:
            return False
        annotation = fields[part].annotation
        args = getattr(annotation, "__args__", ())
        model = args[0] if args and isinstance(args[0], type) else annotation
    return True


def apply_changes(plan: Plan, changes: Mapping[str, Any], *, context: str = "") -> Plan:
    """A new plan with values set by dotted path; its scenarios, actuals, uncertainty dropped.

    Errors name the context (such as ``scenarios.Konservativ``) and the path.
    """
    prefix = f"{context}." if context else ""
    data = plan.to_data()
    data.pop("scenarios", None)
    data.pop("actuals", None)
    data.pop("uncertainty", None)  # checked once, on the plan that holds it
    problems = []
    for path, value in changes.items():
        root = str(path).split(".")[0]
        if root not in _SCENARIO_ROOTS or not set_path(data, str(path), value):
            problems.append(Problem(f"{prefix}{path}", "is not a plan path", "not_a_path"))
    if problems:
        raise PlanError(problems)
    try:
        return validate(data)
    except PlanError as error:
        raise PlanError(
            Problem(f"{prefix}{p.path}", p.message, p.key, p.params) for p in error.problems
        ) from None


def data_with_values(plan: Plan, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The plan's plain data with values set by dotted path, not yet validated; PlanError
    naming a path that is not one of the plan."""
    data = plan.to_data()
    problems = []
    for path, value in changes.items():
        if not set_path(data, path, value):
            problems.append(Problem(path, "is not a plan path", "not_a_path"))
    if problems:
        raise PlanError(problems)
    return data


def with_values(plan: Plan, changes: Mapping[str, Any]) -> Plan:
    """A new plan with values set by dotted path, keeping its scenarios and actuals."""
    return validate(data_with_values(plan, changes))


# --- files and canonical form ------------------------------------------------------------


def parse(text: str, *, name: str = "plan") -> Plan:
    """Validate a plan from YAML or JSON text (JSON is YAML, but is read strictly as JSON).

    Hostile text is refused by :func:`planner.limits.read_tree` with one problem naming what
    was refused, in bounded time: more than :data:`MAX_FILE_BYTES`, YAML anchors and aliases, a
    key twice, too many values or too deep a nesting."""
    if not text.strip():
        raise PlanError([Problem("", f"{name} is empty")])
    try:
        data = limits.read_tree(text)
    except limits.RefusedError as refused:
        message = str(refused)
        if not message.startswith("is larger"):
            message = f"is refused: {message}"
        params = {**refused.params, "name": name}
        raise PlanError([Problem("", f"{name} {message}", refused.key, params)]) from None
    except (json.JSONDecodeError, ValueError) as error:
        raise PlanError([Problem("", f"{name} is not valid JSON: {error}")]) from None
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise PlanError([Problem("", f"{name} is not valid YAML{line}")]) from None
    if isinstance(data, dict) and "notes" not in data:
        from planner.notes import comment_notes

        found = comment_notes(text)  # the reasoning beside each value, as YAML comments
        if found:
            data["notes"] = found
    return validate(data)


def load(path: str | Path) -> Plan:
    """Read and validate a plan file (YAML or JSON)."""
    file = Path(path)
    try:
        if file.is_dir():
            raise PlanError([Problem("", f"{file} is a directory, not a plan file")])
        if file.stat().st_size > MAX_FILE_BYTES:
            raise PlanError(
                [Problem("", f"{file} is larger than {MAX_FILE_BYTES // 1_000_000} MB")]
            )
        raw = file.read_bytes()
    except FileNotFoundError:
        raise PlanError([Problem("", f"{file} does not exist")]) from None
    except OSError as error:
        raise PlanError([Problem("", f"{file} cannot be read: {error.strerror}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlanError([Problem("", f"{file} is not UTF-8 text")]) from None
    return parse(text, name=str(file))


def to_yaml(plan: Plan) -> str:
    """The plan as YAML text, keys in schema order, Unicode kept."""
    return yaml.safe_dump(plan.to_data(), sort_keys=False, allow_unicode=True, width=100)


def save(plan: Plan, path: str | Path) -> None:
    """Write the plan as YAML."""
    Path(path).write_text(to_yaml(plan), encoding="utf-8")


def canonical_json(plan: Plan) -> str:
    """The plan's canonical JSON: sorted keys, no spaces, floats in shortest round-trip form.

    Two files that mean the same plan (key order, ``42000`` vs ``42000.0``, defaults written
    out or not) have the same canonical JSON.
    """
    return json.dumps(plan.to_data(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(plan: Plan) -> str:
    """SHA-256 (hex) of the canonical JSON in UTF-8: the hash that sign-off records."""
    return hashlib.sha256(canonical_json(plan).encode("utf-8")).hexdigest()
