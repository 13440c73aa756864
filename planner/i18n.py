"""Translations and locale formatting (Babel) for German and English.

Texts live in ``planner/locales/*.yaml``: each file maps a key to ``{de: ..., en: ...}``; every
area (common labels, screens, PDF, workbook) keeps its own file. Amounts are formatted the way
the reader is used to: ``1.234.567 €`` in German, ``€1,234,567`` in English.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from babel import Locale
from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    format_percent,
    get_currency_symbol,
    list_currencies,
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
    """The text for ``key`` in ``language``, with ``{name}`` placeholders filled in.

    A value named ``plural`` is the number a counting text speaks of (not a placeholder): where
    the language's plural rule (CLDR, through Babel) calls it "one" and the text has a singular
    ``<key>.one``, that one is taken:
    ``t('ui.figure.months_delta', 'de', plural=-1, months='-1') == '-1 Monat'``, while 2 or 0
    keep ``'… Monate'``.
    """
    plural = values.pop("plural", None)
    if isinstance(plural, int | float) and f"{key}.one" in catalog() and _is_one(plural, language):
        key = f"{key}.one"
    entry = catalog().get(key)
    if entry is None:
        raise KeyError(f"no text for {key!r}")
    text = entry.get(language) or entry["en"]
    return text.format(**values) if values else text


def _locale(language: str) -> str:
    return LOCALES.get(language, LOCALES["en"])


def _is_one(count: float, language: str) -> bool:
    """Whether ``count`` takes the singular in ``language``: 1 and -1 in German and English."""
    return bool(Locale.parse(_locale(language)).plural_form(abs(count)) == "one")


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
    eight), no unit: ``editable_number(48000.5, 'de') == '48.000,5'``; readable back
    (:func:`_unambiguous`)."""
    text = format_decimal(round(value, 8), format="#,##0.########", locale=_locale(language))
    return _unambiguous(text, language)


def exact_number(value: float, language: str) -> str:
    """A number with every decimal it has (the shortest that reads back as the same float),
    grouped, no unit: ``exact_number(0.123456789, 'de') == '0,123456789'``; readable back
    (:func:`_unambiguous`)."""
    text = format_decimal(
        Decimal(repr(value)),
        format="#,##0.###",
        locale=_locale(language),
        decimal_quantization=False,
    )
    return _unambiguous(text, language)


def _unambiguous(text: str, language: str) -> str:
    """``text`` with a fourth decimal, a zero, where it has three after one to three digits
    (German ``6,139`` -> ``6,1390``): :func:`parse_number` refuses that shape as perhaps a
    thousands group typed the other language's way, and what the app writes must read back."""
    ambiguous = _AMBIGUOUS.get(language)
    return text + "0" if ambiguous is not None and ambiguous.match(text) else text


def percent(value: float | None, language: str, digits: int = 1) -> str:
    """A fraction as a percentage: ``percent(0.25, 'de') == '25,0\u00a0%'`` (a German sign
    follows a no-break space: a narrow column never puts it on a line of its own)."""
    if not _defined(value):
        return MISSING
    assert value is not None
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "\u00a0%"
    if language == "en":
        pattern = pattern.replace("\u00a0%", "%")
    if abs(value) > PERCENT_SHOWN:
        # an IRR of a tiny investment reaches 10^26 %: beyond any meaning, and beyond what
        # decimal formatting holds; say how large instead
        sign = ">" if value > 0 else "<"
        bound = PERCENT_SHOWN if value > 0 else -PERCENT_SHOWN
        whole = "#,##0\u00a0%" if language != "en" else "#,##0%"
        return f"{sign}\u00a0{format_percent(bound, format=whole, locale=_locale(language))}"
    return format_percent(value, format=pattern, locale=_locale(language))


PERCENT_SHOWN = 10_000.0
"""The largest share shown as a number (1,000,000 %); beyond it a share reads "> 1.000.000 %"."""


def date_time(moment: datetime, language: str) -> str:
    """A moment as the reader writes it, in its own time zone: ``01.12.2026, 15:04:07``."""
    from babel.dates import format_datetime  # with time zones (pytz): only where dates show

    return format_datetime(moment, format="medium", locale=_locale(language))


def month_label(date: str, language: str) -> str:
    """A plan month ``YYYY-MM`` as the reader says it: ``Jan. 2027`` / ``Jan 2027``."""
    from datetime import date as calendar_date

    from babel.dates import format_date

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


class UnitError(NumberTextError):
    """A number typed with a unit its field does not take: ``sign`` as typed (``%``, ``$``),
    ``found`` what it is (``percent``, ``currency``: another currency than the plan's)."""

    def __init__(self, text: str, example: str, sign: str, found: str) -> None:
        super().__init__(text, example)
        self.sign = sign
        self.found = found


Unit = Literal["money", "percent", ""]
"""What a typed number means: an amount in the plan's currency, a share in percent, or a
plain number (a count, months)."""

SPACES = " \xa0\u202f\u2009"
"""Spaces that group thousands (``50 000``): the space, no-break space, narrow no-break space
and thin space; each is accepted in groups of three digits, in both languages."""
_AMBIGUOUS = {
    "de": re.compile(r"^-?[1-9]\d{0,2},\d{3}$"),
    "en": re.compile(r"^-?[1-9]\d{0,2}\.\d{3}$"),
}
"""``48,000`` in German (or ``48.000`` in English): a thousands group or three decimals? Refused."""
_SHAPE = re.compile(
    rf"(?P<lead>[+-]?)[{SPACES}]*(?P<pre>[^\d{SPACES}+\-.,]*)[{SPACES}]*"
    rf"(?P<body>[+-]?[\d.,](?:[\d.,{SPACES}]*[\d.,])?)[{SPACES}]*(?P<post>[^\d{SPACES}.,]*)"
)
"""A number with at most one unit before or after it, a sign before either."""
_SPACED = {
    language: re.compile(rf"^[+-]?\d{{1,3}}(?:[{SPACES}]\d{{3}})+(?:{re.escape(mark)}\d+)?$")
    for language, mark in (("de", ","), ("en", "."))
}
"""A number grouped by spaces: groups of three digits, then the language's decimal mark."""


@cache
def _currency_signs() -> frozenset[str]:
    """Every currency's code and the signs German and English readers write it with."""
    codes = set(list_currencies())
    signs = {get_currency_symbol(c, _locale(language)) for c in codes for language in LANGUAGES}
    return frozenset(codes | signs)


@cache
def own_currency_signs(currency: str) -> frozenset[str]:
    """How the plan's own ``currency`` may be written after an amount: its code (any case)
    and its signs (``EUR``, ``eur``, ``€``)."""
    signs = {currency.upper()}
    for language in LANGUAGES:
        signs.add(get_currency_symbol(currency, _locale(language)))
        signs.add(get_currency_symbol(currency, _locale(language)).removeprefix("US"))
    if currency.upper() != "USD":
        signs.discard("$")
    return frozenset(signs)


def _is_currency(sign: str) -> bool:
    return (
        sign.upper() in _currency_signs()
        or sign in _currency_signs()
        or any(unicodedata.category(c) == "Sc" for c in sign)
    )


def parse_number(
    text: str, language: str, example: float = 48000.5, *, unit: Unit = "", currency: str = ""
) -> float:
    """A number typed the way people of ``language`` type it, strictly (Babel).

    German ``48.000,50`` and English ``48,000.50`` are 48000.5; ``50 000`` (grouped by a
    space, a no-break or narrow no-break space) is 50000 in both. The unit is part of the
    number: an amount (``unit="money"``) may carry the plan's ``currency`` (``45.000 €``,
    ``EUR 45.000``) and refuses ``%`` and every other currency; a share (``unit="percent"``)
    may carry ``%`` and refuses currencies; a plain number refuses both (:class:`UnitError`).
    ``-0`` is 0. Empty, ambiguous (German ``48,000``) or malformed text raises
    :class:`NumberTextError`, never a guess.

    >>> parse_number("48.000,50", "de"), parse_number("0,8 %", "de", unit="percent")
    (48000.5, 0.8)
    >>> parse_number("50\u202f000 €", "de", unit="money", currency="EUR")
    50000.0
    """
    hint = number(example, language, 2)
    shape = _SHAPE.fullmatch(text.strip().replace("\u2212", "-"))  # the typographic minus
    if shape is None:
        raise NumberTextError(text, hint)
    lead, body = shape["lead"], shape["body"]
    signs = [s for s in (shape["pre"], shape["post"]) if s]
    if len(signs) > 1 or (lead and body[0] in "+-"):
        raise NumberTextError(text, hint)
    if signs:
        _check_unit(text, hint, signs[0], unit, currency)
    if any(space in body for space in SPACES):
        grouped = _SPACED.get(language)
        if grouped is None or not grouped.match(body):
            raise NumberTextError(text, hint)
        body = "".join(c for c in body if c not in SPACES)
    cleaned = lead + body
    pattern = _AMBIGUOUS.get(language)
    if pattern is not None and pattern.match(cleaned):
        raise NumberTextError(text, hint)
    try:
        value = float(parse_decimal(cleaned, locale=_locale(language), strict=True))
    except (NumberFormatError, ValueError, ArithmeticError):
        raise NumberTextError(text, hint) from None
    if not math.isfinite(value):
        raise NumberTextError(text, hint)
    return value + 0.0  # -0 is 0


def _check_unit(text: str, hint: str, sign: str, unit: Unit, currency: str) -> None:
    """Refuse a unit ``sign`` that a number of ``unit`` does not take."""
    if sign == "%":
        if unit != "percent":
            raise UnitError(text, hint, sign, "percent")
        return
    if not _is_currency(sign):
        raise NumberTextError(text, hint)  # letters: not a number
    if unit != "money":
        raise UnitError(text, hint, sign, "currency")
    if sign not in own_currency_signs(currency) and sign.upper() not in own_currency_signs(
        currency
    ):
        raise UnitError(text, hint, sign, "currency")
