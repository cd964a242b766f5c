"""Step 1 of Respond: the application the email is about (a rejection not answered yet, any
application, or a company that isn't tracked), and what it prefills."""

from __future__ import annotations

import streamlit as st

from nextround import drafting, ui
from nextround.records import UnansweredRejection
from nextround.store import Store, StoreError
from nextround.ui.respond.state import (
    PINNED,
    PRESELECT,
    K,
    Picked,
    draft_state,
    keep,
    kept,
    kept_values,
    prefill,
    text,
)

SOURCES = {"waiting": "Rejections I haven't answered", "any": "Any application",
           "untracked": "Not tracked here"}
PICK_LIMIT = 50


def untracked() -> bool:
    """True when the user writes about a company that isn't tracked here."""
    return st.session_state.get(f"{K}_source") == "untracked"


def _honour_preselect() -> None:
    """Another page asked to open on one application (`preselect`): pick it, among the
    rejections not answered yet, for a thank-you. Once: it is taken out of the state here."""
    asked = st.session_state.pop(PRESELECT, None)
    if asked is None:
        return
    wanted, kind = asked
    for name, value in (("source", "waiting"), ("search", ""), ("kind", kind)):
        prefill(name, value)
    st.session_state[f"{K}_app"] = kept_values()["app"] = wanted
    st.session_state[PINNED] = wanted


def _nothing_to_pick(store: Store, source: str, query: str) -> None:
    """Why the picker is empty, and what to do: for a new user, what Respond is for."""
    if query:
        st.info("Nothing matches that search. Try part of the company or role name.",
                icon=":material/search_off:")
    elif ui.cached(store, Store.count, "applications") == 0:
        st.info("**Respond is for the moment after a no.** A short, kind thank-you keeps the "
                "door open for the next role there. Add the application on the "
                "**Applications** page and mark it rejected when the answer comes: it will "
                "wait here, with a draft ready. Or choose **Not tracked here** to write to any "
                "company now.", icon=":material/waving_hand:")
    elif source == "any":
        st.info("No applications match. Choose **Not tracked here** to write about any "
                "company.", icon=":material/info:")
    elif ui.cached(store, store.applications.search, stages=("rejected",), limit=1)[1] == 0:
        st.info("None of your applications is marked rejected, so there is nothing to answer "
                "yet. When a no comes, mark it on the **Applications** page and it will wait "
                "here. To write another email now, choose **Any application** or **Not "
                "tracked here**.", icon=":material/info:")
    else:
        st.success("Every rejection has a reply. That's the practice, well kept. To write "
                   "another email, choose **Any application** or **Not tracked here**.",
                   icon=":material/task_alt:")


def pick_application(store: Store) -> Picked | None:
    """The application this email is about, or None (for an untracked company, or when there
    is nothing to pick: then it says why)."""
    _honour_preselect()
    source = st.radio("Write about", list(SOURCES), format_func=SOURCES.get,
                      key=kept("source", "waiting"), horizontal=True)
    keep("source")
    if source == "untracked":
        left, right = st.columns(2)
        with left:
            text("company", "Company", "Company", ui_field="company")
        with right:
            text("role", "Role", "Role", ui_field="role")
        return None

    search_key = kept("search", "")
    query = st.session_state.get(search_key) or ""  # what the box below holds, typed last run
    if source == "waiting":
        rows, total = ui.cached(store, store.applications.unanswered_rejections, query, PICK_LIMIT)
        what = "rejection"
    else:
        rows, total = ui.cached(store, store.applications.search, query=query,
                                limit=PICK_LIMIT, order="stage_on DESC")
        what = "application"
    records: dict[int, Picked] = {r.id: r for r in rows}
    # The application just answered stays picked (it has left the waiting list), so a second
    # click on "Mark as sent" lands on the same draft, never on the next application's. So
    # does one another page asked for, while the user keeps it picked.
    sent = draft_state()["sent"]
    for pinned in (sent.get("app_id") if sent else None, st.session_state.get(PINNED)):
        if pinned is not None and pinned not in records and not query:
            try:
                records = {pinned: ui.cached(store, store.applications.get, pinned), **records}
            except StoreError:  # deleted meanwhile: nothing to keep
                pass
    if not records and not query:  # nothing to search either: only why, and what to do
        _nothing_to_pick(store, source, query)
        return None
    pick_col, search_col = st.columns([3, 2], vertical_alignment="top")
    with search_col:
        st.text_input("Search by company or role", key=search_key,
                      placeholder="e.g. Acme or designer", icon=":material/search:")
        keep("search")
    if not records:
        with pick_col:
            _nothing_to_pick(store, source, query)
        return None
    key = f"{K}_app"
    remembered = kept_values().get("app")
    if st.session_state.get(key) not in records:
        st.session_state[key] = remembered if remembered in records else next(iter(records))
    with pick_col:
        # Each shows its date: when it was rejected, or when its stage last changed.
        app_id = ui.pick(what.capitalize(), records, lambda row: ui.application_label(
            row.company, row.role,
            row.rejected_on if isinstance(row, UnansweredRejection) else row.stage_on), key=key)
        if total == 0:
            st.caption("That was the last rejection waiting for your reply.")
        else:
            shown = f"the {len(rows)} most recent of {total:,}" if total > len(rows) else total
            st.caption(f"{what.capitalize()}s, newest first: {shown}. Search to find others.")
    kept_values()["app"] = app_id
    if st.session_state.get(PINNED) not in (None, app_id):
        st.session_state.pop(PINNED)  # the user picked another: the request is done
    return records[app_id]


def load_application(store: Store, app: Picked | None) -> None:
    """When the picked application changes, prefill contact and stage from it."""
    app_key = app.id if app else None
    if st.session_state.get(f"{K}__loaded_app", "unset") == app_key:
        return
    st.session_state[f"{K}__loaded_app"] = app_key
    if app is None:
        return
    prefill("contact_name", app.contact_name)
    prefill("contact_email", app.contact_email)
    events = ui.cached(store, store.applications.events, app.id)
    prefill("stage", drafting.stage_from_history([e.stage for e in events],
                                                 [e.note for e in events]))
