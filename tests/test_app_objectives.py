"""Objectives and their quarterly targets set in the app, driven with AppTest: each editor adds,
changes and removes its side's objectives through one attributed commit per action, typing
numbers as people of the UI language type them; a viewer sees the objectives but no form, and a
version frozen for sign-off keeps its objectives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner import access, i18n
from planner.store import Store
from tests.app_support import onboarding_page, onboarding_plan

DE = "de"
NEW, TARGET, DROP = "review.form.new_objective", "review.form.target", "review.form.drop_objective"


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Store, str]]:
    with onboarding_plan(tmp_path, monkeypatch) as found:
        yield found


_session = onboarding_page


def _editor(store: Store, plan_id: str, role: str, name: str) -> AppTest:
    return _session(
        plan_id, access.create_invite(store, access.owner_access(plan_id), role).token, name
    )


def test_editors_add_and_change_objectives_one_commit_each(shared: tuple[Store, str]) -> None:
    store, plan_id = shared
    anna = _editor(store, plan_id, "partner_editor", "Anna")
    # the partner adds its objective; "1.200" is twelve hundred as typed in German
    anna.text_input(key=f"{NEW}.0.name").set_value("Zertifizierte <b>Vertriebler</b>")
    anna.selectbox(key=f"{NEW}.0.kind").set_value("certification")
    anna.selectbox(key=f"{NEW}.0.quarter").set_value("Q2-2027")
    anna.text_input(key=f"{NEW}.0.count").set_value("1.200")
    anna.button(key=f"{NEW}.0.save").click().run()
    assert not anna.exception, [e.message for e in anna.exception]
    (objective,) = store.plan_at(plan_id).objectives or []
    assert objective.model_dump() == {
        "name": "Zertifizierte <b>Vertriebler</b>",
        "kind": "certification",
        "side": "partner",
        "targets": [{"quarter": "Q2-2027", "count": 1200}],
    }
    assert anna.text_input(key=f"{NEW}.1.name").value == ""  # stored: a fresh form
    # a second quarter's target, then a changed first one ("2,5" is two and a half)
    anna.selectbox(key=f"{TARGET}.0.quarter").set_value("Q3-2027")
    anna.text_input(key=f"{TARGET}.0.count").set_value("15")
    anna.button(key=f"{TARGET}.0.save").click().run()
    anna.selectbox(key=f"{TARGET}.1.quarter").set_value("Q2-2027")
    anna.text_input(key=f"{TARGET}.1.count").set_value("2,5")
    anna.button(key=f"{TARGET}.1.save").click().run()
    assert not anna.exception, [e.message for e in anna.exception]
    (objective,) = store.plan_at(plan_id).objectives or []
    assert [(t.quarter, t.count) for t in objective.targets] == [("Q2-2027", 2.5), ("Q3-2027", 15)]

    # the vendor sees the partner's objective, adds its own and can change only its own
    vera = _editor(store, plan_id, "vendor_editor", "Vera")
    table = next(
        f.value for f in vera.dataframe if "Q3 2027" in f.value.columns
    )  # as a reader says it
    assert list(table.iloc[0]) == [
        "Zertifizierte <b>Vertriebler</b>",
        i18n.t("qbr.kind.certification", DE),
        i18n.t("qbr.side.partner", DE),
        "2,5",
        "15",
    ]
    assert not [s for s in vera.selectbox if s.key and s.key.startswith(TARGET)]
    vera.text_input(key=f"{NEW}.0.name").set_value("Registrierte Deals")
    vera.text_input(key=f"{NEW}.0.count").set_value("40")
    vera.button(key=f"{NEW}.0.save").click().run()
    assert not vera.exception, [e.message for e in vera.exception]
    assert vera.selectbox(key=f"{DROP}.0.which").options == ["Registrierte Deals"]
    vera.button(key=f"{DROP}.0.save").click().run()
    assert [o.name for o in store.plan_at(plan_id).objectives or []] == [objective.name]

    # one change-log row per action, each with its author and side
    log = store.log(plan_id)[1:]
    assert [(c.author, c.side, c.path) for c in log] == [
        ("Anna", "partner", "objectives"),
        ("Anna", "partner", "objectives"),
        ("Anna", "partner", "objectives"),
        ("Vera", "vendor", "objectives"),
        ("Vera", "vendor", "objectives"),
    ]
    # reruns and the other side's page taking the change write nothing
    anna.run()
    vera.run()
    assert len(store.log(plan_id)) == len(log) + 1


def test_a_refused_target_names_the_field_and_keeps_the_text(shared: tuple[Store, str]) -> None:
    store, plan_id = shared
    anna = _editor(store, plan_id, "partner_editor", "Anna")
    anna.text_input(key=f"{NEW}.0.name").set_value("Schulungen")
    anna.text_input(key=f"{NEW}.0.count").set_value("2.000.000")  # over the 10^6 a count allows
    anna.button(key=f"{NEW}.0.save").click().run()
    assert not anna.exception, [e.message for e in anna.exception]
    refusal = anna.error[0].value.replace("\\", "")  # markdown escapes
    assert i18n.t("ui.review.target", DE) in refusal
    assert "1.000.000" in refusal  # the range, written the German way
    assert anna.text_input(key=f"{NEW}.0.count").value == "2.000.000"
    assert anna.text_input(key=f"{NEW}.0.name").value == "Schulungen"
    assert store.plan_at(plan_id).objectives is None
    assert len(store.log(plan_id)) == 1
    # an empty name is refused naming the field
    anna.text_input(key=f"{NEW}.0.name").set_value("")
    anna.text_input(key=f"{NEW}.0.count").set_value("5")
    anna.button(key=f"{NEW}.0.save").click().run()
    refusal = anna.error[0].value.replace("\\", "")
    assert i18n.t("ui.review.objective_name", DE) in refusal
    assert anna.text_input(key=f"{NEW}.0.count").value == "5"
    assert store.plan_at(plan_id).objectives is None


def test_a_viewer_sees_objectives_but_no_forms(shared: tuple[Store, str]) -> None:
    store, plan_id = shared
    anna = _editor(store, plan_id, "partner_editor", "Anna")
    anna.text_input(key=f"{NEW}.0.name").set_value("Schulungen")
    anna.text_input(key=f"{NEW}.0.count").set_value("3")
    anna.button(key=f"{NEW}.0.save").click().run()
    viewer = _editor(store, plan_id, "viewer", "Max")
    table = next(
        f.value for f in viewer.dataframe if "Q1 2027" in f.value.columns
    )  # as a reader says it
    assert table.iloc[0, 0] == "Schulungen"
    keys = [w.key or "" for w in [*viewer.button, *viewer.text_input, *viewer.selectbox]]
    assert not [k for k in keys if k.startswith(("review.form.", "review.objective"))]


def test_a_frozen_version_keeps_its_objectives(shared: tuple[Store, str]) -> None:
    from planner.signoff import records as signoff

    store, plan_id = shared
    anna = _editor(store, plan_id, "partner_editor", "Anna")
    signoff.freeze(store, plan_id, role="owner", author="Vera")
    anna.text_input(key=f"{NEW}.0.name").set_value("Schulungen")
    anna.text_input(key=f"{NEW}.0.count").set_value("3")
    anna.button(key=f"{NEW}.0.save").click().run()
    assert not anna.exception, [e.message for e in anna.exception]
    refusal = anna.error[0].value.replace("\\", "")  # the store's refusal, in German
    assert "Version 1 ist zur Freigabe eingefroren" in refusal
    assert anna.text_input(key=f"{NEW}.0.name").value == "Schulungen"
    assert store.plan_at(plan_id).objectives is None


def _goal(name: str) -> dict[str, object]:
    return {
        "name": name,
        "kind": "deal_registration",
        "side": "vendor",
        "targets": [{"quarter": "Q2-2027", "count": 5}],
    }


def test_a_removal_picked_before_someone_else_removed_one_is_a_conflict_not_another_removal(
    shared: tuple[Store, str],
) -> None:
    """Vera's page lists the vendor's objectives A, B and C; Victor removes A while her page
    shows them (it is not drawn again), and she picks B, the second of what she sees, to
    remove. Her removal is based on the list she saw: it meets his change as a conflict for her
    to decide, and C (second in his list) is not removed over his change."""
    from planner.ui import collab

    store, plan_id = shared
    base = store.field_version(plan_id, "objectives")
    goals = [_goal("A"), _goal("B"), _goal("C")]
    assert store.apply_edit(plan_id, "objectives", goals, base, "Victor", "vendor").ok
    vera = _editor(store, plan_id, "vendor_editor", "Vera")
    assert vera.selectbox(key=f"{DROP}.0.which").options == ["A", "B", "C"]
    seen = store.field_version(plan_id, "objectives")
    assert store.apply_edit(plan_id, "objectives", goals[1:], seen, "Victor", "vendor").ok
    vera.selectbox(key=f"{DROP}.0.which").set_value(1)  # B, as her page shows it
    vera.button(key=f"{DROP}.0.save").click().run()
    assert not vera.exception, [e.message for e in vera.exception]
    assert [o.name for o in store.plan_at(plan_id).objectives or []] == ["B", "C"]
    assert [c.author for c in store.log(plan_id)[1:]] == ["Victor", "Victor"]
    (conflict,) = vera.session_state[collab.CONFLICTS]
    assert conflict.path == "objectives"
    assert [o["name"] for o in conflict.yours] == ["A", "C"]  # what she saw, without B
    # the conflict card holds her removal; the form shows his list again
    assert vera.selectbox(key=f"{DROP}.0.which").options == ["B", "C"]


def test_a_target_typed_while_someone_else_changed_the_objectives_keeps_the_text(
    shared: tuple[Store, str],
) -> None:
    """Victor renames objective A while Vera's page shows the list and its form holds her
    target: her page runs again, the form keeps its list and says it changed, and her
    target's save is a conflict, never a write over his rename."""
    store, plan_id = shared
    base = store.field_version(plan_id, "objectives")
    assert store.apply_edit(plan_id, "objectives", [_goal("A")], base, "Victor", "vendor").ok
    vera = _editor(store, plan_id, "vendor_editor", "Vera")
    seen = store.field_version(plan_id, "objectives")
    renamed = [{**_goal("A"), "name": "A2"}]
    assert store.apply_edit(plan_id, "objectives", renamed, seen, "Victor", "vendor").ok
    vera.run()  # his change reaches her page
    assert vera.selectbox(key=f"{TARGET}.0.which").options == ["A"]  # the form she sees
    assert any(i18n.t("ui.review.form_stale", DE) in i.value for i in vera.info)
    vera.text_input(key=f"{TARGET}.0.count").set_value("7")
    vera.button(key=f"{TARGET}.0.save").click().run()
    assert not vera.exception, [e.message for e in vera.exception]
    assert [o.name for o in store.plan_at(plan_id).objectives or []] == ["A2"]
    assert [c.author for c in store.log(plan_id)[1:]] == ["Victor", "Victor"]


def test_a_change_by_someone_else_is_said_once_above_the_three_objective_forms(
    shared: tuple[Store, str],
) -> None:
    """The three forms (new objective, target, remove) record the one list of objectives.
    Victor renames A while Vera's page shows them: her page says so once, with one button to
    show the changed list (each form said it, three times, with a button a third of the page
    wide that cut its label), and that button brings the renamed list into all three forms."""
    store, plan_id = shared
    base = store.field_version(plan_id, "objectives")
    assert store.apply_edit(plan_id, "objectives", [_goal("A")], base, "Victor", "vendor").ok
    vera = _editor(store, plan_id, "vendor_editor", "Vera")
    stale = i18n.t("ui.review.form_stale", DE)
    assert not [i for i in vera.info if stale in i.value]
    seen = store.field_version(plan_id, "objectives")
    renamed = [{**_goal("A"), "name": "A2"}]
    assert store.apply_edit(plan_id, "objectives", renamed, seen, "Victor", "vendor").ok
    vera.run()  # his change reaches her page
    assert len([i for i in vera.info if stale in i.value]) == 1
    latest = [b for b in vera.button if b.label == i18n.t("ui.review.form_latest", DE)]
    assert len(latest) == 1
    assert vera.selectbox(key=f"{TARGET}.0.which").options == ["A"]  # what she was shown
    latest[0].click().run()
    assert not vera.exception, [e.message for e in vera.exception]
    assert not [i for i in vera.info if stale in i.value]
    assert vera.selectbox(key=f"{TARGET}.0.which").options == ["A2"]
    assert vera.selectbox(key=f"{DROP}.0.which").options == ["A2"]
