"""The batched IRR: bracketing grid, Halley iteration, Descartes proofs and honest fallback."""

from __future__ import annotations

import warnings

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import finance, kernel


def flows_with_roots(rates, *, scale=1.0, extra=()):
    """Monthly flows cf(1..n) whose IRR equation has exactly the given real roots (rates).

    ``sum cf(t) v ** t`` with ``v = 1 / (1 + rate)`` is ``scale * v * prod(v - v_i)``, times
    quadratic factors ``(v - a) ** 2 + b ** 2`` from ``extra`` that add no real root.
    """
    poly = np.poly1d([scale])
    for rate in rates:
        poly *= np.poly1d([1.0, -1.0 / (1.0 + rate)])
    for a, b in extra:
        poly *= np.poly1d([1.0, -2.0 * a, a * a + b * b])
    coefficients = poly.coeffs[::-1]  # constant term first: cf(1) multiplies v ** 1
    return coefficients


def reference(row):
    return npf.irr(row) if (row > 0).any() and (row < 0).any() else np.nan


def test_roots_on_both_sides_of_zero_take_the_nearer():
    # Roots at -5 % and +8 % a month: numpy_financial picks the one nearer 0, -5 %.
    cf = flows_with_roots([-0.05, 0.08], scale=-100)
    assert finance.irr_monthly(cf)[0] == pytest.approx(-0.05, abs=1e-12)
    assert npf.irr(cf) == pytest.approx(-0.05, abs=1e-12)


def test_two_roots_in_one_grid_interval_fall_back_instead_of_a_wrong_answer():
    # Roots at 0.1 % and 0.2 % lie in one grid interval, so the grid sees no sign change there
    # and brackets the root at 30 % instead; Descartes cannot rule out nearer roots, so the
    # row falls back to numpy_financial, which finds 0.1 %.
    cf = flows_with_roots([0.001, 0.002, 0.3], scale=-1000)
    assert finance.irr_fallback_rows(cf).tolist() == [True]
    assert finance.irr_monthly(cf)[0] == pytest.approx(0.001, abs=1e-9)


def test_a_root_beyond_the_grid_falls_back():
    # (1 + x) ** 3 = 1e9: x = 999 a month, outside the grid's +-4 in log(1 + x).
    cf = [-1.0, 0.0, 0.0, 1e9]
    assert finance.irr_fallback_rows(cf).tolist() == [True]
    assert finance.irr_monthly(cf)[0] == pytest.approx(999.0, rel=1e-12)


def test_a_root_on_a_grid_point_is_exact():
    # -100 + 100 = 0: the rate 0 is a root and a grid point.
    assert finance.irr_monthly([-100.0, 100.0])[0] == 0.0


def test_partner_like_flows_with_yearly_dips_need_no_fallback():
    # A J-curve with a recertification cost every 12 months: several sign changes but one
    # root; the Descartes proof settles every row without numpy_financial.
    t = np.arange(1, 61)
    growth = np.linspace(0.5, 1.5, 50)[:, None]
    cf = -40_000 + 2_500 * t[None, :] * growth
    cf[:, 12::12] -= 60_000
    assert (finance._sign_changes(cf) > 1).all()
    assert not finance.irr_fallback_rows(cf).any()
    ours = finance.irr_monthly(cf)
    for row, value in zip(cf, ours, strict=True):
        assert value == pytest.approx(npf.irr(row), abs=1e-9)


def test_a_row_gets_the_same_bits_alone_and_in_any_batch():
    rng = np.random.default_rng(3)
    t = np.arange(1, 37)
    batch = np.vstack(
        [-30_000 + 2_000 * t[None, :] * rng.uniform(0.3, 2.0, (20, 1)), rng.normal(0, 1, (20, 36))]
    )
    together = finance.irr_monthly(batch)
    alone = np.array([finance.irr_monthly(row)[0] for row in batch])
    reversed_ = finance.irr_monthly(batch[::-1])[::-1]
    np.testing.assert_array_equal(together, alone)
    np.testing.assert_array_equal(together, reversed_)


rates = st.floats(-0.6, 1.5).filter(lambda x: abs(x) > 1e-3)
separated = st.lists(rates, min_size=1, max_size=4).filter(
    lambda xs: all(abs(a - b) > 0.05 for i, a in enumerate(xs) for b in xs[i + 1 :])
)
complex_pairs = st.lists(
    st.tuples(st.floats(0.2, 3.0), st.floats(0.05, 2.0)), min_size=0, max_size=3
)


@settings(max_examples=300, deadline=None)
@given(separated, complex_pairs, st.sampled_from([-1e4, -1.0, 1.0, 1e6]))
def test_flows_with_several_roots_agree_with_numpy_financial(roots, pairs, scale):
    cf = flows_with_roots(roots, scale=scale, extra=pairs)
    expected = reference(cf)
    ours = finance.irr_monthly(cf)[0]
    if np.isnan(expected):
        assert np.isnan(ours)
    else:
        assert ours == pytest.approx(expected, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(separated, complex_pairs), min_size=2, max_size=6))
def test_batches_of_mixed_rows_agree_row_by_row(rows):
    flows = [flows_with_roots(r, scale=-100.0, extra=p) for r, p in rows]
    width = max(len(f) for f in flows)
    batch = np.zeros((len(flows), width))
    for i, f in enumerate(flows):
        batch[i, : len(f)] = f  # trailing zero months add no root
    ours = finance.irr_monthly(batch)
    for row, value in zip(batch, ours, strict=True):
        expected = reference(row)
        if np.isnan(expected):
            assert np.isnan(value)
        else:
            assert value == pytest.approx(expected, abs=1e-9)


def test_a_rate_near_minus_one_makes_the_root_bound_unsure_without_a_warning():
    # 1 / (1 - 0.99999999) ** 60 = 1e480 overflows: the discounted flows are +-inf by turns,
    # their partial sums inf - inf; the bound must say "unsure" (-1), quietly
    flows = np.array([[-100.0] + [3.0, -3.0] * 29 + [3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bound = finance._roots_beyond(flows, np.array([-0.99999999]), np.array([True]))
    assert bound.tolist() == [-1]


def test_the_window_around_zero_holds_the_grid_intervals_nearest_zero():
    # The IRR evaluates the grid's points around 0 first and keeps a sign change found there:
    # that is the whole grid's choice only if the window's intervals are the nearest ones.
    nearest = np.argsort(finance._GRID_DISTANCE, kind="stable")[: 2 * finance._WINDOW]
    assert sorted(nearest.tolist()) == list(range(finance._FIRST, finance._LAST))
    assert finance._GRID[(finance._FIRST + finance._LAST) // 2] == 0.0


def mixed_rows(rng):
    """Roots inside and outside the window around 0 (above and below it), on a grid point,
    several sign changes, no root, one-signed rows and a fallback; more rows than one block."""
    t = np.arange(1, 61)
    growth = rng.uniform(0.05, 4.0, (700, 1))
    j_curves = -40_000 + 2_500 * t[None, :] * growth  # roots from near 0 to far beyond +-0.14
    dipped = j_curves[:300].copy()
    dipped[:, 11::12] -= rng.uniform(20_000, 90_000, (300, 1))
    fast = -np.ones((200, 60))
    fast[:, 1:] = rng.uniform(0.5, 3.0, (200, 1))  # roots far above the window
    lossy = np.zeros((100, 60))
    lossy[:, 0] = -1.0
    lossy[:, 1:8] = rng.uniform(0.01, 0.12, (100, 1))  # roots far below it (rates to -80 %)
    lossy[::2] *= -1  # and the same with the signs the other way round
    several = np.zeros((100, 60))
    for row in several:
        roots = rng.choice([-0.3, -0.05, 0.02, 0.08, 0.4], size=rng.integers(1, 4), replace=False)
        flows = flows_with_roots(sorted(roots), scale=-100.0)
        row[: flows.size] = flows
    special = np.zeros((4, 60))
    special[0, :2] = [-100.0, 100.0]  # a root on a grid point (rate 0)
    special[1] = 1.0  # no negative month
    special[2, [0, 59]] = [-1.0, 1e30]  # beyond the grid: falls back
    special[3] = rng.normal(0, 1, 60)
    return np.vstack([j_curves, dipped, fast, lossy, several, special, rng.normal(0, 1, (300, 60))])


def test_rows_alone_equal_rows_in_blocks_bit_for_bit():
    # A row's neighbours and its block change between the runs; alone, a row takes the float
    # path.
    rng = np.random.default_rng(7)
    batch = mixed_rows(rng)
    assert batch.shape[0] > finance.block_rows(batch.shape[1])
    together = finance.irr_monthly(batch)
    alone = np.array([finance.irr_monthly(row)[0] for row in batch])
    np.testing.assert_array_equal(together, alone)
    np.testing.assert_array_equal(finance.irr_monthly(batch[::-1])[::-1], together)
    assert finance.irr_fallback_rows(batch).tolist() == [
        bool(finance.irr_fallback_rows(row)[0]) for row in batch
    ]
    sample = rng.choice(batch.shape[0], 120, replace=False)
    for row in sample:
        expected = reference(batch[row])
        if np.isnan(expected):
            assert np.isnan(together[row])
        else:
            assert together[row] == pytest.approx(expected, abs=1e-9)


def assert_kernel_agrees(flows, alone):
    """The compiled IRR of a batch against rows alone: the team's tolerance, 1e-12 relative
    (1e-12 absolute for a rate near 0), undefined where alone it is undefined."""
    np.testing.assert_array_equal(np.isnan(flows), np.isnan(alone))
    np.testing.assert_allclose(flows, alone, rtol=1e-12, atol=1e-12)


def test_the_compiled_irr_agrees_with_each_row_alone_and_with_numpy_financial():
    rng = np.random.default_rng(7)
    batch = mixed_rows(rng)
    compiled = kernel.irr_monthly(batch)
    alone = np.array([finance.irr_monthly(row)[0] for row in batch])
    assert_kernel_agrees(compiled, alone)
    # The kernel leaves open only rows it cannot settle: no bracket, no proof (the numpy path
    # then proves them rootless or falls back); every J-curve (one root on the grid) it settles.
    _, left_open = kernel.irr_open(batch)
    settled_alone = ~np.isnan(alone) & ~finance.irr_fallback_rows(batch)
    single = finance._sign_changes(batch) == 1
    assert not (left_open & settled_alone & single).any()
    assert not left_open[:700].any()
    np.testing.assert_array_equal(kernel.irr_monthly(batch[::-1])[::-1], compiled)
    for row in rng.choice(batch.shape[0], 120, replace=False):
        expected = reference(batch[row])
        if np.isnan(expected):
            assert np.isnan(compiled[row])
        else:
            assert compiled[row] == pytest.approx(expected, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(separated, complex_pairs), min_size=1, max_size=6))
def test_the_compiled_irr_of_rows_with_several_roots_agrees_alone_and_with_numpy_financial(rows):
    flows = [flows_with_roots(r, scale=-100.0, extra=p) for r, p in rows]
    width = max(len(f) for f in flows)
    batch = np.zeros((len(flows), width))
    for i, f in enumerate(flows):
        batch[i, : len(f)] = f
    compiled = kernel.irr_monthly(batch)
    assert_kernel_agrees(compiled, np.array([finance.irr_monthly(row)[0] for row in batch]))
    for row, value in zip(batch, compiled, strict=True):
        expected = reference(row)
        if np.isnan(expected):
            assert np.isnan(value)
        else:
            assert value == pytest.approx(expected, abs=1e-9)
