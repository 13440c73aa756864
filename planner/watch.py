"""What an open page watches of its plan: one small stamp that moves with every change it shows.

A page shows a stored plan's version, its open and decided proposals and, for a link, whether
the link still holds. :func:`stamps` reads all of that for many plans in one short read-only
transaction (one query of indexed counts, whatever the number of plans), so one watcher per app
server can compare the stamps of every plan open on it several times a second
(:mod:`planner.ui.push`). On SQLite a :class:`Signal` (the database's data version, a counter
SQLite keeps in memory) says whether anything was committed since the last look, so that read
is skipped while nothing changes. It never writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from typing import Any, NamedTuple

from sqlalchemy import func, select

from planner.store import Store
from planner.store.db import CONNECT_TIMEOUT_SECONDS, invites, plans, proposals


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
        self._dialect = store.engine.dialect.name
        self._path = url.database if self._dialect == "sqlite" else None
        self._url = (
            url.set(drivername="postgresql").render_as_string(hide_password=False)
            if self._dialect == "postgresql"
            else None
        )
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
