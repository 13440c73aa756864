"""Onboarding: monthly actuals entered or uploaded, plan vs actuals, and the re-forecast.

Actuals are stored in the plan's ``actuals[]`` through :func:`planner.ui.session.change`
(validated, saved, undoable). Variance and re-forecast come from
:mod:`planner.analysis.actuals`; this page only chooses, formats and shows.
"""

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from planner import i18n
from planner.analysis import AnalysisError, actuals
from planner.analysis.scenarios import Comparison
from planner.model import MONTH_FIGURES, month_dates
from planner.plan.schema import VALUE_COLUMNS as ALL_COLUMNS
from planner.privacy import visible_columns
from planner.ui import charts, collab, fields, session, state, viewer, widgets
from planner.ui import review as quarterly_review
from planner.ui.refusals import refusal_text
from planner.ui.text import figure, label, month_of, plain, tr

ss = st.session_state
plan = state.plan_in_force()
language = state.language()
who = viewer.current()
# the columns and figures this side may see (the vendor's economics only when shared)
VALUE_COLUMNS = tuple(c for c in ALL_COLUMNS if c in visible_columns(plan, who.side))

DEFAULT_COLUMNS = ("revenue", "new_deals", "customers", "staff_cost", "cash_flow")
# Comments, not docstrings, below: a bare string in a page script would be shown on the page.
COUNT_COLUMNS = frozenset({"headcount", "new_deals", "customers"})  # counts, not money
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
EDITOR_ROWS = 12  # rows of the actuals table visible at once (one plan year)

COLUMNS = "onboarding.columns"
CHART_COLUMN = "onboarding.chart_column"
UPLOAD = "onboarding.upload"
UPLOADED = "onboarding.uploaded_file"
TABLE_ERRORS = "onboarding.table"
UPLOAD_ERRORS = "onboarding.upload"
ACTUALS_SEEN = "onboarding.actuals_seen"  # the actuals table as shown: see seen_table


def amount(column: str, value: float | None) -> str:
    """A monthly value: money, or a count with one decimal (FTE, deals, customers)."""
    if column in COUNT_COLUMNS:
        return i18n.number(value, language, 1)
    return i18n.money(value, plan.currency, language)


def signed_amount(column: str, value: float | None) -> str:
    text = amount(column, value)
    return "+" + text if value is not None and value > 0 else text


def share(value: Any) -> str:
    return i18n.percent(None if value is None or pd.isna(value) else float(value), language)


def text_table(frame: pd.DataFrame, key: str, left: int = 1) -> None:
    """A table of formatted texts: the first ``left`` columns left-aligned, numbers right."""
    config = {
        column: st.column_config.TextColumn(column, alignment="left" if i < left else "right")
        for i, column in enumerate(frame.columns)
    }
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=min(widgets.ROW_HEIGHT * (len(frame) + 1) + 3, 480),
        column_config=config,
        key=key,
    )


# --- entering actuals ------------------------------------------------------------------------


def entry_frame(columns: list[str]) -> pd.DataFrame:
    """One row per plan month with the chosen columns' actuals (empty = not known)."""
    known = plan.actuals_by_month()
    dates = month_dates(plan.start, plan.months)
    frame = pd.DataFrame(
        {
            "month": range(1, plan.months + 1),
            "date": [i18n.month_label(d, language) for d in dates],
        }
    )
    for column in columns:
        frame[column] = [known.get(m, {}).get(column) for m in range(1, plan.months + 1)]
        frame[column] = frame[column].astype("float64")
    return frame


def rows_from(edited: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """The plan's actuals after the table edit: shown columns replaced, others kept."""
    known = plan.actuals_by_month()
    rows = []
    for record in edited.to_dict(orient="records"):
        month = int(record["month"])
        row = {k: v for k, v in known.get(month, {}).items() if k not in columns}
        for column in columns:
            value = record.get(column)
            if value is not None and not pd.isna(value):
                row[column] = float(value)
        if row:
            rows.append({"month": month, **row})
    return rows


def _pending(edits: Any) -> bool:
    """Whether an editable table's state holds edits the person made."""
    return isinstance(edits, dict) and any(
        edits.get(part) for part in ("edited_rows", "added_rows", "deleted_rows")
    )


def seen_table(columns: list[str]) -> dict[str, Any]:
    """The actuals table as this person's input shows it: the stored actuals at the version
    they were loaded, kept while the person has edits in it (a change by someone else then
    makes their save a conflict instead of emptying what they typed), else the stored ones.
    Its key names a generation, not the plan's revision: a change of another field keeps it."""
    version = session.field_version("actuals")
    seen: dict[str, Any] | None = ss.get(ACTUALS_SEEN)
    if seen is not None:
        same_shape = seen["columns"] == tuple(columns) and seen["language"] == language
        moved = seen["version"] != version
        renew = seen["version"] < 0  # saved or overtaken: the stored actuals again
        if same_shape and not renew and not (moved and not _pending(ss.get(seen["key"]))):
            return seen
    generation = seen["generation"] + 1 if seen is not None else 0
    fresh = {
        "version": version,
        "generation": generation,
        "columns": tuple(columns),
        "language": language,
        "frame": entry_frame(columns),
        "key": f"{state.EDITOR_PREFIX}actuals@{generation}",
    }
    ss[ACTUALS_SEEN] = fresh
    return fresh


def _renew_table() -> None:
    """Show the stored actuals in a new table (after a save, or when it was overtaken)."""
    seen: dict[str, Any] | None = ss.get(ACTUALS_SEEN)
    if seen is not None:
        ss[ACTUALS_SEEN] = {**seen, "version": -1}


def save_actuals(rows: list[dict[str, Any]], version: int) -> bool:
    """Write the actuals against the version the table showed; a change by someone else since
    comes back as a conflict with both (nothing overwritten)."""
    saved = session.change({"actuals": rows}, TABLE_ERRORS, bases={"actuals": version})
    if saved or "actuals" in collab.pending_paths():
        _renew_table()
    return saved


def entry_table(columns: list[str]) -> None:
    seen = seen_table(columns)
    edited = st.data_editor(
        seen["frame"],
        key=seen["key"],
        num_rows="fixed",
        hide_index=True,
        placeholder="",
        width="stretch",
        height=widgets.ROW_HEIGHT * (EDITOR_ROWS + 1) + 3,
        disabled=["month", "date"] if who.can_edit else True,
        column_config={
            "month": st.column_config.NumberColumn(tr("onboarding.plan_month"), format="%d"),
            "date": st.column_config.TextColumn(label("month")),
            **{
                column: st.column_config.NumberColumn(
                    label(column),
                    format="localized",
                    help=tr(
                        "onboarding.count_help"
                        if column in COUNT_COLUMNS
                        else "onboarding.money_help",
                        currency=plan.currency,
                    ),
                )
                for column in columns
            },
        },
    )
    save, clear = st.columns([1, 1])
    saved = save.button(
        tr("onboarding.save"),
        type="primary",
        width="stretch",
        key="onboarding.save",
        disabled=not who.can_edit,
    )
    cleared = clear.button(
        tr("onboarding.clear"),
        disabled=not plan.actuals or not who.can_edit,
        width="stretch",
        key="onboarding.clear",
    )
    if saved:
        rows = rows_from(edited, columns)
        if save_actuals(rows, seen["version"]):
            session.notify("onboarding.saved", count=len(rows))
            st.rerun()
    if cleared and save_actuals([], seen["version"]):
        session.notify("onboarding.cleared")
        st.rerun()
    fields.problems(TABLE_ERRORS)


def read_upload(name: str, data: bytes) -> list[dict[str, Any]]:
    """Actuals rows from an uploaded CSV or XLSX, held to the limits of every upload (errors
    name the file, row and column)."""
    return actuals.read_actuals_data(plan, data, Path(name).name or "actuals.csv")


def merged(uploaded: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The plan's actuals with the uploaded months' values put in (uploaded values win)."""
    known = plan.actuals_by_month()
    for row in uploaded:
        values = {k: v for k, v in row.items() if k != "month"}
        known[int(row["month"])] = {**known.get(int(row["month"]), {}), **values}
    return [{"month": month, **known[month]} for month in sorted(known) if known[month]]


def upload_section() -> None:
    st.caption(tr("onboarding.upload_caption"))
    uploaded = st.file_uploader(
        tr("onboarding.upload_label"),
        type=["csv", "xlsx"],
        key=UPLOAD,
        help=tr("onboarding.upload_help"),
    )
    if uploaded is not None and ss.get(UPLOADED) != uploaded.file_id:
        ss[UPLOADED] = uploaded.file_id
        try:
            rows = read_upload(uploaded.name, uploaded.getvalue())
        except AnalysisError as error:
            state.errors()[UPLOAD_ERRORS] = [refusal_text(error)]
        else:
            if session.change({"actuals": merged(rows)}, UPLOAD_ERRORS):
                session.notify("onboarding.uploaded", count=len(rows), name=plain(uploaded.name))
                st.rerun()
    if uploaded is not None and state.errors().get(UPLOAD_ERRORS):
        st.error(
            tr("onboarding.upload_refused", name=plain(uploaded.name))
            + "\n\n"
            + "\n".join(f"- {plain(line)}" for line in state.errors()[UPLOAD_ERRORS])
        )


# --- plan vs actuals -------------------------------------------------------------------------


def monthly_table(result: actuals.Variance, column: str) -> pd.DataFrame:
    mine = result.monthly[result.monthly["column"] == column]
    return pd.DataFrame(
        {
            label("month"): [month_of(int(m), plan) for m in mine["month"]],
            tr("onboarding.plan"): [amount(column, v) for v in mine["plan"]],
            tr("onboarding.actual"): [amount(column, v) for v in mine["actual"]],
            tr("onboarding.difference"): [signed_amount(column, v) for v in mine["difference"]],
            tr("onboarding.percent"): [share(v) for v in mine["percent"]],
        }
    )


def yearly_table(result: actuals.Variance, column: str) -> pd.DataFrame:
    mine = result.yearly[result.yearly["column"] == column]
    return pd.DataFrame(
        {
            label("year"): [tr("onboarding.year", year=int(y)) for y in mine["year"]],
            tr("onboarding.plan"): [amount(column, v) for v in mine["plan"]],
            tr("onboarding.actual"): [amount(column, v) for v in mine["actual"]],
            tr("onboarding.difference"): [signed_amount(column, v) for v in mine["difference"]],
            tr("onboarding.percent"): [share(v) for v in mine["percent"]],
        }
    )


def summary_table(result: actuals.Variance) -> pd.DataFrame:
    rows = result.cumulative.to_dict(orient="records")
    return pd.DataFrame(
        {
            tr("onboarding.column"): [label(str(r["column"])) for r in rows],
            tr("onboarding.months"): [str(int(r["months"])) for r in rows],
            tr("onboarding.plan"): [amount(str(r["column"]), r["plan"]) for r in rows],
            tr("onboarding.actual"): [amount(str(r["column"]), r["actual"]) for r in rows],
            tr("onboarding.difference"): [
                signed_amount(str(r["column"]), r["difference"]) for r in rows
            ],
            tr("onboarding.percent"): [share(r["percent"]) for r in rows],
        }
    )


def forecast_table(result: actuals.Variance) -> pd.DataFrame:
    """The plan's key figures next to the re-forecast's, and the change."""
    change = Comparison(result.plan_figures, {"reforecast": result.reforecast.kpis})
    difference = change.difference("reforecast")
    names, planned, forecast, moved = [], [], [], []
    visible = who.figures(plan, result.plan_figures)
    for name in FORECAST_FIGURES:
        side, _, short = name.partition(".")
        if short not in visible.get(side, {}):
            continue
        names.append(f"{label(side)} · {label(short)}")
        planned.append(figure(short, result.plan_figures[side][short], plan))
        forecast.append(figure(short, result.reforecast.kpis[side][short], plan))
        moved.append(delta(short, difference[side][short]))
    return pd.DataFrame(
        {
            tr("onboarding.figure"): names,
            tr("onboarding.plan"): planned,
            tr("onboarding.reforecast"): forecast,
            tr("onboarding.difference"): moved,
        }
    )


def delta(short: str, value: float | None) -> str:
    if value is None:
        return i18n.MISSING
    sign = "+" if value > 0 else ""
    if short in MONTH_FIGURES:
        return tr("figure.months_delta", months=sign + i18n.number(value, language))
    if short in ("irr", "roi"):
        return tr("figure.points_delta", points=sign + i18n.number(value * 100, language, 1))
    return sign + i18n.money(value, plan.currency, language)


def comparison_chart(result: actuals.Variance, column: str) -> dict[str, Any]:
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
    y = label(column) if column in COUNT_COLUMNS else tr("chart.amount", currency=plan.currency)
    palette = {
        names["plan"]: charts.PLAN_COLOUR,
        names["forecast"]: charts.PARTNER_COLOUR,
        names["actual"]: charts.VENDOR_COLOUR,
    }
    return charts.lines(
        frame, "series", {"x": tr("chart.month"), "y": y}, language, palette, points=True
    )


def variance_section() -> None:
    if not plan.actuals:
        st.info(tr("onboarding.no_actuals"), icon=":material/info:")
        return
    result = session.memo("onboarding:variance", lambda: actuals.variance(plan))
    given = [c for c in VALUE_COLUMNS if c in set(result.monthly["column"])]
    st.subheader(tr("onboarding.forecast_title"))
    st.caption(tr("onboarding.forecast_caption", months=len(plan.actuals)))
    text_table(session.memo("onboarding:forecast", lambda: forecast_table(result)), "ob.forecast")

    st.subheader(tr("onboarding.variance_title"))
    default = "revenue" if "revenue" in given else given[0]
    column = st.selectbox(
        tr("onboarding.chart_column"),
        given,
        index=given.index(default),
        format_func=label,
        key=CHART_COLUMN,
    )
    chart = session.memo(f"onboarding:chart:{column}", lambda: comparison_chart(result, column))
    widgets.chart(chart, key="onboarding.chart")
    per_month, per_year, overall = st.tabs(
        [tr("onboarding.per_month"), tr("onboarding.per_year"), tr("onboarding.all_columns")]
    )
    with per_month:
        text_table(monthly_table(result, column), "onboarding.monthly")
    with per_year:
        text_table(yearly_table(result, column), "onboarding.yearly")
    with overall:
        st.caption(tr("onboarding.all_columns_caption"))
        text_table(summary_table(result), "onboarding.summary")


# --- the page --------------------------------------------------------------------------------

st.title(tr("onboarding.title"))
widgets.parties(plan)
st.caption(tr("onboarding.caption"))
enter, upload = st.columns([3, 1], gap="large")
with enter:
    st.subheader(tr("onboarding.enter_title"))
    present = [c for c in VALUE_COLUMNS if any(c in row for row in plan.actuals)]
    chosen = st.multiselect(
        tr("onboarding.columns"),
        VALUE_COLUMNS,
        default=[c for c in VALUE_COLUMNS if c in DEFAULT_COLUMNS or c in present],
        format_func=label,
        key=COLUMNS,
        select_all=False,  # its label is Streamlit's English
        placeholder=tr("choose"),
    )
    if chosen:
        entry_table(list(chosen))
with upload:
    st.subheader(tr("onboarding.upload_title"))
    if who.can_edit:
        upload_section()
    else:
        st.caption(tr("onboarding.read_only"))
variance_section()
quarterly_review.section()
