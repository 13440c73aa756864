"""The arithmetic of docs/model.md sections 2-4, vectorised over a batch of plans.

A :class:`Batch` holds the numbers of B plans with the same horizon as numpy arrays, one row
per plan; :func:`simulate` turns it into the monthly columns (arrays of shape ``(B, N)``) and
:func:`key_figures` into both sides' key figures (arrays of shape ``(B,)``);
:func:`simulate_blocks` and :func:`batch_key_figures` do the same a block of plans at a time,
for analyses that need the figures but not the monthly tables. One plan and 10,000 variations
of it take the same code path. :func:`evaluate` wraps all of it for a single plan and returns
pandas tables. Money is in the plan's currency and never rounded here.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

from planner import catalogue, finance
from planner.plan.files import load
from planner.plan.schema import MONTHLY_COLUMNS, VALUE_COLUMNS, Plan
from planner.plan.validation import with_scenario

if TYPE_CHECKING:  # pandas takes longer to import than the rest: only the tables need it
    import pandas as pd

Array = NDArray[np.float64]

SCALAR_PATHS: tuple[str, ...] = catalogue.modelled_scalars()
"""Plan paths held as one number per plan (``revenue.subscription`` as 1.0 or 0.0; an
optional value the plan leaves out as ``nan``, see :func:`side_rate`)."""
LIST_FIELDS: dict[str, tuple[str, ...]] = {
    path: catalogue.modelled_lists()[path]
    for path in ("resources", "investments", "vendor_programme.rebate_tiers")
}
"""List path -> the fields of its items the model reads (planner/catalogue.py), the team
first: drivers are listed in this order."""
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

    def rows(self, block: slice) -> Batch:
        """The plans ``block`` of this batch (views, not copies)."""
        return replace(
            self,
            scalars={k: v[block] for k, v in self.scalars.items()},
            lists={k: {n: a[block] for n, a in v.items()} for k, v in self.lists.items()},
            sales=self.sales[block],
            delivery=self.delivery[block],
            labels=self.labels[block],
        )

    def take(self, index: NDArray[np.intp]) -> Batch:
        """The plans ``index`` of this batch (copies)."""
        return replace(
            self,
            scalars={k: v[index] for k, v in self.scalars.items()},
            lists={k: {n: a[index] for n, a in v.items()} for k, v in self.lists.items()},
            sales=self.sales[index],
            delivery=self.delivery[index],
            labels=tuple(self.labels[i] for i in index) if self.labels else (),
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


def _customers(
    new_deals: Array, keep: Array, actual: Array | None, out: Array, growth: Array
) -> None:
    """``customers(t) = customers(t-1) * keep + new_deals(t)`` from 0 (docs/model.md section 2),
    into ``out``.

    Without actuals, in closed form: ``keep ** t * cumsum(new_deals(j) * keep ** -j)`` with
    ``keep ** t = exp(t log keep)``; the terms are never negative, so the sum loses no precision
    to cancellation. Plans that keep less than ``_MIN_KEEP`` run month by month. ``growth``
    is scratch space of ``out``'s shape.
    """
    if actual is not None:
        out[...] = _recurrence(new_deals, keep, actual)
        return
    low = keep < _MIN_KEEP
    log_keep = np.log(np.where(low, 1.0, keep))
    np.multiply(log_keep[:, None], _months(new_deals.shape[1]), out=growth)
    np.exp(growth, out=growth)
    np.divide(new_deals, growth, out=out)
    np.cumsum(out, axis=1, out=out)
    np.multiply(growth, out, out=out)
    if low.any():
        out[low] = _recurrence(new_deals[low], keep[low], None)


@cache
def _months(months: int) -> Array:
    """``t = 1..months`` as floats."""
    return np.arange(1, months + 1, dtype=np.float64)


def _at(actuals: Mapping[str, Array], column: str, i: int, computed: Array) -> Array:
    """``computed`` for month index ``i``, replaced by the actual where one is given."""
    actual = actuals.get(column)
    if actual is None:
        return computed
    return np.where(np.isnan(actual[:, i]), computed, actual[:, i])


def _services_and_backlog(
    demand: Array,
    capacity: Array,
    actuals: Mapping[str, Array],
    services_out: Array,
    backlog_out: Array,
    lowest: Array,
) -> None:
    """Services delivered within capacity; what cannot be delivered waits in the backlog.

    ``backlog(t) = max(0, backlog(t-1) + demand(t) - capacity(t))`` is Lindley's recursion:
    without actuals it is the running sum of demand less capacity minus its running minimum
    (from 0), and services are what the backlog does not keep. ``capacity`` is overwritten,
    ``lowest`` is scratch space.
    """
    if "services" not in actuals and "backlog" not in actuals:
        surplus = np.subtract(demand, capacity, out=capacity)
        np.cumsum(surplus, axis=1, out=surplus)
        np.minimum(surplus, 0.0, out=lowest)
        np.minimum.accumulate(lowest, axis=1, out=lowest)
        np.subtract(surplus, lowest, out=backlog_out)
        services_out[:, 0] = demand[:, 0]  # backlog(0) = 0
        np.add(backlog_out[:, :-1], demand[:, 1:], out=services_out[:, 1:])
        np.subtract(services_out, backlog_out, out=services_out)
        return
    backlog = np.zeros(demand.shape[0])
    for i in range(demand.shape[1]):
        open_work = backlog + demand[:, i]
        done = _at(actuals, "services", i, np.minimum(open_work, capacity[:, i]))
        backlog = _at(actuals, "backlog", i, open_work - done)
        services_out[:, i] = done
        backlog_out[:, i] = backlog


def _rebate(sell_in: Array, tiers: Mapping[str, Array], months: int, out: Array) -> None:
    """The yearly rebate, paid in each plan year's last month (docs/model.md section 2)."""
    rows = sell_in.shape[0]
    years = -(-months // 12)
    if months % 12:
        padded = np.zeros((rows, years * 12))
        padded[:, :months] = sell_in
    else:
        padded = sell_in
    yearly_sell_in = padded.reshape(rows, years, 12).sum(axis=2)  # S_k
    year_length = np.minimum(12, months - 12 * np.arange(years))  # L_k
    threshold = tiers["threshold"][:, :, None]
    qualifies = threshold * year_length / 12 <= yearly_sell_in[:, None, :]
    rate = np.where(qualifies, tiers["rate"][:, :, None], 0.0)
    yearly_rate = rate.max(axis=1) if rate.shape[1] else np.zeros((rows, years))
    out.fill(0.0)
    out[:, np.minimum(12 * np.arange(1, years + 1), months) - 1] = yearly_rate * yearly_sell_in


@lru_cache(maxsize=4)
def _ramp_windows(months: int) -> Array:
    """``ramp_r(t)`` of a role with ramp ``R`` starting in month ``s``, for t = 1..months, is
    row ``R * (months + 1) + months + 1 - s`` of this ``((months + 1) ** 2, months)`` table;
    ``R = 0`` gives ``active_r(t) / fte_r`` (1.0 from month ``s`` on)."""
    since = np.arange(-months, months, dtype=np.float64)  # t - s
    ramp = np.minimum(1.0, (since + 1) / np.maximum(np.arange(months + 1), 1)[:, None])
    table = np.where(since >= 0, ramp, 0.0)
    return _flat_windows(table, months)


@lru_cache(maxsize=4)
def _due_windows(months: int) -> Array:
    """1.0 where an investment first due in month ``m`` and repeated every ``e`` months is due,
    for t = 1..months: row ``min(e, months) * (months + 1) + months + 1 - m`` of this table."""
    since = np.arange(-months, months)  # t - m
    every = np.arange(months + 1)[:, None]
    repeats = (every > 0) & (since > 0) & (since % np.maximum(every, 1) == 0)
    table = ((since == 0) | repeats).astype(np.float64)
    return _flat_windows(table, months)


def _flat_windows(table: Array, months: int) -> Array:
    """Every window of ``months`` columns of each row of ``table``, one table row each."""
    windows = sliding_window_view(table, months, axis=1)  # (rows, months + 1, months)
    return np.ascontiguousarray(windows).reshape(-1, months)


def _month_index(values: Array, low: int, high: int, name: str) -> NDArray[np.intp]:
    """Whole months in ``low..high`` as indices; anything else is a :class:`ValueError`."""
    index = values.astype(np.intp)
    if values.size <= 64:  # a plan or a few: floats in Python take a third of numpy's calls
        whole = all(low <= v <= high and v == int(v) for v in values.ravel().tolist())
    else:
        whole = not ((index != values).any() or (index < low).any() or (index > high).any())
    if not whole:
        raise ValueError(f"{name}: every value must be a whole number from {low} to {high}")
    return index


def _weighted(weights: Array, profiles: Array) -> Array:
    """``sum_r weights[b, r] * profiles[b, r, t]``; einsum sums without BLAS, so a row's
    result does not depend on the rest of the batch."""
    total: Array = np.einsum("br,brn->bn", weights, profiles)
    return total


def _running_sum(flow: Array, actual: Array | None, out: Array) -> None:
    if actual is None:
        np.cumsum(flow, axis=1, out=out)
    else:
        out[...] = _recurrence(flow, np.ones(flow.shape[0]), actual)


def simulate(batch: Batch, actuals: Mapping[str, Array] | None = None) -> dict[str, Array]:
    """The monthly columns of docs/model.md section 3 (but ``month``/``date``), each ``(B, N)``.

    ``actuals`` optionally maps column names to ``(B, N)`` arrays, ``nan`` where no actual is
    known: each column takes the actual where given, and everything computed from it (stocks
    such as customers and backlog, the cumulative cash) continues from the actual value.

    The columns are views into one ``(columns, B, N)`` array, filled a block of plans at a time
    (:func:`planner.finance.block_rows`), each column written once, in place, from a workspace
    of the block's temporaries; the arithmetic of a row does not depend on the block (nor on
    the batch) it is computed in.
    """
    values = np.empty((len(VALUE_COLUMNS), batch.size, batch.months))
    for _ in _fill(batch, actuals, lambda block: values[:, block]):
        pass
    return {name: values[i] for i, name in enumerate(VALUE_COLUMNS)}


def simulate_blocks(
    batch: Batch, actuals: Mapping[str, Array] | None = None
) -> Iterator[tuple[slice, dict[str, Array]]]:
    """:func:`simulate` a block of plans at a time: each block's rows of the batch and their
    columns, each ``(rows, N)``, as :func:`simulate` gives them (bit for bit).

    The columns live in a buffer reused for the next block (and kept per thread for the next
    call): what a caller keeps of them, it copies. An analysis that needs only the figures so
    avoids 130 MB of fresh columns per 10,000 plans of 60 months, and the kernel zeroing them.
    """
    size = min(batch.size, finance.block_rows(batch.months))
    buffer = _BLOCK_BUFFERS.claim(len(VALUE_COLUMNS) * size * batch.months)
    try:
        yield from _fill(
            batch,
            actuals,
            lambda block: buffer[
                : len(VALUE_COLUMNS) * (block.stop - block.start) * batch.months
            ].reshape(len(VALUE_COLUMNS), block.stop - block.start, batch.months),
        )
    finally:
        _BLOCK_BUFFERS.release(buffer)


def _fill(
    batch: Batch, actuals: Mapping[str, Array] | None, target: Callable[[slice], Array]
) -> Iterator[tuple[slice, dict[str, Array]]]:
    """Compute the columns a block of plans at a time into ``target(block)``, an array of shape
    ``(columns, rows, N)``, and yield each block with its columns."""
    n = batch.months
    given = {k: np.asarray(v, float) for k, v in (actuals or {}).items()}
    res = batch.lists["resources"]
    inv = batch.lists["investments"]
    ramp = _month_index(res["ramp_months"], 0, n, "resources.ramp_months")
    every = np.minimum(_month_index(inv["every_months"], 0, 10**6, "investments.every_months"), n)
    plan_index = _PlanIndex(
        role=n + 1 - _month_index(res["start_month"], 1, n, "resources.start_month"),
        ramp=ramp * (n + 1),
        due=every * (n + 1) + n + 1 - _month_index(inv["month"], 1, n, "investments.month"),
    )
    rows = batch.size
    size = min(rows, finance.block_rows(n))
    items = max(res["fte"].shape[1], inv["amount"].shape[1], 1)
    work = _Workspace(np.empty((size, items, n)), np.empty((3, size, n)))
    for start in range(0, rows, size):
        block = slice(start, min(rows, start + size))
        values = target(block)
        out = {name: values[i] for i, name in enumerate(VALUE_COLUMNS)}
        given_rows = {k: v[block] for k, v in given.items()}
        _simulate_rows(batch, block, plan_index, given_rows, out, work.rows(block))
        yield block, out


class _Buffers(threading.local):
    """A flat buffer per thread for :func:`simulate_blocks`, grown to the largest block seen;
    a call while another one's blocks are still being read (nested) gets a buffer of its own."""

    def __init__(self) -> None:
        self.free: Array | None = None

    def claim(self, size: int) -> Array:
        buffer, self.free = self.free, None
        if buffer is None or buffer.size < size:
            buffer = np.empty(size)
        return buffer

    def release(self, buffer: Array) -> None:
        if self.free is None or self.free.size < buffer.size:
            self.free = buffer


_BLOCK_BUFFERS = _Buffers()


@dataclass(frozen=True)
class _Workspace:
    """Temporaries of one block, allocated once per :func:`simulate` call."""

    items: Array  # (rows, items, N): a schedule per role or investment
    months: Array  # (3, rows, N)

    def rows(self, block: slice) -> _Workspace:
        count = block.stop - block.start
        return _Workspace(self.items[:count], self.months[:, :count])


@dataclass(frozen=True)
class _PlanIndex:
    """Per plan and item, rows of the schedule tables (:func:`_ramp_windows`,
    :func:`_due_windows`): a role's start (``role``) plus its ramp (``ramp``) or 0 for
    being active; an investment's due months (``due``)."""

    role: NDArray[np.intp]
    ramp: NDArray[np.intp]
    due: NDArray[np.intp]


def _yearly_price(batch: Batch, rows: slice | NDArray[np.intp]) -> Array:
    """The deal size of each plan year, ``deal_size * (1 + uplift) ** y``, shape ``(b, years)``."""
    uplift = batch.scalars["revenue.annual_price_uplift"][rows, None]
    years = np.arange(-(-batch.months // 12))
    price: Array = batch.scalars["revenue.deal_size"][rows, None] * ((1.0 + uplift) ** years)
    return price


def _simulate_rows(
    batch: Batch,
    rows: slice,
    index: _PlanIndex,
    given: Mapping[str, Array],
    out: Mapping[str, Array],
    work: _Workspace,
) -> None:
    """Fill ``out`` (each ``(b, N)``) with the columns of the batch's plans ``rows``."""
    n = batch.months

    def take(column: str) -> Array:
        """The column, replaced in place by its actuals where given."""
        computed = out[column]
        actual = given.get(column)
        if actual is not None:
            np.copyto(computed, actual, where=~np.isnan(actual))
        return computed

    def scalar(path: str) -> Array:
        column: Array = batch.scalars[path][rows, None]
        return column

    res = batch.lists["resources"]
    fte = res["fte"][rows]
    roles = fte.shape[1]
    windows = _ramp_windows(n)
    offset = index.role[rows]
    schedule = work.items[:, :roles]
    sales_fte, delivery_fte, scratch = work.months
    np.take(windows, offset, axis=0, out=schedule, mode="clip")  # active / fte: (b, roles, N)
    np.einsum("br,brn->bn", fte, schedule, out=out["headcount"])
    np.einsum("br,brn->bn", fte * res["annual_cost"][rows] / 12, schedule, out=out["staff_cost"])
    take("headcount")
    staff_cost = take("staff_cost")
    np.take(windows, index.ramp[rows] + offset, axis=0, out=schedule, mode="clip")  # ramp
    np.einsum("br,brn->bn", fte * batch.sales[rows], schedule, out=sales_fte)
    np.einsum("br,brn->bn", fte * batch.delivery[rows], schedule, out=delivery_fte)

    new_deals = out["new_deals"]
    np.multiply(scalar("revenue.deals_per_sales_fte_month"), sales_fte, out=new_deals)
    take("new_deals")
    customers = out["customers"]
    _customers(
        new_deals,
        1.0 - batch.scalars["revenue.monthly_churn"][rows],
        given.get("customers"),
        customers,
        scratch,
    )

    # price(t) = deal_size * (1 + uplift) ** y(t): one power per plan year, spread over months
    price = np.take(_yearly_price(batch, rows), plan_year(n), axis=1, out=scratch, mode="clip")
    subscription = batch.scalars["revenue.subscription"][rows, None] > 0.5
    resale = out["resale"]
    np.copyto(resale, new_deals)
    np.copyto(resale, customers, where=subscription)
    np.multiply(resale, price, out=resale)
    np.divide(resale, np.where(subscription, 12.0, 1.0), out=resale)  # / 1.0: unchanged
    take("resale")
    sell_in = out["sell_in"]
    np.multiply(resale, 1.0 - scalar("revenue.partner_margin"), out=sell_in)
    take("sell_in")

    demand = out["services_demand"]
    np.multiply(new_deals, scalar("revenue.services_per_deal"), out=demand)
    take("services_demand")
    capacity = np.multiply(
        scalar("revenue.delivery_capacity_per_fte_month"), delivery_fte, out=delivery_fte
    )
    _services_and_backlog(demand, capacity, given, out["services"], out["backlog"], scratch)
    services = out["services"]
    managed = out["managed"]
    np.multiply(customers, scalar("revenue.managed_fee_per_customer_month"), out=managed)
    take("managed")

    mdf = out["mdf"]
    np.multiply(scalar("vendor_programme.mdf_rate"), sell_in, out=mdf)
    take("mdf")
    tiers = {k: v[rows] for k, v in batch.lists["vendor_programme.rebate_tiers"].items()}
    rebate = out["rebate"]
    _rebate(sell_in, tiers, n, rebate)
    take("rebate")

    inv = batch.lists["investments"]
    amount = inv["amount"][rows]
    due = work.items[:, : amount.shape[1]]
    np.take(_due_windows(n), index.due[rows], axis=0, out=due, mode="clip")
    np.einsum("br,brn->bn", amount, due, out=out["investment_gross"])
    np.einsum(
        "br,brn->bn",
        amount * inv["vendor_share"][rows],
        due,
        out=out["investment_vendor_funded"],
    )
    investment_gross = take("investment_gross")
    investment_vendor_funded = take("investment_vendor_funded")
    investment_net = out["investment_net"]
    np.subtract(investment_gross, investment_vendor_funded, out=investment_net)
    take("investment_net")

    revenue = out["revenue"]
    np.add(resale, services, out=revenue)
    np.add(revenue, managed, out=revenue)
    take("revenue")
    gross_profit = out["gross_profit"]
    np.subtract(revenue, sell_in, out=gross_profit)
    take("gross_profit")
    vendor_funds = out["vendor_funds"]
    np.add(mdf, rebate, out=vendor_funds)
    take("vendor_funds")
    opex = out["opex"]
    np.copyto(opex, scalar("opex_per_month"))
    take("opex")
    ebitda = out["ebitda"]
    np.add(gross_profit, vendor_funds, out=ebitda)
    np.subtract(ebitda, staff_cost, out=ebitda)
    np.subtract(ebitda, opex, out=ebitda)
    np.subtract(ebitda, investment_net, out=ebitda)
    take("ebitda")
    cash_flow = out["cash_flow"]
    np.copyto(cash_flow, ebitda)
    take("cash_flow")
    _running_sum(cash_flow, given.get("cumulative_cash"), out["cumulative_cash"])

    np.copyto(out["vendor_revenue"], sell_in)
    take("vendor_revenue")
    vendor_gross_profit = out["vendor_gross_profit"]
    np.multiply(sell_in, scalar("vendor_programme.gross_margin"), out=vendor_gross_profit)
    take("vendor_gross_profit")
    manager_cost = (
        scalar("vendor_programme.partner_manager_fte")
        * scalar("vendor_programme.partner_manager_annual_cost")
        / 12
    )
    vendor_cost = out["vendor_cost"]
    np.add(mdf, rebate, out=vendor_cost)
    np.add(vendor_cost, investment_vendor_funded, out=vendor_cost)
    np.add(vendor_cost, manager_cost, out=vendor_cost)
    take("vendor_cost")
    vendor_cash_flow = out["vendor_cash_flow"]
    np.subtract(vendor_gross_profit, vendor_cost, out=vendor_cash_flow)
    take("vendor_cash_flow")
    _running_sum(
        vendor_cash_flow, given.get("vendor_cumulative_cash"), out["vendor_cumulative_cash"]
    )


# --- section 4: key figures --------------------------------------------------------------


def side_figures(cash_flow: Array, cumulative: Array, annual_rate: Array) -> dict[str, Array]:
    """The figures docs/model.md section 4 defines for one side's cash flows, one value per row.

    Computed a block of rows at a time (:func:`planner.finance.block_rows`), so that the
    temporaries stay small: a row's figures do not depend on the block it is in.
    """
    rows, size = cash_flow.shape[0], finance.block_rows(cash_flow.shape[1])
    if rows <= size:
        return _side_figures(cash_flow, cumulative, annual_rate)
    parts = [
        _side_figures(cash_flow[block], cumulative[block], annual_rate[block])
        for block in (slice(start, start + size) for start in range(0, rows, size))
    ]
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def _side_figures(cash_flow: Array, cumulative: Array, annual_rate: Array) -> dict[str, Array]:
    peak = finance.peak_funding(cumulative)
    return {
        "npv": finance.npv(annual_rate, cash_flow),
        "irr": finance.irr_annual(cash_flow),
        "payback_month": finance.payback_month(cumulative),
        "break_even_month": finance.break_even_month(cash_flow),
        "peak_funding": peak,
        "cumulative_cash": cumulative[:, -1].copy(),
        "roi": finance.roi(cumulative, peak),
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


def batch_key_figures(batch: Batch, actuals: Mapping[str, Array] | None = None) -> dict[str, Any]:
    """``key_figures(batch, simulate(batch, actuals))`` without keeping the monthly columns.

    Without actuals the compiled kernel (:mod:`planner.kernel`) computes each plan's columns
    and figures in one pass: within 1e-12 relative (or 1e-6 currency units) of the plan alone,
    the same payback and break-even months. With actuals each block of :func:`simulate_blocks`
    goes to :func:`key_figures` while it is in cache, bit for bit.
    """
    if actuals is None:
        return _compiled_figures(batch)
    parts = [
        key_figures(batch.rows(block), columns)
        for block, columns in simulate_blocks(batch, actuals)
    ]
    if len(parts) == 1:
        return parts[0]
    return {
        "partner": {
            name: np.concatenate([p["partner"][name] for p in parts])
            for name in parts[0]["partner"]
        },
        "vendor": {
            name: np.concatenate([p["vendor"][name] for p in parts]) for name in parts[0]["vendor"]
        },
        "mutual": np.concatenate([p["mutual"] for p in parts]),
    }


def _compiled_figures(batch: Batch) -> dict[str, Any]:
    """:func:`batch_key_figures` of a batch without actuals, by :func:`planner.kernel.figures`.
    An IRR the kernel leaves open (no bracket on the grid, no proof that its root is nearest 0)
    is settled by :func:`planner.finance.irr_monthly` on the plan's columns from
    :func:`simulate`."""
    from planner import kernel  # compiled code: only the commands that run a batch load it

    n = batch.months
    res, inv = batch.lists["resources"], batch.lists["investments"]
    tiers = batch.lists["vendor_programme.rebate_tiers"]

    def stack(*columns: NDArray[Any], dtype: type = np.float64) -> NDArray[Any]:
        return np.stack([np.asarray(column, dtype=dtype) for column in columns])

    rates = np.concatenate([side_rate(batch, "partner"), side_rate(batch, "vendor")])
    distinct, index = np.unique(rates, return_inverse=True)
    every = np.minimum(_month_index(inv["every_months"], 0, 10**6, "investments.every_months"), n)
    out = np.empty((2, len(kernel.FIGURES), batch.size))
    status = np.empty((2, batch.size), dtype=np.int64)
    kernel.figures(
        stack(*(batch.scalars[path] for path in kernel.SCALARS)),
        np.ascontiguousarray(_yearly_price(batch, slice(None))),
        stack(res["fte"], res["annual_cost"], batch.sales, batch.delivery),
        stack(
            _month_index(res["start_month"], 1, n, "resources.start_month"),
            _month_index(res["ramp_months"], 0, n, "resources.ramp_months"),
            dtype=np.int64,
        ),
        stack(inv["amount"], inv["vendor_share"]),
        stack(_month_index(inv["month"], 1, n, "investments.month"), every, dtype=np.int64),
        stack(tiers["threshold"], tiers["rate"]),
        finance.discount_factors(distinct, n),
        index.reshape(2, -1).astype(np.int64),
        finance.GRID,
        finance.grid_table(n),
        kernel.ORDER,
        out,
        status,
    )
    monthly_irr = out[:, 1]
    open_rows = np.flatnonzero((status == kernel.OPEN).any(axis=0))
    if open_rows.size:
        columns = simulate(batch.take(open_rows))
        for side, flow in enumerate(("cash_flow", "vendor_cash_flow")):
            monthly_irr[side, open_rows] = finance.irr_monthly(columns[flow])
    with np.errstate(over="ignore"):
        monthly_irr[...] = (1.0 + monthly_irr) ** 12 - 1.0  # finance.irr_annual
    partner = dict(zip(PARTNER_FIGURES, out[0], strict=True))
    vendor = dict(zip(VENDOR_FIGURES, out[1], strict=True))
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
    chosen = with_scenario(plan, scenario) if scenario else plan
    batch = Batch.from_plans([chosen])
    return figures_of(key_figures(batch, simulate(batch)), 0)


def evaluate(plan: Plan, scenario: str | None = None) -> Outcome:
    """The business plan of one plan (or of one of its scenarios)."""
    chosen = with_scenario(plan, scenario) if scenario else plan
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


def warm_kernel() -> None:
    """Compile the batch kernel (or load it from the disk cache) on a batch of one plan."""
    example = Path(__file__).resolve().parent.parent / "examples" / "acme-reseller.yaml"
    batch_key_figures(Batch.from_plans([load(example)]))


if __name__ == "__main__":  # scripts/start: compiled before the first person runs a batch
    warm_kernel()
