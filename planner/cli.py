"""``python -m planner``: the machine-readable face of the model (docs/model.md section 5).

Exit status: 0 on success, 2 for a bad plan, file or argument (one line per problem on
stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from planner.plan.files import load
from planner.plan.schema import MONTHLY_COLUMNS, Plan, PlanError, Problem
from planner.plan.validation import with_scenario

if TYPE_CHECKING:
    from planner import model

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
EXIT_BAD_INPUT = 2

Handler = Callable[[argparse.Namespace], int]
EXTENSIONS: tuple[str, ...] = (
    "planner.analysis_cli",
    "planner.export.cli",
    "planner.signoff.cli",
    "planner.onboarding.cli",
    "planner.signoff.archive",
)
"""Modules that add subcommands with ``register(subparsers)`` (analyses, exports, sign-off).

Commands import what they compute with (numpy, pandas, the PDF and workbook libraries) when
they run, so that ``validate`` and ``kpis`` start quickly; tests/test_cli.py checks it."""


class UsageError(Exception):
    """A bad command-line argument: reported as one line, exit status 2."""


class BadPlanError(Exception):
    """A plan file that failed to load: its problems, reported one per line."""

    def __init__(self, file: str, problems: Sequence[Problem]) -> None:
        super().__init__(file)
        self.file = file
        self.problems = list(problems)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise UsageError(message)


def template_names() -> list[str]:
    """The partner archetypes that have a starting plan in ``templates/``."""
    return sorted(p.stem for p in TEMPLATES.glob("*.yaml"))


def load_plan(file: str, scenario: str | None = None) -> Plan:
    """Load a plan file (and apply the named scenario); problems raise :class:`BadPlanError`."""
    try:
        plan = load(file)
        return with_scenario(plan, scenario) if scenario else plan
    except PlanError as error:
        raise BadPlanError(file, error.problems) from None


def _number(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if abs(value) < 100:
        return f"{value:,.4f}"
    return f"{value:,.0f}"


def write_kpis_table(out: TextIO, file: str, scenario: str | None, kpis: dict[str, Any]) -> None:
    """Both sides' key figures as a small text table."""
    from planner.model import PARTNER_FIGURES, VENDOR_FIGURES

    title = f"{file}" + (f" [{scenario}]" if scenario else "")
    out.write(f"{title}\n")
    names = list(dict.fromkeys(PARTNER_FIGURES + VENDOR_FIGURES))
    out.write(f"  {'figure':<18}{'partner':>18}{'vendor':>18}\n")
    for name in names:
        partner = _number(kpis["partner"].get(name)) if name in kpis["partner"] else ""
        vendor = _number(kpis["vendor"].get(name)) if name in kpis["vendor"] else ""
        out.write(f"  {name:<18}{partner:>18}{vendor:>18}\n")
    out.write(f"  {'mutual':<18}{_number(kpis['mutual']):>18}\n")


def cmd_kpis(args: argparse.Namespace) -> int:
    from planner import model

    for file in args.plans:
        kpis = model.figures(load_plan(file, args.scenario))
        if args.json:
            record = {"file": file, "scenario": args.scenario, **kpis}
            sys.stdout.write(json.dumps(record, allow_nan=False, ensure_ascii=False) + "\n")
        else:
            write_kpis_table(sys.stdout, file, args.scenario, kpis)
    return 0


def write_monthly_csv(out: TextIO, outcome: model.Outcome) -> None:
    """docs/model.md's monthly table as CSV, floats in full (round-trip) precision."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MONTHLY_COLUMNS)
    for row in outcome.monthly.itertuples(index=False):
        writer.writerow(
            [repr(float(v)) if isinstance(v, float) else v for v in row]  # repr: no rounding
        )


def cmd_monthly(args: argparse.Namespace) -> int:
    from planner import model

    write_monthly_csv(sys.stdout, model.evaluate(load_plan(args.plan, args.scenario)))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    status = 0
    for file in args.plans:
        try:
            plan = load(file)
        except PlanError as error:
            _report(file, error.problems)
            status = EXIT_BAD_INPUT
            continue
        sys.stdout.write(f"{file}: ok ({plan.months} months, {len(plan.scenarios)} scenarios)\n")
    return status


def cmd_new(args: argparse.Namespace) -> int:
    names = template_names()
    if args.template not in names:
        raise UsageError(f"--template: {args.template!r} is not one of {', '.join(names)}")
    target = Path(args.file)
    if target.exists() and not args.force:
        raise UsageError(f"{target} exists already (use --force to overwrite)")
    source = TEMPLATES / f"{args.template}.yaml"
    load_plan(str(source))  # a template must itself be a valid plan
    shutil.copyfile(source, target)
    sys.stdout.write(f"{target}: new {args.template} plan from {source.name}\n")
    return 0


CORE_COMMANDS = ("kpis", "monthly", "validate", "new")
"""The commands defined here: a command line starting with one of them needs none of the
``EXTENSIONS`` (importing them and building their parsers cost ``kpis`` about 15 ms)."""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of the core commands alone when ``command`` (the
    first word of the command line) is one of ``CORE_COMMANDS``."""
    parser = _Parser(
        prog="python -m planner",
        description="Business plans for channel partnerships: key figures, tables, analyses, "
        "exports and sign-off checks (docs/model.md section 5).",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("kpis", help="key figures of both sides")
    p.add_argument("plans", nargs="+", metavar="PLAN")
    p.add_argument("--scenario", metavar="NAME")
    p.add_argument("--json", action="store_true", help="one JSON object per plan and line")
    p.set_defaults(handler=cmd_kpis)

    p = sub.add_parser("monthly", help="the monthly table as CSV")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--scenario", metavar="NAME")
    p.set_defaults(handler=cmd_monthly)

    p = sub.add_parser("validate", help="check plan files")
    p.add_argument("plans", nargs="+", metavar="FILE")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("new", help="start a plan from a partner-archetype template")
    p.add_argument("--template", required=True, metavar="NAME")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=cmd_new)

    if command not in CORE_COMMANDS:
        for name in EXTENSIONS:
            importlib.import_module(name).register(sub)
    return parser


def _report(file: str, problems: Sequence[Problem]) -> None:
    for problem in problems:
        where = f"{file}: " if file and problem.path else ""
        sys.stderr.write(f"{where}{problem}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        words = list(sys.argv[1:] if argv is None else argv)
        args = build_parser(words[0] if words else None).parse_args(words)
        handler: Handler = args.handler
        return handler(args)
    except UsageError as error:
        sys.stderr.write(f"error: {error}\n")
    except BadPlanError as error:
        _report(error.file, error.problems)
    except PlanError as error:  # a scenario or value named on the command line
        _report("", error.problems)
    except BrokenPipeError:
        return 0
    except OSError as error:
        sys.stderr.write(f"error: {error.filename or ''}: {error.strerror}\n")
    return EXIT_BAD_INPUT
