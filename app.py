"""Streamlit entry point: page config and navigation only (pages live in planner/ui/pages).

Everyone uses the same pages: the vendor's workspace behind its login or owner key, and
whoever came by a join link (``?plan=ID&key=TOKEN``) on that one plan, as its side sees it and
with its role's rights (planner/ui/shell.py, planner/ui/viewer.py). A database that fails
shows what failed and how to fix it, never a blank page (planner/ui/faults.py).

Every run ends normally (no ``st.stop``): a run that shows only a gate or a notice then drops
the widgets of the pages shown before, and with them their callbacks, so a page left open
after its link was revoked has nothing left to send.
"""

import streamlit as st

from planner.store.faults import FAULTS
from planner.ui import choices, clicks, collab, faults, session, shell, state, warm
from planner.ui.text import tr


def main() -> None:
    if shell.came_by_link():
        if not shell.link_gate():
            shell.closed().run()  # the notice alone: no page list, no page
            return
        page = shell.navigation()  # before the name: a link to a page (…/assumptions?plan=…)
        if not shell.named():
            return
    else:
        if not shell.gate():
            return
        session.attach()
        state.init()
        page = shell.navigation()
    shell.frame()
    page.run()


warm.once()  # the first run in this process: the pages' modules loaded, then kept out of GC
st.set_page_config(page_title=tr("app.title"), page_icon=":material/handshake:", layout="wide")
try:
    main()
    clicks.forget_unanswered()  # the run came to its end: a click it did not answer is old
    collab.name_remembered()
    choices.show_late_conflicts()
except FAULTS as error:  # the database failed: say what and how to fix it, keep the edit
    faults.page(error)
