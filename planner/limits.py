"""Limits on untrusted files: one set for every upload and every command-line reader.

Plan files (YAML or JSON), workbooks (plan import, actuals, checking a signed file) and actuals
CSV pass these checks before anything is computed from them, so that a hostile file costs
bounded time and memory and is refused with one line naming what was refused:

- a plan file or an actuals CSV larger than :data:`TEXT_MAX_BYTES`, a workbook larger than
  :data:`WORKBOOK_MAX_BYTES`;
- in plan text: YAML anchors and aliases, a key twice in one mapping (YAML or JSON), more than
  :data:`MAX_NODES` values, nesting deeper than :data:`MAX_DEPTH` (:func:`read_tree`);
- in a workbook (:func:`check_workbook`): not a zip, more than :data:`MAX_MEMBERS` parts,
  expanding to more than :data:`MAX_UNCOMPRESSED` bytes or more than :data:`MAX_RATIO` times,
  a part with more than :data:`MAX_ELEMENTS` XML elements (cells, rows, texts),
  encrypted parts, macros of any kind (VBA, Excel 4.0 macro sheets, dialog sheets, a
  macro-enabled workbook), ActiveX controls, embedded OLE objects, external links and data
  connections, XML entity declarations;
- in a table (actuals): more than :data:`MAX_ROWS` rows or :data:`MAX_COLUMNS` columns.

The messages are predicates, so that each reader puts the file's name in front:
``actuals.xlsx: contains Excel 4.0 macro sheets (xl/macrosheets/sheet1.xml); ...``. They are
the command line's English; each refusal also carries a key and its values (the limit, the
part), from which a page says it in the reader's language (``ui.refusal.<key>``).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from typing import Any

import yaml

TEXT_MAX_BYTES = 5_000_000
"""Largest plan file or actuals CSV (bytes): a plan with ten years of actuals has 100 KB."""
MAX_NODES = 50_000
"""Most values, keys and lists a plan text may hold (a plan with ten years of actuals has a
few thousand): reading stops there, so a hostile file costs bounded time and memory."""
MAX_DEPTH = 20
"""Deepest nesting of lists and mappings in a plan text (a plan needs five)."""
WORKBOOK_MAX_BYTES = 10_000_000
"""Largest workbook (bytes, as uploaded)."""
MAX_UNCOMPRESSED = 50_000_000
"""Most bytes a workbook's parts may add up to, uncompressed."""
MAX_RATIO = 100
"""Most a workbook, or one of its parts, may expand (checked above :data:`RATIO_FROM` bytes)."""
RATIO_FROM = 1_000_000
MAX_MEMBERS = 10_000
"""Most parts in a workbook's zip."""
MAX_ELEMENTS = 60_000
"""Most XML elements (cells, rows, texts) in one part of a workbook: parsing costs about 10 µs
each, and the largest sheet of a 120-month plan's workbook has about 31,000."""
MAX_ROWS = 100_000
"""Most rows read from a table (a plan's actuals have one per month, at most 120)."""
MAX_COLUMNS = 100
"""Most columns of an actuals table (there are 27 monthly columns)."""
_XML_HEAD = 65_536
"""Bytes of each XML part searched for entity declarations (they must precede the content)."""

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ACTIVE_PARTS: tuple[tuple[str, str, str], ...] = (
    (
        "vbaproject.bin",
        "part_macros",
        "contains macros (vbaProject.bin); save it as .xlsx without macros",
    ),
    (
        "xl/macrosheets/",
        "part_macro_sheets",
        "contains Excel 4.0 macro sheets ({part}); save it as .xlsx without them",
    ),
    (
        "xl/dialogsheets/",
        "part_dialog_sheets",
        "contains dialog sheets ({part}); save it as .xlsx without them",
    ),
    (
        "xl/activex/",
        "part_activex",
        "contains ActiveX controls ({part}); remove them and save again",
    ),
    (
        "xl/embeddings/",
        "part_embedded",
        "contains embedded objects ({part}); remove them and save again",
    ),
    (
        "xl/externallinks/",
        "external_links",
        "links to other files (external links); remove them and save again",
    ),
    (
        "xl/connections.xml",
        "part_connections",
        "connects to external data ({part}); remove it and save again",
    ),
)
"""Part name (lowercase, prefix or suffix) -> the refusal's key and why a workbook holding it
is refused."""
_ACTIVE_TYPES: tuple[tuple[bytes, str, str], ...] = (
    (
        b"macroenabled",
        "macro_enabled",
        "is a macro-enabled workbook (.xlsm); save it as .xlsx without macros",
    ),
    (b"vbaproject", "macros", "contains macros (vbaProject); save it as .xlsx without macros"),
    (
        b"macrosheet",
        "macro_sheets",
        "contains Excel 4.0 macro sheets; save it as .xlsx without them",
    ),
    (b"dialogsheet", "dialog_sheets", "contains dialog sheets; save it as .xlsx without them"),
    (b"activex", "activex", "contains ActiveX controls; remove them and save again"),
    (b"oleobject", "embedded", "contains embedded objects; remove them and save again"),
    (
        b"externallink",
        "external_links",
        "links to other files (external links); remove them and save again",
    ),
    (
        b"/connections",
        "connections",
        "connects to external data; remove the connection and save again",
    ),
)
"""Words in a content type or relationship type (lowercase) -> the refusal's key and why it is
refused: a part moved to another folder is still found by what it is declared as."""
_DECLARED = re.compile(rb'(?:ContentType|Type)="([^"]*)"')


class RefusedError(ValueError):
    """A file refused by a limit; the message says what, as a predicate (``is larger than
    10 MB``), for the reader to put the file's name in front.

    ``key`` and ``params`` let a page say the same in the reader's language
    (``ui.refusal.<key>``, a predicate as well; one of :data:`KEYS`); the message stays the
    English line of the command line."""

    def __init__(self, message: str, key: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


KEYS = frozenset(
    {
        "too_large",
        "anchors",
        "anchors_line",
        "too_many_values",
        "too_deep",
        "key_twice",
        "key_twice_json",
        "old_xls",
        "not_zip",
        "too_many_parts",
        "no_workbook",
        "encrypted",
        "damaged",
        "entities",
        "too_many_elements",
        "expands_to",
        "part_zip_bomb",
        "zip_bomb",
        "too_many_rows",
        "too_many_columns",
        *(key for _, key, _ in _ACTIVE_PARTS),
        *(key for _, key, _ in _ACTIVE_TYPES),
    }
)
"""Every :attr:`RefusedError.key`: refusals of a whole file, said as predicates."""


def size_text(limit: int) -> str:
    return f"{limit // 1_000_000} MB"


def _mb(size: int) -> int:
    return size // 1_000_000


def check_size(size: int, limit: int) -> None:
    """Refuse ``size`` bytes above ``limit``."""
    if size > limit:
        raise RefusedError(f"is larger than {size_text(limit)}", "too_large", limit=_mb(limit))


# --- plan text ---------------------------------------------------------------------------------


class _NoKeyTwice(yaml.constructor.SafeConstructor):
    """A YAML constructor refusing a key twice in one mapping (the last would silently win)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) and key in seen:
                line = key_node.start_mark.line + 1
                raise RefusedError(
                    f"key {key!r} appears twice in one mapping (line {line})",
                    "key_twice",
                    field=repr(key),
                    line=line,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _TreeLoader(_NoKeyTwice, yaml.SafeLoader):
    """YAML as a plan may be written: no anchors or aliases (a few lines of them can stand
    for billions of values), no key twice in one mapping (the last would silently win), at
    most :data:`MAX_NODES` nodes nested at most :data:`MAX_DEPTH` deep."""

    nodes = 0
    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line = event.start_mark.line + 1
            raise RefusedError(
                f"anchors and aliases (&, *) are not allowed (line {line})",
                "anchors_line",
                line=line,
            )
        self.nodes += 1
        self.depth += 1
        if self.nodes > MAX_NODES:
            raise RefusedError(
                f"more than {MAX_NODES:,} values", "too_many_values", limit=MAX_NODES
            )
        if self.depth > MAX_DEPTH:
            raise RefusedError(
                f"nested more than {MAX_DEPTH} levels deep", "too_deep", limit=MAX_DEPTH
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


if getattr(yaml, "__with_libyaml__", False):

    class _FastTreeLoader(_NoKeyTwice, yaml.CSafeLoader):
        """:class:`_TreeLoader` on the C parser (a twentieth of the time), for text that
        :func:`_prescan` read within the limits: the same data, no key twice."""


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise RefusedError(
            f"key {twice[0]!r} appears twice in one object", "key_twice_json", field=repr(twice[0])
        )
    return dict(pairs)


def json_depth(text: str) -> int:
    """How deep JSON text nests (brackets outside strings), without parsing it."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            escaped = not escaped and char == "\\"
            in_string = escaped or char != '"'
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not a finite number")


def read_tree(text: str) -> Any:
    """The data of YAML or JSON text (text starting with ``{`` is read strictly as JSON).

    Raises :class:`RefusedError` for what the limits refuse (size, anchors and aliases, a key twice,
    too many values, too deep), ``json.JSONDecodeError``/``ValueError`` for bad JSON and
    ``yaml.YAMLError`` for bad YAML.
    """
    check_size(len(text.encode("utf-8")), TEXT_MAX_BYTES)
    if text.lstrip().startswith("{"):
        if json_depth(text) > MAX_DEPTH:
            raise RefusedError(
                f"nested more than {MAX_DEPTH} levels deep", "too_deep", limit=MAX_DEPTH
            )
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_json_object)
    if _prescan(text):  # within the limits by the C parser's events: it composes too
        return yaml.load(text, Loader=_FastTreeLoader)
    return yaml.load(text, Loader=_TreeLoader)  # a SafeLoader, bounded


_NODE_EVENTS = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)


def _prescan(text: str) -> bool:
    """The limits checked on the C parser's events, before a composer builds a node: a file
    far beyond them is refused in milliseconds, not in the seconds composing takes. True
    when the C parser read the whole text within them."""
    if not getattr(yaml, "__with_libyaml__", False):
        return False  # the composer's own checks still hold, only slower
    nodes = depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            nodes, depth = _count(event, nodes, depth)
    except yaml.YAMLError:
        return False  # text the C parser stops at: the Python composer says where and why
    return True


def _count(event: Any, nodes: int, depth: int) -> tuple[int, int]:
    """Nodes and depth after ``event``; RefusedError when a limit is passed."""
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
        mark = event.start_mark
        if mark is None:
            raise RefusedError("anchors and aliases (&, *) are not allowed", "anchors")
        line = mark.line + 1
        raise RefusedError(
            f"anchors and aliases (&, *) are not allowed (line {line})", "anchors_line", line=line
        )
    if isinstance(event, _NODE_EVENTS):
        nodes += 1
        if nodes > MAX_NODES:
            raise RefusedError(
                f"more than {MAX_NODES:,} values", "too_many_values", limit=MAX_NODES
            )
    if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
        depth += 1
        if depth > MAX_DEPTH:
            raise RefusedError(
                f"nested more than {MAX_DEPTH} levels deep", "too_deep", limit=MAX_DEPTH
            )
    elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
        depth -= 1
    return nodes, depth


# --- workbooks ---------------------------------------------------------------------------------


DAMAGED: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    OSError,
)
"""What reading a damaged archive raises (a checksum, a compressed stream, an unknown method)."""


def check_workbook(data: bytes) -> None:
    """Refuse an untrusted upload that is no plain XLSX workbook, before any XML is parsed.

    The XML parts are only streamed and counted, never parsed, so the check costs a few
    milliseconds per MB (at most 50 MB).
    """
    check_size(len(data), WORKBOOK_MAX_BYTES)
    if data[:8] == _OLE_MAGIC:
        raise RefusedError(
            "is an old .xls or a password-protected file; save it as .xlsx", "old_xls"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise RefusedError("is not an XLSX workbook (not a zip archive)", "not_zip") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise RefusedError(
                f"has more than {MAX_MEMBERS:,} parts", "too_many_parts", limit=MAX_MEMBERS
            )
        names = {m.filename.lower() for m in members}
        if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
            raise RefusedError("is not an XLSX workbook (no xl/workbook.xml)", "no_workbook")
        _check_expansion(members)
        if any(m.flag_bits & 0x1 for m in members):
            raise RefusedError("has encrypted parts", "encrypted")
        for member in members:
            name = member.filename.lower()
            for part, key, why in _ACTIVE_PARTS:
                if name.startswith(part) or name.endswith(part):
                    raise RefusedError(why.format(part=member.filename), key, part=member.filename)
        for member in members:
            if member.filename.lower().endswith((".xml", ".rels", ".vml")):
                try:
                    _check_xml_part(archive, member)
                except DAMAGED as error:  # a changed byte: bad checksum, broken compression
                    raise RefusedError(
                        f"is damaged: {member.filename} cannot be read",
                        "damaged",
                        part=member.filename,
                    ) from error


def _check_xml_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Entity declarations in its head; active content it declares (content types and
    relationships); at most :data:`MAX_ELEMENTS` elements, counted while it streams."""
    lower = member.filename.lower()
    with archive.open(member) as opened:
        head = opened.read(_XML_HEAD)
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise RefusedError(
                f"{member.filename} declares XML entities (refused)",
                "entities",
                part=member.filename,
            )
        declared = lower == "[content_types].xml" or lower.endswith(".rels")
        whole = [head] if declared else []
        elements = 0
        chunk = head
        while chunk:
            elements += chunk.count(b"<") - chunk.count(b"</")
            if elements > MAX_ELEMENTS:
                raise RefusedError(
                    f"{member.filename} holds more than {MAX_ELEMENTS:,} XML elements "
                    "(cells, rows, texts)",
                    "too_many_elements",
                    part=member.filename,
                    limit=MAX_ELEMENTS,
                )
            chunk = opened.read(1 << 20)
            if declared:
                whole.append(chunk)
    if declared:
        _check_declared(b"".join(whole))


def _check_expansion(members: list[zipfile.ZipInfo]) -> None:
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise RefusedError(
            f"expands to {total // 1_000_000} MB (more than {size_text(MAX_UNCOMPRESSED)})",
            "expands_to",
            size=_mb(total),
            limit=_mb(MAX_UNCOMPRESSED),
        )
    for member in members:
        big = member.file_size > RATIO_FROM
        if big and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise RefusedError(
                f"{member.filename} expands more than {MAX_RATIO} times (zip bomb)",
                "part_zip_bomb",
                part=member.filename,
                ratio=MAX_RATIO,
            )
    if total > RATIO_FROM and total > MAX_RATIO * max(packed, 1):
        raise RefusedError(
            f"expands more than {MAX_RATIO} times (zip bomb)", "zip_bomb", ratio=MAX_RATIO
        )


def _check_declared(xml: bytes) -> None:
    """Refuse content types and relationships that declare active or linked content."""
    for declared in _DECLARED.findall(xml):
        kind = declared.lower()
        for word, key, why in _ACTIVE_TYPES:
            if word in kind:
                raise RefusedError(why, key)


def check_table(rows: int, columns: int) -> None:
    """Refuse a table with more than :data:`MAX_ROWS` rows or :data:`MAX_COLUMNS` columns."""
    if rows > MAX_ROWS:
        raise RefusedError(f"has more than {MAX_ROWS:,} rows", "too_many_rows", limit=MAX_ROWS)
    if columns > MAX_COLUMNS:
        raise RefusedError(
            f"has more than {MAX_COLUMNS:,} columns", "too_many_columns", limit=MAX_COLUMNS
        )
