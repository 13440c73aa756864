"""A PAdES signature that keeps a PDF/A-3 file PDF/A (pyHanko, incremental update).

pyHanko, left to itself, does two things to the revision it appends that PDF/A-3 forbids:

- it rewrites the document information and the XMP metadata with the time of signing and its
  own name, but differently (the information dictionary's producer gains "; pyHanko", the
  XMP's becomes "pyHanko"): PDF/A asks both to say the same. Here neither is touched: the
  signature itself records when it was made (``/M`` and the signed attributes).
- it declares the file PDF 2.0 (``/Version /2.0`` and the ISO/TS 32002 extension) when the key
  is an ECDSA key on a curve that extension names, as the installation's P-256 key is; PDF/A-3
  is PDF 1.7. Here the file declares PDF 1.7 with the ETSI extension for PAdES (ECDSA is one of
  PAdES's own algorithms, ETSI EN 319 142-1), as pyHanko does for an RSA key.
"""

from __future__ import annotations

import io
from typing import Any


def writer(pdf: bytes) -> Any:
    """An incremental writer over ``pdf`` that leaves its metadata as it is."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class ArchiveWriter(IncrementalPdfFileWriter):
        def _update_meta(self) -> None:
            pass  # the information dictionary and the XMP stay as written (see above)

    return ArchiveWriter(io.BytesIO(pdf), strict=False)


def sign(pdf_writer: Any, meta: Any, signer: Any, timestamper: Any = None) -> Any:
    """Sign ``pdf_writer``'s document as PDF 1.7 with PAdES (see the module docstring); with a
    ``timestamper`` the signature carries its timestamp token (PAdES B-T)."""
    from pyhanko.sign import signers
    from pyhanko.sign.signers import constants

    class ArchiveSigner(signers.PdfSigner):
        def register_extensions(self, pdf_out: Any, *, md_algorithm: str) -> None:
            pdf_out.ensure_output_version(version=(1, 7))
            pdf_out.register_extension(constants.ESIC_EXTENSION_1)

    return ArchiveSigner(meta, signer=signer, timestamper=timestamper).sign_pdf(pdf_writer)


__all__ = ["sign", "writer"]
