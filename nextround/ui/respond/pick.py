"""Step 1 of Respond: the application the email is about (a rejection still waiting for a
reply, any application, or a company that isn't tracked), and what it prefills."""

from __future__ import annotations

import streamlit as st

from nextround import drafting, ui
from nextround.records import UnansweredRejection
from nextround.store import Store, StoreError
from nextround.ui.respond.state import K, Picked, draft_state, keep, kept, prefill, text

SOURCES = {"waiting": "Waiting for a reply", "any": "Any application",
           "untracked": "Not tracked here"}
PICK_LIMIT = 50


def pick_application(store: Store) -> Picked | None:
    """The application this email is about, or None for an untracked company."""
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

    st.text_input("Search by company or role", key=kept("search", ""),
                  placeholder="e.g. Acme or designer", icon=":material/search:")
    query = keep("search") or ""
    if source == "waiting":
        rows, total = ui.cached(store, store.applications.unanswered_rejections, query, PICK_LIMIT)
        what = "rejection"
    else:
        rows, total = ui.cached(store, store.applications.search, query=query,
                                limit=PICK_LIMIT, order="stage_on DESC")
        what = "application"
    records: dict[int, Picked] = {r.id: r for r in rows}
    # The application just answered stays picked (it has left the waiting list), so a second
    # click on "Mark as sent" lands on the same draft, never on the next application's.
    sent = draft_state()["sent"]
    pinned = sent.get("app_id") if sent else None
    if pinned is not None and pinned not in records and not query:
        try:
            records = {pinned: ui.cached(store, store.applications.get, pinned), **records}
        except StoreError:  # deleted meanwhile: nothing to keep
            pass
    if not records:
        if query:
            st.info("Nothing matches that search. Try part of the company or role name.",
                    icon=":material/search_off:")
        elif source == "waiting":
            st.success("Every rejection has a reply. That's the practice, well kept. To write "
                       "another email, choose **Any application** or **Not tracked here**.",
                       icon=":material/task_alt:")
        else:
            st.info("No applications yet. Add them on the Applications page, or choose **Not "
                    "tracked here** to write about any company.", icon=":material/info:")
        return None
    if total == 0:
        st.caption("That was the last one waiting for a reply.")
    else:
        shown = f"the {len(rows)} most recent of {total:,}" if total > len(rows) else total
        st.caption(f"{what.capitalize()}s, newest first: {shown}. Search to find others.")
    key = f"{K}_app"
    remembered = st.session_state.get(f"{K}__kept_app")
    if st.session_state.get(key) not in records:
        st.session_state[key] = remembered if remembered in records else next(iter(records))
    # Each shows its date: when it was rejected, or when its stage last changed.
    app_id = ui.pick(what.capitalize(), records, lambda row: ui.application_label(
        row.company, row.role,
        row.rejected_on if isinstance(row, UnansweredRejection) else row.stage_on), key=key)
    st.session_state[f"{K}__kept_app"] = app_id
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
