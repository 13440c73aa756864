"""Who is looking: the side a session sees the plan as, and what it may do.

Every page asks here, so the vendor's workspace, a vendor or partner editor's link and a
viewer's link use the same pages: values private to another side are masked
(:mod:`planner.privacy`), and inputs are read-only for a viewer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from planner import privacy
from planner.plan.schema import Plan
from planner.ui import collab


@dataclass(frozen=True)
class Viewer:
    """A session's side (``vendor``, ``partner`` or ``viewer``) and rights."""

    side: str
    can_edit: bool
    is_owner: bool

    def view(self, plan: Plan) -> privacy.PlanView:
        """``plan`` with what this side may not see masked."""
        return privacy.view(plan, self.side)

    def sees_vendor_economics(self, plan: Plan) -> bool:
        """Whether the vendor's margin, cost and return are shown to this side."""
        return privacy.sees_vendor_economics(plan, self.side)

    def figures(self, plan: Plan, figures: Mapping[str, Any]) -> dict[str, Any]:
        """Key figures (``{"partner": {...}, "vendor": {...}, "mutual": ...}``) as this side
        may see them."""
        return privacy.visible_figures(plan, figures, self.side)

    def paths(self, plan: Plan, paths: Iterable[str]) -> list[str]:
        """Those of ``paths`` whose values this side may see."""
        shown = self.view(plan)
        return [p for p in paths if not shown.is_hidden(p)]


def current() -> Viewer:
    """The session's viewer: its link's role, or the vendor's workspace (the owner)."""
    granted = collab.current_access()
    if granted is None:
        return Viewer("vendor", can_edit=True, is_owner=True)
    return Viewer(granted.side, can_edit=granted.can_edit, is_owner=granted.is_owner)
