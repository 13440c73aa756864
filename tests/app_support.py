"""Helpers for AppTest: the input of a plan value, found by its field whatever version it shows.

Inputs are keyed ``field:<path>@<version>:<language>:<resets>`` (``planner.ui.fields``), so a
test names the field, not the key.
"""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest

from planner.ui import state


def field(app: AppTest, path: str) -> Any:
    """The input of plan value ``path`` on the page (text input, toggle or select box)."""
    prefix = state.field_key(path) + "@"
    for kind in (app.text_input, app.toggle, app.selectbox):
        for widget in kind:
            if (widget.key or "").startswith(prefix):
                return widget
    raise KeyError(f"no input for {path} on the page")


def type_into(app: AppTest, path: str, text: str) -> AppTest:
    """A person types ``text`` into the input of ``path`` and leaves it (one run)."""
    field(app, path).set_value(text).run()
    return app


def named(app: AppTest, name: str = "Vera") -> AppTest:
    """The session's person has entered their name (every change is recorded with one)."""
    from planner.ui import collab

    app.session_state[collab.NAME] = name
    return app
