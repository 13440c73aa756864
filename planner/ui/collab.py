"""Shared plans in the app: joining by link, live updates, edits with conflicts, presence.

A session works on a shared plan once :func:`join_from_link` (``?plan=ID&key=TOKEN``) or
:func:`open_as_owner` put an :class:`~planner.access.Access` into the session. Edits go
through :func:`edit`, which sends the version each field was last seen at; an edit that
someone else overtook is kept in the session as a conflict for :func:`conflicts_panel`
("keep mine / take theirs"). :func:`live` reruns the app when the plan moved (the server's
watcher wakes it, :mod:`planner.ui.push`), resetting only the inputs whose fields changed, so
typing elsewhere is not lost.

All plan data shown through these helpers is the side's view (:mod:`planner.privacy`).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import unquote

import streamlit as st

from planner import access, editing, privacy, watch
from planner.access import Access
from planner.catalogue import lookup
from planner.plan.schema import Plan
from planner.store import Conflict, Snapshot
from planner.store.write_policy import MAX_NAME
from planner.ui import library, wording

ACCESS = "collab.access"
"""The session's access to one shared plan (``Access``), absent when working locally."""
NAME = "collab.name"
"""The display name the participant entered (``str``)."""
NAME_INPUT = "collab.name_input"
"""Widget key of the name input (shown until a name is set)."""
SESSION_ID = "collab.session_id"
"""Random id of this browser session for the presence list (``str``)."""
LINK = "collab.link"
"""``(plan id, token)`` of the join link this session came by: it stays a link session for
good, also when a page switch drops the address's query."""
SNAPSHOT = "collab.snapshot"
"""The shared plan as last loaded (``Snapshot``): its field versions are the edits' bases."""
CONFLICTS = "collab.conflicts"
"""Edits not written because someone changed the field first (``list[Conflict]``)."""
POLL_SECONDS = 15.0
"""How often an open page checks by itself whether the plan changed and renews its presence
(seconds; presence lasts ``access.PRESENCE_SECONDS``): a fallback, the server reruns the page
within ``PLANNER_WATCH_SECONDS`` (0.05 s) of a change (:mod:`planner.ui.push`). Each check is a
fragment run of the page (about 3 ms of the server's CPU)."""
HEARTBEAT = "collab.heartbeat"
"""``((plan id, name), monotonic time)`` of the session's last presence heartbeat."""
HEARTBEAT_SECONDS = 10.0
REMOTE_RUN = "collab.remote_run"
"""Set by the poll just before it reruns the app for someone else's change (``True``)."""
REMOTE_NOW = "collab.remote_now"
"""Whether the run under way was started by the poll, not by this person (``bool``)."""
"""How often a session renews its presence (seconds; presence lasts ``access.PRESENCE_SECONDS``)."""


tx = wording.tx
"""The text ``collab.<key>`` in the UI language."""


store = library.store
"""The process-wide store of the app (:data:`planner.ui.library.store`)."""


def current_access() -> Access | None:
    found: Access | None = st.session_state.get(ACCESS)
    return found


def session_id() -> str:
    ss = st.session_state
    if SESSION_ID not in ss:
        ss[SESSION_ID] = secrets.token_hex(8)
    value: str = ss[SESSION_ID]
    return value


def link() -> tuple[str, str] | None:
    """The join link (plan id, token) of this session: from the address, or kept from the
    first run (a session that came by a link never becomes the vendor's workspace)."""
    ss = st.session_state
    plan, key = st.query_params.get("plan"), st.query_params.get("key")
    if plan or key:
        ss[LINK] = (str(plan or ""), str(key or ""))
    found: tuple[str, str] | None = ss.get(LINK)
    return found


def join_from_link() -> Access | None:
    """Resolve the session's join link on every run: a wrong or revoked link grants nothing,
    also to a session that was let in before the link was revoked."""
    ss = st.session_state
    found = link()
    granted = access.resolve(store(), *found) if found is not None else None
    if granted is None:
        for key in (ACCESS, SNAPSHOT, CONFLICTS):
            ss.pop(key, None)
        return None
    ss[ACCESS] = granted
    return granted


def admitted(granted: Access) -> bool:
    """Whether the access still holds (an invite link can be revoked while a page is open)."""
    return granted.invite_id is None or access.invite_active(store(), granted.invite_id)


def open_as_owner(plan_id: str) -> Access:
    """The vendor's workspace opens one of its shared plans."""
    granted = access.owner_access(plan_id)
    st.session_state[ACCESS] = granted
    st.session_state.pop(SNAPSHOT, None)
    return granted


NAME_COOKIE = "planner_name_"
"""Start of the browser cookie that remembers the name given on one access (a join link, or
the workspace): ``planner_name_<16 hex digits>``. A session cookie of this browser: a reload
or a second tab keeps the name, an address copied to someone else does not carry it."""
REMEMBER = "collab.remember_name"
"""A name just entered, to be remembered in the browser by the next run (``str``)."""


def name_cookie() -> str:
    """The cookie of this session's access: named by a hash of its join link (never the token
    itself), or the workspace's."""
    found = link()
    bound = "\n".join(found) if found is not None else "workspace"
    return NAME_COOKIE + hashlib.sha256(bound.encode("utf-8")).hexdigest()[:16]


def _remembered() -> str:
    """The name this browser gave on this access before (a reload, a second tab)."""
    try:
        raw = st.context.cookies.get(name_cookie())
    except Exception:  # no browser behind the session (a bare run, a test)
        raw = None
    if not isinstance(raw, str):
        return ""
    return " ".join(unquote(raw).split())[:MAX_NAME]


def display_name() -> str:
    """The participant's name: entered once per access and browser, kept for the session and
    in a cookie of this browser bound to the access (:data:`NAME_COOKIE`), never in the page
    address: a reload keeps it, a copied address asks whoever opens it for their name."""
    ss = st.session_state
    value = str(ss.get(NAME, "")).strip()
    if not value:
        value = _remembered()
        if value:
            ss[NAME] = value
    return value


def remember_name() -> None:
    """Put a name just entered into this browser's cookie for the access (a tiny script; the
    name is data inside it, encoded as a JSON string with no markup character left)."""
    name = st.session_state.get(REMEMBER)
    if not name:
        return
    literal = json.dumps(str(name))  # ASCII only: every other character escaped
    for character, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        literal = literal.replace(character, escaped)
    script = (
        f"<script>document.cookie = {json.dumps(name_cookie())} + '=' + "
        f"encodeURIComponent({literal}) + '; path=/; SameSite=Strict';</script>"
    )
    st.html(script, unsafe_allow_javascript=True)


def name_remembered() -> None:
    """At the end of a run that came to its end: the browser has drawn the cookie's script.
    Forgotten earlier (once sent), a run stopped right after it (the person's next click) had
    its script replaced before the browser drew it, and a reload asked for the name again."""
    st.session_state.pop(REMEMBER, None)


def keep_in_address() -> None:
    """Put the join link into the page address again (a page switch clears the address's
    query), so a reload keeps it; a name is never put there (an address is copied and sent)."""
    if "name" in st.query_params:  # an address from before names were kept by the browser
        del st.query_params["name"]
    found = link()
    if found is None:
        return
    for param, value in (("plan", found[0]), ("key", found[1])):
        if value and st.query_params.get(param) != value:
            st.query_params[param] = value


def write_refusal(granted: Access | None) -> str | None:
    """Why this session may not write now (no access, a viewer, a revoked link, no name yet),
    or None. No access is a refusal, never the vendor's workspace (:mod:`planner.editing`)."""
    found = editing.refusal(store(), granted, granted.plan_id if granted is not None else "")
    if found is not None:
        return tx(found)
    if not display_name():
        return tx("name_needed")
    return None


def snapshot(granted: Access) -> Snapshot:
    """The shared plan as this run shows it: loaded once at the start of the run
    (:func:`planner.ui.session.attach`), never reloaded halfway, so every part of a page, and
    the version :func:`live` compares, are of one version."""
    ss = st.session_state
    held: Snapshot | None = ss.get(SNAPSHOT)
    if held is None or held.plan_id != granted.plan_id:
        held = store().snapshot(granted.plan_id)
        ss[SNAPSHOT] = held
    return held


REMOTE_NOTICES = 3
"""At most this many of others' changes are announced at once (the history lists them all)."""


def announce_changes(plan_id: str, since: int, plan: Plan, audience: str) -> None:
    """Tell the person who changed what since version ``since``: an input they were typing in
    may just have been replaced by someone else's value, and that must not pass unnoticed.
    Values read as the fields show them (``3,82 %``, ``Managed Service Provider``), a table's
    changes by row (``Team: Account Manager (Zeile 2) · FTE``)."""
    rows = [r for r in store().log(plan_id, since_version=since) if r.path and not _own(r)]
    notices: list[str] = []
    for row in privacy.visible_log(plan, rows, audience):
        for what, value, whole in described(row.path, row.old, row.new, plan, row.masked):
            key = "conflict" if not whole else "changed_row"
            side = tx(f"side.{row.side}")
            notices.append(tx(key, author=row.author, side=side, field=what, value=value))
    for text in notices[-REMOTE_NOTICES:]:
        st.toast(_plain(text), icon=":material/sync:")


described = wording.described


def own(conflict: Conflict) -> bool:
    """Whether the change that overtook an edit was this person's own (from another tab, or
    an undo of an edit they changed again)."""
    if conflict.version in st.session_state.get(OWN, set()):
        return True
    granted = current_access()
    side = granted.side if granted is not None else "vendor"
    return conflict.author == display_name() and conflict.side == side


OWN = "collab.own_versions"
"""Plan versions this session wrote (``set[int]``): its own changes are not announced to it."""


def _own(row: Any) -> bool:
    """Whether change-log row ``row`` is this person's own: written by this session, or by
    this access's side under this session's name (the person's other tab). A name alone is not
    enough: a partner who types the vendor's name does not silence the vendor's notices."""
    if row.version in st.session_state.get(OWN, set()):
        return True
    granted = current_access()
    return bool(granted is not None and row.side == granted.side and row.author == display_name())


def conflict_text(conflict: Conflict, plan: Plan) -> str:
    """ "Anna (partner) changed deal size to 38.000 €", in the UI language; a table's
    change by its rows and cells; a person's own earlier change as theirs, not someone
    else's."""
    start = st.session_state.get(STARTS, {}).get((conflict.path, conflict.version))
    value = _changes_text(conflict.path, start, conflict.theirs, plan)
    rows = "_rows" if _as_rows(start, conflict.theirs) else ""  # "changed the team: …"
    if own(conflict):
        return tx("conflict_own" + rows, field=_what(conflict.path, plan), value=value)
    return tx(
        "conflict" + rows,
        author=conflict.author,
        side=tx(f"side.{conflict.side}"),
        field=_what(conflict.path, plan),
        value=value,
    )


def yours_text(conflict: Conflict, plan: Plan) -> str:
    """What the person's overtaken edit would have written (a list: the rows they added or
    deleted)."""
    start = st.session_state.get(STARTS, {}).get((conflict.path, conflict.version))
    return tx("yours", value=_changes_text(conflict.path, start, conflict.yours, plan))


def _what(path: str, plan: Plan) -> str:
    return wording.path_text(path, plan)


def _as_rows(start: Any, value: Any) -> bool:
    """Whether a value is told as its rows' changes (a table's, since ``start``)."""
    return isinstance(value, list) and isinstance(start, list)


def _changes_text(path: str, start: Any, value: Any, plan: Plan) -> str:
    """A value as the fields show it; a list as its changes since ``start`` (when known), each
    by its row and column without the table's name, which the sentence names."""
    if _as_rows(start, value):
        granted = current_access()
        side = granted.side if granted is not None else "vendor"
        _, hidden = privacy.mask_value(plan, side, path, value)
        _, hidden_start = privacy.mask_value(plan, side, path, start)
        if hidden or hidden_start:
            return tx("private")
        lines = described(path, start, value, plan)
        table = wording.field_label(path) + ": "
        said = "; ".join(f"{what.removeprefix(table)}: {text}" for what, text, _ in lines)
        return said or tx("several_values")
    return shown_text(path, value, plan)


def shown_text(path: str, value: Any, plan: Plan) -> str:
    """:func:`value_text` of a value as this session's side may see it: "private" when any
    part of it is hidden from that side (a list of ranges holding the other side's)."""
    granted = current_access()
    side = granted.side if granted is not None else "vendor"
    masked, hidden = privacy.mask_value(plan, side, path, value)
    return tx("private") if hidden else value_text(path, masked, plan)


field_label = wording.field_label


def value_text(path: str, value: Any, plan: Plan) -> str:
    """A plan value as its field shows it: amounts in the plan's currency, shares in percent,
    choices by their names (:func:`planner.ui.wording.value_text`)."""
    return wording.value_text(path, value, plan)


def decision_key(conflict: Conflict, keep_mine: bool) -> str:
    """The widget key of a conflict's "keep mine" or "take theirs" button: it names the
    conflict, so a second click on a button of a decided conflict cannot decide the next."""
    return f"collab.{'keep' if keep_mine else 'take'}.{conflict.path}@{conflict.version}"


STARTS = "collab.starts"
"""``(path, version)`` of a conflict -> the value the person's edit began from, for a list
(rows added or deleted): keep mine re-applies only the rows that person added or deleted."""
MOVED = "collab.moved"
"""``(path, version)`` of conflicts on a table cell whose rows someone added, deleted or
replaced meanwhile: the cell's row number may name another item now, so keep mine is not
offered (the person's value stays shown on the card)."""


def is_cell(path: str) -> bool:
    """Whether ``path`` names a cell of a list (``resources.1.fte``)."""
    return any(part.isdigit() for part in path.split("."))


def remember_starts(plan_id: str, found: Sequence[Conflict], bases: Mapping[str, int]) -> None:
    """Keep what each overtaken edit began from (see :data:`STARTS`, :data:`MOVED`)."""
    ss = st.session_state
    starts: dict[tuple[str, int], Any] = ss.setdefault(STARTS, {})
    moved: set[tuple[str, int]] = ss.setdefault(MOVED, set())
    for conflict in found:
        base = bases.get(conflict.path)
        if base is None:
            continue
        if isinstance(conflict.yours, list):
            data = store().plan_at(plan_id, base).to_data()
            starts[(conflict.path, conflict.version)] = lookup(data, conflict.path)
        elif is_cell(conflict.path):
            rows = store().log(plan_id, since_version=base)
            if any(r.path and conflict.path.startswith(r.path + ".") for r in rows):
                moved.add((conflict.path, conflict.version))


def rebase_rows(start: list[Any], mine: list[Any], theirs: list[Any]) -> list[Any]:
    """``theirs`` with the rows one person added to and deleted from ``start`` (making
    ``mine``) done again: every other change of ``theirs`` (another person's edit of a row,
    their added rows) stays. A row the person deleted that the other side changed meanwhile
    is kept (it is not the row the person deleted any more).

    >>> rebase_rows([1, 2, 3], [1, 3, 4], [1, 2, 30, 5])
    [1, 30, 5, 4]
    """
    deleted, added = row_changes(start, mine)
    result = list(theirs)
    for row in deleted:
        if row in result:
            result.remove(row)
    return result + added


def rebase_months(
    start: list[dict[str, Any]], mine: list[dict[str, Any]], theirs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """``theirs`` (rows of values per plan ``month``, as the actuals) with the cells one
    person changed from ``start`` (making ``mine``) changed again: every other cell as the
    other side left it, a month without values left out.

    >>> rebase_months([{"month": 1, "a": 1.0}], [{"month": 1, "a": 2.0}],
    ...               [{"month": 1, "a": 1.0, "b": 5.0}, {"month": 2, "a": 3.0}])
    [{'month': 1, 'a': 2.0, 'b': 5.0}, {'month': 2, 'a': 3.0}]
    """
    before, after = _by_month(start), _by_month(mine)
    result = {month: dict(row) for month, row in _by_month(theirs).items()}
    for month in sorted(before.keys() | after.keys()):
        was, now = before.get(month, {}), after.get(month, {})
        for column in sorted((was.keys() | now.keys()) - {"month"}):
            if was.get(column) == now.get(column):
                continue
            row = result.setdefault(month, {"month": month})
            if column in now:
                row[column] = now[column]
            else:
                row.pop(column, None)
    return [result[month] for month in sorted(result) if len(result[month]) > 1]


def _by_month(rows: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    return {row["month"]: row for row in rows}


def row_changes(start: list[Any], mine: list[Any]) -> tuple[list[Any], list[Any]]:
    """The rows one person deleted from ``start`` and added to it, making ``mine``.

    >>> row_changes([1, 2, 3], [1, 3, 4])
    ([2], [4])
    """
    remaining = list(mine)
    deleted = []
    for row in start:
        if row in remaining:
            remaining.remove(row)
        else:
            deleted.append(row)
    return deleted, remaining  # what is left of mine was not in start


def pending_paths() -> set[str]:
    """Fields with a conflict that waits for this person's decision."""
    return {c.path for c in st.session_state.get(CONFLICTS, [])}


def add_conflicts(found: Sequence[Conflict]) -> None:
    """Keep overtaken edits for a decision; the same edit refused twice is listed once."""
    ss = st.session_state
    pending: list[Conflict] = ss.get(CONFLICTS, [])
    seen = {(c.path, repr(c.yours)) for c in pending}
    for conflict in found:
        if (conflict.path, repr(conflict.yours)) not in seen:
            pending = [c for c in pending if c.path != conflict.path]
            pending.append(conflict)
            seen.add((conflict.path, repr(conflict.yours)))
    ss[CONFLICTS] = pending


def poll_seconds() -> float:
    """``PLANNER_POLL_SECONDS``: the fallback timer of an open page (default 15; 0 switches
    the timer and the server's push off, as the AppTests do)."""
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
    access.heartbeat(store(), granted.plan_id, session_id(), display_name(), granted)
    ss[HEARTBEAT] = (who, now)


def take_remote_run() -> None:
    """At the start of a run: note whether the page's live fragment (woken by the server's
    watcher or by its timer) started it for someone else's change (see :func:`remote_run`)."""
    ss = st.session_state
    ss[REMOTE_NOW] = bool(ss.pop(REMOTE_RUN, False))


def remote_run() -> bool:
    """Whether this run only shows someone else's change: nobody on this page acted, so a
    table cell open in it may hold typing begun on what the page showed before (a table keeps
    the base its edits are checked against, :func:`planner.ui.tables.table`)."""
    return bool(st.session_state.get(REMOTE_NOW, False))


def live(granted: Access) -> None:
    """Rerun the app when the plan moved (a new version, a proposal made or decided) or the
    link was revoked: the server's watcher wakes this page's fragment within
    ``PLANNER_WATCH_SECONDS`` of the change (:mod:`planner.ui.push`), and the fragment's own
    timer (``PLANNER_POLL_SECONDS``) checks as a fallback.

    The check never writes and never touches an input: a rerun shows the new plan, and an input
    being typed into keeps its text (:mod:`planner.ui.fields`). The version compared is the
    one this run shows (loaded at its start): comparing with a version read later would miss
    an edit that landed while the run was rendering, and the page would stay one version
    behind until the next edit.
    """
    from planner.ui import push

    every = poll_seconds()
    heartbeat(granted)
    version = snapshot(granted).version
    if not every:
        return
    now = watch.stamps(store(), [granted.plan_id])[granted.plan_id]
    shown = now._replace(version=version)

    @st.fragment(run_every=every)
    def _poll() -> None:
        heartbeat(granted)
        moved = watch.stamps(store(), [granted.plan_id])[granted.plan_id] != shown
        if moved or not admitted(granted):
            st.session_state[REMOTE_RUN] = True
            st.rerun(scope="app")
        push.wake_this_fragment_when(store(), granted.plan_id, shown)

    _poll()


def presence_panel(granted: Access) -> None:
    """Who is in the plan right now, with their side (a person in two tabs, or just after a
    reload, is listed once)."""
    people = list(dict.fromkeys((p.name, p.side) for p in access.present(store(), granted.plan_id)))
    st.caption(tx("present", count=len(people)))
    lines = []
    for name, side in people:
        shown = tx("unnamed") if name == access.UNNAMED else _plain(name)
        lines.append(f"- {shown} · {tx('side.' + side)}")
    if lines:  # one list, one element (each element drawn costs every remote change)
        st.markdown("\n".join(lines))


def name_prompt() -> bool:
    """Ask a participant for a display name once; True when one is set."""
    if display_name():
        return True
    st.text_input(tx("your_name"), key=NAME_INPUT, max_chars=200, on_change=_take_name)
    st.caption(tx("your_name_help"))
    return bool(display_name())


def _take_name() -> None:
    name = " ".join(str(st.session_state.get(NAME_INPUT, "")).split())[:MAX_NAME]
    if name:
        st.session_state[NAME] = name
        st.session_state[REMEMBER] = name


SHARE_PATH = "private.share_vendor_economics"
SHARE_KEY = "collab.share_economics"
"""Start of the key of the sharing switch (``collab.share_economics@<version>``) and the key
of its refusal messages."""


def _plain(text: str) -> str:
    from planner.ui.text import plain

    return plain(text)
