"""``python -m planner verify``, ``signed-export`` and ``fingerprint``.

python -m planner verify FILE [--fingerprint SHA256]... [--trust LIST]...
    exit 0 and one line when FILE (PDF or XLSX) is a signed version, unaltered, signed with a
    trusted certificate (planner/signoff/trust.py); exit 1 with the reason when anything
    differs or the certificate is not trusted; exit 2 when FILE cannot be read
python -m planner signed-export PLAN_ID VERSION [--pdf FILE] [--xlsx FILE] [--language de|en]
                                 [--edition full|vendor|partner|viewer]
    the exports of a signed version from the store (the PDF signed with this installation's key)
python -m planner extend FILE [--output FILE]
    the signed PDF with its validation data and a document timestamp of the authority
    PLANNER_TSA_URL names appended (PAdES B-LTA; planner/signoff/ltv.py); on an extended
    file, the last timestamp's validation data and a new document timestamp
python -m planner fingerprint
    SHA-256 fingerprint of this installation's signing certificate (made on first use)
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from planner import i18n

EXIT_DIFFERS = 1
EXIT_UNREADABLE = 2


def _line(text: object) -> str:
    return " ".join(str(text).split())


def _quiet_libraries() -> None:
    """pyHanko logs what it finds odd in a PDF, tracebacks included; the verdict line says
    what matters, so its records go nowhere (Python would print them to stderr)."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).addHandler(logging.NullHandler())


def cmd_verify(args: argparse.Namespace) -> int:
    from planner.signoff import trust
    from planner.signoff.verify import UnreadableError, verify_file

    _quiet_libraries()

    try:
        trusted = trust.load(fingerprints=args.fingerprint or (), files=args.trust or ())
        for warning in trusted.warnings:
            sys.stderr.write(f"warning: {_line(warning)}\n")
        verdict = verify_file(args.file, trust=trusted)
    except (UnreadableError, trust.TrustError) as error:
        sys.stderr.write(f"error: {_line(error)}\n")
        return EXIT_UNREADABLE
    except Exception as error:  # never a traceback: a file this damaged is unreadable
        sys.stderr.write(f"error: {args.file} cannot be read ({type(error).__name__})\n")
        return EXIT_UNREADABLE
    if verdict.ok:
        sys.stdout.write(_line(verdict.message) + "\n")
        return 0
    sys.stderr.write(f"{args.file}: NOT VERIFIED: {_line(verdict.message)}\n")
    return EXIT_DIFFERS


def cmd_signed_export(args: argparse.Namespace) -> int:
    from planner import proposals
    from planner.cli import UsageError
    from planner.export.cli import _write_atomically
    from planner.signoff import records as signoff
    from planner.signoff.editions import NotSignedError, signed_pdf, signed_workbook
    from planner.signoff.keys import TimestampError
    from planner.store import Store, UnknownPlanError

    if not args.pdf and not args.xlsx:
        raise UsageError("signed-export: give --pdf FILE and/or --xlsx FILE")
    store = Store()
    try:
        record = signoff.record(store, args.plan_id, args.version)
        if record is None:
            raise UsageError(f"version {args.version} of plan {args.plan_id} was never frozen")
        plan = signoff.signed_plan(store, record)
        offers = proposals.all_of(store, args.plan_id)
    except UnknownPlanError as error:
        raise UsageError(str(error)) from None
    finally:
        store.close()
    try:
        if args.pdf:
            document = signed_pdf(
                plan, record, edition=args.edition, language=args.language, proposals=offers
            )
            _write_atomically(Path(args.pdf), document)
        if args.xlsx:
            _write_atomically(
                Path(args.xlsx),
                signed_workbook(plan, record, edition=args.edition, language=args.language),
            )
    except (NotSignedError, TimestampError) as error:
        raise UsageError(str(error)) from None
    return 0


def cmd_extend(args: argparse.Namespace) -> int:
    from planner.cli import UsageError
    from planner.export.cli import _write_atomically
    from planner.signoff import ltv
    from planner.signoff.keys import TimestampError

    _quiet_libraries()
    source = Path(args.file)
    try:
        data = ltv.extend(source.read_bytes())
    except OSError as error:
        raise UsageError(f"{source} cannot be read: {error.strerror or error}") from None
    except (ValueError, TimestampError) as error:
        raise UsageError(f"{source}: {_line(error)}") from None
    target = Path(args.output or source)
    _write_atomically(target, data)
    sys.stdout.write(f"{target}\n")
    return 0


def cmd_fingerprint(args: argparse.Namespace) -> int:
    from planner.signoff import keys as signing

    sys.stdout.write(signing.identity().fingerprint + "\n")
    return 0


def register(subparsers: Any) -> None:
    """Add ``verify``, ``signed-export`` and ``fingerprint`` to the command line."""
    p = subparsers.add_parser("verify", help="check that a PDF or XLSX is a signed plan, unaltered")
    p.add_argument("file", metavar="FILE")
    who = p.add_mutually_exclusive_group()
    who.add_argument(
        "--fingerprint",
        metavar="SHA256",
        action="append",
        help="require the file to be signed with this certificate (its fingerprint as the "
        "signing side told you by another channel); repeatable; no trust list counts then",
    )
    who.add_argument(
        "--trust",
        metavar="LIST",
        action="append",
        help="also trust the fingerprints in this file (one a line, then optionally a name); "
        "repeatable; besides this installation's certificate, "
        "$PLANNER_DATA_DIR/trusted-certificates.txt and $PLANNER_TRUSTED_FINGERPRINTS",
    )
    p.set_defaults(handler=cmd_verify)

    p = subparsers.add_parser("signed-export", help="the PDF and XLSX of a signed version")
    p.add_argument("plan_id", metavar="PLAN_ID")
    p.add_argument("version", metavar="VERSION", type=int)
    p.add_argument("--pdf", metavar="FILE")
    p.add_argument("--xlsx", metavar="FILE")
    p.add_argument("--language", choices=i18n.LANGUAGES)
    p.add_argument(
        "--edition",
        choices=("full", "vendor", "partner", "viewer"),
        default="full",
        help="whose edition: the whole plan (default) or what one side may see",
    )
    p.set_defaults(handler=cmd_signed_export)

    p = subparsers.add_parser(
        "extend",
        help="add validation data and a document timestamp to a signed PDF (PAdES B-LTA); "
        "again before the timestamp authority's certificate expires",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--output", metavar="FILE", help="default: FILE itself")
    p.set_defaults(handler=cmd_extend)

    p = subparsers.add_parser("fingerprint", help="this installation's signing certificate")
    p.set_defaults(handler=cmd_fingerprint)
