"""``Yearly``: the months summed (flows) or taken at year end (levels) per plan year."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from openpyxl.worksheet.pagebreak import Break

from planner import i18n, model
from planner.export.xlsx.book import Book
from planner.export.xlsx.cells import fx, header, key_row, print_setup, put, widths
from planner.export.xlsx.fields import column_format
from planner.export.xlsx.monthly import MONTHLY_PAGE_COLUMNS, MonthlyLayout
from planner.export.xlsx.refs import ref
from planner.plan.schema import VALUE_COLUMNS


@dataclass(frozen=True)
class YearlyLayout:
    """Where each yearly column sits; year ``k`` (0-based) is row ``3 + k``."""

    sheet: str
    years: int
    columns: Mapping[str, int]

    def row(self, k: int) -> int:
        return 3 + k

    def cell(self, key: str, k: int) -> str:
        return ref(self.sheet, self.columns[key], self.row(k))

    def range(self, key: str) -> str:
        return ref(self.sheet, self.columns[key], self.row(0), self.row(self.years - 1))


def write_yearly(book: Book, layout: MonthlyLayout) -> YearlyLayout:
    wb, plan, language, fmt = book.wb, book.plan, book.language, book.fmt
    ws = wb[book.sheet("yearly")]
    values = [key for key in VALUE_COLUMNS if key in layout.columns]
    keys = ["year", "months", "from", "to", *values]
    labels = [
        i18n.label("year", language),
        i18n.t("xlsx.head.months_in_year", language),
        i18n.t("xlsx.head.from", language),
        i18n.t("xlsx.head.to", language),
        *(i18n.label(key, language) for key in values),
    ]
    header(ws, 1, labels, height=45)
    key_row(ws, 2, keys)
    years = -(-plan.months // 12)
    cols = layout.columns
    monthly = layout.sheet
    for k in range(years):
        row = 3 + k
        first, last = layout.row(12 * k + 1), layout.row(min(12 * k + 12, plan.months))
        put(ws, row, 1, k + 1)
        fx(ws, row, 2, f"COUNT({ref(monthly, cols['month'], first, last)})", fmt.whole)
        fx(ws, row, 3, ref(monthly, cols["date"], first), "yyyy-mm")
        fx(ws, row, 4, ref(monthly, cols["date"], last), "yyyy-mm")
        for i, key in enumerate(values, start=5):
            if key in model.STOCK_COLUMNS:
                formula = ref(monthly, cols[key], last)
            else:
                formula = f"SUM({ref(monthly, cols[key], first, last)})"
            fx(ws, row, i, formula, column_format(key, fmt))
    ws.freeze_panes = "E3"
    widths(ws, {1: 6, 2: 8, 3: 9, 4: 9, **dict.fromkeys(range(5, len(keys) + 1), 13)})
    print_setup(ws, "1:2", fit_width=False, title_cols="A:D", scale=80)
    for column in range(4 + MONTHLY_PAGE_COLUMNS, len(keys), MONTHLY_PAGE_COLUMNS):
        ws.col_breaks.append(Break(id=column))
    return YearlyLayout(ws.title, years, {key: i for i, key in enumerate(keys, start=1)})
