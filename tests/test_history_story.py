"""The history reads like a story (AppTest and the story itself): which hire or investment
changed and how, in words and the UI language, never raw keys or Python dicts."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from planner.store import Store
from planner.ui import collab, session
from tests.app_support import type_into

ROOT = Path(__file__).resolve().parents[1]


def test_a_table_edit_reads_as_the_rows_it_changed(workspace: Store) -> None:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.session_state[collab.NAME] = "Vera"
    app.switch_page("planner/ui/pages/assumptions.py").run()
    plan_id = app.session_state[session.PLAN_ID]
    plan = workspace.plan_at(plan_id)
    team = [r.model_dump(mode="json") for r in plan.resources]
    second = team[1]["role"]
    team[1]["fte"] = 2.0  # the second hire doubled
    team.append({**team[0], "role": "Presales Engineer", "start_month": 5})
    assert workspace.apply_edit(plan_id, "resources", team, 1, "Anna", "partner").ok
    type_into(app, "revenue.partner_margin", "30")  # 25 % -> 30 %
    app.switch_page("planner/ui/pages/history.py").run()
    assert not app.exception, [e.message for e in app.exception]
    table = next(d.value for d in app.dataframe if "Vorher" in d.value.columns)
    lines = {tuple(row) for row in table[["Feld", "Vorher", "Nachher"]].itertuples(index=False)}
    assert (f"Team: {second} (Zeile 2) · FTE", "1", "2") in lines
    assert ("Team: Presales Engineer (Zeile 5)", "", "hinzugefügt") in lines
    assert ("Partnermarge", "25 %", "30 %") in lines
    text = table.to_string()
    for raw in ("resources", "{", "'role'", "0.25", "0.3"):
        assert raw not in text, raw
