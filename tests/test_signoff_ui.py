"""The sign-off panel in the app (AppTest): freeze, both sides sign, signed exports verify."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner import i18n
from planner.access import Access
from planner.policy import RULES
from planner.signoff import records as signoff
from planner.signoff.verify import verify_bytes
from planner.store import Store
from planner.ui import collab, signoff_panel
from tests.app_support import field, local_app, named
from tests.store_support import example_plan


def _app() -> None:
    from planner.ui import collab, session, signoff_panel, state

    state.init(workspace=False)  # as a join link's page sets itself up
    granted = collab.current_access()
    if granted is not None:
        session.attach(granted.plan_id)
    signoff_panel.render()


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Store, str]]:
    with local_app(tmp_path, monkeypatch):
        store = Store(policy=RULES)
        yield store, store.create_plan(example_plan(), author="Vera", side="vendor")
        store.close()


def _session(plan_id: str, role: str, name: str) -> AppTest:
    app = AppTest.from_function(_app, default_timeout=60)
    app.session_state[collab.ACCESS] = Access(plan_id, role)
    app.session_state[collab.NAME] = name
    app.session_state["ui_language"] = "en"
    app.run()
    assert not app.exception, app.exception
    return app


def _sign(app: AppTest, title: str) -> None:
    app.text_input(key=signoff_panel.SIGN_TITLE).input(title)
    app.button(key=signoff_panel.SIGN).click().run()
    assert not app.exception, app.exception


def test_freeze_sign_by_both_sides_and_the_signed_exports_verify(
    shared: tuple[Store, str],
) -> None:
    store, plan_id = shared
    max_ = _session(plan_id, "owner", "Max Roth")
    anna = _session(plan_id, "partner_editor", "Anna Berger")
    eve = _session(plan_id, "viewer", "Eve")
    assert signoff_panel.FREEZE not in [b.key for b in eve.button]  # a viewer cannot freeze

    max_.button(key=signoff_panel.FREEZE).click().run()
    pending = signoff.pending(store, plan_id)
    assert pending is not None
    assert pending.version == 1
    assert any("Version 1 is frozen for sign-off" in i.value for i in max_.info)

    # the partner's page shows the freeze and a form for the partner's signature only
    anna.run()
    assert anna.text_input(key=signoff_panel.SIGN_NAME).value == "Anna Berger"
    _sign(anna, "CEO")
    half = signoff.record(store, plan_id, 1)
    assert half is not None
    assert half.missing() == ("vendor",)
    assert signoff_panel.SIGN not in [b.key for b in anna.button]  # her side has signed

    eve.run()
    assert any("view-only link cannot sign" in i.value for i in eve.info)
    assert signoff_panel.SIGN not in [b.key for b in eve.button]

    max_.run()
    _sign(max_, "Partner Manager")
    done = signoff.last_signed(store, plan_id)
    assert done is not None
    assert done.signed
    vendor = done.signature("vendor")
    assert vendor is not None
    assert (vendor.name, vendor.title) == ("Max Roth", "Partner Manager")
    assert any("Version 1 is signed by both sides" in s.value for s in max_.success)

    max_.button(key=signoff_panel.PREPARE).click().run()
    assert not max_.exception, max_.exception
    pdf, xlsx, bundle = max_.session_state[signoff_panel.EXPORTS][(plan_id, 1, "en", "vendor")]
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:  # the contract archive holds the PDF
        assert archive.read("plan-v1-vendor.pdf") == pdf
        assert json.loads(archive.read("validation.json"))["verified"] is True
    for data in (pdf, xlsx):
        verdict = verify_bytes(data)
        assert verdict.ok, verdict.message
        assert verdict.message.startswith('signed version 1 of "ACME x Nordwind"')


def test_an_edit_while_frozen_is_refused_and_a_later_one_shows_as_an_amendment(
    shared: tuple[Store, str],
) -> None:
    store, plan_id = shared
    signoff.freeze(store, plan_id, role="owner", author="Max")
    refused = store.apply_edit(plan_id, "revenue.deal_size", 45000, 1, "Anna", "partner")
    assert refused.status == "refused"
    for side, role in (("partner", "partner_editor"), ("vendor", "owner")):
        signoff.sign(store, plan_id, 1, side=side, role=role, name=side, title="X")
    assert store.apply_edit(plan_id, "revenue.deal_size", 45000, 1, "Anna", "partner").ok

    max_ = _session(plan_id, "owner", "Max Roth")
    assert any("version 2 differs from signed version 1" in w.value for w in max_.warning)
    table = max_.dataframe[0].value
    assert table.to_dict("records") == [
        {"Assumption": "List price per deal", "Signed": "€42,000", "Now": "€45,000"}
    ]
    # the amendment can be frozen in turn
    assert max_.button(key=signoff_panel.FREEZE).label == "Freeze version 2 for sign-off"


def test_the_decision_in_principle_is_recorded_on_the_shared_plan(
    shared: tuple[Store, str],
) -> None:
    store, plan_id = shared
    anna = _session(plan_id, "partner_editor", "Anna Berger")
    anna.text_input(key=signoff_panel.decision_key("partner", 0)).input("Anna Berger (CEO)")
    anna.text_input(key=signoff_panel.decision_key("vendor", 0)).input("Max Roth (Partner Manager)")
    anna.text_area(key=signoff_panel.decision_key("note", 0)).input("Go ahead\nwith two AEs")
    anna.date_input(key=signoff_panel.decision_key("date", 0)).set_value("2027-01-04")
    submit = next(b for b in anna.button if "Save the decision" in b.label)
    submit.click().run()
    assert not anna.exception, anna.exception
    decision = store.plan_at(plan_id).decision
    assert decision is not None
    assert decision.model_dump() == {
        "date": "2027-01-04",
        "partner": "Anna Berger (CEO)",
        "vendor": "Max Roth (Partner Manager)",
        "note": "Go ahead with two AEs",  # line breaks become spaces (one-line note)
    }
    shown = [m.value for m in anna.markdown]
    assert "Took part \\(partner\\): Anna Berger \\(CEO\\)" in shown  # user text shown literally
    assert "Decision in principle on: 4 January 2027" in shown


def test_the_app_records_the_decision_and_the_dashboard_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PLANNER_DATABASE_URL", raising=False)
    root = Path(__file__).resolve().parents[1]
    app = named(AppTest.from_file(str(root / "app.py"), default_timeout=60))
    app.run()
    app.switch_page(str(root / "planner/ui/pages/signoff.py")).run()
    assert not app.exception, app.exception
    app.text_input(key=signoff_panel.decision_key("partner", 0)).input("Anna Berger (CEO)")
    app.text_input(key=signoff_panel.decision_key("vendor", 0)).input("")  # left empty: refused
    next(b for b in app.button if "speichern" in b.label).click().run()
    # said in the UI language, the field by its label
    said = "Teilnehmer des Herstellers: darf nicht leer sein"
    assert any(said in e.value.replace("\\", "") for e in app.error)
    app.switch_page(str(root / "planner/ui/pages/dashboard.py")).run()
    assert not any("Grundsatzentscheidung" in m.value for m in app.markdown)

    app.switch_page(str(root / "planner/ui/pages/signoff.py")).run()
    app.text_input(key=signoff_panel.decision_key("partner", 0)).input("Anna Berger (CEO)")
    app.text_input(key=signoff_panel.decision_key("vendor", 0)).input("Max Roth")
    next(b for b in app.button if "speichern" in b.label).click().run()
    assert not app.exception, app.exception
    app.switch_page(str(root / "planner/ui/pages/dashboard.py")).run()
    assert not app.exception, app.exception
    shown = [m.value for m in app.markdown]
    assert "Beteiligt \\(Hersteller\\): Max Roth" in shown


def test_the_join_link_page_is_read_only_while_frozen_and_lets_the_partner_sign(
    shared: tuple[Store, str],
) -> None:
    from planner import access

    store, plan_id = shared
    link = access.create_invite(store, access.owner_access(plan_id), "partner_editor")
    root = Path(__file__).resolve().parents[1]
    anna = AppTest.from_file(str(root / "app.py"), default_timeout=60)
    anna.query_params["plan"] = plan_id
    anna.query_params["key"] = link.token
    anna.session_state[collab.NAME] = "Anna Berger"
    anna.run()
    anna.switch_page("planner/ui/pages/assumptions.py").run()
    deal = "revenue.deal_size"
    assert not field(anna, deal).disabled

    signoff.freeze(store, plan_id, role="owner", author="Max")
    anna.run()
    assert field(anna, deal).disabled
    assert any("eingefroren: Die Annahmen sind schreibgeschützt" in i.value for i in anna.info)
    anna.switch_page("planner/ui/pages/signoff.py").run()
    _sign(anna, "CEO")
    record = signoff.record(store, plan_id, 1)
    assert record is not None
    assert record.missing() == ("vendor",)


def test_a_freeze_clicked_as_the_plan_moves_on_freezes_nothing_and_says_why(
    shared: tuple[Store, str],
) -> None:
    """Max's page offers to freeze version 1; Anna's edit makes version 2 before his click
    reaches the server (his page is not drawn again). The click freezes the version he saw or
    nothing: here nothing, with the reason in the UI language, and a second click on the page
    drawn anew freezes version 2."""
    store, plan_id = shared
    max_ = _session(plan_id, "owner", "Max Roth")
    assert max_.button(key=signoff_panel.FREEZE).label == "Freeze version 1 for sign-off"
    assert store.apply_edit(plan_id, "revenue.deal_size", 41_000, 1, "Anna", "partner").ok
    max_.button(key=signoff_panel.FREEZE).click().run()
    assert not max_.exception, max_.exception
    assert signoff.pending(store, plan_id) is None
    (said,) = [e.value.replace("\\", "") for e in max_.error]  # markdown escapes dropped
    assert said == i18n.t("signoff.ui.refusal.moved", "en", seen=1, version=2)
    assert max_.button(key=signoff_panel.FREEZE).label == "Freeze version 2 for sign-off"
    max_.button(key=signoff_panel.FREEZE).click().run()
    pending = signoff.pending(store, plan_id)
    assert pending is not None
    assert pending.version == 2


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "Funktion: darf nicht leer sein."),  # the form's label of the title, German
        ("en", "Position: must not be empty."),
    ],
)
def test_a_sign_refused_says_why_in_the_ui_language_naming_the_forms_input(
    shared: tuple[Store, str], language: str, expected: str
) -> None:
    """Signing without a title is refused in the session's language, by the input's name as
    the form shows it (it read "title: must not be empty" in a German session)."""
    store, plan_id = shared
    max_ = _session(plan_id, "owner", "Max Roth")
    max_.button(key=signoff_panel.FREEZE).click().run()
    max_.session_state["ui_language"] = language
    max_.run()
    _sign(max_, "")
    (said,) = [e.value.replace("\\", "") for e in max_.error]
    assert said == expected
    pending = signoff.pending(store, plan_id)
    assert pending is not None
    assert pending.status == "frozen"  # nothing signed


def test_every_reason_a_sign_off_step_gives_has_a_text_in_both_languages() -> None:
    """Each reason key the steps raise (read from their source) has a German and an English
    text, so no refusal falls back to the store's English."""
    import re

    source = Path(signoff.__file__).read_text(encoding="utf-8")
    keys = set(re.findall(r'^\s+"([a-z_]+)",$', source, flags=re.MULTILINE))
    keys |= set(re.findall(r'\), "([a-z_]+)"', source))
    keys |= set(re.findall(r'", "([a-z_]+)", ', source))
    assert {"moved", "frozen", "not_frozen", "empty", "editors_only", "side_signed"} <= keys
    assert {"withdrawn", "frozen_anew"} <= keys  # a withdrawal that met another one's step
    for key in keys:
        for language in ("de", "en"):
            assert i18n.t(f"signoff.ui.refusal.{key}", language)


def test_a_withdrawal_clicked_after_the_other_side_froze_anew_withdraws_nothing_and_says_why(
    shared: tuple[Store, str],
) -> None:
    """Max's page shows version 1 frozen by himself. Anna withdraws it and freezes it again
    before his click reaches the server (his page is not drawn again): his click withdraws
    the freeze he saw or nothing, here nothing, with the reason in the UI language; on the
    page drawn anew his click withdraws Anna's freeze."""
    store, plan_id = shared
    max_ = _session(plan_id, "owner", "Max Roth")
    max_.button(key=signoff_panel.FREEZE).click().run()
    shown = signoff.pending(store, plan_id)
    assert shown is not None
    signoff.withdraw(store, plan_id, role="partner_editor", author="Anna", expected=shown)
    again = signoff.freeze(store, plan_id, role="partner_editor", author="Anna")
    assert again.frozen_at != shown.frozen_at  # the store's clock runs (microseconds)
    max_.button(key=signoff_panel.WITHDRAW).click().run()
    assert not max_.exception, max_.exception
    assert signoff.pending(store, plan_id) == again  # Anna's freeze stands
    (said,) = [e.value.replace("\\", "") for e in max_.error]  # markdown escapes dropped
    assert said == i18n.t("signoff.ui.refusal.frozen_anew", "en", version=1, who="Anna")
    max_.button(key=signoff_panel.WITHDRAW).click().run()
    assert signoff.pending(store, plan_id) is None
    withdrawn = signoff.record(store, plan_id, 1)
    assert withdrawn is not None
    assert (withdrawn.status, withdrawn.withdrawn_by) == ("withdrawn", "Max Roth")
