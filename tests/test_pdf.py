"""The business-plan PDF: what a reader finds in it, read back with pypdf."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from planner import i18n
from planner.export import fonts, pdf
from planner.export.charts import nice_ticks
from planner.export.pdf import Signatory, build_pdf, clean
from planner.model import evaluate
from planner.plan.files import content_hash, load
from planner.plan.schema import PlanError
from planner.plan.validation import validate
from tests.factories import EXAMPLE, investment, make_plan, plan_data, sales

ISSUED = datetime.date(2027, 1, 15)


def pages_of(document: bytes) -> list[str]:
    """Text per page, with no-break spaces as spaces and runs of whitespace collapsed."""
    reader = PdfReader(io.BytesIO(document))
    return [_flat(page.extract_text()) for page in reader.pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


@pytest.fixture(scope="module")
def example():
    return load(EXAMPLE)


@pytest.fixture(scope="module")
def german(example):
    return build_pdf(example, issued=ISSUED)


@pytest.fixture(scope="module")
def german_pages(german):
    return pages_of(german)


def test_german_example_shows_both_parties_and_the_models_key_figures(example, german_pages):
    text = " ".join(german_pages)
    assert "ACME IT GmbH" in text
    assert "Nordwind Security AG" in text
    kpis = evaluate(example).kpis
    for side in ("partner", "vendor"):
        for figure in ("npv", "peak_funding", "cumulative_cash", "revenue", "gross_profit"):
            assert _flat(i18n.money(kpis[side][figure], "EUR", "de")) in text, (side, figure)
    assert _flat(i18n.percent(kpis["partner"]["irr"], "de")) in text
    # The vendor's IRR of about 2,300 % says nothing comparable: capped, with a footnote.
    assert kpis["vendor"]["irr"] > 10
    assert _flat(i18n.percent(kpis["vendor"]["irr"], "de")) not in text
    assert "> 1.000 % ¹" in text
    assert "¹ Über 1.000 %" in text
    assert _flat(i18n.money(kpis["partner"]["ebitda"], "EUR", "de")) in text
    assert _flat(i18n.money(kpis["vendor"]["cost"], "EUR", "de")) in text
    # German grouping and the sign after the amount, as the board reads it.
    assert re.search(r"\d{1,3}\.\d{3}\.\d{3} €", text)
    # Mutual, but the partner's share, its late payback and the worst case are caveats.
    assert "Der Plan ist für beide Seiten vorteilhaft – mit Vorbehalten." in text
    # Payback of the partner in month 34 = Oct 2029 (start Jan 2027 + 33 months).
    assert "Monat 34 von 36 (Okt. 2029)" in text


def test_every_page_says_page_x_of_y_and_carries_the_hash(example, german_pages):
    count = len(german_pages)
    digest = content_hash(example)
    for number, text in enumerate(german_pages, start=1):
        assert f"Seite {number} von {count}" in text
        assert digest in text
        assert "ACME IT x Nordwind Security" in text  # header: title
        assert "Version" in text


def test_example_is_a_board_sized_document(german_pages):
    assert 10 <= len(german_pages) <= 14


def test_sections_are_all_there(german_pages):
    text = " ".join(german_pages)
    for heading in (
        "Zusammenfassung",
        "Annahmen",
        "Umsatztreiber",
        "Teamplan des Partners",
        "Investitionsplan des Partners",
        "Partner: Ergebnis- und Cashflow-Plan",
        "Hersteller: Ergebnis- und Cashflow-Plan",
        "Kumulierter Cashflow beider Seiten",
        "Umsatzmix des Partners pro Planjahr",
        "Szenarienvergleich",
        "Freigabe",
    ):
        assert heading in text, heading
    assert "15. Januar 2027" in text  # the issued date on the cover


def test_yearly_tables_show_the_models_yearly_numbers(example, german_pages):
    yearly = evaluate(example).yearly
    text = " ".join(german_pages)
    for column in ("revenue", "gross_profit", "ebitda", "vendor_revenue", "vendor_cash_flow"):
        for value in yearly[column]:
            assert _flat(i18n.money(value, "EUR", "de")) in text, column
    # Costs are positive amounts on "less" lines: staff cost year 1 = 397,500.
    assert "abzgl. Personalkosten 397.500 €" in text
    assert "-397.500 €" not in text


def test_scenario_comparison_shows_each_scenarios_figures(example, german_pages):
    text = " ".join(german_pages)
    for name in ("Konservativ", "Ambitioniert"):
        kpis = evaluate(example, name).kpis
        assert _flat(i18n.money(kpis["partner"]["npv"], "EUR", "de")) in text
        assert _flat(i18n.money(kpis["vendor"]["npv"], "EUR", "de")) in text
    # The changed assumptions in words: 0.55 deals per sales FTE in the conservative case.
    assert "Abschlüsse je Vertriebs-FTE und Monat = 0,55" in text


def test_sign_off_page_has_the_full_hash_and_blank_lines(example, german_pages):
    last = german_pages[-1]
    assert "Freigabe" in last
    assert content_hash(example) in last
    assert last.count("Funktion") == 4  # two blank signature blocks per side


def test_signatories_are_printed_on_the_sign_off_page(example):
    people = [
        Signatory("partner", "Anna Berg", "CEO", datetime.date(2027, 2, 1)),
        Signatory("vendor", "Jonas Wolf", "VP Channel"),
    ]
    last = pages_of(build_pdf(example, signatories=people))[-1]
    assert "Anna Berg" in last
    assert "CEO" in last
    assert "1. Februar 2027" in last
    assert "Jonas Wolf" in last
    assert "VP Channel" in last
    assert last.count("Funktion") == 2  # one block per named signatory, no spare blanks


def test_english_uses_english_texts_and_formats(example):
    pages = pages_of(build_pdf(example, language="en"))
    kpis = evaluate(example).kpis
    text = " ".join(pages)
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert "Executive summary" in text
    assert "The plan pays off for both sides – with caveats." in text
    assert _flat(i18n.money(kpis["partner"]["npv"], "EUR", "en")) in text
    assert re.search(r"€\d{1,3},\d{3},\d{3}", text)


def test_a_scenario_can_be_the_documents_subject(example):
    pages = pages_of(build_pdf(example, scenario="Konservativ"))
    kpis = evaluate(example, "Konservativ").kpis
    summary = pages[1]
    assert _flat(i18n.money(kpis["partner"]["npv"], "EUR", "de")) in summary
    # The conservative case loses money for the partner: only the vendor gains.
    assert i18n.t("verdict.vendor_only", "de") in summary
    assert "Konservativ (dieses Dokument)" in " ".join(pages)
    assert all("Partner-Businessplan 2027-2029 – Konservativ" in page for page in pages)


def test_bad_scenario_and_language_are_refused_clearly(example):
    with pytest.raises(PlanError, match="Optimistisch"):
        build_pdf(example, scenario="Optimistisch")
    with pytest.raises(ValueError, match="language: 'fr' is not one of de, en"):
        build_pdf(example, language="fr")


def test_same_plan_gives_the_same_bytes(example, german):
    assert build_pdf(example, issued=ISSUED) == german


def test_metadata_names_the_plan_the_parties_and_the_hash(example, german):
    meta = PdfReader(io.BytesIO(german)).metadata
    assert meta.title == example.title
    assert "ACME IT GmbH" in meta.author
    assert "Nordwind Security AG" in meta.author
    assert "ACME IT GmbH" in meta.subject
    assert content_hash(example) in meta["/Keywords"]


HOSTILE = "<b>Müller & Söhne</b>"


def hostile_plan():
    return validate(
        plan_data(
            title='<font size="40">Plan</font> & <para> "quoted" 東京 🚀',
            partner={"name": HOSTILE, "kind": "msp"},
            vendor={"name": "שלום עולם – مرحبا – 北京 🙂"},
            resources=[{**sales(cost=60_000), "role": "</para><br/>Sales & Co"}],
            investments=[{**investment(5_000, 1), "name": "<img src='x'/> Demo"}],
            revenue={"deals_per_sales_fte_month": 1, "deal_size": 12_000},
            vendor_programme={"gross_margin": 0.5},
            scenarios=[{"name": "<i>Worst</i> & best", "set": {"revenue.deal_size": 6_000}}],
        )
    )


def test_hostile_names_print_literally():
    plan = hostile_plan()
    document = build_pdf(plan)
    text = " ".join(pages_of(document))
    assert HOSTILE in text
    assert "</para><br/>Sales & Co" in text
    assert "<img src='x'/> Demo" in text
    assert "<i>Worst</i> & best" in text
    # Hebrew prints (DejaVu covers it) in the order it is seen: a reader extracts it reversed.
    assert "שלום" in text or "םולש" in text
    # Metadata is not limited by the font: the names are kept whole there.
    meta = PdfReader(io.BytesIO(document)).metadata
    assert meta.title == plan.title
    assert HOSTILE in meta.author


def test_characters_no_font_has_are_replaced_not_crashing():
    text = " ".join(pages_of(build_pdf(hostile_plan())))
    # CJK prints in the CJK font; no font here has emoji: each becomes one "?".
    assert '"quoted" 東京 ?' in text


def test_without_the_fonts_package_the_pdf_is_refused_with_what_to_install(monkeypatch):
    monkeypatch.setattr(fonts, "FONT_PACKAGE", "no-such-package")
    pdf._fonts.cache_clear()
    try:
        with pytest.raises(fonts.FontMissingError, match=r"no-such-package.*requirements\.txt"):
            build_pdf(hostile_plan())
    finally:
        pdf._fonts.cache_clear()


def test_plan_without_scenarios_investments_or_rebate_tiers():
    # One sales FTE at 60,000 a year closing one 12,000 deal a month, partner margin 0,
    # vendor margin 50 %, for 12 months:
    #   customers(t) = t, resale(t) = 1,000 t, sell_in = resale (margin 0),
    #   partner: gross profit 0, staff 5,000 a month -> cumulative cash -60,000;
    #   vendor: gross profit 500 t -> sum 500 * 78 = 39,000.
    plan = make_plan(
        resources=[sales(cost=60_000)],
        revenue={"deals_per_sales_fte_month": 1, "deal_size": 12_000},
        vendor_programme={"gross_margin": 0.5},
    )
    pages = pages_of(build_pdf(plan))
    text = " ".join(pages)
    assert "Keine Rückvergütungsstaffel vereinbart." in text
    assert "Keine Investitionen geplant." in text
    assert "Szenarienvergleich" not in text
    assert "-60.000 €" in text
    assert "39.000 €" in text
    assert i18n.t("verdict.vendor_only", "de") in text
    assert 8 <= len(pages) <= 12


def test_plan_with_nothing_at_all_still_renders():
    pages = pages_of(build_pdf(make_plan(), language="en"))
    text = " ".join(pages)
    assert "No roles planned." in text
    assert i18n.t("verdict.neither", "en") in text


def test_long_plan_of_120_months_splits_yearly_tables(example):
    plan = validate({**example.to_data(), "months": 120})
    pages = pages_of(build_pdf(plan))
    text = " ".join(pages)
    assert "Jahr 10" in text
    assert "Jan. 2027 – Dez. 2036 (120 Monate)" in text
    final = evaluate(plan).kpis["partner"]["cumulative_cash"]
    assert _flat(i18n.money(final, "EUR", "de")) in text
    assert 8 <= len(pages) <= 16
    for number, page in enumerate(pages, start=1):
        assert f"Seite {number} von {len(pages)}" in page


def test_a_team_table_over_several_pages_repeats_its_header():
    roles = [{**sales(cost=50_000), "role": f"Rolle {i:02d}"} for i in range(90)]
    pages = pages_of(build_pdf(make_plan(resources=roles)))
    holding = [page for page in pages if "Rolle 45" in page or "Rolle 89" in page]
    assert len(holding) >= 2  # the team plan and the commitments annex
    for page in holding:
        assert "Rolle Funktion FTE" in page  # the header row, on every page of the table
    # Rows never split: every role appears whole, once in the team plan, once in the annex.
    text = " ".join(pages)
    assert all(text.count(f"Rolle {i:02d} ") == 2 for i in range(90))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_clean_keeps_length_and_leaves_only_drawable_characters(text):
    out = clean(text)
    assert len(out) == len(text)
    covers = pdf._fonts().covers
    assert all(covers(ch) or pdf._cjk_covers(ch) for ch in out)
    # Every character is kept or replaced by "?" (undrawable) or a space (control character).
    assert all(a == b or b in "? \u00a0" for a, b in zip(text, out, strict=True))


@given(st.floats(-1e12, 1e12, allow_nan=False), st.floats(-1e12, 1e12, allow_nan=False))
def test_axis_ticks_cover_the_values_and_zero(a, b):
    low, high = min(a, b), max(a, b)
    vmin, vmax, step = nice_ticks(low, high)
    assert step > 0
    assert vmin <= min(low, 0) + 1e-9
    assert vmax >= max(high, 0) - 1e-9
    ticks = (vmax - vmin) / step
    assert ticks == pytest.approx(round(ticks))
    assert ticks <= 10


def test_sensitivity_page_shows_the_analysis_tornado(example, german_pages):
    from planner.analysis.sensitivity import tornado

    result = tornado(example, "partner.npv", 0.2)
    page = next(p for p in german_pages if "Sensitivität Wie stark" in p)
    # The strongest driver of the example: deals per sales FTE 0.8 -> 0.64 / 0.96.
    assert result.bars[0].path == "revenue.deals_per_sales_fte_month"
    assert "Abschlüsse je Vertriebs-FTE und Monat" in page
    assert "0,64" in page
    assert "0,96" in page
    for bar in result.bars[:10]:
        assert _flat(i18n.money(bar.low_figure, "EUR", "de")) in page
        assert _flat(i18n.money(bar.high_figure, "EUR", "de")) in page


def test_partner_edition_keeps_the_vendors_private_economics_out(example):
    # Without a private block the vendor keeps its gross margin and partner-manager cost
    # private and does not share its economics (planner.privacy).
    text = " ".join(pages_of(build_pdf(example, audience="partner")))
    kpis = evaluate(example).kpis
    assert "Fassung für den Partner" in text
    assert "Hersteller-Rohmarge vertraulich" in text
    assert "85,0 %" not in text  # the vendor's gross margin
    assert _flat(i18n.money(kpis["vendor"]["npv"], "EUR", "de")) not in text
    assert _flat(i18n.money(kpis["vendor"]["cost"], "EUR", "de")) not in text
    assert "Hersteller: Ergebnis- und Cashflow-Plan" not in text
    assert i18n.t("verdict.mutual", "de") not in text  # it would reveal the vendor's NPV sign
    assert "Der Plan lohnt sich für den Partner – mit Vorbehalten." in text
    # What the partner may see: its own figures and the vendor's revenue (its own sell-in).
    assert _flat(i18n.money(kpis["partner"]["npv"], "EUR", "de")) in text
    assert _flat(i18n.money(kpis["vendor"]["revenue"], "EUR", "de")) in text


def test_vendor_edition_keeps_the_partners_private_values_out(example):
    data = example.to_data()
    data["private"] = {"vendor": [], "partner": ["revenue.services_per_deal"]}
    plan = validate(data)
    vendor_text = " ".join(pages_of(build_pdf(plan, audience="vendor")))
    assert "Dienstleistung je Abschluss vertraulich" in vendor_text
    assert "Hersteller: Ergebnis- und Cashflow-Plan" in vendor_text
    full_text = " ".join(pages_of(build_pdf(plan)))
    assert "Dienstleistung je Abschluss 12.000 €" in full_text
    with pytest.raises(ValueError, match="audience: 'board' is not one of vendor, partner"):
        build_pdf(plan, audience="board")


NAMES = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=200
).filter(lambda name: name.strip() != "")


@settings(max_examples=8, deadline=None)
@given(title=NAMES, partner=NAMES, vendor=NAMES, role=NAMES)
def test_any_valid_names_render(title, partner, vendor, role):
    # Whatever the plan accepts as a name (any Unicode, up to 200 characters) renders: long
    # titles are cut in the header, unknown glyphs replaced, markup characters escaped.
    try:
        plan = validate(
            plan_data(
                title=title,
                partner={"name": partner, "kind": "si"},
                vendor={"name": vendor},
                resources=[{**sales(cost=10_000), "role": role}],
            )
        )
    except PlanError:
        return  # a name the schema refuses (its own tests cover that) never reaches the PDF
    pages = pages_of(build_pdf(plan))
    assert 8 <= len(pages) <= 13
    assert all(f"Seite {n} von {len(pages)}" in page for n, page in enumerate(pages, start=1))


def test_very_large_amounts_render_whole():
    # 1,000 sales FTE closing 100 deals each a month at 1,000,000 list, +50 % a year:
    # amounts up to about 10^15 per year must still print in full, never as 1e+15.
    plan = make_plan(
        months=120,
        resources=[sales(fte=1000, cost=1e6)],
        revenue={"deals_per_sales_fte_month": 100, "deal_size": 1e6, "annual_price_uplift": 0.5},
        vendor_programme={"gross_margin": 0.5},
    )
    text = " ".join(pages_of(build_pdf(plan)))
    total = evaluate(plan).kpis["partner"]["revenue"]
    assert total > 1e15
    assert _flat(i18n.money(total, "EUR", "de")) in text
    assert "e+" not in text


def test_every_pdf_text_exists_in_both_languages():
    texts = {k: v for k, v in i18n.catalog().items() if k.startswith("pdf.")}
    assert len(texts) > 50
    for key, entry in texts.items():
        assert set(entry) == {"de", "en"}, key
        assert all(str(text).strip() for text in entry.values()), key


def test_decision_in_principle_is_on_the_cover(example):
    data = example.to_data()
    data["decision"] = {
        "date": "2026-11-20",
        "partner": "Anna Berger (CEO), Jonas Weber (CFO)",
        "vendor": "Eva Lang <VP Channel>",
        "note": "Start mit zwei Account Executives & einer Demo-Umgebung.",
    }
    cover = pages_of(build_pdf(validate(data)))[0]
    assert "20. November 2026" in cover
    assert "Anna Berger (CEO), Jonas Weber (CFO)" in cover
    assert "Eva Lang <VP Channel>" in cover
    assert "Start mit zwei Account Executives & einer Demo-Umgebung." in cover


@pytest.mark.parametrize(
    ("language", "listed", "due"),
    [
        ("de", "jeden Monat", "ab Monat 2, jeden Monat (11×)"),
        ("en", "every month", "from month 2, every month (11×)"),
    ],
)
def test_an_investment_repeated_every_month_says_every_month(
    language: str, listed: str, due: str
) -> None:
    # 12 months, first in month 2, every month: months 2..12 are 11 payments
    plan = make_plan(months=12, language=language, investments=[investment(100, 2, every=1)])
    text = " ".join(pages_of(build_pdf(plan)))
    assert listed in text
    assert due in text
    assert "alle 1 Monate" not in text
    assert "every 1 months" not in text


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("de", "Danach bleibt nur 1 Monat des Plans:"),
        ("en", "That leaves only 1 month of the plan:"),
    ],
)
def test_a_payback_one_month_before_the_end_leaves_one_month_in_the_singular(
    language: str, said: str
) -> None:
    # one deal a month at 4.400 a year list price, half of it the partner's: customer k brings
    # 4400 / 12 * 0.5 = 183.33 a month, so after t months the partner has earned
    # 183.33 * t (t + 1) / 2: 10.083 after 10 months, 12.100 after 11, against 12.000 spent in
    # month 1, so the payback is in month 11 of 12 and one month is left
    plan = make_plan(
        language=language,
        investments=[investment(12_000, 1)],
        resources=[sales()],
        revenue={"deal_size": 4_400, "deals_per_sales_fte_month": 1, "partner_margin": 0.5},
    )
    assert evaluate(plan).kpis["partner"]["payback_month"] == 11
    assert said in " ".join(pages_of(build_pdf(plan)))


def test_the_investment_plans_repeat_column_is_headed_repeats(german_pages):
    # its cells say "einmalig" or "alle 12 Monate": under the field's label "Alle … Monate"
    # (the assumptions table's header, where a number is typed) that read twice
    page = next(p for p in german_pages if "Investitionsplan des Partners" in p)
    assert "Wiederholung" in page
    assert "Alle … Monate" not in page
    assert "einmalig" in page  # the example's investments: three once, one every 12 months
    assert "alle 12 Monate" in page
