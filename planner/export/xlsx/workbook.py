"""The workbook: every sheet written in order, a side's edition made, pages and document
properties set."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils.indexed_list import IndexedList

from planner import i18n, model, privacy
from planner.export import Evidence
from planner.export.xlsx.actuals import write_actuals
from planner.export.xlsx.book import Book, scenario_switch
from planner.export.xlsx.cells import BODY
from planner.export.xlsx.checks import write_checks
from planner.export.xlsx.edition import hide
from planner.export.xlsx.fields import Formats
from planner.export.xlsx.figures import write_figures
from planner.export.xlsx.inputs import write_inputs
from planner.export.xlsx.items import write_investments, write_team
from planner.export.xlsx.layout import PROTECTED, SHEET_NAMES, sheet_name
from planner.export.xlsx.monthly import write_monthly
from planner.export.xlsx.pnl import write_pnl
from planner.export.xlsx.scenarios import write_scenarios
from planner.export.xlsx.signoff import write_sign_off
from planner.export.xlsx.summary import write_summary
from planner.export.xlsx.yearly import write_yearly
from planner.plan.files import content_hash as plan_hash
from planner.plan.schema import MONTHLY_COLUMNS, Plan
from planner.plan.validation import with_scenario


def _pages(wb: Workbook, title: str, digest: str, language: str) -> None:
    """Printed pages: the plan's title on top; sheet, page x / y and the hash below."""
    shown = _plain(title)[:100].replace("&", "&&")  # & starts a header code
    for ws in wb.worksheets:
        ws.oddHeader.center.text = shown
        ws.oddFooter.left.text = "&A"
        ws.oddFooter.center.text = "&P / &N"
        ws.oddFooter.right.text = digest[:16]
        if ws.title in {sheet_name(key, language) for key in PROTECTED}:
            ws.protection.sheet = True


def _default_font(wb: Workbook) -> None:
    """The workbook's default style names :data:`FONT` too (cells left unstyled use it)."""
    wb._fonts = IndexedList([BODY])
    normal = wb._named_styles["Normal"]
    normal.font = BODY


def _plain(text: str) -> str:
    """Text for document properties, which cannot escape control characters."""
    return re.sub(r"[\x00-\x1f\x7f\ufffe\uffff]", " ", text)


def build_workbook(
    plan: Plan,
    *,
    scenario: str | None = None,
    language: str | None = None,
    issued: date | None = None,
    signatories: Sequence[Sequence[str]] = (),
    properties: Mapping[str, str] | None = None,
    audience: str | None = None,
    digest: str | None = None,
    evidence: Evidence | None = None,
) -> bytes:
    """The plan (or one of its scenarios) as a live XLSX model, as the bytes of the file.

    ``language`` overrides the plan's language for labels and number formats. For a signed
    version (planner/signoff/editions.py): ``issued`` is the export date shown (default today),
    ``signatories`` fill the Sign-off lines as ``(side, name, position, date)`` and
    ``properties`` become custom document properties; ``evidence`` states on ``Sign-off``
    that and how the workbook is electronically signed (the seal itself is added afterwards,
    :mod:`planner.signoff.seal`).

    ``audience`` (``vendor``, ``partner`` or ``viewer``) makes that side's edition: the other
    side's private inputs read "private", a formula that would need one holds the model's value
    instead (:mod:`planner.export.xlsx.edition`), and without the vendor's economics its figures
    beyond its revenue are left out. ``digest`` is the hash recorded (default: the edition hash
    of :mod:`planner.privacy`, the content hash when nothing is hidden from the audience).
    """
    chosen = with_scenario(plan, scenario) if scenario else plan
    lang = language or chosen.language
    fmt = Formats.of(chosen.currency, lang)
    outcome = model.evaluate(chosen)
    view = privacy.view(chosen, audience) if audience else None
    economics = view is None or view.economics
    shown = MONTHLY_COLUMNS if view is None else privacy.visible_columns(chosen, audience or "")
    if digest is None:
        digest = privacy.edition_hash(chosen, audience) if audience else plan_hash(chosen)
    notes = (view.data.get("notes") if view is not None else chosen.notes) or {}

    wb = Workbook()
    wb.remove(wb.active)
    _default_font(wb)
    book = Book(
        wb,
        chosen,
        lang,
        fmt,
        scenario_switch(chosen),
        {key: text for key, text in notes.items() if text},
        economics=economics,
        shown=shown,
        locked=bool(view is not None and view.hidden),
    )
    keys = [key for key in SHEET_NAMES["en"] if key != "actuals" or chosen.actuals]
    for key in keys:
        wb.create_sheet(book.sheet(key))
    write_inputs(book)
    team = write_team(book)
    inv = write_investments(book)
    layout = write_monthly(book, team, inv)
    yearly = write_yearly(book, layout)
    pnl = write_pnl(book, yearly)
    write_figures(book, outcome.kpis)
    write_scenarios(book, outcome.kpis)
    write_checks(book, team, inv, layout, yearly, pnl)
    write_summary(book, outcome.kpis, layout, pnl)
    if chosen.actuals:
        write_actuals(book)
    write_sign_off(book, digest, issued, signatories, evidence)
    if view is not None and view.hidden:
        hide(wb, view, outcome, lang)
    wb.active = 0
    _pages(wb, chosen.title, digest, lang)

    # No cached values are stored, so a spreadsheet program must calculate on opening.
    wb.calculation.fullCalcOnLoad = True
    props = wb.properties
    props.title = _plain(chosen.title)
    props.subject = _plain(
        i18n.t("xlsx.subject", lang, partner=chosen.partner.name, vendor=chosen.vendor.name)
    )
    keywords = [f"content_hash:{digest}", "partner-planner", "MODEL.md v1"]
    if scenario:
        keywords.append(_plain(i18n.t("xlsx.scenario_of", lang, scenario=scenario)))
    props.keywords = "; ".join(keywords)
    props.description = i18n.t("xlsx.description", lang)
    props.creator = "partner-planner"
    props.language = i18n.LOCALES.get(lang, "en_GB").replace("_", "-")
    for key, value in (properties or {}).items():
        wb.custom_doc_props.append(StringProperty(name=key, value=_plain(value)))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
