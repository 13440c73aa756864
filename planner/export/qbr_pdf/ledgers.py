"""The rebate and MDF ledgers, the zone of mutual interest and the scenarios from the actual
state, and the action items."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from planner import i18n
from planner.analysis.drivers import driver
from planner.export.pdf.styles import RULE
from planner.export.pdf.text import clean, safe
from planner.export.qbr_pdf.pack import BODY, PackBase


class Ledgers(PackBase):
    """The ledgers, the zone and scenarios, the actions."""

    def ledgers(self) -> list[Flowable]:
        r = self.r
        rebate, mdf = r.rebate, r.mdf
        out: list[Flowable] = [self.p(self.m("qbr.ledger.title"), "h1")]
        out.append(
            self.p(
                self.m(
                    "qbr.rebate.title",
                    year=rebate.year,
                    first=self.day(rebate.year_from),
                    last=self.day(rebate.year_to),
                ),
                "h2",
            )
        )
        rows = [
            [
                self.t(
                    "qbr.rebate.sell_in",
                    months=rebate.months_elapsed,
                    length=rebate.year_length,
                    month=self.date(self.ledger_month()),
                ),
                self.money(rebate.sell_in),
            ],
            [self.t("qbr.rebate.rate"), self.share(rebate.rate)],
            [self.t("qbr.rebate.accrued"), self.money(rebate.accrued)],
        ]
        if rebate.next_threshold is not None:
            rows.append(
                [
                    self.t("qbr.rebate.next", rate=self.share(rebate.next_rate)),
                    self.money(rebate.next_threshold),
                ]
            )
            rows.append([self.t("qbr.rebate.to_next"), self.money(rebate.to_next)])
        else:
            rows.append([self.t("qbr.rebate.top"), self.t("qbr.rebate.top_value")])
        rows.append(
            [
                self.t("qbr.rebate.planned"),
                f"{self.money(rebate.planned_sell_in)} / {self.money(rebate.planned_rebate)}",
            ]
        )
        rows.append(
            [
                self.t("qbr.rebate.projected"),
                f"{self.money(rebate.projected_sell_in)} / {self.money(rebate.projected_rebate)}",
            ]
        )
        if rebate.p10 is not None:
            spread = " / ".join(self.money(v) for v in (rebate.p10, rebate.p50, rebate.p90))
        else:
            spread = self.t("qbr.rebate.no_range")
        rows.append([self.t("qbr.rebate.range"), spread])
        out.append(self._pairs(rows))
        out.append(self.p(self.m("qbr.mdf.title", year=mdf.year, date=self.day(mdf.as_of)), "h2"))
        pairs = [
            [self.t("qbr.mdf.planned"), self.money(mdf.planned)],
            [
                self.t("qbr.mdf.earned", month=self.date(self.ledger_month())),
                self.money(mdf.earned),
            ],
            [self.t("qbr.mdf.projected"), self.money(mdf.projected)],
            [self.t("qbr.mdf.requested"), self.money(mdf.requested)],
            [self.t("qbr.mdf.approved"), self.money(mdf.approved)],
            [self.t("qbr.mdf.claimed"), self.money(mdf.claimed)],
            [self.t("qbr.mdf.paid"), self.money(mdf.paid)],
            [self.t("qbr.mdf.awaiting_proof"), self.money(mdf.awaiting_proof)],
            [self.t("qbr.mdf.expiring", date=self.day(mdf.year_to)), self.money(mdf.expiring)],
        ]
        out.append(self._pairs(pairs))
        if mdf.activities:
            out.append(Spacer(1, 5))
            header = [
                self.t("qbr.mdf.activity"),
                self.t("qbr.mdf.status"),
                self.t("qbr.mdf.amount"),
                self.t("qbr.mdf.proof"),
            ]
            rows = [
                [
                    a["activity"],
                    self.t(f"qbr.mdf.stage.{a['status']}"),
                    self.money(a["amount"]),
                    self.t(f"qbr.mdf.proof.{a['proof']}"),
                ]
                for a in mdf.activities
            ]
            out.append(
                self.table(
                    header, rows, [80 * mm, 30 * mm, 34 * mm, BODY - 144 * mm], numeric_from=2
                )
            )
        return out

    def _pairs(self, rows: Sequence[Sequence[str]]) -> Table:
        data = [[self.p(safe(a), "cell"), clean(b)] for a, b in rows]
        table = Table(data, colWidths=[100 * mm, 50 * mm], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), self.fonts.regular),
                    ("FONTSIZE", (0, 0), (-1, -1), 8),
                    ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return table

    def zone_and_scenarios(self) -> list[Flowable]:
        r = self.r
        out: list[Flowable] = [self.p(self.m("qbr.zone.title"), "h2")]
        current = r.zone["current"]
        if current.get("both") is None:
            out.append(
                self.p(
                    self.m(
                        "qbr.summary.partner_pays"
                        if current["partner"]
                        else "qbr.summary.partner_not"
                    )
                )
            )
            out.append(self.p(self.m("qbr.zone.hidden"), "small"))
        elif current["both"]:
            out.append(self.p(self.m("qbr.summary.mutual")))
        else:
            out.append(self.p(self.m("qbr.summary.not_mutual")))
            if r.zone["nearest"]:
                out.append(self.p(self.m("qbr.zone.change")))
                for change in r.zone["nearest"]:
                    item = driver(self.plan, change["path"])
                    text = self.m(
                        "qbr.zone.change_line",
                        label=i18n.label(change["path"], self.language),
                        **{
                            "from": self._driver(item.high, change["from"]),
                            "to": self._driver(item.high, change["to"]),
                        },
                    )
                    out.append(Paragraph(text, self.styles["point"], bulletText="•"))
            else:
                out.append(self.p(self.m("qbr.zone.no_change")))
        out.append(self.p(self.m("qbr.scenarios.title"), "h2"))
        out.append(self.p(self.m("qbr.scenarios.intro"), "small"))
        header = [
            self.t("qbr.scenarios.name"),
            self.t("qbr.scenarios.partner_npv"),
            self.t("qbr.scenarios.payback"),
        ]
        if r.economics:
            header.append(self.t("qbr.scenarios.vendor_npv"))
        rows = []
        for name, figures in r.scenarios.items():
            row = [
                self.t("qbr.scenarios.base") if name == "base" else name,
                self.money(figures["partner"]["npv"]),
                self._payback(figures["partner"]["payback_month"]),
            ]
            if r.economics:
                row.append(self.money(figures["vendor"]["npv"]))
            rows.append(row)
        first = 70 * mm
        out.append(
            self.table(
                header, rows, [first] + [(BODY - first) / (len(header) - 1)] * (len(header) - 1)
            )
        )
        return out

    def _driver(self, high: float, value: float) -> str:
        return self.share(value) if high <= 1 else self.number(value, 2)

    def actions(self) -> list[Flowable]:
        r = self.r
        out: list[Flowable] = [self.p(self.m("qbr.actions.title"), "h2")]
        for key, title in (
            ("carried", self.t("qbr.actions.carried")),
            ("new", self.t("qbr.actions.new", quarter=r.quarter.label())),
        ):
            out.append(self.p(f"<b>{safe(title)}</b>", "body"))
            entries = r.actions[key]
            if not entries:
                out.append(self.p(self.m("qbr.actions.none"), "small"))
                continue
            header = [
                self.t("qbr.actions.text"),
                self.t("qbr.actions.owner"),
                self.t("qbr.actions.due"),
                self.t("qbr.actions.state"),
            ]
            rows = [
                [
                    a["text"],
                    f"{self.side(a['side'])}" + (f": {a['owner']}" if a.get("owner") else ""),
                    self.day(a["due"]) if a.get("due") else i18n.MISSING,
                    self.t("qbr.actions.done" if a["done"] else "qbr.actions.open"),
                ]
                for a in entries
            ]
            out.append(
                self.table(
                    header, rows, [90 * mm, 45 * mm, 22 * mm, BODY - 157 * mm], numeric_from=4
                )
            )
            out.append(Spacer(1, 4))
        return out
