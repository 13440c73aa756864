"""Scenarios and analyses: comparison, tornado, goal seek and Monte Carlo over the plan in force.

Every number comes from :mod:`planner.analysis`; this page only chooses, formats and shows,
as the session's side may see it: drivers, figures, scenario values and uncertainty ranges
private to another side are left out or masked, and a viewer changes nothing.
Every change to the plan (scenarios, a goal-seek answer, uncertainty ranges) goes through
:func:`planner.ui.session.change` or :func:`~planner.ui.session.commit`: validated, saved,
undoable.
"""

import streamlit as st

from planner.ui import widgets
from planner.ui.analyses import compare, goal, montecarlo, tornado, zone
from planner.ui.analyses.common import choices_in_language, here
from planner.ui.text import tr

# --- the page --------------------------------------------------------------------------------

st.title(tr("analyses.title"))
widgets.parties(here().plan)
choices_in_language()
compare_tab, zone_tab, tornado_tab, goal_tab, mc_tab = st.tabs(
    [
        tr("analyses.tab_compare"),
        tr("analyses.tab_zone"),
        tr("analyses.tab_tornado"),
        tr("analyses.tab_goal"),
        tr("analyses.tab_mc"),
    ]
)
with compare_tab:
    compare.scenario_section()
with zone_tab:
    zone.zone_section()
with tornado_tab:
    tornado.tornado_section()
with goal_tab:
    goal.goal_section()
with mc_tab:
    montecarlo.monte_carlo_section()
