"""What the store hands back: change-log rows, conflicts, the result of an edit, snapshots,
differences, notes and the check of the hash chain; and the stamps its times are kept as."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from planner.plan.paths import overlaps
from planner.plan.schema import Plan, Problem, fmt_value

Side = Literal["vendor", "partner"]
SIDES: tuple[Side, ...] = ("vendor", "partner")
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("the clock must return timezone-aware times")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_stamp(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


@dataclass(frozen=True)
class Change:
    """One change-log row: ``path`` went from ``old`` to ``new`` in plan version ``version``."""

    plan_id: str
    seq: int
    version: int
    at: datetime
    author: str
    side: str
    kind: str
    """``create`` (the whole plan, path ``""``), ``edit`` or ``revert``."""
    path: str
    old: Any
    new: Any
    reverts: int | None
    hash: str
    masked: bool = False
    """True when privacy removed values from ``old``/``new`` for the reader's side."""


@dataclass(frozen=True)
class Conflict:
    """An edit that was not written because someone changed the field after its base."""

    path: str
    yours: Any
    theirs: Any
    author: str
    side: str
    version: int
    """The field's version now: base a retry ("keep mine") on it."""

    def __str__(self) -> str:
        return f"{self.author} ({self.side}) changed {self.path} to {fmt_value(self.theirs)}"


Status = Literal["accepted", "unchanged", "conflict", "invalid", "refused"]


@dataclass(frozen=True)
class EditResult:
    """What happened to an edit; nothing was written unless ``status == "accepted"``."""

    status: Status
    version: int
    """The plan version after the edit (the current one if nothing was written)."""
    changes: tuple[Change, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    problems: tuple[Problem, ...] = ()
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("accepted", "unchanged")


@dataclass(frozen=True)
class PlanInfo:
    id: str
    title: str
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Snapshot:
    """A plan at one version with the version at which each changed field last changed."""

    plan_id: str
    version: int
    plan: Plan
    field_versions: Mapping[str, int] = field(default_factory=dict)

    def field_version(self, path: str) -> int:
        """The version an edit of ``path`` is based on when made from this snapshot."""
        return max(
            (v for p, v in self.field_versions.items() if overlaps(p, path)), default=self.version
        )


@dataclass(frozen=True)
class Difference:
    path: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Note:
    id: int
    plan_id: str
    path: str
    body: str
    author: str
    side: str
    at: datetime
    version: int


@dataclass(frozen=True)
class ChainCheck:
    """The result of :meth:`Store.verify_chain`: ``ok`` or the problems found."""

    ok: bool
    entries: int
    problems: tuple[str, ...] = ()


class UnknownPlanError(LookupError):
    def __init__(self, plan_id: str) -> None:
        super().__init__(f"there is no plan {plan_id!r}")
        self.plan_id = plan_id
