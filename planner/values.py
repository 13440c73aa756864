"""A plan value as a person reads it, by its field's kind in the catalogue (planner/catalogue.py).

One formatter for every place that names a value in words: the app's change notices, conflict
cards, history, proposals and comparisons. Amounts carry the plan's currency, shares are written
in percent with as many decimals as they have (``3,82 %`` in German, ``3.82%`` in English),
amounts with cents where they have cents, choices by their names, flags as yes or no, other
numbers with up to two decimals. An input at rest reads its amount or share the same way.

>>> value_text("vendor_programme.gross_margin", 0.0382, "de", "EUR")
'3,82 %'
>>> value_text("vendor_programme.gross_margin", 0.0382, "en", "EUR")
'3.82%'
>>> value_text("resources.1.annual_cost", 84000, "en", "EUR")
'€84,000'
>>> value_text("actuals.0.revenue", 12345.5, "en", "EUR")
'€12,345.50'
>>> value_text("actuals.0.customers", 3, "de", "EUR")
'3'
"""

from __future__ import annotations

import re
from typing import Any

from planner import i18n
from planner.catalogue import find
from planner.plan.schema import COUNT_COLUMNS, VALUE_COLUMNS

ACTUAL = re.compile(r"^actuals\.\d+\.(\w+)$")
"""A cell of the actuals (``actuals.<row>.<column>``): an amount, or a count."""


def kind_of(path: str) -> str:
    """The kind of the field at ``path`` (``share``), ``""`` for a path that names no field."""
    actual = ACTUAL.match(path)
    if actual is not None and actual[1] in VALUE_COLUMNS:
        return "count" if actual[1] in COUNT_COLUMNS else "money"
    entry = find(path)
    return entry.kind if entry is not None else ""


def share_text(fraction: float, language: str) -> str:
    """A share as people write it, with as many decimals as it has: ``0,8 %`` / ``0.8%``."""
    text = i18n.editable_number(round(float(fraction) * 100, 10), language)
    return f"{text} %" if language == "de" else f"{text}%"


def choice_text(path: str, option: str, language: str) -> str:
    """An option of a choice by its name (``partner.kind`` ``msp`` -> Managed Service
    Provider); an option without a name of its own as it is."""
    entry = find(path)
    if entry is None or not entry.terms:
        return option
    return i18n.t(f"{entry.terms}.{option}", language)


def value_text(path: str, value: Any, language: str, currency: str) -> str:
    """A plan value at ``path`` as a person reads it (see the module's examples); ``None``
    as a dash, a whole list or block as "several values"."""
    if value is None:
        return i18n.MISSING
    if isinstance(value, bool):
        return i18n.t("collab.yes" if value else "collab.no", language)
    kind = kind_of(path)
    if isinstance(value, str) and kind == "choice":
        return choice_text(path, value, language)
    if isinstance(value, (int, float)) and kind == "share":
        return share_text(float(value), language)
    if isinstance(value, (int, float)) and kind == "money":
        cents = 0 if float(value).is_integer() else 2
        return i18n.money(float(value), currency, language, cents)
    if isinstance(value, (int, float)):
        return i18n.number(float(value), language, 0 if float(value).is_integer() else 2)
    if isinstance(value, (dict, list)):
        return i18n.t("collab.several_values", language)
    return str(value)
