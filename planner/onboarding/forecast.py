"""The model run from the actual state: the re-forecast of the plan as committed, its
scenarios and its Monte Carlo.

Everything here overlays the plan's actuals (docs/model.md section 3: a column's actual
replaces the model's value that month and what is computed from it continues from the actual)
on the plan *as committed* (:func:`planner.onboarding.records.committed_plan`): hires and
investments where the records put them. Months after the last actual are the model's forecast
continued from the actual stocks (customers, backlog, cumulative cash) of the last actual month.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from planner import model
from planner.analysis import AnalysisError
from planner.analysis.actuals import check_rows
from planner.analysis.montecarlo import PERCENTILES, check_draws, draw_values
from planner.onboarding.records import committed_plan
from planner.plan.schema import VALUE_COLUMNS, Plan, PlanError
from planner.plan.validation import with_scenario

Array = model.Array


def actual_arrays(
    plan: Plan, rows: Sequence[Mapping[str, Any]], columns: Iterable[str] | None = None
) -> dict[str, Array]:
    """Actuals ``rows`` as ``(1, N)`` arrays (``nan`` where unknown), only of ``columns``."""
    wanted = set(VALUE_COLUMNS if columns is None else columns)
    arrays: dict[str, Array] = {}
    for row in rows:
        for column, value in row.items():
            if column != "month" and column in wanted:
                arrays.setdefault(column, np.full((1, plan.months), np.nan))[
                    0, int(row["month"]) - 1
                ] = float(value)
    return arrays


def last_actual_month(rows: Sequence[Mapping[str, Any]]) -> int:
    """The latest month with an actual (0 without actuals)."""
    return max((int(row["month"]) for row in rows), default=0)


@dataclass(frozen=True)
class Run:
    """One plan computed (with or without actuals): its monthly columns and key figures."""

    plan: Plan
    columns: dict[str, Array]
    """Each ``(N,)``."""
    figures: dict[str, Any]

    def total(self, column: str, months: Iterable[int]) -> float:
        """A flow summed over plan ``months`` (1-based)."""
        return math.fsum(float(self.columns[column][m - 1]) for m in months)

    def level(self, column: str, month: int) -> float:
        return float(self.columns[column][month - 1])


def run(plan: Plan, actuals: Mapping[str, Array] | None = None) -> Run:
    """The model of ``plan`` with ``actuals`` overlaid (each ``(1, N)``)."""
    batch = model.Batch.from_plans([plan])
    columns = model.simulate(batch, actuals)
    figures = model.figures_of(model.key_figures(batch, columns), 0)
    return Run(plan, {name: values[0].copy() for name, values in columns.items()}, figures)


def reforecast(plan: Plan, rows: Sequence[Mapping[str, Any]] | None = None) -> Run:
    """The plan as committed, run from its actuals (``rows``, default the plan's own)."""
    rows = list(plan.actuals if rows is None else rows)
    check_rows(plan, [dict(r) for r in rows])
    return run(committed_plan(plan), actual_arrays(plan, rows))


def scenarios_from_actuals(
    plan: Plan, rows: Sequence[Mapping[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    """Key figures of the base and each of the plan's scenarios, every one run from the actual
    state: the scenario's assumptions (applied to the plan as committed) hold from the month
    after the last actual on; the months with actuals are what happened."""
    rows = list(plan.actuals if rows is None else rows)
    check_rows(plan, [dict(r) for r in rows])
    committed = committed_plan(plan)
    plans = [committed]
    names = ["base"]
    for scenario in plan.scenarios:
        try:
            changed = with_scenario(
                committed.model_copy(update={"scenarios": plan.scenarios}), scenario.name
            )
        except PlanError as error:
            raise AnalysisError(str(error.problems[0]), "invalid_plan") from None
        plans.append(changed)
        names.append(scenario.name)
    batch = model.Batch.from_plans(plans)
    given = {
        k: np.broadcast_to(v, (batch.size, plan.months))
        for k, v in actual_arrays(plan, rows).items()
    }
    figures = model.key_figures(batch, model.simulate(batch, given))
    return {name: model.figures_of(figures, i) for i, name in enumerate(names)}


Extract = Callable[[model.Batch, Mapping[str, Array]], Array]


def montecarlo_from_actuals(
    plan: Plan,
    rows: Sequence[Mapping[str, Any]] | None,
    extract: Mapping[str, Extract],
    draws: int = 2_000,
    seed: int | None = 0,
) -> dict[str, dict[str, float | None]] | None:
    """P10, P50 and P90 of each ``extract`` (a value per plan of a batch) over draws of the
    plan's ``uncertainty``, every draw run from the actual state; ``None`` without ranges.

    The drawn drivers change only months after the last actual: an actual replaces the
    model's value whatever the draw."""
    check_draws(draws)
    if not plan.uncertainty:
        return None
    rows = list(plan.actuals if rows is None else rows)
    committed = committed_plan(plan)
    rng = np.random.default_rng(seed)
    drawn = draw_values(committed, plan.uncertainty, draws, rng)
    batch = model.Batch.from_plans([committed]).repeat(draws)
    for path, values in drawn.items():
        batch = batch.set(path, values)
    given = {
        k: np.broadcast_to(v, (draws, plan.months)) for k, v in actual_arrays(plan, rows).items()
    }
    samples = {name: np.empty(draws) for name in extract}
    for block, columns in model.simulate_blocks(batch, given):
        part = batch.rows(block)
        for name, function in extract.items():
            samples[name][block] = function(part, columns)
    out: dict[str, dict[str, float | None]] = {}
    for name, values in samples.items():
        defined = values[np.isfinite(values)]
        found = np.percentile(defined, PERCENTILES) if defined.size else np.full(3, math.nan)
        out[name] = {
            f"p{q}": float(v) if math.isfinite(v) else None
            for q, v in zip(PERCENTILES, found.tolist(), strict=True)
        }
    return out
