"""The tables' add-row and delete forms in a closed assumptions tab (AppTest): drawn only once
the person opened one of them, and then in every run, so text typed into them and not sent
yet keeps its place in the browser; a person who never opened them has nothing typed there,
and a remote change redraws none of them."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from planner.store import Store
from planner.ui import collab, session
from tests.app_support import open_tab

ROOT = Path(__file__).resolve().parents[1]


def _keys(app: AppTest, prefix: str) -> list[str]:
    return [t.key for t in app.text_input if (t.key or "").startswith(prefix)]


def test_a_closed_tabs_forms_are_drawn_once_opened_and_never_written(workspace: Store) -> None:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.session_state[collab.NAME] = "Vera"
    app.switch_page("planner/ui/pages/assumptions.py").run()
    assert not app.exception, [e.message for e in app.exception]
    plan_id = app.session_state[session.PLAN_ID]
    # the investments tab is open first: its forms are there (name, amount, month, ...)
    assert _keys(app, "add:investments:0:")
    # the revenue tab opened, the investments forms never opened: none of them is drawn
    open_tab(app, "revenue.deal_size")
    assert _keys(app, "add:investments:0:") == []
    assert [m for m in app.multiselect if (m.key or "").startswith("remove:investments@")] == []
    # back, the add-row form opened (a run): from now on both forms are drawn in every tab, in
    # their places, where the browser keeps what is typed into them (tests/test_browser_tabs.py)
    open_tab(app, "investments")
    app.session_state["open:add:investments"] = True
    app.run()
    drawn = _keys(app, "add:investments:0:")
    assert drawn
    open_tab(app, "revenue.deal_size")
    assert _keys(app, "add:investments:0:") == drawn
    assert [m for m in app.multiselect if (m.key or "").startswith("remove:investments@")]
    # the team's forms, never opened, stay out of the revenue tab's runs
    assert _keys(app, "add:resources:") == []
    app.run()  # an idle run (as a remote change's) writes nothing
    assert len(workspace.log(plan_id)) == 1  # the plan as created, nothing added


def test_a_form_opened_and_left_for_another_tab_in_one_run_is_still_drawn(
    workspace: Store,
) -> None:
    """The browser's next run carries both the form's expander opened and another tab chosen
    (the person was quicker than the run the opening asked for): the form is drawn all the
    same, in its closed tab."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.session_state[collab.NAME] = "Vera"
    app.switch_page("planner/ui/pages/assumptions.py").run()
    app.session_state["open:remove:investments"] = True
    open_tab(app, "revenue.deal_size")  # one run: the expander open, the revenue tab chosen
    assert [m for m in app.multiselect if (m.key or "").startswith("remove:investments@")]
    assert _keys(app, "add:investments:0:")  # its add-row form too, in its place
