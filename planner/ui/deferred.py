"""A page's heavy part (charts, tables) drawn right after what the person came for.

The first time a session shows such a part (a join link opened on the dashboard), the page's
run leaves it out and asks, at its end, for a run of the part's fragment: the browser draws the
key figures before it loads and starts the charts' and tables' scripts (vega and the data grid,
about 2 of the app's 5.5 MB) instead of after them, and the server sends the figures without
first building the charts. Every later run draws the part in place, so a rerun (an edit,
someone else's change) never blanks it. Both runs show the same plan version: the fragment
draws what its page's run computed. Outside an app server (a test running the page in its own
process) the part is drawn in place at once.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

SHOWN = "deferred.shown"
"""The parts this session has drawn (``set[str]``)."""


def _fragment_run() -> bool:
    """Whether the run under way is a fragment's own run (not the whole page's)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx is not None and bool(ctx.fragment_ids_this_run)


def _run_this_fragment_next() -> bool:
    """From inside a fragment during the page's run: have the server run this fragment once
    the page's run has ended (a fragment's run never cuts the page's run short); False
    outside an app server.

    The run is asked for the page this run shows and with this run's address, not those of the
    browser's last message: on a page just opened that message names no page yet, and a run
    for another page than the one shown would first drop the page's widget states."""
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

    from planner.ui import warm

    ctx = get_script_run_ctx()
    fragment_id = ThreadState.get().fragment_id
    if ctx is None or not fragment_id or not warm.served():
        return False
    session = Runtime.instance().get_app_session(ctx.session_id)
    if session is None:
        return False
    request = ClientState(
        query_string=ctx.query_string,
        page_script_hash=ctx.page_script_hash,
        fragment_id=fragment_id,
        is_auto_rerun=True,  # no widget value: nothing is written, no button pressed again
    )
    last = session._client_state  # private: the browser's context (time zone, locale)
    if last.HasField("context_info"):
        request.context_info.CopyFrom(last.context_info)
    # AppSession is bound to the server's event loop: ask there.
    session._call_soon_on_event_loop(lambda: session.request_rerun(request))
    return True


def part(name: str, draw: Callable[[], None]) -> None:
    """Draw ``draw`` as the part ``name`` of the page: in this run, or, the first time this
    session shows it, in its fragment's run right after this one."""

    @st.fragment
    def _part() -> None:
        shown: set[str] = st.session_state.setdefault(SHOWN, set())
        if name not in shown and not _fragment_run() and _run_this_fragment_next():
            return  # drawn by the run just asked for
        draw()
        shown.add(name)

    _part()
