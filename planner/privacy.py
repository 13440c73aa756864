"""Party-private data: what each side may see and edit of a plan, its figures and its log.

A plan's ``private.vendor`` and ``private.partner`` list plan paths only that side may see and
edit. Without a ``private`` block the vendor keeps its gross margin and its partner-manager
staffing and cost private (:data:`DEFAULT_VENDOR_PRIVATE`). The vendor's economics (its gross
profit, cost, cash flow, NPV, IRR, ROI, payback and whether the plan is mutual, since that
reveals the sign of the vendor's NPV) are shown to the partner and to viewers only when the
vendor sets ``private.share_vendor_economics: true``; the vendor's revenue is the partner's
sell-in and is always visible.

The audience ``viewer`` (a read-only link) sees neither side's private values.
Masked values are ``None`` and their paths are listed, so a screen can show "private".
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import pandas as pd

from planner.model import VENDOR_FIGURES
from planner.plan import MONTHLY_COLUMNS, Plan
from planner.store.core import Change, Difference, Note, lookup, overlaps

Audience = Literal["vendor", "partner", "viewer"]
AUDIENCES: tuple[Audience, ...] = ("vendor", "partner", "viewer")
DEFAULT_VENDOR_PRIVATE: tuple[str, ...] = (
    "vendor_programme.gross_margin",
    "vendor_programme.partner_manager_fte",
    "vendor_programme.partner_manager_annual_cost",
)
VENDOR_ECONOMICS_COLUMNS: tuple[str, ...] = (
    "vendor_gross_profit",
    "vendor_cost",
    "vendor_cash_flow",
    "vendor_cumulative_cash",
)
"""Monthly columns that reveal the vendor's margin and cost."""
VENDOR_ECONOMICS_FIGURES: tuple[str, ...] = tuple(f for f in VENDOR_FIGURES if f != "revenue")
"""Vendor key figures shown to the partner only when the vendor shares its economics."""


def private_paths(plan: Plan) -> dict[str, tuple[str, ...]]:
    """Each side's private paths, with the default when the plan has no ``private`` block."""
    if plan.private is None:
        return {"vendor": DEFAULT_VENDOR_PRIVATE, "partner": ()}
    return {"vendor": tuple(plan.private.vendor), "partner": tuple(plan.private.partner)}


def shares_economics(plan: Plan) -> bool:
    """Whether the vendor lets the partner see its economics."""
    return bool(plan.private is not None and plan.private.share_vendor_economics)


def hidden_from(plan: Plan, audience: str) -> tuple[str, ...]:
    """The private paths of the *other* side(s): what ``audience`` may not see."""
    paths = private_paths(plan)
    if audience == "vendor":
        return paths["partner"]
    if audience == "partner":
        return paths["vendor"]
    return paths["vendor"] + paths["partner"]


def sees_vendor_economics(plan: Plan, audience: str) -> bool:
    return audience == "vendor" or shares_economics(plan)


# --- masking plain data ------------------------------------------------------------------


def _covered(path: str, private: Iterable[str]) -> bool:
    """``path`` is a private path or lies inside one."""
    return any(path == p or path.startswith(p + ".") for p in private)


def _contains(path: str, private: Iterable[str]) -> bool:
    """A private path lies inside ``path``."""
    return any(not path or p.startswith(path + ".") for p in private)


def _join(prefix: str, key: str | int) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


def _is_scenario_set(path: str) -> bool:
    parts = path.split(".")
    return len(parts) == 3 and parts[0] == "scenarios" and parts[1].isdigit() and parts[2] == "set"


def _is_actuals_row(path: str) -> bool:
    parts = path.split(".")
    return len(parts) == 2 and parts[0] == "actuals" and parts[1].isdigit()


def _mask(
    value: Any, path: str, private: Sequence[str], hide_economics: bool, hidden: list[str]
) -> Any:
    """``value`` (found at ``path``) with private parts set to ``None``; their paths appended."""
    if _covered(path, private):
        hidden.append(path)
        return None
    if _is_scenario_set(path) and isinstance(value, dict):
        # A scenario's keys are plan paths themselves: hide those that touch private data.
        out: dict[str, Any] = {}
        for key, item in value.items():
            if any(overlaps(str(key), p) for p in private):
                hidden.append(_join(path, key))
                out[key] = None
            else:
                out[key] = item
        return out
    if _is_actuals_row(path) and isinstance(value, dict) and hide_economics:
        out2: dict[str, Any] = {}
        for key, item in value.items():
            if key in VENDOR_ECONOMICS_COLUMNS:
                hidden.append(_join(path, key))
                out2[key] = None
            else:
                out2[key] = item
        return out2
    descend = _contains(path, private) or (
        hide_economics and (path in ("", "actuals") or path.startswith("actuals."))
    )
    descend = descend or path in ("", "scenarios") or path.startswith("scenarios.")
    if not descend:
        return value
    if isinstance(value, dict):
        return {
            k: _mask(v, _join(path, k), private, hide_economics, hidden) for k, v in value.items()
        }
    if isinstance(value, list):
        return [
            _mask(v, _join(path, i), private, hide_economics, hidden) for i, v in enumerate(value)
        ]
    return value


def mask_value(plan: Plan, audience: str, path: str, value: Any) -> tuple[Any, list[str]]:
    """A value found at ``path`` as ``audience`` may see it, and the paths masked in it.

    The privacy settings of ``plan`` (normally the current plan) apply.
    """
    hidden: list[str] = []
    masked = _mask(
        copy.deepcopy(value),
        path,
        hidden_from(plan, audience),
        not sees_vendor_economics(plan, audience),
        hidden,
    )
    return masked, hidden


@dataclass(frozen=True)
class PlanView:
    """A plan as one side sees it: plain data with the other side's private values ``None``."""

    audience: str
    data: dict[str, Any]
    hidden: tuple[str, ...]
    """Paths whose values were masked."""
    economics: bool
    """Whether the vendor's economics are visible."""

    def is_hidden(self, path: str) -> bool:
        """``path`` is masked, lies inside a masked value or contains one."""
        return any(overlaps(path, h) for h in self.hidden)

    def get(self, path: str) -> Any:
        return lookup(self.data, path)


def view(plan: Plan, audience: str) -> PlanView:
    """The plan for ``audience`` (``vendor``, ``partner`` or ``viewer``)."""
    hidden: list[str] = []
    economics = sees_vendor_economics(plan, audience)
    # to_data() is a fresh tree: no copy needed before masking it
    data = _mask(plan.to_data(), "", hidden_from(plan, audience), not economics, hidden)
    return PlanView(audience, data, tuple(hidden), economics)


def may_see(plan: Plan, path: str, audience: str) -> bool:
    """Whether ``audience`` sees every part of the value at ``path``."""
    return not view(plan, audience).is_hidden(path)


def may_edit(plan: Plan, path: str, side: str) -> bool:
    """Whether ``side`` may edit ``path``: an editing side, and nothing of it hidden from it.

    The privacy settings themselves: ``private.vendor`` and ``private.share_vendor_economics``
    belong to the vendor, ``private.partner`` to the partner (see :func:`private_refusal`).
    """
    if side not in ("vendor", "partner"):
        return False
    return not view(plan, side).is_hidden(path)


def private_refusal(before: Plan, after: Plan, side: str) -> str | None:
    """Why ``side`` may not make this change of privacy settings, or ``None``."""
    old, new = private_paths(before), private_paths(after)
    if old["vendor"] != new["vendor"] and side != "vendor":
        return "only the vendor decides which vendor values are private"
    if old["partner"] != new["partner"] and side != "partner":
        return "only the partner decides which partner values are private"
    if shares_economics(before) != shares_economics(after) and side != "vendor":
        return "only the vendor decides whether to share its economics"
    return None


def privacy_edits(plan: Plan, side: str, paths: Sequence[str]) -> dict[str, Any]:
    """The edit that makes ``paths`` the private list of ``side`` (creating the block)."""
    if plan.private is None:
        block = {"vendor": list(DEFAULT_VENDOR_PRIVATE), "partner": [], side: list(paths)}
        return {"private": block}
    return {f"private.{side}": list(paths)}


def sharing_edits(plan: Plan, share: bool) -> dict[str, Any]:
    """The edit that sets ``private.share_vendor_economics`` (creating the block)."""
    if plan.private is None:
        block = {
            "vendor": list(DEFAULT_VENDOR_PRIVATE),
            "partner": [],
            "share_vendor_economics": share,
        }
        return {"private": block}
    return {"private.share_vendor_economics": share}


# --- figures, tables, log ----------------------------------------------------------------


def visible_columns(plan: Plan, audience: str) -> tuple[str, ...]:
    """The monthly columns ``audience`` may see, in docs/model.md order."""
    if sees_vendor_economics(plan, audience):
        return MONTHLY_COLUMNS
    return tuple(c for c in MONTHLY_COLUMNS if c not in VENDOR_ECONOMICS_COLUMNS)


def visible_table(table: pd.DataFrame, plan: Plan, audience: str) -> pd.DataFrame:
    """A monthly or yearly table without the columns hidden from ``audience``."""
    if sees_vendor_economics(plan, audience):
        return table
    return table.drop(columns=[c for c in VENDOR_ECONOMICS_COLUMNS if c in table.columns])


def visible_figures(plan: Plan, figures: Mapping[str, Any], audience: str) -> dict[str, Any]:
    """Key figures (as :func:`planner.model.figures_of` gives them) for ``audience``.

    Without shared economics the vendor part keeps only ``revenue`` and ``mutual`` is removed.
    """
    out = dict(figures)
    if not sees_vendor_economics(plan, audience):
        vendor = figures.get("vendor", {})
        out["vendor"] = {k: v for k, v in vendor.items() if k not in VENDOR_ECONOMICS_FIGURES}
        out.pop("mutual", None)
    return out


def visible_change(plan: Plan, change: Change, audience: str) -> Change:
    """A change-log row with the values ``audience`` may not see masked."""
    old, hidden_old = mask_value(plan, audience, change.path, change.old)
    new, hidden_new = mask_value(plan, audience, change.path, change.new)
    if not hidden_old and not hidden_new:
        return change
    return replace(change, old=old, new=new, masked=True)


def visible_log(plan: Plan, log: Iterable[Change], audience: str) -> list[Change]:
    """The change log for ``audience``: every row (who changed what, when), values masked."""
    return [visible_change(plan, c, audience) for c in log]


def visible_differences(
    plan: Plan, differences: Iterable[Difference], audience: str
) -> list[Difference]:
    """A comparison of two versions without the values hidden from ``audience``."""
    out = []
    for d in differences:
        before, hidden_before = mask_value(plan, audience, d.path, d.before)
        after, hidden_after = mask_value(plan, audience, d.path, d.after)
        if hidden_before or hidden_after:
            continue
        out.append(replace(d, before=before, after=after))
    return out


def visible_notes(plan: Plan, notes: Iterable[Note], audience: str) -> list[Note]:
    """The notes ``audience`` may read: not those on values hidden from it."""
    shown = view(plan, audience)
    return [n for n in notes if not shown.is_hidden(n.path)]
