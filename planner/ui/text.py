"""UI texts and figures in the UI language (texts from ``planner/locales/ui.yaml``)."""

from __future__ import annotations

from typing import Any

from planner import i18n
from planner.model import MONTH_FIGURES, month_dates
from planner.plan.schema import Plan
from planner.ui import state

PERCENT_FIGURES = frozenset({"irr", "roi", "value_share"})


def tr(key: str, **values: Any) -> str:
    """The text ``ui.<key>`` in the UI language."""
    return i18n.t(f"ui.{key}", state.language(), **values)


def label(key: str) -> str:
    """The shared label of a plan path, monthly column or key figure."""
    return i18n.label(key, state.language())


def term(key: str) -> str:
    """A shared text outside ``ui.`` (``kind.msp``, ``verdict.mutual``, ...)."""
    return i18n.t(key, state.language())


def money(value: float | None, plan: Plan) -> str:
    """An amount in the plan's currency, formatted for the UI language."""
    return i18n.money(value, plan.currency, state.language())


def month_of(month: int, plan: Plan) -> str:
    """Plan month ``month`` as a calendar month (``Feb. 2028``)."""
    return i18n.month_label(month_dates(plan.start, month)[-1], state.language())


def figure(name: str, value: float | None, plan: Plan) -> str:
    """A key figure as shown on the dashboard: money, percent or a plan month."""
    language = state.language()
    if value is None:
        return tr("figure.never", months=plan.months) if name in MONTH_FIGURES else i18n.MISSING
    if name in MONTH_FIGURES:
        if value == 0:
            return tr("figure.month_zero")
        return tr("figure.month", month=int(value), date=month_of(int(value), plan))
    if name in PERCENT_FIGURES:
        return i18n.percent(value, language)
    return i18n.money(value, plan.currency, language)


def figure_delta(name: str, value: float | None, before: float | None, plan: Plan) -> str | None:
    """The change of a figure since the last edit, or None when there is none to show."""
    if value is None or before is None or value == before:
        return None
    language = state.language()
    diff = value - before
    sign = "+" if diff > 0 else ""
    if name in MONTH_FIGURES:
        return months_delta(diff)
    if name in PERCENT_FIGURES:
        if abs(diff) > i18n.PERCENT_SHOWN:  # an IRR of 10^26 % and back: say how large
            bound = i18n.number(i18n.PERCENT_SHOWN * 100, language)
            return tr("figure.points_delta", points=(">" if diff > 0 else "<") + " " + bound)
        return tr("figure.points_delta", points=sign + i18n.number(diff * 100, language, 1))
    return sign + i18n.money(diff, plan.currency, language)


def months_delta(diff: float) -> str:
    """A change of a month figure, signed, in the singular for one month: ``+1 Monat``,
    ``-3 Monate`` (dashboard, scenario comparison and re-forecast alike)."""
    sign = "+" if diff > 0 else ""
    number = sign + i18n.number(diff, state.language())
    return tr("figure.months_delta", months=number, plural=diff)


def plain(text: str) -> str:
    """User text placed into markdown, with markdown characters escaped (shown literally)."""
    return "".join("\\" + c if c in MARKDOWN_CHARACTERS else c for c in text)


MARKDOWN_CHARACTERS = frozenset("\\`*_{}[]()#+-.!|<>~$&:")


def problem_list(lines: list[str]) -> str:
    """Problems as a markdown list, one per line, shown literally."""
    return "\n".join(f"- {plain(line)}" for line in lines)
