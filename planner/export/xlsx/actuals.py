"""``Actuals``: the plan's actual months as entered (read back on import)."""

from __future__ import annotations

from planner import i18n
from planner.export.xlsx.book import Book
from planner.export.xlsx.cells import header, key_row, print_setup, put, widths
from planner.export.xlsx.fields import column_format
from planner.plan.schema import VALUE_COLUMNS


def write_actuals(book: Book) -> None:
    wb, plan, language, fmt, shown = book.wb, book.plan, book.language, book.fmt, book.shown
    ws = wb[book.sheet("actuals")]
    given = {key for row in plan.actuals for key in row}
    keys = ["month", *(c for c in VALUE_COLUMNS if c in given and c in shown)]
    header(ws, 1, [i18n.label(k, language) for k in keys], height=45)
    key_row(ws, 2, keys)
    for r, values in enumerate(plan.actuals, start=3):
        for c, key in enumerate(keys, start=1):
            if key in values:
                number = fmt.whole if key == "month" else column_format(key, fmt)
                put(ws, r, c, values[key], number)
    ws.freeze_panes = "B3"
    widths(ws, dict.fromkeys(range(1, len(keys) + 1), 13))
    print_setup(ws, "1:2", fit_width=len(keys) <= 12, scale=80, title_cols="A:A")
