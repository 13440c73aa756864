"""How the PDFs word values: texts in the document's language, amounts, shares, months and
dates, and every plan value by the kind of its field (the one place the business-plan PDF
formats a plan's values)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Any, Literal
from xml.sax.saxutils import escape

from babel.dates import format_date
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from planner import i18n, model, privacy
from planner.export.fonts import Fonts
from planner.export.pdf.text import safe
from planner.plan.schema import Plan
from planner.values import kind_of

Side = Literal["partner", "vendor"]

MONEY_FIGURES = frozenset(
    {"npv", "peak_funding", "cumulative_cash", "revenue", "gross_profit", "ebitda", "cost"}
)


class Texts:
    """Texts and amounts in the document's language: shared by the business-plan PDF and the
    QBR pack."""

    language: str
    currency: str
    fonts: Fonts
    styles: dict[str, ParagraphStyle]

    def t(self, key: str, **values: object) -> str:
        """Plain text (for the canvas and metadata)."""
        return i18n.t(key, self.language, **values)

    def m(self, key: str, **values: object) -> str:
        """Paragraph markup: the template escaped, every value cleaned and escaped."""
        template = escape(i18n.t(key, self.language, plural=values.pop("plural", None)))
        return template.format(**{k: safe(v) for k, v in values.items()}) if values else template

    def p(self, markup: str, style: str = "body") -> Paragraph:
        return Paragraph(markup, self.styles[style])

    def money(self, value: float | None) -> str:
        return i18n.money(value, self.currency, self.language)


class Format(Texts):
    """A plan's values as the business-plan PDF words them: by the kind of each field, with
    what is hidden from the document's audience as such (:mod:`planner.privacy`)."""

    plan: Plan
    """The plan presented (the chosen scenario's)."""
    source: Plan
    """The plan as given, with its scenarios."""
    view: privacy.PlanView | None
    dates: list[str]

    def label(self, key: str) -> str:
        """A field's or column's label; the PDF's own wording where it has one."""
        if f"pdf.label.{key}" in i18n.catalog():
            return self.t(f"pdf.label.{key}")
        return i18n.label(key, self.language)

    def hidden(self, path: str) -> bool:
        """``path`` is the other side's private value for this document's audience."""
        return self.view is not None and self.view.is_hidden(path)

    def shown(self, path: str, text: str) -> str:
        return self.t("pdf.private") if self.hidden(path) else text

    def month(self, month: int | None, key: str = "pdf.month_value") -> str:
        """A plan month as ``Monat 34 (Okt. 2029)``; ``–`` when undefined."""
        if month is None:
            return i18n.MISSING
        if month == 0:
            return self.t("pdf.figure.immediate")
        return self.t(key, month=month, date=self.month_label(month))

    def month_label(self, month: int) -> str:
        return i18n.month_label(self.dates[month - 1], self.language)

    def figure(self, name: str, value: Any) -> str:
        if name in MONEY_FIGURES:
            return self.money(value)
        if name in model.MONTH_FIGURES:
            # The row label already says "(month)": "34 (Okt. 2029)" keeps columns narrow.
            return self.month(value, "pdf.month_short")
        return i18n.percent(value, self.language)

    def _value(self, path: str, value: Any) -> str:
        """A plan value as the reader expects it, by the kind of its field in the catalogue
        (planner/catalogue.py): amounts with the currency, shares in percent, plan months as
        their calendar month."""
        kind = kind_of(path)
        if isinstance(value, bool):
            return self.t("pdf.assumptions.yes" if value else "pdf.assumptions.no")
        if isinstance(value, str):
            return value
        if not isinstance(value, (int, float)):
            text = str(value)
            return text if len(text) <= 60 else text[:59] + "…"
        if kind == "money":
            return self.money(value)
        if kind == "share":
            return i18n.percent(value, self.language)
        if kind == "month":
            return self.month(int(value)) if 1 <= value <= len(self.dates) else str(int(value))
        digits = 0 if float(value).is_integer() else 1 if round(value, 1) == value else 2
        return i18n.number(value, self.language, digits)

    def value(self, path: str, value: Any) -> str:
        """A plan value as the reader expects it; a number never wraps inside itself."""
        text = self._value(path, value)
        return text if isinstance(value, str) else text.replace(" ", "\u00a0")

    def date(self, day: datetime.date) -> str:
        return format_date(day, format="long", locale=i18n.LOCALES[self.language])

    def short(self, text: str, limit: int) -> str:
        """``text`` of at most ``limit`` characters, cut with an ellipsis (table headers)."""
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

    def known(self, key: str) -> bool:
        return f"label.{key}" in i18n.catalog()

    def item_names(self, kind: str, plan: Plan | None = None) -> list[str]:
        """The names of a list's items as the document shows them: an item hidden from this
        edition by its kind and number, and equal names told apart by a number in brackets
        (``Account Manager (2)``)."""
        plan = plan or self.plan
        items: Sequence[Any] = plan.resources if kind == "resources" else plan.investments
        field = "role" if kind == "resources" else "name"
        names = [
            self.t(f"pdf.{kind}_hidden", n=i + 1)
            if self.hidden(f"{kind}.{i}.{field}")
            else str(getattr(item, field))
            for i, item in enumerate(items)
        ]
        counts = {name: names.count(name) for name in names}
        seen: dict[str, int] = {}
        out = []
        for name in names:
            if counts[name] > 1:
                seen[name] = seen.get(name, 0) + 1
                name = f"{name} ({seen[name]})"
            out.append(name)
        return out

    def path_label(self, path: str, owner_limit: int = 200) -> str:
        """A scenario's dotted path in words: ``Account Executive (2): FTE``; ``owner_limit``
        cuts a long role or investment name, never the field after it."""
        parts = path.split(".")
        if len(parts) == 3 and parts[0] in ("resources", "investments") and parts[1].isdigit():
            index = int(parts[1])
            names = self.item_names(parts[0], self.source)
            owner = names[index] if index < len(names) else f"#{index + 1}"
            if len(owner) > owner_limit:  # keep the " (2)" that tells equal names apart
                base, number = re.fullmatch(r"(.*?)((?: \(\d+\))?)", owner).groups()  # type: ignore[union-attr]
                owner = self.short(base, owner_limit - len(number)) + number
            return f"{owner}: {self.label(parts[2]) if self.known(parts[2]) else parts[2]}"
        if len(parts) == 4 and parts[1] == "rebate_tiers" and parts[2].isdigit():
            return (
                f"{self.label('vendor_programme.rebate_tiers')} {int(parts[2]) + 1}: "
                f"{self.label(parts[3]) if self.known(parts[3]) else parts[3]}"
            )
        return self.label(path) if self.known(path) else path
