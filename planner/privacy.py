"""Party-private data: what each side may see and edit of a plan, its figures and its log.

A plan's ``private.vendor`` and ``private.partner`` list plan paths only that side may see and
edit. Without a ``private`` block the vendor keeps its gross margin and its partner-manager
staffing and cost private (:data:`DEFAULT_VENDOR_PRIVATE`). The vendor's economics (its gross
profit, cost, cash flow, NPV, IRR, ROI, payback and whether the plan is mutual, since that
reveals the sign of the vendor's NPV) are shown to the partner and to viewers only when the
vendor sets ``private.share_vendor_economics: true``; the vendor's revenue is the partner's
sell-in and is always visible.

A value marked private wins over sharing: the vendor's economics are not shown to a side
while they would make one of the vendor's private values exact (:data:`ECONOMICS_INPUTS`);
:func:`economics_would_reveal` says which, :func:`derivable` which private values the figures
a side sees make exact.

The audience ``viewer`` (a read-only link) sees neither side's private values.
Masked values are ``None`` and their paths are listed, so a screen can show "private".
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import pandas as pd

from planner import catalogue
from planner.catalogue import diff_data, lookup, overlaps
from planner.model import VENDOR_FIGURES
from planner.plan.files import canonical_json
from planner.plan.schema import MONTHLY_COLUMNS, Plan
from planner.store.results import Change, Difference, Note

Audience = Literal["vendor", "partner", "viewer"]
AUDIENCES: tuple[Audience, ...] = ("vendor", "partner", "viewer")
DEFAULT_VENDOR_PRIVATE: tuple[str, ...] = catalogue.private_by_default("vendor")
"""What the vendor keeps private while the plan has no ``private`` block (planner/catalogue.py)."""
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


ECONOMICS_INPUTS: tuple[str, ...] = (
    "vendor_programme.gross_margin",
    "vendor_programme.partner_manager_fte",
    "vendor_programme.partner_manager_annual_cost",
    "vendor_programme.discount_rate",
)
"""The vendor's values its economics are made of beyond the partner's sell-in, MDF and rebates
(the partner's own income lines): each is exact from the vendor's figures once the others are
known (the margin is gross profit / revenue, the partner manager's cost is in the vendor's
cost, the own rate is the one at which the vendor's cash flow discounts to its NPV), so the
vendor's economics show none of them to a side they are hidden from."""


def economics_would_reveal(plan: Plan, audience: str) -> tuple[str, ...]:
    """The values hidden from ``audience`` that the vendor's economics would make exact
    (:data:`ECONOMICS_INPUTS`): while there is one, "private" wins over sharing."""
    private = hidden_from(plan, audience)
    return tuple(path for path in ECONOMICS_INPUTS if any(overlaps(path, p) for p in private))


@dataclass(frozen=True)
class Derivation:
    """A private value that figures the other side sees make exact, and how."""

    path: str
    """The private value (a plan path of the side that keeps it)."""
    figures: tuple[str, ...]
    """The monthly columns (labels ``label.<name>``) it is exact from."""
    hidden: bool
    """Whether those figures are hidden from the other side for it (else they cannot be: they
    are the other side's own figures)."""


_VENDOR_ECONOMICS_SHOWN = ("vendor_gross_profit", "vendor_cost", "vendor_cash_flow")
_PARTNER_FIGURES: dict[str, tuple[str, ...]] = {
    "resources": ("staff_cost", "headcount", "cash_flow"),
    "investments": ("investment_gross", "investment_net", "cash_flow"),
    "opex_per_month": ("opex", "cash_flow"),
    "revenue": ("new_deals", "customers", "resale", "sell_in", "services", "managed", "revenue"),
    "discount_rate": ("cash_flow",),
}
"""The partner's own figures a value of the partner's that the model reads is in (its only
unknown there): the vendor and viewers see them beside the vendor's."""
_PARTNER_INCOME = {
    "vendor_programme.mdf_rate": ("mdf", "sell_in"),
    "vendor_programme.rebate_tiers": ("rebate", "sell_in"),
    "investments": ("investment_vendor_funded", "investment_gross"),
}
"""What the vendor pays the partner: the partner's own income lines tell the terms exactly
(MDF = rate x sell-in; the rebate by tier of the year's sell-in; the vendor-funded part of an
investment = its vendor share x its amount)."""


def derivable(plan: Plan, side: str) -> list[Derivation]:
    """The values ``side`` keeps private that the other side (and viewers) could compute
    exactly from the figures they see, with those figures: the rules of derivability in one
    place (docs/privacy.md).

    - The vendor's margin, partner manager and own rate (:data:`ECONOMICS_INPUTS`) are exact
      from its economics (the margin is gross profit / revenue, the partner manager's cost is
      in the vendor's cost, the rate discounts its cash flow to its NPV): while one is
      private the economics are hidden, even when shared (``hidden``). Unshared, they are
      hidden anyway: nothing to say.
    - The MDF rate, the rebate tiers and an investment's vendor share are exact from the
      partner's own income (MDF = rate x sell-in): they cannot be hidden from the partner,
      whose P&L must add up.
    - A partner value the model reads (a hire's cost or FTE, an investment, its opex, a revenue
      driver) is exact from the partner's figures, which the vendor sees beside its own.
    """
    if side not in ("vendor", "partner"):
        return []
    own = private_paths(plan)[side]
    out: list[Derivation] = []
    for path in own:
        head = path.split(".")[0]
        if side == "vendor":
            if any(overlaps(path, e) for e in ECONOMICS_INPUTS) and shares_economics(plan):
                out.append(Derivation(path, _VENDOR_ECONOMICS_SHOWN, hidden=True))
            for income, columns in _PARTNER_INCOME.items():
                if overlaps(path, income) and (head != "investments" or _vendor_share(path)):
                    out.append(Derivation(path, columns, hidden=False))
        elif head in _PARTNER_FIGURES and _modelled(path) and not _vendor_share(path):
            out.append(Derivation(path, _PARTNER_FIGURES[head], hidden=False))
    return out


def _vendor_share(path: str) -> bool:
    """Whether ``path`` is (or holds) an investment's vendor share: the vendor's term."""
    parts = path.split(".")
    return parts[0] == "investments" and (len(parts) < 3 or parts[2] == "vendor_share")


def _modelled(path: str) -> bool:
    """Whether the model reads the value at ``path`` or one inside it."""
    entry = catalogue.find(path)
    if entry is not None:
        return entry.modelled
    items = (e for e in catalogue.entries() if e.modelled)
    return any(overlaps(path, e.pattern.replace("*", "0")) for e in items)


def sees_vendor_economics(plan: Plan, audience: str) -> bool:
    """Whether ``audience`` sees the vendor's economics: the vendor always; another side when
    the vendor shares them and none of the values they would make exact is hidden from it."""
    if audience == "vendor":
        return True
    return shares_economics(plan) and not economics_would_reveal(plan, audience)


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


def _is_uncertainty_entry(path: str) -> bool:
    parts = path.split(".")
    return len(parts) == 2 and parts[0] == "uncertainty" and parts[1].isdigit()


def _set_key(path: str) -> str | None:
    """The plan path a scenario's ``set`` entry at ``path`` changes, or ``None``."""
    parts = path.split(".", 3)
    if len(parts) == 4 and parts[0] == "scenarios" and parts[1].isdigit() and parts[2] == "set":
        return parts[3]
    return None


def _is_actuals_row(path: str) -> bool:
    parts = path.split(".")
    return len(parts) == 2 and parts[0] == "actuals" and parts[1].isdigit()


_RECORD_SOURCES: dict[str, tuple[str, str, dict[str, tuple[str, ...]]]] = {
    "hires": ("resource", "resources", {"fte": ("fte",), "month": ("start_month", "fte")}),
    "investments": ("investment", "investments", {"amount": ("amount",), "month": ("month",)}),
}
"""A commitment record's fields and the plan fields of its item they tell: a hire's FTE and
month tell the role's planned FTE and start, an investment's amount and month its own."""


def _mask_record(
    value: dict[str, Any], path: str, private: Sequence[str], hidden: list[str]
) -> dict[str, Any]:
    """A record of ``commitments.hires`` or ``.investments`` with the fields that tell a value
    hidden from the reader set to ``None`` (an investment's amount private to the partner is
    as private in the record of what it cost)."""
    block = path.split(".")[1]
    index_key, items, fields = _RECORD_SOURCES[block]
    index = value.get(index_key)
    out = dict(value)
    for name, sources in fields.items():
        if name in out and any(
            overlaps(f"{items}.{index}.{source}", p) for source in sources for p in private
        ):
            hidden.append(_join(path, name))
            out[name] = None
    return out


def _is_record(path: str) -> bool:
    parts = path.split(".")
    return (
        len(parts) == 3
        and parts[0] == "commitments"
        and parts[1] in _RECORD_SOURCES
        and parts[2].isdigit()
    )


def _mask(
    value: Any, path: str, private: Sequence[str], hide_economics: bool, hidden: list[str]
) -> Any:
    """``value`` (found at ``path``) with private parts set to ``None``; their paths appended."""
    if _covered(path, private):
        hidden.append(path)
        return None
    key = _set_key(path)
    if key is not None and any(overlaps(key, p) for p in private):
        hidden.append(path)
        return None
    if _is_uncertainty_entry(path) and isinstance(value, dict):
        # A range for a private driver tells its likely value: it is as private as the driver.
        if any(overlaps(str(value.get("path", "")), p) for p in private):
            hidden.append(path)
            return None
        return value
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
    if _is_record(path) and isinstance(value, dict):
        return _mask_record(value, path, private, hidden)
    if (
        path == "commitments.support"
        and value
        and any(overlaps("vendor_programme.partner_manager_fte", p) for p in private)
    ):
        # the support given tells the partner-manager staffing the vendor keeps private (an
        # empty list tells nothing: a side starting the records may write it)
        hidden.append(path)
        return None
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
    descend = descend or path in ("", "scenarios", "uncertainty") or path.startswith("scenarios.")
    descend = descend or (
        bool(private) and path in ("commitments", "commitments.hires", "commitments.investments")
    )
    if not descend:
        return value
    if isinstance(value, dict):
        masked = {
            k: _mask(v, _join(path, k), private, hide_economics, hidden) for k, v in value.items()
        }
        if not path and isinstance(masked.get("notes"), dict):
            masked["notes"] = _mask_notes(value["notes"], value, private, hidden)
        return masked
    if isinstance(value, list):
        return [
            _mask(v, _join(path, i), private, hide_economics, hidden) for i, v in enumerate(value)
        ]
    return value


def _mask_notes(
    notes: Mapping[str, Any], data: Mapping[str, Any], private: Sequence[str], hidden: list[str]
) -> dict[str, Any]:
    """The reasoning beside values (``notes``, by plan path) tells what it explains: a note on
    a private value, a scenario entry changing one or a range of a private driver is private."""
    ranges = data.get("uncertainty") or []
    out: dict[str, Any] = {}
    for key, text in notes.items():
        place = str(key)
        parts = place.split(".")
        driver = ""
        if len(parts) > 1 and parts[0] == "uncertainty" and parts[1].isdigit():
            index = int(parts[1])
            entry = ranges[index] if index < len(ranges) else None
            driver = str(entry.get("path", "")) if isinstance(entry, dict) else place
        touched = [place, _set_key(place) or place, driver or place]
        if private and any(overlaps(t, p) for t in touched for p in private):
            hidden.append(_join("notes", place))
            out[key] = None
        else:
            out[key] = text
    return out


def mask_value(plan: Plan, audience: str, path: str, value: Any) -> tuple[Any, list[str]]:
    """A value found at ``path`` as ``audience`` may see it, and the paths masked in it.

    The privacy settings of ``plan`` (normally the current plan) apply.
    """
    private = hidden_from(plan, audience)
    parts = path.split(".")
    if private and len(parts) > 2 and parts[0] == "uncertainty":
        # Part of a range: whether it is private depends on the range's driver, which the
        # value alone does not carry. The plan's range at that place decides; none: private.
        entry = lookup(plan.to_data(), ".".join(parts[:2]))
        driver = str(entry.get("path", "")) if isinstance(entry, dict) else ""
        if not driver or any(overlaps(driver, p) for p in private):
            return None, [path]
    hidden: list[str] = []
    masked = _mask(
        copy.deepcopy(value), path, private, not sees_vendor_economics(plan, audience), hidden
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


# --- analyses -------------------------------------------------------------------------------

VALUE_SHARE_FIGURES: tuple[str, ...] = ("partner.value_share", "vendor.value_share")
"""Each side's share of the joint NPV: it tells the vendor's NPV to whoever knows the partner's."""


def hidden_figures(plan: Plan, audience: str) -> frozenset[str]:
    """The analysis figures (``side.name``, the value shares, ``mutual``) hidden from
    ``audience``: the vendor's economics unless it shares them."""
    if sees_vendor_economics(plan, audience):
        return frozenset()
    vendor = (f"vendor.{name}" for name in VENDOR_ECONOMICS_FIGURES)
    return frozenset({"mutual", *VALUE_SHARE_FIGURES, *vendor})


def visible_paths(plan: Plan, audience: str, paths: Iterable[str]) -> list[str]:
    """Those of ``paths`` (drivers, fields) whose values ``audience`` may see, in order."""
    shown = view(plan, audience)
    return [p for p in paths if not shown.is_hidden(p)]


def analysis_plan(plan: Plan, audience: str | None) -> Plan:
    """The plan an analysis for ``audience`` computes with (``None``: the whole plan).

    A value hidden from ``audience`` enters an analysis only as it enters the plan's own
    figures: the drivers hidden from it keep their values and are never moved (no row, label,
    axis or "now" of theirs is shown, :mod:`planner.analysis.drivers`), their uncertainty
    ranges are left out (a Monte Carlo's spread would tell the range), and the hurdles hidden
    from it are left out (a zone map's border would tell them).
    """
    if audience is None:
        return plan
    shown = view(plan, audience)
    if not shown.hidden:
        return plan
    data = plan.to_data()
    if data.get("uncertainty"):
        data["uncertainty"] = [
            entry for entry in data["uncertainty"] if not shown.is_hidden(str(entry["path"]))
        ]
    for side, hurdle in (data.get("hurdles") or {}).items():
        for name in list(hurdle or {}):
            if shown.is_hidden(f"hurdles.{side}.{name}"):
                hurdle[name] = None
    return Plan.model_validate(data)


def edition_json(plan: Plan, audience: str, commitment: str = "") -> str:
    """The plan as ``audience`` may see it, as canonical JSON: what that side's edition of a
    document is made of and what its hash covers.

    When nothing is hidden from ``audience`` this is the plan's canonical JSON, so the edition
    hash is the content hash. Otherwise it is the masked plan with the hidden paths and
    ``commitment``, a keyed hash of the whole plan (:mod:`planner.signoff.editions`): without
    the key, the edition hash cannot be used to test guesses of the hidden values.
    """
    shown = view(plan, audience)
    if not shown.hidden:
        return canonical_json(plan)
    edition = {
        "edition": audience,
        "plan": shown.data,
        "hidden": sorted(shown.hidden),
        "commitment": commitment,
    }
    return json.dumps(edition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def edition_hash(plan: Plan, audience: str, commitment: str = "") -> str:
    """SHA-256 (hex) of :func:`edition_json`: the hash a side's edition shows and carries."""
    return hashlib.sha256(edition_json(plan, audience, commitment).encode("utf-8")).hexdigest()


def may_see(plan: Plan, path: str, audience: str) -> bool:
    """Whether ``audience`` sees every part of the value at ``path``."""
    return not view(plan, audience).is_hidden(path)


def may_edit(plan: Plan, path: str, side: str) -> bool:
    """Whether ``side`` may edit ``path``: an editing side, and nothing of it hidden from it.

    The privacy settings themselves: ``private.vendor`` and ``private.share_vendor_economics``
    belong to the vendor, ``private.partner`` to the partner (see
    :func:`planner.policy.private_refusal`).
    """
    if side not in ("vendor", "partner"):
        return False
    return not view(plan, side).is_hidden(path)


def may_write(plan: Plan, path: str, side: str) -> bool:
    """Whether ``side`` may send an edit at ``path``: an editing side, and ``path`` is not a
    value hidden from it. An edit of a larger part that holds hidden values is allowed when it
    leaves them as they are (:func:`planner.privacy_writes.hidden_refusal`)."""
    if side not in ("vendor", "partner"):
        return False
    private = hidden_from(plan, side)
    if _covered(path, private):
        return False
    parts = path.split(".")
    if private and len(parts) > 2 and parts[0] == "uncertainty" and parts[1].isdigit():
        # part of a range: as private as the range's driver
        entry = lookup(plan.to_data(), ".".join(parts[:2]))
        driver = str(entry.get("path", "")) if isinstance(entry, dict) else ""
        if any(overlaps(driver, p) for p in private):
            return False
    key = _set_key(path)
    return key is None or not any(overlaps(key, p) for p in private)


def _identity(data: Any, path: str) -> str:
    """A hidden value's place that survives reordering: a range by its driver, a scenario's
    entry by the scenario's name, an actuals cell by its month."""
    parts = path.split(".")
    if parts[0] == "uncertainty" and len(parts) == 2:
        return f"uncertainty[{lookup(data, path + '.path')}]"
    if parts[0] == "scenarios" and len(parts) >= 4:
        name = lookup(data, f"scenarios.{parts[1]}.name")
        return f"scenarios[{name}].set.{'.'.join(parts[3:])}"
    if parts[0] == "actuals" and len(parts) == 3:
        return f"actuals[{lookup(data, f'actuals.{parts[1]}.month')}].{parts[2]}"
    return path


def hidden_values(plan: Plan, data: Mapping[str, Any], side: str) -> dict[str, Any]:
    """The values of ``data`` (a plan's plain data) that ``side`` may not see, by place, under
    the privacy settings of ``plan``."""
    hidden: list[str] = []
    _mask(data, "", hidden_from(plan, side), not sees_vendor_economics(plan, side), hidden)
    return {_identity(data, h): _value_at(data, h) for h in hidden}


def _value_at(data: Any, path: str) -> Any:
    """:func:`lookup` that also finds a scenario's entry and a note, whose keys are dotted
    paths themselves (``notes.vendor_programme.gross_margin``)."""
    if path.startswith("notes.") and isinstance(data, Mapping):
        notes = data.get("notes")
        return notes.get(path.removeprefix("notes.")) if isinstance(notes, Mapping) else None
    key = _set_key(path)
    if key is None:
        return lookup(data, path)
    entries = lookup(data, ".".join(path.split(".", 3)[:3]))
    return entries.get(key) if isinstance(entries, dict) else None


HIDDEN_CONFLICT = (
    "conflicts with a value the other side keeps private: propose it, that side decides"
)
"""The one refusal of a change that a hidden value may stand against: it names none, and it is
given whatever that value is (:func:`planner.privacy_writes.horizon_refusal`). A proposal of
the same change is made (:func:`planner.proposals.check_changes`): the side that sees the
value decides."""


OWN_TERMS: dict[str, tuple[str, ...]] = {
    side: catalogue.owned_by(side) for side in ("vendor", "partner")
}
"""What only that side states for itself, from the catalogue: its hurdles and (the vendor) its
cost of capital."""


def owner_of(path: str) -> str | None:
    """The side that alone may set ``path`` (:data:`OWN_TERMS`), or None."""
    for side, paths in OWN_TERMS.items():
        if any(overlaps(path, own) and path != "hurdles" for own in paths):
            return side
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


class Hidden:
    """The type of :data:`PRIVATE`."""

    def __repr__(self) -> str:
        return "PRIVATE"


PRIVATE = Hidden()
"""What a comparison holds for a value hidden from its reader (never the value itself)."""


def visible_differences(
    plan: Plan, before: Mapping[str, Any], after: Mapping[str, Any], audience: str
) -> list[Difference]:
    """Where two versions' plain data differ, as ``audience`` may see it.

    Both versions are masked with the privacy settings of ``plan`` (normally the current one)
    before anything is compared: a difference inside a hidden value shows once, at the hidden
    path, with :data:`PRIVATE` on both sides.
    """
    private = hidden_from(plan, audience)
    economics = not sees_vendor_economics(plan, audience)
    hidden: list[str] = []
    _mask(before, "", private, economics, hidden)
    _mask(after, "", private, economics, hidden)
    out: list[Difference] = []
    reported: set[str] = set()
    for path, old, new in diff_data(before, after):
        cover = next((h for h in hidden if overlaps(path, h)), None)
        if cover is None:
            out.append(Difference(path, old, new))
        elif cover not in reported:
            reported.add(cover)
            out.append(Difference(cover, PRIVATE, PRIVATE))
    return out


def visible_changes(plan: Plan, changes: Mapping[str, Any], audience: str) -> dict[str, Any]:
    """A set of proposed values (``{path: value}``, a term proposal) as ``audience`` may see
    it: a value at a path hidden from it (e.g. proposed before the owner made it private) is
    :data:`PRIVATE`, like the plan's value there."""
    shown = view(plan, audience)
    return {path: PRIVATE if shown.is_hidden(path) else value for path, value in changes.items()}


def visible_notes(plan: Plan, notes: Iterable[Note], audience: str) -> list[Note]:
    """The notes ``audience`` may read: not those on values hidden from it."""
    shown = view(plan, audience)
    return [n for n in notes if not shown.is_hidden(n.path)]
