"""Plan vs actuals: reading actuals (plan file, CSV, XLSX), the variance table, the re-forecast.

Actuals are rows ``{month: 1..N, column: value, ...}`` for any numeric monthly column of
docs/model.md section 3. A file names its columns by key (``revenue``) or by the German or
English label (``Umsatz``, ``Revenue``); the month is given as ``month`` (plan month 1..N) or
``date`` (``YYYY-MM``, calendar month). Empty cells are "not known".

Re-forecast: every column value given as an actual replaces the model's value for that month,
and whatever the model computes from it continues from the actual: customers, backlog and the
cumulative cash of both sides are levels, so month t + 1 builds on the actual level of month t.
Months and columns without actuals are computed by docs/model.md's formulas. With actuals for months
1..k, months k+1..N are the model's forecast continued from the actual stocks of month k. With
actuals equal to the plan, the re-forecast is the plan.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner import i18n, limits, model
from planner.analysis import AnalysisError
from planner.plan.schema import COUNT_COLUMNS, VALUE_COLUMNS, Plan, PlanError, fmt_value
from planner.plan.validation import ACTUAL_RANGE, actual_refusal, validate

_MONTH_HEADERS = {"month", "monat"}
_DATE_HEADERS = {"date", "datum"}
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?$")


def _normal(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def column_names() -> dict[str, str]:
    """Every accepted header (normalised) -> docs/model.md column key."""
    names: dict[str, str] = {}
    for column in VALUE_COLUMNS:
        names[_normal(column)] = column
        for language in i18n.LANGUAGES:
            names.setdefault(_normal(i18n.label(column, language)), column)
    return names


def _month_of_date(value: Any, plan: Plan, where: str, at: dict[str, Any]) -> int:
    """The plan month of a date cell; ``at`` names the file and row for the refusal's key."""
    if isinstance(value, datetime | date):
        year, month = value.year, value.month
    else:
        match = _YEAR_MONTH.match(str(value).strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise AnalysisError(
                f"{where}: {value!r} is not a month as YYYY-MM",
                "not_a_date",
                value=repr(value),
                **at,
            )
        year, month = int(match[1]), int(match[2])
    first_year, first_month = (int(part) for part in plan.start.split("-"))
    return (year - first_year) * 12 + (month - first_month) + 1


_SCIENTIFIC = {mark: re.compile(rf"[+-]?\d+(?:{re.escape(mark)}\d+)?[eE][+-]?\d+") for mark in ".,"}
"""A number in scientific notation, as programs write very large or small ones (``1.5E+06``;
German ``1,5E+06``)."""


_NOT_FINITE = frozenset({"inf", "infinity", "nan"})
"""Text that programs write for a number that is none (``inf``, ``NaN``): refused as not finite."""


def _number(
    value: Any, where: str, at: dict[str, Any], language: str = "en", money: str = ""
) -> float | None:
    """The number of a cell (None when empty): a number as it is, text as people of
    ``language`` write it (:func:`planner.i18n.parse_number`: ``1.234,5`` in German); an
    amount in the plan's currency ``money`` may carry its sign, anything else no unit. ``at``
    names the file, row and column for the refusal's key."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise AnalysisError(
            f"{where}: {value!r} is not a number", "not_a_number", value=repr(value), **at
        )
    if isinstance(value, int | float):
        number = float(value)
    else:
        unit: i18n.Unit = "money" if money else ""
        text = str(value).strip()
        mark = "," if language == "de" else "."
        try:
            if _SCIENTIFIC[mark].fullmatch(text):
                number = float(text.replace(mark, "."))
            else:
                number = i18n.parse_number(text, language, unit=unit, currency=money)
        except i18n.UnitError as wrong:
            raise AnalysisError(
                f"{where}: {value!r} carries {wrong.sign!r}, which is no unit of this column",
                "unit_refused",
                value=repr(value),
                sign=wrong.sign,
                **at,
            ) from None
        except i18n.NumberTextError:
            if text.lstrip("+-").casefold() in _NOT_FINITE:
                number = math.inf  # said below as what it is
            else:
                raise AnalysisError(
                    f"{where}: {value!r} is not a number", "not_a_number", value=repr(value), **at
                ) from None
    if not math.isfinite(number):
        raise AnalysisError(
            f"{where}: {value!r} is not a finite number", "not_finite", value=repr(value), **at
        )
    return number


def rows_from_table(
    plan: Plan,
    header: Sequence[Any],
    records: Iterable[Sequence[Any]],
    name: str,
    language: str = "en",
) -> list[dict[str, Any]]:
    """Actuals rows from a header and records (first record = file row 2), numbers written as
    text the way people of ``language`` write them; checked fully.

    Errors name the file, row and column: ``actuals.csv row 4, revenue: 'abc' is not a number``.
    """
    if len(header) > limits.MAX_COLUMNS:
        raise AnalysisError(
            f"{name}: has more than {limits.MAX_COLUMNS:,} columns",
            "too_many_columns",
            name=name,
            limit=limits.MAX_COLUMNS,
        )
    known = column_names()
    headers = [_normal(h) if h is not None else "" for h in header]
    month_at = next((i for i, h in enumerate(headers) if h in _MONTH_HEADERS), None)
    date_at = next((i for i, h in enumerate(headers) if h in _DATE_HEADERS), None)
    if month_at is None and date_at is None:
        raise AnalysisError(
            f"{name}: no 'month' or 'date' column (plan month or YYYY-MM)", "no_month", name=name
        )
    columns: dict[int, str] = {}
    for i, h in enumerate(headers):
        if i in (month_at, date_at) or not h:
            continue
        if h not in known:
            raise AnalysisError(
                f"{name}: column {header[i]!r} is not a monthly column "
                "(use docs/model.md keys such as revenue, or their German or English labels)",
                "unknown_column",
                name=name,
                header=repr(header[i]),
            )
        if known[h] in columns.values():
            raise AnalysisError(
                f"{name}: column {known[h]!r} appears twice",
                "column_twice",
                name=name,
                column=known[h],
            )
        columns[i] = known[h]
    rows: dict[int, dict[str, Any]] = {}
    for number, record in enumerate(records, start=2):
        if number > limits.MAX_ROWS + 1:
            raise AnalysisError(
                f"{name}: has more than {limits.MAX_ROWS:,} rows",
                "too_many_rows",
                name=name,
                limit=limits.MAX_ROWS,
            )
        cells = list(record) + [None] * (len(header) - len(record))
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        where = f"{name} row {number}"
        at: dict[str, Any] = {"name": name, "row": number}
        month_cell = cells[month_at] if month_at is not None else None
        month_value = _number(month_cell, f"{where}, month", {**at, "column": "month"}, language)
        if month_value is not None:
            if not month_value.is_integer():
                raise AnalysisError(
                    f"{where}, month: {month_cell!r} is not a whole number",
                    "not_whole",
                    value=repr(month_cell),
                    **at,
                )
            month = int(month_value)
        elif date_at is not None and cells[date_at] not in (None, ""):
            month = _month_of_date(cells[date_at], plan, f"{where}, date", at)
        else:
            raise AnalysisError(f"{where}: the month is missing", "month_missing", **at)
        if not 1 <= month <= plan.months:
            raise AnalysisError(
                f"{where}: month {month} is not within 1 to {plan.months} (the plan's horizon)",
                "beyond_horizon",
                month=month,
                months=plan.months,
                **at,
            )
        if month in rows:
            raise AnalysisError(
                f"{where}: month {month} appears twice", "month_twice", month=month, **at
            )
        row: dict[str, Any] = {"month": month}
        for i, column in columns.items():
            money = "" if column in COUNT_COLUMNS else plan.currency
            value = _number(
                cells[i], f"{where}, {column}", {**at, "column": column}, language, money
            )
            if value is not None:
                refusal = actual_refusal(value)
                if refusal:
                    key, params = _refusal_key(value)
                    raise AnalysisError(
                        f"{where}, month {month}, {column}: {refusal}",
                        "value_" + key,
                        month=month,
                        column=column,
                        **params,
                        **at,
                    )
                row[column] = value
        rows[month] = row
    return [rows[m] for m in sorted(rows)]


def _refusal_key(value: float) -> tuple[str, dict[str, Any]]:
    """The key and values of :func:`~planner.plan.validation.actual_refusal`'s reason."""
    if math.isfinite(value):
        return "range", {"value": fmt_value(value), "bounds": ACTUAL_RANGE}
    return "not_finite", {"value": fmt_value(value)}


def _is_workbook(name: str, data: bytes) -> bool:
    """A workbook by its name or its first bytes (a zip, or an old .xls): checked as one."""
    return Path(name).suffix.lower() in (".xlsx", ".xlsm", ".xls") or data[:2] in (
        b"PK",
        b"\xd0\xcf",
    )


def read_actuals(plan: Plan, path: str | Path, sheet: str | None = None) -> list[dict[str, Any]]:
    """Actuals from a CSV or XLSX file (first sheet unless ``sheet``), checked against the plan.

    The file is held to :mod:`planner.limits` like an upload (:func:`read_actuals_data`)."""
    file = Path(path)
    try:
        if file.is_dir():
            raise AnalysisError(
                f"{file}: is a directory, not a CSV or XLSX file", "directory", name=str(file)
            )
        workbook = Path(file.name).suffix.lower() in (".xlsx", ".xlsm", ".xls")
        limit = limits.WORKBOOK_MAX_BYTES if workbook else limits.TEXT_MAX_BYTES
        if file.stat().st_size > limit:
            raise AnalysisError(
                f"{file.name}: is larger than {limits.size_text(limit)}",
                "too_large",
                name=file.name,
                limit=limit // 1_000_000,
            )
        data = file.read_bytes()
    except FileNotFoundError:
        raise AnalysisError(f"{file}: does not exist", "missing", name=str(file)) from None
    except OSError as error:
        raise AnalysisError(
            f"{file}: cannot be read ({error.strerror})",
            "unreadable",
            name=str(file),
            reason=str(error.strerror),
        ) from None
    return read_actuals_data(plan, data, file.name, sheet)


def read_actuals_data(
    plan: Plan, data: bytes, name: str, sheet: str | None = None
) -> list[dict[str, Any]]:
    """Actuals from the bytes of an uploaded CSV or XLSX file named ``name``, checked against
    the plan. Hostile files are refused by :mod:`planner.limits` before anything is parsed
    (size; for a workbook zip bombs, macros, ActiveX, external links, XML entities; rows and
    columns), each with one line naming the file and what was refused."""
    try:
        if _is_workbook(name, data):
            limits.check_workbook(data)
            return _read_xlsx(plan, data, name, sheet)
        limits.check_size(len(data), limits.TEXT_MAX_BYTES)
    except limits.RefusedError as refused:
        # the limit's key and values carried through: a page says it in the reader's language
        raise AnalysisError(
            f"{name}: {refused}", refused.key, **refused.params, name=name
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnalysisError(
            f"{name}: is not UTF-8 text (CSV) or an .xlsx workbook", "not_utf8", name=name
        ) from None
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    records = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(records, None)
        if header is None:
            raise AnalysisError(f"{name}: is empty", "empty", name=name)
        # A semicolon-separated file is what German spreadsheets write: 1.234,5
        language = "de" if getattr(dialect, "delimiter", ",") == ";" else "en"
        return rows_from_table(plan, header, records, name, language)
    except csv.Error as error:
        raise AnalysisError(
            f"{name}: is not a readable CSV file ({error})", "bad_csv", name=name, reason=str(error)
        ) from None


def _read_xlsx(plan: Plan, data: bytes, name: str, sheet: str | None) -> list[dict[str, Any]]:
    """Actuals from a workbook that passed :func:`planner.limits.check_workbook`: values
    only (no macros, no links); at most :data:`~planner.limits.MAX_COLUMNS` columns and
    :data:`~planner.limits.MAX_ROWS` rows are read, whatever size the sheet claims."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_vba=False, keep_links=False
        )
    except Exception as error:  # openpyxl raises many kinds for a broken file
        kind = type(error).__name__
        raise AnalysisError(
            f"{name}: is not a readable .xlsx workbook ({kind})", "bad_xlsx", name=name, kind=kind
        ) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            known = ", ".join(book.sheetnames)
            raise AnalysisError(
                f"{name}: no sheet {sheet!r} (sheets: {known})",
                "no_sheet",
                name=name,
                sheet=repr(sheet),
                sheets=known,
            )
        if sheet is None and not book.worksheets:
            raise AnalysisError(f"{name}: has no worksheet", "no_worksheet", name=name)
        table = book[sheet] if sheet else book.worksheets[0]
        widest = limits.MAX_COLUMNS + 1
        first = next(table.iter_rows(max_row=1, max_col=widest, values_only=True), None)
        header = list(first or ())
        while header and header[-1] in (None, ""):
            header.pop()
        if not header:
            raise AnalysisError(f"{name}: the sheet is empty", "sheet_empty", name=name)
        records = table.iter_rows(
            min_row=2, max_row=limits.MAX_ROWS + 2, max_col=len(header), values_only=True
        )
        # numbers are numbers; a number typed as text is read in the plan's language
        return rows_from_table(plan, header, records, name, plan.language)
    except AnalysisError:
        raise
    except Exception as error:  # a malformed sheet surfaces while rows are read
        kind = type(error).__name__
        raise AnalysisError(
            f"{name}: is not a readable .xlsx workbook ({kind})", "bad_xlsx", name=name, kind=kind
        ) from None
    finally:
        book.close()


def check_rows(plan: Plan, rows: Sequence[dict[str, Any]]) -> None:
    """Refuse actuals rows outside the schema (docs/model.md section 1, Actuals): months 1..N
    once each, monthly columns only, finite values of at most 10^15 in size; the message names
    the month, the column and the allowed range."""
    seen: set[int] = set()
    for row in rows:
        month = row.get("month")
        whole = isinstance(month, int | float) and math.isfinite(month) and month == int(month)
        if isinstance(month, bool) or not whole:
            raise AnalysisError(
                f"actuals: month {month!r} is not a whole number",
                "actuals_not_whole",
                value=repr(month),
            )
        assert isinstance(month, int | float)
        if not 1 <= month <= plan.months or month in seen:
            twice = month in seen
            why = "appears twice" if twice else f"is not within 1 to {plan.months}"
            raise AnalysisError(
                f"actuals: month {int(month)} {why}",
                "actuals_twice" if twice else "actuals_beyond",
                month=int(month),
                months=plan.months,
            )
        seen.add(int(month))
        for column, value in row.items():
            if column == "month":
                continue
            if column not in VALUE_COLUMNS:
                raise AnalysisError(
                    f"actuals month {int(month)}: {column!r} is not a column",
                    "actuals_column",
                    month=int(month),
                    column=repr(column),
                )
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise AnalysisError(
                    f"actuals month {int(month)}, {column}: not a number",
                    "actuals_not_a_number",
                    month=int(month),
                    column=column,
                )
            refusal = actual_refusal(float(value))
            if refusal:
                key, params = _refusal_key(float(value))
                raise AnalysisError(
                    f"actuals month {int(month)}, {column}: {refusal}",
                    "actuals_" + key,
                    month=int(month),
                    column=column,
                    **params,
                )


def with_actuals(plan: Plan, rows: Sequence[dict[str, Any]]) -> Plan:
    """The plan with its ``actuals[]`` replaced by ``rows`` (validated like any plan)."""
    data = plan.to_data()
    data["actuals"] = [dict(row) for row in rows]
    try:
        return validate(data)
    except PlanError as error:
        raise AnalysisError(
            str(error.problems[0]), "invalid_plan", problem=str(error.problems[0])
        ) from None


def _arrays(plan: Plan, rows: Sequence[dict[str, Any]]) -> dict[str, model.Array]:
    arrays: dict[str, model.Array] = {}
    for row in rows:
        for column, value in row.items():
            if column != "month":
                arrays.setdefault(column, np.full((1, plan.months), np.nan))[
                    0, int(row["month"]) - 1
                ] = value
    return arrays


def _compare(plan_value: float, actual: float) -> dict[str, float | None]:
    difference = actual - plan_value
    return {
        "plan": plan_value,
        "actual": actual,
        "difference": difference,
        "percent": difference / abs(plan_value) if plan_value != 0 else None,
    }


@dataclass(frozen=True)
class Variance:
    """Plan vs actuals: per month, cumulative and per plan year; and the re-forecast."""

    monthly: pd.DataFrame
    """month, date, column, plan, actual, difference, percent (difference / |plan|)."""
    cumulative: pd.DataFrame
    """Per column over the months with actuals: flows summed, stocks at the last such month."""
    yearly: pd.DataFrame
    """Per plan year and column, the same rule within the year."""
    reforecast: model.Outcome
    plan_figures: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            value = value.item() if isinstance(value, np.generic) else value
            return None if isinstance(value, float) and not math.isfinite(value) else value

        def records(table: pd.DataFrame) -> list[dict[str, Any]]:
            out = table.to_dict("records")
            return [{str(k): plain(v) for k, v in row.items()} for row in out]

        return {
            "monthly": records(self.monthly),
            "cumulative": records(self.cumulative),
            "yearly": records(self.yearly),
            "plan": self.plan_figures,
            "reforecast": self.reforecast.kpis,
        }


def _summary(entries: list[dict[str, Any]], keys: dict[str, Any]) -> dict[str, Any]:
    column = keys["column"]
    if column in model.STOCK_COLUMNS:
        last = entries[-1]
        return {**keys, **_compare(last["plan"], last["actual"])}
    return {
        **keys,
        **_compare(sum(e["plan"] for e in entries), sum(e["actual"] for e in entries)),
    }


def variance(plan: Plan, rows: Sequence[dict[str, Any]] | None = None) -> Variance:
    """Variance of ``rows`` (default: the plan's own ``actuals[]``) against the plan.

    The plan side is the plan computed without actuals; the re-forecast is the model with
    the actuals (module docstring). Both are one batch of one plan.
    """
    rows = list(plan.actuals if rows is None else rows)
    if not rows:
        raise AnalysisError(
            "actuals: the plan has none (add actuals[] or give --actuals FILE)", "none"
        )
    check_rows(plan, rows)
    base = plan.model_copy(update={"actuals": []})
    batch = model.Batch.from_plans([base])
    planned = model.simulate(batch)
    arrays = _arrays(plan, rows)
    forecast = model.simulate(batch, actuals=arrays)
    dates = batch.dates()
    entries: list[dict[str, Any]] = []
    for row in rows:
        month = int(row["month"])
        for column in VALUE_COLUMNS:
            if column in row:
                value = float(row[column])
                entries.append(
                    {
                        "month": month,
                        "date": dates[month - 1],
                        "column": column,
                        **_compare(float(planned[column][0, month - 1]), value),
                    }
                )
    monthly = pd.DataFrame(
        entries,
        columns=["month", "date", "column", "plan", "actual", "difference", "percent"],
    )
    cumulative, yearly = [], []
    for column in VALUE_COLUMNS:
        mine = [e for e in entries if e["column"] == column]
        if not mine:
            continue
        cumulative.append(_summary(mine, {"column": column, "months": len(mine)}))
        for year in sorted({(e["month"] - 1) // 12 + 1 for e in mine}):
            in_year = [e for e in mine if (e["month"] - 1) // 12 + 1 == year]
            yearly.append(_summary(in_year, {"year": year, "column": column}))
    figures = model.key_figures(batch, forecast)
    outcome = model.Outcome(
        base, model.monthly_table(batch, forecast), model.figures_of(figures, 0)
    )
    plan_figures = model.figures_of(model.key_figures(batch, planned), 0)
    return Variance(monthly, pd.DataFrame(cumulative), pd.DataFrame(yearly), outcome, plan_figures)


def reforecast(plan: Plan, rows: Sequence[dict[str, Any]] | None = None) -> model.Outcome:
    """The re-forecast alone (module docstring): the model run with the actuals."""
    return variance(plan, rows).reforecast
