"""Translations and locale formatting (Babel) for German and English.

Texts live in ``planner/locales/*.yaml``: each file maps a key to ``{de: ..., en: ...}``; every
area (common labels, screens, PDF, workbook) keeps its own file. Amounts are formatted the way
the reader is used to: ``1.234.567 €`` in German, ``€1,234,567`` in English.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    format_percent,
    parse_decimal,
)

Language = Literal["de", "en"]
LANGUAGES: tuple[Language, ...] = ("de", "en")
LOCALES: dict[str, str] = {"de": "de_DE", "en": "en_GB"}
LOCALE_DIR = Path(__file__).resolve().parent / "locales"
MISSING = "–"
"""Shown for undefined figures (MODEL.md's null), such as a payback never reached."""


@cache
def catalog() -> dict[str, dict[str, str]]:
    """All texts: ``{key: {language: text}}``, merged from every locale file."""
    texts: dict[str, dict[str, str]] = {}
    for file in sorted(LOCALE_DIR.glob("*.yaml")):
        # libyaml's loader when present: ten times faster on the first text of a process
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=loader) or {}
        for key, entry in data.items():
            if key in texts:
                raise ValueError(f"{file.name}: text key {key!r} is defined twice")
            texts[key] = entry
    return texts


def t(key: str, language: str, **values: object) -> str:
    """The text for ``key`` in ``language``, with ``{name}`` placeholders filled in."""
    entry = catalog().get(key)
    if entry is None:
        raise KeyError(f"no text for {key!r}")
    text = entry.get(language) or entry["en"]
    return text.format(**values) if values else text


def _locale(language: str) -> str:
    return LOCALES.get(language, LOCALES["en"])


def _defined(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def money(value: float | None, currency: str, language: str, digits: int = 0) -> str:
    """An amount in the plan's currency: ``money(1234567, 'EUR', 'de') == '1.234.567 €'``."""
    if not _defined(value):
        return MISSING
    assert value is not None
    pattern = Locale.parse(_locale(language)).currency_formats["standard"].pattern
    pattern = pattern.split(";")[0].replace(".00", "." + "0" * digits if digits else "")
    return format_currency(
        value, currency, format=pattern, locale=_locale(language), currency_digits=False
    )


def number(value: float | None, language: str, digits: int = 0) -> str:
    """A plain number with grouping: ``number(1234.5, 'de', 1) == '1.234,5'``."""
    if not _defined(value):
        return MISSING
    assert value is not None
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale(language))


def editable_number(value: float, language: str) -> str:
    """A number as an input shows it for editing: grouped, as many decimals as it has (up to
    eight), no unit: ``editable_number(48000.5, 'de') == '48.000,5'``."""
    return format_decimal(round(value, 8), format="#,##0.########", locale=_locale(language))


def percent(value: float | None, language: str, digits: int = 1) -> str:
    """A fraction as a percentage: ``percent(0.25, 'de') == '25,0 %'``."""
    if not _defined(value):
        return MISSING
    assert value is not None
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + " %"
    if language == "en":
        pattern = pattern.replace(" %", "%")
    if abs(value) > PERCENT_SHOWN:
        # an IRR of a tiny investment reaches 10^26 %: beyond any meaning, and beyond what
        # decimal formatting holds; say how large instead
        sign = ">" if value > 0 else "<"
        bound = PERCENT_SHOWN if value > 0 else -PERCENT_SHOWN
        whole = "#,##0 %" if language != "en" else "#,##0%"
        return f"{sign} {format_percent(bound, format=whole, locale=_locale(language))}"
    return format_percent(value, format=pattern, locale=_locale(language))


PERCENT_SHOWN = 10_000.0
"""The largest share shown as a number (1,000,000 %); beyond it a share reads "> 1.000.000 %"."""


def date_time(moment: datetime, language: str) -> str:
    """A moment as the reader writes it, in its own time zone: ``01.12.2026, 15:04:07``."""
    return format_datetime(moment, format="medium", locale=_locale(language))


def month_label(date: str, language: str) -> str:
    """A plan month ``YYYY-MM`` as the reader says it: ``Jan. 2027`` / ``Jan 2027``."""
    from datetime import date as calendar_date

    year, month = (int(part) for part in date.split("-"))
    return format_date(calendar_date(year, month, 1), format="MMM yyyy", locale=_locale(language))


def label(key: str, language: str) -> str:
    """The human label of a plan path, monthly column or key figure (``label.<key>``)."""
    return t(f"label.{key}", language)


class NumberTextError(ValueError):
    """Text that is not a number in the reader's language; ``example`` shows the accepted form."""

    def __init__(self, text: str, example: str) -> None:
        super().__init__(f"{text!r} is not a number here; type it as {example}")
        self.text = text
        self.example = example


_AMBIGUOUS = {
    "de": re.compile(r"^-?[1-9]\d{0,2},\d{3}$"),
    "en": re.compile(r"^-?[1-9]\d{0,2}\.\d{3}$"),
}
"""``48,000`` in German (or ``48.000`` in English): a thousands group or three decimals? Refused."""
_UNIT = re.compile(r"^(€|\$|£|[A-Z]{3})\s*|\s*(%|€|\$|£|[A-Z]{3})$")


def parse_number(text: str, language: str, example: float = 48000.5) -> float:
    """A number typed the way people of ``language`` type it, strictly (Babel).

    German ``48.000,50`` and English ``48,000.50`` are 48000.5; a trailing ``%`` and a leading
    or trailing currency (``€45,000``, ``45.000 €``) are ignored (the field's unit is known).
    Empty, ambiguous (German ``48,000``) or malformed text raises :class:`NumberTextError`,
    never a guess.

    >>> parse_number("48.000,50", "de"), parse_number("0,8 %", "de"), parse_number("48,000", "en")
    (48000.5, 0.8, 48000.0)
    """
    cleaned = _UNIT.sub("", text.strip().replace("\u202f", "").replace("\xa0", "")).strip()
    cleaned = cleaned.replace("\u2212", "-")  # the typographic minus
    hint = number(example, language, 2)
    if not cleaned or any(c.isalpha() for c in cleaned):
        raise NumberTextError(text, hint)
    pattern = _AMBIGUOUS.get(language)
    if pattern is not None and pattern.match(cleaned):
        raise NumberTextError(text, hint)
    try:
        value = float(parse_decimal(cleaned, locale=_locale(language), strict=True))
    except (NumberFormatError, ValueError, ArithmeticError):
        raise NumberTextError(text, hint) from None
    if not math.isfinite(value):
        raise NumberTextError(text, hint)
    return value
