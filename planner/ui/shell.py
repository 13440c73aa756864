"""What every page shares: the sign-in gate (the vendor's login or owner key, or a join link and
a name), navigation by role, the sidebar (plan, name, undo/redo, language, presenter mode, who
is here), live updates and conflicts."""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

import streamlit as st

from planner import access
from planner.i18n import LANGUAGES
from planner.store.faults import FAULTS
from planner.ui import choices, collab, faults, proposals_panel, session, state, viewer
from planner.ui.text import plain, problem_list, tr

PAGE_DIR = Path(__file__).resolve().parent / "pages"
PAGES: tuple[tuple[str, str], ...] = (
    ("start", ":material/folder_open:"),
    ("dashboard", ":material/insights:"),
    ("assumptions", ":material/tune:"),
    ("analyses", ":material/stacked_line_chart:"),
    ("proposals", ":material/handshake:"),
    ("onboarding", ":material/fact_check:"),
    ("share", ":material/group:"),
    ("history", ":material/history:"),
    ("export", ":material/download:"),
    ("signoff", ":material/verified:"),
)
DEFAULT_PAGE = "dashboard"
OWNER_PAGES = frozenset({"start", "share"})
"""Plans list, templates and invites: the vendor's workspace only."""
OWNER_OK = "workspace.owner_ok"
"""The session gave the right ``PLANNER_OWNER_KEY`` (``bool``)."""
SETTINGS = "sidebar.settings"
"""The sidebar's popover with the UI language and presenter mode (its key: it stays the same
popover, open, when the language switches)."""
OWNER_KEY_INPUT = "workspace.owner_key"
OWNER_KEY_WRONG = "workspace.owner_key_wrong"
"""The verdict on the last key this session gave (``access.KeyVerdict``)."""

NARROW_STACKS = ("figure_strip", "side_figures", "start_areas")
"""Keyed containers whose columns go one under the other on a narrow page (1024 px with the
sidebar open): side by side they squeeze labels over their help icons and cut words."""


def _stacked(containers: str) -> str:
    """Style rules putting the columns of ``containers`` (a CSS selector list) one under the
    other, each across the whole width."""
    row = f':is({containers}) > [data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"]'
    column = f'{row} > [data-testid="stColumn"]'
    return (
        f"{row} {{ flex-wrap: wrap; }}\n"
        f"{column} {{ flex: 1 1 100% !important; width: 100% !important; }}\n"
    )


NARROW = ", ".join(f".st-key-{key}" for key in NARROW_STACKS)
BASE_CSS = """
<style>
[data-testid="stMetricValue"] { font-variant-numeric: tabular-nums; font-size: 1.2rem; }
[data-testid="stMetric"] { padding: 0.35rem 0.5rem; }
.block-container { padding-top: 2.2rem; }
[data-testid="stMetricDelta"] div, [data-testid="stMetricDelta"] p,
[data-testid="stMetricValue"] div, [data-testid="stMetricValue"] p,
[data-testid="stMetricLabel"] div, [data-testid="stMetricLabel"] p {
  white-space: normal; overflow: visible; text-overflow: clip;
  overflow-wrap: normal; word-break: normal; hyphens: manual; }
[data-testid="stLayoutWrapper"]:has(> .st-key-figure_strip) { position: sticky; top: 3.2rem;
  z-index: 990; background: var(--st-background-color, #ffffff); }
/* the strip keeps its height when changes appear under its figures: the page below it does not
   move, and a table cell's editor (drawn over the page, not in it) stays over its cell */
.st-key-figure_strip [data-testid="stMetric"] { padding: 0.1rem 0.1rem; min-height: 6.4rem; }
/* a side's figures share its row equally, as columns of equal width would */
.st-key-strip_partner, .st-key-strip_vendor { overflow: visible; }
.st-key-strip_partner > div, .st-key-strip_vendor > div { flex: 1 1 0; min-width: 0; }
{stacking}</style>
""".replace(
    "{stacking}",
    f"{NARROW} {{ container-type: inline-size; }}\n"
    f"@container (max-width: 760px) {{\n{_stacked(NARROW)}}}\n",
)
PRESENTER_CSS = """
<style>
html, body, [class*="st-"], .stMarkdown p { font-size: 1.2rem; }
[data-testid="stMetricValue"] { font-size: 2.6rem; }
[data-testid="stMetricValue"] p { font-size: 2.6rem; }
[data-testid="stMetricLabel"] p { font-size: 1.3rem; }
[data-testid="stMetricDelta"] p, [data-testid="stMetricDelta"] div { font-size: 1.2rem; }
[data-testid="stAlert"] p, .st-key-figure_strip .stMarkdown p { font-size: 1.45rem; }
h1 [class*="st-"], h2 [class*="st-"], h3 [class*="st-"] { font-size: inherit; }
h1 { font-size: 3.4rem !important; }
h2 { font-size: 2.6rem !important; }
h3 { font-size: 2.1rem !important; }
[data-testid="stDataFrame"] { font-size: 1.15rem; }
/* figures in type for a room: the strip's sides one under the other at any width */
{stacking}</style>
""".replace("{stacking}", _stacked(".st-key-figure_strip"))
"""Constant style sheets: no user text ever goes into HTML."""


def page_path(name: str) -> Path:
    """The script of a page."""
    return PAGE_DIR / f"{name}.py"


# --- who may use the workspace -----------------------------------------------------------------


def oidc_configured() -> bool:
    """Whether Streamlit's OIDC login is configured (an ``[auth]`` section in the secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own not-found error
        return False


def local_tool() -> bool:
    """Neither a login nor an owner key: a single-user tool listening on localhost only."""
    return not oidc_configured() and not access.owner_key_configured()


def _keep_open_tabs() -> None:
    """The dashboard's and the assumptions page's tabs know their open tab by its title: after
    a language switch, the same tab under its title in the new language (the charts stay open,
    not the figures; the revenue tab, not the investments)."""
    from planner import i18n

    for widget, keys in (
        (state.DASHBOARD_VIEW, [f"ui.dashboard.tab_{view}" for view in state.DASHBOARD_VIEWS]),
        (state.ASSUMPTIONS_VIEW, [f"ui.assumptions.{view}" for view in state.ASSUMPTIONS_VIEWS]),
    ):
        shown = st.session_state.get(widget)
        for key in keys:
            if any(i18n.t(key, language) == shown for language in LANGUAGES):
                st.session_state[widget] = i18n.t(key, state.language())
                break


def server_address() -> str:
    """The address the running server binds (``server.address``: the command line's
    ``--server.address``, else the config file's; empty means every interface)."""
    return str(st.get_option("server.address") or "")


def exposed() -> bool:
    """Whether the workspace would be served, with neither a login nor an owner key, on an
    address other computers reach: then it is not served."""
    return local_tool() and not access.is_loopback(server_address())


def client() -> str:
    """The address of this session's browser (as the server sees it), for the key's limit."""
    try:
        found = st.context.ip_address
    except Exception:  # no request context (a bare script run)
        found = None
    return found if isinstance(found, str) and found else "unknown"


def _check_owner_key() -> None:
    ss = st.session_state
    verdict = access.try_owner_key(str(ss.get(OWNER_KEY_INPUT, "")), client())
    ss[OWNER_OK] = verdict.status == "ok"
    ss[OWNER_KEY_WRONG] = verdict
    ss.pop(OWNER_KEY_INPUT, None)  # the key does not stay in the session


def gate() -> bool:
    """The vendor's workspace opens after the login (OIDC) or the owner key; True when open.

    With neither configured the app is a local single-user tool and opens at once, but only
    on a loopback address: started on an address other computers reach (``--server.address
    0.0.0.0``), it says how to fix that and shows nothing of the workspace.
    """
    ss = st.session_state
    if oidc_configured():
        if st.user.is_logged_in:
            if not collab.display_name():
                ss[collab.NAME] = str(st.user.get("name") or st.user.get("email") or "")
            return True
        st.title(tr("workspace.gate_title"))
        st.caption(tr("workspace.gate_caption"))
        st.button(tr("workspace.login"), key="workspace.login", on_click=st.login)
        return False
    if exposed():
        st.title(tr("workspace.gate_title"))
        address = server_address() or "0.0.0.0"
        st.error(tr("workspace.exposed", address=address), icon=":material/public:")
        return False
    if not access.owner_key_configured() or ss.get(OWNER_OK):
        return True
    st.title(tr("workspace.gate_title"))
    st.caption(tr("workspace.gate_caption"))
    with st.form("workspace.key_form"):
        st.text_input(tr("workspace.owner_key"), type="password", key=OWNER_KEY_INPUT)
        st.form_submit_button(tr("workspace.enter"), on_click=_check_owner_key)
    verdict = ss.get(OWNER_KEY_WRONG)
    if isinstance(verdict, access.KeyVerdict) and verdict.status == "wait":
        st.error(tr("workspace.owner_key_wait", seconds=math.ceil(verdict.seconds)))
    elif isinstance(verdict, access.KeyVerdict) and verdict.status == "wrong":
        st.error(tr("workspace.owner_key_wrong"))
    return False


def came_by_link() -> bool:
    """Whether this session came by a join link (then it stays on that link's plan)."""
    return collab.link() is not None


def link_gate() -> bool:
    """Open the plan of the session's join link; True when it holds. A wrong or revoked link
    grants nothing (:func:`closed` says so)."""
    granted = collab.join_from_link()
    if granted is None:
        return False
    session.attach(granted.plan_id)
    state.init(workspace=False)
    return True


def _no_access() -> None:
    st.info(collab.tx("no_access"))


def closed() -> Any:
    """What a wrong or revoked link shows on whatever page its address names: the notice, no
    page list. (Every page's address leads to the notice, so the page shown before is not
    "not found", which would leave the browser without the notice.)"""
    notices = [
        st.Page(_no_access, title=tr("app.title"), url_path=name, default=name == DEFAULT_PAGE)
        for name, _ in PAGES
    ]
    return st.navigation(notices, position="hidden")


def named() -> bool:
    """Whoever came by a link gives a name first (every change is recorded with it); True
    once given."""
    if collab.display_name():
        return True
    st.title(tr("app.title"))
    collab.name_prompt()
    return False


# --- navigation and frame ----------------------------------------------------------------------


def navigation() -> Any:
    """The pages this session may use, titled in the UI language; the dashboard opens first."""
    owner = viewer.current().is_owner
    hidden = not owner and not collab.display_name()  # a link's page asks for the name first
    pages = [
        st.Page(
            page_path(name),
            title=tr(f"nav.{name}"),
            icon=icon,
            url_path=name,
            default=name == DEFAULT_PAGE,
        )
        for name, icon in PAGES
        if owner or name not in OWNER_PAGES
    ]
    return st.navigation(pages, position="hidden" if hidden else "sidebar")


def frame() -> None:
    """Sidebar, live updates, conflicts and style; runs before every page."""
    collab.take_remote_run()
    collab.keep_in_address()
    current = session.plan_id()
    if not came_by_link() and current and st.query_params.get(session.OPEN_PARAM) != current:
        st.query_params[session.OPEN_PARAM] = current  # a reload returns to this plan
    presenter = bool(st.session_state.get(state.PRESENTER))
    # style tags alone: Streamlit puts them in the page without the markdown renderer (its
    # raw-HTML part is 190 KB of script the first view then does not load)
    st.html(BASE_CSS + (PRESENTER_CSS if presenter else ""))
    notice = st.session_state.pop(state.NOTICE, None)
    if notice:
        st.toast(tr(notice[0], **notice[1]), icon=":material/check_circle:")
    plan = state.plan_in_force()
    granted = collab.current_access()
    with st.sidebar:
        collab.remember_name()
        st.caption(tr("sidebar.plan"))
        st.markdown(f"**{plain(plan.title)}**")
        st.caption(tr("workspace.version", version=st.session_state.get(session.PLAN_VERSION, 1)))
        if collab.name_prompt():
            st.caption(
                tr(
                    "workspace.you",
                    name=plain(collab.display_name()),
                    side=collab.tx(f"side.{viewer.current().side}"),
                )
            )
        # one row of two buttons: a horizontal container is one element, columns three
        left = right = st.container(horizontal=True)
        left.button(
            "",
            key="undo",
            help=tr("undo"),
            icon=":material/undo:",
            on_click=session.undo,
            disabled=not session.can_undo(),
            width="stretch",
        )
        right.button(
            "",
            key="redo",
            help=tr("redo"),
            icon=":material/redo:",
            on_click=session.redo,
            disabled=not session.can_redo(),
            width="stretch",
        )
        refused = state.errors().get(session.UNDO_ERROR)
        if refused:
            st.error(tr("workspace.undo_refused") + "\n\n" + problem_list(refused))
        # Behind a popover: Streamlit draws its content only once it is opened, so the first
        # view neither fetches nor starts the select box's and the switch's scripts (23 files,
        # 160 KB) before it draws the key figures.
        settings = st.popover(
            tr("sidebar.settings"), icon=":material/translate:", width="stretch", key=SETTINGS
        )
        with settings:
            st.selectbox(
                tr("sidebar.language"),
                LANGUAGES,
                key=state.LANGUAGE,
                format_func=lambda code: tr(f"language.{code}"),
                on_change=_keep_open_tabs,
            )
            st.toggle(
                tr("sidebar.presenter"), key=state.PRESENTER, help=tr("sidebar.presenter_help")
            )
        if granted is not None:
            try:
                collab.live(granted)  # first: its heartbeat puts this person into the list below
            except FAULTS as error:  # a database that takes no writes: the page still shows
                logging.getLogger("planner.ui").warning("presence not recorded: %s", error)
            collab.presence_panel(granted)
            proposals_panel.banner(granted)
        if oidc_configured() and st.user.is_logged_in:
            st.button(tr("workspace.logout"), key="workspace.logout", on_click=st.logout)
    # Always one container, empty or not: elements below it (a page's tabs) keep their place,
    # so a conflict appearing does not switch the page back to its first tab.
    with st.container():
        faults.pending_panel()
        choices.conflicts_panel(plan)
