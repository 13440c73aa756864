"""Streamlit entry point: page config and navigation only (pages live in planner/ui/pages)."""

import streamlit as st

from planner.ui import shared_plan, shell, state
from planner.ui.text import tr

state.init()
st.set_page_config(page_title=tr("app.title"), page_icon=":material/handshake:", layout="wide")
# Collaboration (planner/ui/shared_plan.py): a join link shows its one shared plan, nothing else.
if shared_plan.link_in_url():
    shared_plan.render()
    st.stop()
page = shell.navigation()
shell.frame()
page.run()
