"""Keep the layering the README and docs/architecture.md state: the core runs without
streamlit, only ``planner/ui`` draws, and the architecture page names every room of the house."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.factories import ROOT

PACKAGE = ROOT / "planner"
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def imported_modules(source: Path, package: str = "planner") -> Iterator[str]:
    """Every module ``source`` imports, at the top or inside a function (relative imports are
    resolved against ``package``, the dotted name of the package holding ``source``)."""
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield ".".join([*base, node.module] if node.module else base)
            else:
                yield node.module or ""


def core_modules() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if "ui" not in p.relative_to(PACKAGE).parts]


def imports_of(path: Path) -> list[str]:
    package = ".".join(path.relative_to(ROOT).parts[:-1])
    return list(imported_modules(path, package))


def test_imported_modules_sees_imports_inside_functions(tmp_path: Path) -> None:
    # The checks below are only as good as this walk: a lazy import must count.
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    import streamlit as st\n    from planner.ui import x\n")
    assert {"streamlit", "planner.ui"} <= set(imported_modules(sample))


def test_only_the_ui_imports_streamlit() -> None:
    leaks = [
        str(path.relative_to(ROOT))
        for path in core_modules()
        if any(m.split(".")[0] == "streamlit" for m in imports_of(path))
    ]
    assert not leaks, f"streamlit imported outside planner/ui: {leaks}"


def test_the_core_never_reaches_up_into_the_ui() -> None:
    leaks = [
        str(path.relative_to(ROOT))
        for path in core_modules()
        if any(m == "planner.ui" or m.startswith("planner.ui.") for m in imports_of(path))
    ]
    assert not leaks, f"the core imports planner.ui: {leaks}"


def test_the_command_line_and_the_exports_run_without_loading_streamlit() -> None:
    # Static checks miss an import done through a third module; loading the core's entry
    # points in a fresh interpreter shows what really comes in.
    probe = (
        "import sys, planner.cli, planner.analysis_cli, planner.export.pdf, "
        "planner.export.xlsx, planner.signoff.verify, planner.store; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_architecture_page_names_every_module_and_package_of_the_core() -> None:
    rooms = sorted(
        p.stem if p.is_file() else p.name
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" and not p.stem.startswith("__"))
        or (p.is_dir() and (p / "__init__.py").is_file())
    )
    missing = [room for room in rooms if f"planner/{room}" not in ARCHITECTURE]
    assert not missing, f"docs/architecture.md does not say where these live: {missing}"
