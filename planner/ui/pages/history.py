"""History: who changed what and its effect, revert, compare two versions, rationale notes."""

import streamlit as st

from planner.ui import collab, history, proposals_panel
from planner.ui.text import tr

st.title(tr("history.title"))
granted = collab.current_access()
if granted is not None:
    history.render(granted, heading=False)
    proposals_panel.negotiation(granted, collab.snapshot(granted).plan)
