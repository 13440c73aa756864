"""Enter or Tab pressed right after a table cell's last character still saves the cell.

Streamlit's table takes a cell's value from its editor as last drawn when Enter or Tab leaves
the cell; a key that follows the last character within a few milliseconds left the cell
unsaved, without a word. This small browser component (``assets/grid_keys.js``), drawn below
every editable table, holds such a key until the editor has caught up (50 ms at most). It
sends nothing to the server.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import streamlit as st

ASSETS = Path(__file__).parent / "assets"


@cache
def _component() -> Any:
    return st.components.v2.component(
        "plan_grid_keys",
        js=(ASSETS / "grid_keys.js").read_text(encoding="utf-8"),
        isolate_styles=False,
    )


def keep_last_key(key: str) -> None:
    """Below an editable table (keyed ``key``, one per table on a page): its cells' last typed
    character is kept when Enter or Tab follows at once."""
    _component()(key=key, data={})
