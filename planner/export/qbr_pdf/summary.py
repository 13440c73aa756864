"""The QBR pack's first page: each side on track, behind or ahead, what matters this quarter
and the key figures signed and now."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from planner.export.pdf.styles import BAD, GOOD, MUTED, SHADE
from planner.export.pdf.text import safe
from planner.export.qbr_pdf.pack import BODY, PackBase

STATUS_COLORS = {"ahead": GOOD, "on_track": GOOD, "behind": BAD, None: (SHADE, MUTED)}
FIGURES = ("npv", "irr", "payback_month", "peak_funding", "cumulative_cash")


class Summary(PackBase):
    """The summary page."""

    def summary(self) -> list[Flowable]:
        r = self.r
        boxes = Table(
            [[self.status_box("partner"), self.status_box("vendor")]],
            colWidths=[BODY / 2, BODY / 2],
        )
        boxes.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        out: list[Flowable] = [*self.heading(), boxes, Spacer(1, 6)]
        out.append(self.p(self.m("qbr.summary.points"), "h2"))
        for point in self.points():
            out.append(Paragraph(point, self.styles["point"], bulletText="•"))
        out.append(self.p(self.m("qbr.figures.title"), "h2"))
        sides = ["partner"] + (["vendor"] if r.economics else [])
        header = [self.t("qbr.figures.figure")] + [
            f"{self.side(s)}: {self.t(f'qbr.figures.{k}')}"
            for s in sides
            for k in ("signed", "now")
        ]
        rows = []
        for figure in FIGURES:
            row = [self.t(f"qbr.figure.{figure}")]
            for side in sides:
                for key in ("signed", "reforecast"):
                    value = r.figures[key][side].get(figure)
                    row.append(self._figure(figure, value))
            rows.append(row)
        first = 52 * mm
        rest = (BODY - first) / (len(header) - 1)
        out.append(self.table(header, rows, [first] + [rest] * (len(header) - 1)))
        return out

    def heading(self) -> list[Flowable]:
        r = self.r
        edition = self.t(f"qbr.edition.{r.audience}")
        if r.last_actual:
            subtitle = self.m(
                "qbr.subtitle",
                quarter=r.quarter.label(),
                edition=edition,
                last=self.date(r.last_actual),
            )
        else:
            subtitle = self.m("qbr.subtitle_none", quarter=r.quarter.label(), edition=edition)
        return [
            self.p(self.m("qbr.kicker"), "kicker"),
            self.p(safe(self.plan.title), "title"),
            Spacer(1, 2),
            self.p(subtitle, "small"),
            Spacer(1, 8),
        ]

    def status_box(self, side: str) -> Table:
        r = self.r
        status = r.status[side]
        background, ink = STATUS_COLORS[status]
        bridge = r.bridges[side]
        word = self.t(f"qbr.status.{status}") if status else self.t("qbr.status.hidden")
        lines: list[Flowable] = [
            self.p(f"<b>{safe(self.side(side))}</b> · {safe(self._name(side))}", "small"),
            Paragraph(
                f'<font color="#{ink.hexval()[2:]}">{safe(word)}</font>',
                self.styles["status"],
            ),
        ]
        if bridge is not None:
            lines.append(
                self.p(
                    self.m(
                        "qbr.npv_line",
                        signed=self.money(bridge.signed_npv),
                        now=self.money(bridge.npv),
                        change=self.signed_money(bridge.change),
                    ),
                    "cell",
                )
            )
            lines.append(
                self.p(
                    self.m(
                        "qbr.payback_line",
                        signed=self.month(bridge.signed_payback),
                        now=self.month(bridge.payback),
                    ),
                    "cell",
                )
            )
        else:
            lines.append(self.p(self.m("qbr.status.hidden_note"), "cell"))
        box = Table([[lines]], colWidths=[BODY / 2 - 4])
        box.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), background),
                    ("LINEBEFORE", (0, 0), (0, -1), 3, ink),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ]
            )
        )
        return box

    def _figure(self, figure: str, value: Any) -> str:
        if figure == "irr":
            return self.share(value)
        if figure == "payback_month":
            return self._payback(value)
        return self.money(value)

    def points(self) -> list[str]:
        r = self.r
        out = []
        rebate = r.rebate
        through = self.date(self.ledger_month())
        if rebate.rate > 0:
            line = self.m(
                "qbr.summary.rebate",
                year=rebate.year,
                rate=self.share(rebate.rate),
                accrued=self.money(rebate.accrued),
                sell_in=self.money(rebate.sell_in),
                month=through,
            )
        else:
            line = self.m(
                "qbr.summary.rebate_none",
                year=rebate.year,
                sell_in=self.money(rebate.sell_in),
                month=through,
            )
        if rebate.to_next is not None:
            line += " " + self.m(
                "qbr.summary.rebate_next",
                gap=self.money(rebate.to_next),
                rate=self.share(rebate.next_rate),
            )
        line += " " + self.m(
            "qbr.summary.rebate_projection", rebate=self.money(rebate.projected_rebate)
        )
        if rebate.p10 is not None and rebate.p90 is not None:
            line += self.m(
                "qbr.summary.rebate_range", low=self.money(rebate.p10), high=self.money(rebate.p90)
            )
        out.append(line + ".")
        mdf = r.mdf
        line = self.m(
            "qbr.summary.mdf",
            year=mdf.year,
            earned=self.money(mdf.earned),
            requested=self.money(mdf.requested),
            paid=self.money(mdf.paid),
        )
        if mdf.expiring > 0.5:
            line += " " + self.m(
                "qbr.summary.mdf_expiring",
                amount=self.money(mdf.expiring),
                date=self.day(mdf.year_to),
            )
        out.append(line)
        for side in ("partner", "vendor"):
            items = [
                i
                for i in r.scorecard
                if i.side == side and i.status not in ("upcoming", "no_target", "private")
            ]
            if not items:
                continue
            good = sum(i.status in ("on_time", "on_track", "ahead") for i in items)
            out.append(
                self.m(
                    "qbr.summary.commitments",
                    side=self.side(side),
                    good=good,
                    total=len(items),
                    bad=len(items) - good,
                )
            )
        current = r.zone["current"]
        if current.get("both") is not None:
            out.append(
                self.m("qbr.summary.mutual" if current["both"] else "qbr.summary.not_mutual")
            )
        else:
            out.append(
                self.m(
                    "qbr.summary.partner_pays" if current["partner"] else "qbr.summary.partner_not"
                )
            )
        actions = r.actions["carried"] + r.actions["new"]
        open_ = [a for a in actions if not a["done"]]
        if actions:
            carried = sum(1 for a in r.actions["carried"] if not a["done"])
            out.append(self.m("qbr.summary.actions", open=len(open_), carried=carried))
        return out
