"""Subcommands of ``python -m planner`` for the analyses: compare, tornado, goalseek, simulate,
variance, zone. Human-readable aligned tables by default, ``--json`` for machines (full precision).
Bad arguments exit with status 2 and one line naming the argument.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Mapping
from typing import Any

from planner import cli
from planner.analysis import DEFAULT_DRAWS, DEFAULT_FIGURE, AnalysisError
from planner.plan.schema import Plan
from planner.plan.validation import with_scenario

# Each command imports its analysis (numpy, pandas) when it runs: the parser alone stays cheap.


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, allow_nan=False, ensure_ascii=False) + "\n")


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "-"
    if abs(value) < 100:
        return f"{value:,.4f}"
    return f"{value:,.0f}"


def _percent(value: Any) -> str:
    return "-" if value is None else f"{value * 100:,.1f} %"


def _table(header: list[str], rows: list[list[str]]) -> None:
    """An aligned text table: first column left, the others right."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        sys.stdout.write("  ".join(cells).rstrip() + "\n")


def _guard(error: AnalysisError) -> cli.UsageError:
    return cli.UsageError(str(error))


def cmd_compare(args: argparse.Namespace) -> int:
    from planner.analysis import scenarios

    plan = cli.load_plan(args.plan)
    names = [args.scenario] if args.scenario else None
    try:
        if args.from_actuals:
            comparison = _compare_from_actuals(plan, names)
        else:
            comparison = scenarios.compare(plan, names)
    except AnalysisError as error:
        raise _guard(error) from None
    if args.json:
        _json({"file": args.plan, **comparison.to_json()})
        return 0
    header = ["figure", scenarios.BASE]
    for name in comparison.scenarios:
        header += [name, f"Δ {name}"]
    rows = []
    for row in comparison.rows():
        cells = [row["figure"], _fmt(row["base"])]
        for name in comparison.scenarios:
            cells += [_fmt(row["values"][name]), _fmt(row["differences"][name])]
        rows.append(cells)
    _table(header, rows)
    return 0


def _compare_from_actuals(plan: Plan, names: list[str] | None) -> Any:
    """The base and scenarios each run from the actual state (docs/model.md section 7)."""
    from planner.analysis.scenarios import Comparison
    from planner.onboarding.forecast import scenarios_from_actuals

    if not plan.actuals:
        raise AnalysisError("--from-actuals: the plan has no actuals")
    if names:
        with_scenario(plan, names[0])  # an unknown name is reported as for the plan
    found = scenarios_from_actuals(plan)
    base = found.pop("base")
    return Comparison(base, {k: v for k, v in found.items() if not names or k in names})


def _from_actuals(base: Plan, scenario: str | None) -> tuple[Plan, dict[str, Any]]:
    """The plan (or scenario) as committed and the base plan's actuals as arrays."""
    from planner.onboarding.forecast import actual_arrays
    from planner.onboarding.records import committed_plan

    if not base.actuals:
        raise AnalysisError("--from-actuals: the plan has no actuals")
    committed = committed_plan(base)
    if scenario:
        committed = with_scenario(
            committed.model_copy(update={"scenarios": base.scenarios}), scenario
        )
    return committed, dict(actual_arrays(base, base.actuals))


def cmd_tornado(args: argparse.Namespace) -> int:
    from planner.analysis import sensitivity

    plan = cli.load_plan(args.plan, args.scenario)
    try:
        result = sensitivity.tornado(plan, args.figure, _step(args.step))
    except AnalysisError as error:
        raise _guard(error) from None
    if args.json:
        _json({"file": args.plan, "scenario": args.scenario, **result.to_json()})
        return 0
    sys.stdout.write(f"{result.figure} = {_fmt(result.base)}, step {result.step * 100:g} %\n")
    rows = [
        [
            bar.path,
            _fmt(bar.low_value),
            _fmt(bar.high_value),
            _fmt(bar.low_figure),
            _fmt(bar.high_figure),
            "undefined on one side" if bar.changes_kind else _fmt(bar.impact),
        ]
        for bar in result.bars
    ]
    _table(["driver", "low", "high", "figure at low", "figure at high", "impact"], rows)
    return 0


def _step(text: str) -> float:
    from planner.analysis import sensitivity

    value = text.strip()
    try:
        step = float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        raise cli.UsageError(f"--step: {text!r} is not a number (0.2 or 20%)") from None
    try:
        return sensitivity.check_step(step)
    except AnalysisError as error:
        raise _guard(error) from None


def cmd_goalseek(args: argparse.Namespace) -> int:
    from planner.analysis import goalseek

    plan = cli.load_plan(args.plan, args.scenario)
    try:
        op, target = goalseek.parse_target(args.target)
        result = goalseek.goal_seek(plan, args.driver, args.figure, target, op)
    except AnalysisError as error:
        raise _guard(error) from None
    if not result.reached:
        raise cli.UsageError(result.message())
    if args.json:
        _json({"file": args.plan, "scenario": args.scenario, **result.to_json()})
    else:
        sys.stdout.write(result.message() + "\n")
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from planner.analysis import montecarlo

    base = cli.load_plan(args.plan)
    plan = cli.load_plan(args.plan, args.scenario) if args.scenario else base
    try:
        if args.from_actuals:
            plan, given = _from_actuals(base, args.scenario)
            result = montecarlo.run(
                plan, args.draws, args.seed, base.uncertainty or [], actuals=given
            )
        else:
            result = montecarlo.run(plan, args.draws, args.seed, base.uncertainty or [])
    except AnalysisError as error:
        raise _guard(error) from None
    if args.json:
        _json({"file": args.plan, "scenario": args.scenario, **result.to_json()})
        return 0
    sys.stdout.write(f"{result.draws:,} draws, seed {result.seed}\n")
    rows = [
        [name, *(_fmt(p[f"p{q}"]) for q in montecarlo.PERCENTILES), _percent(p["defined"])]
        for name, p in result.percentiles.items()
    ]
    _table(["figure", "P10", "P50", "P90", "defined"], rows)
    sys.stdout.write(
        f"partner pays back within the horizon: {_percent(result.probability_payback)}\n"
    )
    sys.stdout.write(f"mutual (both NPV > 0): {_percent(result.probability_mutual)}\n")
    return 0


def cmd_variance(args: argparse.Namespace) -> int:
    from planner.analysis import actuals
    from planner.analysis.figures import FIGURES

    plan = cli.load_plan(args.plan, args.scenario)
    try:
        if args.scenario:  # a scenario drops the actuals; take them from the file
            plan = actuals.with_actuals(plan, cli.load_plan(args.plan).actuals)
        rows = actuals.read_actuals(plan, args.actuals, args.sheet) if args.actuals else None
        result = actuals.variance(plan, rows)
    except AnalysisError as error:
        raise _guard(error) from None
    if args.json:
        _json({"file": args.plan, "scenario": args.scenario, **result.to_json()})
        return 0

    def line(first: str, r: Mapping[Any, Any]) -> list[str]:
        cells = [first, str(r["column"]), _fmt(r["plan"]), _fmt(r["actual"])]
        percent = r["percent"]
        return [*cells, _fmt(r["difference"]), _percent(None if percent != percent else percent)]

    monthly = result.monthly.to_dict("records")
    yearly = result.yearly.to_dict("records")
    columns = ["column", "plan", "actual", "difference", "%"]
    _table(["month", *columns], [line(f"{r['month']} ({r['date']})", r) for r in monthly])
    sys.stdout.write("\n")
    _table(["year", *columns], [line(str(r["year"]), r) for r in yearly])
    sys.stdout.write("\n")
    plan_kpis, forecast = result.plan_figures, result.reforecast.kpis
    _table(
        ["re-forecast", "plan", "re-forecast", "difference"],
        [
            [name, _fmt(p), _fmt(f), _fmt(None if p is None or f is None else f - p)]
            for name in FIGURES
            if name != "mutual"
            for side, figure in [name.split(".")]
            for p, f in [(plan_kpis[side][figure], forecast[side][figure])]
        ],
    )
    return 0


def cmd_zone(args: argparse.Namespace) -> int:
    from planner.analysis import zone

    plan = cli.load_plan(args.plan, args.scenario)
    try:
        found = zone.zone(
            plan,
            args.x,
            args.y,
            points=args.points,
            x_range=_span("--x-range", args.x_range),
            y_range=_span("--y-range", args.y_range),
        )
    except AnalysisError as error:
        raise _guard(error) from None
    if args.json:
        _json({"file": args.plan, "scenario": args.scenario, **found.to_json()})
        return 0
    both = found.both
    assert found.vendor is not None
    assert both is not None
    marks = {(True, True): "#", (True, False): "P", (False, True): "V", (False, False): "."}
    xs, ys = found.x.values, found.y.values
    here = (_closest(xs, found.x.current), _closest(ys, found.y.current))
    sys.stdout.write(f"{found.y.path} (rows, top {ys[-1]:g}) x {found.x.path} (columns)\n")
    for row in range(len(ys) - 1, -1, -1):
        line = "".join(
            "*" if (column, row) == here else marks[(bool(p), bool(v))]
            for column, (p, v) in enumerate(zip(found.partner[row], found.vendor[row], strict=True))
        )
        sys.stdout.write(f"{ys[row]:>12g} {line}\n")
    sys.stdout.write(f"{'':>12} {xs[0]:g} .. {xs[-1]:g}\n")
    sys.stdout.write("# both   P partner only   V vendor only   . neither   * this plan\n")
    now = found.current
    sys.stdout.write(
        f"this plan: partner {_fmt(now['partner'])}, vendor {_fmt(now['vendor'])}, "
        f"mutual {_fmt(now['both'])}\n"
    )
    if found.nearest:
        change = ", ".join(f"{path} = {value:g}" for path, value in found.nearest.items())
        sys.stdout.write(f"smallest change to mutual: {change}\n")
    elif not now["both"]:
        sys.stdout.write("no point of this map is mutual\n")
    return 0


def _closest(values: tuple[float, ...], value: float) -> int:
    return min(range(len(values)), key=lambda i: abs(values[i] - value))


def _span(name: str, text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    low, sep, high = text.partition(":")
    try:
        span = (float(low), float(high))
    except ValueError:
        span = (math.nan, math.nan)
    if not sep or not all(math.isfinite(v) for v in span):
        raise cli.UsageError(f"{name}: {text!r} is not LOW:HIGH (e.g. 0.1:0.4)")
    return span


def _draws(text: str) -> int:
    from planner.analysis import montecarlo

    try:
        value = int(text)
    except ValueError:
        raise cli.UsageError(f"--draws: {text!r} is not a whole number") from None
    try:
        return montecarlo.check_draws(value)
    except AnalysisError as error:
        raise cli.UsageError(f"--{error}") from None


def register(sub: Any) -> None:
    """Add the analysis subcommands to ``python -m planner``."""
    p = sub.add_parser("compare", help="the plan's scenarios side by side with the base")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--scenario", metavar="NAME", help="only this scenario")
    p.add_argument("--from-actuals", action="store_true", help="run each from the actual state")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_compare)

    p = sub.add_parser("tornado", help="sensitivity of a key figure to every driver")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--figure", default=DEFAULT_FIGURE, metavar="F")
    p.add_argument("--step", default="0.2", metavar="S", help="0.2 or 20%% (default)")
    p.add_argument("--scenario", metavar="NAME")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_tornado)

    p = sub.add_parser("goalseek", help="the driver value at which a figure meets a target")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--driver", required=True, metavar="PATH")
    p.add_argument("--figure", required=True, metavar="F")
    p.add_argument("--target", required=True, metavar="X", help="18, <=18, >=0 or =0")
    p.add_argument("--scenario", metavar="NAME")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_goalseek)

    p = sub.add_parser("simulate", help="Monte Carlo over the plan's uncertainty ranges")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument(
        "--from-actuals", action="store_true", help="run every draw from the actual state"
    )
    p.add_argument("--draws", type=_draws, default=DEFAULT_DRAWS, metavar="N")
    p.add_argument("--seed", type=int, default=None, metavar="S")
    p.add_argument("--scenario", metavar="NAME")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_simulate)

    p = sub.add_parser("variance", help="plan vs actuals and the re-forecast")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--actuals", metavar="FILE", help="CSV or XLSX (default: the plan's actuals)")
    p.add_argument("--sheet", metavar="NAME", help="XLSX sheet (default: the first)")
    p.add_argument("--scenario", metavar="NAME")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_variance)

    p = sub.add_parser("zone", help="where the plan pays off for each side, over two drivers")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--x", default="revenue.partner_margin", metavar="PATH")
    p.add_argument("--y", default="vendor_programme.mdf_rate", metavar="PATH")
    p.add_argument("--x-range", metavar="LOW:HIGH", help="default: the driver's range")
    p.add_argument("--y-range", metavar="LOW:HIGH")
    p.add_argument("--points", type=int, default=60, metavar="N", help="grid points per axis")
    p.add_argument("--scenario", metavar="NAME")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_zone)
