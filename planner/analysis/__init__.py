"""Analyses of a plan for the live session and the onboarding review.

One module per concern, all pure (no streamlit) and batched (one model call per analysis):
:mod:`~planner.analysis.drivers` (the numeric drivers of a plan a side may move; which they are
and their valid ranges are the plan's, :mod:`planner.plan.ranges`),
:mod:`~planner.analysis.scenarios`, :mod:`~planner.analysis.sensitivity` (tornado),
:mod:`~planner.analysis.goalseek`, :mod:`~planner.analysis.montecarlo` and
:mod:`~planner.analysis.actuals` (plan vs actuals, re-forecast).
"""

from __future__ import annotations

from typing import Any

DEFAULT_FIGURE = "partner.npv"
"""The key figure a tornado shows unless told otherwise."""
DEFAULT_DRAWS = 10_000
"""Monte Carlo draws unless told otherwise."""


class AnalysisError(ValueError):
    """A request an analysis cannot answer (unknown driver or figure, bad range, bad file).

    The message is one line naming the argument or field and what is allowed (the command
    line's English). ``key`` and ``params``, where given, let a page say the same in the
    reader's language (``ui.refusal.<key>``); without them a page shows the message.
    """

    def __init__(self, message: str, key: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.key = key
        self.params = params
