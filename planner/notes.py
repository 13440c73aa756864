"""The reasoning behind each number: a plan's optional ``notes`` map (plan path -> text).

Templates and the example explain each assumption in a YAML comment beside it
(``deal_size: 40000  # yearly list price of a mid-market subscription``). :func:`comment_notes`
reads those comments into ``{"revenue.deal_size": "yearly list price ..."}`` when a plan file
is loaded without a ``notes`` key of its own, so the reasoning travels with the plan into the
workbook (a column beside each input) and back on import. A file without comments and without
``notes`` means and hashes the same as before.

Only a comment on the line of a scalar value counts (the key or list item it belongs to is
its path); comments on their own lines and after a mapping's or list's opening are prose
about the file, not about one number. A scenario entry's path is ``scenarios.<i>.set.<path>``.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_NOTE = 1000
"""Longest note (characters)."""
MAX_KEY = 300
"""Longest path a note may be filed under (characters)."""


_SCANNER = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader
"""The C scanner where PyYAML has it (a third of the Python scanner's time), the same tokens
and marks."""


def comment_notes(text: str) -> dict[str, str]:
    """``{plan path: comment}`` for each scalar value with a comment on its line.

    >>> comment_notes("revenue:\\n  deal_size: 40000  # list price\\nitems:\\n  - 5  # five\\n")
    {'revenue.deal_size': 'list price', 'items.0': 'five'}
    """
    if "#" not in text:
        return {}
    lines = text.splitlines()
    frames: list[list[Any]] = []  # [kind, key or index]: "map" or "seq"
    notes: dict[str, str] = {}
    expect_key = False
    try:
        for token in yaml.scan(text, Loader=_SCANNER):
            if isinstance(token, (yaml.BlockMappingStartToken, yaml.FlowMappingStartToken)):
                frames.append(["map", None])
            elif isinstance(token, (yaml.BlockSequenceStartToken, yaml.FlowSequenceStartToken)):
                frames.append(["seq", -1 if isinstance(token, yaml.BlockSequenceStartToken) else 0])
            elif isinstance(token, yaml.BlockEntryToken):
                if frames and frames[-1][0] == "seq":
                    frames[-1][1] += 1
                else:  # a list at its key's indentation: PyYAML opens no sequence for it
                    return notes
            elif isinstance(token, yaml.FlowEntryToken):
                if frames and frames[-1][0] == "seq":
                    frames[-1][1] += 1
            elif isinstance(
                token,
                (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken),
            ):
                if frames:
                    frames.pop()
            elif isinstance(token, yaml.KeyToken):
                expect_key = True
            elif isinstance(token, yaml.ValueToken):
                expect_key = False
            elif isinstance(token, yaml.ScalarToken):
                if expect_key and frames and frames[-1][0] == "map":
                    frames[-1][1] = token.value
                    expect_key = False
                    continue
                comment = _comment(lines, token.end_mark.line, token.end_mark.column)
                path = ".".join(str(frame[1]) for frame in frames if frame[1] is not None)
                if comment and path and len(path) <= MAX_KEY:
                    notes[path] = comment[:MAX_NOTE]
    except yaml.YAMLError:
        return {}  # the loader reports the error
    return notes


def _comment(lines: list[str], line: int, column: int) -> str:
    if line >= len(lines):
        return ""
    rest = lines[line][column:].strip()
    if not rest.startswith("#"):
        return ""
    text = rest.lstrip("#").strip()
    return "".join(char for char in text if char.isprintable())


def note_refusal(key: Any, text: Any) -> str | None:
    """Why ``key: text`` cannot be a note (None when it can)."""
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY:
        return f"the path {key!r} is not a plan path of at most {MAX_KEY} characters"
    if not isinstance(text, str) or not text.strip():
        return "must be text"
    if len(text) > MAX_NOTE:
        return f"is longer than {MAX_NOTE} characters"
    if not text.isprintable():
        return "must not contain control characters or line breaks"
    return None


__all__ = ["MAX_NOTE", "comment_notes", "note_refusal"]


def after_deleting(notes: dict[str, str], list_path: str, deleted: set[int]) -> dict[str, str]:
    """``notes`` after items ``deleted`` of the list at ``list_path`` were removed: a deleted
    item's notes go with it, the notes of the items after it move up with them.

    >>> after_deleting({"resources.0.fte": "a", "resources.1.fte": "b", "title": "t"},
    ...                "resources", {0})
    {'resources.0.fte': 'b', 'title': 't'}
    """
    prefix = list_path + "."
    out: dict[str, str] = {}
    for key, text in notes.items():
        index, _, rest = key[len(prefix) :].partition(".")
        if not key.startswith(prefix) or not index.isdigit():
            out[key] = text
            continue
        number = int(index)
        if number in deleted:
            continue
        moved = number - sum(1 for d in deleted if d < number)
        out[f"{prefix}{moved}" + (f".{rest}" if rest else "")] = text
    return out
