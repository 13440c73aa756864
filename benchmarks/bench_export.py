"""Benchmark of the live XLSX workbook and its import, on one core. Run by hand:

    taskset -c 0 .venv/bin/python benchmarks/bench_export.py [--runs 15]

Prints wall and CPU times (ms) of ``build_workbook`` and ``read_workbook`` for the example
plan (36 months, two scenarios) and for the same plan over 120 months: the first call in the
process and the median and best of the following calls, with the number of cells written; then
where the time of one build goes. Goal: example plan < 200 ms. (The PDF: bench_pdf.py.)
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl

from planner.export.workbook_import import read_workbook
from planner.export.xlsx import build_workbook
from planner.plan.files import load
from planner.plan.schema import Plan
from planner.plan.validation import with_values

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "acme-reseller.yaml"


def _ms(call: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU time of one call (ms); on a busy machine CPU time is the better estimate."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)


def measure(name: str, call: Callable[[], object], runs: int, note: str) -> None:
    first = _ms(call)
    times = [_ms(call) for _ in range(runs)]
    wall = [t[0] for t in times]
    cpu = [t[1] for t in times]
    print(
        f"{name:<30} first {first[0]:5.0f} ms (cpu {first[1]:4.0f})   "
        f"median {statistics.median(wall):5.0f} ms (cpu {statistics.median(cpu):4.0f})   "
        f"best {min(wall):5.0f} ms (cpu {min(cpu):4.0f})   {note}"
    )


def cells(data: bytes) -> int:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    count = sum(1 for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value)
    book.close()
    return count


def profile(plan: Plan) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    build_workbook(plan)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    parts = {
        "model (evaluate, scenarios)": ("evaluate", "evaluate_many"),
        "sheets and formulas": (
            "_write_inputs",
            "_write_team",
            "_write_investments",
            "_write_monthly",
            "_write_yearly",
            "_write_figures",
        ),
        "writing the zip (openpyxl)": ("save",),
    }
    print(f"one build under the profiler: {total * 1000:.0f} ms in all")
    for label, functions in parts.items():
        cumulative = sum(
            row[3]
            for (file, _, name), row in stats.stats.items()  # type: ignore[attr-defined]
            if name in functions and ("planner" in file or "workbook.py" in file)
        )
        print(f"  {label:<30} {cumulative * 1000:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    example = load(EXAMPLE)
    long = with_values(example, {"months": 120})
    for name, plan in (("example (36 months)", example), ("example over 120 months", long)):
        data = build_workbook(plan)
        note = f"({args.runs} runs, {cells(data):,} cells, {len(data) / 1000:.0f} kB)"
        measure(f"build_workbook {name}", lambda p=plan: build_workbook(p), args.runs, note)
        measure(f"read_workbook {name}", lambda d=data: read_workbook(d), args.runs, "")
    profile(example)


if __name__ == "__main__":
    main()
