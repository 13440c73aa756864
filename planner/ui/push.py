"""Push: an open page learns of a change to its plan as soon as it is stored.

Streamlit has no push from one session to another, and a browser asking on a timer pays the
timer (half of it on average) on every change and a script run on every tick. Instead, one
watcher thread per app server keeps, for every open page of a shared plan, the stamp of the
plan that page shows (:class:`planner.watch.Stamp`: version, proposals, revoked links). Every
``PLANNER_WATCH_SECONDS`` (default 0.05) while a page is open on this server, and not at all
while none is, it reads the stamps of all plans open on it in one read-only query (at once
after a change written through this server, or on PostgreSQL as soon as any server commits one,
:class:`planner.watch.Listener`; at a tick only when the database changed,
:class:`planner.watch.Signal`). A page whose plan moved is woken by running its live fragment
(:func:`planner.ui.collab.live`) on the server, as the fragment's own timer would; the fragment
compares again and reruns the page. Edits made on another app server on the same database, or
from the command line, are seen the same way: the database is the only channel.

Waking never writes, never replays an input and never interrupts a run: the run is requested
with no widget values at all (no callback fires, no button is pressed again; when an input of
the person is on its way at the same moment, Streamlit folds both into one run that carries the
person's input), and a fragment's run waits for a run under way to end. A full rerun asked for
while a run is under way would stop that run at its next step, which can be inside the callback
that is writing the person's commit: written, but not yet marked as taken, the commit was sent
again and written twice. A page is woken once per stamp it registered; its next run registers
again. A page whose session ended is forgotten. The fragment's own timer stays as a slow
fallback (presence and a missed wake-up).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

from planner.store import Store
from planner.watch import Listener, Signal, Stamp, listen, stamps

log = logging.getLogger("planner.ui")

WATCH_SECONDS = 0.05
"""How often the watcher compares the stamps of the plans open on this server while a page is
open on it (seconds): for an edit made on another server or from the command line on SQLite,
half of it on average (PostgreSQL tells the watcher at once); a tick that finds nothing
committed reads one counter (SQLite's data version or PostgreSQL's current snapshot)."""


def watch_seconds() -> float:
    """``PLANNER_WATCH_SECONDS`` (default 0.05, at least 0.01)."""
    try:
        return max(0.01, float(os.environ.get("PLANNER_WATCH_SECONDS", WATCH_SECONDS)))
    except ValueError:
        return WATCH_SECONDS


@dataclass(frozen=True)
class Watch:
    """One open page: the plan it shows at ``shown`` and the fragment that checks it."""

    store: Store
    plan_id: str
    shown: Stamp
    fragment_id: str


WakeFn = Callable[[str, str], bool]
"""A wake-up: ``(session id, fragment id) -> whether the session is there``."""


class Watcher:
    """The server's one watcher thread and the pages it watches (keyed by session id).

    ``wake`` runs a session's fragment; it is given so the loop can be tested without a server.
    """

    def __init__(self, wake: WakeFn, interval: float) -> None:
        self._wake = wake
        self._interval = interval
        self._lock = threading.Lock()
        self._pages: dict[str, Watch] = {}
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._poked = threading.Event()
        self._open = threading.Event()
        """Set while a page is watched."""
        self._signals: dict[int, Signal] = {}
        self._listeners: dict[int, Listener | None] = {}
        self._known: dict[tuple[int, str], Stamp] = {}

    def watch(self, session_id: str, page: Watch) -> None:
        """Wake ``session_id`` once when its plan's stamp differs from ``page.shown``."""
        with self._lock:
            self._pages[session_id] = page
            self._open.set()
            if id(page.store) not in self._listeners and not self._stop.is_set():
                self._listeners[id(page.store)] = listen(page.store, self.poke)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="planner-watch", daemon=True
                )
                self._thread.start()

    def forget(self, session_id: str) -> None:
        with self._lock:
            self._pages.pop(session_id, None)
            if not self._pages:
                self._open.clear()

    def watching(self) -> dict[str, Watch]:
        with self._lock:
            return dict(self._pages)

    def poke(self) -> None:
        """Compare now rather than at the next tick (this server just wrote a change)."""
        self._poked.set()

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            for listener in self._listeners.values():
                if listener is not None:
                    listener.close()
        self._open.set()
        self._poked.set()

    def _loop(self) -> None:
        while True:
            self._open.wait()  # no tick while no page is open on this server
            self._poked.wait(self._interval)
            self._poked.clear()
            if self._stop.is_set():
                return
            try:
                self.tick()
            except Exception as error:  # a database that does not answer: try again next tick
                log.warning("watching open plans failed: %s", error)

    def tick(self) -> int:
        """Compare every watched page's stamp with its plan's; wake the pages whose plan moved.
        Returns how many were woken."""
        pages = self.watching()
        by_store: dict[int, tuple[Store, set[str]]] = {}
        for page in pages.values():
            by_store.setdefault(id(page.store), (page.store, set()))[1].add(page.plan_id)
        now: dict[tuple[int, str], Stamp] = {}
        for key, (store, plan_ids) in by_store.items():
            now.update(self._stamps(key, store, plan_ids))
        for key in [key for key in self._signals if key not in by_store]:
            self._signals.pop(key).close()  # no page of that store left
        with self._lock:  # the pages now: one may have been registered since they were read
            open_stores = {id(page.store) for page in self._pages.values()}
            for key in [key for key in self._listeners if key not in open_stores]:
                listener = self._listeners.pop(key)
                if listener is not None:
                    listener.close()
        self._known = now
        woken = 0
        for session_id, page in pages.items():
            if now.get((id(page.store), page.plan_id)) == page.shown:
                continue
            with self._lock:  # once per registration: the woken run registers again
                if self._pages.get(session_id) is not page:
                    continue
                del self._pages[session_id]
                if not self._pages:
                    self._open.clear()
            if self._wake(session_id, page.fragment_id):
                woken += 1
            else:
                self.forget(session_id)
        return woken

    def _stamps(self, key: int, store: Store, plan_ids: set[str]) -> dict[tuple[int, str], Stamp]:
        """The stamps of ``plan_ids``: those read at the last tick while the store's
        :class:`planner.watch.Signal` says nothing was committed since, else read now."""
        signal = self._signals.get(key)
        if signal is None:
            signal = self._signals[key] = Signal(store)
        known = {(key, plan_id): self._known.get((key, plan_id)) for plan_id in plan_ids}
        if signal.unchanged() and all(stamp is not None for stamp in known.values()):
            return {k: stamp for k, stamp in known.items() if stamp is not None}
        # the signal was taken before this read: a commit after it shows at the next tick
        try:
            found = stamps(store, plan_ids)
        except Exception:
            signal.reset()  # nothing was read: the next tick must read
            raise
        return {(key, plan_id): stamp for plan_id, stamp in found.items()}


def rerun_fragment(session_id: str, fragment_id: str) -> bool:
    """Run fragment ``fragment_id`` of Streamlit session ``session_id`` as its timer would:
    with no widget values, so no input is replayed and a person's input on its way is folded
    into it, never dropped; after a run under way, never interrupting it. False when the
    session is gone."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.app_session import AppSessionState
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
    from streamlit.runtime.state.query_params import sanitize_query_string

    if not Runtime.exists():
        return False
    session = Runtime.instance().get_app_session(session_id)
    if session is None:
        return False

    tries = 0

    def on_event_loop() -> None:
        nonlocal tries
        if session._state == AppSessionState.SHUTDOWN_REQUESTED:
            return  # closing: no run (Streamlit's own request does the same)
        # The session's last client state names its page and address (private, as are the
        # runner's methods below: Streamlit asks for a fragment's run this way from its timer).
        last = session._client_state
        request = RerunData(
            query_string=sanitize_query_string(last.query_string),
            page_script_hash=last.page_script_hash,
            page_name=last.page_name,
            fragment_id=fragment_id,
            is_auto_rerun=True,
            context_info=last.context_info if last.HasField("context_info") else None,
        )
        runner = session._scriptrunner
        if runner is not None and runner.request_rerun(request):
            return  # queued after the run under way, or folded into the one asked for
        if runner is not None and tries < SETTLE_TRIES:
            # The run just ended, and its last events (the end of the page, its finish) wait
            # on this loop: a runner made now would have them ignored as an old runner's, and
            # the page kept the part drawn before (a decided conflict's card stayed, the plan
            # one version behind). Once they are handled the session has no runner.
            tries += 1
            asyncio.get_running_loop().call_later(SETTLE_SECONDS, on_event_loop)
            return
        session._create_scriptrunner(request)

    # AppSession is bound to the server's event loop: request the run there.
    session._call_soon_on_event_loop(on_event_loop)
    return True


SETTLE_SECONDS = 0.01
SETTLE_TRIES = 200
"""How often, and how long at most (2 s), a wake-up waits for a run that just ended to be
wound up by its session before it starts a run of its own."""

_watcher: Watcher | None = None
_watcher_lock = threading.Lock()


def watcher() -> Watcher:
    """The app server's watcher (started with its first page)."""
    global _watcher
    with _watcher_lock:
        if _watcher is None:
            _watcher = Watcher(rerun_fragment, watch_seconds())
        return _watcher


def wake_this_fragment_when(store: Store, plan_id: str, shown: Stamp) -> None:
    """From inside a fragment: have the watcher run this fragment again once the stamp of
    ``plan_id`` in ``store`` differs from ``shown`` (nothing outside a fragment or a server)."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

    ctx = get_script_run_ctx()
    fragment_id = ThreadState.get().fragment_id
    if ctx is None or not fragment_id or not Runtime.exists():  # an AppTest has no server
        return
    watcher().watch(ctx.session_id, Watch(store, plan_id, shown, fragment_id))
