"""The monthly arithmetic of docs/model.md section 2: a batch of plans in, the monthly columns
of section 3 out (arrays of shape ``(B, N)``), a block of plans at a time, with actuals where
given.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from planner import finance
from planner.model.batch import Array, Batch, plan_year
from planner.plan.schema import VALUE_COLUMNS


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


def month_index(values: Array, low: int, high: int, name: str) -> NDArray[np.intp]:
    """Whole months in ``low..high`` as indices; anything else is a :class:`ValueError`."""
    index = values.astype(np.intp)
    if values.size <= 64:  # a plan or a few: floats in Python take a third of numpy's calls
        whole = all(low <= v <= high and v == int(v) for v in values.ravel().tolist())
    else:
        whole = not ((index != values).any() or (index < low).any() or (index > high).any())
    if not whole:
        raise ValueError(f"{name}: every value must be a whole number from {low} to {high}")
    return index


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
    ramp = month_index(res["ramp_months"], 0, n, "resources.ramp_months")
    every = np.minimum(month_index(inv["every_months"], 0, 10**6, "investments.every_months"), n)
    plan_index = _PlanIndex(
        role=n + 1 - month_index(res["start_month"], 1, n, "resources.start_month"),
        ramp=ramp * (n + 1),
        due=every * (n + 1) + n + 1 - month_index(inv["month"], 1, n, "investments.month"),
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


def yearly_price(batch: Batch, rows: slice | NDArray[np.intp]) -> Array:
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
    price = np.take(yearly_price(batch, rows), plan_year(n), axis=1, out=scratch, mode="clip")
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
