"""``Team`` and ``Investments``: per-item helper columns, item parameters above, one row
per month below."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from planner import i18n
from planner.export.xlsx.book import Book
from planner.export.xlsx.cells import BOLD, KEY_FONT, TITLE_FONT, fx, print_setup, put, widths
from planner.export.xlsx.fields import enum_words, item_format
from planner.export.xlsx.refs import ref


@dataclass(frozen=True)
class ItemBlock:
    """A helper sheet: item parameters in rows above, one row per month below."""

    sheet: str
    items: int
    first_row: int
    param_rows: Mapping[str, int]
    blocks: Mapping[str, int] = field(default_factory=dict)
    """First column of each per-month block (``active``, ``productive`` or ``due``)."""

    def row(self, t: int) -> int:
        return self.first_row + t - 1

    def span(self, block: str, t: int) -> str:
        """The block's cells of month ``t``, e.g. ``Team!$C12:$D12``."""
        first = self.blocks[block]
        return ref(self.sheet, first, self.row(t), col_end=first + self.items - 1)

    def params(self, block: str, name: str) -> str:
        """The parameter row ``name`` above ``block``, e.g. ``Team!$C$7:$D$7``."""
        first = self.blocks[block]
        return ref(self.sheet, first, self.param_rows[name], col_end=first + self.items - 1)


def _is_function(name: str, function: str) -> str:
    words = ",".join(f'{name}="{word}"' for word in enum_words("resources.*.function", function))
    return f"IF(OR({words}),1,0)"


def write_team(book: Book) -> ItemBlock:
    wb, plan, language, fmt = book.wb, book.plan, book.language, book.fmt
    ws = wb[book.sheet("team")]
    count = len(plan.resources)
    params = (
        "role",
        "function",
        "fte",
        "start_month",
        "ramp_months",
        "annual_cost",
        "is_sales",
        "is_delivery",
    )
    param_rows = {name: 3 + i for i, name in enumerate(params)}
    first_row = 3 + len(params) + 2
    layout = ItemBlock(
        ws.title, count, first_row, param_rows, {"active": 3, "productive": 3 + count}
    )
    put(ws, 1, 1, i18n.t("xlsx.team.title", language), font=TITLE_FONT)
    if not count:
        put(ws, 2, 1, i18n.t("xlsx.team.none", language))
    for name, row in param_rows.items():
        text = (
            i18n.t(f"xlsx.team.{name}", language)
            if name.startswith("is_")
            else i18n.label(name, language)
        )
        put(ws, row, 1, text, font=BOLD)
        put(ws, row, 2, name, font=KEY_FONT)
    head = first_row - 1
    put(ws, head, 1, i18n.label("month", language), font=BOLD)
    for block in ("active", "productive"):
        for i in range(count):
            column = layout.blocks[block] + i
            letter = get_column_letter(column)
            for name, row in param_rows.items():
                base = f"resources_{i}"
                formula = {
                    "is_sales": _is_function(f"{base}_function", "sales"),
                    "is_delivery": _is_function(f"{base}_function", "delivery"),
                }.get(name, f"{base}_{name}")
                fx(ws, row, column, formula, item_format(f"resources.*.{name}", fmt))
            title = f'"{i18n.t(f"xlsx.team.{block}", language)}: "&{letter}$3'
            fx(ws, head, column, title, font=BOLD)
            ws.column_dimensions[letter].width = 16
    p = param_rows
    for t in range(1, plan.months + 1):
        row = layout.row(t)
        put(ws, row, 1, t)
        for i in range(count):
            a = get_column_letter(layout.blocks["active"] + i)
            q = get_column_letter(layout.blocks["productive"] + i)
            fte, start, ramp = (
                f"{q}${p['fte']}",
                f"{q}${p['start_month']}",
                f"{q}${p['ramp_months']}",
            )
            active = f"IF($A{row}>={a}${p['start_month']},{a}${p['fte']},0)"
            productive = (
                f"IF($A{row}>={start},{fte}*IF({ramp}=0,1,MIN(1,($A{row}-{start}+1)/{ramp})),0)"
            )
            fx(ws, row, layout.blocks["active"] + i, active, fmt.count)
            fx(ws, row, layout.blocks["productive"] + i, productive, fmt.count)
    ws.freeze_panes = ws.cell(row=first_row, column=3).coordinate
    widths(ws, {1: 24, 2: 12})
    print_setup(ws, f"{head}:{head}", fit_width=2 * count <= 12, scale=80, title_cols="A:B")
    return layout


def write_investments(book: Book) -> ItemBlock:
    wb, plan, language, fmt = book.wb, book.plan, book.language, book.fmt
    ws = wb[book.sheet("investments")]
    count = len(plan.investments)
    params = ("name", "category", "amount", "month", "every_months", "vendor_share")
    param_rows = {name: 3 + i for i, name in enumerate(params)}
    first_row = 3 + len(params) + 2
    layout = ItemBlock(ws.title, count, first_row, param_rows, {"due": 3})
    put(ws, 1, 1, i18n.t("xlsx.investments.title", language), font=TITLE_FONT)
    if not count:
        put(ws, 2, 1, i18n.t("xlsx.investments.none", language))
    for name, row in param_rows.items():
        put(ws, row, 1, i18n.label(name, language), font=BOLD)
        put(ws, row, 2, name, font=KEY_FONT)
    head = first_row - 1
    put(ws, head, 1, i18n.label("month", language), font=BOLD)
    for i in range(count):
        column = 3 + i
        letter = get_column_letter(column)
        for name, row in param_rows.items():
            number = item_format(f"investments.*.{name}", fmt)
            fx(ws, row, column, f"investments_{i}_{name}", number)
        fx(ws, head, column, f"{letter}$3", font=BOLD)
        ws.column_dimensions[letter].width = 18
    p = param_rows
    for t in range(1, plan.months + 1):
        row = layout.row(t)
        put(ws, row, 1, t)
        for i in range(count):
            c = get_column_letter(3 + i)
            month, every = f"{c}${p['month']}", f"{c}${p['every_months']}"
            # MAX(every,1): AND() evaluates every argument, so MOD(x, 0) must never happen.
            due = (
                f"IF(OR($A{row}={month},AND({every}>0,$A{row}>{month},"
                f"MOD($A{row}-{month},MAX({every},1))=0)),{c}${p['amount']},0)"
            )
            fx(ws, row, 3 + i, due, fmt.money)
    ws.freeze_panes = ws.cell(row=first_row, column=3).coordinate
    widths(ws, {1: 24, 2: 12})
    print_setup(ws, f"{head}:{head}", fit_width=count <= 10, scale=80, title_cols="A:B")
    return layout
