"""Negotiating in the app (AppTest): the vendor's own rate and each side's hurdles are typed
like any value (German numbers, an empty entry removes an optional one), and the dashboard
shows the value split and the hurdles next to the verdict, to each side as it may see them."""

from __future__ import annotations

import io
from pathlib import Path

from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from planner import access, model, proposals
from planner.store import Store
from planner.ui import collab, session
from tests.app_support import field

ROOT = Path(__file__).resolve().parents[1]


def _page(page: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.session_state[collab.NAME] = "Vera"
    app.switch_page(f"planner/ui/pages/{page}.py").run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def _text(app: AppTest) -> str:
    return "\n".join(m.value for m in app.markdown)


def test_the_vendor_types_its_own_rate_and_an_empty_entry_gives_the_plans_back(
    workspace: Store,
) -> None:
    app = _page("assumptions")
    plan_id = app.session_state[session.PLAN_ID]
    rate = field(app, "vendor_programme.discount_rate")
    assert rate.value == ""
    assert rate.resting.startswith("wie Kalkulationszins")  # left out: the plan's rate applies
    app = rate.set_value("12,5").run()
    assert workspace.plan_at(plan_id).vendor_programme.discount_rate == 0.125
    assert field(app, "vendor_programme.discount_rate").resting == "12,5 %"
    app = field(app, "vendor_programme.discount_rate").set_value("").run()
    assert workspace.plan_at(plan_id).vendor_programme.discount_rate is None
    assert "discount_rate" not in workspace.plan_at(plan_id).to_data()["vendor_programme"]
    assert [c.path for c in workspace.log(plan_id)[1:]] == ["vendor_programme.discount_rate"] * 2


def _anna(store: Store, plan_id: str, page: str) -> AppTest:
    """The partner's CFO by her join link, on ``page``."""
    token = access.create_invite(store, access.owner_access(plan_id), "partner_editor").token
    anna = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    anna.query_params["plan"] = plan_id
    anna.query_params["key"] = token
    anna.session_state[collab.NAME] = "Anna"
    anna.switch_page(f"planner/ui/pages/{page}.py").run()
    assert not anna.exception, [e.message for e in anna.exception]
    return anna


def test_the_partner_types_its_hurdles_and_the_dashboard_checks_them(workspace: Store) -> None:
    vera = _page("assumptions")
    plan_id = vera.session_state[session.PLAN_ID]
    assert field(vera, "hurdles.partner.min_irr").disabled  # the partner's to state
    assert not field(vera, "hurdles.vendor.min_irr").disabled
    anna = _anna(workspace, plan_id, "assumptions")
    assert field(anna, "hurdles.vendor.min_irr").disabled
    anna = field(anna, "hurdles.partner.min_irr").set_value("25").run()
    anna = field(anna, "hurdles.partner.latest_payback_month").set_value("30").run()
    plan = workspace.plan_at(plan_id)
    assert plan.hurdles is not None
    assert plan.hurdles.partner is not None
    assert (plan.hurdles.partner.min_irr, plan.hurdles.partner.latest_payback_month) == (0.25, 30)
    figures = model.figures(plan)
    assert figures["partner"]["irr"] < 0.25  # the example: 18.9 % a year, payback month 34
    assert figures["partner"]["payback_month"] > 30
    for app in (anna, vera):
        app.switch_page("planner/ui/pages/dashboard.py").run()
        text = _text(app)
        assert "Mindestanforderungen des Partners" in text
        assert ":red[:material/cancel:] IRR mindestens 25\u00a0%" in text  # kept on one line
        assert ":red[:material/cancel:] Amortisation spätestens Monat 30" in text
    joint = figures["partner"]["npv"] + figures["vendor"]["npv"]
    share = round(100 * figures["partner"]["npv"] / joint)
    assert f"Partner {share}\u00a0%" in _text(vera)  # the split, worked out from both NPVs


def test_a_partner_without_the_vendors_economics_sees_no_split(workspace: Store) -> None:
    app = _page("dashboard")
    anna = _anna(workspace, app.session_state[session.PLAN_ID], "dashboard")
    assert "Aufteilung des gemeinsamen Kapitalwerts" in _text(app)
    assert "Aufteilung des gemeinsamen Kapitalwerts" not in _text(anna)


def _zone_regions(app: AppTest) -> set[str]:
    """The regions the zone map draws (its ``cells`` data, as sent to the browser)."""
    (cells,) = [
        d.data.data
        for chart in app.get("vega_lite_chart")
        for d in chart.proto.datasets
        if d.name == "cells"
    ]
    return set(convert_arrow_bytes_to_pandas_df(cells)["region"])


def test_the_zone_map_shows_each_side_what_it_may_see_and_applies_the_smallest_change(
    workspace: Store,
) -> None:
    vera = _page("analyses")
    plan_id = vera.session_state[session.PLAN_ID]
    assert _zone_regions(vera) >= {"lohnt sich für beide", "lohnt sich für den Partner"}
    anna = _anna(workspace, plan_id, "analyses")
    assert _zone_regions(anna) <= {
        "lohnt sich für den Partner",
        "lohnt sich für den Partner nicht",
    }
    # a plan that is not mutual: the deal size falls; the map offers the smallest change back
    assert workspace.apply_edit(plan_id, "revenue.deal_size", 30000, 1, "Vera", "vendor").ok
    vera.run()
    assert not model.figures(workspace.plan_at(plan_id))["mutual"]
    assert any("Kleinste Änderung" in w.value for w in vera.warning)
    vera.button(key="analyses.zone.apply").click().run()
    after = workspace.plan_at(plan_id)
    assert model.figures(after)["mutual"]
    assert [c.path for c in workspace.log(plan_id)[2:]] == [
        "revenue.partner_margin",
        "vendor_programme.mdf_rate",
    ]


def test_the_zone_maps_change_applies_what_the_page_showed_or_is_a_conflict(
    workspace: Store,
) -> None:
    """Vera's page offers the smallest change back to a mutual plan; Anna changes the partner
    margin before Vera's click reaches the server (her page is not drawn again). The click
    applies the change Vera saw, based on the versions she saw: the margin is a conflict for her
    to decide, and no change computed from a plan she never saw is written."""
    vera = _page("analyses")
    plan_id = vera.session_state[session.PLAN_ID]
    assert workspace.apply_edit(plan_id, "revenue.deal_size", 30000, 1, "Vera", "vendor").ok
    vera.run()
    assert any("Kleinste Änderung" in w.value for w in vera.warning)
    margin = workspace.plan_at(plan_id).revenue.partner_margin
    version = workspace.field_version(plan_id, "revenue.partner_margin")
    moved = workspace.apply_edit(
        plan_id, "revenue.partner_margin", margin + 0.01, version, "Anna", "partner"
    )
    assert moved.ok
    vera.button(key="analyses.zone.apply").click().run()
    assert not vera.exception, [e.message for e in vera.exception]
    assert [(c.author, c.path) for c in workspace.log(plan_id)[1:]] == [
        ("Vera", "revenue.deal_size"),
        ("Anna", "revenue.partner_margin"),
    ]
    assert [c.path for c in vera.session_state[collab.CONFLICTS]] == ["revenue.partner_margin"]


def test_propose_counter_and_accept_in_two_sessions(workspace: Store) -> None:
    """The vendor proposes 4,5 % MDF with a reason; the partner sees it with its effect,
    counters with 5 %; the vendor accepts: the log holds exactly the accepted change."""
    vera = _page("proposals")
    plan_id = vera.session_state[session.PLAN_ID]
    vera.multiselect(key="proposals.paths").set_value(["vendor_programme.mdf_rate"]).run()
    vera.text_input(key="proposals.value:vendor_programme.mdf_rate").input("4,5")
    vera.text_area(key="proposals.reason").input("Mehr MDF im ersten Jahr")
    vera.button(key="proposals.send").click().run()
    assert not vera.exception, [e.message for e in vera.exception]
    (offer,) = proposals.open_ones(workspace, plan_id)
    assert dict(offer.changes) == {"vendor_programme.mdf_rate": 0.045}
    assert offer.reason == "Mehr MDF im ersten Jahr"

    anna = _anna(workspace, plan_id, "proposals")
    text = _text(anna)
    assert f"Vorschlag {offer.id} von Vera (Hersteller)" in text
    effect = [d.value for d in anna.dataframe if "Mit dem Vorschlag" in d.value.columns]
    assert effect  # both sides' figures now and with the proposal, as the partner may see them
    anna.button(key=f"proposal_counter_{offer.id}").click().run()
    assert anna.text_input(key="proposals.value:vendor_programme.mdf_rate").value == "4,5"
    anna.text_input(key="proposals.value:vendor_programme.mdf_rate").input("5")
    anna.text_area(key="proposals.reason").input("5 % brauchen wir für die Kampagne")
    anna.button(key="proposals.send").click().run()
    assert not anna.exception, [e.message for e in anna.exception]
    (answer,) = proposals.open_ones(workspace, plan_id)
    assert (answer.side, answer.counter_of, dict(answer.changes)) == (
        "partner",
        offer.id,
        {"vendor_programme.mdf_rate": 0.05},
    )
    assert workspace.log(plan_id)[1:] == []  # trading terms writes nothing

    vera.run()
    vera.button(key=f"proposal_accept_{answer.id}").click().run()
    assert not vera.exception, [e.message for e in vera.exception]
    log = workspace.log(plan_id)[1:]
    assert [(c.path, c.new, c.author, c.kind) for c in log] == [
        ("vendor_programme.mdf_rate", 0.05, "Anna", "proposal")
    ]
    assert [p.status for p in proposals.all_of(workspace, plan_id)] == ["countered", "accepted"]
    assert "angenommen von Vera" in _text(vera)
    vera.switch_page("planner/ui/pages/history.py").run()
    story = _text(vera)
    assert f"Vorschlag {offer.id} von Vera (Hersteller)" in story
    assert "Gegenvorschlag von Anna" in story
    assert f"Vorschlag {answer.id} von Anna (Partner)" in story


def test_the_pdf_maps_the_zone_and_records_every_proposal(workspace: Store) -> None:
    """The PDF's negotiation page: the zone, and every proposal with its outcome; a signed
    edition records the proposals as they stood when both sides had signed."""
    import datetime

    import pypdf

    from planner.export.pdf import build_pdf
    from planner.signoff import editions

    app = _page("dashboard")
    plan_id = app.session_state[session.PLAN_ID]
    offer = proposals.propose(
        workspace,
        plan_id,
        {"vendor_programme.mdf_rate": 0.045},
        reason="Mehr MDF im ersten Jahr",
        author="Vera",
        side="vendor",
    )
    proposals.reject(workspace, plan_id, offer.id, reason="Zu wenig", author="Anna", side="partner")
    plan = workspace.plan_at(plan_id)
    everything = proposals.all_of(workspace, plan_id)
    reader = pypdf.PdfReader(io.BytesIO(build_pdf(plan, language="de", proposals=everything)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Zone beidseitigen Interesses" in text
    assert "Dieser Plan liegt in der Zone beidseitigen Interesses." in text
    assert "Mehr MDF im ersten Jahr" in text
    assert "abgelehnt von Anna (Zu wenig)" in " ".join(text.split())
    before = everything[0].created_at - datetime.timedelta(seconds=1)
    assert editions.as_of(everything, before) == []
    still_open = editions.as_of(everything, everything[0].created_at)
    assert [p.status for p in still_open] == ["open"]


def test_a_refused_proposal_says_why_in_german_and_keeps_what_was_typed(
    workspace: Store,
) -> None:
    vera = _page("proposals")
    plan_id = vera.session_state[session.PLAN_ID]
    vera.multiselect(key="proposals.paths").set_value(["vendor_programme.mdf_rate"]).run()
    vera.text_input(key="proposals.value:vendor_programme.mdf_rate").input("4,5")
    vera.button(key="proposals.send").click().run()
    shown = [e.value.replace("\\", "") for e in vera.error]  # markdown escapes dropped
    assert shown == ["Bitte eine kurze Begründung angeben."]
    assert vera.text_input(key="proposals.value:vendor_programme.mdf_rate").value == "4,5"
    vera.text_input(key="proposals.value:vendor_programme.mdf_rate").input("vier")
    vera.text_area(key="proposals.reason").input("Mehr MDF")
    vera.button(key="proposals.send").click().run()
    (message,) = [e.value.replace("\\", "") for e in vera.error]
    assert "„vier“ ist keine Zahl" in message
    assert proposals.all_of(workspace, plan_id) == []


def test_a_return_beyond_a_million_percent_reads_as_such(workspace: Store) -> None:
    """A tiny first-month investment gives the vendor an IRR of 4 * 10^26 (numpy_financial
    agrees); the pages say "> 1.000.000 %" instead of failing to format it."""
    from planner import i18n
    from tests.store_support import example_plan

    plan = example_plan(
        vendor_programme={**example_plan().to_data()["vendor_programme"], "gross_margin": 0.74}
    )
    assert model.figures(plan)["vendor"]["irr"] > 1e26
    workspace.create_plan(plan, author="Vera", side="vendor")
    for page in ("dashboard", "assumptions"):
        app = _page(page)
        assert ">\u00a01.000.000\u00a0%" in [m.value for m in app.metric]
    assert i18n.percent(-5e5, "en", 0) == "<\u00a0-1,000,000%"
    assert i18n.percent(23.198, "de") == "2.319,8\u00a0%"


def test_a_proposal_never_sends_back_a_value_someone_changed_since_it_was_shown(
    workspace: Store,
) -> None:
    """Vera chooses the MDF rate and the deal size; their inputs show the plan's values. Anna
    changes the deal size meanwhile, and Vera, having typed only 4,5 % MDF, sends: the deal size
    her form still shows would undo Anna's change, so nothing is proposed, the refusal names the
    field in German, the untouched input now shows Anna's value and the 4,5 stays. Sent again,
    the proposal holds the MDF rate alone (the deal size is the plan's)."""
    vera = _page("proposals")
    plan_id = vera.session_state[session.PLAN_ID]
    paths = ["vendor_programme.mdf_rate", "revenue.deal_size"]
    vera.multiselect(key="proposals.paths").set_value(paths).run()
    deal = "proposals.value:revenue.deal_size"
    shown = vera.text_input(key=deal).value
    newer = workspace.plan_at(plan_id).revenue.deal_size + 1000
    version = workspace.field_version(plan_id, "revenue.deal_size")
    assert workspace.apply_edit(plan_id, "revenue.deal_size", newer, version, "Anna", "partner").ok
    vera.text_input(key="proposals.value:vendor_programme.mdf_rate").input("4,5")
    vera.text_area(key="proposals.reason").input("Mehr MDF")
    vera.button(key="proposals.send").click().run()
    assert not vera.exception, [e.message for e in vera.exception]
    assert proposals.all_of(workspace, plan_id) == []
    (message,) = [e.value.replace("\\", "") for e in vera.error]
    assert message.startswith("Listenpreis je Abschluss: seit der Wert hier erschien, wurde er")
    assert vera.text_input(key=deal).value not in ("", shown)  # Anna's value, as typed in German
    assert vera.text_input(key="proposals.value:vendor_programme.mdf_rate").value == "4,5"
    vera.button(key="proposals.send").click().run()
    (offer,) = proposals.all_of(workspace, plan_id)
    assert dict(offer.changes) == {"vendor_programme.mdf_rate": 0.045}
