"""The server's watcher: what it reads of a plan (``planner.watch``) and whom it wakes
(``planner.ui.push``), without a browser. The browser tests (``test_browser_push.py``,
``test_browser_servers.py``) show a woken page in chromium."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from planner import access, proposals
from planner.store import Store
from planner.store.db import changes, plan_versions
from planner.ui.push import Watch, Watcher
from planner.watch import Stamp, stamps
from tests.store_support import FakeClock, clock, database_url, example_plan, store

__all__ = ["FakeClock", "clock", "database_url", "store"]  # fixtures used below


class Wakes:
    """A stand-in for Streamlit: records whom the watcher woke; ``gone`` sessions are closed."""

    def __init__(self, gone: frozenset[str] = frozenset()) -> None:
        self.woken: list[tuple[str, str]] = []
        self.gone = gone

    def __call__(self, session_id: str, fragment_id: str) -> bool:
        if session_id in self.gone:
            return False
        self.woken.append((session_id, fragment_id))
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
    invite = access.create_invite(store, plan_id, "partner_editor")
    access.create_invite(store, plan_id, "viewer")
    assert access.revoke(store, plan_id, invite.id)
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
    watcher.watch("vera", Watch(store, first, shown[first], "f1"))
    watcher.watch("anna", Watch(store, first, shown[first], "f2"))
    watcher.watch("otto", Watch(store, second, shown[second], "f3"))
    watcher.stop()
    assert watcher.tick() == 0  # nothing moved: nobody woken
    store.apply_edit(first, "revenue.deal_size", 45000, 1, "Vera", "vendor")
    assert watcher.tick() == 2
    assert sorted(wakes.woken) == [("anna", "f2"), ("vera", "f1")]
    assert watcher.tick() == 0  # once per registration: the woken run registers again
    assert set(watcher.watching()) == {"otto"}


def test_a_page_registered_again_with_what_it_now_shows_is_not_woken(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    wakes = Wakes()
    watcher = Watcher(wakes, interval=60)
    watcher.stop()
    watcher.watch("anna", Watch(store, plan_id, stamps(store, [plan_id])[plan_id], "f"))
    store.apply_edit(plan_id, "revenue.deal_size", 45000, 1, "Vera", "vendor")
    # the page reran before the tick (its own timer) and registered version 2
    watcher.watch("anna", Watch(store, plan_id, stamps(store, [plan_id])[plan_id], "f"))
    assert watcher.tick() == 0
    assert wakes.woken == []


def test_a_closed_session_is_forgotten(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    wakes = Wakes(gone=frozenset({"closed"}))
    watcher = Watcher(wakes, interval=60)
    watcher.stop()
    watcher.watch("closed", Watch(store, plan_id, Stamp(0, 0, 0, 0), "f"))
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
        watcher.watch("anna", Watch(store, plan_id, stamps(store, [plan_id])[plan_id], "f"))
        proposals.propose(
            store, plan_id, {"revenue.deal_size": 40000 + n}, reason="r", author="A", side="partner"
        )
        assert watcher.tick() == 1
    assert len(wakes.woken) == 100
    assert rows_written(store) == before  # one change-log row and one version: the plan's first
    assert before == (1, 1)
    assert store.verify_chain(plan_id).ok


def test_the_watcher_thread_wakes_a_page_by_itself(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    woken = threading.Event()

    def wake(session_id: str, fragment_id: str) -> bool:
        woken.set()
        return True

    watcher = Watcher(wake, interval=0.01)
    try:
        watcher.watch("anna", Watch(store, plan_id, stamps(store, [plan_id])[plan_id], "f"))
        store.apply_edit(plan_id, "revenue.deal_size", 45000, 1, "Vera", "vendor")
        assert woken.wait(30)  # an event, not a clock: the thread runs on its own
    finally:
        watcher.stop()


def test_a_poke_compares_at_once_instead_of_at_the_next_tick(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    woken = threading.Event()

    def wake(session_id: str, fragment_id: str) -> bool:
        woken.set()
        return True

    watcher = Watcher(wake, interval=3600)  # its next tick is an hour away
    try:
        watcher.watch("anna", Watch(store, plan_id, stamps(store, [plan_id])[plan_id], "f"))
        store.apply_edit(plan_id, "revenue.deal_size", 45000, 1, "Vera", "vendor")
        watcher.poke()  # what a write through this server does
        assert woken.wait(30)
    finally:
        watcher.stop()
