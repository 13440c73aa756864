"""Exports of a plan: the business-plan PDF (``pdf``), the live XLSX model (``xlsx``), the
import of edited workbooks (``workbook_import``) and their command line (``cli``).

Submodules are imported on use, so the command line does not load reportlab for a workbook.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Evidence:
    """How a signed edition is sealed, stated on its sign-off page and sheet
    (planner/signoff/editions.py): the signing certificate's SHA-256 ``fingerprint`` and the
    moment the sign-off was complete (``signed_at``); ``timestamped``: the signature will carry a
    timestamp authority's token (PAdES B-T), else its time is the signer's own clock (B-B)."""

    fingerprint: str
    signed_at: datetime.datetime
    timestamped: bool = False
