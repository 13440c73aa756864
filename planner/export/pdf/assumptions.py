"""The plan's inputs as the reader may see them: general, revenue and programme assumptions,
rebate tiers, the team and the investment plan."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from planner import i18n
from planner.export.pdf.base import Base
from planner.plan.paths import get_value


class Assumptions(Base):
    """The assumptions and the team and investment plan."""

    def assumptions(self) -> list[Flowable]:
        plan = self.plan

        def rows(paths: Sequence[str]) -> list[tuple[str, str]]:
            return [
                (self.label(path), self.shown(path, self.value(path, get_value(plan, path))))
                for path in paths
            ]

        general = rows(("start", "months", "currency", "discount_rate", "opex_per_month"))
        general[0] = (general[0][0], self.month_label(1))
        revenue = rows([f"revenue.{name}" for name in type(plan.revenue).model_fields])
        programme = rows(
            [
                f"vendor_programme.{name}"
                for name in (
                    "mdf_rate",
                    "gross_margin",
                    "partner_manager_fte",
                    "partner_manager_annual_cost",
                )
            ]
        )
        flowables: list[Flowable] = [
            self.p(self.m("pdf.assumptions.title"), "h1"),
            self.p(self.m("pdf.assumptions.general"), "h2"),
            self.pairs(general),
            self.p(self.m("pdf.assumptions.revenue"), "h2"),
            self.pairs(revenue),
            self.p(self.m("pdf.assumptions.programme"), "h2"),
            self.pairs(programme),
            self.p(self.m("pdf.assumptions.tiers"), "h2"),
        ]
        tiers = plan.vendor_programme.rebate_tiers
        if tiers:
            flowables.append(
                self.table(
                    [self.label("threshold"), self.label("rate")],
                    [
                        (
                            self.shown(
                                f"vendor_programme.rebate_tiers.{i}.threshold",
                                self.money(tier.threshold),
                            ),
                            self.shown(
                                f"vendor_programme.rebate_tiers.{i}.rate",
                                i18n.percent(tier.rate, self.language),
                            ),
                        )
                        for i, tier in enumerate(tiers)
                    ],
                    [60 * mm, 40 * mm],
                    numeric_from=0,
                )
            )
        else:
            flowables.append(self.p(self.m("pdf.assumptions.no_tiers")))
        return flowables

    def team(self) -> list[Flowable]:
        plan = self.plan
        flowables: list[Flowable] = [
            self.p(self.m("pdf.team.title"), "h1"),
            self.p(self.m("pdf.team.team"), "h2"),
        ]
        if plan.resources:
            roles = self.item_names("resources")
            rows = [
                (*cells, self.shown(f"resources.{i}.annual_cost", self.money(item.annual_cost)))
                for i, (item, cells) in enumerate(
                    zip(plan.resources, self.hire_cells(roles, self.month_label), strict=True)
                )
            ]
            header = [
                self.label("role"),
                self.label("function"),
                self.label("fte"),
                self.t("pdf.team.start"),
                self.label("ramp_months"),
                self.label("annual_cost"),
            ]
            flowables.append(
                self.table(
                    header,
                    rows,
                    [48 * mm, 26 * mm, 14 * mm, 22 * mm, 26 * mm, 34 * mm],
                    numeric_from=2,
                )
            )
        else:
            flowables.append(self.p(self.m("pdf.team.none")))
        flowables.append(self.p(self.m("pdf.invest.title"), "h2"))
        if plan.investments:
            names = self.item_names("investments")
            rows = [
                (
                    names[i],
                    self.shown(f"investments.{i}.category", self.t(f"category.{item.category}")),
                    self.shown(f"investments.{i}.amount", self.money(item.amount)),
                    self.shown(f"investments.{i}.month", self.month_label(item.month)),
                    self.shown(
                        f"investments.{i}.every_months",
                        self.t("pdf.invest.every", n=item.every_months, plural=item.every_months)
                        if item.every_months
                        else self.t("pdf.invest.once"),
                    ),
                    self.shown(
                        f"investments.{i}.vendor_share",
                        i18n.percent(item.vendor_share, self.language, 0),
                    ),
                )
                for i, item in enumerate(plan.investments)
            ]
            header = [
                self.label("name"),
                self.label("category"),
                self.label("amount"),
                self.t("pdf.invest.month"),
                self.t("pdf.invest.repeats"),
                self.label("vendor_share"),
            ]
            flowables.append(
                self.table(
                    header,
                    rows,
                    [42 * mm, 30 * mm, 24 * mm, 19 * mm, 27 * mm, 28 * mm],
                    numeric_from=2,
                )
            )
            monthly = self.outcome.monthly
            flowables += [
                Spacer(1, 3 * mm),
                self.p(
                    self.m(
                        "pdf.invest.totals",
                        gross=self.money(float(monthly["investment_gross"].sum())),
                        funded=self.money(float(monthly["investment_vendor_funded"].sum())),
                        net=self.money(float(monthly["investment_net"].sum())),
                    ),
                    "small",
                ),
            ]
        else:
            flowables.append(self.p(self.m("pdf.invest.none")))
        return flowables
