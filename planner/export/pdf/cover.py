"""The cover (title, parties, period, version, contents, hash) and every page's header and
footer."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from planner import decision, i18n
from planner.export.pdf.base import Base
from planner.export.pdf.layout import SECTION_TITLES, ContentsLine
from planner.export.pdf.styles import BODY_WIDTH, MARGIN_X, MUTED, PAGE_HEIGHT, PAGE_WIDTH, RULE
from planner.export.pdf.text import clean, draw_text, fit_text, safe, text_width


class Cover(Base):
    """The cover and the page decorations."""

    def cover(self, contents: Sequence[str] = ()) -> list[Flowable]:
        plan = self.plan
        rows = [
            (
                self.t("pdf.cover.partner"),
                f"{plan.partner.name} ({i18n.t(f'kind.{plan.partner.kind}', self.language)})",
            ),
            (self.t("pdf.cover.vendor"), plan.vendor.name),
            (
                self.t("pdf.cover.period"),
                self.t(
                    "pdf.cover.period_value",
                    first=self.month_label(1),
                    last=self.month_label(len(self.dates)),
                    months=len(self.dates),
                ),
            ),
            (self.t("pdf.cover.scenario"), self.scenario or self.t("pdf.cover.base")),
            (self.t("pdf.cover.currency"), plan.currency),
        ]
        if self.issued is not None:
            # A draft is dated as of its printing; a signed version by its issue date.
            key = "pdf.cover.as_of" if self.draft else "pdf.cover.date"
            rows.append((self.t(key), self.date(self.issued)))
        rows.append((self.t("pdf.cover.version"), self.version))
        rows += decision.lines(plan, self.language)  # the decision in principle, when recorded
        if self.audience:
            rows.append((self.t("pdf.cover.audience"), self.t(f"pdf.audience.{self.audience}")))
        details = Table(
            [[self.p(safe(k), "small"), self.p(safe(v))] for k, v in rows],
            colWidths=[45 * mm, BODY_WIDTH - 45 * mm],
            hAlign="LEFT",
        )
        details.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ]
            )
        )
        # Less air above a long title or a recorded decision keeps the cover on one page.
        top = 30 * mm - (15 * mm if len(plan.title) > 90 else 0) - (15 * mm if plan.decision else 0)
        toc: list[Flowable] = []
        if contents:
            toc = [
                Spacer(1, 7 * mm),
                self.p(self.m("pdf.contents.title"), "kicker"),
                Spacer(1, 1.5 * mm),
                *(
                    ContentsLine(key, clean(self.t(SECTION_TITLES[key])), self.toc, self.fonts)
                    for key in contents
                ),
            ]
        return [
            Spacer(1, max(top, 0)),
            self.p(self.m("pdf.kicker").upper(), "kicker"),
            Spacer(1, 4 * mm),
            self.p(safe(plan.title), "title"),
            Spacer(1, 10 * mm),
            details,
            *toc,
            Spacer(1, 7 * mm),
            self.p(self.m("pdf.cover.hash" if self.whole else "pdf.cover.edition_hash"), "small"),
            self.p(safe(self.hash), "mono"),
            Spacer(1, 6 * mm),
            self.p(self.m("pdf.cover.confidential"), "small"),
        ]

    def decorate(self, canvas: Canvas, page: int, pages: int) -> None:
        regular, size = self.fonts.regular, 7.5
        top = PAGE_HEIGHT - 13 * mm
        canvas.saveState()
        canvas.setFont(regular, size)
        canvas.setFillColor(MUTED)
        version = clean(self.t("pdf.header_version", version=self.version))
        draw_text(canvas, PAGE_WIDTH - MARGIN_X, top, version, regular, size, right=True)
        room = BODY_WIDTH - text_width(version, regular, size) - 10 * mm
        title = self.plan.title if self.scenario is None else f"{self.plan.title} – {self.scenario}"
        draw_text(canvas, MARGIN_X, top, fit_text(clean(title), regular, size, room), regular, size)
        canvas.setFont(regular, size)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, top - 2.5 * mm, PAGE_WIDTH - MARGIN_X, top - 2.5 * mm)
        bottom = 11 * mm
        canvas.line(MARGIN_X, bottom + 4 * mm, PAGE_WIDTH - MARGIN_X, bottom + 4 * mm)
        canvas.drawString(
            MARGIN_X,
            bottom,
            clean(
                self.t(
                    "pdf.hash_footer" if self.whole else "pdf.edition_hash_footer", hash=self.hash
                )
            ),
        )
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN_X, bottom, clean(self.t("pdf.page_of", page=page, pages=pages))
        )
        self.toc.draw(canvas, page, regular, 9.5)
        canvas.restoreState()
