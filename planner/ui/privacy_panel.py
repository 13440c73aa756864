"""A side's privacy settings: which of its values are private, and what that does and cannot do.

The side picks its private values; beside them the panel says, for each, whether the other side
could compute it exactly from figures it sees (:func:`planner.privacy.derivable`): those figures
are then hidden from the other side's pages and documents, or, where they are that side's own
P&L lines, the value cannot be kept from it (docs/privacy.md). The choice is one deliberate
commit carrying the version of the setting the person saw, as the sharing switch's."""

from __future__ import annotations

from typing import Any

import streamlit as st

from planner import catalogue, privacy
from planner.plan.schema import Plan
from planner.ui import collab, state
from planner.ui.text import label, tr
from planner.ui.wording import path_text

PRIVATE_KEY = "privacy.private"
"""Start of the key of the picker (``privacy.private@<side>@<version>:<language>``) and of its
refusals."""


def candidates(plan: Plan, side: str) -> list[str]:
    """The values ``side`` may keep private, in plan order: its own terms (the vendor's
    programme and hurdles; the partner's drivers, team, investments and hurdles) and whatever
    it keeps private already."""
    paths: list[str] = []
    for entry in catalogue.entries():
        pattern = entry.pattern
        if not (entry.modelled or entry.owner) or pattern.startswith("hurdles."):
            continue
        vendors = pattern.startswith("vendor_programme.")
        if (side == "vendor") != vendors or pattern == "discount_rate":
            continue
        if pattern.startswith("vendor_programme.rebate_tiers."):
            pattern = "vendor_programme.rebate_tiers"
        if pattern.endswith(".vendor_share"):
            continue  # the vendor's term inside the partner's investments
        if "*" in pattern:
            head, _, rest = pattern.partition(".*.")
            rows = len(getattr(plan, head, None) or [])
            paths += [f"{head}.{row}.{rest}" for row in range(rows)]
        elif pattern not in paths:
            paths.append(pattern)
    paths.append(f"hurdles.{side}")
    own = privacy.private_paths(plan)[side]
    return [*paths, *(p for p in own if p not in paths)]


def notes(plan: Plan, side: str) -> list[tuple[str, str]]:
    """What the panel says of the private values of ``side``, in the UI language, each with
    its weight: ``warning`` (it cannot be kept from the other side), ``info`` (figures are
    hidden for it), ``caption`` (one line naming those no figure makes exact)."""
    found = {d.path: d for d in privacy.derivable(plan, side)}
    others = tr(f"share.others_{side}")
    out, unknown = [], []
    for path in privacy.private_paths(plan)[side]:
        value = _text(path, plan)
        derivation = found.get(path)
        if derivation is None:
            unknown.append(value)
            continue
        figures = ", ".join(label(name) for name in derivation.figures)
        key = "hidden" if derivation.hidden else f"open_{side}"
        said = tr(f"share.derivable_{key}", value=value, figures=figures, others=others)
        out.append(("info" if derivation.hidden else "warning", said))
    if unknown:
        out.append(("caption", tr("share.derivable_none", value=", ".join(unknown))))
    return out


def panel(side: str, can_edit: bool, plan: Plan, *, locked: bool = False) -> None:
    """The side's private values: a picker for an editor (``locked``: shown, not changeable),
    and what each one means."""
    if side not in ("vendor", "partner"):
        return
    from planner.ui import session

    path = f"private.{side}"
    shown = list(privacy.private_paths(plan)[side])
    if can_edit:
        version = session.field_version(path)
        # the language is part of the key: the picker reports its choice by the names it
        # showed, and names of another language are no choice of the new picker
        key = f"{PRIVATE_KEY}@{side}@{version}:{state.language()}"
        options = candidates(plan, side)
        texts = {p: _text(p, plan) for p in options}
        with st.expander(tr("share.private_title", count=len(shown))):
            st.caption(tr("share.private_help"))
            st.multiselect(
                tr("share.private_pick"),
                options,
                default=shown,
                format_func=texts.__getitem__,
                key=key,
                on_change=_pick,
                args=(key, side, version, shown),
                disabled=locked or path in collab.pending_paths(),
            )
        for weight, line in notes(plan, side):
            if weight == "warning":
                st.warning(line, icon=":material/visibility:")
            elif weight == "info":
                st.info(line, icon=":material/visibility_off:")
            else:
                st.caption(line)
    found = state.errors().get(PRIVATE_KEY)
    if found:
        from planner.ui.text import problem_list

        st.error(problem_list(found))


def _text(path: str, plan: Plan) -> str:
    if path in ("hurdles.vendor", "hurdles.partner"):
        return tr("share.hurdles")
    return path_text(path, plan)


def _pick(key: str, side: str, version: int, shown: list[str]) -> None:
    """A person changed the picker that showed ``shown`` at ``version``."""
    from planner.ui import session

    wanted: list[Any] = list(st.session_state.get(key, shown))
    if wanted == shown:
        return  # the picker reports what it was built with: nobody changed it
    edits = privacy.privacy_edits(state.plan_in_force(), side, [str(p) for p in wanted])
    session.change(edits, PRIVATE_KEY, bases=dict.fromkeys(edits, version))
