"""The privacy matrix: what leaves the server for a side never holds a value hidden from it.

Each side's private values are distinctive numbers placed in fields, a scenario, an uncertainty
range and a note. For every audience, every document it can download (unsigned and signed, PDF
and workbook, base plan and scenario, German and English; PDF text, raw content streams,
embedded files and metadata; every XML part of the workbook), its change log, its version
comparisons and its conflicts are searched for each value written the ways people and files
write it (``0.8537``, ``85,37``, ``85.37``, ``123457``, ``123.457``, ``123,457``). The side's
edition hash is searched for too: the content hash would let it test guesses offline.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pypdf
import pytest

from planner import i18n, privacy
from planner.export.pdf import build_pdf
from planner.export.xlsx import build_workbook
from planner.plan.files import content_hash
from planner.plan.paths import data_with_values, lookup
from planner.plan.schema import Plan
from planner.plan.validation import validate
from planner.policy import RULES
from planner.signoff import editions
from planner.signoff import keys as signing
from planner.signoff.records import Signature, SignOff
from planner.store import Store
from tests.app_support import table_editor
from tests.store_support import PLAN_DATA, clock, database_url, store

__all__ = ["clock", "database_url", "store"]

MARGIN, PM_FTE, PM_COST = 0.8537, 0.3713, 123457.0
RANGE_LOW, RANGE_HIGH, SCENARIO_MARGIN = 0.8111, 0.8999, 0.7777
"""The vendor's private values: margin and partner manager, its range and a scenario's."""
TEAM_COST = 98765.0
"""The partner's private value: the first hire's annual cost."""
VENDOR_SECRETS = (MARGIN, PM_FTE, PM_COST, RANGE_LOW, RANGE_HIGH, SCENARIO_MARGIN)
KEY = b"k" * 32
"""The commitment secret of the installation in these tests."""


def secret_plan(*, share: bool = False) -> Plan:
    data: dict[str, Any] = {
        **PLAN_DATA,
        "vendor_programme": {
            **PLAN_DATA["vendor_programme"],
            "gross_margin": MARGIN,
            "partner_manager_fte": PM_FTE,
            "partner_manager_annual_cost": PM_COST,
        },
        "resources": [
            {**PLAN_DATA["resources"][0], "annual_cost": TEAM_COST},
            *PLAN_DATA["resources"][1:],
        ],
        "uncertainty": [
            {
                "path": "vendor_programme.gross_margin",
                "distribution": "uniform",
                "low": RANGE_LOW,
                "high": RANGE_HIGH,
            },
            {
                "path": "revenue.deal_size",
                "distribution": "triangular",
                "low": 30000,
                "likely": 42000,
                "high": 50000,
            },
        ],
        "scenarios": [
            {
                "name": "Niedrige Marge",
                "set": {
                    "vendor_programme.gross_margin": SCENARIO_MARGIN,
                    "revenue.deal_size": 39000,
                },
            }
        ],
        "private": {
            "vendor": [
                "vendor_programme.gross_margin",
                "vendor_programme.partner_manager_fte",
                "vendor_programme.partner_manager_annual_cost",
            ],
            "partner": ["resources.0.annual_cost"],
            "share_vendor_economics": share,
        },
    }
    return validate(data)


def forms(value: float) -> list[re.Pattern[str]]:
    """Every way ``value`` may be written: raw, in percent, with either grouping or none."""
    if value < 1:
        digits = f"{value * 100:.2f}"
        whole, _, decimals = digits.partition(".")
        texts = [rf"0[.,]{repr(value)[2:]}", rf"{whole}[.,]{decimals}"]  # 0.8537, 85,37
        one = f"{value * 100:.1f}".replace(".", "[.,]")  # 85,4 (a share with one decimal)
        texts.append(rf"{one}(?!\d)\s?%")
        return [re.compile(rf"(?<![\d.,]){t}(?!\d)") for t in texts]
    whole = str(int(value))
    grouped = rf"{whole[:-3]}[.,\u202f\u00a0 ]?{whole[-3:]}"
    return [re.compile(rf"(?<![\d.,]){grouped}(?!\d)")]


def hidden_values(audience: str) -> list[float]:
    if audience == "partner":
        return list(VENDOR_SECRETS)
    if audience == "vendor":
        return [TEAM_COST]
    return [*VENDOR_SECRETS, TEAM_COST]


def leaks(text: str, audience: str, plan: Plan) -> list[str]:
    found = [
        f"{value} as {pattern.pattern}"
        for value in hidden_values(audience)
        for pattern in forms(value)
        if pattern.search(text)
    ]
    if privacy.view(plan, audience).hidden and content_hash(plan) in text:
        found.append("the content hash")
    return found


def pdf_text(data: bytes) -> str:
    """A PDF's text, raw content streams, embedded files (the workbook's parts as text) and
    metadata."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    parts = [page.extract_text() for page in reader.pages]
    parts += [page.get_contents().get_data().decode("latin-1") for page in reader.pages]
    parts += [
        workbook_text(content) if name.endswith(".xlsx") else content.decode("utf-8")
        for name, files in reader.attachments.items()
        for content in files
    ]
    parts.append(str(reader.metadata))
    return "\n".join(parts)


def workbook_text(data: bytes) -> str:
    """Every part of a workbook as text (sheets, shared strings, names, properties)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(name).decode("utf-8") for name in z.namelist())


def signed_record(plan: Plan) -> SignOff:
    at = datetime.datetime(2027, 1, 6, 9, 0, tzinfo=datetime.UTC)
    return SignOff(
        plan_id="p1",
        version=4,
        content_hash=content_hash(plan),
        title=plan.title,
        status="signed",
        frozen_at=at,
        frozen_by="Max",
        frozen_side="vendor",
        signed_at=at,
        signatures={
            side: Signature(side, name, "CEO", datetime.date(2027, 1, 6), at, name)
            for side, name in (("partner", "Anna Berger"), ("vendor", "Max Roth"))
        },
    )


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> signing.Identity:
    return signing.identity(tmp_path_factory.mktemp("keys") / "signing")


AUDIENCES = ("partner", "viewer", "vendor")


@pytest.mark.parametrize("share", [False, True], ids=["economics-private", "economics-shared"])
@pytest.mark.parametrize("audience", AUDIENCES)
def test_no_document_of_a_side_holds_a_value_hidden_from_it(
    audience: str, share: bool, identity: signing.Identity
) -> None:
    plan = secret_plan(share=share)
    documents: dict[str, str] = {}
    for language in ("de", "en"):
        for scenario in (None, "Niedrige Marge"):
            label = f"{language}/{scenario or 'base'}"
            documents[f"pdf {label}"] = pdf_text(
                build_pdf(plan, scenario=scenario, language=language, audience=audience)
            )
            documents[f"xlsx {label}"] = workbook_text(
                build_workbook(plan, scenario=scenario, language=language, audience=audience)
            )
    record = signed_record(plan)
    documents["signed pdf"] = pdf_text(
        editions.signed_pdf(plan, record, edition=audience, who=identity, key=KEY)
    )
    documents["signed xlsx"] = workbook_text(
        editions.signed_workbook(plan, record, edition=audience, key=KEY)
    )
    found = {name: leaks(text, audience, plan) for name, text in documents.items()}
    assert {name: where for name, where in found.items() if where} == {}
    # the documents are not empty shells: the side's own values are there
    own = "42000" if audience != "vendor" else "8537"
    assert all(own in documents[f"xlsx {language}/base"] for language in ("de", "en")), own


def test_the_search_finds_every_value_in_the_whole_plans_documents(
    identity: signing.Identity,
) -> None:
    """The matrix above can fail: the documents of the whole plan hold every secret."""
    plan = secret_plan(share=True)
    record = signed_record(plan)
    whole = workbook_text(editions.signed_workbook(plan, record, edition="full", key=KEY))
    whole += pdf_text(editions.signed_pdf(plan, record, edition="full", who=identity, key=KEY))
    missing = [
        value
        for value in (*VENDOR_SECRETS, TEAM_COST)
        if not any(p.search(whole) for p in forms(value))
    ]
    assert missing == []


def test_an_edition_hash_depends_on_hidden_values_only_through_the_keyed_commitment() -> None:
    plan = secret_plan()
    other = validate(
        {
            **plan.to_data(),
            "vendor_programme": {**plan.to_data()["vendor_programme"], "gross_margin": 0.6},
        }
    )
    # what the partner's edition embeds is the same for both plans but the commitment ...
    assert privacy.edition_json(plan, "partner", "c") == privacy.edition_json(other, "partner", "c")
    # ... which differs, and which nobody can compute without the installation's secret
    assert editions.commitment(plan, KEY) != editions.commitment(other, KEY)
    assert editions.commitment(plan, KEY) != editions.commitment(plan, b"x" * 32)
    assert editions.edition_hash(plan, "partner", KEY) != content_hash(plan)
    # a side that sees everything is shown the content hash itself
    vendor_only = validate({**plan.to_data(), "private": {"vendor": [], "partner": []}})
    assert editions.edition_hash(vendor_only, "vendor", KEY) == content_hash(vendor_only)


def test_the_signed_edition_embeds_the_sides_view_and_names_its_hash(
    identity: signing.Identity,
) -> None:
    import json

    plan = secret_plan()
    record = signed_record(plan)
    pdf = editions.signed_pdf(plan, record, edition="partner", who=identity, key=KEY)
    files = {n: c[0] for n, c in pypdf.PdfReader(io.BytesIO(pdf)).attachments.items()}
    embedded = json.loads(files[signing.PLAN_ATTACHMENT])
    sealed = json.loads(files[signing.SIGNOFF_ATTACHMENT])
    assert embedded["plan"]["vendor_programme"]["gross_margin"] is None
    assert embedded["plan"]["resources"][0]["annual_cost"] == TEAM_COST  # the partner's own
    assert "vendor_programme.gross_margin" in embedded["hidden"]
    assert sealed["edition"] == "partner"
    assert sealed["edition_hash"] == editions.edition_hash(plan, "partner", KEY)
    assert "content_hash" not in sealed


# --- the store: a side cannot change or delete what it may not see ------------------------


@pytest.fixture
def secret(store: Store) -> str:
    return store.create_plan(secret_plan(), author="Vera", side="vendor")


def test_the_partner_saves_its_ranges_without_touching_the_vendors(
    store: Store, secret: str
) -> None:
    """Whatever the partner sends in place of the vendor's range (the true one, a guess, none,
    ``None`` as its view shows it, a range of another hidden driver), the vendor's range stays
    as stored and the partner is told the same: the list is saved (no equality oracle)."""
    ranges = store.plan_at(secret).to_data()["uncertainty"]
    mine = {**ranges[1], "low": 31000}
    told = []
    for number, attempt in enumerate(
        (
            [ranges[0], mine],  # the true range
            [{**ranges[0], "low": 0.5}, mine],  # a guess
            [mine],  # none
            [None, mine],  # as the partner's view shows it
            [mine, {**ranges[0], "path": "vendor_programme.partner_manager_fte"}],  # another
        )
    ):
        mine = {**mine, "low": 31000 + number}  # each attempt changes the partner's own range
        attempt = [mine if e is not None and e["path"] == mine["path"] else e for e in attempt]
        result = store.apply_edit(secret, "uncertainty", attempt, 1 + number, "Anna", "partner")
        told.append((result.status, result.message, result.problems))
        assert store.plan_at(secret).to_data()["uncertainty"] == [ranges[0], mine]
    assert told == [("accepted", "", ())] * 5


def test_the_partner_cannot_delete_a_scenario_entry_it_cannot_see(
    store: Store, secret: str
) -> None:
    """A scenario sent without (or with a guess of) the vendor's hidden entry keeps the stored
    one; only removing the whole scenario, whose hidden entry the partner sees is there, is
    refused."""
    scenarios = store.plan_at(secret).to_data()["scenarios"]
    hidden = scenarios[0]["set"]["vendor_programme.gross_margin"]
    path = "scenarios.0.set.vendor_programme.gross_margin"
    assert store.apply_edit(secret, path, 0.5, 1, "Anna", "partner").status == "refused"
    told = []
    for number, entries in enumerate(
        (
            {"revenue.deal_size": 41000},  # without the hidden entry
            {"revenue.deal_size": 41001, "vendor_programme.gross_margin": 0.5},  # a guess
            {"revenue.deal_size": 41002, "vendor_programme.gross_margin": hidden},  # the value
            {"revenue.deal_size": 41003, "vendor_programme.gross_margin": None},  # as shown
        )
    ):
        sent = [{**scenarios[0], "set": entries}]
        result = store.apply_edit(secret, "scenarios", sent, 1 + number, "Anna", "partner")
        told.append((result.status, result.message))
        stored = store.plan_at(secret).to_data()["scenarios"][0]["set"]
        assert stored == {
            "vendor_programme.gross_margin": hidden,
            "revenue.deal_size": 41000 + number,
        }
    assert told == [("accepted", "")] * 4
    removed = store.apply_edit(secret, "scenarios", [], 5, "Anna", "partner")
    assert (removed.status, "private to the other side" in removed.message) == ("refused", True)


def test_the_partner_renames_a_scenario_and_the_vendors_hidden_entry_goes_with_it(
    store: Store, secret: str
) -> None:
    """A scenario renamed at its place keeps the vendor's entry hidden in it, whatever the
    partner sent for it (told the same each time); the vendor sees it under the new name.
    Names decide what is a rename: in a list of another length there is none."""
    scenarios = store.plan_at(secret).to_data()["scenarios"]
    hidden = scenarios[0]["set"]["vendor_programme.gross_margin"]
    visible = {k: v for k, v in scenarios[0]["set"].items() if k != "vendor_programme.gross_margin"}
    told = []
    for number, guess in enumerate(({}, {"vendor_programme.gross_margin": 0.5})):
        name = f"Gesprächsstand {number}"
        sent = [{**scenarios[0], "name": name, "set": {**visible, **guess}}, *scenarios[1:]]
        result = store.apply_edit(secret, "scenarios", sent, 1 + number, "Anna", "partner")
        told.append((result.status, result.message))
        (renamed, *others) = store.plan_at(secret).to_data()["scenarios"]
        assert renamed == {**scenarios[0], "name": name}
        assert renamed["set"]["vendor_programme.gross_margin"] == hidden  # not the guess
        assert others == scenarios[1:]
    assert told == [("accepted", "")] * 2
    # deleting it, or renaming it while adding another (a list of another length): refused
    extra = {"name": "Neu", "set": {"revenue.deal_size": 50000}}
    for sent in ([], [{**scenarios[0], "name": "Anders", "set": visible}, extra]):
        result = store.apply_edit(secret, "scenarios", sent, 3, "Anna", "partner")
        assert (result.status, "private to the other side" in result.message) == (
            "refused",
            True,
        )


def test_a_block_sent_with_any_hidden_values_keeps_the_stored_ones(
    store: Store, secret: str
) -> None:
    """The partner sends the vendor's programme without the hidden values, with an invalid
    guess (5 is no margin), with the true ones: each time its own change (the MDF rate) is
    saved, the hidden values stay, and it is told the same (no value named)."""
    stored = store.plan_at(secret).to_data()["vendor_programme"]
    hidden = {k: stored[k] for k in ("gross_margin", "partner_manager_fte")}
    told = []
    for number, guess in enumerate(({}, {"gross_margin": 5, "partner_manager_fte": -1}, hidden)):
        sent = {"mdf_rate": 0.1 + number / 100, "rebate_tiers": stored["rebate_tiers"], **guess}
        result = store.apply_edit(secret, "vendor_programme", sent, 1 + number, "Anna", "partner")
        told.append((result.status, result.message, result.problems))
        now = store.plan_at(secret).to_data()["vendor_programme"]
        assert now == {**stored, "mdf_rate": 0.1 + number / 100}
    assert told == [("accepted", "", ())] * 3


# --- log, comparisons, conflicts ----------------------------------------------------------


def test_log_and_comparisons_of_ranges_and_scenarios_show_private_not_the_value(
    store: Store, secret: str
) -> None:
    data = store.plan_at(secret).to_data()
    wider = [{**data["uncertainty"][0], "low": 0.7011}, data["uncertainty"][1]]
    assert store.apply_edit(secret, "uncertainty", wider, 1, "Vera", "vendor").ok
    scenarios = data["scenarios"]
    lower = [
        {**scenarios[0], "set": {**scenarios[0]["set"], "vendor_programme.gross_margin": 0.7122}}
    ]
    assert store.apply_edit(secret, "scenarios", lower, 2, "Vera", "vendor").ok
    path = "scenarios.0.set.vendor_programme.gross_margin"
    current = store.plan_at(secret)
    for audience in ("partner", "viewer"):
        log = privacy.visible_log(current, store.log(secret), audience)
        before, after = store.plan_at(secret, 1).to_data(), current.to_data()
        shown = privacy.visible_differences(current, before, after, audience)
        text = repr([(c.path, c.old, c.new) for c in log]) + repr(shown)
        assert not any(p.search(text) for v in (*VENDOR_SECRETS, 0.7011, 0.7122) for p in forms(v))
        assert [d.path for d in shown] == [path, "uncertainty.0"]
        assert all(d.before is privacy.PRIVATE for d in shown)
    vendor = privacy.visible_differences(current, before, after, "vendor")
    assert [(d.path, d.after) for d in vendor] == [(path, 0.7122), ("uncertainty.0.low", 0.7011)]


def test_a_conflicts_value_is_masked_like_any_other() -> None:
    plan = secret_plan()
    ranges = plan.to_data()["uncertainty"]
    masked, hidden = privacy.mask_value(plan, "partner", "uncertainty", ranges)
    assert hidden == ["uncertainty.0"]
    assert masked == [None, ranges[1]]
    part, where = privacy.mask_value(plan, "partner", "uncertainty.0.low", RANGE_LOW)
    assert (part, where) == (None, ["uncertainty.0.low"])
    assert privacy.mask_value(plan, "partner", "uncertainty.1.low", 30000) == (30000, [])


# --- each side's signed edition proves itself ---------------------------------------------


def test_each_sides_signed_edition_verifies_alone_and_against_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A partner holds its edition: with the installation's store it is that signed version's
    edition; elsewhere (no store, the fingerprint confirmed) the file alone verifies; a changed
    margin in the embedded view fails."""
    from planner import cli
    from planner.signoff import records as signoff

    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path / "vendor-installation"))
    monkeypatch.delenv("PLANNER_DATABASE_URL", raising=False)
    monkeypatch.delenv("PLANNER_TRUSTED_FINGERPRINTS", raising=False)
    store = Store(policy=RULES)
    plan_id = store.create_plan(secret_plan(), author="Vera", side="vendor")
    signoff.freeze(store, plan_id, role="owner", author="Vera")
    for side, role in (("partner", "partner_editor"), ("vendor", "owner")):
        record = signoff.sign(store, plan_id, 1, side=side, role=role, name="Anna", title="CEO")
    signed = signoff.signed_plan(store, record)
    store.close()
    files = {}
    for edition in ("partner", "viewer", "vendor"):
        for kind, build in (("pdf", editions.signed_pdf), ("xlsx", editions.signed_workbook)):
            files[(edition, kind)] = tmp_path / f"{edition}.{kind}"
            files[(edition, kind)].write_bytes(build(signed, record, edition=edition))
    fingerprint = signing.identity().fingerprint
    for (edition, kind), file in files.items():
        assert cli.main(["verify", str(file)]) == 0, (edition, kind, capsys.readouterr())
        out = capsys.readouterr().out
        assert editions.edition_hash(signed, edition) in out
        assert content_hash(signed) not in out or edition == "vendor"
    # elsewhere: no store, no installation key, only the fingerprint read out over the phone
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path / "partner-laptop"))
    for file in files.values():
        assert cli.main(["verify", str(file), "--fingerprint", fingerprint]) == 0
        assert "file checked only" in capsys.readouterr().out
    assert cli.main(["verify", str(files[("partner", "pdf")])]) == 1  # unknown key: not trusted
    assert fingerprint.replace(":", "")[:16] in capsys.readouterr().err.replace(":", "")


def test_signed_export_writes_a_sides_edition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner import cli
    from planner.signoff import records as signoff

    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PLANNER_DATABASE_URL", raising=False)
    store = Store(policy=RULES)
    plan_id = store.create_plan(secret_plan(), author="Vera", side="vendor")
    signoff.freeze(store, plan_id, role="owner", author="Vera")
    for side, role in (("partner", "partner_editor"), ("vendor", "owner")):
        signoff.sign(store, plan_id, 1, side=side, role=role, name="Anna", title="CEO")
    store.close()
    pdf, xlsx = tmp_path / "p.pdf", tmp_path / "p.xlsx"
    command = ["signed-export", plan_id, "1", "--pdf", str(pdf), "--xlsx", str(xlsx)]
    assert cli.main([*command, "--edition", "partner"]) == 0
    assert not leaks(pdf_text(pdf.read_bytes()), "partner", secret_plan())
    assert not leaks(workbook_text(xlsx.read_bytes()), "partner", secret_plan())
    assert cli.main(["verify", str(xlsx)]) == 0
    assert cli.main([*command, "--edition", "full"]) == 0
    assert any(p.search(workbook_text(xlsx.read_bytes())) for p in forms(MARGIN))


# --- three privacy settings x every side x every analysis, document and page ---------------

OWN_RATE, MIN_IRR = 0.1137, 0.2213
"""The vendor's own rate of return and its minimum IRR, kept private while sharing."""
MDF, SCENARIO_MDF, MDF_LOW, MDF_HIGH, PROPOSED_MDF = 0.0456, 0.0517, 0.0411, 0.0499, 0.0612
"""The vendor's private MDF rate, a scenario's, its range and a partner's earlier proposal."""
HIRE_COST = 131313.0
"""The partner's private value in the third setting: its first hire's annual cost."""
SETTINGS = ("defaults", "own-terms", "drivers")


def setting_plan(setting: str, *, mdf_private: bool = True) -> Plan:
    """The plan of a privacy setting: the vendor's defaults (no ``private`` block); economics
    shared with a private own rate and hurdles; private drivers of both sides with a scenario,
    a range and (in the store) a proposal."""
    data = secret_plan().to_data()
    if setting == "defaults":
        del data["private"]
        return validate(data)
    if setting == "own-terms":
        data["vendor_programme"]["discount_rate"] = OWN_RATE
        data["hurdles"] = {
            "vendor": {"min_irr": MIN_IRR, "latest_payback_month": 19},
            "partner": {"min_irr": 0.15},
        }
        data["private"] = {
            "vendor": [
                *privacy.DEFAULT_VENDOR_PRIVATE,
                "vendor_programme.discount_rate",
                "hurdles.vendor",
            ],
            "partner": [],
            "share_vendor_economics": True,
        }
        return validate(data)
    data["vendor_programme"]["mdf_rate"] = MDF
    data["resources"][0]["annual_cost"] = HIRE_COST
    data["scenarios"][0]["set"]["vendor_programme.mdf_rate"] = SCENARIO_MDF
    data["uncertainty"].append(
        {
            "path": "vendor_programme.mdf_rate",
            "distribution": "uniform",
            "low": MDF_LOW,
            "high": MDF_HIGH,
        }
    )
    vendor = [*privacy.DEFAULT_VENDOR_PRIVATE]
    if mdf_private:
        vendor.append("vendor_programme.mdf_rate")
    data["private"] = {"vendor": vendor, "partner": ["resources.0.annual_cost"]}
    return validate(data)


def setting_secrets(setting: str, audience: str) -> list[float]:
    """The values of ``setting`` hidden from ``audience``."""
    vendor = list(VENDOR_SECRETS)
    if setting == "own-terms":
        vendor += [OWN_RATE, MIN_IRR]
    if setting == "drivers":
        vendor += [MDF, SCENARIO_MDF, MDF_LOW, MDF_HIGH, PROPOSED_MDF]
    partner = [HIRE_COST] if setting == "drivers" else []
    return {"partner": vendor, "vendor": partner, "viewer": vendor + partner}[audience]


def found_in(text: str, values: list[float]) -> list[str]:
    return [f"{v} as {p.pattern}" for v in values for p in forms(v) if p.search(text)]


def analyses_text(plan: Plan, audience: str) -> str:
    """What every analysis computes for ``audience``: the tornado of each figure it sees,
    goal seek, the zone map, a Monte Carlo, the drivers it is offered."""
    from planner.analysis import goalseek, montecarlo, sensitivity, zone
    from planner.analysis.drivers import drivers
    from planner.analysis.figures import ANALYSIS_FIGURES

    hidden = privacy.hidden_figures(plan, audience)
    shown = [f for f in ANALYSIS_FIGURES if f not in hidden]
    parts = [repr([(d.path, d.value, d.low, d.high) for d in drivers(plan, audience)])]
    for name in ("partner.npv", "vendor.npv", "vendor.irr"):
        if name in shown:
            parts.append(repr(sensitivity.tornado(plan, name, audience=audience).to_json()))
    for path in ("revenue.deal_size", "revenue.partner_margin"):
        found = goalseek.goal_seek(plan, path, "partner.npv", 0.0, audience=audience)
        parts.append(repr(found.to_json()))
    y = zone.DEFAULT_Y if not privacy.view(plan, audience).is_hidden(zone.DEFAULT_Y) else ""
    found_zone = zone.zone(plan, y=y or "revenue.deal_size", points=12, audience=audience)
    parts.append(repr(found_zone.to_json()))
    result = montecarlo.run(plan, 500, 1, audience=audience)
    parts.append(repr({k: v for k, v in result.to_json().items() if k != "samples"}))
    return "\n".join(parts)


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_no_analysis_of_a_side_holds_a_value_hidden_from_it(setting: str, audience: str) -> None:
    from planner.analysis.drivers import drivers

    plan = setting_plan(setting)
    text = analyses_text(plan, audience)
    assert found_in(text, setting_secrets(setting, audience)) == []
    shown = privacy.view(plan, audience)
    assert not [d.path for d in drivers(plan, audience) if shown.is_hidden(d.path)]


def test_the_analyses_search_finds_the_values_in_the_whole_plans_analyses() -> None:
    """The test above can fail: without an audience, the tornado has the private drivers."""
    from planner.analysis import sensitivity

    plan = setting_plan("drivers")
    whole = repr(sensitivity.tornado(plan, "partner.npv").to_json())
    assert found_in(whole, [MDF, HIRE_COST]) != []


def test_a_hidden_driver_is_refused_like_one_that_does_not_exist() -> None:
    """Asking an analysis about a driver hidden from a side gets the words an unknown
    driver gets: the refusal tells nothing about the value."""
    from planner.analysis import AnalysisError, goalseek, sensitivity, zone

    plan = setting_plan("drivers")
    messages = []
    for path in ("vendor_programme.mdf_rate", "vendor_programme.nothing"):
        for ask in (
            lambda p: sensitivity.tornado(plan, paths=[p], audience="partner"),
            lambda p: goalseek.goal_seek(plan, p, "partner.npv", 0, audience="partner"),
            lambda p: zone.zone(plan, y=p, points=4, audience="partner"),
        ):
            with pytest.raises(AnalysisError) as refused:
                ask(path)
            messages.append(str(refused.value).replace(repr(path), "PATH"))
    assert messages[:3] == messages[3:]
    with pytest.raises(AnalysisError) as hidden_figure:
        sensitivity.tornado(plan, "vendor.npv", audience="partner")
    with pytest.raises(AnalysisError) as unknown_figure:
        sensitivity.tornado(plan, "vendor.nothing", audience="partner")
    assert str(hidden_figure.value).replace("vendor.npv", "X") == str(unknown_figure.value).replace(
        "vendor.nothing", "X"
    )


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_no_document_in_a_setting_holds_a_value_hidden_from_it(setting: str, audience: str) -> None:
    plan = setting_plan(setting)
    documents = {}
    for language, scenario in (("de", None), ("en", None), ("de", "Niedrige Marge")):
        label = f"{language}/{scenario or 'base'}"
        documents[f"pdf {label}"] = pdf_text(
            build_pdf(plan, scenario=scenario, language=language, audience=audience)
        )
        documents[f"xlsx {label}"] = workbook_text(
            build_workbook(plan, scenario=scenario, language=language, audience=audience)
        )
    hidden = setting_secrets(setting, audience)
    found = {name: found_in(text, hidden) for name, text in documents.items()}
    assert {name: where for name, where in found.items() if where} == {}


# --- every page of every side's session (AppTest) -------------------------------------------

PAGES = (
    "dashboard",
    "assumptions",
    "analyses",
    "proposals",
    "onboarding",
    "history",
    "export",
    "signoff",
)


def setting_store(setting: str) -> tuple[Store, str]:
    """The app's store with the setting's plan; in the third, the partner proposed an MDF rate
    before the vendor made its rate private."""
    from planner import proposals

    store = Store(policy=RULES)
    if setting != "drivers":
        return store, store.create_plan(setting_plan(setting), author="Vera", side="vendor")
    plan_id = store.create_plan(setting_plan(setting, mdf_private=False), author="Vera")
    changes = {"vendor_programme.mdf_rate": PROPOSED_MDF, "revenue.deal_size": 43000}
    proposals.propose(store, plan_id, changes, reason="mehr MDF", author="Anna", side="partner")
    private = [*privacy.DEFAULT_VENDOR_PRIVATE, "vendor_programme.mdf_rate"]
    version = store.version(plan_id)
    assert store.apply_edit(plan_id, "private.vendor", private, version, "Vera", "vendor").ok
    return store, plan_id


def session_pages(plan_id: str, token: str, language: str) -> dict[str, str]:
    """Every page of a join link's session as it reaches the browser; on the analyses page
    a goal seek and a Monte Carlo are run."""
    from streamlit.testing.v1 import AppTest

    from planner.ui import collab, state

    app = AppTest.from_file(str(Path(__file__).parents[1] / "app.py"), default_timeout=60)
    app.query_params["plan"] = plan_id
    app.query_params["key"] = token
    app.session_state[state.LANGUAGE] = language
    app.session_state[collab.NAME] = "Anna"
    texts = {}
    for page in PAGES:
        app.switch_page(f"planner/ui/pages/{page}.py").run()
        assert not app.exception, (page, [e.message for e in app.exception])
        if page == "analyses":
            app.button(key="analyses.goal.run").click().run()
            app.button(key="analyses.mc.run").click().run()
            assert not app.exception, [e.message for e in app.exception]
        tables = [d.value.to_string() for d in app.dataframe]
        texts[page] = "\n".join([*element_texts(app._tree), *tables])
        if page == "dashboard":  # only the open tab runs: the charts' and the P&L's too
            for view in state.DASHBOARD_VIEWS[1:]:
                app.session_state[state.DASHBOARD_VIEW] = i18n.t(
                    f"ui.dashboard.tab_{view}", language
                )
                app.run()
                assert not app.exception, (view, [e.message for e in app.exception])
                tables = [d.value.to_string() for d in app.dataframe]
                texts[page] += "\n".join(["", *element_texts(app._tree), *tables])
            app.session_state[state.DASHBOARD_VIEW] = i18n.t("ui.dashboard.tab_figures", language)
        if page == "assumptions":  # only the open tab's fields and tables run: every tab
            for view in list(state.ASSUMPTIONS_VIEWS)[1:]:
                app.session_state[state.ASSUMPTIONS_VIEW] = i18n.t(
                    f"ui.assumptions.{view}", language
                )
                app.run()
                assert not app.exception, (view, [e.message for e in app.exception])
                tables = [d.value.to_string() for d in app.dataframe]
                texts[page] += "\n".join(["", *element_texts(app._tree), *tables])
            app.session_state[state.ASSUMPTIONS_VIEW] = i18n.t(
                "ui.assumptions.investments", language
            )
    return texts


def element_texts(node: Any) -> list[str]:
    """Every element's message as the browser receives it (markdown, captions, notices,
    metrics, choices, charts): the tree's own repr leaves out text bodies."""
    from google.protobuf import text_format

    proto = getattr(node, "proto", None)
    out = [text_format.MessageToString(proto, as_utf8=True)] if proto is not None else []
    for child in getattr(node, "children", {}).values():
        out += element_texts(child)
    return out


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("role", ["partner_editor", "viewer", "vendor_editor"])
def test_no_page_of_a_side_in_a_setting_holds_a_value_hidden_from_it(
    setting: str, role: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages in German (an English page differs only in how numbers are written, which the
    search covers: AppTest formats the choices of a reused session in German)."""
    from planner import access
    from tests.app_support import local_app

    with local_app(tmp_path, monkeypatch):
        store, plan_id = setting_store(setting)
        token = access.create_invite(store, access.owner_access(plan_id), role).token
        audience = role.removesuffix("_editor")
        texts = session_pages(plan_id, token, "de")
        store.close()
    hidden = setting_secrets(setting, audience)
    found = {page: found_in(text, hidden) for page, text in texts.items()}
    assert {page: where for page, where in found.items() if where} == {}
    assert all("€" in texts[page] for page in ("dashboard", "analyses"))  # not empty shells
    if setting == "drivers" and audience != "vendor":  # the MDF proposal, its value private
        from planner import i18n

        assert i18n.t("ui.proposals.effect_private", "de") in texts["proposals"]


# --- no oracle: what a side is told never depends on a value hidden from it -----------------


def _variant(setting: str, **hidden: Any) -> Plan:
    """The setting's plan with other hidden values (what the side being told cannot see)."""
    data = setting_plan("drivers" if setting == "hire-record" else setting).to_data()
    if setting == "hire-record":
        data["private"]["partner"] = ["resources.0.fte"]
        data["commitments"] = {"hires": [{"resource": 0, "fte": 1, "month": 10}]}
    for path, value in hidden.items():
        node = data
        *parents, last = path.split("/")
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
    return validate(data)


OWN_TERMS_VARIANTS = (
    {"hurdles/vendor/latest_payback_month": 19},
    {"hurdles/vendor/latest_payback_month": 23},
)
DRIVER_VARIANTS = (
    {"uncertainty/2/low": MDF_LOW, "vendor_programme/mdf_rate": MDF},
    {"uncertainty/2/low": 0.0301, "vendor_programme/mdf_rate": 0.0333},
)


HIRE_VARIANTS = ({"commitments/hires/0/month": 10}, {"commitments/hires/0/month": 22})
"""The partner's hire of its first role as committed, in month 10 or 22: its month is hidden
from the vendor while the partner keeps the role's FTE private."""


def _block(setting: str, hidden: dict[str, Any], value: Any) -> Any:
    """The value an edit sends: a whole block built from the plan of ``hidden`` (holding its
    hidden values, a right guess for that plan), as the side's view shows it (``_SHOWN``:
    hidden values ``None``) or with a problem of the side's own (``_BAD``); else ``value``."""
    if not isinstance(value, str):
        return value
    side = "vendor" if setting == "hire-record" else "partner"
    plan = _variant(setting, **hidden)
    data = privacy.view(plan, side).data if value.endswith("_SHOWN") else plan.to_data()
    if value.startswith("RANGES"):
        return [
            {**e, "low": 31000} if e and e["path"] == "revenue.deal_size" else e
            for e in data["uncertainty"]
        ]
    if value == "SCENARIOS":
        return [{**s, "set": {**s["set"], "revenue.deal_size": 38000}} for s in data["scenarios"]]
    if value.startswith("PROGRAMME"):
        bad = {"mdf_rate": 2} if value.endswith("_BAD") else {}
        return {**data["vendor_programme"], "rebate_tiers": [], **bad}
    assert value.startswith("HURDLES")
    return {**data["hurdles"], "partner": {"min_irr": 0.17}}


def _told(result: Any, plan_id: str) -> str:
    """What a side is told of an edit: its outcome and every word of it."""
    text = f"{result.status}: {result.message} {[str(p) for p in result.problems]}"
    return text.replace(plan_id, "PLAN")


@pytest.mark.parametrize(
    ("setting", "variants", "side", "path", "value"),
    [
        # shortening the plan under the vendor's hidden latest payback (19 or 23 < 24 months)
        ("own-terms", OWN_TERMS_VARIANTS, "partner", "months", 21),
        ("own-terms", OWN_TERMS_VARIANTS, "partner", "months", 12),
        # the same through a scenario (the choice a crafted frame may send for any path)
        ("own-terms", OWN_TERMS_VARIANTS, "partner", "scenarios.0.set.months", 20),
        # an invalid value of the side's own, beside hidden ones
        ("own-terms", OWN_TERMS_VARIANTS, "partner", "revenue.deal_size", -5),
        # a part of the vendor's hidden range, a hidden value itself
        ("drivers", DRIVER_VARIANTS, "partner", "uncertainty.2.low", 0.02),
        ("drivers", DRIVER_VARIANTS, "partner", "vendor_programme.mdf_rate", 0.02),
        ("drivers", DRIVER_VARIANTS, "partner", "months", 20),
        # whole blocks holding hidden values, sent with the first variant's (a right guess for
        # it, a wrong one for the second), with ``None`` (as the partner's view shows them) or
        # without them: before, the outcome told whether the guess was right
        ("drivers", DRIVER_VARIANTS, "partner", "uncertainty", "RANGES"),
        ("drivers", DRIVER_VARIANTS, "partner", "uncertainty", "RANGES_SHOWN"),
        ("drivers", DRIVER_VARIANTS, "partner", "scenarios", "SCENARIOS"),
        ("drivers", DRIVER_VARIANTS, "partner", "vendor_programme", "PROGRAMME"),
        ("drivers", DRIVER_VARIANTS, "partner", "vendor_programme", "PROGRAMME_SHOWN"),
        ("own-terms", OWN_TERMS_VARIANTS, "partner", "hurdles", "HURDLES"),
        ("own-terms", OWN_TERMS_VARIANTS, "partner", "hurdles", "HURDLES_SHOWN"),
        # a block with a visible problem beside a guess: told the visible problem alone
        ("drivers", DRIVER_VARIANTS, "partner", "vendor_programme", "PROGRAMME_BAD"),
        # the vendor shortens the plan under the partner's hidden hire record (10 or 22)
        ("hire-record", HIRE_VARIANTS, "vendor", "months", 20),
        ("hire-record", HIRE_VARIANTS, "vendor", "months", 30),
    ],
)
def test_an_edit_is_told_the_same_whatever_the_hidden_value(
    store: Store,
    setting: str,
    variants: tuple[dict[str, Any], ...],
    side: str,
    path: str,
    value: Any,
) -> None:
    told = []
    sent = _block(setting, variants[0], value)
    for hidden in variants:
        plan = _variant(setting, **hidden)
        plan_id = store.create_plan(plan, author="Vera", side="vendor")
        result = store.apply_edit(plan_id, path, sent, 1, "Anna", side)
        assert store.version(plan_id) == 1 or result.ok
        told.append(_told(result, plan_id))
        now = store.plan_at(plan_id)  # whatever was sent, the hidden values are the stored
        assert privacy.hidden_values(now, now.to_data(), side) == privacy.hidden_values(
            plan, plan.to_data(), side
        )
    assert told[0] == told[1]
    assert not found_in(told[0], [*setting_secrets(setting, side), 0.0301, 0.0333])
    assert "19" not in told[0]
    assert "23" not in told[0]


def test_shortening_the_plan_is_refused_only_for_what_is_hidden_not_for_its_value(
    store: Store,
) -> None:
    """The partner may shorten the plan when nothing hidden from it is a month; with the
    vendor's latest payback hidden it may not, even when that month would still fit; the
    vendor, who sees it, may, and is told the problem when it does not fit."""
    open_plan = store.create_plan(setting_plan("drivers"), author="Vera", side="vendor")
    assert store.apply_edit(open_plan, "months", 20, 1, "Anna", "partner").status == "accepted"
    hurdle = store.create_plan(setting_plan("own-terms"), author="Vera", side="vendor")
    refused = store.apply_edit(hurdle, "months", 22, 1, "Anna", "partner")
    assert (refused.status, privacy.HIDDEN_CONFLICT in refused.message) == ("refused", True)
    vendor = store.apply_edit(hurdle, "months", 12, 1, "Vera", "vendor")
    assert vendor.status == "invalid"
    assert "hurdles.vendor.latest_payback_month" in str(vendor.problems)
    assert store.apply_edit(hurdle, "months", 36, 1, "Anna", "partner").status == "accepted"


@pytest.mark.parametrize(
    ("setting", "variants", "changes"),
    [
        ("drivers", DRIVER_VARIANTS, {"uncertainty.2.low": 0.02}),
        ("drivers", DRIVER_VARIANTS, {"vendor_programme.mdf_rate": 0.02}),
        ("own-terms", OWN_TERMS_VARIANTS, {"months": 21}),
        ("own-terms", OWN_TERMS_VARIANTS, {"months": 21, "revenue.deal_size": -5}),
        ("own-terms", OWN_TERMS_VARIANTS, {"revenue.deal_size": -5}),
        ("drivers", DRIVER_VARIANTS, {"uncertainty": "RANGES"}),
        ("own-terms", OWN_TERMS_VARIANTS, {"hurdles": "HURDLES_SHOWN"}),
    ],
)
def test_a_proposal_is_told_the_same_whatever_the_hidden_value(
    store: Store,
    setting: str,
    variants: tuple[dict[str, Any], ...],
    changes: dict[str, Any],
) -> None:
    """Refused or made, a proposal's outcome and words are the same whatever the hidden values;
    what it proposes for them is the stored value, never the partner's guess."""
    from planner import proposals

    told = []
    sent = {path: _block(setting, variants[0], value) for path, value in changes.items()}
    for hidden in variants:
        plan_id = store.create_plan(_variant(setting, **hidden), author="Vera", side="vendor")
        try:
            made = proposals.propose(
                store, plan_id, sent, reason="r", author="Anna", side="partner"
            )
        except proposals.ProposalError as refused:
            told.append(repr((refused.key, str(refused), refused.params)))
        else:
            plan = store.plan_at(plan_id)
            shown = privacy.visible_changes(plan, made.changes, "partner")
            told.append(repr(("proposed", made.status, shown)))
            proposed = data_with_values(plan, made.changes)
            hidden = privacy.hidden_values(plan, proposed, "partner")
            assert hidden == privacy.hidden_values(plan, plan.to_data(), "partner")
    assert told[0] == told[1]
    assert not found_in(told[0], [*setting_secrets(setting, "partner"), 0.0301, 0.0333])


def test_shortening_under_a_hidden_month_is_proposed_and_the_owner_decides(store: Store) -> None:
    """The partner may not shorten the plan itself under the vendor's hidden latest payback
    (whatever it is), but may propose it; the vendor, who sees its month, decides: accepted
    where it fits (19 <= 21), refused to the vendor with its own month named where not."""
    from planner import proposals

    outcomes = []
    for hidden in OWN_TERMS_VARIANTS:  # 19, 23
        plan_id = store.create_plan(_variant("own-terms", **hidden), author="Vera", side="vendor")
        refused = store.apply_edit(plan_id, "months", 21, 1, "Anna", "partner")
        assert (refused.status, privacy.HIDDEN_CONFLICT in refused.message) == ("refused", True)
        made = proposals.propose(
            store, plan_id, {"months": 21}, reason="kürzer", author="Anna", side="partner"
        )
        try:
            proposals.accept(store, plan_id, made.id, author="Vera", side="vendor")
        except proposals.ProposalError as error:
            outcomes.append(("cannot_apply", "latest_payback_month" in str(error)))
        else:
            outcomes.append(("accepted", store.plan_at(plan_id).months == 21))
    assert outcomes == [("accepted", True), ("cannot_apply", True)]


@pytest.mark.parametrize("path", ["months", "vendor_programme.gross_margin"])
def test_the_scenario_tables_choices_are_checked_on_the_server(
    path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A partner's browser sends a choice the scenario table never offered (the plan's
    length, the vendor's hidden margin): refused like any unknown driver, the same words
    whatever the vendor's hidden latest payback month, and nothing is written."""
    from streamlit.testing.v1 import AppTest

    from planner import access
    from planner.ui import collab
    from tests.app_support import local_app

    told = []
    for number, hidden in enumerate(OWN_TERMS_VARIANTS):
        with local_app(tmp_path / str(number), monkeypatch):
            store = Store(policy=RULES)
            plan_id = store.create_plan(_variant("own-terms", **hidden), author="Vera")
            token = access.create_invite(
                store, access.owner_access(plan_id), "partner_editor"
            ).token
            app = AppTest.from_file(str(Path(__file__).parents[1] / "app.py"), default_timeout=60)
            app.query_params["plan"] = plan_id
            app.query_params["key"] = token
            app.session_state[collab.NAME] = "Anna"
            app.switch_page("planner/ui/pages/analyses.py").run()
            app.text_input(key="analyses.scenario.copy_name").input("Kurz")
            key = table_editor(app, "analyses.copy").key
            rows = [{"driver": path, "value": 20}]
            app.session_state[key] = {"edited_rows": {}, "added_rows": rows, "deleted_rows": []}
            app.button(key="analyses.copy.create").click().run()
            assert not app.exception, [e.message for e in app.exception]
            assert store.version(plan_id) == 1
            told.append([e.value for e in app.error])
            store.close()
    assert told[0] == told[1]
    assert told[0]
    assert "not a numeric driver" in told[0][0]


# --- derivable values -----------------------------------------------------------------------


def test_the_rules_say_which_private_values_the_other_sides_figures_make_exact() -> None:
    shared = privacy.derivable(setting_plan("own-terms"), "vendor")
    assert [(d.path, d.hidden) for d in shared] == [
        ("vendor_programme.gross_margin", True),
        ("vendor_programme.partner_manager_fte", True),
        ("vendor_programme.partner_manager_annual_cost", True),
        ("vendor_programme.discount_rate", True),
    ]  # a private hurdle is no input of a figure: not listed
    # ... and those figures are hidden from the partner although the economics are shared
    assert "vendor_gross_profit" in shared[0].figures
    assert "vendor_gross_profit" not in privacy.visible_columns(
        setting_plan("own-terms"), "partner"
    )
    assert privacy.derivable(setting_plan("defaults"), "vendor") == []  # nothing shared
    drivers = setting_plan("drivers")
    (mdf,) = privacy.derivable(drivers, "vendor")
    assert (mdf.path, "mdf" in mdf.figures, mdf.hidden) == (
        "vendor_programme.mdf_rate",
        True,
        False,
    )
    (hire,) = privacy.derivable(drivers, "partner")
    assert (hire.path, "staff_cost" in hire.figures) == ("resources.0.annual_cost", True)
    assert privacy.derivable(drivers, "viewer") == []


def test_the_rules_hold_the_figures_do_make_the_values_exact() -> None:
    """MDF / sell-in is the MDF rate and the vendor's gross profit / its revenue its margin,
    in every month with sell-in (what a reader of the documents could divide)."""
    from planner.model import evaluate

    monthly = evaluate(setting_plan("drivers")).monthly
    selling = monthly[monthly["sell_in"] > 0]
    assert len(selling) > 12
    assert (selling["mdf"] / selling["sell_in"]).round(12).unique().tolist() == [MDF]
    margin = selling["vendor_gross_profit"] / selling["vendor_revenue"]
    assert margin.round(12).unique().tolist() == [MARGIN]


@pytest.mark.parametrize(("role", "named"), [("vendor_editor", "MDF"), ("partner_editor", "AE")])
def test_the_assumptions_page_says_what_the_other_side_can_compute(
    role: str, named: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from planner import access
    from planner.ui import collab
    from tests.app_support import local_app

    with local_app(tmp_path, monkeypatch):
        store, plan_id = setting_store("drivers")
        token = access.create_invite(store, access.owner_access(plan_id), role).token
        app = AppTest.from_file(str(Path(__file__).parents[1] / "app.py"), default_timeout=60)
        app.query_params["plan"] = plan_id
        app.query_params["key"] = token
        app.session_state[collab.NAME] = "Anna"
        app.switch_page("planner/ui/pages/assumptions.py").run()
        assert not app.exception, [e.message for e in app.exception]
        store.close()
    (notice,) = [i.value for i in app.warning if "privat" in i.value]
    assert named in notice
    assert "genau" in notice


@pytest.mark.parametrize(
    ("setting", "role", "says"),
    [
        # the margin and partner manager would be exact from the shared economics: hidden
        (
            "own-terms",
            "vendor_editor",
            {"Hersteller-Rohmarge": "ausgeblendet", "Hürden": "keiner Zahl"},
        ),
        # the MDF rate is the partner's own income / sell-in: it cannot be kept from it
        ("drivers", "vendor_editor", {"MDF": "nicht privat halten"}),
        # the partner's hire cost is in its staff cost, which the vendor sees
        ("drivers", "partner_editor", {"Personalkosten": "nicht privat halten"}),
    ],
)
def test_the_privacy_settings_say_what_the_other_side_can_compute(
    setting: str, role: str, says: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the assumptions page a side sees its private values, and for each whether the other side
    could compute it and what is done about it; marking one more is one commit there."""
    from streamlit.testing.v1 import AppTest

    from planner import access
    from planner.ui import collab
    from tests.app_support import local_app

    with local_app(tmp_path, monkeypatch):
        store, plan_id = setting_store(setting)
        token = access.create_invite(store, access.owner_access(plan_id), role).token
        app = AppTest.from_file(str(Path(__file__).parents[1] / "app.py"), default_timeout=60)
        app.query_params["plan"] = plan_id
        app.query_params["key"] = token
        app.session_state[collab.NAME] = "Anna"
        app.switch_page("planner/ui/pages/assumptions.py").run()
        assert not app.exception, [e.message for e in app.exception]
        notices = [i.value for i in [*app.info, *app.warning, *app.caption]]
        for named, said in says.items():
            assert any(named in n and said in n for n in notices), (named, notices)
        side = role.removesuffix("_editor")
        from planner.ui import privacy_panel

        (picker,) = [m for m in app.multiselect if m.key.startswith(privacy_panel.PRIVATE_KEY)]
        before = store.version(plan_id)
        mine = list(privacy.private_paths(store.plan_at(plan_id))[side])
        offered = privacy_panel.candidates(store.plan_at(plan_id), side)
        extra = next(p for p in offered if p not in mine)
        picker.set_value([*mine, extra]).run()
        assert not app.exception, [e.message for e in app.exception]
        assert store.version(plan_id) == before + 1
        assert privacy.private_paths(store.plan_at(plan_id))[side] == (*mine, extra)
        app.run()  # a rerun writes nothing
        assert store.version(plan_id) == before + 1
        store.close()


# --- recomputed: no private value is exact from what a side's documents print ----------------


def printed_numbers(text: str, language: str) -> list[float]:
    """Every number a text prints, read as its language writes it (``1.234.567,5`` in German);
    a percentage also as the share it is (``85,4 %``: 85.4 and 0.854)."""
    group, point = (r"\.", ",") if language == "de" else (",", r"\.")
    pattern = re.compile(rf"-?\d{{1,3}}(?:{group}\d{{3}})+(?:{point}\d+)?|-?\d+(?:{point}\d+)?")
    # not numbers a reader sees: element ids and hashes (digits inside words), byte escapes
    text = re.sub(r"\\\d{3}|\w*[A-Za-z_]\w*\d\w*|\d\w*[A-Za-z_]\w*", " ", text)
    out = []
    for found in pattern.finditer(text):
        raw = found.group().replace("." if language == "de" else ",", "")
        number = float(raw.replace(",", "."))
        out.append(number)
        if text[found.end() : found.end() + 3].lstrip().startswith("%"):
            out.append(number / 100)
    return out


def ratio_of_two(value: float, numbers: list[float], tolerance: float, smallest: float) -> bool:
    """Whether two of ``numbers`` divide to ``value``: x = value * y within ``tolerance`` (the
    rounding of the printed amounts), for amounts y of at least ``smallest`` (so that the
    quotient is exact to the value's printed digits)."""
    import numpy as np

    values = np.unique(np.asarray(numbers, dtype=float))
    divisors = values[np.abs(values) >= smallest]
    wanted = value * divisors
    at = np.clip(np.searchsorted(values, wanted), 1, len(values) - 1)
    nearest = np.minimum(np.abs(values[at] - wanted), np.abs(values[at - 1] - wanted))
    return bool((nearest <= tolerance).any())


def any_of(amounts: list[float], numbers: list[float], tolerance: float) -> bool:
    import numpy as np

    values = np.asarray(numbers, dtype=float)
    return any(bool((np.abs(values - a) <= tolerance).any()) for a in amounts if abs(a) >= 100)


def recomputed(plan: Plan, numbers: list[float], exact: bool) -> dict[str, bool]:
    """Which private values the numbers make exact, each the way a reader would compute it:
    the margin as gross profit / revenue, the partner manager as its cost in the vendor's cost
    (FTE x annual cost / 12 a month, in any number of months), the vendor's own rate through
    its NPV and cash flows, the MDF rate as MDF / sell-in. ``exact``: the numbers are the
    workbook's full values, else amounts printed to the euro."""
    from planner.model import evaluate

    outcome = evaluate(plan)
    programme = plan.vendor_programme
    tolerance, smallest = (1e-6, 1.0) if exact else (1.0, 20000.0)
    management = programme.partner_manager_fte * programme.partner_manager_annual_cost / 12
    vendor = outcome.monthly["vendor_cash_flow"].tolist()
    return {
        "vendor_programme.gross_margin": ratio_of_two(
            programme.gross_margin, numbers, tolerance, smallest
        ),
        "vendor_programme.partner_manager": any_of(
            [management * k for k in range(1, plan.months + 1)], numbers, tolerance
        ),
        "vendor_programme.discount_rate": any_of(
            [outcome.kpis["vendor"]["npv"], *vendor], numbers, tolerance
        ),
        "vendor_programme.mdf_rate": ratio_of_two(programme.mdf_rate, numbers, tolerance, smallest),
    }


def told_exact(plan: Plan, audience: str) -> dict[str, bool]:
    """What :func:`privacy.derivable` says the audience can compute of the vendor's values it
    may not see: exact (``True``) only where the figures cannot be hidden from it."""
    hidden = privacy.hidden_from(plan, audience)
    said = {d.path: not d.hidden for d in privacy.derivable(plan, "vendor")}
    out = {}
    for path in (
        "vendor_programme.gross_margin",
        "vendor_programme.partner_manager",
        "vendor_programme.discount_rate",
        "vendor_programme.mdf_rate",
    ):
        if any(p.startswith(path) for p in hidden):
            out[path] = any(said.get(p, False) for p in said if p.startswith(path))
    return out


@pytest.mark.libreoffice
def test_no_private_value_is_exact_from_what_a_sides_documents_print(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every number of each side's PDF (as pdftotext reads it), of its workbook (every cell's
    value, recalculated by LibreOffice) and of its pages: no value hidden from it is exact from
    them, except the MDF rate, which the privacy settings say cannot be kept from the partner
    (it is MDF / sell-in of the partner's own P&L). The vendor's own workbook makes them exact:
    the search can fail."""
    import shutil
    import subprocess

    import openpyxl

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is needed: scripts/test installs it"
    cases = [(s, a) for s in ("own-terms", "drivers") for a in ("partner", "viewer")]
    cases.append(("own-terms", "vendor"))
    for setting, audience in cases:
        plan = setting_plan(setting)
        name = f"{setting}-{audience}"
        (tmp_path / f"{name}.xlsx").write_bytes(
            build_workbook(plan, language="de", audience=audience)
        )
        (tmp_path / f"{name}.pdf").write_bytes(build_pdf(plan, language="de", audience=audience))
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
            *(str(tmp_path / f"{s}-{a}.xlsx") for s, a in cases),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = {}
    for setting, audience in cases:
        plan = setting_plan(setting)
        name = f"{setting}-{audience}"
        cells = [
            float(value)
            for sheet in openpyxl.load_workbook(out / f"{name}.xlsx", data_only=True).worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if isinstance(value, (int, float)) and not isinstance(value, bool)
        ]
        text = subprocess.run(
            ["pdftotext", "-layout", str(tmp_path / f"{name}.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        from_workbook = recomputed(plan, cells, exact=True)
        from_pdf = recomputed(plan, printed_numbers(text, "de"), exact=False)
        if audience == "vendor":  # the whole plan's figures make the values exact
            assert from_workbook["vendor_programme.gross_margin"], name
            assert from_workbook["vendor_programme.partner_manager"], name
            assert from_pdf["vendor_programme.partner_manager"], name
            continue
        told = told_exact(plan, audience)
        found[name] = {
            path: (from_workbook[path] or from_pdf[path], exact) for path, exact in told.items()
        }
    wrong = {
        name: {path: got for path, got in values.items() if got[0] != got[1]}
        for name, values in found.items()
    }
    assert {name: values for name, values in wrong.items() if values} == {}
    assert found["drivers-partner"]["vendor_programme.mdf_rate"] == (True, True)
    assert found["own-terms-partner"]["vendor_programme.gross_margin"] == (False, False)


@pytest.mark.parametrize("setting", ["own-terms", "drivers"])
def test_no_private_value_is_exact_from_a_sides_pages(
    setting: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every number of every page the partner's session receives (figures, tables, charts'
    data, analyses run): no vendor value hidden from it is exact from them but those the
    privacy settings say cannot be kept from it (the MDF rate is then not always found here:
    the pages print it rounded, the documents exactly)."""
    from planner import access
    from tests.app_support import local_app

    with local_app(tmp_path, monkeypatch):
        store, plan_id = setting_store(setting)
        token = access.create_invite(store, access.owner_access(plan_id), "partner_editor").token
        texts = session_pages(plan_id, token, "de")
        store.close()
    text = "\n".join(texts.values())
    numbers = printed_numbers(text, "de") + printed_numbers(text, "en")  # tables print 0.5
    plan = setting_plan(setting)
    got = recomputed(plan, numbers, exact=False)
    told = told_exact(plan, "partner")
    assert [path for path, exact in told.items() if got[path] and not exact] == []
    assert told  # the setting hides vendor values from the partner


@pytest.mark.parametrize(
    ("setting", "variants"),
    [("own-terms", OWN_TERMS_VARIANTS), ("drivers", DRIVER_VARIANTS)],
)
def test_every_field_a_side_may_edit_is_told_the_same_whatever_the_hidden_values(
    store: Store, setting: str, variants: tuple[dict[str, Any], ...]
) -> None:
    """Each value the model reads that the partner may edit, set to a value it allows, to one
    below and one above its range: outcome, message and problems are the same text for both
    sets of hidden values (what the partner may not see cannot change what it is told)."""
    from planner import catalogue

    plans = [_variant(setting, **hidden) for hidden in variants]
    ids = [store.create_plan(plan, author="Vera", side="vendor") for plan in plans]
    shown = privacy.view(plans[0], "partner")
    paths = [
        e.pattern
        for e in catalogue.entries()
        if e.modelled and "*" not in e.pattern and e.numeric and not shown.is_hidden(e.pattern)
    ]
    paths.append("months")  # the horizon, which hidden months may stand against
    assert len(paths) > 8
    tried = 0
    for path in paths:
        entry = catalogue.field(path)
        low = entry.low if entry.low is not None else 0.0
        high = entry.high if entry.high is not None else 10.0**12
        for value in (low, low - 1, high * 2 + 1):
            told = []
            for plan_id in ids:
                version = store.version(plan_id)
                result = store.apply_edit(plan_id, path, value, version, "Anna", "partner")
                told.append(_told(result, plan_id).replace(f"version {version}", "V"))
                if result.status == "accepted":  # back to the setting's value for the next
                    before = lookup(plans[0].to_data(), path)
                    store.apply_edit(plan_id, path, before, version + 1, "Anna", "partner")
            assert told[0] == told[1], (path, value)
            tried += 1
    assert tried == 3 * len(paths)


def test_the_partners_page_renames_a_scenario_holding_the_vendors_private_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the analyses page, the partner renames the scenario in which the vendor keeps its
    gross margin: saved, the margin stays in it; deleting it is refused in the UI language."""
    from streamlit.testing.v1 import AppTest

    from planner import access
    from planner.ui import collab
    from tests.app_support import local_app

    with local_app(tmp_path, monkeypatch):
        store = Store(policy=RULES)
        plan_id = store.create_plan(secret_plan(), author="Vera", side="vendor")
        (before,) = store.plan_at(plan_id).scenarios
        token = access.create_invite(store, access.owner_access(plan_id), "partner_editor").token
        app = AppTest.from_file(str(Path(__file__).parents[1] / "app.py"), default_timeout=60)
        app.query_params["plan"] = plan_id
        app.query_params["key"] = token
        app.session_state[collab.NAME] = "Anna"
        app.switch_page("planner/ui/pages/analyses.py").run()
        app.selectbox(key="analyses.scenario.choice").set_value(before.name)
        app.text_input(key="analyses.scenario.rename_to").input("Gesprächsstand")
        app.button(key="analyses.rename").click().run()
        assert not app.exception, [e.message for e in app.exception]
        assert not app.error, [e.value for e in app.error]
        (after,) = store.plan_at(plan_id).scenarios
        assert after == before.model_copy(update={"name": "Gesprächsstand"})
        app.button(key="analyses.delete").click().run()
        assert store.plan_at(plan_id).scenarios == [after]
        assert any("privat" in e.value for e in app.error), [e.value for e in app.error]
        store.close()
