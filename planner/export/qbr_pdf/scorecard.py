"""The commitments scorecard: each side's commitments, planned and recorded, and their status."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from planner import i18n
from planner.export.pdf.styles import BAD, GOOD, WARN
from planner.export.qbr_pdf.pack import BODY, PackBase
from planner.onboarding.review import Item

ITEM_COLORS = {
    "late": WARN[1],
    "partial": WARN[1],
    "dropped": BAD[1],
    "behind": BAD[1],
    "not_recorded": WARN[1],
    "on_time": GOOD[1],
    "on_track": GOOD[1],
    "ahead": GOOD[1],
}


class Scorecard(PackBase):
    """The commitments scorecard."""

    def scorecard(self) -> list[Flowable]:
        r = self.r
        out: list[Flowable] = [Spacer(1, 10), self.p(self.m("qbr.scorecard.title"), "h1")]
        if not r.scorecard:
            return [*out, self.p(self.m("qbr.scorecard.none"))]
        header = [
            self.t("qbr.scorecard.side"),
            self.t("qbr.scorecard.item"),
            self.t("qbr.scorecard.planned"),
            self.t("qbr.scorecard.actual"),
            self.t("qbr.scorecard.status"),
        ]
        rows: list[list[str]] = []
        colours: dict[tuple[int, int], Any] = {}
        for item in r.scorecard:
            status = self.t(f"qbr.item.status.{item.status}")
            if (
                item.kind == "hire"
                and item.status in ("late", "partial")
                and item.actual.get("late")
            ):
                status += " " + self.t("qbr.item.late_by", months=item.actual["late"])
            colour = ITEM_COLORS.get(item.status)
            if colour is not None:
                colours[(len(rows), 4)] = colour
            rows.append(
                [
                    self.side(item.side),
                    self._item(item),
                    self._planned(item),
                    self._recorded(item),
                    status,
                ]
            )
        widths = [20 * mm, 54 * mm, 38 * mm, 38 * mm, BODY - 150 * mm]
        out.append(self.table(header, rows, widths, numeric_from=5, colours=colours))
        return out

    def _item(self, item: Item) -> str:
        kind = self.t(f"qbr.kind.{item.kind}")
        return kind if item.kind in ("mdf", "support") else f"{kind}: {item.name}"

    def _planned(self, item: Item) -> str:
        if item.private:
            return self.t("qbr.scorecard.private")
        plan = item.planned
        if item.kind == "hire":
            return self.t(
                "qbr.item.fte_from", fte=self.number(plan["fte"]), date=self.date(plan["month"])
            )
        if item.kind == "investment":
            if "amount" in plan:
                return self.t(
                    "qbr.item.amount_in",
                    amount=self.money(plan["amount"]),
                    date=self.date(plan["month"]),
                )
            return self.t("qbr.item.made_in", date=self.date(plan["month"]))
        if item.kind == "mdf":
            return self.t("qbr.item.earned", amount=self.money(plan["earned"]))
        if item.kind == "support":
            return self.t("qbr.item.fte", fte=self.number(plan["fte"], 2))
        return self.t(
            "qbr.item.count", quarter=self.number(plan["quarter"]), ytd=self.number(plan["ytd"])
        )

    def _recorded(self, item: Item) -> str:
        if item.private:
            return self.t("qbr.scorecard.private")
        actual = item.actual
        if item.kind == "hire":
            parts = (
                [
                    self.t(
                        "qbr.item.fte_from",
                        fte=self.number(actual["fte"]),
                        date=self.date(min(actual["months"])),
                    )
                ]
                if actual.get("months")
                else []
            )
            if actual.get("dropped"):
                parts.append(self.t("qbr.item.fte_dropped", fte=self.number(actual["dropped"])))
            return "; ".join(parts) or i18n.MISSING
        if item.kind == "investment":
            if not actual:
                return i18n.MISSING
            if actual.get("dropped"):
                return self.t("qbr.item.dropped")
            if "amount" in actual:
                return self.t(
                    "qbr.item.amount_in",
                    amount=self.money(actual["amount"]),
                    date=self.date(actual["month"]),
                )
            return self.t("qbr.item.made_in", date=self.date(actual["month"]))
        if item.kind == "mdf":
            return self.t(
                "qbr.item.paid",
                paid=self.money(actual["paid"]),
                due=self.money(actual["proven_unpaid"]),
            )
        if item.kind == "support":
            fte = actual.get("fte")
            return i18n.MISSING if fte is None else self.t("qbr.item.fte", fte=self.number(fte, 2))
        quarter = actual.get("quarter")
        return self.t(
            "qbr.item.count",
            quarter=i18n.MISSING if quarter is None else self.number(quarter),
            ytd=self.number(actual["ytd"]),
        )
