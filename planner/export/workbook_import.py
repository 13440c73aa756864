"""Import of an edited workbook: its ``Inputs`` sheet (plus scenario definitions and actuals)
back into a validated :class:`~planner.plan.schema.Plan`.

Uploads are untrusted. :func:`check_upload` refuses, before any XML is parsed, files that are
too large, not a zip, zip bombs, carry macros of any kind, ActiveX controls, embedded objects,
external links or data connections, or declare XML entities (:mod:`planner.limits`);
openpyxl then reads values only (cached results, no macros, no links). Every problem names the
sheet and cell: ``Inputs!C12 (revenue.deal_size): -5 is below 0``.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl.utils import get_column_letter

from planner import catalogue, limits
from planner.export.xlsx.cells import unescape_text
from planner.export.xlsx.fields import enum_value
from planner.export.xlsx.layout import (
    DEFINITION_NOTE_COLUMN,
    DEFINITIONS_KEYS,
    INPUT_EXACT_COLUMN,
    INPUT_NOTE_COLUMN,
    INPUT_PATH_COLUMN,
    INPUT_VALUE_COLUMN,
    NOTE_PREFIX,
    sheet_names,
)
from planner.plan.schema import Plan, PlanError, Problem, fmt_value
from planner.plan.validation import validate

MAX_BYTES = limits.WORKBOOK_MAX_BYTES
"""A workbook larger than this (bytes, as uploaded) is refused (:mod:`planner.limits`)."""
MAX_UNCOMPRESSED = limits.MAX_UNCOMPRESSED
MAX_RATIO = limits.MAX_RATIO
MAX_MEMBERS = limits.MAX_MEMBERS
MAX_ROWS = limits.MAX_ROWS
"""Rows read per sheet at most; a plan has a few hundred."""

_PATH = re.compile(r"^[a-z_]+(\.([a-z_]+|\d{1,4}))*$")
_TRUE = frozenset({"true", "wahr", "yes", "ja", "1"})
_FALSE = frozenset({"false", "falsch", "no", "nein", "0"})


def _refuse(message: str) -> PlanError:
    return PlanError([Problem("workbook", message)])


def check_upload(data: bytes) -> None:
    """Refuse an untrusted upload that is no plain XLSX workbook, without parsing its XML
    (:func:`planner.limits.check_workbook`)."""
    try:
        limits.check_workbook(data)
    except limits.RefusedError as refused:
        raise _refuse(str(refused)) from None


@dataclass
class _Reader:
    """Values read from the workbook, and where each came from (for messages)."""

    cells: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    empty: set[str] = field(default_factory=set)
    """Input paths whose cell had no value (empty, or a formula never calculated)."""
    notes: dict[str, str] = field(default_factory=dict)
    """The reasoning column: plan path -> text (the plan's ``notes``)."""
    sheets: dict[str, str] = field(default_factory=dict)
    """Role (``inputs``, ``scenarios``, ``actuals``) -> the sheet's name in this workbook."""

    def sheet(self, key: str) -> str:
        return self.sheets.get(key) or sheet_names(key)[0]

    def where(self, path: str) -> str:
        cell = self.cells.get(path)
        return f"{cell} ({path})" if cell else f"{self.sheet('inputs')} ({path})"


def _rows(sheet: Any, columns: int) -> Iterator[tuple[int, list[Any]]]:
    for number, row in enumerate(sheet.iter_rows(max_col=columns, values_only=True), start=1):
        if number > MAX_ROWS:
            break
        yield number, list(row) + [None] * (columns - len(row))


_READ_AS: dict[str, str] = {
    "flag": "bool",
    "mapping": "other",
    **dict.fromkeys(catalogue.NUMERIC_KINDS, "number"),
}


def field_kind(path: str) -> str:
    """``text``, ``bool``, ``number`` or ``other``: how a cell of a plan path is read, by its
    field's kind in the catalogue (``other``: free keys, or no field)."""
    entry = catalogue.find(path)
    return "other" if entry is None else _READ_AS.get(entry.kind, "text")


def _exact(value: Any, exact: Any) -> Any:
    """The exact float the export noted, while the cell still holds (a rounding of) it."""
    if not isinstance(exact, str) or isinstance(value, bool):
        return value
    try:
        number = float(exact)
    except ValueError:
        return value
    if isinstance(value, (int, float)) and math.isclose(value, number, rel_tol=1e-13):
        return number
    return value


def _text(value: Any, *, day: bool = True) -> Any:
    if isinstance(value, str):
        return unescape_text(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, (datetime, date)):  # a program took typed text for a date
        if day:
            return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return value


def _flag(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    return value


def _number(value: Any) -> Any:
    if isinstance(value, str):
        text = unescape_text(value).strip()
        try:
            return float(text) if text else None
        except ValueError:
            return text
    return value


def _input_value(path: str, value: Any) -> Any:
    kind = field_kind(path)
    if kind == "text":
        return enum_value(path, _text(value, day=path != "start"))
    if kind == "bool":
        return _flag(value)
    if kind == "number":
        return _number(value)
    return _text(value) if isinstance(value, str) else value


def _nest(values: Iterable[tuple[str, Any]], reader: _Reader) -> dict[str, Any]:
    """Dotted paths to nested data; maps whose keys are 0..n-1 become lists."""
    root: dict[str, Any] = {}
    for path, value in values:
        node = root
        parts = path.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                reader.problems.append(Problem(reader.where(path), "conflicts with another row"))
                break
            node = child
        else:
            if parts[-1] in node:
                reader.problems.append(Problem(reader.where(path), "conflicts with another row"))
            node[parts[-1]] = value
    tree = _lists(root, "", reader)
    return dict(tree)


def _lists(node: Any, prefix: str, reader: _Reader) -> Any:
    if not isinstance(node, dict):
        return node
    items = {k: _lists(v, f"{prefix}{k}.", reader) for k, v in node.items()}
    if items and all(k.isdigit() for k in items):
        indexes = sorted(int(k) for k in items)
        if indexes != list(range(len(indexes))):
            where = f"{reader.sheet('inputs')} ({prefix.rstrip('.')})"
            numbers = ", ".join(str(i) for i in indexes)
            reader.problems.append(
                Problem(where, f"items are numbered {numbers}; they must run 0, 1, 2, ...")
            )
        return [items[str(i)] for i in indexes]
    return items


def _read_inputs(sheet: Any, reader: _Reader) -> dict[str, Any]:
    values: list[tuple[str, Any]] = []
    column = get_column_letter(INPUT_VALUE_COLUMN)
    name = reader.sheet("inputs")
    for number, row in _rows(sheet, INPUT_NOTE_COLUMN):
        path, value = row[INPUT_PATH_COLUMN - 1], row[INPUT_VALUE_COLUMN - 1]
        value = _exact(value, row[INPUT_EXACT_COLUMN - 1])
        if not isinstance(path, str):
            continue
        path = path.strip()
        note = row[INPUT_NOTE_COLUMN - 1]
        if path.startswith(NOTE_PREFIX) and len(path) > len(NOTE_PREFIX):
            _read_note(reader, path[len(NOTE_PREFIX) :], note)
            continue
        if not _PATH.match(path):
            continue
        if path in reader.cells:
            reader.problems.append(
                Problem(
                    f"{name}!{column}{number} ({path})",
                    f"appears twice (also {reader.cells[path]})",
                )
            )
            continue
        reader.cells[path] = f"{name}!{column}{number}"
        _read_note(reader, path, note)
        if value is None:
            reader.empty.add(path)
            continue  # an empty cell: the key is left out (a default applies, or it is required)
        values.append((path, _input_value(path, value)))
    return _nest(values, reader)


def _read_note(reader: _Reader, path: str, note: Any) -> None:
    """The reasoning beside a value: text (an empty cell: none)."""
    if note is None or (isinstance(note, str) and not note.strip()):
        return
    reader.notes[path] = unescape_text(note) if isinstance(note, str) else str(_text(note))


_CASTS: dict[str, type] = {"int": int, "float": float, "bool": bool}


def _scenario_value(value: Any, kind: Any, where: str, reader: _Reader) -> Any:
    if kind == "json" and isinstance(value, str):
        try:
            return json.loads(unescape_text(value))
        except ValueError:
            reader.problems.append(Problem(where, f"{fmt_value(value)} is not valid JSON"))
            return None
    if isinstance(value, str):
        return unescape_text(value) if kind == "str" else _number(value)
    if isinstance(value, (datetime, date)) and kind == "str":
        return _text(value, day=False)
    if kind == "bool":
        return _flag(value)
    if kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _read_scenarios(sheet: Any, reader: _Reader) -> list[dict[str, Any]]:
    scenarios: dict[str, dict[str, Any]] = {}
    notes: dict[tuple[str, str], Any] = {}
    started = False
    name_of_sheet = reader.sheet("scenarios")
    for number, row in _rows(sheet, DEFINITION_NOTE_COLUMN):
        if not started:
            started = tuple(row[: len(DEFINITIONS_KEYS)]) == DEFINITIONS_KEYS
            continue
        name, path, value, kind, exact, note = row[:DEFINITION_NOTE_COLUMN]
        value = _exact(value, exact)
        if name is None or (isinstance(name, str) and not name.strip()):
            continue
        name = _text(name)
        entries = scenarios.setdefault(name, {})
        reader.cells.setdefault(f"scenario:{name}", f"{name_of_sheet}!A{number}")
        if path is None:
            continue
        path = str(path).strip()
        where = f"{name_of_sheet}!C{number}"
        reader.cells[f"scenarios.{name}: {path}"] = where
        reader.cells[f"scenarios.{name}.{path}"] = where
        if path in entries:
            reader.problems.append(Problem(f"{where} ({name}: {path})", "appears twice"))
        parsed = _scenario_value(value, kind, where, reader)
        entries[path] = enum_value(path, parsed) if kind == "str" else parsed
        notes[(name, path)] = note
    for index, name in enumerate(scenarios):
        for path in scenarios[name]:
            _read_note(reader, f"scenarios.{index}.set.{path}", notes.get((name, path)))
    return [{"name": name, "set": entries} for name, entries in scenarios.items()]


def _read_actuals(sheet: Any, reader: _Reader) -> list[dict[str, Any]]:
    keys: list[Any] = []
    actuals: list[dict[str, Any]] = []
    for number, row in _rows(sheet, 64):
        if number == 2:
            keys = row
            continue
        if number < 3 or all(v is None for v in row):
            continue
        record: dict[str, Any] = {}
        for index, (key, value) in enumerate(zip(keys, row, strict=False)):
            if key is None or value is None:
                continue
            cell = f"{reader.sheet('actuals')}!{get_column_letter(index + 1)}{number}"
            reader.cells[f"actuals.{len(actuals)}.{key}"] = cell
            record[str(key)] = _number(value)
        actuals.append(record)
    return actuals


def _locate(problem: Problem, reader: _Reader) -> Problem:
    path = problem.path
    if path in reader.cells:
        return Problem(f"{reader.cells[path]} ({path})", problem.message)
    scenarios = reader.sheet("scenarios")
    match = re.match(r"^scenarios\.(\d+)\.", path)
    if match:
        return Problem(f"{scenarios} ({path})", problem.message)
    if path.startswith("scenarios."):
        name = path.split(":", 1)[0][len("scenarios.") :]
        cell = reader.cells.get(f"scenario:{name}")
        return Problem(f"{cell or scenarios} ({path})", problem.message)
    if path.startswith("actuals."):
        return Problem(f"{reader.sheet('actuals')} ({path})", problem.message)
    if not path:
        return problem
    return Problem(f"{reader.sheet('inputs')} ({path})", problem.message)


def read_workbook(data: bytes) -> Plan:
    """The plan held by a workbook's ``Inputs`` (and ``Scenarios``, ``Actuals``) sheets, by
    their name in any language of :data:`planner.export.xlsx.layout.SHEET_NAMES`, with the reasoning
    column as the plan's ``notes``.

    Raises :class:`PlanError` for a refused upload or a plan that does not validate; each
    problem names the sheet and cell.
    """
    check_upload(data)
    from openpyxl import load_workbook

    try:
        book = load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_vba=False, keep_links=False
        )
    except Exception as error:  # openpyxl raises many kinds on malformed files
        raise _refuse(f"cannot be read as XLSX ({type(error).__name__})") from None
    reader = _Reader()
    for key in ("inputs", "scenarios", "actuals"):
        found = next((n for n in sheet_names(key) if n in book.sheetnames), None)
        if found:
            reader.sheets[key] = found
    try:
        if "inputs" not in reader.sheets:
            names = " or ".join(repr(n) for n in sheet_names("inputs"))
            raise _refuse(f"has no sheet named {names} (was it exported by this product?)")
        data_tree = _read_inputs(book[reader.sheets["inputs"]], reader)
        if "scenarios" in reader.sheets:
            scenarios = _read_scenarios(book[reader.sheets["scenarios"]], reader)
            if scenarios:
                data_tree["scenarios"] = scenarios
        if "actuals" in reader.sheets:
            actuals = _read_actuals(book[reader.sheets["actuals"]], reader)
            if actuals:
                data_tree["actuals"] = actuals
        if reader.notes:
            data_tree["notes"] = reader.notes
    except PlanError:
        raise
    except Exception as error:  # a malformed sheet surfaces while rows are read
        raise _refuse(f"cannot be read as XLSX ({type(error).__name__})") from None
    finally:
        book.close()
    if reader.problems:
        raise PlanError(reader.problems)
    try:
        return validate(data_tree)
    except PlanError as error:
        problems = [_uncalculated(p, reader, data) for p in error.problems]
        raise PlanError(_locate(p, reader) for p in problems) from None


_UNCALCULATED = (
    "holds a formula without a calculated value: type the number, or open and save the "
    "workbook in a spreadsheet program first"
)


def _uncalculated(problem: Problem, reader: _Reader, data: bytes) -> Problem:
    """``is required`` for a cell that holds a formula no program has calculated yet
    (a file written by a script) says so."""
    if problem.path not in reader.empty or problem.message != "is required":
        return problem
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        cell = reader.cells[problem.path].split("!", 1)[1]
        value = book[reader.sheet("inputs")][cell].value
    finally:
        book.close()
    if isinstance(value, str) and value.startswith("="):
        return Problem(problem.path, _UNCALCULATED)
    return problem
