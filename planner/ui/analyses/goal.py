"""The goal-seek tab: the value of one driver that meets a target."""

from __future__ import annotations

import streamlit as st

from planner import i18n
from planner.analysis import AnalysisError, goalseek
from planner.analysis.figures import is_month_figure
from planner.model import MONTH_FIGURES
from planner.ui import clicks, entries, fields, session, state
from planner.ui.analyses.common import (
    GOAL_DRIVER,
    GOAL_ERRORS,
    GOAL_FIGURE,
    GOAL_OP,
    GOAL_RESULT,
    GOAL_TARGET,
    OPS,
    PERCENT_FIGURES,
    driver_label,
    driver_label_safe,
    driver_paths,
    driver_value,
    figure_label,
    figure_text,
    here,
)
from planner.ui.text import plain, tr

# --- goal seek -------------------------------------------------------------------------------


def target_unit(name: str) -> str:
    short = name.partition(".")[2]
    if short in MONTH_FIGURES:
        return tr("analyses.target_month", months=here().plan.months)
    if short in PERCENT_FIGURES:
        return tr("analyses.target_percent")
    return tr("analyses.target_money", currency=here().plan.currency)


def goal_answer(result: goalseek.GoalSeek) -> None:
    """The goal-seek answer in words, and what it means for the plan."""
    goal = tr(
        "analyses.goal_text",
        figure=figure_label(result.figure),
        op=result.op.replace(">=", "≥").replace("<=", "≤"),
        target=figure_text(result.figure, result.target)
        if not is_month_figure(result.figure)
        else tr("analyses.plan_month", month=i18n.number(result.target, here().language)),
    )
    title = driver_label(result.path)
    if result.status == "unreachable":
        closest = figure_text(result.figure, result.figure_value)
        st.warning(
            tr(
                "analyses.goal_unreachable",
                goal=goal,
                driver=title,
                low=driver_value(result.path, result.low),
                high=driver_value(result.path, result.high),
                closest=closest,
            ),
            icon=":material/block:",
        )
        return
    if result.status == "met_everywhere":
        st.info(tr("analyses.goal_everywhere", goal=goal, driver=title), icon=":material/info:")
        return
    st.success(
        tr(
            "analyses.goal_reached",
            goal=goal,
            driver=title,
            value=driver_value(result.path, result.value),
            now=driver_value(result.path, result.base_value),
            figure=figure_text(result.figure, result.figure_value),
            before=figure_text(result.figure, result.base_figure),
        ),
        icon=":material/flag:",
    )
    applied = clicks.button(st, tr("analyses.apply"), "analyses.goal.apply", type="primary")
    if applied and session.change({result.path: result.value}, GOAL_ERRORS):
        st.session_state.pop(GOAL_RESULT, None)  # applied: no answer left to offer
        session.notify("analyses.applied", driver=plain(title))
        st.rerun()
    fields.problems(GOAL_ERRORS)


def goal_section() -> None:
    st.caption(tr("analyses.goal_caption"))
    paths = driver_paths()
    default_path = "revenue.deal_size" if "revenue.deal_size" in paths else paths[0]
    left, middle, op_column, right = st.columns([3, 3, 1, 2])
    path = left.selectbox(
        tr("analyses.driver"),
        paths,
        index=paths.index(default_path),
        format_func=lambda p: driver_label_safe(str(p)),
        key=GOAL_DRIVER,
    )
    name = middle.selectbox(
        tr("analyses.figure"),
        here().shown,
        index=here().shown.index("partner.npv"),
        format_func=figure_label,
        key=GOAL_FIGURE,
    )
    op = op_column.selectbox(
        tr("analyses.condition"),
        OPS,
        format_func=lambda o: o.replace(">=", "≥").replace("<=", "≤"),
        key=GOAL_OP,
    )
    target = right.number_input(
        tr("analyses.target"), value=0.0, step=1.0, key=GOAL_TARGET, help=target_unit(name)
    )
    st.caption(target_unit(name))
    if clicks.button(st, tr("analyses.seek"), "analyses.goal.run", type="primary"):
        short = name.partition(".")[2]
        wanted = entries.stored("percent", target) if short in PERCENT_FIGURES else target
        try:
            found = goalseek.goal_seek(
                here().plan,
                path,
                name,
                float(wanted),
                op,  # type: ignore[arg-type]
                audience=here().who.side,
            )
        except AnalysisError as error:
            state.errors()[GOAL_ERRORS] = [str(error)]
        else:
            state.errors().pop(GOAL_ERRORS, None)
            st.session_state[GOAL_RESULT] = (here().revision, found)
    stored = st.session_state.get(GOAL_RESULT)
    if stored is not None and stored[0] == here().revision:
        goal_answer(stored[1])
    else:
        if stored is not None:  # its answer (and the button applying it) went with the change
            st.info(tr("analyses.goal_stale"), icon=":material/sync:")
        fields.problems(GOAL_ERRORS)
