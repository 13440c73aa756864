"""``Summary``: the key figures of both sides, the master check and native charts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference, Series

from planner import i18n
from planner.export.xlsx.book import Book
from planner.export.xlsx.cells import (
    BOLD,
    NOTE_FONT,
    TITLE_FONT,
    fx,
    header,
    print_setup,
    put,
    show_master,
    widths,
)
from planner.export.xlsx.fields import figure_format
from planner.export.xlsx.figures import FIGURE_ROWS
from planner.export.xlsx.monthly import MonthlyLayout
from planner.export.xlsx.pnl import PnlLayout, pnl_label


def write_summary(
    book: Book, kpis: Mapping[str, Any], monthly: MonthlyLayout, pnl: PnlLayout
) -> None:
    wb, plan, language, fmt = book.wb, book.plan, book.language, book.fmt
    ws = wb[book.sheet("summary")]
    put(ws, 1, 1, plan.title, font=TITLE_FONT)
    put(ws, 2, 1, f"{plan.partner.name} × {plan.vendor.name}")
    show_master(ws, 3, 1, language)
    put(ws, 4, 1, book.t("xlsx.switch.in_use"), font=BOLD)
    fx(ws, 4, 2, "scenario_in_use", font=BOLD)
    heads = [
        i18n.t("xlsx.head.figure", language),
        i18n.label("partner", language),
        i18n.label("vendor", language),
    ]
    header(ws, 6, heads, height=20)
    row = 7
    for figure in FIGURE_ROWS:
        cells: list[str | None] = []
        for side in ("partner", "vendor"):
            cells.append(f"{side}_{figure}" if f"{side}_{figure}" in wb.defined_names else None)
        if not any(cells):
            continue
        put(ws, row, 1, i18n.label(figure, language))
        for offset, cell_name in enumerate(cells):
            if cell_name:
                fx(ws, row, 2 + offset, cell_name, figure_format(figure, fmt), font=BOLD)
        row += 1
    if "mutual" in wb.defined_names:
        put(ws, row, 1, i18n.label("mutual", language), font=BOLD)
        fx(ws, row, 2, "mutual", font=BOLD)
        row += 1
    put(ws, row + 1, 1, book.t("xlsx.summary.note"), font=NOTE_FONT)
    widths(ws, {1: 34, 2: 18, 3: 18, 4: 4})

    # native charts: cumulative cash of both sides by month, revenue and EBITDA by plan year
    line = LineChart()
    line.title = book.t("xlsx.summary.cash_chart")
    line.y_axis.title = plan.currency
    line.x_axis.title = i18n.label("month", language)
    line.height, line.width = 7.5, 16
    first, last = monthly.row(1), monthly.row(plan.months)
    monthly_ws = wb[monthly.sheet]
    for key in ("cumulative_cash", "vendor_cumulative_cash"):
        if key in book.shown:
            values = Reference(
                monthly_ws, min_col=monthly.columns[key], min_row=first, max_row=last
            )
            series = Series(values, title=i18n.label(key, language))
            series.smooth = False
            line.series.append(series)
    line.set_categories(
        Reference(monthly_ws, min_col=monthly.columns["month"], min_row=first, max_row=last)
    )
    bars = BarChart()
    bars.title = book.t("xlsx.summary.year_chart")
    bars.y_axis.title = plan.currency
    bars.height, bars.width = 7.5, 16
    pnl_ws = wb[pnl.sheet]
    for key in ("revenue", "ebitda", "vendor_cash_flow"):
        if key in pnl.rows:
            values = Reference(pnl_ws, min_col=3, max_col=2 + pnl.years, min_row=pnl.rows[key])
            bars.series.append(Series(values, title=pnl_label(key, language)))
    bars.set_categories(Reference(pnl_ws, min_col=3, max_col=2 + pnl.years, min_row=5))
    for chart in (line, bars):
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.y_axis.number_format = fmt.money
        chart.legend.position = "b"
    ws.add_chart(line, "E1")
    ws.add_chart(bars, "E17")
    print_setup(ws, None)
