"""Helpers for AppTest: the input of a plan value, found by its field whatever version it shows.

Typed values are browser components keyed ``field:<path>@typed:<language>``, switches and
choices the same component's modes keyed ``field:<path>@pick:<language>``
(``planner.ui.fields``), so a test names the field, not the key.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.testing.v1 import AppTest

from planner import i18n
from planner.plan.files import load
from planner.plan.schema import Plan
from planner.plan.validation import validate
from planner.policy import RULES
from planner.store import Store
from planner.ui import collab, state
from tests.factories import EXAMPLE, ROOT


class TypedInput:
    """A typed-value input (``planner.ui.live_input``) as the browser shows it; ``set_value``
    and ``run`` are a person typing into it and leaving it (one commit, with the version and
    text this input showed, even if the page has moved on since)."""

    def __init__(self, app: AppTest, element: Any) -> None:
        self.app = app
        self.id: str = element.proto.id
        self.key = self.id.split("-", 2)[2]  # "$$ID-<hash>-<key>"
        data = json.loads(element.proto.json)
        self.value: str = data["text"]
        self.resting: str = data["shown"]
        """How the input reads while nobody edits it (an amount with its currency)."""
        self.version: int = data["version"]
        self.disabled: bool = data["disabled"]
        self.label: str = data["label"]
        self.typed: str | None = None

    def set_value(self, text: str) -> TypedInput:
        self.typed = text
        return self

    def run(self) -> AppTest:
        assert self.typed is not None, "type something first"
        payload = {"text": self.typed, "version": self.version, "showed": self.value}
        return send_commit(self.app, self.id, payload)


class PickInput:
    """A switch or choice (``planner.ui.live_input.live_switch``/``live_choice``) as the
    browser shows it; ``set_value`` and ``run`` are a person's flip or pick (one commit, with
    the version and value this input showed, even if the page has moved on since)."""

    def __init__(self, app: AppTest, element: Any) -> None:
        self.app = app
        self.id: str = element.proto.id
        self.key = self.id.split("-", 2)[2]  # "$$ID-<hash>-<key>"
        data = json.loads(element.proto.json)
        self.mode: str = data["mode"]
        self.shown: str = data["text"]
        self.options: list[str] = [o for o, _ in data.get("options", [])]
        self.names: list[str] = [n for _, n in data.get("options", [])]
        """The options as the input names them, in the UI language."""
        self.version: int = data["version"]
        self.disabled: bool = data["disabled"]
        self.label: str = data["label"]
        self.picked: str | None = None

    @property
    def value(self) -> Any:
        """The stored value shown: a switch's as a bool, a choice's option."""
        return self.shown == "on" if self.mode == "switch" else self.shown

    def set_value(self, value: Any) -> PickInput:
        if self.mode == "switch":
            assert isinstance(value, bool), value
            self.picked = "on" if value else "off"
        else:
            assert value in self.options, (value, self.options)
            self.picked = value
        return self

    def run(self) -> AppTest:
        assert self.picked is not None, "pick something first"
        payload = {"text": self.picked, "version": self.version, "showed": self.shown}
        return send_commit(self.app, self.id, payload)


def pick_inputs(app: AppTest) -> list[PickInput]:
    """Every switch and choice of a plan value on the page."""
    found = app.get("bidi_component")
    return [PickInput(app, e) for e in found if "mode" in json.loads(e.proto.json)]


def send_commit(app: AppTest, element_id: str, payload: Any) -> AppTest:
    """The browser sends ``payload`` as the commit of typed input ``element_id``, with the rest
    of the page as it is now (one run)."""
    states = app._tree.get_widget_states()
    event = states.widgets.add()
    event.id = _make_trigger_id(element_id, "events")
    event.json_trigger_value = json.dumps([{"event": "commit", "value": payload}])
    return app._run(states)


def open_tab(app: AppTest, path: str) -> bool:
    """A person opens the assumptions tab holding plan value ``path`` (one run; only the open
    tab's fields and tables run): False when no tab holds it or it is open already."""
    view = next((v for v, held in state.ASSUMPTIONS_VIEWS.items() if path in held), None)
    language = (
        str(app.session_state[state.LANGUAGE]) if state.LANGUAGE in app.session_state else "de"
    )
    if view is None:
        return False
    title = i18n.t(f"ui.assumptions.{view}", language)
    if (
        state.ASSUMPTIONS_VIEW in app.session_state
        and app.session_state[state.ASSUMPTIONS_VIEW] == title
    ):
        return False
    app.session_state[state.ASSUMPTIONS_VIEW] = title
    app.run()
    return True


def each_tab(app: AppTest) -> Iterator[str]:
    """Open the assumptions page's tabs one after the other (a run each), yielding each tab's
    name while it is open: only the open tab's fields and tables run."""
    language = (
        str(app.session_state[state.LANGUAGE]) if state.LANGUAGE in app.session_state else "de"
    )
    for view in state.ASSUMPTIONS_VIEWS:
        app.session_state[state.ASSUMPTIONS_VIEW] = i18n.t(f"ui.assumptions.{view}", language)
        app.run()
        yield view


def table_editor(app: AppTest, path: str) -> Any:
    """The editable table of plan list ``path`` on the page (keyed ``editor:<path>@...``), its
    assumptions tab opened when it is in a closed one."""
    prefix = f"{state.EDITOR_PREFIX}{path}@"
    for _ in range(2):
        found = [
            e for e in app.get("dataframe") if (getattr(e, "key", None) or "").startswith(prefix)
        ]
        if found:
            return found[0]
        if not open_tab(app, path):
            break
    raise KeyError(f"no table for {path} on the page")


def edit_table(app: AppTest, path: str, delta: dict[str, Any], editor: Any = None) -> AppTest:
    """A person edits the table of ``path`` (``editor``: as a page showed it before, else as
    the page shows it now) and leaves the cell: the browser sends the table's record of
    edited, added and deleted rows (one run)."""
    editor = editor if editor is not None else table_editor(app, path)
    record = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **delta}
    states = app._tree.get_widget_states()
    kept = [s for s in states.widgets if s.id != editor.proto.id]
    del states.widgets[:]
    states.widgets.extend(kept)
    sent = states.widgets.add()
    sent.id = editor.proto.id
    sent.string_value = json.dumps(record)
    return app._run(states)


def typed_inputs(app: AppTest) -> list[TypedInput]:
    """Every typed-value input on the page."""
    found = app.get("bidi_component")  # also the tables' markers (planner.ui.table_seen)
    data = [(e, json.loads(e.proto.json)) for e in found]
    return [TypedInput(app, e) for e, shown in data if "text" in shown and "mode" not in shown]


def field(app: AppTest, path: str) -> Any:
    """The input of plan value ``path`` on the page (typed input, switch or choice), its
    assumptions tab opened when it is in a closed one."""
    prefix = state.field_key(path) + "@"
    for _ in range(2):
        for kind in (typed_inputs(app), pick_inputs(app)):
            for widget in kind:
                if (widget.key or "").startswith(prefix):
                    return widget
        if not open_tab(app, path):
            break
    raise KeyError(f"no input for {path} on the page")


def type_into(app: AppTest, path: str, text: str) -> AppTest:
    """A person types ``text`` into the input of ``path`` and leaves it (one run)."""
    field(app, path).set_value(text).run()
    return app


def named(app: AppTest, name: str = "Vera") -> AppTest:
    """The session's person has entered their name (every change is recorded with one)."""
    from planner.ui import collab

    app.session_state[collab.NAME] = name
    return app


def decision(app: AppTest, path: str, keep_mine: bool) -> Any:
    """The "keep mine" (or "take theirs") button of the conflict pending for ``path``."""
    from planner.ui import collab

    (conflict,) = [c for c in app.session_state[collab.CONFLICTS] if c.path == path]
    return app.button(key=collab.decision_key(conflict, keep_mine))


def click_again(app: AppTest, button: Any) -> AppTest:
    """The browser sends a click on ``button`` from a page it showed before the last run (a
    double click): the current page's widget states plus that button's trigger, one run."""
    return send_stale(app, [button.set_value(True)])


def send_stale(app: AppTest, widgets: list[Any]) -> AppTest:
    """The browser sends ``widgets`` (of a page it showed before, with the values they hold)
    along with the current page's widget states, in one run."""
    states = app._tree.get_widget_states()  # what the browser holds now
    stale = {w.id: w._widget_state for w in widgets}
    kept = [s for s in states.widgets if s.id not in stale]
    del states.widgets[:]
    states.widgets.extend([*kept, *stale.values()])
    return app._run(states)


@contextmanager
def local_app(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app on a fresh local store in ``folder``: no database URL or owner key from the
    environment, polling off (an AppTest's ``run()`` is the poll's rerun), and the store the
    app keeps opened afresh for the test and forgotten after it."""
    monkeypatch.setenv("PLANNER_DATA_DIR", str(folder))
    monkeypatch.delenv("PLANNER_DATABASE_URL", raising=False)
    monkeypatch.delenv("PLANNER_OWNER_KEY", raising=False)
    monkeypatch.setenv("PLANNER_POLL_SECONDS", "0")
    collab.store.clear()
    try:
        yield
    finally:
        collab.store.clear()


@contextmanager
def shared_plan(
    folder: Path, monkeypatch: pytest.MonkeyPatch, plan: Plan
) -> Iterator[tuple[Store, str]]:
    """A local app (:func:`local_app`) whose store holds ``plan``, created by Vera (vendor)."""
    with local_app(folder, monkeypatch):
        store = Store(policy=RULES)
        yield store, store.create_plan(plan, author="Vera", side="vendor")
        store.close()


@contextmanager
def onboarding_plan(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Store, str]]:
    """A local app (:func:`local_app`) whose store holds the example plan with actuals of
    months 1, 2 and 4 (half a deal and 2,600 of opex each): a plan under onboarding review."""
    data = load(EXAMPLE).to_data()
    data["actuals"] = [{"month": m, "new_deals": 0.5, "opex": 2600.0} for m in (1, 2, 4)]
    with shared_plan(folder, monkeypatch, validate(data)) as found:
        yield found


def joined(
    plan_id: str, token: str, name: str, page: str = "assumptions", timeout: float = 60
) -> AppTest:
    """Page ``page`` of ``plan_id`` opened by join link ``token`` by someone who gave the name
    ``name``."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    app.query_params["plan"] = plan_id
    app.query_params["key"] = token
    app.run()
    app.text_input(key=collab.NAME_INPUT).input(name).run()
    app.switch_page(f"planner/ui/pages/{page}.py").run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def onboarding_page(plan_id: str, token: str, name: str) -> AppTest:
    """The onboarding page of ``plan_id`` opened by join link ``token`` as ``name``."""
    return joined(plan_id, token, name, page="onboarding", timeout=90)
