"""Start: a new plan from a template, a saved plan, or an uploaded plan file."""

import streamlit as st

from planner.plan import PlanError, parse, to_yaml
from planner.ui import library, session, shell, state
from planner.ui.text import plain, problem_list, term, tr

plan = state.plan_in_force()
ss = st.session_state

st.title(tr("start.title"))
st.caption(tr("start.caption"))
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
        created = st.form_submit_button(tr("start.create"), type="primary")
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
            session.open_plan(fresh, library.new_name(plan_title))
            session.notify("start.created", title=plan_title)
            st.switch_page(shell.page_path("dashboard"))

with saved:
    st.subheader(tr("start.saved"))
    names = library.saved()
    current = ss[state.PLAN_FILE]
    choice = st.selectbox(
        tr("start.saved_choice"),
        names,
        index=names.index(current) if current in names else 0,
        key="open.name",
        help=tr("start.saved_help", folder=str(library.plan_dir())),
    )
    if st.button(tr("start.open"), key="open.button", disabled=not names):
        try:
            opened = library.open_saved(choice)
        except (PlanError, ValueError) as error:
            st.error(str(error))
        else:
            session.open_plan(opened, choice)
            session.notify("start.opened", title=opened.title)
            st.switch_page(shell.page_path("dashboard"))
    st.download_button(
        tr("start.download"),
        data=to_yaml(plan).encode("utf-8"),
        file_name=current,
        mime="application/x-yaml",
        key="download.plan",
        icon=":material/download:",
    )

with upload:
    st.subheader(tr("start.upload"))
    uploaded = st.file_uploader(
        tr("start.upload_label"),
        type=["yaml", "yml", "json"],
        key="upload.plan",
        help=tr("start.upload_help"),
    )
    if uploaded is not None and ss.get(state.UPLOADED) != uploaded.file_id:
        ss[state.UPLOADED] = uploaded.file_id
        try:
            text = uploaded.getvalue().decode("utf-8-sig")
            received = parse(text, name=uploaded.name)
        except UnicodeDecodeError:
            ss[state.UPLOAD_ERRORS] = [tr("start.not_utf8")]
        except PlanError as error:
            ss[state.UPLOAD_ERRORS] = [str(problem) for problem in error.problems]
        else:
            ss[state.UPLOAD_ERRORS] = []
            session.open_plan(received, library.new_name(received.title))
            session.notify("start.uploaded", title=received.title)
            st.switch_page(shell.page_path("dashboard"))
    if uploaded is not None and ss[state.UPLOAD_ERRORS]:
        st.error(
            tr("start.upload_refused", name=plain(uploaded.name))
            + "\n\n"
            + problem_list(ss[state.UPLOAD_ERRORS])
        )
