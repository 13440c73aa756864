"""A batch of plans as arrays (docs/model.md section 1's numbers the model reads): B plans with
one horizon, one row per plan, and the plan paths that address its columns.

:class:`Batch` is what every model call takes: one plan is a batch of one, an analysis sets a
driver to a column of values (:meth:`Batch.set`) and computes them all in one call.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planner import catalogue
from planner.plan.ranges import LIST_PATHS
from planner.plan.schema import Plan

Array = NDArray[np.float64]

SCALAR_PATHS: tuple[str, ...] = catalogue.modelled_scalars()
"""Plan paths held as one number per plan (``revenue.subscription`` as 1.0 or 0.0; an
optional value the plan leaves out as ``nan``, see :func:`side_rate`)."""
LIST_FIELDS: dict[str, tuple[str, ...]] = {
    path: catalogue.modelled_lists()[path] for path in LIST_PATHS
}
"""List path -> the fields of its items the model reads (planner/catalogue.py), in the order
the drivers are listed (:data:`planner.plan.ranges.LIST_PATHS`, the team first)."""


def _column(values: Sequence[float], width: int) -> Array:
    """A padded row of list values (zeros past the end)."""
    row = np.zeros(width)
    row[: len(values)] = values
    return row


@dataclass(frozen=True)
class Batch:
    """The numbers of B plans with a common horizon, as arrays with the plan on axis 0.

    ``scalars`` maps a plan path to shape ``(B,)``; ``lists`` maps a list path
    (``resources``, ``investments``, ``vendor_programme.rebate_tiers``) to its fields, each of
    shape ``(B, items)``. Shorter lists are padded with items that contribute nothing (zero FTE,
    zero amount, a zero-rate tier). ``sales`` and ``delivery`` mark resources by function.
    """

    months: int
    start: str
    scalars: Mapping[str, Array]
    lists: Mapping[str, Mapping[str, Array]]
    sales: NDArray[np.bool_]
    delivery: NDArray[np.bool_]
    labels: tuple[str, ...] = field(default=())

    @classmethod
    def from_plans(cls, plans: Sequence[Plan], labels: Sequence[str] = ()) -> Batch:
        """Stack plans of the same horizon and start into one batch."""
        if not plans:
            raise ValueError("a batch needs at least one plan")
        months = {p.months for p in plans}
        if len(months) != 1:
            raise ValueError(f"plans in one batch need one horizon, not {sorted(months)}")
        first = plans[0]
        scalars = {path: np.array([_scalar(p, path) for p in plans]) for path in SCALAR_PATHS}
        widths = {
            "resources": max(len(p.resources) for p in plans),
            "investments": max(len(p.investments) for p in plans),
            "vendor_programme.rebate_tiers": max(
                len(p.vendor_programme.rebate_tiers) for p in plans
            ),
        }
        lists: dict[str, dict[str, Array]] = {}
        for path, names in LIST_FIELDS.items():
            lists[path] = {
                name: np.array(
                    [
                        _column([getattr(item, name) for item in _items(p, path)], widths[path])
                        for p in plans
                    ]
                )
                for name in names
            }
        # Padding items must be harmless: month 1 for investments of amount 0 is fine,
        # and a padded resource (fte 0) starting in month 1 adds nothing.
        lists["resources"]["start_month"][lists["resources"]["start_month"] == 0] = 1
        lists["investments"]["month"][lists["investments"]["month"] == 0] = 1

        def marks(function: str) -> NDArray[np.bool_]:
            return np.array(
                [
                    _column([r.function == function for r in p.resources], widths["resources"])
                    for p in plans
                ],
                dtype=bool,
            )

        return cls(
            months=first.months,
            start=first.start,
            scalars=scalars,
            lists=lists,
            sales=marks("sales"),
            delivery=marks("delivery"),
            labels=tuple(labels),
        )

    @property
    def size(self) -> int:
        """B, the number of plans in the batch."""
        return len(self.scalars["discount_rate"])

    def _locate(self, path: str) -> tuple[str, str | None, int | None]:
        if path in self.scalars:
            return (path, None, None)
        head, _, tail = path.rpartition(".")
        list_path, _, index = head.rpartition(".")
        fields = self.lists.get(list_path)
        if (
            fields is not None
            and tail in fields
            and index.isdigit()
            and int(index) < fields[tail].shape[1]
        ):
            return (list_path, tail, int(index))
        raise KeyError(f"{path} is not a numeric plan path")

    def has(self, path: str) -> bool:
        """Whether ``path`` names a number of every plan in this batch."""
        try:
            self._locate(path)
        except KeyError:
            return False
        return True

    def get(self, path: str) -> Array:
        """The value at a plan path for every plan, shape ``(B,)``."""
        list_path, name, index = self._locate(path)
        if name is None:
            return self.scalars[list_path]
        return self.lists[list_path][name][:, index]

    def set(self, path: str, values: ArrayLike) -> Batch:
        """A new batch with the value at ``path`` set (broadcast to every plan)."""
        list_path, name, index = self._locate(path)
        if name is None:
            scalars = dict(self.scalars)
            scalars[list_path] = np.broadcast_to(np.asarray(values, float), (self.size,)).copy()
            return replace(self, scalars=scalars)
        lists = {key: dict(value) for key, value in self.lists.items()}
        column = lists[list_path][name].copy()
        column[:, index] = values
        lists[list_path][name] = column
        return replace(self, lists=lists)

    def repeat(self, count: int) -> Batch:
        """Each plan repeated ``count`` times in a row: B becomes ``B * count``."""

        def rep(a: NDArray[Any]) -> NDArray[Any]:
            return np.repeat(a, count, axis=0)

        return replace(
            self,
            scalars={k: rep(v) for k, v in self.scalars.items()},
            lists={k: {n: rep(a) for n, a in v.items()} for k, v in self.lists.items()},
            sales=rep(self.sales),
            delivery=rep(self.delivery),
            labels=tuple(label for label in self.labels for _ in range(count)),
        )

    def rows(self, block: slice) -> Batch:
        """The plans ``block`` of this batch (views, not copies)."""
        return replace(
            self,
            scalars={k: v[block] for k, v in self.scalars.items()},
            lists={k: {n: a[block] for n, a in v.items()} for k, v in self.lists.items()},
            sales=self.sales[block],
            delivery=self.delivery[block],
            labels=self.labels[block],
        )

    def take(self, index: NDArray[np.intp]) -> Batch:
        """The plans ``index`` of this batch (copies)."""
        return replace(
            self,
            scalars={k: v[index] for k, v in self.scalars.items()},
            lists={k: {n: a[index] for n, a in v.items()} for k, v in self.lists.items()},
            sales=self.sales[index],
            delivery=self.delivery[index],
            labels=tuple(self.labels[i] for i in index) if self.labels else (),
        )

    def dates(self) -> list[str]:
        """The calendar month (``YYYY-MM``) of each plan month."""
        return month_dates(self.start, self.months)


def _items(plan: Plan, path: str) -> Sequence[Any]:
    if path == "vendor_programme.rebate_tiers":
        return plan.vendor_programme.rebate_tiers
    items: Sequence[Any] = getattr(plan, path)
    return items


def _scalar(plan: Plan, path: str) -> float:
    node: Any = plan
    for part in path.split("."):
        node = getattr(node, part)
    return math.nan if node is None else float(node)


def side_rate(batch: Batch, side: str) -> Array:
    """The annual rate a side's NPV is discounted at, shape ``(B,)``: the partner's is the
    plan's ``discount_rate``, the vendor's its own ``vendor_programme.discount_rate`` where
    the plan sets one."""
    rate = batch.scalars["discount_rate"]
    if side == "partner":
        return rate
    own = batch.scalars["vendor_programme.discount_rate"]
    return np.where(np.isnan(own), rate, own)


def month_dates(start: str, months: int) -> list[str]:
    """``YYYY-MM`` of plan months 1..months, month 1 being ``start``.

    >>> month_dates("2027-11", 3)
    ['2027-11', '2027-12', '2028-01']
    """
    year, month = (int(part) for part in start.split("-"))
    first = year * 12 + month - 1
    return [f"{(first + i) // 12:04d}-{(first + i) % 12 + 1:02d}" for i in range(months)]


def plan_year(months: int) -> NDArray[np.int64]:
    """docs/model.md ``y(t) = floor((t - 1) / 12)`` for t = 1..months (0 for the first year)."""
    return np.arange(months) // 12
