"""Benchmark of the analyses on the example plan, on one core. Run by hand:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 taskset -c 0 \
        .venv/bin/python benchmarks/bench_analysis.py

Prints the median wall time (ms) of: a tornado over every default driver, a goal seek,
Monte Carlo with 10,000 and 100,000 draws, and, in the same run, the plain alternative for the
IRR: a Python loop calling ``numpy_financial.irr`` on each draw's cash flows (partner and vendor).
Goals: tornado < 10 ms, goal seek < 20 ms, 10,000 draws < 50 ms, 100,000 draws < 0.5 s; the
last column says how many times faster each is than that loop over 10,000 draws (scaled to the
draws). Also what the compiled kernel takes of 10,000 draws, and the numpy path for the same
figures (``simulate`` + ``key_figures``), and the peak memory (RSS) of this process.
benchmarks/PROFILE.md says where the time goes; ``--million`` also runs 1,000,000 draws
(goal: under 1 GB).
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy_financial as npf

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner import model
from planner.analysis import montecarlo
from planner.analysis.goalseek import goal_seek
from planner.analysis.sensitivity import tornado
from planner.plan.files import load
from planner.plan.validation import validate

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "acme-reseller.yaml"
UNCERTAINTY = [
    {"path": "revenue.deals_per_sales_fte_month", "distribution": "triangular",
     "low": 0.55, "likely": 0.8, "high": 1.0},
    {"path": "revenue.deal_size", "distribution": "triangular",
     "low": 36000, "likely": 42000, "high": 48000},
    {"path": "revenue.monthly_churn", "distribution": "uniform", "low": 0.005, "high": 0.015},
    {"path": "resources.0.start_month", "distribution": "uniform", "low": 1, "high": 4},
    {"path": "resources.0.fte", "distribution": "triangular", "low": 1.5, "likely": 2, "high": 3},
]  # fmt: skip


CPU_MS: list[float] = []
"""The median CPU time (``time.process_time``) of each :func:`median_ms` call, in order: on a
shared machine the wall clock also counts the time other processes held the core."""


def median_ms(work: Callable[[], Any], repeat: int) -> float:
    work()  # warm up
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU_MS.append(statistics.median(cpu) * 1000)
    return statistics.median(times) * 1000


def irr_loop(plan: Any, draws: int) -> None:
    """The plain way: draws computed in batch, then ``npf.irr`` per draw and side."""
    rng = np.random.default_rng(1)
    values = montecarlo.draw_values(plan, plan.uncertainty, draws, rng)
    base = model.Batch.from_plans([plan])
    for start in range(0, draws, montecarlo.CHUNK):
        stop = min(draws, start + montecarlo.CHUNK)
        batch = base.repeat(stop - start)
        for path, column in values.items():
            batch = batch.set(path, column[start:stop])
        columns = model.simulate(batch)
        for row in range(stop - start):
            npf.irr(columns["cash_flow"][row])
            npf.irr(columns["vendor_cash_flow"][row])


def main() -> None:
    plan = load(EXAMPLE)
    data = plan.to_data()
    data["uncertainty"] = UNCERTAINTY
    uncertain = validate(data)
    rows = [
        ("tornado, all default drivers, partner.npv", median_ms(lambda: tornado(plan), 30), 10),
        ("tornado, partner.irr", median_ms(lambda: tornado(plan, "partner.irr"), 10), 10),
        (
            "goal seek deal_size for partner.npv = 0",
            median_ms(lambda: goal_seek(plan, "revenue.deal_size", "partner.npv", 0), 20),
            20,
        ),
        (
            "goal seek deals/FTE for payback <= 18",
            median_ms(
                lambda: goal_seek(
                    plan, "revenue.deals_per_sales_fte_month", "partner.payback_month", 18
                ),
                20,
            ),
            20,
        ),
        (
            "Monte Carlo 10,000 draws",
            median_ms(lambda: montecarlo.run(uncertain, 10_000, seed=1), 5),
            50,
        ),
        (
            "Monte Carlo 100,000 draws",
            median_ms(lambda: montecarlo.run(uncertain, 100_000, seed=1), 3),
            500,
        ),
        ("loop of npf.irr, 10,000 draws", median_ms(lambda: irr_loop(uncertain, 10_000), 1), None),
    ]
    result = montecarlo.run(uncertain, 10_000, seed=1)
    batch = model.Batch.from_plans([uncertain]).repeat(10_000)
    for path, column in montecarlo.draw_values(
        uncertain, uncertain.uncertainty or [], 10_000, np.random.default_rng(1)
    ).items():
        batch = batch.set(path, column)
    rows.append(
        (
            "  of which the compiled kernel, 10,000",
            median_ms(lambda: model.batch_key_figures(batch), 5),
            None,
        )
    )
    rows.append(
        (
            "  the same in numpy (simulate + key_figures)",
            median_ms(lambda: model.key_figures(batch, model.simulate(batch)), 5),
            None,
        )
    )
    if "--million" in sys.argv:
        rows.append(
            (
                "Monte Carlo 1,000,000 draws",
                median_ms(lambda: montecarlo.run(uncertain, 1_000_000, seed=1), 1),
                None,
            )
        )
    loop_ms = next(ms for name, ms, _ in rows if name.startswith("loop of npf.irr"))
    print(f"{'measurement':<45}{'median ms':>12}{'cpu ms':>10}{'goal ms':>10}{'vs loop':>10}")
    for (name, ms, goal), cpu in zip(rows, CPU_MS, strict=True):
        draws = {"10,000 d": 1, "100,000 ": 10, "1,000,00": 100}.get(name[12:20])
        ratio = "" if draws is None else f"{loop_ms * draws / ms:,.0f}x"
        print(f"{name:<45}{ms:>12.1f}{cpu:>10.1f}{'' if goal is None else goal:>10}{ratio:>10}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS) of this run: {peak:,.0f} MB")
    print(f"P(partner pays back) = {result.probability_payback:.3f}, "
          f"P(mutual) = {result.probability_mutual:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
