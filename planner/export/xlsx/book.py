"""The workbook being built: the plan's values by path, the scenario switch and the
:class:`Book` every sheet writer shares."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from planner import i18n
from planner.export.xlsx.cells import NOTE_FONT, put
from planner.export.xlsx.fields import Formats
from planner.export.xlsx.layout import sheet_name
from planner.plan.schema import MONTHLY_COLUMNS, Plan
from planner.plan.validation import with_scenario


def plan_values(plan: Plan) -> Iterator[tuple[str, Any]]:
    """Every value of the plan by dotted path, in file order (scenarios and actuals aside)."""
    data = plan.to_data()
    data.pop("scenarios", None)
    data.pop("actuals", None)
    data.pop("notes", None)  # the reasoning sits beside the values (:func:`note_places`)

    def walk(prefix: str, node: Any) -> Iterator[tuple[str, Any]]:
        if isinstance(node, dict):
            for key, value in node.items():
                yield from walk(f"{prefix}.{key}" if prefix else key, value)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(f"{prefix}.{index}", value)
        else:
            yield prefix, node

    yield from walk("", data)


@dataclass(frozen=True)
class ScenarioSwitch:
    """What the switch on ``Inputs`` chooses from: 0 the base plan, ``k`` the k-th scenario.

    A scenario is *live* when it keeps the workbook's shape (``months`` and every list's
    length): then its changes, by leaf path, flow through the formulas of the values in use on
    ``Scenarios``. One that changes the shape cannot (the Checks sheet flags choosing it)."""

    names: tuple[str, ...] = ()
    live: tuple[bool, ...] = ()
    changes: tuple[Mapping[str, Any], ...] = ()
    paths: tuple[str, ...] = ()
    """Every path a live scenario changes, in the order of ``Inputs``."""


def scenario_switch(plan: Plan) -> ScenarioSwitch:
    """The plan's scenarios as the switch offers them."""
    if not plan.scenarios:
        return ScenarioSwitch()
    base = {k: v for k, v in plan_values(plan) if not k.startswith("uncertainty.")}
    names, live, changes = [], [], []
    touched: set[str] = set()
    for scenario in plan.scenarios:
        variant = dict(plan_values(with_scenario(plan, scenario.name)))
        changed = {
            path: value
            for path, value in variant.items()
            if path not in base or base[path] != value or type(base[path]) is not type(value)
        }
        ok = set(variant) == set(base) and "months" not in changed
        names.append(scenario.name)
        live.append(ok)
        changes.append(changed if ok else {})
        if ok:
            touched |= set(changed)
    order = [path for path in base if path in touched]
    return ScenarioSwitch(tuple(names), tuple(live), tuple(changes), tuple(order))


@dataclass
class Book:
    """Everything the sheet writers share: the workbook, the plan and how it is shown."""

    wb: Workbook
    plan: Plan
    language: str
    fmt: Formats
    switch: ScenarioSwitch
    notes: Mapping[str, str]
    economics: bool = True
    shown: Sequence[str] = MONTHLY_COLUMNS
    locked: bool = False
    """The switch stays at the base plan: an edition whose formulas hold model values."""
    used_notes: set[str] = field(default_factory=set)
    definition_rows: dict[tuple[int, str], int] = field(default_factory=dict)

    def sheet(self, key: str) -> str:
        return sheet_name(key, self.language)

    def t(self, key: str, **values: Any) -> str:
        return i18n.t(key, self.language, **values)

    def note(self, key: str) -> str | None:
        text = self.notes.get(key)
        if text:
            self.used_notes.add(key)
        return text


def put_note(book: Book, ws: Worksheet, row: int, column: int, key: str) -> None:
    text = book.note(key)
    if text:
        put(ws, row, column, text, font=NOTE_FONT, wrap=True)
