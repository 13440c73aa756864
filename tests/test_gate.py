"""Who reaches the workspace: the owner key is limited per client and every attempt logged;
without a login or owner key the workspace is served on a loopback address only."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from planner import access, i18n
from planner.ui import shell, state
from tests.app_support import local_app
from tests.factories import ROOT

KEY = "correct horse battery staple"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """The process-wide key attempts on a clock that moves when told to, emptied around."""
    fake = Clock()
    monkeypatch.setattr(access.OWNER_KEY_ATTEMPTS, "clock", fake)
    access.OWNER_KEY_ATTEMPTS.clear()
    yield fake
    access.OWNER_KEY_ATTEMPTS.clear()


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    with local_app(tmp_path, monkeypatch):
        yield monkeypatch


@pytest.fixture
def bound_to() -> Iterator[Callable[[str | None], None]]:
    """Set ``server.address`` as the running server sees it (the command line's
    ``--server.address``); the configured value is put back afterwards."""
    before = config.get_option("server.address")

    def bind(address: str | None) -> None:
        config.set_option("server.address", address, "command-line argument or env var")

    yield bind
    config.set_option("server.address", before, "command-line argument or env var")


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def give_key(at: AppTest, key: str) -> AppTest:
    at.text_input(key=shell.OWNER_KEY_INPUT).input(key)
    return at.button[0].click().run()


# --- the owner key -----------------------------------------------------------------------------


def test_wrong_keys_are_limited_per_client_and_the_window_slides(clock: Clock) -> None:
    env = {"PLANNER_OWNER_KEY": KEY}
    attempts = access.KeyAttempts(limit=3, window=60, clock=clock)
    for _ in range(2):
        assert access.try_owner_key("guess", "10.0.0.7", attempts, env).status == "wrong"
    third = access.try_owner_key("guess", "10.0.0.7", attempts, env)
    assert (third.status, third.seconds) == ("wait", 60)
    # now even the right key is not checked for this client, but another client is served
    assert access.try_owner_key(KEY, "10.0.0.7", attempts, env).status == "wait"
    assert access.try_owner_key(KEY, "10.0.0.8", attempts, env).status == "ok"
    clock.now += 59
    assert access.try_owner_key(KEY, "10.0.0.7", attempts, env) == access.KeyVerdict("wait", 1)
    clock.now += 1
    assert access.try_owner_key(KEY, "10.0.0.7", attempts, env).status == "ok"
    # the right key forgets the client's wrong ones
    assert attempts.wait("10.0.0.7") == 0
    assert access.try_owner_key("guess", "10.0.0.7", attempts, env).status == "wrong"


def test_remembered_clients_are_bounded(clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access, "KEY_CLIENTS", 100)
    attempts = access.KeyAttempts(limit=1, window=60, clock=clock)
    for i in range(250):
        attempts.record(f"10.0.{i // 250}.{i % 250}", ok=False)
    assert len(attempts._wrong) == 100
    assert attempts.wait("10.0.0.249") > 0  # the newest are kept
    assert attempts.wait("10.0.0.0") == 0


def test_thirty_guesses_in_the_form_get_five_answers_and_are_logged(
    app_env: pytest.MonkeyPatch, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    app_env.setenv("PLANNER_OWNER_KEY", KEY)
    at = app().run()
    caplog.set_level(logging.INFO, logger="planner.access")
    answers = []
    for guess in range(30):
        give_key(at, f"guess {guess}")
        answers.append(at.error[0].value)
    wrong = i18n.t("ui.workspace.owner_key_wrong", "de")
    wait = i18n.t("ui.workspace.owner_key_wait", "de", seconds=60)
    assert answers[: access.KEY_ATTEMPTS - 1] == [wrong] * (access.KEY_ATTEMPTS - 1)
    assert answers[access.KEY_ATTEMPTS - 1 :] == [wait] * (31 - access.KEY_ATTEMPTS)
    give_key(at, KEY)  # the right key, too early: not checked
    assert at.session_state[shell.OWNER_OK] is False
    assert not at.metric  # nothing of the workspace
    logged = [r.getMessage() for r in caplog.records if r.name == "planner.access"]
    assert sum("wrong key from" in line for line in logged) == access.KEY_ATTEMPTS
    assert sum("refused unchecked" in line for line in logged) == 31 - access.KEY_ATTEMPTS
    assert not any(KEY in line or "guess" in line for line in logged)  # keys are never logged
    clock.now += access.KEY_WINDOW_SECONDS
    give_key(at, KEY)
    assert at.session_state[shell.OWNER_OK] is True
    assert not at.error
    assert any("accepted from" in r.getMessage() for r in caplog.records)


# --- the address the server binds --------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("", False),
        (None, False),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("planner.example.org", False),
    ],
)
def test_only_loopback_addresses_count_as_this_computer(
    address: str | None, loopback: bool
) -> None:
    assert access.is_loopback(address) is loopback


@pytest.mark.parametrize("address", ["0.0.0.0", "192.168.1.20", None])
def test_a_reachable_address_without_login_or_key_serves_no_workspace(
    app_env: pytest.MonkeyPatch, bound_to: Callable[[str | None], None], address: str | None
) -> None:
    bound_to(address)
    at = app().run()
    assert not at.exception
    (error,) = at.error
    shown = address or "0.0.0.0"
    assert f"Die App läuft auf der Adresse {shown}" in error.value
    assert "PLANNER_OWNER_KEY" in error.value
    assert "--server.address localhost" in error.value
    assert not at.metric  # nothing of the workspace
    assert not at.sidebar.selectbox  # no navigation, no plan
    assert state.PLAN not in at.session_state


def test_a_reachable_address_with_an_owner_key_asks_for_it(
    app_env: pytest.MonkeyPatch, bound_to: Callable[[str | None], None], clock: Clock
) -> None:
    bound_to("0.0.0.0")
    app_env.setenv("PLANNER_OWNER_KEY", KEY)
    at = app().run()
    assert not at.error
    assert at.text_input(key=shell.OWNER_KEY_INPUT)
    give_key(at, KEY)
    assert at.session_state[shell.OWNER_OK] is True
    assert at.metric  # the dashboard


def test_on_localhost_the_local_tool_opens_at_once(
    app_env: pytest.MonkeyPatch, bound_to: Callable[[str | None], None]
) -> None:
    bound_to("127.0.0.1")
    at = app().run()
    assert not at.error
    assert at.metric
