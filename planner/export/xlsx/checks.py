"""``Checks``: each check 0 when it holds, 1 when it fails; the master check is their sum."""

from __future__ import annotations

from planner import i18n, model
from planner.export.xlsx.book import Book
from planner.export.xlsx.cells import (
    BOLD,
    CHECK_FILL,
    KEY_FONT,
    NOTE_FONT,
    TITLE_FONT,
    fx,
    header,
    print_setup,
    put,
    show_master,
    status_format,
    widths,
)
from planner.export.xlsx.figures import FIGURE_SUMS
from planner.export.xlsx.items import ItemBlock
from planner.export.xlsx.layout import INPUT_PATH_COLUMN, MONTHLY_FIRST_ROW
from planner.export.xlsx.monthly import MonthlyLayout
from planner.export.xlsx.pnl import PNL_FIRST_ROW, PNL_TIES, PnlLayout, pnl_label
from planner.export.xlsx.refs import add_name, ref, tie
from planner.export.xlsx.yearly import YearlyLayout
from planner.plan.schema import VALUE_COLUMNS


def _count_rows(inputs: str, prefix: str, suffix: str, last: int) -> str:
    """How many paths on ``Inputs`` start with ``prefix`` and end with ``suffix``."""
    column = ref(inputs, INPUT_PATH_COLUMN, 1, last)
    return (
        f'SUMPRODUCT((LEFT({column},{len(prefix)})="{prefix}")'
        f'*(RIGHT({column},{len(suffix)})="{suffix}"))'
    )


def _errors(block: str) -> str:
    return f"SUMPRODUCT(--ISERROR({block}))"


def write_checks(
    book: Book,
    team: ItemBlock,
    inv: ItemBlock,
    monthly: MonthlyLayout,
    yearly: YearlyLayout,
    pnl: PnlLayout,
) -> None:
    """Each check is 0 when it holds and 1 when it fails; the master check is their sum."""
    wb, plan = book.wb, book.plan
    ws = wb[book.sheet("checks")]
    put(ws, 1, 1, book.t("xlsx.checks.title"), font=TITLE_FONT)
    show_master(ws, 2, 1, book.language)
    header(
        ws,
        4,
        [
            book.t("xlsx.checks.check"),
            book.t("xlsx.checks.result"),
            book.t("xlsx.checks.about"),
            i18n.t("xlsx.head.key", book.language),
        ],
        height=30,
    )
    inputs = book.sheet("inputs")
    last_input = 5000
    checks: list[tuple[str, str, str]] = []  # (key, formula, detail)

    checks.append(
        (
            "months",
            "IF(months=ROWS(monthly_month),0,1)",
            book.t("xlsx.checks.months_detail", months=plan.months),
        )
    )
    lists = (
        ("resources", "resources.", ".role", len(plan.resources)),
        ("investments", "investments.", ".name", len(plan.investments)),
        (
            "rebate_tiers",
            "vendor_programme.rebate_tiers.",
            ".rate",
            len(plan.vendor_programme.rebate_tiers),
        ),
    )
    for key, prefix, suffix, count in lists:
        counted = _count_rows(inputs, prefix, suffix, last_input)
        checks.append(
            (
                f"rows_{key}",
                f"IF({counted}={count},0,1)",
                book.t(f"xlsx.checks.rows_detail.{key}", count=count),
            )
        )
    blocks = [
        ref(monthly.sheet, 1, MONTHLY_FIRST_ROW, monthly.row(plan.months), len(monthly.columns))
    ]
    blocks.append(ref(yearly.sheet, 1, 3, 2 + yearly.years, len(yearly.columns)))
    blocks.append(ref(pnl.sheet, 3, PNL_FIRST_ROW, max(pnl.rows.values()), pnl.total_column))
    for block in (team, inv):
        if block.items:
            width = 2 + block.items * len(block.blocks)
            blocks.append(ref(block.sheet, 3, 3, block.row(plan.months), width))
    checks.append(
        (
            "errors",
            "IF(" + "+".join(_errors(b) for b in blocks) + "=0,0,1)",
            book.t("xlsx.checks.errors_detail"),
        )
    )
    flows = [
        key for key in VALUE_COLUMNS if key in yearly.columns and key not in model.STOCK_COLUMNS
    ]
    ties = [tie(f"SUM({yearly.range(key)})", f"SUM(monthly_{key})") for key in flows]
    ties.append(f"SUM({yearly.range('months')})<>{plan.months}")
    checks.append(
        ("yearly_totals", f"IF(OR({','.join(ties)}),1,0)", book.t("xlsx.checks.yearly_detail"))
    )
    for key, column in PNL_TIES.items():
        if key not in pnl.rows or column not in yearly.columns:
            continue
        row = pnl.rows[key]
        parts = [
            tie(ref(pnl.sheet, 3 + k, row), yearly.cell(column, k)) for k in range(yearly.years)
        ]
        total = ref(pnl.sheet, pnl.total_column, row)
        if column in model.STOCK_COLUMNS:
            parts.append(tie(total, f"INDEX(monthly_{column},{plan.months})"))
        else:
            parts.append(tie(total, f"SUM(monthly_{column})"))
        checks.append(
            (
                f"pnl_{key}",
                f"IF(OR({','.join(parts)}),1,0)",
                book.t("xlsx.checks.pnl_detail", line=pnl_label(key, book.language)),
            )
        )
    sums = []
    for side, figures in FIGURE_SUMS.items():
        for figure, column in figures.items():
            if f"{side}_{figure}" in wb.defined_names and column in pnl.rows:
                sums.append(
                    tie(f"{side}_{figure}", ref(pnl.sheet, pnl.total_column, pnl.rows[column]))
                )
    if sums:
        checks.append(
            ("figure_totals", f"IF(OR({','.join(sums)}),1,0)", book.t("xlsx.checks.figures_detail"))
        )
    sw = book.switch
    if book.locked:
        switch = "IF(scenario_switch=0,0,1)"
        detail = book.t("xlsx.checks.switch_locked")
    else:
        dead = [str(k) for k, live in enumerate(sw.live, start=1) if not live]
        bad = [f"scenario_switch={k}" for k in dead]
        top = len(sw.names)
        valid = (
            f"AND(scenario_switch>=0,scenario_switch<={top},scenario_switch=INT(scenario_switch))"
        )
        switch = f"IF(AND({valid}{',NOT(OR(' + ','.join(bad) + '))' if bad else ''}),0,1)"
        detail = book.t("xlsx.checks.switch_detail", top=len(sw.names))
        if dead:
            detail += " " + book.t("xlsx.checks.switch_dead", scenarios=", ".join(dead))
    checks.append(("scenario_switch", switch, detail))

    row = 5
    for key, formula, detail in checks:
        put(ws, row, 1, _check_label(book, key))
        fx(ws, row, 2, f"IFERROR({formula},1)", book.fmt.whole, font=BOLD)
        put(ws, row, 3, detail, wrap=True)
        put(ws, row, 4, key, font=KEY_FONT)
        row += 1
    add_name(wb, "check_master", ref(ws.title, 2, row))
    put(ws, row, 1, book.t("xlsx.checks.master"), font=BOLD)
    fx(
        ws,
        row,
        2,
        f"SUM(B5:B{row - 1})",
        status_format(book.language),
        font=BOLD,
        fill=CHECK_FILL,
    )
    put(ws, row + 2, 1, book.t("xlsx.checks.note"), font=NOTE_FONT)
    widths(ws, {1: 46, 2: 12, 3: 70, 4: 20})
    print_setup(ws, "4:4")


def _check_label(book: Book, key: str) -> str:
    if key.startswith("pnl_"):
        return book.t("xlsx.checks.pnl", line=pnl_label(key[4:], book.language))
    if key.startswith("rows_"):
        return book.t(f"xlsx.checks.rows.{key[5:]}")
    return book.t(f"xlsx.checks.{key}")
