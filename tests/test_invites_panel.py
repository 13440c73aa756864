"""The owner's invite links on the collaboration page (AppTest of the real app): a link
created is shown until it is revoked, also after runs that other inputs start, and only the
link of this plan."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner import access
from planner.store import Store
from planner.ui import collab
from tests.app_support import shared_plan
from tests.store_support import example_plan

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def workspace_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Store, str]]:
    with shared_plan(tmp_path, monkeypatch, example_plan()) as found:
        yield found


def _share_page() -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    app.text_input(key=collab.NAME_INPUT).input("Vera").run()
    app.switch_page("planner/ui/pages/share.py").run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def _links(app: AppTest) -> list[str]:
    return [c.value for c in app.code if "key=" in c.value]


def test_a_created_link_stays_shown_until_it_is_revoked(
    workspace_plan: tuple[Store, str],
) -> None:
    """The link's address is shown only here (the store keeps a hash of its key). It was shown
    in the click's run alone: the next run (another input, or a remote change waking the page)
    took it away before it was copied, and a run stopped at its message lost it for good. It
    is kept in the session and shown while the link holds."""
    store, plan_id = workspace_plan
    app = _share_page()
    assert _links(app) == []
    app.button(key="collab.create_invite").click().run()
    (invite,) = access.list_invites(store, plan_id)
    (link,) = _links(app)
    assert access.resolve(store, plan_id, link.split("key=", 1)[1]) is not None  # a working link
    assert f"plan={plan_id}" in link

    app.text_input(key="collab.invite_label").input("ACME CFO").run()  # another input's run
    assert _links(app) == [link]

    app.button(key=f"collab.revoke.{invite.id}").click().run()
    assert _links(app) == []  # revoked: no longer offered
