"""The write policy the store asks inside its write transaction (:class:`WritePolicy`, decided
above the store by :mod:`planner.policy`), the policy of a store opened without one, and the
checks of who writes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy.engine import Connection

from planner.plan.schema import Plan, Problem
from planner.store.results import SIDES

MAX_NOTE = 1000
"""Longest note (characters)."""
MAX_NAME = 200


class WritePolicy(Protocol):
    """Who may change what: decided above the store (:mod:`planner.policy`), asked by the store
    inside its write transaction, on the plan version the write is applied to, so a right taken
    away while a write is on its way (a link revoked, a version frozen) refuses that write.

    Each method returns why the write is refused (one English line), or None.
    """

    def writer_refusal(
        self, conn: Connection, plan_id: str, side: str, invite: int | None
    ) -> str | None:
        """Whether ``side`` may write to the plan now through invite link ``invite`` (None:
        the vendor's workspace)."""

    def paths_refusal(
        self, conn: Connection, plan_id: str, plan: Plan, paths: Sequence[str], side: str
    ) -> str | None:
        """Whether ``side`` may send an edit of ``paths`` of ``plan`` now."""

    def carried(self, plan: Plan, data: Mapping[str, Any], side: str) -> dict[str, Any]:
        """``data`` (the plan with the edit, not yet validated) with what ``side`` sent for the
        values hidden from it replaced by the values stored in ``plan``."""

    def values_refusal(self, plan: Plan, data: Mapping[str, Any], side: str) -> str | None:
        """Whether ``side`` may propose ``data`` (the plan with the edit, not yet validated)."""

    def told(self, plan: Plan, problems: Sequence[Problem], side: str) -> Sequence[Problem] | str:
        """The problems of an invalid edit ``side`` may be told; a line instead when it may be
        told none of them (the edit is then refused)."""

    def change_refusal(self, before: Plan, after: Plan, side: str, judge: str) -> str | None:
        """Whether ``side`` may change the plan from ``before`` to ``after``; what is hidden is
        judged by what ``judge`` sees (``side``, or the side accepting its proposal)."""

    def note_refusal(self, plan: Plan, path: str, side: str) -> str | None:
        """Whether ``side`` may note a rationale at ``path``."""


class NoPolicy:
    """The policy of a store opened without one: it may be read, never written to by a side."""

    REFUSAL = "this store was opened without a write policy: it takes no edits"

    def writer_refusal(
        self, conn: Connection, plan_id: str, side: str, invite: int | None
    ) -> str | None:
        return self.REFUSAL

    def paths_refusal(
        self, conn: Connection, plan_id: str, plan: Plan, paths: Sequence[str], side: str
    ) -> str | None:
        return self.REFUSAL

    def carried(self, plan: Plan, data: Mapping[str, Any], side: str) -> dict[str, Any]:
        return dict(data)

    def values_refusal(self, plan: Plan, data: Mapping[str, Any], side: str) -> str | None:
        return self.REFUSAL

    def told(self, plan: Plan, problems: Sequence[Problem], side: str) -> Sequence[Problem] | str:
        return self.REFUSAL

    def change_refusal(self, before: Plan, after: Plan, side: str, judge: str) -> str | None:
        return self.REFUSAL

    def note_refusal(self, plan: Plan, path: str, side: str) -> str | None:
        return self.REFUSAL


def person_refusal(author: str, side: str) -> str | None:
    if side not in SIDES:
        return f"side {side!r} may not edit (allowed: vendor, partner)"
    if not author.strip():
        return "the author's name must not be empty"
    if len(author) > MAX_NAME:
        return f"the author's name is longer than {MAX_NAME} characters"
    return None
