"""Charts of a computed plan, defined with altair: only reshaping and labelling, no arithmetic.

Building and validating an altair chart costs about a quarter of a second, too slow for a
dashboard that redraws on every edit. So each chart is defined once per set of labels with
named data sources (:func:`functools.cache`), turned into its Vega-Lite spec, and every
redraw only puts the plan's rows into that spec (a few milliseconds).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import altair as alt
import pandas as pd
from babel import Locale

from planner.i18n import LOCALES

PARTNER_COLOUR = "#1f4e79"
VENDOR_COLOUR = "#c05f1a"
MIX_COLOURS = ("#1f4e79", "#5b8db8", "#a9c4de")
PLAN_COLOUR = "#8a8f98"
"""Grey: the plan a comparison measures against."""
SERIES_COLOURS = ("#1f4e79", "#c05f1a", "#4f8a3c", "#7b4f9d", "#8a8f98", "#b8860b")
"""Calm, distinguishable colours for overlaid series (base first)."""
HEIGHT = 280


@cache
def vega_locale(language: str) -> dict[str, Any]:
    """Vega number and time formats of the UI language (from Babel's locale data)."""
    loc = Locale.parse(LOCALES.get(language, "en_GB"))
    symbols = loc.number_symbols["latn"]
    months = loc.months["format"]
    short = loc.months["stand-alone"]["abbreviated"]
    days = loc.days["format"]
    order = (6, 0, 1, 2, 3, 4, 5)  # Vega starts the week on Sunday, Babel on Monday
    return {
        "number": {
            "decimal": symbols["decimal"],
            "thousands": symbols["group"],
            "grouping": [3],
            "currency": ["", ""],
        },
        "time": {
            "dateTime": "%x, %X",
            "date": "%d.%m.%Y" if language == "de" else "%d/%m/%Y",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": [days["wide"][i] for i in order],
            "shortDays": [days["abbreviated"][i] for i in order],
            "months": [months["wide"][i] for i in range(1, 13)],
            "shortMonths": [short[i] for i in range(1, 13)],
        },
    }


def _dates(monthly: pd.DataFrame) -> pd.Series:
    return monthly["date"] + "-01"


def _finish(chart: Any, language: str, height: int = HEIGHT) -> dict[str, Any]:
    styled = chart.properties(height=height).configure(locale=vega_locale(language))
    spec: dict[str, Any] = styled.configure_view(strokeWidth=0).to_dict(validate=False)
    return spec


ROOM_FONT = {"axis": (16, 18), "legend": (16, 18), "header": (16, 18)}
"""Label and title font sizes (px) of charts in presenter mode, read from across a room."""


def for_room(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with chart text large enough for a projector (a copy; the cached spec stays)."""
    config = dict(spec.get("config") or {})
    for part, (labels, titles) in ROOM_FONT.items():
        config[part] = {
            **(config.get(part) or {}),
            "labelFontSize": labels,
            "titleFontSize": titles,
        }
    config["text"] = {**(config.get("text") or {}), "fontSize": 16}
    return {**spec, "config": config}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = frame.to_dict(orient="records")
    # JSON has no NaN: an undefined value is a gap in the chart
    return [{str(k): (None if v != v else v) for k, v in row.items()} for row in rows]


def _with_data(spec: dict[str, Any], **tables: pd.DataFrame) -> dict[str, Any]:
    """A cached spec with the plan's rows put into its named data sources."""
    filled = dict(spec)
    filled["datasets"] = {name: _records(frame) for name, frame in tables.items()}
    return filled


def _temporal_x(title: str) -> Any:
    return alt.X("date:T", title=title, axis=alt.Axis(format="%b %Y", labelAngle=0))


def _money_y(title: str, **extra: Any) -> Any:
    return alt.Y("value:Q", title=title, axis=alt.Axis(format=",.0f"), **extra)


@cache
def _cash_template(
    partner: str, vendor: str, x: str, y: str, payback: str, language: str
) -> dict[str, Any]:
    sides = ((partner, PARTNER_COLOUR), (vendor, VENDOR_COLOUR))
    shown = [(name, colour) for name, colour in sides if name]  # no vendor line: not shared
    colours = alt.Scale(domain=[n for n, _ in shown], range=[c for _, c in shown])
    legend = alt.Legend(title=None, orient="top", labelLimit=320)
    lines = (
        alt.Chart(alt.NamedData("cash"))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=_temporal_x(x),
            y=_money_y(y),
            color=alt.Color("side:N", scale=colours, legend=legend),
            tooltip=[
                alt.Tooltip("date:T", title=x, format="%b %Y"),
                alt.Tooltip("side:N", title=" "),
                alt.Tooltip("value:Q", title=y, format=",.0f"),
            ],
        )
    )
    zero = alt.Chart(alt.NamedData("zero")).mark_rule(color="#888", strokeDash=[2, 2])
    points = alt.Chart(alt.NamedData("marks")).encode(
        x="date:T", y="value:Q", color=alt.Color("side:N", scale=colours, legend=None)
    )
    layers = alt.layer(
        zero.encode(y="value:Q"),
        lines,
        points.mark_point(size=140, filled=True, shape="diamond"),
        points.mark_text(dy=-14, fontSize=12, fontWeight="bold").encode(text=alt.value(payback)),
    )
    return _finish(layers, language)


def cumulative_cash(
    monthly: pd.DataFrame,
    names: Mapping[str, str],
    paybacks: Mapping[str, int | None],
    titles: Mapping[str, str],
    language: str,
) -> dict[str, Any]:
    """The sides' cumulative cash (the J-curves), the payback month of each side marked.

    ``names`` maps ``partner`` and, when its economics are shown, ``vendor`` to legend labels;
    ``paybacks`` maps them to payback months (None: none within the horizon), ``titles`` holds
    the ``x``, ``y`` and ``payback`` labels.
    """
    dates = _dates(monthly)
    columns = {
        side: column
        for side, column in (("partner", "cumulative_cash"), ("vendor", "vendor_cumulative_cash"))
        if side in names
    }
    cash = pd.concat(
        [
            pd.DataFrame({"date": dates, "side": names[side], "value": monthly[column]})
            for side, column in columns.items()
        ],
        ignore_index=True,
    )
    marks = pd.DataFrame(
        [
            {"date": dates.iloc[month - 1], "side": names[side], "value": 0.0}
            for side, month in paybacks.items()
            if month and side in names
        ],
        columns=["date", "side", "value"],
    )
    spec = _cash_template(
        names["partner"],
        names.get("vendor", ""),
        titles["x"],
        titles["y"],
        titles["payback"],
        language,
    )
    return _with_data(spec, cash=cash, marks=marks, zero=pd.DataFrame({"value": [0.0]}))


@cache
def _mix_template(parts: tuple[str, ...], x: str, y: str, language: str) -> dict[str, Any]:
    chart = (
        alt.Chart(alt.NamedData("mix"))
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(date):T", title=x, axis=alt.Axis(format="%b %Y", labelAngle=0)),
            y=_money_y(y, stack="zero"),
            color=alt.Color(
                "part:N",
                scale=alt.Scale(domain=list(parts), range=list(MIX_COLOURS)),
                legend=alt.Legend(title=None, orient="top", labelLimit=320),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("yearmonth(date):T", title=x, format="%b %Y"),
                alt.Tooltip("part:N", title=" "),
                alt.Tooltip("value:Q", title=y, format=",.0f"),
            ],
        )
    )
    return _finish(chart, language)


def revenue_mix(
    monthly: pd.DataFrame,
    parts: Sequence[tuple[str, str]],
    titles: Mapping[str, str],
    language: str,
) -> dict[str, Any]:
    """The partner's revenue per month, stacked by source (``parts``: column, label)."""
    dates = _dates(monthly)
    mix = pd.concat(
        [
            pd.DataFrame({"date": dates, "part": name, "order": i, "value": monthly[col]})
            for i, (col, name) in enumerate(parts)
        ],
        ignore_index=True,
    )
    spec = _mix_template(tuple(name for _, name in parts), titles["x"], titles["y"], language)
    return _with_data(spec, mix=mix)


@cache
def _team_template(x: str, y: str, language: str) -> dict[str, Any]:
    chart = (
        alt.Chart(alt.NamedData("team"))
        .mark_area(interpolate="step-after", color=PARTNER_COLOUR, opacity=0.25, line=True)
        .encode(
            x=_temporal_x(x),
            y=alt.Y("value:Q", title=y, axis=alt.Axis(format=",.1~f")),
            tooltip=[
                alt.Tooltip("date:T", title=x, format="%b %Y"),
                alt.Tooltip("value:Q", title=y, format=",.1f"),
            ],
        )
    )
    return _finish(chart, language)


def headcount(monthly: pd.DataFrame, titles: Mapping[str, str], language: str) -> dict[str, Any]:
    """The partner's team in FTE per month (the hiring ramp)."""
    team = pd.DataFrame({"date": _dates(monthly), "value": monthly["headcount"]})
    return _with_data(_team_template(titles["x"], titles["y"], language), team=team)


def lines(
    frame: pd.DataFrame,
    series: str,
    titles: Mapping[str, str],
    language: str,
    palette: Mapping[str, str] | None = None,
    points: bool = False,
) -> dict[str, Any]:
    """Several monthly series over each other (``frame``: date ``YYYY-MM``, ``series``, value).

    ``palette`` maps series names to colours (default: :data:`SERIES_COLOURS` in order);
    ``points`` marks every month (so that a single month of actuals shows too).
    """
    data = frame.assign(date=_dates(frame))
    names = list(palette) if palette else list(dict.fromkeys(data[series]))
    colours = (
        list(palette.values())
        if palette
        else [SERIES_COLOURS[i % len(SERIES_COLOURS)] for i in range(len(names))]
    )
    chart = (
        alt.Chart(data)
        .mark_line(
            strokeWidth=2, point=alt.OverlayMarkDef(size=22, filled=True) if points else False
        )
        .encode(
            x=_temporal_x(titles["x"]),
            y=_money_y(titles["y"]),
            color=alt.Color(
                f"{series}:N",
                scale=alt.Scale(domain=names, range=colours),
                legend=alt.Legend(title=None, orient="top", labelLimit=320),
            ),
            tooltip=[
                alt.Tooltip("date:T", title=titles["x"], format="%b %Y"),
                alt.Tooltip(f"{series}:N", title=" "),
                alt.Tooltip("value:Q", title=titles["y"], format=",.0f"),
            ],
        )
    )
    return _finish(chart, language)


def tornado(frame: pd.DataFrame, titles: Mapping[str, str], language: str) -> dict[str, Any]:
    """Bars from the base figure to the figure at each driver's low and high value.

    ``frame``: ``driver``, ``case`` (label of low/high), ``start`` (base) and ``end``.
    """
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("driver:N", title=None, sort=None, axis=alt.Axis(labelLimit=360)),
            x=alt.X(
                "start:Q",
                title=titles["x"],
                axis=alt.Axis(format=",.0f"),
                scale=alt.Scale(zero=False),
            ),
            x2="end:Q",
            color=alt.Color(
                "case:N",
                scale=alt.Scale(range=[VENDOR_COLOUR, PARTNER_COLOUR]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[
                alt.Tooltip("driver:N", title=" "),
                alt.Tooltip("case:N", title=" "),
                alt.Tooltip("end:Q", title=titles["x"], format=",.0f"),
            ],
        )
    )
    # the height holds legend and axis too (autosize fit): room for every label
    return _finish(chart, language, height=max(HEIGHT, 90 + 26 * frame["driver"].nunique()))


def histogram(frame: pd.DataFrame, titles: Mapping[str, str], language: str) -> dict[str, Any]:
    """A distribution from bin edges and counts (``frame``: ``low``, ``high``, ``count``)."""
    chart = (
        alt.Chart(frame)
        .mark_bar(color=PARTNER_COLOUR, opacity=0.8)
        .encode(
            x=alt.X("low:Q", title=titles["x"], axis=alt.Axis(format=",.0f")),
            x2="high:Q",
            y=alt.Y("count:Q", title=titles["y"]),
            y2=alt.datum(0),  # bars stand on the axis (without it only their tops are drawn)
        )
    )
    return _finish(chart, language)


ZONE_COLOURS = ("#4f8a3c", "#5b8db8", "#e0a370", "#e6e6e6")
"""Both sides, the partner only, the vendor only, neither."""


@cache
def _zone_template(
    regions: tuple[str, ...],
    colours: tuple[str, ...],
    x: str,
    y: str,
    x_format: str,
    y_format: str,
    language: str,
) -> dict[str, Any]:
    scale = alt.Scale(domain=list(regions), range=list(colours))
    cells = (
        alt.Chart(alt.NamedData("cells"))
        .mark_rect(strokeWidth=0.6)  # a rim in each cell's colour covers the seams between cells
        .encode(
            x=alt.X("x:Q", title=x, axis=alt.Axis(format=x_format), scale=alt.Scale(nice=False)),
            x2="x2:Q",
            y=alt.Y("y:Q", title=y, axis=alt.Axis(format=y_format), scale=alt.Scale(nice=False)),
            y2="y2:Q",
            color=alt.Color(
                "region:N", scale=scale, legend=alt.Legend(title=None, orient="top", labelLimit=400)
            ),
            stroke=alt.Stroke("region:N", scale=scale, legend=None),
            tooltip=[alt.Tooltip("region:N", title=" ")],
        )
    )
    marks = (
        alt.Chart(alt.NamedData("points"))
        .mark_point(size=220, filled=True, color="#202020", opacity=1)
        .encode(
            x="x:Q",
            y="y:Q",
            shape=alt.Shape(
                "label:N",
                scale=alt.Scale(range=["cross", "diamond"]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("text:N", title=" ")],
        )
    )
    return _finish(alt.layer(cells, marks), language, height=420)


def zone(
    cells: pd.DataFrame,
    points: pd.DataFrame,
    regions: Mapping[str, str],
    titles: Mapping[str, str],
    language: str,
) -> dict[str, Any]:
    """The zone of mutual interest: a cell per grid point, coloured by whom it pays off for
    (``cells``: ``x``, ``x2``, ``y``, ``y2``, ``region``), and the plan and the smallest change
    to a mutual plan marked (``points``: ``x``, ``y``, ``label``, ``text``). ``regions`` maps
    each region's label to its colour, in legend order."""
    spec = _zone_template(
        tuple(regions),
        tuple(regions.values()),
        titles["x"],
        titles["y"],
        titles["x_format"],
        titles["y_format"],
        language,
    )
    return _with_data(spec, cells=cells, points=points)
