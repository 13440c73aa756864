"""Onboarding: monthly actuals entered or uploaded, plan vs actuals, and the re-forecast.

Actuals are stored in the plan's ``actuals[]`` through :func:`planner.ui.session.change`
(validated, saved, undoable). Variance and re-forecast come from
:mod:`planner.analysis.actuals`; this page only chooses, formats and shows, by one view
module per section in :mod:`planner.ui.onboarding`.
"""

import streamlit as st

from planner.ui import review, widgets
from planner.ui.onboarding import entry, upload, variance
from planner.ui.onboarding.common import here
from planner.ui.text import tr

# --- the page --------------------------------------------------------------------------------

shown = here()
st.title(tr("onboarding.title"))
widgets.parties(shown.plan)
st.caption(tr("onboarding.caption"))
enter_column, upload_column = st.columns([3, 1], gap="large")
with enter_column:
    entry.entry_section(shown)
with upload_column:
    upload.upload_section(shown)
variance.variance_section(shown)
review.section()
