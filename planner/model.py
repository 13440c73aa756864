"""The arithmetic of docs/model.md sections 2-4, vectorised over a batch of plans.

A :class:`Batch` holds the numbers of B plans with the same horizon as numpy arrays, one row
per plan; :func:`simulate` turns it into the monthly columns (arrays of shape ``(B, N)``) and
:func:`key_figures` into both sides' key figures (arrays of shape ``(B,)``). One plan and
10,000 variations of it take the same code path. :func:`evaluate` wraps all of it for a single
plan and returns pandas tables. Money is in the plan's currency and never rounded here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

from planner import finance
from planner.plan import MONTHLY_COLUMNS, VALUE_COLUMNS, Plan

if TYPE_CHECKING:  # pandas takes longer to import than the rest: only the tables need it
    import pandas as pd

Array = NDArray[np.float64]

SCALAR_PATHS: tuple[str, ...] = (
    "discount_rate",
    "opex_per_month",
    "revenue.deals_per_sales_fte_month",
    "revenue.deal_size",
    "revenue.subscription",
    "revenue.monthly_churn",
    "revenue.annual_price_uplift",
    "revenue.partner_margin",
    "revenue.services_per_deal",
    "revenue.delivery_capacity_per_fte_month",
    "revenue.managed_fee_per_customer_month",
    "vendor_programme.mdf_rate",
    "vendor_programme.gross_margin",
    "vendor_programme.partner_manager_fte",
    "vendor_programme.partner_manager_annual_cost",
    "vendor_programme.discount_rate",
)
"""Plan paths held as one number per plan (``revenue.subscription`` as 1.0 or 0.0; an
optional value the plan leaves out as ``nan``, see :func:`side_rate`)."""
RESOURCE_FIELDS = ("fte", "start_month", "annual_cost", "ramp_months")
INVESTMENT_FIELDS = ("amount", "month", "every_months", "vendor_share")
TIER_FIELDS = ("threshold", "rate")
LIST_FIELDS: dict[str, tuple[str, ...]] = {
    "resources": RESOURCE_FIELDS,
    "investments": INVESTMENT_FIELDS,
    "vendor_programme.rebate_tiers": TIER_FIELDS,
}
STOCK_COLUMNS = frozenset(
    {"headcount", "customers", "backlog", "cumulative_cash", "vendor_cumulative_cash"}
)
"""Monthly columns that are levels, not flows: a year takes its last month's value."""

PARTNER_FIGURES = (
    "npv",
    "irr",
    "payback_month",
    "break_even_month",
    "peak_funding",
    "cumulative_cash",
    "roi",
    "revenue",
    "gross_profit",
    "ebitda",
)
VENDOR_FIGURES = (*PARTNER_FIGURES[:7], "revenue", "gross_profit", "cost")
MONTH_FIGURES = frozenset({"payback_month", "break_even_month"})


def _column(values: Sequence[float], width: int) -> Array:
    """A padded row of list values (zeros past the end)."""
    row = np.zeros(width)
    row[: len(values)] = values
    return row


@dataclass(frozen=True)
class Batch:
    """The numbers of B plans with a common horizon, as arrays with the plan on axis 0.

    ``scalars`` maps a plan path to shape ``(B,)``; ``lists`` maps a list path
    (``resources``, ``investments``, ``vendor_programme.rebate_tiers``) to its fields, each of
    shape ``(B, items)``. Shorter lists are padded with items that contribute nothing (zero FTE,
    zero amount, a zero-rate tier). ``sales`` and ``delivery`` mark resources by function.
    """

    months: int
    start: str
    scalars: Mapping[str, Array]
    lists: Mapping[str, Mapping[str, Array]]
    sales: NDArray[np.bool_]
    delivery: NDArray[np.bool_]
    labels: tuple[str, ...] = field(default=())

    @classmethod
    def from_plans(cls, plans: Sequence[Plan], labels: Sequence[str] = ()) -> Batch:
        """Stack plans of the same horizon and start into one batch."""
        if not plans:
            raise ValueError("a batch needs at least one plan")
        months = {p.months for p in plans}
        if len(months) != 1:
            raise ValueError(f"plans in one batch need one horizon, not {sorted(months)}")
        first = plans[0]
        scalars = {path: np.array([_scalar(p, path) for p in plans]) for path in SCALAR_PATHS}
        widths = {
            "resources": max(len(p.resources) for p in plans),
            "investments": max(len(p.investments) for p in plans),
            "vendor_programme.rebate_tiers": max(
                len(p.vendor_programme.rebate_tiers) for p in plans
            ),
        }
        lists: dict[str, dict[str, Array]] = {}
        for path, names in LIST_FIELDS.items():
            lists[path] = {
                name: np.array(
                    [
                        _column([getattr(item, name) for item in _items(p, path)], widths[path])
                        for p in plans
                    ]
                )
                for name in names
            }
        # Padding items must be harmless: month 1 for investments of amount 0 is fine,
        # and a padded resource (fte 0) starting in month 1 adds nothing.
        lists["resources"]["start_month"][lists["resources"]["start_month"] == 0] = 1
        lists["investments"]["month"][lists["investments"]["month"] == 0] = 1

        def marks(function: str) -> NDArray[np.bool_]:
            return np.array(
                [
                    _column([r.function == function for r in p.resources], widths["resources"])
                    for p in plans
                ],
                dtype=bool,
            )

        return cls(
            months=first.months,
            start=first.start,
            scalars=scalars,
            lists=lists,
            sales=marks("sales"),
            delivery=marks("delivery"),
            labels=tuple(labels),
        )

    @property
    def size(self) -> int:
        """B, the number of plans in the batch."""
        return len(self.scalars["discount_rate"])

    def _locate(self, path: str) -> tuple[str, str | None, int | None]:
        if path in self.scalars:
            return (path, None, None)
        head, _, tail = path.rpartition(".")
        list_path, _, index = head.rpartition(".")
        fields = self.lists.get(list_path)
        if (
            fields is not None
            and tail in fields
            and index.isdigit()
            and int(index) < fields[tail].shape[1]
        ):
            return (list_path, tail, int(index))
        raise KeyError(f"{path} is not a numeric plan path")

    def has(self, path: str) -> bool:
        """Whether ``path`` names a number of every plan in this batch."""
        try:
            self._locate(path)
        except KeyError:
            return False
        return True

    def get(self, path: str) -> Array:
        """The value at a plan path for every plan, shape ``(B,)``."""
        list_path, name, index = self._locate(path)
        if name is None:
            return self.scalars[list_path]
        return self.lists[list_path][name][:, index]

    def set(self, path: str, values: ArrayLike) -> Batch:
        """A new batch with the value at ``path`` set (broadcast to every plan)."""
        list_path, name, index = self._locate(path)
        if name is None:
            scalars = dict(self.scalars)
            scalars[list_path] = np.broadcast_to(np.asarray(values, float), (self.size,)).copy()
            return replace(self, scalars=scalars)
        lists = {key: dict(value) for key, value in self.lists.items()}
        column = lists[list_path][name].copy()
        column[:, index] = values
        lists[list_path][name] = column
        return replace(self, lists=lists)

    def repeat(self, count: int) -> Batch:
        """Each plan repeated ``count`` times in a row: B becomes ``B * count``."""

        def rep(a: NDArray[Any]) -> NDArray[Any]:
            return np.repeat(a, count, axis=0)

        return replace(
            self,
            scalars={k: rep(v) for k, v in self.scalars.items()},
            lists={k: {n: rep(a) for n, a in v.items()} for k, v in self.lists.items()},
            sales=rep(self.sales),
            delivery=rep(self.delivery),
            labels=tuple(label for label in self.labels for _ in range(count)),
        )

    def dates(self) -> list[str]:
        """The calendar month (``YYYY-MM``) of each plan month."""
        return month_dates(self.start, self.months)


def _items(plan: Plan, path: str) -> Sequence[Any]:
    if path == "vendor_programme.rebate_tiers":
        return plan.vendor_programme.rebate_tiers
    items: Sequence[Any] = getattr(plan, path)
    return items


def _scalar(plan: Plan, path: str) -> float:
    node: Any = plan
    for part in path.split("."):
        node = getattr(node, part)
    return math.nan if node is None else float(node)


def side_rate(batch: Batch, side: str) -> Array:
    """The annual rate a side's NPV is discounted at, shape ``(B,)``: the partner's is the
    plan's ``discount_rate``, the vendor's its own ``vendor_programme.discount_rate`` where
    the plan sets one."""
    rate = batch.scalars["discount_rate"]
    if side == "partner":
        return rate
    own = batch.scalars["vendor_programme.discount_rate"]
    return np.where(np.isnan(own), rate, own)


def month_dates(start: str, months: int) -> list[str]:
    """``YYYY-MM`` of plan months 1..months, month 1 being ``start``.

    >>> month_dates("2027-11", 3)
    ['2027-11', '2027-12', '2028-01']
    """
    year, month = (int(part) for part in start.split("-"))
    first = year * 12 + month - 1
    return [f"{(first + i) // 12:04d}-{(first + i) % 12 + 1:02d}" for i in range(months)]


def plan_year(months: int) -> NDArray[np.int64]:
    """docs/model.md ``y(t) = floor((t - 1) / 12)`` for t = 1..months (0 for the first year)."""
    return np.arange(months) // 12


# --- section 2: the monthly arithmetic ---------------------------------------------------


def _recurrence(inflow: Array, keep: Array, actual: Array | None) -> Array:
    """``level(t) = level(t-1) * keep + inflow(t)`` from 0, reset to ``actual(t)`` where given."""
    level = np.zeros(inflow.shape[0])
    out = np.empty_like(inflow)
    for i in range(inflow.shape[1]):
        level = level * keep + inflow[:, i]
        if actual is not None:
            level = np.where(np.isnan(actual[:, i]), level, actual[:, i])
        out[:, i] = level
    return out


_MIN_KEEP = 0.01
"""Below this share of customers kept a month (churn above 99 %), ``keep ** -t`` could
overflow over 120 months, so the customer recursion runs month by month."""


def _customers(new_deals: Array, keep: Array, actual: Array | None) -> Array:
    """``customers(t) = customers(t-1) * keep + new_deals(t)`` from 0 (docs/model.md section 2).

    Without actuals, in closed form: ``keep ** t * cumsum(new_deals(j) * keep ** -j)``; the
    terms are never negative, so the sum loses no precision to cancellation.
    """
    if actual is not None or (keep < _MIN_KEEP).any():
        return _recurrence(new_deals, keep, actual)
    growth = keep[:, None] ** np.arange(1, new_deals.shape[1] + 1)
    customers: Array = growth * np.cumsum(new_deals / growth, axis=1)
    return customers


def _at(actuals: Mapping[str, Array], column: str, i: int, computed: Array) -> Array:
    """``computed`` for month index ``i``, replaced by the actual where one is given."""
    actual = actuals.get(column)
    if actual is None:
        return computed
    return np.where(np.isnan(actual[:, i]), computed, actual[:, i])


def _services_and_backlog(
    demand: Array, capacity: Array, actuals: Mapping[str, Array]
) -> tuple[Array, Array]:
    """Services delivered within capacity; what cannot be delivered waits in the backlog.

    ``backlog(t) = max(0, backlog(t-1) + demand(t) - capacity(t))`` is Lindley's recursion:
    without actuals it is the running sum of demand less capacity minus its running minimum
    (from 0), and services are what the backlog does not keep.
    """
    if "services" not in actuals and "backlog" not in actuals:
        surplus = np.cumsum(demand - capacity, axis=1)
        backlog_out = surplus - np.minimum.accumulate(np.minimum(surplus, 0.0), axis=1)
        before = np.zeros_like(backlog_out)
        before[:, 1:] = backlog_out[:, :-1]
        services: Array = before + demand - backlog_out
        return services, backlog_out
    backlog = np.zeros(demand.shape[0])
    services_out = np.empty_like(demand)
    backlog_out = np.empty_like(demand)
    for i in range(demand.shape[1]):
        open_work = backlog + demand[:, i]
        done = _at(actuals, "services", i, np.minimum(open_work, capacity[:, i]))
        backlog = _at(actuals, "backlog", i, open_work - done)
        services_out[:, i] = done
        backlog_out[:, i] = backlog
    return services_out, backlog_out


def _rebate(sell_in: Array, tiers: Mapping[str, Array], months: int) -> Array:
    """The yearly rebate, paid in each plan year's last month (docs/model.md section 2)."""
    rows = sell_in.shape[0]
    years = -(-months // 12)
    padded = np.zeros((rows, years * 12))
    padded[:, :months] = sell_in
    yearly_sell_in = padded.reshape(rows, years, 12).sum(axis=2)  # S_k
    year_length = np.minimum(12, months - 12 * np.arange(years))  # L_k
    threshold = tiers["threshold"][:, :, None]
    qualifies = threshold * year_length / 12 <= yearly_sell_in[:, None, :]
    rate = np.where(qualifies, tiers["rate"][:, :, None], 0.0)
    yearly_rate = rate.max(axis=1) if rate.shape[1] else np.zeros((rows, years))
    rebate = np.zeros((rows, months))
    rebate[:, np.minimum(12 * np.arange(1, years + 1), months) - 1] = yearly_rate * yearly_sell_in
    return rebate


@cache
def _ramp_windows(months: int) -> Array:
    """``ramp_r(t)`` of a role with ramp ``R`` starting in month ``s``, for t = 1..months, is
    row ``[R, months + 1 - s]`` of this ``(months + 1, months + 1, months)`` view; ``R = 0``
    gives ``active_r(t) / fte_r`` (1.0 from month ``s`` on)."""
    since = np.arange(-months, months, dtype=np.float64)  # t - s
    ramp = np.minimum(1.0, (since + 1) / np.maximum(np.arange(months + 1), 1)[:, None])
    table = np.where(since >= 0, ramp, 0.0)
    return np.asarray(sliding_window_view(table, months, axis=1))


@cache
def _due_windows(months: int) -> Array:
    """1.0 where an investment first due in month ``m`` and repeated every ``e`` months is due,
    for t = 1..months: row ``[min(e, months), months + 1 - m]`` of this view."""
    since = np.arange(-months, months)  # t - m
    every = np.arange(months + 1)[:, None]
    repeats = (every > 0) & (since > 0) & (since % np.maximum(every, 1) == 0)
    table = ((since == 0) | repeats).astype(np.float64)
    return np.asarray(sliding_window_view(table, months, axis=1))


def _month_index(values: Array, low: int, high: int, name: str) -> NDArray[np.intp]:
    """Whole months in ``low..high`` as indices; anything else is a :class:`ValueError`."""
    index = values.astype(np.intp)
    if (index != values).any() or (index < low).any() or (index > high).any():
        raise ValueError(f"{name}: every value must be a whole number from {low} to {high}")
    return index


def _weighted(weights: Array, profiles: Array) -> Array:
    """``sum_r weights[b, r] * profiles[b, r, t]``; einsum sums without BLAS, so a row's
    result does not depend on the rest of the batch."""
    total: Array = np.einsum("br,brn->bn", weights, profiles)
    return total


def _running_sum(flow: Array, actual: Array | None) -> Array:
    if actual is None:
        return np.cumsum(flow, axis=1)
    return _recurrence(flow, np.ones(flow.shape[0]), actual)


def simulate(batch: Batch, actuals: Mapping[str, Array] | None = None) -> dict[str, Array]:
    """The monthly columns of docs/model.md section 3 (but ``month``/``date``), each ``(B, N)``.

    ``actuals`` optionally maps column names to ``(B, N)`` arrays, ``nan`` where no actual is
    known: each column takes the actual where given, and everything computed from it (stocks
    such as customers and backlog, the cumulative cash) continues from the actual value.
    """
    n = batch.months
    given = {k: np.asarray(v, float) for k, v in (actuals or {}).items()}

    def take(column: str, computed: Array) -> Array:
        actual = given.get(column)
        return computed if actual is None else np.where(np.isnan(actual), computed, actual)

    s = batch.scalars

    res = batch.lists["resources"]
    fte = res["fte"]
    offset = n + 1 - _month_index(res["start_month"], 1, n, "resources.start_month")
    ramp_months = _month_index(res["ramp_months"], 0, n, "resources.ramp_months")
    windows = _ramp_windows(n)
    active = windows[0, offset]  # (B, roles, N)
    ramp = windows[ramp_months, offset]
    headcount = _weighted(fte, active)
    staff_cost = _weighted(fte * res["annual_cost"] / 12, active)
    sales_fte = _weighted(fte * batch.sales, ramp)
    delivery_fte = _weighted(fte * batch.delivery, ramp)
    headcount = take("headcount", headcount)
    staff_cost = take("staff_cost", staff_cost)

    new_deals = take("new_deals", s["revenue.deals_per_sales_fte_month"][:, None] * sales_fte)
    customers = _customers(new_deals, 1.0 - s["revenue.monthly_churn"], given.get("customers"))
    price = s["revenue.deal_size"][:, None] * (
        (1.0 + s["revenue.annual_price_uplift"][:, None]) ** plan_year(n)
    )
    subscription = s["revenue.subscription"][:, None] > 0.5
    resale = take("resale", np.where(subscription, customers * price / 12, new_deals * price))
    sell_in = take("sell_in", resale * (1.0 - s["revenue.partner_margin"][:, None]))

    services_demand = take("services_demand", new_deals * s["revenue.services_per_deal"][:, None])
    capacity = s["revenue.delivery_capacity_per_fte_month"][:, None] * delivery_fte
    services, backlog = _services_and_backlog(services_demand, capacity, given)
    managed = take("managed", customers * s["revenue.managed_fee_per_customer_month"][:, None])

    mdf = take("mdf", s["vendor_programme.mdf_rate"][:, None] * sell_in)
    rebate = take("rebate", _rebate(sell_in, batch.lists["vendor_programme.rebate_tiers"], n))

    inv = batch.lists["investments"]
    every = np.minimum(_month_index(inv["every_months"], 0, 10**6, "investments.every_months"), n)
    due = _due_windows(n)[every, n + 1 - _month_index(inv["month"], 1, n, "investments.month")]
    investment_gross = _weighted(inv["amount"], due)
    investment_vendor_funded = _weighted(inv["amount"] * inv["vendor_share"], due)
    investment_gross = take("investment_gross", investment_gross)
    investment_vendor_funded = take("investment_vendor_funded", investment_vendor_funded)
    investment_net = take("investment_net", investment_gross - investment_vendor_funded)

    revenue = take("revenue", resale + services + managed)
    gross_profit = take("gross_profit", revenue - sell_in)
    vendor_funds = take("vendor_funds", mdf + rebate)
    opex = take("opex", np.broadcast_to(s["opex_per_month"][:, None], revenue.shape).copy())
    ebitda = take("ebitda", gross_profit + vendor_funds - staff_cost - opex - investment_net)
    cash_flow = take("cash_flow", ebitda)
    cumulative_cash = _running_sum(cash_flow, given.get("cumulative_cash"))

    vendor_revenue = take("vendor_revenue", sell_in)
    vendor_gross_profit = take(
        "vendor_gross_profit", sell_in * s["vendor_programme.gross_margin"][:, None]
    )
    manager_cost = (
        s["vendor_programme.partner_manager_fte"]
        * s["vendor_programme.partner_manager_annual_cost"]
        / 12
    )
    vendor_cost = take(
        "vendor_cost", mdf + rebate + investment_vendor_funded + manager_cost[:, None]
    )
    vendor_cash_flow = take("vendor_cash_flow", vendor_gross_profit - vendor_cost)
    vendor_cumulative_cash = _running_sum(vendor_cash_flow, given.get("vendor_cumulative_cash"))

    columns = locals()
    return {name: np.asarray(columns[name], dtype=np.float64) for name in VALUE_COLUMNS}


# --- section 4: key figures --------------------------------------------------------------


def side_figures(cash_flow: Array, cumulative: Array, annual_rate: Array) -> dict[str, Array]:
    """The figures docs/model.md section 4 defines for one side's cash flows, one value per row."""
    return {
        "npv": finance.npv(annual_rate, cash_flow),
        "irr": finance.irr_annual(cash_flow),
        "payback_month": finance.payback_month(cumulative),
        "break_even_month": finance.break_even_month(cash_flow),
        "peak_funding": finance.peak_funding(cumulative),
        "cumulative_cash": cumulative[:, -1].copy(),
        "roi": finance.roi(cumulative),
    }


def key_figures(batch: Batch, columns: Mapping[str, Array]) -> dict[str, Any]:
    """Both sides' key figures and ``mutual``; every figure is an array of shape ``(B,)``."""
    partner = side_figures(
        columns["cash_flow"], columns["cumulative_cash"], side_rate(batch, "partner")
    )
    partner.update(
        revenue=columns["revenue"].sum(axis=1),
        gross_profit=columns["gross_profit"].sum(axis=1),
        ebitda=columns["ebitda"].sum(axis=1),
    )
    vendor = side_figures(
        columns["vendor_cash_flow"], columns["vendor_cumulative_cash"], side_rate(batch, "vendor")
    )
    vendor.update(
        revenue=columns["vendor_revenue"].sum(axis=1),
        gross_profit=columns["vendor_gross_profit"].sum(axis=1),
        cost=columns["vendor_cost"].sum(axis=1),
    )
    return {
        "partner": partner,
        "vendor": vendor,
        "mutual": (partner["npv"] > 0) & (vendor["npv"] > 0),
    }


# --- one plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """A plan's business plan: monthly and yearly tables and both sides' key figures."""

    plan: Plan
    monthly: pd.DataFrame
    kpis: dict[str, Any]

    @property
    def yearly(self) -> pd.DataFrame:
        """Flows summed per plan year, stocks at the year's last month."""
        return yearly_table(self.monthly)

    @property
    def mutual(self) -> bool:
        return bool(self.kpis["mutual"])


def figures_of(figures: Mapping[str, Any], row: int) -> dict[str, Any]:
    """Row ``row`` of batched key figures as plain Python (``None`` for undefined)."""
    out: dict[str, Any] = {}
    for side, names in (("partner", PARTNER_FIGURES), ("vendor", VENDOR_FIGURES)):
        values = figures[side]
        out[side] = {
            name: (
                None
                if not np.isfinite(values[name][row])
                else int(values[name][row])
                if name in MONTH_FIGURES
                else float(values[name][row])
            )
            for name in names
        }
    out["mutual"] = bool(figures["mutual"][row])
    return out


def monthly_table(batch: Batch, columns: Mapping[str, Array], row: int = 0) -> pd.DataFrame:
    """Row ``row`` of the batch as docs/model.md's monthly table."""
    import pandas as pd

    table = pd.DataFrame({name: columns[name][row] for name in VALUE_COLUMNS})
    table.insert(0, "date", batch.dates())
    table.insert(0, "month", np.arange(1, batch.months + 1))
    return table[list(MONTHLY_COLUMNS)]


def yearly_table(monthly: pd.DataFrame) -> pd.DataFrame:
    """Per plan year (1-based ``year``, ``from``/``to`` dates): flows summed, stocks last."""
    year = (monthly["month"] - 1) // 12 + 1
    grouped = monthly.groupby(year)
    agg = {c: ("last" if c in STOCK_COLUMNS else "sum") for c in VALUE_COLUMNS}
    table = grouped.agg(agg)
    table.insert(0, "to", grouped["date"].last())
    table.insert(0, "from", grouped["date"].first())
    table.insert(0, "months", grouped["month"].count())
    table.index.name = "year"
    return table.reset_index()


def actuals_arrays(plan: Plan) -> dict[str, Array]:
    """The plan's ``actuals[]`` as ``(1, N)`` arrays per column, ``nan`` where not given."""
    arrays: dict[str, Array] = {}
    for month, values in plan.actuals_by_month().items():
        for column, value in values.items():
            arrays.setdefault(column, np.full((1, plan.months), np.nan))[0, month - 1] = value
    return arrays


def figures(plan: Plan, scenario: str | None = None) -> dict[str, Any]:
    """Both sides' key figures and ``mutual`` of one plan (or scenario), as :func:`evaluate`
    gives them, without building its tables."""
    chosen = plan.scenario(scenario) if scenario else plan
    batch = Batch.from_plans([chosen])
    return figures_of(key_figures(batch, simulate(batch)), 0)


def evaluate(plan: Plan, scenario: str | None = None) -> Outcome:
    """The business plan of one plan (or of one of its scenarios)."""
    chosen = plan.scenario(scenario) if scenario else plan
    batch = Batch.from_plans([chosen])
    columns = simulate(batch)
    return Outcome(
        chosen, monthly_table(batch, columns), figures_of(key_figures(batch, columns), 0)
    )


def evaluate_many(plans: Sequence[Plan]) -> list[Outcome]:
    """Several plans at once: one batched model call per distinct horizon."""
    outcomes: dict[int, Outcome] = {}
    for months in sorted({p.months for p in plans}):
        index = [i for i, p in enumerate(plans) if p.months == months]
        batch = Batch.from_plans([plans[i] for i in index])
        columns = simulate(batch)
        figures = key_figures(batch, columns)
        for row, i in enumerate(index):
            dated = replace(batch, start=plans[i].start)
            monthly = monthly_table(dated, columns, row)
            outcomes[i] = Outcome(plans[i], monthly, figures_of(figures, row))
    return [outcomes[i] for i in range(len(plans))]
