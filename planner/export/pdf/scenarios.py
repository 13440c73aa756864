"""The scenario comparison and the sensitivity of the partner's NPV to each assumption."""

from __future__ import annotations

import contextlib
import math
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from planner import i18n, model
from planner.analysis.sensitivity import Tornado, tornado
from planner.export import charts
from planner.export.pdf.base import Base
from planner.export.pdf.format import Side
from planner.export.pdf.styles import BODY_WIDTH, MIX_COLORS, PARTNER_COLOR
from planner.export.pdf.tables import Notes
from planner.export.pdf.text import clean, safe
from planner.plan.paths import get_value
from planner.plan.schema import Plan

MAX_SCENARIO_COLUMNS = 4
MAX_TORNADO_BARS = 10
"""The sensitivity page shows the assumptions with the largest effect, this many."""
TORNADO_STEP = 0.2
"""Each assumption moves down and up by this fraction (20 %)."""


def tornado_bars(plan: Plan, audience: str | None = None) -> Tornado | None:
    """The sensitivity section's data: the partner NPV tornado of :mod:`planner.analysis`, of
    the drivers ``audience`` may see (:mod:`planner.privacy`).

    The one place the PDF reaches into the analyses; returning None leaves the section out.
    """
    return tornado(plan, "partner.npv", TORNADO_STEP, audience=audience)


class Scenarios(Base):
    """The scenarios and the sensitivity."""

    def scenarios(self) -> list[Flowable]:
        if not self.source.scenarios:
            return []
        names = [self.t("pdf.cover.base")] + [self.short(s.name, 60) for s in self.source.scenarios]
        this = self.chosen
        names[this] = f"{names[this]} {self.t('pdf.scenarios.this_document')}"
        lines: list[tuple[str, str | None]] = [
            (self.label("partner"), None),
            *(
                (f"partner.{f}", f)
                for f in ("npv", "irr", "payback_month", "peak_funding", "cumulative_cash")
            ),
            *([(self.label("vendor"), None)] if self.economics else []),
            *(
                (f"vendor.{f}", f)
                for f in ("npv", "irr", "payback_month", "cumulative_cash")
                if self.economics
            ),
        ]
        flowables: list[Flowable] = [
            self.p(self.m("pdf.scenarios.title"), "h1"),
            self.p(self.m("pdf.scenarios.intro")),
            Spacer(1, 3 * mm),
        ]
        count = len(self.outcomes)
        chunks = max(1, math.ceil(count / MAX_SCENARIO_COLUMNS))
        size = math.ceil(count / chunks)
        for start in range(0, count, size):
            part = range(start, min(count, start + size))
            rows: list[list[str]] = []
            strong: list[int] = []
            notes = Notes()
            for key, figure in lines:
                if figure is None:
                    strong.append(len(rows))
                    rows.append([key] + [""] * len(part))
                    continue
                side: Side = "partner" if key.startswith("partner.") else "vendor"
                rows.append(
                    [self.label(figure)]
                    + [self.figure_cell(side, figure, self.outcomes[i], notes) for i in part]
                )
            if self.economics:
                rows.append(
                    [self.label("mutual")]
                    + [
                        self.t(
                            "pdf.assumptions.yes"
                            if self.outcomes[i].mutual
                            else "pdf.assumptions.no"
                        )
                        for i in part
                    ]
                )
            value_width = (BODY_WIDTH - 52 * mm) / len(part)
            table = self.table(
                ["", *(names[i] for i in part)],
                rows,
                [52 * mm] + [value_width] * len(part),
                strong=strong,
            )
            flowables += [table, *notes.flowables(self), Spacer(1, 4 * mm)]
        flowables.append(self.p(self.m("pdf.scenarios.changes"), "h2"))
        for scenario, outcome in zip(self.source.scenarios, self.outcomes[1:], strict=True):
            changes = "; ".join(
                safe(f"{self.path_label(path)} = {self.scenario_value(outcome, path, value)}")
                for path, value in scenario.set.items()
            )
            flowables.append(self.p(f"<b>{safe(scenario.name)}</b>: {changes or '–'}"))
        return flowables

    def scenario_value(self, outcome: model.Outcome, path: str, value: Any) -> str:
        """A scenario's value as validated in its plan (``3`` rather than ``3.0``)."""
        with contextlib.suppress(KeyError):
            value = get_value(outcome.plan, path)
        return self.shown(path, self.value(path, value))

    def sensitivity(self) -> list[Flowable]:
        # A bar shows the assumption's value: the reader's tornado has no bar of a value
        # private to the other side.
        result = tornado_bars(self.plan, self.audience)
        if result is None or not result.bars:
            return []
        shown = result.bars[:MAX_TORNADO_BARS]
        if not shown:
            return []
        base = result.base if result.base is not None else math.nan
        low_share = i18n.percent(-result.step, self.language, 0)
        high_share = "+" + i18n.percent(result.step, self.language, 0)
        unit, fmt = self.money_axis(
            [base, *(v for b in shown for v in (b.low_figure, b.high_figure) if v is not None)]
        )
        drawing = charts.tornado(
            [
                charts.Bar(
                    clean(self.path_label(b.path, owner_limit=32)),
                    math.nan if b.low_figure is None else b.low_figure,
                    math.nan if b.high_figure is None else b.high_figure,
                )
                for b in shown
            ],
            base=base,
            base_label=clean(self.t("pdf.tornado.base", value=self.money(result.base))),
            fmt=fmt,
            unit=unit,
            low_color=MIX_COLORS[2],
            high_color=PARTNER_COLOR,
            legend=(
                clean(self.t("pdf.chart.low", step=low_share)),
                clean(self.t("pdf.chart.high", step=high_share)),
            ),
            width=BODY_WIDTH,
            fonts=self.chart_fonts(),
        )
        rows = [
            (
                self.path_label(b.path),
                self.value(b.path, b.value),
                self.value(b.path, b.low_value),
                self.value(b.path, b.high_value),
                self.money(b.low_figure),
                self.money(b.high_figure),
            )
            for b in shown
        ]
        header = [
            self.t("pdf.assumptions.assumption"),
            self.t("pdf.assumptions.value"),
            low_share,
            high_share,
            self.t("pdf.tornado.npv_at", step=low_share),
            self.t("pdf.tornado.npv_at", step=high_share),
        ]
        table = self.table(
            header, rows, [52 * mm, 22 * mm, 22 * mm, 22 * mm, 26 * mm, 26 * mm], numeric_from=1
        )
        return [
            self.p(self.m("pdf.tornado.title"), "h1"),
            self.p(self.m("pdf.tornado.intro", step=high_share[1:], count=len(shown))),
            Spacer(1, 4 * mm),
            KeepTogether([drawing]),
            Spacer(1, 5 * mm),
            table,
        ]
