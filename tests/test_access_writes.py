"""Access ends at the store: every write names the access it comes through, a revoked link or a
viewer writes nothing, and no write falls back to a side.

The forged frames are what an open page's websocket can still send after its link was revoked
(or from a viewer's page): the commits and clicks of inputs it showed before. The store's
change log is the ground truth: not one row may come of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from planner import access, editing
from planner.access import Access
from planner.store import Store
from tests.app_support import click_again, field, joined, send_commit, shared_plan, type_into
from tests.store_support import example_plan

ROOT = Path(__file__).resolve().parents[1]
DEAL = "revenue.deal_size"
NOTICE = "Dieser Link ist ungültig oder wurde widerrufen."


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Store, str]]:
    with shared_plan(tmp_path, monkeypatch, example_plan()) as found:
        yield found


# --- the edit policy ---------------------------------------------------------------------------


def test_a_write_takes_its_side_from_the_access_and_refuses_without_one(
    shared: tuple[Store, str],
) -> None:
    store, plan_id = shared
    partner = access.create_invite(store, access.owner_access(plan_id), "partner_editor")
    viewer = access.create_invite(store, access.owner_access(plan_id), "viewer")
    link = access.resolve(store, plan_id, partner.token)
    assert link is not None
    edit = {DEAL: (38000.0, 1)}

    refused = [
        editing.apply_edits(store, None, plan_id, edit, author="Anna"),
        editing.apply_edits(
            store, access.resolve(store, plan_id, viewer.token), plan_id, edit, author="Otto"
        ),
        editing.apply_edits(store, Access("another plan", "owner"), plan_id, edit, author="Vera"),
    ]
    assert [r.status for r in refused] == ["refused"] * 3
    assert [r.message for r in refused] == [
        editing.REFUSALS["no_access"],
        editing.REFUSALS["viewer_cannot_edit"],
        editing.REFUSALS["no_access"],
    ]
    assert store.version(plan_id) == 1

    assert editing.apply_edits(store, link, plan_id, edit, author="Anna").status == "accepted"
    (row,) = store.log(plan_id)[1:]
    assert (row.author, row.side) == ("Anna", "partner")  # the link's side, not a default

    assert access.revoke(store, access.owner_access(plan_id), partner.id)
    late = [
        editing.apply_edits(store, link, plan_id, {DEAL: (39000.0, 2)}, author="Anna"),
        editing.revert(store, link, plan_id, row.seq, author="Anna"),
    ]
    assert [r.status for r in late] == ["refused", "refused"]
    with pytest.raises(editing.AccessRefusedError):
        editing.add_note(store, link, plan_id, DEAL, "too late", author="Anna")
    assert store.version(plan_id) == 2
    assert store.notes(plan_id) == []


def test_the_store_checks_the_link_inside_its_write(shared: tuple[Store, str]) -> None:
    """A link revoked between the policy's check and the write: the store's own check, in the
    write's transaction, refuses it (notes too)."""
    store, plan_id = shared
    invite = access.create_invite(store, access.owner_access(plan_id), "partner_editor")
    assert access.revoke(store, access.owner_access(plan_id), invite.id)
    late = store.apply_edits(
        plan_id, {DEAL: (1.0, 1)}, author="Anna", side="partner", invite=invite.id
    )
    assert late.status == "refused"
    with pytest.raises(PermissionError):
        store.add_note(plan_id, DEAL, "late", author="Anna", side="partner", invite=invite.id)
    assert store.version(plan_id) == 1
    assert store.notes(plan_id) == []


# --- forged frames from open pages -------------------------------------------------------------


def test_a_revoked_partner_page_writes_nothing_whatever_it_sends(
    shared: tuple[Store, str],
) -> None:
    store, plan_id = shared
    invite = access.create_invite(store, access.owner_access(plan_id), "partner_editor")
    anna = joined(plan_id, invite.token, "Anna")
    type_into(anna, DEAL, "38.000")  # one real edit: her undo button is armed
    assert len(store.log(plan_id)) == 2
    old_deal = field(anna, DEAL)
    old_churn = field(anna, "revenue.monthly_churn")
    undo = anna.button(key="undo")
    assert not undo.disabled

    assert access.revoke(store, access.owner_access(plan_id), invite.id)
    # frames sent before the page learnt of the revocation: the callbacks still run
    old_deal.set_value("39.000").run()
    assert len(store.log(plan_id)) == 2
    assert [i.value for i in anna.info] == [NOTICE]

    # frames sent after the page shows the notice: the old inputs and the undo, re-sent
    send_commit(anna, old_churn.id, {"text": "5", "version": 1, "showed": old_churn.value})
    click_again(anna, undo)
    old_deal.set_value("40.000").run()
    assert len(store.log(plan_id)) == 2
    assert store.plan_at(plan_id).revenue.deal_size == 38000
    assert [i.value for i in anna.info] == [NOTICE]
    assert not anna.sidebar.children  # no plan, no name, no undo: the notice alone
    assert not anna.button
    assert not anna.text_input


def test_a_viewer_page_writes_nothing_active_or_revoked(shared: tuple[Store, str]) -> None:
    store, plan_id = shared
    invite = access.create_invite(store, access.owner_access(plan_id), "viewer")
    otto = joined(plan_id, invite.token, "Otto")
    deal = field(otto, DEAL)
    assert deal.disabled
    deal.set_value("1").run()  # a commit forged on a read-only input
    assert len(store.log(plan_id)) == 1
    assert access.revoke(store, access.owner_access(plan_id), invite.id)
    deal.set_value("2").run()
    otto.run()
    deal.set_value("3").run()
    assert len(store.log(plan_id)) == 1
    assert [i.value for i in otto.info] == [NOTICE]
