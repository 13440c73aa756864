"""``python -m planner export`` and ``import``: the PDF and the live workbook, and edited
workbooks back into plan files.

    python -m planner export PLAN [--pdf FILE] [--xlsx FILE] [--scenario NAME] [--language de|en]
    python -m planner import WORKBOOK PLAN_OUT [--force]

Exit status 2, with one line per problem on stderr, for a bad plan, workbook or argument.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from planner import i18n
from planner.cli import BadPlanError, UsageError, load_plan
from planner.plan.files import content_hash, to_yaml
from planner.plan.schema import PlanError, Problem
from planner.plan.validation import with_scenario


def _write_atomically(target: Path, data: bytes) -> None:
    """Write a file so that a reader never sees half of it (temporary file, then rename)."""
    directory = target.parent if str(target.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def cmd_export(args: argparse.Namespace) -> int:
    if not args.pdf and not args.xlsx:
        raise UsageError("export: give --pdf FILE and/or --xlsx FILE")
    if args.pdf and args.xlsx and Path(args.pdf).resolve() == Path(args.xlsx).resolve():
        raise UsageError("export: --pdf and --xlsx name the same file")
    plan = load_plan(args.plan)
    if args.scenario:
        with_scenario(plan, args.scenario)  # an unknown name is reported before anything is built
    outputs: list[tuple[str, str, bytes]] = []
    from planner.export.xlsx import build_workbook

    # The PDF embeds the workbook (PDF/A-3 associated file), so it is made for either.
    workbook = build_workbook(plan, scenario=args.scenario, language=args.language)
    if args.xlsx:
        outputs.append((args.xlsx, "XLSX workbook", workbook))
    if args.pdf:
        from planner.export import pdf

        language = args.language or plan.language
        # A draft is dated as of today; build_pdf itself reads no clock.
        data = pdf.build_pdf(
            plan,
            scenario=args.scenario,
            language=language,
            issued=datetime.date.today(),
            attachments=[
                pdf.default_attachment(plan, None, language),
                pdf.workbook_attachment(workbook, language),
            ],
        )
        outputs.append((args.pdf, "PDF", data))
    for file, kind, data in outputs:
        _write_atomically(Path(file), data)
        sys.stdout.write(f"{file}: {kind}, {len(data):,} bytes\n")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from planner.export.workbook_import import MAX_BYTES, read_workbook

    source = Path(args.workbook)
    target = Path(args.plan_out)
    if target.exists() and not args.force:
        raise UsageError(f"{target} exists already (use --force to overwrite)")
    if source.is_dir():
        raise BadPlanError(args.workbook, [Problem("", f"{source} is a directory, not a workbook")])
    if source.exists() and source.stat().st_size > MAX_BYTES:
        raise BadPlanError(
            args.workbook, [Problem("workbook", f"is larger than {MAX_BYTES // 1_000_000} MB")]
        )
    data = source.read_bytes()  # a missing file is reported by the command line (exit 2)
    try:
        plan = read_workbook(data)
    except PlanError as error:
        raise BadPlanError(args.workbook, error.problems) from None
    if target.suffix.lower() == ".json":
        text = json.dumps(plan.to_data(), ensure_ascii=False, indent=2) + "\n"
    else:
        text = to_yaml(plan)
    _write_atomically(target, text.encode("utf-8"))
    sys.stdout.write(f"{target}: plan from {source.name} (content hash {content_hash(plan)})\n")
    return 0


def register(subparsers: Any) -> None:
    """Add ``export`` and ``import`` to the command line."""
    p = subparsers.add_parser("export", help="the plan as a PDF and/or a live XLSX workbook")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--pdf", metavar="FILE", help="write the business-plan PDF here")
    p.add_argument("--xlsx", metavar="FILE", help="write the live workbook here")
    p.add_argument("--scenario", metavar="NAME", help="export this scenario of the plan")
    p.add_argument(
        "--language", choices=i18n.LANGUAGES, help="language of the export (default: the plan's)"
    )
    p.set_defaults(handler=cmd_export)

    p = subparsers.add_parser("import", help="an edited workbook back into a plan file")
    p.add_argument("workbook", metavar="WORKBOOK")
    p.add_argument("plan_out", metavar="PLAN_OUT", help="plan file to write (YAML, or .json)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=cmd_import)
