"""Scenarios and analyses: comparison, tornado, goal seek and Monte Carlo over the plan in force.

Every number comes from :mod:`planner.analysis`; this page only chooses, formats and shows,
as the session's side may see it: drivers, figures, scenario values and uncertainty ranges
private to another side are left out or masked, and a viewer changes nothing.
Every change to the plan (scenarios, a goal-seek answer, uncertainty ranges) goes through
:func:`planner.ui.session.change` or :func:`~planner.ui.session.commit`: validated, saved,
undoable.
"""

import itertools
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from planner import i18n
from planner.analysis import AnalysisError, goalseek, montecarlo, scenarios, sensitivity, zone
from planner.analysis.drivers import driver, drivers
from planner.analysis.figures import ANALYSIS_FIGURES, is_month_figure
from planner.model import MONTH_FIGURES, evaluate_many
from planner.plan import Plan, PlanError, get_value, with_values
from planner.privacy import hidden_figures
from planner.ui import charts, fields, session, state, viewer, widgets
from planner.ui.text import figure, label, plain, problem_list, tr

ss = st.session_state
plan = state.plan_in_force()
language = state.language()
revision = ss[state.REVISION]
who = viewer.current()
view = who.view(plan)
# Figures of the vendor's economics (and the verdict built on them) only for a side that sees them
HIDDEN_FIGURES = hidden_figures(plan, who.side)
SHOWN_FIGURES = [f for f in ANALYSIS_FIGURES if f not in HIDDEN_FIGURES]

PERCENT_FIGURES = frozenset({"irr", "roi", "value_share"})
OPS = (">=", "<=")
# Comments, not docstrings, below: a bare string in a page script would be shown on the page.
CHART_BARS = 12  # tornado bars drawn; the table lists every driver that moves the figure
UI_MAX_DRAWS = 100_000  # most draws one click may ask for in the app
DEFAULT_SEED = 1

# Widget and result keys of this page.
SCENARIO_SIDE = "analyses.compare.side"
NEW_NAME = "analyses.scenario.new_name"
COPY_NAME = "analyses.scenario.copy_name"
COPY_FROM = "analyses.scenario.copy_from"
MANAGE_CHOICE = "analyses.scenario.choice"
RENAME_TO = "analyses.scenario.rename_to"
KEEP_BASE = "analyses.scenario.keep_base"
SCENARIO_ERRORS = "analyses.scenario"
TORNADO_FIGURE = "analyses.tornado.figure"
TORNADO_STEP = "analyses.tornado.step"
GOAL_DRIVER = "analyses.goal.driver"
GOAL_FIGURE = "analyses.goal.figure"
GOAL_OP = "analyses.goal.op"
GOAL_TARGET = "analyses.goal.target"
GOAL_RESULT = "analyses.goal.result"
GOAL_ERRORS = "analyses.goal"
MC_DRAWS = "analyses.mc.draws"
MC_SEED = "analyses.mc.seed"
MC_RESULT = "analyses.mc.result"
MC_ERRORS = "analyses.mc"
RANGE_ERRORS = "analyses.uncertainty"
ZONE_X = "analyses.zone.x"
ZONE_Y = "analyses.zone.y"
ZONE_ERRORS = "analyses.zone"


# --- labels and formats ----------------------------------------------------------------------


def driver_kind(path: str) -> str:
    """How a driver's value is entered and shown: money, percent, count, month or integer."""
    return fields.kind_of(path)


def driver_label(path: str) -> str:
    """A driver as the meeting names it: ``Account Manager (1) · FTE``."""
    parts = path.split(".")
    if not any(part.isdigit() for part in parts):
        return label(path)
    index = next(i for i, part in enumerate(parts) if part.isdigit())
    number, name = int(parts[index]), parts[-1]
    if parts[0] == "resources":
        owner = tr("analyses.driver_item", name=plan.resources[number].role, number=number + 1)
    elif parts[0] == "investments":
        owner = plan.investments[number].name
    else:
        owner = tr("analyses.tier", number=number + 1)
    return f"{owner} · {label(name)}"


def driver_value(path: str, value: float | None) -> str:
    """A driver value in its unit, formatted for the UI language."""
    kind = driver_kind(path)
    if kind == "money":
        return i18n.money(value, plan.currency, language)
    if kind == "percent":
        return i18n.percent(value, language, 2)
    if kind == "count":
        return i18n.number(value, language, 2)
    return i18n.number(value, language)


def figure_label(name: str) -> str:
    """``Partner · Kapitalwert (NPV)`` for ``partner.npv``."""
    side, _, short = name.partition(".")
    return f"{label(side)} · {label(short)}"


def figure_text(name: str, value: float | None) -> str:
    """A figure (``side.name``) formatted: money, percent or a plan month."""
    return figure(name.partition(".")[2], value, plan)


def plain_figure(name: str, value: float | None) -> str:
    """A figure value for tables and chart axes: month figures as plan month numbers."""
    short = name.partition(".")[2]
    if short in MONTH_FIGURES:
        return i18n.number(value, language)
    return figure(short, value, plan)


def signed(name: str, difference: float | None) -> str:
    """A difference to the base: ``+12.000 €``, ``-3 Monate``, ``+1,5 Prozentpunkte``."""
    if difference is None:
        return i18n.MISSING
    short = name.partition(".")[2]
    sign = "+" if difference > 0 else ""
    if short in MONTH_FIGURES:
        return tr("figure.months_delta", months=sign + i18n.number(difference, language))
    if short in PERCENT_FIGURES:
        points = sign + i18n.number(difference * 100, language, 1)
        return tr("figure.points_delta", points=points)
    return sign + i18n.money(difference, plan.currency, language)


def text_table(frame: pd.DataFrame, key: str, left: tuple[str, ...] = ()) -> None:
    """A table of formatted texts, numbers right-aligned, every row visible."""
    config = {
        column: st.column_config.TextColumn(column, alignment="left" if column in left else "right")
        for column in frame.columns
    }
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=widgets.ROW_HEIGHT * (len(frame) + 1) + 3,
        column_config=config,
        key=key,
    )


def edit(build: Callable[[], Plan], error_key: str, notice: str, **values: Any) -> bool:
    """Make the plan ``build()`` returns the plan in force, or note why not.

    The change is handed to :func:`session.change` as the top-level parts that differ, so it is
    validated, saved and undoable like any edit of the assumptions.
    """
    found = state.errors()
    try:
        changed = build()
    except (PlanError, AnalysisError) as error:
        problems = error.problems if isinstance(error, PlanError) else [error]
        found[error_key] = [str(problem) for problem in problems]
        return False
    before, after = state.plan_in_force().to_data(), changed.to_data()
    parts = {
        k: after.get(k) for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)
    }
    if parts and not session.change(parts, error_key):
        return False
    session.notify(notice, **{k: plain(str(v)) for k, v in values.items()})
    return True


# --- scenario comparison ---------------------------------------------------------------------


def comparison_table() -> pd.DataFrame:
    """Base and every scenario, with the difference to the base, formatted."""
    result = scenarios.compare(plan)
    titles = [tr("analyses.figure"), tr("analyses.base")]
    for name in result.scenarios:
        titles += [name, tr("analyses.difference", name=name)]
    yes, no = tr("analyses.yes"), tr("analyses.no")
    rows = []
    for row in result.rows():
        name = row["figure"]
        if name in HIDDEN_FIGURES:
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
    names = [tr("analyses.base"), *(s.name for s in plan.scenarios)]
    outcomes = evaluate_many([plan, *(plan.scenario(s.name) for s in plan.scenarios)])
    column = "cumulative_cash" if side == "partner" else "vendor_cumulative_cash"
    frame = pd.concat(
        [
            pd.DataFrame({"date": o.monthly["date"], "series": name, "value": o.monthly[column]})
            for name, o in zip(names, outcomes, strict=True)
        ],
        ignore_index=True,
    )
    titles = {"x": tr("chart.month"), "y": tr("chart.amount", currency=plan.currency)}
    return charts.lines(frame, "series", titles, language)


def scenario_changes(name: str) -> str:
    """What a scenario sets, one ``label: value`` per line, shown literally."""
    chosen = next(s for s in plan.scenarios if s.name == name)
    lines = []
    for path, value in chosen.set.items():
        if view.is_hidden(path):
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
    if not plan.scenarios:
        st.info(tr("analyses.no_scenarios"), icon=":material/info:")
    else:
        table = session.memo("analyses:compare", comparison_table)
        text_table(table, "analyses.compare_table", left=(tr("analyses.figure"),))
        side = st.segmented_control(
            tr("analyses.curve_side"),
            ("partner", "vendor") if who.sees_vendor_economics(plan) else ("partner",),
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
            for scenario in plan.scenarios:
                st.markdown(f"**{plain(scenario.name)}**")
                st.markdown(scenario_changes(scenario.name) or i18n.MISSING)
    if who.can_edit:
        st.subheader(tr("analyses.manage_title"))
        manage_scenarios()


def _from_edits(origin: Plan, name: str) -> Plan:
    changes = scenarios.diff(origin, plan)
    restored = with_values(plan, {path: get_value(origin, path) for path in changes})
    return scenarios.add_scenario(restored, name, changes)


def _copy(name: str, source: str, rows: pd.DataFrame) -> Plan:
    base_set: dict[str, Any] = {}
    if source:
        base_set = dict(next(s for s in plan.scenarios if s.name == source).set)
    for record in rows.to_dict(orient="records"):
        path, value = record.get("driver"), record.get("value")
        if not path or value is None or pd.isna(value):
            continue
        # the browser may send any choice: only a driver this side may see is one
        driver(plan, str(path), who.side)
        kind = driver_kind(str(path))
        base_set[str(path)] = fields.stored(kind, float(value))
        if kind in ("month", "integer") and float(value).is_integer():
            base_set[str(path)] = int(value)
    return scenarios.add_scenario(plan, name, base_set)


def manage_scenarios() -> None:
    """Create, rename, delete and promote scenarios; each change is one undoable edit."""
    past: list[Plan] = ss[state.PAST]
    origin = past[0] if past else None
    edits = scenarios.diff(origin, plan) if origin is not None else {}
    from_edits, copy, manage = st.columns(3, gap="large")
    with from_edits, st.form("analyses.form.from_edits", border=True):
        st.markdown(f"**{tr('analyses.from_edits_title')}**")
        if edits:
            st.caption(tr("analyses.from_edits_caption", count=len(edits)))
            st.markdown(problem_list([driver_label_safe(path) for path in edits]))
        else:
            st.caption(tr("analyses.from_edits_none"))
        name = st.text_input(tr("analyses.scenario_name"), max_chars=200, key=NEW_NAME)
        created = st.form_submit_button(
            tr("analyses.create"), disabled=not edits, key="analyses.from_edits.create"
        )
        if (
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
    with copy, st.form("analyses.form.copy", border=True):
        st.markdown(f"**{tr('analyses.copy_title')}**")
        copy_name = st.text_input(tr("analyses.scenario_name"), max_chars=200, key=COPY_NAME)
        source = st.selectbox(
            tr("analyses.copy_from"),
            ["", *(s.name for s in plan.scenarios)],
            format_func=lambda n: n or tr("analyses.base"),
            key=COPY_FROM,
        )
        paths = driver_paths()
        rows = st.data_editor(
            pd.DataFrame({"driver": pd.Series([], dtype="object"), "value": []}),
            key=state.editor_key("analyses.copy"),
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_config={
                "driver": st.column_config.SelectboxColumn(
                    tr("analyses.driver"),
                    options=paths,
                    format_func=lambda p: driver_label_safe(str(p)),
                ),
                "value": st.column_config.NumberColumn(
                    tr("analyses.new_value"), help=tr("analyses.value_help")
                ),
            },
        )
        if st.form_submit_button(tr("analyses.create"), key="analyses.copy.create") and edit(
            lambda: _copy(copy_name.strip(), source, rows),
            SCENARIO_ERRORS,
            "analyses.created",
            name=copy_name.strip(),
        ):
            st.rerun()
    with manage, st.container(border=True):
        st.markdown(f"**{tr('analyses.manage_one')}**")
        names = [s.name for s in plan.scenarios]
        if not names:
            st.caption(tr("analyses.no_scenarios"))
        else:
            chosen = st.selectbox(tr("analyses.scenario"), names, key=MANAGE_CHOICE)
            new_name = st.text_input(tr("analyses.rename_to"), max_chars=200, key=RENAME_TO)
            rename, delete = st.columns(2)
            renamed = rename.button(tr("analyses.rename"), key="analyses.rename", width="stretch")
            if renamed and edit(
                lambda: scenarios.rename_scenario(plan, chosen, new_name.strip()),
                SCENARIO_ERRORS,
                "analyses.renamed",
                name=new_name.strip(),
            ):
                st.rerun()
            deleted = delete.button(tr("analyses.delete"), key="analyses.delete", width="stretch")
            if deleted and edit(
                lambda: scenarios.delete_scenario(plan, chosen),
                SCENARIO_ERRORS,
                "analyses.deleted",
                name=chosen,
            ):
                st.rerun()
            keep = st.text_input(
                tr("analyses.keep_base_as"),
                max_chars=200,
                key=KEEP_BASE,
                help=tr("analyses.keep_base_help"),
            )
            promoted = st.button(
                tr("analyses.promote"), key="analyses.promote", type="primary", width="stretch"
            )
            if promoted and edit(
                lambda: scenarios.promote_scenario(plan, chosen, keep_base_as=keep.strip() or None),
                SCENARIO_ERRORS,
                "analyses.promoted",
                name=chosen,
            ):
                st.rerun()
    fields.problems(SCENARIO_ERRORS)


def driver_paths() -> list[str]:
    """The plan's numeric drivers, in plan order (computed once per plan revision)."""
    return session.memo("analyses:drivers", lambda: [d.path for d in drivers(plan, who.side)])


def driver_label_safe(path: str) -> str:
    """A driver's label, or its path if the plan has no such item any more."""
    try:
        return driver_label(path)
    except (IndexError, KeyError):
        return path


# --- tornado ---------------------------------------------------------------------------------


def tornado_views(name: str, step: float) -> tuple[dict[str, Any] | None, pd.DataFrame, str]:
    """Chart spec, table and headline of the tornado of figure ``name`` at ``step``."""
    result = sensitivity.tornado(plan, name, step, audience=who.side)
    moving = [bar for bar in result.bars if bar.changes_kind or bar.impact > 0]
    down = tr("analyses.case_low", step=i18n.number(step * 100, language))
    up = tr("analyses.case_high", step=i18n.number(step * 100, language))
    records = []
    for bar in moving[:CHART_BARS]:
        title = driver_label(bar.path)
        for case, value in ((down, bar.low_figure), (up, bar.high_figure)):
            records.append({"driver": title, "case": case, "start": result.base, "end": value})
    columns = ["driver", "case", "start", "end"]
    chart = None
    if records:
        frame = pd.DataFrame(records, columns=columns)
        chart = charts.tornado(frame, {"x": figure_label(name)}, language)
    table = pd.DataFrame(
        {
            tr("analyses.driver"): [driver_label(bar.path) for bar in moving],
            tr("analyses.now"): [driver_value(bar.path, bar.value) for bar in moving],
            down: [driver_value(bar.path, bar.low_value) for bar in moving],
            up: [driver_value(bar.path, bar.high_value) for bar in moving],
            tr("analyses.figure_at", case=down): [
                plain_figure(name, bar.low_figure) for bar in moving
            ],
            tr("analyses.figure_at", case=up): [
                plain_figure(name, bar.high_figure) for bar in moving
            ],
            tr("analyses.impact"): [
                tr("analyses.changes_kind") if bar.changes_kind else plain_figure(name, bar.impact)
                for bar in moving
            ],
        }
    )
    headline = tr(
        "analyses.tornado_base",
        figure=figure_label(name),
        value=figure_text(name, result.base),
        step=i18n.number(step * 100, language),
    )
    return chart, table, headline


def tornado_section() -> None:
    st.caption(tr("analyses.tornado_caption"))
    left, right = st.columns([3, 1])
    name = left.selectbox(
        tr("analyses.figure"),
        SHOWN_FIGURES,
        index=SHOWN_FIGURES.index(sensitivity.DEFAULT_FIGURE),
        format_func=figure_label,
        key=TORNADO_FIGURE,
    )
    percent = right.number_input(
        tr("analyses.step"),
        min_value=1.0,
        max_value=100.0,
        value=sensitivity.DEFAULT_STEP * 100,
        step=5.0,
        format="%.0f",
        key=TORNADO_STEP,
        help=tr("analyses.step_help"),
    )
    step = fields.stored("percent", percent)
    chart, table, headline = session.memo(
        f"analyses:tornado:{name}:{step}", lambda: tornado_views(name, step)
    )
    st.markdown(headline)
    if chart is None:
        st.info(tr("analyses.tornado_flat"), icon=":material/info:")
        return
    widgets.chart(chart, key="analyses.tornado_chart")
    text_table(table, "analyses.tornado_table", left=(tr("analyses.driver"),))


# --- goal seek -------------------------------------------------------------------------------


def target_unit(name: str) -> str:
    short = name.partition(".")[2]
    if short in MONTH_FIGURES:
        return tr("analyses.target_month", months=plan.months)
    if short in PERCENT_FIGURES:
        return tr("analyses.target_percent")
    return tr("analyses.target_money", currency=plan.currency)


def goal_answer(result: goalseek.GoalSeek) -> None:
    """The goal-seek answer in words, and what it means for the plan."""
    goal = tr(
        "analyses.goal_text",
        figure=figure_label(result.figure),
        op=result.op.replace(">=", "≥").replace("<=", "≤"),
        target=figure_text(result.figure, result.target)
        if not is_month_figure(result.figure)
        else tr("analyses.plan_month", month=i18n.number(result.target, language)),
    )
    title = driver_label(result.path)
    if result.status == "unreachable":
        closest = figure_text(result.figure, result.figure_value)
        st.warning(
            tr(
                "analyses.goal_unreachable",
                goal=goal,
                driver=title,
                low=driver_value(result.path, result.low),
                high=driver_value(result.path, result.high),
                closest=closest,
            ),
            icon=":material/block:",
        )
        return
    if result.status == "met_everywhere":
        st.info(tr("analyses.goal_everywhere", goal=goal, driver=title), icon=":material/info:")
        return
    st.success(
        tr(
            "analyses.goal_reached",
            goal=goal,
            driver=title,
            value=driver_value(result.path, result.value),
            now=driver_value(result.path, result.base_value),
            figure=figure_text(result.figure, result.figure_value),
            before=figure_text(result.figure, result.base_figure),
        ),
        icon=":material/flag:",
    )
    applied = st.button(tr("analyses.apply"), key="analyses.goal.apply", type="primary")
    if applied and session.change({result.path: result.value}, GOAL_ERRORS):
        session.notify("analyses.applied", driver=plain(title))
        st.rerun()
    fields.problems(GOAL_ERRORS)


def goal_section() -> None:
    st.caption(tr("analyses.goal_caption"))
    paths = driver_paths()
    default_path = "revenue.deal_size" if "revenue.deal_size" in paths else paths[0]
    left, middle, op_column, right = st.columns([3, 3, 1, 2])
    path = left.selectbox(
        tr("analyses.driver"),
        paths,
        index=paths.index(default_path),
        format_func=lambda p: driver_label_safe(str(p)),
        key=GOAL_DRIVER,
    )
    name = middle.selectbox(
        tr("analyses.figure"),
        SHOWN_FIGURES,
        index=SHOWN_FIGURES.index("partner.npv"),
        format_func=figure_label,
        key=GOAL_FIGURE,
    )
    op = op_column.selectbox(
        tr("analyses.condition"),
        OPS,
        format_func=lambda o: o.replace(">=", "≥").replace("<=", "≤"),
        key=GOAL_OP,
    )
    target = right.number_input(
        tr("analyses.target"), value=0.0, step=1.0, key=GOAL_TARGET, help=target_unit(name)
    )
    st.caption(target_unit(name))
    if st.button(tr("analyses.seek"), key="analyses.goal.run", type="primary"):
        short = name.partition(".")[2]
        wanted = fields.stored("percent", target) if short in PERCENT_FIGURES else target
        try:
            found = goalseek.goal_seek(
                plan,
                path,
                name,
                float(wanted),
                op,  # type: ignore[arg-type]
                audience=who.side,
            )
        except AnalysisError as error:
            state.errors()[GOAL_ERRORS] = [str(error)]
        else:
            state.errors().pop(GOAL_ERRORS, None)
            ss[GOAL_RESULT] = (revision, found)
    stored = ss.get(GOAL_RESULT)
    if stored is not None and stored[0] == revision:
        goal_answer(stored[1])
    else:
        fields.problems(GOAL_ERRORS)


# --- Monte Carlo -----------------------------------------------------------------------------

RANGE_COLUMNS = ("path", "distribution", "low", "likely", "high")


def ranges_frame() -> pd.DataFrame:
    """The plan's uncertainty ranges in display units (shares in percent)."""
    rows = []
    for entry in plan.uncertainty or []:
        if view.is_hidden(entry.path):
            continue  # another side's range of its private value: neither shown nor lost
        kind = driver_kind(entry.path)
        rows.append(
            {
                "path": entry.path,
                "distribution": entry.distribution,
                "low": fields.shown(kind, entry.low) if kind == "percent" else entry.low,
                "likely": None
                if entry.likely is None
                else fields.shown(kind, entry.likely)
                if kind == "percent"
                else entry.likely,
                "high": fields.shown(kind, entry.high) if kind == "percent" else entry.high,
            }
        )
    frame = pd.DataFrame(rows, columns=list(RANGE_COLUMNS))
    return frame.astype({"low": "float64", "likely": "float64", "high": "float64"})


def ranges_from(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The edited table as the plan's ``uncertainty`` list (shares back to fractions); the
    ranges of values hidden from this side stay as they are."""
    items = [
        entry.model_dump(mode="json", exclude_none=True)
        for entry in plan.uncertainty or []
        if view.is_hidden(entry.path)
    ]
    for record in frame.to_dict(orient="records"):
        path = record.get("path")
        if not path or (isinstance(path, float) and pd.isna(path)):
            continue
        driver(plan, str(path), who.side)  # the browser may send any choice: checked here
        kind = driver_kind(str(path))
        item: dict[str, Any] = {
            "path": str(path),
            "distribution": record.get("distribution") or "triangular",
        }
        for bound in ("low", "likely", "high"):
            value = record.get(bound)
            if value is None or pd.isna(value):
                continue
            number = float(value)
            item[bound] = fields.stored("percent", number) if kind == "percent" else number
        items.append(item)
    return items


def ranges_editor() -> None:
    """Edit the plan's uncertainty ranges; saved through the validated edit path."""
    paths = driver_paths()
    with st.form("analyses.form.ranges", border=False):
        edited = st.data_editor(
            ranges_frame(),
            key=state.editor_key("uncertainty"),
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
                    width="large",
                ),
                "distribution": st.column_config.SelectboxColumn(
                    tr("analyses.distribution"),
                    options=["triangular", "uniform"],
                    format_func=lambda d: tr(f"analyses.distribution_{d}"),
                    required=True,
                    default="triangular",
                ),
                "low": st.column_config.NumberColumn(
                    tr("analyses.low"), help=tr("analyses.range_help")
                ),
                "likely": st.column_config.NumberColumn(
                    tr("analyses.likely"), help=tr("analyses.likely_help")
                ),
                "high": st.column_config.NumberColumn(
                    tr("analyses.high"), help=tr("analyses.range_help")
                ),
            },
        )
        if st.form_submit_button(tr("analyses.save_ranges"), key="analyses.ranges.save"):
            try:
                items = ranges_from(edited)
            except AnalysisError as error:
                state.errors()[RANGE_ERRORS] = [str(error)]
                items = None
            if items is not None and session.change({"uncertainty": items}, RANGE_ERRORS):
                session.notify("analyses.ranges_saved", count=len(items))
                st.rerun()
    fields.problems(RANGE_ERRORS)


def percentile_table(result: montecarlo.MonteCarlo) -> pd.DataFrame:
    body: dict[str, list[str]] = {tr("analyses.figure"): []}
    for q in montecarlo.PERCENTILES:
        body[f"P{q}"] = []
    body[tr("analyses.defined")] = []
    for name, values in result.percentiles.items():
        if name in HIDDEN_FIGURES:
            continue
        body[tr("analyses.figure")].append(figure_label(name))
        for q in montecarlo.PERCENTILES:
            body[f"P{q}"].append(figure_text(name, values[f"p{q}"]))
        body[tr("analyses.defined")].append(i18n.percent(values["defined"], language))
    return pd.DataFrame(body)


def histogram_chart(result: montecarlo.MonteCarlo) -> dict[str, Any] | None:
    bins = result.histograms["partner.npv"]
    edges, counts = list(bins["edges"]), list(bins["counts"])
    if not counts:
        return None
    frame = pd.DataFrame({"low": edges[:-1], "high": edges[1:], "count": counts})
    titles = {"x": figure_label("partner.npv"), "y": tr("analyses.draws_axis")}
    return charts.histogram(frame, titles, language)


def monte_carlo_section() -> None:
    st.caption(tr("analyses.mc_caption"))
    ranges = [entry for entry in plan.uncertainty or [] if not view.is_hidden(entry.path)]
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
        help=tr("analyses.draws_help", most=i18n.number(UI_MAX_DRAWS, language)),
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
    if right.button(tr("analyses.run"), key="analyses.mc.run", type="primary"):
        try:
            with st.spinner(tr("analyses.running")):
                found = montecarlo.run(plan, int(draws), int(seed), audience=who.side)
        except AnalysisError as error:
            state.errors()[MC_ERRORS] = [str(error)]
        else:
            state.errors().pop(MC_ERRORS, None)
            ss[MC_RESULT] = (revision, found)
    fields.problems(MC_ERRORS)
    stored = ss.get(MC_RESULT)
    if stored is None or stored[0] != revision:
        return
    result: montecarlo.MonteCarlo = stored[1]
    st.caption(
        tr(
            "analyses.mc_done",
            draws=i18n.number(result.draws, language),
            seed=result.seed,
        )
    )
    payback, mutual = st.columns(2)
    payback.metric(
        tr("analyses.p_payback"),
        i18n.percent(result.probability_payback, language),
        help=tr("analyses.p_payback_help", months=plan.months),
        border=True,
    )
    if "mutual" not in HIDDEN_FIGURES:
        mutual.metric(
            tr("analyses.p_mutual"),
            i18n.percent(result.probability_mutual, language),
            help=tr("analyses.p_mutual_help"),
            border=True,
        )
    text_table(percentile_table(result), "analyses.mc_table", left=(tr("analyses.figure"),))
    chart = histogram_chart(result)
    if chart is not None:
        st.markdown(f"**{tr('analyses.histogram_title')}**")
        widgets.chart(chart, key="analyses.histogram")


# --- zone of mutual interest ---------------------------------------------------------------


def _edges(values: tuple[float, ...], scale: float) -> tuple[list[float], list[float]]:
    """Each grid value's cell from halfway to its left neighbour to halfway to its right."""
    shown = [v * scale for v in values]
    mids = [(a + b) / 2 for a, b in itertools.pairwise(shown)]
    return [shown[0], *mids], [*mids, shown[-1]]


def zone_section() -> None:
    st.caption(tr("analyses.zone_caption"))
    paths = driver_paths()
    left, right = st.columns(2)
    defaults = (zone.DEFAULT_X, zone.DEFAULT_Y)
    chosen = []
    for column, key, default, name in (
        (left, ZONE_X, defaults[0], "x"),
        (right, ZONE_Y, defaults[1], "y"),
    ):
        chosen.append(
            column.selectbox(
                tr(f"analyses.zone_{name}"),
                paths,
                index=paths.index(default) if default in paths else 0,
                format_func=lambda p: driver_label_safe(str(p)),
                key=key,
            )
        )
    x, y = chosen
    if x == y:
        st.info(tr("analyses.zone_same"), icon=":material/info:")
        return
    try:
        full = session.memo(
            f"analyses:zone:{x}:{y}", lambda: zone.zone(plan, x, y, audience=who.side)
        )
    except AnalysisError as error:
        st.error(plain(str(error)))
        return
    found = full.for_side(who.sees_vendor_economics(plan))
    scale_x = 100.0 if driver_kind(x) == "percent" else 1.0
    scale_y = 100.0 if driver_kind(y) == "percent" else 1.0
    x_low, x_high = _edges(found.x.values, scale_x)
    y_low, y_high = _edges(found.y.values, scale_y)
    names = {
        "both": tr("analyses.zone_both"),
        "partner": tr("analyses.zone_partner"),
        "vendor": tr("analyses.zone_vendor"),
        "neither": tr("analyses.zone_neither"),
    }
    if found.vendor is None:
        regions = {
            names["partner"]: charts.ZONE_COLOURS[0],
            tr("analyses.zone_not_partner"): charts.ZONE_COLOURS[3],
        }
    else:
        regions = {
            names[k]: c
            for k, c in zip(
                ("both", "partner", "vendor", "neither"), charts.ZONE_COLOURS, strict=True
            )
        }
    rows = []
    for i in range(len(found.y.values)):
        for j in range(len(found.x.values)):
            p = bool(found.partner[i, j])
            if found.vendor is None:
                region = names["partner"] if p else tr("analyses.zone_not_partner")
            else:
                v = bool(found.vendor[i, j])
                region = names[
                    "both" if p and v else "partner" if p else "vendor" if v else "neither"
                ]
            rows.append(
                {"x": x_low[j], "x2": x_high[j], "y": y_low[i], "y2": y_high[i], "region": region}
            )
    now = tr("analyses.zone_this_plan")
    points = [
        {"x": found.x.current * scale_x, "y": found.y.current * scale_y, "label": now, "text": ""}
    ]
    if found.nearest:
        points.append(
            {
                "x": float(found.nearest[x]) * scale_x,
                "y": float(found.nearest[y]) * scale_y,
                "label": tr("analyses.zone_nearest"),
                "text": "",
            }
        )
    titles = {
        "x": driver_label_safe(x) + (" (%)" if scale_x == 100 else ""),
        "y": driver_label_safe(y) + (" (%)" if scale_y == 100 else ""),
        "x_format": ",.1f" if scale_x == 100 else ",.4~g",
        "y_format": ",.1f" if scale_y == 100 else ",.4~g",
    }
    spec = charts.zone(pd.DataFrame(rows), pd.DataFrame(points), regions, titles, language)
    widgets.chart(spec, key="analyses.zone_chart")
    zone_verdict(found, x, y)


def zone_verdict(found: zone.Zone, x: str, y: str) -> None:
    """Where the plan stands on the map, and the smallest change that makes it mutual."""
    current = found.current
    if current["both"]:
        st.success(tr("analyses.zone_is_mutual"), icon=":material/handshake:")
        return
    if current["both"] is None:
        key = "analyses.zone_partner_yes" if current["partner"] else "analyses.zone_partner_no"
        st.info(tr(key), icon=":material/info:")
        return
    if not found.nearest:
        st.warning(tr("analyses.zone_nowhere"), icon=":material/warning:")
        return
    change = tr(
        "analyses.zone_change",
        x=driver_label_safe(x),
        x_from=driver_value(x, found.x.current),
        x_to=driver_value(x, float(found.nearest[x])),
        y=driver_label_safe(y),
        y_from=driver_value(y, found.y.current),
        y_to=driver_value(y, float(found.nearest[y])),
    )
    st.warning(change, icon=":material/moving:")
    applied = who.can_edit and st.button(tr("analyses.zone_apply"), key="analyses.zone.apply")
    if applied and session.change(dict(found.nearest), ZONE_ERRORS):
        session.notify("analyses.zone_applied")
        st.rerun()
    fields.problems(ZONE_ERRORS)


# --- the page --------------------------------------------------------------------------------

st.title(tr("analyses.title"))
widgets.parties(plan)
compare_tab, zone_tab, tornado_tab, goal_tab, mc_tab = st.tabs(
    [
        tr("analyses.tab_compare"),
        tr("analyses.tab_zone"),
        tr("analyses.tab_tornado"),
        tr("analyses.tab_goal"),
        tr("analyses.tab_mc"),
    ]
)
with compare_tab:
    scenario_section()
with zone_tab:
    zone_section()
with tornado_tab:
    tornado_section()
with goal_tab:
    goal_section()
with mc_tab:
    monte_carlo_section()
