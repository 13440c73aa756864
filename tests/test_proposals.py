"""Term proposals in the store: propose, counter, accept (with conflict checks), reject,
withdraw; who may do what; the log holds exactly the accepted changes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from planner import proposals
from planner.policy import RULES
from planner.proposals import ProposalError
from planner.store import Store
from tests.store_support import clock, database_url, example_plan, store

__all__ = ["clock", "database_url", "store"]


@pytest.fixture
def plan_id(store: Store) -> str:
    return store.create_plan(example_plan(), author="Max", side="vendor")


def test_propose_counter_accept_writes_only_the_accepted_changes(
    store: Store, plan_id: str
) -> None:
    first = proposals.propose(
        store,
        plan_id,
        {"vendor_programme.mdf_rate": 0.05, "revenue.partner_margin": 0.3},
        reason="More funds and margin for the first year",
        author="Anna",
        side="partner",
    )
    assert first.open
    assert first.base_version == 1
    assert [p.id for p in proposals.open_ones(store, plan_id)] == [first.id]
    answer = proposals.counter(
        store,
        plan_id,
        first.id,
        {"vendor_programme.mdf_rate": 0.04},
        reason="4 % MDF, margin as it is",
        author="Max",
        side="vendor",
    )
    assert answer.counter_of == first.id
    assert [p.status for p in proposals.all_of(store, plan_id)] == ["countered", "open"]
    assert store.version(plan_id) == 1  # nothing is written while terms are traded
    done = proposals.accept(store, plan_id, answer.id, author="Anna", side="partner")
    assert done.conflicts == ()
    assert done.proposal.status == "accepted"
    assert done.proposal.result_version == 2
    assert done.proposal.decided_by == "Anna"
    log = store.log(plan_id)[1:]
    assert [(c.path, c.new, c.author, c.side, c.kind) for c in log] == [
        ("vendor_programme.mdf_rate", 0.04, "Max", "vendor", "proposal")
    ]
    assert store.plan_at(plan_id).revenue.partner_margin == example_plan().revenue.partner_margin


def test_a_proposal_of_a_field_changed_since_its_author_saw_it_is_refused_naming_it(
    store: Store, plan_id: str
) -> None:
    """Anna saw the deal size and the opex at version 1; Max changes the deal size to 39,000
    (version 2). Her proposal of 40,000 and 100 more opex made from version 1 would send a deal size
    back over his change: refused, naming the field, and nothing recorded. Seen at version 2
    (the field as it is now), the same proposal is recorded; a field she saw at 2 while an
    unrelated field moved is no refusal either."""
    opex = example_plan().opex_per_month + 100
    offer = {"revenue.deal_size": 40000, "opex_per_month": opex}
    assert store.apply_edit(plan_id, "revenue.deal_size", 39000, 1, "Max", "vendor").ok
    with pytest.raises(ProposalError) as refused:
        proposals.propose(
            store,
            plan_id,
            offer,
            reason="Bigger deals",
            author="Anna",
            side="partner",
            seen={"revenue.deal_size": 1, "opex_per_month": 1},
        )
    assert refused.value.key == "moved"
    assert refused.value.params["paths"] == ["revenue.deal_size"]
    assert proposals.all_of(store, plan_id) == []
    made = proposals.propose(
        store,
        plan_id,
        offer,
        reason="Bigger deals",
        author="Anna",
        side="partner",
        seen={"revenue.deal_size": 2, "opex_per_month": 1},
    )
    assert made.open
    assert made.changes == offer
    assert store.version(plan_id) == 2  # a proposal writes nothing into the plan


def test_a_value_changed_since_the_proposal_is_a_conflict_and_nothing_is_applied(
    store: Store, plan_id: str
) -> None:
    offer = proposals.propose(
        store,
        plan_id,
        {"revenue.deal_size": 45000, "opex_per_month": 2500},
        reason="Bigger deals",
        author="Anna",
        side="partner",
    )
    assert store.apply_edit(plan_id, "revenue.deal_size", 39000, 1, "Max", "vendor").ok
    done = proposals.accept(store, plan_id, offer.id, author="Max", side="vendor")
    assert [c.path for c in done.conflicts] == ["revenue.deal_size"]
    assert done.proposal.open
    assert store.plan_at(plan_id).revenue.deal_size == 39000
    assert store.plan_at(plan_id).opex_per_month == example_plan().opex_per_month  # all or nothing


def test_who_may_do_what(store: Store, plan_id: str) -> None:
    offer = proposals.propose(
        store, plan_id, {"revenue.deal_size": 45000}, reason="r", author="Anna", side="partner"
    )
    with pytest.raises(ProposalError, match="the other side decides"):
        proposals.accept(store, plan_id, offer.id, author="Anna", side="partner")
    with pytest.raises(ProposalError, match="only the side that proposed it can withdraw"):
        proposals.withdraw(store, plan_id, offer.id, author="Max", side="vendor")
    with pytest.raises(ProposalError, match="cannot propose or decide"):
        proposals.reject(store, plan_id, offer.id, reason="no", author="Eve", side="viewer")
    with pytest.raises(ProposalError, match="a side counters the other side's proposal"):
        proposals.counter(
            store,
            plan_id,
            offer.id,
            {"revenue.deal_size": 44000},
            reason="r",
            author="Anna",
            side="partner",
        )
    withdrawn = proposals.withdraw(store, plan_id, offer.id, author="Anna", side="partner")
    assert withdrawn.status == "withdrawn"
    with pytest.raises(ProposalError, match="is withdrawn, not open"):
        proposals.accept(store, plan_id, offer.id, author="Max", side="vendor")
    second = proposals.propose(
        store, plan_id, {"revenue.deal_size": 46000}, reason="r", author="Anna", side="partner"
    )
    with pytest.raises(ProposalError, match="please give a short reason"):
        proposals.reject(store, plan_id, second.id, reason=" ", author="Max", side="vendor")
    rejected = proposals.reject(
        store, plan_id, second.id, reason="Too high for year 1", author="Max", side="vendor"
    )
    assert (rejected.status, rejected.decision_reason) == ("rejected", "Too high for year 1")
    assert store.log(plan_id)[1:] == []


@pytest.mark.parametrize(
    ("changes", "side", "message"),
    [
        ({"vendor_programme.gross_margin": 0.7}, "vendor", "is private to one side"),
        ({"hurdles.vendor.min_irr": 0.2}, "partner", "only the vendor states its own terms"),
        ({"private.share_vendor_economics": True}, "vendor", "privacy settings"),
        ({"revenue.deal_size": -5}, "partner", "revenue.deal_size: -5 is below 0"),
        ({"revenue.deal_size": 42000}, "partner", "every proposed value is already the plan's"),
        ({}, "partner", "at least one value"),
    ],
)
def test_what_cannot_be_proposed_is_refused_naming_the_field(
    store: Store, plan_id: str, changes: dict[str, object], side: str, message: str
) -> None:
    with pytest.raises(ProposalError, match=message):
        proposals.propose(store, plan_id, changes, reason="r", author="A", side=side)
    assert proposals.all_of(store, plan_id) == []


def test_the_stamp_moves_with_every_proposal_and_decision(store: Store, plan_id: str) -> None:
    before = proposals.stamp(store, plan_id)
    offer = proposals.propose(
        store, plan_id, {"revenue.deal_size": 45000}, reason="r", author="Anna", side="partner"
    )
    made = proposals.stamp(store, plan_id)
    assert made != before
    proposals.withdraw(store, plan_id, offer.id, author="Anna", side="partner")
    assert proposals.stamp(store, plan_id) != made


# --- decisions at the same time: one state change each -------------------------------------


def _decisions(store: Store, plan_id: str) -> list[str]:
    return [p.status for p in proposals.all_of(store, plan_id)]


@pytest.mark.parametrize("other_step", ["withdraw", "reject"])
def test_accepting_a_proposal_closed_meanwhile_writes_nothing(
    store: Store,
    plan_id: str,
    database_url: str,
    other_step: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The vendor reads the proposal as open; before its change is written the partner
    withdraws it (or another vendor session rejects it) through a second store handle: the
    accept is refused and the plan is not changed."""
    offer = proposals.propose(
        store, plan_id, {"revenue.deal_size": 45000}, reason="r", author="Anna", side="partner"
    )
    other = Store(database_url, policy=RULES)
    checked = proposals._open_for

    def close_then_check(proposal: proposals.Proposal, side: str, *, own: bool) -> None:
        checked(proposal, side, own=own)  # the accept's check passes: open when read ...
        monkeypatch.setattr(proposals, "_open_for", checked)
        if other_step == "withdraw":  # ... then the other handle closes it
            proposals.withdraw(other, plan_id, offer.id, author="Anna", side="partner")
        else:
            proposals.reject(other, plan_id, offer.id, reason="nein", author="Otto", side="vendor")

    monkeypatch.setattr(proposals, "_open_for", close_then_check)
    with pytest.raises(ProposalError, match="not open") as refused:
        proposals.accept(store, plan_id, offer.id, author="Max", side="vendor")
    other.close()
    assert refused.value.key == "not_open"
    assert store.version(plan_id) == 1  # the plan change was undone with the refusal
    assert store.plan_at(plan_id).revenue.deal_size == 42000
    assert _decisions(store, plan_id) == [
        {"withdraw": "withdrawn", "reject": "rejected"}[other_step]
    ]


def _race(store: Store, other: Store, plan_id: str, number: int) -> dict[str, str]:
    """The vendor accepts proposal ``number`` through ``store`` while the partner withdraws
    it through ``other``, in two threads: what each step came to."""
    import threading

    outcomes: dict[str, str] = {}

    def accept() -> None:
        proposals.accept(store, plan_id, number, author="Max", side="vendor")

    def withdraw() -> None:
        proposals.withdraw(other, plan_id, number, author="Anna", side="partner")

    def run(name: str, step: Callable[[], None]) -> None:
        try:
            step()
            outcomes[name] = "done"
        except ProposalError as error:
            outcomes[name] = error.key

    threads = [
        threading.Thread(target=run, args=("accept", accept)),
        threading.Thread(target=run, args=("withdraw", withdraw)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_racing_accept_and_withdraw_end_in_one_consistent_state(
    store: Store, plan_id: str, database_url: str
) -> None:
    """Accept and withdraw of the same proposal from two store handles at once, 12 times:
    exactly one wins each time; the plan holds the change exactly when it was accepted."""
    other = Store(database_url, policy=RULES)
    for round_ in range(12):
        value = 50000 + round_
        offer = proposals.propose(
            store, plan_id, {"revenue.deal_size": value}, reason="r", author="Anna", side="partner"
        )
        before = store.version(plan_id)
        outcomes = _race(store, other, plan_id, offer.id)
        status = _decisions(store, plan_id)[-1]
        assert sorted(outcomes.values()) == ["done", "not_open"], outcomes
        if status == "accepted":
            assert outcomes["accept"] == "done"
            assert store.version(plan_id) == before + 1
            assert store.plan_at(plan_id).revenue.deal_size == value
        else:
            assert (status, outcomes["withdraw"]) == ("withdrawn", "done")
            assert store.version(plan_id) == before
            assert store.plan_at(plan_id).revenue.deal_size != value
    other.close()
