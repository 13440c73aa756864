"""The rules of PDF/A-3b (ISO 19005-3, level B) that the documents could break, checked with
pypdf and fontTools.

veraPDF, the reference validator, is a Java program distributed neither by Debian nor on the
package index, so it cannot be installed here. These are the clauses of ISO 19005-3 (numbered
as veraPDF's rules) that the objects reportlab and pyHanko write touch, each checked as veraPDF
states it. :func:`problems` returns what a file breaks, one line each, empty for none.

- 6.1.2 header: ``%PDF-1.n`` (n <= 7) at byte 0, then a comment of at least four bytes > 127.
- 6.1.3 trailer: a file identifier (``/ID``, two strings), no ``/Encrypt``; nothing but an
  end-of-line after the last ``%%EOF``.
- 6.1.7 streams: no external file (``/F``), no LZW.
- 6.2.3 output intent: one ``GTS_PDFA1`` intent with an ICC profile of an output device class
  (mntr, prtr, scnr, spac), major version <= 4, whose colour space has ``/N`` components;
  its version at most 4.2 (ISO 19005-3 refers to ICC.1:2004-10, profile version 4.2.0.0:
  veraPDF accepts any version below 5, stricter validators refuse 4.3 and 4.4) and every tag
  of a type that specification defines.
- 6.2.4.3 device colours: RGB drawing needs an RGB output intent (here always sRGB).
- 6.2.5 graphics states: no ``/TR``, ``/TR2`` only ``/Default``, ``/SMask`` only ``/None``,
  standard blend modes only.
- 6.2.11.4.1 every font that shows text is embedded (``FontFile``, ``FontFile2`` or
  ``FontFile3``): no standard 14 font.
- 6.2.11.5 glyph widths: each ``/Widths`` entry equals the embedded program's advance width.
- 6.2.11.6 symbolic TrueType fonts: no ``/Encoding``; the embedded ``cmap`` has exactly one
  subtable, or a (3,0) one.
- 6.3.2 annotations: ``/F`` present with Print set and Hidden, Invisible, NoView,
  ToggleNoView clear; 6.3.3 an annotation with an area has an appearance stream.
- 6.4.1 forms: no ``/NeedAppearances`` true, no XFA.
- 6.4.3 signatures: the byte range covers the whole file but the signature value.
- 6.6.1 actions: no JavaScript, no ``/AA``.
- 6.6.2.1 metadata: the catalogue's ``/Metadata`` is an XMP stream without ``/Filter``.
- 6.6.2.3 the information dictionary's entries equal their XMP equivalents (title, author,
  subject, keywords, creator, producer, creation and modification dates).
- 6.6.4 identification: ``pdfaid:part`` 3 and ``pdfaid:conformance`` B.
- 6.8 embedded files: each file specification has ``/F``, ``/UF`` and an ``/AFRelationship``
  of the allowed values and is referenced from an ``/AF`` array; its stream has a MIME type
  (``/Subtype``) and ``/Params`` with ``/ModDate``.
- ISO 32000-1 as PDF/A-3's base: the catalogue declares no version above 1.7.
"""

from __future__ import annotations

import datetime
import io
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from typing import Any

from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

STANDARD_BLEND = {
    f"/{mode}"
    for mode in [
        "Normal",
        "Compatible",
        "Multiply",
        "Screen",
        "Overlay",
        "Darken",
        "Lighten",
        "ColorDodge",
        "ColorBurn",
        "HardLight",
        "SoftLight",
        "Difference",
        "Exclusion",
        "Hue",
        "Saturation",
        "Color",
        "Luminosity",
    ]
}
RELATIONSHIPS = {"/Source", "/Data", "/Alternative", "/Supplement", "/Unspecified"}
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}


_TYPES = b"chrmclroclrtcurvdatadtimmft2mft1mAB mBA measmlucncl2parapseqrcs2sf32sig textuf32"
ICC_2004_TYPES = {(_TYPES + b"ui16ui32ui64ui08viewXYZ ")[i : i + 4] for i in range(0, 104, 4)}
"""The tag types ICC.1:2004-10 (profile version 4.2) defines (its clause 10)."""


def _icc_tag_types(icc: bytes) -> set[bytes]:
    """The types of the tags of an ICC profile (tag table at byte 128: count, then
    signature, offset and size of each tag; a tag's data starts with its type)."""
    count = int.from_bytes(icc[128:132], "big")
    offsets = [int.from_bytes(icc[136 + 12 * i : 140 + 12 * i], "big") for i in range(count)]
    return {icc[at : at + 4] for at in offsets}


def _objects(node: Any, seen: set[int]) -> Iterator[Any]:
    """Every dictionary and stream reachable from ``node``, each once."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            yield item
            stack.extend(v for k, v in item.items() if k not in ("/Parent", "/P"))
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def _xmp_values(packet: bytes) -> dict[str, Any]:
    root = ElementTree.fromstring(packet.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])
    out: dict[str, Any] = {}
    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        for key, value in description.attrib.items():  # the short form pyHanko writes
            out[key] = value
        for child in description:
            items = [li.text or "" for li in child.iter(f"{{{NS['rdf']}}}li")]
            out[child.tag] = items if items else (child.text or "")
    return out


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def _pdf_date(text: str) -> datetime.datetime:
    m = re.fullmatch(r"D:(\d{14})(?:(Z)|([+-])(\d\d)'(\d\d)'?)?", text)
    assert m, text
    moment = datetime.datetime.strptime(m[1], "%Y%m%d%H%M%S")
    if m[3]:
        offset = datetime.timedelta(hours=int(m[4]), minutes=int(m[5]))
        return moment.replace(tzinfo=datetime.timezone(offset if m[3] == "+" else -offset))
    return moment.replace(tzinfo=datetime.UTC)


def _font_problems(font: DictionaryObject) -> list[str]:
    name = str(font.get("/BaseFont"))
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return []
    descriptor = font.get("/FontDescriptor")
    if subtype == "/Type0":
        descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
    if descriptor is None:
        return [f"6.2.11.4.1 font {name} is not embedded (a standard font)"]
    descriptor = descriptor.get_object()
    files = [k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor]
    if not files:
        return [f"6.2.11.4.1 font {name} is not embedded"]
    found = []
    if subtype == "/TrueType" and "/FontFile2" in descriptor:
        program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        symbolic = int(descriptor["/Flags"]) & 4
        subtables = [(t.platformID, t.platEncID) for t in program["cmap"].tables]
        if symbolic and "/Encoding" in font:
            found.append(f"6.2.11.6 symbolic TrueType font {name} has an /Encoding")
        if symbolic and len(subtables) != 1 and (3, 0) not in subtables:
            found.append(f"6.2.11.6 font {name}: cmap subtables {subtables}")
        cmap = program["cmap"].tables[0].cmap
        scale = 1000 / program["head"].unitsPerEm
        first = int(font["/FirstChar"])
        for offset, width in enumerate(font["/Widths"]):
            glyph = cmap.get(first + offset)
            if glyph is None:
                continue
            advance = program["hmtx"][glyph][0] * scale
            if abs(advance - float(width)) > 1:
                found.append(f"6.2.11.5 font {name}: width of code {first + offset} {width}")
                break
    return found


def problems(data: bytes) -> list[str]:
    """What ``data`` breaks of PDF/A-3b (the rules in the module docstring)."""
    found: list[str] = []
    if not re.match(rb"%PDF-1\.[0-7]\r?\n%[\x80-\xff]{4}", data):
        found.append("6.1.2 header")
    if not re.search(rb"%%EOF(\r\n|\r|\n)?$", data):
        found.append("6.1.3 data after the last %%EOF")
    reader = PdfReader(io.BytesIO(data))
    trailer = reader.trailer
    if "/Encrypt" in trailer:
        found.append("6.1.3 encrypted")
    ids = trailer.get("/ID")
    if not isinstance(ids, ArrayObject) or len(ids) != 2:
        found.append("6.1.3 no file identifier")
    root = trailer["/Root"].get_object()
    if str(root.get("/Version", "/1.7")) > "/1.7":
        found.append(f"base: catalogue declares PDF {root['/Version']}")

    # metadata
    metadata = root.get("/Metadata")
    xmp: dict[str, Any] = {}
    if metadata is None:
        found.append("6.6.2.1 no /Metadata")
    else:
        stream = metadata.get_object()
        if "/Filter" in stream:
            found.append("6.6.2.1 metadata stream has a /Filter")
        if stream.get("/Subtype") != "/XML" or stream.get("/Type") != "/Metadata":
            found.append("6.6.2.1 metadata stream type")
        xmp = _xmp_values(stream.get_data())
        part = xmp.get(_q("pdfaid", "part"))
        conformance = xmp.get(_q("pdfaid", "conformance"))
        if (part, conformance) != ("3", "B"):
            found.append(f"6.6.4 identification part={part} conformance={conformance}")
    info = trailer.get("/Info")
    if info is not None and xmp:
        info = info.get_object()
        pairs = {
            "/Title": xmp.get(_q("dc", "title"), [None])[0],
            "/Author": xmp.get(_q("dc", "creator"), [None])[0],
            "/Subject": xmp.get(_q("dc", "description"), [None])[0],
            "/Keywords": xmp.get(_q("pdf", "Keywords")),
            "/Creator": xmp.get(_q("xmp", "CreatorTool")),
            "/Producer": xmp.get(_q("pdf", "Producer")),
        }
        for key, value in pairs.items():
            if key in info and str(info[key]) != value:
                found.append(f"6.6.2.3 {key} {str(info[key])!r} differs from XMP {value!r}")
        for key, tag in (("/CreationDate", "CreateDate"), ("/ModDate", "ModifyDate")):
            if key in info:
                xmp_date = xmp.get(_q("xmp", tag))
                same = xmp_date is not None and _pdf_date(
                    str(info[key])
                ) == datetime.datetime.fromisoformat(xmp_date)
                if not same:
                    found.append(f"6.6.2.3 {key} {info[key]} differs from XMP {xmp_date}")

    # output intent
    intents = [i.get_object() for i in root.get("/OutputIntents", [])]
    pdfa = [i for i in intents if i.get("/S") == "/GTS_PDFA1"]
    if len(pdfa) != 1:
        found.append(f"6.2.3 {len(pdfa)} PDF/A output intents")
    else:
        profile = pdfa[0]["/DestOutputProfile"].get_object()
        icc = profile.get_data()
        if icc[12:16] not in (b"mntr", b"prtr", b"scnr", b"spac") or icc[8] > 4:
            found.append("6.2.3 output intent profile class or version")
        if icc[8:10] > bytes([4, 0x20]):
            found.append(f"6.2.3 output intent profile version {icc[8]}.{icc[9] >> 4}, above 4.2")
        if unknown := _icc_tag_types(icc) - ICC_2004_TYPES:
            found.append(f"6.2.3 output intent profile tag types {sorted(unknown)}")
        if icc[16:20] != b"RGB " or int(profile["/N"]) != 3:
            found.append("6.2.4.3 output intent is not RGB")

    # the whole object graph: fonts, graphics states, annotations, actions, streams
    seen: set[int] = set()
    fonts_checked: set[int] = set()
    for obj in _objects(trailer["/Root"], seen):
        kind = obj.get("/Type")
        if isinstance(obj, StreamObject):
            if "/F" in obj and kind != "/Filespec":
                found.append("6.1.7.1 stream with an external file")
            filters = obj.get("/Filter", [])
            if "/LZWDecode" in (filters if isinstance(filters, list) else [filters]):
                found.append("6.1.7.2 LZW")
        if obj.get("/S") == "/JavaScript" or "/JS" in obj:
            found.append("6.6.1 JavaScript")
        if "/AA" in obj:
            found.append("6.6.1 additional actions")
        if kind == "/ExtGState":
            if "/TR" in obj or obj.get("/TR2", "/Default") != "/Default":
                found.append("6.2.5 transfer function")
            if obj.get("/SMask", "/None") != "/None":
                found.append("6.2.5 soft mask")
            if obj.get("/BM", "/Normal") not in STANDARD_BLEND:
                found.append(f"6.2.5 blend mode {obj['/BM']}")
        if kind == "/Font" and id(obj) not in fonts_checked:
            fonts_checked.add(id(obj))
            found += _font_problems(obj)
        if kind == "/Annot" or ("/Subtype" in obj and obj.get("/Rect") is not None):
            flags = int(obj.get("/F", 0))
            if "/F" not in obj or not flags & 4 or flags & (1 | 2 | 32 | 256):
                found.append(f"6.3.2 annotation flags {obj.get('/F')}")
            rect = [float(v) for v in obj["/Rect"]]
            area = rect[2] - rect[0] and rect[3] - rect[1]
            if area and obj.get("/Subtype") != "/Link" and "/N" not in obj.get("/AP", {}):
                found.append("6.3.3 annotation without an appearance")
    forms = root.get("/AcroForm")
    if forms is not None:
        forms = forms.get_object()
        if forms.get("/NeedAppearances") or "/XFA" in forms:
            found.append("6.4.1 NeedAppearances or XFA")
        for field in forms.get("/Fields", []):
            value = field.get_object().get("/V")
            if field.get_object().get("/FT") == "/Sig" and value is not None:
                span = [int(n) for n in value.get_object()["/ByteRange"]]
                end = data.index(b"%%EOF", span[2] + span[3] - 6) + 5
                if span[0] != 0 or span[2] + span[3] not in (end, end + 1, end + 2):
                    found.append("6.4.3 the signature does not cover the whole file")

    # embedded files
    associated = {ref.idnum for ref in root.get("/AF", [])}
    tree = root.get("/Names", {}).get("/EmbeddedFiles", {}).get("/Names", [])
    for i in range(0, len(tree), 2):
        ref = tree[i + 1]
        spec = ref.get_object()
        label = str(tree[i])
        if "/F" not in spec or "/UF" not in spec:
            found.append(f"6.8 {label}: /F or /UF missing")
        if spec.get("/AFRelationship") not in RELATIONSHIPS:
            found.append(f"6.8 {label}: AFRelationship {spec.get('/AFRelationship')}")
        if ref.idnum not in associated:
            found.append(f"6.8 {label}: not in the catalogue's /AF")
        stream = spec["/EF"]["/F"].get_object()
        if "/Subtype" not in stream:
            found.append(f"6.8 {label}: no MIME type")
        if "/ModDate" not in stream.get("/Params", {}):
            found.append(f"6.8 {label}: no /Params /ModDate")
    return found


def embedded(data: bytes) -> dict[str, tuple[str, str, bytes]]:
    """The associated files: name -> (relationship, MIME type, content)."""
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    tree = root["/Names"]["/EmbeddedFiles"]["/Names"]
    out = {}
    for i in range(0, len(tree), 2):
        spec = tree[i + 1].get_object()
        stream = spec["/EF"]["/F"].get_object()
        mime = str(stream["/Subtype"]).lstrip("/").replace("#2F", "/").replace("#2E", ".")
        out[str(tree[i])] = (str(spec["/AFRelationship"]), mime, stream.get_data())
    return out
