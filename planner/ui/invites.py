"""Invite links of a shared plan: the owner creates one per role (vendor editor, partner
editor, viewer) and revokes it; the link's address is the app's own as the browser sees it."""

from __future__ import annotations

import streamlit as st

from planner import access
from planner.access import Access
from planner.ui import clicks, collab
from planner.ui.text import plain


def base_url() -> str:
    """The app's address as the browser sees it, for full invite links (:func:`app_address`)."""
    try:
        url = str(st.context.url or "")
    except (AttributeError, RuntimeError):  # no browser behind the session (tests)
        return ""
    return app_address(url)


def app_address(url: str) -> str:
    """``url`` without its query and its page: a link opens on the dashboard, whatever page it
    was created on (it named this page, which a partner's or viewer's link may not open, and
    the invited person was met by Streamlit's English "Page not found").

    >>> app_address("https://plans.example/app/share?open=1")
    'https://plans.example/app/'
    >>> app_address("http://127.0.0.1:8501/")
    'http://127.0.0.1:8501/'
    """
    from planner.ui.shell import PAGES

    address = url.split("?", 1)[0].split("#", 1)[0]
    head, _, last = address.rstrip("/").rpartition("/")
    return f"{head}/" if last in {name for name, _ in PAGES} else address


CREATED = "collab.invite_created"
"""The link created last in this session: ``(plan id, invite id, address)``, shown while it
holds."""


def _revoke(granted: Access, invite_id: int) -> None:
    access.revoke(collab.store(), granted, invite_id)


def invites_panel(granted: Access, base_url: str = "") -> None:
    """The owner creates and revokes invite links per role."""
    if not granted.is_owner:
        return
    st.subheader(collab.tx("invites"))
    role = st.selectbox(
        collab.tx("role"),
        access.INVITE_ROLES,
        key="collab.role",
        format_func={r: collab.tx(f"role.{r}") for r in access.INVITE_ROLES}.__getitem__,
    )
    label = st.text_input(collab.tx("invite_label"), key="collab.invite_label", max_chars=200)
    if clicks.button(
        st, collab.tx("create_invite"), "collab.create_invite", icon=":material/link:"
    ):
        invite = access.create_invite(collab.store(), granted, role, label)
        # kept before it is drawn: a run stops at an element when the person's next input
        # arrives, and the link, shown only here, would be lost with the click answered
        st.session_state[CREATED] = (granted.plan_id, invite.id, base_url + invite.query)
    invites = access.list_invites(collab.store(), granted.plan_id)
    created = st.session_state.get(CREATED)
    if created is not None and any(
        (granted.plan_id, i.id) == created[:2] and i.active for i in invites
    ):
        st.success(collab.tx("invite_created"))
        st.code(created[2], language=None)
    for invite in invites:
        left, right = st.columns([4, 1])
        state_text = collab.tx("active") if invite.active else collab.tx("revoked")
        role_text = collab.tx("role." + invite.role)
        left.markdown(f"{role_text} · {plain(invite.label or '–')} · {state_text}")
        if invite.active:
            right.button(
                collab.tx("revoke"),
                key=f"collab.revoke.{invite.id}",
                on_click=_revoke,
                args=(granted, invite.id),
            )
