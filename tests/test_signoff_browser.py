"""Sign-off in Debian's chromium against a real ``streamlit run``: the vendor freezes, the
partner signs through a join link, the vendor signs, the downloaded PDF and XLSX verify.

Waits are on the app's state (texts appearing, the script run state), never on the clock.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from planner import access, i18n
from planner.signoff import records as signoff
from planner.signoff.verify import verify_bytes
from planner.store import Store
from tests.test_browser_collab import enter_name

pytestmark = pytest.mark.browser

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def tx(key: str, **values: Any) -> str:
    return i18n.t(f"signoff.ui.{key}", "de", **values)


def settle(page: Any) -> None:
    page.wait_for_selector(IDLE)
    page.locator('[data-testid="stStatusWidgetRunningIcon"]').wait_for(state="detached")


def _sign(page: Any, name: str | None, title: str) -> None:
    if name is not None:
        page.get_by_label(tx("sign_name"), exact=True).fill(name)
    page.get_by_label(tx("sign_title"), exact=True).fill(title)
    page.get_by_label(tx("sign_title"), exact=True).press("Enter")
    settle(page)
    page.get_by_role("button", name=tx("sign")).click()
    settle(page)


def test_both_sides_sign_in_the_browser_and_the_downloads_verify(
    chromium_browser: Any,
    app_server: dict[str, Any],
    store: Store,
    example_plan_id: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, data_dir = app_server["url"], app_server["data_dir"]
    vendor_context = chromium_browser.new_context(locale="de-DE", accept_downloads=True)
    partner_context = chromium_browser.new_context(locale="de-DE")
    try:
        vendor = vendor_context.new_page()
        vendor.set_default_timeout(60_000)
        vendor.goto(f"{url}/signoff")
        settle(vendor)
        enter_name(vendor, "Max Roth")  # a freeze is recorded with a name
        vendor.get_by_role("button", name=tx("freeze", version=1)).click()
        settle(vendor)
        vendor.get_by_role("button", name=tx("withdraw")).wait_for()
        frozen = signoff.pending(store, example_plan_id)  # the newest: the page's plan
        assert frozen is not None
        link = access.create_invite(store, access.owner_access(frozen.plan_id), "partner_editor")

        partner = partner_context.new_page()
        partner.set_default_timeout(60_000)
        partner.goto(f"{url}/assumptions{link.query}")
        settle(partner)
        partner.get_by_label(i18n.t("collab.your_name", "de")).fill("Anna Berger")
        partner.get_by_label(i18n.t("collab.your_name", "de")).press("Enter")
        settle(partner)
        partner.get_by_text(tx("read_only", version=frozen.version)).wait_for()
        partner.get_by_role("link", name=i18n.t("ui.nav.signoff", "de")).click()  # the sidebar
        settle(partner)
        _sign(partner, None, "CEO")  # the name field starts with her display name
        partner.get_by_text(tx("your_side_signed")).wait_for()

        vendor.reload()
        settle(vendor)
        _sign(vendor, None, "Partner Manager")  # his name survived the reload
        vendor.get_by_role("button", name=tx("prepare_exports")).click()
        settle(vendor)
        monkeypatch.setenv("PLANNER_DATA_DIR", str(data_dir))
        monkeypatch.delenv("PLANNER_DATABASE_URL", raising=False)
        for label in (tx("download_pdf"), tx("download_xlsx")):
            with vendor.expect_download() as download:
                vendor.get_by_role("button", name=label).click()
            file = tmp_path / download.value.suggested_filename
            download.value.save_as(file)
            verdict = verify_bytes(file.read_bytes())
            assert verdict.ok, verdict.message
            assert "Anna Berger (CEO) for the partner" in verdict.message
            assert "Max Roth (Partner Manager) for the vendor" in verdict.message
        with vendor.expect_download() as download:  # the contract archive, with the same PDF
            vendor.get_by_role("button", name=tx("download_archive")).click()
        with zipfile.ZipFile(download.value.path()) as archive:
            pdf = next(n for n in archive.namelist() if n.endswith(".pdf"))
            assert verify_bytes(archive.read(pdf)).ok
    finally:
        vendor_context.close()
        partner_context.close()
