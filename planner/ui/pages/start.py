"""Start: a new plan from a template, a stored plan, or an uploaded plan file.

Every plan lives in the shared store; a plan file is only a way in (upload) and out (download).
"""

import streamlit as st

from planner.plan.files import to_yaml
from planner.plan.schema import PlanError
from planner.ui import clicks, collab, library, session, shell, state, widgets
from planner.ui.refusals import problem_text
from planner.ui.text import plain, problem_list, term, tr

plan = state.plan_in_force()
ss = st.session_state

st.title(tr("start.title"))
st.caption(tr("start.caption"))
if shell.local_tool():
    st.info(tr("workspace.local_tool"), icon=":material/computer:")
with st.container(key="start_areas"):
    new, saved, upload = st.columns(3, gap="large")

with new:
    st.subheader(tr("start.new"))
    with st.form("new_plan", border=True):
        kind = st.selectbox(
            tr("start.template"),
            library.templates(),
            format_func=lambda k: term(f"kind.{k}"),
            key=state.NEW_KIND,
        )
        partner = st.text_input(tr("start.partner"), max_chars=200, key="new.partner")
        vendor = st.text_input(tr("start.vendor"), max_chars=200, key="new.vendor")
        title = st.text_input(
            tr("start.plan_title"), max_chars=200, key="new.title", help=tr("start.title_help")
        )
        created = clicks.submit(tr("start.create"), "start.create", type="primary")
    if created:
        partner_name = partner.strip() or tr("start.partner_placeholder")
        vendor_name = vendor.strip() or tr("start.vendor_placeholder")
        plan_title = title.strip() or tr(
            "start.default_title", partner=partner_name, vendor=vendor_name
        )
        try:
            fresh = library.from_template(kind, partner_name, vendor_name, plan_title)
        except PlanError as error:
            st.error(problem_list([str(problem) for problem in error.problems]))
        else:
            session.open_plan(fresh)
            session.notify("start.created", title=plan_title)
            st.switch_page(shell.page_path("dashboard"))

with saved:
    st.subheader(tr("start.saved"))
    stored = library.plan_list(collab.store())
    ids = [info.id for info in stored]
    labels = {
        info.id: tr("workspace.plan_option", title=info.title, version=info.version)
        for info in stored
    }
    current = session.plan_id()
    choice = st.selectbox(
        tr("start.saved_choice"),
        ids,
        index=ids.index(current) if current in ids else 0,
        format_func=lambda plan_id: labels.get(plan_id, plan_id),
        key="open.name",
        help=tr("workspace.saved_help"),
    )
    if clicks.button(st, tr("start.open"), "open.button", disabled=not ids) and choice:
        session.open_stored(choice)
        session.notify("start.opened", title=state.plan_in_force().title)
        st.switch_page(shell.page_path("dashboard"))
    st.download_button(
        tr("start.download"),
        data=to_yaml(plan).encode("utf-8"),
        file_name=library.file_name(plan.title),
        mime="application/x-yaml",
        key="download.plan",
        icon=":material/download:",
    )

with upload:
    st.subheader(tr("start.upload"))
    uploaded = widgets.file_uploader(
        tr("start.upload_label"),
        ["yaml", "yml", "json"],
        "upload.plan",
        help=tr("start.upload_help"),
    )
    if uploaded is not None and ss.get(state.UPLOADED) != uploaded.file_id:
        ss[state.UPLOADED] = uploaded.file_id
        try:
            received = library.read_upload(uploaded.getvalue(), uploaded.name)
        except UnicodeDecodeError:
            ss[state.UPLOAD_ERRORS] = [tr("start.not_utf8")]
        except PlanError as error:
            ss[state.UPLOAD_ERRORS] = [problem_text(problem) for problem in error.problems]
        else:
            ss[state.UPLOAD_ERRORS] = []
            session.open_plan(received)
            session.notify("start.uploaded", title=received.title)
            st.switch_page(shell.page_path("dashboard"))
    if uploaded is not None and ss[state.UPLOAD_ERRORS]:
        st.error(
            tr("start.upload_refused", name=plain(uploaded.name))
            + "\n\n"
            + problem_list(ss[state.UPLOAD_ERRORS])
        )
