"""The app server's one-time warm-up: the pages' modules loaded and kept out of the garbage
collector's full scans after every run; the source-file watch switched off."""

from __future__ import annotations

import gc
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.ui import warm

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As in an app server that has not drawn a page yet; the freeze undone afterwards."""
    monkeypatch.setattr(warm, "_done", False)
    monkeypatch.setattr(warm, "served", lambda: True)
    try:
        yield
    finally:
        gc.unfreeze()


def test_first_call_loads_the_pages_modules_and_freezes_them(fresh_process: None) -> None:
    assert warm.once() is True
    assert all(name in sys.modules for name in warm.PAGE_MODULES)
    frozen = gc.get_freeze_count()
    # every module object of the pages is now in the permanent generation: a full collection
    # no longer scans them (the count is of objects, well above the modules' number)
    assert frozen > len(sys.modules)
    scanned = {id(o) for o in gc.get_objects()}
    assert id(sys.modules["planner.ui.widgets"].__dict__) not in scanned


def test_later_calls_do_nothing(fresh_process: None) -> None:
    assert warm.once() is True
    made_later = [[n] for n in range(1000)]  # objects of a later run stay collectable
    assert warm.once() is False
    # (the frozen count itself may drop: frozen objects are still freed when unreferenced)
    collectable = {id(o) for o in gc.get_objects()}
    assert all(id(row) in collectable for row in made_later)


def test_outside_a_server_nothing_is_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warm, "_done", False)
    before = gc.get_freeze_count()
    assert warm.once() is False  # pytest is no app server
    assert gc.get_freeze_count() == before


def _page_that_warms() -> None:
    import gc

    import streamlit as st

    from planner.ui import warm

    st.caption(f"{warm.served()} {warm.once()} {gc.get_freeze_count()}")


def test_an_apptest_run_is_no_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """An AppTest runs the pages in the test's process with a stand-in runtime: nothing of
    the test process is frozen."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(warm, "_done", False)
    before = gc.get_freeze_count()
    app = AppTest.from_function(_page_that_warms).run()
    assert not app.exception
    assert [c.value for c in app.caption] == [f"False False {before}"]


def test_the_served_app_watches_no_source_files() -> None:
    # a new session's first run otherwise walks every loaded module on the server's event loop
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["runOnSave"] is False


def test_no_page_needs_streamlit_magic() -> None:
    """Magic is off (it rewrites every page before compiling, again whenever no session is
    open), and no page has a bare expression magic would have drawn: only docstrings."""
    import ast

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["magicEnabled"] is False
    scripts = [ROOT / "app.py", *sorted((ROOT / "planner" / "ui" / "pages").glob("*.py"))]
    assert len(scripts) > 5
    drawn = []
    for script in scripts:
        tree = ast.parse(script.read_text(encoding="utf-8"))
        docstring = tree.body[0] if tree.body and ast.get_docstring(tree) is not None else None
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Expr)
                and node is not docstring
                and not isinstance(node.value, ast.Call | ast.Await | ast.Yield | ast.YieldFrom)
            ):
                drawn.append(f"{script.name}:{node.lineno}")
    assert drawn == []
