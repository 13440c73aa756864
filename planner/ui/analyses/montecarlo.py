"""The Monte Carlo tab: uncertainty ranges and the spread of the figures they give."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from planner import i18n
from planner.analysis import AnalysisError, montecarlo
from planner.analysis.drivers import driver
from planner.plan.schema import MAX_MONEY
from planner.ui import charts, clicks, entries, fields, grid_keys, session, state, widgets
from planner.ui.analyses.common import (
    DEFAULT_SEED,
    FORM_BASES,
    MC_DRAWS,
    MC_ERRORS,
    MC_RESULT,
    MC_SEED,
    RANGE_ERRORS,
    UI_MAX_DRAWS,
    driver_kind,
    driver_label_safe,
    driver_paths,
    figure_label,
    figure_text,
    form_base,
    here,
    saved_or_overtaken,
)
from planner.ui.text import problem_list, tr

# --- Monte Carlo -----------------------------------------------------------------------------

RANGE_COLUMNS = ("path", "distribution", "low", "likely", "high")


def ranges_frame() -> pd.DataFrame:
    """The plan's uncertainty ranges in display units (shares in percent)."""
    rows = []
    for entry in here().plan.uncertainty or []:
        if here().view.is_hidden(entry.path):
            continue  # another side's range of its private value: neither shown nor lost
        kind = driver_kind(entry.path)
        rows.append(
            {
                "path": entry.path,
                "distribution": entry.distribution,
                "low": entries.shown(kind, entry.low) if kind == "percent" else entry.low,
                "likely": None
                if entry.likely is None
                else entries.shown(kind, entry.likely)
                if kind == "percent"
                else entry.likely,
                "high": entries.shown(kind, entry.high) if kind == "percent" else entry.high,
            }
        )
    frame = pd.DataFrame(rows, columns=list(RANGE_COLUMNS))
    return frame.astype({"low": "float64", "likely": "float64", "high": "float64"})


BOUNDS = ("low", "likely", "high")
RANGE_WIDTHS = {"path": 280, "distribution": 120, "low": 100, "likely": 135, "high": 100}
"""Pixels of the ranges table's columns: the longest driver labels whole ("Abschlüsse je
Vertriebs-FTE und Monat"), every title whole in both languages ("Wahrscheinlich",
"Distribution"), all of them (766 with the row marker) within the 784 the page gives the
table in a window 1280 px wide (a narrower window scrolls the table sideways)."""


def ranges_shown(frame: pd.DataFrame) -> pd.DataFrame:
    """The ranges as the table's cells read: numbers as text in the UI language (``2,5`` in
    German), whatever the language of the person's browser."""
    return entries.number_columns_as_text(frame, BOUNDS)


def ranges_from(
    frame: pd.DataFrame, before: pd.DataFrame | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """The edited table as the plan's ``uncertainty`` list (shares back to fractions: ``2,5``
    in a share's row is 2.5 %), and the refusals of bounds that are no number, each naming
    the driver and the column; the ranges of values hidden from this side stay as they are.
    ``before``: the table as it showed (a bound that still reads as it did keeps its value)."""
    items = [
        entry.model_dump(mode="json", exclude_none=True)
        for entry in here().plan.uncertainty or []
        if here().view.is_hidden(entry.path)
    ]
    refused: list[str] = []
    for index, record in zip(frame.index, frame.to_dict(orient="records"), strict=True):
        path = record.get("path")
        if not path or (isinstance(path, float) and pd.isna(path)):
            continue
        driver(
            here().plan, str(path), here().who.side
        )  # the browser may send any choice: checked here
        kind = driver_kind(str(path))
        item: dict[str, Any] = {
            "path": str(path),
            "distribution": record.get("distribution") or "triangular",
        }
        shown = before is not None and index in before.index and before.at[index, "path"] == path
        for bound in BOUNDS:
            was = before.at[index, bound] if shown and before is not None else None
            name = f"{driver_label_safe(str(path))}, {tr(f'analyses.{bound}')}"
            try:
                number = entries.cell_number(
                    record.get(bound),
                    was,
                    name,
                    # a range of a month or whole number may lie between whole numbers
                    kind if kind in ("money", "percent") else "count",
                    -MAX_MONEY,
                    MAX_MONEY,
                    here().plan.currency,
                    tr("analyses.range_bounds"),
                )
            except entries.EntryError as refusal:
                refused.append(str(refusal))
                continue
            if number is not None:
                item[bound] = float(number)
        items.append(item)
    return items, refused


RANGES_FORM = "analyses.form.ranges"
RANGES_KEYS = "grid-keys:uncertainty"
"""The key of the component below the ranges table (:mod:`planner.ui.grid_keys`)."""
RANGES_TYPED = "analyses.form.ranges.typed"
"""Bounds typed into the ranges table that its new drawing carries (after a switch of the UI
language): the table's key, their language and ``{(row, bound): text}``, or the whole table as
last shown (``rows``, when a choice or the rows changed too); and those it could not carry,
listed under it."""


def _kind_of_row(data: pd.DataFrame, row: int) -> str:
    return _kind(str(data.at[data.index[row], "path"]))


def _kind(path: str) -> str:
    """How a bound of the driver ``path`` is typed (none for a row without a driver yet)."""
    return driver_kind(path) if path else ""


def _rewritten_row(row: Sequence[str], was: str) -> dict[str, Any]:
    """A row of the ranges table as the page showed it in the language ``was`` (its cells as
    text), written the UI language's way."""
    path, distribution, *bounds = row
    return {
        "path": path or None,
        "distribution": distribution or None,
        **{
            bound: entries.rewritten(text, _kind(path), was, here().language, here().plan.currency)
            for bound, text in zip(BOUNDS, bounds, strict=True)
        },
    }


def _on_kept() -> None:
    """Bounds typed into the ranges table drawn anew before its form was sent: carried into the
    new table (written the UI language's way), or listed as not kept."""
    found = grid_keys.kept_cells(RANGES_KEYS)
    base = st.session_state.get(FORM_BASES, {}).get(RANGES_FORM)
    if found is None or base is None:
        return
    token, cells = found
    typed_key, _, was = token.rpartition("|")
    if was not in i18n.LANGUAGES:
        return
    same = typed_key == _ranges_key(base.version)
    rows = grid_keys.kept_rows(RANGES_KEYS, len(RANGE_COLUMNS))
    if same and rows is not None:  # a choice changed, rows added or deleted: the whole table
        st.session_state[RANGES_TYPED] = {
            "key": _ranges_key(base.version),
            "language": here().language,
            "cells": {},
            "rows": [_rewritten_row(row, was) for row in rows],
            "dropped": [],
        }
        return
    data: pd.DataFrame = base.data
    carried: dict[entries.Cell, Any] = {}
    dropped: list[str] = []
    for row, column, text in cells:
        name = RANGE_COLUMNS[column - 1] if 1 <= column <= len(RANGE_COLUMNS) else ""
        if name not in BOUNDS or entries.empty_cell(text):
            continue  # a driver or distribution is chosen, not typed
        if same and row < len(data):
            carried[(row, name)] = entries.rewritten(
                text, _kind_of_row(data, row), was, here().language, here().plan.currency
            )
        else:
            dropped.append(f"{tr(f'analyses.{name}')}, {row + 1}: {text}")
    st.session_state[RANGES_TYPED] = {
        "key": _ranges_key(base.version),
        "language": here().language,
        "cells": carried,
        "dropped": dropped,
    }


def _ranges_key(version: int) -> str:
    return f"{state.EDITOR_PREFIX}uncertainty@{version}:{st.session_state[state.RESETS]}"


def _carried(key: str, data: pd.DataFrame) -> dict[str, Any]:
    """The bounds the ranges table drawn as ``key`` carries, in the UI language."""
    typed: dict[str, Any] | None = st.session_state.get(RANGES_TYPED)
    if typed is None or typed["key"] != key:
        return {"cells": {}, "rows": None, "dropped": []}
    if typed["language"] != here().language:  # switched again
        cells = {
            (row, bound): entries.rewritten(
                text,
                _kind_of_row(data, row),
                typed["language"],
                here().language,
                here().plan.currency,
            )
            for (row, bound), text in typed["cells"].items()
        }
        rows = typed.get("rows")
        if rows is not None:
            shown_in = typed["language"]
            rows = [
                _rewritten_row([str(r[c] or "") for c in RANGE_COLUMNS], shown_in) for r in rows
            ]
        typed = {**typed, "language": here().language, "cells": cells, "rows": rows}
        st.session_state[RANGES_TYPED] = typed
    return typed


def ranges_editor() -> None:
    """Edit the plan's uncertainty ranges; saved through the validated edit path."""
    paths = driver_paths()
    base = form_base(RANGES_FORM, "uncertainty", ranges_frame)
    key = _ranges_key(base.version)
    carried = _carried(key, base.data)
    with st.form("analyses.form.ranges", border=False):
        carried_rows = carried.get("rows")
        shown = (
            pd.DataFrame(carried_rows, columns=list(RANGE_COLUMNS), dtype="object")
            if carried_rows is not None
            else entries.with_typed(ranges_shown(base.data), carried["cells"])
        )
        edited = st.data_editor(
            shown,
            key=key,
            num_rows="dynamic",
            hide_index=True,
            placeholder="",
            width="stretch",
            column_config={
                "path": st.column_config.SelectboxColumn(
                    tr("analyses.driver"),
                    options=paths,
                    format_func=lambda p: driver_label_safe(str(p)),
                    required=True,
                    width=RANGE_WIDTHS["path"],
                ),
                "distribution": st.column_config.SelectboxColumn(
                    tr("analyses.distribution"),
                    options=["triangular", "uniform"],
                    format_func=lambda d: tr(f"analyses.distribution_{d}"),
                    required=True,
                    default="triangular",
                    width=RANGE_WIDTHS["distribution"],
                ),
                # text in the UI language, read on the server when saved (a number column
                # writes and reads numbers as the browser's language does)
                **{
                    bound: st.column_config.TextColumn(
                        tr(f"analyses.{bound}"),
                        max_chars=40,
                        alignment="right",
                        help=tr(
                            "analyses.likely_help" if bound == "likely" else "analyses.range_help"
                        ),
                        width=RANGE_WIDTHS[bound],
                    )
                    for bound in BOUNDS
                },
            },
        )
        if clicks.submit(tr("analyses.save_ranges"), "analyses.ranges.save"):
            try:
                items, refused = ranges_from(edited, base.data)
            except AnalysisError as error:
                items, refused = [], [str(error)]
            if refused:  # nothing written; the typed cells stay in the table
                state.errors()[RANGE_ERRORS] = refused
            else:
                written = session.change(
                    {"uncertainty": items}, RANGE_ERRORS, bases={"uncertainty": base.version}
                )
                saved_or_overtaken(RANGES_FORM, "uncertainty", written)
                if written:
                    st.session_state.pop(RANGES_TYPED, None)
                    session.notify("analyses.ranges_saved", count=len(items), plural=len(items))
                st.rerun()
    grid_keys.keep_form_cells(
        RANGES_KEYS, f"{key}|{here().language}", session.plan_id() or "", _on_kept
    )
    if carried["dropped"]:
        st.warning(
            tr("analyses.typed_dropped") + "\n\n" + problem_list(carried["dropped"]),
            icon=":material/warning:",
        )
    fields.problems(RANGE_ERRORS)


def percentile_table(result: montecarlo.MonteCarlo) -> pd.DataFrame:
    body: dict[str, list[str]] = {tr("analyses.figure"): []}
    for q in montecarlo.PERCENTILES:
        body[f"P{q}"] = []
    body[tr("analyses.defined")] = []
    for name, values in result.percentiles.items():
        if name in here().hidden:
            continue
        body[tr("analyses.figure")].append(figure_label(name))
        for q in montecarlo.PERCENTILES:
            body[f"P{q}"].append(figure_text(name, values[f"p{q}"]))
        body[tr("analyses.defined")].append(i18n.percent(values["defined"], here().language))
    return pd.DataFrame(body)


def histogram_chart(result: montecarlo.MonteCarlo) -> dict[str, Any] | None:
    bins = result.histograms["partner.npv"]
    edges, counts = list(bins["edges"]), list(bins["counts"])
    if not counts:
        return None
    frame = pd.DataFrame({"low": edges[:-1], "high": edges[1:], "count": counts})
    titles = {"x": figure_label("partner.npv"), "y": tr("analyses.draws_axis")}
    return charts.histogram(frame, titles, here().language)


def monte_carlo_section() -> None:
    st.caption(tr("analyses.mc_caption"))
    ranges = [
        entry for entry in here().plan.uncertainty or [] if not here().view.is_hidden(entry.path)
    ]
    if not ranges:
        st.info(tr("analyses.no_ranges"), icon=":material/info:")
        ranges_editor()
        return
    with st.expander(tr("analyses.ranges_title", count=len(ranges))):
        ranges_editor()
    left, middle, right = st.columns([2, 2, 3], vertical_alignment="bottom")
    draws = left.number_input(
        tr("analyses.draws"),
        min_value=1,
        max_value=UI_MAX_DRAWS,
        value=montecarlo.DEFAULT_DRAWS,
        step=1000,
        key=MC_DRAWS,
        help=tr("analyses.draws_help", most=i18n.number(UI_MAX_DRAWS, here().language)),
    )
    seed = middle.number_input(
        tr("analyses.seed"),
        min_value=0,
        max_value=2**32 - 1,
        value=DEFAULT_SEED,
        step=1,
        key=MC_SEED,
        help=tr("analyses.seed_help"),
    )
    if clicks.button(right, tr("analyses.run"), "analyses.mc.run", type="primary"):
        try:
            with st.spinner(tr("analyses.running")):
                found = montecarlo.run(here().plan, int(draws), int(seed), audience=here().who.side)
                # kept before the spinner goes: a run can stop there (someone's change arrived
                # meanwhile), and the draws would be lost with the click answered
                state.errors().pop(MC_ERRORS, None)
                st.session_state[MC_RESULT] = (here().revision, found)
        except AnalysisError as error:
            state.errors()[MC_ERRORS] = [str(error)]
    fields.problems(MC_ERRORS)
    stored = st.session_state.get(MC_RESULT)
    if stored is None or stored[0] != here().revision:
        return
    result: montecarlo.MonteCarlo = stored[1]
    st.caption(
        tr(
            "analyses.mc_done",
            draws=i18n.number(result.draws, here().language),
            seed=result.seed,
        )
    )
    payback, mutual = st.columns(2)
    payback.metric(
        tr("analyses.p_payback"),
        i18n.percent(result.probability_payback, here().language),
        help=tr("analyses.p_payback_help", months=here().plan.months),
        border=True,
    )
    if "mutual" not in here().hidden:
        mutual.metric(
            tr("analyses.p_mutual"),
            i18n.percent(result.probability_mutual, here().language),
            help=tr("analyses.p_mutual_help"),
            border=True,
        )
    percentiles = percentile_table(result)
    widgets.text_table(
        percentiles, "analyses.mc_table", height=widgets.full_height(len(percentiles))
    )
    chart = histogram_chart(result)
    if chart is not None:
        st.markdown(f"**{tr('analyses.histogram_title')}**")
        widgets.chart(chart, key="analyses.histogram")
