"""One plan's business plan: its monthly and yearly tables (pandas) and both sides' key
figures, from one batched model call (:func:`evaluate`, :func:`figures`), or several plans'
at once (:func:`evaluate_many`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from planner.model.batch import Array, Batch
from planner.model.kpis import figures_of, key_figures
from planner.model.monthly import simulate
from planner.plan.schema import MONTHLY_COLUMNS, VALUE_COLUMNS, Plan
from planner.plan.validation import with_scenario

if TYPE_CHECKING:  # pandas takes longer to import than the rest: only the tables need it
    import pandas as pd

STOCK_COLUMNS = frozenset(
    {"headcount", "customers", "backlog", "cumulative_cash", "vendor_cumulative_cash"}
)
"""Monthly columns that are levels, not flows: a year takes its last month's value."""


@dataclass(frozen=True)
class Outcome:
    """A plan's business plan: monthly and yearly tables and both sides' key figures."""

    plan: Plan
    monthly: pd.DataFrame
    kpis: dict[str, Any]

    @property
    def yearly(self) -> pd.DataFrame:
        """Flows summed per plan year, stocks at the year's last month."""
        return yearly_table(self.monthly)

    @property
    def mutual(self) -> bool:
        return bool(self.kpis["mutual"])


def monthly_table(batch: Batch, columns: Mapping[str, Array], row: int = 0) -> pd.DataFrame:
    """Row ``row`` of the batch as docs/model.md's monthly table."""
    import pandas as pd

    table = pd.DataFrame({name: columns[name][row] for name in VALUE_COLUMNS})
    table.insert(0, "date", batch.dates())
    table.insert(0, "month", np.arange(1, batch.months + 1))
    return table[list(MONTHLY_COLUMNS)]


def yearly_table(monthly: pd.DataFrame) -> pd.DataFrame:
    """Per plan year (1-based ``year``, ``from``/``to`` dates): flows summed, stocks last."""
    year = (monthly["month"] - 1) // 12 + 1
    grouped = monthly.groupby(year)
    agg = {c: ("last" if c in STOCK_COLUMNS else "sum") for c in VALUE_COLUMNS}
    table = grouped.agg(agg)
    table.insert(0, "to", grouped["date"].last())
    table.insert(0, "from", grouped["date"].first())
    table.insert(0, "months", grouped["month"].count())
    table.index.name = "year"
    return table.reset_index()


def figures(plan: Plan, scenario: str | None = None) -> dict[str, Any]:
    """Both sides' key figures and ``mutual`` of one plan (or scenario), as :func:`evaluate`
    gives them, without building its tables."""
    chosen = with_scenario(plan, scenario) if scenario else plan
    batch = Batch.from_plans([chosen])
    return figures_of(key_figures(batch, simulate(batch)), 0)


def evaluate(plan: Plan, scenario: str | None = None) -> Outcome:
    """The business plan of one plan (or of one of its scenarios)."""
    chosen = with_scenario(plan, scenario) if scenario else plan
    batch = Batch.from_plans([chosen])
    columns = simulate(batch)
    return Outcome(
        chosen, monthly_table(batch, columns), figures_of(key_figures(batch, columns), 0)
    )


def evaluate_many(plans: Sequence[Plan]) -> list[Outcome]:
    """Several plans at once: one batched model call per distinct horizon."""
    outcomes: dict[int, Outcome] = {}
    for months in sorted({p.months for p in plans}):
        index = [i for i, p in enumerate(plans) if p.months == months]
        batch = Batch.from_plans([plans[i] for i in index])
        columns = simulate(batch)
        figures = key_figures(batch, columns)
        for row, i in enumerate(index):
            dated = replace(batch, start=plans[i].start)
            monthly = monthly_table(dated, columns, row)
            outcomes[i] = Outcome(plans[i], monthly, figures_of(figures, row))
    return [outcomes[i] for i in range(len(plans))]
