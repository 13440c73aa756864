"""Assumptions, grouped as the meeting thinks: investments, team, revenue, vendor, general.

Every side sees the same inputs: values private to another side show as private, and a
viewer's link, or a plan frozen for sign-off, shows them read-only. Only the open tab's
tables and fields run (opening a tab is a run of the page); a table's forms, once the person
opened one, run in every tab, so what is typed into one and not sent yet survives a look at
another tab."""

import streamlit as st

from planner import privacy
from planner.ui import fields, privacy_panel, signoff_panel, state, tables, viewer, widgets
from planner.ui.collab import current_access
from planner.ui.session import outcome, previous_outcome
from planner.ui.state import plan_in_force
from planner.ui.text import tr

plan = plan_in_force()
who = viewer.current()
view = who.view(plan)
granted = current_access()

st.title(tr("assumptions.title"))
st.caption(tr("assumptions.caption"))
widgets.figure_strip(outcome(), previous_outcome())
# What is said above the tabs varies with the plan (a freeze, the private values' notes); it
# goes into one fixed container, so the tabs keep their place and a remote change that adds a
# line here leaves each person's open tab open (tabs drawn one place further down are new tabs,
# with the first one open).
notices = st.container()
with notices:
    frozen = granted is not None and signoff_panel.frozen_notice(granted)
locked = not who.can_edit or frozen


def field(path: str) -> None:
    owner = privacy.owner_of(path)  # a side's hurdles and rate are that side's to state
    theirs = owner is not None and who.side != owner
    fields.field(path, plan, view=view, locked=locked or theirs)


# group ``group`` of the fields of tab ``view`` (state.ASSUMPTIONS_FIELDS), in two columns side
# by side (a comment: a page has no bare expression, docstrings included, see tests/test_warm.py)
def two_columns(view: str, group: int = 0) -> None:
    pair = state.ASSUMPTIONS_FIELDS[view][group]
    for column, paths in zip(st.columns(2, gap="large"), pair, strict=True):
        with column:
            for path in paths:
                field(path)


# which values are private, and what the other side could still compute (docs/privacy.md)
with notices:
    privacy_panel.panel(who.side, who.can_edit, plan, locked=frozen)


# Only the open tab's tables and fields run: a remote change reruns the page, and every
# element drawn costs the other browser its redraw (the closed tabs were about 90 of 150).
# A table's forms, once the person opened one, run in every tab (planner.ui.tables.table): the
# tab's content sits in one container before them, so they keep their place either way.
investments, team, revenue, vendor, general = st.tabs(
    [tr(f"assumptions.{name}") for name in state.ASSUMPTIONS_VIEWS],
    key=state.ASSUMPTIONS_VIEW,
    on_change="rerun",
)

# a closed tab whose table's forms this person never opened holds nothing: it draws nothing
# (its two empty containers were 6 of the 68 elements each remote change redrew)
if tables.drawn("investments", view, locked, shown=bool(investments.open)):
    with investments:
        with st.container():
            if investments.open:
                st.caption(tr("assumptions.investments_caption"))
        tables.table("investments", plan, view=view, locked=locked, shown=bool(investments.open))

if tables.drawn("resources", view, locked, shown=bool(team.open)):
    with team:
        with st.container():
            if team.open:
                st.caption(tr("assumptions.team_caption"))
        tables.table("resources", plan, view=view, locked=locked, shown=bool(team.open))

if revenue.open:
    with revenue:
        two_columns("revenue")

rebates = "vendor_programme.rebate_tiers"
if tables.drawn(rebates, view, locked, shown=bool(vendor.open)):
    with vendor:
        with st.container():
            if vendor.open:
                two_columns("vendor")
                st.markdown(f"**{tr('assumptions.rebate_tiers')}**")
                st.caption(tr("assumptions.rebate_caption"))
        tables.table(rebates, plan, view=view, locked=locked, shown=bool(vendor.open))

if general.open:
    with general:
        two_columns("general")
        st.markdown(f"**{tr('assumptions.hurdles')}**")
        st.caption(tr("assumptions.hurdles_caption"))
        two_columns("general", 1)
