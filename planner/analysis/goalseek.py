"""Goal seek: the value of one driver at which a key figure meets a target, within its range.

The target is a condition ``figure >= target`` or ``figure <= target``; ``=`` asks for the
crossing, answered on its ``>=`` side (so NPV = 0 gives the driver value at which NPV has just
reached 0). Month figures (payback, break-even) are step functions of the drivers: for them
``=`` means ``<=`` ("paid back by month 18"). An undefined figure (null) never meets a target.

Method, all batched: a grid of candidate values over the driver's valid range (every whole
number for integer drivers; for others a linear grid plus a geometric one around the current
value, since money ranges reach 10^12) is evaluated as one batch. Among the places where the
condition flips between neighbouring candidates, the one nearest the current value is refined
by rounds of 31 interior points per batch until the bracket is narrower than ``1e-9`` of the
value. The answer is the bracket end that meets the condition, so putting it back into the plan
meets the target by construction. If no candidate meets it, the target is unreachable.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from planner import model, privacy
from planner.analysis import AnalysisError
from planner.analysis.drivers import Array, Driver, as_plan_value, driver
from planner.analysis.figures import check_figure, compute, is_month_figure
from planner.plan.schema import Plan

Op = Literal[">=", "<=", "="]
Status = Literal["reached", "met_everywhere", "unreachable"]
_INTERIOR = 31
_MAX_ROUNDS = 12
_REL_TOLERANCE = 1e-9
_TARGET = re.compile(r"^\s*(>=|<=|=)?\s*([-+0-9.eE_]+)\s*$")


def parse_target(text: str) -> tuple[Op | None, float]:
    """A target as typed: ``18``, ``<=18``, ``>= 0``, ``=0`` -> ``(op or None, number)``.

    >>> parse_target("<=18")
    ('<=', 18.0)
    >>> parse_target("250000")
    (None, 250000.0)
    """
    match = _TARGET.match(text)
    number = math.nan
    if match:
        try:
            number = float(match[2])
        except ValueError:
            number = math.nan
    if not match or not math.isfinite(number):
        raise AnalysisError(f"target: {text!r} is not a number (optionally with <=, >= or =)")
    op: Op | None = match[1]  # type: ignore[assignment]
    return op, number


@dataclass(frozen=True)
class GoalSeek:
    """The answer: ``value`` of ``path`` at which ``figure`` meets ``op target`` (see status)."""

    path: str
    figure: str
    op: Op
    target: float
    status: Status
    value: float | int | None
    """The driver value found (None when unreachable); as the plan file holds it."""
    figure_value: float | None
    """The figure at ``value`` (or the closest to the target reached, when unreachable)."""
    base_value: float
    base_figure: float | None
    low: float
    high: float

    @property
    def reached(self) -> bool:
        return self.status != "unreachable"

    def message(self) -> str:
        """One line in plain English for the command line."""
        goal = f"{self.figure} {self.op} {self.target:g}"
        where = f"{self.path} within {self.low:g} to {self.high:g}"
        if self.status == "unreachable":
            best = "" if self.figure_value is None else f" (closest: {self.figure_value:g})"
            return f"{goal} cannot be reached by {where}{best}"
        if self.status == "met_everywhere":
            return f"{goal} holds for every value of {where}; kept {self.value}"
        return f"{goal} at {self.path} = {self.value} ({self.figure} = {self.figure_value:g})"

    def to_json(self) -> dict[str, Any]:
        return {
            "driver": self.path,
            "figure": self.figure,
            "op": self.op,
            "target": self.target,
            "status": self.status,
            "value": self.value,
            "figure_value": self.figure_value,
            "base_value": self.base_value,
            "base_figure": self.base_figure,
            "low": self.low,
            "high": self.high,
        }


def _grid(item: Driver) -> Array:
    """Candidate driver values over the whole valid range, sorted and unique."""
    low, high = item.low, item.high
    if item.integer:
        return np.arange(low, high + 1.0)
    scale = abs(item.value) if item.value != 0 else max(min(1.0, high), 1e-9)
    points = np.concatenate(
        [
            np.linspace(low, high, 33),
            [item.value],
            scale * 2.0 ** np.arange(-12, 13),
            scale * 10.0 ** np.arange(-3, 13),
        ]
    )
    return np.unique(item.clamp(points))


def _meets(values: Array, op: Op, target: float) -> Array:
    with np.errstate(invalid="ignore"):
        meets = values <= target if op == "<=" else values >= target
    return np.asarray(meets & np.isfinite(values))


def _evaluate(batch: model.Batch, path: str, candidates: Array, figure: str) -> Array:
    trial = batch.repeat(len(candidates)).set(path, candidates)
    return compute(trial, model.simulate(trial), figure)


def _nearest_flip(candidates: Array, meets: Array, value: float) -> int | None:
    """Index i of the flip (meets[i] != meets[i+1]) nearest to ``value``, or None."""
    flips = np.flatnonzero(meets[1:] != meets[:-1])
    if flips.size == 0:
        return None
    left, right = candidates[flips], candidates[flips + 1]
    distance = np.maximum(0.0, np.maximum(left - value, value - right))
    return int(flips[np.argmin(distance)])


def goal_seek(
    plan: Plan,
    path: str,
    figure: str,
    target: float,
    op: Op | None = None,
    audience: str | None = None,
) -> GoalSeek:
    """The value of driver ``path`` at which ``figure`` meets ``op target`` (module docstring).

    Unknown driver or figure, or a non-finite target, raise :class:`AnalysisError`; with
    ``audience`` (:mod:`planner.privacy`) so do a driver or figure hidden from it, in the
    same words.
    """
    item = driver(plan, path, audience)
    check_figure(figure, privacy.hidden_figures(plan, audience) if audience else ())
    if not math.isfinite(target):
        raise AnalysisError(f"target: {target} is not a finite number")
    if op is None or op == "=":
        op = "<=" if is_month_figure(figure) else (op or "=")
    condition: Op = ">=" if op == "=" else op
    batch = model.Batch.from_plans([plan])

    candidates = _grid(item)
    values = _evaluate(batch, path, np.concatenate([[item.value], candidates]), figure)
    base_figure, values = values[0], values[1:]
    meets = _meets(values, condition, target)

    def result(status: Status, value: float | None, at: float) -> GoalSeek:
        return GoalSeek(
            path=path,
            figure=figure,
            op=op,
            target=target,
            status=status,
            value=None if value is None else as_plan_value(item, value),
            figure_value=float(at) if math.isfinite(at) else None,
            base_value=as_plan_value(item, item.value),
            base_figure=float(base_figure) if math.isfinite(base_figure) else None,
            low=item.low,
            high=item.high,
        )

    flip = _nearest_flip(candidates, meets, item.value)
    if flip is None:
        if meets.all() and op != "=":
            return result("met_everywhere", item.value, base_figure)
        finite = np.isfinite(values)
        closest = (
            values[finite][np.argmin(np.abs(values[finite] - target))] if finite.any() else np.nan
        )
        return result("unreachable", None, closest)

    # Bracket [a, b] with exactly one end meeting the condition; refine it.
    a, b = candidates[flip], candidates[flip + 1]
    meets_a, value_a, value_b = bool(meets[flip]), values[flip], values[flip + 1]
    for _ in range(_MAX_ROUNDS):
        if item.integer or b - a <= _REL_TOLERANCE * max(abs(a), abs(b), 1e-9):
            break
        inner = item.clamp(np.linspace(a, b, _INTERIOR + 2)[1:-1])
        inner_values = _evaluate(batch, path, inner, figure)
        xs = np.concatenate([[a], inner, [b]])
        fs = np.concatenate([[value_a], inner_values, [value_b]])
        ms = _meets(fs, condition, target)
        i = _nearest_flip(xs, ms, item.value)
        if i is None:  # cannot happen: the ends differ; kept for safety
            break
        a, b, meets_a, value_a, value_b = xs[i], xs[i + 1], bool(ms[i]), fs[i], fs[i + 1]
    return result("reached", a if meets_a else b, value_a if meets_a else value_b)
