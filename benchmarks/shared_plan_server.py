"""A warm app server with one shared plan and a partner editor's link, for the browser
benchmarks (``bench_live.py``, ``bench_link.py``)."""

from __future__ import annotations

import statistics
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner import access  # noqa: E402
from planner.policy import RULES  # noqa: E402
from planner.store import Store  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402
from tests.test_browser_collab import shared_plan  # noqa: E402


@dataclass(frozen=True)
class SharedPlan:
    url: str
    store: Store
    plan_id: str
    token: str
    """The partner editor's invite token."""
    browser: Any
    """Debian's chromium, driven by Playwright."""


@contextmanager
def shared_plan_server(extra_env: Mapping[str, str] | None = None) -> Iterator[SharedPlan]:
    """``streamlit run app.py`` (with ``extra_env`` on top of this process's environment) on a
    fresh plan folder with the vendor's plan stored and a partner editor invited; everything
    stopped and removed afterwards."""
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as folder,
        running_app(Path(folder), extra_env) as url,
        sync_playwright() as playwright,
    ):
        store = Store(f"sqlite+pysqlite:///{Path(folder) / 'planner.db'}", policy=RULES)
        plan_id = store.create_plan(shared_plan(), author="Vera", side="vendor")
        token = access.create_invite(store, access.owner_access(plan_id), "partner_editor").token
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield SharedPlan(url, store, plan_id, token, browser)
        finally:
            browser.close()
            store.close()


def percentile_ms(values: list[float], q: int) -> float:
    """The ``q``-th percentile of durations in seconds, in milliseconds (of a single
    duration: that one)."""
    if len(values) < 2:  # quantiles needs two points
        return values[0] * 1000
    return statistics.quantiles(values, n=100)[q - 1] * 1000
