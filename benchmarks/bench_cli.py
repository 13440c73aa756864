"""Start-up of the command line: wall time of ``python -m planner kpis`` and ``validate``.

Run by hand on one core::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 taskset -c 0 .venv/bin/python benchmarks/bench_cli.py

Runs each command 15 times in a fresh interpreter on the example plan, interleaved with
``python -c "import numpy"`` (the floor of any command that computes), and prints the best and
median wall time of each, the goals (under 0.4 s; at most 2.5 times the numpy import, median
against median of the same run), the median CPU time of the child (user + system, which a
loaded machine inflates less than wall time) against numpy's, the load average before and
after, and which heavy libraries the command imported (none is the
goal: pandas, reportlab, openpyxl, SQLAlchemy, pyHanko, numpy_financial and numba load only
for the commands that need them). The package's bytecode is compiled first, as an installed
package has it (``PYTHONDONTWRITEBYTECODE`` would otherwise make every run compile it).
``python -X importtime -m planner kpis PLAN`` shows where the rest goes.
"""

from __future__ import annotations

import compileall
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "acme-reseller.yaml"
HEAVY = ("pandas", "reportlab", "openpyxl", "sqlalchemy", "pyhanko", "numpy_financial", "numba")
GOAL = 0.4
GOAL_VS_NUMPY = 2.5
NUMPY = ["-c", "import numpy"]
COMMANDS = (["kpis", str(EXAMPLE)], ["kpis", "--json", str(EXAMPLE)], ["validate", str(EXAMPLE)])


def wall_time(arguments: list[str]) -> tuple[float, float]:
    """Seconds from start to exit of ``python ARGUMENTS`` in a fresh process, and the CPU
    seconds (user + system) that process used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, *arguments], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def heavy_imports(command: list[str]) -> list[str]:
    code = (
        "import sys\nfrom planner.cli import main\nmain(sys.argv[1:])\n"
        f"print(*sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code, *command], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return out.splitlines()[-1].split() if out.strip() else []


def main() -> None:
    compileall.compile_dir(ROOT / "planner", quiet=1)
    commands = [["-m", "planner", *command] for command in COMMANDS]
    for _ in range(2):  # warm the file cache
        for arguments in (NUMPY, *commands):
            wall_time(arguments)
    load_before = os.getloadavg()[0]
    times: dict[int, list[float]] = {i: [] for i in range(len(commands) + 1)}
    cpus: dict[int, list[float]] = {i: [] for i in range(len(commands) + 1)}
    for _ in range(15):  # interleaved: a busy moment of the machine hits each alike
        for i, arguments in enumerate((NUMPY, *commands)):
            wall, cpu = wall_time(arguments)
            times[i].append(wall)
            cpus[i].append(cpu)
    load_after = os.getloadavg()[0]
    numpy_median = statistics.median(times[0])
    numpy_cpu = statistics.median(cpus[0])
    print(
        f"{'command':<30}{'best s':>8}{'median s':>10}{'goal s':>8}{'x numpy':>9}"
        f"{'cpu ms':>8}{'x numpy':>9}  heavy imports"
    )
    numpy_name = 'python -c "import numpy"'
    print(
        f"{numpy_name:<30}{min(times[0]):>8.3f}{numpy_median:>10.3f}{'':>17}"
        f"{numpy_cpu * 1000:>8.0f}"
    )
    for i, command in enumerate(COMMANDS, start=1):
        name = " ".join(part if part.startswith("-") else Path(part).name for part in command)
        heavy = ", ".join(heavy_imports(command)) or "none"
        best, middle = min(times[i]), statistics.median(times[i])
        ratio = middle / numpy_median
        cpu = statistics.median(cpus[i])
        verdict = "ok" if middle < GOAL and ratio <= GOAL_VS_NUMPY else "over"
        print(
            f"{name:<30}{best:>8.3f}{middle:>10.3f}{f'< {GOAL}':>8}{ratio:>8.2f}x"
            f"{cpu * 1000:>8.0f}{cpu / numpy_cpu:>8.2f}x"
            f"  {heavy}  ({verdict}: at most {GOAL_VS_NUMPY}x)"
        )
    print(f"load average (1 min): {load_before:.1f} before, {load_after:.1f} after")


if __name__ == "__main__":
    main()
