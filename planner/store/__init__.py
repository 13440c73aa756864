"""Persistence: plans, their versions, the hash-chained change log, notes, invites, presence.

``Store()`` opens SQLite under ``PLANNER_DATA_DIR`` (default ``data`` in the installation) or
the database in ``PLANNER_DATABASE_URL`` (PostgreSQL with psycopg 3) and creates or upgrades
its schema. It persists what the policy it is opened with allows (:mod:`planner.policy`) and
imports nothing above the plan schema.
"""

from planner.plan.paths import diff_data, lookup, overlaps
from planner.store.core import Store
from planner.store.db import SCHEMA_VERSION, database_url
from planner.store.results import (
    SIDES,
    ChainCheck,
    Change,
    Conflict,
    Difference,
    EditResult,
    Note,
    PlanInfo,
    Side,
    Snapshot,
    UnknownPlanError,
    utc_now,
)
from planner.store.write_policy import WritePolicy

__all__ = [
    "SCHEMA_VERSION",
    "SIDES",
    "ChainCheck",
    "Change",
    "Conflict",
    "Difference",
    "EditResult",
    "Note",
    "PlanInfo",
    "Side",
    "Snapshot",
    "Store",
    "UnknownPlanError",
    "WritePolicy",
    "database_url",
    "diff_data",
    "lookup",
    "overlaps",
    "utc_now",
]
