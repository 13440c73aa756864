"""Numbers as people type them (planner.i18n.parse_number): accepted and refused forms per UI
language, and every number the app shows for editing reads back as itself."""

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
    ("de", "0,8 %", 0.8),
    ("de", "0,8%", 0.8),
    ("de", "1.234.567", 1234567.0),
    ("de", "45.000 €", 45000.0),
    ("de", "-1,5", -1.5),
    ("de", "\u22121,5", -1.5),  # the typographic minus
    ("de", " 12 ", 12.0),
    ("en", "48,000", 48000.0),
    ("en", "48,000.50", 48000.5),
    ("en", "0.8", 0.8),
    ("en", "0.8%", 0.8),
    ("en", "1,234,567", 1234567.0),
    ("en", "€45,000", 45000.0),
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
]


@pytest.mark.parametrize(("language", "typed", "value"), ACCEPTED)
def test_accepted_forms(language: str, typed: str, value: float) -> None:
    assert i18n.parse_number(typed, language) == value


@pytest.mark.parametrize(("language", "typed"), REFUSED)
def test_refused_forms_name_the_accepted_one(language: str, typed: str) -> None:
    with pytest.raises(i18n.NumberTextError) as refusal:
        i18n.parse_number(typed, language)
    assert refusal.value.example == {"de": "48.000,50", "en": "48,000.50"}[language]


@given(
    value=hst.decimals(min_value=-(10**9), max_value=10**9, places=2).map(float),
    language=hst.sampled_from(["de", "en"]),
)
def test_what_an_input_shows_reads_back_as_itself(value: float, language: str) -> None:
    assert i18n.parse_number(i18n.editable_number(value, language), language) == value
