"""The quarterly business review of a signed plan: everything the QBR pack shows, as plain data,
for one side (``partner`` or ``vendor``) masked through :mod:`planner.privacy`.

The review of calendar quarter ``Q`` looks at the actuals of the months up to Q's last month
(later actuals are ignored, so an old quarter's pack reads as it would have then) and compares:

* the **signed** plan (no actuals, no records), with
* the **re-forecast**: the live plan as committed (records applied) run from those actuals.

A side is *ahead* when its re-forecast NPV exceeds the signed one by more than
:data:`TOLERANCE` of the signed NPV's size, *behind* when it falls short by more, else *on
track*. Texts are not made here: every status and item is a code the pack translates.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from planner import model, privacy
from planner.analysis import zone as zones
from planner.analysis.actuals import check_rows
from planner.onboarding import forecast as forecasting
from planner.onboarding.bridge import STEPS, SideBridge, bridge
from planner.onboarding.ledgers import MdfLedger, RebateLedger, mdf_ledger, plan_year, rebate_ledger
from planner.onboarding.quarters import Quarter, calendar_month
from planner.onboarding.records import committed_plan
from planner.plan.schema import Plan

TOLERANCE = 0.05
"""Share of the signed NPV's size within which a side counts as on track."""
PARTNER_ROWS = (
    "revenue",
    "gross_profit",
    "vendor_funds",
    "staff_cost",
    "opex",
    "investment_net",
    "cash_flow",
    "cumulative_cash",
)
VENDOR_ROWS = (
    "vendor_revenue",
    "vendor_gross_profit",
    "vendor_cost",
    "vendor_cash_flow",
    "vendor_cumulative_cash",
)
ZONE_POINTS = 30
DRAWS = 2_000
SEED = 20_270_101


class ReviewError(ValueError):
    """A review that cannot be made: the message names the argument or field."""


@dataclass(frozen=True)
class Period:
    """Plan vs actual vs re-forecast of one column over a quarter or the year to date."""

    side: str
    column: str
    plan: float
    actual: float | None
    """Over the months with actuals (None when the period has none yet)."""
    reforecast: float
    months_actual: int
    months: int

    @property
    def difference(self) -> float:
        return self.reforecast - self.plan


@dataclass(frozen=True)
class Item:
    """One line of the commitments scorecard."""

    side: str
    kind: str
    """``hire``, ``investment``, ``objective``, ``mdf``, ``support``."""
    name: str
    status: str
    planned: dict[str, Any] = field(default_factory=dict)
    actual: dict[str, Any] = field(default_factory=dict)
    private: bool = False
    """The planned and actual values are the other side's private data (not shown)."""


@dataclass(frozen=True)
class Review:
    audience: str
    quarter: Quarter
    month: int
    """Last plan month of the quarter within the horizon."""
    last_actual: int
    """Last month with actuals (up to ``month``); 0 if none."""
    economics: bool
    """Whether the vendor's economics are shown (else the vendor's parts are None)."""
    status: dict[str, str | None]
    figures: dict[str, dict[str, Any]]
    """Signed and re-forecast key figures per side (vendor: revenue only without economics)."""
    quarter_rows: list[Period]
    ytd_rows: list[Period]
    bridges: dict[str, SideBridge | None]
    scorecard: list[Item]
    rebate: RebateLedger
    mdf: MdfLedger
    zone: dict[str, Any]
    scenarios: dict[str, dict[str, Any]]
    actions: dict[str, list[dict[str, Any]]]
    monthly: dict[str, dict[str, list[float]]] = field(repr=False)
    """Monthly values behind the pack, only what the side may see: ``signed`` and
    ``reforecast`` columns (docs/model.md section 3), and ``partner`` / ``vendor``: that
    side's cash flow after each bridge step (``signed`` first)."""
    plan: Plan = field(repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "edition": self.audience,
            "quarter": self.quarter.key,
            "month": self.month,
            "last_actual_month": self.last_actual,
            "status": self.status,
            "figures": self.figures,
            "quarter_rows": [{**asdict(p), "difference": p.difference} for p in self.quarter_rows],
            "ytd_rows": [{**asdict(p), "difference": p.difference} for p in self.ytd_rows],
            "bridge": {s: (b.to_json() if b else None) for s, b in self.bridges.items()},
            "scorecard": [asdict(i) for i in self.scorecard],
            "rebate": self.rebate.to_json(),
            "mdf": self.mdf.to_json(),
            "zone": self.zone,
            "scenarios": self.scenarios,
            "actions": self.actions,
        }


def default_quarter(plan: Plan, rows: Sequence[Mapping[str, Any]]) -> Quarter:
    """The calendar quarter of the last month with actuals."""
    last = forecasting.last_actual_month(rows)
    if last == 0:
        raise ReviewError("actuals: the plan has none (add actuals[] or give --actuals FILE)")
    return Quarter.of_month(plan, last)


def _status(signed: float, now: float) -> str:
    margin = TOLERANCE * max(abs(signed), 1.0)
    if now - signed > margin:
        return "ahead"
    if signed - now > margin:
        return "behind"
    return "on_track"


def _periods(
    side: str, columns: Sequence[str], months: Sequence[int], last: int, signed: Any, now: Any
) -> list[Period]:
    actual_months = [m for m in months if m <= last]
    out = []
    for column in columns:
        stock = column in model.STOCK_COLUMNS
        if stock:
            plan_value = signed.level(column, months[-1])
            actual = now.level(column, actual_months[-1]) if actual_months else None
            forecast = now.level(column, months[-1])
        else:
            plan_value = signed.total(column, months)
            actual = now.total(column, actual_months) if actual_months else None
            forecast = now.total(column, months)
        out.append(
            Period(side, column, plan_value, actual, forecast, len(actual_months), len(months))
        )
    return out


def _hires(plan: Plan, month: int, audience: str) -> list[Item]:
    records = plan.commitments.hires if plan.commitments else []
    items = []
    for index, role in enumerate(plan.resources):
        mine = [h for h in records if h.resource == index]
        made = [h for h in mine if not h.dropped and h.month is not None]
        dropped = math.fsum(h.fte for h in mine if h.dropped)
        hired = math.fsum(h.fte for h in made)
        late = max((h.month - role.start_month for h in made if h.month), default=0)
        if not mine:
            status = "upcoming" if role.start_month > month else "not_recorded"
        elif not made:
            status = "dropped"
        elif hired + dropped + 1e-9 < role.fte:
            status = "partial" if role.start_month <= month else "upcoming"
        elif dropped > 0:
            status = "partial"
        elif late > 0:
            status = "late"
        else:
            status = "on_time"
        path = f"resources.{index}"
        hidden = not (
            privacy.may_see(plan, f"{path}.fte", audience)
            and privacy.may_see(plan, f"{path}.start_month", audience)
        )
        if hidden:  # the status compares with the hidden plan: it is as private
            status = "private"
        items.append(
            Item(
                side="partner",
                kind="hire",
                name=role.role,
                status=status,
                planned={} if hidden else {"fte": role.fte, "month": role.start_month},
                actual={}
                if hidden
                else {
                    "fte": hired,
                    "months": sorted({h.month for h in made if h.month}),
                    "dropped": dropped,
                    "late": late,
                },
                private=hidden,
            )
        )
    return items


def _investments(plan: Plan, month: int, audience: str) -> list[Item]:
    records = {r.investment: r for r in (plan.commitments.investments if plan.commitments else [])}
    items = []
    for index, item in enumerate(plan.investments):
        record = records.get(index)
        made_month = None if record is None else (record.month or item.month)
        if record is None:
            status = "upcoming" if item.month > month else "not_recorded"
        elif record.dropped:
            status = "dropped"
        elif made_month is not None and made_month > item.month:
            status = "late"
        else:
            status = "on_time"
        amount = item.amount if record is None or record.amount is None else record.amount
        hidden = not privacy.may_see(plan, f"investments.{index}.amount", audience)
        if not privacy.may_see(plan, f"investments.{index}.month", audience):
            hidden, status = True, "private"
        elif hidden and record is not None and not record.dropped and record.amount is not None:
            pass  # the status compares months only: it tells nothing of the hidden amount
        items.append(
            Item(
                side="partner",
                kind="investment",
                name=item.name,
                status=status,
                planned={}
                if status == "private"
                else {"month": item.month} | ({} if hidden else {"amount": item.amount}),
                actual={}
                if record is None or status == "private"
                else {"month": made_month, "dropped": record.dropped}
                | ({} if hidden else {"amount": 0.0 if record.dropped else amount}),
                private=hidden,
            )
        )
    return items


def _objectives(plan: Plan, quarter: Quarter) -> list[Item]:
    reached = {
        (r.objective, r.quarter): r.count
        for r in (plan.commitments.objectives if plan.commitments else [])
    }
    items = []
    for objective in plan.objectives or []:
        targets = {t.quarter: t.count for t in objective.targets}
        ytd = [Quarter(quarter.year, n).key for n in range(1, quarter.number + 1)]
        target = targets.get(quarter.key)
        count = reached.get((objective.name, quarter.key))
        target_ytd = math.fsum(targets.get(q, 0.0) for q in ytd)
        count_ytd = math.fsum(reached.get((objective.name, q), 0.0) for q in ytd)
        if target is None and not target_ytd:
            status = "no_target"
        elif count is None and (objective.name, quarter.key) not in reached:
            status = "not_recorded"
        elif count_ytd > target_ytd:
            status = "ahead"
        elif count_ytd >= target_ytd:
            status = "on_track"
        else:
            status = "behind"
        items.append(
            Item(
                side=objective.side,
                kind=objective.kind,
                name=objective.name,
                status=status,
                planned={"quarter": target, "ytd": target_ytd},
                actual={"quarter": count, "ytd": count_ytd},
            )
        )
    return items


def _vendor_items(plan: Plan, quarter: Quarter, mdf: MdfLedger, audience: str) -> list[Item]:
    records = plan.commitments if plan.commitments else None
    proven_unpaid = 0.0
    as_of = mdf.as_of
    for r in records.mdf if records else []:
        if r.proof == "accepted" and r.claimed is not None and r.claimed.date <= as_of:
            paid = r.paid.amount if r.paid is not None and r.paid.date <= as_of else 0.0
            proven_unpaid += r.claimed.amount - paid
    items = [
        Item(
            side="vendor",
            kind="mdf",
            name="mdf",
            status="behind" if proven_unpaid > 0.005 else "on_track",
            planned={"earned": mdf.earned},
            actual={"paid": mdf.paid, "proven_unpaid": proven_unpaid},
        )
    ]
    support = {s.quarter: s.fte for s in (records.support if records else [])}
    planned = plan.vendor_programme.partner_manager_fte
    hidden = not privacy.may_see(plan, "vendor_programme.partner_manager_fte", audience)
    given = support.get(quarter.key)
    if hidden:  # comparing with the hidden plan would tell it
        status = "private"
    elif given is None:
        status = "not_recorded"
    else:
        status = "on_track" if given + 1e-9 >= planned else "behind"
    items.append(
        Item(
            side="vendor",
            kind="support",
            name="support",
            status=status,
            planned={} if hidden else {"fte": planned},
            actual={} if hidden else {"fte": given},
            private=hidden,
        )
    )
    return items


def _actions(plan: Plan, quarter: Quarter) -> dict[str, list[dict[str, Any]]]:
    carried, new = [], []
    for action in plan.actions or []:
        raised, closed = Quarter.parse(action.raised), action.closed
        entry = action.model_dump(exclude_none=True)
        done = closed is not None and Quarter.parse(closed) <= quarter
        if raised < quarter and (closed is None or Quarter.parse(closed) >= quarter):
            carried.append({**entry, "done": done})
        elif raised == quarter:
            new.append({**entry, "done": done})
    return {"carried": carried, "new": new}


def _zone(plan: Plan, arrays: Mapping[str, Any], economics: bool, audience: str) -> dict[str, Any]:
    """Where the plan stands on the zone map, as ``audience`` may see it: without the hurdles
    hidden from it, and without the change to make it mutual when an axis is hidden from it."""
    shown = privacy.view(plan, audience)
    axis_hidden = any(shown.is_hidden(p) for p in (zones.DEFAULT_X, zones.DEFAULT_Y))
    found = zones.zone(
        privacy.analysis_plan(plan, audience), points=ZONE_POINTS, actuals=arrays
    ).for_side(economics)
    nearest = None
    if found.nearest and not axis_hidden:
        nearest = [
            {"path": path, "from": axis.current, "to": value}
            for path, value in found.nearest.items()
            for axis in (found.x, found.y)
            if axis.path == path
        ]
    return {"current": found.current, "nearest": nearest, "x": found.x.path, "y": found.y.path}


def _monthly(built: Any, visible: set[str], economics: bool) -> dict[str, dict[str, list[float]]]:
    out: dict[str, dict[str, list[float]]] = {
        name: {c: run.columns[c].tolist() for c in run.columns if c in visible}
        for name, run in (("signed", built.signed), ("reforecast", built.reforecast))
    }
    for side, flow in (("partner", "cash_flow"), ("vendor", "vendor_cash_flow")):
        if side == "vendor" and not economics:
            continue
        out[side] = {step: run.columns[flow].tolist() for step, run in built.runs.items()}
    return out


def _rebate_spread(plan: Plan, rows: Sequence[Mapping[str, Any]], month: int, audience: str) -> Any:
    last = plan_year(plan, month).months[-1]

    def rebate(batch: model.Batch, columns: Mapping[str, Any]) -> Any:
        return np.asarray(columns["rebate"][:, last - 1], dtype=np.float64)

    # the ranges of drivers hidden from the audience are left out: the spread would tell them
    spread = forecasting.montecarlo_from_actuals(
        privacy.analysis_plan(plan, audience), rows, {"rebate": rebate}, draws=DRAWS, seed=SEED
    )
    return None if spread is None else spread["rebate"]


def review(
    signed: Plan,
    live: Plan,
    audience: str,
    quarter: Quarter | None = None,
    rows: Sequence[Mapping[str, Any]] | None = None,
    *,
    spread: bool = True,
) -> Review:
    """The review of ``quarter`` (default: the last with actuals) for ``audience``.

    ``signed`` is the plan as signed, ``live`` the plan with its actuals (or ``rows``) and
    records. ``spread``: also the P10-P90 range of the year-end rebate (a Monte Carlo run)."""
    if audience not in ("partner", "vendor", "viewer"):
        raise ReviewError(f"edition: {audience!r} is not partner, vendor or viewer")
    all_rows = [dict(r) for r in (live.actuals if rows is None else rows)]
    check_rows(live, all_rows)
    if quarter is None:
        quarter = default_quarter(live, all_rows)
    months = quarter.months(live)
    if not months:
        first = Quarter.of_month(live, 1).key
        last = Quarter.of_month(live, live.months).key
        raise ReviewError(f"quarter: {quarter.key} is not within the plan ({first} to {last})")
    month = months[-1]
    rows_now = [r for r in all_rows if int(r["month"]) <= month]
    last_actual = forecasting.last_actual_month(rows_now)
    economics = privacy.sees_vendor_economics(live, audience)
    built = bridge(signed, live, rows_now)
    signed_run, now = built.signed, built.reforecast
    status: dict[str, str | None] = {
        side: _status(built.side(side).signed_npv, built.side(side).npv)
        for side in ("partner", "vendor")
    }
    if not economics:
        status["vendor"] = None
    visible = set(privacy.visible_columns(live, audience))
    ytd = quarter.year_to_date(live)

    def rows_of(months_: Sequence[int]) -> list[Period]:
        return _periods("partner", PARTNER_ROWS, months_, last_actual, signed_run, now) + _periods(
            "vendor",
            [c for c in VENDOR_ROWS if c in visible],
            months_,
            last_actual,
            signed_run,
            now,
        )

    figures = {
        "signed": privacy.visible_figures(live, signed_run.figures, audience),
        "reforecast": privacy.visible_figures(live, now.figures, audience),
    }
    ledger_year_month = last_actual if last_actual >= months[0] else month
    range_ = (
        _rebate_spread(live, rows_now, ledger_year_month, audience) if spread and rows_now else None
    )
    # the ledgers count sell-in and MDF earned up to the last actual month of the quarter
    # (the quarter's end when it has none); MDF stages up to the quarter's last day
    ledger_month = last_actual if last_actual >= months[0] else month
    rebate = rebate_ledger(live, signed_run, now, ledger_month, range_)
    mdf = mdf_ledger(live, signed_run, now, ledger_month, month)
    scorecard = (
        _hires(live, month, audience)
        + _investments(live, month, audience)
        + _objectives(live, quarter)
        + _vendor_items(live, quarter, mdf, audience)
    )
    arrays = forecasting.actual_arrays(live, rows_now)
    scenarios = forecasting.scenarios_from_actuals(live, rows_now)
    return Review(
        audience=audience,
        quarter=quarter,
        month=month,
        last_actual=last_actual,
        economics=economics,
        status=status,
        figures=figures,
        quarter_rows=rows_of(months),
        ytd_rows=rows_of(ytd),
        bridges={"partner": built.partner, "vendor": built.vendor if economics else None},
        scorecard=scorecard,
        rebate=rebate,
        mdf=mdf,
        zone=_zone(committed_plan(live), arrays, economics, audience),
        scenarios={
            name: privacy.visible_figures(live, figs, audience) for name, figs in scenarios.items()
        },
        actions=_actions(live, quarter),
        monthly=_monthly(built, visible, economics),
        plan=live,
    )


__all__ = ["STEPS", "Review", "ReviewError", "calendar_month", "default_quarter", "review"]
