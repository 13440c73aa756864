"""Refused files said in the UI language (``ui.refusal.<key>``, planner/locales/refusal.yaml).

The readers refuse a file with one English line for the command line (:mod:`planner.limits`,
:mod:`planner.analysis.actuals`); the error carries a ``key`` and ``params`` besides, from which
a page says the same in the reader's language: numbers grouped the reader's way, a monthly
column by its label. A refusal of :mod:`planner.limits` is a predicate, said after the file's
name. An error without a key, or with a key that has no text, is shown as its message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from planner import i18n, limits
from planner.plan import Problem
from planner.ui import state
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
