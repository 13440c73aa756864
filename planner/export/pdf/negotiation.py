"""The negotiation: the zone of mutual interest, each side's hurdles and the record of the term
proposals."""

from __future__ import annotations

import math

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from planner import i18n
from planner.export import charts
from planner.export.pdf.base import Base
from planner.export.pdf.styles import BODY_WIDTH, ZONE_COLORS
from planner.export.pdf.text import clean

ZONE_POINTS = 40
"""Grid points per axis of the PDF's zone map (1,600 plans in one batched call)."""


class Negotiation(Base):
    """The zone of mutual interest, the hurdles and the proposals."""

    def negotiation(self) -> list[Flowable]:
        """The zone of mutual interest over partner margin and MDF rate, each side's hurdles,
        and the record of the term proposals (who proposed what, and what became of it)."""
        from planner.analysis import AnalysisError, zone

        try:
            full = zone.zone(self.plan, points=ZONE_POINTS, audience=self.audience)
        except AnalysisError:  # e.g. an axis is private to the other side: no map
            rest = self.hurdle_lines() + self.proposal_record()
            return [self.p(self.m("pdf.zone.title"), "h1"), *rest] if rest else []
        found = full.for_side(self.economics)
        x, y = found.x, found.y
        flowables: list[Flowable] = [
            self.p(self.m("pdf.zone.title"), "h1"),
            self.p(self.m("pdf.zone.intro")),
            Spacer(1, 2 * mm),
        ]
        if found.vendor is None:
            regions = [[0 if p else 1 for p in row] for row in found.partner.tolist()]
            colours = [ZONE_COLORS[0], ZONE_COLORS[3]]
            names = [self.t("pdf.zone.partner_pays"), self.t("pdf.zone.partner_not")]
        else:
            regions = [
                [0 if p and v else 1 if p else 2 if v else 3 for p, v in zip(pr, vr, strict=True)]
                for pr, vr in zip(found.partner.tolist(), found.vendor.tolist(), strict=True)
            ]
            colours = list(ZONE_COLORS)
            names = [self.t(f"pdf.zone.{k}") for k in ("both", "partner", "vendor", "neither")]

        def fraction(axis: zone.Axis, value: float) -> float:
            low, high = axis.values[0], axis.values[-1]
            return 0.0 if high == low else min(1.0, max(0.0, (value - low) / (high - low)))

        def ticks(axis: zone.Axis) -> list[tuple[float, str]]:
            """Round values (steps of 1, 2, 2.5 or 5 times a power of ten) within the axis."""
            low, high = axis.values[0], axis.values[-1]
            step = charts.nice_ticks(0.0, high - low)[2]
            first = math.ceil(low / step - 1e-9) * step
            count = math.floor((high - first) / step + 1e-9) + 1
            picks = [first + i * step for i in range(count)]
            return [(fraction(axis, v), self.value(axis.path, v)) for v in picks]

        target = None
        if found.nearest:
            target = (
                fraction(x, float(found.nearest[x.path])),
                fraction(y, float(found.nearest[y.path])),
            )
        drawing = charts.zone_map(
            regions,
            colours,
            x_ticks=ticks(x),
            y_ticks=ticks(y),
            x_title=clean(self.path_label(x.path)),
            y_title=clean(self.path_label(y.path)),
            here=(fraction(x, x.current), fraction(y, y.current)),
            target=target,
            legend=[(clean(n), c) for n, c in zip(names, colours, strict=True)],
            width=BODY_WIDTH,
            height=78 * mm,
            fonts=self.chart_fonts(),
        )
        flowables += [drawing, Spacer(1, 2 * mm)]
        now = found.current
        if now["both"]:
            flowables.append(self.p(self.m("pdf.zone.is_mutual")))
        elif now["both"] is None:
            key = "pdf.zone.partner_yes" if now["partner"] else "pdf.zone.partner_no"
            flowables.append(self.p(self.m(key)))
        elif found.nearest:
            flowables.append(
                self.p(
                    self.m(
                        "pdf.zone.change",
                        x=self.path_label(x.path),
                        x_from=self.value(x.path, x.current),
                        x_to=self.value(x.path, found.nearest[x.path]),
                        y=self.path_label(y.path),
                        y_from=self.value(y.path, y.current),
                        y_to=self.value(y.path, found.nearest[y.path]),
                    )
                )
            )
        else:
            flowables.append(self.p(self.m("pdf.zone.nowhere")))
        flowables += self.hurdle_lines()
        flowables += self.proposal_record()
        return flowables

    def hurdle_lines(self) -> list[Flowable]:
        """Each side's hurdles (a side without the vendor's economics: the partner's only);
        a hurdle private to the other side is left out."""
        hurdles = self.plan.hurdles
        if hurdles is None:
            return []
        out: list[Flowable] = []
        for side in ("partner", "vendor") if self.economics else ("partner",):
            hurdle = getattr(hurdles, side)
            if hurdle is None:
                continue
            found = self.outcome.kpis[side]
            parts = []
            if hurdle.min_irr is not None and not self.hidden(f"hurdles.{side}.min_irr"):
                ok = found["irr"] is not None and found["irr"] >= hurdle.min_irr
                parts.append(
                    self.t(
                        "pdf.zone.min_irr",
                        irr=i18n.percent(hurdle.min_irr, self.language),
                        verdict=self.t("pdf.zone.met" if ok else "pdf.zone.missed"),
                    )
                )
            latest = f"hurdles.{side}.latest_payback_month"
            if hurdle.latest_payback_month is not None and not self.hidden(latest):
                month = found["payback_month"]
                ok = month is not None and month <= hurdle.latest_payback_month
                parts.append(
                    self.t(
                        "pdf.zone.latest_payback",
                        month=self.month(hurdle.latest_payback_month),
                        verdict=self.t("pdf.zone.met" if ok else "pdf.zone.missed"),
                    )
                )
            if parts:
                out.append(self.p(self.m("pdf.zone.hurdles_" + side, items="; ".join(parts))))
        return out

    def proposal_record(self) -> list[Flowable]:
        """Every term proposal and its outcome, oldest first: the negotiation's record."""
        if not self.proposals:
            return []
        rows = []
        for proposal in self.proposals:
            # a value proposed at a path now private to the other side: as such
            changes = "; ".join(
                f"{self.path_label(path)} → {self.shown(path, self.value(path, value))}"
                for path, value in proposal.changes.items()
            )
            outcome = self.t(f"pdf.proposal.{proposal.status}")
            if proposal.decided_by and proposal.status != "open":
                outcome += " " + self.t("pdf.proposal.by", name=proposal.decided_by)
            if proposal.decision_reason and proposal.status == "rejected":
                outcome += f" ({proposal.decision_reason})"
            rows.append(
                [
                    str(proposal.id),
                    f"{proposal.author} ({self.label(proposal.side)})",
                    f"{changes}. {proposal.reason}",
                    outcome,
                ]
            )
        table = self.table(
            [
                self.t("pdf.proposal.number"),
                self.t("pdf.proposal.who"),
                self.t("pdf.proposal.what"),
                self.t("pdf.proposal.outcome"),
            ],
            rows,
            [10 * mm, 38 * mm, BODY_WIDTH - 88 * mm, 40 * mm],
        )
        return [Spacer(1, 4 * mm), self.p(self.m("pdf.proposal.title"), "h2"), table]
