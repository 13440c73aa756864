"""Database engine and schema: SQLite by default, PostgreSQL when a URL says so.

The schema is created and upgraded by the app itself. ``schema_version`` holds one row with
the number of the last upgrade step applied; :data:`UPGRADES` lists the steps in order, each
taking the database from version ``i`` to ``i + 1``. A table, once released, is never
redefined in place: a later change is a new step (``ALTER TABLE`` or a new table), so an old
database is upgraded step by step and never broken.

SQLite runs in WAL mode with a busy timeout; a transaction opened with
:func:`write_options` starts as ``BEGIN IMMEDIATE`` so that a read-then-write cannot be
overtaken by another writer between its read and its write. On PostgreSQL the same code takes
row locks (``SELECT ... FOR UPDATE``) instead, and every write transaction sends a
notification on :data:`CHANGES_CHANNEL` that the server delivers when it commits.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    select,
    text,
)
from sqlalchemy.engine import Connection

from planner.paths import data_dir

DATABASE_URL_ENV = "PLANNER_DATABASE_URL"
DB_FILE = "planner.db"
BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for another writer's transaction (milliseconds)."""
CONNECT_TIMEOUT_SECONDS = 5
"""How long to wait for PostgreSQL to accept a connection before reporting it unreachable."""
CHANGES_CHANNEL = "planner_changes"
"""PostgreSQL: the channel every write transaction notifies as it commits (``NOTIFY``), so
that each app server's watcher (:mod:`planner.watch`) learns of a change at once."""
IMMEDIATE = "planner_immediate"
"""Execution option: start the SQLite transaction as ``BEGIN IMMEDIATE``."""

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

# --- step 1: plans, their versions and the change log ------------------------------------

plans = Table(
    "plans",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("version", Integer, nullable=False),
    Column("head_seq", Integer, nullable=False),
    Column("head_hash", String(64), nullable=False),
)

plan_versions = Table(
    "plan_versions",
    metadata,
    Column("plan_id", String(32), ForeignKey("plans.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("created_at", String(40), nullable=False),
    Column("content", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
)

changes = Table(
    "changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("plan_id", String(32), ForeignKey("plans.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("at", String(40), nullable=False),
    Column("author", String(200), nullable=False),
    Column("side", String(20), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("path", String(500), nullable=False),
    Column("old_value", Text, nullable=False),
    Column("new_value", Text, nullable=False),
    Column("reverts", Integer, nullable=True),
    Column("plan_hash", String(64), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("plan_id", "seq", name="uq_changes_plan_seq"),
)
Index("ix_changes_plan_version", changes.c.plan_id, changes.c.version)

# --- step 2: collaboration: notes, invites, presence -------------------------------------

notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("plan_id", String(32), ForeignKey("plans.id"), nullable=False),
    Column("path", String(500), nullable=False),
    Column("body", Text, nullable=False),
    Column("author", String(200), nullable=False),
    Column("side", String(20), nullable=False),
    Column("at", String(40), nullable=False),
    Column("version", Integer, nullable=False),
)
Index("ix_notes_plan", notes.c.plan_id, notes.c.path)

invites = Table(
    "invites",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("plan_id", String(32), ForeignKey("plans.id"), nullable=False),
    Column("role", String(20), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("revoked_at", String(40), nullable=True),
)
Index("ix_invites_plan", invites.c.plan_id)

presence = Table(
    "presence",
    metadata,
    Column("plan_id", String(32), ForeignKey("plans.id"), primary_key=True),
    Column("session_id", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("side", String(20), nullable=False),
    Column("role", String(20), nullable=False),
    Column("last_seen", String(40), nullable=False),
)

# --- step 3: sign-off of frozen versions (planner/signoff/records.py) ----------------------------

signoffs = Table(
    "signoffs",
    metadata,
    Column("plan_id", String(32), ForeignKey("plans.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("title", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("frozen_at", String(40), nullable=False),
    Column("frozen_by", String(200), nullable=False),
    Column("frozen_side", String(20), nullable=False),
    Column("signed_at", String(40), nullable=True),
    Column("withdrawn_at", String(40), nullable=True),
    Column("withdrawn_by", String(200), nullable=True),
)
Index("ix_signoffs_hash", signoffs.c.content_hash)

signatures = Table(
    "signatures",
    metadata,
    Column("plan_id", String(32), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("side", String(20), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("title", String(200), nullable=False),
    Column("date", String(10), nullable=False),
    Column("at", String(40), nullable=False),
    Column("entered_by", String(200), nullable=False),
    ForeignKeyConstraint(
        ["plan_id", "version"], ["signoffs.plan_id", "signoffs.version"], name="fk_signature"
    ),
)


# --- step 4: term proposals (planner/proposals.py) ---------------------------------------

proposals = Table(
    "proposals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("plan_id", String(32), ForeignKey("plans.id"), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("author", String(200), nullable=False),
    Column("side", String(20), nullable=False),
    Column("reason", Text, nullable=False),
    Column("changes", Text, nullable=False),
    Column("base_version", Integer, nullable=False),
    Column("counter_of", Integer, nullable=True),
    Column("status", String(20), nullable=False),
    Column("decided_at", String(40), nullable=True),
    Column("decided_by", String(200), nullable=True),
    Column("decided_side", String(20), nullable=True),
    Column("decision_reason", Text, nullable=True),
    Column("result_version", Integer, nullable=True),
)
Index("ix_proposals_plan", proposals.c.plan_id, proposals.c.status)


def _create(*tables: Table) -> Callable[[Connection], None]:
    def step(conn: Connection) -> None:
        for table in tables:
            table.create(conn, checkfirst=True)
            for index in table.indexes:
                index.create(conn, checkfirst=True)

    return step


UPGRADES: tuple[Callable[[Connection], None], ...] = (
    _create(plans, plan_versions, changes),
    _create(notes, invites, presence),
    _create(signoffs, signatures),
    _create(proposals),
)
"""Upgrade steps: ``UPGRADES[i]`` takes a database from schema version ``i`` to ``i + 1``."""
SCHEMA_VERSION = len(UPGRADES)


# --- engines -----------------------------------------------------------------------------


def database_url(env: Mapping[str, str] | None = None) -> str:
    """``PLANNER_DATABASE_URL``, else a SQLite file ``planner.db`` in ``PLANNER_DATA_DIR``
    (default ``data`` in the installation, :mod:`planner.paths`; created when missing)."""
    env = os.environ if env is None else env
    url = env.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    folder = data_dir(env)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataFolderError(str(folder.resolve()), error.strerror or str(error)) from error
    return f"sqlite+pysqlite:///{(folder / DB_FILE).resolve()}"


class DataFolderError(OSError):
    """The data folder (``PLANNER_DATA_DIR``) cannot be created."""

    def __init__(self, folder: str, reason: str) -> None:
        super().__init__(f"the data folder {folder} cannot be created: {reason}")
        self.folder = folder


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer version of the app."""


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and immediate write transactions."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if not url.startswith("sqlite"):
        return create_engine(
            url,
            pool_pre_ping=True,
            pool_size=10,
            max_overflow=20,
            # a server that is down or unreachable is reported within seconds, not minutes
            connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
        )
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to the "begin" hook below instead of pysqlite's own.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


def write_options() -> dict[str, Any]:
    """Execution options for a read-then-write transaction."""
    return {IMMEDIATE: True}


# --- schema upgrades ---------------------------------------------------------------------


def current_schema_version(conn: Connection) -> int:
    """The schema version of the database (0 for an empty one)."""
    if not conn.dialect.has_table(conn, "schema_version"):
        return 0
    value = conn.execute(select(schema_version.c.version).where(schema_version.c.id == 1))
    return int(value.scalar_one_or_none() or 0)


def upgrade(engine: Engine, target: int = SCHEMA_VERSION) -> int:
    """Create or upgrade the schema to ``target``; returns the version before.

    Safe when several processes start at once: SQLite serialises the immediate transactions,
    PostgreSQL an advisory lock.
    """
    with engine.connect() as conn, conn.begin():  # a read: a read-only database still opens
        found = current_schema_version(conn)
    if found > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"the database has schema version {found}, newer than this app "
            f"({SCHEMA_VERSION}): update the app"
        )
    if found >= target:
        return found
    with engine.connect().execution_options(**write_options()) as conn, conn.begin():
        if not is_sqlite(conn):
            conn.execute(text("SELECT pg_advisory_xact_lock(7310642)"))
        before = current_schema_version(conn)
        if before > SCHEMA_VERSION:
            raise SchemaTooNewError(
                f"the database has schema version {before}, newer than this app "
                f"({SCHEMA_VERSION}): update the app"
            )
        if before >= target:
            return before
        schema_version.create(conn, checkfirst=True)
        for step in UPGRADES[before:target]:
            step(conn)
        if before == 0:
            conn.execute(schema_version.insert().values(id=1, version=target))
        else:
            conn.execute(
                schema_version.update().where(schema_version.c.id == 1).values(version=target)
            )
        return before
