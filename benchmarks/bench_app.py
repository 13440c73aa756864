"""Server time of the app, measured with AppTest (run by hand, prints a table).

    PLANNER_DATA_DIR=$(mktemp -d) python benchmarks/bench_app.py

First page load: a fresh session rendering the dashboard (goal < 2 s). Rerun after one edit:
one assumption changed, then the dashboard with all its charts and tables rendered again
(goal < 150 ms) for a 60-month plan.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner import i18n  # noqa: E402
from planner.plan.files import save  # noqa: E402
from planner.plan.validation import with_values  # noqa: E402
from planner.ui import collab, library, state  # noqa: E402
from tests.app_support import field  # noqa: E402

RUNS = 15


def main() -> None:
    data = Path(os.environ.get("PLANNER_DATA_DIR") or tempfile.mkdtemp())
    os.environ["PLANNER_DATA_DIR"] = str(data)
    plan = with_values(library.template("reseller"), {"months": 60})
    (data / "plans").mkdir(parents=True, exist_ok=True)
    save(plan, data / "plans" / "bench-60.yaml")

    AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()  # imports warm
    loads = []
    for _ in range(5):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        start = time.perf_counter()
        at.run()
        loads.append(time.perf_counter() - start)
        assert not at.exception
        assert len(at.metric) == 12

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[collab.NAME] = "Vera"  # every change is recorded with a name
    at.run()
    edits, idle = [], []
    for i in range(RUNS):
        # an accepted edit as the callback leaves it (new plan, new revision), then the
        # dashboard rerun that recomputes and redraws every figure, chart and table
        at.session_state[state.PLAN] = with_values(
            at.session_state[state.PLAN], {"revenue.deals_per_sales_fte_month": 0.5 + 0.01 * i}
        )
        at.session_state[state.REVISION] = at.session_state[state.REVISION] + 1
        start = time.perf_counter()
        at.run()
        edits.append(time.perf_counter() - start)
        start = time.perf_counter()
        at.run()
        idle.append(time.perf_counter() - start)
        assert not at.exception

    # the edit itself on the assumptions page: callback, validation, saving, the page again
    at.switch_page("planner/ui/pages/assumptions.py").run()
    typed = []
    for i in range(RUNS):
        widget = field(at, "revenue.deals_per_sales_fte_month")
        widget.set_value(i18n.number(0.8 + 0.01 * i, "de", 2))
        start = time.perf_counter()
        widget.run()
        typed.append(time.perf_counter() - start)
        assert not at.exception
        assert not at.error

    print(f"{'measure (60-month plan, dashboard)':<44}{'median':>10}{'max':>10}")
    for name, values in (
        ("first page load (fresh session)", loads),
        ("rerun after one edit", edits),
        ("rerun without an edit", idle),
        ("edit on the assumptions page (validate, save)", typed),
    ):
        print(f"{name:<44}{statistics.median(values) * 1000:>8.0f} ms{max(values) * 1000:>7.0f} ms")


if __name__ == "__main__":
    main()
