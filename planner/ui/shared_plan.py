"""The page a join link opens: that one shared plan, as the link's side sees it, and nothing else.

No plan list, no templates, no local plans: someone who came by ``?plan=ID&key=TOKEN`` sees the
plan of the link or, for a wrong or revoked token, only a short notice.
"""

from __future__ import annotations

import streamlit as st

from planner import i18n, privacy
from planner.access import Access
from planner.model import SCALAR_PATHS, evaluate
from planner.ui import collab, history, session, signoff_panel, state
from planner.ui import fields as inputs

FIGURES = ("npv", "irr", "payback_month", "peak_funding")


def link_in_url() -> bool:
    """Whether the URL carries a join link (then only this page may show)."""
    params = st.query_params
    return bool(params.get("plan") or params.get("key"))


def fields(granted: Access) -> None:
    """The single-value assumptions this side may see; editable unless a viewer link or frozen.

    The same inputs and the same write path as the workspace (:func:`planner.ui.fields.field`).
    """
    plan = state.plan_in_force()
    shown = privacy.view(plan, granted.side)
    locked = not granted.can_edit or signoff_panel.frozen_notice(granted)
    for path in SCALAR_PATHS:
        inputs.field(path, plan, view=shown, locked=locked)


def figures(granted: Access) -> None:
    """The key figures this side may see."""
    plan = collab.snapshot(granted).plan
    kpis = privacy.visible_figures(plan, evaluate(plan).kpis, granted.side)
    language = state.language()
    for side in ("partner", "vendor"):
        values = kpis.get(side, {})
        names = [f for f in FIGURES if f in values] or [f for f in ("revenue",) if f in values]
        if not names:
            continue
        st.caption(collab.tx(f"side.{side}"))
        columns = st.columns(len(names))
        for column, name in zip(columns, names, strict=True):
            value = values[name]
            if name in ("irr",):
                text = i18n.percent(value, language) if value is not None else i18n.MISSING
            elif name == "payback_month":
                text = str(value) if value is not None else i18n.MISSING
            else:
                text = i18n.money(value, plan.currency, language)
            column.metric(i18n.label(name, language), text)


def render() -> None:
    """The whole page of a join link."""
    state.init(workspace=False)
    granted = collab.join_from_link()
    if granted is None:
        st.info(collab.tx("no_access"))
        return
    if not collab.name_prompt():
        return
    collab.keep_name_in_address()
    session.attach(granted.plan_id)
    collab.live(granted)
    plan = state.plan_in_force()
    st.title(plan.title)
    collab.presence_panel(granted)
    collab.conflicts_panel(plan)
    figures(granted)
    fields(granted)
    history.render(granted)
    signoff_panel.render(granted)
