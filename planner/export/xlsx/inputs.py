"""``Inputs``: every plan value, one per row, with its unit and reasoning; each value cell
carries the workbook name of its path; the scenario switch on top."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner import i18n
from planner.export.xlsx.book import Book, plan_values, put_note
from planner.export.xlsx.cells import (
    BOLD,
    INPUT_FILL,
    KEY_FONT,
    exact_text,
    fit_height,
    header,
    print_setup,
    put,
    put_text,
    style,
    widths,
)
from planner.export.xlsx.fields import (
    DATE_FIELDS,
    TEXT_UNITS,
    InputChecks,
    as_date,
    enum_choices,
    number_field,
    shown_enum,
    switch_check,
)
from planner.export.xlsx.layout import (
    INPUT_EXACT_COLUMN,
    INPUT_FIRST_ROW,
    INPUT_NOTE_COLUMN,
    INPUT_PATH_COLUMN,
    INPUT_VALUE_COLUMN,
    NOTE_PREFIX,
    SWITCH_ROW,
)
from planner.export.xlsx.refs import add_name, defined_name, ref

_SECTIONS = (
    "investments",
    "resources",
    "revenue",
    "vendor_programme",
    "private",
    "uncertainty",
    "decision",
)


@dataclass(frozen=True)
class InputRow:
    """One plan value on ``Inputs``: its path, value and where it sits."""

    path: str
    value: Any
    row: int


def _section(path: str) -> str:
    root = path.split(".")[0]
    return root if root in _SECTIONS else "general"


def input_label(path: str, language: str) -> str:
    parts = path.split(".")
    if parts[0] == "private" and len(parts) == 3 and parts[2].isdigit():
        return i18n.t(f"xlsx.label.private.{parts[1]}", language, n=int(parts[2]) + 1)
    index = next((i for i, part in enumerate(parts) if part.isdigit()), None)
    if index is None:
        for key in (f"label.{path}", f"xlsx.label.{path}"):
            if key in i18n.catalog():
                return i18n.t(key, language)
        return path
    item = parts[index - 1]
    head = i18n.t(f"xlsx.item.{item}", language, n=int(parts[index]) + 1)
    leaf = ".".join(parts[index + 1 :])
    text = leaf
    for key in (f"label.{leaf}", f"xlsx.label.{leaf}"):
        if key in i18n.catalog():
            text = i18n.t(key, language)
            break
    return f"{head}: {text}"


def _write_switch(book: Book, ws: Worksheet) -> None:
    sw = book.switch
    put(ws, SWITCH_ROW, 2, book.t("xlsx.switch.label"), font=BOLD, wrap=True)
    cell = put(ws, SWITCH_ROW, INPUT_VALUE_COLUMN, 0, book.fmt.whole, font=BOLD, fill=INPUT_FILL)
    choices = [f"0 = {book.t('xlsx.head.base')}"]
    for k, (name, live) in enumerate(zip(sw.names, sw.live, strict=True), start=1):
        choices.append(f"{k} = {name}" + ("" if live else f" ({book.t('xlsx.switch.not_live')})"))
    if book.locked:
        choices = [choices[0], book.t("xlsx.switch.locked")]
    put(ws, SWITCH_ROW, 4, "; ".join(choices), wrap=True)
    top = 0 if book.locked else len(sw.names)
    validation = switch_check(top, book.t("xlsx.switch.invalid", top=top))
    ws.add_data_validation(validation)
    validation.add(cell)
    add_name(book.wb, "scenario_switch", ref(book.sheet("inputs"), INPUT_VALUE_COLUMN, SWITCH_ROW))
    fit_height(ws, SWITCH_ROW, (book.t("xlsx.switch.label"), 34), ("; ".join(choices), 30))


def write_inputs(book: Book) -> list[InputRow]:
    wb, plan, language, fmt = book.wb, book.plan, book.language, book.fmt
    ws = wb[book.sheet("inputs")]
    heads = [i18n.t(f"xlsx.head.{k}", language) for k in ("path", "label", "value", "unit")]
    header(ws, 1, [*heads, "exact", book.t("xlsx.head.reasoning")], height=30)
    put(ws, 1, INPUT_EXACT_COLUMN, "exact", font=KEY_FONT)
    _write_switch(book, ws)
    checks = InputChecks(plan.months)
    rows: list[InputRow] = []
    changed = set(book.switch.paths)
    row = INPUT_FIRST_ROW
    section = ""
    item = ""
    for path, value in plan_values(plan):
        if _section(path) != section:
            section = _section(path)
            item = ""
            put(ws, row, 2, i18n.t(f"xlsx.section.{section}", language), font=BOLD)
            row += 1
        parts = path.split(".")
        digits = [i for i, part in enumerate(parts) if part.isdigit()]
        current = ".".join(parts[: digits[0] + 1]) if digits and section != "private" else ""
        if current and current != item:
            row += 0 if not item else 1  # a blank line between list items
        item = current
        put(ws, row, INPUT_PATH_COLUMN, path, font=KEY_FONT)
        put(ws, row, 2, input_label(path, language), wrap=True)
        cell = ws.cell(row=row, column=INPUT_VALUE_COLUMN)
        leaf = parts[-1]
        unit = ""
        day = as_date(path, value)
        if isinstance(value, bool):
            cell.value = value
            style(cell, fill=INPUT_FILL)
            unit = i18n.t("xlsx.unit.bool", language)
        elif day is not None:
            cell.value = day
            style(cell, DATE_FIELDS[path], fill=INPUT_FILL)
            unit = i18n.t(f"xlsx.unit.date.{leaf}", language)
        elif isinstance(value, (int, float)):
            kind, unit_key, check = number_field(path)
            cell.value = value
            style(cell, getattr(fmt, kind), fill=INPUT_FILL)
            exact = exact_text(value)
            if exact:
                put(ws, row, INPUT_EXACT_COLUMN, exact, font=KEY_FONT)
            unit = (
                i18n.t(unit_key, language, currency=plan.currency, months=plan.months)
                if unit_key
                else ""
            )
            if check is not None:
                checks.number(cell, check)
        else:
            put_text(cell, str(shown_enum(path, value, language)), fill=INPUT_FILL)
            choices = enum_choices(path)
            if choices:
                words = tuple(str(shown_enum(path, c, language)) for c in choices)
                unit = " | ".join(words)
                checks.choice(cell, words)
            elif section == "private" or path.endswith(".path"):
                unit = i18n.t("xlsx.unit.path", language)
            else:
                unit = i18n.t(TEXT_UNITS.get(path, "xlsx.unit.text"), language)
        put(ws, row, 4, unit, wrap=True)
        put_note(book, ws, row, INPUT_NOTE_COLUMN, path)
        fit_height(
            ws, row, (input_label(path, language), 38), (unit, 30), (book.notes.get(path), 56)
        )
        name = defined_name(path)
        add_name(wb, f"base_{name}" if path in changed else name, ref(ws.title, 3, row))
        rows.append(InputRow(path, value, row))
        row += 1
    entries = {f"scenarios.{i}.set.{p}" for i, sc in enumerate(plan.scenarios) for p in sc.set}
    rest = [key for key in sorted(book.notes) if key not in book.used_notes and key not in entries]
    if rest:  # reasoning without a row of its own here: kept, so that import gives it back
        row += 1
        put(ws, row, 2, book.t("xlsx.section.notes"), font=BOLD)
        for place in rest:
            row += 1
            put(ws, row, INPUT_PATH_COLUMN, NOTE_PREFIX + place, font=KEY_FONT)
            put(ws, row, 2, place)
            put_note(book, ws, row, INPUT_NOTE_COLUMN, place)
    checks.attach(ws, i18n.t("xlsx.validation", language))
    ws.freeze_panes = f"A{INPUT_FIRST_ROW}"
    widths(ws, {1: 30, 2: 38, 3: 16, 4: 30, 6: 56})
    ws.column_dimensions[get_column_letter(INPUT_EXACT_COLUMN)].hidden = True
    print_setup(ws, "1:1")
    return rows
