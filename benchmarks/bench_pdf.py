"""Benchmark of the business-plan PDF, on one core. Run by hand:

    taskset -c 0 .venv/bin/python benchmarks/bench_pdf.py [--runs 15]

Prints wall times (ms) for the example plan (36 months, two scenarios, with the sensitivity
page) and for the same plan over 120 months: the first build in the process (fonts loaded and
registered once) and the median and best of the following builds; then where the time of one
build goes (model, analysis, reportlab layout and writing). Goal: the example plan's median
under 150 ms.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.export.pdf import build_pdf
from planner.plan.files import load
from planner.plan.schema import Plan
from planner.plan.validation import validate

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "acme-reseller.yaml"
ISSUED = datetime.date(2027, 1, 15)


def _ms(plan: Plan) -> tuple[float, float]:
    """Wall time and CPU time of one build (ms): on a busy machine the CPU time is the
    better estimate of what an idle core would take."""
    wall, cpu = time.perf_counter(), time.process_time()
    build_pdf(plan, issued=ISSUED)
    return ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)


GOAL_MS = 150.0


def measure(name: str, plan: Plan, runs: int, goal: float | None = None) -> None:
    first = _ms(plan)
    times = [_ms(plan) for _ in range(runs)]
    wall = [t[0] for t in times]
    cpu = [t[1] for t in times]
    pages = build_pdf(plan, issued=ISSUED).count(b"/Type /Page\n")
    print(
        f"{name:<27} first {first[0]:6.0f} ms (cpu {first[1]:4.0f})   "
        f"median {statistics.median(wall):5.0f} ms (cpu {statistics.median(cpu):4.0f})   "
        f"best {min(wall):5.0f} ms (cpu {min(cpu):4.0f})   ({runs} runs, {pages} pages)"
        + (
            ""
            if goal is None
            else f"   goal < {goal:.0f} ms: {verdict(statistics.median(wall), goal)}"
        )
    )


def verdict(ms: float, goal: float) -> str:
    return "ok" if ms < goal else "over"


def profile(plan: Plan) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    build_pdf(plan, issued=ISSUED)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    parts = {
        "model (evaluate_many)": "evaluate_many",
        "analysis (tornado)": "tornado",
        "reportlab build": "build",
        "story (tables, charts)": "story",
    }
    print(f"one build under the profiler: {total * 1000:.0f} ms in all")
    for label, function in parts.items():
        cumulative = sum(
            row[3]
            for (file, _, name), row in stats.stats.items()  # type: ignore[attr-defined]
            if name == function and ("planner" in file or "doctemplate" in file)
        )
        print(f"  {label:<26} {cumulative * 1000:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    example = load(EXAMPLE)
    measure("example plan (36 months)", example, args.runs, GOAL_MS)
    long = validate({**example.to_data(), "months": 120})
    measure("same plan over 120 months", long, args.runs)
    profile(example)


if __name__ == "__main__":
    main()
