"""The dotted paths of a plan (``resources.0.fte``): reading, setting and comparing values by
path on the plan's plain data. :mod:`planner.catalogue` names them beside the field catalogue;
the store and the pages use them from there.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from planner.plan.schema import Plan, PlanError, Problem


def _step(node: Any, part: str) -> tuple[bool, Any]:
    if isinstance(node, dict):
        return (part in node, node.get(part))
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return (True, node[int(part)])
    return (False, None)


def has_path(data: Any, path: str) -> bool:
    """Whether plain data has a value at a dotted path."""
    node = data
    for part in path.split("."):
        found, node = _step(node, part)
        if not found:
            return False
    return True


def lookup(data: Any, path: str) -> Any:
    """The value at a dotted path of plain data, ``None`` where there is none (``""`` is the
    whole of it).

    >>> lookup({"resources": [{"fte": 2.5}]}, "resources.0.fte"), lookup({}, "revenue.x")
    (2.5, None)
    """
    node = data
    for part in path.split(".") if path else []:
        found, node = _step(node, part)
        if not found:
            return None
    return node


def get_value(plan: Plan, path: str) -> Any:
    """The value at a dotted path (``resources.0.fte``); KeyError if there is none."""
    node: Any = plan.to_data()
    for part in path.split("."):
        found, node = _step(node, part)
        if not found:
            raise KeyError(path)
    return node


def overlaps(a: str, b: str) -> bool:
    """Whether two field paths touch the same data: equal, or one contains the other.

    ``""`` is the whole plan.

    >>> overlaps("resources", "resources.0.fte"), overlaps("revenue.deal_size", "revenue.deal")
    (True, False)
    """
    return a == b or not a or not b or a.startswith(b + ".") or b.startswith(a + ".")


def diff_data(a: Any, b: Any, prefix: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Leaf paths where two plain-data trees differ: ``(path, before, after)``.

    >>> list(diff_data({"x": 1, "y": [1, 2]}, {"x": 1, "y": [1, 3, 4]}))
    [('y.1', 2, 3), ('y.2', None, 4)]
    """
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            yield from diff_data(a.get(key), b.get(key), f"{prefix}.{key}" if prefix else key)
    elif isinstance(a, list) and isinstance(b, list):
        for i in range(max(len(a), len(b))):
            x = a[i] if i < len(a) else None
            y = b[i] if i < len(b) else None
            yield from diff_data(x, y, f"{prefix}.{i}" if prefix else str(i))
    elif a != b:
        yield (prefix, a, b)


def set_path(data: dict[str, Any], path: str, value: Any) -> bool:
    """Set the value at a dotted path of plain plan data in place (a copy of ``value``);
    False when the plan has no such path. An optional block or key the data leaves out
    (``hurdles``, ``vendor_programme.discount_rate``) is made."""
    parts = path.split(".")
    node: Any = data
    for depth, part in enumerate(parts[:-1], start=1):
        found, child = _step(node, part)
        if not found and isinstance(node, dict) and _is_optional_key(parts[:depth]):
            child = node[part] = {}  # an optional block the file left out (``hurdles``)
        elif not found:
            return False
        node = child
    last = parts[-1]
    if isinstance(node, dict) and last in node:
        node[last] = copy.deepcopy(value)
        return True
    if isinstance(node, list) and last.isdigit() and int(last) < len(node):
        node[int(last)] = copy.deepcopy(value)
        return True
    # An optional key that the file left out (a default) may still be set.
    if isinstance(node, dict) and _is_optional_key(parts):
        node[last] = copy.deepcopy(value)
        return True
    return False


def _is_optional_key(parts: list[str]) -> bool:
    model: Any = Plan
    for part in parts:
        if part.isdigit():
            continue
        fields = getattr(model, "model_fields", None)
        if fields is None or part not in fields:
            return False
        annotation = fields[part].annotation
        args = getattr(annotation, "__args__", ())
        model = args[0] if args and isinstance(args[0], type) else annotation
    return True


def data_with_values(plan: Plan, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The plan's plain data with values set by dotted path, not yet validated; PlanError
    naming a path that is not one of the plan."""
    data = plan.to_data()
    problems = []
    for path, value in changes.items():
        if not set_path(data, path, value):
            problems.append(Problem(path, "is not a plan path", "not_a_path"))
    if problems:
        raise PlanError(problems)
    return data
