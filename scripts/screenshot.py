"""Make docs/dashboard.png, the README's picture: the dashboard of the example plan (its key
figures, the tab a page opens on).

Run by hand after a visible change (``.venv/bin/python scripts/screenshot.py``): it starts the
app on a free loopback port with a fresh plan folder, opens the dashboard in Debian's chromium
(``/usr/bin/chromium``) and saves a full-page screenshot. The tests never write into the project.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

TARGET = ROOT / "docs" / "dashboard.png"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def main() -> None:
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as folder,
        running_app(Path(folder)) as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="de-DE")
        page.goto(url)
        page.wait_for_selector(IDLE)
        page.locator('[data-testid="stMetricValue"]').first.wait_for()  # the key figures' tab
        page.wait_for_selector(IDLE)
        page.screenshot(path=str(TARGET), full_page=True)
        browser.close()
    print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
