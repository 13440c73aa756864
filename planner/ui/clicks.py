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
"""

from __future__ import annotations

from typing import Any

import streamlit as st

PRESSED = "clicks.pressed"
"""The keys of the buttons clicked and not yet answered by a run (``set[str]``)."""


def _note(key: str) -> None:
    st.session_state.setdefault(PRESSED, set()).add(key)


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


def forget_unanswered() -> None:
    """At the end of a run that came to its end: clicks of buttons it did not draw are
    dropped (they were answered with nothing)."""
    st.session_state.pop(PRESSED, None)
