"""Term proposals: one side proposes a set of changes with a reason, the other side decides.

A proposal is a set of plan values (``{path: value}``) a side would change, with a short
reason, based on the plan version it was made on. While it is *open* both sides see it and
what it would do to both sides' key figures; then

- the other side *accepts* it: its changes are written as one attributed change of the plan
  (kind ``proposal``, in the proposer's name, so the proposer's rights apply), with the
  conflict checks of any edit against the version the proposal was based on: a value someone
  changed since cannot be overwritten unseen; the proposal then stays open;
- the other side *rejects* it, with a reason;
- the other side *counters* it with a changed proposal of its own (the first is then closed
  as countered and the counter links to it);
- the proposer *withdraws* it.

What a proposal may change: plan values both sides can see (never a value private to either
side, since the other side must judge it), not the other side's own terms (its hurdles, the
vendor's rate; :mod:`planner.policy`), not the privacy settings. A viewer proposes and decides
nothing, nor does a session whose invite link was revoked: every step checks the link
(``invite``) and what may be proposed inside the transaction that writes it.

The records live in the store's ``proposals`` table (schema step 4); every decision is kept,
so the history of a negotiation can be told (and printed in the PDF's amendment record).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from planner import access, privacy, privacy_writes
from planner.plan.paths import data_with_values, get_value, lookup, overlaps
from planner.plan.schema import PlanError
from planner.plan.validation import validate
from planner.store import Store
from planner.store.db import changes as change_log
from planner.store.db import proposals
from planner.store.results import Conflict, from_stamp
from planner.store.write_policy import MAX_NAME

Status = Literal["open", "accepted", "rejected", "countered", "withdrawn"]
SIDES = ("partner", "vendor")
MAX_REASON = 1000
"""Longest reason of a proposal or a rejection (characters)."""
MAX_CHANGES = 50
"""Most values one proposal may change."""


class ProposalError(ValueError):
    """A proposal step that cannot be done: the message says why, naming the field; ``key``
    and ``params`` let a page say it in the reader's language (``ui.proposals.error.<key>``)."""

    def __init__(self, key: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Proposal:
    """One proposal and, once decided, its outcome."""

    id: int
    plan_id: str
    created_at: datetime
    author: str
    side: str
    reason: str
    changes: Mapping[str, Any]
    base_version: int
    counter_of: int | None
    status: Status
    decided_at: datetime | None = None
    decided_by: str | None = None
    decided_side: str | None = None
    decision_reason: str | None = None
    result_version: int | None = None

    @property
    def open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class Decision:
    """What accepting did: the proposal as it now stands and, when the plan moved on in the
    meantime, the conflicts that kept it from being applied."""

    proposal: Proposal
    conflicts: tuple[Conflict, ...] = ()


def _text(value: str, what: str) -> str:
    text = str(value).strip()
    if not text:
        raise ProposalError("reason_missing", f"{what}: please give a short reason")
    if any(ord(char) < 32 and char not in "\n\t" for char in text):
        raise ProposalError("reason_control", f"{what}: must not contain control characters")
    if len(text) > MAX_REASON:
        raise ProposalError(
            "reason_long", f"{what}: is longer than {MAX_REASON} characters", most=MAX_REASON
        )
    return text


def _person(name: str, side: str) -> tuple[str, str]:
    if side not in SIDES:
        raise ProposalError(
            "not_a_side", f"side {side!r} cannot propose or decide (only partner or vendor)"
        )
    text = " ".join(str(name).split())
    if not text:
        raise ProposalError("author_empty", "author: must not be empty")
    if len(text) > MAX_NAME:
        raise ProposalError(
            "author_long", f"author: is longer than {MAX_NAME} characters", most=MAX_NAME
        )
    return text, side


def check_changes(plan: Any, changes: Mapping[str, Any], side: str) -> dict[str, Any]:
    """The changes a side may propose on ``plan``, validated together; ProposalError naming
    the first field that may not be proposed, or the plan's problems."""
    if not changes:
        raise ProposalError("no_changes", "changes: a proposal changes at least one value")
    if len(changes) > MAX_CHANGES:
        raise ProposalError(
            "too_many", f"changes: at most {MAX_CHANGES} values in one proposal", most=MAX_CHANGES
        )
    other = "vendor" if side == "partner" else "partner"
    for path in changes:
        if path.split(".")[0] == "private":
            raise ProposalError(
                "privacy", f"{path}: privacy settings are each side's own, not proposed", path=path
            )
        if not privacy.may_write(plan, path, side) or not privacy.may_write(plan, path, other):
            raise ProposalError(
                "private", f"{path}: is private to one side and cannot be proposed", path=path
            )
        owner = privacy.owner_of(path)
        if owner is not None and owner != side:
            raise ProposalError(
                "own_terms", f"{path}: only the {owner} states its own terms", path=path, side=owner
            )
    # judged by what the proposing side may know: a problem at a value hidden from it is never
    # named; a change that may collide with a hidden value (shortening the plan under a hidden
    # month) is proposed all the same, whatever that value is: the other side, which sees it,
    # decides. What the side sent for hidden values inside a block is replaced by the stored.
    try:
        data = privacy_writes.carry_hidden(plan, data_with_values(plan, dict(changes)), side)
        changes = {p: lookup(data, p) if _plain(p) else v for p, v in changes.items()}
        changed = validate(data)
    except PlanError as error:
        told, _ = privacy_writes.seen_problems(plan, error.problems, side)
        if not told:
            return dict(changes)  # only hidden values stand against it: the owner decides
        problems = "; ".join(str(p) for p in told)
        raise ProposalError("invalid", problems, problems=problems) from None
    effective = {}
    for path, value in changes.items():
        before = _value(plan, path)
        after = _value(changed, path)
        if before != after:
            effective[path] = value
    if not effective:
        raise ProposalError("already", "changes: every proposed value is already the plan's")
    return effective


def _plain(path: str) -> bool:
    """Whether ``path`` is found by :func:`lookup` (not inside a scenario's ``set``, whose keys
    are dotted paths themselves)."""
    parts = path.split(".")
    return not (len(parts) > 3 and parts[0] == "scenarios" and parts[2] == "set")


def _value(plan: Any, path: str) -> Any:
    try:
        return get_value(plan, path)
    except KeyError:
        return None


def _row(row: Mapping[Any, Any]) -> Proposal:
    return Proposal(
        id=int(row["id"]),
        plan_id=row["plan_id"],
        created_at=from_stamp(row["created_at"]),
        author=row["author"],
        side=row["side"],
        reason=row["reason"],
        changes=json.loads(row["changes"]),
        base_version=int(row["base_version"]),
        counter_of=row["counter_of"],
        status=row["status"],
        decided_at=from_stamp(row["decided_at"]) if row["decided_at"] else None,
        decided_by=row["decided_by"],
        decided_side=row["decided_side"],
        decision_reason=row["decision_reason"],
        result_version=row["result_version"],
    )


def _get(conn: Connection, plan_id: str, proposal_id: int) -> Proposal:
    row = (
        conn.execute(
            select(proposals).where(proposals.c.plan_id == plan_id, proposals.c.id == proposal_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        raise ProposalError(
            "unknown", f"proposal {proposal_id} is not a proposal of this plan", number=proposal_id
        )
    return _row(row)


def _admit(conn: Connection, plan_id: str, invite: int | None) -> None:
    """Inside the step's write transaction: refuse a step through a revoked invite link."""
    refused = access.link_refusal(conn, plan_id, invite)
    if refused is not None:
        raise ProposalError("no_access", refused)


# --- reading -------------------------------------------------------------------------------


def as_seen(proposal: Proposal, plan: Any, audience: str) -> Proposal:
    """``proposal`` as ``audience`` may see it under the privacy settings of ``plan`` (the
    current plan): values at paths hidden from it are :data:`planner.privacy.PRIVATE`."""
    changes = privacy.visible_changes(plan, proposal.changes, audience)
    return proposal if changes == dict(proposal.changes) else replace(proposal, changes=changes)


def all_of(store: Store, plan_id: str) -> list[Proposal]:
    """Every proposal of the plan, oldest first."""
    with store.reading() as conn:
        rows = conn.execute(
            select(proposals).where(proposals.c.plan_id == plan_id).order_by(proposals.c.id)
        ).mappings()
        return [_row(r) for r in rows]


def open_ones(store: Store, plan_id: str) -> list[Proposal]:
    """The proposals waiting for a decision, oldest first."""
    return [p for p in all_of(store, plan_id) if p.open]


def stamp(store: Store, plan_id: str) -> tuple[int, int]:
    """How many proposals were made and decided: it grows with every step (for polling)."""
    with store.reading() as conn:
        row = conn.execute(
            select(func.count(proposals.c.id), func.count(proposals.c.decided_at)).where(
                proposals.c.plan_id == plan_id
            )
        ).first()
    return (int(row[0]), int(row[1])) if row else (0, 0)


# --- steps ---------------------------------------------------------------------------------


def propose(
    store: Store,
    plan_id: str,
    changes: Mapping[str, Any],
    *,
    reason: str,
    author: str,
    side: str,
    counter_of: int | None = None,
    invite: int | None = None,
    seen: Mapping[str, int] | None = None,
) -> Proposal:
    """Propose ``changes`` on the plan's current version (see the module docstring), through
    invite link ``invite`` (None: the vendor's workspace). ``seen``: the version of each field
    as its input showed it to the person; a proposed field changed since is refused (naming
    it), so a proposal never sends back a value its author saw before someone else's change."""
    author, side = _person(author, side)
    why = _text(reason, "reason")
    with store.writing() as conn:
        version = store.lock(conn, plan_id)  # no edit lands between the check and the record
        _admit(conn, plan_id, invite)
        effective = check_changes(store.plan_in(conn, plan_id, version), changes, side)
        moved = _moved(conn, plan_id, {p: v for p, v in (seen or {}).items() if p in effective})
        if moved:
            raise ProposalError(
                "moved",
                f"{', '.join(moved)}: changed since it was shown; the plan's value is new",
                path=moved[0],
                paths=moved,
            )
        if counter_of is not None:
            countered = _get(conn, plan_id, counter_of)
            if not countered.open:
                raise ProposalError(
                    "not_open",
                    f"proposal {counter_of} is {countered.status}, not open",
                    number=counter_of,
                )
            if countered.side == side:
                raise ProposalError(
                    "counter_own", "a side counters the other side's proposal, not its own"
                )
        stamp_now = store.now()
        inserted = conn.execute(
            proposals.insert().values(
                plan_id=plan_id,
                created_at=stamp_now,
                author=author,
                side=side,
                reason=why,
                changes=json.dumps(effective, sort_keys=True),
                base_version=version,
                counter_of=counter_of,
                status="open",
            )
        )
        key = inserted.inserted_primary_key
        assert key is not None
        new_id = key[0]
        if counter_of is not None:
            _decide(conn, plan_id, counter_of, "countered", stamp_now, author, side, why)
        return _get(conn, plan_id, int(new_id))


def _moved(conn: Connection, plan_id: str, seen: Mapping[str, int]) -> list[str]:
    """The fields of ``seen`` changed after the version each was seen at."""
    if not seen:
        return []
    rows = conn.execute(
        select(change_log.c.version, change_log.c.path).where(
            change_log.c.plan_id == plan_id, change_log.c.version > min(seen.values())
        )
    ).all()
    return [
        path
        for path, base in seen.items()
        if any(int(v) > base and overlaps(str(changed), path) for v, changed in rows)
    ]


def _decide(
    conn: Connection,
    plan_id: str,
    proposal_id: int,
    status: Status,
    at: str,
    author: str,
    side: str,
    reason: str | None,
    result_version: int | None = None,
) -> None:
    """Close an open proposal: one conditional update (``WHERE status = 'open'``), so of two
    decisions at the same time exactly one is written; the other is refused as not open."""
    done = conn.execute(
        update(proposals)
        .where(
            proposals.c.plan_id == plan_id,
            proposals.c.id == proposal_id,
            proposals.c.status == "open",
        )
        .values(
            status=status,
            decided_at=at,
            decided_by=author,
            decided_side=side,
            decision_reason=reason,
            result_version=result_version,
        )
    )
    if done.rowcount != 1:
        now = _get(conn, plan_id, proposal_id)
        raise ProposalError(
            "not_open", f"proposal {proposal_id} is {now.status}, not open", number=proposal_id
        )


def _open_for(proposal: Proposal, side: str, *, own: bool) -> None:
    if not proposal.open:
        raise ProposalError(
            "not_open", f"proposal {proposal.id} is {proposal.status}, not open", number=proposal.id
        )
    if own and proposal.side != side:
        raise ProposalError(
            "withdraw_other", "only the side that proposed it can withdraw a proposal"
        )
    if not own and proposal.side == side:
        raise ProposalError(
            "decide_own", "the other side decides a proposal, not the side that made it"
        )


def accept(
    store: Store,
    plan_id: str,
    proposal_id: int,
    *,
    author: str,
    side: str,
    invite: int | None = None,
) -> Decision:
    """Apply an open proposal of the other side as one attributed change; when the plan
    changed any of its values since it was made, nothing is applied: the conflicts say which
    (the proposal stays open, to be countered or proposed again). ``invite``: the link the
    acceptor decides through, checked by the store inside the change's transaction."""
    author, side = _person(author, side)
    with store.reading() as conn:
        proposal = _get(conn, plan_id, proposal_id)
    _open_for(proposal, side, own=False)
    edits = {path: (value, proposal.base_version) for path, value in proposal.changes.items()}

    def decide(conn: Connection, version: int) -> None:
        # in the plan change's transaction: a proposal withdrawn, rejected or accepted since
        # it was read is refused here, and the plan change is undone with it
        _decide(conn, plan_id, proposal_id, "accepted", store.now(), author, side, None, version)

    result = store.apply_edits(
        plan_id,
        edits,
        author=proposal.author,
        side=proposal.side,
        kind="proposal",
        invite=invite,
        then=decide,
        judge=side,  # the deciding side sees what was hidden from the proposing one
    )
    if result.status == "refused" and result.message == access.REVOKED:
        raise ProposalError("no_access", result.message)
    if result.status == "conflict":
        return Decision(proposal, tuple(result.conflicts))
    if result.status not in ("accepted", "unchanged"):
        problems = "; ".join(str(p) for p in result.problems) or result.message
        raise ProposalError(
            "cannot_apply",
            f"proposal {proposal_id} cannot be applied: {problems}",
            number=proposal_id,
            problems=problems,
        )
    with store.reading() as conn:
        return Decision(_get(conn, plan_id, proposal_id))


def reject(
    store: Store,
    plan_id: str,
    proposal_id: int,
    *,
    reason: str,
    author: str,
    side: str,
    invite: int | None = None,
) -> Proposal:
    """Turn down an open proposal of the other side, saying why."""
    author, side = _person(author, side)
    why = _text(reason, "reason")
    with store.writing() as conn:
        _admit(conn, plan_id, invite)
        proposal = _get(conn, plan_id, proposal_id)
        _open_for(proposal, side, own=False)
        _decide(conn, plan_id, proposal_id, "rejected", store.now(), author, side, why)
        return _get(conn, plan_id, proposal_id)


def withdraw(
    store: Store,
    plan_id: str,
    proposal_id: int,
    *,
    author: str,
    side: str,
    invite: int | None = None,
) -> Proposal:
    """Take back one's own open proposal."""
    author, side = _person(author, side)
    with store.writing() as conn:
        _admit(conn, plan_id, invite)
        proposal = _get(conn, plan_id, proposal_id)
        _open_for(proposal, side, own=True)
        _decide(conn, plan_id, proposal_id, "withdrawn", store.now(), author, side, None)
        return _get(conn, plan_id, proposal_id)


def counter(
    store: Store,
    plan_id: str,
    proposal_id: int,
    changes: Mapping[str, Any],
    *,
    reason: str,
    author: str,
    side: str,
    invite: int | None = None,
    seen: Mapping[str, int] | None = None,
) -> Proposal:
    """Answer an open proposal of the other side with a changed one of one's own."""
    return propose(
        store,
        plan_id,
        changes,
        reason=reason,
        author=author,
        side=side,
        counter_of=proposal_id,
        invite=invite,
        seen=seen,
    )
