"""The quarterly business review as a workbook: one side's edition, with live formulas.

Two sheets. ``Months`` holds the monthly values the review rests on (the signed plan, the
re-forecast and each side's cash flow after each step of the NPV bridge), only what the side
may see (:mod:`planner.privacy`, through the review). ``QBR`` computes from them with formulas
a spreadsheet program recalculates: the plan vs actual vs re-forecast table of the quarter and
the year to date, each side's NPV after every bridge step and the parts (with a check that
they add up to the change), the rebate accrued under the tiers, the distance to the next tier
and the projected year-end rebate, and the MDF ledger from the activities (docs/model.md
section 7). Change an activity's amount or a tier and the ledgers follow.

User text (title, names, activities, action items) is stored as literal text, never as a
formula.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner import i18n
from planner.export.xlsx.cells import (
    BOLD,
    HEAD_FILL,
    INPUT_FILL,
    TITLE_FONT,
    fx,
    header,
    put,
    widths,
)
from planner.export.xlsx.fields import Formats
from planner.onboarding.bridge import STEPS
from planner.onboarding.quarters import calendar_month
from planner.onboarding.review import PARTNER_ROWS, VENDOR_ROWS, Review
from planner.plan.schema import MONTHLY_COLUMNS

MONTHS_SHEET = "Months"
QBR_SHEET = "QBR"
FIRST = 3
"""First data row of the ``Months`` sheet (row 1: labels, row 2: keys)."""


class _Layout:
    """Where each monthly series lives on the ``Months`` sheet."""

    def __init__(self, review: Review) -> None:
        self.review = review
        self.months = review.plan.months
        self.columns: dict[str, int] = {"month": 1, "date": 2}
        for source in ("signed", "reforecast"):
            for column in MONTHLY_COLUMNS[2:]:
                if column in review.monthly[source]:
                    self.columns[f"{source}.{column}"] = len(self.columns) + 1
        for side in ("partner", "vendor"):
            for step in ("signed", *STEPS):
                if side in review.monthly:
                    self.columns[f"{side}.{step}"] = len(self.columns) + 1

    def range(self, key: str) -> str:
        letter = get_column_letter(self.columns[key])
        last = FIRST + self.months - 1
        return f"'{MONTHS_SHEET}'!${letter}${FIRST}:${letter}${last}"

    @property
    def month_range(self) -> str:
        return self.range("month")


def _months_sheet(ws: Worksheet, layout: _Layout, language: str) -> None:
    review = layout.review
    fmt = Formats.of(review.plan.currency, language)
    for key, column in layout.columns.items():
        source, _, name = key.partition(".")
        if key in ("month", "date"):
            label = i18n.t(f"qbr.xlsx.{key}", language)
        elif source in ("signed", "reforecast"):
            label = f"{i18n.t(f'qbr.xlsx.{source}', language)}: {i18n.label(name, language)}"
        else:
            step = i18n.t(
                "qbr.bridge.signed" if name == "signed" else f"qbr.bridge.step.{name}", language
            )
            label = f"{i18n.t(f'qbr.side.{source}', language)}: {step}"
        put(ws, 1, column, label, font=BOLD, fill=HEAD_FILL, wrap=True)
        put(ws, 2, column, key)
    for i in range(layout.months):
        row = FIRST + i
        year, month = calendar_month(review.plan, i + 1)
        put(ws, row, 1, i + 1)
        put(ws, row, 2, f"{year:04d}-{month:02d}")
        for key, column in layout.columns.items():
            source, _, name = key.partition(".")
            if key in ("month", "date"):
                continue
            values = review.monthly[source][name]
            put(ws, row, column, float(values[i]), fmt.money_cents)
    ws.freeze_panes = ws.cell(row=FIRST, column=3)
    widths(ws, dict.fromkeys(layout.columns.values(), 16) | {1: 7, 2: 9})
    ws.row_dimensions[1].height = 42


def build_qbr_workbook(review: Review, language: str | None = None) -> bytes:
    """The QBR workbook of ``review`` (one side's edition) as XLSX bytes."""
    lang = language or review.plan.language
    plan = review.plan
    fmt = Formats.of(plan.currency, lang)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = QBR_SHEET
    months_ws = wb.create_sheet(MONTHS_SHEET)
    layout = _Layout(review)
    _months_sheet(months_ws, layout, lang)

    def t(key: str, **values: object) -> str:
        return i18n.t(key, lang, **values)

    row = 1
    put(ws, row, 1, f"{t('qbr.kicker')} {review.quarter.label()}", font=TITLE_FONT)
    row += 1
    put(ws, row, 1, plan.title, font=BOLD)
    row += 1
    put(ws, row, 1, t("qbr.xlsx.edition", edition=t(f"qbr.edition.{review.audience}")))
    row += 2

    # --- parameters (inputs of the formulas below) ---
    params: dict[str, str] = {}

    def param(key: str, label: str, value: float | int | datetime.date, number: str) -> None:
        nonlocal row
        put(ws, row, 1, label)
        put(ws, row, 2, value, number, fill=INPUT_FILL)
        params[key] = f"$B${row}"
        row += 1

    quarter_months = review.quarter.months(plan)
    ytd = review.quarter.year_to_date(plan)
    rebate, mdf = review.rebate, review.mdf
    ledger = 12 * (rebate.year - 1) + rebate.months_elapsed
    year_first = 12 * (rebate.year - 1) + 1
    year_last = year_first + rebate.year_length - 1
    put(ws, row, 1, t("qbr.xlsx.parameters"), font=BOLD)
    row += 1
    param("q_first", t("qbr.xlsx.q_first"), quarter_months[0], fmt.whole)
    param("q_last", t("qbr.xlsx.q_last"), quarter_months[-1], fmt.whole)
    param("y_first", t("qbr.xlsx.ytd_first"), ytd[0], fmt.whole)
    param("actual_last", t("qbr.xlsx.actual_last"), review.last_actual, fmt.whole)
    param("year_first", t("qbr.xlsx.year_first"), year_first, fmt.whole)
    param("year_last", t("qbr.xlsx.year_last"), year_last, fmt.whole)
    param("ledger", t("qbr.xlsx.ledger_month"), ledger, fmt.whole)
    param("rate_partner", t("qbr.xlsx.rate_partner"), plan.discount_rate, fmt.share)
    if "vendor" in review.monthly:
        vendor_rate = plan.vendor_programme.discount_rate
        param(
            "rate_vendor",
            t("qbr.xlsx.rate_vendor"),
            plan.discount_rate if vendor_rate is None else vendor_rate,
            fmt.share,
        )
    param("as_of", t("qbr.xlsx.as_of"), datetime.date.fromisoformat(mdf.as_of), "yyyy-mm-dd")
    row += 1

    # --- plan vs actual vs re-forecast ---
    for title, first_key, actual_from in (
        (t("qbr.pnl.quarter", quarter=review.quarter.label()), "q_first", "q_first"),
        (
            t("qbr.pnl.ytd", year=review.quarter.year, quarter=review.quarter.label()),
            "y_first",
            "y_first",
        ),
    ):
        put(ws, row, 1, title, font=BOLD)
        row += 1
        columns = ("item", "plan", "actual", "reforecast", "difference")
        header(ws, row, [t(f"qbr.pnl.{key}") for key in columns], wrap=False)
        row += 1
        first, last = params[first_key], params["q_last"]
        actual_last = f"MIN({params['actual_last']},{last})"
        for column_key in (*PARTNER_ROWS, *VENDOR_ROWS):
            if f"signed.{column_key}" not in layout.columns:
                continue
            put(ws, row, 1, i18n.label(column_key, lang))
            signed, now = (
                layout.range(f"signed.{column_key}"),
                layout.range(f"reforecast.{column_key}"),
            )
            if column_key in ("cumulative_cash", "vendor_cumulative_cash"):
                # a level: the value of the period's last month (of its last actual month)
                fx(ws, row, 2, f"INDEX({signed},{last})", fmt.money)
                fx(
                    ws,
                    row,
                    3,
                    f'IF({actual_last}<{params[actual_from]},"",INDEX({now},{actual_last}))',
                    fmt.money,
                )
                fx(ws, row, 4, f"INDEX({now},{last})", fmt.money)
            else:
                months = layout.month_range
                fx(
                    ws,
                    row,
                    2,
                    f"SUMPRODUCT(({months}>={first})*({months}<={last})*{signed})",
                    fmt.money,
                )
                fx(
                    ws,
                    row,
                    3,
                    f'IF({actual_last}<{params[actual_from]},"",'
                    f"SUMPRODUCT(({months}>={first})*({months}<={actual_last})*{now}))",
                    fmt.money,
                )
                fx(
                    ws,
                    row,
                    4,
                    f"SUMPRODUCT(({months}>={first})*({months}<={last})*{now})",
                    fmt.money,
                )
            fx(ws, row, 5, f"D{row}-B{row}", fmt.money)
            row += 1
        row += 1

    # --- NPV bridge ---
    bridge_rows: dict[str, int] = {}
    for side in ("partner", "vendor"):
        if side not in review.monthly:
            continue
        put(ws, row, 1, f"{t('qbr.bridge.title')}: {t(f'qbr.side.{side}')}", font=BOLD)
        row += 1
        header(ws, row, [t("qbr.bridge.step"), t("qbr.xlsx.npv"), t("qbr.bridge.part")], wrap=False)
        row += 1
        rate = params["rate_partner" if side == "partner" else "rate_vendor"]
        first_row = row
        for step in ("signed", *STEPS):
            label = t("qbr.bridge.signed") if step == "signed" else t(f"qbr.bridge.step.{step}")
            put(ws, row, 1, label)
            flows = layout.range(f"{side}.{step}")
            fx(ws, row, 2, f"SUMPRODUCT({flows}/(1+{rate})^({layout.month_range}/12))", fmt.money)
            if step != "signed":
                fx(ws, row, 3, f"B{row}-B{row - 1}", fmt.money)
            row += 1
        put(ws, row, 1, t("qbr.xlsx.change"), font=BOLD)
        fx(ws, row, 3, f"B{row - 1}-B{first_row}", fmt.money, font=BOLD)
        bridge_rows[side] = row
        row += 1
        put(ws, row, 1, t("qbr.xlsx.check"))
        fx(ws, row, 3, f"ROUND(SUM(C{first_row + 1}:C{row - 2})-C{row - 1},6)", fmt.money_cents)
        row += 2

    # --- rebate ---
    put(
        ws,
        row,
        1,
        t("qbr.rebate.title", year=rebate.year, first=rebate.year_from, last=rebate.year_to),
        font=BOLD,
    )
    row += 1
    header(ws, row, [t("qbr.xlsx.threshold"), t("qbr.xlsx.tier_rate")], wrap=False)
    row += 1
    tiers = plan.vendor_programme.rebate_tiers
    tier_first = row
    for tier in tiers:
        put(ws, row, 1, tier.threshold, fmt.money, fill=INPUT_FILL)
        put(ws, row, 2, tier.rate, fmt.share, fill=INPUT_FILL)
        row += 1
    if not tiers:  # an empty tier keeps the formulas valid: threshold 0 at rate 0
        put(ws, row, 1, 0.0, fmt.money)
        put(ws, row, 2, 0.0, fmt.share)
        row += 1
    thresholds, rates = f"$A${tier_first}:$A${row - 1}", f"$B${tier_first}:$B${row - 1}"
    length = f"({params['year_last']}-{params['year_first']}+1)"
    sell_in = layout.range("reforecast.sell_in")
    cells: dict[str, str] = {}

    def line(key: str, label: str, formula: str, number: str) -> None:
        nonlocal row
        put(ws, row, 1, label)
        fx(ws, row, 2, formula, number)
        cells[key] = f"$B${row}"
        row += 1

    line(
        "s_ytd",
        t("qbr.xlsx.sell_in_ytd"),
        f"SUMPRODUCT({_in_cells(layout, params['year_first'], params['ledger'])}*{sell_in})",
        fmt.money,
    )
    line(
        "rate",
        t("qbr.rebate.rate"),
        f"SUMPRODUCT(MAX(({thresholds}*{length}/12<={cells['s_ytd']})*{rates}))",
        fmt.share,
    )
    line("accrued", t("qbr.rebate.accrued"), f"{cells['rate']}*{cells['s_ytd']}", fmt.money)
    line(
        "next",
        t("qbr.xlsx.next_threshold"),
        # the lowest pro-rated threshold above sell-in to date with a higher rate; no IF
        # inside SUMPRODUCT (Excel would not evaluate it as an array): cond * x + (1 - cond) * big
        f'IF(SUMPRODUCT(({thresholds}*{length}/12>{cells["s_ytd"]})*({rates}>{cells["rate"]}))=0,"",'
        f"SUMPRODUCT(MIN(({thresholds}*{length}/12>{cells['s_ytd']})*({rates}>{cells['rate']})"
        f"*{thresholds}*{length}/12+(1-({thresholds}*{length}/12>{cells['s_ytd']})"
        f"*({rates}>{cells['rate']}))*1E+300)))",
        fmt.money,
    )
    line(
        "to_next",
        t("qbr.rebate.to_next"),
        f'IF({cells["next"]}="","",{cells["next"]}-{cells["s_ytd"]})',
        fmt.money,
    )
    line(
        "s_year",
        t("qbr.xlsx.sell_in_year"),
        f"SUMPRODUCT({_in_cells(layout, params['year_first'], params['year_last'])}*{sell_in})",
        fmt.money,
    )
    line(
        "rate_year",
        t("qbr.xlsx.rate_year"),
        f"SUMPRODUCT(MAX(({thresholds}*{length}/12<={cells['s_year']})*{rates}))",
        fmt.share,
    )
    line(
        "projected",
        t("qbr.xlsx.projected_rebate"),
        f"{cells['rate_year']}*{cells['s_year']}",
        fmt.money,
    )
    row += 1

    # --- MDF ---
    put(ws, row, 1, t("qbr.mdf.title", year=mdf.year, date=mdf.as_of), font=BOLD)
    row += 1
    heads = (
        ["qbr.mdf.activity"]
        + [
            f"qbr.xlsx.{stage}_{part}"
            for stage in ("requested", "approved", "claimed", "paid")
            for part in ("date", "amount")
        ]
        + ["qbr.mdf.proof"]
    )
    header(ws, row, [t(key) for key in heads])
    row += 1
    activity_first = row
    records = [
        r
        for r in (plan.commitments.mdf if plan.commitments else [])
        if mdf.year_from <= r.requested.date <= mdf.year_to
    ]
    for record in records:
        put(ws, row, 1, record.activity)
        for i, stage in enumerate(("requested", "approved", "claimed", "paid")):
            given = getattr(record, stage)
            if given is not None:
                put(
                    ws,
                    row,
                    2 + 2 * i,
                    datetime.date.fromisoformat(given.date),
                    "yyyy-mm-dd",
                    fill=INPUT_FILL,
                )
                put(ws, row, 3 + 2 * i, given.amount, fmt.money, fill=INPUT_FILL)
        put(ws, row, 10, record.proof)
        row += 1
    if not records:
        row += 1  # an empty row keeps the ranges valid
    last_activity = row - 1
    as_of = params["as_of"]
    mdf_column = layout.range("reforecast.mdf")
    first_day = f"DATE({mdf.year_from[:4]},{int(mdf.year_from[5:7])},{int(mdf.year_from[8:10])})"
    whole_year = _in_cells(layout, params["year_first"], params["year_last"])
    line(
        "planned",
        t("qbr.mdf.planned"),
        f"SUMPRODUCT({whole_year}*{layout.range('signed.mdf')})",
        fmt.money,
    )
    line(
        "earned",
        t("qbr.mdf.earned", month=i18n.month_label(_month_key(review, ledger), lang)),
        f"SUMPRODUCT({_in_cells(layout, params['year_first'], params['ledger'])}*{mdf_column})",
        fmt.money,
    )
    line(
        "projected_mdf",
        t("qbr.mdf.projected"),
        f"SUMPRODUCT({whole_year}*{mdf_column})",
        fmt.money,
    )
    requested_dates = f"$B${activity_first}:$B${last_activity}"
    for i, stage in enumerate(("requested", "approved", "claimed", "paid")):
        date_column, amount_column = get_column_letter(2 + 2 * i), get_column_letter(3 + 2 * i)
        dates = f"${date_column}${activity_first}:${date_column}${last_activity}"
        amounts = f"${amount_column}${activity_first}:${amount_column}${last_activity}"
        line(
            stage,
            t(f"qbr.mdf.{stage}"),
            f"SUMPRODUCT(({requested_dates}>={first_day})*({requested_dates}<={as_of})*"
            f"({dates}>0)*({dates}<={as_of})*{amounts})",
            fmt.money,
        )
    line(
        "expiring",
        t("qbr.mdf.expiring", date=mdf.year_to),
        f"MAX(0,{cells['projected_mdf']}-{cells['requested']})",
        fmt.money,
    )
    row += 1

    # --- action items (text) ---
    put(ws, row, 1, t("qbr.actions.title"), font=BOLD)
    row += 1
    for key in ("carried", "new"):
        for action in review.actions[key]:
            put(ws, row, 1, action["text"], wrap=True)
            put(
                ws,
                row,
                2,
                t(f"qbr.side.{action['side']}")
                + (f": {action['owner']}" if action.get("owner") else ""),
            )
            put(ws, row, 3, action.get("due") or "")
            put(ws, row, 4, t("qbr.actions.done" if action["done"] else "qbr.actions.open"))
            row += 1

    widths(ws, {1: 46, 2: 18, 3: 18, 4: 18, 5: 18, 6: 14, 7: 14, 8: 14, 9: 14, 10: 12})
    wb.calculation.fullCalcOnLoad = True
    wb.properties.title = f"QBR {review.quarter.label()}"
    wb.properties.creator = "partner-planner"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _in_cells(layout: _Layout, first: str, last: str) -> str:
    months = layout.month_range
    return f"({months}>={first})*({months}<={last})"


def _month_key(review: Review, month: int) -> str:
    year, calendar = calendar_month(review.plan, month)
    return f"{year:04d}-{calendar:02d}"


__all__: Sequence[str] = ("build_qbr_workbook",)
