"""Altair charts of a computed plan: only reshaping and labelling, no arithmetic."""

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
    return pd.to_datetime(monthly["date"], format="%Y-%m")


def _finish(chart: Any, language: str) -> Any:
    return (
        chart.properties(height=HEIGHT)
        .configure(locale=vega_locale(language))
        .configure_view(strokeWidth=0)
    )


def cumulative_cash(
    monthly: pd.DataFrame,
    names: Mapping[str, str],
    paybacks: Mapping[str, int | None],
    titles: Mapping[str, str],
    language: str,
) -> Any:
    """Both sides' cumulative cash (the J-curves), the payback month of each side marked.

    ``names`` maps ``partner``/``vendor`` to legend labels, ``paybacks`` to payback months
    (None: none within the horizon), ``titles`` holds the ``x``, ``y`` and ``payback`` labels.
    """
    dates = _dates(monthly)
    columns = {"partner": "cumulative_cash", "vendor": "vendor_cumulative_cash"}
    long = pd.concat(
        [
            pd.DataFrame({"date": dates, "side": names[side], "value": monthly[column]})
            for side, column in columns.items()
        ],
        ignore_index=True,
    )
    colours = alt.Scale(
        domain=[names["partner"], names["vendor"]], range=[PARTNER_COLOUR, VENDOR_COLOUR]
    )
    base = alt.Chart(long).encode(
        x=alt.X("date:T", title=titles["x"], axis=alt.Axis(format="%b %Y", labelAngle=0)),
        y=alt.Y("value:Q", title=titles["y"], axis=alt.Axis(format=",.0f")),
        color=alt.Color(
            "side:N", scale=colours, legend=alt.Legend(title=None, orient="top", labelLimit=320)
        ),
    )
    lines = base.mark_line(strokeWidth=2.5).encode(
        tooltip=[
            alt.Tooltip("date:T", title=titles["x"], format="%b %Y"),
            alt.Tooltip("side:N", title=""),
            alt.Tooltip("value:Q", title=titles["y"], format=",.0f"),
        ]
    )
    zero = alt.Chart(pd.DataFrame({"value": [0.0]})).mark_rule(color="#888", strokeDash=[2, 2])
    marks = [
        {
            "date": dates.iloc[month - 1],
            "side": names[side],
            "value": 0.0,
            "label": titles["payback"],
        }
        for side, month in paybacks.items()
        if month
    ]
    layers: list[Any] = [zero.encode(y="value:Q"), lines]
    if marks:
        points = alt.Chart(pd.DataFrame(marks)).encode(
            x="date:T",
            y="value:Q",
            color=alt.Color("side:N", scale=colours, legend=None),
        )
        layers.append(points.mark_point(size=140, filled=True, shape="diamond"))
        layers.append(
            points.mark_text(dy=-14, fontSize=12, fontWeight="bold").encode(text="label:N")
        )
    return _finish(alt.layer(*layers), language)


def revenue_mix(
    monthly: pd.DataFrame,
    parts: Sequence[tuple[str, str]],
    titles: Mapping[str, str],
    language: str,
) -> Any:
    """The partner's revenue per month, stacked by source (``parts``: column, label)."""
    dates = _dates(monthly)
    long = pd.concat(
        [pd.DataFrame({"date": dates, "part": name, "value": monthly[col]}) for col, name in parts],
        ignore_index=True,
    )
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(date):T", title=titles["x"], axis=alt.Axis(format="%b %Y")),
            y=alt.Y("value:Q", title=titles["y"], stack="zero", axis=alt.Axis(format=",.0f")),
            color=alt.Color(
                "part:N",
                scale=alt.Scale(domain=[name for _, name in parts], range=list(MIX_COLOURS)),
                legend=alt.Legend(title=None, orient="top", labelLimit=320),
            ),
            order=alt.Order("part:N"),
            tooltip=[
                alt.Tooltip("yearmonth(date):T", title=titles["x"], format="%b %Y"),
                alt.Tooltip("part:N", title=""),
                alt.Tooltip("value:Q", title=titles["y"], format=",.0f"),
            ],
        )
    )
    return _finish(chart, language)


def headcount(monthly: pd.DataFrame, titles: Mapping[str, str], language: str) -> Any:
    """The partner's team in FTE per month (the hiring ramp)."""
    frame = pd.DataFrame({"date": _dates(monthly), "value": monthly["headcount"]})
    chart = (
        alt.Chart(frame)
        .mark_area(interpolate="step-after", color=PARTNER_COLOUR, opacity=0.35, line=True)
        .encode(
            x=alt.X("date:T", title=titles["x"], axis=alt.Axis(format="%b %Y")),
            y=alt.Y("value:Q", title=titles["y"], axis=alt.Axis(format=",.1~f")),
            tooltip=[
                alt.Tooltip("date:T", title=titles["x"], format="%b %Y"),
                alt.Tooltip("value:Q", title=titles["y"], format=",.1f"),
            ],
        )
    )
    return _finish(chart, language)


def lines(
    frame: pd.DataFrame,
    series: str,
    titles: Mapping[str, str],
    language: str,
    dashed: Sequence[str] = (),
) -> Any:
    """Several monthly series over each other (``frame``: date, ``series``, value)."""
    data = frame.assign(date=_dates(frame), dashed=frame[series].isin(list(dashed)))
    chart = (
        alt.Chart(data)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("date:T", title=titles["x"], axis=alt.Axis(format="%b %Y")),
            y=alt.Y("value:Q", title=titles["y"], axis=alt.Axis(format=",.0f")),
            color=alt.Color(
                f"{series}:N", legend=alt.Legend(title=None, orient="top", labelLimit=320)
            ),
            strokeDash=alt.condition("datum.dashed", alt.value([5, 4]), alt.value([1, 0])),
            tooltip=[
                alt.Tooltip("date:T", title=titles["x"], format="%b %Y"),
                alt.Tooltip(f"{series}:N", title=""),
                alt.Tooltip("value:Q", title=titles["y"], format=",.0f"),
            ],
        )
    )
    return _finish(chart, language)


def bars(frame: pd.DataFrame, x: str, y: str, titles: Mapping[str, str], language: str) -> Any:
    """A plain bar chart (``x`` quantitative, ``y`` ordinal) such as a histogram or tornado."""
    chart = (
        alt.Chart(frame)
        .mark_bar(color=PARTNER_COLOUR)
        .encode(
            x=alt.X(f"{x}:Q", title=titles["x"], axis=alt.Axis(format=",.0f")),
            y=alt.Y(f"{y}:N", title=titles["y"], sort=None),
        )
    )
    return _finish(chart, language)
