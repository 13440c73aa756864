"""Key-figure arithmetic of MODEL.md section 4 over a batch of monthly cash-flow series.

Every function takes arrays of shape ``(batch, months)`` (a single series is promoted to a batch
of one) and returns one value per row. Undefined figures (MODEL.md's ``null``) are ``nan``.
Month numbers are 1-based plan months; rates are fractions.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import numpy_financial as npf
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]

_LOG_BRACKET = 4.0
"""Newton searches ``log(1 + monthly rate)`` within +-4: monthly rates from -98 % to +5,360 %."""
_MAX_ITERATIONS = 100
_TOLERANCE = 1e-14
"""Newton stops when its step in ``log(1 + rate)`` is below this (relative): far inside 1e-9."""


def _rows(values: ArrayLike) -> Array:
    return np.atleast_2d(np.asarray(values, dtype=np.float64))


def npv(annual_rate: ArrayLike, cash_flows: ArrayLike) -> Array:
    """Net present value of monthly flows ``cf(1..N)`` at an annual rate, month t at ``t/12`` years.

    >>> float(npv(0.0, [-100, 60, 60])[0])
    20.0
    >>> round(float(npv(0.1, [0] * 11 + [110])[0]), 9)
    100.0
    """
    cf = _rows(cash_flows)
    months = np.arange(1, cf.shape[1] + 1)
    rate = np.asarray(annual_rate, dtype=np.float64).reshape(-1, 1)
    if rate.size > 1 and (rate == rate[0]).all():
        rate = rate[:1]  # one rate for the whole batch: one row of discount factors
    discount = (1.0 + rate) ** (-months / 12.0)
    return np.asarray((cf * discount).sum(axis=1))


def _sign_changes(cf: Array) -> NDArray[np.int64]:
    """How often each row changes sign, zeros skipped."""
    if cf.all():
        positive = cf > 0
        return np.asarray((positive[:, 1:] != positive[:, :-1]).sum(axis=1))
    signs = np.sign(cf)
    index = np.where(signs != 0, np.arange(cf.shape[1]), 0)
    np.maximum.accumulate(index, axis=1, out=index)
    filled = np.take_along_axis(signs, index, axis=1)
    return np.asarray((filled[:, 1:] * filled[:, :-1] < 0).sum(axis=1))


@cache
def _binomials(months: int) -> tuple[Array, Array]:
    """``C(t, k)`` and ``C(N - t, k)`` for t = 1..N (rows) and k = 0..N (columns)."""
    falling = np.array([[math.comb(t, k) for k in range(months + 1)] for t in range(1, months + 1)])
    rising = np.array(
        [[math.comb(months - t, k) for k in range(months + 1)] for t in range(1, months + 1)]
    )
    return falling.astype(np.float64), rising.astype(np.float64)


def _roots_by_side(cf: Array) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
    """Descartes bounds on the roots below and above a rate of 0, per row.

    ``sum cf(t) (1 + y) ** t`` has as many roots ``y > 0`` (rates in (-1, 0)) as its
    coefficients have sign changes, or fewer by an even number; ``sum cf(t) (1 + x) ** (N - t)``
    likewise for rates ``x > 0``. A bound of 0 or 1 is therefore exact. Rows where a
    coefficient is within rounding of zero are flagged uncertain.
    """
    falling, rising = _binomials(cf.shape[1])
    counts = []
    uncertain = np.zeros(cf.shape[0], dtype=bool)
    for binomial in (falling, rising):
        coefficients = cf @ binomial
        scale = np.abs(cf) @ binomial
        tiny = np.abs(coefficients) <= 1e-9 * scale
        uncertain |= (tiny & (scale > 0)).any(axis=1)
        counts.append(_sign_changes(np.where(tiny, 0.0, coefficients)))
    return counts[0], counts[1], uncertain


def _irr_bracketed(cf: Array, lo: Array, hi: Array) -> Array:
    """Monthly IRR of rows known to have exactly one root with ``log(1 + x)`` in ``[lo, hi]``.

    Safeguarded Newton on ``u = log(1 + x)``: a Newton step that leaves the bracket bisects.
    Rows that do not converge, or whose ends do not bracket a sign change, return ``nan``.
    """
    rows, n = cf.shape
    t = np.arange(1, n + 1, dtype=np.float64)
    lo, hi = lo.copy(), hi.copy()

    def f_and_slope(u: Array, flows: Array) -> tuple[Array, Array]:
        # (1 + x) ** -t as a running product: several times cheaper than exp of u * t
        discount = np.cumprod(np.broadcast_to(np.exp(-u)[:, None], flows.shape), axis=1)
        weighted = flows * discount
        return weighted.sum(axis=1), -(weighted * t).sum(axis=1)  # per row: batch-independent

    f_lo, _ = f_and_slope(lo, cf)
    f_hi, _ = f_and_slope(hi, cf)
    bracketed = np.sign(f_lo) * np.sign(f_hi) < 0
    rising = f_lo < 0  # f(lo) < 0 < f(hi): f is negative below the root
    u = np.clip(np.zeros(rows), lo, hi)
    last_step = hi - lo
    result = np.full(rows, np.nan)
    active = np.flatnonzero(bracketed)
    for _ in range(_MAX_ITERATIONS):
        if active.size == 0:
            break
        ua = u[active]
        f, slope = f_and_slope(ua, cf[active])
        below = (f < 0) == rising[active]
        lo[active] = np.where(below, ua, lo[active])
        hi[active] = np.where(below, hi[active], ua)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(slope != 0, f / slope, np.inf)
        candidate = ua - step
        # Newton only while it stays in the bracket and at least halves the step before it;
        # otherwise bisect (far from the root, the exponentials make Newton crawl).
        newton = (candidate >= lo[active]) & (candidate <= hi[active])
        newton &= np.abs(step) <= 0.5 * np.abs(last_step[active])
        new = np.where(newton, candidate, 0.5 * (lo[active] + hi[active]))
        last_step[active] = new - ua
        tolerance = _TOLERANCE * (1.0 + np.abs(ua))
        done = (f == 0) | (newton & (np.abs(step) <= tolerance))
        done |= hi[active] - lo[active] <= tolerance
        u[active] = np.where(f == 0, ua, new)
        result[active[done]] = u[active[done]]
        active = active[~done]
    return np.asarray(np.expm1(result))


def irr_monthly(cash_flows: ArrayLike) -> Array:
    """Monthly internal rate of return per row: the root with rate > -1 closest to 0.

    Agrees with ``numpy_financial.irr``, without its per-row polynomial solve where the root
    is provably unique on its side of 0: rows with one sign change have exactly one root;
    for the others Descartes' rule on the flows expanded around a rate of 0 counts the roots
    below and above 0 (see :func:`_roots_by_side`). Where that count is exactly one root on one
    side and none on the other, a vectorised safeguarded Newton finds it; where it is none,
    the IRR is undefined. Every other row (roots on both sides, a count of 2 or more, rounding
    doubts, no convergence) falls back to ``numpy_financial.irr`` row by row. ``nan`` when a
    row lacks a negative or a positive flow, or has no root.

    >>> round(float(irr_monthly([-100, 39, 59, 55, 20])[0]), 5)
    0.28095
    >>> bool(np.isnan(irr_monthly([100, 0, 50])[0]))
    True
    >>> round(float(irr_monthly([-100, 230, -132])[0]), 9)  # roots 10 % and 20 %: nearer 0
    0.1
    """
    cf = _rows(cash_flows)
    rows = cf.shape[0]
    out = np.full(rows, np.nan)
    defined = (cf > 0).any(axis=1) & (cf < 0).any(axis=1)
    changes = _sign_changes(cf)
    lo = np.full(rows, -_LOG_BRACKET)
    hi = np.full(rows, _LOG_BRACKET)
    solvable = defined & (changes == 1)
    settled = solvable.copy()
    several = np.flatnonzero(defined & (changes > 1))
    if several.size:
        below, above, uncertain = _roots_by_side(cf[several])
        clear = ~uncertain
        only_above = several[clear & (above == 1) & (below == 0)]
        only_below = several[clear & (below == 1) & (above == 0)]
        lo[only_above] = 0.0
        hi[only_below] = 0.0
        solvable[only_above] = solvable[only_below] = True
        settled[several[clear & (above == 0) & (below == 0)]] = True  # no root at all
        settled[only_above] = settled[only_below] = True
    index = np.flatnonzero(solvable)
    if index.size:
        out[index] = _irr_bracketed(cf[index], lo[index], hi[index])
    fallback = np.flatnonzero(defined & (~settled | (solvable & np.isnan(out))))
    for row in fallback:
        out[row] = npf.irr(cf[row])
    return out


def irr_annual(cash_flows: ArrayLike) -> Array:
    """MODEL.md's ``irr``: the monthly IRR compounded to a year, ``(1 + x) ** 12 - 1``.

    >>> round(float(irr_annual([-1000] + [0] * 11 + [1100])[0]), 9)
    0.1
    """
    monthly = irr_monthly(cash_flows)
    with np.errstate(over="ignore"):
        return np.asarray((1.0 + monthly) ** 12 - 1.0)


def _first_month_staying_nonnegative(series: Array) -> Array:
    """1-based month from which each row stays >= 0 (1 if it never goes below 0)."""
    negative = series < 0
    last_negative = series.shape[1] - 1 - np.argmax(negative[:, ::-1], axis=1)
    return np.where(negative.any(axis=1), last_negative + 2, 1).astype(np.float64)


def payback_month(cumulative: ArrayLike) -> Array:
    """MODEL.md ``payback_month``: 0 if never negative, nan if still negative at the end.

    >>> payback_month([[5, 3, 1], [-5, 3, 4], [-1, -2, 3], [-1, 2, -1]]).tolist()
    [0.0, 2.0, 3.0, nan]
    """
    cum = _rows(cumulative)
    month = _first_month_staying_nonnegative(cum)
    month = np.where((cum < 0).any(axis=1), month, 0.0)
    return np.where(cum[:, -1] < 0, np.nan, month)


def break_even_month(cash_flows: ArrayLike) -> Array:
    """MODEL.md ``break_even_month``: first month from which the flow stays >= 0; nan if cf(N) < 0.

    >>> break_even_month([[-5, 1, -1, 2], [1, 2, 3, 4], [1, 2, 3, -4]]).tolist()
    [4.0, 1.0, nan]
    """
    cf = _rows(cash_flows)
    return np.where(cf[:, -1] < 0, np.nan, _first_month_staying_nonnegative(cf))


def peak_funding(cumulative: ArrayLike) -> Array:
    """The most cash a side has to put in: ``max(0, -min(cum))``.

    >>> peak_funding([[-5, -8, 2], [1, 2, 3]]).tolist()
    [8.0, 0.0]
    """
    return np.asarray(np.maximum(0.0, -_rows(cumulative).min(axis=1)))


def roi(cumulative: ArrayLike) -> Array:
    """``cum(N) / peak_funding``; nan when nothing had to be put in.

    A peak so small that the ratio overflows (float residue of a zero) also gives nan.

    >>> roi([[-5, -8, 2], [1, 2, 3], [-1e-320, 5, 5]]).tolist()
    [0.25, nan, nan]
    """
    cum = _rows(cumulative)
    peak = peak_funding(cum)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(peak > 0, cum[:, -1] / np.where(peak > 0, peak, 1.0), np.nan)
    return np.where(np.isfinite(ratio), ratio, np.nan)
