"""``planner.ui.deferred`` outside an app server: the part is drawn in the page's own run."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page() -> None:
    import streamlit as st

    from planner.ui import deferred

    st.title("Figures")
    deferred.part("charts", lambda: st.subheader("Charts"))
    st.caption(", ".join(sorted(st.session_state.get(deferred.SHOWN, set()))))


def test_outside_a_server_the_part_is_drawn_in_the_same_run() -> None:
    app = AppTest.from_function(_page).run()
    assert not app.exception
    assert [h.value for h in app.title] == ["Figures"]
    assert [h.value for h in app.subheader] == ["Charts"]
    assert [c.value for c in app.caption] == ["charts"]  # noted as shown
    app.run()  # a later run draws it in place again
    assert [h.value for h in app.subheader] == ["Charts"]
