"""Sign-off exports and verification: wall time per step (median of runs), printed as a table;
then ``python -m planner verify`` on hostile PDFs, each in a fresh process under
``/usr/bin/time -v``: its wall time and peak memory (maximum resident set size).

Run by hand:  python benchmarks/bench_signoff.py [RUNS]
Uses a throw-away data folder (store and signing key) and the 60-month reseller template; the
hostile PDFs are those of tests/hostile_files.py, the 49 MB one a sparse file of zeros.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
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
    from planner.plan.files import load
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
    hostile(Path(folder), pdf, runs)


def _timed(file: Path) -> tuple[float, float, float, int]:
    """Wall and CPU seconds (user + system), peak memory (MB) and exit status of
    ``python -m planner verify FILE`` in a fresh process, as ``/usr/bin/time -v`` reports."""
    done = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-m", "planner", "verify", str(file)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )

    def field(name: str) -> str:
        found = re.search(rf"{re.escape(name)}: (.+)", done.stderr)
        if found is None:
            raise RuntimeError(f"/usr/bin/time printed no {name!r}: {done.stderr[-500:]}")
        return found[1].strip()

    *hours_minutes, seconds = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
    wall = float(seconds) + sum(int(n) * 60**k for k, n in enumerate(reversed(hours_minutes), 1))
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    peak = int(field("Maximum resident set size (kbytes)")) / 1024
    return wall, cpu, peak, int(field("Exit status"))


def hostile(folder: Path, signed: bytes, runs: int) -> None:
    from planner.signoff import keys as signing
    from planner.signoff import trust
    from planner.signoff.verify import StoreView, UnreadableError, verify_bytes
    from tests.hostile_files import pdfs

    files: dict[str, Path] = {}
    junk = folder / "junk-49mb.pdf"
    with junk.open("wb") as out:
        out.write(b"%PDF-1.7\n")
        out.truncate(49_000_000)
    files["49 MB of junk"] = junk
    for case in pdfs():
        files[f"{case.name} ({len(case.data) / 1e6:.2f} MB)"] = folder / case.name
        (folder / case.name).write_bytes(case.data)
    (folder / "signed.pdf").write_bytes(signed)
    files["a signed export (for comparison)"] = folder / "signed.pdf"
    files["a file that does not exist (start-up)"] = folder / "missing.pdf"
    nowhere = StoreView(False, note="no store configured")
    trusted = trust.load(fingerprints=[signing.identity().fingerprint])
    print(
        f"\n{'verify FILE':44} {'in-process ms':>13} {'wall s':>7} {'CPU s':>6} {'peak MB':>8} exit"
    )
    for name, file in files.items():
        inside = []
        for _ in range(runs):
            start = time.perf_counter()
            try:
                if file.stat().st_size <= 50_000_000 and file.name != "junk-49mb.pdf":
                    verify_bytes(file.read_bytes(), view=nowhere, trust=trusted)
            except (UnreadableError, FileNotFoundError):
                pass
            inside.append((time.perf_counter() - start) * 1000)
        wall, cpu, peak, status = _timed(file)
        median = statistics.median(inside)
        print(f"{name:44} {median:13.1f} {wall:7.2f} {cpu:6.2f} {peak:8.0f} {status:4}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
