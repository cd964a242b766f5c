"""Record a reply: what they said, when, and its themes (saving again updates it)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from nextround import feedback as fb
from nextround import ui
from nextround.records import ApplicationRecord, FeedbackRequestRecord
from nextround.store import Store
from nextround.ui import path_state
from nextround.ui.feedback import request_label

REPLY_STATUSES = (fb.Status.AWAITING, fb.Status.FOLLOWED_UP, fb.Status.NO_REPLY,
                  fb.Status.RECEIVED)
REPLY_FORM = "feedback_reply"


def _reply_context(store: Store, request_id: int) -> tuple[
        FeedbackRequestRecord, list[str], ApplicationRecord | None]:
    """One request, the theme list to tag its reply with, and its application (if kept)."""
    current = store.feedback.request(request_id)
    app = (store.applications.get(current.application_id)
           if current.application_id is not None else None)
    return current, fb.saved_themes(store), app


def reply_section(store: Store, today: date) -> None:
    query = st.text_input("Find the request", key="feedback_reply_query", max_chars=100,
                          placeholder="Company, role or person")
    found, total = ui.cached(store, store.feedback.requests,
                             statuses=tuple(s.value for s in REPLY_STATUSES), query=query,
                             limit=20, offset=0)
    if not found:
        st.info("No matching requests. Record the request first under “Ask”.",
                icon=":material/search_off:")
        return
    records = {r.id: r for r in found}
    rid = ui.pick("Request", records, request_label, key="feedback_reply_pick",
                  on_change=ui.clear_errors, args=(REPLY_FORM,),
                  help="The 20 most recent matches. Search to narrow it down.")
    if rid is None:
        return
    current, themes, app = ui.cached(store, _reply_context, rid)
    st.caption(f"Status: {fb.parse_status(current.status).label}")
    existing = fb.load_themes(current.themes)
    options = themes + [t for t in existing if t not in themes]
    editing = current.status == fb.Status.RECEIVED.value
    if editing:
        st.caption("This reply is already saved; saving again updates it.")
    with st.form(f"feedback_reply_form_{rid}", border=True):
        stored = current.received_on
        # A reply saved "today" in a time zone ahead of the one chosen now is after today
        # here: show it as stored (a widget can't hold a value past its maximum).
        received = st.date_input(
            "Received on", key=f"feedback_reply_on_{rid}", format="YYYY-MM-DD",
            value=stored or today, min_value=date(1990, 1, 1),
            max_value=max(today, stored or today))
        ui.field_error(REPLY_FORM, "received_on")
        text = st.text_area("What they said", key=f"feedback_reply_text_{rid}", height=160,
                            value=current.feedback_text,
                            placeholder="Paste or summarise the feedback in your own words.")
        ui.field_error(REPLY_FORM, "feedback_text")
        chosen = st.multiselect("Themes", options, default=existing,
                                key=f"feedback_reply_themes_{rid}",
                                help="Edit the list of themes under “Themes”.")
        ui.field_error(REPLY_FORM, "themes")
        can_end = app is not None and app.stage in fb.STAGES_A_REPLY_CAN_END
        was_a_no = can_end and st.checkbox(
            "Their reply was also a no", key=f"feedback_reply_no_{rid}",
            help="Marks the application rejected on the date received, and offers the short "
                 "path after a no.")
        ui.field_error(REPLY_FORM, "on_date")
        submitted = st.form_submit_button("Save the reply", icon=":material/save:",
                                          type="primary")
    ui.field_error(REPLY_FORM, "status")
    ui.form_error(REPLY_FORM)
    if submitted:
        ui.save(REPLY_FORM, lambda: fb.record_reply(
            store, rid, fb.Reply(received, text, tuple(chosen)), current.version,
            it_was_a_no=bool(was_a_no)),
            "Reply saved. Every reply you keep helps patterns show up.",
            then=lambda _: path_state.follow(app.id) if was_a_no and app else None)
