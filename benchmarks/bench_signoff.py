"""Sign-off exports and verification: wall time per step (median of runs), printed as a table.

Run by hand:  python benchmarks/bench_signoff.py [RUNS]
Uses a throw-away data folder (store and signing key) and the 60-month reseller template.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(runs: int) -> None:
    folder = tempfile.mkdtemp(prefix="bench-signoff-")
    os.environ["PLANNER_DATA_DIR"] = folder
    os.environ.pop("PLANNER_DATABASE_URL", None)
    from planner.export.pdf import build_pdf
    from planner.plan import load
    from planner.signoff import archive, trust
    from planner.signoff import keys as signing
    from planner.signoff import records as signoff
    from planner.signoff.editions import signed_pdf, signed_workbook
    from planner.signoff.verify import StoreView, verify_bytes
    from planner.store import Store

    root = Path(__file__).resolve().parents[1]
    store = Store()
    plan_id = store.create_plan(load(root / "templates/reseller.yaml"), author="Max")
    signoff.freeze(store, plan_id, role="owner", author="Max")
    signoff.sign(store, plan_id, 1, side="partner", role="partner_editor", name="A", title="CEO")
    record = signoff.sign(store, plan_id, 1, side="vendor", role="owner", name="M", title="PM")
    plan = signoff.signed_plan(store, record)
    who = signing.identity()
    pdf = signed_pdf(plan, record, who=who)
    xlsx = signed_workbook(plan, record)
    base = build_pdf(plan)
    nowhere = StoreView(False, note="no store configured")
    trusted = trust.load(fingerprints=[who.fingerprint])

    steps: list[tuple[str, Callable[[], object]]] = [
        ("PDF built (reportlab, unsigned)", lambda: build_pdf(plan)),
        ("PDF signed (embed plan + PAdES)", lambda: signing.sign_pdf(base, who)),
        ("signed PDF, whole export", lambda: signed_pdf(plan, record, who=who)),
        (
            "signed PDF, its workbook made before",
            lambda: signed_pdf(plan, record, who=who, workbook=xlsx),
        ),
        ("contract archive (PDF made before)", lambda: archive.build(store, plan_id, 1, pdf=pdf)),
        ("signed XLSX, whole export", lambda: signed_workbook(plan, record)),
        ("verify PDF (signature, trust, store)", lambda: verify_bytes(pdf)),
        ("verify XLSX (seal, trust, store)", lambda: verify_bytes(xlsx)),
        ("verify PDF, no store", lambda: verify_bytes(pdf, view=nowhere, trust=trusted)),
        ("verify XLSX, no store", lambda: verify_bytes(xlsx, view=nowhere, trust=trusted)),
    ]
    print(f"{'step':40} {'median ms':>10} {'min ms':>10}   ({runs} runs)")
    for name, step in steps:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            step()
            times.append((time.perf_counter() - start) * 1000)
        print(f"{name:40} {statistics.median(times):10.1f} {min(times):10.1f}")
    store.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
