"""What every view of the onboarding page shares: the side's view of the plan in force
(:func:`here`), how a monthly value and a share read, a table of texts and the page's keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from planner import i18n
from planner.plan.schema import COUNT_COLUMNS, Plan
from planner.plan.schema import VALUE_COLUMNS as ALL_COLUMNS
from planner.privacy import visible_columns
from planner.ui import state, viewer, widgets


@dataclass(frozen=True)
class Here:
    """The plan in force as this run's side sees it: what every view of the page reads."""

    plan: Plan
    language: str
    who: viewer.Viewer
    value_columns: tuple[str, ...]
    """The actuals columns this side may see (the vendor's economics only when shared)."""

    def amount(self, column: str, value: float | None) -> str:
        """A monthly value: money, or a count with one decimal (FTE, deals, customers)."""
        if column in COUNT_COLUMNS:
            return i18n.number(value, self.language, 1)
        return i18n.money(value, self.plan.currency, self.language)

    def signed_amount(self, column: str, value: float | None) -> str:
        text = self.amount(column, value)
        return "+" + text if value is not None and value > 0 else text

    def share(self, value: Any) -> str:
        number = None if value is None or pd.isna(value) else float(value)
        return i18n.percent(number, self.language)


def here() -> Here:
    """The plan in force, the language and the side of this run."""
    plan = state.plan_in_force()
    who = viewer.current()
    shown = visible_columns(plan, who.side)
    return Here(
        plan=plan,
        language=state.language(),
        who=who,
        value_columns=tuple(c for c in ALL_COLUMNS if c in shown),
    )


DEFAULT_COLUMNS = ("revenue", "new_deals", "customers", "staff_cost", "cash_flow")

# Widget and error keys of this page.
COLUMNS = "onboarding.columns"
CHART_COLUMN = "onboarding.chart_column"
UPLOAD = "onboarding.upload"
UPLOADED = "onboarding.uploaded_file"
TABLE_ERRORS = "onboarding.table"
UPLOAD_ERRORS = "onboarding.upload"
ACTUALS_SEEN = "onboarding.actuals_seen"  # the actuals table as shown: see entry.seen_table


def text_table(frame: pd.DataFrame, key: str) -> None:
    """A table of formatted texts, at most 480 px high (:func:`widgets.text_table`)."""
    widgets.text_table(frame, key, height=min(widgets.full_height(len(frame)), 480))
