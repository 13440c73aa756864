"""Edit in one browser -> visible in the other: two people on one plan, real chromium.

    .venv/bin/python benchmarks/bench_live.py [EDITS] [--postgres URL] [--poll SECONDS] [--trace]
        [--each] [--profile FILE]
    .venv/bin/python benchmarks/bench_live.py --idle [SECONDS] [--postgres URL] [--poll SECONDS]

The vendor types a deal size into the workspace and leaves the field; the partner's page (a
join link) shows it. Measured from the Tab key to the value in the partner's input, over 50
edits (goals: p50 < 250 ms, p95 < 400 ms); also Tab -> stored. Where the time goes, per edit,
from the partner's page (its script state, recorded in the page by a MutationObserver, on the
same clock): stored -> the page starts a run (the server's watcher noticing and waking it),
the run's start -> the value drawn (the page's rerun, its deltas over the websocket and the
browser drawing them); and the time the partner's browser spent on its main thread per edit
(Chromium's counters: tasks, script, style and layout), which the machine's load inflates less
than the wall clock.

``--postgres URL``: two app servers on that PostgreSQL (a fresh database in it), the vendor on
one, the partner on the other. ``--poll SECONDS``: the pages' own timer at SECONDS and the
server's watcher off, as before the watcher (``--poll 0.5``), for a comparison in one run.

``--trace``: each server also records every script run (``benchmarks/trace``): per edit,
where the partner's server spends it (stored -> the watcher's wake, the runs it starts, their
CPU time and the messages they send, the run's last message handed to the partner's websocket
-> the value seen in the browser); with ``--idle``, the runs of the idle pages.

``--keep FILE`` (with ``--trace``): the servers' record is kept in FILE (JSON lines).
``--each`` (with ``--trace``): one line per edit, its page runs and the other sessions' runs
that overlapped them (where the slow edits lost their time). ``--profile FILE``: the partner's
browser's CPU profile over the edits (Chromium's sampling profiler, a ``.cpuprofile`` for
DevTools), summed per edit by script file and by function.

``--idle``: server CPU per open idle page: three pages (the vendor's workspace, a partner's and
a viewer's link) open and idle for SECONDS (default 60); the app server's process CPU time
over that minute (``/proc``) divided by the pages and the wall time, against
the same server with no page open (goal < 1 % of a core per page).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.shared_plan_server import percentile_ms  # noqa: E402
from planner import access, i18n  # noqa: E402
from planner.store import Store  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402
from tests.test_browser_collab import enter_name, join, settle, shared_plan  # noqa: E402

LOADED_MS = 120_000
"""How long a step may take on a busy machine before the run gives up (ms)."""

STATES = """() => {
  window.__runs = [];
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => window.__runs.push(
    [Date.now(), app.getAttribute('data-test-script-state')])
  ).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
"""Records the partner page's script state changes with the wall clock (ms since the epoch)."""


@contextmanager
def servers(postgres: str | None, env: dict[str, str]) -> Iterator[tuple[str, str, Store]]:
    """``(vendor's server, partner's server, store)``: one SQLite server, or two servers on a
    fresh database of the PostgreSQL at ``postgres``; all stopped and removed afterwards."""
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if not postgres:
            url = stack.enter_context(running_app(folder, env))
            store = Store(f"sqlite+pysqlite:///{folder / 'planner.db'}")
            stack.callback(store.close)
            yield url, url, store
            return
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        name = f"bench_{secrets.token_hex(4)}"
        admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))

        def drop() -> None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

        stack.callback(drop)
        database = make_url(postgres).set(database=name).render_as_string(hide_password=False)
        both = {**env, "PLANNER_DATABASE_URL": database}
        (folder / "1").mkdir()
        (folder / "2").mkdir()
        first = stack.enter_context(running_app(folder / "1", both))
        second = stack.enter_context(running_app(folder / "2", both))
        store = Store(database)
        stack.callback(store.close)
        yield first, second, store


def timer(poll: float | None) -> dict[str, str]:
    """The environment of a server whose pages check by their own timer every ``poll`` seconds
    with the watcher off (none: the defaults, the watcher on)."""
    if poll is None:
        return {}
    return {"PLANNER_POLL_SECONDS": str(poll), "PLANNER_WATCH_SECONDS": "3600"}


TRACE = ROOT / "benchmarks" / "trace"
"""The folder of the run recorder (its ``sitecustomize``), put on a traced server's path."""


def tracing(trace: Path | None) -> dict[str, str]:
    """The environment of a server that records its runs into ``trace`` (none: not)."""
    if trace is None:
        return {}
    return {"PYTHONPATH": str(TRACE), "PLANNER_TRACE_RUNS": str(trace)}


def records(trace: Path | None) -> list[dict[str, object]]:
    """What the servers recorded so far, in order."""
    if trace is None or not trace.exists():
        return []
    return [json.loads(line) for line in trace.read_text().splitlines() if line.strip()]


def latency(
    edits: int,
    postgres: str | None,
    poll: float | None,
    trace: Path | None,
    profile: Path | None = None,
    each: bool = False,
) -> None:
    from playwright.sync_api import sync_playwright

    env = {**timer(poll), **tracing(trace)}
    with servers(postgres, env) as (vendor_url, partner_url, store), sync_playwright() as pw:
        plan_id = store.create_plan(shared_plan(), author="Vera", side="vendor")
        token = access.create_invite(store, access.owner_access(plan_id), "partner_editor").token
        # two people, two browsers: neither page is a throttled background tab of the other
        browsers = [
            pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS) for _ in "ab"
        ]
        vendor = browsers[0].new_context(locale="de-DE").new_page()
        partner = browsers[1].new_context(locale="de-DE").new_page()
        for page in (vendor, partner):
            page.set_default_timeout(LOADED_MS)
        vendor.goto(f"{vendor_url}/assumptions")
        settle(vendor)
        enter_name(vendor, "Vera")
        vendor.get_by_role("tab", name=i18n.t("ui.assumptions.revenue", "de")).click()
        join(partner, partner_url, plan_id, token, "Anna")
        partner.evaluate(STATES)
        # the partner's browser made the last session (the vendor's was opened before it)
        made = [r for r in records(trace) if r["kind"] == "session"]
        partner_session = str(made[-1]["session"]) if made else ""
        stored_times: list[float] = []
        shown_times: list[float] = []
        label = i18n.label("revenue.deal_size", "de")
        typed = vendor.get_by_role("textbox", name=label)
        stored, visible, woken, drawn = [], [], [], []
        ports = list(dict.fromkeys(u.rsplit(":", 1)[1] for u in (vendor_url, partner_url)))
        cpu_before = [server_cpu_seconds(port) for port in ports]
        devtools = partner.context.new_cdp_session(partner)
        devtools.send("Performance.enable")
        busy_before = main_thread(devtools)
        if profile is not None:
            devtools.send("Profiler.enable")
            devtools.send("Profiler.setSamplingInterval", {"interval": 200})
            devtools.send("Profiler.start")
        run: list[int] = []
        for n in range(edits):
            text = i18n.number(30_000 + 100 * n, "de")
            resting = i18n.money(30_000 + 100 * n, "EUR", "de")  # the partner's input at rest
            version = store.version(plan_id)
            typed.fill(text)
            partner.evaluate("() => { window.__runs = []; }")
            start = time.perf_counter()
            typed.press("Tab")
            while store.version(plan_id) == version:
                time.sleep(0.002)
            stored_at = time.time() * 1000
            stored_times.append(stored_at)
            stored.append(time.perf_counter() - start)
            partner.wait_for_function(
                "([label, text]) => [...document.querySelectorAll('input')].some("
                "e => (e.getAttribute('aria-label') || '').startsWith(label) && e.value === text)",
                arg=[label, resting],
                polling="raf",
            )
            visible.append(time.perf_counter() - start)
            shown_at = partner.evaluate("() => Date.now()")
            shown_times.append(shown_at)
            runs = partner.evaluate("() => window.__runs")
            began = [t for t, state in runs if state == "running" and t >= stored_at - 5]
            if began:
                woken.append((began[0] - stored_at) / 1000)
                drawn.append(max(0.0, shown_at - began[0]) / 1000)
                run.append(len([t for t in began if t <= shown_at]))
            settle(vendor)
            settle(partner)
        cpu = [server_cpu_seconds(p) - c for p, c in zip(ports, cpu_before, strict=True)]
        busy = {k: v - busy_before[k] for k, v in main_thread(devtools).items()}
        if profile is not None:
            profile.write_text(json.dumps(devtools.send("Profiler.stop")["profile"]))
        for browser in browsers:
            browser.close()

    where = "two servers on PostgreSQL" if postgres else "one server on SQLite"
    how = f"the pages' own {poll} s timer" if poll is not None else "the server's watcher"
    print(f"{edits} edits, {where}, {how}; load {os.getloadavg()[0]:.1f}")
    if len(cpu) == 1:
        print(f"server CPU per edit (both pages, the watcher): {1000 * cpu[0] / edits:.0f} ms")
    else:
        print(f"server CPU per edit: the vendor's {1000 * cpu[0] / edits:.0f} ms, "
              f"the partner's (showing it) {1000 * cpu[1] / edits:.0f} ms")  # fmt: skip
    print("the other browser's main thread per edit: "
          + ", ".join(f"{k} {1000 * v / edits:.0f} ms" for k, v in busy.items()))  # fmt: skip
    print(f"{'measurement':<52}{'p50':>9}{'p95':>9}")
    row("Tab -> stored (ms)", stored)
    row("Tab -> visible in the other browser (ms)", visible)
    if len(woken) > 1:
        row("  stored -> the other page starts a run (ms)", woken)
        row("  that run starts -> value seen (ms)", drawn)
        print(f"  ({len(woken)} of {edits} edits with a run recorded; runs until seen: "
              f"{sum(run) / len(run):.1f} on average)")  # fmt: skip
    if trace is not None:
        breakdown(records(trace), partner_session, stored_times, shown_times, each)
    if profile is not None:
        profiled(json.loads(profile.read_text()), edits)


def profiled(profile: dict[str, Any], edits: int) -> None:
    """The partner's browser's CPU profile over the edits (Chromium's sampling profiler): its
    main thread's time per edit by script file (Streamlit's bundles are named by what they
    hold: ``react-dom``, ``DataFrame``, ``StreamlitMarkdown``, ...) and by function, self
    time and time including what a function calls."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    parent = {child: node["id"] for node in profile["nodes"] for child in node.get("children", ())}
    deltas = [0, *profile["timeDeltas"][1:]]
    self_us: dict[int, float] = {}
    for sample, delta in zip(profile["samples"], [*deltas[1:], 0], strict=True):
        self_us[sample] = self_us.get(sample, 0.0) + delta

    def where(node: dict[str, Any]) -> tuple[str, str]:
        frame = node["callFrame"]
        url = frame["url"].rsplit("/", 1)[-1].split(".")[0] or frame["functionName"]
        name = frame["functionName"] or "(anonymous)"
        return url, f"{name} {url}:{frame['lineNumber'] + 1}:{frame['columnNumber'] + 1}"

    by_file: dict[str, float] = {}
    by_function: dict[str, float] = {}
    total: dict[str, float] = {}
    for node_id, us in self_us.items():
        url, name = where(nodes[node_id])
        by_file[url] = by_file.get(url, 0.0) + us
        by_function[name] = by_function.get(name, 0.0) + us
        seen: set[str] = set()
        at: int | None = node_id
        while at is not None:  # every function on the stack, once each
            caller = where(nodes[at])[1]
            if caller not in seen:
                seen.add(caller)
                total[caller] = total.get(caller, 0.0) + us
            at = parent.get(at)
    idle, native = by_file.pop("(idle)", 0.0), by_file.pop("(program)", 0.0)
    busy = sum(by_file.values()) / 1000 / edits
    print(f"the other browser's profile, per edit: {busy:.0f} ms of script and its garbage "
          f"collection; {native / 1000 / edits:.0f} ms in the browser's own code (style, "
          f"layout, paint), {idle / 1000 / edits:.0f} ms idle")  # fmt: skip
    for title, table in (("self time by file", by_file), ("self time", by_function)):
        print(f"  {title} (ms per edit):")
        for name, us in sorted(table.items(), key=lambda kv: -kv[1])[:25]:
            print(f"    {us / 1000 / edits:7.1f}  {name}")
    print("  time including callees (ms per edit):")
    for name, us in sorted(total.items(), key=lambda kv: -kv[1])[:60]:
        print(f"    {us / 1000 / edits:7.1f}  {name}")


def breakdown(
    recorded: list[dict[str, Any]],
    session: str,
    stored: list[float],
    shown: list[float],
    each: bool = False,
) -> None:
    """Per edit, what the partner's server did from the edit stored (ms since the epoch) to the
    next edit: the watcher's wake, the runs it started (fragment or page), their CPU and
    messages, the page run's last message handed to the websocket and the value seen; with
    ``each``, one line per edit (where the slow ones lost their time), the other sessions'
    runs on the same server that overlapped the page's run among them."""
    steps: dict[str, list[float]] = {}
    runs_per_edit: list[int] = []
    kinds: dict[str, dict[str, list[float]]] = {}
    ends = [*stored[1:], float("inf")]

    def step(name: str, value: float) -> None:
        steps.setdefault(name, []).append(value / 1000)

    for at, until, seen in zip(stored, ends, shown, strict=True):
        mine = [
            r
            for r in recorded
            if r.get("session") == session
            and at - 5 <= 1000 * float(r["start" if r["kind"] == "run" else "at"]) < until
        ]
        wakes = [1000 * r["at"] for r in mine if r["kind"] == "wake"]
        runs = [r for r in mine if r["kind"] == "run"]
        pages = [r for r in runs if not r["fragment"]]
        if wakes:
            step("stored -> the watcher wakes the page", wakes[0] - at)
        if runs:
            step("stored -> its first run starts", 1000 * runs[0]["start"] - at)
        if pages:
            page = pages[0]
            step("stored -> the page's run starts", 1000 * page["start"] - at)
            step("the page's run: start -> end", 1000 * (page["end"] - page["start"]))
            finished = [
                1000 * r["at"]
                for r in mine
                if r["kind"] == "sent"
                and r["at"] >= page["start"] + page["body_ms"] / 1000
                and r["type"] == "script_finished"
            ]
            if finished:
                sent = finished[0] - 1000 * page["end"]
                step("its end -> its last message to the websocket", sent)
                step("that message -> the value seen in the browser", seen - finished[0])
        runs_per_edit.append(len(runs))
        if each:
            print(each_edit(recorded, session, at, seen, runs, mine))
        for r in runs:
            kind = kinds.setdefault("fragment run" if r["fragment"] else "page run", {})
            for key in ("body_ms", "body_cpu_ms", "cpu_ms", "deltas", "bytes"):
                kind.setdefault(key, []).append(float(r[key]))
    print(f"the partner's server, {len(stored)} edits, runs per edit "
          f"{statistics.mean(runs_per_edit or [0]):.1f}:")  # fmt: skip
    for name, times in steps.items():
        if len(times) > 1:
            row(f"  {name} (ms)", times)
    for name, values in kinds.items():
        if len(values["cpu_ms"]) < 2:
            continue
        med = {key: statistics.median(v) for key, v in values.items()}
        print(f"  {name} ({len(values['cpu_ms'])}): wall {med['body_ms']:.0f} ms, "
              f"CPU {med['body_cpu_ms']:.0f} ms + cleanup and gc "
              f"{med['cpu_ms'] - med['body_cpu_ms']:.0f} ms, "
              f"{med['deltas']:.0f} deltas, {med['bytes'] / 1024:.0f} KB (medians)")  # fmt: skip


def each_edit(
    recorded: list[dict[str, Any]],
    session: str,
    stored: float,
    seen: float,
    runs: list[dict[str, Any]],
    mine: list[dict[str, Any]],
) -> str:
    """One edit's line: stored -> seen, and each run of the page from the edit stored (ms):
    its start, wall and CPU time, deltas, the time other sessions' runs overlapped it."""
    parts = [f"edit: stored -> seen {seen - stored:5.0f} ms;"]
    wakes = [1000 * r["at"] for r in mine if r["kind"] == "wake"]
    if wakes:
        parts.append(f"woken +{wakes[0] - stored:.0f}")
    for r in runs:
        start, end = float(r["start"]), float(r["end"])
        others = sum(
            max(0.0, min(end, float(o["end"])) - max(start, float(o["start"])))
            for o in recorded
            if o["kind"] == "run" and o.get("session") != session
        )
        parts.append(
            f"{'fragment' if r['fragment'] else 'page'} +{1000 * start - stored:.0f} "
            f"{r['body_ms']:.0f} ms (CPU {r['cpu_ms']:.0f}, {r['deltas']} deltas, "
            f"others' runs {1000 * others:.0f} ms)"
        )
    sent = [r for r in mine if r["kind"] == "sent" and r["type"] == "script_finished"]
    if sent:
        parts.append(f"finished sent +{1000 * sent[-1]['at'] - stored:.0f}")
    return "  " + " ".join(parts)


def main_thread(devtools: Any) -> dict[str, float]:
    """Seconds the page's main thread spent so far (Chromium's own counters): in tasks, in
    script, in style and layout."""
    metrics = {m["name"]: m["value"] for m in devtools.send("Performance.getMetrics")["metrics"]}
    return {
        "tasks": metrics["TaskDuration"],
        "script": metrics["ScriptDuration"],
        "style and layout": metrics["RecalcStyleDuration"] + metrics["LayoutDuration"],
    }


def row(name: str, values: list[float]) -> None:
    print(f"{name:<52}{percentile_ms(values, 50):>9.0f}{percentile_ms(values, 95):>9.0f}")


def server_cpu_seconds(port: str) -> float:
    """User + system CPU seconds so far of the ``streamlit run`` serving ``port`` (``/proc``)."""
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            if b"streamlit" in b" ".join(command) and port.encode() in command:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError):
            continue
    raise LookupError(f"no streamlit server on port {port}")


def idle(seconds: float, postgres: str | None, poll: float | None, trace: Path | None) -> None:
    from playwright.sync_api import sync_playwright

    with (
        servers(postgres, {**timer(poll), **tracing(trace)}) as (url, _, store),
        sync_playwright() as pw,
    ):
        port = url.rsplit(":", 1)[1]

        def cpu_share(span: float) -> float:
            before, start = server_cpu_seconds(port), time.monotonic()
            time.sleep(span)
            return (server_cpu_seconds(port) - before) / (time.monotonic() - start)

        empty = cpu_share(seconds)
        plan_id = store.create_plan(shared_plan(), author="Vera", side="vendor")
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        pages = [browser.new_context(locale="de-DE").new_page() for _ in range(3)]
        for page in pages:
            page.set_default_timeout(LOADED_MS)
        pages[0].goto(f"{url}/assumptions")
        settle(pages[0])
        enter_name(pages[0], "Vera")
        for page, role, name in (
            (pages[1], "partner_editor", "Anna"),
            (pages[2], "viewer", "Otto"),
        ):
            join(
                page,
                url,
                plan_id,
                access.create_invite(store, access.owner_access(plan_id), role).token,
                name,
            )
        for page in pages:
            settle(page)
        quiet_from = time.time() * 1000
        busy = cpu_share(seconds)
        quiet_until = time.time() * 1000
        browser.close()
    per_page = (busy - empty) / 3
    how = f"the pages' own {poll} s timer" if poll is not None else "the server's watcher"
    print(f"{how}; server CPU, {seconds:.0f} s each, load {os.getloadavg()[0]:.1f}: no page open "
          f"{100 * empty:.2f} % of a core; three idle pages {100 * busy:.2f} %; "
          f"per page {100 * per_page:.2f} % (goal < 1 %)")  # fmt: skip
    if trace is not None:
        idle_runs = [
            r for r in records(trace)
            if r["kind"] == "run" and quiet_from <= 1000 * float(r["start"]) < quiet_until
        ]  # fmt: skip
        cpu = sum(float(r["cpu_ms"]) for r in idle_runs)
        print(f"  runs while idle: {len(idle_runs)} ({sum(bool(r['fragment']) for r in idle_runs)} "
              f"fragment runs), their CPU {cpu:.0f} ms in all")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "count", nargs="?", type=float, help="edits (default 50) or idle seconds (60)"
    )
    parser.add_argument("--postgres", metavar="URL", help="two servers on this PostgreSQL")
    parser.add_argument("--poll", type=float, metavar="SECONDS", help="the pages' timer instead")
    parser.add_argument("--idle", action="store_true", help="server CPU per idle page")
    parser.add_argument("--trace", action="store_true", help="record the servers' runs")
    parser.add_argument("--each", action="store_true", help="with --trace: a line per edit")
    parser.add_argument(
        "--keep", type=Path, metavar="FILE", help="with --trace: keep the servers' record in FILE"
    )
    parser.add_argument(
        "--profile", type=Path, metavar="FILE", help="the other browser's CPU profile to FILE"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        trace = (args.keep or Path(folder) / "runs.jsonl") if args.trace else None
        if args.idle:
            idle(args.count or 60.0, args.postgres, args.poll, trace)
        else:
            latency(int(args.count or 50), args.postgres, args.poll, trace, args.profile, args.each)


if __name__ == "__main__":
    main()
