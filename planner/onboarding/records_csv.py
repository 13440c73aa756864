"""Commitment records from a CSV file: one documented column set, and the columns of a PRM
tool's MDF export mapped onto it (README: Onboarding, docs/model.md section 7).

One row per record; ``kind`` says which (``hire``, ``investment``, ``mdf``, ``objective``,
``support``) and only that kind's columns are read:

=============  ==============================================================================
kind           columns
=============  ==============================================================================
hire           ``resource`` (index or role name), ``fte``, ``month``, ``dropped``
investment     ``investment`` (index or name), ``month``, ``amount``, ``dropped``
mdf            ``activity``, ``requested_date``, ``requested_amount``, ``approved_date``,
               ``approved_amount``, ``claimed_date``, ``claimed_amount``, ``paid_date``,
               ``paid_amount``, ``proof``
objective      ``objective``, ``quarter``, ``count``
support        ``quarter``, ``fte``
=============  ==============================================================================

A file without a ``kind`` column is an MDF export: every row is an ``mdf`` record. Headers are
matched without regard to case, spaces or underscores, and a PRM export's usual names are
understood (:data:`ALIASES`: ``Activity Name``, ``Requested Amount``, ``Claim Date``, ``Proof
of Performance Status`` ...). Dates are ``YYYY-MM-DD`` or ``DD.MM.YYYY``; a semicolon-separated
file has decimal commas. The records replace the plan's ``commitments``.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from planner import limits
from planner.analysis import AnalysisError
from planner.plan.schema import Plan, PlanError
from planner.plan.validation import validate

COLUMNS = (
    "kind",
    "resource",
    "investment",
    "activity",
    "objective",
    "quarter",
    "month",
    "fte",
    "amount",
    "count",
    "dropped",
    "requested_date",
    "requested_amount",
    "approved_date",
    "approved_amount",
    "claimed_date",
    "claimed_amount",
    "paid_date",
    "paid_amount",
    "proof",
)
ALIASES: dict[str, str] = {
    "activityname": "activity",
    "campaign": "activity",
    "campaignname": "activity",
    "fundrequestname": "activity",
    "aktivitat": "activity",
    "aktivität": "activity",
    "requestamount": "requested_amount",
    "requestedamount": "requested_amount",
    "amountrequested": "requested_amount",
    "requestdate": "requested_date",
    "submitteddate": "requested_date",
    "submissiondate": "requested_date",
    "approvedamount": "approved_amount",
    "amountapproved": "approved_amount",
    "approvaldate": "approved_date",
    "approveddate": "approved_date",
    "claimamount": "claimed_amount",
    "claimedamount": "claimed_amount",
    "amountclaimed": "claimed_amount",
    "claimdate": "claimed_date",
    "claimeddate": "claimed_date",
    "paidamount": "paid_amount",
    "paymentamount": "paid_amount",
    "amountpaid": "paid_amount",
    "paymentdate": "paid_date",
    "paiddate": "paid_date",
    "proofofperformancestatus": "proof",
    "proofofperformance": "proof",
    "popstatus": "proof",
    "proofstatus": "proof",
    "pop": "proof",
    "role": "resource",
}
PROOF_VALUES = {
    "": "none",
    "none": "none",
    "missing": "none",
    "notsubmitted": "none",
    "submitted": "submitted",
    "pending": "submitted",
    "inreview": "submitted",
    "accepted": "accepted",
    "approved": "accepted",
    "verified": "accepted",
    "rejected": "rejected",
    "denied": "rejected",
}
KINDS = ("hire", "investment", "mdf", "objective", "support")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def _key(text: str) -> str:
    return re.sub(r"[\s_\-/]+", "", str(text)).casefold()


def header_map(header: list[str], name: str, extra: Mapping[str, str] | None = None) -> list[str]:
    """Each header's column of :data:`COLUMNS` ('' to ignore it); unknown headers are refused."""
    known = {_key(c): c for c in COLUMNS} | ALIASES | {_key(k): v for k, v in (extra or {}).items()}
    out: list[str] = []
    for cell in header:
        if not str(cell).strip():
            out.append("")
            continue
        column = known.get(_key(cell))
        if column is None:
            raise AnalysisError(
                f"{name}: column {cell!r} is not a record column (one of {', '.join(COLUMNS)}, "
                "or map it with --map HEADER=COLUMN)"
            )
        if column in out:
            raise AnalysisError(f"{name}: column {column!r} appears twice")
        out.append(column)
    return out


class _Row:
    def __init__(self, cells: dict[str, str], where: str, comma: bool) -> None:
        self.cells, self.where, self.comma = cells, where, comma

    def text(self, column: str) -> str | None:
        value = self.cells.get(column, "").strip()
        return value or None

    def need(self, column: str) -> str:
        value = self.text(column)
        if value is None:
            raise AnalysisError(f"{self.where}, {column}: is required")
        return value

    def number(self, column: str) -> float | None:
        value = self.text(column)
        if value is None:
            return None
        text = value.replace(".", "").replace(",", ".") if self.comma else value.replace(",", "")
        text = re.sub(r"[\s€$£]|EUR|USD|CHF|GBP", "", text)
        try:
            return float(text)
        except ValueError:
            raise AnalysisError(f"{self.where}, {column}: {value!r} is not a number") from None

    def whole(self, column: str) -> int | None:
        number = self.number(column)
        if number is None:
            return None
        if not number.is_integer():
            raise AnalysisError(f"{self.where}, {column}: {number:g} is not a whole number")
        return int(number)

    def flag(self, column: str) -> bool:
        value = (self.text(column) or "").casefold()
        if value in ("", "0", "false", "no", "nein", "n"):
            return False
        if value in ("1", "true", "yes", "ja", "y", "x"):
            return True
        raise AnalysisError(f"{self.where}, {column}: {value!r} is not yes or no")

    def date(self, column: str) -> str | None:
        value = self.text(column)
        if value is None:
            return None
        german = _GERMAN_DATE.match(value)
        try:
            if german:
                day = datetime.date(int(german[3]), int(german[2]), int(german[1]))
            else:
                day = datetime.date.fromisoformat(value[:10])
        except ValueError:
            raise AnalysisError(
                f"{self.where}, {column}: {value!r} is not a date as YYYY-MM-DD or DD.MM.YYYY"
            ) from None
        return day.isoformat()


def _index(plan_names: list[str], row: _Row, column: str) -> int:
    value = row.need(column)
    if value.isdigit():
        return int(value)
    matches = [i for i, name in enumerate(plan_names) if name.casefold() == value.casefold()]
    if not matches:
        raise AnalysisError(f"{row.where}, {column}: {value!r} is not in the plan")
    return matches[0]


def _record(plan: Plan, kind: str, row: _Row) -> dict[str, Any]:
    def some(**values: Any) -> dict[str, Any]:
        return {k: v for k, v in values.items() if v is not None}

    if kind == "hire":
        return some(
            resource=_index([r.role for r in plan.resources], row, "resource"),
            fte=row.number("fte") if row.text("fte") else None,
            month=row.whole("month"),
            dropped=row.flag("dropped") or None,
        ) | ({} if row.text("fte") else {"fte": _planned_fte(plan, row)})
    if kind == "investment":
        return some(
            investment=_index([i.name for i in plan.investments], row, "investment"),
            month=row.whole("month"),
            amount=row.number("amount"),
            dropped=row.flag("dropped") or None,
        )
    if kind == "mdf":
        record: dict[str, Any] = {"activity": row.need("activity")}
        for stage in ("requested", "approved", "claimed", "paid"):
            date, amount = row.date(f"{stage}_date"), row.number(f"{stage}_amount")
            if date is None and amount is None:
                continue
            if date is None or amount is None:
                missing = f"{stage}_date" if date is None else f"{stage}_amount"
                raise AnalysisError(f"{row.where}, {missing}: is required with the other")
            record[stage] = {"date": date, "amount": amount}
        proof = _key(row.text("proof") or "")
        if proof not in PROOF_VALUES:
            raise AnalysisError(
                f"{row.where}, proof: {row.text('proof')!r} is not none, submitted, accepted "
                "or rejected"
            )
        record["proof"] = PROOF_VALUES[proof]
        return record
    if kind == "objective":
        return {
            "objective": row.need("objective"),
            "quarter": row.need("quarter").upper().replace(" ", "-"),
            "count": row.number("count"),
        }
    return {"quarter": row.need("quarter").upper().replace(" ", "-"), "fte": row.number("fte")}


def _planned_fte(plan: Plan, row: _Row) -> float:
    index = _index([r.role for r in plan.resources], row, "resource")
    return plan.resources[index].fte if index < len(plan.resources) else 0.0


def read_records_data(
    plan: Plan, data: bytes, name: str, extra: Mapping[str, str] | None = None
) -> Plan:
    """The plan with its ``commitments`` replaced by the records of the CSV bytes ``data``.

    A problem is one :class:`AnalysisError` naming the file, row and column (or the plan path
    the record would have, for a rule of the plan: ``records.csv row 3
    (commitments.mdf.0.approved.amount): 120 is above the requested amount 100``)."""
    try:
        limits.check_size(len(data), limits.TEXT_MAX_BYTES)
    except limits.RefusedError as refused:
        raise AnalysisError(f"{name}: {refused}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnalysisError(f"{name}: is not UTF-8 text (CSV)") from None
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    comma = getattr(dialect, "delimiter", ",") == ";"
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader, None)
        if header is None:
            raise AnalysisError(f"{name}: is empty")
        columns = header_map(header, name, extra)
        kinds: dict[str, list[dict[str, Any]]] = {
            "hires": [],
            "investments": [],
            "mdf": [],
            "objectives": [],
            "support": [],
        }
        rows_of: dict[str, list[int]] = {k: [] for k in kinds}
        for number, record in enumerate(reader, start=2):
            if number > limits.MAX_ROWS + 1:
                raise AnalysisError(f"{name}: has more than {limits.MAX_ROWS:,} rows")
            if not any(cell.strip() for cell in record):
                continue
            cells = {c: v for c, v in zip(columns, record, strict=False) if c}
            row = _Row(cells, f"{name} row {number}", comma)
            kind = (row.text("kind") or ("mdf" if "kind" not in columns else "")).casefold()
            if kind not in KINDS:
                raise AnalysisError(
                    f"{row.where}, kind: {row.text('kind')!r} is not one of {', '.join(KINDS)}"
                )
            block = {"hire": "hires", "investment": "investments", "objective": "objectives"}.get(
                kind, kind
            )
            kinds[block].append(_record(plan, kind, row))
            rows_of[block].append(number)
    except csv.Error as error:
        raise AnalysisError(f"{name}: is not a readable CSV file ({error})") from None
    data_ = plan.to_data()
    data_["commitments"] = {k: v for k, v in kinds.items() if v}
    try:
        return validate(data_)
    except PlanError as error:
        problem = error.problems[0]
        parts = problem.path.split(".")
        if len(parts) > 2 and parts[0] == "commitments" and parts[2].isdigit():
            row_number = rows_of[parts[1]][int(parts[2])]
            raise AnalysisError(f"{name} row {row_number} ({problem})") from None
        raise AnalysisError(f"{name}: {problem}") from None


def read_records(plan: Plan, path: str | Path, extra: Mapping[str, str] | None = None) -> Plan:
    """:func:`read_records_data` of a file."""
    file = Path(path)
    try:
        if file.is_dir():
            raise AnalysisError(f"{file}: is a directory, not a CSV file")
        if file.stat().st_size > limits.TEXT_MAX_BYTES:
            raise AnalysisError(
                f"{file.name}: is larger than {limits.size_text(limits.TEXT_MAX_BYTES)}"
            )
        data = file.read_bytes()
    except FileNotFoundError:
        raise AnalysisError(f"{file}: does not exist") from None
    except OSError as error:
        raise AnalysisError(f"{file}: cannot be read ({error.strerror})") from None
    return read_records_data(plan, data, file.name, extra)
