"""What may follow a signature: validation data and document timestamps, nothing else.

pyHanko's difference analysis with only the rules for a document security store, invisible
signature fields (document timestamps) and their widgets, at the level pyHanko calls "LTA
updates" (:mod:`planner.signoff.ltv` writes such updates). No other change passes: no page, no
document information or XMP metadata, no new form field of another kind, no visible field, no
second signature. Apart from :mod:`planner.signoff.ltv` so that the check of a signature
(:mod:`planner.signoff.keys`) does not import what extends one.
"""

from __future__ import annotations

from typing import Any


def _policy() -> Any:
    from pyhanko.sign.diff_analysis import (
        CatalogModificationRule,
        DSSCompareRule,
        FormUpdatingRule,
        ModificationLevel,
        SigFieldCreationRule,
        SigFieldModificationRule,
        StandardDiffPolicy,
    )

    return StandardDiffPolicy(
        global_rules=[
            # the catalogue may change only in its security store, form and extensions:
            # not its metadata (pyHanko's default allows an XMP update), nor its version
            CatalogModificationRule(  # type: ignore[no-untyped-call]
                ignored_keys={"/AcroForm", "/DSS", "/Extensions"}
            ),
            DSSCompareRule().as_qualified(ModificationLevel.LTA_UPDATES),
        ],
        form_rule=FormUpdatingRule(
            field_rules=[SigFieldCreationRule(), SigFieldModificationRule()]  # type: ignore[no-untyped-call]
        ),
    )


def lta_problem(reader: Any, signed_revision: int) -> str:
    """ "" when every revision after ``signed_revision`` only adds validation data and
    document timestamps (see the module docstring), else which revision does more."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification

    policy = _policy()
    signed = reader.get_historical_resolver(signed_revision)
    for revision in range(signed_revision + 1, reader.xrefs.total_revisions):
        problem = f"revision {revision + 1} changes more than validation data and timestamps"
        try:
            result = policy.apply(signed, reader.get_historical_resolver(revision))
        except (SuspiciousModification, PdfReadError, ValueError, KeyError, TypeError):
            return problem
        if result.modification_level != ModificationLevel.LTA_UPDATES:
            return problem
    return ""


__all__ = ["lta_problem"]
