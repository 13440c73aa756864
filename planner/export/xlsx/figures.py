"""``Key figures``: docs/model.md section 4 for both sides, as formulas over ``Monthly``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from planner import i18n, model, privacy
from planner.export.xlsx.book import Book
from planner.export.xlsx.cells import (
    BOLD,
    INPUT_FILL,
    KEY_FONT,
    TITLE_FONT,
    fx,
    header,
    print_setup,
    put,
    show_master,
    widths,
)
from planner.export.xlsx.fields import figure_format
from planner.export.xlsx.refs import add_name, ref

_SIDES = {
    "partner": ("cash_flow", "cumulative_cash"),
    "vendor": ("vendor_cash_flow", "vendor_cumulative_cash"),
}
FIGURE_SUMS = {
    "partner": {"revenue": "revenue", "gross_profit": "gross_profit", "ebitda": "ebitda"},
    "vendor": {
        "revenue": "vendor_revenue",
        "gross_profit": "vendor_gross_profit",
        "cost": "vendor_cost",
    },
}
FIGURE_ROWS: tuple[str, ...] = tuple(dict.fromkeys(model.PARTNER_FIGURES + model.VENDOR_FIGURES))
"""Rows of ``Key figures``; a side leaves the cell of a figure it does not have empty."""


def figure_formula(side: str, figure: str, months: int, own_rate: bool = False) -> str:
    """The spreadsheet formula of one key figure of one side (docs/model.md section 4);
    ``own_rate``: the vendor discounts at its own rate (``vendor_programme.discount_rate``)."""
    flow, level = _SIDES[side]
    rate = "vendor_programme_discount_rate" if side == "vendor" and own_rate else "discount_rate"
    cf, cum = f"monthly_{flow}", f"monthly_{level}"
    last_cf = f"INDEX({cf},{months})"
    last_cum = f"INDEX({cum},{months})"
    missing = f'"{i18n.MISSING}"'
    if figure in FIGURE_SUMS[side]:
        return f"SUM(monthly_{FIGURE_SUMS[side][figure]})"
    peak = f"MAX(0,-MIN({cum}))"
    formulas = {
        "npv": f"SUMPRODUCT({cf}/(1+{rate})^(monthly_month/12))",
        "irr": (
            f'IF(OR(COUNTIF({cf},"<0")=0,COUNTIF({cf},">0")=0),{missing},'
            # Newton from the guess; then from 1 %, -10 % and -20 % a month before giving up
            f"IFERROR((1+IRR({cf},{side}_irr_guess))^12-1,IFERROR((1+IRR({cf},0.01))^12-1,"
            f"IFERROR((1+IRR({cf},-0.1))^12-1,IFERROR((1+IRR({cf},-0.2))^12-1,{missing})))))"
        ),
        # the month after the last negative cumulative month: LOOKUP finds the last match
        "payback_month": (
            f'IF(COUNTIF({cum},"<0")=0,0,IF({last_cum}<0,{missing},'
            f"LOOKUP(2,1/({cum}<0),monthly_month)+1))"
        ),
        "break_even_month": (
            f'IF({last_cf}<0,{missing},IF(COUNTIF({cf},"<0")=0,1,'
            f"LOOKUP(2,1/({cf}<0),monthly_month)+1))"
        ),
        "peak_funding": f"{peak}",
        "cumulative_cash": f"{last_cum}",
        "roi": f"IF({peak}>0,{last_cum}/{peak},{missing})",
    }
    return formulas[figure]


def irr_guess(annual: float | None) -> float:
    """Where the spreadsheet's IRR search starts (monthly): the app's own monthly IRR at
    export, so the workbook finds the same root and, after edits, starts next to it.

    >>> irr_guess(None), round(irr_guess(0.12682503013196977), 12)
    (0.01, 0.01)
    """
    if annual is None or not math.isfinite(annual) or annual <= -1:
        return 0.01
    return float((1.0 + annual) ** (1.0 / 12.0) - 1.0)


def write_figures(book: Book, kpis: Mapping[str, Any]) -> None:
    """Without the vendor's economics (``book.economics`` false): of the vendor's figures only
    its revenue, and no verdict (a side's edition, :mod:`planner.privacy`)."""
    wb, plan, language, fmt, economics = book.wb, book.plan, book.language, book.fmt, book.economics
    ws = wb[book.sheet("figures")]
    put(ws, 1, 1, i18n.t("xlsx.figures.title", language), font=TITLE_FONT)
    show_master(ws, 1, 4, language)
    head = [
        i18n.t("xlsx.head.figure", language),
        i18n.label("partner", language),
        i18n.label("vendor", language),
        i18n.t("xlsx.head.exported", language) + ": " + i18n.label("partner", language),
        i18n.t("xlsx.head.exported", language) + ": " + i18n.label("vendor", language),
        i18n.t("xlsx.head.key", language),
    ]
    header(ws, 2, head, height=45)
    row = 3
    for figure in FIGURE_ROWS:
        put(ws, row, 1, i18n.label(figure, language))
        put(ws, row, 6, figure, font=KEY_FONT)
        for offset, side in enumerate(("partner", "vendor")):
            if figure not in kpis[side] or not figure_shown(side, figure, economics):
                continue
            number = figure_format(figure, fmt)
            own = plan.vendor_programme.discount_rate is not None
            formula = figure_formula(side, figure, plan.months, own)
            fx(ws, row, 2 + offset, formula, number, font=BOLD)
            exported = kpis[side][figure]
            put(ws, row, 4 + offset, i18n.MISSING if exported is None else exported, number)
            add_name(wb, f"{side}_{figure}", ref(ws.title, 2 + offset, row))
        row += 1
    if economics:
        put(ws, row, 1, i18n.label("mutual", language), font=BOLD)
        fx(ws, row, 2, "AND(partner_npv>0,vendor_npv>0)", font=BOLD)
        put(ws, row, 4, bool(kpis["mutual"]))
        put(ws, row, 6, "mutual", font=KEY_FONT)
        add_name(wb, "mutual", ref(ws.title, 2, row))
    row += 2
    put(ws, row, 1, i18n.t("xlsx.figures.irr_guess", language))
    for offset, side in enumerate(("partner", "vendor") if economics else ("partner",)):
        put(ws, row, 2 + offset, irr_guess(kpis[side]["irr"]), "0.00%", fill=INPUT_FILL)
        add_name(wb, f"{side}_irr_guess", ref(ws.title, 2 + offset, row))
    put(ws, row, 6, "irr_guess", font=KEY_FONT)
    put(ws, row + 1, 1, i18n.t("xlsx.figures.note", language))
    put(ws, row + 2, 1, i18n.t("xlsx.figures.exported_note", language))
    ws.freeze_panes = "B3"
    widths(ws, {1: 40, 2: 18, 3: 18, 4: 22, 5: 22, 6: 18})
    print_setup(ws, "2:2")


def figure_shown(side: str, figure: str, economics: bool) -> bool:
    return economics or side == "partner" or figure not in privacy.VENDOR_ECONOMICS_FIGURES
