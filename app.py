"""Streamlit entry point: page config and navigation only (pages live in planner/ui/pages)."""

import streamlit as st

from planner.ui import session, shared_plan, shell, state
from planner.ui.text import tr

st.set_page_config(page_title=tr("app.title"), page_icon=":material/handshake:", layout="wide")
# Collaboration (planner/ui/shared_plan.py): a join link shows its one shared plan, nothing else.
if shared_plan.link_in_url():
    shared_plan.render()
    st.stop()
# The vendor's workspace: behind the login or owner key when configured (planner/ui/shell.py).
if not shell.gate():
    st.stop()
session.attach()
state.init()
page = shell.navigation()
shell.frame()
page.run()
