"""The actuals table keeps what a person typed (AppTest): a switch of the UI language or of
the columns builds the table anew, and the typed cells come along (numbers written the new
language's way, other text as typed) or are listed as not kept; an actual beyond its range is
refused naming a range a person reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as hst
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from streamlit.testing.v1 import AppTest

from planner import i18n
from planner.analysis import AnalysisError
from planner.analysis.actuals import read_actuals_data
from planner.plan.files import load
from planner.store import Store
from planner.ui import collab, entries, session, state
from planner.ui.onboarding.common import COLUMNS, TABLE_ERRORS
from tests.app_support import edit_table, named, table_editor
from tests.factories import EXAMPLE

ROOT = Path(__file__).resolve().parents[1]


SPOKEN = ["de"]
"""The UI language of the test's session."""


@pytest.fixture(autouse=True)
def _spoken(monkeypatch: pytest.MonkeyPatch) -> None:
    """The UI language as the session speaks it, also where AppTest formats a choice's
    options outside a run (which would read German there, and send the choice of a
    multiselect or a selectbox in German to an English run, which then knows none of it)."""
    SPOKEN[0] = "de"
    real = state.language
    monkeypatch.setattr(state, "language", lambda: real() if get_script_run_ctx() else SPOKEN[0])


def _page() -> AppTest:
    """Vera's workspace session on the onboarding page, in German (the plan's language)."""
    app = named(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), "Vera")
    app.switch_page("planner/ui/pages/onboarding.py").run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def _cells(app: AppTest, column: str) -> list[Any]:
    """The actuals table's ``column`` as drawn (text cells; None where empty)."""
    frame = table_editor(app, "actuals").value
    return [None if entries.empty_cell(v) else v for v in frame[column].tolist()]


def _save(app: AppTest) -> AppTest:
    return app.button(key="onboarding.save").click().run()


def _switch(app: AppTest, language: str) -> AppTest:
    """The person switches the UI language (one run)."""
    app.selectbox(key=state.LANGUAGE).set_value(language).run()
    SPOKEN[0] = language  # the page's choices as the new language names them
    return app


def _refusals(app: AppTest) -> list[str]:
    return list(app.session_state[state.ERRORS].get(TABLE_ERRORS, []))


def test_typed_cells_come_along_into_the_other_language_and_save_exactly(
    workspace: Store,
) -> None:
    app = _page()
    plan_id = app.session_state[session.PLAN_ID]
    typed = {0: {"revenue": "1.234,5"}, 1: {"staff_cost": "2.600"}}
    edit_table(app, "actuals", {"edited_rows": typed})
    # the browser sends the table's edits so far with each one
    edit_table(app, "actuals", {"edited_rows": {**typed, 2: {"revenue": "12.5.0"}}})
    _switch(app, "en")
    assert not app.exception, [e.message for e in app.exception]
    revenue = _cells(app, "revenue")
    assert revenue[:3] == ["1,234.5", None, "12.5.0"]  # the number rewritten, the rest as typed
    assert _cells(app, "staff_cost")[:2] == [None, "2,600"]  # German 2.600 is 2600
    _save(app)
    # refused naming the month and the column, in English now; nothing written
    assert any("Revenue" in r and "“12.5.0” is not a number" in r for r in _refusals(app))
    assert len(workspace.log(plan_id)) == 1
    assert _cells(app, "revenue")[:3] == ["1,234.5", None, "12.5.0"]  # still there
    edit_table(app, "actuals", {"edited_rows": {2: {"revenue": "8,500"}}})
    _save(app)
    assert not _refusals(app)
    assert workspace.plan_at(plan_id).actuals == [
        {"month": 1, "revenue": 1234.5},
        {"month": 2, "staff_cost": 2600.0},
        {"month": 3, "revenue": 8500.0},
    ]


def test_an_emptied_cell_comes_along_emptied(workspace: Store) -> None:
    app = _page()
    plan_id = app.session_state[session.PLAN_ID]
    edit_table(app, "actuals", {"edited_rows": {0: {"revenue": "5.000"}}})
    _save(app)
    assert workspace.plan_at(plan_id).actuals == [{"month": 1, "revenue": 5000.0}]
    edit_table(app, "actuals", {"edited_rows": {0: {"revenue": None}, 1: {"revenue": "7,5"}}})
    _switch(app, "en")
    assert _cells(app, "revenue")[:2] == [None, "7.5"]
    _save(app)
    assert workspace.plan_at(plan_id).actuals == [{"month": 2, "revenue": 7.5}]


def test_typed_cells_of_a_column_taken_away_are_listed_as_not_kept(workspace: Store) -> None:
    app = _page()
    edit_table(app, "actuals", {"edited_rows": {0: {"revenue": "1.234,5", "new_deals": "3"}}})
    key = f"{COLUMNS}.de"
    chosen = [c for c in app.session_state[key] if c != "revenue"]
    app.session_state[key] = chosen
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    assert _cells(app, "new_deals")[0] == "3"  # the column still shown keeps its cell
    warned = [w.value for w in app.warning]
    assert any("Umsatz" in w and "1.234,5" in w.replace("\\", "") for w in warned), warned


def test_typed_cells_moved_to_another_language_keep_the_version_they_were_typed_on(
    workspace: Store,
) -> None:
    """Someone else's change of the actuals between the typing and the switch: the Save is a
    conflict to decide, not an overwrite."""
    app = _page()
    plan_id = app.session_state[session.PLAN_ID]
    edit_table(app, "actuals", {"edited_rows": {0: {"revenue": "1.000"}}})
    base = workspace.version(plan_id)
    workspace.apply_edit(plan_id, "actuals", [{"month": 1, "revenue": 9.0}], base, "Max", "vendor")
    _switch(app, "en")
    assert _cells(app, "revenue")[0] == "1,000"
    _save(app)
    assert workspace.plan_at(plan_id).actuals == [{"month": 1, "revenue": 9.0}]  # theirs stays


def test_a_save_writes_beside_another_persons_change_of_other_cells(workspace: Store) -> None:
    """Max saved the second month while Vera typed the first: her Save writes her cell and
    keeps his, without a conflict (it touches no cell he changed)."""
    app = _page()
    plan_id = app.session_state[session.PLAN_ID]
    edit_table(app, "actuals", {"edited_rows": {0: {"revenue": "1.000"}}})
    base = workspace.version(plan_id)
    workspace.apply_edit(plan_id, "actuals", [{"month": 2, "revenue": 9.0}], base, "Max", "vendor")
    app.run()
    _save(app)
    assert not app.session_state[collab.CONFLICTS]
    assert workspace.plan_at(plan_id).actuals == [
        {"month": 1, "revenue": 1000.0},
        {"month": 2, "revenue": 9.0},
    ]
    assert [r.author for r in workspace.log(plan_id)][1:] == ["Max", "Vera"]


def test_keep_mine_of_an_actuals_conflict_writes_only_the_persons_cells(
    workspace: Store,
) -> None:
    """Max changed the same cell and another one while Vera typed: her Save is a conflict;
    keep mine writes her cell over his and leaves his other cell as he saved it (it had put
    the months she saw back, or failed on a month listed twice)."""
    app = _page()
    plan_id = app.session_state[session.PLAN_ID]
    edit_table(app, "actuals", {"edited_rows": {0: {"revenue": "1.000"}}})
    base = workspace.version(plan_id)
    theirs = [{"month": 1, "revenue": 9.0, "new_deals": 2.0}, {"month": 2, "revenue": 4.0}]
    workspace.apply_edit(plan_id, "actuals", theirs, base, "Max", "vendor")
    app.run()
    _save(app)
    (conflict,) = app.session_state[collab.CONFLICTS]
    assert workspace.plan_at(plan_id).actuals == theirs  # nothing written yet
    app.button(key=collab.decision_key(conflict, True)).click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert workspace.plan_at(plan_id).actuals == [
        {"month": 1, "revenue": 1000.0, "new_deals": 2.0},
        {"month": 2, "revenue": 4.0},
    ]


def test_an_actual_beyond_its_range_is_refused_naming_a_range_people_read(
    workspace: Store,
) -> None:
    app = _page()
    edit_table(app, "actuals", {"edited_rows": {0: {"revenue": "2.000.000.000.000.000"}}})
    _save(app)
    # ui.field.outside with ui.onboarding.actual_bounds
    assert any(
        "2.000.000.000.000.000 liegt außerhalb des erlaubten Bereichs "
        "-10^15 bis 10^15 (plus/minus eine Billiarde)" in r
        for r in _refusals(app)
    ), _refusals(app)
    _switch(app, "en")
    _save(app)
    assert any(
        "2,000,000,000,000,000 is outside the allowed range "
        "-10^15 to 10^15 (plus or minus a million billion)" in r
        for r in _refusals(app)
    ), _refusals(app)


@pytest.mark.parametrize(
    ("typed", "kind", "was", "language", "shown"),
    [
        ("1.234,5", "money", "de", "en", "1,234.5"),
        ("1,234.5", "money", "en", "de", "1.234,5"),
        ("45.000 €", "money", "de", "en", "45,000"),  # the plan's currency sign dropped
        ("0,123456789", "count", "de", "en", "0.123456789"),  # every decimal
        ("-2.600", "money", "de", "en", "-2,600"),
        ("12.5.0", "money", "de", "en", "12.5.0"),  # no number: as typed
        ("5 %", "money", "de", "en", "5 %"),  # a unit the column does not take: as typed
        ("48,000", "money", "de", "en", "48,000"),  # ambiguous in German: as typed
        ("  ", "money", "de", "en", None),
        (None, "money", "de", "en", None),
    ],
)
def test_a_typed_cell_in_the_other_language(
    typed: Any, kind: str, was: str, language: str, shown: Any
) -> None:
    assert entries.rewritten(typed, kind, was, language, "EUR") == shown


@given(hst.decimals(min_value=-(10**15), max_value=10**15, places=6, allow_nan=False))
def test_a_number_typed_in_one_language_reads_the_same_in_the_other(number: Any) -> None:
    value = float(number)
    typed = i18n.exact_number(value, "de")
    shown = entries.rewritten(typed, "money", "de", "en", "EUR")
    assert i18n.parse_number(shown, "en") == value
    assert entries.rewritten(shown, "money", "en", "de", "EUR") == typed


def test_typed_cells_of_a_grid_state() -> None:
    state_ = {"edited_rows": {0: {"revenue": "1"}, "2": {"opex": None}, -1: {"x": "y"}}}
    assert entries.typed_cells(state_) == {(0, "revenue"): "1", (2, "opex"): None}
    assert entries.typed_cells(None) == {}
    assert entries.typed_cells({"edited_rows": [1]}) == {}


def test_a_german_csv_refuses_points_that_group_no_thousands() -> None:
    """A semicolon CSV writes 1.234,5; its points were dropped whatever they stood for, so a
    typo 12.5.0 read as 1250 and an English 1.5 as 15."""
    plan = load(EXAMPLE)
    good = "Monat;Umsatz;Neue Abschlüsse\n1;1.234,5;2\n2;-2.600;0,5\n3;1.234.567,89;1\n"
    assert read_actuals_data(plan, good.encode(), "ist.csv") == [
        {"month": 1, "revenue": 1234.5, "new_deals": 2.0},
        {"month": 2, "revenue": -2600.0, "new_deals": 0.5},
        {"month": 3, "revenue": 1234567.89, "new_deals": 1.0},
    ]
    for typed in ("12.5.0", "1.5", "1.2.3,4", "12.34,5", "1.2345"):
        with pytest.raises(AnalysisError) as refused:
            read_actuals_data(plan, f"Monat;Umsatz\n1;{typed}\n".encode(), "ist.csv")
        assert f"{typed!r} is not a number" in str(refused.value)


def test_an_uploaded_file_reads_numbers_as_a_person_types_them() -> None:
    """A file's numbers follow the rules of a typed number (i18n.parse_number): the plan's
    currency sign and space-grouped thousands are taken, a share or another currency in an
    amount and any unit in a count are refused naming the cell; scientific notation, which
    programs write, is read. Hand-written values: 45.000 € is 45000 in German; "1,234.5" is
    1234.5 in an English (comma) file; 1,5E+03 is 1500."""
    plan = load(EXAMPLE)  # in euros
    german = "Monat;Umsatz;Neue Abschlüsse\n1;45.000 €;2\n2;50 000;1\n3;1,5E+03;0\n"
    assert read_actuals_data(plan, german.encode(), "ist.csv") == [
        {"month": 1, "revenue": 45000.0, "new_deals": 2.0},
        {"month": 2, "revenue": 50000.0, "new_deals": 1.0},
        {"month": 3, "revenue": 1500.0, "new_deals": 0.0},
    ]
    english = 'month,revenue\n1,"1,234.5"\n2,EUR 7\n3,2.5e2\n'
    assert read_actuals_data(plan, english.encode(), "actuals.csv") == [
        {"month": 1, "revenue": 1234.5},
        {"month": 2, "revenue": 7.0},
        {"month": 3, "revenue": 250.0},
    ]
    for column, typed, sign in (
        ("Umsatz", "5 %", "%"),
        ("Umsatz", "54.000 $", "$"),
        ("Neue Abschlüsse", "2 €", "€"),
    ):
        with pytest.raises(AnalysisError) as refused:
            read_actuals_data(plan, f"Monat;{column}\n1;{typed}\n".encode(), "ist.csv")
        assert refused.value.key == "unit_refused"
        assert f"{typed!r} carries {sign!r}" in str(refused.value)
    for written in ("inf", "-Infinity", "NaN"):  # what programs write for no number
        with pytest.raises(AnalysisError) as refused:
            read_actuals_data(plan, f"month,revenue\n1,{written}\n".encode(), "actuals.csv")
        assert refused.value.key == "not_finite"
