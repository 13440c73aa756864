"""What an open page watches of its plan: one small stamp that moves with every change it shows.

A page shows a stored plan's version, its open and decided proposals and, for a link, whether
the link still holds. :func:`stamps` reads all of that for many plans in one short read-only
transaction (three indexed queries, whatever the number of plans), so one watcher per app
server can compare the stamps of every plan open on it several times a second
(:mod:`planner.ui.push`). It never writes.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import NamedTuple

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
    with store.reading() as conn:
        versions: dict[str, int] = dict(
            conn.execute(select(plans.c.id, plans.c.version).where(plans.c.id.in_(wanted))).all()
        )
        offered = {
            row[0]: (int(row[1]), int(row[2]))
            for row in conn.execute(
                select(
                    proposals.c.plan_id,
                    func.count(proposals.c.id),
                    func.count(proposals.c.decided_at),
                )
                .where(proposals.c.plan_id.in_(wanted))
                .group_by(proposals.c.plan_id)
            )
        }
        revoked: dict[str, int] = dict(
            conn.execute(
                select(invites.c.plan_id, func.count(invites.c.id))
                .where(invites.c.plan_id.in_(wanted), invites.c.revoked_at.is_not(None))
                .group_by(invites.c.plan_id)
            ).all()
        )
    return {
        plan_id: Stamp(
            int(versions.get(plan_id, 0)),
            *offered.get(plan_id, (0, 0)),
            int(revoked.get(plan_id, 0)),
        )
        for plan_id in wanted
    }
