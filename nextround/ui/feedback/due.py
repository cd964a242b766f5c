"""Due for follow-up: the open requests whose follow-up date is near or past, a drafted
follow-up to send from the user's own mail app, and a gentle way to let go after two."""

from __future__ import annotations

import uuid
from datetime import date

import streamlit as st

from nextround import drafting, sending, ui
from nextround import feedback as fb
from nextround.records import DueFollowUp
from nextround.store import Store
from nextround.text import plural
from nextround.ui import send

DUE_SHOWN = 5
DUE_FORM = "feedback_due"


def due_section(store: Store, today: date) -> None:
    st.header("Due for follow-up")
    due, total = ui.cached(store, store.feedback.due, today, limit=DUE_SHOWN)
    ui.field_error(DUE_FORM, "status")
    ui.form_error(DUE_FORM)
    if not due:
        days = ui.cached(store, store.settings.get).follow_up_days
        st.info(f"Nothing needs a follow-up right now. A request shows up here as its "
                f"follow-up date nears ({plural(days, 'day')} after asking, unless you chose a "
                "date).",
                icon=":material/event_available:")
        return
    if any(fb.suggest_no_reply(r.status, r.follow_ups, r.follow_up_due, today) for r in due):
        st.info("Some requests below have had two follow-ups without an answer. Many "
                "employers never reply to feedback requests. That's common, and it says "
                "nothing about you. It's fine to close them as “no reply” and put your energy "
                "elsewhere.", icon=":material/spa:")
    for row in due:
        _due_card(store, row, today)
    if total > len(due):
        st.caption(f"{total - len(due)} more are due soon. Filter the table below by "
                   "“Awaiting reply” or “Followed up” to see them all.")


def _due_card(store: Store, row: DueFollowUp, today: date) -> None:
    rid = row.id
    due_on = row.follow_up_due
    assert due_on is not None  # `feedback.due` reads only requests with a follow-up date
    overdue = due_on < today
    with st.container(border=True):
        left, right = st.columns([3, 2], vertical_alignment="center")
        with left:
            role = f" · {ui.escape_markdown(row.role)}" if row.role else ""
            st.markdown(f"**{ui.escape_markdown(row.company or 'Unknown company')}**{role}")
            who = f" · {ui.escape_markdown(row.asked_whom)}" if row.asked_whom else ""
            channel = fb.channel_phrase(row.channel)
            follow_ups = row.follow_ups
            sent = ("no follow-ups yet" if follow_ups == 0 else
                    f"{plural(follow_ups, 'follow-up')} sent")
            st.caption(f"Asked {row.asked_on} {channel}{who} · {sent}".replace("  ", " "))
            st.badge(fb.due_label(due_on, today),
                     color="orange" if overdue else "blue",
                     icon=":material/schedule:")
        with right:
            if st.button("Draft a follow-up", key=f"feedback_draft_{rid}",
                         icon=":material/edit_note:", width="stretch"):
                st.session_state["feedback_drafting"] = rid
            if st.button("I followed up", key=f"feedback_mark_{rid}",
                         icon=":material/done:", width="stretch",
                         help="Mark a follow-up you sent another way (a call, a message)."):
                ui.save(DUE_FORM, lambda: fb.change_status(
                    store, rid, fb.Status.FOLLOWED_UP, row.version),
                    "Marked as followed up. The next follow-up date moved on.")
        if fb.suggest_no_reply(row.status, row.follow_ups, due_on, today):
            note, button = st.columns([3, 2], vertical_alignment="center")
            note.caption(f":material/spa: {row.follow_ups} follow-ups without an "
                         "answer. It's okay to let this one go.")
            if button.button("Close as no reply", key=f"feedback_close_{rid}",
                             icon=":material/archive:", width="stretch"):
                ui.save(DUE_FORM, lambda: fb.change_status(
                    store, rid, fb.Status.NO_REPLY, row.version),
                    "Closed as no reply. If they write back, you can still record the reply.")
        if st.session_state.get("feedback_drafting") == rid:
            follow_up_flow(store, rid)


def follow_up_flow(store: Store, request_id: int) -> None:
    """The feedback_follow_up draft for one request: edit it, send it from the mail app, then
    "I sent it" marks the request followed up (one transaction, once per draft)."""
    request = ui.cached(store, store.feedback.request, request_id)
    stages: list[str] = []
    notes: list[str] = []
    if request.application_id is not None:
        events = ui.cached(store, store.applications.events, request.application_id)
        stages, notes = [e.stage for e in events], [e.note for e in events]
    settings = ui.cached(store, store.settings.get)
    token_key = f"feedback_token_{request_id}"
    st.session_state.setdefault(token_key, uuid.uuid4().hex)
    st.markdown("**Your follow-up**")
    tone = st.radio(
        "Tone", list(drafting.TONES), index=list(drafting.TONES).index("warm"),
        key=f"feedback_tone_{request_id}", horizontal=True,
        format_func=lambda t: drafting.TONE_LABELS[t]) or "warm"
    try:
        made = drafting.draft("feedback_follow_up",
                              fb.follow_up_context(request, stages, settings.name, tone, notes))
    except ValueError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    body = drafting.with_signature(made.body, settings.signature)
    subject = st.text_input("Subject", value=made.subject, max_chars=300,
                            key=f"feedback_subject_{request_id}_{tone}")
    text = st.text_area("Email", value=body, height=260,
                        key=f"feedback_body_{request_id}_{tone}")
    if not made.to:
        st.caption("No email address is saved for this contact, so add it in your mail app "
                   "(or on the Applications page).")
    edited = drafting.Draft(subject=subject, body=text, to=made.to,
                            kind="feedback_follow_up", tone=tone)
    form = f"feedback_send_{request_id}"

    def sent(_: object) -> None:
        st.session_state.pop(token_key, None)
        st.session_state.pop("feedback_drafting", None)

    send.send_flow(
        edited, key=form, file_stem=f"follow-up-{request.company or 'feedback'}",
        mark_label="I sent it",
        on_mark_sent=lambda: sending.mark_follow_up_sent(
            store, request_id, request.version, subject=edited.subject, body=edited.body,
            to_email=edited.to or "", tone=tone, request_token=st.session_state[token_key]),
        sent_message="Follow-up marked as sent. The next follow-up date moved on.",
        after_sent=sent)
    for field in ("draft", "status"):
        ui.field_error(form, field)
    if st.button("Not now", key=f"feedback_cancel_{request_id}", icon=":material/close:"):
        st.session_state.pop("feedback_drafting", None)
        st.rerun()
