"""Who may open a plan: invite links per role, the owner key, and presence.

The owner (the vendor's workspace) creates invite links per role. A link carries the plan id
and a token (``?plan=ID&key=TOKEN``): 256 random bits from :func:`secrets.token_urlsafe`,
stored only as its SHA-256 hash and compared in constant time, revocable at any time. The role
fixes the side: a vendor editor edits as the vendor, a partner editor as the partner, a viewer
only looks (and sees neither side's private values).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from planner.store import Store
from planner.store.db import invites, plans, presence
from planner.store.results import UnknownPlanError, from_stamp, to_stamp
from planner.store.write_policy import MAX_NAME

Role = Literal["owner", "vendor_editor", "partner_editor", "viewer"]
INVITE_ROLES: tuple[Role, ...] = ("vendor_editor", "partner_editor", "viewer")
ROLE_SIDE: dict[str, str] = {
    "owner": "vendor",
    "vendor_editor": "vendor",
    "partner_editor": "partner",
    "viewer": "viewer",
}
"""The side a role acts and sees as (``viewer`` sees the public view and cannot edit)."""
OWNER_KEY_ENV = "PLANNER_OWNER_KEY"
TOKEN_BYTES = 32
"""Random bytes per invite token (256 bits)."""
PRESENCE_SECONDS = 30
"""Someone whose last heartbeat is older than this is no longer listed as present."""
UNNAMED = "?"
"""The presence name of a session that has not given its name yet."""


def new_token() -> str:
    """A fresh invite token: 32 random bytes, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """SHA-256 (hex) of a token: what the database keeps instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invite_query(plan_id: str, token: str) -> str:
    """The query string of an invite link: ``?plan=ID&key=TOKEN``."""
    return "?" + urlencode({"plan": plan_id, "key": token})


@dataclass(frozen=True)
class Access:
    """What a resolved link (or the owner's login) grants: one plan, one role."""

    plan_id: str
    role: str
    invite_id: int | None = None

    @property
    def side(self) -> str:
        """``vendor``, ``partner`` or ``viewer``: the side edits are made and data is seen as."""
        return ROLE_SIDE[self.role]

    @property
    def can_edit(self) -> bool:
        return self.role != "viewer"

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"


@dataclass(frozen=True)
class Invite:
    """An invite link; ``token`` is known only right after creation (``""`` when listed)."""

    id: int
    plan_id: str
    role: str
    label: str
    created_at: datetime
    revoked_at: datetime | None
    token: str = ""

    @property
    def query(self) -> str:
        return invite_query(self.plan_id, self.token) if self.token else ""

    @property
    def active(self) -> bool:
        return self.revoked_at is None


NOT_OWNER = "only the vendor's workspace creates and revokes the invite links of its plan"
"""Why a link's session may not create or revoke a link."""


def _owner_of(by: Access) -> str:
    """The plan whose links ``by`` may manage; a link's session (any role) may manage none."""
    if not by.is_owner or by.invite_id is not None:
        raise PermissionError(NOT_OWNER)
    return by.plan_id


def create_invite(store: Store, by: Access, role: str, label: str = "") -> Invite:
    """A new invite link to ``by``'s plan for ``role`` (``vendor_editor``, ``partner_editor``
    or ``viewer``), made by the vendor's workspace ``by`` (:func:`owner_access`)."""
    plan_id = _owner_of(by)
    if role not in INVITE_ROLES:
        raise ValueError(f"role: {role!r} is not one of {', '.join(INVITE_ROLES)}")
    label = label.strip()
    if len(label) > MAX_NAME:
        raise ValueError(f"label: is longer than {MAX_NAME} characters")
    if not store.exists(plan_id):
        raise UnknownPlanError(plan_id)
    token = new_token()
    stamp = store.now()
    with store.writing() as conn:
        result = conn.execute(
            invites.insert().values(
                plan_id=plan_id,
                role=role,
                token_hash=hash_token(token),
                label=label,
                created_at=stamp,
                revoked_at=None,
            )
        )
        invite_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    return Invite(invite_id, plan_id, role, label, from_stamp(stamp), None, token)


def list_invites(store: Store, plan_id: str) -> list[Invite]:
    """The plan's invite links, newest first (tokens are not stored, so not shown)."""
    with store.reading() as conn:
        rows = conn.execute(
            select(invites).where(invites.c.plan_id == plan_id).order_by(invites.c.id.desc())
        ).mappings()
        return [
            Invite(
                r["id"],
                r["plan_id"],
                r["role"],
                r["label"],
                from_stamp(r["created_at"]),
                from_stamp(r["revoked_at"]) if r["revoked_at"] else None,
            )
            for r in rows
        ]


def revoke(store: Store, by: Access, invite_id: int) -> bool:
    """Revoke an invite link of ``by``'s plan, by the vendor's workspace ``by``; False if
    there is no such active link."""
    plan_id = _owner_of(by)
    with store.writing() as conn:
        result = conn.execute(
            invites.update()
            .where(
                invites.c.id == invite_id,
                invites.c.plan_id == plan_id,
                invites.c.revoked_at.is_(None),
            )
            .values(revoked_at=store.now())
        )
        return result.rowcount == 1


def invite_active(store: Store, invite_id: int) -> bool:
    """Whether invite link ``invite_id`` exists and is not revoked (one short read)."""
    with store.reading() as conn:
        row = conn.execute(select(invites.c.revoked_at).where(invites.c.id == invite_id)).first()
    return row is not None and row[0] is None


REVOKED = "the invite link this edit came through was revoked"
"""Why a write through a revoked link (or a link of another plan) is refused."""


def link_refusal(conn: Connection, plan_id: str, invite: int | None) -> str | None:
    """Inside a write transaction: :data:`REVOKED` when invite link ``invite`` is not an
    active link of plan ``plan_id``, else None (also for ``None``, the vendor's workspace).

    Asked by every write of a side (an edit, a note, a proposal step, a sign-off step) in its
    own transaction, so a link revoked while the write was on its way writes nothing."""
    if invite is None:
        return None
    query = select(invites.c.revoked_at).where(invites.c.id == invite, invites.c.plan_id == plan_id)
    if conn.dialect.name != "sqlite":  # a revocation waits for this write (SQLite: one writer)
        query = query.with_for_update(read=True)
    revoked_at = conn.execute(query).first()
    if revoked_at is None or revoked_at[0] is not None:
        return REVOKED
    return None


def resolve(store: Store, plan_id: str | None, token: str | None) -> Access | None:
    """The access a link grants, or ``None`` for a missing, wrong or revoked token."""
    if not plan_id or not token or len(token) > 200 or len(plan_id) > 64:
        return None
    digest = hash_token(token)
    with store.reading() as conn:
        rows = conn.execute(
            select(invites.c.id, invites.c.role, invites.c.token_hash).where(
                invites.c.plan_id == plan_id, invites.c.revoked_at.is_(None)
            )
        ).all()
    for invite_id, role, stored in rows:
        if hmac.compare_digest(stored.encode("ascii"), digest.encode("ascii")):
            return Access(plan_id, role, int(invite_id))
    return None


# --- the owner ---------------------------------------------------------------------------


def owner_key_configured(env: Mapping[str, str] | None = None) -> bool:
    """Whether ``PLANNER_OWNER_KEY`` is set (non-empty)."""
    env = os.environ if env is None else env
    return bool(env.get(OWNER_KEY_ENV, "").strip())


def check_owner_key(given: str | None, env: Mapping[str, str] | None = None) -> bool:
    """Whether ``given`` is the owner key of ``PLANNER_OWNER_KEY`` (never true when unset)."""
    env = os.environ if env is None else env
    expected = env.get(OWNER_KEY_ENV, "").strip()
    if not expected or not given:
        return False
    return hmac.compare_digest(given.strip().encode("utf-8"), expected.encode("utf-8"))


KEY_ATTEMPTS = 5
"""Wrong owner keys a client may give within :data:`KEY_WINDOW_SECONDS`; then it waits."""
KEY_WINDOW_SECONDS = 60.0
KEY_CLIENTS = 10_000
"""Clients remembered at most (the oldest are forgotten first): bounded memory."""

log = logging.getLogger("planner.access")


@dataclass(frozen=True)
class KeyVerdict:
    """The outcome of an owner-key attempt: ``ok``, ``wrong``, or ``wait`` (too many wrong
    keys from this client: no key, not even the right one, is checked for ``seconds``)."""

    status: Literal["ok", "wrong", "wait"]
    seconds: float = 0.0


class KeyAttempts:
    """Wrong owner keys per client (its address) in a sliding window, shared by every session
    of the process: a client that gave :data:`KEY_ATTEMPTS` wrong keys within
    :data:`KEY_WINDOW_SECONDS` waits until the oldest of them is that old. Guessing a key of
    even 40 bits then takes longer than the app lives."""

    def __init__(
        self,
        limit: int = KEY_ATTEMPTS,
        window: float = KEY_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._wrong: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        found = self._wrong.get(client, deque())
        while found and now - found[0] >= self.window:
            found.popleft()
        return found

    def wait(self, client: str) -> float:
        """Seconds until ``client`` may try a key again (0: now)."""
        with self._lock:
            now = self.clock()
            found = self._recent(client, now)
            if len(found) < self.limit:
                return 0.0
            return max(0.0, self.window - (now - found[0]))

    def record(self, client: str, ok: bool) -> int:
        """Note an attempt; returns the client's wrong keys within the window."""
        with self._lock:
            if ok:
                self._wrong.pop(client, None)
                return 0
            now = self.clock()
            found = self._recent(client, now)
            found.append(now)
            self._wrong.pop(client, None)
            self._wrong[client] = found  # newest last: the oldest client is forgotten first
            while len(self._wrong) > KEY_CLIENTS:
                self._wrong.pop(next(iter(self._wrong)))
            return len(found)

    def clear(self) -> None:
        with self._lock:
            self._wrong.clear()


OWNER_KEY_ATTEMPTS = KeyAttempts()
"""The process-wide record of wrong owner keys."""


def try_owner_key(
    given: str | None,
    client: str,
    attempts: KeyAttempts = OWNER_KEY_ATTEMPTS,
    env: Mapping[str, str] | None = None,
) -> KeyVerdict:
    """Check an owner key given by ``client`` (its address), at most :data:`KEY_ATTEMPTS`
    wrong ones per :data:`KEY_WINDOW_SECONDS`; every attempt is logged (never the key)."""
    waiting = attempts.wait(client)
    if waiting > 0:
        log.warning("owner key: attempt from %s refused unchecked, wait %.0f s", client, waiting)
        return KeyVerdict("wait", waiting)
    ok = check_owner_key(given, env)
    wrong = attempts.record(client, ok)
    if ok:
        log.info("owner key: accepted from %s", client)
        return KeyVerdict("ok")
    log.warning(
        "owner key: wrong key from %s (%d of %d within %.0f s)",
        client,
        wrong,
        attempts.limit,
        attempts.window,
    )
    if wrong >= attempts.limit:
        return KeyVerdict("wait", attempts.wait(client))
    return KeyVerdict("wrong")


def is_loopback(address: str | None) -> bool:
    """Whether a server bound to ``address`` is reachable from this computer only: ``localhost``
    or a loopback IP. Empty (Streamlit's default: every interface), ``0.0.0.0``, ``::`` and any
    other name or address are not."""
    text = (address or "").strip().strip("[]")
    if text.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def owner_access(plan_id: str) -> Access:
    """The access of the vendor's workspace (after its login) to one of its plans."""
    return Access(plan_id, "owner")


# --- presence ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Presence:
    session_id: str
    name: str
    side: str
    role: str
    last_seen: datetime


def heartbeat(store: Store, plan_id: str, session_id: str, name: str, access: Access) -> None:
    """Record that a browser session (with its display name) is in the plan now."""
    name = name.strip()[:MAX_NAME] or UNNAMED
    values = {"name": name, "side": access.side, "role": access.role, "last_seen": store.now()}
    key = (presence.c.plan_id == plan_id) & (presence.c.session_id == session_id)
    for _ in range(3):
        try:
            with store.writing() as conn:
                if conn.execute(presence.update().where(key).values(**values)).rowcount == 0:
                    conn.execute(
                        presence.insert().values(plan_id=plan_id, session_id=session_id, **values)
                    )
            return
        except IntegrityError:  # two heartbeats of one session raced to insert
            continue


def leave(store: Store, plan_id: str, session_id: str) -> None:
    """Remove a session from the presence list."""
    with store.writing() as conn:
        conn.execute(
            presence.delete().where(
                (presence.c.plan_id == plan_id) & (presence.c.session_id == session_id)
            )
        )


def present(store: Store, plan_id: str, within_seconds: float = PRESENCE_SECONDS) -> list[Presence]:
    """Who was seen in the plan in the last ``within_seconds`` seconds, by name."""
    cutoff = to_stamp(store.clock() - timedelta(seconds=within_seconds))
    with store.reading() as conn:
        rows = conn.execute(
            select(presence)
            .where(presence.c.plan_id == plan_id, presence.c.last_seen >= cutoff)
            .order_by(presence.c.name)
        ).mappings()
        return [
            Presence(r["session_id"], r["name"], r["side"], r["role"], from_stamp(r["last_seen"]))
            for r in rows
        ]


def plan_title(store: Store, plan_id: str) -> str | None:
    with store.reading() as conn:
        return conn.execute(select(plans.c.title).where(plans.c.id == plan_id)).scalar()
