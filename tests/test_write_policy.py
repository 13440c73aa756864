"""Who may change what is decided inside the write that makes the change, on SQLite and
PostgreSQL: a link revoked after the page checked it, a value made private after the page
offered it, a version frozen after the page showed it editable: each write is refused whole
and nothing of it is stored. The store itself only persists what its policy allows."""

from __future__ import annotations

import datetime

import pytest

from planner import access, editing, proposals
from planner.access import Access
from planner.privacy import owner_of
from planner.proposals import ProposalError
from planner.signoff import records as signoff
from planner.store import Store
from tests.store_support import clock, database_url, example_plan, store

__all__ = ["clock", "database_url", "store"]  # fixtures used by the tests below

DEAL = "revenue.deal_size"
MDF = "vendor_programme.mdf_rate"
DAY = datetime.date(2027, 1, 5)


@pytest.fixture
def plan_id(store: Store) -> str:
    return store.create_plan(example_plan(), author="Vera", side="vendor")


def _link(store: Store, plan_id: str, role: str = "partner_editor") -> Access:
    """An invite link's access that the page has just checked: it may write."""
    invite = access.create_invite(store, access.owner_access(plan_id), role)
    granted = access.resolve(store, plan_id, invite.token)
    assert granted is not None
    assert editing.refusal(store, granted, plan_id) is None
    return granted


def _revoke(store: Store, plan_id: str, granted: Access) -> None:
    assert granted.invite_id is not None
    assert access.revoke(store, access.owner_access(plan_id), granted.invite_id)


def test_a_store_without_a_policy_reads_but_writes_no_edit(database_url: str) -> None:
    bare = Store(database_url)
    plan_id = bare.create_plan(example_plan(), author="Vera", side="vendor")
    result = bare.apply_edit(plan_id, DEAL, 40000, 1, "Vera", "vendor")
    with pytest.raises(PermissionError):
        bare.add_note(plan_id, DEAL, "why", author="Vera", side="vendor")
    assert (result.status, bare.version(plan_id), bare.notes(plan_id)) == ("refused", 1, [])
    assert bare.plan_at(plan_id).revenue.deal_size == 42000  # example_plan's deal size
    bare.close()


def test_the_policy_judges_the_plan_the_write_is_applied_to(store: Store, plan_id: str) -> None:
    """The partner's page saw the deal size editable (base version 1); the vendor made it
    private before the partner's write arrived: the write is refused on the plan as it is now."""
    private = {"vendor": ["vendor_programme.gross_margin", DEAL], "partner": []}
    assert store.apply_edit(plan_id, "private", private, 1, "Vera", "vendor").ok
    late = store.apply_edit(plan_id, DEAL, 45000, 1, "Anna", "partner")
    assert (late.status, late.message) == ("refused", f"{DEAL} is private to the other side")
    assert store.version(plan_id) == 2


def test_own_terms_are_the_owners(store: Store, plan_id: str) -> None:
    assert [owner_of(p) for p in ("hurdles.vendor.min_irr", "hurdles.partner", DEAL)] == [
        "vendor",
        "partner",
        None,
    ]
    refused = store.apply_edit(plan_id, "vendor_programme.discount_rate", 0.2, 1, "Anna", "partner")
    assert (refused.status, refused.message) == (
        "refused",
        "only the vendor states its own hurdles and rate of return",
    )


def test_an_edit_through_a_link_revoked_after_the_pages_check_writes_nothing(
    store: Store, plan_id: str
) -> None:
    granted = _link(store, plan_id)
    _revoke(store, plan_id, granted)
    result = store.apply_edits(
        plan_id, {DEAL: (40000, 1)}, author="Anna", side="partner", invite=granted.invite_id
    )
    assert (result.status, result.message) == ("refused", access.REVOKED)
    assert store.version(plan_id) == 1


def test_proposal_steps_through_a_link_revoked_after_the_pages_check_write_nothing(
    store: Store, plan_id: str
) -> None:
    vendor = _link(store, plan_id, "vendor_editor")
    partner = _link(store, plan_id)
    mine = proposals.propose(
        store, plan_id, {DEAL: 45000}, reason="r", author="Anna", side="partner"
    )
    theirs = proposals.propose(
        store, plan_id, {MDF: 0.05}, reason="r", author="Vera", side="vendor"
    )
    _revoke(store, plan_id, partner)
    _revoke(store, plan_id, vendor)
    steps = {
        "propose": lambda: proposals.propose(
            store,
            plan_id,
            {DEAL: 46000},
            reason="r",
            author="Anna",
            side="partner",
            invite=partner.invite_id,
        ),
        "counter": lambda: proposals.counter(
            store,
            plan_id,
            theirs.id,
            {MDF: 0.04},
            reason="r",
            author="Anna",
            side="partner",
            invite=partner.invite_id,
        ),
        "withdraw": lambda: proposals.withdraw(
            store, plan_id, mine.id, author="Anna", side="partner", invite=partner.invite_id
        ),
        "reject": lambda: proposals.reject(
            store,
            plan_id,
            mine.id,
            reason="no",
            author="Max",
            side="vendor",
            invite=vendor.invite_id,
        ),
        "accept": lambda: proposals.accept(
            store, plan_id, mine.id, author="Max", side="vendor", invite=vendor.invite_id
        ),
    }
    refused = {}
    for name, step in steps.items():
        with pytest.raises(ProposalError) as error:
            step()
        refused[name] = error.value.key
    assert refused == dict.fromkeys(steps, "no_access")
    assert [(p.id, p.status) for p in proposals.all_of(store, plan_id)] == [
        (mine.id, "open"),
        (theirs.id, "open"),
    ]
    assert store.version(plan_id) == 1  # the accept's change was not written


def test_the_workspace_and_an_active_link_still_decide(store: Store, plan_id: str) -> None:
    vendor = _link(store, plan_id, "vendor_editor")
    offer = proposals.propose(
        store, plan_id, {DEAL: 45000}, reason="r", author="Anna", side="partner"
    )
    done = proposals.accept(
        store, plan_id, offer.id, author="Max", side="vendor", invite=vendor.invite_id
    )
    assert (done.proposal.status, store.version(plan_id)) == ("accepted", 2)


def test_sign_off_steps_through_a_link_revoked_after_the_pages_check_write_nothing(
    store: Store, plan_id: str
) -> None:
    partner = _link(store, plan_id)
    _revoke(store, plan_id, partner)
    with pytest.raises(signoff.LinkRevokedError):
        signoff.freeze(
            store, plan_id, role="partner_editor", author="Anna", invite=partner.invite_id
        )
    assert signoff.history(store, plan_id) == []

    signoff.freeze(store, plan_id, role="owner", author="Vera")  # the workspace has no link
    with pytest.raises(signoff.LinkRevokedError):
        signoff.sign(
            store,
            plan_id,
            1,
            side="partner",
            role="partner_editor",
            name="Anna Berger",
            title="CEO",
            date=DAY,
            invite=partner.invite_id,
        )
    with pytest.raises(signoff.LinkRevokedError):
        signoff.withdraw(
            store, plan_id, role="partner_editor", author="Anna", invite=partner.invite_id
        )
    record = signoff.pending(store, plan_id)
    assert record is not None
    assert (record.version, record.status, dict(record.signatures)) == (1, "frozen", {})


def test_a_link_of_another_plan_writes_nothing(store: Store, plan_id: str) -> None:
    other = store.create_plan(example_plan(), author="Vera", side="vendor")
    foreign = _link(store, other)
    result = store.apply_edits(
        plan_id, {DEAL: (40000, 1)}, author="Anna", side="partner", invite=foreign.invite_id
    )
    assert (result.status, store.version(plan_id)) == ("refused", 1)


def test_a_partner_edit_keeps_the_vendors_hidden_notes_as_stored(
    store: Store, plan_id: str
) -> None:
    """A note on the vendor's margin is hidden from the partner (the margin is private by
    default); the partner's change of the deal size (42,000 -> 38,000) is written and both
    notes stay as stored. A note is keyed by its dotted plan path: carried by that key, not
    looked up as a place (which found nothing and wrote ``None``, refusing every edit)."""
    notes = {"vendor_programme.gross_margin": "list margin 2027", DEAL: "list price"}
    noted = store.create_plan(example_plan(notes=notes), author="Vera", side="vendor")
    result = store.apply_edit(noted, DEAL, 38000, 1, "Anna", "partner")
    assert (result.status, store.plan_at(noted).revenue.deal_size) == ("accepted", 38000)
    assert store.plan_at(noted).notes == notes
