"""The workbook seal (planner/signoff/seal.py) and the reader's trust (planner/signoff/trust.py)."""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from planner.export.xlsx import build_workbook
from planner.plan.validation import validate
from planner.signoff import keys as signing
from planner.signoff import seal, trust
from tests.signed_support import package_problems
from tests.store_support import PLAN_DATA

MOMENT = datetime.datetime(2027, 1, 6, 10, 32, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def who(tmp_path_factory: pytest.TempPathFactory) -> signing.Identity:
    return signing.identity(tmp_path_factory.mktemp("key") / "signing")


@pytest.fixture(scope="module")
def workbook() -> bytes:
    return build_workbook(validate(PLAN_DATA), language="en")


@pytest.fixture(scope="module")
def sealed(workbook: bytes, who: signing.Identity) -> bytes:
    return seal.seal(workbook, who, MOMENT)


def rebuilt(data: bytes, change: dict[str, bytes | None], *, stored: bool = False) -> bytes:
    """The archive with entries replaced (None: removed) or added, the seal kept as it was;
    ``stored``: every entry written uncompressed."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = change.get(info.filename, source.read(info))
            if stored:
                info.compress_type = zipfile.ZIP_STORED
            if content is not None:
                target.writestr(info, content)
        for name, content in change.items():
            if name not in source.namelist() and content is not None:
                target.writestr(name, content)
        target.comment = source.comment
    return out.getvalue()


def test_a_sealed_workbook_checks_and_names_its_certificate(
    sealed: bytes, who: signing.Identity
) -> None:
    found = seal.check(sealed)
    assert found.ok, found.problem
    assert found.fingerprint == who.fingerprint
    assert found.signed_at == MOMENT
    assert openpyxl.load_workbook(io.BytesIO(sealed))["Inputs"]  # still an ordinary workbook


def test_sealing_is_deterministic(workbook: bytes, sealed: bytes, who: signing.Identity) -> None:
    assert seal.seal(workbook, who, MOMENT) == sealed
    assert seal.seal(sealed, who, MOMENT) == sealed  # sealing again replaces the seal


def _seal_text(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(seal.PART)


def test_the_seal_is_a_declared_part_of_the_package_and_saving_drops_it(sealed: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(sealed)) as archive:
        assert archive.namelist()[-1] == seal.PART  # the last entry, stored as written
        assert archive.infolist()[-1].compress_type == zipfile.ZIP_STORED
        assert archive.comment == b""
        types = archive.read("[Content_Types].xml").decode()
        relations = archive.read("_rels/.rels").decode()
    carried = json.loads(_seal_text(sealed))
    assert carried["kind"] == seal.KIND
    assert carried["format"] == 2
    assert carried["algorithm"] == "ECDSA-P256-SHA256"
    assert f'<Override PartName="/{seal.PART}" ContentType="{seal.CONTENT_TYPE}"/>' in types
    assert f'Type="{seal.RELATIONSHIP}" Target="/{seal.PART}"' in relations
    book = openpyxl.load_workbook(io.BytesIO(sealed))
    out = io.BytesIO()
    book.save(out)
    found = seal.check(out.getvalue())
    assert found.problem.startswith("the workbook carries no seal")


def test_the_sealed_workbook_is_a_valid_package(workbook: bytes, sealed: bytes) -> None:
    assert package_problems(workbook) == []
    assert package_problems(sealed) == []
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:  # the check finds what it looks for
        broken = rebuilt(
            sealed,
            {
                "[Content_Types].xml": archive.read("[Content_Types].xml"),
                "xl/styles.xml": None,
            },
        )
    assert sorted(package_problems(broken)) == [
        "/xl/styles.xml: override of no part",
        f"{seal.PART}: no content type",
        "xl/_rels/workbook.xml.rels: rId12 points at no part (styles.xml)",
    ]


def test_a_changed_sheet_is_named(sealed: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(sealed)) as archive:
        sheet = archive.read("xl/worksheets/sheet2.xml")  # sheet1 is the summary
    changed = rebuilt(sealed, {"xl/worksheets/sheet2.xml": sheet.replace(b"42000", b"52000")})
    found = seal.check(changed)
    assert found.problem == (
        "the workbook was changed after it was signed: changed sheet Inputs "
        "(xl/worksheets/sheet2.xml)"
    )


def test_added_and_removed_parts_are_named(sealed: bytes) -> None:
    changed = rebuilt(
        sealed, {"xl/worksheets/sheet99.xml": b"<worksheet/>", "docProps/app.xml": None}
    )
    assert seal.check(changed).problem == (
        "the workbook was changed after it was signed: added xl/worksheets/sheet99.xml; "
        "removed docProps/app.xml"
    )


def test_same_entries_in_another_archive_layout_fail(sealed: bytes) -> None:
    """Every byte up to the comment is sealed, not only the entries' contents."""
    assert rebuilt(sealed, {}) == sealed
    again = rebuilt(sealed, {}, stored=True)
    assert seal.check(again).problem == (
        "the workbook was changed after it was signed: its zip structure differs "
        "(entries unchanged)"
    )


def test_an_altered_seal_or_another_certificate_fails(
    sealed: bytes, tmp_path: Path, who: signing.Identity
) -> None:
    carried = json.loads(_seal_text(sealed))
    other = signing.identity(tmp_path / "other")
    forged_certificate = seal.seal(sealed, other, MOMENT)
    other_der = json.loads(_seal_text(forged_certificate))["certificate"]
    for name, value in (
        ("signed_at", "2030-01-01T00:00:00+00:00"),
        ("certificate", other_der),
        ("sha256", "0" * 64),
    ):
        text = json.dumps({**carried, name: value}, sort_keys=True).encode()
        data = rebuilt(sealed, {seal.PART: text})
        assert "seal was altered" in seal.check(data).problem, name
    assert seal.check(forged_certificate).fingerprint == other.fingerprint
    # the same seal written with other spacing: its signature matches, its bytes do not
    spaced = rebuilt(sealed, {seal.PART: json.dumps(carried, sort_keys=True).encode()})
    assert seal.check(spaced).problem == (
        "the workbook's seal was altered (it is not as it was written)"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (b"{not json", "the workbook's seal is damaged (its text cannot be read)"),
        (b'{"kind": "x"}', "the workbook's seal is damaged (its text cannot be read)"),
        (bytes(seal.MAX_SEAL + 1), "the workbook's seal is damaged (it is too large)"),
    ],
)
def test_a_damaged_seal_fails(sealed: bytes, text: bytes, problem: str) -> None:
    assert seal.check(rebuilt(sealed, {seal.PART: text})).problem == problem


def test_a_seal_from_another_workbook_fails(sealed: bytes, who: signing.Identity) -> None:
    """Both sealed by the same key: the seal is genuine, but not this workbook's."""
    plan = validate({**PLAN_DATA, "opex_per_month": 3100})
    other = seal.seal(build_workbook(plan, language="en"), who, MOMENT)
    assert seal.check(other).ok
    swapped = rebuilt(sealed, {seal.PART: _seal_text(other)})
    problem = seal.check(swapped).problem
    # other operating costs change every computed sheet: the first three named, then a count
    assert problem.startswith(
        "the workbook was changed after it was signed: changed sheet Summary "
        "(xl/worksheets/sheet1.xml), sheet Inputs (xl/worksheets/sheet2.xml), "
    ), problem
    assert seal.check(swapped).fingerprint == who.fingerprint


def test_a_comment_or_the_seal_elsewhere_in_the_archive_fails(sealed: bytes) -> None:
    """Every byte around the seal is what sealing writes: no comment, the seal last."""
    structure = (
        "the workbook was changed after it was signed: its zip structure differs "
        "(entries unchanged)"
    )
    commented = sealed[:-2] + (4).to_bytes(2, "little") + b"note"
    assert seal.check(commented).problem == structure
    with zipfile.ZipFile(io.BytesIO(sealed)) as archive:
        infos = archive.infolist()
        first = io.BytesIO()
        with zipfile.ZipFile(first, "w") as target:
            for info in [infos[-1], *infos[:-1]]:
                target.writestr(info, archive.read(info))
    assert seal.check(first.getvalue()).problem == structure


def test_any_changed_byte_of_the_sealed_workbook_fails(sealed: bytes) -> None:
    """Every 61st byte, each flipped: the seal fails or the archive cannot be read at all."""
    passed = []
    for at in range(0, len(sealed), 61):
        changed = bytearray(sealed)
        changed[at] ^= 0x20
        try:
            found = seal.check(bytes(changed))
        except seal.SealError:
            continue
        if found.ok:
            passed.append(at)
    assert passed == []


def legacy_seal(data: bytes, who: signing.Identity, moment: datetime.datetime) -> bytes:
    """A seal as workbooks signed before it was a part carry it (format 1): the same
    signature over every byte up to the archive comment, written into the comment."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    at = data.rindex(b"PK\x05\x06")
    body = data[: at + 20]
    certificate = who.certificate.public_bytes(serialization.Encoding.DER)
    payload = {
        "kind": seal.KIND,
        "format": 1,
        "algorithm": "ECDSA-P256-SHA256",
        "signed_at": moment.isoformat(),
        "sha256": hashlib.sha256(body).hexdigest(),
        "entries": [[name, digest] for name, digest in seal.entries(data).items()],
        "certificate": base64.b64encode(certificate).decode("ascii"),
    }

    def text(value: dict[str, object]) -> bytes:
        return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()

    key = serialization.load_pem_private_key(who.key_pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    value = key.sign(text(payload), ec.ECDSA(hashes.SHA256()))
    comment = text({**payload, "signature": base64.b64encode(value).decode("ascii")})
    return body + len(comment).to_bytes(2, "little") + comment


def test_a_workbook_sealed_in_the_archive_comment_still_checks(
    workbook: bytes, who: signing.Identity
) -> None:
    old = legacy_seal(workbook, who, MOMENT)
    found = seal.check(old)
    assert (found.problem, found.fingerprint, found.signed_at) == ("", who.fingerprint, MOMENT)
    with zipfile.ZipFile(io.BytesIO(old)) as archive:
        sheet = archive.read("xl/worksheets/sheet2.xml")
    changed = rebuilt(old, {"xl/worksheets/sheet2.xml": sheet.replace(b"42000", b"52000")})
    assert seal.check(changed).problem == (
        "the workbook was changed after it was signed: changed sheet Inputs "
        "(xl/worksheets/sheet2.xml)"
    )
    assert seal.check(seal.seal(old, who, MOMENT)) == seal.check(seal.seal(workbook, who, MOMENT))


def test_what_is_no_archive_cannot_be_read(sealed: bytes) -> None:
    for data in (b"PK\x03\x04broken", sealed + b"appended", sealed[:-1]):
        with pytest.raises(seal.SealError):
            seal.check(data)


def test_a_name_twice_cannot_be_sealed(workbook: bytes, who: signing.Identity) -> None:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info))
        with pytest.warns(UserWarning, match="Duplicate name"):
            target.writestr("xl/worksheets/sheet1.xml", b"<worksheet/>")
    with pytest.raises(seal.SealError, match="twice"):
        seal.seal(out.getvalue(), who, MOMENT)


def test_a_custom_property_is_read_without_openpyxl(sealed: bytes) -> None:
    data = build_workbook(validate(PLAN_DATA), properties={"planner_signoff": '{"a": "<&>"}'})
    assert seal.read_property(data, "planner_signoff") == '{"a": "<&>"}'
    assert seal.read_property(sealed, "planner_signoff") is None


# --- trust -------------------------------------------------------------------------------

FP = "AB:" * 31 + "AB"
OTHER = "CD" * 32


def test_fingerprints_are_compared_without_colons_or_case() -> None:
    assert trust.normalize("ab:" * 31 + "ab") == "AB" * 32
    assert trust.pretty("ab" * 32) == FP
    with pytest.raises(ValueError, match="not a SHA-256 fingerprint"):
        trust.normalize("AB:CD")


def test_the_trust_list_env_and_installation_are_trusted(
    tmp_path: Path, who: signing.Identity
) -> None:
    listed = tmp_path / "partner.txt"
    listed.write_text(f"# certificates we checked by phone\n\n{OTHER}  Partner GmbH, Anna\n")
    (tmp_path / trust.TRUST_FILE).write_text(f"{FP}\n")
    (tmp_path / "signing").symlink_to(who.folder)
    env = {"PLANNER_DATA_DIR": str(tmp_path), trust.TRUST_ENV: "ef" * 32 + ", " + "01" * 32}
    found = trust.load(files=[listed], env=env)
    assert found.why(who.fingerprint) == "this installation"
    assert found.is_local(who.fingerprint)
    assert found.why(FP) == f"listed in {trust.TRUST_FILE} line 1"
    assert found.why(OTHER) == "listed in partner.txt line 3 (Partner GmbH, Anna)"
    assert found.why("EF" * 32) == found.why("01" * 32) == f"listed in {trust.TRUST_ENV}"
    assert found.why("02" * 32) is None
    assert "not trusted here" in found.refusal("02" * 32)


def test_fingerprints_given_are_the_only_ones_trusted(
    tmp_path: Path, who: signing.Identity
) -> None:
    (tmp_path / "signing").symlink_to(who.folder)
    env = {"PLANNER_DATA_DIR": str(tmp_path), trust.TRUST_ENV: OTHER}
    found = trust.load(fingerprints=[FP.lower()], env=env)
    assert found.why(FP) == "the fingerprint given"
    assert found.why(OTHER) is None
    assert found.why(who.fingerprint) is None
    assert (
        found.refusal(OTHER)
        == f"signed with certificate {trust.pretty(OTHER)}, not the expected {FP}"
    )


def test_a_bad_trust_entry_is_skipped_and_named(tmp_path: Path) -> None:
    """A bad entry can match no certificate: skipping it trusts nothing more."""
    listed = tmp_path / "list.txt"
    listed.write_text(f"AB:CD nonsense\n{OTHER} Partner GmbH\n")
    junk = "x" * 5000
    env = {"PLANNER_DATA_DIR": str(tmp_path), trust.TRUST_ENV: f"xyz, {FP}; {junk}"}
    found = trust.load(files=[listed], env=env)
    assert dict(found.known) == {
        OTHER: "listed in list.txt line 2 (Partner GmbH)",
        FP.replace(":", ""): f"listed in {trust.TRUST_ENV}",
    }
    assert found.warnings == (
        f"{listed} line 1: 'AB:CD' is not a fingerprint, skipped",
        f"{trust.TRUST_ENV}: 'xyz' is not a fingerprint, skipped",
        f"{trust.TRUST_ENV}: '{'x' * 40}...' is not a fingerprint, skipped",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "list.txt does not exist"),
        (b"\xff\xfe" + FP.encode(), "list.txt cannot be read: it is not UTF-8 text"),
        ((FP + "\n").encode() * 16_000, "list.txt: larger than 1 MB"),  # 1.5 MB
    ],
)
def test_a_trust_list_that_cannot_be_read_is_refused_naming_it(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    listed = tmp_path / "list.txt"
    if content is not None:
        listed.write_bytes(content)
    with pytest.raises(trust.TrustError, match=message.replace("(", r"\(")) as raised:
        trust.load(files=[listed], env={"PLANNER_DATA_DIR": str(tmp_path)})
    assert "\n" not in str(raised.value)


def test_a_trust_list_that_never_ends_is_read_only_up_to_its_limit() -> None:
    with pytest.raises(trust.TrustError, match="/dev/zero: larger than 1 MB"):
        trust.load(files=["/dev/zero"], env={})


def test_a_bad_fingerprint_given_is_refused_naming_it() -> None:
    with pytest.raises(trust.TrustError, match="--fingerprint: 'AB' is not"):
        trust.load(fingerprints=["AB"], env={})


def test_checking_trust_creates_no_key(tmp_path: Path) -> None:
    found = trust.load(env={"PLANNER_DATA_DIR": str(tmp_path / "none")})
    assert dict(found.known) == {}
    assert not (tmp_path / "none").exists()


def test_a_zip_bomb_stops_early(sealed: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = rebuilt(sealed, {"xl/media/zeros.bin": bytes(3 << 20)})  # 3 MB of zeros: 3 KB zipped
    assert len(bomb) < len(sealed) + 10_000
    monkeypatch.setattr(seal, "MAX_EXPANDED", 2 << 20)
    assert seal.check(bomb).problem == (
        "the workbook was changed after it was signed: it expands to more than 2 MB"
    )
    with pytest.raises(seal.SealError, match="expands to more than 2 MB"):
        seal.entries(bomb)
