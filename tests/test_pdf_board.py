"""The business-plan PDF as a board reads it: totals that equal their parts, a summary that
states the risk, names in any script, long and equal names, charts that say what they show.

Tables are read back with ``pdftotext -layout`` (poppler), one row per line, so a test sees
the numbers as printed, rounded and formatted, not the model's floats.
"""

from __future__ import annotations

import datetime
import io
import random
import re
import shutil
import subprocess
import unicodedata
from itertools import pairwise
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.graphics.shapes import PolyLine, Rect, String
from reportlab.lib.colors import Color

from planner import i18n
from planner.analysis import montecarlo
from planner.export import charts, fonts, pdf
from planner.export.pdf import build_pdf
from planner.model import evaluate
from planner.plan.files import load
from planner.plan.schema import Plan
from planner.plan.validation import validate
from tests.factories import EXAMPLE, ROOT, make_plan, plan_data, sales

TEMPLATES = sorted((ROOT / "templates").glob("*.yaml"))
ISSUED = datetime.date(2027, 1, 15)
MONEY = re.compile(r"(?<![\d.])-?\d{1,3}(?:\.\d{3})*(?= ?€)")
"""A German whole amount as the PDF prints it: ``-1.234.567`` before `` €``."""

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")


def layout_pages(document: bytes, tmp_path: Path) -> list[str]:
    """The PDF's text per page, laid out as printed (``pdftotext -layout``)."""
    path = tmp_path / "plan.pdf"
    path.write_bytes(document)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page.replace("\u00a0", " ").replace("\u202f", " ") for page in text.split("\f")]


def row(page: str, label: str, suffix: str = "") -> list[int]:
    """The amounts on the line whose text starts with ``label`` (as printed, in €)."""
    for line in page.splitlines():
        if re.match(rf"\s*{re.escape(label)}{suffix}\s{{2,}}", line):
            return [int(m.replace(".", "")) for m in MONEY.findall(line)]
    raise AssertionError(f"no line {label!r} on the page:\n{page}")


def close(total: int, parts: list[int], slack: int | None = None) -> bool:
    """A printed total equals its printed parts, to the rounding of each part (0.5 each)."""
    return abs(total - sum(parts)) <= (len(parts) + 1 if slack is None else slack)


def page_with(pages: list[str], *needles: str) -> str:
    return next(p for p in pages if all(n in p for n in needles))


def check_sums(document: bytes, tmp_path: Path) -> int:
    """Every total in the yearly tables and the annex equals its parts; returns the count."""
    pages = layout_pages(document, tmp_path)
    checked = 0
    partner = page_with(pages, "abzgl. Personalkosten")
    resale, services, managed = (
        row(partner, "Wiederverkaufsumsatz"),
        row(partner, "Serviceumsatz"),
        row(partner, "Managed-Service-Umsatz"),
    )
    revenue, sell_in = row(partner, "Umsatz"), row(partner, "abzgl. Einkauf beim Hersteller")
    gross, funds = row(partner, "Rohertrag"), row(partner, "zzgl. Herstellermittel")
    mdf, rebate = row(partner, "davon Marketingmittel (MDF)"), row(partner, "davon Rückvergütung")
    staff, opex = (
        row(partner, "abzgl. Personalkosten"),
        row(partner, "abzgl. Sonstige Betriebskosten"),
    )
    invest, ebitda = row(partner, "abzgl. Investitionen netto"), row(partner, "EBITDA")
    cash = row(partner, "Cashflow")
    columns = len(revenue)
    for j in range(columns):
        assert close(revenue[j], [resale[j], services[j], managed[j]]), ("revenue", j)
        assert close(gross[j], [revenue[j], -sell_in[j]]), ("gross profit", j)
        assert close(funds[j], [mdf[j], rebate[j]]), ("vendor funds", j)
        assert close(ebitda[j], [gross[j], funds[j], -staff[j], -opex[j], -invest[j]]), j
        assert cash[j] == ebitda[j]
        checked += 5
    flows = [resale, services, managed, revenue, sell_in, gross, funds, mdf, rebate, staff]
    for line in [*flows, opex, invest, ebitda]:
        # The last column is the total over the plan years.
        assert close(line[-1], line[:-1]), line
        checked += 1
    cumulative = row(partner, "Kumulierter Cashflow")
    for j in range(columns - 1):
        assert close(cumulative[j], [cumulative[j - 1] if j else 0, cash[j]]), ("cumulative", j)
        checked += 1
    gross_invest = row(partner, "Investitionen brutto")
    funded = row(partner, "davon Anteil des Herstellers")
    net = row(partner, "davon Investitionen netto")
    for j in range(columns):
        assert close(gross_invest[j], [funded[j], net[j]]), ("investments", j)
        checked += 1

    vendor = page_with(pages, "davon Partnermanagement")
    cost = row(vendor, "abzgl. Herstellerkosten")
    parts = [
        row(vendor, label)
        for label in (
            "davon Marketingmittel (MDF)",
            "davon Rückvergütung",
            "davon Anteil des Herstellers",
            "davon Partnermanagement",
        )
    ]
    vendor_gross, vendor_cash = (
        row(vendor, "Hersteller-Rohertrag"),
        row(vendor, "Hersteller-Cashflow"),
    )
    for j in range(columns):
        assert close(cost[j], [p[j] for p in parts]), ("vendor cost", j)
        assert close(vendor_cash[j], [vendor_gross[j], -cost[j]]), ("vendor cash", j)
        checked += 2
    for line in [cost, *parts, vendor_gross, vendor_cash]:
        assert close(line[-1], line[:-1]), line
        checked += 1

    annex = [p for p in pages if "Anlage: Zusagen der Parteien" in p and "Fällig" in p]
    if annex and "Summe im" in annex[0]:
        lines = [
            MONEY.findall(line)
            for line in annex[0].split("Summe im")[1].split("Gesamt")[0].splitlines()
        ]
        items = [[int(m.replace(".", "")) for m in found] for found in lines if len(found) == 3]
        total = row(annex[0], "Gesamt")
        for k in range(3):
            assert close(total[k], [item[k] for item in items]), ("annex investments", k)
            checked += 1
        for item in items:
            assert close(item[0], item[1:]), item
            checked += 1
    rebates = [p for p in pages if "Satz erreicht" in p]
    if rebates:
        block = rebates[0].split("Satz erreicht")[1]
        years = [row(block, f"Jahr {y}", r"(?: \(\d+ Mon\.\))?")[:2] for y in range(1, columns)]
        total = row(block, "Gesamt")
        assert close(total[0], [y[0] for y in years]), "annex sell-in"
        assert close(total[1], [y[1] for y in years]), "annex rebates"
        assert [y[1] for y in years] == rebate[:-1]  # the annex and the P&L agree
        checked += 3
    return checked


@needs_pdftotext
@pytest.mark.parametrize("source", [EXAMPLE, *TEMPLATES], ids=lambda p: p.stem)
def test_every_total_equals_its_parts(source: Path, tmp_path: Path) -> None:
    plan = load(source)
    assert check_sums(build_pdf(plan, language="de"), tmp_path) > 50


def random_plan(seed: int) -> Plan:
    """A plan with a partial last year, equal role names, recurring investments and tiers."""
    rng = random.Random(seed)
    months = rng.choice([18, 30, 36, 41, 48])
    roles = [
        {
            "role": rng.choice(["Account Manager", "Consultant", "Engineer"]),
            "function": rng.choice(["sales", "presales", "delivery", "support"]),
            "fte": rng.choice([0.5, 1, 1.5, 2]),
            "start_month": rng.randint(1, months),
            "annual_cost": rng.randint(40, 140) * 1000,
            "ramp_months": rng.randint(0, 6),
        }
        for _ in range(rng.randint(2, 6))
    ]
    roles[0]["function"] = "sales"
    return validate(
        plan_data(
            months=months,
            discount_rate=rng.choice([0, 0.08, 0.12]),
            opex_per_month=rng.randint(0, 5000),
            resources=roles,
            investments=[
                {
                    "name": f"Item {i % 2}",
                    "category": "training",
                    "amount": rng.randint(1, 50) * 1000 + 0.5,
                    "month": rng.randint(1, months),
                    "every_months": rng.choice([0, 6, 12]),
                    "vendor_share": rng.choice([0, 0.25, 0.333, 1]),
                }
                for i in range(rng.randint(0, 4))
            ],
            revenue={
                "deals_per_sales_fte_month": rng.uniform(0.2, 2),
                "deal_size": rng.randint(5, 80) * 1000,
                "subscription": rng.random() < 0.6,
                "monthly_churn": rng.uniform(0, 0.03),
                "annual_price_uplift": rng.uniform(0, 0.05),
                "partner_margin": rng.uniform(0.1, 0.4),
                "services_per_deal": rng.randint(0, 20) * 1000,
                "delivery_capacity_per_fte_month": rng.randint(5, 20) * 1000,
                "managed_fee_per_customer_month": rng.randint(0, 300),
            },
            vendor_programme={
                "mdf_rate": rng.uniform(0, 0.05),
                "rebate_tiers": [
                    {"threshold": 100_000, "rate": 0.01},
                    {"threshold": rng.randint(2, 20) * 100_000, "rate": 0.03},
                ],
                "gross_margin": rng.uniform(0.5, 0.9),
                "partner_manager_fte": rng.choice([0, 0.2, 0.5]),
                "partner_manager_annual_cost": 120_000,
            },
        )
    )


@needs_pdftotext
@pytest.mark.parametrize("seed", range(4))
def test_every_total_equals_its_parts_in_random_plans(seed: int, tmp_path: Path) -> None:
    assert check_sums(build_pdf(random_plan(seed), language="de"), tmp_path) > 30


@needs_pdftotext
def test_the_sum_check_finds_a_missing_part(tmp_path: Path) -> None:
    """The check can fail: the vendor's cost without partner management does not add up."""
    plan = load(EXAMPLE)
    document = build_pdf(plan, language="de")
    original = pdf._Writer.monthly_column

    def without_manager(self: pdf._Writer, column: str) -> list[float]:
        values = original(self, column)
        return [0.0] * len(values) if column == "partner_management" else values

    pdf._Writer.monthly_column = without_manager  # type: ignore[method-assign]
    try:
        broken = build_pdf(plan, language="de")
    finally:
        pdf._Writer.monthly_column = original  # type: ignore[method-assign]
    assert check_sums(document, tmp_path) > 0
    with pytest.raises(AssertionError, match="vendor cost"):
        check_sums(broken, tmp_path)


# --- the summary --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> Plan:
    return load(EXAMPLE)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def pages_of(document: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(document)).pages]


def euros(value: float | None, language: str = "de") -> str:
    return flat(i18n.money(value, "EUR", language))


def test_summary_states_the_value_split_the_late_payback_and_the_worst_case(example: Plan) -> None:
    summary = pages_of(build_pdf(example, issued=ISSUED))[1]
    kpis = evaluate(example).kpis
    partner, vendor = kpis["partner"]["npv"], kpis["vendor"]["npv"]
    share = partner / (partner + vendor)
    assert 0.02 < share < 0.04  # 43,764 of 1,426,971: three per cent
    assert f"erhält der Partner 3 % ({euros(partner)})" in summary
    assert f"der Hersteller 97 % ({euros(vendor)})" in summary
    assert euros(round(partner) + round(vendor)) in summary  # the joint NPV, as printed
    assert "weniger als 20 % des gemeinsamen Werts" in summary
    assert kpis["partner"]["payback_month"] == 34
    assert "in Monat 34 von 36 (Okt. 2029) zurückverdient" in summary
    assert "Danach bleiben nur 2 Monate des Plans" in summary
    assert euros(kpis["partner"]["peak_funding"]) in summary
    worst = evaluate(example, "Konservativ")
    assert not worst.mutual
    assert "Ungünstigstes Szenario „Konservativ“" in summary
    assert euros(worst.kpis["partner"]["npv"]) in summary  # about -492 k
    assert euros(worst.kpis["partner"]["peak_funding"]) in summary  # about 567 k
    assert "dann nicht für beide Seiten vorteilhaft" in summary
    assert "mit Vorbehalten" in summary


def test_summary_gives_the_monte_carlo_range_from_the_plans_uncertainty(example: Plan) -> None:
    summary = pages_of(build_pdf(example, issued=ISSUED))[1]
    result = montecarlo.run(example, pdf.SUMMARY_DRAWS, pdf.SUMMARY_SEED)
    npv = result.percentiles["partner.npv"]
    for q in ("p10", "p50", "p90"):
        assert f"{euros(npv[q])} ({q.upper()})" in summary or f"bei {euros(npv[q])}" in summary, q
    share = i18n.percent(result.probability_payback, "de", 0).replace("\xa0", " ")
    assert f"mit {share} Wahrscheinlichkeit" in summary.replace("\xa0", " ")  # text as read
    mutual = i18n.percent(result.probability_mutual, "de", 0).replace("\xa0", " ")
    assert f"vorteilhaft ist der Plan mit {mutual}" in summary.replace("\xa0", " ")
    assert "2.000 Ziehungen" in summary


def test_a_plan_without_uncertainty_or_scenarios_has_no_range_and_no_worst_case() -> None:
    plan = make_plan(
        resources=[sales(cost=60_000)],
        revenue={"deals_per_sales_fte_month": 1, "deal_size": 24_000, "partner_margin": 0.3},
        vendor_programme={"gross_margin": 0.5},
    )
    summary = pages_of(build_pdf(plan))[1]
    assert "Bandbreite" not in summary
    assert "Ungünstigstes Szenario" not in summary
    assert "Wertaufteilung" in summary


def test_the_partner_edition_leaves_out_what_reveals_the_vendors_economics(example: Plan) -> None:
    summary = pages_of(build_pdf(example, issued=ISSUED, audience="partner"))[1]
    assert "Wertaufteilung" not in summary
    assert "gemeinsamen Kapitalwert" not in summary
    assert "Finanzierung Hersteller" not in summary
    assert "für beide Seiten vorteilhaft" not in summary  # neither the verdict nor the worst
    assert "vorteilhaft ist der Plan mit" not in summary
    result = montecarlo.run(example, pdf.SUMMARY_DRAWS, pdf.SUMMARY_SEED)
    assert euros(result.percentiles["partner.npv"]["p50"]) in summary  # its own range stays
    worst = evaluate(example, "Konservativ").kpis
    assert euros(worst["partner"]["npv"]) in summary
    assert euros(worst["vendor"]["npv"]) not in summary


def test_undefined_figures_say_why(tmp_path: Path) -> None:
    # Nothing but running costs: the partner's cash flow is never positive (no IRR, no
    # payback, no break-even), the vendor has no flows at all (no funding, no ROI).
    plan = make_plan(opex_per_month=1000)
    pages = pages_of(build_pdf(plan))
    summary = pages[1]
    assert "nicht bis Monat 12" in summary
    assert "Kein Zinsfuß: Die Seite hat keinen Monat mit positivem Cashflow." in summary
    assert "Kein Break-even: Der Cashflow des letzten Planmonats (Dez. 2027) ist negativ" in summary
    assert "Keine Rendite: Die Seite muss nichts vorfinanzieren" in summary
    assert "Kein Zinsfuß: Die Seite hat keinen Monat mit negativem Cashflow" in summary


def test_the_vendors_missing_break_even_from_the_final_rebate_is_explained() -> None:
    # 12 months, one sales FTE, a 10 % rebate paid in month 12: the vendor's last month is
    # negative while its cumulative cash is positive.
    plan = make_plan(
        resources=[sales(cost=60_000)],
        revenue={"deals_per_sales_fte_month": 1, "deal_size": 12_000, "partner_margin": 0.2},
        vendor_programme={
            "gross_margin": 0.3,
            "rebate_tiers": [{"threshold": 1, "rate": 0.9}],
        },
    )
    outcome = evaluate(plan)
    assert outcome.kpis["vendor"]["break_even_month"] is None
    assert outcome.kpis["vendor"]["npv"] is not None
    summary = pages_of(build_pdf(plan))[1]
    assert "zahlt der Hersteller die Jahresrückvergütung aus" in summary


# --- any script, long and equal names ------------------------------------------------------

SCRIPTS = {
    "Chinese": "北京云端科技有限公司",
    "Japanese": "株式会社トウキョウ",
    "Korean": "서울 파트너",
    "Cyrillic": "Москва Партнёр",
    "Greek": "Αθήνα Συνεργάτης",
    "Arabic": "شريك",
    "Hebrew": "שלום עולם",
}


@needs_pdftotext
def test_names_in_any_script_print_as_typed(tmp_path: Path) -> None:
    plan = validate(
        plan_data(
            title=f"Plan {SCRIPTS['Japanese']}",
            partner={"name": SCRIPTS["Chinese"], "kind": "reseller"},
            vendor={"name": SCRIPTS["Greek"]},
            resources=[
                {**sales(cost=60_000), "role": SCRIPTS["Korean"]},
                {**sales(cost=50_000), "role": SCRIPTS["Cyrillic"]},
                {**sales(cost=50_000), "role": SCRIPTS["Hebrew"]},
            ],
            investments=[
                {"name": SCRIPTS["Arabic"], "category": "demo", "amount": 5000, "month": 1}
            ],
            revenue={"deals_per_sales_fte_month": 1, "deal_size": 12_000},
            vendor_programme={"gross_margin": 0.5},
        )
    )
    document = build_pdf(plan)
    # Arabic prints in its joined forms (which NFKC maps back to the letters) and right-to-left
    # runs in the order they are seen: a reader gives them in that order or reorders them
    # itself (pdftotext, marking the run with U+202B ... U+202C).
    text = unicodedata.normalize("NFKC", "\n".join(layout_pages(document, tmp_path)))
    text = re.sub("[\u202a-\u202e]", "", text)
    for script, name in SCRIPTS.items():
        assert name in text or name[::-1] in text, script
    assert "?" not in text.replace("(?)", "")
    fonts = {
        str(font["/BaseFont"]).split("+")[-1]
        for page in PdfReader(io.BytesIO(document)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert {"DejaVuSans", "DejaVuSans-Bold", "DroidSansFallback"} <= fonts, fonts


def test_without_a_font_file_the_pdf_is_refused_with_what_to_install(monkeypatch) -> None:
    monkeypatch.setattr(fonts, "CJK_FILE", Path("/nonexistent/DroidSansFallback.ttf"))
    fonts.cjk.cache_clear()
    try:
        plan = validate(plan_data(partner={"name": "東京 GmbH", "kind": "si"}))
        with pytest.raises(fonts.FontMissingError, match=r"requirements\.txt"):
            build_pdf(plan)
    finally:
        fonts.cjk.cache_clear()


def test_equal_names_are_told_apart_everywhere() -> None:
    role = {**sales(cost=80_000), "role": "Account Manager"}
    plan = validate(
        plan_data(
            resources=[role, {**role, "start_month": 4}, {**role, "role": "Engineer"}],
            revenue={"deals_per_sales_fte_month": 1, "deal_size": 30_000, "partner_margin": 0.3},
            vendor_programme={"gross_margin": 0.5},
            scenarios=[{"name": "Later", "set": {"resources.1.start_month": 8}}],
        )
    )
    text = " ".join(pages_of(build_pdf(plan)))
    assert "Account Manager (1)" in text
    assert "Account Manager (2)" in text
    assert "Engineer (1)" not in text  # a unique name stays as it is
    assert "Later: Account Manager (2): Startmonat = Monat 8 (Aug. 2027)" in text
    sensitivity = text.split("Sensitivität Wie stark")[1]
    assert "Account Manager (1): FTE" in sensitivity
    assert "Account Manager (2): FTE" in sensitivity


def test_a_long_role_is_cut_in_the_tornado_and_stays_on_the_page() -> None:
    long_role = "Senior Partner Solutions Architect " * 6  # 210 characters, cut to 200
    plan = validate(
        plan_data(
            resources=[{**sales(cost=80_000), "role": long_role[:200].strip()}],
            revenue={"deals_per_sales_fte_month": 1, "deal_size": 30_000, "partner_margin": 0.3},
            vendor_programme={"gross_margin": 0.5},
        )
    )
    writer_fonts = charts.Fonts(pdf._fonts().regular, pdf._fonts().bold)
    bars = [charts.Bar(f"{long_role}: FTE", -5.0, 5.0), charts.Bar("Deal size", -1.0, 1.0)]
    drawing = charts.tornado(
        bars,
        base=0.0,
        base_label="Plan",
        fmt=lambda v, s: f"{v:g}",
        unit="k",
        low_color=pdf.MIX_COLORS[2],
        high_color=pdf.PARTNER_COLOR,
        legend=("-20 %", "+20 %"),
        width=pdf.BODY_WIDTH,
        fonts=writer_fonts,
    )
    strings = [s for s in drawing.contents if isinstance(s, String)]
    cut = [s for s in strings if s.text.endswith("…")]
    assert cut, "the long label is shortened"
    for s in strings:
        left = s.x - (
            writer_fonts.width(s.text) if s.textAnchor == "end" else 0.0
        )  # every label starts inside the drawing
        assert left >= 0, s.text
    text = " ".join(pages_of(build_pdf(plan)))
    assert "…" in text.split("Sensitivität Wie stark")[1]


# --- charts -------------------------------------------------------------------------------


def test_headcount_is_drawn_as_steps() -> None:
    drawing = charts.line_chart(
        [charts.Series("FTE", [1, 1, 3, 3, 4], pdf.PARTNER_COLOR)],
        {1: "Jan"},
        unit="FTE",
        fmt=lambda v, s: f"{v:g}",
        steps=True,
    )
    (line,) = [s for s in drawing.contents if isinstance(s, PolyLine)]
    points = list(zip(line.points[::2], line.points[1::2], strict=True))
    segments = list(pairwise(points))
    assert all(a[0] == b[0] or a[1] == b[1] for a, b in segments)  # level or riser, no slope
    assert sum(1 for a, b in segments if a[0] == b[0] and a[1] != b[1]) == 2  # two hires


def test_revenue_bars_carry_their_values(example: Plan) -> None:
    page = next(p for p in pages_of(build_pdf(example)) if "Umsatzmix des Partners" in p)
    yearly = evaluate(example).yearly
    for total in yearly["revenue"]:  # 0,42 / 1,37 / 2,09 million
        assert i18n.number(total / 1e6, "de", 2) in page


def test_each_side_has_its_own_j_curve_panel(example: Plan) -> None:
    text = " ".join(pages_of(build_pdf(example)))
    block = text.split("Kumulierter Cashflow beider Seiten")[1]
    assert "Partner: ACME IT GmbH" in block
    assert "Hersteller: Nordwind Security AG" in block
    assert "Amortisation in Monat 34 von 36" in block
    assert "Jede Seite auf ihrer eigenen Skala" in block


def test_the_zone_axes_are_labelled_at_round_values(example: Plan) -> None:
    # partner margin 0 to 99.9 %, MDF rate 0 to 100 % (the zone's axes for the example):
    # steps of 25 % from 0, not the grid's own values (25.6 %, 51.3 %, ...)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(build_pdf(example))).pages]
    page = next(p for p in pages if "lohnt sich für beide" in p).replace("\u00a0", " ")
    labels = [line.strip() for line in page.splitlines() if line.strip().endswith("%")]
    x_axis = ["0,0 %", "25,0 %", "50,0 %", "75,0 %"]
    assert labels == [*x_axis, *x_axis, "100,0 %"], labels


# --- contents, cover, translations ---------------------------------------------------------


@needs_pdftotext
def test_the_contents_name_the_page_each_section_starts_on(example: Plan, tmp_path: Path) -> None:
    pages = layout_pages(build_pdf(example, issued=ISSUED), tmp_path)
    entries = re.findall(r"^(\S[^.\n]*?) (?:\. ?)+\s+(\d+)$", pages[0], re.MULTILINE)
    assert len(entries) == 11, pages[0]  # ten sections and the zone of mutual interest
    for title, number in entries:
        start = [line.strip() for line in pages[int(number) - 1].splitlines() if line.strip()]
        assert start[1] == title.strip(), (title, number)  # the first line after the header
    assert [t for t, _ in entries][-2:] == ["Anlage: Zusagen der Parteien", "Freigabe"]


def test_a_draft_cover_is_dated(example: Plan) -> None:
    cover = pages_of(build_pdf(example, issued=ISSUED, language="en"))[0]
    assert "As of 15 January 2027" in cover
    signed = pages_of(build_pdf(example, issued=ISSUED, version="Version 4"))[0]
    assert "Datum 15. Januar 2027" in signed


def test_functions_and_the_payback_mark_are_german_in_german(example: Plan) -> None:
    text = " ".join(pages_of(build_pdf(example)))
    assert "Presales Engineer Vertriebsberatung" in text
    assert " Delivery " not in text.replace("Delivery-", "")
    assert "Payback" not in text
    assert "Herstelleranteil" in text  # a header word is never split


def test_the_zone_map_fills_every_cell_with_its_regions_colour_once() -> None:
    # rows bottom to top; runs of one region share a rectangle: 2 + 3 + 1 = 6 rectangles
    regions = [[0, 0, 1, 1], [2, 1, 1, 0], [3, 3, 3, 3]]
    colors = [Color(0.1 * i, 0.2, 0.3) for i in range(4)]
    drawing = charts.zone_map(
        regions,
        colors,
        x_ticks=[(0.0, "0"), (1.0, "1")],
        y_ticks=[(0.0, "0"), (1.0, "1")],
        x_title="x",
        y_title="y",
        here=(0.5, 0.5),
        target=None,
        legend=[],
        width=200.0,
        height=134.0,
        fonts=charts.Fonts(pdf._fonts().regular, pdf._fonts().bold),
    )
    cells = [s for s in drawing.contents if isinstance(s, Rect) and s.fillColor in colors]
    assert len(cells) == 6
    # plot from x 40 to 192 and y 34 to 100 (width 200, height 134): cells 38 x 22 points
    for i, row in enumerate(regions):
        for j, region in enumerate(row):
            x, y = 40 + (j + 0.5) * 38, 34 + (i + 0.5) * 22
            covering = [
                c for c in cells if c.x <= x <= c.x + c.width and c.y <= y <= c.y + c.height
            ]
            assert [c.fillColor for c in covering] == [colors[region]], (i, j)
