"""What an open page watches of its plan: one small stamp that moves with every change it shows.

A page shows a stored plan's version, its open and decided proposals and, for a link, whether
the link still holds. :func:`stamps` reads all of that for many plans in one short read-only
transaction (one query of indexed counts, whatever the number of plans), so one watcher per app
server can compare the stamps of every plan open on it several times a second
(:mod:`planner.ui.push`). A :class:`Signal` (SQLite's data version, a counter SQLite keeps in
memory, or PostgreSQL's current snapshot) says whether anything was committed since the last
look, so that read is skipped while nothing changes. On PostgreSQL a :class:`Listener` also
hears every commit as it happens (``LISTEN``), so a watcher compares at once instead of at its
next tick, whichever app server wrote the change. None of them writes.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Collection
from typing import Any, NamedTuple

from sqlalchemy import func, select

from planner.store import Store
from planner.store.db import CHANGES_CHANNEL, CONNECT_TIMEOUT_SECONDS, invites, plans, proposals

log = logging.getLogger("planner.watch")


class Stamp(NamedTuple):
    """Counters that only grow: a change to any of them is a change a page shows."""

    version: int
    """The plan's stored version (0 for a plan that is not there)."""
    proposals: int
    """Proposals made on the plan."""
    decided: int
    """Proposals decided (accepted, declined, withdrawn)."""
    revoked: int
    """Invite links of the plan revoked."""


def stamps(store: Store, plan_ids: Collection[str]) -> dict[str, Stamp]:
    """The stamp of each plan in ``plan_ids`` (a plan not stored has version 0)."""
    wanted = sorted(set(plan_ids))
    if not wanted:
        return {}

    def count(column: Any, *where: Any) -> Any:
        """``count(column)`` of the rows of ``column``'s table that belong to the plan."""
        return select(func.count(column)).where(column.table.c.plan_id == plans.c.id, *where)

    query = select(
        plans.c.id,
        plans.c.version,
        count(proposals.c.id).scalar_subquery(),
        count(proposals.c.decided_at).scalar_subquery(),
        count(invites.c.id, invites.c.revoked_at.is_not(None)).scalar_subquery(),
    ).where(plans.c.id.in_(wanted))
    with store.reading() as conn:
        found = {row[0]: Stamp(*(int(v) for v in row[1:])) for row in conn.execute(query)}
    return {plan_id: found.get(plan_id, Stamp(0, 0, 0, 0)) for plan_id in wanted}


def postgres_url(store: Store) -> str | None:
    """The store's PostgreSQL address for a plain psycopg connection (None on SQLite)."""
    url = store.engine.url
    if store.engine.dialect.name != "postgresql":
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class Signal:
    """Whether anything was committed to a store's database since the last look.

    On a connection of its own, which never writes (the pool's are shared with writers) and
    never holds a transaction open:

    - a SQLite file: ``PRAGMA data_version``, which SQLite changes whenever another connection
      (of any process) commits; about a fortieth of the stamps' query;
    - PostgreSQL: the current snapshot (``pg_current_snapshot()``: the transactions in
      progress and one past the highest finished). A write transaction that commits either
      leaves the in-progress list or moves that bound, so an equal snapshot means nothing was
      committed in between; reads take no transaction id and leave it alone.

    Elsewhere (a database in memory), or when that connection fails, every look says
    "changed" (and a failed connection is opened again at the next look).
    """

    def __init__(self, store: Store) -> None:
        url = store.engine.url
        self._path = url.database if store.engine.dialect.name == "sqlite" else None
        self._url = postgres_url(store)
        self._conn: Any = None
        self._seen: object = None

    def _look(self) -> object:
        """The database's counter now (opening the connection on the first look)."""
        if self._path and self._path != ":memory:":
            if self._conn is None:
                self._conn = sqlite3.connect(
                    self._path, check_same_thread=False, isolation_level=None
                )
            # fetch it all: a statement left open would hold a read snapshot, and the
            # counter with it
            [(version,)] = self._conn.execute("PRAGMA data_version").fetchall()
            return int(version)
        if self._url is not None:
            import psycopg

            if self._conn is None:
                self._conn = psycopg.connect(
                    self._url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
                )
            [(snapshot,)] = self._conn.execute("SELECT pg_current_snapshot()::text").fetchall()
            return str(snapshot)
        return None

    def unchanged(self) -> bool:
        """True when nothing was committed since the previous call (never on the first, and
        never without a counter). Take it before reading what it guards."""
        try:
            now = self._look()
        except Exception:  # the database does not answer: read the stamps (which will say so)
            self.close()
            return False
        seen, self._seen = self._seen, now
        return now is not None and seen == now

    def reset(self) -> None:
        """Forget the last look: the next call says "changed"."""
        self._seen = None

    def close(self) -> None:
        self._seen = None
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None


class Listener:
    """PostgreSQL: calls ``on_commit`` whenever a write transaction on the store's database
    commits (each notifies :data:`planner.store.db.CHANGES_CHANNEL`), from any app server or
    the command line.

    A thread of its own on a connection of its own, which only listens. Each time it starts
    listening (first, and again after a lost connection, retried every ``retry`` seconds) it
    calls ``on_commit`` once, for what was committed while it was not listening.
    """

    def __init__(self, url: str, on_commit: Callable[[], None], retry: float = 1.0) -> None:
        self._url = url
        self._on_commit = on_commit
        self._retry = retry
        self._stop = threading.Event()
        self.listening = threading.Event()
        """Set while the connection listens (for tests and the benchmark)."""
        self._thread = threading.Thread(target=self._run, name="planner-listen", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self._url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
                ) as conn:
                    conn.execute(f"LISTEN {CHANGES_CHANNEL}")
                    self.listening.set()
                    self._on_commit()
                    while not self._stop.is_set():
                        # wakes at least every retry seconds to see whether it was closed
                        for _ in conn.notifies(timeout=self._retry):
                            self._on_commit()
            except Exception as error:  # the database went away: listen again later
                log.warning("listening for commits failed: %s", error)
            finally:
                self.listening.clear()
            self._stop.wait(self._retry)

    def close(self) -> None:
        """Stop listening (the thread ends within ``retry`` seconds)."""
        self._stop.set()


def listen(store: Store, on_commit: Callable[[], None]) -> Listener | None:
    """A :class:`Listener` for the store's database, or None where there is nothing to listen
    to (SQLite: its watcher reads the data version at every tick)."""
    url = postgres_url(store)
    return Listener(url, on_commit) if url is not None else None
