"""The scenario comparison tab: base and scenarios side by side, and managing scenarios."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from planner import i18n
from planner.analysis import AnalysisError, scenarios
from planner.analysis.drivers import driver
from planner.model import evaluate_many
from planner.plan.paths import get_value
from planner.plan.schema import MAX_MONEY, Plan, Scenario
from planner.plan.validation import with_scenario, with_values
from planner.ui import charts, clicks, collab, entries, fields, grid_keys, session, state, widgets
from planner.ui.analyses.common import (
    COPY_FROM,
    COPY_NAME,
    FORM_BASES,
    KEEP_BASE,
    MANAGE_CHOICE,
    NEW_NAME,
    RENAME_TO,
    SCENARIO_ERRORS,
    SCENARIO_SIDE,
    driver_kind,
    driver_label,
    driver_label_safe,
    driver_paths,
    driver_value,
    edit,
    figure_label,
    figure_text,
    form_base,
    here,
    saved_or_overtaken,
    signed,
)
from planner.ui.text import label, plain, problem_list, tr

# --- scenario comparison ---------------------------------------------------------------------


def comparison_table() -> pd.DataFrame:
    """Base and every scenario, with the difference to the base, formatted."""
    result = scenarios.compare(here().plan)
    titles = [tr("analyses.figure"), tr("analyses.base")]
    for name in result.scenarios:
        titles += [name, tr("analyses.difference", name=name)]
    yes, no = tr("analyses.yes"), tr("analyses.no")
    rows = []
    for row in result.rows():
        name = row["figure"]
        if name in here().hidden:
            continue
        if name == "mutual":
            cells = [label(name), yes if row["base"] else no]
        else:
            cells = [figure_label(name), figure_text(name, row["base"])]
        for scenario in result.scenarios:
            value, difference = row["values"][scenario], row["differences"][scenario]
            if name == "mutual":
                cells += [yes if value else no, ""]
            else:
                cells += [figure_text(name, value), signed(name, difference)]
        rows.append(cells)
    return pd.DataFrame(rows, columns=unique(titles))


def unique(titles: list[str]) -> list[str]:
    """Column titles made distinct (a scenario may be named like another column)."""
    seen: set[str] = set()
    out = []
    for title in titles:
        candidate, number = title, 2
        while candidate in seen:
            candidate, number = f"{title} ({number})", number + 1
        seen.add(candidate)
        out.append(candidate)
    return out


def comparison_chart(side: str) -> dict[str, Any]:
    """Cumulative cash of one side for the base and every scenario, over each other."""
    names = [tr("analyses.base"), *(s.name for s in here().plan.scenarios)]
    outcomes = evaluate_many(
        [here().plan, *(with_scenario(here().plan, s.name) for s in here().plan.scenarios)]
    )
    column = "cumulative_cash" if side == "partner" else "vendor_cumulative_cash"
    frame = pd.concat(
        [
            pd.DataFrame({"date": o.monthly["date"], "series": name, "value": o.monthly[column]})
            for name, o in zip(names, outcomes, strict=True)
        ],
        ignore_index=True,
    )
    titles = {"x": tr("chart.month"), "y": tr("chart.amount", currency=here().plan.currency)}
    return charts.lines(frame, "series", titles, here().language)


def scenario_changes(name: str) -> str:
    """What a scenario sets, one ``label: value`` per line, shown literally."""
    chosen = next(s for s in here().plan.scenarios if s.name == name)
    lines = []
    for path, value in chosen.set.items():
        if here().view.is_hidden(path):
            lines.append(f"{driver_label_safe(path)}: {tr('field.private')}")
            continue
        try:
            shown = driver_value(path, float(value))
            title = driver_label(path)
        except (TypeError, ValueError, IndexError):
            shown, title = i18n.MISSING if value is None else str(value), path
        lines.append(f"{title}: {shown}")
    return problem_list(lines)


def scenario_section() -> None:
    st.caption(tr("analyses.compare_caption"))
    if not here().plan.scenarios:
        st.info(tr("analyses.no_scenarios"), icon=":material/info:")
    else:
        table = session.memo("analyses:compare", comparison_table)
        widgets.text_table(table, "analyses.compare_table", height=widgets.full_height(len(table)))
        side = st.segmented_control(
            tr("analyses.curve_side"),
            ("partner", "vendor")
            if here().who.sees_vendor_economics(here().plan)
            else ("partner",),
            default="partner",
            format_func=label,
            key=SCENARIO_SIDE,
        )
        chosen_side = side or "partner"
        st.markdown(f"**{tr('analyses.curves_title')}**")
        chart = session.memo(
            f"analyses:curves:{chosen_side}", lambda: comparison_chart(chosen_side)
        )
        widgets.chart(chart, key="analyses.curves")
        with st.expander(tr("analyses.what_scenarios_set")):
            for scenario in here().plan.scenarios:
                st.markdown(f"**{plain(scenario.name)}**")
                st.markdown(scenario_changes(scenario.name) or i18n.MISSING)
    if here().who.can_edit:
        st.subheader(tr("analyses.manage_title"))
        manage_scenarios()


def _from_edits(origin: Plan, name: str) -> Plan:
    changes = scenarios.diff(origin, here().plan)
    restored = with_values(here().plan, {path: get_value(origin, path) for path in changes})
    return scenarios.add_scenario(restored, name, changes)


SHOWN_EDITS = "analyses.from_edits.shown"
"""The edits the scenario-from-edits form listed in the last run (``dict`` path -> value)."""
COPY_FORM = "analyses.form.copy"
COPY_KEYS = "grid-keys:copy"
"""The key of the component below the copy form's table (:mod:`planner.ui.grid_keys`)."""
COPY_DROPPED = "analyses.form.copy.dropped"
"""Values typed into the copy form's table that its new drawing lost (its rows are added ones,
whose driver the page does not know): listed under it until the form is sent."""


COPY_ROWS = "analyses.form.copy.rows"
"""The copy form's table as last shown before it was drawn anew (a switch of the UI language),
carried into the new one: its key, the language of its values and its rows (driver, value)."""


def _copy_kept() -> None:
    """The copy form's table drawn anew before the form was sent (a switch of the UI
    language): its rows as last shown are carried into the new table (values written the UI
    language's way); typed values of a table drawn for another version are listed as not kept,
    by row."""
    found = grid_keys.kept_cells(COPY_KEYS)
    if found is None:
        return
    typed_key, _, was = found[0].rpartition("|")
    rows = grid_keys.kept_rows(COPY_KEYS, 2)
    if rows is not None and was in i18n.LANGUAGES and typed_key == _copy_key():
        st.session_state[COPY_ROWS] = {"key": typed_key, "language": was, "rows": rows}
        return
    value = tr("analyses.new_value")
    st.session_state[COPY_DROPPED] = [
        f"{value}, {row + 1}: {text}"
        for row, column, text in found[1]
        if column == 2 and not entries.empty_cell(text)  # row marker, driver, value
    ]


def _copy_key() -> str:
    """The copy form table's widget key: new for each version of the scenarios it is based on
    (and after a reset)."""
    base = st.session_state.get(FORM_BASES, {}).get(COPY_FORM)
    version = base.version if base is not None else 0
    return f"{state.EDITOR_PREFIX}analyses.copy@{version}:{st.session_state[state.RESETS]}"


def _copy_rows(key: str) -> pd.DataFrame:
    """What the copy form's table (keyed ``key``) starts with: no rows, or those carried from
    its drawing in the other language, values written the UI language's way."""
    carried: dict[str, Any] = st.session_state.get(COPY_ROWS) or {}
    rows: list[list[str]] = carried["rows"] if carried.get("key") == key else []
    shown = [
        {
            "driver": path or None,
            "value": entries.rewritten(
                text,
                driver_kind(path) if path else "",
                carried["language"],
                here().language,
                here().plan.currency,
            ),
        }
        for path, text in rows
    ]
    return pd.DataFrame(shown, columns=["driver", "value"], dtype="object")


MANAGE_FORM = "analyses.form.manage"


def copy_values(rows: pd.DataFrame) -> tuple[dict[str, Any], list[str]]:
    """The values typed into the copy form's table, as the plan holds them (``2,5`` for a
    share is 2.5 %, stored 0.025; a month or whole number as ``int``), and the refusals of
    values that are no number of their driver, each naming the driver and the column."""
    values: dict[str, Any] = {}
    refused: list[str] = []
    for record in rows.to_dict(orient="records"):
        path, value = record.get("driver"), record.get("value")
        if not path or (isinstance(path, float) and pd.isna(path)) or entries.empty_cell(value):
            continue
        # the browser may send any choice: only a driver this side may see is one
        driver(here().plan, str(path), here().who.side)
        name = f"{driver_label_safe(str(path))}, {tr('analyses.new_value')}"
        kind = driver_kind(str(path))
        try:
            values[str(path)] = entries.cell_number(
                value, None, name, kind, -MAX_MONEY, MAX_MONEY, here().plan.currency
            )
        except entries.EntryError as refusal:
            refused.append(str(refusal))
    return values, refused


def _set_of(source: str, shown: Sequence[Scenario]) -> dict[str, Any]:
    """What scenario ``source`` of the scenarios ``shown`` sets (nothing for the base)."""
    found = [s for s in shown if s.name == source]
    return dict(found[0].set) if found else {}


def left_out(source: str, shown: Sequence[Scenario]) -> list[str]:
    """The paths scenario ``source`` sets that are private to the other side: a copy by this
    side leaves them out (the store refuses a side's write of the other side's private
    value), so the copy can be made, and says so by their names."""
    return [path for path in _set_of(source, shown) if here().view.is_hidden(path)]


def _copy(name: str, source: str, values: dict[str, Any], shown: Sequence[Scenario]) -> Plan:
    """The plan with a new scenario ``name``: scenario ``source`` as the form showed it
    (``shown``; the base when empty) with ``values`` on top; without the values of the
    source private to the other side, which this side may not write (:func:`left_out`)."""
    hidden = left_out(source, shown)
    base_set = {p: v for p, v in _set_of(source, shown).items() if p not in hidden}
    base_set.update(values)
    return scenarios.add_scenario(here().plan, name, base_set)


COPY_DRIVER_WIDTH = 300
"""Pixels of the copy table's driver column: its longest labels whole ("Abschlüsse je
Vertriebs-FTE und Monat"), beside a value column, in the page's width at 1024 px."""
VALUE_WIDTH = 160
"""Pixels of a column of typed numbers: "New value" / "Neuer Wert" and its help mark whole,
room for 1.234.567,89."""


def copy_form() -> None:
    """A new scenario: a base plan or scenario to start from, new values per driver on top.

    The choice of where to start is no part of the form: a form's choice reaches the server
    only when the form is sent, and a switch of the UI language would show it as the server
    knew it (:func:`~planner.ui.analyses.common.choices_in_language`)."""
    with st.container(border=True):
        st.markdown(f"**{tr('analyses.copy_title')}**")
        base = form_base(COPY_FORM, "scenarios", lambda: list(here().plan.scenarios))
        source = st.columns(2)[0].selectbox(
            tr("analyses.copy_from"),
            ["", *(s.name for s in base.data)],
            format_func=lambda n: n or tr("analyses.base"),
            key=COPY_FROM,
        )
        hidden = left_out(source, base.data)
        if hidden:
            names = ", ".join(driver_label_safe(path) for path in hidden)
            st.caption(tr("analyses.copy_leaves_out", names=names))
        with st.form(COPY_FORM, border=False):
            copy_name = st.columns(2)[0].text_input(
                tr("analyses.scenario_name"), max_chars=200, key=COPY_NAME
            )
            paths = driver_paths()
            key = _copy_key()
            rows = st.data_editor(
                _copy_rows(key),
                key=key,
                num_rows="dynamic",
                hide_index=True,
                width="content",
                column_config={
                    "driver": st.column_config.SelectboxColumn(
                        tr("analyses.driver"),
                        options=paths,
                        format_func=lambda p: driver_label_safe(str(p)),
                        width=COPY_DRIVER_WIDTH,
                    ),
                    # text in the UI language, read on the server when saved (a number column
                    # writes and reads numbers as the browser's language does)
                    "value": st.column_config.TextColumn(
                        tr("analyses.new_value"),
                        max_chars=40,
                        alignment="right",
                        help=tr("analyses.value_help"),
                        width=VALUE_WIDTH,
                    ),
                },
            )
            if clicks.submit(tr("analyses.create"), "analyses.copy.create"):
                st.session_state.pop(COPY_DROPPED, None)
                st.session_state.pop(COPY_ROWS, None)  # the table has them now
                try:
                    values, refused = copy_values(rows)
                except AnalysisError as error:
                    values, refused = {}, [str(error)]
                if refused:  # nothing written; the typed cells stay in the table
                    state.errors()[SCENARIO_ERRORS] = refused
                else:
                    written = edit(
                        lambda: _copy(copy_name.strip(), source, values, base.data),
                        SCENARIO_ERRORS,
                        "analyses.created",
                        bases={"scenarios": base.version},
                        name=copy_name.strip(),
                    )
                    saved_or_overtaken(COPY_FORM, "scenarios", written)
                    if written:
                        st.rerun()
        grid_keys.keep_form_cells(
            COPY_KEYS, f"{key}|{here().language}", session.plan_id() or "", _copy_kept
        )
        dropped = st.session_state.get(COPY_DROPPED)
        if dropped:
            st.warning(
                tr("analyses.typed_dropped") + "\n\n" + problem_list(dropped),
                icon=":material/warning:",
            )


def manage_scenarios() -> None:
    """Create, rename, delete and promote scenarios; each change is one undoable edit."""
    past: list[Plan] = st.session_state[state.PAST]
    origin = past[0] if past else None
    edits = scenarios.diff(origin, here().plan) if origin is not None else {}
    # what the form listed when its person clicked: the list of the run before the click's
    shown = st.session_state.get(SHOWN_EDITS, edits)
    st.session_state[SHOWN_EDITS] = edits
    # the two short forms side by side, the copy with its table below them at full width
    from_edits, manage = st.columns(2, gap="large")
    with from_edits, st.form("analyses.form.from_edits", border=True):
        st.markdown(f"**{tr('analyses.from_edits_title')}**")
        if edits:
            st.caption(tr("analyses.from_edits_caption", count=len(edits), plural=len(edits)))
            st.markdown(problem_list([driver_label_safe(path) for path in edits]))
        else:
            st.caption(tr("analyses.from_edits_none"))
        name = st.text_input(tr("analyses.scenario_name"), max_chars=200, key=NEW_NAME)
        created = clicks.submit(
            tr("analyses.create"), "analyses.from_edits.create", disabled=not edits
        )
        if created and shown != edits:  # a change arrived after the list was drawn
            st.warning(tr("analyses.from_edits_moved"), icon=":material/sync:")
        elif (
            created
            and origin is not None
            and edit(
                lambda: _from_edits(origin, name.strip()),
                SCENARIO_ERRORS,
                "analyses.created",
                name=name.strip(),
            )
        ):
            st.rerun()
    with manage:
        # the scenarios as the person saw them: a pick keeps meaning the scenario picked, and a
        # rename, deletion or promotion of them meets someone else's change as a conflict
        kept = form_base(
            MANAGE_FORM,
            "scenarios",
            lambda: list(here().plan.scenarios),
            "analyses.scenarios_stale",
            "analyses.scenarios_latest",
        )
    seen = here().plan.model_copy(update={"scenarios": list(kept.data)})
    bases = {"scenarios": kept.version}

    def done(written: bool) -> None:
        saved_or_overtaken(MANAGE_FORM, "scenarios", written)
        if written or "scenarios" in collab.pending_paths():
            st.rerun()

    with manage, st.container(border=True):
        st.markdown(f"**{tr('analyses.manage_one')}**")
        names = [s.name for s in kept.data]
        if not names:
            st.caption(tr("analyses.no_scenarios"))
        else:
            chosen = st.selectbox(tr("analyses.scenario"), names, key=MANAGE_CHOICE)
            new_name = st.text_input(tr("analyses.rename_to"), max_chars=200, key=RENAME_TO)
            rename, delete = st.columns(2)
            renamed = clicks.button(
                rename, tr("analyses.rename"), "analyses.rename", width="stretch"
            )
            if renamed:
                done(
                    edit(
                        lambda: scenarios.rename_scenario(seen, chosen, new_name.strip()),
                        SCENARIO_ERRORS,
                        "analyses.renamed",
                        bases=bases,
                        name=new_name.strip(),
                    )
                )
            deleted = clicks.button(
                delete, tr("analyses.delete"), "analyses.delete", width="stretch"
            )
            if deleted:
                done(
                    edit(
                        lambda: scenarios.delete_scenario(seen, chosen),
                        SCENARIO_ERRORS,
                        "analyses.deleted",
                        bases=bases,
                        name=chosen,
                    )
                )
            keep = st.text_input(
                tr("analyses.keep_base_as"),
                max_chars=200,
                key=KEEP_BASE,
                help=tr("analyses.keep_base_help"),
            )
            promoted = clicks.button(
                st, tr("analyses.promote"), "analyses.promote", type="primary", width="stretch"
            )
            if promoted:
                done(
                    edit(
                        lambda: scenarios.promote_scenario(
                            seen, chosen, keep_base_as=keep.strip() or None
                        ),
                        SCENARIO_ERRORS,
                        "analyses.promoted",
                        bases=bases,
                        name=chosen,
                    )
                )
    copy_form()
    fields.problems(SCENARIO_ERRORS)
