"""placeholder"""

import streamlit as st

from planner.ui import widgets
from planner.ui.text import tr

st.title(tr("onboarding.title"))
widgets.coming("onboarding")
