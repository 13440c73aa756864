"""The app server's run recorder, for ``bench_live.py --trace`` and ``bench_link.py``.

Loaded by Python at start-up when this folder is on ``PYTHONPATH``; with
``PLANNER_TRACE_RUNS=FILE`` it appends one JSON object a line to FILE, on the server's clock
(seconds since the epoch, as the browser's ``performance.timeOrigin + performance.now()``
divided by 1000), each with its ``kind``:

- ``session``: a browser's session made (its websocket opened);
- ``request``: a browser asks for a run (fragment or not, its widget values);
- ``wake``: the server's watcher asks a session's live fragment to run;
- ``run``: one script run: its session, page, whether a fragment, start and end, how it ended,
  its body's wall and CPU time and the CPU with the runner's clean-up (ms, the run's thread),
  its messages (count, deltas, bytes, how many of each element kind, the kind and size of
  each over 4 KB) and when the first and the last was enqueued;
- ``sent``: one message handed to a browser's websocket (session, type, bytes);
- ``gc``: a garbage collection Streamlit asked for after a run (when, how long).

``PLANNER_RUN_PROFILE=FOLDER`` also writes each run's ``cProfile`` statistics there
(``<start ms>-<fragment|page>.prof``). Nothing is changed in what the server does: it wraps
Streamlit's own methods.
"""

from __future__ import annotations

import json
import os
import threading
import time
from typing import Any

_FILE = os.environ.get("PLANNER_TRACE_RUNS")
_PROFILE = os.environ.get("PLANNER_RUN_PROFILE")
_lock = threading.Lock()
_runs: dict[int, dict[str, Any]] = {}
"""The run under way on each script thread."""


def _write(record: dict[str, Any]) -> None:
    if _FILE:
        with _lock, open(_FILE, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")


def _install_sessions() -> None:
    """Sessions made, the browsers' run requests and the watcher's wakes."""
    from streamlit.runtime import app_session

    session_cls = app_session.AppSession
    made = session_cls.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **kwargs)
        _write({"kind": "session", "session": self.id, "at": time.time()})

    request_rerun = session_cls.request_rerun

    def traced_request(self: Any, client_state: Any) -> None:
        _write(
            {
                "kind": "request",
                "at": time.time(),
                "session": self.id,
                "fragment": bool(client_state and client_state.fragment_id),
                "auto": bool(client_state and client_state.is_auto_rerun),
                "widgets": len(client_state.widget_states.widgets) if client_state else 0,
            }
        )
        request_rerun(self, client_state)

    call_soon = session_cls._call_soon_on_event_loop

    def traced_call_soon(self: Any, fn: Any) -> None:
        if threading.current_thread().name == "planner-watch":  # planner.ui.push's thread
            _write({"kind": "wake", "at": time.time(), "session": self.id})
        call_soon(self, fn)

    session_cls.__init__ = init  # type: ignore[method-assign]
    session_cls.request_rerun = traced_request  # type: ignore[method-assign]
    session_cls._call_soon_on_event_loop = traced_call_soon  # type: ignore[method-assign,assignment]


def _element_kind(msg: Any) -> str:
    """A message's element (``arrow_data_frame``, ``markdown``, ...) or its type."""
    if msg.HasField("delta"):
        delta = msg.delta
        kind = delta.WhichOneof("type")
        if kind == "new_element":
            return str(delta.new_element.WhichOneof("type"))
        return str(kind)
    return str(msg.WhichOneof("type"))


def _install_runs() -> None:
    """Each script run: on its own thread, from its start to the runner's clean-up."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.runtime.scriptrunner_utils import script_run_context

    runner_cls = script_runner.ScriptRunner
    ctx_cls = script_run_context.ScriptRunContext
    on_start = ctx_cls.on_script_start

    def traced_start(self: Any) -> None:
        run: dict[str, Any] = {
            "kind": "run",
            "session": self.session_id,
            "fragment": bool(self.fragment_ids_this_run),
            "page": self.page_script_hash[:6],
            "start": time.time(),
            "cpu0": time.thread_time(),
            "messages": 0,
            "deltas": 0,
            "bytes": 0,
            "elements": {},
            "large": [],
            "first_message": None,
            "last_message": None,
        }
        _runs[threading.get_ident()] = run
        if _PROFILE:
            import cProfile

            profile = cProfile.Profile(time.thread_time)
            run["profile"] = profile
            profile.enable()
        on_start(self)

    enqueue = ctx_cls.enqueue

    def traced_enqueue(self: Any, msg: Any) -> None:
        run = _runs.get(threading.get_ident())
        if run is not None:
            now = time.time()
            run["messages"] += 1
            run["deltas"] += msg.HasField("delta")
            size = msg.ByteSize()
            run["bytes"] += size
            kind = _element_kind(msg)
            run["elements"][kind] = run["elements"].get(kind, 0) + 1
            if size >= 4096:  # what makes a run heavy: its large elements, by kind
                run["large"].append([kind, size])
            run["first_message"] = run["first_message"] or now
            run["last_message"] = now
        enqueue(self, msg)

    finished = runner_cls._on_script_finished

    def traced_finished(self: Any, ctx: Any, event: Any, *args: Any, **kwargs: Any) -> None:
        run = _runs.pop(threading.get_ident(), None)
        body_end, body_cpu = time.time(), time.thread_time()
        finished(self, ctx, event, *args, **kwargs)
        if run is None:
            return
        profile = run.pop("profile", None)
        if profile is not None:
            profile.disable()
            kind = "fragment" if run["fragment"] else "page"
            profile.dump_stats(f"{_PROFILE}/{1000 * run['start']:.0f}-{kind}.prof")
        cpu0 = run.pop("cpu0")
        run.update(
            end=time.time(),
            how=str(getattr(event, "name", event)),
            body_ms=1000 * (body_end - run["start"]),
            body_cpu_ms=1000 * (body_cpu - cpu0),
            cpu_ms=1000 * (time.thread_time() - cpu0),
        )
        _write(run)

    ctx_cls.on_script_start = traced_start  # type: ignore[method-assign]
    ctx_cls.enqueue = traced_enqueue  # type: ignore[method-assign]
    runner_cls._on_script_finished = traced_finished  # type: ignore[method-assign]


def _install_messages() -> None:
    """One line per message handed to a browser's websocket (its session, type, bytes)."""
    from streamlit.runtime import runtime

    send = runtime.Runtime._send_message

    def traced_send(self: Any, session_info: Any, msg: Any) -> None:
        _write(
            {
                "kind": "sent",
                "at": time.time(),
                "session": session_info.session.id,
                "type": msg.WhichOneof("type"),
                "bytes": msg.ByteSize(),
            }
        )
        send(self, session_info, msg)

    runtime.Runtime._send_message = traced_send  # type: ignore[method-assign]


def _install_gc() -> None:
    """One line per garbage collection asked for (when, how long)."""
    import gc

    collect = gc.collect

    def timed(generation: int = 2) -> int:
        began = time.time()
        found = collect(generation)
        _write({"kind": "gc", "at": began, "seconds": time.time() - began})
        return found

    gc.collect = timed


if _FILE:
    for _part in (_install_sessions, _install_runs, _install_messages, _install_gc):
        try:
            _part()
        except Exception as error:  # a Streamlit without this hook: that part is not recorded
            print(f"run trace: {_part.__name__} not installed: {error}")
