"""Database faults in the app: a database that stops mid-session (PostgreSQL), turns read-only
or fills its disk, a corrupt ``planner.db``, a data folder that cannot be made. The page says
what failed and how to fix it in the UI language, never goes blank or shows a traceback, and
the edit that could not be saved is kept for "Save again"."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from streamlit.testing.v1 import AppTest

from planner import i18n
from planner.store import Store, database_url
from planner.store.db import make_engine
from planner.store.faults import classify, location
from planner.ui import collab, session, state
from tests.app_support import local_app, named, type_into
from tests.factories import ROOT
from tests.store_support import BACKENDS, database_for

DEAL = "revenue.deal_size"
BOUND = 20.0
"""Seconds within which a page with a failed database must be drawn (connecting to a closed
port fails at once; the bound is a safety net against hanging, not a measurement)."""


def text(key: str, **values: Any) -> str:
    return i18n.t(f"ui.{key}", "de", **values)


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def stopped_postgres() -> str:
    return f"postgresql+psycopg://planner@127.0.0.1:{closed_port()}/planner"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    with local_app(tmp_path, monkeypatch):
        yield monkeypatch


def open_app(page: str = "dashboard") -> AppTest:
    start = time.perf_counter()
    app = named(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)).run()
    if page != "dashboard" and not app.exception and not app.error:
        app.switch_page(f"planner/ui/pages/{page}.py").run()
    assert time.perf_counter() - start < BOUND
    assert not app.exception, [e.message for e in app.exception]
    return app


def fault_page(app: AppTest) -> str:
    """The fault page's message (title and one error), or fail."""
    assert not app.exception, [e.message for e in app.exception]
    assert [t.value for t in app.title] == [text("fault.title")]
    (error,) = app.error
    return unescape(error.value)


# --- at start ----------------------------------------------------------------------------------


def test_a_corrupt_database_says_where_it_is_and_how_to_restore_it(
    env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    damaged = tmp_path / "planner.db"
    damaged.write_bytes(b"not a database, a few bytes of something else\n" * 200)
    message = fault_page(open_app())
    assert message.startswith(text("fault.corrupt", where=str(damaged)))
    assert "planner.db-wal" in message
    assert ".recover" in message
    assert damaged.read_bytes().startswith(b"not a database")  # left as it was, for rescue


def test_a_postgres_that_is_down_at_start_is_named_without_its_password(
    env: pytest.MonkeyPatch,
) -> None:
    port = closed_port()
    env.setenv("PLANNER_DATABASE_URL", f"postgresql+psycopg://planner:s3cret@127.0.0.1:{port}/db")
    message = fault_page(open_app())
    assert message.startswith(text("fault.unreachable", where=f"127.0.0.1:{port}/db"))
    assert "s3cret" not in message


def test_a_data_folder_that_cannot_be_made_is_named(
    env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way", encoding="utf-8")
    env.setenv("PLANNER_DATA_DIR", str(blocker / "data"))
    message = fault_page(open_app())
    assert message.startswith(text("fault.folder", where=str(blocker / "data")))


def test_the_language_of_the_fault_is_the_sessions(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    app = open_app()
    app.selectbox(key=state.LANGUAGE).set_value("en").run()
    (tmp_path / "planner.db").unlink()
    for extra in ("planner.db-wal", "planner.db-shm"):
        (tmp_path / extra).unlink(missing_ok=True)
    collab.store.clear()
    (tmp_path / "planner.db").write_bytes(b"garbage" * 1000)
    app.run()
    assert app.title[0].value == i18n.t("ui.fault.title", "en")
    assert "The database file is damaged" in app.error[0].value


# --- mid-session -------------------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, env: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[str]:
    """The app's database on ``sqlite`` (the data folder) or ``postgres`` (a fresh database)."""
    if request.param == "sqlite":
        yield "sqlite"
        return
    for url in database_for("postgres", tmp_path):
        env.setenv("PLANNER_DATABASE_URL", url)
        try:
            yield "postgres"
        finally:
            collab.store.clear()  # its connections closed before the database is dropped


def stop(store: Store) -> Callable[[], None]:
    """The database stops answering (its server is gone: connections are refused); returns
    how to start it again."""
    running = store.engine
    store.engine.dispose()
    store.engine = make_engine(stopped_postgres())

    def start_again() -> None:
        store.engine.dispose()
        store.engine = running

    return start_again


def test_a_database_stopped_mid_session_keeps_the_edit_for_save_again(backend: str) -> None:
    app = open_app("assumptions")
    store = collab.store()
    plan_id = app.session_state[session.PLAN_ID]
    type_into(app, DEAL, "38.000")
    assert store.plan_at(plan_id).revenue.deal_size == 38000

    start_again = stop(store)
    started = time.perf_counter()
    type_into(app, DEAL, "45.000")
    assert time.perf_counter() - started < BOUND
    # the page: what failed, where, how to fix it, and the kept edit; no traceback
    message = fault_page(app)
    # named as configured (the data folder's file or PLANNER_DATABASE_URL, no password)
    assert message.startswith(text("fault.unreachable", where=location(database_url())))
    (kept,) = app.warning
    assert text("fault.kept") in kept.value
    assert "45.000" in unescape(kept.value)
    pending = app.session_state[state.PENDING]
    assert dict(pending.changes) == {DEAL: 45000}

    app.button(key="fault.page.retry").click().run()  # still down: kept again
    assert fault_page(app)
    assert dict(app.session_state[state.PENDING].changes) == {DEAL: 45000}

    start_again()
    app.button(key="fault.page.retry").click().run()
    assert not app.exception
    assert store.plan_at(plan_id).revenue.deal_size == 45000
    assert state.PENDING not in app.session_state
    assert not app.error
    (change,) = store.log(plan_id, since_version=2)
    assert (change.path, change.new, change.author) == (DEAL, 45000, "Vera")


def refuse_writes(store: Store, pragma: str) -> Callable[[], None]:
    """Every new SQLite connection runs ``pragma`` (making writes fail as a read-only file or a
    full disk does); returns how to undo it."""

    def on_connect(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute(pragma)
        cursor.close()

    event.listen(store.engine, "connect", on_connect)
    store.engine.dispose()

    def undo() -> None:
        event.remove(store.engine, "connect", on_connect)
        store.engine.dispose()

    return undo


@pytest.mark.parametrize(
    ("pragma", "kind"),
    [("PRAGMA query_only = ON", "read_only"), ("PRAGMA max_page_count = 1", "full")],
    ids=["read-only", "disk-full"],
)
def test_a_database_that_takes_no_writes_keeps_the_page_and_the_edit(
    env: pytest.MonkeyPatch, tmp_path: Path, pragma: str, kind: str
) -> None:
    app = open_app("assumptions")
    store = collab.store()
    plan_id = app.session_state[session.PLAN_ID]
    version = store.version(plan_id)
    undo = refuse_writes(store, pragma)
    type_into(app, DEAL, "45.000")
    assert not app.exception
    # the page is still there (reads work), with the fault above it and under the field
    assert [t.value for t in app.title] != [text("fault.title")]
    errors = [unescape(e.value) for e in app.error]
    where = str(tmp_path / "planner.db")
    assert any(
        text("fault.not_saved", reason=text(f"fault.{kind}", where=where)) in e for e in errors
    ), errors
    assert any(text("fault.not_saved_here") in e for e in errors)
    assert store.version(plan_id) == version  # nothing half-written
    assert dict(app.session_state[state.PENDING].changes) == {DEAL: 45000}

    undo()
    app.button(key="fault.panel.retry").click().run()
    assert store.plan_at(plan_id).revenue.deal_size == 45000
    assert state.PENDING not in app.session_state
    assert not app.error


def test_an_edit_kept_can_be_discarded(env: pytest.MonkeyPatch) -> None:
    app = open_app("assumptions")
    store = collab.store()
    plan_id = app.session_state[session.PLAN_ID]
    undo = refuse_writes(store, "PRAGMA query_only = ON")
    type_into(app, DEAL, "45.000")
    undo()
    app.button(key="fault.panel.discard").click().run()
    assert state.PENDING not in app.session_state
    assert store.plan_at(plan_id).revenue.deal_size == 42000
    assert not app.error


def test_faults_are_told_apart_by_the_drivers_words(tmp_path: Path) -> None:
    import sqlite3

    from sqlalchemy.exc import DatabaseError, OperationalError

    db = f"sqlite+pysqlite:///{tmp_path / 'planner.db'}"

    def wrapped(kind: type[Exception], words: str) -> Exception:
        return kind("statement", {}, sqlite3.OperationalError(words))  # type: ignore[call-arg]

    assert classify(wrapped(DatabaseError, "file is not a database"), db).kind == "corrupt"
    assert classify(wrapped(OperationalError, "database or disk is full"), db).kind == "full"
    assert (
        classify(wrapped(OperationalError, "attempt to write a readonly database"), db).kind
        == "read_only"
    )
    assert classify(wrapped(OperationalError, "something new"), db).kind == "other"
    assert classify(wrapped(OperationalError, "x"), db).where == str(tmp_path / "planner.db")
    pg = "postgresql+psycopg://u:pw@db.example.org:5433/plans"
    refused = wrapped(
        OperationalError,
        'connection failed: connection to server at "10.0.0.5", '
        "port 5433 failed: Connection refused",
    )
    assert classify(refused, pg) == classify(refused, pg)
    assert (classify(refused, pg).kind, classify(refused, pg).where) == (
        "unreachable",
        "db.example.org:5433/plans",
    )
