"""The server's watcher: what it reads of a plan (``planner.watch``) and whom it wakes
(``planner.ui.push``), without a browser. The browser tests (``test_browser_push.py``,
``test_browser_servers.py``) show a woken page in chromium."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from planner import access, proposals
from planner.policy import RULES
from planner.store import Store
from planner.store.db import changes, plan_versions
from planner.ui import push
from planner.ui.push import Watch, Watcher
from planner.watch import Signal, Stamp, listen, stamps
from tests.store_support import (
    BACKENDS,
    FakeClock,
    clock,
    database_for,
    database_url,
    example_plan,
    store,
)

__all__ = ["FakeClock", "clock", "database_url", "store"]  # fixtures used below


class Wakes:
    """A stand-in for Streamlit: records whom the watcher woke; ``gone`` sessions are closed."""

    def __init__(self, gone: frozenset[str] = frozenset()) -> None:
        self.woken: list[str] = []
        self.gone = gone

    def __call__(self, session_id: str, fragment_id: str) -> bool:
        assert fragment_id == "live"  # the fragment the page registered
        if session_id in self.gone:
            return False
        self.woken.append(session_id)
        return True


def rows_written(store: Store) -> tuple[int, int]:
    """Change-log rows and plan versions in the whole database."""
    with store.reading() as conn:
        logged = conn.execute(select(func.count()).select_from(changes)).scalar_one()
        versions = conn.execute(select(func.count()).select_from(plan_versions)).scalar_one()
    return int(logged), int(versions)


def test_a_stamp_counts_versions_proposals_and_revoked_links(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    other = store.create_plan(example_plan(), author="Vera", side="vendor")
    # a new plan: version 1, nothing proposed, no link revoked; an unknown plan: all zero
    assert stamps(store, [plan_id, "missing"]) == {
        plan_id: Stamp(1, 0, 0, 0),
        "missing": Stamp(0, 0, 0, 0),
    }
    store.apply_edit(plan_id, "revenue.deal_size", 45000, 1, "Vera", "vendor")  # version 2
    made = proposals.propose(
        store, plan_id, {"revenue.deal_size": 47000}, reason="r", author="Anna", side="partner"
    )
    proposals.propose(
        store, plan_id, {"revenue.deal_size": 48000}, reason="s", author="Anna", side="partner"
    )
    proposals.withdraw(store, plan_id, made.id, author="Anna", side="partner")
    invite = access.create_invite(store, access.owner_access(plan_id), "partner_editor")
    access.create_invite(store, access.owner_access(plan_id), "viewer")
    assert access.revoke(store, access.owner_access(plan_id), invite.id)
    # version 2; two proposals made, one of them decided (withdrawn); one of two links revoked;
    # the other plan untouched
    assert stamps(store, [plan_id, other]) == {
        plan_id: Stamp(2, 2, 1, 1),
        other: Stamp(1, 0, 0, 0),
    }
    assert stamps(store, []) == {}


def test_the_watcher_wakes_each_page_of_a_moved_plan_once(store: Store) -> None:
    first = store.create_plan(example_plan(), author="Vera", side="vendor")
    second = store.create_plan(example_plan(), author="Vera", side="vendor")
    wakes = Wakes()
    watcher = Watcher(wakes, interval=60)  # ticks by hand below
    shown = stamps(store, [first, second])
    watcher.watch("vera", Watch(store, first, shown[first], "live"))
    watcher.watch("anna", Watch(store, first, shown[first], "live"))
    watcher.watch("otto", Watch(store, second, shown[second], "live"))
    watcher.stop()
    assert watcher.tick() == 0  # nothing moved: nobody woken
    store.apply_edit(first, "revenue.deal_size", 45000, 1, "Vera", "vendor")
    assert watcher.tick() == 2
    assert sorted(wakes.woken) == ["anna", "vera"]
    assert watcher.tick() == 0  # once per registration: the woken run registers again
    assert set(watcher.watching()) == {"otto"}


def test_a_page_registered_again_with_what_it_now_shows_is_not_woken(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    wakes = Wakes()
    watcher = Watcher(wakes, interval=60)
    watcher.stop()
    watcher.watch("anna", Watch(store, plan_id, stamps(store, [plan_id])[plan_id], "live"))
    store.apply_edit(plan_id, "revenue.deal_size", 45000, 1, "Vera", "vendor")
    # the page reran before the tick (its own timer) and registered version 2
    watcher.watch("anna", Watch(store, plan_id, stamps(store, [plan_id])[plan_id], "live"))
    assert watcher.tick() == 0
    assert wakes.woken == []


def test_a_closed_session_is_forgotten(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    wakes = Wakes(gone=frozenset({"closed"}))
    watcher = Watcher(wakes, interval=60)
    watcher.stop()
    watcher.watch("closed", Watch(store, plan_id, Stamp(0, 0, 0, 0), "live"))
    assert watcher.tick() == 0
    assert watcher.watching() == {}


def test_a_hundred_notifications_write_nothing(store: Store) -> None:
    """Each round: a proposal moves the plan's stamp (a proposal is no plan version and no
    change-log row), the watcher wakes the page, the page registers again. The change log and
    the plan versions stay as they were; the chain still verifies."""
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    wakes = Wakes()
    watcher = Watcher(wakes, interval=60)
    watcher.stop()
    before = rows_written(store)
    for n in range(100):
        watcher.watch("anna", Watch(store, plan_id, stamps(store, [plan_id])[plan_id], "live"))
        proposals.propose(
            store, plan_id, {"revenue.deal_size": 40000 + n}, reason="r", author="A", side="partner"
        )
        assert watcher.tick() == 1
    assert len(wakes.woken) == 100
    assert rows_written(store) == before  # one change-log row and one version: the plan's first
    assert before == (1, 1)
    assert store.verify_chain(plan_id).ok


def woken_after_an_edit(watched: Store, writer: Store, interval: float, poke: bool) -> bool:
    """Whether a watcher thread ticking every ``interval`` seconds, watching a page of a new
    plan in ``watched``, wakes it after ``writer`` commits an edit to the plan (then, with
    ``poke``, the watcher is poked, as a write through its own server does). Waits on an
    event, not a clock: the thread runs on its own."""
    plan_id = watched.create_plan(example_plan(), author="Vera", side="vendor")
    woken = threading.Event()

    def wake(session_id: str, fragment_id: str) -> bool:
        woken.set()
        return True

    watcher = Watcher(wake, interval=interval)
    try:
        watcher.watch("anna", Watch(watched, plan_id, stamps(watched, [plan_id])[plan_id], "live"))
        writer.apply_edit(plan_id, "revenue.deal_size", 45000, 1, "Anna", "partner")
        if poke:
            watcher.poke()
        return woken.wait(30)
    finally:
        watcher.stop()


def test_the_watcher_thread_wakes_a_page_by_itself(store: Store) -> None:
    assert woken_after_an_edit(store, store, interval=0.01, poke=False)


def test_a_poke_compares_at_once_instead_of_at_the_next_tick(store: Store) -> None:
    # its next tick is an hour away (on PostgreSQL its listener would wake it too)
    assert woken_after_an_edit(store, store, interval=3600, poke=True)


def test_the_signal_moves_with_a_commit_of_another_connection_only(tmp_path: Path) -> None:
    """SQLite's data version on the watcher's own connection: unchanged while nobody commits
    (reads included), changed after a commit through the store's engine."""
    opened = Store(f"sqlite+pysqlite:///{tmp_path / 'planner.db'}", policy=RULES)
    try:
        plan_id = opened.create_plan(example_plan(), author="Vera", side="vendor")
        signal = Signal(opened)
        assert not signal.unchanged()  # the first look has nothing to compare with
        assert signal.unchanged()
        stamps(opened, [plan_id])  # a read commits nothing
        assert signal.unchanged()
        opened.apply_edit(plan_id, "revenue.deal_size", 45000, 1, "Vera", "vendor")
        assert opened.version(plan_id) == 2  # the edit was committed
        assert not signal.unchanged()
        assert signal.unchanged()
        signal.reset()
        assert not signal.unchanged()
        signal.close()
        assert not signal.unchanged()  # closed: every look says "changed"
    finally:
        opened.close()


def test_the_signal_moves_with_every_commit_on_either_database(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    signal = Signal(store)
    try:
        assert not signal.unchanged()  # the first look
        for n in range(3):
            store.apply_edit(
                plan_id, "revenue.deal_size", 45000 + n, store.version(plan_id), "Vera", "vendor"
            )
            assert not signal.unchanged()
        assert store.version(plan_id) == 4  # three edits committed
    finally:
        signal.close()


def test_without_a_signal_every_look_says_changed(tmp_path: Path) -> None:
    opened = Store("sqlite+pysqlite://")  # in memory: no file another connection could open
    try:
        signal = Signal(opened)
        assert not signal.unchanged()
        assert not signal.unchanged()
    finally:
        opened.close()


def test_while_nothing_is_committed_the_watcher_reads_no_stamps(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ticks between changes skip the stamps' query; a commit (here a proposal, which
    moves no version) is read at the next tick and wakes the page."""
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    reads: list[int] = []

    def counted(opened: Store, plan_ids: Any) -> dict[str, Stamp]:
        reads.append(len(plan_ids))
        return stamps(opened, plan_ids)

    monkeypatch.setattr(push, "stamps", counted)
    wakes = Wakes()
    watcher = Watcher(wakes, interval=60)
    watcher.stop()
    watcher.watch("anna", Watch(store, plan_id, stamps(store, [plan_id])[plan_id], "live"))
    for _ in range(5):
        assert watcher.tick() == 0
    # SQLite's counter moves only with a commit to this database; PostgreSQL's snapshot also
    # with one anywhere in its cluster (a background analyze may take one): at most every tick
    sqlite = store.engine.dialect.name == "sqlite"
    assert len(reads) == 1 if sqlite else 1 <= len(reads) <= 5
    before = len(reads)
    proposals.propose(
        store, plan_id, {"revenue.deal_size": 47000}, reason="r", author="Anna", side="partner"
    )
    assert watcher.tick() == 1
    assert wakes.woken == ["anna"]
    assert len(reads) == before + 1  # a commit is always read
    # a page registering a plan the watcher has not read yet is read at once, changed or not
    watcher.watch("anna", Watch(store, plan_id, stamps(store, [plan_id])[plan_id], "live"))
    other = store.create_plan(example_plan(), author="Vera", side="vendor")
    watcher.watch("otto", Watch(store, other, Stamp(1, 0, 0, 0), "live"))
    read = len(reads)
    assert watcher.tick() == 0  # both pages show what is stored
    assert len(reads) == read + 1
    # a stale registration of a plan read before is compared with what was read: woken
    watcher.watch("anna", Watch(store, plan_id, Stamp(1, 0, 0, 0), "live"))
    assert watcher.tick() == 1
    assert wakes.woken == ["anna", "anna"]


def test_a_failed_read_is_read_again_at_the_next_tick(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    watcher = Watcher(Wakes(), interval=60)
    watcher.stop()
    watcher.watch("anna", Watch(store, plan_id, stamps(store, [plan_id])[plan_id], "live"))
    assert watcher.tick() == 0
    store.apply_edit(plan_id, "revenue.deal_size", 45000, 1, "Vera", "vendor")

    def down(opened: Store, plan_ids: Any) -> dict[str, Stamp]:
        raise OSError("the database does not answer")

    monkeypatch.setattr(push, "stamps", down)
    with pytest.raises(OSError, match="does not answer"):
        watcher.tick()
    monkeypatch.setattr(push, "stamps", stamps)
    assert watcher.tick() == 1  # the edit is not lost behind the failed read


def test_a_wake_writes_nothing_and_replays_no_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the watcher hands Streamlit for a wake: a run of the page's live fragment on the
    page the session shows, with no widget values (None; an empty set would drop an input on
    its way); nothing else of the session is touched."""
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.runtime import Runtime
    from streamlit.runtime.app_session import AppSessionState

    asked: list[Any] = []

    class Runner:
        def request_rerun(self, data: Any) -> bool:
            asked.append(data)
            return True

    class Session:
        _client_state = ClientState(
            query_string="plan=p1&key=k", page_script_hash="abc", page_name="assumptions"
        )
        _client_state.widget_states.widgets.add(id="deal", string_value="45000")
        _scriptrunner = Runner()
        _state = AppSessionState.APP_IS_RUNNING

        def _call_soon_on_event_loop(self, call: Any) -> None:
            call()

        def _create_scriptrunner(self, data: Any) -> None:
            raise AssertionError("the session's runner takes the request")

    class Instance:
        def get_app_session(self, session_id: str) -> Session | None:
            found = Session() if session_id in ("anna", "closing") else None
            if session_id == "closing" and found is not None:
                found._state = AppSessionState.SHUTDOWN_REQUESTED
            return found

    monkeypatch.setattr(Runtime, "exists", staticmethod(lambda: True))
    monkeypatch.setattr(Runtime, "instance", staticmethod(lambda: Instance()))
    assert not push.rerun_fragment("gone", "live")
    push.rerun_fragment("closing", "live")
    assert asked == []  # a session closing gets no run
    assert push.rerun_fragment("anna", "live")
    [data] = asked
    assert data.widget_states is None
    assert data.fragment_id == "live"
    assert not data.is_fragment_scoped_rerun
    assert (data.query_string, data.page_script_hash, data.page_name) == (
        "plan=p1&key=k",
        "abc",
        "assumptions",
    )
    assert data.is_auto_rerun


def test_a_wake_waits_for_the_run_under_way_and_never_interrupts_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Streamlit's own request queue: while a run is under way (a person's commit being written
    in its callback), the wake's request is held for after it; it does not stop that run at
    its next step, as a full rerun asked for directly did (the commit was then written, not
    marked taken, sent again and written twice). A person's input arriving meanwhile is kept
    with it."""
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.proto.WidgetStates_pb2 import WidgetStates
    from streamlit.runtime import Runtime
    from streamlit.runtime.app_session import AppSessionState
    from streamlit.runtime.scriptrunner_utils.script_requests import (
        RerunData,
        ScriptRequests,
        ScriptRequestType,
    )

    requests = ScriptRequests()
    typed = WidgetStates()
    typed.widgets.add(id="deal", string_value="45000")
    assert requests.request_rerun(RerunData(widget_states=typed))
    started = requests.on_scriptrunner_ready()  # the person's run starts
    assert started.type == ScriptRequestType.RERUN

    class Session:
        _client_state = ClientState(page_script_hash="abc", page_name="assumptions")
        _scriptrunner = requests  # takes request_rerun as the runner does
        _state = AppSessionState.APP_IS_RUNNING

        def _call_soon_on_event_loop(self, call: Any) -> None:
            call()

        def _create_scriptrunner(self, data: Any) -> None:
            raise AssertionError("the session's runner takes the request")

    class Instance:
        def get_app_session(self, session_id: str) -> Session:
            return Session()

    monkeypatch.setattr(Runtime, "exists", staticmethod(lambda: True))
    monkeypatch.setattr(Runtime, "instance", staticmethod(lambda: Instance()))
    assert push.rerun_fragment("anna", "live")
    assert requests.on_scriptrunner_yield() is None  # the run under way goes on
    more = WidgetStates()
    more.widgets.add(id="fte", string_value="2")
    assert requests.request_rerun(RerunData(widget_states=more))  # the person types on
    after = requests.on_scriptrunner_yield()  # now the person's input stops it, as always
    assert after is not None
    assert after.rerun_data is not None
    assert after.rerun_data.widget_states is not None
    assert [w.id for w in after.rerun_data.widget_states.widgets] == ["fte"]
    # the wake is folded into the person's run (a full run runs the fragment too)
    assert after.rerun_data.fragment_id_queue == []


def test_the_server_does_not_collect_all_garbage_after_every_run() -> None:
    """Streamlit's full collection after each script run cost about 100 ms of CPU in this
    process, twice per remote change; the app's configuration turns it off."""
    import tomllib

    config = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False


@pytest.fixture(params=BACKENDS[1:])
def postgres_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh PostgreSQL database (PostgreSQL alone has commits to listen to)."""
    yield from database_for(request.param, tmp_path)


def test_on_sqlite_there_is_nothing_to_listen_to(tmp_path: Path) -> None:
    opened = Store(f"sqlite+pysqlite:///{tmp_path / 'planner.db'}")
    try:
        assert listen(opened, lambda: None) is None  # its watcher reads the data version
    finally:
        opened.close()


def test_the_listener_hears_a_commit_of_another_server_and_listens_again_when_cut_off(
    postgres_url: str,
) -> None:
    """Two stores on one database are two app servers. The listener calls once as it starts
    listening (for what it missed), once per commit, and again after a lost connection."""
    here, there = Store(postgres_url, policy=RULES), Store(postgres_url, policy=RULES)
    heard: list[int] = []
    calls = threading.Condition()

    def on_commit() -> None:
        with calls:
            heard.append(1)
            calls.notify_all()

    def heard_at_least(n: int) -> bool:
        with calls:
            return calls.wait_for(lambda: len(heard) >= n, timeout=30)

    listener = listen(here, on_commit)
    assert listener is not None
    try:
        plan_id = here.create_plan(example_plan(), author="Vera", side="vendor")
        assert heard_at_least(1)
        assert listener.listening.wait(30)
        with calls:
            seen = len(heard)
        there.apply_edit(plan_id, "revenue.deal_size", 45000, 1, "Anna", "partner")
        assert heard_at_least(seen + 1)
        with there.writing() as conn:  # cut the listener's connection, as a restart would
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE query LIKE 'LISTEN %' AND datname = current_database()"
                )
            )
        assert _cleared(listener.listening)
        assert listener.listening.wait(30)  # listening again
        with calls:
            seen = len(heard)
        there.apply_edit(plan_id, "revenue.deal_size", 46000, 2, "Anna", "partner")
        assert heard_at_least(seen + 1)
        assert there.version(plan_id) == 3
    finally:
        listener.close()
        here.close()
        there.close()


def _cleared(event: threading.Event) -> bool:
    """Wait (30 s at most) until ``event`` is cleared."""
    for _ in range(3000):
        if not event.is_set():
            return True
        threading.Event().wait(0.01)
    return False


def test_a_commit_on_another_server_wakes_a_page_without_waiting_for_a_tick(
    postgres_url: str,
) -> None:
    """The watcher's tick is an hour away and nothing on its server pokes it: the commit of
    the other server (another store on the same database) wakes the page, heard by the
    watcher's listener (or, were it made before the listener listened, read at the
    listener's start)."""
    here, there = Store(postgres_url, policy=RULES), Store(postgres_url, policy=RULES)
    try:
        assert woken_after_an_edit(here, there, interval=3600, poke=False)
    finally:
        here.close()
        there.close()
