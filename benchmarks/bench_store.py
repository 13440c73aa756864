"""Store throughput and edit-to-visibility latency, run by hand.

    python benchmarks/bench_store.py [--writers 8] [--seconds 10] [--url URL]

Without ``--url`` a fresh SQLite file in a temporary folder is used. Prints:
- edits per second sustained by ``--writers`` threads, each editing its own field through the
  full path (snapshot, per-field check, validation, new version, log row), and the check that
  no accepted edit was lost (every one in the log exactly once, chain verified);
- the time from an accepted edit to its visibility through a second, independent store (its
  own engine and connections, as another app server would have), polling the version.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.plan.validation import validate
from planner.policy import RULES
from planner.store import Store
from tests.store_support import PLAN_DATA


def _plan(writers: int) -> object:
    items = [
        {"name": f"Item {w}", "category": "other", "amount": 0, "month": 1} for w in range(writers)
    ]
    return validate({**PLAN_DATA, "investments": items})


def throughput(url: str, writers: int, seconds: float) -> None:
    store = Store(url, policy=RULES)
    plan_id = store.create_plan(_plan(writers), author="bench", side="vendor")  # type: ignore[arg-type]
    accepted: list[list[tuple[str, float]]] = [[] for _ in range(writers)]
    other = [0] * writers
    stop = time.perf_counter() + seconds

    def work(w: int) -> None:
        path, i = f"investments.{w}.amount", 0
        while time.perf_counter() < stop:
            i += 1
            base = store.snapshot(plan_id).field_version(path)
            result = store.apply_edit(plan_id, path, float(i), base, f"W{w}", "partner")
            if result.status == "accepted":
                accepted[w].append((path, float(i)))
            else:
                other[w] += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=work, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    total = sum(len(a) for a in accepted)
    logged = Counter((c.path, c.new) for c in store.log(plan_id)[1:])
    expected = Counter(e for a in accepted for e in a)
    chain = store.verify_chain(plan_id)
    print(f"writers: {writers}, seconds: {elapsed:.1f}")
    print(f"accepted edits: {total} ({total / elapsed:.1f} per second), not accepted: {sum(other)}")
    lost = sum((expected - logged).values()) + sum((logged - expected).values())
    print(f"lost or duplicated edits: {lost}")
    print(f"chain verified: {chain.ok} ({chain.entries} rows)")
    store.close()


def visibility(url: str, rounds: int = 50) -> None:
    writer, reader = Store(url, policy=RULES), Store(url, policy=RULES)
    plan_id = writer.create_plan(_plan(1), author="bench", side="vendor")  # type: ignore[arg-type]
    delays = []
    for i in range(rounds):
        base = writer.field_version(plan_id, "revenue.deal_size")
        start = time.perf_counter()
        result = writer.apply_edit(plan_id, "revenue.deal_size", 40000.0 + i, base, "A", "partner")
        while reader.version(plan_id) < result.version:
            pass
        reader.plan_at(plan_id)  # what a browser then loads
        delays.append(time.perf_counter() - start)
    delays.sort()
    p95 = delays[int(0.95 * (len(delays) - 1))]
    median = statistics.median(delays)
    print(
        f"edit stored and visible in another store: median {median * 1000:.1f} ms,"
        f" p95 {p95 * 1000:.1f} ms, max {delays[-1] * 1000:.1f} ms ({rounds} edits)"
    )
    writer.close()
    reader.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite+pysqlite:///{Path(folder) / 'planner.db'}"
        print(f"database: {url.split('@')[-1]}")
        throughput(url, args.writers, args.seconds)
        visibility(url)


if __name__ == "__main__":
    main()
