"""Long-term validation: a signed PDF extended to PAdES B-LTA, and what a check accepts after
the signature.

A signed export with a timestamp authority is PAdES B-T: the signature and the authority's
token over it. :func:`extend` appends one incremental update after it (pyHanko, through the
writer of :mod:`planner.signoff.pades`, so the file stays PDF/A-3b) holding

- the validation data (a document security store, ``/DSS``, ISO 32000-2 12.8.4.3): the
  certificates of the signature and of its timestamp, and the revocation data (OCSP
  responses, CRLs) the authorities publish for them when they can be fetched. The
  installation's certificate is self-signed: no authority can revoke it and none publishes
  revocation data for it, so the store holds the certificate alone (it is trusted by its
  fingerprint, :mod:`planner.signoff.trust`). That is PAdES B-LT;
- a document timestamp (``/DocTimeStamp``) over the whole file, validation data included,
  from the configured authority: PAdES B-LTA. It proves that the file, and the validation
  data, existed at that time, so the signature can still be judged when its algorithms have
  aged or the certificates have expired.

Called again on an extended file (before the last authority's certificate expires, or when
its algorithm weakens), :func:`extend` adds the last document timestamp's validation data
and a new document timestamp: the chain of timestamps that keeps the proof alive.

:func:`planner.signoff.updates.lta_problem` says whether a file holds only that after its
signature, and refuses everything else.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Mapping
from typing import Any

from planner.signoff import keys as signing

TIMESTAMP_FIELD = "ArchiveTimestamp"
"""Document timestamp fields are named ``ArchiveTimestamp1``, ``ArchiveTimestamp2``, ..."""


def _certificates(signed_data: Any) -> list[Any]:
    return [c.chosen for c in signed_data["certificates"] or [] if c.name == "certificate"]


def _token_data(embedded: Any) -> list[Any]:
    """The signed data of the timestamp tokens of a signature (its own, for a document
    timestamp)."""
    if embedded.sig_object_type == "/DocTimeStamp":
        return [embedded.signed_data]
    attributes = embedded.signer_info["unsigned_attrs"]
    if attributes.native is None:
        return []
    return [
        token["content"]
        for attribute in attributes
        if attribute["type"].native == "signature_time_stamp_token"
        for token in attribute["values"]
    ]


def extend(
    pdf: bytes,
    *,
    timestamper: Any = None,
    roots: tuple[Any, ...] = (),
    env: Mapping[str, str] | None = None,
) -> bytes:
    """``pdf`` (a signed export that :func:`planner.signoff.keys.check_pdf` accepts) with the
    validation data of its last signature or document timestamp and a new document timestamp
    (see the module docstring). ``roots``: the authorities' root certificates (asn1crypto),
    for building their chains; without them each authority's certificate is its own root.

    Raises ValueError for a file the check refuses or that has as many revisions as a check
    reads (:data:`planner.signoff.bounds.MAX_REVISIONS`), :class:`planner.signoff.keys.
    TimestampError` when no authority is configured or it gives no timestamp."""
    from planner.signoff import bounds

    check = signing.check_pdf(pdf)
    if not check.ok:
        raise ValueError(check.problem)
    if bounds.revisions(pdf) >= bounds.MAX_REVISIONS:
        raise ValueError(
            f"the PDF has {bounds.MAX_REVISIONS} revisions, the most a check reads: it cannot "
            "be extended again"
        )
    url = signing.tsa_url(env)
    if timestamper is None:
        if not url:
            raise signing.TimestampError(
                f"no timestamp authority is configured ({signing.TSA_ENV}): a document "
                "timestamp needs one"
            )
        timestamper = signing._timestamper(url)
    try:
        return signing._outside_event_loop(lambda: asyncio.run(_extend(pdf, timestamper, roots)))
    except Exception as error:
        raise signing.timestamp_error(error, url) from None


async def _extend(pdf: bytes, timestamper: Any, roots: tuple[Any, ...]) -> bytes:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.signers import PdfTimeStamper
    from pyhanko.sign.validation import DocumentSecurityStore
    from pyhanko.sign.validation.dss import collect_validation_info
    from pyhanko_certvalidator import ValidationContext

    from planner.signoff import bounds, pades

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    stamps = reader.embedded_timestamp_signatures
    last = stamps[-1] if stamps else reader.embedded_regular_signatures[0]
    dummy = await timestamper.async_dummy_response("sha256")
    fresh = _certificates(dummy["content"])
    tokens = [c for data in _token_data(last) for c in _certificates(data)]
    anchors = list(roots) or [*tokens, *fresh]
    context = ValidationContext(
        trust_roots=[*anchors, last.signer_cert] if last.sig_object_type == "/Sig" else anchors,
        other_certs=[*tokens, *fresh],
        allow_fetching=True,
        revocation_mode="soft-fail",
    )
    paths = await collect_validation_info(last, context)
    writer = pades.writer(pdf)
    DocumentSecurityStore.supply_dss_in_writer(
        writer,
        last.pkcs7_content.hex().encode("ascii"),
        certs=fresh,
        paths=paths,
        validation_context=context,
    )
    count = len(bounds.signature_fields(reader.root))
    stamper = PdfTimeStamper(timestamper, field_name=f"{TIMESTAMP_FIELD}{count}")
    out = await stamper.async_timestamp_pdf(writer, "sha256")
    return bytes(out.getvalue())


__all__ = ["TIMESTAMP_FIELD", "extend"]
