"""Plan vs actuals: the re-forecast's key figures beside the plan's, and per column the plan,
the actuals and the re-forecast by month, by year and over every column. The numbers come from
:mod:`planner.analysis.actuals`; this view only chooses, formats and shows."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from planner import i18n
from planner.analysis import actuals
from planner.analysis.scenarios import Comparison
from planner.model import MONTH_FIGURES
from planner.plan.schema import COUNT_COLUMNS
from planner.ui import charts, session, widgets
from planner.ui.onboarding.common import CHART_COLUMN, Here, text_table
from planner.ui.text import figure, label, month_of, months_delta, tr

FORECAST_FIGURES = (
    "partner.npv",
    "partner.irr",
    "partner.payback_month",
    "partner.peak_funding",
    "partner.cumulative_cash",
    "partner.revenue",
    "vendor.npv",
    "vendor.revenue",
    "vendor.cost",
    "vendor.cumulative_cash",
)


def _compared(here: Here, frame: pd.DataFrame, column: str) -> dict[str, list[str]]:
    """The plan, actual, difference and percent columns of a variance table."""
    return {
        tr("onboarding.plan"): [here.amount(column, v) for v in frame["plan"]],
        tr("onboarding.actual"): [here.amount(column, v) for v in frame["actual"]],
        tr("onboarding.difference"): [here.signed_amount(column, v) for v in frame["difference"]],
        tr("onboarding.percent"): [here.share(v) for v in frame["percent"]],
    }


def monthly_table(here: Here, result: actuals.Variance, column: str) -> pd.DataFrame:
    mine = result.monthly[result.monthly["column"] == column]
    months = [month_of(int(m), here.plan) for m in mine["month"]]
    return pd.DataFrame({label("month"): months, **_compared(here, mine, column)})


def yearly_table(here: Here, result: actuals.Variance, column: str) -> pd.DataFrame:
    mine = result.yearly[result.yearly["column"] == column]
    years = [tr("onboarding.year", year=int(y)) for y in mine["year"]]
    return pd.DataFrame({label("year"): years, **_compared(here, mine, column)})


def summary_table(here: Here, result: actuals.Variance) -> pd.DataFrame:
    rows = result.cumulative.to_dict(orient="records")
    return pd.DataFrame(
        {
            tr("onboarding.column"): [label(str(r["column"])) for r in rows],
            tr("onboarding.months"): [str(int(r["months"])) for r in rows],
            tr("onboarding.plan"): [here.amount(str(r["column"]), r["plan"]) for r in rows],
            tr("onboarding.actual"): [here.amount(str(r["column"]), r["actual"]) for r in rows],
            tr("onboarding.difference"): [
                here.signed_amount(str(r["column"]), r["difference"]) for r in rows
            ],
            tr("onboarding.percent"): [here.share(r["percent"]) for r in rows],
        }
    )


def forecast_table(here: Here, result: actuals.Variance) -> pd.DataFrame:
    """The plan's key figures next to the re-forecast's, and the change."""
    plan = here.plan
    change = Comparison(result.plan_figures, {"reforecast": result.reforecast.kpis})
    difference = change.difference("reforecast")
    names, planned, forecast, moved = [], [], [], []
    visible = here.who.figures(plan, result.plan_figures)
    for name in FORECAST_FIGURES:
        side, _, short = name.partition(".")
        if short not in visible.get(side, {}):
            continue
        names.append(f"{label(side)} · {label(short)}")
        planned.append(figure(short, result.plan_figures[side][short], plan))
        forecast.append(figure(short, result.reforecast.kpis[side][short], plan))
        moved.append(delta(here, short, difference[side][short]))
    return pd.DataFrame(
        {
            tr("onboarding.figure"): names,
            tr("onboarding.plan"): planned,
            tr("onboarding.reforecast"): forecast,
            tr("onboarding.difference"): moved,
        }
    )


def delta(here: Here, short: str, value: float | None) -> str:
    if value is None:
        return i18n.MISSING
    sign = "+" if value > 0 else ""
    if short in MONTH_FIGURES:
        return months_delta(value)
    if short in ("irr", "roi"):
        return tr("figure.points_delta", points=sign + i18n.number(value * 100, here.language, 1))
    return sign + i18n.money(value, here.plan.currency, here.language)


def comparison_chart(here: Here, result: actuals.Variance, column: str) -> dict[str, Any]:
    """Plan, actuals and re-forecast of one column per month."""
    planned = session.outcome().monthly
    forecast = result.reforecast.monthly
    mine = result.monthly[result.monthly["column"] == column]
    names = {
        "plan": tr("onboarding.plan"),
        "actual": tr("onboarding.actual"),
        "forecast": tr("onboarding.reforecast"),
    }
    frame = pd.concat(
        [
            pd.DataFrame(
                {"date": planned["date"], "series": names["plan"], "value": planned[column]}
            ),
            pd.DataFrame(
                {"date": forecast["date"], "series": names["forecast"], "value": forecast[column]}
            ),
            pd.DataFrame(
                {"date": mine["date"], "series": names["actual"], "value": mine["actual"]}
            ),
        ],
        ignore_index=True,
    )
    currency = here.plan.currency
    y = label(column) if column in COUNT_COLUMNS else tr("chart.amount", currency=currency)
    palette = {
        names["plan"]: charts.PLAN_COLOUR,
        names["forecast"]: charts.PARTNER_COLOUR,
        names["actual"]: charts.VENDOR_COLOUR,
    }
    return charts.lines(
        frame, "series", {"x": tr("chart.month"), "y": y}, here.language, palette, points=True
    )


def variance_section(here: Here) -> None:
    plan = here.plan
    if not plan.actuals:
        st.info(tr("onboarding.no_actuals"), icon=":material/info:")
        return
    result = session.memo("onboarding:variance", lambda: actuals.variance(plan))
    given = [c for c in here.value_columns if c in set(result.monthly["column"])]
    st.subheader(tr("onboarding.forecast_title"))
    st.caption(tr("onboarding.forecast_caption", months=len(plan.actuals)))
    forecast = session.memo("onboarding:forecast", lambda: forecast_table(here, result))
    text_table(forecast, "ob.forecast")

    st.subheader(tr("onboarding.variance_title"))
    default = "revenue" if "revenue" in given else given[0]
    column = st.selectbox(
        tr("onboarding.chart_column"),
        given,
        index=given.index(default),
        format_func=label,
        key=CHART_COLUMN,
    )
    chart = session.memo(
        f"onboarding:chart:{column}", lambda: comparison_chart(here, result, column)
    )
    widgets.chart(chart, key="onboarding.chart")
    per_month, per_year, overall = st.tabs(
        [tr("onboarding.per_month"), tr("onboarding.per_year"), tr("onboarding.all_columns")]
    )
    with per_month:
        text_table(monthly_table(here, result, column), "onboarding.monthly")
    with per_year:
        text_table(yearly_table(here, result, column), "onboarding.yearly")
    with overall:
        st.caption(tr("onboarding.all_columns_caption"))
        text_table(summary_table(here, result), "onboarding.summary")
