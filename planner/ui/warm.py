"""Done once per app server, before its first page is drawn: import what the pages use and take
those long-lived objects out of the garbage collector's way.

Streamlit collects garbage in full after every script run (``runner.postScriptGC``), holding
the interpreter while it does. With numpy, pandas, altair, pydantic, SQLAlchemy and the app
loaded that is about 95 ms of CPU per run on a quiet core (seconds on a loaded machine), and a
page's last messages, its key figures among them, wait for it. The modules' objects live as
long as the process; :func:`gc.freeze` moves them into the permanent generation, so each
collection after a run only scans what runs made since (a session's garbage is still
collected). Freezing happens at the start of the first run, so of the sessions' objects only
that first session's few are kept out of collection (freed still when no longer referenced).
"""

from __future__ import annotations

import gc
import importlib
import threading

PAGE_MODULES = (
    "planner.ui.widgets",  # pandas, and the charts' altair
    "planner.ui.fields",
    "planner.ui.signoff_panel",
    "planner.ui.proposals_panel",
    "planner.ui.history",
)
"""What the dashboard and the assumptions page import (the pages a join link opens on)."""

_lock = threading.Lock()
_done = False


def served() -> bool:
    """Whether this process is an app server (not a test running the pages in its own
    process: an AppTest puts a stand-in for the server's runtime in place while it runs)."""
    from streamlit.runtime import Runtime

    return Runtime.exists() and type(Runtime.instance()) is Runtime


def once() -> bool:
    """In an app server: import :data:`PAGE_MODULES`, collect and freeze what is alive, the
    first time it is called; True that time, False after (and outside a server)."""
    global _done
    with _lock:
        if _done or not served():
            return False
        for name in PAGE_MODULES:
            importlib.import_module(name)
        gc.collect()
        gc.freeze()
        _done = True
        return True
