"""The quarterly business review pack as a PDF (A4, German or English), one side's edition.

Pages: a one-page summary (each side on track, behind or ahead; what matters; key figures signed
and now), plan vs actual vs re-forecast of both sides for the quarter and the year to date, each
side's NPV bridge, the commitments scorecard, the rebate and MDF ledgers, the zone of mutual
interest and the scenarios from the actual state, and the action items.

Everything printed comes from a :class:`~planner.onboarding.review.Review` made for the edition's
side, which is already masked through :mod:`planner.privacy`: the vendor's economics and the other
side's private values are absent from it, not merely left unprinted. User text (titles, names,
activities, action items) is cleaned and escaped: never markup.

The pack's pages are mixins of :class:`~planner.export.qbr_pdf.pack.PackBase` (summary,
results, scorecard, ledgers); texts, styles and the document come from the business-plan
PDF's shared modules (:mod:`planner.export.pdf`).
"""

from __future__ import annotations

import re
from xml.sax.saxutils import unescape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak

from planner.export.pdf.layout import render
from planner.export.pdf.text import meta
from planner.export.qbr_pdf.ledgers import Ledgers
from planner.export.qbr_pdf.pack import MARGIN
from planner.export.qbr_pdf.results import Results
from planner.export.qbr_pdf.scorecard import Scorecard
from planner.export.qbr_pdf.summary import Summary
from planner.onboarding.review import Review


class _Pack(Summary, Results, Scorecard, Ledgers):
    """Builds the story of one review's PDF: the pages of its mixins, in order."""

    def story(self) -> list[Flowable]:
        return [
            *self.summary(),
            PageBreak(),
            *self.pnl(),
            PageBreak(),
            *self.bridges(),
            *self.scorecard(),
            PageBreak(),
            *self.ledgers(),
            *self.zone_and_scenarios(),
            *self.actions(),
        ]

    def build(self) -> bytes:
        return render(
            self.story(),
            self.footer,
            left=MARGIN,
            right=MARGIN,
            top=16 * mm,
            bottom=18 * mm,
            title=meta(f"{self.t('qbr.kicker')} {self.r.quarter.label()}: {self.plan.title}"),
            author=meta(f"{self.plan.partner.name} / {self.plan.vendor.name}"),
            subject=meta(self.t("qbr.kicker")),
            creator="planner",
            invariant=1,
        )


def build_qbr_pdf(review: Review, language: str | None = None) -> bytes:
    """The QBR pack of ``review`` (one side's edition) as PDF bytes."""
    return _Pack(review, language or review.plan.language).build()


def scorecard_texts(review: Review, language: str) -> list[dict[str, str]]:
    """The scorecard as the pack words it: side, commitment, planned, recorded, status."""
    pack = _Pack(review, language)
    return [
        {
            "side": pack.side(item.side),
            "item": pack._item(item),
            "planned": pack._planned(item),
            "recorded": pack._recorded(item),
            "status": pack.t(f"qbr.item.status.{item.status}"),
        }
        for item in review.scorecard
    ]


def summary_points(review: Review, language: str) -> list[str]:
    """The summary page's points as plain text."""
    return [unescape(re.sub(r"<[^>]+>", "", p)) for p in _Pack(review, language).points()]
