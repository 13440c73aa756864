"""Sign-off: decision in principle, freeze and signatures, signed exports, file check."""

import streamlit as st

from planner.ui import signoff_panel
from planner.ui.text import tr

st.title(tr("signoff.title"))
signoff_panel.render()
