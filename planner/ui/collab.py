"""Shared plans in the app: joining by link, live updates, edits with conflicts, presence.

A session works on a shared plan once :func:`join_from_link` (``?plan=ID&key=TOKEN``) or
:func:`open_as_owner` put an :class:`~planner.access.Access` into the session. Edits go
through :func:`edit`, which sends the version each field was last seen at; an edit that
someone else overtook is kept in the session as a conflict for :func:`conflicts_panel`
("keep mine / take theirs"). :func:`live` polls the plan's version and reruns the app when it
moved, resetting only the inputs whose fields changed, so typing elsewhere is not lost.

All plan data shown through these helpers is the side's view (:mod:`planner.privacy`).
"""

from __future__ import annotations

import math
import os
import secrets
import time
from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from planner import access, i18n, privacy
from planner.access import Access
from planner.plan import Plan, fmt_value
from planner.store import Conflict, EditResult, Snapshot, Store, database_url, lookup, overlaps
from planner.ui import state

ACCESS = "collab.access"
"""The session's access to one shared plan (``Access``), absent when working locally."""
NAME = "collab.name"
"""The display name the participant entered (``str``)."""
NAME_INPUT = "collab.name_input"
"""Widget key of the name input (shown until a name is set)."""
SESSION_ID = "collab.session_id"
"""Random id of this browser session for the presence list (``str``)."""
SNAPSHOT = "collab.snapshot"
"""The shared plan as last loaded (``Snapshot``): its field versions are the edits' bases."""
CONFLICTS = "collab.conflicts"
"""Edits not written because someone changed the field first (``list[Conflict]``)."""
MESSAGE = "collab.message"
"""The last refusal or validation message of a shared edit (``str``)."""
POLL_SECONDS = 0.5
"""How often a browser asks whether the plan changed (seconds)."""
ECHOES = "collab.echoes"
"""Field path -> (value its input showed before a remote change, monotonic time)."""
ECHO_SECONDS = 5.0
"""How long after a remote change an input's old value counts as its echo (seconds)."""
HEARTBEAT = "collab.heartbeat"
"""``((plan id, name), monotonic time)`` of the session's last presence heartbeat."""
HEARTBEAT_SECONDS = 10.0
"""How often a session renews its presence (seconds; presence lasts ``access.PRESENCE_SECONDS``)."""


def tx(key: str, **values: Any) -> str:
    """The text ``collab.<key>`` in the UI language."""
    return i18n.t(f"collab.{key}", state.language(), **values)


@st.cache_resource(show_spinner=False)
def _store_for(url: str) -> Store:
    return Store(url)


class _Stores:
    """``store()``: the process-wide store of the database the environment names (SQLite under
    ``PLANNER_DATA_DIR`` or ``PLANNER_DATABASE_URL``), one per database URL."""

    def __call__(self) -> Store:
        return _store_for(database_url())

    def clear(self) -> None:
        """Forget the stores opened so far (tests switching databases)."""
        _store_for.clear()


store = _Stores()


def current_access() -> Access | None:
    found: Access | None = st.session_state.get(ACCESS)
    return found


def session_id() -> str:
    ss = st.session_state
    if SESSION_ID not in ss:
        ss[SESSION_ID] = secrets.token_hex(8)
    value: str = ss[SESSION_ID]
    return value


def join_from_link() -> Access | None:
    """Resolve ``?plan=&key=`` of the URL once per session; a bad link grants nothing."""
    ss = st.session_state
    params = st.query_params
    plan_id, token = params.get("plan"), params.get("key")
    if plan_id and token:
        granted = access.resolve(store(), plan_id, token)
        if granted is not None:
            ss[ACCESS] = granted
        elif ss.get(ACCESS) is None or ss[ACCESS].plan_id != plan_id:
            ss.pop(ACCESS, None)
            ss.pop(SNAPSHOT, None)
    return current_access()


def open_as_owner(plan_id: str) -> Access:
    """The vendor's workspace opens one of its shared plans."""
    granted = access.owner_access(plan_id)
    st.session_state[ACCESS] = granted
    st.session_state.pop(SNAPSHOT, None)
    return granted


def share(plan: Plan, author: str) -> str:
    """Put a local plan into the shared store; returns its id and opens it as owner."""
    plan_id = store().create_plan(plan, author=author, side="vendor")
    open_as_owner(plan_id)
    return plan_id


def display_name() -> str:
    value: str = st.session_state.get(NAME, "")
    return value.strip()


def snapshot(granted: Access) -> Snapshot:
    """The shared plan, reloaded when its version moved since the session last loaded it."""
    ss = st.session_state
    held: Snapshot | None = ss.get(SNAPSHOT)
    if held is None or held.plan_id != granted.plan_id:
        held = store().snapshot(granted.plan_id)
        ss[SNAPSHOT] = held
        return held
    version = store().version(granted.plan_id)
    if version != held.version:
        fresh = store().snapshot(granted.plan_id)
        forget_changed_inputs(held, fresh)
        ss[SNAPSHOT] = fresh
        held = fresh
    return held


def forget_changed_inputs(before: Snapshot, after: Snapshot) -> None:
    """Reset the inputs of fields changed between two snapshots (and only those)."""
    changed = [p for p, v in after.field_versions.items() if v > before.version]
    forget_inputs(before.plan, changed)


def forget_inputs(before: Plan, changed: Sequence[str]) -> None:
    """Reset the inputs of fields inside ``changed`` paths, and note what they showed.

    The browser may still send an input's old value once (a rerun it asked for before it
    got the new one); :func:`drop_echoes` recognises that echo so it does not overwrite the
    change that just arrived.
    """
    ss = st.session_state
    data = before.to_data()
    echoes: dict[str, tuple[Any, float]] = ss.setdefault(ECHOES, {})
    now = time.monotonic()
    for key in list(ss.keys()):
        if isinstance(key, str) and key.startswith(state.FIELD_PREFIX):
            path = key.removeprefix(state.FIELD_PREFIX)
            if any(overlaps(path, p) for p in changed):
                del ss[key]
                echoes[path] = (lookup(data, path), now)


def _same(a: Any, b: Any) -> bool:
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return bool(a == b)


def drop_echoes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` without the inputs' echoes of values that a remote change just replaced.

    An echo is the value an input showed before the remote change, arriving within
    ``ECHO_SECONDS`` of it; its input is reset to show the plan's value again.
    """
    ss = st.session_state
    echoes: dict[str, tuple[Any, float]] = ss.get(ECHOES, {})
    now = time.monotonic()
    kept = {}
    for path, value in changes.items():
        echo = echoes.pop(path, None)
        if echo is not None and now - echo[1] < ECHO_SECONDS and _same(echo[0], value):
            ss.pop(state.field_key(path), None)
            continue
        kept[path] = value
    return kept


def plan_view(granted: Access) -> privacy.PlanView:
    """The shared plan as this session's side sees it."""
    return privacy.view(snapshot(granted).plan, granted.side)


def edit(granted: Access, changes: Mapping[str, Any]) -> EditResult:
    """Send ``{path: value}`` as one edit, each based on the field version last loaded."""
    # The base is what the user saw when typing, not what arrived since: that would hide
    # a conflict.
    held: Snapshot = st.session_state.get(SNAPSHOT) or snapshot(granted)
    author = display_name() or tx("anonymous")
    changes = drop_echoes(changes)
    if not changes:
        return EditResult("unchanged", held.version)
    edits = {path: (value, held.field_version(path)) for path, value in changes.items()}
    if not granted.can_edit:
        result = EditResult("refused", held.version, message=tx("viewer_cannot_edit"))
    else:
        result = store().apply_edits(granted.plan_id, edits, author=author, side=granted.side)
    ss = st.session_state
    if result.status == "conflict":
        ss[CONFLICTS] = [*ss.get(CONFLICTS, []), *result.conflicts]
    elif result.status in ("invalid", "refused"):
        lines = [str(p) for p in result.problems] or [result.message]
        ss[MESSAGE] = "\n".join(lines)
    else:
        ss.pop(MESSAGE, None)
    if result.status == "accepted":
        st.session_state[SNAPSHOT] = store().snapshot(granted.plan_id)
    return result


def conflict_text(conflict: Conflict, plan: Plan) -> str:
    """ "Anna (partner) changed deal size to 38.000 €", in the UI language."""
    return tx(
        "conflict",
        author=conflict.author,
        side=tx(f"side.{conflict.side}"),
        field=field_label(conflict.path),
        value=value_text(conflict.path, conflict.theirs, plan),
    )


def field_label(path: str) -> str:
    """The label of a plan path, or the path itself where there is no label."""
    try:
        return i18n.label(path, state.language())
    except KeyError:
        return path


def value_text(path: str, value: Any, plan: Plan) -> str:
    """A plan value for display: money in the plan's currency where the field is an amount."""
    if isinstance(value, float) and path.endswith(MONEY_SUFFIXES):
        return i18n.money(value, plan.currency, state.language())
    if value is None:
        return i18n.MISSING
    return fmt_value(value) if not isinstance(value, str) else value


MONEY_SUFFIXES = (
    "deal_size",
    "amount",
    "annual_cost",
    "opex_per_month",
    "services_per_deal",
    "delivery_capacity_per_fte_month",
    "managed_fee_per_customer_month",
    "threshold",
)


def _resolve(index: int, keep_mine: bool) -> None:
    granted = current_access()
    pending: list[Conflict] = st.session_state.get(CONFLICTS, [])
    if granted is None or index >= len(pending):
        return
    conflict = pending.pop(index)
    st.session_state[CONFLICTS] = pending
    if keep_mine:
        author = display_name() or tx("anonymous")
        store().apply_edit(
            granted.plan_id, conflict.path, conflict.yours, conflict.version, author, granted.side
        )
    st.session_state.pop(SNAPSHOT, None)
    st.session_state.pop(state.field_key(conflict.path), None)


def conflicts_panel(plan: Plan) -> None:
    """Every edit that someone else overtook, with "keep mine" and "take theirs"."""
    message = st.session_state.get(MESSAGE)
    if message:
        st.error(message, icon=":material/block:")
    for i, conflict in enumerate(st.session_state.get(CONFLICTS, [])):
        with st.container(border=True):
            st.warning(conflict_text(conflict, plan), icon=":material/sync_problem:")
            st.caption(tx("yours", value=value_text(conflict.path, conflict.yours, plan)))
            left, right = st.columns(2)
            left.button(tx("keep_mine"), key=f"collab.keep.{i}", on_click=_resolve, args=(i, True))
            right.button(
                tx("take_theirs"), key=f"collab.take.{i}", on_click=_resolve, args=(i, False)
            )


def poll_seconds() -> float:
    """``PLANNER_POLL_SECONDS`` (default 0.5; 0 switches polling off, as the AppTests do)."""
    try:
        return max(0.0, float(os.environ.get("PLANNER_POLL_SECONDS", POLL_SECONDS)))
    except ValueError:
        return POLL_SECONDS


def heartbeat(granted: Access) -> None:
    """Tell the presence list this session is here: at most every ``HEARTBEAT_SECONDS``, and at
    once when the plan or the name changed (a write, so not on every poll)."""
    ss = st.session_state
    who = (granted.plan_id, display_name())
    last: tuple[tuple[str, str], float] | None = ss.get(HEARTBEAT)
    now = time.monotonic()
    if last is not None and last[0] == who and now - last[1] < HEARTBEAT_SECONDS:
        return
    access.heartbeat(store(), granted.plan_id, session_id(), display_name() or "?", granted)
    ss[HEARTBEAT] = (who, now)


def live(granted: Access) -> None:
    """Poll the plan's version every ``PLANNER_POLL_SECONDS``; rerun the app when it moved.

    The version the poll compares with is the one this run shows, read here before the
    fragment runs. (Comparing with a snapshot that the page loads only later in the run made
    the fragment's first run, inside the full run, request a rerun on every run after a
    remote edit: an endless rerun loop, seen as a hang on the poll's read.) The poll itself is
    one short read: a poll run still busy when the user edits delays that edit's run.
    """
    every = poll_seconds()
    heartbeat(granted)
    shown = snapshot(granted).version
    if not every:
        return

    @st.fragment(run_every=every)
    def _poll() -> None:
        heartbeat(granted)
        if store().version(granted.plan_id) != shown:
            st.rerun(scope="app")

    _poll()


def presence_panel(granted: Access) -> None:
    """Who is in the plan right now, with their side."""
    people = access.present(store(), granted.plan_id)
    st.caption(tx("present", count=len(people)))
    for person in people:
        st.markdown(f"- {_plain(person.name)} · {tx('side.' + person.side)}")


def name_prompt() -> bool:
    """Ask a participant for a display name once; True when one is set."""
    if display_name():
        return True
    st.text_input(tx("your_name"), key=NAME_INPUT, max_chars=200, on_change=_take_name)
    st.caption(tx("your_name_help"))
    return bool(display_name())


def _take_name() -> None:
    st.session_state[NAME] = str(st.session_state.get(NAME_INPUT, "")).strip()


def base_url() -> str:
    """The app's address as the browser sees it (without query), for full invite links."""
    try:
        url = str(st.context.url or "")
    except (AttributeError, RuntimeError):  # no browser behind the session (tests)
        return ""
    return url.split("?", 1)[0].split("#", 1)[0]


def _revoke(plan_id: str, invite_id: int) -> None:
    access.revoke(store(), plan_id, invite_id)


def invites_panel(granted: Access, base_url: str = "") -> None:
    """The owner creates and revokes invite links per role."""
    if not granted.is_owner:
        return
    st.subheader(tx("invites"))
    role = st.selectbox(
        tx("role"),
        access.INVITE_ROLES,
        key="collab.role",
        format_func={r: tx(f"role.{r}") for r in access.INVITE_ROLES}.__getitem__,
    )
    label = st.text_input(tx("invite_label"), key="collab.invite_label", max_chars=200)
    if st.button(tx("create_invite"), key="collab.create_invite", icon=":material/link:"):
        invite = access.create_invite(store(), granted.plan_id, role, label)
        st.success(tx("invite_created"))
        st.code(base_url + invite.query, language=None)
    for invite in access.list_invites(store(), granted.plan_id):
        left, right = st.columns([4, 1])
        state_text = tx("active") if invite.active else tx("revoked")
        left.markdown(f"{tx('role.' + invite.role)} · {_plain(invite.label or '–')} · {state_text}")
        if invite.active:
            right.button(
                tx("revoke"),
                key=f"collab.revoke.{invite.id}",
                on_click=_revoke,
                args=(granted.plan_id, invite.id),
            )


def economics_toggle(granted: Access, plan: Plan) -> None:
    """The vendor decides whether the partner sees the vendor's economics."""
    if granted.side != "vendor":
        return
    shared = privacy.shares_economics(plan)
    wanted = st.toggle(tx("share_economics"), value=shared, key="collab.share_economics")
    st.caption(tx("share_economics_help"))
    if wanted != shared:
        edit(granted, privacy.sharing_edits(plan, wanted))
        st.rerun()


def _plain(text: str) -> str:
    from planner.ui.text import plain

    return plain(text)
