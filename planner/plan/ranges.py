"""The numeric drivers of a plan (the numbers an analysis may vary), their valid ranges, and the
rule the plan's ``uncertainty[]`` keeps.

A driver is a dotted plan path (``revenue.deal_size``, ``resources.0.start_month``) whose
value is a number of the model. Its range is read from the pydantic schema in
:mod:`planner.plan.schema` through the field catalogue (``Field(ge=..., le=..., lt=...)``, so
``MAX_MONEY`` and ``MAX_COUNT`` apply) and narrowed by the plan's cross-checks (a start month or
an investment month lies within the horizon, a ramp is at most the horizon). The horizon
``months`` itself and the ``revenue.subscription`` flag are not drivers: a batch shares one
horizon, and a flag is no quantity. The analyses' view of them, for a side and with the
arithmetic of moving them, is :mod:`planner.analysis.drivers`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from planner import catalogue
from planner.plan.schema import Plan, Problem

LIST_PATHS = ("resources", "investments", "vendor_programme.rebate_tiers")
"""The lists whose items hold drivers, the team first: drivers are listed in this order."""


@dataclass(frozen=True)
class Range:
    """The valid values of one driver: ``low..high`` (inclusive), whole numbers if ``integer``."""

    low: float
    high: float
    integer: bool

    def contains(self, value: float) -> bool:
        """Whether ``value`` is valid (in range, whole if ``integer``).

        >>> Range(1, 36, True).contains(3), Range(1, 36, True).contains(2.5)
        (True, False)
        """
        if not math.isfinite(value) or not self.low <= value <= self.high:
            return False
        return not self.integer or float(value).is_integer()

    def describe(self) -> str:
        """The range as a message puts it: ``0 to 1``."""
        return f"{fmt_bound(self.low)} to {fmt_bound(self.high)}"


def fmt_bound(value: float) -> str:
    """A bound or a value as a range message writes it: ``36``, ``0.25``."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.17g}" if value > 0.999999 and value < 1 else f"{value:g}"


def driver_paths(plan: Plan) -> list[str]:
    """Every numeric driver path of the plan, in plan order."""
    paths = [p for p in catalogue.modelled_scalars() if p != "revenue.subscription"]
    lists = catalogue.modelled_lists()
    for list_path in LIST_PATHS:
        items = plan.vendor_programme.rebate_tiers if "." in list_path else getattr(plan, list_path)
        paths += [f"{list_path}.{i}.{name}" for i in range(len(items)) for name in lists[list_path]]
    return paths


def _schema_bounds(path: str) -> Range | None:
    """The range of a numeric plan path (the catalogue's, read from the pydantic schema), or
    None; a side with no bound is infinite."""
    entry = catalogue.find(path)
    if entry is None or not entry.numeric or entry.kind in ("version", "mapping"):
        return None
    low = -math.inf if entry.low is None else entry.low
    high = math.inf if entry.high is None else entry.high
    return Range(low, high, entry.integer)


def _value(plan: Plan, path: str) -> float:
    node: Any = plan
    for part in path.split("."):
        node = node[int(part)] if part.isdigit() else getattr(node, part)
    return float(node)


def value_and_range(plan: Plan, path: str) -> tuple[float, Range] | None:
    """The current value and valid range of a driver path of the plan (not checked to be one
    of :func:`driver_paths`), or None: not numeric, or an optional value the plan leaves out."""
    bounds = _schema_bounds(path)
    if bounds is None:
        return None
    if catalogue.field(path).horizon:  # a plan month (or a ramp) within the horizon
        bounds = Range(bounds.low, min(bounds.high, float(plan.months)), bounds.integer)
    try:
        value = _value(plan, path)
    except (AttributeError, IndexError, TypeError):  # TypeError: an optional value left out
        return None
    return (value, bounds)


def uncertainty_problems(plan: Plan, entries: Sequence[Any]) -> list[Problem]:
    """Cross-checks of the plan's ``uncertainty[]`` entries against the driver ranges.

    Each path must be a numeric driver, appear once, and have ``low <= likely <= high``
    within the driver's range (whole numbers for integer drivers).
    """
    problems: list[Problem] = []
    seen: set[str] = set()
    paths = driver_paths(plan)
    for i, entry in enumerate(entries):
        where = f"uncertainty.{i}"
        found = value_and_range(plan, entry.path) if entry.path in paths else None
        if found is None:
            problems.append(
                Problem(
                    f"{where}.path",
                    f"{entry.path!r} is not a numeric driver",
                    "not_driver",
                    {"value": entry.path},
                )
            )
            continue
        item = found[1]
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
                message = f"{fmt_bound(value)} is not within {item.describe()}"
                params = {
                    "value": fmt_bound(value),
                    "low": fmt_bound(item.low),
                    "high": fmt_bound(item.high),
                }
                problems.append(Problem(f"{where}.{name}", message, "not_within", params))
            elif item.integer and not float(value).is_integer():
                problems.append(
                    Problem(
                        f"{where}.{name}",
                        f"{fmt_bound(value)} is not a whole number",
                        "not_integer",
                        {"value": fmt_bound(value)},
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
        low, likely, high = fmt_bound(entry.low), entry.likely, fmt_bound(entry.high)
        if entry.low > entry.high:
            message = f"{low} is above high {high}"
            params = {"low": low, "high": high}
            problems.append(Problem(f"{where}.low", message, "low_above_high", params))
        elif likely is not None and not entry.low <= likely <= entry.high:
            message = f"{fmt_bound(likely)} is not within low {low} to high {high}"
            params = {"value": fmt_bound(likely), "low": low, "high": high}
            problems.append(Problem(f"{where}.likely", message, "not_within", params))
    return problems
