"""What an open page watches of its plan: one small stamp that moves with every change it shows.

A page shows a stored plan's version, its open and decided proposals and, for a link, whether
the link still holds. :func:`stamps` reads all of that for many plans in one short read-only
transaction (one query of indexed counts, whatever the number of plans), so one watcher per app
server can compare the stamps of every plan open on it several times a second
(:mod:`planner.ui.push`). It never writes.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, NamedTuple

from sqlalchemy import func, select

from planner.store import Store
from planner.store.db import invites, plans, proposals


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
