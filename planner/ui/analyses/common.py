"""What every view of the analyses page shares: the side's view of the plan in force
(:func:`here`), labels and formats of drivers and figures, the page's widget keys and the
one way its views change the plan (:func:`edit`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from planner import i18n
from planner.analysis import AnalysisError
from planner.analysis.drivers import drivers
from planner.analysis.figures import ANALYSIS_FIGURES
from planner.model import MONTH_FIGURES
from planner.plan.schema import Plan, PlanError
from planner.privacy import PlanView, hidden_figures
from planner.ui import collab, entries, session, state, viewer
from planner.ui.text import figure, label, months_delta, plain, tr


@dataclass(frozen=True)
class Here:
    """The plan in force as this run's side sees it: what every view of the page reads."""

    plan: Plan
    language: str
    revision: int
    who: viewer.Viewer
    view: PlanView
    hidden: frozenset[str]
    """Figures of the vendor's economics (and the verdict built on them), for a side that does
    not see them."""
    shown: list[str]
    """The analysis figures this side sees."""


HERE = "analyses.here"


def here() -> Here:
    """The plan in force as this session's side sees it, built once per plan, language and
    viewer (kept in the session: never shared between two people's runs)."""
    plan = state.plan_in_force()
    language = state.language()
    revision = int(st.session_state[state.REVISION])
    who = viewer.current()
    found: Here | None = st.session_state.get(HERE)
    if (
        found is None
        or found.plan is not plan
        or (found.language, found.revision, found.who) != (language, revision, who)
    ):
        hidden = frozenset(hidden_figures(plan, who.side))
        found = Here(
            plan=plan,
            language=language,
            revision=revision,
            who=who,
            view=who.view(plan),
            hidden=hidden,
            shown=[f for f in ANALYSIS_FIGURES if f not in hidden],
        )
        st.session_state[HERE] = found
    return found


PERCENT_FIGURES = frozenset({"irr", "roi", "value_share"})
OPS = (">=", "<=")
# Comments, not docstrings, below: a bare string in a page script would be shown on the page.
CHART_BARS = 12  # tornado bars drawn; the table lists every driver that moves the figure
UI_MAX_DRAWS = 100_000  # most draws one click may ask for in the app
DEFAULT_SEED = 1

# Widget and result keys of this page.
SCENARIO_SIDE = "analyses.compare.side"
NEW_NAME = "analyses.scenario.new_name"
COPY_NAME = "analyses.scenario.copy_name"
COPY_FROM = "analyses.scenario.copy_from"
MANAGE_CHOICE = "analyses.scenario.choice"
RENAME_TO = "analyses.scenario.rename_to"
KEEP_BASE = "analyses.scenario.keep_base"
SCENARIO_ERRORS = "analyses.scenario"
TORNADO_FIGURE = "analyses.tornado.figure"
TORNADO_STEP = "analyses.tornado.step"
GOAL_DRIVER = "analyses.goal.driver"
GOAL_FIGURE = "analyses.goal.figure"
GOAL_OP = "analyses.goal.op"
GOAL_TARGET = "analyses.goal.target"
GOAL_RESULT = "analyses.goal.result"
GOAL_ERRORS = "analyses.goal"
MC_DRAWS = "analyses.mc.draws"
MC_SEED = "analyses.mc.seed"
MC_RESULT = "analyses.mc.result"
MC_ERRORS = "analyses.mc"
RANGE_ERRORS = "analyses.uncertainty"
ZONE_X = "analyses.zone.x"
ZONE_Y = "analyses.zone.y"
ZONE_ERRORS = "analyses.zone"
CHOICES = (COPY_FROM, GOAL_DRIVER, GOAL_FIGURE, TORNADO_FIGURE, ZONE_X, ZONE_Y)
# The page's choice boxes whose options read in the UI language (:func:`choices_in_language`).
CHOICES_LANGUAGE = "analyses.choices_language"


def choices_in_language() -> None:
    """After a switch of the UI language, the page's choice boxes (:data:`CHOICES`) show
    their choice in the new language, and keep it.

    A choice box holds its choice as the label it showed ("Basisplan"): Streamlit sends its
    options in the new language but leaves the box with the old label, which the next run
    finds among no option and answers with the box's first option, the choice lost. Given
    its choice again before it is drawn (read with the old labels), the box is sent the new
    label of it. Called before the page draws a choice box."""
    language = here().language
    drawn = st.session_state.get(CHOICES_LANGUAGE)
    st.session_state[CHOICES_LANGUAGE] = language
    if drawn is None or drawn == language:
        return
    for key in CHOICES:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


# --- labels and formats ----------------------------------------------------------------------


def driver_kind(path: str) -> str:
    """How a driver's value is entered and shown: money, percent, count, month or integer."""
    return entries.kind_of(path)


def driver_label(path: str) -> str:
    """A driver as the meeting names it: ``Account Manager (1) · FTE``."""
    parts = path.split(".")
    if not any(part.isdigit() for part in parts):
        return label(path)
    index = next(i for i, part in enumerate(parts) if part.isdigit())
    number, name = int(parts[index]), parts[-1]
    if parts[0] == "resources":
        owner = tr(
            "analyses.driver_item", name=here().plan.resources[number].role, number=number + 1
        )
    elif parts[0] == "investments":
        owner = here().plan.investments[number].name
    else:
        owner = tr("analyses.tier", number=number + 1)
    return f"{owner} · {label(name)}"


def driver_value(path: str, value: float | None) -> str:
    """A driver value in its unit, formatted for the UI language."""
    kind = driver_kind(path)
    if kind == "money":
        return i18n.money(value, here().plan.currency, here().language)
    if kind == "percent":
        return i18n.percent(value, here().language, 2)
    if kind == "count":
        return i18n.number(value, here().language, 2)
    return i18n.number(value, here().language)


def figure_label(name: str) -> str:
    """``Partner · Kapitalwert (NPV)`` for ``partner.npv``."""
    side, _, short = name.partition(".")
    return f"{label(side)} · {label(short)}"


def figure_text(name: str, value: float | None) -> str:
    """A figure (``side.name``) formatted: money, percent or a plan month."""
    return figure(name.partition(".")[2], value, here().plan)


def plain_figure(name: str, value: float | None) -> str:
    """A figure value for tables and chart axes: month figures as plan month numbers."""
    short = name.partition(".")[2]
    if short in MONTH_FIGURES:
        return i18n.number(value, here().language)
    return figure(short, value, here().plan)


def signed(name: str, difference: float | None) -> str:
    """A difference to the base: ``+12.000 €``, ``-3 Monate``, ``+1,5 %-Punkte``."""
    if difference is None:
        return i18n.MISSING
    short = name.partition(".")[2]
    sign = "+" if difference > 0 else ""
    if short in MONTH_FIGURES:
        return months_delta(difference)
    if short in PERCENT_FIGURES:
        points = sign + i18n.number(difference * 100, here().language, 1)
        return tr("figure.points_delta", points=points)
    return sign + i18n.money(difference, here().plan.currency, here().language)


def edit(
    build: Callable[[], Plan],
    error_key: str,
    notice: str,
    bases: Mapping[str, int] | None = None,
    **values: Any,
) -> bool:
    """Make the plan ``build()`` returns the plan in force, or note why not.

    The change is handed to :func:`session.change` as the top-level parts that differ, so it is
    validated, saved and undoable like any edit of the assumptions; ``bases``: the version of
    a part the person saw (a form's), else the one this run shows.
    """
    found = state.errors()
    try:
        changed = build()
    except (PlanError, AnalysisError) as error:
        problems = error.problems if isinstance(error, PlanError) else [error]
        found[error_key] = [str(problem) for problem in problems]
        return False
    before, after = state.plan_in_force().to_data(), changed.to_data()
    parts = {
        k: after.get(k) for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)
    }
    if parts and not session.change(parts, error_key, bases=bases):
        return False
    session.notify(notice, **{k: plain(str(v)) for k, v in values.items()})
    return True


def driver_paths() -> list[str]:
    """The plan's numeric drivers, in plan order (computed once per plan revision)."""
    return session.memo(
        "analyses:drivers", lambda: [d.path for d in drivers(here().plan, here().who.side)]
    )


def driver_label_safe(path: str) -> str:
    """A driver's label, or its path if the plan has no such item any more."""
    try:
        return driver_label(path)
    except (IndexError, KeyError):
        return path


FORM_BASES = "analyses.form_bases"
"""Form name -> :class:`FormBase`: what a form of this page shows while someone else changes
the part of the plan it edits."""


@dataclass(frozen=True)
class FormBase:
    """A form's part of the plan as the person last saw it drawn anew."""

    plan_id: str | None
    version: int
    """The version of the part: the base its save is written against."""
    data: Any
    """What the form shows of it (kept, so the form's table stays the one being typed in)."""


def form_base(
    name: str,
    path: str,
    build: Callable[[], Any],
    stale: str = "analyses.form_stale",
    latest: str = "analyses.form_latest",
) -> FormBase:
    """What form ``name`` over plan part ``path`` shows (``build()`` of the plan in force when
    taken) and the version its save is based on (``stale``, ``latest``: the texts that say the
    part changed and offer it).

    What is typed into a form reaches the server only with its submit, so a form cannot know
    whether someone is typing in it: it keeps the part as it was when the person last saved or
    asked for the changed one, and with it its widget key and data, so a change by someone
    else neither rebuilds it nor discards what was typed (the page says the part changed, and
    saving it is a conflict to decide). A change of the part by this session (an undo) is
    taken at once."""
    bases: dict[str, FormBase] = st.session_state.setdefault(FORM_BASES, {})
    current = session.field_version(path)
    found = bases.get(name)
    mine = current in st.session_state.get(collab.OWN, set())
    if found is None or found.plan_id != session.plan_id() or (found.version != current and mine):
        found = FormBase(session.plan_id(), current, build())
        bases[name] = found
    elif found.version != current:
        st.info(tr(stale), icon=":material/sync:")
        st.button(tr(latest), key=f"{name}.latest", on_click=forget_form, args=(name,))
    return found


def forget_form(name: str) -> None:
    """Show form ``name`` over its part as it is now (after a save, a conflict, or when asked)."""
    st.session_state.get(FORM_BASES, {}).pop(name, None)


def saved_or_overtaken(name: str, path: str, written: bool) -> None:
    """After a save of form ``name``: written, or overtaken by someone else's change (the
    conflict card keeps what was typed), the form shows the part anew; refused, it keeps what
    was typed beside the reasons."""
    if written or path in collab.pending_paths():
        forget_form(name)
