"""The numeric drivers of a plan (the numbers an analysis may vary) and their valid ranges.

A driver is a dotted plan path (``revenue.deal_size``, ``resources.0.start_month``) whose
value is a number of the model. Its range is read from the pydantic schema in
:mod:`planner.plan` (``Field(ge=..., le=..., lt=...)``, so ``MAX_MONEY`` and ``MAX_COUNT``
apply) and narrowed by the plan's cross-checks (a start month or an investment month lies
within the horizon, a ramp is at most the horizon). The horizon ``months`` itself and the
``revenue.subscription`` flag are not drivers: a batch shares one horizon, and a flag is no
quantity.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planner import catalogue, model
from planner.analysis import AnalysisError
from planner.plan import Plan, Problem

Array = NDArray[np.float64]

TORNADO_EXCLUDED = frozenset({"month", "every_months"})
"""Investment timing fields: drivers for goal seek and Monte Carlo, but a +-20 % move of a
month number says little, so the tornado leaves them out by default."""


@dataclass(frozen=True)
class Driver:
    """One numeric driver: its path, current value and valid range ``low..high`` (inclusive).

    ``integer`` drivers (months, ramp and repeat lengths) take whole numbers only.
    """

    path: str
    value: float
    low: float
    high: float
    integer: bool

    def clamp(self, values: ArrayLike) -> Array:
        """Values made valid: rounded to whole numbers if ``integer``, then clipped to the range.

        >>> Driver("resources.0.start_month", 3, 1, 36, True).clamp([0.4, 2.5, 7.6, 99]).tolist()
        [1.0, 2.0, 8.0, 36.0]
        """
        array = np.asarray(values, dtype=np.float64)
        if self.integer:
            array = np.rint(array)
        return np.clip(array, self.low, self.high)

    def contains(self, value: float) -> bool:
        """Whether ``value`` is valid for this driver (in range, whole if ``integer``)."""
        if not math.isfinite(value) or not self.low <= value <= self.high:
            return False
        return not self.integer or float(value).is_integer()

    def describe_range(self) -> str:
        """The range as a message puts it: ``0 to 1``."""
        return f"{_fmt(self.low)} to {_fmt(self.high)}"


def _fmt(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.17g}" if value > 0.999999 and value < 1 else f"{value:g}"


def _schema_bounds(path: str) -> tuple[float, float, bool] | None:
    """``(low, high, integer)`` of a numeric plan path (the catalogue's, read from the pydantic
    schema), or None; a side with no bound is infinite."""
    entry = catalogue.find(path)
    if entry is None or not entry.numeric or entry.kind in ("version", "mapping"):
        return None
    low = -math.inf if entry.low is None else entry.low
    high = math.inf if entry.high is None else entry.high
    return (low, high, entry.integer)


def _paths(plan: Plan) -> list[str]:
    """Every numeric driver path of the plan, in plan order."""
    paths = [p for p in model.SCALAR_PATHS if p != "revenue.subscription"]
    for list_path, names in model.LIST_FIELDS.items():
        items = plan.vendor_programme.rebate_tiers if "." in list_path else getattr(plan, list_path)
        count = len(items)
        paths += [f"{list_path}.{i}.{name}" for i in range(count) for name in names]
    return paths


def _value(plan: Plan, path: str) -> float:
    node: Any = plan
    for part in path.split("."):
        node = node[int(part)] if part.isdigit() else getattr(node, part)
    return float(node)


def _driver(plan: Plan, path: str) -> Driver | None:
    bounds = _schema_bounds(path)
    if bounds is None:
        return None
    low, high, integer = bounds
    if catalogue.field(path).horizon:  # a plan month (or a ramp) within the horizon
        high = min(high, float(plan.months))
    try:
        value = _value(plan, path)
    except (AttributeError, IndexError, TypeError):  # TypeError: an optional value left out
        return None
    return Driver(path, value, low, high, integer)


def _visible(plan: Plan, audience: str | None) -> Callable[[str], bool]:
    """Whether ``audience`` may see a driver (``None``: everybody sees every driver)."""
    if audience is None:
        return lambda path: True
    from planner import privacy  # only here: validating a plan stays free of the store

    shown = privacy.view(plan, audience)
    return lambda path: not shown.is_hidden(path)


def drivers(plan: Plan, audience: str | None = None) -> list[Driver]:
    """All numeric drivers of the plan with current values and valid ranges, in plan order;
    with ``audience``, only those it may see (:mod:`planner.privacy`)."""
    visible = _visible(plan, audience)
    found = (_driver(plan, path) for path in _paths(plan) if visible(path))
    return [d for d in found if d is not None]


def tornado_drivers(plan: Plan, audience: str | None = None) -> list[Driver]:
    """The drivers a tornado moves by default: all but investment months and repeat periods
    (with ``audience``: of those it may see)."""
    return [
        d
        for d in drivers(plan, audience)
        if not (d.path.startswith("investments.") and d.path.rpartition(".")[2] in TORNADO_EXCLUDED)
    ]


def driver(plan: Plan, path: str, audience: str | None = None) -> Driver:
    """The driver at ``path``; :class:`AnalysisError` naming it if it is none. A driver hidden
    from ``audience`` is none for it: the same message, so the refusal tells nothing."""
    if path in _paths(plan) and _visible(plan, audience)(path):
        found = _driver(plan, path)
        if found is not None:
            return found
    raise AnalysisError(
        f"driver: {path!r} is not a numeric driver of this plan "
        "(e.g. revenue.deal_size, discount_rate, resources.0.fte, investments.0.vendor_share)"
    )


def set_drivers(batch: model.Batch, values: dict[str, ArrayLike]) -> model.Batch:
    """The batch with each driver path set to its values (shape ``(B,)`` or a scalar)."""
    for path, column in values.items():
        batch = batch.set(path, column)
    return batch


def as_plan_value(item: Driver, value: float) -> float | int:
    """A driver value as the plan file holds it (``int`` for integer drivers)."""
    return round(value) if item.integer else float(value)


def uncertainty_problems(plan: Plan, entries: Sequence[Any]) -> list[Problem]:
    """Cross-checks of the plan's ``uncertainty[]`` entries against the driver ranges.

    Each path must be a numeric driver, appear once, and have ``low <= likely <= high``
    within the driver's range (whole numbers for integer drivers).
    """
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        where = f"uncertainty.{i}"
        try:
            item = driver(plan, entry.path)
        except AnalysisError:
            problems.append(
                Problem(
                    f"{where}.path",
                    f"{entry.path!r} is not a numeric driver",
                    "not_driver",
                    {"value": entry.path},
                )
            )
            continue
        if entry.path in seen:
            problems.append(
                Problem(f"{where}.path", f"{entry.path!r} appears twice", "driver_twice")
            )
        seen.add(entry.path)
        bounds = [("low", entry.low), ("likely", entry.likely), ("high", entry.high)]
        for name, value in bounds:
            if value is None:
                continue
            if not item.low <= value <= item.high:
                message = f"{_fmt(value)} is not within {item.describe_range()}"
                params = {"value": _fmt(value), "low": _fmt(item.low), "high": _fmt(item.high)}
                problems.append(Problem(f"{where}.{name}", message, "not_within", params))
            elif item.integer and not float(value).is_integer():
                problems.append(
                    Problem(
                        f"{where}.{name}",
                        f"{_fmt(value)} is not a whole number",
                        "not_integer",
                        {"value": _fmt(value)},
                    )
                )
        if entry.distribution == "triangular" and entry.likely is None:
            problems.append(
                Problem(f"{where}.likely", "is required for a triangular range", "likely_needed")
            )
        elif entry.distribution == "uniform" and entry.likely is not None:
            problems.append(
                Problem(f"{where}.likely", "is only used by a triangular range", "likely_unused")
            )
        low, likely, high = _fmt(entry.low), entry.likely, _fmt(entry.high)
        if entry.low > entry.high:
            message = f"{low} is above high {high}"
            params = {"low": low, "high": high}
            problems.append(Problem(f"{where}.low", message, "low_above_high", params))
        elif likely is not None and not entry.low <= likely <= entry.high:
            message = f"{_fmt(likely)} is not within low {low} to high {high}"
            params = {"value": _fmt(likely), "low": low, "high": high}
            problems.append(Problem(f"{where}.likely", message, "not_within", params))
    return problems
