"""The sign-off page: the statement, the signature blocks and, for a signed edition, the evidence
of the electronic signature and how to check it."""

from __future__ import annotations

import datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from planner.export.pdf.base import Base
from planner.export.pdf.styles import BODY_WIDTH, INK
from planner.export.pdf.text import safe


class Signoff(Base):
    """The sign-off page."""

    def signoff(self) -> list[Flowable]:
        people = {
            side: [s for s in self.signatories if s.side == side] for side in ("partner", "vendor")
        }
        # Two blank blocks per side to fill in by hand; once named, one block per signatory.
        slots = max(len(v) for v in people.values()) if self.signatories else 2
        fields = ("name", "position", "date", "signature")
        data: list[list[Any]] = [
            [
                self.p(f"<b>{self.m('pdf.cover.partner')}</b><br/>{safe(self.plan.partner.name)}"),
                "",
                "",
                self.p(f"<b>{self.m('pdf.cover.vendor')}</b><br/>{safe(self.plan.vendor.name)}"),
                "",
            ]
        ]
        heights: list[float] = [0.0]
        for slot in range(slots):
            for field in fields:
                row: list[Any] = []
                for side in ("partner", "vendor"):
                    person = people[side][slot] if slot < len(people[side]) else None
                    text = ""
                    if person is not None and field == "name":
                        text = person.name
                    elif person is not None and field == "position":
                        text = person.title
                    elif person is not None and field == "date" and person.date is not None:
                        text = self.date(person.date)
                    elif person is not None and field == "signature" and self.evidence:
                        text = self.t("pdf.signoff.signed_electronically")
                    if row:
                        row.append("")
                    row += [self.p(self.m(f"pdf.signoff.{field}"), "small"), self.p(safe(text))]
                data.append(row)
                heights.append(32.0 if field == "signature" else 20.0)
            data.append([""] * 5)
            heights.append(14.0)
        gap, label = 10 * mm, 24 * mm
        value = (BODY_WIDTH - gap) / 2 - label
        table = Table(
            data,
            colWidths=[label, value, gap, label, value],
            rowHeights=[h or None for h in heights],
            hAlign="LEFT",
        )
        commands: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 1), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 10),
            ("SPAN", (0, 0), (1, 0)),
            ("SPAN", (3, 0), (4, 0)),
        ]
        for index, height in enumerate(heights):
            if height >= 20:
                commands += [
                    ("LINEBELOW", (1, index), (1, index), 0.5, INK),
                    ("LINEBELOW", (4, index), (4, index), 0.5, INK),
                ]
        table.setStyle(TableStyle(commands))
        return [
            self.p(self.m("pdf.signoff.title"), "h1"),
            self.p(
                self.m(
                    "pdf.signoff.statement",
                    partner=self.plan.partner.name,
                    vendor=self.plan.vendor.name,
                )
            ),
            Spacer(1, 2 * mm),
            self.p(safe(self.hash), "mono"),
            Spacer(1, 8 * mm),
            KeepTogether([table]),
            *self.evidence_section(),
        ]

    def evidence_section(self) -> list[Flowable]:
        """What proves the signature, for a signed edition: who signed and when, the
        certificate, the hash, and how to check the file without the planner's store."""
        if self.evidence is None:
            return []
        moment = self.evidence.signed_at.astimezone(datetime.UTC)
        print_ = self.evidence.fingerprint
        orgs = {"partner": self.plan.partner.name, "vendor": self.plan.vendor.name}
        mono = self.fonts.mono
        rows: list[tuple[str, str]] = [
            (
                self.m("pdf.signoff.signed_by"),
                self.m(
                    f"pdf.signoff.by_{s.side}",
                    name=s.name,
                    title=s.title,
                    org=orgs[s.side],
                    date=self.date(s.date) if s.date else "",
                ),
            )
            for s in self.signatories
        ]
        rows += [
            (
                self.m("pdf.signoff.complete"),
                safe(f"{self.date(moment.date())}, {moment:%H:%M} UTC"),
            ),
            (
                self.m("pdf.signoff.certificate"),
                f'<font name="{mono}" size="8">{print_[:47]}<br/>{print_[48:]}</font>',
            ),
            (
                self.m("pdf.signoff.content_hash" if self.whole else "pdf.signoff.edition_hash"),
                f'<font name="{mono}" size="8">{safe(self.hash)}</font>',
            ),
        ]
        facts = Table(
            [[self.p(k, "small"), self.p(v)] for k, v in rows],
            colWidths=[45 * mm, BODY_WIDTH - 45 * mm],
            hAlign="LEFT",
        )
        facts.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        command = safe(f"python -m planner verify {self.t('pdf.signoff.file')} --fingerprint")
        return [
            Spacer(1, 4 * mm),
            KeepTogether(
                [
                    self.p(self.m("pdf.signoff.evidence_title"), "h2"),
                    self.p(self.m("pdf.signoff.evidence")),
                    self.p(
                        self.m(
                            "pdf.signoff.timing_bt"
                            if self.evidence.timestamped
                            else "pdf.signoff.timing_bb"
                        )
                    ),
                    Spacer(1, 2 * mm),
                    facts,
                    self.p(self.m("pdf.signoff.check_title"), "h2"),
                    self.p(self.m("pdf.signoff.check")),
                    Spacer(1, 1 * mm),
                    self.p(f'<font size="8">{command}<br/>{safe(print_)}</font>', "mono"),
                    Spacer(1, 1 * mm),
                    self.p(self.m("pdf.signoff.reader"), "small"),
                ]
            ),
        ]
