"""Commitment records: the plans a plan's ``objectives``, ``commitments`` and ``actions`` imply
(the rules they keep are :mod:`planner.plan.records`).

A record never changes the signed plan; it says what happened. Two plans follow from the
records (docs/model.md, "The NPV bridge"):

* :func:`timed_plan`: the planned hires and investments moved to the months they were
  actually made, at their planned size (what *timing* alone does);
* :func:`committed_plan`: the same with the sizes recorded: a role hired with fewer FTE, a
  part of it or an investment dropped, an investment made for another amount.

A role's records are taken in file order. Each record's FTE becomes a copy of the role
starting in the recorded month (appended to ``resources``); whatever of the planned FTE no
record covers stays in the role's own line at the planned month, so indices (and private paths
such as ``resources.0.annual_cost``) keep meaning the same role. The model is linear in a
role's FTE, so splitting a role at one month changes nothing.
"""

from __future__ import annotations

from typing import Any

from planner.plan.schema import Plan
from planner.plan.validation import validate


def _base_data(plan: Plan) -> dict[str, Any]:
    """The plan's assumptions as data, without scenarios, actuals and records."""
    data = plan.to_data()
    for key in ("scenarios", "actuals", "commitments", "actions"):
        data.pop(key, None)
    return data


def assumptions(plan: Plan) -> Plan:
    """The plan without its scenarios, actuals and records: what was (or is) agreed."""
    return validate(_base_data(plan))


def _applied(plan: Plan, sizes: bool) -> Plan:
    data = _base_data(plan)
    if plan.commitments is None:
        return validate(data)
    resources: list[dict[str, Any]] = data.get("resources", [])
    extra: list[dict[str, Any]] = []
    for index, role in enumerate(plan.resources):
        left = role.fte
        for hire in plan.commitments.hires:
            if hire.resource != index:
                continue
            if sizes:
                fte = hire.fte
                left = max(0.0, left - hire.fte)
                if hire.dropped:
                    continue
            else:
                fte = min(hire.fte, left)
                left -= fte
            if fte > 0:
                month = role.start_month if hire.dropped or hire.month is None else hire.month
                extra.append({**resources[index], "fte": fte, "start_month": month})
        resources[index]["fte"] = left
    if extra:
        data["resources"] = resources + extra
    for made in plan.commitments.investments:
        item = data["investments"][made.investment]
        if made.month is not None and not made.dropped:
            item["month"] = made.month
        if sizes:
            if made.dropped:
                item["amount"] = 0.0
            elif made.amount is not None:
                item["amount"] = made.amount
    return validate(data)


def timed_plan(plan: Plan) -> Plan:
    """The assumptions with hires and investments at their recorded months, planned sizes."""
    return _applied(plan, sizes=False)


def committed_plan(plan: Plan) -> Plan:
    """The assumptions with hires and investments as recorded: months and sizes."""
    return _applied(plan, sizes=True)
