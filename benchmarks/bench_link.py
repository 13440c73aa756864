"""A partner opens a join link; where the time to both sides' key figures goes; an edit on the
assumptions page updates the key-figure strip.

    .venv/bin/python benchmarks/bench_link.py [ROUNDS]

Real chromium against a warm server (the app served once before measuring). Each open is timed
on the browser's clock (Navigation and Resource Timing, the websocket's opening and messages,
the frame in which both sides' key figures are first drawn) and on the server's (each script
run's start and end, from ``trace/sitecustomize.py``; same machine, same clock):

- a browser that gave its name on this link before (the name cookie, as a reload or a second
  tab has it) opens the link -> both sides' key figures drawn on the dashboard
  (goal < 1.0 s in a fresh browser, < 0.7 s with the app's files cached): a fresh browser
  context each time, then again in one that has the app's files cached;
- a fresh browser without the name (an address someone sent): link -> the name prompt drawn,
  then name entered (Enter) -> the key figures drawn;
- commit an edit on the assumptions page (Tab) -> the strip shows the new partner NPV
  (goal p50 < 300 ms).

The breakdown printed per kind of open (medians): the page's HTML, the app's static files
(bytes, when the last arrived; those fetched for the elements drawn, the largest named),
main-thread script time (Chromium's ScriptDuration), the
websocket made (the app started) and open, the server's runs until the figures (how many, each
one's server time), when the last run's end left the server (what Streamlit does after a run,
its garbage collection among it, holds the page's last messages back) and the figures drawn.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.shared_plan_server import percentile_ms, shared_plan_server  # noqa: E402
from planner import i18n  # noqa: E402
from planner.model import evaluate  # noqa: E402
from planner.plan.validation import with_values  # noqa: E402
from tests.test_browser_collab import join, settle  # noqa: E402

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
TRACE_DIR = Path(__file__).resolve().parent / "trace"

# Put in every page before its own scripts: wraps the WebSocket to note when it is made, opens
# and receives, and checks in every frame (requestAnimationFrame: just before it is painted)
# whether the name prompt and both sides' figures are drawn.
PAGE_PROBE = """
(() => {
  const wanted = %s, prompt = %s;
  const T = window.__trace = {ws: [], prompt: null, figures: null};
  const Native = window.WebSocket;
  function Traced(url, protocols) {
    const ws = new Native(url, protocols);
    const rec = {created: performance.now(), open: null, messages: []};
    T.ws.push(rec);
    ws.addEventListener('open', () => { rec.open = performance.now(); });
    ws.addEventListener('message', (e) => {
      rec.messages.push([performance.now(), e.data.byteLength || e.data.size || 0]);
    });
    return ws;
  }
  Traced.prototype = Native.prototype;
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Traced[k] = Native[k];
  window.WebSocket = Traced;
  // textContent costs no layout; innerText (what is drawn) is asked only once it matches
  const shows = (words) => {
    const raw = document.body ? document.body.textContent : '';
    if (!words.every((w) => raw.includes(w))) return false;
    const drawn = document.body.innerText;
    return words.every((w) => drawn.includes(w));
  };
  const tick = () => {
    if (T.prompt === null && shows([prompt])) T.prompt = performance.now();
    if (T.figures === null && shows(wanted)) T.figures = performance.now();
    if (T.figures === null) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""

COLLECT = """
() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const files = performance.getEntriesByType('resource')
    .filter((r) => /\\.(js|css|woff2?|ttf)(\\?|$)/.test(r.name));
  const T = window.__trace;
  const ws = T.ws[0] || {created: null, open: null, messages: []};
  // the elements' scripts, fetched once the app's messages arrive (the first view's chunks)
  const late = files.filter((r) => ws.created !== null && r.startTime > ws.created);
  return {
    origin: performance.timeOrigin,
    html_start: nav.requestStart, html_end: nav.responseEnd,
    dom_interactive: nav.domInteractive,
    files: files.length,
    files_cached: files.filter((r) => r.transferSize === 0).length,
    files_transferred: files.reduce((a, r) => a + r.transferSize, 0),
    files_decoded: files.reduce((a, r) => a + r.decodedBodySize, 0),
    files_end: files.reduce((a, r) => Math.max(a, r.responseEnd), 0),
    late_files: late.length,
    late_decoded: late.reduce((a, r) => a + r.decodedBodySize, 0),
    late_largest: late.sort((a, b) => b.decodedBodySize - a.decodedBodySize).slice(0, 4)
      .map((r) => [r.name.split('/').pop().split('.')[0], r.decodedBodySize]),
    ws_created: ws.created, ws_open: ws.open,
    ws_first: ws.messages.length ? ws.messages[0][0] : null,
    ws_messages: ws.messages.map((m) => m[0]),
    prompt: T.prompt, figures: T.figures,
  };
}
"""


def npv_text(plan: object) -> str:
    return i18n.money(evaluate(plan).kpis["partner"]["npv"], "EUR", "de")  # type: ignore[arg-type]


def name_cookie(url: str, plan_id: str, token: str, name: str) -> dict[str, Any]:
    """The cookie a browser keeps after its person gave a name on this link (as
    ``planner.ui.collab.name_cookie`` names it)."""
    bound = hashlib.sha256(f"{plan_id}\n{token}".encode()).hexdigest()[:16]
    return {"name": f"planner_name_{bound}", "value": quote(name), "url": url}


def runs_between(trace: Path, start: float, end: float) -> list[dict[str, Any]]:
    """The server's runs (and sessions made) that started between ``start`` and ``end``
    (seconds since the epoch)."""
    if not trace.exists():
        return []
    records = [json.loads(line) for line in trace.read_text().splitlines() if line.strip()]
    return [r for r in records if start <= r.get("start", r.get("at", 0)) <= end]


def breakdown(timing: dict[str, Any], runs: list[dict[str, Any]], typed: float | None) -> dict:
    """One open's times in ms from the navigation's start (the browser's clock)."""
    origin = timing["origin"] / 1000  # epoch seconds

    def ms(epoch: float) -> float:
        return (epoch - origin) * 1000

    shown = typed if typed is not None else 0.0
    script_runs = [
        r for r in runs if r.get("kind") == "run" and ms(r["start"]) <= timing["figures"]
    ]
    whole = [r for r in script_runs if not r["fragment"] and ms(r["start"]) >= shown]
    sessions = [r for r in runs if r.get("kind") == "session"]
    last = max(whole, key=lambda r: r["end"]) if whole else None
    finished = [
        ms(r["at"])
        for r in runs
        if r.get("kind") == "sent"
        and r["type"] == "script_finished"
        and last is not None
        and r["at"] >= last["start"]
    ]
    collected = [
        r["seconds"] * 1000
        for r in runs
        if r.get("kind") == "gc" and ms(r["at"]) <= timing["figures"]
    ]
    return {
        "html": timing["html_end"],
        "files_end": timing["files_end"],
        "files": timing["files"],
        "files_cached": timing["files_cached"],
        "kb_transferred": timing["files_transferred"] / 1024,
        "kb_decoded": timing["files_decoded"] / 1024,
        "late_files": timing["late_files"],
        "late_kb": timing["late_decoded"] / 1024,
        "late_largest": timing["late_largest"],
        "ws_created": timing["ws_created"],
        "ws_open": timing["ws_open"],
        "session_made": ms(sessions[0]["at"]) if sessions else float("nan"),
        "first_run_start": ms(whole[0]["start"]) if whole else float("nan"),
        "runs": len(whole),
        "fragment_runs": len(script_runs) - len(whole),
        "run_ms": [round((r["end"] - r["start"]) * 1000, 1) for r in whole],
        "run_kb": [round(r["bytes"] / 1024, 1) for r in whole],
        "last_run_end": ms(last["end"]) if last else float("nan"),
        "finished_sent": finished[0] if finished else float("nan"),
        "gc_ms": sum(collected),
        "figures": timing["figures"],
        "figures_after_typed": timing["figures"] - shown if typed is not None else None,
        "prompt": timing["prompt"],
        "script_ms": timing.get("script_ms"),
        "task_ms": timing.get("task_ms"),
    }


def open_once(
    context: Any, link: str, probe: str, trace: Path, name: str | None = None
) -> dict[str, Any]:
    """Open ``link`` in a new page of ``context``; with ``name``, wait for the prompt and give
    it. The page is closed again."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    began = time.time()
    page.goto(link, wait_until="commit")
    typed = None
    if name is not None:
        page.wait_for_function("() => window.__trace && window.__trace.prompt !== null", polling=10)
        box = page.get_by_role("textbox", name=i18n.t("collab.your_name", "de"))
        box.fill(name)
        typed = page.evaluate("() => performance.now()")
        box.press("Enter")
    page.wait_for_function("() => window.__trace && window.__trace.figures !== null", polling=10)
    page.wait_for_timeout(300)  # the runs that end after the figures are drawn
    timing = page.evaluate(COLLECT)
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    timing["script_ms"] = metrics.get("ScriptDuration", 0) * 1000
    timing["task_ms"] = metrics.get("TaskDuration", 0) * 1000
    page.close()
    return breakdown(timing, runs_between(trace, began - 0.05, time.time()), typed)


def median(values: list[float]) -> float:
    found = [v for v in values if v is not None and v == v]
    return statistics.median(found) if found else float("nan")


def report(title: str, opens: list[dict[str, Any]]) -> None:
    """The median breakdown of ``opens``."""
    print(f"\n{title} ({len(opens)} opens, medians, ms from the navigation's start)")
    rows = [
        ("page HTML received", "html"),
        ("static files: last received", "files_end"),
        ("websocket made (the app's scripts ran)", "ws_created"),
        ("websocket open", "ws_open"),
        ("server: session made", "session_made"),
        ("server: first run starts", "first_run_start"),
        ("server: last run before the figures ends", "last_run_end"),
        ("server: its end handed to the websocket", "finished_sent"),
        ("server: garbage collection after runs (ms, sum)", "gc_ms"),
        ("name prompt drawn", "prompt"),
        ("both sides' key figures drawn", "figures"),
        ("main-thread script (Chromium ScriptDuration)", "script_ms"),
        ("main-thread tasks (Chromium TaskDuration)", "task_ms"),
    ]
    for label, key in rows:
        value = median([o[key] for o in opens if o[key] is not None])
        if value == value:
            print(f"  {label:<52}{value:>8.0f}")
    if opens[0]["figures_after_typed"] is not None:
        value = median([o["figures_after_typed"] for o in opens])
        print(f"  {'name entered -> figures drawn':<52}{value:>8.0f}")
    print(
        f"  static files: {opens[0]['files']} ({median([o['files_cached'] for o in opens]):.0f}"
        f" from the cache), {median([o['kb_transferred'] for o in opens]):.0f} KB transferred,"
        f" {median([o['kb_decoded'] for o in opens]):.0f} KB decoded"
    )
    largest = ", ".join(f"{name} {size / 1024:.0f}" for name, size in opens[0]["late_largest"])
    print(
        f"  of them loaded for the elements drawn (after the websocket was made):"
        f" {median([o['late_files'] for o in opens]):.0f},"
        f" {median([o['late_kb'] for o in opens]):.0f} KB decoded; largest (KB): {largest}"
    )
    counts = sorted({o["runs"] for o in opens})
    per_run = [
        median([o["run_ms"][i] for o in opens if len(o["run_ms"]) > i]) for i in range(max(counts))
    ]
    kb = [
        median([o["run_kb"][i] for o in opens if len(o["run_kb"]) > i]) for i in range(max(counts))
    ]
    print(
        f"  whole-page runs until the figures: {counts}; each (server ms): "
        + ", ".join(f"{m:.0f}" for m in per_run)
        + "; sent (KB): "
        + ", ".join(f"{k:.0f}" for k in kb)
        + f"; fragment runs: {sorted({o['fragment_runs'] for o in opens})}"
    )


def main() -> None:
    trace_file = Path(tempfile.mkdtemp()) / "runs.jsonl"
    env = {
        "PLANNER_TRACE_RUNS": str(trace_file),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(TRACE_DIR), os.environ.get("PYTHONPATH")])),
    }
    print(f"load average: {os.getloadavg()[0]:.1f}")
    with shared_plan_server(env) as shared:
        url, store, plan_id, token = shared.url, shared.store, shared.plan_id, shared.token
        browser = shared.browser
        link = f"{url}/?plan={plan_id}&key={token}"  # the dashboard
        shown = npv_text(store.plan_at(plan_id))
        wanted = [shown, i18n.t("ui.short.revenue", "de")]  # the partner's NPV, a vendor figure
        probe = PAGE_PROBE % (json.dumps(wanted), json.dumps(i18n.t("collab.your_name", "de")))
        cookie = name_cookie(url, plan_id, token, "Anna")

        def context() -> Any:
            made = browser.new_context(locale="de-DE")
            made.add_init_script(probe)
            made.add_cookies([cookie])
            return made

        warm = context()  # a browser that has the app's files cached
        open_once(warm, link, probe, trace_file)  # the first opening warms the server
        fresh, cached, named = [], [], []
        for _ in range(ROUNDS):
            one = context()
            fresh.append(open_once(one, link, probe, trace_file))
            one.close()
            cached.append(open_once(warm, link, probe, trace_file))
            nameless = browser.new_context(locale="de-DE")
            nameless.add_init_script(probe)
            named.append(open_once(nameless, link, probe, trace_file, name="Berta"))
            nameless.close()
        warm.close()

        page = browser.new_context(locale="de-DE").new_page()
        join(page, url, plan_id, token, "Anna")
        typed = page.get_by_role("textbox", name=i18n.label("revenue.deal_size", "de"))
        updated = []
        for n in range(ROUNDS):
            value = 30_000 + 500 * n
            expected = npv_text(with_values(store.plan_at(plan_id), {"revenue.deal_size": value}))
            typed.fill(i18n.number(value, "de"))
            start = time.perf_counter()
            typed.press("Tab")
            page.wait_for_function(
                "text => (document.querySelector('.st-key-figure_strip') || {}).innerText"
                "?.includes(text)",
                arg=expected,
                polling=10,
            )
            updated.append(time.perf_counter() - start)
            settle(page)

    report("fresh browser, name given on this link before", fresh)
    report("browser with the app's files cached, name given before", cached)
    report("fresh browser, no name yet (the prompt, then the name entered)", named)
    pct = percentile_ms
    print(f"\n{'measurement':<60}{'p50':>8}{'p95':>8}  goal")
    for label, values, goal in (
        (
            "join link -> both sides key figures drawn, fresh (ms)",
            [o["figures"] for o in fresh],
            "< 1000",
        ),
        ("  the same, the app's files cached (ms)", [o["figures"] for o in cached], "< 700"),
        ("join link, no name -> name prompt drawn (ms)", [o["prompt"] for o in named], ""),
        ("  name entered -> key figures drawn (ms)", [o["figures_after_typed"] for o in named], ""),
    ):
        seconds = [v / 1000 for v in values]
        print(f"{label:<60}{pct(seconds, 50):>8.0f}{pct(seconds, 95):>8.0f}  {goal}")
    print(
        f"{'edit (Tab) -> key-figure strip updated (ms)':<60}"
        f"{pct(updated, 50):>8.0f}{pct(updated, 95):>8.0f}  p50 < 300"
    )
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
