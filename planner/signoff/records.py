"""Sign-off: an editor freezes the current plan version, one signatory of each side signs it.

A plan version is *frozen* when an editor puts it up for sign-off: from then on the store
refuses every edit of the plan (:func:`frozen_refusal`, checked inside the store's edit
transaction) until either both sides have signed (the version is then *signed*) or an editor
withdraws the freeze. Only an editor of a side signs for that side (the owner edits as the
vendor); a viewer never signs, nor does a session whose invite link was revoked (checked in the
step's own write transaction). A change after the signature makes a new plan version, a draft
*amendment* of the signed one: :func:`amendment` lists what differs. Stored versions never
change, so a signed version stays retrievable (``store.plan_at(plan_id, version)``) forever.

The records live in the store's ``signoffs`` and ``signatures`` tables (schema step 3).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import ColumnElement, select
from sqlalchemy.engine import Connection

from planner import access
from planner.plan.schema import Plan
from planner.store import Difference, Store, UnknownPlanError
from planner.store.db import is_sqlite, plan_versions, plans, signatures, signoffs
from planner.store.results import from_stamp
from planner.store.write_policy import MAX_NAME

Status = Literal["frozen", "signed", "withdrawn"]
SIDES: tuple[str, ...] = ("partner", "vendor")
EDITOR_SIDE: Mapping[str, str] = {
    "owner": "vendor",
    "vendor_editor": "vendor",
    "partner_editor": "partner",
}
"""The side an access role signs for (see :mod:`planner.access`); a viewer has none."""


class SignOffError(ValueError):
    """A sign-off step that cannot be done now (the message says why; ``key`` and ``params``
    name the reason for the UI's languages, where it has one)."""

    def __init__(self, message: str, key: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


class NotAllowedError(SignOffError, PermissionError):
    """The role may not do this step (a viewer, or an editor of the other side)."""


class LinkRevokedError(NotAllowedError):
    """The invite link the step came through was revoked (checked inside its transaction)."""


@dataclass(frozen=True)
class Signature:
    """One side's signature: the signatory's name and position, the date they signed."""

    side: str
    name: str
    title: str
    date: datetime.date
    at: datetime.datetime
    """When it was recorded (UTC)."""
    entered_by: str


@dataclass(frozen=True)
class SignOff:
    """A plan version put up for sign-off, with the signatures it has."""

    plan_id: str
    version: int
    content_hash: str
    title: str
    status: Status
    frozen_at: datetime.datetime
    frozen_by: str
    frozen_side: str
    signed_at: datetime.datetime | None = None
    withdrawn_at: datetime.datetime | None = None
    withdrawn_by: str | None = None
    signatures: Mapping[str, Signature] = field(default_factory=dict)

    @property
    def signed(self) -> bool:
        return self.status == "signed"

    @property
    def open(self) -> bool:
        """Frozen and waiting for (a) signature."""
        return self.status == "frozen"

    def signature(self, side: str) -> Signature | None:
        return self.signatures.get(side)

    def missing(self) -> tuple[str, ...]:
        """The sides that have not signed yet."""
        return tuple(side for side in SIDES if side not in self.signatures)


@dataclass(frozen=True)
class Amendment:
    """The plan after its last signed version: what changed since (empty: none)."""

    signed: SignOff
    version: int
    """The plan's current version."""
    differences: tuple[Difference, ...]

    @property
    def changed(self) -> bool:
        return self.version != self.signed.version


# --- checks ------------------------------------------------------------------------------


def _side_of(role: str) -> str:
    side = EDITOR_SIDE.get(role)
    if side is None:
        raise NotAllowedError(
            f"a {role.replace('_', ' ')} cannot freeze or sign a plan (editors only)",
            "editors_only",
        )
    return side


def _person(value: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise SignOffError(f"{what}: must not be empty", "empty", field=what.replace(" ", "_"))
    if len(text) > MAX_NAME:
        raise SignOffError(
            f"{what}: is longer than {MAX_NAME} characters",
            "too_long",
            field=what.replace(" ", "_"),
            limit=MAX_NAME,
        )
    if any(ord(char) < 32 for char in text):
        raise SignOffError(
            f"{what}: must not contain control characters or line breaks",
            "control",
            field=what.replace(" ", "_"),
        )
    return text


def _lock_version(conn: Connection, plan_id: str) -> int:
    query = select(plans.c.version).where(plans.c.id == plan_id)
    if not is_sqlite(conn):
        query = query.with_for_update()
    version = conn.execute(query).scalar()
    if version is None:
        raise UnknownPlanError(plan_id)
    return int(version)


def _admit(conn: Connection, plan_id: str, invite: int | None) -> None:
    refused = access.link_refusal(conn, plan_id, invite)
    if refused is not None:
        raise LinkRevokedError(refused)


def _open_version(conn: Connection, plan_id: str) -> int | None:
    value = conn.execute(
        select(signoffs.c.version).where(
            signoffs.c.plan_id == plan_id, signoffs.c.status == "frozen"
        )
    ).scalar()
    return None if value is None else int(value)


def frozen_refusal(conn: Connection, plan_id: str) -> str | None:
    """Why the plan cannot be edited now (a version awaits sign-off), or None.

    Called by the store inside its edit transaction, so no edit slips in after a freeze.
    """
    version = _open_version(conn, plan_id)
    if version is None:
        return None
    return (
        f"version {version} is frozen for sign-off and cannot change "
        "(withdraw the freeze to edit the plan again)"
    )


# --- reading -----------------------------------------------------------------------------


def _records(conn: Connection, where: ColumnElement[bool]) -> list[SignOff]:
    query = select(signoffs).where(where).order_by(signoffs.c.plan_id, signoffs.c.version)
    rows = list(conn.execute(query).mappings())
    found = []
    for row in rows:
        signed = conn.execute(
            select(signatures).where(
                signatures.c.plan_id == row["plan_id"], signatures.c.version == row["version"]
            )
        ).mappings()
        found.append(
            SignOff(
                plan_id=row["plan_id"],
                version=int(row["version"]),
                content_hash=row["content_hash"],
                title=row["title"],
                status=row["status"],
                frozen_at=from_stamp(row["frozen_at"]),
                frozen_by=row["frozen_by"],
                frozen_side=row["frozen_side"],
                signed_at=from_stamp(row["signed_at"]) if row["signed_at"] else None,
                withdrawn_at=from_stamp(row["withdrawn_at"]) if row["withdrawn_at"] else None,
                withdrawn_by=row["withdrawn_by"],
                signatures={
                    s["side"]: Signature(
                        side=s["side"],
                        name=s["name"],
                        title=s["title"],
                        date=datetime.date.fromisoformat(s["date"]),
                        at=from_stamp(s["at"]),
                        entered_by=s["entered_by"],
                    )
                    for s in signed
                },
            )
        )
    return found


def history(store: Store, plan_id: str) -> list[SignOff]:
    """Every sign-off of the plan (frozen, signed, withdrawn), oldest version first."""
    with store.reading() as conn:
        return _records(conn, signoffs.c.plan_id == plan_id)


def record(store: Store, plan_id: str, version: int) -> SignOff | None:
    """The latest sign-off record of one plan version, or None."""
    with store.reading() as conn:
        found = _records(conn, (signoffs.c.plan_id == plan_id) & (signoffs.c.version == version))
    return found[-1] if found else None


def pending(store: Store, plan_id: str) -> SignOff | None:
    """The version frozen and awaiting signatures, or None."""
    return next((r for r in history(store, plan_id) if r.open), None)


def last_signed(store: Store, plan_id: str) -> SignOff | None:
    """The newest signed version of the plan, or None."""
    signed = [r for r in history(store, plan_id) if r.signed]
    return signed[-1] if signed else None


def by_hash(store: Store, content_hash: str) -> list[SignOff]:
    """Sign-off records (any plan) of the plan version with this content hash."""
    with store.reading() as conn:
        return _records(conn, signoffs.c.content_hash == content_hash.lower())


def amendment(store: Store, plan_id: str) -> Amendment | None:
    """What changed since the last signed version (None when nothing was signed yet)."""
    signed = last_signed(store, plan_id)
    if signed is None:
        return None
    current = store.version(plan_id)
    differences = (
        tuple(store.diff(plan_id, signed.version, current)) if current != signed.version else ()
    )
    return Amendment(signed, current, differences)


def signed_plan(store: Store, record: SignOff) -> Plan:
    """The plan exactly as it was frozen and signed."""
    return store.plan_at(record.plan_id, record.version)


# --- steps -------------------------------------------------------------------------------


def freeze(
    store: Store,
    plan_id: str,
    *,
    role: str,
    author: str,
    expected_version: int | None = None,
    invite: int | None = None,
) -> SignOff:
    """Freeze the plan's current version for sign-off (editors only).

    ``expected_version`` (the version the editor looked at) guards against freezing a
    version that someone changed in the meantime. ``invite``: the link the editor came
    through (None: the vendor's workspace); a revoked one freezes nothing.
    """
    side = _side_of(role)
    author = _person(author, "author")
    stamp = store.now()
    with store.writing() as conn:
        version = _lock_version(conn, plan_id)
        _admit(conn, plan_id, invite)
        if expected_version is not None and expected_version != version:
            raise SignOffError(
                f"the plan changed since version {expected_version} (now version {version}): "
                "check the changes, then freeze again",
                "moved",
                seen=expected_version,
                version=version,
            )
        frozen = _open_version(conn, plan_id)
        if frozen is not None:
            raise SignOffError(
                f"version {frozen} is already frozen for sign-off", "frozen", version=frozen
            )
        existing = conn.execute(
            select(signoffs.c.status).where(
                signoffs.c.plan_id == plan_id, signoffs.c.version == version
            )
        ).scalar()
        if existing == "signed":
            raise SignOffError(f"version {version} is already signed", "signed", version=version)
        digest = conn.execute(
            select(plan_versions.c.content_hash).where(
                plan_versions.c.plan_id == plan_id, plan_versions.c.version == version
            )
        ).scalar_one()
        title = conn.execute(select(plans.c.title).where(plans.c.id == plan_id)).scalar_one()
        values = {
            "content_hash": digest,
            "title": title,
            "status": "frozen",
            "frozen_at": stamp,
            "frozen_by": author,
            "frozen_side": side,
            "signed_at": None,
            "withdrawn_at": None,
            "withdrawn_by": None,
        }
        if existing is None:
            conn.execute(signoffs.insert().values(plan_id=plan_id, version=version, **values))
        else:  # frozen again after a withdrawal: the old signatures do not carry over
            conn.execute(
                signatures.delete().where(
                    signatures.c.plan_id == plan_id, signatures.c.version == version
                )
            )
            conn.execute(
                signoffs.update()
                .where(signoffs.c.plan_id == plan_id, signoffs.c.version == version)
                .values(**values)
            )
    found = record(store, plan_id, version)
    assert found is not None
    return found


def withdraw(
    store: Store,
    plan_id: str,
    *,
    role: str,
    author: str,
    expected: SignOff | None = None,
    invite: int | None = None,
) -> SignOff:
    """Release the frozen version before both sides signed (editors only); edits resume.

    ``expected`` (the freeze the editor looked at) guards against withdrawing another one: a
    freeze withdrawn, signed, or withdrawn and frozen again (a new ``frozen_at``, even of the
    same version) in the meantime is left as it is. ``invite`` as for :func:`freeze`.
    """
    _side_of(role)
    author = _person(author, "author")
    stamp = store.now()
    with store.writing() as conn:
        _lock_version(conn, plan_id)
        _admit(conn, plan_id, invite)
        version = _open_version(conn, plan_id)
        if version is None and expected is not None:
            raise SignOffError(
                f"version {expected.version} is no longer frozen for sign-off (withdrawn or "
                "signed already): nothing was withdrawn",
                "withdrawn",
                version=expected.version,
            )
        if version is None:
            raise SignOffError("no version is frozen for sign-off")
        if expected is not None:
            row = (
                conn.execute(
                    select(signoffs.c.frozen_at, signoffs.c.frozen_by).where(
                        signoffs.c.plan_id == plan_id, signoffs.c.version == version
                    )
                )
                .mappings()
                .one()
            )
            if version != expected.version or from_stamp(row["frozen_at"]) != expected.frozen_at:
                raise SignOffError(
                    f"version {version} was frozen for sign-off anew (by {row['frozen_by']}) "
                    "since the page showed it: nothing was withdrawn",
                    "frozen_anew",
                    version=version,
                    who=row["frozen_by"],
                )
        conn.execute(
            signoffs.update()
            .where(signoffs.c.plan_id == plan_id, signoffs.c.version == version)
            .values(status="withdrawn", withdrawn_at=stamp, withdrawn_by=author)
        )
    found = record(store, plan_id, version)
    assert found is not None
    return found


def sign(
    store: Store,
    plan_id: str,
    version: int,
    *,
    side: str,
    role: str,
    name: str,
    title: str,
    date: datetime.date | None = None,
    entered_by: str | None = None,
    invite: int | None = None,
) -> SignOff:
    """Sign the frozen ``version`` for ``side`` (only an editor of that side may).

    ``date`` defaults to today (the store's clock, UTC). When both sides have signed, the
    version is signed and the plan may be edited again (as an amendment). ``invite`` as for
    :func:`freeze`.
    """
    if side not in SIDES:
        raise SignOffError(f"side: {side!r} is not one of {', '.join(SIDES)}")
    own = _side_of(role)
    if own != side:
        raise NotAllowedError(
            f"a {role.replace('_', ' ')} cannot sign for the {side}", "other_side", side=side
        )
    name = _person(name, "name")
    title = _person(title, "title")
    entered_by = _person(entered_by or name, "entered by")
    now = store.clock()
    day = date or now.astimezone(datetime.UTC).date()
    if not 1900 <= day.year <= 2200:
        raise SignOffError(
            f"date: {day.isoformat()} is not within 1900 to 2200", "date", date=day.isoformat()
        )
    stamp = store.now()
    with store.writing() as conn:
        _lock_version(conn, plan_id)
        _admit(conn, plan_id, invite)
        status = conn.execute(
            select(signoffs.c.status).where(
                signoffs.c.plan_id == plan_id, signoffs.c.version == version
            )
        ).scalar()
        if status is None:
            raise SignOffError(
                f"version {version} was not frozen for sign-off", "not_frozen", version=version
            )
        if status != "frozen":
            raise SignOffError(
                f"version {version} is {status}, it cannot be signed now",
                "not_frozen",
                version=version,
            )
        taken = conn.execute(
            select(signatures.c.name).where(
                signatures.c.plan_id == plan_id,
                signatures.c.version == version,
                signatures.c.side == side,
            )
        ).scalar()
        if taken is not None:
            raise SignOffError(
                f"the {side} has already signed version {version} ({taken})",
                "side_signed",
                side=side,
                version=version,
                name=taken,
            )
        conn.execute(
            signatures.insert().values(
                plan_id=plan_id,
                version=version,
                side=side,
                name=name,
                title=title,
                date=day.isoformat(),
                at=stamp,
                entered_by=entered_by,
            )
        )
        count = len(
            conn.execute(
                select(signatures.c.side).where(
                    signatures.c.plan_id == plan_id, signatures.c.version == version
                )
            ).all()
        )
        if count == len(SIDES):
            conn.execute(
                signoffs.update()
                .where(signoffs.c.plan_id == plan_id, signoffs.c.version == version)
                .values(status="signed", signed_at=stamp)
            )
    found = record(store, plan_id, version)
    assert found is not None
    return found
