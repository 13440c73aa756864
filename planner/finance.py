"""Key-figure arithmetic of docs/model.md section 4 over a batch of monthly cash-flow series.

Every function takes arrays of shape ``(batch, months)`` (a single series is promoted to a batch
of one) and returns one value per row. Undefined figures (docs/model.md's ``null``) are ``nan``.
Month numbers are 1-based plan months; rates are fractions.
"""

from __future__ import annotations

import math
import threading
from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]

_LOG_BRACKET = 4.0
"""The IRR grid spans ``log(1 + monthly rate)`` over +-4: monthly rates from -98 % to +5,360 %."""
_MAX_ITERATIONS = 100
_TOLERANCE = 1e-10
"""Halley stops when its step in ``log(1 + rate)`` is below this (relative); the step it then
takes leaves an error of the order of its cube: far inside 1e-9."""


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
    rate = np.asarray(annual_rate, dtype=np.float64).reshape(-1)
    if rate.size > 1 and (rate == rate[0]).all():
        rate = rate[:1]  # one rate for the whole batch: one row of discount factors
    discount = discount_factors(rate, cf.shape[1])
    # einsum: one pass without a temporary; per row the same sum whether the batch has one
    # rate or one per row (and unlike BLAS, whatever the batch)
    if discount.shape[0] == 1:
        return np.asarray(np.einsum("rt,t->r", cf, discount[0]))
    if discount.shape[0] == cf.shape[0]:
        return np.asarray(np.einsum("rt,rt->r", cf, discount))
    return np.asarray(np.einsum("t,rt->r", cf[0], discount))


def discount_factors(annual_rates: Array, months: int) -> Array:
    """``(1 + rate) ** (-t / 12)`` for each rate (rows) and t = 1..months (columns).

    >>> discount_factors(np.array([0.1]), 12)[0, -1].round(12)
    np.float64(0.909090909091)
    """
    t = np.arange(1, months + 1)
    return np.asarray((1.0 + annual_rates.reshape(-1, 1)) ** (-t / 12.0))


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


_GRID_SCALE = 0.02
_GRID = _GRID_SCALE * np.sinh(np.linspace(-1.0, 1.0, 33) * math.asinh(_LOG_BRACKET / _GRID_SCALE))
"""Grid of ``log(1 + monthly rate)`` over +-4 that brackets roots: dense near 0 (steps of
about 0.0075), coarser towards the ends (about a third of the value)."""
_GRID_DISTANCE = np.where(
    _GRID[:-1] * _GRID[1:] <= 0,
    0.0,
    np.minimum(np.abs(np.expm1(_GRID[:-1])), np.abs(np.expm1(_GRID[1:]))),
)
"""How far each grid interval's rates lie from 0 (0 for the interval holding 0)."""
_WINDOW = 7
"""Grid intervals on each side of 0 evaluated first. Ordered by their distance from 0 the
intervals alternate sides (below 0, above 0, below, ...) up to 10 on each side, so the
``2 * _WINDOW`` intervals around 0 are exactly the nearest ones: a row with a sign change
among them chooses the same interval as on the whole grid, without the other points (the
partner's roots mostly lie within +-7 intervals, +-0.14 in ``log(1 + rate)``)."""
_FIRST = (_GRID.size - 1) // 2 - _WINDOW
_LAST = (_GRID.size - 1) // 2 + _WINDOW
"""The window's first and last grid point (``_GRID[16]`` is 0)."""
BLOCK_VALUES = 73_728
"""Values per ``(rows, months)`` array in one block of rows (576 KB): the model, the key figures
and the IRR work through a batch this many values at a time (:func:`block_rows`), so that a
block's arrays stay in the processor's second-level cache and the calls per block are few.
Measured (one core): Monte Carlo of 10,000 36-month plans 64 ms in blocks of 1,024 plans, 59 ms
of 2,048 (this size), 65 ms of 4,096; 10,000 60-month plans alike in blocks of 1,024 and
2,048 (85 ms)."""


def block_rows(months: int) -> int:
    """Rows per block of series ``months`` long: :data:`BLOCK_VALUES` values each, at least 1.

    >>> block_rows(36), block_rows(60), block_rows(120)
    (2048, 1228, 614)
    """
    return max(1, BLOCK_VALUES // months)


@cache
def grid_table(months: int) -> Array:
    """``exp(-u t)`` for every point u of the IRR's grid (rows) and t = 1..months (columns)."""
    return np.asarray(np.exp(-np.outer(_GRID, np.arange(1, months + 1))))


@cache
def _grid_tables(months: int) -> tuple[Array, Array, Array]:
    """:func:`grid_table` as the window's points and the points outside it, and the moments
    table ``1, t, t ** 2`` of Halley's sums."""
    discounts = grid_table(months)
    window = np.ascontiguousarray(discounts[_FIRST : _LAST + 1])
    outside = np.ascontiguousarray(np.vstack([discounts[:_FIRST], discounts[_LAST + 1 :]]))
    t = np.arange(1, months + 1, dtype=np.float64)
    return window, outside, np.stack([np.ones(months), t, t * t])


class _Workspace(threading.local):
    """Flat buffers for the temporaries of one IRR pass (a block of :func:`block_rows` rows), one
    set per thread (the app computes in several threads), so that no pass asks the kernel for
    fresh pages (a fresh 0.5 MB array costs 120 page faults on first write). Grown to the largest
    block seen: ``flows`` and ``scratch`` hold ``(rows, months)`` arrays, ``inner``, ``outside``
    and ``whole`` the grid's values, ``sums`` Halley's."""

    def __init__(self) -> None:
        self.values = 0
        self.rows = 0

    def ensure(self, months: int) -> _Workspace:
        rows = block_rows(months)
        if rows * months > self.values or rows > self.rows:
            self.values = max(self.values, rows * months)
            self.rows = max(self.rows, rows)
            self.flows = np.empty(self.values)
            self.scratch = np.empty(self.values)
            self.inner = np.empty(self.rows * (_LAST + 1 - _FIRST))
            self.outside = np.empty(self.rows * (_GRID.size - (_LAST + 1 - _FIRST)))
            self.whole = np.empty(self.rows * _GRID.size)
            self.sums = np.empty(self.rows * 3)
        return self


_WORKSPACE = _Workspace()


def _view(buffer: Array, rows: int, columns: int) -> Array:
    """A C-contiguous ``(rows, columns)`` array at the start of a flat workspace buffer."""
    return buffer[: rows * columns].reshape(rows, columns)


def _choose_interval(
    values: Array, first: int
) -> tuple[NDArray[np.intp], NDArray[np.bool_], Array, Array]:
    """Per row, the interval with a sign change nearest 0 among grid points ``first`` on
    (``values``): its index on the whole grid, whether there is one, f at its ends."""
    signs = np.sign(values)
    has_root = (signs[:, :-1] * signs[:, 1:] < 0) | (signs[:, :-1] == 0)
    score = np.where(has_root, _GRID_DISTANCE[first : first + values.shape[1] - 1], np.inf)
    k = np.argmin(score, axis=1)
    at = np.arange(values.shape[0])
    return k + first, has_root[at, k], values[at, k], values[at, k + 1]


def _irr_nearest(cf: Array, single: NDArray[np.bool_], work: _Workspace) -> Array:
    """Monthly rate of each row's root nearest 0 that a sign change on the grid brackets.

    The grid interval with a sign change closest to a rate of 0 brackets a root (the window
    around 0 first, the other points only for rows without a sign change there; for rows
    whose flows change sign once, ``single``, only the points on the side of their one root);
    safeguarded Halley iteration on ``u = log(1 + x)`` from the secant point converges in
    about three steps (a step that leaves the bracket bisects). ``nan`` where no grid interval
    changes sign (no root within +-4, or two roots in one interval) or Halley does not
    converge. Whether the root found is the one nearest 0 is for the caller to establish. At
    most :func:`block_rows` rows.
    """
    rows, n = cf.shape
    window, outside, moments = _grid_tables(n)
    inner = np.einsum("rt,kt->rk", cf, window, out=_view(work.inner, rows, window.shape[0]))
    k, found, f_lo, f_hi = _choose_interval(inner, _FIRST)  # unlike BLAS: batch-independent
    rest = np.flatnonzero(~found)
    if rest.size:
        above, below, both = _outer_sides(cf, inner, rest, single)
        for chosen, points, first, edge in (
            (above, slice(_FIRST, None), _LAST, inner[:, -1:]),
            (below, slice(None, _FIRST), 0, None),
        ):
            if chosen.size:
                values = _outer_values(cf, chosen, outside[points], work)
                if edge is None:  # the window's first point closes the last interval below
                    values = np.hstack([values, inner[chosen, :1]])
                else:
                    values = np.hstack([edge[chosen], values])
                k[chosen], found[chosen], f_lo[chosen], f_hi[chosen] = _choose_interval(
                    values, first
                )
        if both.size:
            whole = _view(work.whole, both.size, _GRID.size)
            whole[:, _FIRST : _LAST + 1] = inner[both]
            values = _outer_values(cf, both, outside, work)
            whole[:, :_FIRST] = values[:, :_FIRST]
            whole[:, _LAST + 1 :] = values[:, _FIRST:]
            k[both], found[both], f_lo[both], f_hi[both] = _choose_interval(whole, 0)
    result = np.where(found & (f_lo == 0), _GRID[k], np.nan)
    active = np.flatnonzero(found & (f_lo != 0))
    if active.size:
        lo, hi = _GRID[k[active]], _GRID[k[active] + 1]
        low, high = f_lo[active], f_hi[active]
        with np.errstate(divide="ignore", invalid="ignore"):
            u = lo - low * (hi - lo) / (high - low)
        flows = np.take(cf, active, axis=0, out=_view(work.flows, active.size, n))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            result[active] = _halley(flows, u, lo, hi, low < 0, moments, work)
    return np.asarray(np.expm1(result))


def _outer_sides(
    cf: Array, inner: Array, rest: NDArray[np.intp], single: NDArray[np.bool_]
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """Of the rows ``rest`` (no sign change in the window), those whose one root lies above
    the window, below it, and those with several sign changes, which need both sides.

    A row whose flows change sign once has one root (Descartes): above 0 when f(0) and f at
    ``u -> +inf`` (the sign of its first non-zero flow) differ. On the other side f keeps its
    sign, so the side alone holds the interval the whole grid would choose.
    """
    one = rest[single[rest]]
    first = cf[one, np.argmax(cf[one] != 0, axis=1)]
    at_zero = inner[one, _WINDOW]  # f(0), the window's middle point
    rising = (at_zero > 0) != (first > 0)
    return one[rising], one[~rising], rest[~single[rest]]


def _outer_values(cf: Array, rows: NDArray[np.intp], table: Array, work: _Workspace) -> Array:
    """f at the grid points of ``table`` for the rows ``rows`` of ``cf``."""
    n = cf.shape[1]
    return np.einsum(
        "rt,kt->rk",
        np.take(cf, rows, axis=0, out=_view(work.scratch, rows.size, n)),
        table,
        out=_view(work.outside, rows.size, table.shape[0]),
    )


def _minus_months(months: int) -> Array:
    return -np.arange(1, months + 1, dtype=np.float64)


def _halley(
    flows: Array,
    u: Array,
    lo: Array,
    hi: Array,
    rising: NDArray[np.bool_],
    moments: Array,
    work: _Workspace,
) -> Array:
    """Safeguarded Halley steps from ``u`` in the brackets ``[lo, hi]`` until each row converges.

    ``flows`` (a view of ``work.flows``) holds each row's ``cf(t)``: with ``d(t) = cf(t)
    exp(-u t)``, the sums of d, ``t d`` and ``t**2 d`` (one einsum against ``moments``) are f,
    ``-f'`` and ``f''`` in u. ``rising``: f(lo) < 0 < f(hi). A row stops when f is 0, its step
    or its bracket is within the tolerance (relative to the bracket's ends); a step that leaves
    the bracket bisects. ``nan`` where a row does not converge. Rows that converge leave the
    pass; the others are packed into the other buffer.
    """
    result = np.full(u.size, np.nan)
    index = np.arange(u.size)
    n = flows.shape[1]
    minus_months = _minus_months(n)
    tolerance = _TOLERANCE * (1.0 + np.maximum(np.abs(lo), np.abs(hi)))
    own, spare = work.flows, work.scratch
    for _ in range(_MAX_ITERATIONS):
        if index.size == 0:
            break
        d = _view(spare, index.size, n)
        np.einsum("r,t->rt", u, minus_months, out=d)
        np.exp(d, out=d)
        np.multiply(flows, d, out=d)
        f, first, curvature = np.einsum(
            "rt,kt->rk", d, moments, out=_view(work.sums, index.size, 3)
        ).T
        below = (f < 0) == rising
        lo = np.where(below, u, lo)
        hi = np.where(below, hi, u)
        step = -2.0 * f * first / (2.0 * first * first - f * curvature)
        candidate = u - step
        small = np.abs(step) <= tolerance
        zero = f == 0
        done = small | zero | (hi - lo <= tolerance)
        new = np.where(small | ((candidate >= lo) & (candidate <= hi)), candidate, 0.5 * (lo + hi))
        new = np.where(zero, u, new)
        if done.any():
            result[index[done]] = new[done]
            going = np.flatnonzero(~done)
            index, new, tolerance = index[going], new[going], tolerance[going]
            lo, hi, rising = lo[going], hi[going], rising[going]
            flows = np.take(flows, going, axis=0, out=_view(spare, going.size, n))
            own, spare = spare, own
        u = new
    return result


def _halley_one(
    flows: Array, u: float, lo: float, hi: float, rising: bool, moments: Array, work: _Workspace
) -> float:
    """:func:`_halley` for one row, step for step the same arithmetic (numpy for the sums,
    IEEE floats for the rest), so that a row gets the same bits alone as in a batch."""
    n = flows.size
    minus_months = _minus_months(n)
    tolerance = _TOLERANCE * (1.0 + max(abs(lo), abs(hi)))
    d = _view(work.scratch, 1, n)
    sums = _view(work.sums, 1, 3)
    for _ in range(_MAX_ITERATIONS):
        np.multiply(u, minus_months, out=d[0])
        np.exp(d, out=d)
        np.multiply(flows, d, out=d)
        f, first, curvature = np.einsum("rt,kt->rk", d, moments, out=sums)[0].tolist()
        if (f < 0) == rising:
            lo = u
        else:
            hi = u
        denominator = 2.0 * first * first - f * curvature
        step = -2.0 * f * first / denominator if denominator != 0 else math.inf
        candidate = u - step  # (a step of inf or nan leaves the bracket either way)
        small = abs(step) <= tolerance
        if f == 0:
            return u
        u = candidate if small or lo <= candidate <= hi else 0.5 * (lo + hi)
        if small or hi - lo <= tolerance:
            return u
    return math.nan


_ORDER = tuple(int(k) for k in np.argsort(_GRID_DISTANCE, kind="stable"))
"""Grid intervals by their distance from 0, ties by position: the order ``argmin`` chooses in."""
_GRID_POINTS = tuple(float(u) for u in _GRID)
GRID = _GRID
"""The IRR grid's points in ``log(1 + monthly rate)`` (for the compiled batch kernel)."""
ORDER = _ORDER
"""The grid's intervals in the order they are tried: by their distance from 0."""


def _first_sign_change(values: list[float], order: tuple[int, ...]) -> int:
    """The first interval of ``order`` with a sign change (or f = 0 at its start); -1 if none."""
    for k in order:
        low, high = values[k], values[k + 1]
        if low == 0 or (low < 0 < high) or (low > 0 > high):
            return k
    return -1


def _log_rate_one(cf: Array, work: _Workspace) -> float:
    """:func:`_irr_nearest` for one row, as ``log(1 + rate)``: the same grid values and Halley
    steps, the bracket chosen in the same order by a loop over floats."""
    n = cf.size
    window, outside, moments = _grid_tables(n)
    row = cf.reshape(1, n)
    values = [math.nan] * _GRID.size
    inner = np.einsum("rt,kt->rk", row, window, out=_view(work.inner, 1, window.shape[0]))
    values[_FIRST : _LAST + 1] = inner[0].tolist()
    k = _first_sign_change(values, _ORDER[: 2 * _WINDOW])
    if k < 0:
        rest = np.einsum("rt,kt->rk", row, outside, out=_view(work.outside, 1, outside.shape[0]))
        values[:_FIRST], values[_LAST + 1 :] = rest[0, :_FIRST].tolist(), rest[0, _FIRST:].tolist()
        k = _first_sign_change(values, _ORDER[2 * _WINDOW :])
        if k < 0:
            return math.nan
    lo, hi, f_lo, f_hi = _GRID_POINTS[k], _GRID_POINTS[k + 1], values[k], values[k + 1]
    if f_lo == 0:
        return lo
    u = lo - f_lo * (hi - lo) / (f_hi - f_lo)
    with np.errstate(over="ignore", invalid="ignore"):
        return _halley_one(cf, u, lo, hi, f_lo < 0, moments, work)


def _irr_one(cf: Array, work: _Workspace) -> tuple[float, bool]:
    """:func:`_irr_block` for one row ``(N,)``: its monthly IRR and whether it falls back."""
    if not ((cf > 0).any() and (cf < 0).any()):
        return math.nan, False
    row = cf.reshape(1, -1)
    changes = int(_sign_changes(row)[0])
    x = np.expm1(np.full(1, _log_rate_one(cf, work)))
    if changes > 1 and not math.isnan(x[0]) and not _nearest_to_zero(row, x)[0]:
        x[0] = math.nan
    if not math.isnan(x[0]):
        return float(x[0]), False
    if changes > 1:
        below, above, uncertain = _roots_by_side(row)
        if not uncertain[0] and below[0] == 0 and above[0] == 0:
            return math.nan, False
    return math.nan, True


def _roots_beyond(cf: Array, rate: Array, above: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Upper bound on each row's roots with rates above (or below) ``rate``; -1 if unsure.

    With ``d(t) = cf(t) (1 + rate) ** -t``, rates above ``rate`` are the roots of
    ``sum d(t) w ** t`` with w in (0, 1), and ``P(w) / (1 - w)`` has the partial sums of d as
    coefficients: by Descartes' rule for power series there are at most as many such roots as
    the partial sums have sign changes. Rates below ``rate`` are the same on reversed flows.
    A partial sum within rounding of 0 makes the bound unsure.
    """
    n = cf.shape[1]
    # a rate near -1 overflows d to +-inf; its partial sums turn nan and the bound unsure
    with np.errstate(all="ignore"):
        d = cf * np.exp(-np.outer(np.log1p(rate), np.arange(1, n + 1)))
        d = np.where(above[:, None], d, d[:, ::-1])
        sums = np.cumsum(d, axis=1)
        rounding = 8 * n * np.finfo(np.float64).eps * np.cumsum(np.abs(d), axis=1)
    sure = (np.abs(sums) > rounding).all(axis=1) & (rate > -1)
    return np.where(sure, _sign_changes(np.where(sure[:, None], sums, 1.0)), -1)


def _nearest_to_zero(cf: Array, x: Array) -> NDArray[np.bool_]:
    """Whether root ``x`` is provably each row's only root with ``|rate| <= |x|``.

    Either at most one root lies beyond ``-|x|`` on x's side (x itself), or x is the only root
    from the far end up to just past x. Both are :func:`_roots_beyond` bounds.
    """
    positive = x > 0
    size = np.abs(x)
    sure = _roots_beyond(cf, np.where(positive, -size, size), positive) == 1
    rest = np.flatnonzero(~sure)
    if rest.size:
        past = np.where(positive, x + 1e-6 * (1 + size), x - 1e-6 * (1 + size))
        sure[rest] = _roots_beyond(cf[rest], past[rest], ~positive[rest]) == 1
    return np.asarray(sure, dtype=bool)


def _irr_vectorised(cf: Array) -> tuple[Array, NDArray[np.bool_]]:
    """Monthly IRR per row where it is settled without a polynomial solve, and where it is not.

    Rows with one sign change have exactly one root (Descartes), so the bracketed root is it.
    With several, the root found is kept where :func:`_nearest_to_zero` proves it nearest 0,
    and rows that :func:`_roots_by_side` proves rootless are settled as ``nan``. A block of
    :func:`block_rows` rows at a time: a row's result does not depend on the block it is in.
    """
    rows = cf.shape[0]
    work = _WORKSPACE.ensure(cf.shape[1])
    cf = np.ascontiguousarray(cf)  # the same summation order for a row alone and in a batch
    if rows == 1:  # one plan: numpy for the sums, plain floats for the bookkeeping
        x, falls_back = _irr_one(cf[0], work)
        return np.full(1, x), np.full(1, falls_back)
    size = block_rows(cf.shape[1])
    if rows <= size:
        return _irr_block(cf, work)
    out = np.empty(rows)
    fallback = np.empty(rows, dtype=bool)
    for start in range(0, rows, size):
        block = slice(start, start + size)
        out[block], fallback[block] = _irr_block(cf[block], work)
    return out, fallback


def _irr_block(cf: Array, work: _Workspace) -> tuple[Array, NDArray[np.bool_]]:
    rows = cf.shape[0]
    out = np.full(rows, np.nan)
    defined = (cf > 0).any(axis=1) & (cf < 0).any(axis=1)
    index = np.flatnonzero(defined)
    if index.size == 0:
        return out, np.zeros(rows, dtype=bool)
    flows = cf if index.size == rows else cf[index]
    changes = _sign_changes(flows)
    x = _irr_nearest(flows, changes == 1, work)
    check = np.flatnonzero((changes > 1) & ~np.isnan(x))
    if check.size:
        x[check[~_nearest_to_zero(flows[check], x[check])]] = np.nan
    out[index] = x
    unsettled = np.isnan(x)
    open_rows = index[unsettled]
    several = open_rows[changes[unsettled] > 1]
    if several.size:
        below, above, uncertain = _roots_by_side(cf[several])
        rootless = several[~uncertain & (below == 0) & (above == 0)]
        open_rows = np.setdiff1d(open_rows, rootless)
    fallback = np.zeros(rows, dtype=bool)
    fallback[open_rows] = True
    return out, fallback


def irr_fallback_rows(cash_flows: ArrayLike) -> NDArray[np.bool_]:
    """Rows for which :func:`irr_monthly` falls back to ``numpy_financial.irr`` (for measuring).

    >>> irr_fallback_rows([[-100, 39, 59, 75], [100, 0, 50, 0], [-1, 0, 0, 1e9]]).tolist()
    [False, False, True]

    (The last row's root, a monthly rate of 99,900 %, lies beyond the grid.)
    """
    return _irr_vectorised(_rows(cash_flows))[1]


def irr_monthly(cash_flows: ArrayLike) -> Array:
    """Monthly internal rate of return per row: the root with rate > -1 closest to 0.

    Agrees with ``numpy_financial.irr``, without its per-row polynomial solve wherever the
    answer can be proved otherwise: a grid over ``log(1 + rate)`` brackets the sign change
    nearest 0 for all rows at once, a safeguarded Halley iteration finds the root in it, and
    Descartes' rule shows that no other root is nearer 0 (one sign change in the flows: the
    root is unique; several: see :func:`_nearest_to_zero`). Every other row (no bracket, no
    proof, no convergence) falls back to ``numpy_financial.irr`` row by row
    (:func:`irr_fallback_rows` tells which). ``nan`` when a row lacks a negative or a
    positive flow, or has no root.

    >>> round(float(irr_monthly([-100, 39, 59, 55, 20])[0]), 5)
    0.28095
    >>> bool(np.isnan(irr_monthly([100, 0, 50])[0]))
    True
    >>> round(float(irr_monthly([-100, 230, -132])[0]), 9)  # roots 10 % and 20 %: nearer 0
    0.1
    """
    cf = _rows(cash_flows)
    out, fallback = _irr_vectorised(cf)
    for row in np.flatnonzero(fallback):
        out[row] = _polynomial_irr(cf[row])
    return out


def _polynomial_irr(flows: Array) -> float:
    """``numpy_financial.irr`` of one row; ``nan`` where its eigenvalue solve cannot run
    (flows so tiny or so large that the companion matrix holds inf or nan)."""
    import numpy_financial as npf  # rarely needed: imported on first use

    with np.errstate(all="ignore"):
        try:
            return float(npf.irr(flows))
        except np.linalg.LinAlgError:
            return math.nan


def irr_annual(cash_flows: ArrayLike) -> Array:
    """docs/model.md's ``irr``: the monthly IRR compounded to a year, ``(1 + x) ** 12 - 1``.

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
    """docs/model.md ``payback_month``: 0 if never negative, nan if still negative at the end.

    >>> payback_month([[5, 3, 1], [-5, 3, 4], [-1, -2, 3], [-1, 2, -1]]).tolist()
    [0.0, 2.0, 3.0, nan]
    """
    cum = _rows(cumulative)
    negative = cum < 0
    last_negative = cum.shape[1] - 1 - np.argmax(negative[:, ::-1], axis=1)
    month = np.where(negative.any(axis=1), last_negative + 2.0, 0.0)
    return np.where(cum[:, -1] < 0, np.nan, month)


def break_even_month(cash_flows: ArrayLike) -> Array:
    """``break_even_month``: first month from which the flow stays >= 0; nan if cf(N) < 0.

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
    # + 0.0: no "-0" where the lowest cumulative cash is 0 (-0.0 + 0.0 is 0.0)
    return np.asarray(np.maximum(0.0, -_rows(cumulative).min(axis=1)) + 0.0)


def roi(cumulative: ArrayLike, peak: Array | None = None) -> Array:
    """``cum(N) / peak_funding``; nan when nothing had to be put in.

    A peak so small that the ratio overflows (float residue of a zero) also gives nan.
    ``peak``: :func:`peak_funding` of the same rows, where the caller has it.

    >>> roi([[-5, -8, 2], [1, 2, 3], [-1e-320, 5, 5]]).tolist()
    [0.25, nan, nan]
    """
    cum = _rows(cumulative)
    if peak is None:
        peak = peak_funding(cum)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(peak > 0, cum[:, -1] / np.where(peak > 0, peak, 1.0), np.nan)
    return np.where(np.isfinite(ratio), ratio, np.nan)
