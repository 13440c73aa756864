"""Export: the business-plan PDF and the workbook with live formulas, built on click."""

import importlib
from datetime import date
from typing import Any

import streamlit as st

from planner import proposals
from planner.ui import clicks, collab, state, viewer, widgets
from planner.ui.text import tr

plan = state.plan_in_force()
ss = st.session_state
st.title(tr("export.title"))
st.caption(tr("export.caption"))
who = viewer.current()
if who.view(plan).hidden or not who.sees_vendor_economics(plan):
    st.info(tr("export.edition"), icon=":material/lock:")

try:
    pdf = importlib.import_module("planner.export.pdf")
    xlsx = importlib.import_module("planner.export.xlsx")
except ImportError:
    widgets.coming("export")
    st.stop()

names = [""] + [s.name for s in plan.scenarios]
scenario = st.selectbox(
    tr("export.scenario"),
    names,
    format_func=lambda n: n or tr("export.base"),
    key="export.scenario",
)
language = st.selectbox(
    tr("export.language"),
    ("de", "en"),
    index=("de", "en").index(plan.language),
    format_func=lambda code: tr(f"language.{code}"),
    key="export.language",
)
stem = ss[state.PLAN_FILE].removesuffix(".yaml") + (f"-{scenario}" if scenario else "")
left, right = st.columns(2, gap="large")
for column, kind, build, suffix, mime in (
    (left, "pdf", pdf.build_pdf, "pdf", "application/pdf"),
    (
        right,
        "xlsx",
        xlsx.build_workbook,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
):
    with column:
        st.subheader(tr(f"export.{kind}"))
        st.caption(tr(f"export.{kind}_caption"))
        wanted = (ss[state.REVISION], scenario, language, who.side)
        if clicks.button(st, tr("export.build"), f"export.build.{kind}", type="primary"):
            extra: dict[str, Any] = {}
            granted = collab.current_access()
            if kind == "pdf" and granted is not None:  # the record of the negotiation so far
                extra["proposals"] = proposals.all_of(collab.store(), granted.plan_id)
            if kind == "pdf":  # the PDF/A embeds the plan and the workbook of the same edition
                made = ss.get("export.xlsx.data")
                workbook = (
                    made[1]
                    if made is not None and made[0] == wanted
                    else xlsx.build_workbook(
                        plan,
                        scenario=scenario or None,
                        language=language,
                        audience=who.side,
                        issued=date.today(),
                    )
                )
                extra["attachments"] = [
                    pdf.default_attachment(plan, who.side, language),
                    pdf.workbook_attachment(workbook, language),
                ]
            data = build(
                plan,
                scenario=scenario or None,
                language=language,
                audience=who.side,
                issued=date.today(),  # the draft's "as of" date
                **extra,
            )
            ss[f"export.{kind}.data"] = (wanted, data)
        built = ss.get(f"export.{kind}.data")
        if built is not None and built[0] == wanted:
            st.download_button(
                tr("export.download"),
                data=built[1],
                file_name=f"{stem}.{suffix}",
                mime=mime,
                key=f"export.download.{kind}",
                icon=":material/download:",
            )
