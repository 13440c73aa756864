"""Rows written by idle pages while remote edits of every kind arrive: real chromium, poll at
its default.

    .venv/bin/python benchmarks/bench_idle.py [EDITS] [SECONDS]

Open and idle: two workspace tabs of one person on the sharing page (its switch), a partner's
link on the sign-off page (the decision form), a viewer's link on the assumptions. Meanwhile
EDITS changes (default 200) arrive through the store over SECONDS (default 60), by someone not
on any page: the sharing switch, the decision's participants and note, the actuals, deal size,
churn and margin. Every row in the change log not written by that someone was written by an
idle page: the goal is 0 rows per minute.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.shared_plan_server import shared_plan_server  # noqa: E402
from planner import access  # noqa: E402
from tests.test_browser_collab import enter_name, join, settle  # noqa: E402

EDITS = int(sys.argv[1]) if len(sys.argv) > 1 else 200
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
REMOTE = "Remo Fern"

DECISION = {"date": "2027-01-04", "partner": "Anna Berger", "vendor": "Max Roth", "note": "Go"}
EDIT_KINDS: dict[str, Any] = {
    "private.share_vendor_economics": lambda r: r.random() < 0.5,
    "decision.partner": lambda r: f"Anna Berger, Gast {r.randrange(1, 99)}",
    "decision.note": lambda r: f"Notiz {r.randrange(1, 999)}",
    "actuals": lambda r: [{"month": 1, "revenue": float(r.randrange(5, 20) * 1000)}],
    "revenue.deal_size": lambda r: float(r.randrange(30, 61) * 1000),
    "revenue.monthly_churn": lambda r: r.randrange(1, 30) / 1000,
    "revenue.partner_margin": lambda r: r.randrange(10, 40) / 100,
}


def main() -> None:
    with shared_plan_server() as shared:
        url, store, plan_id = shared.url, shared.store, shared.plan_id
        first = store.plan_at(plan_id)
        setup = {"decision": DECISION, "private.share_vendor_economics": False}
        if first.private is None:
            setup = {
                "decision": DECISION,
                "private": {
                    "vendor": ["vendor_programme.gross_margin"],
                    "partner": [],
                    "share_vendor_economics": False,
                },
            }
        bases = {path: store.field_version(plan_id, path) for path in setup}
        edits = {path: (value, bases[path]) for path, value in setup.items()}
        assert store.apply_edits(plan_id, edits, author=REMOTE, side="vendor").ok
        browser = shared.browser
        person = browser.new_context(locale="de-DE")
        tabs = [person.new_page(), person.new_page()]
        for tab in tabs:
            tab.goto(f"{url}/share")
            settle(tab)
            if tab is tabs[0]:
                enter_name(tab, "Vera")  # the second tab has the name from the browser
        tabs[1].get_by_text("Vera (Hersteller)").wait_for()
        partner = browser.new_context(locale="de-DE").new_page()
        join(partner, url, plan_id, shared.token, "Anna")
        partner.goto(partner.url.replace("/assumptions", "/signoff"))
        settle(partner)
        viewer = browser.new_context(locale="de-DE").new_page()
        token = access.create_invite(store, access.owner_access(plan_id), "viewer").token
        join(viewer, url, plan_id, token, "Otto")

        before = len(store.log(plan_id))
        rng = random.Random(22)
        start = time.perf_counter()
        for n in range(EDITS):
            path = rng.choice(list(EDIT_KINDS))
            value = EDIT_KINDS[path](rng)
            base = store.field_version(plan_id, path)
            store.apply_edit(plan_id, path, value, base, REMOTE, "vendor")
            wait = start + SECONDS * (n + 1) / EDITS - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
        time.sleep(5)  # the last polls after the last edit
        minutes = (time.perf_counter() - start) / 60
        rows = store.log(plan_id)[before:]
        by_pages = [r for r in rows if r.author != REMOTE]

    print(f"{EDITS} remote edits ({len(rows) - len(by_pages)} rows) over {minutes:.2f} min")
    print("pages open: 2 workspace tabs of one person (sharing switch), partner (decision form),")
    print("viewer (assumptions)")
    print(f"rows written by idle pages: {len(by_pages)} ({len(by_pages) / minutes:.1f} per minute)")
    print("goal: 0 rows per minute")


if __name__ == "__main__":
    main()
