"""Who may write to a stored plan: every write names the access it comes through.

A write from the app carries the session's :class:`~planner.access.Access`: the vendor's
workspace (the owner) or an invite link. The side a change is recorded under is that access's
side, never one the caller names, and a missing access is no access: there is no default
side. A viewer's access writes nothing; a revoked link writes nothing, checked here and again
inside the store's write transaction (a link revoked while an edit is on its way).

The store below only persists; it imports nothing from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planner import access
from planner.access import Access
from planner.store import SIDES, EditResult, Note, Store

REFUSALS: dict[str, str] = {
    "no_access": "this session has no access to the plan, or its link was revoked",
    "viewer_cannot_edit": "a view-only link cannot change anything",
}
"""English lines of the refusals; the UI says them by key (``collab.<key>``)."""


class AccessRefusedError(PermissionError):
    """A write without an access that may write to the plan; ``key`` names why
    (``no_access`` or ``viewer_cannot_edit``)."""

    def __init__(self, key: str) -> None:
        super().__init__(REFUSALS[key])
        self.key = key


def refusal(store: Store, granted: Access | None, plan_id: str) -> str | None:
    """Why ``granted`` may not write to plan ``plan_id`` (a key of :data:`REFUSALS`), or None.

    No access, an access to another plan, a role without a side that edits, and an invite
    link that was revoked (one short read) may not write."""
    if granted is None or granted.plan_id != plan_id:
        return "no_access"
    if not granted.can_edit:
        return "viewer_cannot_edit"
    if granted.side not in SIDES:
        return "no_access"
    if granted.invite_id is not None and not access.invite_active(store, granted.invite_id):
        return "no_access"
    return None


def check(store: Store, granted: Access | None, plan_id: str) -> Access:
    """``granted`` when it may write to plan ``plan_id``; else :class:`AccessRefusedError`."""
    found = refusal(store, granted, plan_id)
    if found is not None or granted is None:
        raise AccessRefusedError(found or "no_access")
    return granted


def apply_edits(
    store: Store,
    granted: Access | None,
    plan_id: str,
    edits: Mapping[str, tuple[Any, int]],
    *,
    author: str,
    kind: str = "edit",
    reverts: int | None = None,
) -> EditResult:
    """:meth:`Store.apply_edits` as the access's side, through its invite link (if any);
    ``refused`` with nothing written when the access may not write."""
    found = refusal(store, granted, plan_id)
    if found is not None or granted is None:
        return EditResult("refused", store.version(plan_id), message=REFUSALS[found or "no_access"])
    return store.apply_edits(
        plan_id,
        edits,
        author=author,
        side=granted.side,
        kind=kind,
        reverts=reverts,
        invite=granted.invite_id,
    )


def revert(
    store: Store, granted: Access | None, plan_id: str, seq: int, *, author: str
) -> EditResult:
    """:meth:`Store.revert` of change ``seq`` as the access's side; ``refused`` with nothing
    written when the access may not write."""
    found = refusal(store, granted, plan_id)
    if found is not None or granted is None:
        return EditResult("refused", store.version(plan_id), message=REFUSALS[found or "no_access"])
    return store.revert(plan_id, seq, author=author, side=granted.side, invite=granted.invite_id)


def add_note(
    store: Store, granted: Access | None, plan_id: str, path: str, body: str, *, author: str
) -> Note:
    """:meth:`Store.add_note` as the access's side; :class:`AccessRefusedError` when it may not."""
    writer = check(store, granted, plan_id)
    return store.add_note(
        plan_id, path, body, author=author, side=writer.side, invite=writer.invite_id
    )
