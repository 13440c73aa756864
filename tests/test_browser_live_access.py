"""Access, switches and forms in real browsers, the store's change log as the ground truth.

A page left open after its link was revoked writes nothing, whatever input it still sends; a
switch writes once per click, never by itself, however many tabs are open and whatever
arrives; a form saved against a version someone else changed meanwhile shows the conflict
instead of overwriting.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from streamlit.components.v2.bidi_component.main import _make_trigger_id

from planner import access, i18n
from planner.plan.validation import with_values
from planner.policy import RULES
from planner.store import Store
from tests.test_browser_coediting import wait_until as wait_for
from tests.test_browser_collab import (
    VISIBLE_MS,
    browser_page,
    commit_value,
    deal_input,
    enter_name,
    join,
    open_settings,
    settle,
    shared_plan,
)
from tests.test_live_settings import DECIDED, SHARE

pytestmark = pytest.mark.browser


@pytest.fixture
def quiet_server(
    start_app_server: Callable[[Mapping[str, str]], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Store]]:
    """An app server whose pages do not poll: a page learns of a revocation only from its own
    next input, so that input is sent by a page that still shows the plan."""
    folder = tmp_path_factory.mktemp("quiet")
    url = start_app_server({"PLANNER_POLL_SECONDS": "0", "PLANNER_DATA_DIR": str(folder)})
    store = Store(f"sqlite+pysqlite:///{folder / 'planner.db'}", policy=RULES)
    yield url, store
    store.close()


def test_an_input_on_a_page_whose_link_was_revoked_writes_nothing(
    chromium_browser: Any, quiet_server: tuple[str, Store]
) -> None:
    url, store = quiet_server
    plan_id = store.create_plan(shared_plan(), author="Vera", side="vendor")
    invite = access.create_invite(store, access.owner_access(plan_id), "partner_editor")
    context, page = browser_page(chromium_browser)
    try:
        join(page, url, plan_id, invite.token, "Anna")
        commit_value(page, deal_input(page), "38.000", store, plan_id)
        assert access.revoke(store, access.owner_access(plan_id), invite.id)
        box = deal_input(page)  # still on screen: nothing told the page
        box.fill("39.000")
        box.press("Tab")
        page.get_by_text(i18n.t("collab.no_access", "de")).wait_for()
        settle(page)  # the run is over: what it did not draw is gone
        assert not deal_input(page).count()
        # the notice alone: no page list, no sidebar
        assert not page.locator('[data-testid="stSidebarNav"]').count()
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert not sidebar.count() or not sidebar.inner_text().strip()
        rows = store.log(plan_id)
        assert [(r.author, r.side, r.new) for r in rows[1:]] == [("Anna", "partner", 38000)]
    finally:
        context.close()


IDLE_MS = 3_000
"""How long pages stay idle between steps: six polls at the default half second (a switch that
wrote by itself flipped about three times a second)."""


def _rows(store: Store, plan_id: str) -> list[tuple[str, str, Any]]:
    return [(r.author, r.path, r.new) for r in store.log(plan_id)[1:]]


def test_the_sharing_switch_in_two_tabs_writes_once_per_click_and_never_by_itself(
    chromium_browser: Any, app_server: dict[str, Any], store: Store
) -> None:
    from playwright.sync_api import expect

    url = app_server["url"]
    plan_id = store.create_plan(shared_plan(), author="Vera", side="vendor")  # the newest
    context = chromium_browser.new_context(viewport={"width": 1440, "height": 1000}, locale="de-DE")
    try:
        tabs = [context.new_page(), context.new_page()]  # one person, two tabs
        for tab in tabs:
            tab.set_default_timeout(30_000)
            tab.goto(f"{url}/share")
            settle(tab)
            if tab is tabs[0]:
                enter_name(tab, "Vera")
        tabs[1].get_by_text("Vera (Hersteller)").wait_for()  # the browser's name for the access
        switches = [
            t.get_by_role("switch", name=i18n.t("collab.share_economics", "de")) for t in tabs
        ]
        for switch in switches:
            expect(switch).not_to_be_checked()
        tabs[0].wait_for_timeout(IDLE_MS)
        assert _rows(store, plan_id) == []  # idle: nothing

        base = store.field_version(plan_id, SHARE)
        assert store.apply_edit(plan_id, SHARE, True, base, "Max", "vendor").ok  # elsewhere
        for switch in switches:
            expect(switch).to_be_checked(timeout=VISIBLE_MS)
        tabs[0].wait_for_timeout(IDLE_MS)
        assert _rows(store, plan_id) == [("Max", SHARE, True)]  # nothing written back

        switches[1].click(force=True)  # the person turns it off in the second tab
        expect(switches[0]).not_to_be_checked(timeout=VISIBLE_MS)
        tabs[0].wait_for_timeout(IDLE_MS)
        assert _rows(store, plan_id) == [("Max", SHARE, True), ("Vera", SHARE, False)]
    finally:
        context.close()


def test_a_decision_saved_over_a_correction_is_a_conflict_not_an_overwrite(
    chromium_browser: Any, app_server: dict[str, Any], store: Store
) -> None:
    url = app_server["url"]
    plan_id = store.create_plan(
        with_values(shared_plan(), {"decision": DECIDED}), author="Vera", side="vendor"
    )
    token = access.create_invite(store, access.owner_access(plan_id), "partner_editor").token
    (vendor_context, vendor), (partner_context, partner) = (
        browser_page(chromium_browser),
        browser_page(chromium_browser),
    )
    participants = i18n.t("signoff.ui.decision_partner", "de")
    try:
        vendor.goto(f"{url}/signoff")
        settle(vendor)
        enter_name(vendor, "Vera")
        partner.goto(f"{url}/signoff?plan={plan_id}&key={token}")
        settle(partner)
        name = partner.get_by_role("textbox", name=i18n.t("collab.your_name", "de"))
        name.fill("Anna")
        name.press("Enter")
        settle(partner)

        mine = vendor.get_by_role("textbox", name=participants)
        mine.fill("Anna Berger")  # Vera types, and has not saved yet
        mine.press("Tab")
        theirs = partner.get_by_role("textbox", name=participants)
        theirs.fill("Anna Berger (CEO), Jonas Weber (CFO)")
        theirs.press("Tab")
        partner.get_by_role("button", name=i18n.t("signoff.ui.decision_save", "de")).click()
        assert wait_for(lambda: len(store.log(plan_id)) == 2)
        vendor.wait_for_timeout(IDLE_MS)  # the correction arrives on Vera's open form
        assert mine.input_value() == "Anna Berger"  # what she typed stays
        vendor.get_by_role("button", name=i18n.t("signoff.ui.decision_save", "de")).click()
        vendor.get_by_role("button", name=i18n.t("collab.keep_mine", "de")).wait_for()
        vendor.wait_for_timeout(IDLE_MS)
        assert _rows(store, plan_id) == [
            ("Anna", "decision.partner", "Anna Berger (CEO), Jonas Weber (CFO)")
        ]
    finally:
        vendor_context.close()
        partner_context.close()


def test_a_copied_address_asks_for_a_name_and_a_reload_keeps_it(
    chromium_browser: Any, app_server: dict[str, Any], store: Store
) -> None:
    url = app_server["url"]
    plan_id = store.create_plan(shared_plan(), author="Vera", side="vendor")
    token = access.create_invite(store, access.owner_access(plan_id), "partner_editor").token
    (own_context, own), (other_context, other) = (
        browser_page(chromium_browser),
        browser_page(chromium_browser),
    )
    name_box = i18n.t("collab.your_name", "de")
    try:
        join(own, url, plan_id, token, "Anna")
        assert "Anna" not in own.url  # the address names no one
        # the browser holds her name once the page's script has stored it (a run or two later)
        assert wait_for(
            lambda: any(c["name"].startswith("planner_name_") for c in own_context.cookies())
        )
        own.reload()
        settle(own)
        own.get_by_text("Anna (Partner)").wait_for()  # this browser keeps her name for this link
        assert not own.get_by_role("textbox", name=name_box).count()

        other.goto(own.url)  # the address, copied to a colleague's browser
        settle(other)
        other.get_by_role("textbox", name=name_box).wait_for()
        assert not other.get_by_text("Anna (Partner)").count()
    finally:
        own_context.close()
        other_context.close()


# --- frames forged on the page's own websocket -------------------------------------------------


class Wire:
    """The page's websocket to the server, passed through: what the page sends is kept, so a
    test can send the server a frame the page never would (a widget it never drew, a switch
    flipped on a page that was told nothing), on the same open connection."""

    def __init__(self, page: Any) -> None:
        self.sent: list[bytes] = []
        self.received: list[bytes] = []
        self.server: Any = None
        page.route_web_socket(re.compile(r".*/_stcore/stream"), self._route)

    def _route(self, ws: Any) -> None:
        server = ws.connect_to_server()
        self.server = server

        def upstream(message: str | bytes) -> None:
            if isinstance(message, bytes):
                self.sent.append(message)
            server.send(message)

        def downstream(message: str | bytes) -> None:
            if isinstance(message, bytes):
                self.received.append(message)
            ws.send(message)

        ws.on_message(upstream)
        server.on_message(downstream)

    def drawn(self, key: str) -> tuple[str, dict[str, Any]]:
        """The element id and data of the browser component keyed ``key`` as the server drew
        it last."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        for raw in reversed(self.received):
            message = ForwardMsg()
            message.ParseFromString(raw)
            if message.WhichOneof("type") != "delta":
                continue
            element = message.delta.new_element
            if element.WhichOneof("type") == "bidi_component":
                found = element.bidi_component
                if found.id.endswith("-" + key):
                    return found.id, json.loads(found.json)
        raise AssertionError(f"the server drew no {key}")

    def reruns_since(self, count: int) -> int:
        """How many rerun requests the page sent after its first ``count`` frames."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        found = 0
        for raw in self.sent[count:]:
            message = BackMsg()
            message.ParseFromString(raw)
            found += message.WhichOneof("type") == "rerun_script"
        return found

    def last_rerun(self) -> Any:
        """The last rerun request the page sent (every widget's state, as the page had it)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        for raw in reversed(self.sent):
            message = BackMsg()
            message.ParseFromString(raw)
            if message.WhichOneof("type") == "rerun_script":
                return message
        raise AssertionError("the page sent no rerun request")

    def forge(self, change: Callable[[Any], None]) -> None:
        """Send the server the page's last rerun request after ``change`` edited its widget
        states (a ``WidgetStates`` message)."""
        message = self.last_rerun()
        change(message.rerun_script.widget_states)
        self.server.send(message.SerializeToString())


SUBSCRIPTION = "revenue.subscription"
PRIVATE_RATE = "vendor_programme.discount_rate"
"""The vendor's own discount rate: private to the vendor, never drawn on a partner's page."""


def _flip(wire: Wire) -> Callable[[Any], None]:
    """A flip of the subscription switch as the page drew it last: its commit, with the value
    and version it showed and a nonce of its own (as a person's click sends it)."""
    element_id, data = wire.drawn(f"field:{SUBSCRIPTION}@pick:de")

    def flip(states: Any) -> None:
        flipped = "off" if data["text"] == "on" else "on"
        commit = {
            "text": flipped,
            "version": data["version"],
            "showed": data["text"],
            "nonce": f"forged-{len(wire.sent)}",
        }
        event = states.widgets.add()
        event.id = _make_trigger_id(element_id, "events")
        event.json_trigger_value = json.dumps([{"event": "commit", "value": commit}])

    return flip


def _forgeries(wire: Wire, plan_version: int) -> None:
    """Frames a page could be made to send: its switch flipped, and a value for the vendor's
    private rate, whose input the page never drew (its ids made as the vendor's page has
    them)."""

    def private(states: Any) -> None:
        forged = states.widgets.add()
        forged.id = f"$$ID-{'0' * 32}-field:{PRIVATE_RATE}@{plan_version}:de:0"
        forged.string_value = "50"
        typed = states.widgets.add()
        typed.id = f"$$ID-{'1' * 32}-field:{PRIVATE_RATE}@typed:de"
        typed.json_trigger_value = json.dumps(
            {"event": "commit", "value": {"text": "50", "version": plan_version, "showed": "9"}}
        )

    wire.forge(_flip(wire))
    wire.forge(private)


def _open_with_wire(chromium_browser: Any, url: str, plan_id: str, token: str, name: str) -> Any:
    """A page joined by ``token`` as ``name`` whose websocket is passed through a
    :class:`Wire`, with a rerun request carrying all its widgets sent (the presenter switch,
    which writes nothing). Returns ``(context, page, wire)``."""
    context, page = browser_page(chromium_browser)
    wire = Wire(page)
    join(page, url, plan_id, token, name)
    page.get_by_role("switch", name=i18n.label(SUBSCRIPTION, "de")).wait_for()
    _send_widgets(page, wire)
    return context, page, wire


def _send_widgets(page: Any, wire: Wire) -> None:
    """Have the page send a rerun request with its widgets as they are now (the presenter
    switch clicked: it writes nothing), and wait until the wire passed it on.

    The wire's handler runs only while Playwright has the control (a page wait, not a sleep):
    until then the request is neither kept nor at the server, and the page still reads as
    idle, so waiting for an idle page alone would forge an older request."""
    sent = len(wire.sent)
    open_settings(page)
    presenter = page.get_by_role("switch", name=i18n.t("ui.sidebar.presenter", "de"))
    presenter.click(force=True)
    for _ in range(300):
        if wire.reruns_since(sent):
            break
        page.wait_for_timeout(50)
    assert wire.reruns_since(sent), "the presenter switch sent no rerun request"
    settle(page)


def _forged_flip_writes(page: Any, wire: Wire, store: Store, plan_id: str, name: str) -> None:
    """The positive control: the switch flipped in a forged frame on a page whose link holds
    is that person's edit, one row; the page then sends its widgets as they are after it (the
    switch, the same input, now shows the field's new version)."""
    before = len(store.log(plan_id))
    wire.forge(_flip(wire))
    assert wait_for(lambda: len(store.log(plan_id)) == before + 1), _rows(store, plan_id)
    written = store.log(plan_id)[-1]
    assert (written.author, written.path) == (name, SUBSCRIPTION)
    page.get_by_text(f"Version {store.version(plan_id)},").wait_for(timeout=VISIBLE_MS)
    _send_widgets(page, wire)


@pytest.mark.parametrize("role", ["partner_editor", "viewer"])
def test_frames_forged_on_an_open_websocket_write_nothing(
    chromium_browser: Any, quiet_server: tuple[str, Store], role: str
) -> None:
    """A partner editor's page whose link was revoked, and a viewer's page, send the server
    forged frames on their own open websocket: the switch flipped, the vendor's private rate
    that neither page ever drew. The store's change log gets 0 rows. The same flip forged on a
    page whose editor link holds writes one row (Anna's own page before the revocation; an
    editor's page beside the viewer's), so the 0 is the access check's, not the forgery's."""
    url, store = quiet_server
    plan_id = store.create_plan(shared_plan(), author="Vera", side="vendor")
    editor = access.create_invite(store, access.owner_access(plan_id), "partner_editor")
    opened = []
    try:
        if role == "partner_editor":
            context, page, wire = _open_with_wire(
                chromium_browser, url, plan_id, editor.token, "Anna"
            )
            opened.append(context)
            _forged_flip_writes(page, wire, store, plan_id, "Anna")
            assert access.revoke(store, access.owner_access(plan_id), editor.id)
        else:
            context, page, wire = _open_with_wire(
                chromium_browser, url, plan_id, editor.token, "Ed"
            )
            opened.append(context)
            _forged_flip_writes(page, wire, store, plan_id, "Ed")
            viewer = access.create_invite(store, access.owner_access(plan_id), "viewer")
            context, page, wire = _open_with_wire(
                chromium_browser, url, plan_id, viewer.token, "Val"
            )
            opened.append(context)
        written = len(store.log(plan_id))
        assert written == 2  # the plan's first version and the positive control
        _forgeries(wire, store.version(plan_id))
        page.wait_for_timeout(IDLE_MS)
        assert store.log(plan_id)[written:] == []
        if role == "partner_editor":
            page.get_by_text(i18n.t("collab.no_access", "de")).wait_for()
    finally:
        for context in opened:
            context.close()
