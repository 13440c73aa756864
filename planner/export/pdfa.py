"""PDF/A-3b: what makes the business-plan PDF an archive document (ISO 19005-3, level B).

reportlab writes PDF 1.4 objects; :func:`finish` adds, to the document a canvas is about to
write (in the same pass, no second parse), what PDF/A-3b asks beyond that:

- XMP metadata (``/Metadata``, uncompressed) that identifies the file as PDF/A-3b
  (``pdfaid:part`` 3, ``pdfaid:conformance`` B) and repeats the document information
  dictionary (title, author, subject, keywords, creator, producer, dates) exactly;
- an output intent (``GTS_PDFA1``) with an sRGB ICC profile of version 4.2, for the device RGB
  colours the document draws in (made by LittleCMS through Pillow, see :func:`srgb_profile`);
- the files the document was made from, embedded as associated files: each a file
  specification with ``/F``, ``/UF``, ``/Desc`` and ``/AFRelationship`` (``Source`` for the
  plan, ``Data`` for the workbook and the sign-off record), an embedded file stream with its
  MIME type, size and date, listed in the ``/EmbeddedFiles`` name tree and in the catalogue's
  ``/AF`` array.

The rest of PDF/A-3b the document meets by how it is written: every font embedded
(:class:`planner.export.fonts.EmbeddingCanvas`), a file identifier in the trailer (reportlab),
no encryption, no JavaScript, no transparency groups or soft masks, no external content. A
signature added later as an incremental update (:mod:`planner.signoff.keys`) keeps all of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFCatalog,
    PDFDictionary,
    PDFName,
    PDFStream,
    PDFString,
    PDFZCompress,
)

from planner.export.fonts import EmbeddingCanvas

PART = 3
CONFORMANCE = "B"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_MIME = "application/json"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"


@dataclass(frozen=True)
class Attachment:
    """A file the document embeds as an associated file."""

    name: str
    data: bytes
    mime: str
    relationship: Literal["Source", "Data", "Supplement", "Alternative", "Unspecified"]
    description: str


ICC_VERSION = bytes([4, 0x20, 0, 0])
"""The profile version the output intent declares: 4.2.0.0, that of ICC.1:2004-10, the
specification ISO 19005-3 names for ICC profiles (a validator may refuse a later version)."""


@cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile (version 4.2, display class), made by LittleCMS (Pillow's
    ``ImageCms``).

    LittleCMS writes version 4.4 by default; with ``cmsSetProfileVersion(4.2)`` it writes the
    same bytes but the version field (bytes 8-11), since the tag types of this profile
    (``mluc``, ``XYZ``, ``sf32``, ``para``, ``chrm``) are all defined in ICC.1:2004-10.
    Pillow does not offer that call, so the field is set here to :data:`ICC_VERSION`
    (compared with LittleCMS 2.14 and 2.19 writing 4.2 themselves: identical). LittleCMS
    stamps the time of making into the header (bytes 24-35): it is set to zero so that the
    same document gives the same bytes. The profile carries no ID (bytes 84-99 are zero), so
    nothing else depends on those bytes.

    >>> profile = srgb_profile()
    >>> profile[36:40], profile[12:20], profile[8:10].hex()
    (b'acsp', b'mntrRGB ', '0420')
    """
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[8:12] = ICC_VERSION
    data[24:36] = bytes(12)
    assert not any(data[84:100]), "an ICC profile ID would cover the header's date"
    return bytes(data)


def _date(stamp: Any) -> tuple[str, str]:
    """reportlab's document time as the information dictionary writes it and as XMP."""
    year, month, day, hour, minute, second = stamp.YMDhms
    sign = "+" if stamp.dhh >= 0 else "-"
    hours, minutes = abs(stamp.dhh), stamp.dmm
    pdf = (
        f"D:{year:04d}{month:02d}{day:02d}{hour:02d}{minute:02d}{second:02d}"
        f"{stamp.dhh:+03d}'{minutes:02d}'"
    )
    xmp = (
        f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
        f"{sign}{hours:02d}:{minutes:02d}"
    )
    return pdf, xmp


def xmp(info: Any, stamp: Any) -> bytes:
    """The XMP packet of a document whose information dictionary is ``info`` (reportlab's)."""
    _, when = _date(stamp)

    def text(value: object) -> str:
        return escape(str(value))

    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>{PART}</pdfaid:part>
   <pdfaid:conformance>{CONFORMANCE}</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{text(info.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{text(info.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{text(info.subject)}</rdf:li></rdf:Alt>
   </dc:description>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreateDate>{when}</xmp:CreateDate>
   <xmp:ModifyDate>{when}</xmp:ModifyDate>
   <xmp:CreatorTool>{text(info.creator)}</xmp:CreatorTool>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>{text(info.producer)}</pdf:Producer>
   <pdf:Keywords>{text(info.keywords)}</pdf:Keywords>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>"""
    return packet.encode("utf-8")


PRINT = 4
"""The annotation flag Print: PDF/A wants it set on every annotation."""


class ArchiveCanvas(EmbeddingCanvas):
    """A canvas that writes its document as PDF/A-3b with :attr:`attachments`.

    Links (the table of contents) are printable annotations, and :func:`finish` runs when the
    document is saved, after its last page.
    """

    attachments: Sequence[Attachment] = ()

    def linkRect(self, *args: Any, **kw: Any) -> Any:  # noqa: N802 (reportlab's name)
        kw.setdefault("F", PRINT)
        return super().linkRect(*args, **kw)

    def save(self) -> None:
        finish(self, self.attachments)
        super().save()


def _name(text: str) -> str:
    """A PDF name with every character outside letters and digits written as ``#xx``."""
    return "/" + "".join(ch if ch.isascii() and ch.isalnum() else f"#{ord(ch):02X}" for ch in text)


def finish(canvas: Any, attachments: Sequence[Attachment]) -> None:
    """Make the document of ``canvas`` (before it is saved) PDF/A-3b with ``attachments``."""
    doc = canvas._doc
    catalog = doc.Catalog
    # reportlab writes only the catalogue entries it knows: these two are added (as references).
    known = [*PDFCatalog.__NoDefault__, "OutputIntents", "AF"]
    catalog.__NoDefault__ = catalog.__Refs__ = known

    metadata = PDFStream(
        PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
        xmp(doc.info, doc._timeStamp),
        filters=None,  # PDF/A: the metadata stream is not filtered (no /Filter at all)
    )
    catalog.Metadata = metadata

    profile = PDFStream(PDFDictionary({"N": 3}), srgb_profile(), filters=[PDFZCompress])
    intent = PDFDictionary(
        {
            "Type": PDFName("OutputIntent"),
            "S": PDFName("GTS_PDFA1"),
            "OutputConditionIdentifier": PDFString(OUTPUT_CONDITION),
            "Info": PDFString(OUTPUT_CONDITION),
            "RegistryName": PDFString("http://www.color.org"),
            "DestOutputProfile": doc.Reference(profile),
        }
    )
    catalog.OutputIntents = PDFArray([intent])

    if not attachments:
        return
    if getattr(catalog, "Names", None) is not None:
        raise ValueError("the document already has a name dictionary")
    when, _ = _date(doc._timeStamp)
    specs = []
    for item in sorted(attachments, key=lambda a: a.name.encode("utf-16-be")):
        stream = PDFStream(
            PDFDictionary(
                {
                    "Type": PDFName("EmbeddedFile"),
                    "Subtype": _name(item.mime),
                    "Params": PDFDictionary(
                        {
                            "Size": len(item.data),
                            "ModDate": PDFString(when),
                            "CheckSum": PDFString(hashlib.md5(item.data).digest(), enc="raw"),
                        }
                    ),
                }
            ),
            item.data,
            filters=[PDFZCompress],
        )
        stream_ref = doc.Reference(stream)
        spec = PDFDictionary(
            {
                "Type": PDFName("Filespec"),
                "F": PDFString(item.name),
                "UF": PDFString(item.name),
                "Desc": PDFString(item.description),
                "AFRelationship": PDFName(item.relationship),
                "EF": PDFDictionary({"F": stream_ref, "UF": stream_ref}),
            }
        )
        specs.append((item.name, doc.Reference(spec)))
    tree = PDFArray([part for name, ref in specs for part in (PDFString(name), ref)])
    catalog.Names = PDFDictionary({"EmbeddedFiles": PDFDictionary({"Names": tree})})
    catalog.AF = PDFArray([ref for _, ref in specs])


__all__ = [
    "CONFORMANCE",
    "ICC_VERSION",
    "JSON_MIME",
    "PART",
    "XLSX_MIME",
    "ArchiveCanvas",
    "Attachment",
    "finish",
    "srgb_profile",
    "xmp",
]
