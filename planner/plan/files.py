"""A plan as text: reading and writing plan files (YAML or JSON), and the canonical JSON whose
SHA-256 is the plan's identity for sign-off."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml

from planner import limits
from planner.plan.schema import Plan, PlanError, Problem
from planner.plan.validation import validate

MAX_FILE_BYTES = limits.TEXT_MAX_BYTES
"""A plan file larger than this is refused before parsing."""


def parse(text: str, *, name: str = "plan") -> Plan:
    """Validate a plan from YAML or JSON text (JSON is YAML, but is read strictly as JSON).

    Hostile text is refused by :func:`planner.limits.read_tree` with one problem naming what
    was refused, in bounded time: more than :data:`MAX_FILE_BYTES`, YAML anchors and aliases, a
    key twice, too many values or too deep a nesting."""
    if not text.strip():
        raise PlanError([Problem("", f"{name} is empty")])
    try:
        data = limits.read_tree(text)
    except limits.RefusedError as refused:
        message = str(refused)
        if not message.startswith("is larger"):
            message = f"is refused: {message}"
        params = {**refused.params, "name": name}
        raise PlanError([Problem("", f"{name} {message}", refused.key, params)]) from None
    except (json.JSONDecodeError, ValueError) as error:
        raise PlanError([Problem("", f"{name} is not valid JSON: {error}")]) from None
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise PlanError([Problem("", f"{name} is not valid YAML{line}")]) from None
    if isinstance(data, dict) and "notes" not in data:
        from planner.notes import comment_notes

        found = comment_notes(text)  # the reasoning beside each value, as YAML comments
        if found:
            data["notes"] = found
    return validate(data)


def load(path: str | Path) -> Plan:
    """Read and validate a plan file (YAML or JSON)."""
    file = Path(path)
    try:
        if file.is_dir():
            raise PlanError([Problem("", f"{file} is a directory, not a plan file")])
        if file.stat().st_size > MAX_FILE_BYTES:
            raise PlanError(
                [Problem("", f"{file} is larger than {MAX_FILE_BYTES // 1_000_000} MB")]
            )
        raw = file.read_bytes()
    except FileNotFoundError:
        raise PlanError([Problem("", f"{file} does not exist")]) from None
    except OSError as error:
        raise PlanError([Problem("", f"{file} cannot be read: {error.strerror}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlanError([Problem("", f"{file} is not UTF-8 text")]) from None
    return parse(text, name=str(file))


def to_yaml(plan: Plan) -> str:
    """The plan as YAML text, keys in schema order, Unicode kept."""
    return yaml.safe_dump(plan.to_data(), sort_keys=False, allow_unicode=True, width=100)


def save(plan: Plan, path: str | Path) -> None:
    """Write the plan as YAML."""
    Path(path).write_text(to_yaml(plan), encoding="utf-8")


def canonical_json(plan: Plan) -> str:
    """The plan's canonical JSON: sorted keys, no spaces, floats in shortest round-trip form.

    Two files that mean the same plan (key order, ``42000`` vs ``42000.0``, defaults written
    out or not) have the same canonical JSON.
    """
    return json.dumps(plan.to_data(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(plan: Plan) -> str:
    """SHA-256 (hex) of the canonical JSON in UTF-8: the hash that sign-off records."""
    return hashlib.sha256(canonical_json(plan).encode("utf-8")).hexdigest()
