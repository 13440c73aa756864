"""Both sides' key figures of a large batch of plans, compiled: one pass per plan.

:func:`planner.model.batch_key_figures` sends a batch without actuals here. For each plan the
kernel computes the monthly columns the figures need (docs/model.md section 2) into a few
month-long rows that stay in the processor's first-level cache, then the figures of section 4,
and writes nothing else: no monthly column of the batch ever reaches memory. The arithmetic is
:func:`planner.model.simulate` and :mod:`planner.finance`'s, in the same order where it is
cheap to keep (the running sums, the yearly sell-in, the figures' sums); sums over months and
over grid points may be ordered differently, so a plan's figures here agree with the plan
alone within about 1e-15 relative, not bit for bit (tests hold them within 1e-12).

Compiled with numba on first use in a process and cached on disk (next to this file, or in
the user's cache folder where the package is read-only, or in ``NUMBA_CACHE_DIR``): importing
this module costs about 0.3 s (numba and the cached machine code), so only the commands that
run a batch import it; ``kpis`` and ``validate`` never do.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

from planner import catalogue, finance

Array = NDArray[np.float64]
F = TypeVar("F", bound=Callable[..., Any])

_ELSEWHERE = frozenset(
    {
        "discount_rate",
        "vendor_programme.discount_rate",
        "revenue.annual_price_uplift",
        "revenue.deal_size",
    }
)
"""Single values the model reads that reach the kernel otherwise: the sides' rates of return
through the discount factors, the deal size and its uplift through the yearly price."""
SCALARS: tuple[str, ...] = tuple(
    path for path in catalogue.modelled_scalars() if path not in _ELSEWHERE
)
"""The plan values the kernel reads per plan, the rows of its ``scalars`` argument: every single
value the model reads (the catalogue's, in its order) but those of :data:`_ELSEWHERE`."""
(
    _OPEX,
    _DEALS_PER_FTE,
    _SUBSCRIBED,
    _CHURN,
    _MARGIN,
    _SERVICES_PER_DEAL,
    _CAPACITY_PER_FTE,
    _MANAGED_FEE,
    _MDF_RATE,
    _VENDOR_MARGIN,
    _MANAGER_FTE,
    _MANAGER_ANNUAL_COST,
) = (
    SCALARS.index(path)
    for path in (
        "opex_per_month",
        "revenue.deals_per_sales_fte_month",
        "revenue.subscription",
        "revenue.monthly_churn",
        "revenue.partner_margin",
        "revenue.services_per_deal",
        "revenue.delivery_capacity_per_fte_month",
        "revenue.managed_fee_per_customer_month",
        "vendor_programme.mdf_rate",
        "vendor_programme.gross_margin",
        "vendor_programme.partner_manager_fte",
        "vendor_programme.partner_manager_annual_cost",
    )
)
"""The row in ``scalars`` of each value the kernel reads (a value the catalogue stops modelling
fails here, at import, not in a figure)."""
FIGURES = (
    "npv",
    "irr",
    "payback_month",
    "break_even_month",
    "peak_funding",
    "cumulative_cash",
    "roi",
    "revenue",
    "gross_profit",
    "third",
)
"""Figures per side in the kernel's output; ``third`` is the partner's EBITDA and the vendor's
cost. ``irr`` is monthly here."""
OPEN = 1
"""Status of an IRR that the kernel leaves to :func:`planner.finance.irr_monthly`: no
bracket on the grid, no convergence, or a root not proved nearest 0."""
_MAX_ITERATIONS = 100  # planner.finance._MAX_ITERATIONS
_TOLERANCE = 1e-10  # planner.finance._TOLERANCE
_EPS = float(np.finfo(np.float64).eps)
ORDER = np.array(finance.ORDER, dtype=np.int64)
"""The IRR grid's intervals nearest 0 first (:data:`planner.finance.ORDER`)."""


def _compiled(function: F) -> F:
    """Compiled on first use, the machine code cached on disk for the next process."""
    try:
        return cast(F, numba.njit(cache=True, nogil=True, error_model="numpy")(function))
    except RuntimeError:  # nowhere to write a cache (read-only package, home and no
        return cast(F, numba.njit(nogil=True, error_model="numpy")(function))  # cache folder)


@_compiled
def _total(values: Array) -> float:  # pragma: no cover - compiled
    """``sum values(t)`` in four interleaved partial sums."""
    n = values.size
    s0 = s1 = s2 = s3 = 0.0
    i = 0
    while i + 4 <= n:
        s0 += values[i]
        s1 += values[i + 1]
        s2 += values[i + 2]
        s3 += values[i + 3]
        i += 4
    while i < n:
        s0 += values[i]
        i += 1
    return (s0 + s1) + (s2 + s3)


@_compiled
def _dot(a: Array, b: Array) -> float:  # pragma: no cover - compiled
    """``sum a(t) b(t)`` in four interleaved partial sums."""
    n = a.size
    s0 = s1 = s2 = s3 = 0.0
    i = 0
    while i + 4 <= n:
        s0 += a[i] * b[i]
        s1 += a[i + 1] * b[i + 1]
        s2 += a[i + 2] * b[i + 2]
        s3 += a[i + 3] * b[i + 3]
        i += 4
    while i < n:
        s0 += a[i] * b[i]
        i += 1
    return (s0 + s1) + (s2 + s3)


@_compiled
def _sign_changes(cf: Array) -> int:  # pragma: no cover - compiled
    """How often the row changes sign, zeros skipped."""
    changes = 0
    last = 0.0
    for value in cf:
        if value != 0.0:
            if last != 0.0 and (value > 0.0) != (last > 0.0):
                changes += 1
            last = value
    return changes


@_compiled
def _roots_beyond(cf: Array, rate: float, above: bool, work: Array) -> int:  # pragma: no cover
    """:func:`planner.finance._roots_beyond` of one row: an upper bound on its roots with
    rates above (or below) ``rate``, -1 if unsure."""
    n = cf.size
    if not rate > -1.0:
        return -1
    log_rate = math.log1p(rate)
    for i in range(n):
        work[i] = cf[i] * math.exp(-(log_rate * (i + 1)))
    running = 0.0
    size = 0.0
    bound = 8 * n * _EPS
    changes = 0
    last = 0.0
    for j in range(n):
        value = work[j] if above else work[n - 1 - j]
        running += value
        size += abs(value)
        if not abs(running) > bound * size:
            return -1
        if last != 0.0 and (running > 0.0) != (last > 0.0):
            changes += 1
        last = running
    return changes


@_compiled
def _nearest_to_zero(cf: Array, x: float, work: Array) -> bool:  # pragma: no cover
    """:func:`planner.finance._nearest_to_zero` of one row."""
    positive = x > 0
    size = abs(x)
    if _roots_beyond(cf, -size if positive else size, positive, work) == 1:
        return True
    past = x + 1e-6 * (1 + size) if positive else x - 1e-6 * (1 + size)
    return _roots_beyond(cf, past, not positive, work) == 1


@_compiled
def _horner(cf: Array, moments: Array, z: float) -> tuple[float, float, float]:  # pragma: no cover
    """``sum c(t) z ** t`` (t = 1..N) of the flows and of their two moments, by Horner's
    scheme in ``z ** 2`` over the odd and the even months (six independent chains)."""
    n = cf.size
    z2 = z * z
    f_odd = f_even = a_odd = a_even = b_odd = b_even = 0.0
    i = n - 1
    if n % 2:  # month n is odd: it starts the odd chains
        f_odd, a_odd, b_odd = cf[i], moments[0, i], moments[1, i]
        i -= 1
    while i > 0:  # months i + 1 (even) and i (odd)
        f_even = f_even * z2 + cf[i]
        a_even = a_even * z2 + moments[0, i]
        b_even = b_even * z2 + moments[1, i]
        f_odd = f_odd * z2 + cf[i - 1]
        a_odd = a_odd * z2 + moments[0, i - 1]
        b_odd = b_odd * z2 + moments[1, i - 1]
        i -= 2
    return (
        z * (f_odd + z * f_even),
        z * (a_odd + z * a_even),
        z * (b_odd + z * b_even),
    )


@_compiled
def _halley(
    cf: Array, u: float, lo: float, hi: float, rising: bool, moments: Array
) -> float:  # pragma: no cover - compiled
    """:func:`planner.finance._halley_one`, with f, ``-f'`` and ``f''`` in ``u`` by Horner's
    scheme in ``z = exp(-u)`` over the flows and their first and second moments."""
    tolerance = _TOLERANCE * (1.0 + max(abs(lo), abs(hi)))
    for _ in range(_MAX_ITERATIONS):
        z = math.exp(-u)
        f, first, curvature = _horner(cf, moments, z)
        if (f < 0) == rising:
            lo = u
        else:
            hi = u
        denominator = 2.0 * first * first - f * curvature
        step = -2.0 * f * first / denominator if denominator != 0 else math.inf
        candidate = u - step
        small = abs(step) <= tolerance
        if f == 0:
            return u
        u = candidate if small or lo <= candidate <= hi else 0.5 * (lo + hi)
        if small or hi - lo <= tolerance:
            return u
    return math.nan


@_compiled
def _irr(
    cf: Array,
    grid: Array,
    table: Array,
    order: NDArray[np.int64],
    moments: Array,
    values: Array,
    work: Array,
) -> tuple[float, int]:  # pragma: no cover - compiled
    """:func:`planner.finance._irr_one` of one row: its monthly IRR, and :data:`OPEN` where
    the caller has to settle it. The grid's points are evaluated as the intervals are tried,
    nearest 0 first: the first interval with a sign change is the one the whole grid chooses."""
    positive = negative = False
    for value in cf:
        positive |= value > 0
        negative |= value < 0
    if not (positive and negative):
        return math.nan, 0
    values[:] = math.nan
    changes = _sign_changes(cf)
    side = 0  # flows that change sign once have one root: only its side of 0 has a bracket
    if changes == 1:
        middle = grid.size // 2  # grid[middle] = 0
        values[middle] = _dot(cf, table[middle])
        first = cf[0]
        for value in cf:
            if value != 0:
                first = value
                break
        side = 1 if (values[middle] > 0) != (first > 0) else -1
    chosen = -1
    for k in order:
        if side * (2 * k + 1 - grid.size) < 0:
            continue
        if math.isnan(values[k]):
            values[k] = _dot(cf, table[k])
        if math.isnan(values[k + 1]):
            values[k + 1] = _dot(cf, table[k + 1])
        low, high = values[k], values[k + 1]
        if low == 0 or (low < 0 < high) or (low > 0 > high):
            chosen = k
            break
    if chosen < 0:
        return math.nan, OPEN
    lo, hi, f_lo, f_hi = grid[chosen], grid[chosen + 1], values[chosen], values[chosen + 1]
    if f_lo == 0:
        u = lo
    else:
        for i in range(cf.size):
            moments[0, i] = (i + 1) * cf[i]
            moments[1, i] = (i + 1) * moments[0, i]
        start = lo - f_lo * (hi - lo) / (f_hi - f_lo)
        u = _halley(cf, start, lo, hi, f_lo < 0, moments)
        if math.isnan(u):
            return math.nan, OPEN
    x = math.expm1(u)
    if changes > 1 and not _nearest_to_zero(cf, x, work):
        return math.nan, OPEN
    return x, 0


@_compiled
def _side(
    cf: Array,
    cumulative: Array,
    discount: Array,
    sums: tuple[Array, Array, Array],
    irr: tuple[Array, Array, NDArray[np.int64], Array, Array, Array],
    out: Array,
) -> int:  # pragma: no cover - compiled
    """One side's figures (:data:`FIGURES`) into ``out``; the status of its IRR."""
    n = cf.size
    out[0] = _dot(cf, discount)
    x, status = _irr(cf, irr[0], irr[1], irr[2], irr[3], irr[4], irr[5])
    out[1] = x
    last_negative = -1
    lowest = math.inf
    last_flow_negative = -1
    for i in range(n):
        if cumulative[i] < 0:
            last_negative = i
        lowest = min(lowest, cumulative[i])
        if cf[i] < 0:
            last_flow_negative = i
    end = cumulative[n - 1]
    out[2] = math.nan if end < 0 else (0.0 if last_negative < 0 else last_negative + 2.0)
    out[3] = math.nan if cf[n - 1] < 0 else float(last_flow_negative + 2)
    peak = max(0.0, -lowest)
    out[4] = peak
    out[5] = end
    ratio = end / peak if peak > 0 else math.nan
    out[6] = ratio if math.isfinite(ratio) else math.nan
    out[7] = _total(sums[0])
    out[8] = _total(sums[1])
    out[9] = _total(sums[2])
    return status


@_compiled
def figures(
    scalars: Array,
    yearly_price: Array,
    roles: Array,
    role_months: NDArray[np.int64],
    investments: Array,
    investment_months: NDArray[np.int64],
    tiers: Array,
    discounts: Array,
    discount_index: NDArray[np.int64],
    grid: Array,
    table: Array,
    order: NDArray[np.int64],
    out: Array,
    status: NDArray[np.int64],
) -> None:  # pragma: no cover - compiled
    """Both sides' :data:`FIGURES` of every plan into ``out`` ``(plans, 2, figures)``, the
    status of each IRR into ``status`` ``(plans, 2)``.

    Per plan: ``scalars`` :data:`SCALARS`; ``yearly_price`` the deal size per plan year;
    ``roles`` ``(fte, annual_cost, sales, delivery)`` and ``role_months`` ``(start, ramp)``
    per role; ``investments`` ``(amount, vendor_share)`` and ``investment_months``
    ``(month, every)`` (every at most the horizon); ``tiers`` ``(threshold, rate)``;
    ``discount_index`` each side's row of ``discounts`` (``(1 + rate) ** (-t / 12)``).
    ``grid``, ``table`` and ``order``: the IRR grid of :mod:`planner.finance`.
    """
    plans, months = out.shape[2], discounts.shape[1]
    rows = np.empty((16, months))
    (staff_cost, new_deals, customers, resale, sell_in, demand, services, managed) = rows[:8]
    (revenue, gross_profit, ebitda, cumulative, vendor_gp, vendor_cost, vendor_cf) = rows[8:15]
    vendor_cumulative = rows[15]
    sales_fte = np.empty(months)
    delivery_fte = np.empty(months)
    capacity = np.empty(months)
    vendor_funded = np.empty(months)
    gross_investment = np.empty(months)
    irr_values = np.empty(grid.size)
    irr_work = np.empty(months)
    moments = np.empty((2, months))
    irr = (grid, table, order, moments, irr_values, irr_work)
    for p in range(plans):
        deals_per_fte, subscribed = scalars[_DEALS_PER_FTE, p], scalars[_SUBSCRIBED, p]
        churn, margin = scalars[_CHURN, p], scalars[_MARGIN, p]
        services_per_deal = scalars[_SERVICES_PER_DEAL, p]
        capacity_per_fte = scalars[_CAPACITY_PER_FTE, p]
        managed_fee, mdf_rate = scalars[_MANAGED_FEE, p], scalars[_MDF_RATE, p]
        vendor_margin, manager_fte = scalars[_VENDOR_MARGIN, p], scalars[_MANAGER_FTE, p]
        manager_annual_cost, opex = scalars[_MANAGER_ANNUAL_COST, p], scalars[_OPEX, p]
        # roles: active(t) and ramp(t) schedules weighted by FTE (docs/model.md section 2)
        staff_cost[:] = 0.0
        sales_fte[:] = 0.0
        delivery_fte[:] = 0.0
        for r in range(roles.shape[2]):
            fte = roles[0, p, r]
            staff = fte * roles[1, p, r] / 12
            sales = fte * roles[2, p, r]
            delivery = fte * roles[3, p, r]
            start = role_months[0, p, r]
            ramp = max(role_months[1, p, r], 1)
            for i in range(start - 1, months):
                since = float(i + 1 - start)
                share = min(1.0, (since + 1) / ramp)
                staff_cost[i] += staff
                sales_fte[i] += sales * share
                delivery_fte[i] += delivery * share
        # investments due in month m and every e months after it
        gross_investment[:] = 0.0
        vendor_funded[:] = 0.0
        for k in range(investments.shape[2]):
            amount = investments[0, p, k]
            funded = amount * investments[1, p, k]
            month, every = investment_months[0, p, k], investment_months[1, p, k]
            i = month - 1
            while i < months:
                gross_investment[i] += amount
                vendor_funded[i] += funded
                if every <= 0:
                    break
                i += every
        keep = 1.0 - churn
        subscription = subscribed > 0.5
        level = 0.0
        surplus = 0.0
        lowest = 0.0
        backlog = 0.0
        for i in range(months):
            deals = deals_per_fte * sales_fte[i]
            new_deals[i] = deals
            level = level * keep + deals
            customers[i] = level
            price = yearly_price[p, i // 12]
            sold = customers[i] if subscription else deals
            resale[i] = sold * price / (12.0 if subscription else 1.0)
            sell_in[i] = resale[i] * (1.0 - margin)
            demand[i] = deals * services_per_deal
            capacity[i] = capacity_per_fte * delivery_fte[i]
            # Lindley's recursion as running sums (planner.model.monthly._services_and_backlog)
            surplus += demand[i] - capacity[i]
            lowest = min(lowest, min(surplus, 0.0))
            previous = backlog
            backlog = surplus - lowest
            services[i] = demand[i] - backlog if i == 0 else previous + demand[i] - backlog
            managed[i] = customers[i] * managed_fee
        # the yearly rebate on the plan year's sell-in, paid in its last month
        manager_cost = manager_fte * manager_annual_cost / 12
        total = 0.0
        vendor_total = 0.0
        year = 0
        for i in range(months):
            mdf = mdf_rate * sell_in[i]
            rebate = 0.0
            if i == min(12 * (year + 1), months) - 1:
                sold = _total(sell_in[12 * year : i + 1])
                length = min(12, months - 12 * year)
                rate = 0.0
                for k in range(tiers.shape[2]):
                    if tiers[0, p, k] * length / 12 <= sold:
                        rate = max(rate, tiers[1, p, k])
                rebate = rate * sold
                year += 1
            revenue[i] = resale[i] + services[i] + managed[i]
            gross_profit[i] = revenue[i] - sell_in[i]
            net = gross_investment[i] - vendor_funded[i]
            ebitda[i] = gross_profit[i] + (mdf + rebate) - staff_cost[i] - opex - net
            total += ebitda[i]
            cumulative[i] = total
            vendor_gp[i] = sell_in[i] * vendor_margin
            vendor_cost[i] = mdf + rebate + vendor_funded[i] + manager_cost
            vendor_cf[i] = vendor_gp[i] - vendor_cost[i]
            vendor_total += vendor_cf[i]
            vendor_cumulative[i] = vendor_total
        status[0, p] = _side(
            ebitda,
            cumulative,
            discounts[discount_index[0, p]],
            (revenue, gross_profit, ebitda),
            irr,
            out[0, :, p],
        )
        status[1, p] = _side(
            vendor_cf,
            vendor_cumulative,
            discounts[discount_index[1, p]],
            (sell_in, vendor_gp, vendor_cost),
            irr,
            out[1, :, p],
        )


@_compiled
def _irr_rows(
    cf: Array,
    grid: Array,
    table: Array,
    order: NDArray[np.int64],
    out: Array,
    status: NDArray[np.int64],
) -> None:  # pragma: no cover - compiled
    months = cf.shape[1]
    values, work, moments = np.empty(grid.size), np.empty(months), np.empty((2, months))
    for row in range(cf.shape[0]):
        out[row], status[row] = _irr(cf[row], grid, table, order, moments, values, work)


def irr_open(cash_flows: Array) -> tuple[Array, NDArray[np.bool_]]:
    """The kernel's monthly IRR of each row of ``(rows, months)`` flows, and the rows it
    leaves open (``nan`` there): the compiled IRR on its own, for tests and measurements."""
    cf = np.ascontiguousarray(cash_flows, dtype=np.float64)
    out = np.empty(cf.shape[0])
    status = np.empty(cf.shape[0], dtype=np.int64)
    _irr_rows(cf, finance.GRID, finance.grid_table(cf.shape[1]), ORDER, out, status)
    return out, status == OPEN


def irr_monthly(cash_flows: Array) -> Array:
    """:func:`irr_open`, the open rows settled by :func:`planner.finance.irr_monthly` (as
    :func:`planner.model.batch_key_figures` settles them)."""
    out, open_rows = irr_open(cash_flows)
    if open_rows.any():
        out[open_rows] = finance.irr_monthly(np.asarray(cash_flows)[open_rows])
    return out
