"""Dashboard: both sides' key figures next to each other, the verdict, charts, yearly P&L.

The figures, the charts and the P&L are tabs of which only the open one runs (the key figures
first): a join link's first view sends no chart and no table, so the browser neither loads nor
starts vega and the data grid (about 2.4 of its 5.5 MB of scripts) before it draws the figures.
Opening a tab is an ordinary run of the whole page, which draws its content in place.
"""

import streamlit as st

from planner.ui import signoff_panel, state, viewer, widgets
from planner.ui.session import outcome, previous_outcome
from planner.ui.state import plan_in_force
from planner.ui.text import plain, tr

plan = plan_in_force()
result = outcome()
before = previous_outcome()

st.title(tr("dashboard.title"))
widgets.parties(plan)
signoff_panel.decision_summary(plan)
widgets.verdict(result)
widgets.terms(result)

figures_tab, charts_tab, pnl_tab = st.tabs(
    [tr(f"dashboard.tab_{view}") for view in state.DASHBOARD_VIEWS],
    key=state.DASHBOARD_VIEW,
    on_change="rerun",
)
both = viewer.current().sees_vendor_economics(plan)
if figures_tab.open:
    with figures_tab, st.container(key="side_figures"):
        partner, vendor = st.columns(2, gap="medium")
        with partner:
            st.subheader(tr("side.partner", name=plain(plan.partner.name)))
            widgets.figures("partner", result, before)
        with vendor:
            st.subheader(tr("side.vendor", name=plain(plan.vendor.name)))
            widgets.figures("vendor", result, before)

if charts_tab.open:
    with charts_tab:
        st.subheader(tr("dashboard.cash_title" if both else "dashboard.cash_title_partner"))
        st.caption(tr("dashboard.cash_caption" if both else "dashboard.cash_caption_partner"))
        widgets.cash_chart(result)
        mix, team = st.columns(2, gap="large")
        with mix:
            st.subheader(tr("dashboard.mix_title"))
            widgets.mix_chart(result)
        with team:
            st.subheader(tr("dashboard.team_title"))
            widgets.team_chart(result)

if pnl_tab.open:
    with pnl_tab:
        st.subheader(tr("dashboard.pnl_title"))
        if both:
            partner_pnl, vendor_pnl = st.tabs([tr("pnl.partner"), tr("pnl.vendor")])
            with partner_pnl:
                widgets.pnl("partner", result)
            with vendor_pnl:
                widgets.pnl("vendor", result)
        else:
            widgets.pnl("partner", result)
