"""Tables are edited cell by cell (AppTest): a changed cell is written alone with the version of
that cell its table showed, so two people editing different rows of one table both land, the
same cell is a conflict, and "keep mine" writes only what that person changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as hst
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.testing.v1 import AppTest

from planner import i18n
from planner.store import Store
from planner.ui import collab, session
from planner.ui.collab import rebase_rows
from planner.ui.tables import table_frame
from planner.ui.text import plain
from tests.app_support import decision, edit_table, named, open_tab, table_editor

ROOT = Path(__file__).resolve().parents[1]
TEAM = "resources"


def _page(name: str) -> AppTest:
    """A workspace session of ``name`` on the assumptions page."""
    app = named(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), name)
    app.switch_page("planner/ui/pages/assumptions.py").run()
    open_tab(app, TEAM)  # the team tab open: only the open tab runs
    assert not app.exception, [e.message for e in app.exception]
    return app


def _fte(store: Store, plan_id: str) -> list[float]:
    return [r.fte for r in store.plan_at(plan_id).resources]


def test_two_people_editing_different_rows_of_one_table_both_land(workspace: Store) -> None:
    vera, max_ = _page("Vera"), _page("Max")
    plan_id = vera.session_state[session.PLAN_ID]
    # the example's team: 2, 1, 1, 1 FTE; Vera makes row 1 three, Max (his page still showing
    # the team as it was) makes row 2 one and a half
    edit_table(vera, TEAM, {"edited_rows": {0: {"fte": 3.0}}})
    edit_table(max_, TEAM, {"edited_rows": {1: {"fte": 1.5}}})
    assert not max_.session_state[collab.CONFLICTS]
    assert _fte(workspace, plan_id) == [3.0, 1.5, 1.0, 1.0]
    rows = [(r.author, r.path, r.new) for r in workspace.log(plan_id)[1:]]
    assert rows == [("Vera", "resources.0.fte", 3.0), ("Max", "resources.1.fte", 1.5)]


def test_the_same_cell_is_a_conflict_and_keep_mine_writes_only_that_cell(
    workspace: Store,
) -> None:
    vera, max_ = _page("Vera"), _page("Max")
    plan_id = vera.session_state[session.PLAN_ID]
    edit_table(vera, TEAM, {"edited_rows": {0: {"fte": 3.0}}})
    edit_table(vera, TEAM, {"edited_rows": {2: {"annual_cost": 99000.0}}})
    edit_table(max_, TEAM, {"edited_rows": {0: {"fte": 4.0}}})  # from the page before both
    (conflict,) = max_.session_state[collab.CONFLICTS]
    assert (conflict.path, conflict.yours, conflict.theirs) == ("resources.0.fte", 4.0, 3.0)
    card = "\n".join(w.value for w in max_.warning)
    # as the table shows it: the row by its role and number, the column by its label
    where = f"{i18n.label(TEAM, 'de')}: Account Executive (Zeile 1) · {i18n.label('fte', 'de')}"
    assert plain(f"Vera (Hersteller) hat {where} auf 3 geändert") in card
    decision(max_, "resources.0.fte", keep_mine=True).click().run()
    assert _fte(workspace, plan_id) == [4.0, 1.0, 1.0, 1.0]
    assert workspace.plan_at(plan_id).resources[2].annual_cost == 99000  # Vera's edit stays
    assert [r.path for r in workspace.log(plan_id)[1:]] == [
        "resources.0.fte",
        "resources.2.annual_cost",
        "resources.0.fte",
    ]


def test_keep_mine_of_an_added_row_keeps_the_other_sides_edit_of_another_row(
    workspace: Store,
) -> None:
    vera, max_ = _page("Vera"), _page("Max")
    plan_id = vera.session_state[session.PLAN_ID]
    edit_table(vera, TEAM, {"edited_rows": {3: {"fte": 2.5}}})
    # Max deletes the first row from the table as his page showed it: the list changed
    # meanwhile (Vera's cell), so his deletion is a conflict
    edit_table(max_, TEAM, {"deleted_rows": [0]})
    (conflict,) = max_.session_state[collab.CONFLICTS]
    assert conflict.path == TEAM
    decision(max_, TEAM, keep_mine=True).click().run()
    team = workspace.plan_at(plan_id).resources
    # his deletion done again on the list as it is now: Vera's 2.5 FTE survive it
    assert [(r.role, r.fte) for r in team] == [
        ("Presales Engineer", 1.0),
        ("Security Consultant", 1.0),
        ("Security Consultant", 2.5),
    ]


def test_a_cell_whose_row_moved_meanwhile_is_saved_on_that_row(workspace: Store) -> None:
    """Vera removes the first hire; Max, his page still showing it, changes the second one's
    FTE (the Presales Engineer, now the first row): it is saved on that row where it is now,
    no conflict (it was a conflict whose "keep mine" could not be offered)."""
    vera, max_ = _page("Vera"), _page("Max")
    plan_id = vera.session_state[session.PLAN_ID]
    edit_table(vera, TEAM, {"deleted_rows": [0]})  # row 2 is now the first row
    edit_table(max_, TEAM, {"edited_rows": {1: {"fte": 4.0}}})  # meant the Presales Engineer
    assert max_.session_state[collab.CONFLICTS] == []
    stored = workspace.plan_at(plan_id).resources
    assert (stored[0].role, stored[0].fte) == ("Presales Engineer", 4.0)
    assert [(c.author, c.path, c.new) for c in workspace.log(plan_id)[2:]] == [
        ("Max", "resources.0.fte", 4.0)
    ]


def test_a_cell_whose_row_moved_and_changed_meanwhile_offers_no_keep_mine(
    workspace: Store,
) -> None:
    """Vera changes the second hire's cost and then removes the first hire; Max, his page
    showing neither, changes the second hire's FTE: the row he meant is not there as he saw
    it, so it is a conflict, and "keep mine" (at the row number he saw) is not offered."""
    vera, max_ = _page("Vera"), _page("Max")
    plan_id = vera.session_state[session.PLAN_ID]
    edit_table(vera, TEAM, {"edited_rows": {1: {"annual_cost": "99.000"}}})
    edit_table(vera, TEAM, {"deleted_rows": [0]})  # row 2 is now the first row
    edit_table(max_, TEAM, {"edited_rows": {1: {"fte": 4.0}}})  # meant the Presales Engineer
    (conflict,) = max_.session_state[collab.CONFLICTS]
    keep = decision(max_, conflict.path, keep_mine=True)
    assert keep.disabled
    assert i18n.t("collab.rows_moved", "de") in [c.value for c in max_.caption]
    assert workspace.plan_at(plan_id).resources[0].role == "Presales Engineer"
    assert len(workspace.log(plan_id)) == 3  # creation and Vera's two edits: nothing else


def test_a_cell_typed_into_a_row_removed_meanwhile_says_so_by_the_rows_name(
    workspace: Store,
) -> None:
    """Vera removes the last hire while Max, his page showing it still, changes its FTE: the
    value is not saved, and his page says that row was removed (it said "FTE: is not a field
    of the plan")."""
    vera, max_ = _page("Vera"), _page("Max")
    plan_id = vera.session_state[session.PLAN_ID]
    edit_table(vera, TEAM, {"deleted_rows": [3]})
    edit_table(max_, TEAM, {"edited_rows": {3: {"fte": 2.5}}})
    assert not max_.exception, [e.message for e in max_.exception]
    assert len(workspace.log(plan_id)) == 2  # creation and Vera's removal: nothing else
    row = i18n.t("collab.row", "de", item="Security Consultant", row=4)
    said = i18n.t("ui.table.row_gone", "de", row=row)
    assert plain(said) in "\n".join(e.value for e in max_.error)


def test_an_emptied_cell_that_needs_a_value_is_refused_in_the_ui_language(
    workspace: Store,
) -> None:
    vera = _page("Vera")
    plan_id = vera.session_state[session.PLAN_ID]
    edit_table(vera, TEAM, {"edited_rows": {0: {"fte": None}}})
    assert len(workspace.log(plan_id)) == 1
    said = i18n.t("ui.field.required", "de", field=i18n.label("fte", "de"))
    assert plain(said) in "\n".join(e.value for e in vera.error)


def test_a_number_typed_into_a_cell_is_read_in_the_ui_language(workspace: Store) -> None:
    """A cell's number is text typed the way the UI language writes numbers: 1,5 is one and a
    half in German; 1.5.5 is refused naming the column and the form, and 99 above the
    column's range; nothing of the refused ones is written."""
    vera = _page("Vera")
    plan_id = vera.session_state[session.PLAN_ID]
    edit_table(vera, TEAM, {"edited_rows": {0: {"fte": "1,5"}}})
    edit_table(vera, TEAM, {"edited_rows": {1: {"annual_cost": "98.500"}}})
    rows = [(r.path, r.new) for r in workspace.log(plan_id)[1:]]
    assert rows == [("resources.0.fte", 1.5), ("resources.1.annual_cost", 98500.0)]
    edit_table(vera, TEAM, {"edited_rows": {0: {"fte": "1.5.5"}}})
    said = "\n".join(e.value for e in vera.error).replace("\\", "")  # markdown escapes
    assert "FTE: „1.5.5“ ist keine Zahl" in said, said
    edit_table(vera, TEAM, {"edited_rows": {0: {"start_month": "999"}}})
    said = "\n".join(e.value for e in vera.error).replace("\\", "")
    assert "Startmonat: 999 liegt außerhalb des erlaubten Bereichs 1 bis 36" in said, said
    # the unit is part of the number: an amount typed as a share is refused
    edit_table(vera, TEAM, {"edited_rows": {1: {"annual_cost": "5 %"}}})
    said = "\n".join(e.value for e in vera.error).replace("\\", "")
    cost = i18n.label("annual_cost", "de")
    assert f"{cost}: „5 %“ ist ein Prozentwert; das Feld ist ein Betrag in EUR" in said, said
    assert len(workspace.log(plan_id)) == 3


def test_a_table_stays_the_same_input_while_another_field_changes(workspace: Store) -> None:
    """A change elsewhere in the plan does not rebuild the table (its key is the list's own
    version), so a cell being edited stays open with its text."""
    vera, max_ = _page("Vera"), _page("Max")
    before = table_editor(vera, TEAM).key
    from tests.app_support import type_into

    type_into(max_, "revenue.deal_size", "45.000")
    vera.run()
    assert table_editor(vera, TEAM).key == before


ROWS = hst.lists(hst.integers(0, 5), max_size=6)


@given(start=ROWS, data=hst.data())
def test_rebasing_rows_redoes_only_what_one_person_added_and_deleted(
    start: list[int], data: hst.DataObject
) -> None:
    # mine: some rows of start deleted, some added (numbers 10+, never in start)
    kept = data.draw(hst.lists(hst.booleans(), min_size=len(start), max_size=len(start)))
    added = data.draw(hst.lists(hst.integers(10, 15), max_size=3))
    mine = [row for row, keep in zip(start, kept, strict=True) if keep] + added
    deleted = [row for row, keep in zip(start, kept, strict=True) if not keep]
    # theirs: the other side's edits of start (rows changed to 20+, rows appended)
    theirs = [row if not data.draw(hst.booleans()) else row + 20 for row in start]
    theirs += data.draw(hst.lists(hst.integers(30, 35), max_size=2))
    result = rebase_rows(start, mine, theirs)
    assert result[len(result) - len(added) :] == added  # every row added, once, at the end
    rest = result[: len(result) - len(added)]
    # their rows stay unless the person deleted that very row (unchanged by them)
    expected = list(theirs)
    for row in deleted:
        if row in expected:
            expected.remove(row)
    assert rest == expected


def test_rebasing_without_a_change_of_either_side_gives_mine() -> None:
    assert rebase_rows([1, 2], [2, 3], [1, 2]) == [2, 3]


@pytest.mark.parametrize("value", [[], [1]])
def test_rebasing_an_unchanged_list_keeps_theirs(value: list[int]) -> None:
    assert rebase_rows(value, value, [*value, 7]) == [*value, 7]


def test_a_table_edit_sent_again_after_its_table_was_replaced_is_not_written_twice(
    workspace: Store,
) -> None:
    """Vera's 3 FTE is taken and her table replaced by a fresh one; the browser still holds the
    replaced table's record and sends it again with a later run (a live fragment's timed run
    does): nothing is written a second time and the table is not built anew (a cell being
    typed in would close). What she typed into the replaced table after it was taken (row 2)
    is still taken, once."""
    vera = _page("Vera")
    plan_id = vera.session_state[session.PLAN_ID]
    replaced = table_editor(vera, TEAM)
    edit_table(vera, TEAM, {"edited_rows": {0: {"fte": 3.0}}})
    fresh = table_editor(vera, TEAM).key
    assert fresh != replaced.key
    edit_table(vera, TEAM, {"edited_rows": {0: {"fte": 3.0}}}, editor=replaced)
    rows = [(r.author, r.path, r.new) for r in workspace.log(plan_id)[1:]]
    assert rows == [("Vera", "resources.0.fte", 3.0)]  # once
    assert table_editor(vera, TEAM).key == fresh
    edit_table(vera, TEAM, {"edited_rows": {0: {"fte": 3.0}, 1: {"fte": 2.0}}}, editor=replaced)
    rows = [(r.author, r.path, r.new) for r in workspace.log(plan_id)[1:]]
    assert rows == [("Vera", "resources.0.fte", 3.0), ("Vera", "resources.1.fte", 2.0)]


def _report_lost(app: AppTest, path: str, payload: Any) -> AppTest:
    """The browser reports text typed into a cell of list ``path``'s table that was built anew
    under it (:mod:`planner.ui.grid_keys`), with the rest of the page as it is (one run)."""
    found = [e for e in app.get("bidi_component") if f'"grid-keys:{path}"' in e.proto.json]
    states = app._tree.get_widget_states()
    event = states.widgets.add()
    event.id = _make_trigger_id(found[0].proto.id, "events")
    event.json_trigger_value = json.dumps([{"event": "lost", "value": payload}])
    return app._run(states)


def test_text_typed_into_a_table_built_anew_is_saved_into_its_row_once(
    workspace: Store,
) -> None:
    """Vera types 2,5 into the second hire's FTE when Max's new hire arrives and the table is
    built anew under the open cell: the text the browser reports is written into that hire
    (the second still: a row added at the end moves none), based on what Vera saw. A report
    naming a table the session never drew, a cell outside it, or a payload of the wrong
    shape writes nothing; text that is no number is refused naming the column."""
    vera = _page("Vera")
    plan_id = vera.session_state[session.PLAN_ID]
    drawn = table_editor(vera, TEAM).key
    fte = list(table_frame(workspace.plan_at(plan_id), TEAM).columns).index("fte")
    items = [
        r.model_dump(mode="json", exclude_none=True) for r in workspace.plan_at(plan_id).resources
    ]
    hire = {**items[0], "role": "Neu von Max"}
    done = workspace.apply_edits(
        plan_id, {TEAM: ([*items, hire], workspace.version(plan_id))}, author="Max", side="vendor"
    )
    assert done.status == "accepted"
    vera.run()  # the new hire shows: a new table
    assert table_editor(vera, TEAM).key != drawn
    for forged in (
        {"token": "editor:resources@0:0:0:de", "row": 1, "column": fte, "text": "3"},
        {"token": drawn, "row": 99, "column": fte, "text": "3"},
        {"token": drawn, "row": 1, "column": "fte", "text": "3"},
        {"token": drawn, "row": -1, "column": fte, "text": "3"},
        ["not", "a", "report"],
    ):
        _report_lost(vera, TEAM, forged)
        assert not vera.exception, [e.message for e in vera.exception]
        assert len(workspace.log(plan_id)) == 2, forged
    _report_lost(vera, TEAM, {"token": drawn, "row": 1, "column": fte, "text": "zwei"})
    said = "\n".join(e.value for e in vera.error).replace("\\", "")
    assert "FTE: „zwei“ ist keine Zahl" in said, said
    assert len(workspace.log(plan_id)) == 2
    _report_lost(vera, TEAM, {"token": drawn, "row": 1, "column": fte, "text": "2,5"})
    rows = [(r.author, r.path, r.new) for r in workspace.log(plan_id)[2:]]
    assert rows == [("Vera", f"{TEAM}.1.fte", 2.5)]
    vera.run()
    assert len(workspace.log(plan_id)) == 3  # once


def test_text_typed_while_the_own_edit_of_another_cell_rebuilds_the_table_is_saved(
    workspace: Store,
) -> None:
    """Vera leaves the first hire's FTE (3) and types into the second's before the table her
    edit builds anew arrives: the second cell's text is written too, into the same row (no
    row was added or deleted), each once, both hers."""
    vera = _page("Vera")
    plan_id = vera.session_state[session.PLAN_ID]
    drawn = table_editor(vera, TEAM).key
    fte = list(table_frame(workspace.plan_at(plan_id), TEAM).columns).index("fte")
    edit_table(vera, TEAM, {"edited_rows": {0: {"fte": "3"}}})
    assert table_editor(vera, TEAM).key != drawn
    _report_lost(vera, TEAM, {"token": drawn, "row": 1, "column": fte, "text": "1,5"})
    rows = [(r.author, r.path, r.new) for r in workspace.log(plan_id)[1:]]
    assert rows == [("Vera", f"{TEAM}.0.fte", 3.0), ("Vera", f"{TEAM}.1.fte", 1.5)]
