"""Buttons whose click is never lost to a run another input starts.

Streamlit hands a button's click to the run it starts, as the button's value in that run.
When a second input reaches the server while that run draws the page (a table's late edit, a
component reporting, a second click), the run stops at its next element and the next one
starts with the page's values as they are now, in which no button is pressed: a click whose
run stopped before its button was drawn did nothing, and the page said nothing.

A button here notes its click in its callback, which runs at the start of the run the click
starts, before any element, and so cannot be stopped halfway. The click is then the button's
in the first run that draws the button, and is forgotten at the end of the first run that
comes to its end (:func:`forget_unanswered`): a run that did not draw the button answered it
with nothing, so a button drawn later never acts on an old click.

What a click is answered with (a refusal, a conflict) is kept the same way
(:func:`answer`, :func:`show_answer`): drawn under its button in every run that draws the
button, so neither a stopped run nor the next run (the other side's edit arriving a moment
later) takes it away before it was read, until the person clicks again or leaves it.
"""

from __future__ import annotations

from typing import Any, Literal

import streamlit as st

PRESSED = "clicks.pressed"
"""The keys of the buttons clicked and not yet answered by a run (``set[str]``)."""
ANSWERS = "clicks.answers"
"""What clicks were answered with, by button key (``{key: (kind, text)}``)."""
SHOWN = "clicks.answers_shown"
"""The keys whose answer this run drew (``set[str]``)."""


def _note(key: str) -> None:
    st.session_state.setdefault(PRESSED, set()).add(key)
    st.session_state.pop(ANSWERS, None)  # a new click: earlier answers have been read


def pressed(key: str) -> bool:
    """Whether the button ``key`` was clicked and this is the first run to answer it."""
    found: set[str] | None = st.session_state.get(PRESSED)
    if found is None or key not in found:
        return False
    found.discard(key)
    return True


def button(where: Any, label: str, key: str, **options: Any) -> bool:
    """A button in ``where`` (``st`` or a container): True in the run that answers its click
    (``options``: those of ``st.button`` but ``on_click``)."""
    where.button(label, key=key, on_click=_note, args=(key,), **options)
    return pressed(key)


def submit(label: str, key: str, **options: Any) -> bool:
    """A form's submit button: True in the run that answers its click."""
    st.form_submit_button(label, key=key, on_click=_note, args=(key,), **options)
    return pressed(key)


def answer(key: str, kind: Literal["error", "warning"], text: str) -> None:
    """Answer the click of button ``key`` with ``text`` (Markdown, the caller's escaping),
    shown by :func:`show_answer` until the person's next click or a completed run that does
    not draw the button."""
    st.session_state.setdefault(ANSWERS, {})[key] = (kind, text)


def show_answer(where: Any, key: str) -> None:
    """Draw what the click of button ``key`` was answered with, if anything (in ``where``,
    ``st`` or a container); call it after the button's handling, in every run."""
    found: dict[str, tuple[str, str]] = st.session_state.get(ANSWERS) or {}
    if key not in found:
        return
    kind, text = found[key]
    st.session_state.setdefault(SHOWN, set()).add(key)
    (where.error if kind == "error" else where.warning)(text)


def forget_unanswered() -> None:
    """At the end of a run that came to its end: clicks of buttons it did not draw are
    dropped (they were answered with nothing), and answers it did not draw (the person left
    the page) with them."""
    st.session_state.pop(PRESSED, None)
    shown: set[str] = st.session_state.pop(SHOWN, None) or set()
    found: dict[str, tuple[str, str]] = st.session_state.get(ANSWERS) or {}
    for key in [key for key in found if key not in shown]:
        del found[key]
