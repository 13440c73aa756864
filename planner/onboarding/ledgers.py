"""The rebate and MDF ledgers of the plan year a review falls in (docs/model.md, "Rebate
accrued on actuals" and "MDF ledger").

Both follow the plan year of docs/model.md section 2 (months ``12k+1 .. 12k+L_k``), which is
the year the rebate tiers count in. "Actual" sell-in and MDF are the re-forecast's values of the
months up to the review (the actuals where given; where a month lacks the column, what the model
computes from the actuals it has).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from planner.onboarding.forecast import Run
from planner.onboarding.quarters import calendar_month
from planner.plan.schema import MdfRecord, Plan


@dataclass(frozen=True)
class PlanYear:
    index: int
    """0 for months 1-12."""
    months: tuple[int, ...]
    elapsed: tuple[int, ...]
    """The year's months up to the review's month."""

    @property
    def length(self) -> int:
        """``L_k``: 12, or fewer in a last partial year."""
        return len(self.months)


def plan_year(plan: Plan, month: int) -> PlanYear:
    """The plan year of ``month`` and its months up to ``month``."""
    k = (month - 1) // 12
    months = tuple(range(12 * k + 1, min(12 * k + 12, plan.months) + 1))
    return PlanYear(k, months, tuple(m for m in months if m <= month))


def first_day(plan: Plan, month: int) -> datetime.date:
    year, calendar = calendar_month(plan, month)
    return datetime.date(year, calendar, 1)


def last_day(plan: Plan, month: int) -> datetime.date:
    year, calendar = calendar_month(plan, month + 1)
    return datetime.date(year, calendar, 1) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class RebateLedger:
    year: int
    """Plan year, 1-based."""
    year_from: str
    year_to: str
    months_elapsed: int
    year_length: int
    sell_in: float
    """Actual sell-in of the year to date."""
    rate: float
    """The rate of the highest tier that sell-in to date has reached (tiers pro-rated by L_k)."""
    accrued: float
    """``rate * sell_in``: rebate earned so far, which more sell-in can only raise."""
    next_threshold: float | None
    """Pro-rated threshold of the next tier with a higher rate; None at the top."""
    next_rate: float | None
    to_next: float | None
    """Sell-in still needed this year to reach it."""
    planned_sell_in: float
    planned_rebate: float
    projected_sell_in: float
    projected_rate: float
    projected_rebate: float
    """The re-forecast's rebate of the year (paid in its last month)."""
    p10: float | None = None
    p50: float | None = None
    p90: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def tier_rate(plan: Plan, sell_in: float, length: int) -> float:
    """docs/model.md: the largest rate among tiers with ``threshold * L_k / 12 <= S``."""
    rates = [
        t.rate for t in plan.vendor_programme.rebate_tiers if t.threshold * length / 12 <= sell_in
    ]
    return max(rates, default=0.0)


def rebate_ledger(
    plan: Plan,
    signed: Run,
    forecast: Run,
    month: int,
    spread: Mapping[str, float | None] | None = None,
) -> RebateLedger:
    """The rebate of the plan year of ``month``: accrued on actual sell-in to ``month``, the
    next tier, planned and projected year-end (``spread``: P10/P50/P90 of the projection)."""
    year = plan_year(plan, month)
    length = year.length
    sell_in = forecast.total("sell_in", year.elapsed)
    rate = tier_rate(plan, sell_in, length)
    higher = sorted(
        (t.threshold * length / 12, t.rate)
        for t in plan.vendor_programme.rebate_tiers
        if t.rate > rate and t.threshold * length / 12 > sell_in
    )
    threshold, next_rate = higher[0] if higher else (None, None)
    projected = forecast.total("sell_in", year.months)
    spread = spread or {}
    return RebateLedger(
        year=year.index + 1,
        year_from=first_day(plan, year.months[0]).isoformat(),
        year_to=last_day(plan, year.months[-1]).isoformat(),
        months_elapsed=len(year.elapsed),
        year_length=length,
        sell_in=sell_in,
        rate=rate,
        accrued=rate * sell_in,
        next_threshold=threshold,
        next_rate=next_rate,
        to_next=None if threshold is None else threshold - sell_in,
        planned_sell_in=signed.total("sell_in", year.months),
        planned_rebate=signed.level("rebate", year.months[-1]),
        projected_sell_in=projected,
        projected_rate=tier_rate(plan, projected, length),
        projected_rebate=forecast.level("rebate", year.months[-1]),
        p10=spread.get("p10"),
        p50=spread.get("p50"),
        p90=spread.get("p90"),
    )


@dataclass(frozen=True)
class MdfLedger:
    year: int
    year_from: str
    year_to: str
    as_of: str
    planned: float
    """MDF of the signed plan for the year (``mdf_rate * sell_in``)."""
    earned: float
    """MDF the actual sell-in of the year to date has earned."""
    projected: float
    """MDF of the year in the re-forecast."""
    requested: float
    approved: float
    claimed: float
    paid: float
    awaiting_proof: float
    """Claimed amounts whose proof of performance is not accepted."""
    expiring: float
    """Projected MDF of the year not yet requested: it lapses at ``year_to`` unless requested."""
    activities: tuple[dict[str, Any], ...]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _stage(record: MdfRecord, name: str, as_of: str) -> float:
    stage = getattr(record, name)
    return float(stage.amount) if stage is not None and stage.date <= as_of else 0.0


def _status(record: MdfRecord, as_of: str) -> str:
    reached = [
        n for n in ("requested", "approved", "claimed", "paid") if _stage_on(record, n, as_of)
    ]
    return reached[-1] if reached else "planned"


def _stage_on(record: MdfRecord, name: str, as_of: str) -> bool:
    stage = getattr(record, name)
    return stage is not None and stage.date <= as_of


def mdf_ledger(
    plan: Plan, signed: Run, forecast: Run, month: int, as_of_month: int | None = None
) -> MdfLedger:
    """MDF of the plan year of ``month``: allocated (planned, earned up to ``month``,
    projected) and the activities requested in the year, by stage as of the last day of
    ``as_of_month`` (default ``month``; the review's quarter end, at or after ``month``).

    A stage counts once its date is on or before the review's day; a record's amounts never
    grow from stage to stage (checked with the plan), so requested >= approved >= claimed >=
    paid at any day."""
    year = plan_year(plan, month)
    start = first_day(plan, year.months[0]).isoformat()
    end = last_day(plan, year.months[-1]).isoformat()
    as_of = last_day(plan, max(month, as_of_month or month)).isoformat()
    records = [
        r
        for r in (plan.commitments.mdf if plan.commitments else [])
        if start <= r.requested.date <= min(end, as_of)
    ]

    def total(stage: str) -> float:
        return math.fsum(_stage(r, stage, as_of) for r in records)

    projected = forecast.total("mdf", year.months)
    requested = total("requested")
    claimed_unproven = math.fsum(
        _stage(r, "claimed", as_of) for r in records if r.proof != "accepted"
    )
    activities = tuple(
        {
            "activity": r.activity,
            "status": _status(r, as_of),
            "amount": _stage(r, _status(r, as_of), as_of),
            "requested": _stage(r, "requested", as_of),
            "paid": _stage(r, "paid", as_of),
            "proof": r.proof,
        }
        for r in records
    )
    return MdfLedger(
        year=year.index + 1,
        year_from=start,
        year_to=end,
        as_of=as_of,
        planned=signed.total("mdf", year.months),
        earned=forecast.total("mdf", year.elapsed),
        projected=projected,
        requested=requested,
        approved=total("approved"),
        claimed=total("claimed"),
        paid=total("paid"),
        awaiting_proof=claimed_unproven,
        expiring=max(0.0, projected - requested),
        activities=activities,
    )
