"""Sensitivity (tornado): each driver moved down and up by a step, effect on one key figure.

All moves are one batch: row 0 is the plan, rows ``2i+1`` and ``2i+2`` move driver ``i`` to
``value * (1 - step)`` and ``value * (1 + step)`` (integers rounded, clipped to the valid range),
so the whole tornado costs one :func:`planner.model.simulate` call.

Undefined figures (docs/model.md's null, e.g. a payback never reached) are handled explicitly: a bar
whose move makes the figure defined or undefined (``changes_kind``) ranks above every numeric
impact, because the answer changes in kind; otherwise the impact is the larger absolute change
of the two moves.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from planner import model, privacy
from planner.analysis import DEFAULT_FIGURE as DEFAULT_FIGURE
from planner.analysis import AnalysisError
from planner.analysis.drivers import Driver, driver, tornado_drivers
from planner.analysis.figures import check_figure, compute
from planner.plan.schema import Plan

DEFAULT_STEP = 0.2


def _plain(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


@dataclass(frozen=True)
class Bar:
    """One driver's bar: the driver values tried and the figure at each (None if undefined)."""

    path: str
    value: float
    low_value: float
    high_value: float
    low_figure: float | None
    high_figure: float | None
    impact: float
    """Largest absolute change of the figure (0 if it is undefined throughout)."""
    changes_kind: bool
    """The figure is defined at one of base, low and high, and undefined at another."""

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "value": self.value,
            "low_value": self.low_value,
            "high_value": self.high_value,
            "low_figure": self.low_figure,
            "high_figure": self.high_figure,
            "impact": self.impact,
            "changes_kind": self.changes_kind,
        }


@dataclass(frozen=True)
class Tornado:
    """Bars sorted by impact (changes of kind first), with the base figure for reference."""

    figure: str
    step: float
    base: float | None
    bars: list[Bar]

    def to_json(self) -> dict[str, Any]:
        return {
            "figure": self.figure,
            "step": self.step,
            "base": self.base,
            "bars": [bar.to_json() for bar in self.bars],
        }


def check_step(step: float) -> float:
    """``step`` if it is a fraction above 0 and at most 1 (100 %), else :class:`AnalysisError`."""
    if not math.isfinite(step) or not 0 < step <= 1:
        raise AnalysisError(f"step: {step:g} is not within 0 (excluded) to 1 (0.2 = 20 %)")
    return step


def tornado(
    plan: Plan,
    figure: str = DEFAULT_FIGURE,
    step: float = DEFAULT_STEP,
    paths: Sequence[str] | None = None,
    audience: str | None = None,
) -> Tornado:
    """Move each driver (default :func:`tornado_drivers`) down and up by ``step``; one batch.

    With ``audience`` (:mod:`planner.privacy`) the tornado is that side's: only drivers and
    figures it may see, so a value hidden from it is neither a bar nor a "now".
    """
    check_figure(figure, privacy.hidden_figures(plan, audience) if audience else ())
    check_step(step)
    items: list[Driver] = (
        tornado_drivers(plan, audience)
        if paths is None
        else [driver(plan, path, audience) for path in paths]
    )
    batch = model.Batch.from_plans([plan]).repeat(2 * len(items) + 1)
    for i, item in enumerate(items):
        column = np.full(batch.size, item.value)
        column[2 * i + 1 : 2 * i + 3] = item.clamp(
            [item.value * (1 - step), item.value * (1 + step)]
        )
        batch = batch.set(item.path, column)
    values = compute(batch, model.simulate(batch), figure)
    base = values[0]
    bars = []
    for i, item in enumerate(items):
        low, high = values[2 * i + 1], values[2 * i + 2]
        defined = np.isfinite([base, low, high])
        changes = [abs(v - base) for v in (low, high) if math.isfinite(v) and math.isfinite(base)]
        moved = batch.get(item.path)
        bars.append(
            Bar(
                path=item.path,
                value=item.value,
                low_value=float(moved[2 * i + 1]),
                high_value=float(moved[2 * i + 2]),
                low_figure=_plain(low),
                high_figure=_plain(high),
                impact=float(max(changes, default=0.0)),
                changes_kind=bool(defined.any() and not defined.all()),
            )
        )
    bars.sort(key=lambda bar: (not bar.changes_kind, -bar.impact))
    return Tornado(figure=figure, step=step, base=_plain(base), bars=bars)
