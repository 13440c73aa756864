"""Choices and switches of plan values commit like typed values (``planner.ui.live_input``'s
choice and switch): a pick or a flip is one commit with the version the input showed, taken
once; an overtaken one is a conflict card in the field's words; nothing else writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from planner import i18n
from planner.store import Store
from planner.ui import collab, session, state
from planner.ui.live_input import ACKS, Commit, commit_of
from planner.ui.text import plain
from tests.app_support import field, named, send_commit

ROOT = Path(__file__).resolve().parents[1]
KIND = "partner.kind"
SUBSCRIPTION = "revenue.subscription"
KINDS = ("reseller", "msp", "si", "isv")
SWITCH = ("on", "off")


@pytest.mark.parametrize(
    ("payload", "allowed", "expected"),
    [
        # a choice: the option picked and the one shown, both options of the field
        ({"text": "msp", "version": 4, "showed": "si"}, KINDS, Commit("msp", 4, "si")),
        (
            {"text": "msp", "version": 4, "showed": "si", "nonce": "n1"},
            KINDS,
            Commit("msp", 4, "si", "n1"),
        ),
        ({"text": "Managed Service Provider", "version": 4, "showed": "si"}, KINDS, None),
        ({"text": "msp", "version": 4, "showed": "gone"}, KINDS, None),
        ({"text": "", "version": 4, "showed": "si"}, KINDS, None),
        ({"text": ["msp"], "version": 4, "showed": "si"}, KINDS, None),
        ({"text": "msp", "version": True, "showed": "si"}, KINDS, None),
        ({"text": "msp", "showed": "si"}, KINDS, None),
        # a switch: on or off, nothing else (not a bool, not "true")
        ({"text": "on", "version": 0, "showed": "off"}, SWITCH, Commit("on", 0, "off")),
        ({"text": "off", "version": 9, "showed": "on"}, SWITCH, Commit("off", 9, "on")),
        ({"text": True, "version": 9, "showed": "off"}, SWITCH, None),
        ({"text": "true", "version": 9, "showed": "off"}, SWITCH, None),
        ({"text": "on", "version": 9, "showed": "On"}, SWITCH, None),
        ({"text": "on", "version": 9, "showed": "off", "nonce": 7}, SWITCH, None),
        ("on", SWITCH, None),
    ],
)
def test_a_pick_or_flip_is_taken_only_in_its_own_shape(
    payload: Any, allowed: tuple[str, ...], expected: Commit | None
) -> None:
    assert commit_of(payload, allowed) == expected


def _page(name: str = "Vera", language: str = "de") -> AppTest:
    app = named(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), name)
    app.session_state[state.LANGUAGE] = language
    app.switch_page("planner/ui/pages/assumptions.py").run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def _rows(store: Store, plan_id: str) -> list[tuple[str, str, Any]]:
    return [(r.author, r.path, r.new) for r in store.log(plan_id)[1:]]


def _card(app: AppTest) -> str:
    return "\n".join(w.value for w in app.warning)


def test_a_pick_writes_one_row_and_a_commit_sent_again_is_taken_once(workspace: Store) -> None:
    app = _page()
    plan_id = app.session_state[session.PLAN_ID]
    choice = field(app, KIND)
    assert choice.value == "reseller"  # the example plan's partner
    assert choice.names == [i18n.t(f"kind.{k}", "de") for k in KINDS]  # named in German
    payload = {"text": "msp", "version": choice.version, "showed": "reseller", "nonce": "k1"}
    send_commit(app, choice.id, payload)
    assert _rows(workspace, plan_id) == [("Vera", KIND, "msp")]
    assert app.session_state[ACKS][choice.key] == ("k1", True)  # the browser's answer
    send_commit(app, choice.id, payload)  # the answer was lost: the browser sends it again
    app.run()
    assert _rows(workspace, plan_id) == [("Vera", KIND, "msp")]
    assert field(app, KIND).value == "msp"
    assert field(app, KIND).key == choice.key  # the same input, updated, not a new one


def test_a_remote_change_updates_the_input_under_its_key_and_writes_nothing(
    workspace: Store,
) -> None:
    """Someone else changes both fields while the page is open: the page's next runs (polls)
    show the new values in the same inputs (no new key, so an open list stays open and a click
    in flight reaches the input it was made on), and write nothing."""
    app = _page()
    plan_id = app.session_state[session.PLAN_ID]
    before = {path: field(app, path) for path in (KIND, SUBSCRIPTION)}
    for path, value in ((KIND, "si"), (SUBSCRIPTION, not before[SUBSCRIPTION].value)):
        base = workspace.field_version(plan_id, path)
        assert workspace.apply_edit(plan_id, path, value, base, "Remo", "vendor").ok
    for _ in range(3):
        app.run()
    assert field(app, KIND).key == before[KIND].key
    assert field(app, KIND).value == "si"
    assert field(app, SUBSCRIPTION).key == before[SUBSCRIPTION].key
    assert field(app, SUBSCRIPTION).value is not before[SUBSCRIPTION].value
    assert {author for author, _, _ in _rows(workspace, plan_id)} == {"Remo"}


@pytest.mark.parametrize("language", ["de", "en"])
def test_an_overtaken_flip_is_a_conflict_that_reads_like_the_switch(
    workspace: Store, language: str
) -> None:
    """Max flips the subscription switch on the page he saw, after Vera had flipped it and
    back: his flip is not written (the same value reached another way would be no conflict);
    the card says what Vera set in words (yes/no, not True/False) and the switch stays
    read-only until he decides. Keep mine then writes his."""
    vera, max_ = _page("Vera", language), _page("Max", language)
    plan_id = vera.session_state[session.PLAN_ID]
    seen = field(max_, SUBSCRIPTION)
    shown = seen.value
    field(vera, SUBSCRIPTION).set_value(not shown).run()
    field(vera, SUBSCRIPTION).set_value(shown).run()
    seen.set_value(not shown).run()  # his flip, based on the version before Vera's
    vera_rows = [("Vera", SUBSCRIPTION, not shown), ("Vera", SUBSCRIPTION, shown)]
    assert _rows(workspace, plan_id) == vera_rows
    said = i18n.t(
        "collab.conflict",
        language,
        author="Vera",
        side=i18n.t("collab.side.vendor", language),
        field=i18n.label(SUBSCRIPTION, language),
        value=i18n.t("collab.yes" if shown else "collab.no", language),
    )
    assert plain(said) in _card(max_)
    assert "True" not in _card(max_)
    assert "False" not in _card(max_)
    assert field(max_, SUBSCRIPTION).disabled  # until he decides
    app_button(max_, keep_mine=True).click().run()
    assert _rows(workspace, plan_id) == [*vera_rows, ("Max", SUBSCRIPTION, not shown)]
    assert not field(max_, SUBSCRIPTION).disabled
    assert field(max_, SUBSCRIPTION).value is (not shown)


def app_button(app: AppTest, keep_mine: bool) -> Any:
    (conflict,) = app.session_state[collab.CONFLICTS]
    return app.button(key=collab.decision_key(conflict, keep_mine))


def test_an_overtaken_pick_is_a_conflict_named_by_the_options(workspace: Store) -> None:
    vera, max_ = _page("Vera", "en"), _page("Max", "en")
    plan_id = vera.session_state[session.PLAN_ID]
    seen = field(max_, KIND)
    field(vera, KIND).set_value("isv").run()
    seen.set_value("si").run()
    assert _rows(workspace, plan_id) == [("Vera", KIND, "isv")]
    assert plain(i18n.t("kind.isv", "en")) in _card(max_)
    assert "isv" not in _card(max_).replace("(ISV)", "")  # the name, not the stored code
    assert plain(i18n.t("kind.si", "en")) in "\n".join(c.value for c in max_.caption)
    app_button(max_, keep_mine=True).click().run()
    assert _rows(workspace, plan_id) == [("Vera", KIND, "isv"), ("Max", KIND, "si")]


@pytest.mark.parametrize(
    "payload",
    [
        {"text": "partner", "version": 1, "showed": "reseller"},  # no option of the field
        {"text": "Managed Service Provider", "version": 1, "showed": "reseller"},
        {"text": True, "version": 1, "showed": "reseller"},
        {"text": "msp", "version": "1", "showed": "reseller"},
        "msp",
    ],
)
def test_a_malformed_pick_writes_nothing_and_breaks_nothing(workspace: Store, payload: Any) -> None:
    app = _page()
    plan_id = app.session_state[session.PLAN_ID]
    send_commit(app, field(app, KIND).id, payload)
    assert not app.exception, [e.message for e in app.exception]
    assert _rows(workspace, plan_id) == []
    assert field(app, KIND).value == "reseller"


def test_a_pick_of_the_value_shown_is_no_edit(workspace: Store) -> None:
    app = _page()
    plan_id = app.session_state[session.PLAN_ID]
    shown = field(app, SUBSCRIPTION)
    shown.set_value(shown.value).run()  # the switch reports what it showed: nobody flipped
    assert _rows(workspace, plan_id) == []
    assert collab.CONFLICTS not in app.session_state or not app.session_state[collab.CONFLICTS]


def test_the_options_follow_the_ui_language(workspace: Store) -> None:
    app = _page()
    german = field(app, KIND)
    app.selectbox(key=state.LANGUAGE).set_value("en").run()
    english = field(app, KIND)
    assert english.key != german.key  # a new language is a new input
    assert english.names == [i18n.t(f"kind.{k}", "en") for k in KINDS]
    assert english.label == i18n.label(KIND, "en")
    assert json.dumps(english.names) != json.dumps(german.names)
