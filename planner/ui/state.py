"""Session-state keys of the app, as named constants, set up in one place.

Pages never invent keys: they use these names, and :func:`init` gives every key its starting
value on a session's first run (the example plan from the local plan folder, its language as
the UI language).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from planner.i18n import LANGUAGES
from planner.plan.schema import Plan
from planner.ui import library

PLAN = "plan"
"""The plan in force (a validated, immutable ``Plan``)."""
PLAN_FILE = "plan_file"
"""File name of the current plan in the local plan folder (``str``)."""
PAST = "undo_stack"
"""Plans before each accepted edit, oldest first (``list[Plan]``)."""
FUTURE = "redo_stack"
"""Plans undone, the next redo last (``list[Plan]``)."""
REVISION = "revision"
"""Counts accepted plan changes; widgets showing plan values resync when it moves (``int``)."""
FIELD_RESETS = "field_resets"
"""Field path -> how often its input was reset to the stored value (part of its key)."""
ROWS_ADDED = "rows_added"
"""List path -> rows this session added through its form (part of the form's key: a new,
empty form after each row added) (``dict[str, int]``)."""
ERRORS = "field_errors"
"""Refused edits: widget key -> list of problem lines (``dict[str, list[str]]``)."""
OUTCOME = "outcome_cache"
"""``(revision, Outcome)`` of the plan in force, so a rerun without an edit computes nothing."""
PREVIOUS = "previous_outcome_cache"
"""``(revision, Outcome | None)`` of the plan before the last edit (the dashboard's deltas)."""
MEMO = "page_memo"
"""Tables and chart specs built for one revision and language: name -> (key, value)."""
LANGUAGE = "ui_language"
"""UI language, a user setting (``de``/``en``); widget key of the language switch."""
PRESENTER = "presenter_mode"
"""Large type for a shared screen (``bool``); widget key of the toggle."""
DASHBOARD_VIEW = "dashboard.view"
"""The dashboard's open tab, by its title (widget key of the tabs): only the open tab runs."""
DASHBOARD_VIEWS = ("figures", "charts", "pnl")
"""The dashboard's tabs (``ui.dashboard.tab_<view>``), the key figures first."""
ASSUMPTIONS_VIEW = "assumptions.view"
"""The assumptions page's open tab, by its title (widget key of the tabs): only the open tab's
tables and fields run; the tables' add-row and delete forms run in every tab (text typed
into a form and not sent yet lives only in the browser, and a form not drawn loses it)."""
Columns = tuple[tuple[str, ...], tuple[str, ...]]
ASSUMPTIONS_FIELDS: dict[str, tuple[Columns, ...]] = {
    "revenue": (
        (
            (
                "revenue.deals_per_sales_fte_month",
                "revenue.deal_size",
                "revenue.subscription",
                "revenue.monthly_churn",
                "revenue.annual_price_uplift",
            ),
            (
                "revenue.partner_margin",
                "revenue.services_per_deal",
                "revenue.delivery_capacity_per_fte_month",
                "revenue.managed_fee_per_customer_month",
            ),
        ),
    ),
    "vendor": (
        (
            ("vendor_programme.mdf_rate", "vendor_programme.gross_margin"),
            (
                "vendor_programme.partner_manager_fte",
                "vendor_programme.partner_manager_annual_cost",
                "vendor_programme.discount_rate",
            ),
        ),
    ),
    "general": (
        (
            ("title", "partner.name", "vendor.name", "partner.kind", "language"),
            ("start", "months", "discount_rate", "currency", "opex_per_month"),
        ),
        (  # the hurdles, each side's under its heading
            ("hurdles.partner.min_irr", "hurdles.partner.latest_payback_month"),
            ("hurdles.vendor.min_irr", "hurdles.vendor.latest_payback_month"),
        ),
    ),
}
"""The fields of the assumptions page's tabs: per tab, groups of two columns of plan values."""
ASSUMPTIONS_TABLES: dict[str, tuple[str, ...]] = {
    "investments": ("investments",),
    "team": ("resources",),
    "vendor": ("vendor_programme.rebate_tiers",),
}
"""The editable lists of the assumptions page's tabs."""
ASSUMPTIONS_VIEWS: dict[str, tuple[str, ...]] = {
    view: ASSUMPTIONS_TABLES.get(view, ())
    + tuple(
        path for group in ASSUMPTIONS_FIELDS.get(view, ()) for column in group for path in column
    )
    for view in ("investments", "team", "revenue", "vendor", "general")
}
"""The assumptions page's tabs (``ui.assumptions.<view>``) in order, the first open at first,
and the plan values (fields and tables) each holds."""
NOTICE = "notice"
"""A one-shot message for the next run, as ``(text key, values)``."""
UPLOAD_ERRORS = "upload_errors"
"""Problems of the last uploaded plan file (``list[str]``)."""
RESETS = "editor_resets"
"""Counts discarded table edits: part of each table's widget key (``int``)."""
UPLOADED = "uploaded_file_id"
"""File id of the plan upload already handled, so a rerun does not open it twice (``str``)."""
PENDING = "pending_change"
"""An edit the database did not take (it failed), kept for a retry (``session.Pending``)."""
SCENARIO = "scenario_choice"
"""Widget key: scenario chosen on the analyses page."""

NEW_KIND = "new.kind"
"""Widget key: template chosen for a new plan (its labels depend on the language)."""

FIELD_PREFIX = "field:"
"""Widget keys of single plan values start ``field:<plan path>@`` (see ``fields.input_key``);
``field:<plan path>`` alone is the key of the field's refusal messages."""
EDITOR_PREFIX = "editor:"
"""Widget keys of editable tables are ``editor:<list path>:<revision>``."""

UNDO_LIMIT = 100


def field_key(path: str) -> str:
    """Key of a plan path's input and its messages (``field:revenue.deal_size``)."""
    return FIELD_PREFIX + path


def editor_key(name: str) -> str:
    """Widget key of an editable table; a new key after every plan change resets its edits."""
    ss = st.session_state
    return f"{EDITOR_PREFIX}{name}:{ss[REVISION]}:{ss[RESETS]}"


def init(*, workspace: bool = True) -> None:
    """Give every key its starting value; keys already set are left alone. A join link's
    session (``workspace=False``) gets its plan from the link, never the workspace's."""
    ss = st.session_state
    if workspace and PLAN not in ss:
        name, plan = library.first_plan()
        ss[PLAN] = plan
        ss[PLAN_FILE] = name
    defaults: dict[str, Any] = {
        PAST: [],
        FUTURE: [],
        REVISION: 0,
        RESETS: 0,
        ERRORS: {},
        UPLOAD_ERRORS: [],
        PRESENTER: False,
    }
    for key, value in defaults.items():
        if key not in ss:
            ss[key] = value
    if ss.get(LANGUAGE) not in LANGUAGES:
        ss[LANGUAGE] = plan_in_force().language if PLAN in ss else "de"


def plan_in_force() -> Plan:
    """The current plan."""
    plan: Plan = st.session_state[PLAN]
    return plan


def language() -> str:
    """The UI language."""
    value: str = st.session_state.get(LANGUAGE, "de")
    return value


def errors() -> dict[str, list[str]]:
    """Refused edits by widget key."""
    found: dict[str, list[str]] = st.session_state[ERRORS]
    return found
