"""The quarterly business review: command line, records files, the PDF pack of each side and
the workbook sheet that a spreadsheet engine recalculates to the review's numbers."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from planner import i18n
from planner.cli import main
from planner.export.qbr_pdf import build_qbr_pdf
from planner.export.qbr_xlsx import build_qbr_workbook
from planner.onboarding import review as reviews
from planner.onboarding.quarters import Quarter
from planner.onboarding.records_csv import read_records_data
from planner.plan.files import load, save
from planner.plan.validation import validate
from tests.factories import EXAMPLE

MARKUP = 'Launch <b>webinar</b> & =HYPERLINK("x")'


def live_data() -> dict[str, Any]:
    """The example plan seven months into onboarding, with records of both sides."""
    data = load(EXAMPLE).to_data()
    data["actuals"] = [
        {"month": m, "new_deals": round(1.28 * min(1, m / 6), 3), "opex": 2600.0}
        for m in range(1, 8)
    ]
    data["objectives"] = [
        {
            "name": "Certified sales staff",
            "kind": "certification",
            "targets": [{"quarter": "Q2-2027", "count": 1}, {"quarter": "Q3-2027", "count": 2}],
        }
    ]
    data["commitments"] = {
        "hires": [{"resource": 1, "fte": 1, "month": 5}],
        "investments": [{"investment": 2, "dropped": True}],
        "mdf": [
            {
                "activity": MARKUP,
                "requested": {"date": "2027-02-01", "amount": 6000},
                "approved": {"date": "2027-02-10", "amount": 5000},
                "claimed": {"date": "2027-05-01", "amount": 5000},
                "paid": {"date": "2027-06-15", "amount": 5000},
                "proof": "accepted",
            }
        ],
        "objectives": [{"objective": "Certified sales staff", "quarter": "Q3-2027", "count": 1}],
        "support": [{"quarter": "Q3-2027", "fte": 0.2}],
    }
    data["actions"] = [
        {"text": "Book the <i>fair</i> stand", "side": "partner", "raised": "Q2-2027"}
    ]
    return data


@pytest.fixture(scope="module")
def live_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("qbr") / "live.yaml"
    save(validate(live_data()), path)
    return path


def run(capsys, *args: Any) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


# --- the review --------------------------------------------------------------------------


def test_the_default_quarter_is_the_last_with_actuals_and_later_actuals_are_ignored():
    live = validate(live_data())
    signed = load(EXAMPLE)
    found = reviews.review(signed, live, "vendor", spread=False)
    assert (found.quarter.key, found.month, found.last_actual) == ("Q3-2027", 9, 7)
    earlier = reviews.review(signed, live, "vendor", Quarter.parse("Q1-2027"), spread=False)
    assert (earlier.month, earlier.last_actual) == (3, 3)
    # the Q1 review sees the MDF as it stood on 2027-03-31: approved, not yet claimed or paid
    assert (earlier.mdf.approved, earlier.mdf.claimed, earlier.mdf.paid) == (5000, 0, 0)
    assert found.mdf.paid == 5000


def test_the_partner_edition_hides_the_vendors_economics_and_private_support():
    live = validate(live_data())
    found = reviews.review(load(EXAMPLE), live, "partner", spread=False)
    assert found.bridges["vendor"] is None
    assert found.status["vendor"] is None
    assert "npv" not in found.figures["reforecast"]["vendor"]
    assert "vendor" not in found.monthly
    assert "vendor_cash_flow" not in found.monthly["reforecast"]
    # the partner-manager FTE is the vendor's private value: its status would tell it
    support = next(i for i in found.scorecard if i.kind == "support")
    assert (support.status, support.planned, support.actual) == ("private", {}, {})
    text = json.dumps(found.to_json())
    vendor_npv = reviews.review(load(EXAMPLE), live, "vendor", spread=False).bridges["vendor"]
    assert vendor_npv is not None
    assert repr(vendor_npv.npv) not in text


# --- command line ------------------------------------------------------------------------


def test_qbr_json_defaults_to_the_last_quarter_with_actuals(capsys, live_file):
    status, out, err = run(
        capsys, "qbr", live_file, "--signed", EXAMPLE, "--json", "--edition", "vendor"
    )
    assert status == 0, err
    data = json.loads(out)
    assert data["quarter"] == "Q3-2027"
    parts = data["bridge"]["vendor"]["parts"]
    assert sum(parts.values()) == pytest.approx(data["bridge"]["vendor"]["change"], abs=1e-6)
    assert data["rebate"]["p10"] is not None  # the example has uncertainty ranges


def test_qbr_text_summary(capsys, live_file):
    status, out, _ = run(capsys, "qbr", live_file, "--quarter", "q2 2027", "--language", "en")
    assert status == 0
    assert "Q2 2027 (partner edition)" in out
    assert "vendor: not shown" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "Q5-2027"], "--quarter: 'Q5-2027' is not a calendar quarter as Q3-2027"),
        (["--quarter", "Q1-2031"], "quarter: Q1-2031 is not within the plan (Q1-2027 to Q4-2029)"),
        (["--edition", "viewer"], "argument --edition: invalid choice"),
        (["--map", "Fund Name"], "--map: 'Fund Name' is not HEADER=COLUMN"),
        (["--map", "Fund Name=budget"], "--map: 'budget' is not a record column"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(capsys, live_file, args, message):
    status, _out, err = run(capsys, "qbr", live_file, *args)
    assert status == 2
    assert message in err
    assert "Traceback" not in err


def test_a_plan_without_actuals_is_told_so(capsys):
    status, _, err = run(capsys, "qbr", EXAMPLE)
    assert status == 2
    assert "actuals: the plan has none" in err


PRM_EXPORT = (
    "Activity Name;Request Date;Requested Amount;Approval Date;Approved Amount;Claim Date;"
    "Claim Amount;Payment Date;Paid Amount;Proof of Performance Status\n"
    "Partner summit;03.02.2027;12.500,00;10.02.2027;10.000,00;02.05.2027;9.800,50;;;Pending\n"
    "Mailing;01.03.2027;2.000,00;;;;;;;\n"
)


def test_a_prm_mdf_export_is_read_with_its_own_columns_and_german_numbers():
    plan = read_records_data(load(EXAMPLE), PRM_EXPORT.encode(), "mdf.csv")
    assert plan.commitments is not None
    summit, mailing = plan.commitments.mdf
    assert summit.activity == "Partner summit"
    assert summit.requested.model_dump() == {"date": "2027-02-03", "amount": 12500.0}
    assert summit.claimed is not None
    assert summit.claimed.amount == 9800.5
    assert (summit.paid, summit.proof) == (None, "submitted")
    assert (mailing.approved, mailing.proof) == (None, "none")


def test_the_documented_record_columns_cover_every_kind():
    text = (
        "kind,resource,investment,activity,objective,quarter,month,fte,amount,count,dropped,"
        "requested_date,requested_amount\n"
        "hire,Presales Engineer,,,,,5,1,,,,,\n"
        "investment,,2,,,,,,,,yes,,\n"
        "mdf,,,Webinar,,,,,,,,2027-02-01,3000\n"
        "support,,,,,Q3-2027,,0.2,,,,,\n"
    )
    plan = read_records_data(load(EXAMPLE), text.encode(), "records.csv")
    records = plan.commitments
    assert records is not None
    assert [(h.resource, h.fte, h.month) for h in records.hires] == [(1, 1.0, 5)]
    assert [(i.investment, i.dropped) for i in records.investments] == [(2, True)]
    assert records.mdf[0].requested.amount == 3000
    assert records.support[0].fte == 0.2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "kind,resource,month\nhire,Nobody,3\n",
            "records.csv row 2, resource: 'Nobody' is not in the plan",
        ),
        (
            "kind,fte,quarter\nsupport,lots,Q1-2027\n",
            "records.csv row 2, fte: 'lots' is not a number",
        ),
        ("kind\nbonus\n", "records.csv row 2, kind: 'bonus' is not one of hire, investment"),
        ("Budget\n1\n", "records.csv: column 'Budget' is not a record column"),
        (
            "activity,requested_date,requested_amount,approved_date,approved_amount\n"
            "A,2027-02-01,100,2027-02-02,200\n",
            "records.csv row 2 (commitments.mdf.0.approved.amount: 200 is above the requested",
        ),
        (
            "activity,requested_date,requested_amount\nA,02/01/2027,100\n",
            "is not a date as YYYY-MM-DD",
        ),
    ],
)
def test_a_bad_records_file_names_the_row_and_column(capsys, tmp_path, text, message):
    records = tmp_path / "records.csv"
    records.write_text(text, encoding="utf-8")
    live = tmp_path / "live.yaml"
    save(validate(live_data()), live)
    status, _, err = run(capsys, "qbr", live, "--records", records)
    assert status == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


# --- the PDF -----------------------------------------------------------------------------


def _text(pdf: bytes) -> str:
    """The PDF's words, whitespace (and no-break spaces) as single spaces."""
    return _words("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("language", ["de", "en"])
def test_each_sides_pack_shows_what_that_side_may_see(language):
    live = validate(live_data())
    signed = load(EXAMPLE)
    vendor = reviews.review(signed, live, "vendor", spread=False)
    partner = reviews.review(signed, live, "partner", spread=False)
    vendor_pdf, partner_pdf = build_qbr_pdf(vendor, language), build_qbr_pdf(partner, language)
    vendor_text, partner_text = _text(vendor_pdf), _text(partner_pdf)
    assert vendor_pdf.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(vendor_pdf)).pages) >= 4
    bridge = vendor.bridges["vendor"]
    assert bridge is not None
    vendor_npv = _words(i18n.money(bridge.npv, "EUR", language))
    assert vendor_npv in vendor_text
    assert vendor_npv not in partner_text
    partner_npv = _words(i18n.money(partner.bridges["partner"].npv, "EUR", language))  # type: ignore[union-attr]
    assert partner_npv in partner_text
    assert partner_npv in vendor_text
    # user text is printed as it was typed, never as markup
    assert "Launch <b>webinar</b> &" in partner_text
    assert "Book the <i>fair</i> stand" in partner_text
    title = _words(i18n.t("qbr.kicker", language))
    assert title in partner_text


# --- the workbook, recalculated ----------------------------------------------------------


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_qbr_sheet_to_the_review(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is needed: scripts/test installs it"
    live = validate(live_data())
    found = {
        side: reviews.review(load(EXAMPLE), live, side, spread=False)
        for side in ("vendor", "partner")
    }
    for side, review in found.items():
        (tmp_path / f"{side}.xlsx").write_bytes(build_qbr_workbook(review, "en"))
    out = tmp_path / "out"
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(tmp_path / "vendor.xlsx"),
            str(tmp_path / "partner.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for side, review in found.items():
        sheet = openpyxl.load_workbook(out / f"{side}.xlsx", data_only=True)["QBR"]
        values: dict[str, Any] = {}
        for row in sheet.iter_rows(values_only=True):  # the first of a label: the quarter's row,
            if isinstance(row[0], str):  # the partner's bridge
                values.setdefault(row[0], row[1:5])
        rebate, mdf = review.rebate, review.mdf
        assert values["Sell-in of the plan year to date"][0] == pytest.approx(rebate.sell_in)
        assert values["Rebate accrued"][0] == pytest.approx(rebate.accrued, abs=1e-6)
        assert values["Sell-in still needed"][0] == pytest.approx(rebate.to_next)
        assert values["Year-end rebate (re-forecast)"][0] == pytest.approx(
            rebate.projected_rebate, abs=1e-6
        )
        for key in ("requested", "approved", "claimed", "paid"):
            assert values[key.capitalize()][0] == pytest.approx(getattr(mdf, key))
        assert values["Expected in the year"][0] == pytest.approx(mdf.projected)
        assert values["Check: sum of the parts minus the change (0)"][1] == 0
        bridge = review.bridges["partner"]
        assert bridge is not None
        assert values["Change since signing"][1] == pytest.approx(bridge.change, rel=1e-9)
        quarter = {p.column: p for p in review.quarter_rows}
        label = i18n.label("revenue", "en")
        plan_value, actual, forecast, _ = values[label]
        assert (plan_value, actual, forecast) == pytest.approx(
            (quarter["revenue"].plan, quarter["revenue"].actual, quarter["revenue"].reforecast)
        )
        months = openpyxl.load_workbook(out / f"{side}.xlsx", data_only=True)["Months"]
        keys = [c for c in next(months.iter_rows(min_row=2, max_row=2, values_only=True)) if c]
        assert ("reforecast.vendor_cash_flow" in keys) is (side == "vendor")
