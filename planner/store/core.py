"""The store: plans, their versions, edits, the change log and notes in one database.

Every accepted edit makes a new plan version (the full validated plan, kept forever) and one
change-log row per field path it changed, written to the hash chain of :mod:`planner.store.chain`
(:meth:`Store.verify_chain` detects a row that was altered, removed or added afterwards) in the
transaction that asked the write policy (:mod:`planner.store.write_policy`). What it hands back
is :mod:`planner.store.results`.

Concurrency is optimistic per field: an edit names the version of the field it was based on
(:meth:`Store.field_version`); if another edit changed that field (or a field containing it,
or one inside it) since, the edit is not written and comes back as a :class:`Conflict`.
Edits to different fields both land.
"""

from __future__ import annotations

import json
import secrets
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import Connection

from planner.plan.paths import data_with_values, diff_data, get_value, lookup, overlaps
from planner.plan.schema import Plan, PlanError, Problem
from planner.plan.validation import validate
from planner.store import chain, db
from planner.store.db import changes, notes, plan_versions, plans
from planner.store.results import (
    ChainCheck,
    Change,
    Clock,
    Conflict,
    Difference,
    EditResult,
    Note,
    PlanInfo,
    Side,
    Snapshot,
    UnknownPlanError,
    from_stamp,
    to_stamp,
    utc_now,
)
from planner.store.write_policy import MAX_NOTE, NoPolicy, WritePolicy, person_refusal

PLAN_CACHE = 64
"""Validated plan versions kept in memory per store."""


class Store:
    """Plans, versions, change log and notes in one database.

    ``Store()`` opens the database named by the environment (see :func:`db.database_url`) and
    creates or upgrades its schema (to ``schema``: an older one only to test upgrades).
    ``clock`` returns timezone-aware times (tests pass a fake). ``policy`` decides which
    edits and notes a side may write (:mod:`planner.policy`); without one the store only
    reads and creates plans, and refuses every edit.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        clock: Clock = utc_now,
        engine: Engine | None = None,
        schema: int = db.SCHEMA_VERSION,
        policy: WritePolicy | None = None,
    ) -> None:
        self.policy: WritePolicy = NoPolicy() if policy is None else policy
        self.engine = engine if engine is not None else db.make_engine(url or db.database_url())
        self.clock = clock
        # Stored versions never change, so each is validated once per process.
        self._plans: OrderedDict[tuple[str, int], Plan] = OrderedDict()
        db.upgrade(self.engine, schema)

    def now(self) -> str:
        return to_stamp(self.clock())

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A read-then-write transaction (``BEGIN IMMEDIATE`` on SQLite; on PostgreSQL it
        notifies :data:`db.CHANGES_CHANNEL`, delivered at commit and dropped by a rollback)."""
        with (
            self.engine.connect().execution_options(**db.write_options()) as conn,
            conn.begin(),
        ):
            yield conn
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"NOTIFY {db.CHANGES_CHANNEL}")

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    # --- plans ---------------------------------------------------------------------------

    def create_plan(
        self, plan: Plan, *, author: str, side: Side = "vendor", plan_id: str | None = None
    ) -> str:
        """Store a new plan as version 1 (its first change-log row holds the whole plan)."""
        problem = person_refusal(author, side)
        if problem:
            raise ValueError(problem)
        plan_id = plan_id or secrets.token_hex(8)
        stamp = self.now()
        data = plan.to_data()
        with self.writing() as conn:
            conn.execute(
                plans.insert().values(
                    id=plan_id,
                    title=plan.title,
                    created_at=stamp,
                    updated_at=stamp,
                    version=0,
                    head_seq=0,
                    head_hash=chain.GENESIS,
                )
            )
            self._remember((plan_id, 1), plan)
            chain.append(
                conn,
                plan_id,
                plan,
                [("", None, data)],
                base=(0, 0, chain.GENESIS),
                stamp=stamp,
                author=author,
                side=side,
                kind="create",
            )
        return plan_id

    def plans(self) -> list[PlanInfo]:
        """All plans, most recently changed first."""
        with self.reading() as conn:
            rows = conn.execute(select(plans).order_by(plans.c.updated_at.desc())).mappings()
            return [
                PlanInfo(
                    id=r["id"],
                    title=r["title"],
                    version=r["version"],
                    created_at=from_stamp(r["created_at"]),
                    updated_at=from_stamp(r["updated_at"]),
                )
                for r in rows
            ]

    def exists(self, plan_id: str) -> bool:
        with self.reading() as conn:
            return conn.execute(select(plans.c.id).where(plans.c.id == plan_id)).first() is not None

    def version(self, plan_id: str) -> int:
        """The plan's current version: cheap, for polling."""
        with self.reading() as conn:
            value = conn.execute(select(plans.c.version).where(plans.c.id == plan_id)).scalar()
        if value is None:
            raise UnknownPlanError(plan_id)
        return int(value)

    def plan_at(self, plan_id: str, version: int | None = None) -> Plan:
        """The plan as it was at ``version`` (the current one by default)."""
        with self.reading() as conn:
            return self._plan_at(conn, plan_id, version)

    def plan_in(self, conn: Connection, plan_id: str, version: int | None = None) -> Plan:
        """The plan at ``version`` (the current one by default) as transaction ``conn`` sees
        it: for a step above the store that decides inside its own write transaction."""
        return self._plan_at(conn, plan_id, version)

    def _plan_at(self, conn: Connection, plan_id: str, version: int | None) -> Plan:
        if version is None:
            version = conn.execute(select(plans.c.version).where(plans.c.id == plan_id)).scalar()
            if version is None:
                raise UnknownPlanError(plan_id)
        key = (plan_id, int(version))
        cached = self._plans.get(key)
        if cached is not None:
            return cached
        content = conn.execute(
            select(plan_versions.c.content).where(
                plan_versions.c.plan_id == plan_id, plan_versions.c.version == version
            )
        ).scalar()
        if content is None:
            raise UnknownPlanError(f"{plan_id} version {version}")
        plan = validate(json.loads(content))
        self._remember(key, plan)
        return plan

    def _remember(self, key: tuple[str, int], plan: Plan) -> None:
        self._plans[key] = plan
        while len(self._plans) > PLAN_CACHE:
            try:
                self._plans.popitem(last=False)
            except KeyError:  # emptied by another thread meanwhile
                break

    def snapshot(self, plan_id: str) -> Snapshot:
        """The current plan, its version and every changed field's version, read together."""
        with self.reading() as conn:
            version = conn.execute(select(plans.c.version).where(plans.c.id == plan_id)).scalar()
            if version is None:
                raise UnknownPlanError(plan_id)
            plan = self._plan_at(conn, plan_id, version)
            rows = conn.execute(
                select(changes.c.path, func.max(changes.c.version))
                .where(changes.c.plan_id == plan_id, changes.c.version <= version)
                .group_by(changes.c.path)
            ).all()
        return Snapshot(plan_id, int(version), plan, {p: int(v) for p, v in rows})

    def field_version(self, plan_id: str, path: str) -> int:
        """The version at which ``path`` (or a field containing it, or inside it) last changed."""
        return self.snapshot(plan_id).field_version(path)

    # --- edits ---------------------------------------------------------------------------

    def apply_edit(
        self,
        plan_id: str,
        path: str,
        new_value: Any,
        base_version_of_field: int,
        author: str,
        side: str,
    ) -> EditResult:
        """Set one field, unless someone else changed it after ``base_version_of_field``."""
        return self.apply_edits(
            plan_id, {path: (new_value, base_version_of_field)}, author=author, side=side
        )

    def apply_edits(
        self,
        plan_id: str,
        edits: Mapping[str, tuple[Any, int]],
        *,
        author: str,
        side: str,
        kind: str = "edit",
        reverts: int | None = None,
        invite: int | None = None,
        then: Callable[[Connection, int], None] | None = None,
        judge: str | None = None,
    ) -> EditResult:
        """Set several fields at once (``{path: (value, base version)}``): all or nothing.

        The result is ``accepted`` (one new plan version, one log row per changed path),
        ``unchanged`` (every value was already so), ``conflict``, ``invalid`` (the plan would
        not validate) or ``refused`` (this side may not edit these fields, or ``invite``, the
        link the edit came through, was revoked).

        ``judge``: the side whose view the change is judged by for what is hidden (default
        ``side``): the side accepting a proposal of the other, which it may see in full.

        ``then(conn, version)`` runs in the same transaction once the edit is ``accepted`` or
        ``unchanged`` (``version``: the plan's version after it): what it writes commits with
        the edit, and an exception it raises undoes both (e.g. a proposal's state change).
        """
        problem = person_refusal(author, side)
        if problem is None and "" in edits:
            problem = "the whole plan cannot be replaced by an edit"
        judge = judge or side
        policy = self.policy
        with self.writing() as conn:
            head = self._lock(conn, plan_id)
            version = head[0]
            current = self._plan_at(conn, plan_id, version)
            if problem is None:
                problem = policy.writer_refusal(conn, plan_id, side, invite)
            if problem is None:
                problem = policy.paths_refusal(conn, plan_id, current, list(edits), side)
            if problem is not None:
                return EditResult("refused", version, message=problem)
            bad = [
                Problem(p, f"base version {b} is not within 1 to {version}")
                for p, (_, b) in edits.items()
                if not 1 <= b <= version
            ]
            if bad:
                return EditResult("invalid", version, problems=tuple(bad))
            try:
                data = data_with_values(current, {p: v for p, (v, _) in edits.items()})
            except PlanError as error:
                return EditResult("invalid", version, problems=tuple(error.problems))
            data = policy.carried(current, data, judge)  # what it sent for hidden values: ignored
            refused = policy.values_refusal(current, data, judge)
            if refused is not None:
                return EditResult("refused", version, message=refused)
            try:
                updated = validate(data)
            except PlanError as error:
                told = policy.told(current, error.problems, judge)
                if isinstance(told, str):
                    return EditResult("refused", version, message=told)
                return EditResult("invalid", version, problems=tuple(told))
            refusal = policy.change_refusal(current, updated, side, judge)
            if refusal is not None:
                return EditResult("refused", version, message=refusal)
            before, after = current.to_data(), updated.to_data()
            effective = {
                p: (lookup(before, p), lookup(after, p))
                for p in edits
                if lookup(before, p) != lookup(after, p)
            }
            if not effective:
                if then is not None:
                    then(conn, version)
                return EditResult("unchanged", version)
            conflicts = self._conflicts(conn, plan_id, edits, effective, before)
            if conflicts:
                return EditResult("conflict", version, conflicts=tuple(conflicts))
            self._remember((plan_id, version + 1), updated)
            written = chain.append(
                conn,
                plan_id,
                updated,
                [(p, old, new) for p, (old, new) in effective.items()],
                base=head,
                stamp=self.now(),
                author=author,
                side=side,
                kind=kind,
                reverts=reverts,
            )
            if then is not None:
                then(conn, version + 1)
        return EditResult("accepted", version + 1, changes=tuple(written))

    def lock(self, conn: Connection, plan_id: str) -> int:
        """In write transaction ``conn``: the plan's version, the plan held against other
        writers until the transaction ends (on SQLite the write transaction holds the file)."""
        return self._lock(conn, plan_id)[0]

    def _lock(self, conn: Connection, plan_id: str) -> tuple[int, int, str]:
        query = select(plans.c.version, plans.c.head_seq, plans.c.head_hash).where(
            plans.c.id == plan_id
        )
        if not db.is_sqlite(conn):
            query = query.with_for_update()
        row = conn.execute(query).first()
        if row is None:
            raise UnknownPlanError(plan_id)
        return int(row[0]), int(row[1]), str(row[2])

    def _conflicts(
        self,
        conn: Connection,
        plan_id: str,
        edits: Mapping[str, tuple[Any, int]],
        effective: Mapping[str, tuple[Any, Any]],
        current: Any,
    ) -> list[Conflict]:
        oldest = min(base for _, base in edits.values())
        rows = conn.execute(
            select(changes.c.version, changes.c.path, changes.c.author, changes.c.side)
            .where(changes.c.plan_id == plan_id, changes.c.version > oldest)
            .order_by(changes.c.seq)
        ).all()
        found = []
        for path, (value, base) in edits.items():
            if path not in effective:
                continue
            later = [r for r in rows if r[0] > base and overlaps(r[1], path)]
            if later:
                last = later[-1]
                found.append(
                    Conflict(
                        path=path,
                        yours=value,
                        theirs=lookup(current, path),
                        author=last[2],
                        side=last[3],
                        version=int(last[0]),
                    )
                )
        return found

    def revert(
        self,
        plan_id: str,
        seq: int,
        *,
        author: str,
        side: str,
        base: int | None = None,
        invite: int | None = None,
    ) -> EditResult:
        """Undo change ``seq`` as a new change: its field goes back to the old value.

        Based on the reverted change's version unless ``base`` says otherwise, so a later
        change of the same field comes back as a conflict rather than being overwritten.
        """
        with self.reading() as conn:
            row = (
                conn.execute(
                    select(changes).where(changes.c.plan_id == plan_id, changes.c.seq == seq)
                )
                .mappings()
                .first()
            )
        if row is None:
            raise UnknownPlanError(f"{plan_id} change {seq}")
        entry = chain.read_change(row)
        if not entry.path:
            return EditResult(
                "refused", self.version(plan_id), message="a plan's creation cannot be reverted"
            )
        return self.apply_edits(
            plan_id,
            {entry.path: (entry.old, entry.version if base is None else base)},
            author=author,
            side=side,
            kind="revert",
            reverts=seq,
            invite=invite,
        )

    # --- reading the log -----------------------------------------------------------------

    def log(self, plan_id: str, *, since_version: int = 0) -> list[Change]:
        """Change-log rows after ``since_version``, oldest first."""
        with self.reading() as conn:
            rows = conn.execute(
                select(changes)
                .where(changes.c.plan_id == plan_id, changes.c.version > since_version)
                .order_by(changes.c.seq)
            ).mappings()
            return [chain.read_change(r) for r in rows]

    def diff(self, plan_id: str, version_a: int, version_b: int) -> list[Difference]:
        """Every leaf path whose value differs between two versions."""
        with self.reading() as conn:
            a = self._plan_at(conn, plan_id, version_a).to_data()
            b = self._plan_at(conn, plan_id, version_b).to_data()
        return [Difference(p, x, y) for p, x, y in diff_data(a, b)]

    def verify_chain(self, plan_id: str) -> ChainCheck:
        """Recompute the plan's hash chain; any altered, removed or inserted row is a problem."""
        with self.reading() as conn:
            return chain.verify(conn, plan_id)

    # --- notes ---------------------------------------------------------------------------

    def add_note(
        self,
        plan_id: str,
        path: str,
        body: str,
        *,
        author: str,
        side: str,
        invite: int | None = None,
    ) -> Note:
        """Attach a short rationale to an assumption path (either side); ``invite``, the link
        the note came through, must not be revoked (PermissionError)."""
        problem = person_refusal(author, side)
        if problem:
            raise ValueError(problem)
        body = body.strip()
        if not body:
            raise ValueError("note: must not be empty")
        if len(body) > MAX_NOTE:
            raise ValueError(f"note: is longer than {MAX_NOTE} characters")
        stamp = self.now()
        with self.writing() as conn:
            version = self._lock(conn, plan_id)[0]
            revoked = self.policy.writer_refusal(conn, plan_id, side, invite)
            if revoked is not None:
                raise PermissionError(revoked)
            current = self._plan_at(conn, plan_id, version)
            try:
                get_value(current, path)
            except KeyError:
                raise ValueError(f"{path}: is not a plan path") from None
            refused = self.policy.note_refusal(current, path, side)
            if refused is not None:
                raise PermissionError(refused)
            result = conn.execute(
                notes.insert().values(
                    plan_id=plan_id,
                    path=path,
                    body=body,
                    author=author,
                    side=side,
                    at=stamp,
                    version=version,
                )
            )
            note_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        return Note(note_id, plan_id, path, body, author, side, from_stamp(stamp), version)

    def notes(self, plan_id: str, path: str | None = None) -> list[Note]:
        """Notes of the plan (of one path if given), oldest first."""
        query = select(notes).where(notes.c.plan_id == plan_id)
        if path is not None:
            query = query.where(notes.c.path == path)
        with self.reading() as conn:
            rows = conn.execute(query.order_by(notes.c.id)).mappings()
            return [
                Note(
                    r["id"],
                    r["plan_id"],
                    r["path"],
                    r["body"],
                    r["author"],
                    r["side"],
                    from_stamp(r["at"]),
                    r["version"],
                )
                for r in rows
            ]
