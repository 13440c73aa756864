"""The tornado tab: which drivers move a figure most."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from planner import i18n
from planner.analysis import sensitivity
from planner.ui import charts, entries, session, widgets
from planner.ui.analyses.common import (
    CHART_BARS,
    TORNADO_FIGURE,
    TORNADO_STEP,
    driver_label,
    driver_value,
    figure_label,
    figure_text,
    here,
    plain_figure,
)
from planner.ui.text import tr

# --- tornado ---------------------------------------------------------------------------------


def tornado_views(name: str, step: float) -> tuple[dict[str, Any] | None, pd.DataFrame, str]:
    """Chart spec, table and headline of the tornado of figure ``name`` at ``step``."""
    result = sensitivity.tornado(here().plan, name, step, audience=here().who.side)
    moving = [bar for bar in result.bars if bar.changes_kind or bar.impact > 0]
    down = tr("analyses.case_low", step=i18n.number(step * 100, here().language))
    up = tr("analyses.case_high", step=i18n.number(step * 100, here().language))
    records = []
    for bar in moving[:CHART_BARS]:
        title = driver_label(bar.path)
        for case, value in ((down, bar.low_figure), (up, bar.high_figure)):
            records.append({"driver": title, "case": case, "start": result.base, "end": value})
    columns = ["driver", "case", "start", "end"]
    chart = None
    if records:
        frame = pd.DataFrame(records, columns=columns)
        chart = charts.tornado(frame, {"x": figure_label(name)}, here().language)
    table = pd.DataFrame(
        {
            tr("analyses.driver"): [driver_label(bar.path) for bar in moving],
            tr("analyses.now"): [driver_value(bar.path, bar.value) for bar in moving],
            down: [driver_value(bar.path, bar.low_value) for bar in moving],
            up: [driver_value(bar.path, bar.high_value) for bar in moving],
            tr("analyses.figure_at", case=down): [
                plain_figure(name, bar.low_figure) for bar in moving
            ],
            tr("analyses.figure_at", case=up): [
                plain_figure(name, bar.high_figure) for bar in moving
            ],
            tr("analyses.impact"): [
                tr("analyses.changes_kind") if bar.changes_kind else plain_figure(name, bar.impact)
                for bar in moving
            ],
        }
    )
    headline = tr(
        "analyses.tornado_base",
        figure=figure_label(name),
        value=figure_text(name, result.base),
        step=i18n.number(step * 100, here().language),
    )
    return chart, table, headline


def tornado_section() -> None:
    st.caption(tr("analyses.tornado_caption"))
    left, right = st.columns([3, 1])
    name = left.selectbox(
        tr("analyses.figure"),
        here().shown,
        index=here().shown.index(sensitivity.DEFAULT_FIGURE),
        format_func=figure_label,
        key=TORNADO_FIGURE,
    )
    percent = right.number_input(
        tr("analyses.step"),
        min_value=1.0,
        max_value=100.0,
        value=sensitivity.DEFAULT_STEP * 100,
        step=5.0,
        format="%.0f",
        key=TORNADO_STEP,
        help=tr("analyses.step_help"),
    )
    step = entries.stored("percent", percent)
    chart, table, headline = session.memo(
        f"analyses:tornado:{name}:{step}", lambda: tornado_views(name, step)
    )
    st.markdown(headline)
    if chart is None:
        st.info(tr("analyses.tornado_flat"), icon=":material/info:")
        return
    widgets.chart(chart, key="analyses.tornado_chart")
    widgets.text_table(table, "analyses.tornado_table", height=widgets.full_height(len(table)))
