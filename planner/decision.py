"""The decision in principle as lines of text, for the dashboard and the exports."""

from __future__ import annotations

import datetime

from babel.dates import format_date

from planner import i18n
from planner.plan.schema import Plan


def lines(plan: Plan, language: str) -> list[tuple[str, str]]:
    """``(label, text)`` rows of the plan's decision in principle (none when it has none).

    >>> from pathlib import Path
    >>> from planner.plan.files import load
    >>> from planner.plan.validation import with_values
    >>> plan = load(Path(__file__).parents[1] / "templates" / "reseller.yaml")
    >>> lines(plan, "en")
    []
    >>> agreed = {"date": "2027-01-04", "partner": "Anna Berger (CEO)", "vendor": "Max Roth"}
    >>> lines(with_values(plan, {"decision": agreed}), "en")[:2]
    [('Decision in principle on', '4 January 2027'), ('Took part (partner)', 'Anna Berger (CEO)')]
    """
    decision = plan.decision
    if decision is None:
        return []
    day = datetime.date.fromisoformat(decision.date)
    rows = [
        (
            i18n.t("signoff.decision.when", language),
            format_date(day, format="long", locale=i18n.LOCALES[language]),
        ),
        (i18n.t("signoff.decision.partner", language), decision.partner),
        (i18n.t("signoff.decision.vendor", language), decision.vendor),
    ]
    if decision.note:
        rows.append((i18n.t("signoff.decision.note", language), decision.note))
    return rows
