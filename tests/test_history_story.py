"""The history reads like a story (AppTest and the story itself): which hire or investment
changed and how, in words and the UI language, never raw keys or Python dicts."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from planner.store import Store
from planner.ui import collab, session
from planner.ui.text import plain
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


def test_the_plans_creation_has_no_effect_and_a_conflicting_revert_says_it_did_not_revert(
    workspace: Store,
) -> None:
    """Vera's deal size change is overtaken by Anna's; Vera's revert of it is refused and
    says so (not only what Anna did). The creation's row shows no NPV effect: empty cells,
    never "None"."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.session_state[collab.NAME] = "Vera"
    app.switch_page("planner/ui/pages/assumptions.py").run()
    plan_id = app.session_state[session.PLAN_ID]
    type_into(app, "revenue.deal_size", "45000")
    mine = workspace.log(plan_id)[-1].seq
    version = workspace.version(plan_id)
    assert workspace.apply_edit(plan_id, "revenue.deal_size", 47000, version, "Anna", "partner").ok
    app.switch_page("planner/ui/pages/history.py").run()
    table = next(d.value for d in app.dataframe if "Vorher" in d.value.columns)
    effects = [c for c in table.columns if c.startswith("Wirkung")]
    assert effects  # the vendor sees both sides' effects
    created = table[table["#"] == 1]
    assert list(created[effects].iloc[0]) == [""] * len(effects)
    assert "None" not in table.to_string()
    app.selectbox(key="history.revert").set_value(mine).run()
    app.button(key="history.revert_go").click().run()
    assert workspace.version(plan_id) == version + 1  # nothing reverted
    said = "\n".join(w.value for w in app.warning)
    assert plain(f"Änderung {mine} nicht rückgängig gemacht: Anna (Partner) hat") in said, said
