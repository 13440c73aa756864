"""``P&L``: plan years as columns, every subtotal a formula of the lines above it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from planner import i18n
from planner.export.xlsx.book import Book
from planner.export.xlsx.cells import (
    BOLD,
    KEY_FONT,
    NOTE_FONT,
    TITLE_FONT,
    fx,
    header,
    print_setup,
    put,
    show_master,
    widths,
)
from planner.export.xlsx.yearly import YearlyLayout

PNL_LINES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    # (row key, sign shown, kind, parts): kind "line" reads Yearly's column of that key
    # (``parts[0]`` when given), "sum" adds the parts (a leading "-" subtracts), "level" is a
    # running total of ``parts[0]``, "staff" the vendor's partner manager cost
    ("partner", "", "head", ()),
    ("resale", "", "line", ()),
    ("services", "+", "line", ()),
    ("managed", "+", "line", ()),
    ("revenue", "=", "sum", ("resale", "services", "managed")),
    ("sell_in", "−", "line", ()),
    ("gross_profit", "=", "sum", ("revenue", "-sell_in")),
    ("mdf", "", "line", ()),
    ("rebate", "+", "line", ()),
    ("vendor_funds", "=", "sum", ("mdf", "rebate")),
    ("investment_gross", "", "line", ()),
    ("investment_vendor_funded", "−", "line", ()),
    ("investment_net", "=", "sum", ("investment_gross", "-investment_vendor_funded")),
    ("staff_cost", "−", "line", ()),
    ("opex", "−", "line", ()),
    (
        "ebitda",
        "=",
        "sum",
        ("gross_profit", "vendor_funds", "-investment_net", "-staff_cost", "-opex"),
    ),
    ("cash_flow", "=", "sum", ("ebitda",)),
    ("cumulative_cash", "", "level", ("cash_flow",)),
    ("vendor", "", "head", ()),
    ("vendor_revenue", "", "line", ()),
    ("vendor_gross_profit", "", "line", ()),
    ("vendor_mdf", "", "line", ("mdf",)),
    ("vendor_rebate", "+", "line", ("rebate",)),
    ("vendor_investment_vendor_funded", "+", "line", ("investment_vendor_funded",)),
    ("partner_manager_cost", "+", "staff", ()),
    (
        "vendor_cost",
        "=",
        "sum",
        ("vendor_mdf", "vendor_rebate", "vendor_investment_vendor_funded", "partner_manager_cost"),
    ),
    ("vendor_cash_flow", "=", "sum", ("vendor_gross_profit", "-vendor_cost")),
    ("vendor_cumulative_cash", "", "level", ("vendor_cash_flow",)),
)
"""The P&L's rows. Costs are positive amounts; the sign column says how a line enters the
subtotal below it, and every subtotal is a formula of the lines above it, so the Checks sheet
can tie it out against ``Yearly`` (computed from the months)."""
PNL_TIES: dict[str, str] = {
    "revenue": "revenue",
    "gross_profit": "gross_profit",
    "vendor_funds": "vendor_funds",
    "ebitda": "ebitda",
    "cash_flow": "cash_flow",
    "cumulative_cash": "cumulative_cash",
    "vendor_cost": "vendor_cost",
    "vendor_cash_flow": "vendor_cash_flow",
    "vendor_cumulative_cash": "vendor_cumulative_cash",
}
"""Subtotal row -> the Yearly column it must equal."""
PNL_FIRST_ROW = 6
"""Row of the first P&L line (title, master check, sign convention and headings above)."""


def pnl_source(key: str) -> str | None:
    """The Yearly column a P&L row of kind "line" shows (its key, or the key it repeats)."""
    for row_key, _, kind, parts in PNL_LINES:
        if row_key == key and kind in ("line", "sum", "level"):
            return parts[0] if kind == "line" and parts else key
    return None


@dataclass(frozen=True)
class PnlLayout:
    sheet: str
    years: int
    rows: Mapping[str, int]

    @property
    def total_column(self) -> int:
        return 3 + self.years


def pnl_label(key: str, language: str) -> str:
    source = pnl_source(key)
    if key in ("partner", "vendor"):
        return i18n.label(key, language)
    if key in ("partner_manager_cost", "investment_net"):
        return i18n.t(f"xlsx.pnl.{key}", language)
    if key.startswith("vendor_") and source and source != key:
        return i18n.label(source, language)
    return i18n.label(key, language)


def write_pnl(book: Book, yearly: YearlyLayout) -> PnlLayout:
    wb, language, fmt = book.wb, book.language, book.fmt
    ws = wb[book.sheet("pnl")]
    years = yearly.years
    put(ws, 1, 1, book.t("xlsx.pnl.title"), font=TITLE_FONT)
    show_master(ws, 2, 1, language, value=3)
    put(ws, 3, 1, book.t("xlsx.pnl.signs"), font=NOTE_FONT)
    heads = [book.t("xlsx.pnl.line"), ""]
    heads += [f"{i18n.label('year', language)} {k + 1}" for k in range(years)]
    heads += [book.t("xlsx.pnl.total"), i18n.t("xlsx.head.key", language)]
    # column A: the line; B: its sign; C.. the years; then the total and the key
    header(ws, 5, heads, height=30)
    rows: dict[str, int] = {}
    row = PNL_FIRST_ROW
    total = 3 + years
    for key, sign, kind, parts in PNL_LINES:
        needed = [p.lstrip("-") for p in parts] if kind == "sum" else []
        source = pnl_source(key)
        if kind == "line" and source not in yearly.columns:
            continue
        if kind in ("sum", "level") and (
            any(p not in rows for p in needed) or (kind == "level" and parts[0] not in rows)
        ):
            continue
        if kind == "staff" and not book.economics:
            continue
        if kind == "head":
            if rows and key == "vendor":
                row += 1
            put(ws, row, 1, pnl_label(key, language), font=BOLD)
            rows[key] = row
            row += 1
            continue
        bold = kind in ("sum", "level")
        font = BOLD if bold else None
        put(ws, row, 1, pnl_label(key, language), font=font)
        put(ws, row, 2, sign, font=font)
        for k in range(years):
            column = 3 + k
            letter = get_column_letter(column)
            if kind == "line":
                formula = yearly.cell(str(source), k)
            elif kind == "staff":
                months = yearly.cell("months", k)
                formula = (
                    "vendor_programme_partner_manager_fte*"
                    f"vendor_programme_partner_manager_annual_cost/12*{months}"
                )
            elif kind == "level":
                flow = f"{letter}{rows[parts[0]]}"
                previous = f"{get_column_letter(column - 1)}{row}"
                formula = flow if k == 0 else f"{previous}+{flow}"
            else:
                terms = [
                    ("-" if p.startswith("-") else "+") + f"{letter}{rows[p.lstrip('-')]}"
                    for p in parts
                ]
                formula = "".join(terms).lstrip("+")
            fx(ws, row, column, formula, fmt.money, font=font)
        first, last = get_column_letter(3), get_column_letter(2 + years)
        if kind == "level":
            fx(ws, row, total, f"{last}{row}", fmt.money, font=font)
        else:
            fx(ws, row, total, f"SUM({first}{row}:{last}{row})", fmt.money, font=font)
        put(ws, row, total + 1, key, font=KEY_FONT)
        rows[key] = row
        row += 1
    ws.freeze_panes = "C6"
    widths(ws, {1: 40, 2: 3, **dict.fromkeys(range(3, total + 1), 14), total + 1: 18})
    print_setup(ws, "5:5")
    return PnlLayout(ws.title, years, rows)
