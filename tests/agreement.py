"""How closely the compiled batch must agree with a plan computed alone (a team decision):
within 1e-12 relative or 1e-6 currency units on every figure, payback and break-even months
identical, every figure identical once formatted for display."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from planner import i18n
from planner.model import MONTH_FIGURES

RTOL = 1e-12
MONEY_ATOL = 1e-6
"""Currency units: an NPV or a cumulative cash near 0 has no meaningful relative error."""
SHARE_ATOL = 1e-12
"""The IRR and the ROI are shares: near 0 the same floor, 1e-10 percentage points."""
SHARES = frozenset({"irr", "roi"})


def shown(name: str, value: float) -> str:
    """How the app shows a figure, in both languages."""
    if not np.isfinite(value):
        return i18n.money(None, "EUR", "en")
    if name in SHARES:
        return i18n.percent(value, "en") + i18n.percent(value, "de")
    if name in MONTH_FIGURES:
        return str(int(value))
    return i18n.money(value, "EUR", "en") + i18n.money(value, "EUR", "de")


def assert_figure_agrees(name: str, actual: Any, expected: Any, *, display: bool = True) -> None:
    """``actual`` (the batch) agrees with ``expected`` (alone) as the team decided."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    if name in MONTH_FIGURES:
        np.testing.assert_array_equal(actual, expected, err_msg=name)
        return
    atol = SHARE_ATOL if name in SHARES else MONEY_ATOL
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=atol, err_msg=name)
    if display:
        for a, e in zip(actual.ravel().tolist(), expected.ravel().tolist(), strict=True):
            assert shown(name, a) == shown(name, e), (name, a, e)


def assert_figures_agree(actual: Mapping[str, Any], expected: Mapping[str, Any]) -> None:
    """Both sides' key figures and ``mutual`` of a batch agree with the reference."""
    for side in ("partner", "vendor"):
        assert actual[side].keys() == expected[side].keys()
        for name, values in expected[side].items():
            assert_figure_agrees(name, actual[side][name], values)
    np.testing.assert_array_equal(actual["mutual"], expected["mutual"])
