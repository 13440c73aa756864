"""Database faults on the page: what failed, where the database is, how to put it right, and
the edit that is kept until it can be saved (:func:`planner.ui.session.change` keeps it).

A page whose run meets a database fault shows :func:`page` instead of Streamlit's error page,
so the page is never blank and never a traceback; the edit kept in the session is listed with
"Save again" and "Discard".
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from planner.store.faults import FAULTS, Fault
from planner.ui import collab, session, state
from planner.ui.text import plain, tr

log = logging.getLogger("planner.ui")


def reason(fault: Fault) -> str:
    """What failed and where, in the UI language."""
    return tr(f"fault.{fault.kind}", where=plain(fault.where))


def remedy(fault: Fault) -> str:
    """How to put it right, in the UI language."""
    return tr(f"fault.{fault.kind}_fix", where=plain(fault.where))


def _value(path: str, value: Any) -> str:
    if isinstance(value, list):
        return tr("fault.entries", count=len(value), plural=len(value))
    if isinstance(value, dict):
        return tr("fault.entries", count=len(value), plural=len(value))
    try:
        return plain(collab.value_text(path, value, state.plan_in_force()))
    except Exception:  # no plan in the session yet: the value as stored
        return plain(str(value))


def kept_lines(held: session.Pending) -> list[str]:
    """The kept edit, one line per field: ``Deal size: 45.000 €``."""
    return [
        f"- {plain(collab.field_label(path))}: {_value(path, value)}"
        for path, value in held.changes.items()
    ]


def retry() -> None:
    """Save the kept edit again; a new fault keeps it again."""
    try:
        session.retry()
    except FAULTS as error:  # the store could not even be opened
        fault = session.fault_of(error)
        log.error("retry failed (%s at %s): %s", fault.kind, fault.where, fault.detail)


def _kept(held: session.Pending | None, where: str) -> None:
    if held is None:
        return
    st.warning(tr("fault.kept") + "\n\n" + "\n".join(kept_lines(held)), icon=":material/edit_note:")
    again, drop = st.columns(2)
    again.button(
        tr("fault.retry"),
        key=f"fault.{where}.retry",
        on_click=retry,
        type="primary",
        width="stretch",
    )
    drop.button(
        tr("fault.discard"), key=f"fault.{where}.discard", on_click=session.discard, width="stretch"
    )


def page(error: BaseException) -> None:
    """Instead of the page: the fault, how to fix it, the kept edit, and a way to retry."""
    fault = session.fault_of(error)
    log.error("database fault (%s at %s): %s", fault.kind, fault.where, fault.detail)
    st.title(tr("fault.title"))
    st.error(reason(fault) + "\n\n" + remedy(fault), icon=":material/database:")
    held = session.pending_change()
    _kept(held, "page")
    if held is None:
        st.button(tr("fault.reload"), key="fault.page.reload", type="primary")


def pending_panel() -> None:
    """Above the page: an edit the database did not take, with "Save again" and "Discard"."""
    held = session.pending_change()
    if held is None:
        return
    with st.container(border=True):
        if held.fault is not None:
            st.error(
                tr("fault.not_saved", reason=reason(held.fault)) + "\n\n" + remedy(held.fault),
                icon=":material/database:",
            )
        _kept(held, "panel")
