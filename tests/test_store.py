"""The store on SQLite and PostgreSQL: versions, change log, conflicts, notes, schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, delete, select, update

from planner.plan.paths import get_value
from planner.policy import RULES
from planner.store import SCHEMA_VERSION, Store, db
from planner.store import database_url as env_database_url
from planner.store.db import changes, plan_versions
from tests.store_support import PLAN_DATA, FakeClock, clock, database_url, example_plan, store

__all__ = ["clock", "database_url", "store"]  # fixtures used by the tests below


def test_a_new_plan_is_version_1_with_one_log_row_holding_the_whole_plan(store: Store) -> None:
    plan = example_plan()
    plan_id = store.create_plan(plan, author="Vera", side="vendor")
    assert store.version(plan_id) == 1
    assert store.plan_at(plan_id) == plan
    (entry,) = store.log(plan_id)
    assert (entry.seq, entry.version, entry.kind, entry.path) == (1, 1, "create", "")
    assert entry.new == plan.to_data()
    assert entry.at == datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # the fake clock's time
    assert store.verify_chain(plan_id).ok
    assert [p.id for p in store.plans()] == [plan_id]


def test_an_accepted_edit_bumps_the_version_and_logs_who_changed_what(
    store: Store, clock: FakeClock
) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    clock.advance(60)
    result = store.apply_edit(plan_id, "revenue.deal_size", 38000, 1, "Anna", "partner")
    assert result.status == "accepted"
    assert result.ok
    assert result.version == 2
    assert get_value(store.plan_at(plan_id), "revenue.deal_size") == 38000
    assert get_value(store.plan_at(plan_id, 1), "revenue.deal_size") == 42000
    entry = store.log(plan_id)[-1]
    assert (entry.version, entry.author, entry.side, entry.path) == (
        2,
        "Anna",
        "partner",
        "revenue.deal_size",
    )
    assert (entry.old, entry.new) == (42000, 38000)
    assert entry.at == datetime(2027, 1, 4, 9, 1, tzinfo=UTC)  # 09:00 + 60 s
    assert store.field_version(plan_id, "revenue.deal_size") == 2
    assert store.field_version(plan_id, "revenue.monthly_churn") == 1
    assert store.verify_chain(plan_id).ok


def test_an_edit_based_on_an_old_field_version_is_a_conflict_naming_who_changed_it(
    store: Store,
) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    assert store.apply_edit(plan_id, "revenue.deal_size", 38000, 1, "Anna", "partner").ok
    late = store.apply_edit(plan_id, "revenue.deal_size", 45000, 1, "Vera", "vendor")
    assert late.status == "conflict"
    assert not late.ok
    (conflict,) = late.conflicts
    assert str(conflict) == "Anna (partner) changed revenue.deal_size to 38000"
    assert (conflict.yours, conflict.theirs, conflict.version) == (45000, 38000, 2)
    assert store.version(plan_id) == 2
    assert len(store.log(plan_id)) == 2
    # "keep mine": the same value based on the field's version now lands
    keep = store.apply_edit(plan_id, "revenue.deal_size", 45000, conflict.version, "Vera", "vendor")
    assert keep.status == "accepted"
    assert get_value(store.plan_at(plan_id), "revenue.deal_size") == 45000


def test_edits_of_different_fields_from_the_same_base_both_land(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    a = store.apply_edit(plan_id, "revenue.deal_size", 38000, 1, "Anna", "partner")
    b = store.apply_edit(plan_id, "revenue.monthly_churn", 0.02, 1, "Vera", "vendor")
    assert (a.status, b.status) == ("accepted", "accepted")
    plan = store.plan_at(plan_id)
    assert (plan.revenue.deal_size, plan.revenue.monthly_churn) == (38000, 0.02)


def test_a_field_conflicts_with_a_change_of_a_containing_or_contained_field(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    rows = [dict(r) for r in PLAN_DATA["resources"]]  # type: ignore[union-attr]
    rows[0]["fte"] = 3
    assert store.apply_edit(plan_id, "resources", rows, 1, "Anna", "partner").ok
    inner = store.apply_edit(plan_id, "resources.1.fte", 2, 1, "Vera", "vendor")
    assert inner.status == "conflict"
    assert store.apply_edit(plan_id, "resources.1.fte", 2, 2, "Vera", "vendor").ok
    outer = store.apply_edit(plan_id, "resources", rows, 2, "Anna", "partner")
    assert outer.status == "conflict"


def test_a_bad_value_writes_nothing_and_names_the_field(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    result = store.apply_edit(plan_id, "revenue.deal_size", -1, 1, "Anna", "partner")
    assert result.status == "invalid"
    assert [str(p) for p in result.problems] == ["revenue.deal_size: -1 is below 0"]
    unknown = store.apply_edit(plan_id, "revenue.deal_sise", 1, 1, "Anna", "partner")
    assert [str(p) for p in unknown.problems] == ["revenue.deal_sise: is not a plan path"]
    assert store.version(plan_id) == 1
    assert len(store.log(plan_id)) == 1


def test_a_batch_is_all_or_nothing(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    row = {"resources.0.fte": (3, 1), "resources.0.annual_cost": (120000, 1)}
    bad = store.apply_edits(
        plan_id, {**row, "resources.0.ramp_months": (-1, 1)}, author="Anna", side="partner"
    )
    assert bad.status == "invalid"
    assert store.version(plan_id) == 1
    good = store.apply_edits(plan_id, row, author="Anna", side="partner")
    assert good.status == "accepted"
    assert good.version == 2
    assert [(c.version, c.path) for c in good.changes] == [
        (2, "resources.0.fte"),
        (2, "resources.0.annual_cost"),
    ]
    # one field of the next batch conflicts: the other is not written either
    clash = store.apply_edits(
        plan_id,
        {"resources.0.fte": (4, 1), "revenue.deal_size": (1000, 1)},
        author="Vera",
        side="vendor",
    )
    assert clash.status == "conflict"
    assert [c.path for c in clash.conflicts] == ["resources.0.fte"]
    assert store.plan_at(plan_id).revenue.deal_size == 42000
    assert store.version(plan_id) == 2
    assert store.verify_chain(plan_id).ok


def test_an_edit_to_the_value_it_already_has_writes_nothing(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    result = store.apply_edit(plan_id, "revenue.deal_size", 42000.0, 1, "Anna", "partner")
    assert result.status == "unchanged"
    assert result.ok
    assert store.version(plan_id) == 1


def test_viewers_and_unnamed_authors_cannot_edit(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    viewer = store.apply_edit(plan_id, "revenue.deal_size", 1, 1, "Otto", "viewer")
    assert viewer.status == "refused"
    assert "viewer" in viewer.message
    nameless = store.apply_edit(plan_id, "revenue.deal_size", 1, 1, "  ", "partner")
    assert nameless.status == "refused"
    assert store.version(plan_id) == 1


def test_revert_is_a_new_change_and_does_not_overwrite_a_later_one(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    store.apply_edit(plan_id, "revenue.deal_size", 38000, 1, "Anna", "partner")
    store.apply_edit(plan_id, "revenue.monthly_churn", 0.02, 1, "Anna", "partner")
    undo = store.revert(plan_id, 2, author="Vera", side="vendor")  # seq 2: the deal size
    assert undo.status == "accepted"
    entry = store.log(plan_id)[-1]
    assert (entry.kind, entry.reverts, entry.old, entry.new) == ("revert", 2, 38000, 42000)
    assert store.plan_at(plan_id).revenue.deal_size == 42000
    assert store.plan_at(plan_id).revenue.monthly_churn == 0.02
    # the churn changes again; reverting its first change now conflicts
    store.apply_edit(plan_id, "revenue.monthly_churn", 0.03, 3, "Anna", "partner")
    late = store.revert(plan_id, 3, author="Vera", side="vendor")
    assert late.status == "conflict"
    assert str(late.conflicts[0]) == "Anna (partner) changed revenue.monthly_churn to 0.03"
    assert store.revert(plan_id, 1, author="Vera", side="vendor").status == "refused"


def test_compare_two_versions(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    store.apply_edit(plan_id, "revenue.deal_size", 38000, 1, "Anna", "partner")
    store.apply_edit(plan_id, "resources.1.fte", 2, 1, "Anna", "partner")
    store.apply_edit(plan_id, "revenue.deal_size", 40000, 2, "Vera", "vendor")
    diff = {(d.path, d.before, d.after) for d in store.diff(plan_id, 1, 4)}
    assert diff == {("revenue.deal_size", 42000, 40000), ("resources.1.fte", 1, 2)}
    assert store.diff(plan_id, 3, 3) == []


def test_notes_on_assumptions(store: Store, clock: FakeClock) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    clock.advance(5)
    note = store.add_note(
        plan_id,
        "revenue.deals_per_sales_fte_month",
        " 0.8 deals: our 2026 run-rate with the previous vendor ",
        author="Anna",
        side="partner",
    )
    assert note.body == "0.8 deals: our 2026 run-rate with the previous vendor"
    store.add_note(plan_id, "revenue.deal_size", "list price 2027", author="Vera", side="vendor")
    assert [n.path for n in store.notes(plan_id)] == [
        "revenue.deals_per_sales_fte_month",
        "revenue.deal_size",
    ]
    (only,) = store.notes(plan_id, "revenue.deal_size")
    assert (only.author, only.side, only.version) == ("Vera", "vendor", 1)
    with pytest.raises(ValueError, match="note: must not be empty"):
        store.add_note(plan_id, "revenue.deal_size", "  ", author="Vera", side="vendor")
    with pytest.raises(ValueError, match=r"revenue\.nope: is not a plan path"):
        store.add_note(plan_id, "revenue.nope", "x", author="Vera", side="vendor")
    with pytest.raises(ValueError, match="longer than 1000"):
        store.add_note(plan_id, "revenue.deal_size", "x" * 1001, author="Vera", side="vendor")


# --- tamper evidence ---------------------------------------------------------------------


def _edited_plan(store: Store) -> str:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    for i, value in enumerate((38000, 39000, 40000, 41000), start=1):
        assert store.apply_edit(plan_id, "revenue.deal_size", value, i, "Anna", "partner").ok
    assert store.verify_chain(plan_id).ok
    assert store.verify_chain(plan_id).entries == 5
    return plan_id


def test_an_altered_log_row_is_detected(store: Store) -> None:
    plan_id = _edited_plan(store)
    with store.engine.begin() as conn:
        conn.execute(
            update(changes)
            .where(changes.c.plan_id == plan_id, changes.c.seq == 3)
            .values(new_value=json.dumps(99000))
        )
    check = store.verify_chain(plan_id)
    assert not check.ok
    assert "change 3 was altered" in check.problems


def test_an_altered_author_with_a_recomputed_hash_breaks_the_next_link(store: Store) -> None:
    from planner.store.chain import _content, entry_hash

    plan_id = _edited_plan(store)
    with store.engine.begin() as conn:
        row = dict(
            conn.execute(select(changes).where(changes.c.plan_id == plan_id, changes.c.seq == 2))
            .mappings()
            .one()
        )
        row["author"] = "Mallory"
        forged = entry_hash(row["prev_hash"], _content(row))
        conn.execute(
            update(changes).where(changes.c.id == row["id"]).values(author="Mallory", hash=forged)
        )
    assert "change 3 does not follow the change before it" in store.verify_chain(plan_id).problems


def test_a_removed_log_row_is_detected_in_the_middle_and_at_the_end(store: Store) -> None:
    plan_id = _edited_plan(store)
    with store.engine.begin() as conn:
        conn.execute(delete(changes).where(changes.c.plan_id == plan_id, changes.c.seq == 5))
    assert not store.verify_chain(plan_id).ok  # the plan row still knows the head hash
    with store.engine.begin() as conn:
        conn.execute(delete(changes).where(changes.c.plan_id == plan_id, changes.c.seq == 2))
    problems = store.verify_chain(plan_id).problems
    assert "change 2 is missing (next is 3)" in problems


def test_an_altered_plan_version_is_detected(store: Store) -> None:
    plan_id = _edited_plan(store)
    with store.engine.begin() as conn:
        content = conn.execute(
            select(plan_versions.c.content).where(
                plan_versions.c.plan_id == plan_id, plan_versions.c.version == 3
            )
        ).scalar_one()
        conn.execute(
            update(plan_versions)
            .where(plan_versions.c.plan_id == plan_id, plan_versions.c.version == 3)
            .values(content=content.replace("39000", "93000"))
        )
    assert "plan version 3 was altered" in store.verify_chain(plan_id).problems


# --- schema ------------------------------------------------------------------------------


def test_an_old_schema_is_upgraded_and_its_plans_kept(database_url: str, clock: FakeClock) -> None:
    # as an app of schema version 1 left it
    old = Store(database_url, clock=clock, schema=1, policy=RULES)
    engine = old.engine
    plan_id = old.create_plan(example_plan(), author="Vera", side="vendor")
    with engine.connect() as conn:
        assert db.current_schema_version(conn) == 1
        assert not engine.dialect.has_table(conn, "notes")
    engine.dispose()

    upgraded = Store(database_url, clock=clock, policy=RULES)
    with upgraded.engine.connect() as conn:
        assert db.current_schema_version(conn) == SCHEMA_VERSION == 4  # 4: term proposals
    assert upgraded.plan_at(plan_id).revenue.deal_size == 42000
    assert upgraded.apply_edit(plan_id, "revenue.deal_size", 38000, 1, "Anna", "partner").ok
    assert upgraded.verify_chain(plan_id).ok
    upgraded.add_note(plan_id, "revenue.deal_size", "why", author="Vera", side="vendor")
    assert len(upgraded.notes(plan_id)) == 1
    assert db.upgrade(upgraded.engine) == SCHEMA_VERSION  # opening again changes nothing
    upgraded.close()


def test_a_database_from_a_newer_app_is_refused_clearly(store: Store, database_url: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(db.schema_version).values(version=SCHEMA_VERSION + 1))
    with pytest.raises(RuntimeError, match="newer than this app"):
        Store(database_url, policy=RULES)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path) -> None:  # type: ignore[no-untyped-def]
    opened = Store(f"sqlite+pysqlite:///{tmp_path / 'x.db'}", policy=RULES)
    with opened.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS
    opened.close()


def test_the_database_url_comes_from_the_environment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "data"
    url = env_database_url({"PLANNER_DATA_DIR": str(folder)})
    assert url == f"sqlite+pysqlite:///{folder / 'planner.db'}"
    assert folder.is_dir()  # created on first start
    pg = "postgresql+psycopg://u@h/db"
    assert env_database_url({"PLANNER_DATABASE_URL": pg, "PLANNER_DATA_DIR": "x"}) == pg
    assert create_engine is not None
