"""The zone of mutual interest: a 60 x 60 map over two drivers, one batched model call.

    taskset -c 0 .venv/bin/python benchmarks/bench_zone.py [RUNS]

Prints the median and best CPU and wall time (ms) of ``zone.zone`` for the example plan
(partner margin x MDF rate, 3,600 plans) and for the conservative scenario, where the map also
looks for the smallest change to a mutual plan (a few more batched calls). Goal: < 100 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner.analysis import zone  # noqa: E402
from planner.plan.files import load  # noqa: E402
from planner.plan.schema import Plan  # noqa: E402
from planner.plan.validation import with_scenario  # noqa: E402

GOAL_MS = 100.0


def measure(name: str, plan: Plan, runs: int) -> None:
    zone.zone(plan)  # warm: imports and caches
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        zone.zone(plan)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    print(
        f"{name:<34} CPU median {statistics.median(cpus):6.1f} ms, best {min(cpus):6.1f} ms; "
        f"wall median {statistics.median(walls):6.1f} ms  (goal < {GOAL_MS:.0f} ms)"
    )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    example = load(ROOT / "examples" / "acme-reseller.yaml")
    measure("60 x 60, example (mutual)", example, runs)
    measure("60 x 60, Konservativ (not mutual)", with_scenario(example, "Konservativ"), runs)


if __name__ == "__main__":
    main()
