"""Edit in one browser -> visible in the other: two people on one plan, real chromium.

    .venv/bin/python benchmarks/bench_live.py [EDITS]

The vendor types a deal size into the workspace and leaves the field; the partner's page (a
join link, poll at its default) shows it. Measured from the Tab key to the value in the
partner's input, over 50 edits (goal: p50 < 1 s); also Tab -> stored.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.shared_plan_server import percentile_ms, shared_plan_server  # noqa: E402
from planner import i18n  # noqa: E402
from tests.test_browser_collab import enter_name, join, settle  # noqa: E402

EDITS = int(sys.argv[1]) if len(sys.argv) > 1 else 50


def main() -> None:
    with shared_plan_server() as shared:
        url, store, plan_id, token = shared.url, shared.store, shared.plan_id, shared.token
        browser = shared.browser
        vendor = browser.new_context(locale="de-DE").new_page()
        partner = browser.new_context(locale="de-DE").new_page()
        vendor.goto(f"{url}/assumptions")
        settle(vendor)
        enter_name(vendor, "Vera")
        vendor.get_by_role("tab", name=i18n.t("ui.assumptions.revenue", "de")).click()
        join(partner, url, plan_id, token, "Anna")
        label = i18n.label("revenue.deal_size", "de")
        typed = vendor.get_by_role("textbox", name=label)
        stored, visible = [], []
        for n in range(EDITS):
            text = i18n.number(30_000 + 100 * n, "de")
            resting = i18n.money(30_000 + 100 * n, "EUR", "de")  # the partner's input at rest
            version = store.version(plan_id)
            typed.fill(text)
            start = time.perf_counter()
            typed.press("Tab")
            while store.version(plan_id) == version:
                time.sleep(0.005)
            stored.append(time.perf_counter() - start)
            partner.wait_for_function(
                "([label, text]) => [...document.querySelectorAll('input')].some("
                "e => (e.getAttribute('aria-label') || '').startsWith(label) && e.value === text)",
                arg=[label, resting],
                polling=10,
            )
            visible.append(time.perf_counter() - start)
            settle(vendor)

    pct = percentile_ms
    print(f"{'measurement':<44}{'p50':>9}{'p95':>9}  goal")
    print(f"{'Tab -> stored (ms)':<44}{pct(stored, 50):>9.0f}{pct(stored, 95):>9.0f}")
    print(
        f"{'Tab -> visible in the other browser (ms)':<44}{pct(visible, 50):>9.0f}"
        f"{pct(visible, 95):>9.0f}  p50 < 1000"
    )


if __name__ == "__main__":
    main()
