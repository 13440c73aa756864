"""What went wrong with the database, in terms a person can act on.

:func:`classify` turns an error from the store (SQLAlchemy, the drivers, the data folder) into
a :class:`Fault`: its kind and where the database is (the SQLite file, or PostgreSQL's host,
port and database; never a password). The app shows it in the UI language and keeps the edit
that could not be saved; nothing here imports streamlit.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from planner.store.db import DataFolderError, SchemaTooNewError

Kind = Literal["unreachable", "read_only", "full", "corrupt", "newer", "folder", "other"]
KINDS: tuple[Kind, ...] = (
    "unreachable",
    "read_only",
    "full",
    "corrupt",
    "newer",
    "folder",
    "other",
)

FAULTS: tuple[type[BaseException], ...] = (
    SQLAlchemyError,
    sqlite3.Error,
    DataFolderError,
    SchemaTooNewError,
)
"""The errors that mean "the database failed", as opposed to a bug: pages catch these."""

_SIGNS: tuple[tuple[Kind, tuple[str, ...]], ...] = (
    ("corrupt", ("file is not a database", "malformed", "database corrupt", "not a database")),
    ("full", ("disk is full", "no space left", "disk full", "could not extend")),
    ("read_only", ("readonly database", "read-only", "permission denied", "read only")),
    (
        "unreachable",
        (
            "connection refused",
            "could not connect",
            "connection failed",
            "server closed the connection",
            "terminating connection",
            "connection is closed",
            "timeout expired",
            "timed out",
            "no route to host",
            "name or service not known",
            "could not translate host name",
            "the database system is shutting down",
            "the database system is starting up",
            "unable to open database file",
        ),
    ),
)


@dataclass(frozen=True)
class Fault:
    """A database failure: its ``kind``, ``where`` the database is, and the driver's words
    (``detail``, for the server's log)."""

    kind: Kind
    where: str
    detail: str


def location(url: str) -> str:
    """Where a database URL points, without any password: the SQLite file's path, or
    ``host:port/database``."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "?"
    if parsed.get_backend_name() == "sqlite":
        return str(Path(parsed.database or ":memory:").resolve())
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.host or 'localhost'}{port}/{parsed.database or ''}"


def _words(error: BaseException) -> str:
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error)
    return " ".join(text.split())[:500]


def classify(error: BaseException, url: str) -> Fault:
    """The kind of a store error (see the module docstring); ``other`` when unknown."""
    where = location(url)
    detail = _words(error)
    if isinstance(error, SchemaTooNewError):
        return Fault("newer", where, detail)
    if isinstance(error, DataFolderError):
        cause = error.__cause__
        number = cause.errno if isinstance(cause, OSError) else None
        if number == errno.ENOSPC:
            return Fault("full", error.folder, detail)
        if number == errno.EROFS:
            return Fault("read_only", error.folder, detail)
        return Fault("folder", error.folder, detail)
    lowered = detail.lower()
    for kind, signs in _SIGNS:
        if any(sign in lowered for sign in signs):
            if kind == "unreachable" and "unable to open database file" in lowered:
                folder = Path(where).parent
                if folder.is_dir() and not os.access(folder, os.W_OK):
                    return Fault("read_only", where, detail)
            return Fault(kind, where, detail)
    return Fault("other", where, detail)
