"""Shared fixtures. Each area keeps its fixtures in clearly named functions below."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from planner.plan.files import load
from planner.policy import RULES
from planner.store import Store
from tests.app_support import local_app
from tests.factories import EXAMPLE

ROOT = Path(__file__).resolve().parents[1]

# Hypothesis fails an example that takes over 200 ms: on a shared machine running the browser
# tests beside, a pure test of row rebasing failed so once. Speed is measured in benchmarks/.
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")

# --- the Streamlit app: a real server and Debian's chromium ------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_SECONDS = 60


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def running_app(
    data_dir: Path, extra_env: Mapping[str, str] | None = None, port: int | None = None
) -> Iterator[str]:
    """``streamlit run app.py`` on a free loopback port (or ``port``: a server started again
    where its pages are) with ``data_dir`` as its plan folder and ``extra_env`` on top of this
    process's environment; yields its URL, always stopped."""
    port = port or _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PLANNER_DATA_DIR": str(data_dir), **(extra_env or {})}
    log = (data_dir / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                output = (data_dir / "server.log").read_text()
                pytest.fail(f"streamlit did not start (exit {process.poll()}):\n{output}")
            time.sleep(0.2)  # polling the server's health endpoint, not waiting on the app
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """``streamlit run app.py`` on a free loopback port with its own plan folder, one for every
    browser test that needs no server of its own (a server takes seconds to start and its first
    page run seconds more); always stopped. A test works on a plan it creates (:func:`store`,
    a fresh id), never on another test's; a test that restarts a server or changes its settings
    starts its own (:func:`running_app`, :func:`start_app_server`).

    Yields ``{"url": ..., "data_dir": Path}``.
    """
    data_dir = tmp_path_factory.mktemp("app-data")
    with running_app(data_dir) as url:
        yield {"url": url, "data_dir": data_dir}


@pytest.fixture
def store(app_server: dict[str, Any]) -> Iterator[Store]:
    """The store of :func:`app_server`'s plan folder, opened for one test."""
    opened = Store(f"sqlite+pysqlite:///{app_server['data_dir'] / 'planner.db'}", policy=RULES)
    yield opened
    opened.close()


@pytest.fixture
def example_plan_id(store: Store) -> str:
    """A fresh copy of the example plan in :func:`app_server`'s store, the newest, so the
    workspace opens it (as it opens the example on a first start)."""
    return store.create_plan(load(EXAMPLE), author="Vera", side="vendor")


@pytest.fixture
def start_app_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[Mapping[str, str]], str]]:
    """A factory: ``start_app_server(env)`` starts one more ``streamlit run app.py`` with ``env``
    on top (e.g. ``PLANNER_DATABASE_URL``) and its own plan folder; returns its URL. Every server
    started is stopped after the test."""
    with ExitStack() as servers:

        def start(extra_env: Mapping[str, str]) -> str:
            data_dir = tmp_path_factory.mktemp("app-data")
            return servers.enter_context(running_app(data_dir, extra_env))

        yield start


@pytest.fixture
def chromium_browser() -> Any:
    """Debian's chromium driven by Playwright, one for the browser tests of a process (each
    test opens its own contexts: its own cookies and Streamlit sessions), started by the first
    of them and closed after the last (:func:`pytest_runtest_teardown`); skipped (with the
    reason) when it is missing."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        )
    if "browser" not in _CHROMIUM:
        from playwright.sync_api import sync_playwright

        driver = sync_playwright()
        playwright = driver.start()
        _CHROMIUM["driver"] = driver
        _CHROMIUM["browser"] = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
    return _CHROMIUM["browser"]


_CHROMIUM: dict[str, Any] = {}
"""The running chromium and its Playwright driver, while browser tests run in this process."""


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After the last browser test of a run of them (the test's own fixtures are closed by
    now), chromium and Playwright stop: Playwright's driver holds an event loop open in this
    thread, and a later test in the same process that runs one of its own (pyHanko's
    timestamping calls ``asyncio.run``) failed with "cannot be called from a running event
    loop"."""
    if nextitem is not None and nextitem.get_closest_marker("browser"):
        return
    browser = _CHROMIUM.pop("browser", None)
    driver = _CHROMIUM.pop("driver", None)
    if browser is not None:
        browser.close()
    if driver is not None:
        driver.__exit__(None, None, None)


PAGE_STATE = """() => ({
  tabs: Array.from(document.querySelectorAll('[role=tab][aria-selected=true]'), t => t.innerText),
  running: document.querySelector('[data-testid="stStatusWidgetRunningIcon"]') !== null,
  alerts: Array.from(document.querySelectorAll('[data-testid="stAlert"]'), a => a.innerText),
  text: (document.querySelector('[data-testid="stMain"]') || document.body)
    .innerText.slice(0, 1500),
})"""
"""What a failed browser test reports of each page still open: a wait that timed out says
only what it waited for, not what the page showed instead."""


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    browser = _CHROMIUM.get("browser")
    if call.when != "call" or not report.failed or browser is None:
        return
    lines = []
    for context in browser.contexts:
        for page in context.pages:
            try:
                lines.append(f"{page.url}\n{page.evaluate(PAGE_STATE)}")
            except Exception as error:  # a page closed or hung: say so, keep the report
                lines.append(f"{page.url}\n(not read: {error})")
    report.sections.append(("open pages", "\n\n".join(lines)))


@pytest.fixture
def app_page(chromium_browser: Any, app_server: dict[str, Any]) -> Iterator[Any]:
    """A fresh browser session (its own Streamlit session) on the app, wide enough for a desk."""
    context = chromium_browser.new_context(viewport={"width": 1440, "height": 1000}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The vendor's workspace on a fresh SQLite store in ``tmp_path``, polling off (AppTests
    rerun by hand); yields the store."""
    with local_app(tmp_path, monkeypatch):
        store = Store(policy=RULES)
        yield store
        store.close()


# --- running the suite on several processes (pytest-xdist) ------------------------------------

BROWSER_MODULE = "browser"
"""Every browser test lives in a module with this in its file name (checked at collection)."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests only in browser modules (:func:`pytest_xdist_make_scheduler` knows them by
    name); in a process of ``pytest -n`` they come first, since they take longest together."""
    for item in items:
        if item.get_closest_marker("browser") and BROWSER_MODULE not in item.path.name:
            raise pytest.UsageError(f"{item.nodeid}: a browser test outside a browser module")
    if hasattr(config, "workerinput"):
        items.sort(key=lambda item: not item.get_closest_marker("browser"))  # stable


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadfile`` (``scripts/test`` runs the suite on two processes) hands out whole
    modules, so a module's shared set-up (a LibreOffice run, a signed file) is made once, not
    once per process; and the browser modules as one group per process, the groups about
    equal in tests (each process one app server and one chromium; its browser tests come
    first, so both processes run one browser test at a time beside each other). One group for
    all made its process the whole suite's time (17-20 of its minutes, the other process done
    long before). pytest-xdist's ``loadgroup`` would say it with marks, but it ignores them
    with this pytest (it renames node ids, which pytest no longer lets it)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class ModuleScheduling(LoadFileScheduling):  # type: ignore[misc]
        groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            if BROWSER_MODULE not in Path(module).name:
                return module
            if self.groups is None:
                self.groups = browser_groups(self.collection or [], len(self.nodes))
            return self.groups[module]

    return ModuleScheduling(config, log)


def browser_groups(nodeids: list[str], processes: int) -> dict[str, str]:
    """Each browser module's group (``browser-1`` ... one per process at most): the modules
    with the most tests first, each to the group with the fewest tests so far.

    >>> ids = ["a_browser.py::x", "a_browser.py::y", "b_browser.py::z", "c_browser.py::w"]
    >>> browser_groups(ids, 2)
    {'a_browser.py': 'browser-1', 'b_browser.py': 'browser-2', 'c_browser.py': 'browser-2'}
    """
    counts: dict[str, int] = {}
    for nodeid in nodeids:
        module = nodeid.split("::", 1)[0]
        if BROWSER_MODULE in Path(module).name:
            counts[module] = counts.get(module, 0) + 1
    sizes = [0] * max(1, processes)
    groups: dict[str, str] = {}
    for module in sorted(counts, key=lambda m: (-counts[m], m)):
        smallest = sizes.index(min(sizes))
        sizes[smallest] += counts[module]
        groups[module] = f"{BROWSER_MODULE}-{smallest + 1}"
    return dict(sorted(groups.items()))
