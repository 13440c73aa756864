"""A side's writes around the values hidden from it: what it sent is completed with the hidden
values it could not see (:func:`carry_hidden`), and a change that would alter, move or delete
one is refused (:func:`hidden_refusal`, :func:`horizon_refusal`), the refusal and the problems
it is told (:func:`seen_problems`) never depending on a hidden value.

What a side sees is decided in :mod:`planner.privacy`; this module only applies it to writes.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from planner import catalogue
from planner.catalogue import lookup, overlaps
from planner.plan.schema import Plan
from planner.privacy import (
    HIDDEN_CONFLICT,
    _is_record,
    _is_uncertainty_entry,
    _mask,
    _set_key,
    _value_at,
    hidden_from,
    hidden_values,
    sees_vendor_economics,
    view,
)

__all__ = ["MONTH_BOUNDED", "carry_hidden", "hidden_refusal", "horizon_refusal", "seen_problems"]


def carry_hidden(before: Plan, data: Mapping[str, Any], side: str) -> dict[str, Any]:
    """``data`` (a plan's plain data that ``side`` sent, e.g. a whole list of ranges or of
    scenarios) with every value hidden from ``side`` taken from ``before``, whatever ``side``
    sent for it: the outcome of an edit never depends on whether a sent guess equals a hidden
    value (no equality oracle).

    A hidden value is carried to its place in ``data`` when that place's container is still
    there (a scenario by its name, an actuals row by its month, a plain path by its parent);
    the ranges of drivers hidden from ``side`` are the stored ones at their stored places,
    and what ``side`` sent for such a driver (or ``None``, as its view shows them) is left
    out. A hidden value whose container ``side`` removed stays removed:
    :func:`hidden_refusal` then refuses the change for what it deletes, never for a value."""
    out = copy.deepcopy(dict(data))
    private = hidden_from(before, side)
    economics_hidden = not sees_vendor_economics(before, side)
    if not private and not economics_hidden:
        return out
    old = before.to_data()
    hidden: list[str] = []
    _mask(old, "", private, economics_hidden, hidden)
    if any(_is_uncertainty_entry(h) for h in hidden) and isinstance(out.get("uncertainty"), list):
        out["uncertainty"] = _carried_ranges(
            old.get("uncertainty") or [], out["uncertainty"], private
        )
    renamed = _renamed_scenarios(old, out)
    for place in hidden:
        if _is_uncertainty_entry(place):
            continue
        _carry(out, old, place, renamed)
    return out


def _renamed_scenarios(stored: Mapping[str, Any], sent: Mapping[str, Any]) -> dict[str, str]:
    """The scenarios ``sent`` renames, ``{new name: old name}``: a scenario at the same place
    of a list as long as the stored one, whose name is new and whose old name is gone. Read
    from the names alone, which every side sees: a renamed scenario keeps the values hidden
    in it, whatever they are."""
    old_list, new_list = stored.get("scenarios"), sent.get("scenarios")
    if not isinstance(old_list, list) or not isinstance(new_list, list):
        return {}
    if len(old_list) != len(new_list):
        return {}
    names = [
        [s.get("name") if isinstance(s, Mapping) else None for s in rows]
        for rows in (old_list, new_list)
    ]
    return {
        str(new): str(old)
        for old, new in zip(*names, strict=True)
        if isinstance(old, str)
        and isinstance(new, str)
        and old != new
        and new not in names[0]
        and old not in names[1]
    }


def _stored_name(name: Any, renamed: Mapping[str, str]) -> Any:
    """A scenario's name as stored: the old one of a scenario ``renamed``."""
    return renamed.get(name, name) if isinstance(name, str) else name


def _with_old_names(sent: Mapping[str, Any], renamed: Mapping[str, str]) -> dict[str, Any]:
    """``sent`` with the scenarios it renames under their stored names again (to compare the
    values hidden in them)."""
    out = dict(sent)
    out["scenarios"] = [
        {**s, "name": _stored_name(s.get("name"), renamed)} if isinstance(s, Mapping) else s
        for s in sent.get("scenarios") or []
    ]
    return out


def _carried_ranges(
    stored: Sequence[Any], sent: Sequence[Any], private: Sequence[str]
) -> list[Any]:
    """The ranges ``sent`` with the stored ranges of hidden drivers at their stored places."""

    def hidden_driver(entry: Any) -> bool:
        path = str(entry.get("path", "")) if isinstance(entry, dict) else ""
        return any(overlaps(path, p) for p in private)

    kept = {i: e for i, e in enumerate(stored) if hidden_driver(e)}
    shown = [e for e in sent if e is not None and not hidden_driver(e)]
    out: list[Any] = []
    while shown or kept:
        index = len(out)
        if index in kept:
            out.append(kept.pop(index))
        elif shown:
            out.append(shown.pop(0))
        else:
            out.extend(kept.pop(i) for i in sorted(kept))
    return out


def _carry(
    out: dict[str, Any], old: Mapping[str, Any], place: str, renamed: Mapping[str, str]
) -> None:
    """Set the hidden value at ``place`` of ``old`` at its place in ``out`` (see
    :func:`carry_hidden`), when that place's container is in ``out`` (a scenario under its
    name, or the one ``renamed`` gives it)."""
    parts = place.split(".")
    if parts[0] == "notes" and len(parts) > 1:
        # a note is keyed by its plan path, dots and all: not a place lookup finds
        notes, stored = out.get("notes"), old.get("notes")
        if isinstance(notes, dict) and isinstance(stored, dict):
            path = place.removeprefix("notes.")
            notes[path] = copy.deepcopy(stored.get(path))
        return
    value = copy.deepcopy(_value_at(old, place))
    key = _set_key(place)
    if key is not None:
        name = lookup(old, f"scenarios.{parts[1]}.name")
        for scenario in out.get("scenarios") or []:
            if not isinstance(scenario, dict):
                continue
            if _stored_name(scenario.get("name"), renamed) == name:
                entries = scenario.get("set")
                if isinstance(entries, dict):
                    entries[key] = value
        return
    if parts[0] == "actuals" and len(parts) == 3:
        month = lookup(old, f"actuals.{parts[1]}.month")
        for row in out.get("actuals") or []:
            if isinstance(row, dict) and row.get("month") == month:
                row[parts[2]] = value
        return
    parent = lookup(out, ".".join(parts[:-1])) if len(parts) > 1 else out
    last = parts[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        parent[int(last)] = value


def hidden_refusal(before: Plan, after: Plan | Mapping[str, Any], side: str) -> str | None:
    """Why ``side`` may not make the change from ``before`` to ``after`` (a plan or its plain
    data, validated or not): it would change, add or delete a value hidden from it (e.g.
    delete the range of the other side's private driver by saving the list of ranges).
    ``None`` when it leaves them all as they were."""
    if side == "vendor" and not hidden_from(before, side):
        return None
    stored = before.to_data()
    sent = after.to_data() if isinstance(after, Plan) else after
    renamed = _renamed_scenarios(stored, sent)
    if renamed:
        sent = _with_old_names(sent, renamed)
    old = hidden_values(before, stored, side)
    moved = _moved_hidden(stored, sent, list(old))
    if moved:
        return f"{moved} is private to the other side: it cannot be changed, added or deleted"
    new = hidden_values(before, sent, side)
    if old == new:
        return None
    changed = sorted(k for k in old.keys() | new.keys() if k not in old or k not in new)
    changed += sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
    return f"{changed[0]} is private to the other side: it cannot be changed, added or deleted"


def _moved_hidden(
    stored: Mapping[str, Any], sent: Mapping[str, Any], hidden: Sequence[str]
) -> str | None:
    """The first hidden place in a list of rows (``resources.0.annual_cost``) that a change
    of the list's length would move to another row or delete, ``None`` if there is none.

    A hidden value is carried by its place, so it stays right only in the rows before the
    first row added or removed: a hire deleted before the row of a private cost would hand
    that cost to the next hire. Which rows the change keeps is read from the values the
    side sees, so the answer depends on nothing hidden from it."""
    for place in hidden:
        parts = place.split(".")
        at = next((i for i, part in enumerate(parts) if part.isdigit()), None)
        if at is None or parts[0] == "notes":
            continue
        container = ".".join(parts[:at])
        old_rows, new_rows = lookup(stored, container), lookup(sent, container)
        if not isinstance(old_rows, list) or not isinstance(new_rows, list):
            continue
        if len(old_rows) == len(new_rows):
            continue  # cells edited in place: every row keeps its place
        if int(parts[at]) >= _first_changed_row(old_rows, new_rows, container, hidden):
            return place
    return None


def _first_changed_row(
    old_rows: Sequence[Any], new_rows: Sequence[Any], container: str, hidden: Sequence[str]
) -> int:
    """The first row where ``new_rows`` differ from ``old_rows`` in what is not hidden."""

    def seen(row: Any, index: int) -> Any:
        if not isinstance(row, Mapping):
            return row
        prefix = f"{container}.{index}."
        covered = {h[len(prefix) :].split(".")[0] for h in hidden if h.startswith(prefix)}
        return {k: v for k, v in row.items() if k not in covered}

    for index, (old, new) in enumerate(zip(old_rows, new_rows, strict=False)):
        if seen(old, index) != seen(new, index):
            return index
    return min(len(old_rows), len(new_rows))


MONTH_BOUNDED: frozenset[str] = frozenset(
    pattern.rpartition(".")[2] for pattern in catalogue.horizon_bounded()
)
"""Names of the fields the plan keeps within its horizon (``months``), from the catalogue
(``start_month``, ``ramp_months``, ``month``, ``latest_payback_month``)."""


def _month_bounded(plan: Plan, hidden: str) -> bool:
    """Whether the hidden value at ``hidden`` holds (or is the range or scenario value of) a
    month number the horizon bounds."""
    parts = hidden.split(".")
    if parts[0] in ("resources", "investments", "hurdles", "actuals"):
        return parts[-1] in MONTH_BOUNDED or len(parts) <= 2  # the field, or a whole item
    if _is_record(".".join(parts[:3])):  # a hire's or an investment's month as committed
        return parts[-1] in MONTH_BOUNDED or len(parts) <= 3
    key = _set_key(hidden) or ""
    if key:
        return key.rpartition(".")[2] in MONTH_BOUNDED
    if _is_uncertainty_entry(hidden):
        entry = lookup(plan.to_data(), hidden)
        driver = str(entry.get("path", "")) if isinstance(entry, dict) else ""
        return driver.rpartition(".")[2] in MONTH_BOUNDED
    return False


def _horizon(data: Mapping[str, Any]) -> float:
    """The shortest horizon of a plan's data and its scenarios (a scenario may set ``months``);
    a horizon that is no number counts as shortened to nothing."""
    lengths: list[float] = []
    base = data.get("months")
    for value in [base] + [
        (s.get("set") or {}).get("months", base) if isinstance(s, dict) else base
        for s in data.get("scenarios") or []
    ]:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        lengths.append(float(value) if ok else 0.0)  # type: ignore[arg-type]
    return min(lengths)


def horizon_refusal(before: Plan, after: Mapping[str, Any], side: str) -> str | None:
    """Why ``side`` may not make ``after`` (a plan's plain data, not yet validated) of
    ``before`` when it shortens the plan (or a scenario): a value hidden from it is bounded
    by the horizon (a hire's start, the other side's latest payback). Whether it would still
    fit depends on that value, so the answer may not: whoever keeps it shortens the plan (or
    accepts a proposal to). ``None`` when the change shortens nothing or nothing hidden is
    bounded; the outcome depends on what is hidden, never on the hidden values."""
    if _horizon(after) >= _horizon(before.to_data()):
        return None
    if not any(_month_bounded(before, h) for h in view(before, side).hidden):
        return None
    return f"months: shortening the plan (a month within the plan) {HIDDEN_CONFLICT}"


def seen_problems(plan: Plan, problems: Sequence[Any], side: str) -> tuple[list[Any], bool]:
    """The problems of a change ``side`` may be told (those at values it sees), and whether
    any other stood against it. A problem's path may carry a scenario's context
    (``scenarios.<name>.<path>``): it is judged by the path inside."""
    shown = view(plan, side)
    names = [s.name for s in plan.scenarios]
    told, hidden = [], False
    for problem in problems:
        path = str(getattr(problem, "path", "") or "")
        inner = path
        for name in names:
            if path.startswith(f"scenarios.{name}."):
                inner = path.removeprefix(f"scenarios.{name}.")
                break
        if path and (shown.is_hidden(path) or shown.is_hidden(inner)):
            hidden = True
        else:
            told.append(problem)
    return told, hidden
