"""Which version of an editable table a person saw when they began editing a cell of it.

A table keeps showing someone else's change while a cell of it is being typed in, and the edit
of that cell is checked against the table as it was when the typing began (a change of that
very cell meanwhile is a conflict). Streamlit's table tells the server only the typed value,
not when its editor opened; this small browser component (``assets/table_seen.js``) does: when
a cell editor of the table opens while the page shows a newer table than the one its edits are
checked against, it sends one "seen" event naming the table shown. The person begins on what
they see, so their edit is checked against that. It writes nothing; an editor that was already
open when the change arrived sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import streamlit as st

ASSETS = Path(__file__).parent / "assets"


def script(*names: str) -> str:
    """The browser script of a page component: the files ``names`` of :data:`ASSETS`, in this
    order (a shared helper first, e.g. ``table_before.js``)."""
    return "".join((ASSETS / name).read_text(encoding="utf-8") for name in names)


SEEN = "seen"
"""The event a cell editor opening on a newer table arrives as."""


@cache
def _component() -> Any:
    return st.components.v2.component(
        "plan_table_seen",
        js=script("table_before.js", "table_seen.js"),
        isolate_styles=False,
    )


def seen_token(key: str) -> str | None:
    """The table a person began editing on, when this run carries the event (the component
    keyed ``key``); None otherwise (never raises: the payload comes from the browser)."""
    found = st.session_state.get(key)
    payload = found.get(SEEN) if isinstance(found, dict) else None
    token = payload.get("token") if isinstance(payload, dict) else None
    return token[:200] if isinstance(token, str) else None


def marker(key: str, token: str, base: str, on_seen: Callable[[], None]) -> None:
    """Right after a table: tell the server (``on_seen``, before the run) when a cell editor
    of it opens while it shows ``token`` and its edits are checked against ``base``."""
    _component()(key=key, data={"token": token, "base": base}, on_seen_change=on_seen)
