"""Collaboration: invite links per role, who is in the plan now, the economics-sharing toggle."""

import streamlit as st

from planner.ui import choices, collab, invites, state
from planner.ui.text import tr

st.title(tr("share.title"))
st.caption(tr("share.caption"))
granted = collab.current_access()
if granted is not None:
    plan = state.plan_in_force()
    choices.economics_toggle(granted, plan)
    st.divider()
    collab.presence_panel(granted)
    st.divider()
    invites.invites_panel(granted, invites.base_url())
