"""Sign-off in the store: freeze, one signatory per side, refused edits, amendments."""

from __future__ import annotations

import datetime

import pytest

from planner.plan.files import canonical_json, content_hash, parse, to_yaml
from planner.plan.schema import PlanError
from planner.plan.validation import validate
from planner.signoff import records as signoff
from planner.signoff.records import NotAllowedError, SignOffError
from planner.store import Store
from tests.store_support import PLAN_DATA, FakeClock, clock, database_url, example_plan, store

__all__ = ["clock", "database_url", "store"]  # fixtures used by the tests below

DAY = datetime.date(2027, 1, 5)


def _plan_at_version_2(store: Store) -> str:
    plan_id = store.create_plan(example_plan(), author="Vera", side="vendor")
    assert store.apply_edit(plan_id, "revenue.deal_size", 40000, 1, "Anna", "partner").ok
    return plan_id


def _sign_both(store: Store, plan_id: str, version: int) -> signoff.SignOff:
    signoff.sign(
        store,
        plan_id,
        version,
        side="partner",
        role="partner_editor",
        name="Anna Berger",
        title="CEO",
        date=DAY,
    )
    return signoff.sign(
        store,
        plan_id,
        version,
        side="vendor",
        role="vendor_editor",
        name="Max Roth",
        title="Partner Manager",
        date=DAY,
    )


def test_freeze_records_the_current_version_and_its_content_hash(
    store: Store, clock: FakeClock
) -> None:
    plan_id = _plan_at_version_2(store)
    record = signoff.freeze(store, plan_id, role="vendor_editor", author="Max Roth")
    assert (record.version, record.status, record.frozen_side) == (2, "frozen", "vendor")
    assert record.content_hash == content_hash(store.plan_at(plan_id, 2))
    assert record.title == "ACME x Nordwind"
    assert record.frozen_at == clock.now
    assert record.missing() == ("partner", "vendor")
    assert signoff.pending(store, plan_id) == record


def test_a_frozen_version_refuses_every_edit_also_reverts(store: Store) -> None:
    plan_id = _plan_at_version_2(store)
    signoff.freeze(store, plan_id, role="partner_editor", author="Anna Berger")
    result = store.apply_edit(plan_id, "revenue.deal_size", 45000, 2, "Anna", "partner")
    assert result.status == "refused"
    assert "version 2 is frozen for sign-off" in result.message
    reverted = store.revert(plan_id, 2, author="Max", side="vendor")
    assert reverted.status == "refused"
    assert store.version(plan_id) == 2
    assert store.plan_at(plan_id).revenue.deal_size == 40000


def test_both_sides_sign_and_the_version_is_signed(store: Store, clock: FakeClock) -> None:
    plan_id = _plan_at_version_2(store)
    signoff.freeze(store, plan_id, role="owner", author="Max Roth")
    clock.advance(3600)
    half = signoff.sign(
        store,
        plan_id,
        2,
        side="partner",
        role="partner_editor",
        name="Anna Berger",
        title="CEO",
        date=DAY,
    )
    assert half.status == "frozen"
    assert half.missing() == ("vendor",)
    assert not store.apply_edit(plan_id, "opex_per_month", 1, 2, "Anna", "partner").ok
    clock.advance(60)
    done = signoff.sign(
        store, plan_id, 2, side="vendor", role="owner", name="Max Roth", title="Partner Manager"
    )
    assert done.signed
    assert done.missing() == ()
    assert done.signed_at == clock.now
    partner = done.signature("partner")
    vendor = done.signature("vendor")
    assert partner is not None
    assert vendor is not None
    assert (partner.name, partner.title, partner.date) == ("Anna Berger", "CEO", DAY)
    assert vendor.date == clock.now.date()  # no date given: the day it was signed
    assert signoff.last_signed(store, plan_id) == done
    assert signoff.pending(store, plan_id) is None
    assert signoff.by_hash(store, done.content_hash) == [done]
    assert signoff.by_hash(store, done.content_hash.upper()) == [done]


@pytest.mark.parametrize(
    ("role", "side", "reason"),
    [
        ("partner_editor", "vendor", "a partner editor cannot sign for the vendor"),
        ("vendor_editor", "partner", "a vendor editor cannot sign for the partner"),
        ("owner", "partner", "a owner cannot sign for the partner"),
        ("viewer", "partner", "a viewer cannot freeze or sign a plan (editors only)"),
        ("viewer", "vendor", "a viewer cannot freeze or sign a plan (editors only)"),
    ],
)
def test_only_an_editor_of_a_side_signs_for_it(
    store: Store, role: str, side: str, reason: str
) -> None:
    plan_id = _plan_at_version_2(store)
    signoff.freeze(store, plan_id, role="vendor_editor", author="Max")
    with pytest.raises(NotAllowedError) as error:
        signoff.sign(store, plan_id, 2, side=side, role=role, name="Eve", title="X")
    assert str(error.value) == reason
    record = signoff.record(store, plan_id, 2)
    assert record is not None
    assert record.signatures == {}


def test_a_viewer_cannot_freeze(store: Store) -> None:
    plan_id = _plan_at_version_2(store)
    with pytest.raises(NotAllowedError):
        signoff.freeze(store, plan_id, role="viewer", author="Eve")
    assert signoff.history(store, plan_id) == []


def test_one_signature_per_side_and_only_on_a_frozen_version(store: Store) -> None:
    plan_id = _plan_at_version_2(store)
    with pytest.raises(SignOffError, match="version 2 was not frozen"):
        signoff.sign(store, plan_id, 2, side="partner", role="partner_editor", name="A", title="B")
    signoff.freeze(store, plan_id, role="vendor_editor", author="Max")
    signoff.sign(store, plan_id, 2, side="partner", role="partner_editor", name="A", title="B")
    with pytest.raises(SignOffError, match=r"the partner has already signed version 2 \(A\)"):
        signoff.sign(store, plan_id, 2, side="partner", role="partner_editor", name="C", title="D")
    with pytest.raises(SignOffError, match="version 2 is already frozen"):
        signoff.freeze(store, plan_id, role="vendor_editor", author="Max")


@pytest.mark.parametrize(
    ("name", "title", "message"),
    [
        ("  ", "CEO", "name: must not be empty"),
        ("A" * 201, "CEO", "name: is longer than 200 characters"),
        ("Anna", "", "title: must not be empty"),
        ("Anna\nBerger", "CEO", "name: must not contain control characters or line breaks"),
    ],
)
def test_a_signature_needs_a_name_and_a_position(
    store: Store, name: str, title: str, message: str
) -> None:
    plan_id = _plan_at_version_2(store)
    signoff.freeze(store, plan_id, role="vendor_editor", author="Max")
    with pytest.raises(SignOffError, match=message):
        signoff.sign(
            store, plan_id, 2, side="partner", role="partner_editor", name=name, title=title
        )


def test_freeze_refuses_a_version_changed_since_the_editor_looked(store: Store) -> None:
    plan_id = _plan_at_version_2(store)
    with pytest.raises(SignOffError, match=r"changed since version 1 \(now version 2\)"):
        signoff.freeze(store, plan_id, role="vendor_editor", author="Max", expected_version=1)
    assert signoff.freeze(
        store, plan_id, role="vendor_editor", author="Max", expected_version=2
    ).open


def test_withdrawing_a_freeze_lets_edits_resume_and_a_new_freeze_starts_clean(
    store: Store,
) -> None:
    plan_id = _plan_at_version_2(store)
    signoff.freeze(store, plan_id, role="vendor_editor", author="Max")
    signoff.sign(store, plan_id, 2, side="partner", role="partner_editor", name="A", title="B")
    withdrawn = signoff.withdraw(store, plan_id, role="partner_editor", author="Anna")
    assert (withdrawn.status, withdrawn.withdrawn_by) == ("withdrawn", "Anna")
    with pytest.raises(SignOffError, match="version 2 is withdrawn"):
        signoff.sign(store, plan_id, 2, side="vendor", role="vendor_editor", name="M", title="R")
    again = signoff.freeze(store, plan_id, role="vendor_editor", author="Max")
    assert again.open
    assert again.signatures == {}
    signoff.withdraw(store, plan_id, role="vendor_editor", author="Max")
    assert store.apply_edit(plan_id, "revenue.deal_size", 41000, 2, "Anna", "partner").ok
    with pytest.raises(SignOffError, match="no version is frozen"):
        signoff.withdraw(store, plan_id, role="vendor_editor", author="Max")


def test_a_withdrawal_acts_on_the_freeze_the_page_showed_or_on_nothing(
    store: Store, clock: FakeClock
) -> None:
    """Max's page shows version 2 frozen at 09:00. Before his click arrives, Anna withdraws
    it and freezes version 2 again a minute later: his click withdraws nothing (the freeze he
    saw is gone, the new one is not his to drop unseen) and says so; the freeze he now sees
    he can withdraw. A click on a freeze that is gone (withdrawn, or signed by both) refuses
    with the version he saw."""
    plan_id = _plan_at_version_2(store)
    shown = signoff.freeze(store, plan_id, role="vendor_editor", author="Max")
    signoff.withdraw(store, plan_id, role="partner_editor", author="Anna", expected=shown)
    with pytest.raises(SignOffError, match="version 2 is no longer frozen") as gone:
        signoff.withdraw(store, plan_id, role="vendor_editor", author="Max", expected=shown)
    assert (gone.value.key, gone.value.params) == ("withdrawn", {"version": 2})
    clock.advance(60)
    again = signoff.freeze(store, plan_id, role="partner_editor", author="Anna")
    with pytest.raises(SignOffError, match="frozen for sign-off anew") as anew:
        signoff.withdraw(store, plan_id, role="vendor_editor", author="Max", expected=shown)
    assert (anew.value.key, anew.value.params) == ("frozen_anew", {"version": 2, "who": "Anna"})
    assert signoff.pending(store, plan_id) == again  # untouched
    done = signoff.withdraw(store, plan_id, role="vendor_editor", author="Max", expected=again)
    assert (done.status, done.withdrawn_by) == ("withdrawn", "Max")
    # a freeze signed by both meanwhile is not withdrawn either
    clock.advance(60)
    last = signoff.freeze(store, plan_id, role="vendor_editor", author="Max")
    _sign_both(store, plan_id, 2)
    with pytest.raises(SignOffError, match="version 2 is no longer frozen"):
        signoff.withdraw(store, plan_id, role="vendor_editor", author="Max", expected=last)
    record = signoff.record(store, plan_id, 2)
    assert record is not None
    assert record.signed


def test_a_signed_version_cannot_be_withdrawn_or_frozen_again(store: Store) -> None:
    plan_id = _plan_at_version_2(store)
    signoff.freeze(store, plan_id, role="vendor_editor", author="Max")
    _sign_both(store, plan_id, 2)
    with pytest.raises(SignOffError, match="no version is frozen"):
        signoff.withdraw(store, plan_id, role="vendor_editor", author="Max")
    with pytest.raises(SignOffError, match="version 2 is already signed"):
        signoff.freeze(store, plan_id, role="vendor_editor", author="Max")


def test_a_change_after_signing_is_an_amendment_and_the_signed_version_stays(
    store: Store,
) -> None:
    plan_id = _plan_at_version_2(store)
    signed_plan = store.plan_at(plan_id, 2)
    signoff.freeze(store, plan_id, role="vendor_editor", author="Max")
    signed = _sign_both(store, plan_id, 2)
    assert signoff.amendment(store, plan_id) == signoff.Amendment(signed, 2, ())

    assert store.apply_edit(plan_id, "revenue.deal_size", 45000, 2, "Anna", "partner").ok
    assert store.apply_edit(plan_id, "resources.0.fte", 3, 3, "Anna", "partner").ok
    assert store.apply_edit(plan_id, "revenue.deal_size", 40000, 3, "Max", "vendor").ok
    change = signoff.amendment(store, plan_id)
    assert change is not None
    assert change.changed
    assert change.version == 5
    # deal size went 40000 -> 45000 -> 40000: back to the signed value, so only the FTE differs
    assert [(d.path, d.before, d.after) for d in change.differences] == [
        ("resources.0.fte", 2.0, 3.0)
    ]
    assert signoff.signed_plan(store, signed) == signed_plan
    assert content_hash(signoff.signed_plan(store, signed)) == signed.content_hash
    # the amendment can be frozen and signed in turn; both signed versions stay listed
    signoff.freeze(store, plan_id, role="partner_editor", author="Anna")
    second = _sign_both(store, plan_id, 5)
    assert [r.version for r in signoff.history(store, plan_id) if r.signed] == [2, 5]
    assert signoff.last_signed(store, plan_id) == second


# --- the decision in principle in the plan file ----------------------------------------------

DECISION = {"date": "2027-01-04", "partner": "Anna Berger (CEO)", "vendor": "Max Roth"}


def test_a_plan_without_a_decision_hashes_as_before_and_one_with_it_differs() -> None:
    plain = validate(PLAN_DATA)
    assert "decision" not in canonical_json(plain)
    decided = validate({**PLAN_DATA, "decision": DECISION})
    assert content_hash(decided) != content_hash(plain)
    assert decided.decision is not None
    assert decided.decision.note is None


def test_an_unquoted_yaml_date_is_read_as_the_same_decision() -> None:

    text = (
        to_yaml(validate(PLAN_DATA)) + "decision:\n  date: 2027-01-04\n  partner: A\n  vendor: B\n"
    )
    decided = parse(text)
    assert decided.decision is not None
    assert decided.decision.date == "2027-01-04"
    assert parse(to_yaml(decided)) == decided


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date": "2027-02-30"}, "decision.date: '2027-02-30' is not a date as YYYY-MM-DD"),
        ({"date": "04.01.2027"}, "decision.date: '04.01.2027' is not a date as YYYY-MM-DD"),
        ({"partner": ""}, "decision.partner: must not be empty"),
        ({"vendor": "x" * 501}, "decision.vendor: is longer than 500 characters"),
        ({"note": "a\nb"}, "decision.note: must not contain control characters or line breaks"),
        ({"note": "n" * 1001}, "decision.note: is longer than 1000 characters"),
        ({"who": "Anna"}, "decision.who: unknown key (check the spelling)"),
    ],
)
def test_a_bad_decision_is_refused_naming_the_field(change: dict[str, str], message: str) -> None:
    with pytest.raises(PlanError) as error:
        validate({**PLAN_DATA, "decision": {**DECISION, **change}})
    assert [str(p) for p in error.value.problems] == [message]


def test_a_scenario_cannot_change_the_decision() -> None:
    scenario = {"name": "S", "set": {"decision.partner": "Eve"}}
    with pytest.raises(PlanError, match=r"scenarios.S.decision.partner: is not a plan path"):
        validate({**PLAN_DATA, "decision": DECISION, "scenarios": [scenario]})


def test_the_decision_is_an_edit_like_any_other_and_frozen_with_the_plan(store: Store) -> None:
    plan_id = store.create_plan(example_plan(), author="Max", side="vendor")
    assert store.apply_edit(plan_id, "decision", DECISION, 1, "Anna", "partner").ok
    signoff.freeze(store, plan_id, role="owner", author="Max")
    refused = store.apply_edit(plan_id, "decision.note", "later", 2, "Anna", "partner")
    assert refused.status == "refused"
    record = signoff.pending(store, plan_id)
    assert record is not None
    assert record.content_hash == content_hash(store.plan_at(plan_id, 2))
