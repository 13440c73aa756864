"""Sign-off: decision in principle, freeze and signatures, signed exports, file check."""

import streamlit as st

from planner.ui import signoff_panel

st.title(signoff_panel.tx("page_title"))
signoff_panel.render()
