"""The numeric drivers of a plan as the analyses use them: for a side, with their current
values and the arithmetic of moving them in a batch.

Which paths are drivers and their valid ranges are the plan's (:mod:`planner.plan.ranges`,
read from the schema and narrowed by the plan's cross-checks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planner import model
from planner.analysis import AnalysisError
from planner.plan.ranges import Range, driver_paths, value_and_range
from planner.plan.schema import Plan

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
        return Range(self.low, self.high, self.integer).contains(value)

    def describe_range(self) -> str:
        """The range as a message puts it: ``0 to 1``."""
        return Range(self.low, self.high, self.integer).describe()


def _driver(plan: Plan, path: str) -> Driver | None:
    found = value_and_range(plan, path)
    if found is None:
        return None
    value, bounds = found
    return Driver(path, value, bounds.low, bounds.high, bounds.integer)


def _visible(plan: Plan, audience: str | None) -> Callable[[str], bool]:
    """Whether ``audience`` may see a driver (``None``: everybody sees every driver)."""
    if audience is None:
        return lambda path: True
    from planner import privacy  # only here: it brings pandas, unneeded without an audience

    shown = privacy.view(plan, audience)
    return lambda path: not shown.is_hidden(path)


def drivers(plan: Plan, audience: str | None = None) -> list[Driver]:
    """All numeric drivers of the plan with current values and valid ranges, in plan order;
    with ``audience``, only those it may see (:mod:`planner.privacy`)."""
    visible = _visible(plan, audience)
    found = (_driver(plan, path) for path in driver_paths(plan) if visible(path))
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
    if path in driver_paths(plan) and _visible(plan, audience)(path):
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
