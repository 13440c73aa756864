"""Dashboard: both sides' key figures next to each other, the verdict, charts, yearly P&L."""

import streamlit as st

from planner.ui import signoff_panel, viewer, widgets
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

partner, vendor = st.columns(2, gap="medium")
with partner:
    st.subheader(tr("side.partner", name=plain(plan.partner.name)))
    widgets.figures("partner", result, before)
with vendor:
    st.subheader(tr("side.vendor", name=plain(plan.vendor.name)))
    widgets.figures("vendor", result, before)

both = viewer.current().sees_vendor_economics(plan)
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

st.subheader(tr("dashboard.pnl_title"))
if both:
    partner_pnl, vendor_pnl = st.tabs([tr("pnl.partner"), tr("pnl.vendor")])
    with partner_pnl:
        widgets.pnl("partner", result)
    with vendor_pnl:
        widgets.pnl("vendor", result)
else:
    widgets.pnl("partner", result)
