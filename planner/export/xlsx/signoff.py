"""``Sign-off``: what was signed (title, sides, decision, date, hash), the signatories and,
for a signed edition, how to check its seal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date
from typing import Any

from planner import i18n
from planner.export import Evidence
from planner.export.xlsx.book import Book
from planner.export.xlsx.cells import (
    BOLD,
    TITLE_FONT,
    fx,
    header,
    print_setup,
    put,
    put_text,
    widths,
)
from planner.export.xlsx.refs import add_name, ref


def write_sign_off(
    book: Book,
    digest: str,
    issued: date | None = None,
    signatories: Sequence[Sequence[str]] = (),
    evidence: Evidence | None = None,
) -> None:
    wb, plan, language = book.wb, book.plan, book.language
    ws = wb[book.sheet("signoff")]
    put(ws, 1, 1, i18n.t("xlsx.signoff.title", language), font=TITLE_FONT)
    facts = [
        (i18n.label("title", language), "title"),
        (i18n.label("partner", language), "partner_name"),
        (i18n.label("vendor", language), "vendor_name"),
    ]
    if plan.decision is not None:
        facts += [
            (i18n.label(f"decision.{key}", language), f"decision_{key}")
            for key in ("date", "partner", "vendor")
        ]
    for row, (label, name) in enumerate(facts, start=3):
        put(ws, row, 1, label, font=BOLD)
        fx(ws, row, 2, name, "yyyy-mm-dd" if name == "decision_date" else None)
    facts_values: list[tuple[str, Any]] = [
        (i18n.t("xlsx.signoff.exported", language), issued or date.today()),
        (i18n.t("xlsx.signoff.hash", language), digest),
    ]
    if evidence is not None:  # a signed edition: when it was signed, and by which key
        moment = evidence.signed_at.astimezone(UTC)
        when = f"{moment:%Y-%m-%d %H:%M} UTC"
        facts_values[0] = (i18n.t("xlsx.signoff.signed_at", language), when)
        facts_values.append((i18n.t("xlsx.signoff.certificate", language), evidence.fingerprint))
    for row, (label, value) in enumerate(facts_values, start=3 + len(facts)):
        put(ws, row, 1, label, font=BOLD)
        put(ws, row, 2, value, "yyyy-mm-dd" if isinstance(value, date) else None)
    add_name(wb, "content_hash", ref(ws.title, 2, 3 + len(facts) + 1))  # after the date
    facts += facts_values
    row = 4 + len(facts)
    if evidence is None:
        put(ws, row, 1, i18n.t("xlsx.signoff.note", language))
    else:
        command = (
            f"python -m planner verify {i18n.t('xlsx.signoff.file', language)} "
            f"--fingerprint {evidence.fingerprint}"
        )
        for text in (
            i18n.t("xlsx.signoff.signed_note", language),
            i18n.t("xlsx.signoff.check", language),
            command,
        ):
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
            put(ws, row, 1, text, wrap=True)
            ws.row_dimensions[row].height = 15 * (1 + len(text) // 150)
            row += 1
        row -= 1
    row += 2
    header(
        ws,
        row,
        [
            i18n.t(f"xlsx.head.{k}", language)
            for k in ("side", "signatory", "position", "date", "signature")
        ],
    )
    for side in ("partner", "vendor"):
        # signed: (side, name, position, date) of each signatory (planner/signoff/editions.py)
        people = [p for p in signatories if p[0] == side]
        for slot in range(2):
            row += 1
            put(ws, row, 1, i18n.label(side, language))
            if slot < len(people):
                for column, text in enumerate(people[slot][1:4], start=2):
                    put_text(ws.cell(row=row, column=column), text)
                if evidence is not None:
                    put(ws, row, 5, i18n.t("xlsx.signoff.signed_electronically", language))
            ws.row_dimensions[row].height = 30
    widths(ws, {1: 30, 2: 70, 3: 24, 4: 14, 5: 30})
    print_setup(ws, "1:1")
