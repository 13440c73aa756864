"""What every page shares: navigation, the sidebar (language, presenter mode, undo/redo), style."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from planner.i18n import LANGUAGES
from planner.ui import session, state
from planner.ui.text import plain, tr

PAGE_DIR = Path(__file__).resolve().parent / "pages"
PAGES: tuple[tuple[str, str], ...] = (
    ("start", ":material/folder_open:"),
    ("dashboard", ":material/insights:"),
    ("assumptions", ":material/tune:"),
    ("analyses", ":material/stacked_line_chart:"),
    ("onboarding", ":material/fact_check:"),
    ("export", ":material/download:"),
    ("signoff", ":material/verified:"),
)
DEFAULT_PAGE = "dashboard"

BASE_CSS = """
<style>
[data-testid="stMetricValue"] { font-variant-numeric: tabular-nums; font-size: 1.2rem; }
[data-testid="stMetric"] { padding: 0.35rem 0.5rem; }
.block-container { padding-top: 2.2rem; }
</style>
"""
PRESENTER_CSS = """
<style>
html, body, [class*="st-"], .stMarkdown p { font-size: 1.18rem; }
[data-testid="stMetricValue"] { font-size: 2.3rem; }
[data-testid="stMetricLabel"] p { font-size: 1.2rem; }
h1 { font-size: 2.8rem !important; }
h2, h3 { font-size: 2rem !important; }
[data-testid="stDataFrame"] { font-size: 1.1rem; }
</style>
"""
"""Constant style sheets: no user text ever goes into HTML."""


def page_path(name: str) -> Path:
    """The script of a page."""
    return PAGE_DIR / f"{name}.py"


def navigation() -> Any:
    """The pages, titled in the UI language; the dashboard opens first."""
    pages = [
        st.Page(
            page_path(name),
            title=tr(f"nav.{name}"),
            icon=icon,
            url_path=name,
            default=name == DEFAULT_PAGE,
        )
        for name, icon in PAGES
    ]
    return st.navigation(pages)


def frame() -> None:
    """Sidebar and style; runs before every page."""
    session.sync_fields()
    presenter = bool(st.session_state.get(state.PRESENTER))
    st.markdown(BASE_CSS + (PRESENTER_CSS if presenter else ""), unsafe_allow_html=True)
    notice = st.session_state.pop(state.NOTICE, None)
    if notice:
        st.toast(tr(notice[0], **notice[1]), icon=":material/check_circle:")
    with st.sidebar:
        plan = state.plan_in_force()
        st.caption(tr("sidebar.plan"))
        st.markdown(f"**{plain(plan.title)}**")
        st.caption(st.session_state[state.PLAN_FILE])
        left, right = st.columns(2)
        left.button(
            "",
            key="undo",
            help=tr("undo"),
            icon=":material/undo:",
            on_click=session.undo,
            disabled=not st.session_state[state.PAST],
            width="stretch",
        )
        right.button(
            "",
            key="redo",
            help=tr("redo"),
            icon=":material/redo:",
            on_click=session.redo,
            disabled=not st.session_state[state.FUTURE],
            width="stretch",
        )
        st.selectbox(
            tr("sidebar.language"),
            LANGUAGES,
            key=state.LANGUAGE,
            format_func=lambda code: tr(f"language.{code}"),
        )
        st.toggle(tr("sidebar.presenter"), key=state.PRESENTER, help=tr("sidebar.presenter_help"))
