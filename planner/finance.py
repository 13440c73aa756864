"""Key-figure arithmetic of MODEL.md section 4 over a batch of monthly cash-flow series.

Every function takes arrays of shape ``(batch, months)`` (a single series is promoted to a batch
of one) and returns one value per row. Undefined figures (MODEL.md's ``null``) are ``nan``.
Month numbers are 1-based plan months; rates are fractions.
"""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]

_LOG_BRACKET = 4.0
"""Newton searches ``log(1 + monthly rate)`` within +-4: monthly rates from -98 % to +5,360 %."""
_MAX_ITERATIONS = 100


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
    discount = (1.0 + rate) ** (-months / 12.0)
    return np.asarray((cf * discount).sum(axis=1))


def _sign_changes(cf: Array) -> NDArray[np.int64]:
    """How often each row changes sign, zeros skipped."""
    signs = np.sign(cf)
    index = np.where(signs != 0, np.arange(cf.shape[1]), 0)
    np.maximum.accumulate(index, axis=1, out=index)
    filled = np.take_along_axis(signs, index, axis=1)
    return np.asarray((filled[:, 1:] * filled[:, :-1] < 0).sum(axis=1))


def _irr_single_change(cf: Array) -> Array:
    """Monthly IRR of rows with exactly one sign change (so exactly one root with rate > -1).

    Safeguarded Newton on ``u = log(1 + x)``: a Newton step that leaves the bracket bisects.
    Rows that do not converge, or whose root lies outside the bracket, return ``nan``.
    """
    rows, n = cf.shape
    t = np.arange(1, n + 1, dtype=np.float64)
    lo = np.full(rows, -_LOG_BRACKET)
    hi = np.full(rows, _LOG_BRACKET)

    def f_and_slope(u: Array, flows: Array) -> tuple[Array, Array]:
        weighted = flows * np.exp(-np.outer(u, t))
        return weighted.sum(axis=1), -(weighted * t).sum(axis=1)

    f_lo, _ = f_and_slope(lo, cf)
    f_hi, _ = f_and_slope(hi, cf)
    bracketed = np.sign(f_lo) * np.sign(f_hi) < 0
    rising = f_lo < 0  # f(lo) < 0 < f(hi): f is negative below the root
    u = np.zeros(rows)
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
        inside = (candidate > lo[active]) & (candidate < hi[active])
        new = np.where(inside, candidate, 0.5 * (lo[active] + hi[active]))
        done = (np.abs(new - ua) <= 1e-15 * (1.0 + np.abs(ua))) | (f == 0)
        u[active] = np.where(f == 0, ua, new)
        result[active[done]] = u[active[done]]
        active = active[~done]
    return np.asarray(np.expm1(result))


def irr_monthly(cash_flows: ArrayLike) -> Array:
    """Monthly internal rate of return per row: the root with rate > -1 closest to 0.

    Agrees with ``numpy_financial.irr``. Rows with one sign change have exactly one such
    root, found by a vectorised safeguarded Newton; rows with several sign changes, or where
    Newton does not converge, fall back to ``numpy_financial.irr`` (polynomial roots) row by
    row. ``nan`` when a row lacks a negative or a positive flow, or has no such root.

    >>> round(float(irr_monthly([-100, 39, 59, 55, 20])[0]), 5)
    0.28095
    >>> bool(np.isnan(irr_monthly([100, 0, 50])[0]))
    True
    """
    cf = _rows(cash_flows)
    out = np.full(cf.shape[0], np.nan)
    defined = (cf > 0).any(axis=1) & (cf < 0).any(axis=1)
    changes = _sign_changes(cf)
    single = np.flatnonzero(defined & (changes == 1))
    if single.size:
        out[single] = _irr_single_change(cf[single])
    fallback = np.flatnonzero(defined & ((changes != 1) | np.isnan(out)))
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
