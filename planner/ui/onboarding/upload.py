"""Uploading actuals: a CSV or XLSX file read under the limits of every upload, its months put
into the plan's actuals as one change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from planner.analysis import AnalysisError, actuals
from planner.ui import session, state, widgets
from planner.ui.onboarding.common import UPLOAD, UPLOAD_ERRORS, UPLOADED, Here
from planner.ui.refusals import refusal_text
from planner.ui.text import plain, tr


def read_upload(here: Here, name: str, data: bytes) -> list[dict[str, Any]]:
    """Actuals rows from an uploaded CSV or XLSX, held to the limits of every upload (errors
    name the file, row and column)."""
    return actuals.read_actuals_data(here.plan, data, Path(name).name or "actuals.csv")


def merged(here: Here, uploaded: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The plan's actuals with the uploaded months' values put in (uploaded values win)."""
    known = here.plan.actuals_by_month()
    for row in uploaded:
        values = {k: v for k, v in row.items() if k != "month"}
        known[int(row["month"])] = {**known.get(int(row["month"]), {}), **values}
    return [{"month": month, **known[month]} for month in sorted(known) if known[month]]


def upload_section(here: Here) -> None:
    st.subheader(tr("onboarding.upload_title"))
    if not here.who.can_edit:
        st.caption(tr("onboarding.read_only"))
        return
    st.caption(tr("onboarding.upload_caption"))
    uploaded = widgets.file_uploader(
        tr("onboarding.upload_label"),
        ["csv", "xlsx"],
        UPLOAD,
        help=tr("onboarding.upload_help"),
    )
    if uploaded is not None and st.session_state.get(UPLOADED) != uploaded.file_id:
        st.session_state[UPLOADED] = uploaded.file_id
        try:
            rows = read_upload(here, uploaded.name, uploaded.getvalue())
        except AnalysisError as error:
            state.errors()[UPLOAD_ERRORS] = [refusal_text(error)]
        else:
            if session.change({"actuals": merged(here, rows)}, UPLOAD_ERRORS):
                session.notify(
                    "onboarding.uploaded",
                    count=len(rows),
                    plural=len(rows),
                    name=plain(uploaded.name),
                )
                st.rerun()
    if uploaded is not None and state.errors().get(UPLOAD_ERRORS):
        st.error(
            tr("onboarding.upload_refused", name=plain(uploaded.name))
            + "\n\n"
            + "\n".join(f"- {plain(line)}" for line in state.errors()[UPLOAD_ERRORS])
        )
