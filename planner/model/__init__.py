"""The arithmetic of docs/model.md sections 2-4, vectorised over a batch of plans.

A :class:`Batch` (:mod:`~planner.model.batch`) holds the numbers of B plans with the same
horizon as numpy arrays, one row per plan; :func:`simulate` (:mod:`~planner.model.monthly`)
turns it into the monthly columns (arrays of shape ``(B, N)``) and :func:`key_figures`
(:mod:`~planner.model.kpis`) into both sides' key figures (arrays of shape ``(B,)``);
:func:`simulate_blocks` and :func:`batch_key_figures` do the same a block of plans at a time,
for analyses that need the figures but not the monthly tables. One plan and 10,000 variations
of it take the same code path. :func:`evaluate` (:mod:`~planner.model.outcome`) wraps all of it
for a single plan and returns pandas tables. Money is in the plan's currency and never rounded
here.

The names below are the model's interface (``model.evaluate(plan)``); each lives in the module
of its concern. ``python -m planner.model`` compiles the batch kernel (:mod:`planner.kernel`).
"""

from planner.model.batch import LIST_FIELDS, SCALAR_PATHS, Array, Batch, month_dates, side_rate
from planner.model.kpis import (
    MONTH_FIGURES,
    PARTNER_FIGURES,
    VENDOR_FIGURES,
    batch_key_figures,
    figures_of,
    key_figures,
    side_figures,
)
from planner.model.monthly import simulate, simulate_blocks
from planner.model.outcome import (
    STOCK_COLUMNS,
    Outcome,
    evaluate,
    evaluate_many,
    figures,
    monthly_table,
)

__all__ = [
    "LIST_FIELDS",
    "MONTH_FIGURES",
    "PARTNER_FIGURES",
    "SCALAR_PATHS",
    "STOCK_COLUMNS",
    "VENDOR_FIGURES",
    "Array",
    "Batch",
    "Outcome",
    "batch_key_figures",
    "evaluate",
    "evaluate_many",
    "figures",
    "figures_of",
    "key_figures",
    "month_dates",
    "monthly_table",
    "side_figures",
    "side_rate",
    "simulate",
    "simulate_blocks",
]
