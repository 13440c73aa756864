"""The zone tab: where both sides meet their hurdles along two drivers."""

from __future__ import annotations

import itertools

import pandas as pd
import streamlit as st

from planner.analysis import AnalysisError, zone
from planner.ui import charts, fields, session, widgets
from planner.ui.analyses.common import (
    ZONE_ERRORS,
    ZONE_X,
    ZONE_Y,
    driver_kind,
    driver_label_safe,
    driver_paths,
    driver_value,
    here,
)
from planner.ui.text import plain, tr

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
            f"analyses:zone:{x}:{y}", lambda: zone.zone(here().plan, x, y, audience=here().who.side)
        )
    except AnalysisError as error:
        st.error(plain(str(error)))
        return
    found = full.for_side(here().who.sees_vendor_economics(here().plan))
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
    spec = charts.zone(pd.DataFrame(rows), pd.DataFrame(points), regions, titles, here().language)
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
    if here().who.can_edit:
        # a callback: it applies the change this page showed, based on the versions it showed
        nearest = {path: float(value) for path, value in found.nearest.items()}
        bases = {path: session.field_version(path) for path in nearest}
        st.button(
            tr("analyses.zone_apply"),
            key="analyses.zone.apply",
            on_click=_apply,
            args=(nearest, bases),
        )
    fields.problems(ZONE_ERRORS)


def _apply(nearest: dict[str, float], bases: dict[str, int]) -> None:
    """Apply the smallest change the page showed; a driver changed since is a conflict."""
    if session.change(nearest, ZONE_ERRORS, bases=bases):
        session.notify("analyses.zone_applied")
