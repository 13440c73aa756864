"""Building blocks of the pages: key figures, verdict, charts and tables of a computed plan."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd
import streamlit as st

from planner import i18n
from planner.model import MONTH_FIGURES, Outcome
from planner.plan import Plan
from planner.ui import charts, session, state
from planner.ui.text import figure, figure_delta, label, month_of, plain, term, tr

Side = Literal["partner", "vendor"]

SHOWN_FIGURES: dict[str, tuple[str, ...]] = {
    "partner": ("npv", "irr", "payback_month", "break_even_month", "peak_funding", "roi"),
    "vendor": ("npv", "irr", "payback_month", "revenue", "cost", "roi"),
}
LOWER_IS_BETTER = frozenset({"payback_month", "break_even_month", "peak_funding", "cost"})
PNL_LINES: dict[str, tuple[str, ...]] = {
    "partner": (
        "resale",
        "services",
        "managed",
        "revenue",
        "sell_in",
        "gross_profit",
        "vendor_funds",
        "staff_cost",
        "opex",
        "investment_net",
        "ebitda",
        "cumulative_cash",
    ),
    "vendor": (
        "vendor_revenue",
        "vendor_gross_profit",
        "mdf",
        "rebate",
        "investment_vendor_funded",
        "vendor_cost",
        "vendor_cash_flow",
        "vendor_cumulative_cash",
    ),
}
ROW_HEIGHT = 35
"""Pixels per table row, so tables show every line without an inner scrollbar."""
REVENUE_PARTS = ("resale", "services", "managed")


def parties(plan: Plan) -> None:
    """One line naming the plan, both parties and the horizon."""
    st.caption(
        tr(
            "dashboard.parties",
            partner=plain(plan.partner.name),
            vendor=plain(plan.vendor.name),
            kind=term(f"kind.{plan.partner.kind}"),
            start=month_of(1, plan),
            end=month_of(plan.months, plan),
            months=plan.months,
        )
    )


def verdict(result: Outcome) -> None:
    """Whether the plan pays off for both sides, in plain words."""
    partner = (result.kpis["partner"]["npv"] or 0) > 0
    vendor = (result.kpis["vendor"]["npv"] or 0) > 0
    if result.mutual:
        st.success(term("verdict.mutual"), icon=":material/handshake:")
    elif partner:
        st.warning(term("verdict.partner_only"), icon=":material/warning:")
    elif vendor:
        st.warning(term("verdict.vendor_only"), icon=":material/warning:")
    else:
        st.error(term("verdict.neither"), icon=":material/error:")


def figures(side: Side, result: Outcome, before: Outcome | None) -> None:
    """A side's key figures as metrics, with the change since the last edit."""
    plan = result.plan
    values = result.kpis[side]
    previous = before.kpis[side] if before is not None else {}
    names = SHOWN_FIGURES[side]
    per_row = 2 if st.session_state.get(state.PRESENTER) else 3
    for row in range(0, len(names), per_row):
        for column, name in zip(st.columns(per_row), names[row : row + per_row], strict=False):
            column.metric(
                tr(f"short.{name}"),
                figure(name, values[name], plan),
                delta=figure_delta(name, values[name], previous.get(name), plan),
                delta_color="inverse" if name in LOWER_IS_BETTER else "normal",
                help=_figure_help(name, values[name]),
                border=True,
            )


def _figure_help(name: str, value: float | None) -> str:
    text = label(name) + ": " + tr(f"figure_help.{name}")
    if name in MONTH_FIGURES and value:
        text += " " + tr("figure.plan_month", month=int(value))
    return text


def _titles(plan: Plan, y: str) -> dict[str, str]:
    return {"x": tr("chart.month"), "y": y, "payback": tr("chart.payback")}


def cash_chart(result: Outcome) -> None:
    """Cumulative cash of both sides, payback marked."""
    plan = result.plan
    chart = session.memo(
        "chart:cash",
        lambda: charts.cumulative_cash(
            result.monthly,
            names={"partner": plan.partner.name, "vendor": plan.vendor.name},
            paybacks={side: result.kpis[side]["payback_month"] for side in ("partner", "vendor")},
            titles=_titles(plan, tr("chart.amount", currency=plan.currency)),
            language=state.language(),
        ),
    )
    st.vega_lite_chart(chart, width="stretch", key="chart:cash")


def mix_chart(result: Outcome) -> None:
    """The partner's revenue per month by source."""
    plan = result.plan
    chart = session.memo(
        "chart:mix",
        lambda: charts.revenue_mix(
            result.monthly,
            [(part, tr(f"mix.{part}")) for part in REVENUE_PARTS],
            _titles(plan, tr("chart.amount", currency=plan.currency)),
            state.language(),
        ),
    )
    st.vega_lite_chart(chart, width="stretch", key="chart:mix")


def team_chart(result: Outcome) -> None:
    """The partner's headcount ramp."""
    chart = session.memo(
        "chart:team",
        lambda: charts.headcount(
            result.monthly, _titles(result.plan, label("headcount")), state.language()
        ),
    )
    st.vega_lite_chart(chart, width="stretch", key="chart:team")


def year_columns(plan: Plan, yearly: pd.DataFrame) -> list[str]:
    """Column titles of yearly tables: ``Jahr 1 (Jan. 2027 – Dez. 2027)``."""
    language = state.language()
    return [
        tr(
            "pnl.year",
            year=int(row["year"]),
            start=i18n.month_label(row["from"], language),
            end=i18n.month_label(row["to"], language),
        )
        for _, row in yearly.iterrows()
    ]


def money_frame(
    plan: Plan, frame: pd.DataFrame, lines: Sequence[str], columns: Sequence[str]
) -> pd.DataFrame:
    """Rows of amounts (``frame`` rows = periods) transposed, formatted: one line per item."""
    language = state.language()
    body = {
        title: [i18n.money(frame.iloc[i][line], plan.currency, language) for line in lines]
        for i, title in enumerate(columns)
    }
    return pd.DataFrame(body, index=[label(line) for line in lines])


def show_money_frame(table: pd.DataFrame, key: str) -> None:
    """A formatted table, amounts right-aligned, every line visible."""
    st.dataframe(
        table,
        width="stretch",
        height=ROW_HEIGHT * (len(table) + 1) + 3,
        column_config={
            title: st.column_config.TextColumn(title, alignment="right") for title in table.columns
        },
        key=key,
    )


def pnl(side: Side, result: Outcome) -> None:
    """A side's yearly P&L and cash flow."""

    def build() -> pd.DataFrame:
        yearly = session.memo("yearly", lambda: result.yearly)
        return money_frame(result.plan, yearly, PNL_LINES[side], year_columns(result.plan, yearly))

    show_money_frame(session.memo(f"pnl:{side}", build), key=f"pnl:{side}")


def coming(feature: str) -> None:
    """A notice that a part of the product is not there yet (no placeholder numbers)."""
    st.info(tr(f"coming.{feature}"), icon=":material/construction:")


def kpi_row(values: dict[str, Any], plan: Plan, names: Sequence[str]) -> list[str]:
    """Key figures formatted for a table row."""
    return [figure(name, values[name], plan) for name in names]
