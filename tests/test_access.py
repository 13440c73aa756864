"""Invite links, roles and sides, the owner key, presence: on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from planner import access
from planner.store import Store
from planner.store.db import invites
from tests.store_support import FakeClock, clock, database_url, example_plan, store

__all__ = ["clock", "database_url", "store"]


def test_tokens_have_256_random_bits_and_are_stored_only_as_sha256(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    invite = access.create_invite(store, access.owner_access(plan_id), "partner_editor", "ACME CFO")
    assert len(invite.token) == 43  # 32 bytes in URL-safe base64 without padding
    assert invite.query == f"?plan={plan_id}&key={invite.token}"
    with store.engine.connect() as conn:
        stored = conn.execute(select(invites.c.token_hash)).scalars().all()
    assert stored == [hashlib.sha256(invite.token.encode()).hexdigest()]
    assert invite.token not in stored
    assert access.list_invites(store, plan_id)[0].token == ""  # never shown again
    other = access.create_invite(store, access.owner_access(plan_id), "partner_editor")
    assert other.token != invite.token


def test_a_link_resolves_to_its_plan_role_and_side(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    for role, side, can_edit in (
        ("vendor_editor", "vendor", True),
        ("partner_editor", "partner", True),
        ("viewer", "viewer", False),
    ):
        invite = access.create_invite(store, access.owner_access(plan_id), role)
        granted = access.resolve(store, plan_id, invite.token)
        assert granted is not None
        assert (granted.plan_id, granted.role, granted.side, granted.can_edit) == (
            plan_id,
            role,
            side,
            can_edit,
        )
        assert granted.invite_id == invite.id


def test_wrong_missing_foreign_and_revoked_tokens_resolve_to_nothing(store: Store) -> None:
    plan_a = store.create_plan(example_plan(), author="Vera", side="vendor")
    plan_b = store.create_plan(example_plan(title="Other partner"), author="Vera", side="vendor")
    invite = access.create_invite(store, access.owner_access(plan_a), "partner_editor")
    assert access.resolve(store, plan_a, invite.token[:-1] + "x") is None
    assert access.resolve(store, plan_a, "") is None
    assert access.resolve(store, plan_a, None) is None
    assert access.resolve(store, None, invite.token) is None
    assert access.resolve(store, plan_b, invite.token) is None  # a link opens its plan only
    assert access.resolve(store, "nope", invite.token) is None
    assert access.revoke(store, access.owner_access(plan_a), invite.id)
    assert access.resolve(store, plan_a, invite.token) is None
    assert not access.revoke(store, access.owner_access(plan_a), invite.id)  # already revoked
    assert not access.list_invites(store, plan_a)[0].active


def test_a_viewer_link_cannot_edit(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    viewer = access.resolve(
        store, plan_id, access.create_invite(store, access.owner_access(plan_id), "viewer").token
    )
    assert viewer is not None
    result = store.apply_edit(plan_id, "revenue.deal_size", 1, 1, "Otto", viewer.side)
    assert result.status == "refused"
    with pytest.raises(ValueError, match="side 'viewer' may not edit"):
        store.add_note(plan_id, "revenue.deal_size", "hm", author="Otto", side=viewer.side)
    assert store.version(plan_id) == 1


def test_invites_refuse_unknown_roles_and_plans(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    with pytest.raises(ValueError, match="role: 'owner' is not one of vendor_editor"):
        access.create_invite(store, access.owner_access(plan_id), "owner")
    with pytest.raises(LookupError, match="there is no plan 'nope'"):
        access.create_invite(store, access.owner_access("nope"), "viewer")


@pytest.mark.parametrize("role", access.INVITE_ROLES)
def test_only_the_vendors_workspace_creates_and_revokes_links(store: Store, role: str) -> None:
    """A link's session, even a vendor editor's, creates and revokes no link: the store refuses
    it, whatever the page shows."""
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    owner = access.owner_access(plan_id)
    link = access.resolve(store, plan_id, access.create_invite(store, owner, role).token)
    assert link is not None
    assert link.plan_id == plan_id
    forged = access.Access(plan_id, "owner", link.invite_id)  # a link claiming to be the owner
    for by in (link, forged):
        with pytest.raises(PermissionError, match="only the vendor's workspace"):
            access.create_invite(store, by, "vendor_editor")
        with pytest.raises(PermissionError, match="only the vendor's workspace"):
            access.revoke(store, by, link.invite_id or 0)
    assert [i.active for i in access.list_invites(store, plan_id)] == [True]  # nothing changed
    assert access.revoke(store, owner, link.invite_id or 0)


def test_the_owner_key_comes_from_the_environment_and_never_matches_when_unset() -> None:
    env = {"PLANNER_OWNER_KEY": "correct horse battery staple"}
    assert access.check_owner_key("correct horse battery staple", env)
    assert access.check_owner_key(" correct horse battery staple ", env)
    assert not access.check_owner_key("correct horse", env)
    assert not access.check_owner_key(None, env)
    assert not access.check_owner_key("", {})
    assert not access.check_owner_key("", {"PLANNER_OWNER_KEY": ""})
    assert access.owner_key_configured(env)
    assert not access.owner_key_configured({"PLANNER_OWNER_KEY": "  "})
    owner = access.owner_access("p1")
    assert (owner.side, owner.can_edit, owner.is_owner) == ("vendor", True, True)


def test_presence_lists_who_was_seen_recently(store: Store, clock: FakeClock) -> None:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    partner = access.Access(plan_id, "partner_editor")
    access.heartbeat(store, plan_id, "s1", "Anna", partner)
    access.heartbeat(store, plan_id, "s2", "Vera", access.owner_access(plan_id))
    assert [(p.name, p.side) for p in access.present(store, plan_id)] == [
        ("Anna", "partner"),
        ("Vera", "vendor"),
    ]
    clock.advance(20)
    access.heartbeat(store, plan_id, "s1", "Anna", partner)  # Anna's browser polls, Vera's not
    clock.advance(20)  # Vera last seen 40 s ago, Anna 20 s ago; the window is 30 s
    assert [p.name for p in access.present(store, plan_id)] == ["Anna"]
    assert [p.name for p in access.present(store, plan_id, within_seconds=60)] == ["Anna", "Vera"]
    access.leave(store, plan_id, "s1")
    assert access.present(store, plan_id) == []
