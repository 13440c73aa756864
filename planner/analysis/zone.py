"""The zone of mutual interest: where, over two drivers, the plan pays off for each side.

Two drivers (default: the partner's margin and the MDF rate) span a grid over their ranges
(the driver's valid range, or one given); every grid point is a plan, and the whole grid is
one batched model call. Each point is classified per side: its NPV is positive and it clears
the side's hurdles (``hurdles.<side>``: a minimum IRR and a latest payback month), so
"pays off" means what each side said it needs. The answer holds both maps, where the current
plan lies, and, when the plan is not mutual, the *smallest change* that makes it mutual: the
mutual grid point nearest to the current plan (each axis measured in its range), refined by
bisection on the line between them, so putting it back into the plan is mutual.

A side's view: the vendor's map reveals its margin and cost, so a side that may not see the
vendor's economics (:func:`planner.privacy.sees_vendor_economics`) gets only its own map
(:meth:`Zone.for_side`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from planner import finance, model, privacy
from planner.analysis import AnalysisError
from planner.analysis.drivers import Driver, as_plan_value, driver
from planner.plan.schema import Plan

Array = NDArray[np.float64]
Mask = NDArray[np.bool_]

DEFAULT_X = "revenue.partner_margin"
DEFAULT_Y = "vendor_programme.mdf_rate"
DEFAULT_POINTS = 60
MAX_POINTS = 200
_BISECTIONS = 40


@dataclass(frozen=True)
class Axis:
    """One driver of the map: its path, the grid values and the plan's current value."""

    path: str
    values: tuple[float, ...]
    current: float
    integer: bool


@dataclass(frozen=True)
class Zone:
    """Both sides' maps over the grid ``y.values x x.values`` (rows follow ``y``)."""

    x: Axis
    y: Axis
    partner: Mask
    """Shape ``(len(y), len(x))``: the plan pays off for the partner there."""
    vendor: Mask | None
    """The same for the vendor; ``None`` in a side's view without the vendor's economics."""
    current: dict[str, bool | None]
    """Whether the current plan pays off for ``partner``, ``vendor`` and ``both``."""
    nearest: dict[str, float | int] | None
    """The smallest change that makes the plan mutual (``{x.path: ..., y.path: ...}``); None
    when it already is, when no point of the map is, or when the vendor's side is hidden."""

    @property
    def both(self) -> Mask | None:
        return None if self.vendor is None else self.partner & self.vendor

    def for_side(self, sees_vendor_economics: bool) -> Zone:
        """The map a side may see: without the vendor's economics, only the partner's."""
        if sees_vendor_economics:
            return self
        current = {"partner": self.current["partner"], "vendor": None, "both": None}
        return replace(self, vendor=None, current=current, nearest=None)

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``python -m planner zone --json``."""

        def grid(mask: Mask | None) -> list[list[bool]] | None:
            return None if mask is None else mask.tolist()

        return {
            "x": {"path": self.x.path, "values": list(self.x.values), "current": self.x.current},
            "y": {"path": self.y.path, "values": list(self.y.values), "current": self.y.current},
            "partner": grid(self.partner),
            "vendor": grid(self.vendor),
            "both": grid(self.both),
            "current": self.current,
            "nearest": self.nearest,
        }


def _axis(item: Driver, points: int, span: tuple[float, float] | None) -> Axis:
    low, high = span if span is not None else _default_span(item)
    if not item.low <= low < high <= item.high:
        raise AnalysisError(
            f"range of {item.path}: {low:g} to {high:g} is not within {item.describe_range()}"
        )
    values = np.linspace(low, high, points)
    if item.integer:
        values = np.unique(np.rint(values))
    return Axis(item.path, tuple(float(v) for v in values), item.value, item.integer)


def _default_span(item: Driver) -> tuple[float, float]:
    """The map's default range: the driver's valid range where it is a share, else from 0
    (or the lower bound) to three times today's value, within the valid range."""
    if item.high <= 1.0:
        return (item.low, min(item.high, 0.999 if item.high < 1.0 else 1.0))
    top = max(3.0 * item.value, item.low + 1.0)
    return (item.low, min(item.high, top))


def pays_off(plan: Plan, batch: model.Batch, columns: Mapping[str, Array], side: str) -> Mask:
    """Where a side's NPV is positive and its hurdles are cleared, one value per plan of the
    batch; the IRR and payback are computed only when the side has such a hurdle."""
    flow, cumulative = (
        ("cash_flow", "cumulative_cash")
        if side == "partner"
        else ("vendor_cash_flow", "vendor_cumulative_cash")
    )
    ok = np.asarray(finance.npv(model.side_rate(batch, side), columns[flow]) > 0)
    hurdle = getattr(plan.hurdles, side, None) if plan.hurdles is not None else None
    if hurdle is not None and hurdle.min_irr is not None:
        irr = finance.irr_annual(columns[flow])
        with np.errstate(invalid="ignore"):
            ok &= np.isfinite(irr) & (irr >= hurdle.min_irr)
    if hurdle is not None and hurdle.latest_payback_month is not None:
        month = finance.payback_month(columns[cumulative])
        with np.errstate(invalid="ignore"):
            ok &= np.isfinite(month) & (month <= hurdle.latest_payback_month)
    return ok


def _classify(
    plan: Plan,
    xs: Array,
    ys: Array,
    x: str,
    y: str,
    actuals: Mapping[str, Array] | None = None,
) -> tuple[Mask, Mask]:
    """One batched model call: does each ``(xs[i], ys[i])`` pay off for each side (each run
    from ``actuals``, ``(1, N)`` arrays, where given)."""
    batch = model.Batch.from_plans([plan]).repeat(len(xs)).set(x, xs).set(y, ys)
    given = {k: np.broadcast_to(v, (batch.size, batch.months)) for k, v in (actuals or {}).items()}
    partner, vendor = np.empty(batch.size, bool), np.empty(batch.size, bool)
    for block, columns in model.simulate_blocks(batch, given or None):
        rows = batch.rows(block)
        partner[block] = pays_off(plan, rows, columns, "partner")
        vendor[block] = pays_off(plan, rows, columns, "vendor")
    return partner, vendor


def zone(
    plan: Plan,
    x: str = DEFAULT_X,
    y: str = DEFAULT_Y,
    *,
    points: int = DEFAULT_POINTS,
    x_range: tuple[float, float] | None = None,
    y_range: tuple[float, float] | None = None,
    actuals: Mapping[str, Array] | None = None,
    audience: str | None = None,
) -> Zone:
    """The zone of mutual interest over drivers ``x`` and ``y`` (see the module docstring).

    ``actuals`` (column -> ``(1, N)`` array, ``nan`` where unknown) runs every point from the
    actual state: months with actuals are what happened, so a driver changes only the months
    after them (the zone of a plan during onboarding).

    An unknown driver, the same driver twice, a bad range or grid size raise
    :class:`AnalysisError` naming the argument and what is allowed.
    """
    if x == y:
        raise AnalysisError(f"y: {y!r} is the same driver as x; choose two different drivers")
    if not 2 <= points <= MAX_POINTS:
        raise AnalysisError(f"points: {points} is not within 2 to {MAX_POINTS}")
    dx, dy = driver(plan, x, audience), driver(plan, y, audience)
    plan = privacy.analysis_plan(plan, audience)
    ax, ay = _axis(dx, points, x_range), _axis(dy, points, y_range)
    gx, gy = np.meshgrid(np.array(ax.values), np.array(ay.values))
    xs = np.concatenate([[dx.value], gx.ravel()])
    ys = np.concatenate([[dy.value], gy.ravel()])
    partner, vendor = _classify(plan, xs, ys, x, y, actuals)
    shape = (len(ay.values), len(ax.values))
    now_partner, now_vendor = bool(partner[0]), bool(vendor[0])
    current: dict[str, bool | None] = {
        "partner": now_partner,
        "vendor": now_vendor,
        "both": now_partner and now_vendor,
    }
    partner_map, vendor_map = partner[1:].reshape(shape), vendor[1:].reshape(shape)
    nearest = None
    if not current["both"]:
        nearest = _nearest(plan, dx, dy, ax, ay, partner_map & vendor_map, actuals)
    return Zone(ax, ay, partner_map, vendor_map, current, nearest)


def _nearest(
    plan: Plan,
    dx: Driver,
    dy: Driver,
    ax: Axis,
    ay: Axis,
    both: Mask,
    actuals: Mapping[str, Array] | None = None,
) -> dict[str, float | int] | None:
    """The mutual point nearest the plan, on the line towards the nearest mutual grid point."""
    rows, columns = np.nonzero(both)
    if rows.size == 0:
        return None
    width_x = max(ax.values[-1] - ax.values[0], 1e-12)
    width_y = max(ay.values[-1] - ay.values[0], 1e-12)
    gx = np.array(ax.values)[columns]
    gy = np.array(ay.values)[rows]
    distance = np.hypot((gx - dx.value) / width_x, (gy - dy.value) / width_y)
    best = int(np.argmin(distance))
    target = (float(gx[best]), float(gy[best]))
    # Bisection on t in [0, 1] between the plan (t=0, not mutual) and the grid point (t=1,
    # mutual), all steps of one round in one batch: a fine grid on the bracket each time.
    low, high = 0.0, 1.0
    for _ in range(4):
        ts = np.linspace(low, high, _BISECTIONS + 2)[1:-1]
        xs = dx.clamp(dx.value + ts * (target[0] - dx.value))
        ys = dy.clamp(dy.value + ts * (target[1] - dy.value))
        partner, vendor = _classify(plan, xs, ys, dx.path, dy.path, actuals)
        mutual = np.flatnonzero(partner & vendor)
        if mutual.size == 0:
            break
        first = int(mutual[0])
        high = float(ts[first])
        low = float(ts[first - 1]) if first > 0 else low
    if high == 1.0:  # the grid point itself, as evaluated
        x_value, y_value = target
    else:
        x_value = float(dx.clamp(dx.value + high * (target[0] - dx.value)))
        y_value = float(dy.clamp(dy.value + high * (target[1] - dy.value)))
    return {dx.path: as_plan_value(dx, x_value), dy.path: as_plan_value(dy, y_value)}


__all__ = ["Axis", "Zone", "pays_off", "zone"]
