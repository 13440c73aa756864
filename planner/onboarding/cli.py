"""``python -m planner qbr``: the quarterly business review of a signed plan.

    python -m planner qbr PLAN [--actuals FILE] [--records FILE] [--map HEADER=COLUMN]...
                          [--signed FILE] [--quarter Q3-2027] [--pdf FILE] [--xlsx FILE]
                          [--edition partner|vendor] [--language de|en] [--json]

Exit status 2, with one line naming the file and field on stderr, for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from planner import i18n
from planner.analysis import AnalysisError
from planner.cli import UsageError, load_plan


def _pairs(values: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values or []:
        header, sep, column = value.partition("=")
        if not sep or not header.strip() or not column.strip():
            raise UsageError(f"--map: {value!r} is not HEADER=COLUMN (e.g. 'Fund Name=activity')")
        out[header.strip()] = column.strip()
    return out


def cmd_qbr(args: argparse.Namespace) -> int:
    from planner.analysis.actuals import read_actuals, with_actuals
    from planner.onboarding.quarters import Quarter
    from planner.onboarding.records_csv import COLUMNS, read_records
    from planner.onboarding.review import ReviewError, review

    if args.pdf and args.xlsx and Path(args.pdf).resolve() == Path(args.xlsx).resolve():
        raise UsageError("qbr: --pdf and --xlsx name the same file")
    mapping = _pairs(args.map)
    for column in mapping.values():
        if column not in COLUMNS:
            raise UsageError(f"--map: {column!r} is not a record column ({', '.join(COLUMNS)})")
    live = load_plan(args.plan)
    signed = load_plan(args.signed) if args.signed else live
    quarter = None
    if args.quarter:
        try:
            quarter = Quarter.parse(args.quarter)
        except ValueError as error:
            raise UsageError(f"--quarter: {error}") from None
    language = args.language or live.language
    try:
        if args.records:
            live = read_records(live, args.records, mapping)
        if args.actuals:
            live = with_actuals(live, read_actuals(live, args.actuals))
        found = review(signed, live, args.edition, quarter)
    except (AnalysisError, ReviewError) as error:
        raise UsageError(str(error)) from None
    if args.json:
        sys.stdout.write(json.dumps({"file": args.plan, **found.to_json()}, ensure_ascii=False))
        sys.stdout.write("\n")
    outputs: list[tuple[str, str, bytes]] = []
    if args.pdf:
        from planner.export.qbr_pdf import build_qbr_pdf

        outputs.append((args.pdf, "QBR PDF", build_qbr_pdf(found, language)))
    if args.xlsx:
        from planner.export.qbr_xlsx import build_qbr_workbook

        outputs.append((args.xlsx, "QBR workbook", build_qbr_workbook(found, language)))
    if outputs:
        from planner.export.cli import _write_atomically

        for file, kind, data in outputs:
            _write_atomically(Path(file), data)
            sys.stdout.write(f"{file}: {kind}, {len(data):,} bytes\n")
    elif not args.json:
        _summary(found, language)
    return 0


def _summary(found: Any, language: str) -> None:
    """A short text of the review for the terminal."""
    from planner.onboarding.bridge import STEPS

    plan = found.plan

    def money(value: float | None) -> str:
        return i18n.money(value, plan.currency, language)

    out = sys.stdout
    out.write(f"{plan.title}: {found.quarter.label()} ({found.audience} edition)\n")
    for side in ("partner", "vendor"):
        status = found.status[side]
        out.write(f"{side}: {status.replace('_', ' ') if status else 'not shown'}\n")
        bridge = found.bridges[side]
        if bridge is None:
            continue
        out.write(f"  NPV signed {money(bridge.signed_npv)} -> now {money(bridge.npv)}\n")
        for step in STEPS:
            out.write(f"    {step:<12} {money(bridge.parts[step]):>16}\n")
        out.write(f"  payback month signed {bridge.signed_payback} -> now {bridge.payback}\n")
    rebate = found.rebate
    out.write(
        f"rebate year {rebate.year}: sell-in {money(rebate.sell_in)}, accrued "
        f"{money(rebate.accrued)}, projected {money(rebate.projected_rebate)}\n"
    )
    mdf = found.mdf
    out.write(
        f"MDF year {mdf.year}: earned {money(mdf.earned)}, requested {money(mdf.requested)}, "
        f"paid {money(mdf.paid)}, expiring {money(mdf.expiring)}\n"
    )


def register(sub: Any) -> None:
    """Add ``qbr`` to ``python -m planner``."""
    p = sub.add_parser("qbr", help="the quarterly business review: ledgers, bridge, scorecard")
    p.add_argument("plan", metavar="PLAN", help="the live plan (actuals and records)")
    p.add_argument("--actuals", metavar="FILE", help="CSV or XLSX actuals (default: the plan's)")
    p.add_argument("--records", metavar="FILE", help="CSV commitment records (replace the plan's)")
    p.add_argument(
        "--map",
        action="append",
        metavar="HEADER=COLUMN",
        help="read a records file's HEADER as COLUMN (repeatable)",
    )
    p.add_argument("--signed", metavar="FILE", help="the plan as signed (default: PLAN's own)")
    p.add_argument("--quarter", metavar="Q3-2027", help="default: the last quarter with actuals")
    p.add_argument("--pdf", metavar="FILE", help="write the QBR pack as a PDF here")
    p.add_argument("--xlsx", metavar="FILE", help="write the QBR sheet here")
    p.add_argument("--edition", choices=("partner", "vendor"), default="partner")
    p.add_argument("--language", choices=i18n.LANGUAGES, help="default: the plan's")
    p.add_argument("--json", action="store_true", help="the review as JSON on stdout")
    p.set_defaults(handler=cmd_qbr)
