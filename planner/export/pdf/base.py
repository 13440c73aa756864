"""The state of one business plan's PDF (the plan, its evaluated cases, the edition's
audience) and the helpers several sections share; each section is a mixin of :class:`Base`."""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from planner import model, privacy
from planner.analysis import montecarlo
from planner.export import Evidence
from planner.export.fonts import main as _fonts
from planner.export.pdf.axes import Axes
from planner.export.pdf.format import Side
from planner.export.pdf.layout import Contents
from planner.export.pdf.styles import plan_styles
from planner.export.pdf.tables import Tables
from planner.plan.files import content_hash
from planner.plan.schema import Plan
from planner.proposals import Proposal


@dataclass(frozen=True)
class Signatory:
    """A person who signs for one side; unknown details print as blank lines to fill in."""

    side: Side
    name: str = ""
    title: str = ""
    date: datetime.date | None = None


class Base(Tables, Axes):
    """The state of one plan's PDF and what several sections share."""

    evidence: Evidence | None = None
    """Set for a signed edition: its sign-off page states the electronic signature."""
    proposals: Sequence[Proposal] = ()
    """The term proposals of the plan, for the record of the negotiation."""

    def __init__(
        self,
        plan: Plan,
        outcomes: Sequence[model.Outcome],
        chosen: int,
        scenario: str | None,
        language: str,
        issued: datetime.date | None,
        version: str | None,
        signatories: Sequence[Signatory],
        audience: str | None = None,
        digest: str | None = None,
    ) -> None:
        self.source = plan
        self.outcomes = outcomes
        self.outcome = outcomes[chosen]
        self.chosen = chosen
        self.plan = self.outcome.plan
        self.scenario = scenario
        self.language = language
        self.currency = self.plan.currency
        self.issued = issued
        # The hash a side's edition shows covers only what that side sees: the plan's
        # content hash would let a reader test guesses of the values hidden from it.
        self.hash = digest or (
            privacy.edition_hash(plan, audience) if audience else content_hash(plan)
        )
        self.draft = version is None
        self.whole = self.hash == content_hash(plan)
        """Whether the hash printed is the plan's content hash (nothing hidden from the reader)."""
        self.version = version or self.t("pdf.version_draft", short=self.hash[:8])
        self.signatories = signatories
        self.audience = audience
        self.view = privacy.view(plan, audience) if audience else None
        self.economics = self.view is None or self.view.economics
        """Whether the vendor's economics (beyond its revenue) may be shown."""
        self.fonts = _fonts()
        self.dates: list[str] = self.outcome.monthly["date"].tolist()
        self.yearly_table = self.outcome.yearly  # a property that regroups on every use
        self.styles = plan_styles(self.fonts)
        self._simulation: montecarlo.MonteCarlo | Literal[False] | None = False
        self.toc = Contents()

    def monthly_column(self, column: str) -> list[float]:
        """A monthly column of the model, or one the PDF derives from the plan for its tables:
        ``partner_management``, the vendor's partner-manager cost (part of ``vendor_cost``)."""
        if column == "partner_management":
            programme = self.plan.vendor_programme
            cost = programme.partner_manager_fte * programme.partner_manager_annual_cost / 12
            return [cost] * len(self.dates)
        return [float(v) for v in self.outcome.monthly[column].tolist()]

    def year_values(self, column: str, stock: bool) -> list[float]:
        """Per plan year: the flow summed, or a level's value in the year's last month."""
        values = self.monthly_column(column)
        years = range(math.ceil(len(values) / 12))
        if stock:
            return [values[min(12 * (y + 1), len(values)) - 1] for y in years]
        return [math.fsum(values[12 * y : 12 * (y + 1)]) for y in years]

    def hire_cells(
        self, roles: Sequence[str], month: Callable[[int], str]
    ) -> list[tuple[str, ...]]:
        """Each hire as the team table and the commitments annex show it: role, function, FTE,
        start (``month`` formats it), ramp; values hidden from the reader as such."""
        return [
            (
                roles[i],
                self.shown(f"resources.{i}.function", self.t(f"pdf.function.{item.function}")),
                self.shown(f"resources.{i}.fte", self.value("fte", item.fte)),
                self.shown(f"resources.{i}.start_month", month(item.start_month)),
                self.shown(
                    f"resources.{i}.ramp_months", self.t("pdf.team.months_n", n=item.ramp_months)
                ),
            )
            for i, item in enumerate(self.plan.resources)
        ]
