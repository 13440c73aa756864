"""The plans of the vendor's workspace: templates, the example plan, plan files in and out.

Every plan lives in the shared store (:class:`planner.store.Store`). The first start puts the
example plan (``examples/acme-reseller.yaml``, the plan of MODEL.md's examples) into an empty
store, so a newcomer sees a full plan at once. Plan files are only a way in (upload) and out
(download as YAML).
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import suppress
from pathlib import Path

import streamlit as st
from sqlalchemy.exc import IntegrityError

from planner import catalogue, policy
from planner.plan.files import load, parse
from planner.plan.schema import Plan
from planner.plan.validation import with_values
from planner.store import PlanInfo, Store, database_url

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIR = ROOT / "templates"
KINDS: tuple[str, ...] = catalogue.field("partner.kind").choices
EXAMPLE = ROOT / "examples" / "acme-reseller.yaml"
EXAMPLE_ID = "example"
"""Plan id of the example plan: fixed, so two first sessions at once store it only once."""
SUFFIX = ".yaml"
FOUNDER = "Planner"
"""Author of the example plan in the change log."""


@st.cache_resource(show_spinner=False)
def _store_for(url: str) -> Store:
    return Store(url, policy=policy.RULES)


class _Stores:
    """``store()``: the process-wide store of the database the environment names (SQLite under
    ``PLANNER_DATA_DIR`` or ``PLANNER_DATABASE_URL``), one per database URL, opened with the
    rules of who may change what (:mod:`planner.policy`)."""

    def __call__(self) -> Store:
        return _store_for(database_url())

    def clear(self) -> None:
        """Forget the stores opened so far (tests switching databases)."""
        _store_for.clear()


store = _Stores()


def templates() -> list[str]:
    """The partner archetypes that have a template file, in the usual order."""
    return [kind for kind in KINDS if (TEMPLATE_DIR / f"{kind}{SUFFIX}").is_file()]


def template(kind: str) -> Plan:
    """The starting plan of an archetype."""
    if kind not in KINDS:
        raise ValueError(f"{kind!r} is not a partner type")
    return load(TEMPLATE_DIR / f"{kind}{SUFFIX}")


def from_template(kind: str, partner: str, vendor: str, title: str) -> Plan:
    """A new plan from a template with the two parties' names (validated like any edit)."""
    base = template(kind)
    return with_values(
        base,
        {"partner.name": partner, "vendor.name": vendor, "title": title, "partner.kind": kind},
    )


def file_name(title: str) -> str:
    """A download file name derived from a title (``acme-it-x-nordwind.yaml``)."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60] or "plan"
    return f"{slug}{SUFFIX}"


new_name = file_name
"""Former name of :func:`file_name` (plans no longer live in files)."""


def read_upload(data: bytes, name: str) -> Plan:
    """An uploaded YAML/JSON plan file, validated (raises ``PlanError``, ``UnicodeDecodeError``)."""
    return parse(data.decode("utf-8-sig"), name=name)


def ensure_example(store: Store, author: str = FOUNDER) -> None:
    """Put the example plan into the store when the store holds no plan yet."""
    if store.plans():
        return
    with suppress(IntegrityError):  # another session stored it first
        store.create_plan(load(EXAMPLE), author=author, side="vendor", plan_id=EXAMPLE_ID)


def plan_list(store: Store) -> list[PlanInfo]:
    """The workspace's plans, most recently changed first (the example plan on a first start)."""
    ensure_example(store)
    return store.plans()


def first_plan(opened: Store | None = None) -> tuple[str, Plan]:
    """The plan a session opens with: the most recently changed plan of ``opened`` (by default
    the app's :data:`store`): its file name and the plan; kept for callers from the time plans
    were files."""
    shared = opened if opened is not None else store()
    newest = plan_list(shared)[0]
    plan = shared.plan_at(newest.id)
    return file_name(plan.title), plan
