"""Numbers as people type them (planner.i18n.parse_number): accepted and refused forms per UI
language, units as part of the number, and every number the app shows (for editing, or at
rest with its currency or percent sign) reads back as itself."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as hst

from planner import i18n

ACCEPTED = [
    # (language, typed, value): worked out by reading the text as its language writes numbers
    ("de", "48.000", 48000.0),
    ("de", "48.000,50", 48000.5),
    ("de", "48000", 48000.0),
    ("de", "0,8", 0.8),
    ("de", "1.234.567", 1234567.0),
    ("de", "-1,5", -1.5),
    ("de", "\u22121,5", -1.5),  # the typographic minus
    ("de", " 12 ", 12.0),
    ("en", "48,000", 48000.0),
    ("en", "48,000.50", 48000.5),
    ("en", "0.8", 0.8),
    ("en", "1,234,567", 1234567.0),
    # spaces group thousands in both languages, in groups of three: space, no-break space,
    # narrow no-break space (what Babel writes in French amounts), thin space
    ("de", "50 000", 50000.0),
    ("de", "50\xa0000", 50000.0),
    ("de", "50\u202f000", 50000.0),
    ("de", "1 234 567,5", 1234567.5),
    ("en", "50 000", 50000.0),
    ("en", "50\u2009000.25", 50000.25),
    # minus zero is zero
    ("de", "-0", 0.0),
    ("en", "-0.00", 0.0),
]
WITH_UNITS = [
    # (language, typed, unit, plan currency, value): the unit is one the field takes
    ("de", "0,8 %", "percent", "EUR", 0.8),
    ("de", "0,8%", "percent", "EUR", 0.8),
    ("en", "0.8%", "percent", "EUR", 0.8),
    ("de", "45.000 €", "money", "EUR", 45000.0),
    ("de", "45.000 EUR", "money", "EUR", 45000.0),
    ("de", "eur 45.000", "money", "EUR", 45000.0),
    ("de", "50 000 €", "money", "EUR", 50000.0),
    ("en", "€45,000", "money", "EUR", 45000.0),
    ("en", "-€1,234.50", "money", "EUR", -1234.5),
    ("de", "54.000 $", "money", "USD", 54000.0),
    ("en", "US$54,000", "money", "USD", 54000.0),
    ("de", "2.000 CHF", "money", "CHF", 2000.0),
]
WRONG_UNITS = [
    # (language, typed, unit, plan currency, what the sign is): refused, never dropped
    ("de", "45 %", "money", "EUR", "percent"),
    ("de", "54.000 $", "money", "EUR", "currency"),
    ("en", "£54,000", "money", "EUR", "currency"),
    ("de", "54.000 USD", "money", "EUR", "currency"),
    ("de", "30 €", "percent", "EUR", "currency"),
    ("en", "EUR 30", "percent", "EUR", "currency"),
    ("de", "3 %", "", "EUR", "percent"),
    ("de", "3 €", "", "EUR", "currency"),
]
REFUSED = [
    # ambiguous: a German reader's 48,000 is 48 with three decimals, an English reader's 48.000
    ("de", "48,000"),
    ("en", "48.000"),
    # not a number in that language
    ("de", "48,000.50"),
    ("en", "48.000,50"),
    ("de", "12x"),
    ("en", "twelve"),
    ("de", ""),
    ("de", "   "),
    ("de", "1,2,3"),
    ("en", "1..2"),
    ("de", "4.8.2000"),
    # a space groups three digits, and only before the decimal mark; never with the dots
    ("de", "5 0000"),
    ("de", "50 00"),
    ("de", "50.000 000"),
    ("en", "50 000,5"),
    ("de", "12 Mio"),
    ("de", "45 € €"),
    ("de", "% 45 €"),
]


@pytest.mark.parametrize(("language", "typed", "value"), ACCEPTED)
def test_accepted_forms(language: str, typed: str, value: float) -> None:
    assert i18n.parse_number(typed, language) == value


@pytest.mark.parametrize(("language", "typed"), REFUSED)
def test_refused_forms_name_the_accepted_one(language: str, typed: str) -> None:
    with pytest.raises(i18n.NumberTextError) as refusal:
        i18n.parse_number(typed, language)
    assert refusal.value.example == {"de": "48.000,50", "en": "48,000.50"}[language]


@pytest.mark.parametrize(("language", "typed", "unit", "currency", "value"), WITH_UNITS)
def test_a_number_may_carry_its_own_unit(
    language: str, typed: str, unit: i18n.Unit, currency: str, value: float
) -> None:
    assert i18n.parse_number(typed, language, unit=unit, currency=currency) == value


@pytest.mark.parametrize(("language", "typed", "unit", "currency", "found"), WRONG_UNITS)
def test_a_number_with_another_unit_is_refused(
    language: str, typed: str, unit: i18n.Unit, currency: str, found: str
) -> None:
    with pytest.raises(i18n.UnitError) as refusal:
        i18n.parse_number(typed, language, unit=unit, currency=currency)
    assert refusal.value.found == found


def test_minus_zero_reads_as_zero_not_as_negative_zero() -> None:
    assert str(i18n.parse_number("-0", "de", unit="money", currency="EUR")) == "0.0"


VALUES = hst.decimals(min_value=-(10**9), max_value=10**9, places=2).map(float)
LANGUAGE = hst.sampled_from(["de", "en"])


@given(value=VALUES, language=LANGUAGE)
def test_what_an_input_shows_reads_back_as_itself(value: float, language: str) -> None:
    assert i18n.parse_number(i18n.editable_number(value, language), language) == value


@given(
    value=hst.decimals(min_value=-(10**6), max_value=10**6, places=3).map(float),
    language=LANGUAGE,
)
def test_three_decimals_as_shown_read_back_though_they_look_like_a_thousands_group(
    value: float, language: str
) -> None:
    """German ``6,139`` is refused as perhaps an English thousands group: the app writes
    ``6,1390`` (and English ``6.1390``), which reads back in the same language."""
    for shown in (i18n.editable_number(value, language), i18n.exact_number(value, language)):
        assert i18n.parse_number(shown, language) == value


@pytest.mark.parametrize(
    ("value", "language", "shown"),
    [
        (6.139, "de", "6,1390"),  # 6,139 would read as a thousands group
        (-6.139, "en", "-6.1390"),
        (0.125, "de", "0,125"),  # a leading zero groups nothing: as it is
        (1234.567, "de", "1.234,567"),  # grouped already: as it is
        (6139.0, "de", "6.139"),
    ],
)
def test_a_number_that_looks_like_a_thousands_group_gets_a_fourth_decimal(
    value: float, language: str, shown: str
) -> None:
    assert i18n.editable_number(value, language) == shown
    assert i18n.exact_number(value, language) == shown


@given(
    value=VALUES,
    language=LANGUAGE,
    currency=hst.sampled_from(["EUR", "USD", "GBP", "CHF", "JPY", "SEK"]),
    digits=hst.sampled_from([0, 2]),
)
def test_an_amount_as_shown_reads_back_as_itself(
    value: float, language: str, currency: str, digits: int
) -> None:
    value = round(value, digits)
    shown = i18n.money(value, currency, language, digits)
    assert i18n.parse_number(shown, language, unit="money", currency=currency) == value


@given(value=VALUES, language=LANGUAGE)
def test_a_share_as_shown_reads_back_as_itself(value: float, language: str) -> None:
    # shares are shown as the editable number with a percent sign (planner.ui.fields)
    shown = i18n.editable_number(value, language) + (" %" if language == "de" else "%")
    assert i18n.parse_number(shown, language, unit="percent") == value


@given(value=VALUES, language=LANGUAGE, digits=hst.sampled_from([0, 1, 2]))
def test_a_grouped_number_reads_back_as_itself(value: float, language: str, digits: int) -> None:
    value = round(value, digits)
    for shown in (
        i18n.number(value, language, digits),
        # the same number grouped by a (no-break) space instead of the language's sign
        i18n.number(value, language, digits).replace("." if language == "de" else ",", "\xa0"),
    ):
        assert i18n.parse_number(shown, language) == value


def test_a_figure_change_beyond_any_meaning_says_how_large() -> None:
    """An IRR of a tiny first-month investment (4 * 10^26 %, found by the property test of
    polls and remote edits) and back: its change reads "> 1.000.000 %-Punkte" instead of
    breaking the page; a normal change keeps its digits and, like an amount's, its sign
    (0.25 -> 0.30 is +5,0 points, back -5,0)."""
    from planner.ui.text import figure_delta
    from tests.store_support import example_plan

    plan = example_plan()
    assert figure_delta("irr", 4e24, 0.1, plan) == "> 1.000.000 %-Punkte"
    assert figure_delta("irr", 0.1, 4e24, plan) == "< 1.000.000 %-Punkte"
    assert figure_delta("irr", 0.30, 0.25, plan) == "+5,0 %-Punkte"
    assert figure_delta("irr", 0.25, 0.30, plan) == "-5,0 %-Punkte"


@pytest.mark.parametrize(
    ("value", "before", "shown"),
    [
        # a payback month moved from 8 to 7 (or 7 to 8) is one month: the singular
        (7, 8, "-1 Monat"),
        (8, 7, "+1 Monat"),
        # any other count keeps the plural
        (5, 8, "-3 Monate"),
        (10, 8, "+2 Monate"),
    ],
)
def test_a_month_figure_changed_by_one_month_reads_in_the_singular(
    value: int, before: int, shown: str
) -> None:
    from planner.ui.text import figure_delta
    from tests.store_support import example_plan

    assert figure_delta("payback_month", value, before, example_plan()) == shown


@pytest.mark.parametrize(
    ("count", "de", "en"),
    [
        (1, "1 Monat", "1 month"),
        (-1, "-1 Monat", "-1 month"),
        (0, "0 Monate", "0 months"),
        (2, "2 Monate", "2 months"),
        (-12, "-12 Monate", "-12 months"),
    ],
)
def test_a_counting_text_takes_the_languages_singular_for_one(count: int, de: str, en: str) -> None:
    key = "ui.figure.months_delta"
    assert i18n.t(key, "de", months=str(count), plural=count) == de
    assert i18n.t(key, "en", months=str(count), plural=count) == en
    # without a count the text is the plural one, as before
    assert i18n.t(key, "en", months="1") == "1 months"


def test_every_singular_text_has_both_languages_and_a_plural_beside_it() -> None:
    texts = i18n.catalog()
    singular = [key for key in texts if key.endswith(".one")]
    assert "ui.figure.months_delta.one" in singular
    for key in singular:
        assert set(texts[key]) == {"de", "en"}, key
        assert key.removesuffix(".one") in texts, key


@pytest.mark.parametrize(
    ("key", "values", "one_de", "two_en"),
    [
        ("collab.chain_ok", {"entries": 1}, "(1 Eintrag geprüft)", "(2 entries checked)"),
        ("ui.fault.entries", {"count": 1}, "1 Eintrag", "2 entries"),
        ("ui.analyses.from_edits_caption", {"count": 1}, "1 Änderung seit", "2 edits since"),
        (
            "ui.analyses.ranges_saved",
            {"count": 1},
            "1 Unsicherheitsbereich gespeichert",
            "2 uncertainty ranges saved",
        ),
    ],
)
def test_texts_that_count_say_one_in_the_singular_and_more_in_the_plural(
    key: str, values: dict[str, int], one_de: str, two_en: str
) -> None:
    # a fresh plan's history has one entry: "1 Einträge geprüft" was shown
    assert one_de in i18n.t(key, "de", **values, plural=1)
    two = dict.fromkeys(values, 2)
    assert two_en in i18n.t(key, "en", **two, plural=2)
    assert "(e" not in i18n.t(key, "de", **two, plural=2)  # no "Änderung(en)" any more
