"""Refused files said in the UI language (``ui.refusal.<key>``, planner/locales/refusal.yaml).

The readers refuse a file with one English line for the command line (:mod:`planner.limits`,
:mod:`planner.analysis.actuals`); the error carries a ``key`` and ``params`` besides, from which
a page says the same in the reader's language: numbers grouped the reader's way, a monthly
column by its label. A refusal of :mod:`planner.limits` is a predicate, said after the file's
name. An error without a key, or with a key that has no text, is shown as its message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from planner import i18n, limits
from planner.plan.schema import Plan, Problem
from planner.ui import state, wording
from planner.ui.text import tr

COLUMN_PARAMS = frozenset({"column"})
"""Params holding a column key (``revenue``), shown by its label (``Umsatz``)."""


def _shown(name: str, value: Any, language: str) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return i18n.number(value, language)
    text = str(value)
    if name in COLUMN_PARAMS and f"label.{text}" in i18n.catalog():
        return i18n.label(text, language)
    return text


def text(key: str | None, params: Mapping[str, Any], message: str) -> str:
    """The refusal ``key`` with ``params`` in the UI language; ``message`` when there is no
    text for it."""
    if not key or f"ui.refusal.{key}" not in i18n.catalog():
        return message
    language = state.language()
    values = {name: _shown(name, value, language) for name, value in params.items()}
    try:
        said = tr(f"refusal.{key}", **values)
        if key in limits.KEYS and "name" in values:
            return tr("refusal.file", name=values["name"], refusal=said)
    except (KeyError, IndexError):  # a text wanting a value the error lacks
        return message
    return said


def refusal_text(error: BaseException, name: str | None = None) -> str:
    """Why ``error`` (an :class:`~planner.analysis.AnalysisError`, a
    :class:`~planner.limits.RefusedError` or an error carrying one's key) refused a file, in
    the UI language; ``name`` is the file's name where the error does not carry it."""
    params = dict(getattr(error, "params", None) or {})
    if name is not None:
        params.setdefault("name", name)
    return text(getattr(error, "key", None), params, str(error))


def problem_text(problem: Problem) -> str:
    """One problem of a refused plan file: the refusal in the UI language where it has a key."""
    return text(problem.key, problem.params, str(problem))


def problem_line(problem: Problem, plan: Plan, changes: Mapping[str, Any] | None = None) -> str:
    """One problem of a refused edit as the page says it: the field by its label (a table's
    cell by its row: "Team: Account Manager (Zeile 2) · FTE") and what is wrong, in the UI
    language; the English line where there is no text for it. ``changes``: the refused edit
    (a list it replaces names its rows as the edit has them, not as the plan has)."""
    items = None
    for path, value in (changes or {}).items():
        if isinstance(value, list) and problem.path.startswith(path + "."):
            items = value

    said = problem.message
    if problem.key and f"ui.problem.{problem.key}" in i18n.catalog():
        values = {name: str(value) for name, value in problem.params.items()}
        if "expected" in values:
            values["expected"] = values["expected"].replace(" or ", ", ")
        try:
            said = tr(f"problem.{problem.key}", **values)
        except (KeyError, IndexError):  # a text wanting a value the problem lacks
            said = problem.message
    if not problem.path:
        return said
    return f"{wording.path_text(problem.path, plan, items)}: {said}"


STORE_REFUSALS: tuple[tuple[re.Pattern[str], str], ...] = (
    # the field may be a hidden value's place by name: scenarios[Name].set.path, names any text
    (re.compile(r"^(?P<field>.+?) is private to the other side"), "private_path"),
    (re.compile(r".*conflicts with a value the other side keeps private"), "hidden_conflict"),
    (re.compile(r"^only the vendor decides which vendor values are private$"), "vendor_privacy"),
    (re.compile(r"^only the partner decides which partner values are private$"), "partner_privacy"),
    (re.compile(r"^only the vendor decides whether to share its economics$"), "share_economics"),
    (re.compile(r"^only the (?P<side>vendor|partner) states its own hurdles"), "own_terms"),
    (re.compile(r"^only the (?P<side>vendor|partner) sets its own objectives$"), "own_objectives"),
    (re.compile(r"^the invite link this edit came through was revoked$"), "revoked"),
    (re.compile(r"^version (?P<version>\d+) is frozen for sign-off"), "frozen"),
    (re.compile(r"^the author's name must not be empty$"), "author_empty"),
    (re.compile(r"^a plan's creation cannot be reverted$"), "creation"),
    (re.compile(r"^note: must not be empty$"), "note_empty"),
    (re.compile(r"^note: is longer than (?P<limit>\d+) characters$"), "note_long"),
    (re.compile(r"^(?P<field>[\w.]+): is not a plan path$"), "not_a_path"),
)
"""The store's refusals (one English line each, for the command line and the log) and the
text a page says them with (``ui.problem.<key>``)."""


def store_refusal(message: str, plan: Plan) -> str:
    """Why the store refused a change, in the UI language: a field by its label, a side by
    its name; the English line where the refusal is not one of :data:`STORE_REFUSALS`."""
    for pattern, key in STORE_REFUSALS:
        found = pattern.match(message)
        if found is None:
            continue
        values = dict(found.groupdict())
        if "field" in values:
            values["field"] = wording.path_text(values["field"], plan)
        if "side" in values:
            values["side"] = wording.tx(f"side.{values['side']}")
        said = tr(f"problem.{key}", **values)
        return f"{values['field']}: {said}" if key == "not_a_path" else said
    return message
