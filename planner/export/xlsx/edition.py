"""A side's edition of the live workbook: what that side may not see leaves the workbook.

:func:`planner.export.xlsx.build_workbook` writes every formula for the whole plan; for a side
from which some inputs are hidden (:func:`planner.privacy.view`) :func:`hide` then

1. writes "private" over each hidden input (``Inputs``) and hidden scenario value
   (``Scenarios``), and drops the exact-value helper beside it (the reasoning beside a hidden
   value is left out when the workbook is built: :func:`planner.privacy.view` masks it);
2. follows every formula that reads such a cell, directly or through other formulas, and
   replaces it with the model's value where the side may see the figure (a monthly column, a
   year, a P&L line, a key figure; a check holds 0, its result at export), or with "private"
   where it may not (the per-item helper cells of ``Team`` and ``Investments``, the helper
   columns of ``Monthly``, the values in use on ``Scenarios``). A formula that reads only
   cells replaced by values stays a formula: it computes from what the side may see.

So the edition's numbers are the model's, its remaining formulas recalculate exactly, and no
cell holds or reads a value hidden from its reader. Changing an input that a replaced value
depends on no longer recalculates that value, and the scenario switch stays at the base plan
(the Checks sheet flags any other setting): the edition says so on ``Sign-off``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import column_index_from_string

from planner import i18n
from planner.catalogue import overlaps
from planner.export.xlsx.layout import (
    INPUT_EXACT_COLUMN,
    INPUT_PATH_COLUMN,
    INPUT_VALUE_COLUMN,
    sheet_name,
)
from planner.export.xlsx.pnl import PNL_FIRST_ROW, pnl_source
from planner.model import Outcome
from planner.privacy import PlanView

_STRING = re.compile(r'"[^"]*"')
_REFERENCE = re.compile(
    r"(?<![\w.$])(?:(?P<sheet>'[^']+'|[A-Za-z][\w.-]*)!)?"
    r"\$?(?P<c1>[A-Z]{1,3})\$?(?P<r1>\d+)(?::\$?(?P<c2>[A-Z]{1,3})\$?(?P<r2>\d+))?(?![\w(])"
)
_NAME = re.compile(r"(?<![\w.$!])([A-Za-z_][A-Za-z0-9_.]*)(?![\w(!])")


@dataclass(frozen=True)
class Area:
    """A rectangle of cells on one sheet (rows and columns 1-based, inclusive)."""

    sheet: str
    top: int
    left: int
    bottom: int
    right: int


def _areas(text: str, sheet: str) -> Iterator[Area]:
    for m in _REFERENCE.finditer(text):
        where = (m["sheet"] or sheet).strip("'")
        top, left = int(m["r1"]), column_index_from_string(m["c1"])
        bottom = int(m["r2"]) if m["r2"] else top
        right = column_index_from_string(m["c2"]) if m["c2"] else left
        yield Area(where, min(top, bottom), min(left, right), max(top, bottom), max(left, right))


def references(formula: str, sheet: str, names: Mapping[str, list[Area]]) -> list[Area]:
    """The cells a formula on ``sheet`` reads: its cell references and defined names."""
    text = _STRING.sub('""', formula)
    found = list(_areas(text, sheet))
    found += [area for name in _NAME.findall(text) for area in names.get(name, ())]
    return found


def _names(wb: Workbook) -> dict[str, list[Area]]:
    return {
        name: list(_areas(str(defined.attr_text), "")) for name, defined in wb.defined_names.items()
    }


def hide(wb: Workbook, view: PlanView, outcome: Outcome, language: str) -> None:
    """Make ``wb`` (the whole plan's workbook) the edition of ``view``'s audience."""
    private = i18n.t("xlsx.private", language)
    hidden: set[tuple[str, int, int]] = set()

    inputs = wb[sheet_name("inputs", language)]
    for row in range(2, inputs.max_row + 1):
        path = inputs.cell(row=row, column=INPUT_PATH_COLUMN).value
        if isinstance(path, str) and view.is_hidden(path):
            _private(inputs.cell(row=row, column=INPUT_VALUE_COLUMN), private)
            inputs.cell(row=row, column=INPUT_EXACT_COLUMN).value = None
            hidden.add((inputs.title, row, INPUT_VALUE_COLUMN))
    _hide_scenario_values(wb, view, private, hidden, language)

    names = _names(wb)
    formulas = {
        (ws.title, cell.row, cell.column): references(cell.value[1:], ws.title, names)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=")
    }
    values = _model_values(wb, outcome, language)
    for sheet, row, column in _readers(formulas, hidden, set(values)):
        cell = wb[sheet].cell(row=row, column=column)
        value = values.get((sheet, row, column), _PRIVATE)
        if value is _PRIVATE:
            _private(cell, private)
        else:
            cell.value = i18n.MISSING if value is None else value
    sign_off = wb[sheet_name("signoff", language)]
    sign_off.cell(row=sign_off.max_row + 2, column=1).value = i18n.t(
        f"xlsx.edition.{view.audience}", language
    )


_PRIVATE = object()


def _private(cell: Any, text: str) -> None:
    cell.value = text
    cell.data_type = "s"
    cell.number_format = "@"


def _readers(
    formulas: Mapping[tuple[str, int, int], list[Area]],
    hidden: set[tuple[str, int, int]],
    valued: set[tuple[str, int, int]],
) -> set[tuple[str, int, int]]:
    """Every formula cell that reads a cell of ``hidden``, directly or through others; a cell
    of ``valued`` among them takes the model's value, so the formulas reading it (and only
    it) compute from a value the reader may see and are not followed further."""
    read_by: dict[tuple[str, int, int], list[tuple[str, int, int]]] = {}
    for where, areas in formulas.items():
        for a in areas:
            for row in range(a.top, a.bottom + 1):
                for column in range(a.left, a.right + 1):
                    read_by.setdefault((a.sheet, row, column), []).append(where)
    tainted: set[tuple[str, int, int]] = set()
    todo = list(hidden)
    while todo:
        for reader in read_by.get(todo.pop(), ()):
            if reader not in tainted:
                tainted.add(reader)
                if reader not in valued:
                    todo.append(reader)
    return tainted


def _hide_scenario_values(
    wb: Workbook, view: PlanView, private: str, hidden: set[tuple[str, int, int]], language: str
) -> None:
    """The values of scenario entries that change a hidden input (``Scenarios`` definitions)."""
    masked = {h for h in view.hidden if h.startswith("scenarios.")}
    if not masked:
        return
    index = {s.get("name"): i for i, s in enumerate(view.data.get("scenarios") or [])}
    ws = wb[sheet_name("scenarios", language)]
    started = False
    for row in range(1, ws.max_row + 1):
        keys = (ws.cell(row=row, column=1).value, ws.cell(row=row, column=2).value)
        if keys == ("name", "path"):
            started = True
            continue
        if not started:
            continue
        name, path = ws.cell(row=row, column=1).value, ws.cell(row=row, column=2).value
        if name not in index or not isinstance(path, str):
            continue
        place = f"scenarios.{index[name]}.set.{path}"
        if any(overlaps(place, h) for h in masked) or view.is_hidden(path):
            _private(ws.cell(row=row, column=3), private)
            ws.cell(row=row, column=5).value = None
            hidden.add((ws.title, row, 3))


def _model_values(wb: Workbook, outcome: Outcome, language: str) -> dict[tuple[str, int, int], Any]:
    """The model's value of every cell a side may see that a formula could compute: monthly
    columns, yearly sums, P&L lines, key figures and the checks, by (sheet, row, column)."""
    values: dict[tuple[str, int, int], Any] = {}
    monthly = outcome.monthly
    ws = wb[sheet_name("monthly", language)]
    for column in range(1, ws.max_column + 1):
        key = ws.cell(row=2, column=column).value
        if key in monthly.columns and key != "date":
            for t, value in enumerate(monthly[key].tolist(), start=3):
                values[(ws.title, t, column)] = float(value)
    ws = wb[sheet_name("yearly", language)]
    yearly = outcome.yearly
    for column in range(5, ws.max_column + 1):
        key = ws.cell(row=2, column=column).value
        if key in yearly.columns:
            for k, value in enumerate(yearly[key].tolist(), start=3):
                values[(ws.title, k, column)] = float(value)
    ws = wb[sheet_name("pnl", language)]
    key_column = 4 + len(yearly)
    for row in range(PNL_FIRST_ROW, ws.max_row + 1):
        source = pnl_source(str(ws.cell(row=row, column=key_column).value))
        if source is None or source not in yearly.columns:
            continue
        series = [float(v) for v in yearly[source].tolist()]
        for k, value in enumerate(series):
            values[(ws.title, row, 3 + k)] = value
        stock = source.endswith("cumulative_cash")
        values[(ws.title, row, 3 + len(series))] = series[-1] if stock else sum(series)
    ws = wb[sheet_name("figures", language)]
    for row in range(3, ws.max_row + 1):
        figure = ws.cell(row=row, column=6).value
        for column, side in ((2, "partner"), (3, "vendor")):
            if figure in outcome.kpis.get(side, {}):
                values[(ws.title, row, column)] = outcome.kpis[side][figure]
        if figure == "mutual":
            values[(ws.title, row, 2)] = bool(outcome.kpis["mutual"])
    ws = wb[sheet_name("checks", language)]
    for row in range(5, ws.max_row + 1):
        key = ws.cell(row=row, column=4).value
        if isinstance(key, str) and key:
            values[(ws.title, row, 2)] = 0  # the model's values tie out: the result at export
    return values


__all__ = ["hide", "references"]
