"""The bridge of each side's NPV (and payback) from the signed plan to today's re-forecast.

The change is split by substituting one group at a time, in this fixed order, each step
computed by the model from the previous step's inputs plus that group (docs/model.md, "The
NPV bridge"):

1. ``assumptions``: the live plan's assumptions instead of the signed ones (0 unless the plan
   was changed after signing);
2. ``timing``: hires and investments at the months they were made (planned sizes);
3. ``commitments``: the recorded sizes: hires with fewer or more FTE, parts dropped,
   investments dropped or made for another amount;
4. ``volume``: the actuals of the volume columns (headcount, new deals, customers, services
   demand and delivered, backlog); revenue follows at the planned prices;
5. ``price``: the actuals of what was paid per unit (resale, sell-in, managed fees, revenue,
   gross profit, the vendor's revenue and gross profit);
6. ``cost``: every other actual (staff cost, opex, investments, MDF, rebate, EBITDA, cash
   flows): the last step is the full re-forecast.

Each part is the NPV after its step less the NPV before it, so the parts add up to the change
(up to float rounding, a few units in the 15th digit): the sum telescopes. Payback months are
not additive (a side may not pay back at all), so the bridge gives the payback after each step.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from planner.onboarding.forecast import Run, actual_arrays, run
from planner.onboarding.records import assumptions, committed_plan, timed_plan
from planner.plan.schema import VALUE_COLUMNS, Plan

VOLUME_COLUMNS = ("headcount", "new_deals", "customers", "services_demand", "services", "backlog")
PRICE_COLUMNS = (
    "resale",
    "sell_in",
    "managed",
    "revenue",
    "gross_profit",
    "vendor_revenue",
    "vendor_gross_profit",
)
COST_COLUMNS = tuple(c for c in VALUE_COLUMNS if c not in VOLUME_COLUMNS + PRICE_COLUMNS)
STEPS = ("assumptions", "timing", "commitments", "volume", "price", "cost")
SIDES = ("partner", "vendor")


@dataclass(frozen=True)
class SideBridge:
    """One side's bridge: NPV and payback at signing, after each step, and now."""

    side: str
    signed_npv: float
    npv: float
    parts: dict[str, float]
    """NPV change of each step of :data:`STEPS`."""
    signed_payback: int | None
    paybacks: dict[str, int | None]
    """Payback month after each step (the last is today's)."""

    @property
    def change(self) -> float:
        return self.npv - self.signed_npv

    @property
    def payback(self) -> int | None:
        return self.paybacks[STEPS[-1]]

    def to_json(self) -> dict[str, Any]:
        return {
            "signed_npv": self.signed_npv,
            "npv": self.npv,
            "change": self.change,
            "parts": self.parts,
            "signed_payback_month": self.signed_payback,
            "payback_month": self.payback,
            "paybacks": self.paybacks,
        }


@dataclass(frozen=True)
class Bridge:
    partner: SideBridge
    vendor: SideBridge
    signed: Run
    """The signed plan as planned (no actuals, no records)."""
    reforecast: Run
    """The last step: the plan as committed, run from the actuals."""
    runs: dict[str, Run]
    """The model after each step, ``signed`` first (:func:`steps`)."""

    def side(self, name: str) -> SideBridge:
        return self.partner if name == "partner" else self.vendor


def steps(signed: Plan, live: Plan, rows: Sequence[Mapping[str, Any]]) -> dict[str, Run]:
    """The model after each step (``signed`` first), see the module docstring."""
    committed = committed_plan(live)
    volume = actual_arrays(live, rows, VOLUME_COLUMNS)
    price = actual_arrays(live, rows, VOLUME_COLUMNS + PRICE_COLUMNS)
    return {
        "signed": run(assumptions(signed)),
        "assumptions": run(assumptions(live)),
        "timing": run(timed_plan(live)),
        "commitments": run(committed),
        "volume": run(committed, volume),
        "price": run(committed, price),
        "cost": run(committed, actual_arrays(live, rows)),
    }


def bridge(signed: Plan, live: Plan, rows: Sequence[Mapping[str, Any]] | None = None) -> Bridge:
    """Each side's NPV bridge from ``signed`` to ``live`` with actuals ``rows`` (default the
    live plan's own ``actuals[]``)."""
    rows = list(live.actuals if rows is None else rows)
    runs = steps(signed, live, rows)
    sides = {}
    for side in SIDES:
        npv = {name: float(r.figures[side]["npv"]) for name, r in runs.items()}
        order = ["signed", *STEPS]
        parts = {step: npv[step] - npv[order[i]] for i, step in enumerate(STEPS)}
        sides[side] = SideBridge(
            side=side,
            signed_npv=npv["signed"],
            npv=npv[STEPS[-1]],
            parts=parts,
            signed_payback=runs["signed"].figures[side]["payback_month"],
            paybacks={step: runs[step].figures[side]["payback_month"] for step in STEPS},
        )
    return Bridge(sides["partner"], sides["vendor"], runs["signed"], runs[STEPS[-1]], runs)


def residual(side: SideBridge) -> float:
    """``change - sum(parts)``: float rounding only (tests keep it tiny)."""
    return side.change - math.fsum(side.parts.values())
