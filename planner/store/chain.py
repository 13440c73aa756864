"""The hash-chained change log: each row's hash covers the previous row's hash and its own
content, and the plan row keeps the newest, so :func:`verify` detects a row that was altered,
removed or added afterwards. :func:`append` writes a plan version and its rows inside the
store's write transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from planner.plan.files import canonical_json, content_hash
from planner.plan.schema import Plan
from planner.store.db import changes, plan_versions, plans
from planner.store.results import ChainCheck, Change, UnknownPlanError, from_stamp

GENESIS = "0" * 64
"""The previous hash of a plan's first change-log row."""


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the previous hash and the row's canonical content."""
    payload = prev_hash + "\n" + _dump(dict(content))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _content(row: Mapping[Any, Any]) -> dict[str, Any]:
    keys = ("plan_id", "seq", "version", "at", "author", "side", "kind", "path")
    content = {key: row[key] for key in keys}
    content.update(
        old=row["old_value"], new=row["new_value"], reverts=row["reverts"], plan=row["plan_hash"]
    )
    return content


def read_change(row: Mapping[Any, Any]) -> Change:
    return Change(
        plan_id=row["plan_id"],
        seq=row["seq"],
        version=row["version"],
        at=from_stamp(row["at"]),
        author=row["author"],
        side=row["side"],
        kind=row["kind"],
        path=row["path"],
        old=json.loads(row["old_value"]),
        new=json.loads(row["new_value"]),
        reverts=row["reverts"],
        hash=row["hash"],
    )


def append(
    conn: Connection,
    plan_id: str,
    plan: Plan,
    rows: Sequence[tuple[str, Any, Any]],
    *,
    base: tuple[int, int, str],
    stamp: str,
    author: str,
    side: str,
    kind: str,
    reverts: int | None = None,
) -> list[Change]:
    """In write transaction ``conn``: ``plan`` as the version after ``base`` (its version, last
    row and hash), one change-log row per ``(path, old, new)`` of ``rows``, the plan row moved
    to them."""
    version, seq, prev = base[0] + 1, base[1], base[2]
    plan_hash = content_hash(plan)
    conn.execute(
        plan_versions.insert().values(
            plan_id=plan_id,
            version=version,
            created_at=stamp,
            content=canonical_json(plan),
            content_hash=plan_hash,
        )
    )
    written = []
    records = []
    for path, old, new in rows:
        seq += 1
        row: dict[str, Any] = {
            "plan_id": plan_id,
            "seq": seq,
            "version": version,
            "at": stamp,
            "author": author,
            "side": side,
            "kind": kind,
            "path": path,
            "old_value": _dump(old),
            "new_value": _dump(new),
            "reverts": reverts,
            "plan_hash": plan_hash,
            "prev_hash": prev,
        }
        row["hash"] = prev = entry_hash(prev, _content(row))
        records.append(row)
        written.append(read_change(row))
    conn.execute(changes.insert(), records)
    conn.execute(
        plans.update()
        .where(plans.c.id == plan_id)
        .values(version=version, head_seq=seq, head_hash=prev, updated_at=stamp, title=plan.title)
    )
    return written


def verify(conn: Connection, plan_id: str) -> ChainCheck:
    """Recompute the plan's hash chain as ``conn`` reads it; any altered, removed or inserted
    row is a problem."""
    head = conn.execute(
        select(plans.c.version, plans.c.head_seq, plans.c.head_hash).where(plans.c.id == plan_id)
    ).first()
    if head is None:
        raise UnknownPlanError(plan_id)
    rows = list(
        conn.execute(
            select(changes).where(changes.c.plan_id == plan_id).order_by(changes.c.seq)
        ).mappings()
    )
    versions = dict(
        conn.execute(
            select(plan_versions.c.version, plan_versions.c.content).where(
                plan_versions.c.plan_id == plan_id
            )
        ).all()
    )
    problems: list[str] = []
    prev, expected_seq, last_version = GENESIS, 1, 0
    for row in rows:
        seq = row["seq"]
        if seq != expected_seq:
            problems.append(f"change {expected_seq} is missing (next is {seq})")
        if row["prev_hash"] != prev:
            problems.append(f"change {seq} does not follow the change before it")
        if entry_hash(row["prev_hash"], _content(row)) != row["hash"]:
            problems.append(f"change {seq} was altered")
        if not last_version <= row["version"] <= last_version + 1:
            problems.append(f"change {seq} has version {row['version']} after {last_version}")
        content = versions.get(row["version"])
        if content is None:
            problems.append(f"plan version {row['version']} is missing")
        elif hashlib.sha256(content.encode("utf-8")).hexdigest() != row["plan_hash"]:
            problems.append(f"plan version {row['version']} was altered")
        prev, expected_seq, last_version = row["hash"], seq + 1, row["version"]
    if head[1] != len(rows) or head[2] != prev:
        problems.append(f"the log ends at change {expected_seq - 1}, the plan at {head[1]}")
    if head[0] != last_version:
        problems.append(f"the plan is at version {head[0]}, its log at {last_version}")
    if set(versions) != set(range(1, head[0] + 1)):
        problems.append("the stored plan versions do not match the log")
    return ChainCheck(not problems, len(rows), tuple(dict.fromkeys(problems)))
