"""Limits on what checking a PDF reads, so that a hostile file costs little time and memory.

A signed export is a PDF of a few hundred kilobytes with two revisions (the document and its
signature), about a hundred objects in cross-reference tables (as reportlab and pyHanko write
them), one signature field and two embedded files; each extension for long-term validation
(:mod:`planner.signoff.ltv`: validation data and a document timestamp) adds one revision and
one signature field, so :data:`MAX_REVISIONS` leaves room for six of them, one every few
years. Before the PDF reader parses anything,
:func:`precheck` walks the cross-reference tables from the file's end (without parsing any
object) and refuses a file with more than :data:`MAX_REVISIONS` revisions, more than
:data:`MAX_OBJECTS` objects, a cross-reference stream, or an object whose dictionary or value
(everything but a stream's data) is longer than :data:`MAX_OBJECT_HEAD` bytes: the PDF
reader parses such text at a few microseconds a byte, so one 9 MB array would take half a
minute. :func:`signature_fields` looks at no more than :data:`MAX_FIELDS` form fields, and
:func:`embedded_files` inflates no embedded file beyond :data:`MAX_EMBEDDED` bytes (all
together :data:`MAX_EMBEDDED_TOTAL`) and refuses a file embedded twice under one name. Every
refusal is a :class:`BoundsError` whose message completes "the PDF is refused: it ...".
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Iterable
from typing import Any

MAX_PDF_BYTES = 10_000_000
"""A PDF larger than this is not read (bytes; a signed export is about 100 KB)."""
MAX_REVISIONS = 8
MAX_OBJECTS = 20_000
"""Entries of all cross-reference tables together (a signed export has about 100)."""
MAX_OBJECT_HEAD = 65_536
"""Longest object text the PDF reader may parse: a value, or a stream's dictionary (bytes)."""
MAX_FIELDS = 50
"""Form fields looked at (a signed export has one, and one per document timestamp)."""
MAX_EMBEDDED_NAMES = 16
MAX_EMBEDDED = 5_000_000
"""Bytes an embedded file may expand to (a signed plan's JSON is a few KB, its workbook 50 KB)."""
MAX_EMBEDDED_TOTAL = 10_000_000
"""Bytes all embedded files together may expand to."""

_STARTXREF = re.compile(rb"startxref\s+(\d{1,12})\s+%%EOF")
_SUBSECTION = re.compile(rb"\s*(\d{1,10})[ ]+(\d{1,10})[ \t]*(?:\r\n|\r|\n)")
_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)")
_PREV = re.compile(rb"/Prev\s+(\d{1,12})")
_TRAILER = 4096
"""Longest trailer dictionary (bytes)."""


class BoundsError(ValueError):
    """The PDF exceeds a limit or its cross-references cannot be walked."""


def precheck(pdf: bytes) -> int:
    """The number of objects, after checking the limits of the module docstring;
    BoundsError when one is exceeded or the cross-reference tables cannot be read."""
    if len(pdf) > MAX_PDF_BYTES:
        raise BoundsError(f"is larger than {MAX_PDF_BYTES // 1_000_000} MB")
    offsets: list[int] = []
    tables = _tables(pdf, offsets)
    _check_objects(pdf, offsets, tables)
    return len(offsets)


def revisions(pdf: bytes) -> int:
    """The number of revisions (cross-reference tables) of ``pdf``; BoundsError as
    :func:`precheck` for tables it cannot walk or more than :data:`MAX_REVISIONS`."""
    return len(_tables(pdf, []))


def _tables(pdf: bytes, offsets: list[int]) -> list[int]:
    """The offsets of the cross-reference tables, last first; the offsets of the objects in
    use are added to ``offsets``."""
    found = [*_STARTXREF.finditer(pdf[-1024:])]  # the last one counts: bytes may follow it
    if not found:
        raise BoundsError("has no end-of-file marker (startxref, %%EOF)")
    at: int | None = int(found[-1][1])
    tables: list[int] = []
    while at is not None:
        if at in tables:
            raise BoundsError("has cross-reference tables that point at each other")
        if len(tables) == MAX_REVISIONS:
            raise BoundsError(f"has more than {MAX_REVISIONS} revisions")
        tables.append(at)
        if not pdf.startswith(b"xref", at):
            raise BoundsError(
                "has no cross-reference table where it says (a signed export has tables)"
            )
        trailer = _table(pdf, at + 4, offsets)
        if b"/XRefStm" in trailer:
            raise BoundsError("has cross-reference streams (a signed export has tables)")
        previous = _PREV.search(trailer)
        at = int(previous[1]) if previous else None
    return tables


def _table(pdf: bytes, at: int, offsets: list[int]) -> bytes:
    """Adds the offsets of the objects in use in the table after ``xref`` at ``at`` to
    ``offsets``; the trailer dictionary's text."""
    while head := _SUBSECTION.match(pdf, at):
        count = int(head[2])
        if len(offsets) + count > MAX_OBJECTS:
            raise BoundsError(f"has more than {MAX_OBJECTS:,} objects (a signed export has few)")
        at = head.end()
        for _ in range(count):  # every entry is 20 bytes (ISO 32000-1, 7.5.4)
            entry = _ENTRY.match(pdf, at)
            if entry is None:
                raise BoundsError("has a cross-reference table that cannot be read")
            if entry[3] == b"n":
                offsets.append(int(entry[1]))
            at += 20
    rest = pdf[at : at + _TRAILER + 16].lstrip()
    end = rest.find(b"startxref")
    if not rest.startswith(b"trailer") or end < 0:
        raise BoundsError("has a cross-reference table without a readable trailer")
    return rest[:end]


def _check_objects(pdf: bytes, offsets: list[int], tables: list[int]) -> None:
    """Every object's text up to its stream data (or its end) is at most
    :data:`MAX_OBJECT_HEAD` bytes. An object ends where the next object or table starts,
    so the text looked at is at most the file once."""
    bounds = sorted({*offsets, *tables, len(pdf)})
    for start, end in itertools.pairwise(bounds):
        if start in tables or end - start <= MAX_OBJECT_HEAD:
            continue
        if pdf.find(b"stream", start, start + MAX_OBJECT_HEAD) < 0:
            raise BoundsError(
                f"has an object of more than {MAX_OBJECT_HEAD // 1024} KB that is no stream"
            )


def signature_fields(root: Any) -> list[tuple[str, Any]]:
    """(name, field) of the filled signature fields of the form, looking at no more than
    :data:`MAX_FIELDS` fields (BoundsError beyond)."""
    try:
        top = root["/AcroForm"]["/Fields"]
    except KeyError:
        return []
    found: list[tuple[str, Any]] = []
    queue: list[tuple[str, Any]] = [("", field) for field in _few(top, MAX_FIELDS)]
    seen = 0
    while queue:
        parent, reference = queue.pop(0)
        seen += 1
        if seen > MAX_FIELDS:
            raise BoundsError(f"has more than {MAX_FIELDS} form fields (a signed export has few)")
        field = reference.get_object()
        name = str(field.get("/T", ""))
        full = f"{parent}.{name}" if parent and name else parent or name
        if "/Kids" in field:
            queue += [(full, kid) for kid in _few(field["/Kids"], MAX_FIELDS)]
        if field.get("/FT") == "/Sig" and "/V" in field:
            found.append((full, field))
    return found


def _few(items: Any, most: int) -> Iterable[Any]:
    """The first ``most`` + 1 items of a PDF array (one more than allowed shows the excess)."""
    items = items.get_object()
    return [items.raw_get(i) for i in range(min(len(items), most + 1))]


def embedded_files(root: Any) -> dict[str, bytes]:
    """Name -> content of every embedded file; BoundsError for more than
    :data:`MAX_EMBEDDED_NAMES` of them, one expanding beyond :data:`MAX_EMBEDDED` bytes,
    :data:`MAX_EMBEDDED_TOTAL` bytes together, or a name twice."""
    try:
        names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    except KeyError:
        return {}
    if len(names) > 2 * MAX_EMBEDDED_NAMES:
        raise BoundsError(f"embeds more than {MAX_EMBEDDED_NAMES} files (a signed export has 3)")
    found: dict[str, bytes] = {}
    budget = MAX_EMBEDDED_TOTAL
    for i in range(0, len(names) - 1, 2):
        name = str(names[i])
        if name in found:  # two readers could take two different plans from it
            raise BoundsError(f"embeds {name} twice (a signed export has it once)")
        stream = names[i + 1].get_object()["/EF"]["/F"].get_object()
        found[name] = _decoded(stream, name, min(budget, MAX_EMBEDDED))
        budget -= len(found[name])
    return found


def _decoded(stream: Any, name: str, most: int) -> bytes:
    """A stream's bytes, inflated (Flate only) to at most ``most`` bytes."""
    filters = stream.get("/Filter")
    if hasattr(filters, "get_object"):
        filters = filters.get_object()
    listed = list(filters) if isinstance(filters, list) else [filters] if filters else []
    raw = bytes(stream.encoded_data)
    if not listed:
        data = raw
    elif [str(f) for f in listed] == ["/FlateDecode"] and "/DecodeParms" not in stream:
        inflate = zlib.decompressobj()
        data = inflate.decompress(raw, most + 1)
    else:
        raise BoundsError(f"embeds {name} in an encoding a signed export does not use")
    if len(data) > most:
        if most < MAX_EMBEDDED:
            limit = MAX_EMBEDDED_TOTAL // 1_000_000
            raise BoundsError(f"embeds files of more than {limit} MB together")
        raise BoundsError(f"embeds {name} of more than {MAX_EMBEDDED // 1_000_000} MB")
    return data
