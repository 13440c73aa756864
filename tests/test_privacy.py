"""Party-private data: plan views, figures, tables, change log and notes per side."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from planner import privacy, privacy_writes
from planner.model import evaluate
from planner.plan.files import load
from planner.plan.validation import validate, with_values
from planner.store import Store, lookup
from tests.factories import ROOT
from tests.store_support import PLAN_DATA, clock, database_url, example_plan, store

__all__ = ["clock", "database_url", "store"]

MARGIN = 0.8537  # an unmistakable vendor gross margin to search every output for


def _secret_plan(**private: Any) -> Any:
    data = json.loads(json.dumps(PLAN_DATA))
    data["vendor_programme"]["gross_margin"] = MARGIN
    data["scenarios"][0]["set"]["vendor_programme.gross_margin"] = MARGIN - 0.1
    if private:
        data["private"] = private
    return validate(data)


def test_without_a_private_block_the_vendor_keeps_margin_and_partner_manager_private() -> None:
    plan = _secret_plan()
    assert privacy.private_paths(plan) == {
        "vendor": (
            "vendor_programme.gross_margin",
            "vendor_programme.partner_manager_fte",
            "vendor_programme.partner_manager_annual_cost",
        ),
        "partner": (),
    }
    shown = privacy.view(plan, "partner")
    assert shown.get("vendor_programme.gross_margin") is None
    assert shown.get("vendor_programme.partner_manager_annual_cost") is None
    assert shown.get("vendor_programme.mdf_rate") == 0.03
    # a scenario that sets the margin shows that it does, not to what
    assert shown.get("scenarios.0.set") == {
        "revenue.deal_size": 30000,
        "vendor_programme.gross_margin": None,
    }
    assert "scenarios.0.set.vendor_programme.gross_margin" in shown.hidden
    assert not shown.economics
    vendor = privacy.view(plan, "vendor")
    assert vendor.data == plan.to_data()
    assert vendor.hidden == ()


def test_each_side_hides_its_own_list_and_a_viewer_sees_neither() -> None:
    plan = _secret_plan(
        vendor=["vendor_programme.gross_margin"], partner=["resources.0.annual_cost"]
    )
    assert privacy.view(plan, "vendor").get("resources.0.annual_cost") is None
    assert privacy.view(plan, "vendor").get("vendor_programme.gross_margin") == MARGIN
    assert privacy.view(plan, "partner").get("resources.0.annual_cost") == 115000
    assert privacy.view(plan, "partner").get("vendor_programme.partner_manager_fte") == 0.3
    viewer = privacy.view(plan, "viewer")
    assert viewer.get("resources.0.annual_cost") is None
    assert viewer.get("vendor_programme.gross_margin") is None


def test_the_partner_never_finds_the_vendor_margin_anywhere(store: Store) -> None:
    plan = _secret_plan()
    plan_id = store.create_plan(plan, author="Vera", side="vendor")
    store.apply_edit(plan_id, "vendor_programme.gross_margin", MARGIN + 0.01, 1, "Vera", "vendor")
    store.apply_edit(plan_id, "vendor_programme.gross_margin", MARGIN, 2, "Vera", "vendor")
    store.add_note(plan_id, "vendor_programme.gross_margin", "secret", author="Vera", side="vendor")
    current = store.plan_at(plan_id)
    outcome = evaluate(current)
    figures = privacy.visible_figures(current, outcome.kpis, "partner")
    table = privacy.visible_table(outcome.monthly, current, "partner")
    log = privacy.visible_log(current, store.log(plan_id), "partner")
    notes = privacy.visible_notes(current, store.notes(plan_id), "partner")
    diff = privacy.visible_differences(
        current, store.plan_at(plan_id, 1).to_data(), store.plan_at(plan_id, 2).to_data(), "partner"
    )
    everything = json.dumps(
        [privacy.view(current, "partner").data, figures, [(c.old, c.new) for c in log]]
        + [n.body for n in notes]
        + [(d.before, d.after) for d in diff],
        default=repr,
    )
    assert str(MARGIN) not in everything
    assert str(MARGIN + 0.01) not in everything
    assert "vendor_cash_flow" not in table.columns
    assert "vendor_revenue" in table.columns  # the partner's sell-in: no secret
    # who changed what stays visible, with the values masked
    assert [(c.path, c.masked) for c in log] == [
        ("", True),
        ("vendor_programme.gross_margin", True),
        ("vendor_programme.gross_margin", True),
    ]
    assert log[0].new["revenue"]["deal_size"] == 42000
    # the vendor sees it all
    assert privacy.visible_log(current, store.log(plan_id), "vendor")[1].new == MARGIN + 0.01


def test_vendor_figures_are_shown_to_the_partner_only_when_the_vendor_shares_them() -> None:
    plan = _secret_plan()
    figures = evaluate(plan).kpis
    hidden = privacy.visible_figures(plan, figures, "partner")
    assert set(hidden["vendor"]) == {"revenue"}
    assert "mutual" not in hidden  # it would tell the sign of the vendor's NPV
    assert hidden["partner"] == figures["partner"]
    shared = validate({**plan.to_data(), **privacy.sharing_edits(plan, True)})
    assert privacy.shares_economics(shared)
    # "private" wins: the vendor's gross profit / revenue is its margin, its cost holds the
    # partner manager's, so while they are private the shared economics stay hidden
    assert privacy.economics_would_reveal(shared, "partner") == privacy.DEFAULT_VENDOR_PRIVATE
    assert privacy.visible_figures(shared, figures, "partner") == hidden
    open_book = with_values(shared, privacy.privacy_edits(shared, "vendor", []))
    assert privacy.visible_figures(open_book, figures, "partner") == figures
    assert privacy.visible_columns(open_book, "viewer") == privacy.visible_columns(
        open_book, "vendor"
    )
    # a private own rate would be exact from the NPV: it alone keeps them hidden too
    own_rate = with_values(
        open_book,
        {
            "vendor_programme.discount_rate": 0.114,
            **privacy.privacy_edits(open_book, "vendor", ["vendor_programme.discount_rate"]),
        },
    )
    assert privacy.visible_figures(own_rate, figures, "partner") == hidden
    # a private hurdle is no input of the figures: the economics show, the hurdle does not
    hurdle = with_values(
        open_book,
        {
            "hurdles": {"vendor": {"min_irr": 0.221}},
            **privacy.privacy_edits(open_book, "vendor", ["hurdles.vendor"]),
        },
    )
    assert privacy.visible_figures(hurdle, figures, "partner") == figures
    assert privacy.view(hurdle, "partner").is_hidden("hurdles.vendor.min_irr")


def test_vendor_economics_in_actuals_are_hidden_with_the_figures() -> None:
    plan = _secret_plan()
    data = plan.to_data()
    data["actuals"] = [{"month": 1, "revenue": 1000, "vendor_cost": 777}]
    shown = privacy.view(validate(data), "partner")
    assert shown.get("actuals.0") == {"month": 1, "revenue": 1000.0, "vendor_cost": None}
    assert not privacy.may_edit(validate(data), "actuals", "partner")
    assert privacy.may_edit(validate(data), "actuals", "vendor")


def test_actuals_rows_keep_the_vendors_hidden_columns_whatever_the_partner_sends(
    store: Store,
) -> None:
    """The partner saves the actuals with the vendor's cost of month 1 (hidden from it) as
    stored, as a guess, left out or ``None``: its own revenue is saved each time, the vendor's
    cost stays 777, and it is told the same; a new month's row may not carry the hidden column
    (refused for the column, whatever its value)."""
    data = _secret_plan().to_data()
    data["actuals"] = [{"month": 1, "revenue": 1000, "vendor_cost": 777}]
    plan_id = store.create_plan(validate(data), author="Vera", side="vendor")
    told = []
    for number, cost in enumerate(
        ({"vendor_cost": 777}, {"vendor_cost": 5}, {}, {"vendor_cost": None})
    ):
        rows = [{"month": 1, "revenue": 1001 + number, **cost}]
        result = store.apply_edit(plan_id, "actuals", rows, 1 + number, "Anna", "partner")
        told.append((result.status, result.message, result.problems))
        assert store.plan_at(plan_id).actuals == [
            {"month": 1, "revenue": 1001.0 + number, "vendor_cost": 777.0}
        ]
    assert told == [("accepted", "", ())] * 4
    for guess in (777, 5):
        rows = [{"month": 1, "revenue": 1004}, {"month": 2, "revenue": 9, "vendor_cost": guess}]
        refused = store.apply_edit(plan_id, "actuals", rows, 5, "Anna", "partner")
        assert (refused.status, refused.message) == (
            "refused",
            "actuals[2].vendor_cost is private to the other side: it cannot be changed, added or"
            " deleted",
        )


def test_the_store_refuses_edits_of_the_other_sides_private_data(store: Store) -> None:
    plan_id = store.create_plan(_secret_plan(), author="Vera", side="vendor")
    hidden = privacy.hidden_values(
        store.plan_at(plan_id), store.plan_at(plan_id).to_data(), "partner"
    )
    assert store.apply_edit(
        plan_id, "vendor_programme.gross_margin", 0.5, 1, "Anna", "partner"
    ).status == ("refused")
    # a block sent without the hidden values keeps them (what is sent for them is ignored): the
    # programme without its required MDF rate is invalid for that visible field alone ...
    emptied = store.apply_edit(plan_id, "vendor_programme", {}, 1, "Anna", "partner")
    assert (emptied.status, [p.path for p in emptied.problems]) == (
        "invalid",
        ["vendor_programme.mdf_rate"],
    )
    # ... and a scenario emptied by the partner keeps the vendor's entries
    assert store.apply_edit(plan_id, "scenarios.0.set", {}, 1, "Anna", "partner").ok
    now = store.plan_at(plan_id)
    assert privacy.hidden_values(now, now.to_data(), "partner") == hidden
    share = privacy.sharing_edits(store.plan_at(plan_id), True)
    ((path, value),) = share.items()
    assert store.apply_edit(plan_id, path, value, 2, "Anna", "partner").status == "refused"
    assert store.apply_edit(plan_id, path, value, 2, "Vera", "vendor").status == "accepted"
    own = privacy.privacy_edits(store.plan_at(plan_id), "partner", ["resources.0.annual_cost"])
    ((path, value),) = own.items()
    assert store.apply_edit(plan_id, path, value, 3, "Vera", "vendor").status == "refused"
    assert store.apply_edit(plan_id, path, value, 3, "Anna", "partner").status == "accepted"
    assert store.apply_edit(plan_id, "resources.0.annual_cost", 1, 4, "Vera", "vendor").status == (
        "refused"
    )
    assert privacy.private_paths(store.plan_at(plan_id))["partner"] == ("resources.0.annual_cost",)


def _leaves(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Every leaf of plain data with its dotted path (a scenario's keys are paths: leaves)."""
    if isinstance(data, dict) and prefix.startswith("scenarios.") and prefix.endswith(".set"):
        return [(f"{prefix}.{key}", value) for key, value in data.items()]
    if isinstance(data, dict):
        items: Any = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return [(prefix, data)]
    out = []
    for key, value in items:
        out += _leaves(value, f"{prefix}.{key}" if prefix else str(key))
    return out


def _get(data: Any, path: str) -> Any:
    parts = path.split(".", 3)
    if parts[0] == "scenarios" and len(parts) == 4:
        return data["scenarios"][int(parts[1])]["set"][parts[3]]
    return lookup(data, path)


_PATHS = sorted(
    {p for p, _ in _leaves(PLAN_DATA)} | {"resources", "vendor_programme", "revenue", "resources.1"}
)
_LEAVES = [p for p in _PATHS if not p.startswith(("scenarios", "version", "title"))]


@settings(max_examples=60, deadline=None)
@given(
    vendor=st.lists(st.sampled_from(_LEAVES), max_size=5, unique=True),
    partner=st.lists(st.sampled_from(_LEAVES), max_size=5, unique=True),
    audience=st.sampled_from(privacy.AUDIENCES),
)
def test_a_view_masks_exactly_the_other_sides_paths(
    vendor: list[str], partner: list[str], audience: str
) -> None:
    plan = example_plan(private={"vendor": vendor, "partner": partner})
    shown = privacy.view(plan, audience)
    hidden_paths = privacy.hidden_from(plan, audience)
    full = plan.to_data()
    for path, value in _leaves(full):
        covered = any(path == p or path.startswith(p + ".") for p in hidden_paths)
        in_scenario = path.startswith("scenarios.") and any(
            path.endswith("." + p) or f".set.{p}" in path for p in hidden_paths
        )
        if covered or in_scenario:
            assert _get(shown.data, path) is None, path
        elif not any(h == path or path.startswith(h + ".") for h in shown.hidden):
            assert _get(shown.data, path) == value, path
    for path in hidden_paths:
        assert not privacy.may_edit(plan, path, audience)


def test_each_side_sets_only_its_own_objectives_the_store_refuses_the_others(store: Store) -> None:
    partner_goal = {"name": "Zertifizierte Vertriebler", "kind": "certification", "side": "partner"}
    partner_goal["targets"] = [{"quarter": "Q1-2027", "count": 2}]
    plan_id = store.create_plan(
        example_plan(objectives=[partner_goal]), author="Vera", side="vendor"
    )
    vendor_goal = {"name": "Gemeinsame Webinare", "kind": "custom", "side": "vendor", "targets": []}
    changed = {**partner_goal, "targets": [{"quarter": "Q1-2027", "count": 1}]}
    # the vendor may neither change, remove nor take over the partner's objective ...
    for objectives in (
        [changed],
        [],
        [{**partner_goal, "side": "vendor"}],
        [changed, vendor_goal],
    ):
        result = store.apply_edit(plan_id, "objectives", objectives, 1, "Vera", "vendor")
        assert result.status == "refused", objectives
        assert result.message == "only the partner sets its own objectives"
    result = store.apply_edit(plan_id, "objectives.0.targets.0.count", 1, 1, "Vera", "vendor")
    assert result.status == "refused"
    assert store.version(plan_id) == 1
    # ... but adds its own next to it, and the partner changes its own
    both = [partner_goal, vendor_goal]
    assert store.apply_edit(plan_id, "objectives", both, 1, "Vera", "vendor").status == "accepted"
    assert store.apply_edit(plan_id, "objectives.0", changed, 2, "Anna", "partner").status == (
        "accepted"
    )
    target = [{"quarter": "Q2-2027", "count": 3}]
    refused = store.apply_edit(plan_id, "objectives.1.targets", target, 3, "Anna", "partner")
    assert refused.message == "only the vendor sets its own objectives"
    assert [o.side for o in store.plan_at(plan_id).objectives or []] == ["partner", "vendor"]


def test_a_partner_edit_keeps_the_vendors_hidden_notes_and_is_written():
    # The reseller template's notes explain the vendor's private gross margin (from the YAML
    # comments); the partner's edit of
    # the deal size carries that hidden note as stored (a note's key is a dotted path, so
    # it is read from the notes map, not walked), and the edit is written.
    from planner.policy import RULES

    plan = load(ROOT / "templates" / "reseller.yaml")
    assert plan.notes
    assert plan.notes.get("vendor_programme.gross_margin")
    data = with_values(plan, {"revenue.deal_size": 48000.5}).to_data()
    carried = privacy_writes.carry_hidden(plan, data, "partner")
    assert carried["notes"] == plan.notes
    store = Store("sqlite+pysqlite:///:memory:", policy=RULES)
    plan_id = store.create_plan(plan, author="Vera", side="vendor")
    done = store.apply_edit(plan_id, "revenue.deal_size", 48000.5, 1, "Anna", "partner")
    assert done.ok, done.message
    assert store.plan_at(plan_id).notes == plan.notes


def _hire_cost_private_to_the_partner() -> tuple[Store, str]:
    from planner.plan.schema import Plan
    from planner.policy import RULES

    data = example_plan().to_data()
    data["private"] = {"vendor": [], "partner": ["resources.0.annual_cost"]}
    data["resources"].append(dict(data["resources"][1], role="SC", annual_cost=90_000.0))
    shared = Store("sqlite+pysqlite:///:memory:", policy=RULES)
    return shared, shared.create_plan(Plan.model_validate(data), author="Anna", side="partner")


def test_deleting_a_row_never_hands_a_private_value_to_another_row():
    # Three hires: AE 115,000, PS 95,000, SC 90,000 EUR a year; the AE's cost is private to the
    # partner. The vendor deletes the AE by saving the list without it: carried by its place,
    # the hidden 115,000 would become the PS's cost. It is refused whatever the vendor sends
    # for the hidden cost: a guess, the true value or none.
    shared, plan_id = _hire_cost_private_to_the_partner()
    before = shared.plan_at(plan_id)
    rows = [r.model_dump() for r in before.resources][1:]
    messages = set()
    for guess in (None, 95_000.0, 115_000.0):
        sent = [dict(rows[0], annual_cost=guess), *rows[1:]]
        version = shared.field_version(plan_id, "resources")
        result = shared.apply_edit(plan_id, "resources", sent, version, "Vera", "vendor")
        assert not result.ok
        messages.add(result.message)
    assert len(messages) == 1
    assert "resources.0.annual_cost" in messages.pop()
    assert shared.plan_at(plan_id) == before


def test_deleting_a_row_after_a_private_value_keeps_it_where_it_was():
    # The last hire (SC) goes; the AE's private cost stays with the AE, and the vendor's None
    # for it (as its view shows it) is not written.
    shared, plan_id = _hire_cost_private_to_the_partner()
    before = shared.plan_at(plan_id)
    sent = [r.model_dump() for r in before.resources][:-1]
    sent[0]["annual_cost"] = None
    version = shared.field_version(plan_id, "resources")
    result = shared.apply_edit(plan_id, "resources", sent, version, "Vera", "vendor")
    assert result.ok, result.message
    after = shared.plan_at(plan_id)
    assert [r.role for r in after.resources] == [r.role for r in before.resources][:-1]
    assert [r.annual_cost for r in after.resources] == [115_000.0, 95_000.0]
