"""Server-side timeline of every script run, for ``bench_live.py --trace``.

Put on an app server's ``PYTHONPATH`` with ``PLANNER_RUN_TRACE=FILE``: each run request
(a browser's message or a wake), each run's start and end (wall clock in ms since the epoch
and the run thread's CPU time) and the messages it sent go to FILE, one JSON object a line.
It changes nothing of what the server does; it wraps Streamlit's own methods.
"""

from __future__ import annotations

import json
import os
import threading
import time
from typing import Any

_PATH = os.environ.get("PLANNER_RUN_TRACE")
_PROFILE = os.environ.get("PLANNER_RUN_PROFILE")
"""A folder: each run's ``cProfile`` statistics go there too (``<start>-<kind>.prof``)."""
_lock = threading.Lock()
_runs: dict[int, dict[str, Any]] = {}


def _write(record: dict[str, Any]) -> None:
    if _PATH:
        with _lock, open(_PATH, "a") as out:
            out.write(json.dumps(record) + "\n")


def _install() -> None:
    from streamlit.runtime import app_session
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.runtime.scriptrunner_utils import script_run_context

    session_cls = app_session.AppSession
    runner_cls = script_runner.ScriptRunner
    ctx_cls = script_run_context.ScriptRunContext

    request_rerun = session_cls.request_rerun

    def traced_request(self: Any, client_state: Any) -> None:
        _write(
            {
                "event": "request",
                "at": time.time() * 1000,
                "session": self.id[:8],
                "fragment": bool(client_state and client_state.fragment_id),
                "auto": bool(client_state and client_state.is_auto_rerun),
                "widgets": len(client_state.widget_states.widgets) if client_state else 0,
            }
        )
        request_rerun(self, client_state)

    session_cls.request_rerun = traced_request  # type: ignore[method-assign]

    on_start = ctx_cls.on_script_start

    def traced_start(self: Any) -> None:
        _runs[threading.get_ident()] = {
            "session": self.session_id[:8],
            "fragment": bool(self.fragment_ids_this_run),
            "page": self.page_script_hash[:6],
            "start": time.time() * 1000,
            "cpu0": time.thread_time(),
            "messages": 0,
            "deltas": 0,
        }
        if _PROFILE:
            import cProfile

            profile = cProfile.Profile(time.thread_time)
            _runs[threading.get_ident()]["profile"] = profile
            profile.enable()
        on_start(self)

    ctx_cls.on_script_start = traced_start  # type: ignore[method-assign]

    enqueue = ctx_cls.enqueue

    def traced_enqueue(self: Any, msg: Any) -> None:
        run = _runs.get(threading.get_ident())
        if run is not None:
            run["messages"] += 1
            run["deltas"] += msg.HasField("delta")
        enqueue(self, msg)

    ctx_cls.enqueue = traced_enqueue  # type: ignore[method-assign]

    finished = runner_cls._on_script_finished

    def traced_finished(self: Any, ctx: Any, event: Any, *args: Any, **kwargs: Any) -> None:
        run = _runs.pop(threading.get_ident(), None)
        body_end, body_cpu = time.time() * 1000, time.thread_time()
        finished(self, ctx, event, *args, **kwargs)
        if run is not None and "profile" in run:
            profile = run.pop("profile")
            profile.disable()
            kind = "fragment" if run["fragment"] else "page"
            profile.dump_stats(f"{_PROFILE}/{run['start']:.0f}-{kind}.prof")
        if run is not None:
            cpu0 = run.pop("cpu0")
            run.update(
                event="run",
                end=time.time() * 1000,
                how=str(getattr(event, "name", event)),
                body_ms=body_end - run["start"],
                body_cpu_ms=1000 * (body_cpu - cpu0),
                cpu_ms=1000 * (time.thread_time() - cpu0),
            )
            _write(run)

    runner_cls._on_script_finished = traced_finished  # type: ignore[method-assign]


if _PATH:
    _install()
