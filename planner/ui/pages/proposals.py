"""Proposals: terms one side offers the other, their effect on both sides, and the answers."""

import streamlit as st

from planner.ui import collab, proposals_panel
from planner.ui.state import plan_in_force
from planner.ui.text import tr

st.title(tr("proposals.title"))
st.caption(tr("proposals.caption"))
granted = collab.current_access()
if granted is not None:
    proposals_panel.render(granted, plan_in_force())
