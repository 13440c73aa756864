"""``Scenarios``: results per scenario, the values in use under the switch, and the
scenario definitions (read back on import)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner import i18n, model
from planner.export.xlsx.book import Book, plan_values, put_note
from planner.export.xlsx.cells import (
    BOLD,
    HEAD_FILL,
    INPUT_FILL,
    KEY_FONT,
    NOTE_FONT,
    TITLE_FONT,
    exact_text,
    fx,
    header,
    key_row,
    print_setup,
    put,
    put_text,
    show_master,
    style,
    widths,
)
from planner.export.xlsx.fields import DATE_FIELDS, as_date, figure_format, path_format, shown_enum
from planner.export.xlsx.figures import figure_shown
from planner.export.xlsx.inputs import input_label
from planner.export.xlsx.layout import DEFINITION_NOTE_COLUMN, DEFINITIONS_KEYS
from planner.export.xlsx.refs import add_name, defined_name, ref
from planner.plan.validation import with_scenario

_TYPES: dict[type, str] = {bool: "bool", int: "int", float: "float", str: "str"}


def write_scenarios(book: Book, base_kpis: Mapping[str, Any]) -> None:
    """Results per scenario (the live column follows the switch; the others are stored values
    at export, labelled so), the values in use under the switch (formulas), and the scenario
    definitions (inputs, read back on import)."""
    wb, plan, language, sw = book.wb, book.plan, book.language, book.switch
    ws = wb[book.sheet("scenarios")]
    put(ws, 1, 1, i18n.t("xlsx.scenarios.title", language), font=TITLE_FONT)
    show_master(ws, 1, 4, language)
    put(ws, 2, 1, book.t("xlsx.switch.in_use"), font=BOLD)
    count = len(plan.scenarios)
    first = 4  # the stored results: column of the first scenario (C: the base plan)
    if count:
        names = ref(ws.title, first, 5, col_end=first + count - 1)
        add_name(wb, "scenario_names", names)
        base_text = book.t("xlsx.head.base").replace('"', "'")
        in_use = f'IF(scenario_switch=0,"{base_text}",INDEX(scenario_names,1,scenario_switch))'
    else:
        in_use = f'"{book.t("xlsx.head.base")}"'
    fx(ws, 2, 2, in_use, font=BOLD)
    add_name(wb, "scenario_in_use", ref(ws.title, 2, 2))
    row = 4
    if not count:
        put(ws, row, 1, i18n.t("xlsx.scenarios.none", language))
        row += 2
    else:
        row = _scenario_results(book, ws, base_kpis, row)
    if sw.paths:
        row = _values_in_use(book, ws, row)
    put(ws, row, 1, i18n.t("xlsx.section.definitions", language), font=BOLD)
    row += 1
    heads = [i18n.t(f"xlsx.head.{k}", language) for k in ("scenario", "path", "value", "type")]
    header(ws, row, [*heads, "", book.t("xlsx.head.reasoning")])
    row += 1
    key_row(ws, row, [*DEFINITIONS_KEYS, "exact", "note"])
    row += 1
    for index, scenario in enumerate(plan.scenarios):
        entries = list(scenario.set.items()) or [("", None)]
        for path, value in entries:
            put_text(ws.cell(row=row, column=1), scenario.name)
            if path:
                put_text(ws.cell(row=row, column=2), path)
                kind = _TYPES.get(type(value), "json")
                cell = ws.cell(row=row, column=3)
                if kind == "str":
                    put_text(cell, str(shown_enum(path, value, language)), fill=INPUT_FILL)
                elif kind == "json":
                    put_text(cell, json.dumps(value, ensure_ascii=False), fill=INPUT_FILL)
                else:
                    cell.value = value
                    style(cell, fill=INPUT_FILL)
                put(ws, row, 4, kind, font=KEY_FONT)
                if exact_text(value):
                    put(ws, row, 5, exact_text(value), font=KEY_FONT)
                put_note(book, ws, row, DEFINITION_NOTE_COLUMN, f"scenarios.{index}.set.{path}")
                book.definition_rows[(index, path)] = row
            row += 1
    widths(ws, {1: 44, 2: 34, **dict.fromkeys(range(3, 5 + count), 16)})
    ws.column_dimensions[get_column_letter(DEFINITION_NOTE_COLUMN)].width = max(
        16, ws.column_dimensions[get_column_letter(DEFINITION_NOTE_COLUMN)].width or 0
    )
    print_setup(ws, None)


def _scenario_results(book: Book, ws: Worksheet, base_kpis: Mapping[str, Any], row: int) -> int:
    plan, language, fmt = book.plan, book.language, book.fmt
    count = len(plan.scenarios)
    put(ws, row, 1, i18n.t("xlsx.section.results", language), font=BOLD)
    row += 1
    variants = model.evaluate_many([with_scenario(plan, s.name) for s in plan.scenarios])
    outcomes = [base_kpis, *(outcome.kpis for outcome in variants)]
    stored = book.t("xlsx.head.stored")
    heads = [
        i18n.t("xlsx.head.figure", language),
        book.t("xlsx.head.live"),
        f"{i18n.t('xlsx.head.base', language)} ({stored})",
    ]
    header(ws, row, heads, height=45)
    for column, scenario in enumerate(plan.scenarios, start=4):
        put_text(ws.cell(row=row, column=column), scenario.name, font=BOLD, fill=HEAD_FILL)
    last = get_column_letter(3 + count)
    put(ws, row, 4 + count, book.t("xlsx.head.live_minus_stored"), font=BOLD, fill=HEAD_FILL)
    style(ws.cell(row=row, column=4 + count), font=BOLD, fill=HEAD_FILL, wrap=True)
    row += 1
    for side, figures in (("partner", model.PARTNER_FIGURES), ("vendor", model.VENDOR_FIGURES)):
        for figure in figures:
            if not figure_shown(side, figure, book.economics):
                continue
            number = figure_format(figure, fmt)
            text = f"{i18n.label(side, language)}: {i18n.label(figure, language)}"
            put(ws, row, 1, text)
            fx(ws, row, 2, f"{side}_{figure}", number, font=BOLD)
            for column, kpis in enumerate(outcomes, start=3):
                value = kpis[side][figure]
                put(ws, row, column, i18n.MISSING if value is None else value, number)
            stored_value = f"INDEX(C{row}:{last}{row},1,scenario_switch+1)"
            fx(
                ws,
                row,
                4 + count,
                f'IF(AND(ISNUMBER(B{row}),ISNUMBER({stored_value})),B{row}-{stored_value},"")',
                number,
            )
            row += 1
    if book.economics:
        put(ws, row, 1, i18n.label("mutual", language))
        fx(ws, row, 2, "mutual", font=BOLD)
        for column, kpis in enumerate(outcomes, start=3):
            put(ws, row, column, bool(kpis["mutual"]))
        row += 1
    put(ws, row, 1, book.t("xlsx.scenarios.stored_note"), font=NOTE_FONT)
    return row + 2


def _values_in_use(book: Book, ws: Worksheet, row: int) -> int:
    """Each input a live scenario changes: its base value, each scenario's value and the value
    in use, ``CHOOSE(scenario_switch+1, ...)``, which carries the input's workbook name."""
    wb, plan, sw = book.wb, book.plan, book.switch
    count = len(sw.names)
    put(ws, row, 1, book.t("xlsx.section.in_use"), font=BOLD)
    row += 1
    heads = [
        i18n.t("xlsx.head.path", book.language),
        i18n.t("xlsx.head.label", book.language),
        i18n.t("xlsx.head.base", book.language),
    ]
    header(ws, row, [*heads, *([""] * count), book.t("xlsx.head.in_use")], height=30)
    for column, name in enumerate(sw.names, start=4):
        put_text(ws.cell(row=row, column=column), name, font=BOLD, fill=HEAD_FILL)
    row += 1
    definitions = _definition_places(book, row + len(sw.paths) + 2)
    base_values = dict(plan_values(plan))
    for path in sw.paths:
        put(ws, row, 1, path, font=KEY_FONT)
        put(ws, row, 2, input_label(path, book.language))
        day = as_date(path, base_values.get(path))
        number = DATE_FIELDS[path] if day is not None else path_format(path, book.fmt)
        fx(ws, row, 3, f"base_{defined_name(path)}", number)
        for k in range(count):
            column = 4 + k
            if not sw.live[k] or path not in sw.changes[k]:
                fx(ws, row, column, f"$C{row}", number)
                continue
            value = sw.changes[k][path]
            place = definitions.get((k, path))
            if place is not None and as_date(path, value) is None:
                fx(ws, row, column, f"$C${place}", number)
            elif as_date(path, value) is not None:
                put(ws, row, column, as_date(path, value), number)
            else:  # set as part of a larger value (JSON): the leaf's value, stated here
                put(ws, row, column, shown_enum(path, value, book.language), number)
        choices = ",".join(f"{get_column_letter(4 + k)}{row}" for k in range(count))
        fx(ws, row, 4 + count, f"CHOOSE(scenario_switch+1,C{row},{choices})", number, font=BOLD)
        add_name(wb, defined_name(path), ref(ws.title, 4 + count, row))
        row += 1
    put(ws, row, 1, book.t("xlsx.scenarios.in_use_note"), font=NOTE_FONT)
    return row + 2


def _definition_places(book: Book, first: int) -> dict[tuple[int, str], int]:
    """Row of each scalar scenario entry in the definitions that start at row ``first``
    (section title, heading and key row above them)."""
    places: dict[tuple[int, str], int] = {}
    row = first + 3
    for index, scenario in enumerate(book.plan.scenarios):
        entries = list(scenario.set.items()) or [("", None)]
        for path, value in entries:
            if path and _TYPES.get(type(value), "json") != "json":
                places[(index, path)] = row
            row += 1
    return places
