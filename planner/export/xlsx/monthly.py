"""``Monthly``: docs/model.md section 2, one formula generator per column."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from planner import i18n
from planner.export.xlsx.book import Book
from planner.export.xlsx.cells import BOLD, HELPER_FILL, header, key_row, print_setup, style, widths
from planner.export.xlsx.fields import column_format
from planner.export.xlsx.items import ItemBlock
from planner.export.xlsx.layout import MONTHLY_FIRST_ROW
from planner.export.xlsx.refs import add_name, ref
from planner.plan.schema import MONTHLY_COLUMNS

HELPERS: tuple[str, ...] = (
    "plan_year",
    "price",
    "sales_fte",
    "delivery_fte",
    "capacity",
    "open",
    "year_months",
    "year_end",
    "year_sell_in",
)
"""Intermediate quantities of docs/model.md section 2, as helper columns right of the table."""


@dataclass(frozen=True)
class MonthlyLayout:
    """Where each monthly column sits; ``columns`` maps a key to its column number."""

    sheet: str
    months: int
    columns: Mapping[str, int]
    tiers: int
    team: ItemBlock
    investments: ItemBlock

    def row(self, t: int) -> int:
        return MONTHLY_FIRST_ROW + t - 1

    def range(self, key: str) -> str:
        return ref(self.sheet, self.columns[key], self.row(1), self.row(self.months))


@dataclass(frozen=True)
class Month:
    """The context of one formula: month ``t`` of the layout."""

    layout: MonthlyLayout
    t: int

    def __getitem__(self, key: str) -> str:
        """This month's cell of column ``key`` (relative, e.g. ``F7``)."""
        return f"{get_column_letter(self.layout.columns[key])}{self.layout.row(self.t)}"

    def prev(self, key: str) -> str:
        """Last month's cell of column ``key`` (only for t > 1)."""
        return f"{get_column_letter(self.layout.columns[key])}{self.layout.row(self.t - 1)}"

    def column(self, key: str) -> str:
        """The whole column ``key``, absolute (for SUMIF and COUNTIF)."""
        letter = get_column_letter(self.layout.columns[key])
        return f"${letter}${self.layout.row(1)}:${letter}${self.layout.row(self.layout.months)}"

    @property
    def first(self) -> bool:
        return self.t == 1


def _date(m: Month) -> str:
    # a date (the first of the month), shown as YYYY-MM; DATE rolls month 13 into January
    return f"DATE(YEAR(start),MONTH(start)+{m['month']}-1,1)"


def _headcount(m: Month) -> str:
    team = m.layout.team
    return f"SUM({team.span('active', m.t)})" if team.items else "0"


def _sales_fte(m: Month) -> str:
    team = m.layout.team
    if not team.items:
        return "0"
    return f"SUMPRODUCT({team.span('productive', m.t)},{team.params('productive', 'is_sales')})"


def _delivery_fte(m: Month) -> str:
    team = m.layout.team
    if not team.items:
        return "0"
    return f"SUMPRODUCT({team.span('productive', m.t)},{team.params('productive', 'is_delivery')})"


def _staff_cost(m: Month) -> str:
    team = m.layout.team
    if not team.items:
        return "0"
    return f"SUMPRODUCT({team.span('active', m.t)},{team.params('active', 'annual_cost')})/12"


def _customers(m: Month) -> str:
    if m.first:
        return m["new_deals"]  # customers(0) = 0
    return f"{m.prev('customers')}*(1-revenue_monthly_churn)+{m['new_deals']}"


def _open(m: Month) -> str:
    if m.first:
        return m["services_demand"]  # backlog(0) = 0
    return f"{m.prev('backlog')}+{m['services_demand']}"


def _cumulative(flow: str, level: str) -> Callable[[Month], str]:
    def formula(m: Month) -> str:
        return m[flow] if m.first else f"{m.prev(level)}+{m[flow]}"

    return formula


def _tier(j: int) -> Callable[[Month], str]:
    def formula(m: Month) -> str:
        tier = f"vendor_programme_rebate_tiers_{j}"
        return f"IF({tier}_threshold*{m['year_months']}/12<={m['year_sell_in']},{tier}_rate,0)"

    return formula


def _rebate_rate(m: Month) -> str:
    tiers = m.layout.tiers
    if not tiers:
        return "0"
    return f"MAX({m['tier_0']}:{m[f'tier_{tiers - 1}']})"


def _investment_gross(m: Month) -> str:
    inv = m.layout.investments
    return f"SUM({inv.span('due', m.t)})" if inv.items else "0"


def _investment_vendor_funded(m: Month) -> str:
    inv = m.layout.investments
    if not inv.items:
        return "0"
    return f"SUMPRODUCT({inv.span('due', m.t)},{inv.params('due', 'vendor_share')})"


MONTHLY_FORMULAS: dict[str, Callable[[Month], str]] = {
    "date": _date,
    "headcount": _headcount,
    "new_deals": lambda m: f"revenue_deals_per_sales_fte_month*{m['sales_fte']}",
    "customers": _customers,
    "resale": lambda m: (
        f"IF(revenue_subscription,{m['customers']}*{m['price']}/12,{m['new_deals']}*{m['price']})"
    ),
    "sell_in": lambda m: f"{m['resale']}*(1-revenue_partner_margin)",
    "services_demand": lambda m: f"{m['new_deals']}*revenue_services_per_deal",
    "services": lambda m: f"MIN({m['open']},{m['capacity']})",
    "backlog": lambda m: f"{m['open']}-{m['services']}",
    "managed": lambda m: f"{m['customers']}*revenue_managed_fee_per_customer_month",
    "mdf": lambda m: f"vendor_programme_mdf_rate*{m['sell_in']}",
    "rebate": lambda m: f"IF({m['year_end']},{m['rebate_rate']}*{m['year_sell_in']},0)",
    "revenue": lambda m: f"{m['resale']}+{m['services']}+{m['managed']}",
    "gross_profit": lambda m: f"{m['revenue']}-{m['sell_in']}",
    "vendor_funds": lambda m: f"{m['mdf']}+{m['rebate']}",
    "staff_cost": _staff_cost,
    "opex": lambda m: "opex_per_month",
    "investment_gross": _investment_gross,
    "investment_vendor_funded": _investment_vendor_funded,
    "investment_net": lambda m: f"{m['investment_gross']}-{m['investment_vendor_funded']}",
    "ebitda": lambda m: (
        f"{m['gross_profit']}+{m['vendor_funds']}-{m['staff_cost']}-{m['opex']}"
        f"-{m['investment_net']}"
    ),
    "cash_flow": lambda m: m["ebitda"],
    "cumulative_cash": _cumulative("cash_flow", "cumulative_cash"),
    "vendor_revenue": lambda m: m["sell_in"],
    "vendor_gross_profit": lambda m: f"{m['sell_in']}*vendor_programme_gross_margin",
    "vendor_cost": lambda m: (
        f"{m['mdf']}+{m['rebate']}+{m['investment_vendor_funded']}"
        "+vendor_programme_partner_manager_fte*vendor_programme_partner_manager_annual_cost/12"
    ),
    "vendor_cash_flow": lambda m: f"{m['vendor_gross_profit']}-{m['vendor_cost']}",
    "vendor_cumulative_cash": _cumulative("vendor_cash_flow", "vendor_cumulative_cash"),
    # helpers
    "plan_year": lambda m: f"INT(({m['month']}-1)/12)",
    "price": lambda m: f"revenue_deal_size*(1+revenue_annual_price_uplift)^{m['plan_year']}",
    "sales_fte": _sales_fte,
    "delivery_fte": _delivery_fte,
    "capacity": lambda m: f"revenue_delivery_capacity_per_fte_month*{m['delivery_fte']}",
    "open": _open,
    "year_months": lambda m: f"COUNTIF({m.column('plan_year')},{m['plan_year']})",
    "year_end": lambda m: f"MOD({m['month']}-1,12)+1={m['year_months']}",
    "year_sell_in": lambda m: (
        f"SUMIF({m.column('plan_year')},{m['plan_year']},{m.column('sell_in')})"
    ),
    "rebate_rate": _rebate_rate,
}
"""docs/model.md section 2 as spreadsheet formulas: column key -> formula of month ``t``."""


MONTHLY_PAGE_COLUMNS = 9
"""Value columns per printed page of ``Monthly`` and ``Yearly`` (beside the repeated month
and date): 9 columns at 80 % fill an A4 page in landscape at a readable 8 pt."""


def write_monthly(book: Book, team: ItemBlock, inv: ItemBlock) -> MonthlyLayout:
    wb, plan, language, fmt, shown = book.wb, book.plan, book.language, book.fmt, book.shown
    ws = wb[book.sheet("monthly")]
    tiers = len(plan.vendor_programme.rebate_tiers)
    keys = [*shown, *HELPERS, *(f"tier_{j}" for j in range(tiers)), "rebate_rate"]
    columns = {key: i for i, key in enumerate(keys, start=1)}
    layout = MonthlyLayout(ws.title, plan.months, columns, tiers, team, inv)
    formulas = dict(MONTHLY_FORMULAS)
    formulas.update({f"tier_{j}": _tier(j) for j in range(tiers)})
    labels = []
    for key in keys:
        if key in MONTHLY_COLUMNS:
            labels.append(i18n.label(key, language))
        elif key.startswith("tier_"):
            labels.append(i18n.t("xlsx.helper.tier", language, n=int(key[5:]) + 1))
        else:
            labels.append(i18n.t(f"xlsx.helper.{key}", language))
    header(ws, 1, labels, height=45)
    key_row(ws, 2, keys)
    first_helper = len(shown) + 1
    for column in range(first_helper, len(keys) + 1):
        style(ws.cell(row=1, column=column), font=BOLD, fill=HELPER_FILL, wrap=True)
    formats = {key: column_format(key, fmt) for key in keys}
    for t in range(1, plan.months + 1):
        month = Month(layout, t)
        row = layout.row(t)
        for key, column in columns.items():
            value: Any = t if key == "month" else "=" + formulas[key](month)
            style(ws.cell(row=row, column=column, value=value), formats[key])
    for key in shown:
        add_name(wb, f"monthly_{key}", layout.range(key))
    ws.freeze_panes = "C3"
    widths(ws, {1: 7, 2: 9, **dict.fromkeys(range(3, len(keys) + 1), 13)})
    # Printed: the docs/model.md columns (the helpers are the formulas' working), one plan
    # year per page, 9 columns per page beside the month and date that every page repeats.
    last = layout.row(plan.months)
    ws.print_area = f"A1:{get_column_letter(len(shown))}{last}"
    print_setup(ws, "1:2", fit_width=False, title_cols="A:B", scale=80)
    for t in range(12, plan.months, 12):
        ws.row_breaks.append(Break(id=layout.row(t)))
    for column in range(2 + MONTHLY_PAGE_COLUMNS, len(shown), MONTHLY_PAGE_COLUMNS):
        ws.col_breaks.append(Break(id=column))
    return layout
