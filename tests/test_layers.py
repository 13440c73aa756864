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


# --- the store persists; the import graph has no cycle -------------------------------------

STORE_NEEDS = frozenset(
    {
        "planner.plan.schema",
        "planner.plan.paths",
        "planner.plan.validation",
        "planner.plan.files",
        "planner.paths",
    }
)
"""What the store may import from the rest of the package: the plan it stores (its schema, path
functions, validation and canonical form) and where the installation keeps its data. Who may
write what is decided above it (planner/policy.py) and handed to it as the policy it asks
inside its write transaction."""


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def planner_imports(path: Path, name: str | None = None) -> set[str]:
    """The modules of ``planner`` that ``path`` (module ``name``, by default its own) imports,
    at the top or inside a function: ``from planner import privacy`` is ``planner.privacy``,
    ``from planner.plan import Plan`` is ``planner.plan``."""
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def cycles_of(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected groups of more than one node of ``graph`` (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(frozenset(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def import_graph() -> dict[str, set[str]]:
    return {name: planner_imports(path) for name, path in MODULES.items()}


def test_planner_imports_resolves_modules_and_sees_imports_inside_functions(
    tmp_path: Path,
) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from planner import plan, privacy\n"
        "from planner.store import Store\n"
        "from . import db\n"
        "def f():\n"
        "    from planner.signoff.records import frozen_refusal\n"
        "    import planner.ui.state\n",
        encoding="utf-8",
    )
    assert planner_imports(sample, "planner.store.sample") == {
        "planner.plan",
        "planner.privacy",
        "planner.store",
        "planner.store.db",
        "planner.signoff.records",
        "planner.ui.state",
    }


def test_cycles_of_finds_every_cycle_and_only_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "e"}, "e": {"d"}, "f": {"f", "a"}}
    assert sorted(sorted(c) for c in cycles_of(graph)) == [["a", "b", "c"], ["d", "e"]]


def test_the_store_imports_nothing_above_it() -> None:
    reaching = {
        name: sorted(
            m
            for m in planner_imports(path)
            if not (m == "planner.store" or m.startswith("planner.store.")) and m not in STORE_NEEDS
        )
        for name, path in MODULES.items()
        if name == "planner.store" or name.startswith("planner.store.")
    }
    assert {name: found for name, found in reaching.items() if found} == {}


def test_the_package_has_no_import_cycle() -> None:
    found = [sorted(c) for c in cycles_of(import_graph())]
    assert found == [], f"modules that import each other (imports inside functions count): {found}"
