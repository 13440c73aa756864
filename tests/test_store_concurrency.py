"""8 writers x 100 edits at once, on SQLite and PostgreSQL: nothing lost, nothing half-written.

Each writer alternates between a single edit of its own field (nobody else writes it, so it
must always land) and a batch of its own field plus one field all writers share (so many of
those come back as conflicts, and then neither part of the batch may be written).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any

from sqlalchemy import select

from planner.plan.paths import diff_data
from planner.store import EditResult, Store
from planner.store.db import plan_versions
from tests.store_support import PLAN_DATA, clock, database_url, example_plan, store

__all__ = ["clock", "database_url", "store"]

WRITERS = 8
EDITS = 100
SHARED = "revenue.deal_size"


def _own(writer: int) -> str:
    return f"investments.{writer}.amount"


def _writer(
    store: Store, plan_id: str, writer: int, out: list[tuple[str, dict[str, Any], EditResult]]
) -> None:
    for i in range(EDITS):
        value = float(writer * 10_000 + i + 1)  # unique per edit: 1..100, 10001..10100, ...
        snapshot = store.snapshot(plan_id)
        edits = {_own(writer): (value, snapshot.field_version(_own(writer)))}
        if i % 2:
            edits[SHARED] = (value, snapshot.field_version(SHARED))
        result = store.apply_edits(plan_id, edits, author=f"W{writer}", side="partner")
        out.append(("batch" if i % 2 else "single", {p: v for p, (v, _) in edits.items()}, result))


def test_parallel_writers_lose_nothing_and_write_nothing_half(store: Store) -> None:
    items = [
        {"name": f"Item {w}", "category": "other", "amount": 0, "month": 1} for w in range(WRITERS)
    ]
    plan_id = store.create_plan(example_plan(investments=items), author="Vera", side="vendor")
    results: list[list[tuple[str, dict[str, Any], EditResult]]] = [[] for _ in range(WRITERS)]
    threads = [
        threading.Thread(target=_writer, args=(store, plan_id, w, results[w]))
        for w in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    flat = [r for rs in results for r in rs]
    assert len(flat) == WRITERS * EDITS
    accepted = [(edits, r) for _, edits, r in flat if r.status == "accepted"]
    conflicts = [(kind, edits, r) for kind, edits, r in flat if r.status == "conflict"]
    assert {r.status for _, _, r in flat} <= {"accepted", "conflict"}
    # a writer's own field has no other writer: every single edit lands
    assert all(r.status == "accepted" for kind, _, r in flat if kind == "single")
    # conflicts only ever name the shared field, and they did happen
    assert conflicts
    assert all([c.path for c in r.conflicts] == [SHARED] for _, _, r in conflicts)
    assert all(kind == "batch" for kind, _, _ in conflicts)

    log = store.log(plan_id)[1:]  # without the creation row
    # every accepted edit is in the log exactly once, and nothing else is
    logged = Counter((c.path, c.new) for c in log)
    expected = Counter((p, v) for edits, _ in accepted for p, v in edits.items())
    assert logged == expected
    assert max(logged.values()) == 1
    # one version per accepted edit, numbered without gaps
    assert store.version(plan_id) == 1 + len(accepted)
    assert sorted({c.version for c in log}) == list(range(2, 2 + len(accepted)))
    assert sorted(r.version for _, r in accepted) == list(range(2, 2 + len(accepted)))
    # each stored version differs from the one before in exactly the paths logged for it
    with store.engine.connect() as conn:
        contents = dict(
            conn.execute(
                select(plan_versions.c.version, plan_versions.c.content).where(
                    plan_versions.c.plan_id == plan_id
                )
            ).all()
        )
    by_version: dict[int, set[str]] = {}
    for c in log:
        by_version.setdefault(c.version, set()).add(c.path)
    for version, paths in by_version.items():
        before, after = json.loads(contents[version - 1]), json.loads(contents[version])
        assert {p for p, _, _ in diff_data(before, after)} == paths
    # the final plan holds each writer's last value and the last accepted shared value
    final = store.plan_at(plan_id)
    for w in range(WRITERS):
        own = [edits[_own(w)] for edits, _ in accepted if _own(w) in edits]
        assert own[-1] >= float(w * 10_000 + EDITS - 1)  # the 99th edit is a single one: it landed
        assert final.investments[w].amount == max(own)
    last_shared = [c.new for c in log if c.path == SHARED]
    assert final.revenue.deal_size == (
        last_shared[-1] if last_shared else PLAN_DATA["revenue"]["deal_size"]
    )  # type: ignore[index]
    check = store.verify_chain(plan_id)
    assert check.ok, check.problems
    assert check.entries == 1 + len(log)
