"""Building blocks of the pages: key figures, verdict, charts and tables of a computed plan."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd
import streamlit as st

from planner import i18n
from planner.model import MONTH_FIGURES, Outcome
from planner.plan.schema import Plan
from planner.ui import charts, session, state, viewer
from planner.ui.text import figure, figure_delta, label, month_of, plain, term, tr

Side = Literal["partner", "vendor"]

SHOWN_FIGURES: dict[str, tuple[str, ...]] = {
    "partner": ("npv", "irr", "payback_month", "break_even_month", "peak_funding", "roi"),
    "vendor": ("npv", "irr", "payback_month", "revenue", "cost", "roi"),
}
LOWER_IS_BETTER = frozenset({"payback_month", "break_even_month", "peak_funding", "cost"})
PNL_LINES: dict[str, tuple[str, ...]] = {
    "partner": (
        "resale",
        "services",
        "managed",
        "revenue",
        "sell_in",
        "gross_profit",
        "vendor_funds",
        "staff_cost",
        "opex",
        "investment_net",
        "ebitda",
        "cumulative_cash",
    ),
    "vendor": (
        "vendor_revenue",
        "vendor_gross_profit",
        "mdf",
        "rebate",
        "investment_vendor_funded",
        "vendor_cost",
        "vendor_cash_flow",
        "vendor_cumulative_cash",
    ),
}
ROW_HEIGHT = 35
"""Pixels per table row, so tables show every line without an inner scrollbar."""
REVENUE_PARTS = ("resale", "services", "managed")


def parties(plan: Plan) -> None:
    """One line naming the plan, both parties and the horizon."""
    st.caption(
        tr(
            "dashboard.parties",
            partner=plain(plan.partner.name),
            vendor=plain(plan.vendor.name),
            kind=term(f"kind.{plan.partner.kind}"),
            start=month_of(1, plan),
            end=month_of(plan.months, plan),
            months=plan.months,
        )
    )


def verdict(result: Outcome) -> None:
    """Whether the plan pays off for both sides, in plain words (for a side that may not see
    the vendor's economics: whether it pays off for the partner)."""
    partner = (result.kpis["partner"]["npv"] or 0) > 0
    vendor = (result.kpis["vendor"]["npv"] or 0) > 0
    if not viewer.current().sees_vendor_economics(result.plan):
        if partner:
            st.success(term("verdict.partner_pays_off"), icon=":material/trending_up:")
        else:
            st.error(term("verdict.partner_does_not"), icon=":material/error:")
        return
    if result.mutual:
        st.success(term("verdict.mutual"), icon=":material/handshake:")
    elif partner:
        st.warning(term("verdict.partner_only"), icon=":material/warning:")
    elif vendor:
        st.warning(term("verdict.vendor_only"), icon=":material/warning:")
    else:
        st.error(term("verdict.neither"), icon=":material/error:")


def terms(result: Outcome) -> None:
    """What the two sides negotiate with, next to the verdict: how the joint NPV is split and
    whether each side's hurdles (minimum IRR, latest payback) are cleared. A side that may not
    see the vendor's economics sees neither the split nor the vendor's hurdles."""
    plan = result.plan
    economics = viewer.current().sees_vendor_economics(plan)
    lines = []
    if economics:
        partner, vendor = result.kpis["partner"]["npv"], result.kpis["vendor"]["npv"]
        joint = (partner or 0.0) + (vendor or 0.0)
        if joint > 0:
            language = state.language()
            lines.append(
                tr(
                    "terms.split",
                    partner=i18n.percent(partner / joint, language, 0),
                    vendor=i18n.percent(vendor / joint, language, 0),
                    joint=i18n.money(joint, plan.currency, language),
                )
            )
        else:
            lines.append(tr("terms.no_joint_value"))
    for side in ("partner", "vendor") if economics else ("partner",):
        checks = hurdle_checks(result, side)
        if checks:
            party = plan.partner.name if side == "partner" else plan.vendor.name
            lines.append(tr(f"terms.hurdles.{side}", name=plain(party)) + " " + " · ".join(checks))
    if lines:
        st.markdown("  \n".join(lines))


def hurdle_checks(result: Outcome, side: str) -> list[str]:
    """Each hurdle of ``side`` with whether the plan clears it (empty when it has none); a
    hurdle private to the other side is left out."""
    plan = result.plan
    hurdle = getattr(plan.hurdles, side, None) if plan.hurdles is not None else None
    if hurdle is None:
        return []
    shown = viewer.current().view(plan)
    found = result.kpis[side]
    checks = []
    if hurdle.min_irr is not None and not shown.is_hidden(f"hurdles.{side}.min_irr"):
        irr = found["irr"]
        ok = irr is not None and irr >= hurdle.min_irr
        digits = 0 if round(hurdle.min_irr * 100, 9).is_integer() else 1
        wanted = i18n.percent(hurdle.min_irr, state.language(), digits)
        checks.append(_mark(ok) + " " + tr("terms.min_irr", irr=wanted))
    latest_path = f"hurdles.{side}.latest_payback_month"
    if hurdle.latest_payback_month is not None and not shown.is_hidden(latest_path):
        month = found["payback_month"]
        ok = month is not None and month <= hurdle.latest_payback_month
        latest = tr(
            "figure.month",
            month=hurdle.latest_payback_month,
            date=month_of(hurdle.latest_payback_month, plan),
        )
        checks.append(_mark(ok) + " " + tr("terms.latest_payback", month=latest))
    return checks


def _mark(ok: bool) -> str:
    return ":green[:material/check_circle:]" if ok else ":red[:material/cancel:]"


def figures(side: Side, result: Outcome, before: Outcome | None) -> None:
    """A side's key figures as metrics, with the change since the last edit; only those the
    session's side may see (the vendor's revenue alone unless it shares its economics)."""
    plan = result.plan
    visible = viewer.current().figures(plan, result.kpis)[side]
    values = result.kpis[side]
    previous = before.kpis[side] if before is not None else {}
    names = [name for name in SHOWN_FIGURES[side] if name in visible]
    # two abreast fit the longest figure and its label in the page's width; presenter type one
    per_row = 1 if st.session_state.get(state.PRESENTER) else 2
    for row in range(0, len(names), per_row):
        for column, name in zip(st.columns(per_row), names[row : row + per_row], strict=False):
            column.metric(
                tr(f"short.{name}"),
                figure(name, values[name], plan),
                delta=figure_delta(name, values[name], previous.get(name), plan),
                delta_color="inverse" if name in LOWER_IS_BETTER else "normal",
                help=_figure_help(name, values[name]),
                border=True,
            )


STRIP_FIGURES: dict[str, tuple[str, ...]] = {
    "partner": ("npv", "irr", "payback_month", "peak_funding"),
    "vendor": ("npv", "irr", "revenue"),
}
"""The key figures that stay in view while the assumptions are edited."""


def chart(spec: dict[str, Any], key: str) -> None:
    """A chart across the page; in presenter mode with text large enough for a room."""
    presenter = bool(st.session_state.get(state.PRESENTER))
    st.vega_lite_chart(charts.for_room(spec) if presenter else spec, width="stretch", key=key)


def figure_strip(result: Outcome, before: Outcome | None) -> None:
    """Both sides' key figures, the verdict and what the last edit changed (the arrows), in a
    compact strip that stays at the top of the page while the assumptions are edited."""
    plan = result.plan
    visible = viewer.current().figures(plan, result.kpis)
    shown = {side: [n for n in STRIP_FIGURES[side] if n in visible[side]] for side in STRIP_FIGURES}
    with st.container(key="figure_strip", border=True):
        st.markdown(verdict_line(result))
        sides = [side for side in ("partner", "vendor") if shown.get(side)]
        for area, side in zip(st.columns([len(shown[s]) for s in sides]), sides, strict=True):
            previous = before.kpis[side] if before is not None else {}
            party = plan.partner.name if side == "partner" else plan.vendor.name
            area.caption(tr(f"side.{side}", name=plain(party)))
            # the narrowest gap: at 1280 px a German label ("Amortisation") and its help icon
            # need the room the default gap takes
            # one horizontal container, not a column per figure: the figures share its width
            # equally (shell.BASE_CSS) as columns would, in one element instead of 1 + n (each
            # element sent costs the other browser its redraw on every remote change)
            row = area.container(horizontal=True, gap="xsmall", wrap=False, key=f"strip_{side}")
            for name in shown[side]:
                value = result.kpis[side][name]
                row.metric(
                    tr(f"short.{name}"),
                    figure(name, value, plan),
                    delta=figure_delta(name, value, previous.get(name), plan),
                    delta_color="inverse" if name in LOWER_IS_BETTER else "normal",
                    help=_figure_help(name, value),
                )


def verdict_line(result: Outcome) -> str:
    """The verdict as one line of markdown with its icon (see :func:`verdict`)."""
    partner = (result.kpis["partner"]["npv"] or 0) > 0
    vendor = (result.kpis["vendor"]["npv"] or 0) > 0
    if not viewer.current().sees_vendor_economics(result.plan):
        key = "verdict.partner_pays_off" if partner else "verdict.partner_does_not"
        good = partner
    elif result.mutual:
        key, good = "verdict.mutual", True
    else:
        key = (
            "verdict.partner_only"
            if partner
            else "verdict.vendor_only"
            if vendor
            else "verdict.neither"
        )
        good = False
    icon = ":green[:material/check_circle:]" if good else ":orange[:material/warning:]"
    return f"{icon} **{term(key)}**"


def _figure_help(name: str, value: float | None) -> str:
    text = label(name) + ": " + tr(f"figure_help.{name}")
    if name in MONTH_FIGURES and value:
        text += " " + tr("figure.plan_month", month=int(value))
    return text


def _titles(plan: Plan, y: str) -> dict[str, str]:
    return {"x": tr("chart.month"), "y": y, "payback": tr("chart.payback")}


def cash_chart(result: Outcome) -> None:
    """Cumulative cash of both sides, payback marked."""
    plan = result.plan
    sides = ("partner", "vendor") if viewer.current().sees_vendor_economics(plan) else ("partner",)
    names = {"partner": plan.partner.name, "vendor": plan.vendor.name}
    spec = session.memo(
        f"chart:cash:{len(sides)}",
        lambda: charts.cumulative_cash(
            result.monthly,
            names={side: names[side] for side in sides},
            paybacks={side: result.kpis[side]["payback_month"] for side in sides},
            titles=_titles(plan, tr("chart.amount", currency=plan.currency)),
            language=state.language(),
        ),
    )
    chart(spec, key="chart:cash")


def mix_chart(result: Outcome) -> None:
    """The partner's revenue per month by source."""
    plan = result.plan
    spec = session.memo(
        "chart:mix",
        lambda: charts.revenue_mix(
            result.monthly,
            [(part, tr(f"mix.{part}")) for part in REVENUE_PARTS],
            _titles(plan, tr("chart.amount", currency=plan.currency)),
            state.language(),
        ),
    )
    chart(spec, key="chart:mix")


def team_chart(result: Outcome) -> None:
    """The partner's headcount ramp."""
    spec = session.memo(
        "chart:team",
        lambda: charts.headcount(
            result.monthly, _titles(result.plan, label("headcount")), state.language()
        ),
    )
    chart(spec, key="chart:team")


def year_columns(plan: Plan, yearly: pd.DataFrame) -> list[str]:
    """Column titles of yearly tables: ``Jahr 1 (Jan. 2027 – Dez. 2027)``."""
    language = state.language()
    return [
        tr(
            "pnl.year",
            year=int(row["year"]),
            start=i18n.month_label(row["from"], language),
            end=i18n.month_label(row["to"], language),
        )
        for _, row in yearly.iterrows()
    ]


def money_frame(
    plan: Plan, frame: pd.DataFrame, lines: Sequence[str], columns: Sequence[str]
) -> pd.DataFrame:
    """Rows of amounts (``frame`` rows = periods) transposed, formatted: one line per item."""
    language = state.language()
    body = {
        title: [i18n.money(frame.iloc[i][line], plan.currency, language) for line in lines]
        for i, title in enumerate(columns)
    }
    return pd.DataFrame(body, index=[label(line) for line in lines])


def full_height(rows: int) -> int:
    """Pixels a table of ``rows`` rows and its header takes without an inner scrollbar."""
    return ROW_HEIGHT * (rows + 1) + 3


def text_table(frame: pd.DataFrame, key: str, left: int = 1, height: int | None = None) -> None:
    """A table of formatted texts: its first ``left`` columns left-aligned, the first (what a
    row is) pinned, so it stays in view while a wide table's numbers scroll beside it; the
    numbers right-aligned; ``height`` in pixels (Streamlit's own without)."""
    config = {
        column: st.column_config.TextColumn(
            column, alignment="left" if i < left else "right", pinned=i == 0 or None
        )
        for i, column in enumerate(frame.columns)
    }
    sized: dict[str, Any] = {} if height is None else {"height": height}
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config, key=key, **sized)


def show_money_frame(table: pd.DataFrame, key: str) -> None:
    """A formatted table, amounts right-aligned, every line visible."""
    st.dataframe(
        table,
        width="stretch",
        height=ROW_HEIGHT * (len(table) + 1) + 3,
        column_config={
            title: st.column_config.TextColumn(title, alignment="right") for title in table.columns
        },
        key=key,
    )


def pnl(side: Side, result: Outcome) -> None:
    """A side's yearly P&L and cash flow."""

    def build() -> pd.DataFrame:
        yearly = session.memo("yearly", lambda: result.yearly)
        return money_frame(result.plan, yearly, PNL_LINES[side], year_columns(result.plan, yearly))

    show_money_frame(session.memo(f"pnl:{side}", build), key=f"pnl:{side}")


def coming(feature: str) -> None:
    """A notice that a part of the product is not there yet (no placeholder numbers)."""
    st.info(tr(f"coming.{feature}"), icon=":material/construction:")


def kpi_row(values: dict[str, Any], plan: Plan, names: Sequence[str]) -> list[str]:
    """Key figures formatted for a table row."""
    return [figure(name, values[name], plan) for name in names]


def file_uploader(label: str, types: Sequence[str], key: str, **options: Any) -> Any:
    """``st.file_uploader`` whose button and note read in the UI language: Streamlit writes
    them in English ("Upload", "10MB per file • CSV, XLSX"); the note names the size limit
    (``server.maxUploadSize``, MB) and the file ``types``."""
    note = tr(
        "upload.note",
        size=st.get_option("server.maxUploadSize"),
        types=", ".join(t.upper() for t in types),
    )
    zone = f".st-key-{re.sub(r'[^A-Za-z0-9_-]', '-', key)} [data-testid='stFileUploaderDropzone']"
    # Streamlit's English text left out of the page (and of what a screen reader reads), ours
    # written after it by the element around it
    button = f"{zone} button [data-testid='stMarkdownContainer']"
    instructions = f"{zone} [data-testid='stFileUploaderDropzoneInstructions'] > div"
    rules = [f"{button} p, {instructions} span {{ display: none; }}"] + [
        f"{where}::after {{ content: {_css_text(text)}; }}"
        for where, text in ((button, tr("upload.button")), (instructions, note))
    ]
    st.html("<style>" + "\n".join(rules) + "</style>")
    return st.file_uploader(label, type=list(types), key=key, **options)


def _css_text(text: str) -> str:
    """``text`` as a CSS string: quotes, backslashes, line ends and ``<`` escaped."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<\n' else c for c in text)
    return f'"{escaped}"'
