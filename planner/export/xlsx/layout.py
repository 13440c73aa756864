"""Where things sit in the workbook: the sheets' names per language and the rows and
columns that the import (:mod:`planner.export.workbook_import`) and the side editions
(:mod:`planner.export.xlsx.edition`) read back."""

from __future__ import annotations

SHEET_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "summary": "Summary",
        "inputs": "Inputs",
        "scenarios": "Scenarios",
        "team": "Team",
        "investments": "Investments",
        "monthly": "Monthly",
        "yearly": "Yearly",
        "pnl": "P&L",
        "figures": "Key figures",
        "checks": "Checks",
        "actuals": "Actuals",
        "signoff": "Sign-off",
    },
    "de": {
        "summary": "Übersicht",
        "inputs": "Eingaben",
        "scenarios": "Szenarien",
        "team": "Team",
        "investments": "Investitionen",
        "monthly": "Monate",
        "yearly": "Jahre",
        "pnl": "GuV",
        "figures": "Kennzahlen",
        "checks": "Prüfungen",
        "actuals": "Ist-Werte",
        "signoff": "Freigabe",
    },
}
"""Sheet names per language, by role, in the workbook's order: the one place for them."""
PROTECTED = ("summary", "team", "investments", "monthly", "yearly", "pnl", "checks")
"""Sheets of formulas only: protected without a password against overwriting by mistake."""


def sheet_name(key: str, language: str) -> str:
    """The name of sheet ``key`` in a workbook of ``language``.

    >>> sheet_name("inputs", "de"), sheet_name("pnl", "en")
    ('Eingaben', 'P&L')
    """
    return SHEET_NAMES.get(language, SHEET_NAMES["en"])[key]


def sheet_names(key: str) -> tuple[str, ...]:
    """Every name sheet ``key`` has in some language (an import finds it by any of them)."""
    return tuple(dict.fromkeys(names[key] for names in SHEET_NAMES.values()))


INPUT_PATH_COLUMN = 1
INPUT_VALUE_COLUMN = 3
INPUT_EXACT_COLUMN = 5
"""Hidden: the exact value (``repr``) of a float that the 16 digits of a cell would round."""
INPUT_NOTE_COLUMN = 6
"""The reasoning behind the value (the plan's ``notes``), read back on import."""
SWITCH_ROW = 2
"""Row of the scenario switch on ``Inputs`` (no path in column A: the import skips it)."""
INPUT_FIRST_ROW = 4
NOTE_PREFIX = "notes."
"""Column A of a note without an input row of its own: ``notes.<path>``, text in column F."""
MONTHLY_FIRST_ROW = 3
"""Row of plan month 1 on ``Monthly``: row 1 holds labels, row 2 docs/model.md's column keys."""
DEFINITIONS_KEYS = ("name", "path", "value", "type")
"""Key row that starts the scenario definitions on ``Scenarios`` (read back on import)."""
DEFINITION_NOTE_COLUMN = 6
