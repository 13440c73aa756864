"""Assumptions, grouped as the meeting thinks: investments, team, revenue, vendor, general."""

import streamlit as st

from planner.ui import fields
from planner.ui.state import plan_in_force
from planner.ui.text import tr

plan = plan_in_force()

st.title(tr("assumptions.title"))
st.caption(tr("assumptions.caption"))
investments, team, revenue, vendor, general = st.tabs(
    [
        tr("assumptions.investments"),
        tr("assumptions.team"),
        tr("assumptions.revenue"),
        tr("assumptions.vendor"),
        tr("assumptions.general"),
    ]
)

with investments:
    st.caption(tr("assumptions.investments_caption"))
    fields.table("investments", plan)

with team:
    st.caption(tr("assumptions.team_caption"))
    fields.table("resources", plan)

with revenue:
    left, right = st.columns(2, gap="large")
    with left:
        fields.field("revenue.deals_per_sales_fte_month", plan)
        fields.field("revenue.deal_size", plan)
        fields.field("revenue.subscription", plan)
        fields.field("revenue.monthly_churn", plan)
        fields.field("revenue.annual_price_uplift", plan)
    with right:
        fields.field("revenue.partner_margin", plan)
        fields.field("revenue.services_per_deal", plan)
        fields.field("revenue.delivery_capacity_per_fte_month", plan)
        fields.field("revenue.managed_fee_per_customer_month", plan)

with vendor:
    left, right = st.columns(2, gap="large")
    with left:
        fields.field("vendor_programme.mdf_rate", plan)
        fields.field("vendor_programme.gross_margin", plan)
    with right:
        fields.field("vendor_programme.partner_manager_fte", plan)
        fields.field("vendor_programme.partner_manager_annual_cost", plan)
    st.markdown(f"**{tr('assumptions.rebate_tiers')}**")
    st.caption(tr("assumptions.rebate_caption"))
    fields.table("vendor_programme.rebate_tiers", plan)

with general:
    left, right = st.columns(2, gap="large")
    with left:
        fields.field("title", plan)
        fields.field("partner.name", plan)
        fields.field("vendor.name", plan)
        fields.field("partner.kind", plan)
        fields.field("language", plan)
    with right:
        fields.field("start", plan)
        fields.field("months", plan)
        fields.field("discount_rate", plan)
        fields.field("currency", plan)
        fields.field("opex_per_month", plan)
