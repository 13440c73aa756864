"""The rules a plan's onboarding records keep (``objectives``, ``commitments``, ``actions``,
docs/model.md section 1): quarters within the horizon and not twice, records naming a planned
role, investment or objective, and an MDF activity's stages in order. The plans the records
imply are :mod:`planner.onboarding.records`.
"""

from __future__ import annotations

from collections.abc import Iterator

from planner.onboarding.quarters import Quarter, quarters_of
from planner.plan.schema import Plan, Problem

STAGES = ("requested", "approved", "claimed", "paid")


def _dates_and_amounts(plan: Plan) -> Iterator[Problem]:
    assert plan.commitments is not None
    for i, record in enumerate(plan.commitments.mdf):
        where = f"commitments.mdf.{i}"
        before = None
        for name in STAGES:
            stage = getattr(record, name)
            if stage is None:
                later = [s for s in STAGES[STAGES.index(name) + 1 :] if getattr(record, s)]
                if later:
                    yield Problem(f"{where}.{later[0]}", f"is given but {name} is not")
                break
            if before is not None:
                prior, prior_stage = before
                if stage.date < prior_stage.date:
                    yield Problem(
                        f"{where}.{name}.date",
                        f"{stage.date} is before the {prior} date {prior_stage.date}",
                    )
                if stage.amount > prior_stage.amount:
                    yield Problem(
                        f"{where}.{name}.amount",
                        f"{stage.amount:g} is above the {prior} amount {prior_stage.amount:g}",
                    )
            before = (name, stage)


def record_problems(plan: Plan) -> list[Problem]:
    """Every record that does not fit the plan, named by its path (docs/model.md section 1)."""
    problems: list[Problem] = []
    known = {q.key for q in quarters_of(plan)}
    span = f"{min(known, key=_order)} to {max(known, key=_order)}"

    def quarter(path: str, value: str) -> None:
        if value not in known:
            problems.append(Problem(path, f"{value} is not within the plan's horizon ({span})"))

    names: set[str] = set()
    for i, objective in enumerate(plan.objectives or []):
        if objective.name in names:
            problems.append(Problem(f"objectives.{i}.name", f"{objective.name!r} is used twice"))
        names.add(objective.name)
        seen: set[str] = set()
        for j, target in enumerate(objective.targets):
            where = f"objectives.{i}.targets.{j}.quarter"
            quarter(where, target.quarter)
            if target.quarter in seen:
                problems.append(Problem(where, f"{target.quarter} appears twice"))
            seen.add(target.quarter)
    if plan.commitments is not None:
        records = plan.commitments
        roles, items = len(plan.resources), len(plan.investments)
        for i, hire in enumerate(records.hires):
            where = f"commitments.hires.{i}"
            if hire.resource >= roles:
                problems.append(
                    Problem(
                        f"{where}.resource",
                        f"{hire.resource} is not a planned role "
                        f"({'none planned' if not roles else f'0 to {roles - 1}'})",
                    )
                )
            if hire.month is None and not hire.dropped:
                problems.append(Problem(f"{where}.month", "is required unless dropped is true"))
            if hire.month is not None and hire.month > plan.months:
                problems.append(
                    Problem(f"{where}.month", f"{hire.month} is above {plan.months} (months)")
                )
        seen_items: set[int] = set()
        for i, made in enumerate(records.investments):
            where = f"commitments.investments.{i}"
            if made.investment >= items:
                problems.append(
                    Problem(
                        f"{where}.investment",
                        f"{made.investment} is not a planned "
                        f"investment ({'none planned' if not items else f'0 to {items - 1}'})",
                    )
                )
            elif made.investment in seen_items:
                problems.append(Problem(f"{where}.investment", f"{made.investment} appears twice"))
            seen_items.add(made.investment)
            if made.month is not None and made.month > plan.months:
                problems.append(
                    Problem(f"{where}.month", f"{made.month} is above {plan.months} (months)")
                )
        problems += _dates_and_amounts(plan)
        reached: set[tuple[str, str]] = set()
        for i, count in enumerate(records.objectives):
            where = f"commitments.objectives.{i}"
            if count.objective not in names:
                problems.append(
                    Problem(
                        f"{where}.objective",
                        f"{count.objective!r} is not an objective of the plan (objectives[].name)",
                    )
                )
            quarter(f"{where}.quarter", count.quarter)
            if (count.objective, count.quarter) in reached:
                problems.append(Problem(f"{where}.quarter", f"{count.quarter} appears twice"))
            reached.add((count.objective, count.quarter))
        support: set[str] = set()
        for i, given in enumerate(records.support):
            quarter(f"commitments.support.{i}.quarter", given.quarter)
            if given.quarter in support:
                problems.append(
                    Problem(f"commitments.support.{i}.quarter", f"{given.quarter} appears twice")
                )
            support.add(given.quarter)
    for i, action in enumerate(plan.actions or []):
        if action.closed is not None and _order(action.closed) < _order(action.raised):
            problems.append(
                Problem(
                    f"actions.{i}.closed", f"{action.closed} is before {action.raised} (raised)"
                )
            )
    return problems


def _order(key: str) -> Quarter:
    return Quarter.parse(key)
