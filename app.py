"""Streamlit entry point: page config and navigation only (pages live in planner/ui/pages).

Everyone uses the same pages: the vendor's workspace behind its login or owner key, and
whoever came by a join link (``?plan=ID&key=TOKEN``) on that one plan, as its side sees it and
with its role's rights (planner/ui/shell.py, planner/ui/viewer.py). A database that fails
shows what failed and how to fix it, never a blank page (planner/ui/faults.py).
"""

import streamlit as st

from planner.store.faults import FAULTS
from planner.ui import faults, session, shell, state
from planner.ui.text import tr

st.set_page_config(page_title=tr("app.title"), page_icon=":material/handshake:", layout="wide")
try:
    if shell.came_by_link():
        if not shell.link_gate():
            st.stop()
        page = shell.navigation()  # before the name: a link to a page (…/assumptions?plan=…)
        if not shell.named():
            st.stop()
    else:
        if not shell.gate():
            st.stop()
        session.attach()
        state.init()
        page = shell.navigation()
    shell.frame()
    page.run()
except FAULTS as error:  # the database failed: say what and how to fix it, keep the edit
    faults.page(error)
