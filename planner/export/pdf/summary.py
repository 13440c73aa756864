"""The executive summary: the verdict, the points a board should see (with their caveats), both
sides' key figures and the cumulative cash of each side."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from planner import i18n, model
from planner.analysis import montecarlo
from planner.export import charts
from planner.export.pdf.base import Base
from planner.export.pdf.format import Side
from planner.export.pdf.styles import BODY_WIDTH, GOOD, PARTNER_COLOR, VENDOR_COLOR, WARN
from planner.export.pdf.tables import Notes
from planner.export.pdf.text import clean

FAIR_SHARE = 0.2
"""A side getting less than this share of the joint NPV is a caveat of the summary."""
LATE_PAYBACK = 0.75
"""A payback in the last quarter of the horizon (or never) is a caveat of the summary."""
SUMMARY_DRAWS = 2_000
SUMMARY_SEED = 20_240_613
"""The summary's Monte Carlo: few draws with a fixed seed, so that the same plan gives the same
document, quickly (20 ms for a 36-month plan, 50 ms for 120 months). With 1,000 draws the
example's median partner NPV was 18,000 off the value of 20,000 draws, with 2,000 draws 7,000."""


class Summary(Base):
    """The executive summary."""

    def summary(self) -> list[Flowable]:
        kpis = self.outcome.kpis
        rate = i18n.percent(self.plan.discount_rate, self.language)
        points = self.glance()
        caveats = any(caveat for _, _, caveat in points)
        if self.economics:
            key = self.verdict_key(kpis)
            good = key == "verdict.mutual"
            verdict = escape(i18n.t(key, self.language))
            own = self.plan.vendor_programme.discount_rate
            npv_line = self.m(
                "pdf.summary.npv_line" if own is None else "pdf.summary.npv_line_own_rates",
                rate=rate,
                vendor_rate=i18n.percent(own or 0.0, self.language),
                partner=self.money(kpis["partner"]["npv"]),
                vendor=self.money(kpis["vendor"]["npv"]),
            )
        else:
            # Whether the plan is mutual would reveal the sign of the vendor's NPV.
            good = (kpis["partner"]["npv"] or 0.0) > 0
            verdict = self.m("pdf.summary.partner_pays" if good else "pdf.summary.partner_loses")
            npv_line = self.m(
                "pdf.summary.npv_line_partner",
                rate=rate,
                partner=self.money(kpis["partner"]["npv"]),
            )
        if good and caveats:
            verdict = verdict.rstrip(".") + self.m("pdf.summary.with_caveats")
        background, bar = GOOD if good and not caveats else WARN
        box = Table(
            [[self.p(verdict, "verdict")], [self.p(npv_line)]],
            colWidths=[BODY_WIDTH],
        )
        box.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), background),
                    ("LINEBEFORE", (0, 0), (0, -1), 3, bar),
                    ("LEFTPADDING", (0, 0), (-1, -1), 10),
                    ("TOPPADDING", (0, 0), (-1, 0), 8),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
                ]
            )
        )
        bullets = [
            Paragraph(
                f"<b>{lead}:</b> {text}",
                self.styles["point"],
                bulletText="!" if caveat else "✓",
            )
            for lead, text, caveat in points
        ]
        for paragraph, (_, _, caveat) in zip(bullets, points, strict=True):
            paragraph.style = self.styles["caveat" if caveat else "point"]
        notes = Notes()
        names = (*model.PARTNER_FIGURES, "cost")
        rows = []
        for name in names:
            values = [
                ""
                if name not in kpis[side]
                else self.t("pdf.private")
                if side == "vendor" and not self.economics and name != "revenue"
                else self.figure_cell(side, name, self.outcome, notes)
                for side in ("partner", "vendor")
            ]
            rows.append((self.label(name), *values))
        header = [
            self.t("pdf.summary.figure"),
            f"{self.label('partner')}: {self.short(self.plan.partner.name, 50)}",
            f"{self.label('vendor')}: {self.short(self.plan.vendor.name, 50)}",
        ]
        figures = self.table(header, rows, [62 * mm, 54 * mm, 54 * mm], strong=[0])
        return [
            self.p(self.m("pdf.summary.title"), "h1"),
            self.p(
                self.m(
                    "pdf.summary.intro",
                    partner=self.plan.partner.name,
                    vendor=self.plan.vendor.name,
                )
            ),
            Spacer(1, 4 * mm),
            box,
            Spacer(1, 3 * mm),
            *bullets,
            self.p(self.m("pdf.summary.figures"), "h2"),
            figures,
            *notes.flowables(self),
            Spacer(1, 4 * mm),
            self.cumulative_chart(),
        ]

    def verdict_key(self, kpis: Mapping[str, Any]) -> str:
        partner = (kpis["partner"]["npv"] or 0.0) > 0
        vendor = (kpis["vendor"]["npv"] or 0.0) > 0
        if partner and vendor:
            return "verdict.mutual"
        return (
            "verdict.partner_only"
            if partner
            else "verdict.vendor_only"
            if vendor
            else ("verdict.neither")
        )

    def payback_phrase(self, side: Side) -> str:
        """What a side funds and when it has its money back, relative to the horizon."""
        figures = self.outcome.kpis[side]
        months = len(self.dates)
        who = self.t(f"pdf.summary.the_{side}")
        payback = figures["payback_month"]
        cumulative = self.money(figures["cumulative_cash"])
        if payback == 0:
            return self.m("pdf.summary.side_no_funding", side=who, cumulative=cumulative)
        peak = self.money(figures["peak_funding"])
        if payback is None:
            return self.m(
                "pdf.summary.side_no_payback",
                side=who,
                peak=peak,
                months=months,
                cumulative=cumulative,
            )
        return self.m(
            "pdf.summary.side_funding",
            side=who,
            peak=peak,
            month=payback,
            months=months,
            date=self.month_label(payback),
        )

    def glance(self) -> list[tuple[str, str, bool]]:
        """The summary's points: (lead, text, caveat). A caveat is a risk a board should see."""
        kpis = self.outcome.kpis
        months = len(self.dates)
        points: list[tuple[str, str, bool]] = []
        partner_npv = kpis["partner"]["npv"] or 0.0
        vendor_npv = kpis["vendor"]["npv"] or 0.0
        if self.economics:
            # The joint value as the sum of the amounts printed, so the sentence adds up.
            total = float(round(partner_npv) + round(vendor_npv))
            if partner_npv > 0 and vendor_npv > 0:
                share = partner_npv / total
                text = self.m(
                    "pdf.glance.split",
                    total=self.money(total),
                    partner_share=i18n.percent(share, self.language, 0),
                    vendor_share=i18n.percent(1 - share, self.language, 0),
                    partner=self.money(partner_npv),
                    vendor=self.money(vendor_npv),
                )
                caveat = min(share, 1 - share) < FAIR_SHARE
                if caveat:
                    text += " " + self.m(
                        "pdf.glance.split_caveat",
                        side=self.t(
                            "pdf.summary.the_partner" if share < 0.5 else "pdf.summary.the_vendor"
                        ),
                        limit=i18n.percent(FAIR_SHARE, self.language, 0),
                    )
                points.append((self.m("pdf.glance.lead.split"), text, caveat))
            else:
                text = self.m(
                    "pdf.glance.split_unshared",
                    total=self.money(total),
                    partner=self.money(partner_npv),
                    vendor=self.money(vendor_npv),
                )
                points.append((self.m("pdf.glance.lead.split"), text, True))
        sides: tuple[Side, ...] = ("partner", "vendor") if self.economics else ("partner",)
        for side in sides:
            payback = kpis[side]["payback_month"]
            late = payback is None or payback > LATE_PAYBACK * months
            text = self.payback_phrase(side)
            if late and payback is not None:
                left = months - payback
                text += " " + self.m("pdf.glance.late", left=left, plural=left)
            lead = self.m("pdf.glance.lead.payback", side=self.label(side))
            points.append((lead, text, late))
        worst = self.worst_case()
        if worst is not None:
            points.append(worst)
        spread = self.spread()
        if spread is not None:
            points.append(spread)
        return points

    def worst_case(self) -> tuple[str, str, bool] | None:
        """The least favourable of the plan's cases (lowest partner NPV) other than this one."""
        if len(self.outcomes) < 2:
            return None
        others = [i for i in range(len(self.outcomes)) if i != self.chosen]
        worst = min(others, key=lambda i: self.outcomes[i].kpis["partner"]["npv"] or 0.0)
        own = self.outcome.kpis["partner"]["npv"] or 0.0
        if (self.outcomes[worst].kpis["partner"]["npv"] or 0.0) >= own:
            caveat = own <= 0 or (self.economics and not self.outcome.mutual)
            lead = self.m("pdf.glance.lead.worst_this")
            return (lead, self.m("pdf.glance.worst_is_this"), caveat)
        outcome = self.outcomes[worst]
        name = self.t("pdf.cover.base") if worst == 0 else self.source.scenarios[worst - 1].name
        partner = outcome.kpis["partner"]
        lead = self.m("pdf.glance.lead.worst", name=self.short(name, 60))
        values: dict[str, object] = {
            "partner": self.money(partner["npv"]),
            "peak": self.money(partner["peak_funding"]),
        }
        if self.economics:
            values["vendor"] = self.money(outcome.kpis["vendor"]["npv"])
            key = "pdf.glance.worst_mutual" if outcome.mutual else "pdf.glance.worst_not_mutual"
            caveat = not outcome.mutual
        else:
            key = "pdf.glance.worst_partner"
            caveat = (partner["npv"] or 0.0) <= 0
        return (lead, self.m(key, **values), caveat)

    def simulation(self) -> montecarlo.MonteCarlo | None:
        """The Monte Carlo of the plan's uncertainty ranges: fixed seed, few draws, so the
        document stays the same bytes and quick to build. None without ranges."""
        if self._simulation is False:
            ranges = [
                entry
                for entry in self.source.uncertainty or []
                if entry.path not in self.scenario_paths() and not self.hidden(entry.path)
            ]
            self._simulation = (
                montecarlo.run(
                    self.plan, SUMMARY_DRAWS, SUMMARY_SEED, ranges=ranges, audience=self.audience
                )
                if ranges
                else None
            )
        return self._simulation

    def scenario_paths(self) -> set[str]:
        """The paths this document's scenario sets (none for the base plan)."""
        if self.chosen == 0:
            return set()
        return set(self.source.scenarios[self.chosen - 1].set)

    def spread(self) -> tuple[str, str, bool] | None:
        result = self.simulation()
        if result is None:
            return None
        npv = result.percentiles["partner.npv"]
        values: dict[str, object] = {
            "draws": i18n.number(result.draws, self.language),
            "p10": self.money(npv["p10"]),
            "p50": self.money(npv["p50"]),
            "p90": self.money(npv["p90"]),
            "months": len(self.dates),
            "payback": i18n.percent(result.probability_payback, self.language, 0),
        }
        caveat = result.probability_payback < 0.5 or (npv["p50"] or 0.0) <= 0
        if self.economics:
            values["mutual"] = i18n.percent(result.probability_mutual, self.language, 0)
            caveat = caveat or result.probability_mutual < 0.5
            key = "pdf.glance.spread"
        else:
            key = "pdf.glance.spread_partner"
        return (self.m("pdf.glance.lead.spread"), self.m(key, **values), caveat)

    def cumulative_chart(self) -> Flowable:
        """Each side's J-curve on its own scale (the vendor's would flatten the partner's),
        one above the other on the same month axis, payback marked."""
        monthly = self.outcome.monthly
        sides: list[tuple[Side, list[float], Color]] = [
            ("partner", monthly["cumulative_cash"].tolist(), PARTNER_COLOR),
            ("vendor", monthly["vendor_cumulative_cash"].tolist(), VENDOR_COLOR),
        ]
        if not self.economics:
            sides = sides[:1]
        axes = [self.money_axis(values) for _, values, _ in sides]
        fonts = self.chart_fonts()
        left = max(
            charts.axis_width(values, fmt, fonts)
            for (_, values, _), (_, fmt) in zip(sides, axes, strict=True)
        )
        months = len(self.dates)
        drawings: list[Flowable] = []
        for (side, values, color), (unit, fmt) in zip(sides, axes, strict=True):
            markers = []
            month = self.outcome.kpis[side]["payback_month"]
            if month:
                markers.append(
                    charts.Marker(
                        month,
                        values[month - 1],
                        clean(self.t("pdf.chart.payback", month=month, months=months)),
                        color,
                    )
                )
            name = self.plan.partner.name if side == "partner" else self.plan.vendor.name
            drawings.append(
                charts.line_chart(
                    [charts.Series(clean(self.label(side)), values, color)],
                    self.month_ticks(),
                    unit=unit,
                    fmt=fmt,
                    markers=markers,
                    width=BODY_WIDTH,
                    height=135 if len(sides) > 1 else 190,
                    fonts=fonts,
                    left=left,
                    caption=fonts.shorten(
                        clean(f"{self.label(side)}: {name}"), BODY_WIDTH * 0.6, fonts.bold
                    ),
                )
            )
        title = "pdf.chart.cumulative" if self.economics else "pdf.chart.cumulative_partner"
        return KeepTogether(
            [
                self.p(self.m(title), "h2"),
                *drawings,
                self.p(
                    self.m("pdf.chart.own_scale" if len(sides) > 1 else "pdf.chart.scale"), "small"
                ),
            ]
        )
