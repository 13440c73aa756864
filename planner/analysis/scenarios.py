"""The plan's scenarios side by side with the base, and pure helpers that edit the scenario list.

:func:`compare` computes the base and every scenario in one batched model call. The helpers
return new, validated plans (a :class:`~planner.plan.schema.Plan` is immutable): a scenario made
from the current edits (:func:`add_scenario`, :func:`scenario_from_plan`), :func:`rename_scenario`,
:func:`delete_scenario` and :func:`promote_scenario` (a scenario becomes the base).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from planner import model
from planner.analysis.figures import FIGURES, figure_value
from planner.plan.schema import Plan, PlanError, Problem
from planner.plan.validation import validate, with_scenario

BASE = "base"
"""Column name of the base plan in a comparison (JSON key ``base``)."""
_NOT_EDITABLE = ("version", "scenarios", "actuals", "private", "uncertainty")
"""Plan keys that a scenario cannot set (see ``_SCENARIO_ROOTS`` in
:mod:`planner.plan.validation`)."""


@dataclass(frozen=True)
class Comparison:
    """Key figures of the base and each scenario (plain dicts, ``None`` for undefined)."""

    base: dict[str, Any]
    scenarios: dict[str, dict[str, Any]]

    def difference(self, name: str) -> dict[str, Any]:
        """Scenario minus base per figure (``None`` where either is undefined or for ``mutual``)."""
        other = self.scenarios[name]
        out: dict[str, Any] = {}
        for side in ("partner", "vendor"):
            out[side] = {
                figure: (
                    None
                    if base_value is None or other[side][figure] is None
                    else other[side][figure] - base_value
                )
                for figure, base_value in self.base[side].items()
            }
        return out

    def rows(self) -> list[dict[str, Any]]:
        """One row per figure: ``{"figure", "base", "values": {name}, "differences": {name}}``."""
        diffs = {name: self.difference(name) for name in self.scenarios}
        rows = []
        for name in FIGURES:
            values = {s: figure_value(f, name) for s, f in self.scenarios.items()}
            if name == "mutual":
                differences: dict[str, Any] = dict.fromkeys(self.scenarios)
            else:
                differences = {s: figure_value(d, name) for s, d in diffs.items()}
            rows.append(
                {
                    "figure": name,
                    "base": figure_value(self.base, name),
                    "values": values,
                    "differences": differences,
                }
            )
        return rows

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``--json``: base, scenarios and differences to the base."""
        return {
            BASE: self.base,
            "scenarios": self.scenarios,
            "differences": {name: self.difference(name) for name in self.scenarios},
        }


def compare(plan: Plan, names: Sequence[str] | None = None) -> Comparison:
    """The base and the named scenarios (default: all) computed in one batch.

    Unknown names raise :class:`~planner.plan.schema.PlanError` (``scenario: 'X' is not in the
    plan``).
    """
    chosen = [s.name for s in plan.scenarios] if names is None else list(names)
    plans = [plan, *(with_scenario(plan, name) for name in chosen)]
    batch = model.Batch.from_plans(plans)
    figures = model.key_figures(batch, model.simulate(batch))
    return Comparison(
        base=model.figures_of(figures, 0),
        scenarios={name: model.figures_of(figures, row + 1) for row, name in enumerate(chosen)},
    )


# --- editing the scenario list -----------------------------------------------------------


def _index(plan: Plan, name: str) -> int:
    for i, scenario in enumerate(plan.scenarios):
        if scenario.name == name:
            return i
    known = ", ".join(s.name for s in plan.scenarios) or "none"
    raise PlanError([Problem("scenario", f"{name!r} is not in the plan (known: {known})")])


def _leaves(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(_leaves(value, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: data}


def diff(base: Plan, edited: Plan) -> dict[str, Any]:
    """The dotted paths (and new values) at which ``edited`` differs from ``base``.

    List items are compared field by field; a list whose length changed is given whole.
    Scenarios, actuals, private and uncertainty are not compared.
    """
    old = {k: v for k, v in base.to_data().items() if k not in _NOT_EDITABLE}
    new = {k: v for k, v in edited.to_data().items() if k not in _NOT_EDITABLE}
    changes: dict[str, Any] = {}
    _diff_into(old, new, "", changes)
    return changes


def _diff_into(old: Any, new: Any, path: str, changes: dict[str, Any]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in dict.fromkeys([*old, *new]):
            _diff_into(old.get(key), new.get(key), f"{path}{key}.", changes)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            _diff_into(a, b, f"{path}{i}.", changes)
    elif old != new or type(old) is not type(new):
        changes[path[:-1]] = new


def _with_scenarios(plan: Plan, scenarios: list[dict[str, Any]]) -> Plan:
    data = plan.to_data()
    data["scenarios"] = scenarios
    return validate(data)


def add_scenario(plan: Plan, name: str, changes: Mapping[str, Any]) -> Plan:
    """The plan with a new scenario ``name`` that sets ``changes`` (dotted path -> value).

    The name must be new and every path a plan path with a valid value
    (:class:`~planner.plan.schema.PlanError` names the field otherwise).
    """
    scenarios = [s.model_dump(mode="json") for s in plan.scenarios]
    return _with_scenarios(plan, [*scenarios, {"name": name, "set": dict(changes)}])


def scenario_from_plan(base: Plan, edited: Plan, name: str) -> Plan:
    """``base`` with a new scenario ``name`` holding every edit that turns it into ``edited``."""
    return add_scenario(base, name, diff(base, edited))


def rename_scenario(plan: Plan, old: str, new: str) -> Plan:
    """The plan with scenario ``old`` renamed to ``new`` (which must not be taken)."""
    index = _index(plan, old)
    scenarios = [s.model_dump(mode="json") for s in plan.scenarios]
    scenarios[index]["name"] = new
    return _with_scenarios(plan, scenarios)


def delete_scenario(plan: Plan, name: str) -> Plan:
    """The plan without scenario ``name``."""
    index = _index(plan, name)
    scenarios = [s.model_dump(mode="json") for s in plan.scenarios]
    del scenarios[index]
    return _with_scenarios(plan, scenarios)


def promote_scenario(plan: Plan, name: str, *, keep_base_as: str | None = None) -> Plan:
    """The plan whose base takes the values of scenario ``name``; that scenario is removed.

    The other scenarios keep their ``set`` (absolute values at their paths), so they now vary
    the new base. With ``keep_base_as``, the old base is kept as a scenario of that name (it
    sets back every value the promotion changed). Actuals, private paths and uncertainty stay.
    """
    index = _index(plan, name)
    promoted = with_scenario(plan, name)
    scenarios = [s.model_dump(mode="json") for i, s in enumerate(plan.scenarios) if i != index]
    if keep_base_as is not None:
        scenarios.append({"name": keep_base_as, "set": diff(promoted, plan)})
    data = promoted.to_data()
    kept = plan.to_data()
    for key in ("actuals", "private", "uncertainty"):
        if key in kept:
            data[key] = kept[key]
    data["scenarios"] = scenarios
    return validate(data)
