"""The plan file's schema (docs/model.md section 1): the pydantic models, the one home of the
plan's fields, their types and ranges, and the :class:`Problem` a bad field comes back as.

This module imports nothing of the package above it: reading a file, the cross-checks between
fields and the canonical form live beside it (:mod:`planner.plan.files`,
:mod:`planner.plan.validation`), so everything may import the schema.
"""

# Without ``from __future__ import annotations``: the fields' annotations are objects when the
# classes are made, where strings would be compiled and evaluated one by one when pydantic
# reads them (about 10 ms of every start of the command line).
import datetime
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from planner.plan.currencies import CURRENCIES

MAX_MONEY = 1e12
"""Upper bound for amounts and costs (currency units): beyond it float sums lose cents, and a
typo of a few extra zeros should be caught."""
MAX_COUNT = 1e6
"""Upper bound for unbounded counts such as deals per FTE and month."""


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
COUNT_COLUMNS = frozenset({"headcount", "new_deals", "customers", "sales_fte", "delivery_fte"})
"""Monthly columns that count people (FTE), deals or customers; every other numeric column
is an amount of the plan's currency."""
MONTH_KEYED = frozenset({"actuals"})
"""Plan lists whose rows are keyed by their plan ``month`` (each month once), not by their
place: a change to one is read, and re-applied over someone else's, cell by cell of a month."""


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


def as_number(value: Any) -> float:
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


def as_integer(value: Any) -> int:
    number = as_number(value)
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


Number = Annotated[float, BeforeValidator(as_number)]
Integer = Annotated[int, BeforeValidator(as_integer)]
Text = Annotated[str, BeforeValidator(_text), Field(max_length=200)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Share = Annotated[Number, Field(ge=0, le=1)]
Money = Annotated[Number, Field(ge=0, le=MAX_MONEY)]
Count = Annotated[Number, Field(ge=0, le=MAX_COUNT)]
MonthNo = Annotated[Integer, Field(ge=1, le=120)]

_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _currency(value: Any) -> str:
    text = _text(value)
    if text not in CURRENCIES:
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

    def actuals_by_month(self) -> dict[int, dict[str, float]]:
        """Actual values per plan month: ``{month: {column: value}}``."""
        return {
            int(row["month"]): {k: v for k, v in row.items() if k != "month"}
            for row in self.actuals
        }
