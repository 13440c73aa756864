"""The local plan folder: plans kept as YAML files until the shared store takes over.

The folder is ``$PLANNER_DATA_DIR/plans`` (``./data/plans`` by default). The first start copies
the example plan into it, so a newcomer sees a full plan at once.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from planner.plan import Plan, load, save, with_values

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIR = ROOT / "templates"
KINDS: tuple[str, ...] = ("reseller", "msp", "si", "isv")
EXAMPLE = "reseller"
SUFFIX = ".yaml"


def plan_dir() -> Path:
    """The folder holding the saved plans (created on demand)."""
    base = Path(os.environ.get("PLANNER_DATA_DIR", "data"))
    folder = base / "plans"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def templates() -> list[str]:
    """The partner archetypes that have a template file, in the usual order."""
    return [kind for kind in KINDS if (TEMPLATE_DIR / f"{kind}{SUFFIX}").is_file()]


def template(kind: str) -> Plan:
    """The starting plan of an archetype."""
    if kind not in KINDS:
        raise ValueError(f"{kind!r} is not a partner type")
    return load(TEMPLATE_DIR / f"{kind}{SUFFIX}")


def from_template(kind: str, partner: str, vendor: str, title: str) -> Plan:
    """A new plan from a template with the two parties' names (validated like any edit)."""
    base = template(kind)
    return with_values(
        base,
        {"partner.name": partner, "vendor.name": vendor, "title": title, "partner.kind": kind},
    )


def saved() -> list[str]:
    """File names of the saved plans, sorted."""
    return sorted(p.name for p in plan_dir().glob(f"*{SUFFIX}") if p.is_file())


def open_saved(name: str) -> Plan:
    """A saved plan by file name (only names inside the plan folder)."""
    return load(plan_dir() / _safe_name(name))


def store(plan: Plan, name: str) -> None:
    """Write the plan under its file name."""
    save(plan, plan_dir() / _safe_name(name))


def new_name(title: str) -> str:
    """An unused file name derived from a title (``acme-it-x-nordwind.yaml``)."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60] or "plan"
    taken = set(saved())
    candidate, number = f"{slug}{SUFFIX}", 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}{SUFFIX}", number + 1
    return candidate


def first_plan() -> tuple[str, Plan]:
    """The plan a session opens with: the newest saved plan, else a copy of the example."""
    folder = plan_dir()
    files = sorted(folder.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
    for file in files:
        try:
            return file.name, load(file)
        except ValueError:
            continue  # a broken file in the folder must not lock the app; it stays listed
    plan = template(EXAMPLE)
    name = new_name(plan.title)
    store(plan, name)
    return name, plan


def _safe_name(name: str) -> str:
    base = Path(name).name
    if base != name or not base.endswith(SUFFIX) or base.startswith("."):
        raise ValueError(f"{name!r} is not a plan file name")
    return base
