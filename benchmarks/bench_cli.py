"""Start-up of the command line: wall time of ``python -m planner kpis`` and ``validate``.

Run by hand on one core::

    taskset -c 0 python benchmarks/bench_cli.py

Runs each command 15 times in a fresh interpreter on the example plan and prints the best and
median wall time (goal: under 0.4 s), and which heavy libraries the command imported (none is
the goal: pandas, reportlab, openpyxl, SQLAlchemy, pyHanko and numpy_financial load only for
the commands that need them). ``python -X importtime -m planner kpis PLAN`` shows the rest.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "acme-reseller.yaml"
HEAVY = ("pandas", "reportlab", "openpyxl", "sqlalchemy", "pyhanko", "numpy_financial")
GOAL = 0.4
COMMANDS = (["kpis", str(EXAMPLE)], ["kpis", "--json", str(EXAMPLE)], ["validate", str(EXAMPLE)])


def wall_times(command: list[str], runs: int) -> list[float]:
    """Seconds from start to exit of ``python -m planner COMMAND``, one fresh process each."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "planner", *command], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        times.append(time.perf_counter() - start)
    return times


def heavy_imports(command: list[str]) -> list[str]:
    code = (
        "import sys\nfrom planner.cli import main\nmain(sys.argv[1:])\n"
        f"print(*sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code, *command], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return out.splitlines()[-1].split() if out.strip() else []


def main() -> None:
    wall_times(COMMANDS[0], 2)  # warm the file cache
    print(f"{'command':<30}{'best s':>8}{'median s':>10}{'goal s':>8}  heavy imports")
    for command in COMMANDS:
        times = wall_times(command, 15)
        name = " ".join(part if part.startswith("-") else Path(part).name for part in command)
        heavy = ", ".join(heavy_imports(command)) or "none"
        best, middle = min(times), statistics.median(times)
        print(f"{name:<30}{best:>8.3f}{middle:>10.3f}{f'< {GOAL}':>8}  {heavy}")


if __name__ == "__main__":
    main()
