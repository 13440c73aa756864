"""A button's click is answered by the first run that draws the button, also when the run the
click started was stopped before its button (another input reached the server meanwhile), and
never by a later run (AppTests of a small page; ``interrupt`` stands in for the other input:
the run stops before the button as a rerun request stops it)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page() -> None:
    import streamlit as st

    from planner.ui import clicks

    ss = st.session_state
    if ss.pop("interrupt", False):
        st.rerun()  # the run stops here, before the button is drawn
    if ss.get("hide"):
        st.caption("no button in this run")
    elif clicks.button(st, "Go", "go"):
        ss["answered"] = ss.get("answered", 0) + 1
    clicks.forget_unanswered()


def _plain_page() -> None:
    import streamlit as st

    ss = st.session_state
    if ss.pop("interrupt", False):
        st.rerun()
    if st.button("Go", key="go"):
        ss["answered"] = ss.get("answered", 0) + 1


def _app(script: object) -> AppTest:
    return AppTest.from_function(script, default_timeout=30).run()  # type: ignore[arg-type]


def test_a_click_whose_run_stopped_before_its_button_is_answered_once() -> None:
    app = _app(_page)
    app.session_state["interrupt"] = True
    app.button(key="go").click().run()
    assert app.session_state["answered"] == 1
    app.run()
    app.run()
    assert app.session_state["answered"] == 1  # later runs click nothing


def test_streamlits_own_button_loses_such_a_click() -> None:
    """What the module is for: the plain button's value belongs to the run that stopped."""
    app = _app(_plain_page)
    app.session_state["interrupt"] = True
    app.button(key="go").click().run()
    assert "answered" not in app.session_state


def test_a_click_no_run_answered_is_not_answered_by_a_later_one() -> None:
    app = _app(_page)
    app.button(key="go").click()
    app.session_state["hide"] = True  # the run the click starts draws no button
    app.run()
    app.session_state["hide"] = False
    app.run()
    assert "answered" not in app.session_state
