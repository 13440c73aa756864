"""The typed-value input's commits: what the browser sends is checked before anything is
written (``planner.ui.live_input``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from planner.store import Store
from planner.ui import collab, session
from planner.ui.live_input import NAME, Commit, commit_of
from tests.app_support import field, open_tab, send_commit, type_into

ROOT = Path(__file__).resolve().parents[1]
DEAL = "revenue.deal_size"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"text": "45.000", "version": 3, "showed": "42.000"}, Commit("45.000", 3, "42.000")),
        ({"text": "", "version": 0, "showed": "1"}, Commit("", 0, "1")),
        ({"text": "x" * 500, "version": 1, "showed": ""}, Commit("x" * 200, 1, "")),
        (None, None),
        ("45.000", None),
        ({"text": 45000, "version": 3, "showed": "42.000"}, None),
        ({"text": "45.000", "version": "3", "showed": "42.000"}, None),
        ({"text": "45.000", "version": True, "showed": "42.000"}, None),
        ({"text": "45.000", "version": -1, "showed": "42.000"}, None),
        ({"text": "45.000", "version": 3}, None),
    ],
)
def test_a_commit_is_taken_only_in_its_own_shape(payload: Any, expected: Commit | None) -> None:
    assert commit_of(payload) == expected


@pytest.mark.parametrize(
    "payload",
    [
        "47.000",
        {"text": 47000, "version": 1, "showed": "42.000"},
        {"text": "47.000", "version": "1", "showed": "42.000"},
        {"text": "47.000", "showed": "42.000"},
        [1, 2, 3],
    ],
)
def test_a_malformed_commit_writes_nothing_and_breaks_nothing(
    workspace: Store, payload: Any
) -> None:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    app.text_input(key=collab.NAME_INPUT).input("Vera").run()
    app.switch_page("planner/ui/pages/assumptions.py").run()
    plan_id = app.session_state[session.PLAN_ID]
    send_commit(app, field(app, DEAL).id, payload)
    assert not app.exception, [e.message for e in app.exception]
    assert workspace.log(plan_id)[1:] == []
    assert field(app, DEAL).value == "42.000"
    type_into(app, DEAL, "47.000")  # the input still works
    assert workspace.plan_at(plan_id).revenue.deal_size == 47000


def test_at_rest_amounts_carry_their_currency_and_shares_a_percent_sign(workspace: Store) -> None:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.switch_page("planner/ui/pages/assumptions.py").run()
    deal, churn = field(app, DEAL), field(app, "revenue.monthly_churn")
    # the example: 42,000 EUR deal size, 0.8 % churn a month; edited as 42.000 and 0,8
    assert (deal.value, deal.resting) == ("42.000", "42.000\xa0€")
    assert (churn.value, churn.resting) == ("0,8", "0,8 %")
    assert field(app, "revenue.deals_per_sales_fte_month").resting == "0,8"


@pytest.mark.parametrize(
    ("path", "typed", "refusal", "values"),
    [
        # the list price is an amount in EUR: a percentage or dollars are not a price in euros
        (DEAL, "45 %", "ui.field.percent_in_amount", {"currency": "EUR"}),
        (DEAL, "54.000 $", "ui.field.foreign_currency", {"sign": "$", "currency": "EUR"}),
        # the partner margin is a share: an amount is not a share
        ("revenue.partner_margin", "30 €", "ui.field.currency_in_share", {}),
        # a count takes no unit
        ("revenue.deals_per_sales_fte_month", "2 %", "ui.field.unit_in_number", {"sign": "%"}),
    ],
)
def test_a_number_with_a_unit_its_field_does_not_take_is_refused_at_the_field(
    workspace: Store, path: str, typed: str, refusal: str, values: dict[str, str]
) -> None:
    from planner import i18n
    from planner.ui.text import plain

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    app.text_input(key=collab.NAME_INPUT).input("Vera").run()
    app.switch_page("planner/ui/pages/assumptions.py").run()
    plan_id = app.session_state[session.PLAN_ID]
    before = field(app, path).value
    type_into(app, path, typed)
    assert workspace.log(plan_id)[1:] == []  # nothing written
    said = i18n.t(refusal, "de", field=i18n.label(path, "de"), text=typed, **values)
    assert plain(said) in next(e.value for e in app.error)  # shown literally, in markdown
    assert field(app, path).value == before


@pytest.mark.parametrize(
    ("path", "typed", "stored"),
    [
        (DEAL, "45.000 €", 45000.0),
        (DEAL, "50 000", 50000.0),  # a space groups thousands as a no-break space does
        (DEAL, "50\xa0001", 50001.0),
        (DEAL, "-0", 0.0),  # minus zero is zero, shown "0 €" and never "-0 €"
        ("revenue.partner_margin", "30 %", 0.3),
    ],
)
def test_a_number_with_its_own_unit_or_grouped_by_spaces_is_stored(
    workspace: Store, path: str, typed: str, stored: float
) -> None:
    from planner.plan.paths import get_value

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    app.text_input(key=collab.NAME_INPUT).input("Vera").run()
    app.switch_page("planner/ui/pages/assumptions.py").run()
    plan_id = app.session_state[session.PLAN_ID]
    type_into(app, path, typed)
    assert not app.error, [e.value for e in app.error]
    value = get_value(workspace.plan_at(plan_id), path)
    assert value == stored
    assert str(value) == str(stored)
    if stored == 0:
        assert field(app, path).resting == "0\xa0€"


def test_the_inputs_script_is_a_file_the_browser_fetches_once(workspace: Store) -> None:
    """Every input of a run carries its component's script and style: as text they were about
    14 KB per input (308 of the 333 KB the assumptions page sent per run); as files, each
    input names them and the browser fetches them once from Streamlit's component route."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.switch_page("planner/ui/pages/assumptions.py").run()
    open_tab(app, "revenue.deal_size")  # only the open tab runs
    assert not app.exception, [e.message for e in app.exception]
    inputs = [e.proto for e in app.get("bidi_component") if e.proto.component_name == NAME]
    assert len(inputs) >= 9  # the revenue tab's nine values, and more
    for proto in inputs:
        assert (proto.js_source_path, proto.css_source_path) == ("live_input.js", "live_input.css")
        assert proto.js_content == ""
        assert proto.css_content == ""
    assert field(app, DEAL).value == "42.000"  # and the input works as before
