"""Model speed on one core: one 60-month plan, and 10,000 variations of it with both sides' figures.

Run by hand on one core, so that numbers are comparable between machines::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 taskset -c 0 python benchmarks/bench_model.py

Prints a table of medians (``time.perf_counter``, after import and warm-up):

- one plan: ``simulate`` + ``key_figures`` of a 60-month plan (goal: under 0.3 ms, best run),
  and the full ``evaluate`` with its pandas tables for comparison;
- 10,000 variations: a ``Batch`` of the plan repeated 10,000 times with seeded random
  deals per sales FTE, deal size, churn, and the first resource's FTE and start month;
  ``batch_key_figures`` gives NPV, IRR, payback (and the rest) for both sides with the
  compiled kernel, one pass per plan without keeping the monthly columns (goal: under
  50 ms); the numpy path (``simulate`` + ``key_figures``, which keeps them, and its parts)
  for comparison, and the kernel's IRR alone;
- the compiled kernel's first use in a fresh process (importing numba and loading its
  machine code from the disk cache; compiling when there is none);
- the same figures from the same monthly cash flows in a Python loop, one variation at a
  time, with ``numpy_financial.irr`` and plain numpy (measured once, in the same run);
- how often the batched IRR has rows with several sign changes, and how many rows fall
  back to ``numpy_financial.irr``.

Each row shows its goal (where the README sets one) and how many times faster it is than the
Python loop of the same run. benchmarks/PROFILE.md says where the time goes.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy_financial as npf

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner import finance, kernel, model
from planner.plan.files import load
from planner.plan.schema import Plan
from planner.plan.validation import apply_changes

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SIDES = {
    "partner": ("cash_flow", "cumulative_cash"),
    "vendor": ("vendor_cash_flow", "vendor_cumulative_cash"),
}


def base_plan(template: str, months: int) -> Plan:
    """A template stretched to ``months`` (its scenarios dropped)."""
    return apply_changes(load(TEMPLATES / f"{template}.yaml"), {"months": months})


def variations(plan: Plan, count: int, seed: int) -> model.Batch:
    """``count`` seeded random variations of ``plan`` as one batch."""
    rng = np.random.default_rng(seed)
    batch = model.Batch.from_plans([plan]).repeat(count)
    deals = batch.get("revenue.deals_per_sales_fte_month")[0]
    size = batch.get("revenue.deal_size")[0]
    return (
        batch.set("revenue.deals_per_sales_fte_month", deals * rng.uniform(0.5, 1.5, count))
        .set("revenue.deal_size", size * rng.uniform(0.7, 1.3, count))
        .set("revenue.monthly_churn", rng.uniform(0.002, 0.02, count))
        .set("resources.0.fte", rng.uniform(0.5, 2.0, count))
        .set("resources.0.start_month", rng.integers(1, 13, count).astype(float))
    )


class Times(list[float]):
    """Wall-clock seconds per run (``time.perf_counter``), with the CPU seconds beside them."""

    cpu: list[float]


def timed(work: Callable[[], Any], repeats: int, warmup: int = 3) -> Times:
    """Seconds of ``repeats`` runs of ``work`` after ``warmup`` runs.

    The CPU time (``time.process_time``) is kept too: on a shared machine the wall clock also
    counts the time other processes held the core.
    """
    for _ in range(warmup):
        work()
    times = Times()
    times.cpu = []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        times.append(time.perf_counter() - start)
        times.cpu.append(time.process_time() - start_cpu)
    return times


def figures_one_by_one(columns: dict[str, np.ndarray], rates: np.ndarray) -> dict[str, Any]:
    """NPV, IRR, payback, break-even, peak funding, cumulative cash and ROI per variation in
    a Python loop: ``numpy_financial.irr`` for the IRR, plain numpy for the rest."""
    rows, months = columns["cash_flow"].shape
    t = np.arange(1, months + 1)
    names = ("npv", "irr", "payback_month", "break_even_month", "peak_funding", "roi")
    out: dict[str, Any] = {side: {name: [] for name in names} for side in SIDES}
    for row in range(rows):
        discount = (1.0 + rates[row]) ** (-t / 12.0)
        for side, (flow_name, cum_name) in SIDES.items():
            cf = columns[flow_name][row]
            cum = columns[cum_name][row]
            figures = out[side]
            figures["npv"].append(float(cf @ discount))
            has_both = (cf > 0).any() and (cf < 0).any()
            monthly = npf.irr(cf) if has_both else np.nan
            figures["irr"].append((1.0 + monthly) ** 12 - 1.0)
            below = np.flatnonzero(cum < 0)
            payback = np.nan if cum[-1] < 0 else (0 if below.size == 0 else below[-1] + 2)
            figures["payback_month"].append(payback)
            below = np.flatnonzero(cf < 0)
            break_even = np.nan if cf[-1] < 0 else (1 if below.size == 0 else below[-1] + 2)
            figures["break_even_month"].append(break_even)
            peak = max(0.0, -float(cum.min()))
            figures["peak_funding"].append(peak)
            figures["roi"].append(float(cum[-1]) / peak if peak > 0 else np.nan)
    return out


def several_sign_changes(cf: np.ndarray) -> int:
    """Rows whose flows change sign more than once (zeros skipped)."""
    count = 0
    for row in cf:
        signs = np.sign(row[row != 0])
        count += int((signs[1:] != signs[:-1]).sum() > 1)
    return count


FIRST_USE = """
import sys, time
sys.path.insert(0, sys.argv[1])
from planner import model
from planner.plan.files import load
batch = model.Batch.from_plans([load(sys.argv[2])])
start, cpu = time.perf_counter(), time.process_time()
model.batch_key_figures(batch)  # imports numba and the kernel, loads or compiles it
print(time.perf_counter() - start, time.process_time() - cpu)
"""


def first_use_in_a_process(runs: int = 5) -> Times:
    """Seconds of the first ``batch_key_figures`` call in fresh interpreters (one plan)."""
    times = Times()
    times.cpu = []
    root = Path(__file__).resolve().parent.parent
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", FIRST_USE, str(root), str(TEMPLATES / "reseller.yaml")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        times.append(float(out[0]))
        times.cpu.append(float(out[1]))
    return times


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:10.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", default="reseller", help="base plan (default: reseller)")
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--variations", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--repeats", type=int, default=2_000, help="runs of the one-plan case")
    parser.add_argument("--batch-repeats", type=int, default=15, help="runs of the batch case")
    args = parser.parse_args(argv)

    plan = base_plan(args.template, args.months)
    one = model.Batch.from_plans([plan])

    def single() -> None:
        model.key_figures(one, model.simulate(one))

    single_times = timed(single, args.repeats)
    evaluate_times = timed(lambda: model.evaluate(plan), max(args.repeats // 10, 20))

    build = timed(lambda: variations(plan, args.variations, args.seed), 1, warmup=0)
    batch = variations(plan, args.variations, args.seed)
    columns = model.simulate(batch)
    rates = batch.get("discount_rate")

    def with_columns() -> None:
        model.key_figures(batch, model.simulate(batch))

    batch_times = timed(lambda: model.batch_key_figures(batch), args.batch_repeats, warmup=1)
    columns_times = timed(with_columns, args.batch_repeats, warmup=1)
    simulate_times = timed(lambda: model.simulate(batch), args.batch_repeats, warmup=1)
    figures_times = timed(lambda: model.key_figures(batch, columns), args.batch_repeats, warmup=1)
    irr_times = timed(
        lambda: [finance.irr_annual(columns[flow]) for flow, _ in SIDES.values()],
        args.batch_repeats,
        warmup=1,
    )
    compiled_irr_times = timed(
        lambda: [kernel.irr_monthly(columns[flow]) for flow, _ in SIDES.values()],
        args.batch_repeats,
        warmup=1,
    )
    first_use = first_use_in_a_process()

    looped: dict[str, Any] = {}
    loop = timed(lambda: looped.update(figures_one_by_one(columns, rates)), 1, warmup=0)

    figures = model.key_figures(batch, columns)
    irr_gap = max(
        float(np.nanmax(np.abs(figures[side]["irr"] - np.asarray(looped[side]["irr"]))))
        for side in SIDES
    )
    payback_same = all(
        np.array_equal(
            figures[side]["payback_month"], looped[side]["payback_month"], equal_nan=True
        )
        for side in SIDES
    )
    npv_gap = max(
        float(np.max(np.abs(figures[side]["npv"] - np.asarray(looped[side]["npv"]))))
        for side in SIDES
    )

    n = args.variations
    median = statistics.median
    print(f"plan: templates/{args.template}.yaml stretched to {args.months} months")
    print(f"{'measure':<62}{'median ms':>10}{'cpu ms':>10}{'goal':>9}{'vs loop':>10}")
    rows = [
        ("one plan: simulate + key_figures (best run)", single_times, 0.3e-3, min),
        ("one plan: evaluate (with pandas tables)", evaluate_times, None, median),
        (f"{n:,} variations: build the batch (once)", build, None, median),
        (
            f"{n:,} variations: all figures (batch_key_figures)",
            batch_times,
            50e-3 if n == 10_000 else None,
            median,
        ),
        (f"{n:,} variations: simulate + key_figures (columns kept)", columns_times, None, median),
        (f"{n:,} variations: simulate only", simulate_times, None, median),
        (f"{n:,} variations: key_figures only (both sides)", figures_times, None, median),
        (f"{n:,} variations: batched IRR only (both sides)", irr_times, None, median),
        (f"{n:,} variations: compiled IRR only (both sides)", compiled_irr_times, None, median),
        ("compiled kernel: first use in a fresh process", first_use, None, median),
        (f"{n:,} variations: figures in a Python loop (npf.irr)", loop, None, median),
    ]
    loop_seconds = median(loop)
    for name, times, goal, pick in rows:
        seconds = pick(times)
        verdict = "" if goal is None else ("  ok" if seconds < goal else "  over")
        goal_text = "" if goal is None else f"< {goal * 1e3:g}"
        ratio = f"{loop_seconds / seconds:,.0f}x" if name.startswith(f"{n:,}") else ""
        cpu = pick(times.cpu)
        print(f"{name:<62}{ms(seconds)}{ms(cpu)}{goal_text:>9}{ratio:>10}{verdict}")
    print(f"  (one plan: median {ms(median(single_times)).strip()} ms over {args.repeats} runs)")
    speedup = median(loop) / median(figures_times)
    print(f"  batched key_figures vs Python loop: {speedup:,.0f}x faster")
    for side, (flow, _) in SIDES.items():
        cf = columns[flow]
        fallback = int(finance.irr_fallback_rows(cf).sum())
        print(
            f"  {side}: {several_sign_changes(cf):,} of {n:,} rows change sign more than once; "
            f"{fallback:,} fall back to numpy_financial.irr"
        )
    print(
        f"  largest gap to the loop: annual IRR {irr_gap:.1e}, NPV {npv_gap:.1e} (currency units);"
        f" payback months {'identical' if payback_same else 'DIFFERENT'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
