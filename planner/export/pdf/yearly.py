"""Each side's P&L and cash flow per plan year, and the charts of the plan's development
(revenue mix, headcount)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from planner import i18n
from planner.export import charts
from planner.export.pdf.base import Base
from planner.export.pdf.styles import BODY_WIDTH, MIX_COLORS, PARTNER_COLOR
from planner.export.pdf.text import clean

MAX_YEAR_COLUMNS = 5
"""Yearly tables wider than this many value columns are split into several tables."""


class Yearly(Base):
    """The yearly tables and the development charts."""

    def yearly(
        self,
        lines: Sequence[tuple[str, str, str]],
        strong: Sequence[str] = (),
    ) -> list[Flowable]:
        """Yearly table(s) of monthly columns; ``lines`` are (column, kind, role).

        ``kind`` is ``money``, ``count`` or ``stock`` (a level: year-end value, no total).
        ``role`` says how a line adds up: ``less`` (a cost, shown as a positive amount and
        subtracted), ``plus`` (added), ``of_which`` (a part of the line above it) or empty.
        """
        records: list[dict[str, Any]] = [
            {str(k): v for k, v in rec.items()} for rec in self.yearly_table.to_dict("records")
        ]
        values = {
            column: self.year_values(column, kind.startswith("stock")) for column, kind, _ in lines
        }
        # One column per plan year, then the total (flows summed; a level has no total).
        columns: list[tuple[str, int | None]] = [
            (self.year_header(rec), index) for index, rec in enumerate(records)
        ]
        columns.append((self.t("pdf.yearly.total"), None))
        chunks = max(1, math.ceil(len(columns) / MAX_YEAR_COLUMNS))
        size = math.ceil(len(columns) / chunks)
        flowables: list[Flowable] = []
        for start in range(0, len(columns), size):
            part = columns[start : start + size]
            rows = []
            for column, kind, role in lines:
                label = self.label(column)
                if role:
                    label = self.t(f"pdf.yearly.{role}", label=label)
                elif kind.startswith("stock"):
                    label = self.t("pdf.yearly.end_of_year", label=label)
                cells = [label]
                for _, year in part:
                    if year is None and kind.startswith("stock"):
                        cells.append("")
                        continue
                    value = values[column][year] if year is not None else math.fsum(values[column])
                    if kind.endswith("count"):
                        cells.append(i18n.number(value, self.language, 1))
                    else:
                        cells.append(self.money(value if round(value) != 0 else 0.0))
                rows.append(cells)
            value_width = min(30 * mm, (BODY_WIDTH - 58 * mm) / len(part))
            header = ["", *(name for name, _ in part)]
            table = self.table(
                header,
                rows,
                [58 * mm] + [value_width] * len(part),
                strong=[i for i, (c, _, _) in enumerate(lines) if c in strong],
                minor=[i for i, (_, _, role) in enumerate(lines) if role == "of_which"],
            )
            flowables += [table, Spacer(1, 3 * mm)]
        return flowables

    def year_header(self, row: Mapping[str, Any]) -> str:
        first, last = str(row["from"]), str(row["to"])
        period = (
            first[:4]
            if first.endswith("-01") and row["months"] == 12
            else (
                f"{i18n.month_label(first, self.language)}–{i18n.month_label(last, self.language)}"
            )
        )
        return f"{self.t('pdf.yearly.year', n=int(row['year']))}\n{period}"

    def partner_years(self) -> list[Flowable]:
        pnl = [
            ("resale", "money", ""),
            ("services", "money", ""),
            ("managed", "money", ""),
            ("revenue", "money", ""),
            ("sell_in", "money", "less"),
            ("gross_profit", "money", ""),
            ("vendor_funds", "money", "plus"),
            ("mdf", "money", "of_which"),
            ("rebate", "money", "of_which"),
            ("staff_cost", "money", "less"),
            ("opex", "money", "less"),
            ("investment_net", "money", "less"),
            ("ebitda", "money", ""),
        ]
        cash = [
            ("cash_flow", "money", ""),
            ("cumulative_cash", "stock", ""),
            ("investment_gross", "money", ""),
            ("investment_vendor_funded", "money", "of_which"),
            ("investment_net", "money", "of_which"),
            ("new_deals", "count", ""),
            ("customers", "stock_count", ""),
            ("headcount", "stock_count", ""),
            ("backlog", "stock", ""),
        ]
        return [
            self.p(self.m("pdf.yearly.partner_title"), "h1"),
            self.p(self.m("pdf.yearly.pnl"), "h2"),
            *self.yearly(pnl, strong=("revenue", "gross_profit", "ebitda")),
            self.p(self.m("pdf.yearly.cash"), "h2"),
            *self.yearly(cash, strong=("cash_flow", "cumulative_cash")),
            self.p(self.m("pdf.yearly.note", currency=self.currency), "small"),
        ]

    def vendor_years(self) -> list[Flowable]:
        if not self.economics:
            return []  # the vendor's revenue is the partner's sell-in, shown on its page
        pnl = [
            ("vendor_revenue", "money", ""),
            ("vendor_gross_profit", "money", ""),
            ("vendor_cost", "money", "less"),
            ("mdf", "money", "of_which"),
            ("rebate", "money", "of_which"),
            ("investment_vendor_funded", "money", "of_which"),
            ("partner_management", "money", "of_which"),
            ("vendor_cash_flow", "money", ""),
        ]
        cash = [("vendor_cash_flow", "money", ""), ("vendor_cumulative_cash", "stock", "")]
        return [
            self.p(self.m("pdf.yearly.vendor_title"), "h1"),
            self.p(self.m("pdf.yearly.pnl"), "h2"),
            *self.yearly(pnl, strong=("vendor_gross_profit", "vendor_cash_flow")),
            self.p(self.m("pdf.yearly.vendor_margin"), "small"),
            self.p(self.m("pdf.yearly.cash"), "h2"),
            *self.yearly(cash, strong=("vendor_cumulative_cash",)),
            self.p(self.m("pdf.yearly.note", currency=self.currency), "small"),
        ]

    def development(self) -> list[Flowable]:
        yearly = self.yearly_table
        layers = [
            charts.Series(clean(self.label(column)), yearly[column].tolist(), color)
            for column, color in zip(("resale", "services", "managed"), MIX_COLORS, strict=True)
        ]
        unit, fmt = self.money_axis(yearly["revenue"].tolist())
        categories = [clean(self.t("pdf.yearly.year", n=int(y))) for y in yearly["year"]]
        mix = charts.stacked_bars(
            layers,
            categories,
            unit=unit,
            fmt=fmt,
            width=BODY_WIDTH,
            height=220,
            fonts=self.chart_fonts(),
            value=self.compact_money(yearly["revenue"].tolist()),
        )
        headcount = charts.line_chart(
            [
                charts.Series(
                    clean(self.label("headcount")),
                    self.outcome.monthly["headcount"].tolist(),
                    PARTNER_COLOR,
                )
            ],
            self.month_ticks(),
            unit=clean(self.t("label.fte")),
            fmt=self.count_axis,
            width=BODY_WIDTH,
            height=170,
            fonts=self.chart_fonts(),
            steps=True,
        )
        return [
            self.p(self.m("pdf.charts.title"), "h1"),
            self.chart_block("pdf.chart.revenue_mix", mix),
            self.p(self.m("pdf.chart.revenue_mix_note", unit=unit), "small"),
            Spacer(1, 6 * mm),
            self.chart_block("pdf.chart.headcount", headcount),
            self.p(self.m("pdf.chart.headcount_note"), "small"),
        ]
