"""Presenter mode makes what a room reads from a projector larger, never smaller."""

from __future__ import annotations

import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from planner import i18n
from planner.store import Store
from planner.ui import charts, collab, shell, state

ROOT = Path(__file__).resolve().parents[1]
STREAMLIT_HEADINGS_REM = {"h1": 2.75, "h2": 2.25, "h3": 1.75}
"""Streamlit's own heading sizes (its theme's defaults)."""


def test_headings_grow_in_presenter_mode() -> None:
    for tag, normal in STREAMLIT_HEADINGS_REM.items():
        found = re.search(rf"{tag} {{ font-size: ([0-9.]+)rem", shell.PRESENTER_CSS)
        assert found is not None, tag
        assert float(found.group(1)) > normal, tag


def test_chart_text_for_a_room_is_larger_and_the_cached_spec_stays() -> None:
    spec = {"mark": "bar", "config": {"axis": {"grid": False}}}
    room = charts.for_room(spec)
    assert room["config"]["axis"] == {"grid": False, "labelFontSize": 16, "titleFontSize": 18}
    assert room["config"]["legend"]["labelFontSize"] == 16
    assert spec == {"mark": "bar", "config": {"axis": {"grid": False}}}


def test_the_dashboard_charts_are_drawn_for_the_room(workspace: Store) -> None:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.session_state[collab.NAME] = "Vera"
    app.session_state[state.DASHBOARD_VIEW] = i18n.t("ui.dashboard.tab_charts", "de")
    app.run()
    app.toggle(key=state.PRESENTER).set_value(True).run()
    assert not app.exception, [e.message for e in app.exception]
    specs = [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]
    assert len(specs) == 3
    for spec in specs:
        assert spec["config"]["axis"]["labelFontSize"] == 16
