"""Loaded by Python at start-up when this folder is on ``PYTHONPATH`` (``bench_link.py`` starts
its app server so): with ``PLANNER_TRACE_RUNS=FILE`` it appends one JSON line per script run to
FILE, on the server's clock (seconds since the epoch, as the browser's
``performance.timeOrigin + performance.now()``): the session, when the run started and ended,
whether it was a fragment, how it ended, its messages to the browser (count, bytes) and when the
first and last left; one line when a browser's session is made (its websocket opened), per
message handed to a websocket and per garbage collection after a run. Nothing is changed in
what the server does."""

from __future__ import annotations

import json
import os
import threading
import time

_FILE = os.environ.get("PLANNER_TRACE_RUNS")


def _install(path: str) -> None:
    from streamlit.runtime import app_session
    from streamlit.runtime.scriptrunner import ScriptRunnerEvent

    lock = threading.Lock()
    runs: dict[str, dict[str, object]] = {}

    def write(record: dict[str, object]) -> None:
        with lock, open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")

    made = app_session.AppSession.__init__

    def init(self: app_session.AppSession, *args: object, **kwargs: object) -> None:
        made(self, *args, **kwargs)  # type: ignore[arg-type]
        write({"kind": "session", "session": self.id, "at": time.time()})

    seen = app_session.AppSession._on_scriptrunner_event

    def on_event(self: app_session.AppSession, sender: object, event: object, **kw: object) -> None:
        now = time.time()
        if event == ScriptRunnerEvent.SCRIPT_STARTED:
            runs[self.id] = {
                "kind": "run",
                "session": self.id,
                "start": now,
                "fragment": bool(kw.get("fragment_ids_this_run")),
                "messages": 0,
                "bytes": 0,
                "first_message": None,
                "last_message": None,
            }
        elif event == ScriptRunnerEvent.ENQUEUE_FORWARD_MSG:
            run = runs.get(self.id)
            message = kw.get("forward_msg")
            if run is not None and message is not None:
                run["messages"] = int(run["messages"]) + 1  # type: ignore[call-overload]
                run["bytes"] = int(run["bytes"]) + message.ByteSize()  # type: ignore[attr-defined,call-overload]
                run["first_message"] = run["first_message"] or now
                run["last_message"] = now
        elif str(event).split(".")[-1].startswith(("SCRIPT_STOPPED", "FRAGMENT_STOPPED")):
            run = runs.pop(self.id, None)
            if run is not None:
                run["end"] = now
                run["how"] = str(event).split(".")[-1]
                write(run)
        seen(self, sender, event, **kw)  # type: ignore[arg-type]

    app_session.AppSession.__init__ = init  # type: ignore[method-assign]
    app_session.AppSession._on_scriptrunner_event = on_event  # type: ignore[method-assign]


if _FILE:
    try:
        _install(_FILE)
    except Exception as error:  # a Streamlit without these hooks: the server runs untraced
        print(f"run trace not installed: {error}")


def _install_messages(path: str) -> None:
    """One line per message handed to a browser's websocket (its type, bytes, when)."""
    from streamlit.web.server.starlette import starlette_websocket as ws

    written = ws.StarletteSessionClient.write_forward_msg

    def write(self: object, msg: object) -> None:
        with open(path, "a", encoding="utf-8") as out:
            kind = msg.WhichOneof("type")  # type: ignore[attr-defined]
            out.write(
                json.dumps(
                    {"kind": "sent", "at": time.time(), "type": kind, "bytes": msg.ByteSize()}
                )
                + "\n"
            )  # type: ignore[attr-defined]
        written(self, msg)  # type: ignore[arg-type]

    ws.StarletteSessionClient.write_forward_msg = write  # type: ignore[method-assign]


def _install_gc(path: str) -> None:
    """One line per garbage collection Streamlit asks for after a run (when, how long)."""
    import gc

    collect = gc.collect

    def timed(generation: int = 2) -> int:
        began = time.time()
        found = collect(generation)
        with open(path, "a", encoding="utf-8") as out:
            out.write(
                json.dumps({"kind": "gc", "at": began, "seconds": time.time() - began}) + "\n"
            )
        return found

    gc.collect = timed


if _FILE:
    try:
        _install_messages(_FILE)
        _install_gc(_FILE)
    except Exception as error:  # a Streamlit without these hooks: the server runs untraced
        print(f"message trace not installed: {error}")
