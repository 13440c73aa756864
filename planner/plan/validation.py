"""Validation of a plan (docs/model.md section 1): plain data in, a complete :class:`Plan` out or
a :class:`PlanError` carrying one :class:`Problem` per bad field; a plan is never half-loaded.

Every entry point (file, upload, workbook import, command line, an edit in the app) goes
through :func:`validate`, or :func:`with_values` and :func:`apply_changes`, which set values by
path and validate the plan they make. Beyond the schema's field ranges it checks the rules
that involve more than one field: months within the horizon, scenarios, actuals, private
paths, the uncertainty ranges (:mod:`planner.plan.ranges`) and the onboarding records
(:mod:`planner.plan.records`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from planner.plan.paths import data_with_values, has_path, set_path
from planner.plan.ranges import uncertainty_problems
from planner.plan.records import record_problems
from planner.plan.schema import (
    MAX_MONEY,
    VALUE_COLUMNS,
    Plan,
    PlanError,
    Problem,
    as_integer,
    as_number,
    fmt_value,
)

MAX_ACTUAL = MAX_MONEY * 1000
"""Largest size of an actual value (docs/model.md: at most 10^15), either sign."""
ACTUAL_RANGE = "-10^15 to 10^15"

_SCENARIO_ROOTS = frozenset(Plan.model_fields) - {
    "version",
    "scenarios",
    "actuals",
    "private",
    "uncertainty",
    "decision",
    "notes",
    "objectives",
    "commitments",
    "actions",
}


def _loc_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _problem_from_error(error: Mapping[str, Any]) -> Problem:
    """One pydantic error as a problem: an English line, and the key and values a page says
    it with in the reader's language (``ui.problem.<key>``)."""
    loc = tuple(error["loc"])
    value = error.get("input")
    ctx = error.get("ctx") or {}
    kind = error["type"]
    # keys of their own: a file's refusals (ui.refusal.*) use "missing" and "not_finite"
    key = {"missing": "required", "not_finite": "too_large_number"}.get(kind, kind)
    params = {"value": fmt_value(value)}
    if kind == "greater_than_equal":
        params["bound"] = fmt_value(ctx["ge"])
        message = f"{fmt_value(value)} is below {fmt_value(ctx['ge'])}"
    elif kind == "greater_than":
        params["bound"] = fmt_value(ctx["gt"])
        message = f"{fmt_value(value)} must be above {fmt_value(ctx['gt'])}"
    elif kind == "less_than_equal":
        params["bound"] = fmt_value(ctx["le"])
        message = f"{fmt_value(value)} is above {fmt_value(ctx['le'])}"
    elif kind == "less_than":
        params["bound"] = fmt_value(ctx["lt"])
        message = f"{fmt_value(value)} must be below {fmt_value(ctx['lt'])}"
    elif kind == "missing":
        message = "is required"
    elif kind == "extra_forbidden":
        message = "unknown key (check the spelling)"
    elif kind == "literal_error":
        params["expected"] = str(ctx.get("expected", ""))
        message = f"{fmt_value(value)} is not one of {ctx.get('expected', '')}"
    elif kind in ("string_too_long", "too_long"):
        key, params["limit"] = "too_long", ctx["max_length"]
        message = f"is longer than {ctx['max_length']} characters"
    elif kind in ("model_type", "dict_type"):
        key, message = "not_mapping", f"{fmt_value(value)} is not a mapping of keys to values"
    elif kind == "list_type":
        message = f"{fmt_value(value)} is not a list"
    elif kind == "string_type":
        message = f"{fmt_value(value)} is not text"
    else:
        params.update({name: str(item) for name, item in ctx.items()})
        message = error["msg"]
    return Problem(_loc_path(loc), message, key, params)


def validate(data: Any) -> Plan:
    """Validate plain data (as read from YAML or JSON) into a :class:`Plan`.

    >>> validate({"version": 1})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    planner.plan.schema.PlanError: title: is required; ...
    """
    if not isinstance(data, Mapping):
        raise PlanError([Problem("", "the plan must be a mapping of keys to values")])
    try:
        plan = Plan.model_validate(data)
    except ValidationError as error:
        raise PlanError(_problem_from_error(e) for e in error.errors()) from None
    problems = _cross_checks(plan)
    if problems:
        raise PlanError(problems)
    if plan.actuals:
        rows = [
            {k: int(v) if k == "month" else float(v) for k, v in row.items()}
            for row in plan.actuals
        ]
        plan = plan.model_copy(update={"actuals": sorted(rows, key=lambda row: row["month"])})
    return plan


def _cross_checks(plan: Plan) -> list[Problem]:
    """Rules that involve more than one field: months within the horizon, scenarios, actuals."""
    n = plan.months
    problems: list[Problem] = []
    for i, item in enumerate(plan.investments):
        if item.month > n:
            problems.append(
                Problem(
                    f"investments.{i}.month",
                    f"{item.month} is above {n} (months)",
                    "above_months",
                    {"value": item.month, "bound": n},
                )
            )
    for i, res in enumerate(plan.resources):
        if res.start_month > n:
            problems.append(
                Problem(
                    f"resources.{i}.start_month",
                    f"{res.start_month} is above {n} (months)",
                    "above_months",
                    {"value": res.start_month, "bound": n},
                )
            )
        if res.ramp_months > n:
            problems.append(
                Problem(
                    f"resources.{i}.ramp_months",
                    f"{res.ramp_months} is above {n} (months)",
                    "above_months",
                    {"value": res.ramp_months, "bound": n},
                )
            )
    for side in ("partner", "vendor"):
        hurdle = getattr(plan.hurdles, side, None) if plan.hurdles else None
        latest = hurdle.latest_payback_month if hurdle else None
        if latest is not None and latest > n:
            problems.append(
                Problem(
                    f"hurdles.{side}.latest_payback_month",
                    f"{latest} is above {n} (months)",
                    "above_months",
                    {"value": latest, "bound": n},
                )
            )
    problems += _check_actuals(plan.actuals, n)
    problems += _check_private(plan)
    problems += _check_uncertainty(plan)
    problems += _check_onboarding(plan)
    names: set[str] = set()
    for i, scenario in enumerate(plan.scenarios):
        if scenario.name in names:
            problems.append(Problem(f"scenarios.{i}.name", f"{scenario.name!r} is used twice"))
        names.add(scenario.name)
        try:
            apply_changes(plan, scenario.set, context=f"scenarios.{scenario.name}")
        except PlanError as error:
            problems += error.problems
    return problems


def _check_actuals(rows: list[dict[str, Any]], months: int) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[int] = set()
    for i, row in enumerate(rows):
        where = f"actuals.{i}"
        if "month" not in row:
            problems.append(Problem(f"{where}.month", "is required"))
        for key, value in row.items():
            if key != "month" and key not in VALUE_COLUMNS:
                problems.append(Problem(f"{where}.{key}", "unknown key (not a monthly column)"))
                continue
            try:
                number = as_integer(value) if key == "month" else as_number(value)
            except PydanticCustomError as error:
                problems.append(Problem(f"{where}.{key}", error.message()))
                continue
            if key == "month":
                if not 1 <= number <= months:
                    problems.append(
                        Problem(f"{where}.month", f"{number} is not within 1 to {months}")
                    )
                elif number in seen:
                    problems.append(Problem(f"{where}.month", f"{number} appears twice"))
                seen.add(int(number))
            else:
                refusal = actual_refusal(number)
                if refusal:
                    problems.append(Problem(f"{where}.{key}", refusal))
    return problems


def actual_refusal(value: float) -> str | None:
    """Why ``value`` cannot be an actual (docs/model.md: finite, at most 10^15 in size), or
    ``None``: ``1e+300 is not within -10^15 to 10^15``."""
    if not math.isfinite(value):
        return f"{fmt_value(value)} is not a finite number"
    if abs(value) > MAX_ACTUAL:
        return f"{fmt_value(value)} is not within {ACTUAL_RANGE}"
    return None


def _check_uncertainty(plan: Plan) -> list[Problem]:
    return uncertainty_problems(plan, plan.uncertainty) if plan.uncertainty else []


def _check_onboarding(plan: Plan) -> list[Problem]:
    if plan.objectives is None and plan.commitments is None and plan.actions is None:
        return []
    return record_problems(plan)


def _check_private(plan: Plan) -> list[Problem]:
    if plan.private is None:
        return []
    data = plan.to_data()
    problems = []
    for side in ("vendor", "partner"):
        for i, path in enumerate(getattr(plan.private, side)):
            if path.split(".")[0] not in _SCENARIO_ROOTS or not has_path(data, path):
                problems.append(Problem(f"private.{side}.{i}", f"{path!r} is not a plan path"))
    return problems


def apply_changes(plan: Plan, changes: Mapping[str, Any], *, context: str = "") -> Plan:
    """A new plan with values set by dotted path; its scenarios, actuals, uncertainty dropped.

    Errors name the context (such as ``scenarios.Konservativ``) and the path.
    """
    prefix = f"{context}." if context else ""
    data = plan.to_data()
    data.pop("scenarios", None)
    data.pop("actuals", None)
    data.pop("uncertainty", None)  # checked once, on the plan that holds it
    problems = []
    for path, value in changes.items():
        root = str(path).split(".")[0]
        if root not in _SCENARIO_ROOTS or not set_path(data, str(path), value):
            problems.append(Problem(f"{prefix}{path}", "is not a plan path", "not_a_path"))
    if problems:
        raise PlanError(problems)
    try:
        return validate(data)
    except PlanError as error:
        raise PlanError(
            Problem(f"{prefix}{p.path}", p.message, p.key, p.params) for p in error.problems
        ) from None


def with_values(plan: Plan, changes: Mapping[str, Any]) -> Plan:
    """A new plan with values set by dotted path, keeping its scenarios and actuals."""
    return validate(data_with_values(plan, changes))


def with_scenario(plan: Plan, name: str) -> Plan:
    """The plan with the named scenario's values set (scenarios and actuals dropped)."""
    for item in plan.scenarios:
        if item.name == name:
            return apply_changes(plan, item.set, context=f"scenarios.{name}")
    known = ", ".join(s.name for s in plan.scenarios) or "none"
    raise PlanError([Problem("scenario", f"{name!r} is not in the plan (known: {known})")])
