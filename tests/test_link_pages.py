"""Whoever comes by a join link uses the same pages as the vendor's workspace, as their side
sees the plan (AppTest): every page renders in German and English, nothing private to the
vendor reaches a partner's or viewer's page, a viewer changes nothing, and the owner's pages
(plans, templates, invites) stay the owner's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner import access, i18n
from planner.model import evaluate
from planner.policy import RULES
from planner.store import Store
from planner.ui import collab, state
from tests.app_support import each_tab, field, local_app, open_tab, pick_inputs, typed_inputs
from tests.store_support import example_plan

ROOT = Path(__file__).resolve().parents[1]
PAGES = (
    "dashboard",
    "assumptions",
    "analyses",
    "proposals",
    "onboarding",
    "history",
    "export",
    "signoff",
)
MARGIN, PM_FTE, PM_COST = 0.8537, 0.3713, 123457.0
"""The vendor's private values: distinctive, so any form of them on a page is found."""
RANGE_LOW, SCENARIO_MARGIN = 0.8111, 0.7777
"""The vendor's uncertainty range and a scenario value of its private margin."""


def secret_forms() -> list[str]:
    """Every way the vendor's private values could be written on a page (either language)."""
    forms = []
    for value in (MARGIN, PM_FTE, RANGE_LOW, SCENARIO_MARGIN):
        forms += [repr(value), f"{value * 100:.2f}", f"{value * 100:.2f}".replace(".", ",")]
        forms += [repr(value).replace(".", ",")]
    forms += ["123457", "123.457", "123,457"]
    return forms


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Store, str]]:
    with local_app(tmp_path, monkeypatch):
        store = Store(policy=RULES)
        plan = example_plan(
            vendor_programme={
                "mdf_rate": 0.03,
                "gross_margin": MARGIN,
                "partner_manager_fte": PM_FTE,
                "partner_manager_annual_cost": PM_COST,
            },
            uncertainty=[
                {
                    "path": "vendor_programme.gross_margin",
                    "distribution": "uniform",
                    "low": RANGE_LOW,
                    "high": 0.8999,
                },
                {
                    "path": "revenue.deal_size",
                    "distribution": "triangular",
                    "low": 30000,
                    "likely": 42000,
                    "high": 50000,
                },
            ],
            scenarios=[
                {
                    "name": "Niedrige Marge",
                    "set": {"vendor_programme.gross_margin": SCENARIO_MARGIN},
                }
            ],
        )
        yield store, store.create_plan(plan, author="Vera", side="vendor")
        store.close()


def by_link(plan_id: str, token: str, name: str, language: str, page: str = "") -> AppTest:
    """A session opened by a join link, its person named, on ``page`` (the first page when
    empty: there it gives the name)."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.query_params["plan"] = plan_id
    app.query_params["key"] = token
    app.session_state[state.LANGUAGE] = language
    if page:
        app.session_state[collab.NAME] = name
        app.switch_page(f"planner/ui/pages/{page}.py").run()
    else:
        app.run()
        app.text_input(key=collab.NAME_INPUT).input(name).run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def tr_view(view: str, language: str) -> str:
    """The title of one of the dashboard's tabs."""
    return i18n.t(f"ui.dashboard.tab_{view}", language)


def page_text(app: AppTest) -> str:
    """Everything the page sends to the browser, tables included."""
    tables = [d.value.to_string() for d in app.dataframe]
    return str(app._tree) + "\n".join(tables)


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("role", ["partner_editor", "viewer"])
def test_every_page_opens_for_a_link_without_the_vendors_private_values(
    shared: tuple[Store, str], role: str, language: str
) -> None:
    store, plan_id = shared
    token = access.create_invite(store, access.owner_access(plan_id), role).token
    vendor_npv = evaluate(store.plan_at(plan_id)).kpis["vendor"]["npv"]
    hidden = [*secret_forms(), i18n.money(vendor_npv, "EUR", language)]
    for page in PAGES:
        app = by_link(plan_id, token, "Anna", language, page)
        text = page_text(app)
        assert app.title, page  # the page drew its heading
        if page == "dashboard":  # only the open tab runs: the charts' and the P&L's too
            for view in state.DASHBOARD_VIEWS[1:]:
                app.session_state[state.DASHBOARD_VIEW] = tr_view(view, language)
                app.run()
                assert not app.exception, [e.message for e in app.exception]
                text += page_text(app)
            assert app.dataframe  # the P&L was drawn
        if page == "assumptions":  # only the open tab's fields and tables run: every tab
            for _ in each_tab(app):
                assert not app.exception, [e.message for e in app.exception]
                text += page_text(app)
        leaked = [form for form in hidden if form in text]
        assert not leaked, (page, leaked)


def test_the_assumptions_are_the_workspaces_inputs_read_only_for_a_viewer(
    shared: tuple[Store, str],
) -> None:
    store, plan_id = shared
    partner = access.create_invite(store, access.owner_access(plan_id), "partner_editor").token
    anna = by_link(plan_id, partner, "Anna", "de", "assumptions")
    otto = by_link(
        plan_id,
        access.create_invite(store, access.owner_access(plan_id), "viewer").token,
        "Otto",
        "de",
    )
    otto.switch_page("planner/ui/pages/assumptions.py").run()
    # only the open tab's inputs run: counted over every tab
    annas = sum(len(typed_inputs(anna)) for _ in each_tab(anna))
    otto_inputs, picks = [], []
    for _ in each_tab(otto):
        otto_inputs += typed_inputs(otto)
        picks += [p for p in pick_inputs(otto) if p.key.startswith(state.FIELD_PREFIX)]
    assert annas == len(otto_inputs) > 15
    assert not field(anna, "revenue.deal_size").disabled
    assert all(i.disabled for i in otto_inputs)
    assert picks  # the switch and the choices
    assert all(p.disabled for p in picks)
    open_tab(anna, "vendor_programme.gross_margin")
    assert anna.text_input(key="private:vendor_programme.gross_margin").value == "privat"
    field(otto, "revenue.deal_size").set_value("50.000").run()  # a viewer's browser tries
    assert store.plan_at(plan_id).revenue.deal_size == 42000
    assert [r.author for r in store.log(plan_id)[1:]] == []


def test_plans_templates_and_invites_stay_the_owners(shared: tuple[Store, str]) -> None:
    store, plan_id = shared
    partner = access.create_invite(store, access.owner_access(plan_id), "partner_editor").token
    anna = by_link(plan_id, partner, "Anna", "de")
    assert [t.value for t in anna.title] == [i18n.t("ui.dashboard.title", "de")]
    for owner_page in ("start", "share"):  # not among the pages of a link's session at all
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            anna.switch_page(f"planner/ui/pages/{owner_page}.py")


def test_the_amendment_of_a_signed_plan_shows_the_partner_no_private_value(
    shared: tuple[Store, str],
) -> None:
    """The sign-off page lists what changed since the signed version: a change of the vendor's
    margin shows as a private change, never as its old and new value."""
    from planner.signoff import records as signoff

    store, plan_id = shared
    signoff.freeze(store, plan_id, role="owner", author="Vera")
    for side, role in (("partner", "partner_editor"), ("vendor", "owner")):
        signoff.sign(store, plan_id, 1, side=side, role=role, name="Anna", title="CEO")
    assert store.apply_edit(
        plan_id, "vendor_programme.gross_margin", 0.7531, 1, "Vera", "vendor"
    ).ok
    assert store.apply_edit(plan_id, "revenue.deal_size", 43000, 2, "Vera", "vendor").ok
    token = access.create_invite(store, access.owner_access(plan_id), "partner_editor").token
    app = by_link(plan_id, token, "Anna", "de", "signoff")
    text = page_text(app)
    leaked = [f for f in [*secret_forms(), "0.7531", "75,31", "75.31"] if f in text]
    assert not leaked
    (table,) = [d.value for d in app.dataframe if "Freigegeben" in "".join(d.value.columns)]
    rows = table.to_dict("records")
    assert len(rows) == 2
    assert [r for r in rows if "privat" in str(r.values())], rows


def test_a_name_entered_is_handed_to_the_browser_once_and_never_put_in_the_address(
    shared: tuple[Store, str],
) -> None:
    store, plan_id = shared
    token = access.create_invite(store, access.owner_access(plan_id), "partner_editor").token
    app = by_link(plan_id, token, "Anna <b>", "de")
    scripts = [str(e.proto) for e in app.get("html") if "document.cookie" in str(e.proto)]
    assert len(scripts) == 1
    assert "Anna \\\\u003cb\\\\u003e" in scripts[0]  # the name as data: no markup character left
    assert collab.REMEMBER not in app.session_state
    assert "Anna" not in str(dict(app.query_params))
    app.run()  # the next run hands it over no more
    assert not [e for e in app.get("html") if "document.cookie" in str(e.proto)]
