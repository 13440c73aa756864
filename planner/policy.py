"""Who may change what in a shared plan: the rules every write of a side is held to.

A side (``vendor`` or ``partner``; a viewer writes nothing) may change a value unless

- it is hidden from that side (:mod:`planner.privacy`): a private value of the other side, or
  a change that would alter, add or delete one, or that only a hidden value stands against;
- it is the other side's own: its hurdles and (the vendor's) rate of return
  (:data:`planner.privacy.OWN_TERMS`), its objectives, its list of private values, the
  vendor's choice to share its economics (:func:`private_refusal`);
- a version of the plan is frozen for sign-off (:func:`planner.signoff.records.frozen_refusal`);
- it came through an invite link that was revoked (:func:`planner.access.link_refusal`).

The store asks :data:`RULES` (a :class:`~planner.store.write_policy.WritePolicy`) inside its write
transaction, on the plan version the write is applied to, so no check and write can be
overtaken by another write between them; the store itself imports nothing from here. Which
access a write comes through (the session's link or the vendor's workspace) is
:mod:`planner.editing`'s: it turns an access into the side and link the store is given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Connection

from planner import access, privacy, privacy_writes
from planner.plan.paths import lookup
from planner.plan.schema import Plan, Problem
from planner.signoff.records import frozen_refusal
from planner.store import WritePolicy


def private_refusal(before: Plan, after: Plan, side: str) -> str | None:
    """Why ``side`` may not make this change of the other side's own settings (its privacy
    settings, its hurdles and rate, its objectives), or ``None``."""
    old, new = privacy.private_paths(before), privacy.private_paths(after)
    if old["vendor"] != new["vendor"] and side != "vendor":
        return "only the vendor decides which vendor values are private"
    if old["partner"] != new["partner"] and side != "partner":
        return "only the partner decides which partner values are private"
    if privacy.shares_economics(before) != privacy.shares_economics(after) and side != "vendor":
        return "only the vendor decides whether to share its economics"
    old, new = before.to_data(), after.to_data()
    for owner, paths in privacy.OWN_TERMS.items():
        if owner != side and any(lookup(old, p) != lookup(new, p) for p in paths):
            return f"only the {owner} states its own hurdles and rate of return"
    for owner in ("vendor", "partner"):
        if owner != side and _objectives_of(old, owner) != _objectives_of(new, owner):
            return f"only the {owner} sets its own objectives"
    return None


def _objectives_of(data: Mapping[str, Any], owner: str) -> list[Any]:
    """The objectives ``owner`` committed to, in order (``side`` defaults to the partner)."""
    return [o for o in data.get("objectives") or [] if o.get("side", "partner") == owner]


def private_path(path: str) -> str:
    """The refusal of a write at a value hidden from the writing side."""
    return f"{path} is private to the other side"


class Rules:
    """The product's :class:`~planner.store.write_policy.WritePolicy` (see the module docstring)."""

    def writer_refusal(
        self, conn: Connection, plan_id: str, side: str, invite: int | None
    ) -> str | None:
        return access.link_refusal(conn, plan_id, invite)

    def paths_refusal(
        self, conn: Connection, plan_id: str, plan: Plan, paths: Sequence[str], side: str
    ) -> str | None:
        for path in paths:
            if not privacy.may_write(plan, path, side):
                return private_path(path)
        # a version frozen for sign-off cannot change (planner/signoff/records.py)
        return frozen_refusal(conn, plan_id)

    def carried(self, plan: Plan, data: Mapping[str, Any], side: str) -> dict[str, Any]:
        return privacy_writes.carry_hidden(plan, data, side)

    def values_refusal(self, plan: Plan, data: Mapping[str, Any], side: str) -> str | None:
        # Whether a change fits a value hidden from this side may not depend on that value: a
        # change that could collide with one is refused whatever it is (shortening the plan
        # under a hidden month).
        return privacy_writes.horizon_refusal(plan, data, side) or privacy_writes.hidden_refusal(
            plan, data, side
        )

    def told(self, plan: Plan, problems: Sequence[Problem], side: str) -> Sequence[Problem] | str:
        # a problem at a hidden value is never named
        told, _ = privacy_writes.seen_problems(plan, problems, side)
        return told if told else privacy.HIDDEN_CONFLICT

    def change_refusal(self, before: Plan, after: Plan, side: str, judge: str) -> str | None:
        return private_refusal(before, after, side) or privacy_writes.hidden_refusal(
            before, after, judge
        )

    def note_refusal(self, plan: Plan, path: str, side: str) -> str | None:
        return None if privacy.may_edit(plan, path, side) else private_path(path)


RULES: WritePolicy = Rules()
"""The rules the app's store is opened with."""
