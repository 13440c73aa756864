"""One business plan's PDF: the sections in their order, the cover with the contents, and the
document with its embedded files (:func:`build_pdf`)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from reportlab.platypus import Flowable, PageBreak

from planner import i18n, model, privacy
from planner.export import Evidence, pdfa
from planner.export.pdf.assumptions import Assumptions
from planner.export.pdf.base import Signatory
from planner.export.pdf.commitments import Commitments
from planner.export.pdf.cover import Cover
from planner.export.pdf.layout import SECTION_TITLES, Anchor, render
from planner.export.pdf.negotiation import Negotiation
from planner.export.pdf.scenarios import Scenarios
from planner.export.pdf.signoff import Signoff
from planner.export.pdf.styles import MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X
from planner.export.pdf.summary import Summary
from planner.export.pdf.text import clean, meta
from planner.export.pdf.yearly import Yearly
from planner.plan.files import canonical_json
from planner.plan.schema import Plan
from planner.plan.validation import with_scenario
from planner.proposals import Proposal


class _Writer(Cover, Summary, Assumptions, Yearly, Scenarios, Negotiation, Commitments, Signoff):
    """Builds the story of one plan's PDF: the sections of its mixins, in order."""

    def story(self) -> list[Flowable]:
        sections: list[tuple[str, list[Flowable]]] = []
        for key, section in (
            ("summary", self.summary),
            ("assumptions", self.assumptions),
            ("team", self.team),
            ("partner_years", self.partner_years),
            ("vendor_years", self.vendor_years),
            ("development", self.development),
            ("scenarios", self.scenarios),
            ("sensitivity", self.sensitivity),
            ("negotiation", self.negotiation),
            ("commitments", self.commitments),
            ("signoff", self.signoff),
        ):
            flowables = section()
            if flowables:
                sections.append((key, flowables))
        story: list[Flowable] = self.cover([key for key, _ in sections])
        for key, flowables in sections:
            story += [PageBreak(), Anchor(key, clean(self.t(SECTION_TITLES[key])), self.toc)]
            story += flowables
        return story


def plan_attachment(
    text: str, language: str, description_key: str = "pdf.file.plan"
) -> pdfa.Attachment:
    """The plan (canonical JSON, or a side's edition of it) as the document's source file."""
    return pdfa.Attachment(
        "plan.json",
        text.encode("utf-8"),
        pdfa.JSON_MIME,
        "Source",
        i18n.t(description_key, language),
    )


def workbook_attachment(data: bytes, language: str) -> pdfa.Attachment:
    """The workbook of the same plan and edition as data the document presents."""
    return pdfa.Attachment(
        "workbook.xlsx", data, pdfa.XLSX_MIME, "Data", i18n.t("pdf.file.workbook", language)
    )


def default_attachment(plan: Plan, audience: str | None, language: str) -> pdfa.Attachment:
    """What a document embeds by default: the plan as its audience may see it."""
    text = privacy.edition_json(plan, audience) if audience else canonical_json(plan)
    return plan_attachment(text, language)


def build_pdf(
    plan: Plan,
    *,
    scenario: str | None = None,
    language: str | None = None,
    issued: datetime.date | None = None,
    version: str | None = None,
    signatories: Sequence[Signatory] = (),
    audience: str | None = None,
    digest: str | None = None,
    evidence: Evidence | None = None,
    proposals: Sequence[Proposal] = (),
    attachments: Sequence[pdfa.Attachment] | None = None,
) -> bytes:
    """The business plan as PDF bytes (A4), deterministic for the same arguments.

    ``scenario`` presents one of the plan's scenarios (the comparison still shows all);
    ``language`` defaults to the plan's; ``issued`` is the document date (none printed when
    omitted: this module reads no clock); ``version`` labels the plan version (default: a
    draft label with the content hash); ``signatories`` fill the sign-off page's lines.
    ``audience`` (``vendor``, ``partner`` or ``viewer``) makes the edition for one side: the
    other side's private assumptions read "confidential" and, unless the vendor shares its
    economics, the vendor's figures beyond its revenue are left out (:mod:`planner.privacy`);
    without it the document shows everything, as both sides see it at sign-off.
    ``digest`` is the hash printed (default: the edition hash of :mod:`planner.privacy`, which
    is the content hash when nothing is hidden from the audience).
    ``proposals`` (the plan's term proposals) are printed as the record of the negotiation.
    ``evidence`` (a signed edition) states on the sign-off page that and how the file is
    electronically signed.
    The document is PDF/A-3b (:mod:`planner.export.pdfa`) and embeds ``attachments`` as
    associated files; by default the plan as the audience may see it
    (:func:`planner.privacy.edition_json`, the whole plan's canonical JSON without an audience),
    whose SHA-256 is the hash printed when ``digest`` is not given.
    Raises :class:`planner.plan.schema.PlanError` for an unknown scenario and ValueError for an
    unknown language.
    """
    chosen_language = language or plan.language
    if chosen_language not in i18n.LANGUAGES:
        raise ValueError(f"language: {chosen_language!r} is not one of {', '.join(i18n.LANGUAGES)}")
    variants = [plan] + [with_scenario(plan, s.name) for s in plan.scenarios]
    if scenario is not None:
        with_scenario(plan, scenario)  # raises a PlanError naming the known scenarios
        chosen = 1 + [s.name for s in plan.scenarios].index(scenario)
    else:
        chosen = 0
    outcomes = model.evaluate_many(variants)
    if audience is not None and audience not in privacy.AUDIENCES:
        raise ValueError(f"audience: {audience!r} is not one of {', '.join(privacy.AUDIENCES)}")
    writer = _Writer(
        plan,
        outcomes,
        chosen,
        scenario,
        chosen_language,
        issued,
        version,
        signatories,
        audience,
        digest,
    )
    writer.evidence = evidence
    writer.proposals = tuple(proposals)
    title = plan.title if scenario is None else f"{plan.title} – {scenario}"
    if attachments is None:
        attachments = [default_attachment(plan, audience, chosen_language)]
    return render(
        writer.story(),
        writer.decorate,
        left=MARGIN_X,
        right=MARGIN_X,
        top=MARGIN_TOP,
        bottom=MARGIN_BOTTOM,
        attachments=attachments,
        title=meta(title),
        author=meta(f"{plan.partner.name}, {plan.vendor.name}"),
        subject=meta(writer.t("pdf.subject", partner=plan.partner.name, vendor=plan.vendor.name)),
        keywords=meta(writer.t("pdf.keywords", hash=writer.hash)),
        creator="partner-planner",
        producer="partner-planner (ReportLab)",
        lang=chosen_language,
        displayDocTitle=1,
        invariant=1,
    )
