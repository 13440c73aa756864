"""The commitments annex: what each side commits to and when, worded to be attached to the
partner agreement."""

from __future__ import annotations

import math

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from planner import i18n
from planner.export.pdf.base import Base


class Commitments(Base):
    """The commitments annex."""

    def commitments(self) -> list[Flowable]:
        """What each side commits to and when, worded to be attached to the partner agreement."""
        plan = self.plan
        programme = plan.vendor_programme
        months = len(self.dates)
        partner, vendor = plan.partner.name, plan.vendor.name
        flowables: list[Flowable] = [
            self.p(self.m("pdf.commit.title"), "h1"),
            self.p(
                self.m(
                    "pdf.commit.intro",
                    partner=partner,
                    vendor=vendor,
                    hash=self.hash[:16],
                    first=self.month_label(1),
                    months=months,
                )
            ),
            self.p(self.m("pdf.commit.partner", partner=partner), "h2"),
        ]
        # 1. the partner's hires
        if plan.resources:
            roles = self.item_names("resources")
            rows = self.hire_cells(roles, self.month)
            flowables += [
                self.p(self.m("pdf.commit.hires"), "h3"),
                self.table(
                    [
                        self.label("role"),
                        self.label("function"),
                        self.label("fte"),
                        self.t("pdf.commit.from"),
                        self.label("ramp_months"),
                    ],
                    rows,
                    [56 * mm, 30 * mm, 16 * mm, 40 * mm, 28 * mm],
                    numeric_from=2,
                ),
            ]
        else:
            flowables.append(self.p(self.m("pdf.commit.no_hires")))
        # 2. the partner's investments and the vendor's share of each
        if plan.investments:
            names = self.item_names("investments")
            lines: list[tuple[str, ...]] = []
            for i, item in enumerate(plan.investments):
                count = 1 + (months - item.month) // item.every_months if item.every_months else 1
                total = item.amount * count
                funded = total * item.vendor_share
                amount_hidden = self.hidden(f"investments.{i}.amount")
                share_hidden = self.hidden(f"investments.{i}.vendor_share")
                when = (
                    self.t(
                        "pdf.commit.due_every",
                        month=item.month,
                        n=item.every_months,
                        plural=item.every_months,
                        count=count,
                    )
                    if item.every_months
                    else self.t("pdf.commit.due_once", month=item.month)
                )
                lines.append(
                    (
                        names[i],
                        self.shown(f"investments.{i}.month", when)
                        if not self.hidden(f"investments.{i}.every_months")
                        else self.t("pdf.private"),
                        self.shown(f"investments.{i}.amount", self.money(total)),
                        self.shown(
                            f"investments.{i}.vendor_share",
                            i18n.percent(item.vendor_share, self.language, 0),
                        ),
                        self.t("pdf.private")
                        if amount_hidden or share_hidden
                        else self.money(funded),
                        self.t("pdf.private")
                        if amount_hidden or share_hidden
                        else self.money(total - funded),
                    )
                )
            monthly = self.outcome.monthly
            lines.append(
                (
                    self.t("pdf.yearly.total"),
                    "",
                    self.money(float(monthly["investment_gross"].sum())),
                    "",
                    self.money(float(monthly["investment_vendor_funded"].sum())),
                    self.money(float(monthly["investment_net"].sum())),
                )
            )
            flowables += [
                self.p(self.m("pdf.commit.investments"), "h3"),
                self.table(
                    [
                        self.label("name"),
                        self.t("pdf.commit.due"),
                        self.t("pdf.commit.total"),
                        self.t("pdf.commit.share"),
                        self.t("pdf.commit.by_vendor"),
                        self.t("pdf.commit.by_partner"),
                    ],
                    lines,
                    [42 * mm, 36 * mm, 24 * mm, 20 * mm, 24 * mm, 24 * mm],
                    numeric_from=2,
                    strong=[len(lines) - 1],
                ),
            ]
        flowables.append(
            self.p(
                self.m(
                    "pdf.commit.opex",
                    amount=self.shown("opex_per_month", self.money(plan.opex_per_month)),
                )
            )
        )
        # 3. the vendor's programme
        flowables.append(self.p(self.m("pdf.commit.vendor", vendor=vendor), "h2"))
        mdf_total = self.money(float(self.outcome.monthly["mdf"].sum()))
        flowables += [
            self.p(self.m("pdf.commit.lead.mdf"), "h3"),
            self.p(
                self.m(
                    "pdf.commit.mdf",
                    rate=self.shown(
                        "vendor_programme.mdf_rate",
                        i18n.percent(programme.mdf_rate, self.language),
                    ),
                    total=mdf_total,
                )
            ),
            self.p(self.m("pdf.commit.lead.rebate"), "h3"),
        ]
        if programme.rebate_tiers:
            flowables += [
                self.p(self.m("pdf.commit.rebate_mechanics")),
                Spacer(1, 2 * mm),
                *self.rebate_years(),
            ]
        else:
            flowables.append(self.p(self.m("pdf.assumptions.no_tiers")))
        funded_total = self.money(float(self.outcome.monthly["investment_vendor_funded"].sum()))
        fte = programme.partner_manager_fte
        support = (
            self.m("pdf.commit.support_hidden")
            if self.hidden("vendor_programme.partner_manager_fte")
            else self.m("pdf.commit.support_none")
            if fte == 0
            else self.m("pdf.commit.support", fte=self.value("fte", fte), months=months)
        )
        flowables += [
            self.p(self.m("pdf.commit.lead.funding"), "h3"),
            self.p(self.m("pdf.commit.funding", total=funded_total)),
            self.p(self.m("pdf.commit.lead.support"), "h3"),
            self.p(support),
            Spacer(1, 3 * mm),
            self.p(self.m("pdf.commit.note", currency=self.currency), "small"),
        ]
        return flowables

    def rebate_years(self) -> list[Flowable]:
        """The rebate tiers and what they pay in each plan year of this plan."""
        tiers = self.plan.vendor_programme.rebate_tiers
        tier_rows = [
            (
                self.shown(
                    f"vendor_programme.rebate_tiers.{i}.threshold", self.money(tier.threshold)
                ),
                self.shown(
                    f"vendor_programme.rebate_tiers.{i}.rate",
                    i18n.percent(tier.rate, self.language),
                ),
            )
            for i, tier in enumerate(tiers)
        ]
        sell_in = self.year_values("sell_in", stock=False)
        rebate = self.year_values("rebate", stock=False)
        months = len(self.dates)
        rates_hidden = self.hidden("vendor_programme.rebate_tiers")
        rows = []
        for year, (bought, paid) in enumerate(zip(sell_in, rebate, strict=True)):
            last = min(12 * (year + 1), months)
            length = last - 12 * year
            rate = paid / bought if bought > 0 else 0.0
            rows.append(
                (
                    self.t("pdf.yearly.year", n=year + 1)
                    + ("" if length == 12 else " " + self.t("pdf.commit.partial", n=length)),
                    self.money(bought),
                    self.t("pdf.private") if rates_hidden else i18n.percent(rate, self.language),
                    self.money(paid),
                    self.month(last),
                )
            )
        rows.append(
            (
                self.t("pdf.yearly.total"),
                self.money(math.fsum(sell_in)),
                "",
                self.money(math.fsum(rebate)),
                "",
            )
        )
        return [
            self.table(
                [self.label("threshold"), self.label("rate")],
                tier_rows,
                [60 * mm, 40 * mm],
                numeric_from=0,
            ),
            Spacer(1, 3 * mm),
            self.table(
                [
                    self.t("pdf.commit.plan_year"),
                    self.label("sell_in"),
                    self.t("pdf.commit.rate_reached"),
                    self.label("rebate"),
                    self.t("pdf.commit.paid"),
                ],
                rows,
                [34 * mm, 32 * mm, 26 * mm, 30 * mm, 48 * mm],
                strong=[len(rows) - 1],
            ),
        ]
