"""Streamlit entry point: page config and navigation only (pages live in planner/ui/pages)."""

import streamlit as st

from planner.ui import shell, state
from planner.ui.text import tr

state.init()
st.set_page_config(page_title=tr("app.title"), page_icon=":material/handshake:", layout="wide")
page = shell.navigation()
shell.frame()
page.run()
