"""Feedback: record each feedback request, follow up when it's due, store the replies, and see
what the replies say across applications.

Most requests get no answer; that is normal. The page keeps the open ones from being
forgotten, suggests letting go after two unanswered follow-ups, and turns every reply that
does come into themes the user can act on.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from nextround import charts, drafting, sending, ui
from nextround import feedback as fb
from nextround.store import Store
from nextround.ui import send

PAGE_SIZE = 25
DUE_SHOWN = 5
REPLIES_SHOWN = 10
REPLY_STATUSES = (fb.Status.AWAITING, fb.Status.FOLLOWED_UP, fb.Status.NO_REPLY,
                  fb.Status.RECEIVED)
STATUS_FORM = "feedback_status"
REPLY_FORM = "feedback_reply"
NEW_FORM = "feedback_new"
THEMES_FORM = "feedback_themes"
DUE_FORM = "feedback_due"
PLAN_FORM = "feedback_plan"


def _request_label(row: pd.Series | dict) -> str:
    """Plain text for a picker option (options are never rendered as Markdown). The status is
    shown under the picker instead: a browser keeps an option's old label after a change."""
    role = f" · {row['role']}" if row.get("role") else ""
    return f"{row.get('company') or 'Unknown company'}{role} · asked {row['asked_on']}"


def _application_label(row: dict) -> str:
    role = f" · {row['role']}" if row.get("role") else ""
    return f"{row['company']}{role} · {row['stage']} · applied {row['applied_on']}"


# --- metrics ---------------------------------------------------------------------------------

def metrics_row(store: Store) -> None:
    summary = fb.summarize(ui.cached(store, Store.feedback_counts), store.today())
    cells = st.columns(4)
    cells[0].metric("Feedback requested", f"{summary.requested:,}", border=True)
    cells[1].metric("Replies received", f"{summary.received:,}", border=True)
    cells[2].metric("Feedback rate", "—" if summary.rate is None else f"{summary.rate:.0%}",
                    border=True, help="Replies received ÷ feedback requested.")
    median = summary.median_days_to_reply
    cells[3].metric("Median days to a reply", "—" if median is None else f"{median:g}",
                    border=True, help="From asking to the reply, over the replies received.")


# --- due for follow-up -----------------------------------------------------------------------

def due_section(store: Store, today: date) -> None:
    st.header("Due for follow-up")
    due, total = ui.cached(store, store.feedback.due, today, limit=DUE_SHOWN)
    ui.field_error(DUE_FORM, "status")
    ui.form_error(DUE_FORM)
    if due.empty:
        days = ui.cached(store, Store.settings).follow_up_days
        st.info(f"Nothing needs a follow-up right now. A request shows up here as its "
                f"follow-up date nears ({days} days after asking, unless you chose a date).",
                icon=":material/event_available:")
        return
    rows = due.to_dict("records")
    if any(fb.suggest_no_reply(r["status"], int(r["follow_ups"]),
                               date.fromisoformat(r["follow_up_due"]), today) for r in rows):
        st.info("Some requests below have had two follow-ups without an answer. Many "
                "employers never reply to feedback requests. That's common, and it says "
                "nothing about you. It's fine to close them as “no reply” and put your energy "
                "elsewhere.", icon=":material/spa:")
    for row in rows:
        _due_card(store, row, today)
    if total > len(due):
        st.caption(f"{total - len(due)} more are due soon. Filter the table below by "
                   "“Awaiting reply” or “Followed up” to see them all.")


def _due_card(store: Store, row: dict, today: date) -> None:
    rid = int(row["id"])
    due_on = date.fromisoformat(row["follow_up_due"])
    overdue = due_on < today
    with st.container(border=True):
        left, right = st.columns([3, 2], vertical_alignment="center")
        with left:
            role = f" · {ui.escape_markdown(row['role'])}" if row["role"] else ""
            st.markdown(f"**{ui.escape_markdown(row['company'] or 'Unknown company')}**{role}")
            who = f" · {ui.escape_markdown(row['asked_whom'])}" if row["asked_whom"] else ""
            channel = fb.channel_phrase(row["channel"])
            follow_ups = int(row["follow_ups"])
            sent = ("no follow-ups yet" if follow_ups == 0 else
                    f"{follow_ups} follow-up{'s' if follow_ups > 1 else ''} sent")
            st.caption(f"Asked {row['asked_on']} {channel}{who} · {sent}".replace("  ", " "))
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
                _act(DUE_FORM, lambda: fb.change_status(
                    store, rid, fb.Status.FOLLOWED_UP, int(row["version"])),
                    "Marked as followed up. The next follow-up date moved on.")
        if fb.suggest_no_reply(row["status"], int(row["follow_ups"]), due_on, today):
            note, button = st.columns([3, 2], vertical_alignment="center")
            note.caption(f":material/spa: {int(row['follow_ups'])} follow-ups without an "
                         "answer. It's okay to let this one go.")
            if button.button("Close as no reply", key=f"feedback_close_{rid}",
                             icon=":material/archive:", width="stretch"):
                _act(DUE_FORM, lambda: fb.change_status(
                    store, rid, fb.Status.NO_REPLY, int(row["version"])),
                    "Closed as no reply. If they write back, you can still record the reply.")
        if st.session_state.get("feedback_drafting") == rid:
            follow_up_flow(store, rid)


def follow_up_flow(store: Store, request_id: int) -> None:
    """The feedback_follow_up draft for one request: edit it, send it from the mail app, then
    "I sent it" marks the request followed up (one transaction, once per draft)."""
    request = ui.cached(store, store.feedback.request, request_id)
    stages: list[str] = []
    notes: list[str] = []
    if request["application_id"] is not None:
        events = ui.cached(store, store.applications.events, int(request["application_id"]))
        stages, notes = events["stage"].tolist(), events["note"].tolist()
    settings = ui.cached(store, Store.settings)
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
    result = send.send_flow(
        edited, key=form, file_stem=f"follow-up-{request.get('company') or 'feedback'}",
        mark_label="I sent it",
        on_mark_sent=lambda: sending.mark_follow_up_sent(
            store, request_id, int(request["version"]), subject=edited.subject, body=edited.body,
            to_email=edited.to or "", tone=tone, request_token=st.session_state[token_key]))
    for field in ("draft", "status"):
        ui.field_error(form, field)
    if st.button("Not now", key=f"feedback_cancel_{request_id}", icon=":material/close:"):
        st.session_state.pop("feedback_drafting", None)
        st.rerun()
    if result is not None:
        st.session_state.pop(token_key, None)
        st.session_state.pop("feedback_drafting", None)
        ui.flash("Follow-up marked as sent. The next follow-up date moved on.")
        st.rerun()


# --- all requests ----------------------------------------------------------------------------

def requests_section(store: Store) -> None:
    filters = st.columns([3, 2])
    statuses = filters[0].pills(
        "Status", [s.value for s in fb.Status], selection_mode="multi",
        format_func=lambda s: fb.parse_status(s).label, key="feedback_filter_status")
    query = filters[1].text_input("Search company, role or person", key="feedback_filter_query",
                                  max_chars=100, placeholder="e.g. Acme")
    first_page, total = ui.cached(store, store.feedback.requests, statuses=tuple(statuses),
                                  query=query, limit=PAGE_SIZE, offset=0)
    if total == 0:
        if statuses or query.strip():
            st.info("No requests match these filters.", icon=":material/filter_alt_off:")
        else:
            st.info("No feedback requests yet. When you ask someone for feedback, record it "
                    "under “Ask for feedback” so Next Round can remind you to follow up.",
                    icon=":material/forum:")
        return
    pages = max(1, -(-total // PAGE_SIZE))
    page_no = 1
    if pages > 1:
        page_no = int(st.columns([1, 4])[0].number_input(
            f"Page (of {pages})", min_value=1, max_value=pages, step=1, key="feedback_page"))
    rows = first_page if page_no == 1 else ui.cached(
        store, store.feedback.requests, statuses=tuple(statuses), query=query,
        limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE)[0]
    st.caption(f"Showing {len(rows)} of {total:,} request{'s' if total != 1 else ''}, "
               "newest first.")
    shown = pd.DataFrame({
        "Company": rows["company"].fillna(""),
        "Role": rows["role"].fillna(""),
        "Asked on": rows["asked_on"],
        "Channel": rows["channel"].map(lambda c: fb.CHANNEL_LABELS.get(c, c)),
        "Asked": rows["asked_whom"],
        "Status": rows["status"].map(lambda s: fb.STATUS_LABELS.get(s, s)),
        "Follow-ups": rows["follow_ups"],
        "Follow up by": rows.apply(lambda r: r["follow_up_due"] if r["status"] in fb.OPEN
                                   else "", axis=1),
        "Received on": rows.apply(lambda r: r["received_on"] or "" if r["status"] ==
                                  fb.Status.RECEIVED.value else "", axis=1),
    })
    small = {"width": "small"}
    st.dataframe(shown, hide_index=True, width="stretch", key="feedback_table", column_config={
        "Asked on": st.column_config.TextColumn(**small),
        "Channel": st.column_config.TextColumn(**small),
        "Asked": st.column_config.TextColumn("Who", **small),
        "Follow-ups": st.column_config.NumberColumn(**small),
        "Follow up by": st.column_config.TextColumn(**small),
        "Received on": st.column_config.TextColumn(**small),
    })
    _quick_status(store, rows)


def _quick_status(store: Store, rows: pd.DataFrame) -> None:
    st.markdown("**Change a status**")
    records = {int(r["id"]): r for r in rows.to_dict("records")}
    left, middle, right = st.columns([3, 2, 1], vertical_alignment="bottom")
    rid = left.selectbox("Request", list(records), format_func=lambda i: _request_label(
        records[i]), key="feedback_status_pick", on_change=ui.clear_errors,
        args=(STATUS_FORM,))
    if rid is None:
        return
    chosen = records[rid]
    left.caption(f"Status: {fb.parse_status(chosen['status']).label}")
    options = [s.value for s in fb.allowed_next(chosen["status"])]
    if not options:
        middle.caption("A received reply is final. Edit its text and themes under "
                       "“Record a reply”.")
        return
    new = middle.selectbox("New status", options, format_func=lambda s: fb.parse_status(s).label,
                           key=f"feedback_status_new_{rid}")
    if right.button("Change", key="feedback_status_save", icon=":material/sync_alt:",
                    width="stretch"):
        _act(STATUS_FORM, lambda: fb.change_status(store, rid, new, int(chosen["version"])),
             f"Status changed to “{fb.parse_status(new).label}”.")
    ui.field_error(STATUS_FORM, "status")
    ui.form_error(STATUS_FORM)


# --- record a reply --------------------------------------------------------------------------

def reply_section(store: Store, today: date) -> None:
    query = st.text_input("Find the request", key="feedback_reply_query", max_chars=100,
                          placeholder="Company, role or person")
    found, total = ui.cached(store, store.feedback.requests,
                             statuses=tuple(s.value for s in REPLY_STATUSES), query=query,
                             limit=20, offset=0)
    if found.empty:
        st.info("No matching requests. Record the request first under “Ask for feedback”.",
                icon=":material/search_off:")
        return
    records = {int(r["id"]): r for r in found.to_dict("records")}
    rid = st.selectbox("Request", list(records), key="feedback_reply_pick",
                       format_func=lambda i: _request_label(records[i]),
                       on_change=ui.clear_errors, args=(REPLY_FORM,),
                       help="The 20 most recent matches. Search to narrow it down.")
    if rid is None:
        return
    current = ui.cached(store, store.feedback.request, rid)
    st.caption(f"Status: {fb.parse_status(current['status']).label}")
    themes = ui.cached(store, fb.saved_themes)
    existing = fb.load_themes(current["themes"])
    options = themes + [t for t in existing if t not in themes]
    editing = current["status"] == fb.Status.RECEIVED.value
    if editing:
        st.caption("This reply is already saved; saving again updates it.")
    with st.form(f"feedback_reply_form_{rid}", border=True):
        received = st.date_input(
            "Received on", key=f"feedback_reply_on_{rid}", format="YYYY-MM-DD",
            value=date.fromisoformat(current["received_on"]) if current["received_on"]
            else today, min_value=date(1990, 1, 1), max_value=today)
        ui.field_error(REPLY_FORM, "received_on")
        text = st.text_area("What they said", key=f"feedback_reply_text_{rid}", height=160,
                            value=current["feedback_text"] or "",
                            placeholder="Paste or summarise the feedback in your own words.")
        ui.field_error(REPLY_FORM, "feedback_text")
        chosen = st.multiselect("Themes", options, default=existing,
                                key=f"feedback_reply_themes_{rid}",
                                help="Edit the list of themes under “Your themes”.")
        ui.field_error(REPLY_FORM, "themes")
        submitted = st.form_submit_button("Save the reply", icon=":material/save:",
                                          type="primary")
    ui.field_error(REPLY_FORM, "status")
    ui.form_error(REPLY_FORM)
    if submitted:
        _act(REPLY_FORM, lambda: fb.record_reply(
            store, rid, fb.Reply(received, text, tuple(chosen)), int(current["version"])),
            "Reply saved. Every reply you keep helps patterns show up.")


# --- ask for feedback ------------------------------------------------------------------------

def new_request_section(store: Store, today: date) -> None:
    query = st.text_input("Find the application", key="feedback_new_query", max_chars=100,
                          placeholder="Company, role, location or source")
    found, _ = ui.cached(store, store.applications.search, query=query, limit=20)
    if found.empty:
        st.info("No matching applications. Add the application on the Applications page "
                "first.", icon=":material/search_off:")
        return
    records = {int(r["id"]): r for r in found.to_dict("records")}
    app_id = st.selectbox("Application", list(records), key="feedback_new_pick",
                          format_func=lambda i: _application_label(records[i]),
                          on_change=ui.clear_errors, args=(NEW_FORM,),
                          help="The 20 most recent matches. Search to narrow it down.")
    if app_id is None:
        return
    days = ui.cached(store, Store.settings).follow_up_days
    with st.form(f"feedback_new_form_{app_id}", border=True):
        left, right = st.columns(2)
        with left:
            asked_on = st.date_input("Asked on", value=today, key=f"feedback_new_on_{app_id}",
                                     format="YYYY-MM-DD", min_value=date(1990, 1, 1),
                                     max_value=today)
            ui.field_error(NEW_FORM, "asked_on")
            channel = st.selectbox("How you asked", [c.value for c in fb.Channel],
                                   format_func=lambda c: fb.parse_channel(c).label,
                                   key=f"feedback_new_channel_{app_id}")
            ui.field_error(NEW_FORM, "channel")
        with right:
            whom = st.text_input("Who you asked", key=f"feedback_new_whom_{app_id}",
                                 value=records[app_id].get("contact_name") or "",
                                 max_chars=200, placeholder="e.g. the recruiter, Sam Lee")
            ui.field_error(NEW_FORM, "asked_whom")
            due = st.date_input("Follow up on", value=None, key=f"feedback_new_due_{app_id}",
                                format="YYYY-MM-DD",
                                help=f"Leave empty to follow up {days} days after asking "
                                     "(you can change this on the Your data page).")
            ui.field_error(NEW_FORM, "follow_up_due")
        submitted = st.form_submit_button("Save the request", icon=":material/add:",
                                          type="primary")
    ui.field_error(NEW_FORM, "application")
    ui.form_error(NEW_FORM)
    if submitted:
        _act(NEW_FORM, lambda: fb.add_request(
            store, app_id, fb.NewRequest(asked_on=asked_on, channel=channel, asked_whom=whom,
                                         follow_up_due=due)),
            "Request saved. Next Round will remind you when it's time to follow up.")


# --- themes ----------------------------------------------------------------------------------

def themes_section(store: Store) -> None:
    themes = ui.cached(store, fb.saved_themes)
    version = ui.cached(store, Store.settings).version
    st.caption("The themes you tag replies with. One per line; renaming a theme here doesn't "
               "change replies you've already tagged.")
    with st.form("feedback_themes_form", border=True):
        text = st.text_area("Your themes", value="\n".join(themes), height=220,
                            key=f"feedback_themes_text_{version}")
        ui.field_error(THEMES_FORM, "themes")
        submitted = st.form_submit_button("Save themes", icon=":material/save:")
    ui.form_error(THEMES_FORM)
    if submitted:
        _act(THEMES_FORM, lambda: fb.save_themes(store, text, version), "Themes saved.")


# --- what the feedback says ------------------------------------------------------------------

def _theme_chart(store: Store, freq: str,
                 today: date) -> tuple[pd.DataFrame, str | None, date, date]:
    """The chart's rows for its fixed window (counted in SQL), the name of its "other themes"
    bucket (None if there is none), and the window itself."""
    start, end = fb.chart_window(today, freq)
    counts = store.feedback.theme_counts(freq, start, end, top=fb.CHART_THEMES)
    return *fb.theme_chart_counts(counts), start, end


def insights_section(store: Store, today: date) -> None:
    st.header("What the feedback says")
    received, tagged = ui.cached(store, store.feedback.reply_counts)
    if received == 0:
        st.info("When feedback arrives, record it under “Record a reply” and tag its themes. "
                "Patterns across applications show up here.", icon=":material/insights:")
        return
    if tagged == 0:
        st.info(f"{received} repl{'ies' if received != 1 else 'y'} saved, none tagged "
                "with a theme yet. Tag them under “Record a reply” to see patterns.",
                icon=":material/sell:")
        return
    top = fb.top_themes(ui.cached(store, store.feedback.theme_totals), tagged)
    freq = st.radio("Group by", list(fb.FREQS), horizontal=True,
                    format_func=lambda f: "Month" if f == "month" else "Week",
                    key="feedback_freq") or "month"
    counts, other, start, end = ui.cached(store, _theme_chart, freq, today)
    if counts.empty:
        st.info(f"No replies with a theme in the last {fb.window_words(freq)}. The table "
                "below counts every reply you've saved.", icon=":material/event_busy:")
    else:
        ui.chart(charts.feedback_themes, counts, freq, window=(start, end), other=other,
                 alt="Themes mentioned in feedback replies over time")
        st.caption(fb.chart_caption(freq, start, end, other=other))
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.markdown("**Most frequent themes**")
        st.dataframe(
            top.rename(columns={"theme": "Theme", "replies": "Replies", "share": "Share"}),
            hide_index=True, width="stretch", key="feedback_top_themes",
            column_config={"Share": st.column_config.ProgressColumn(
                "Share", format="percent", min_value=0, max_value=1,
                help="Share of the replies tagged with any theme.")})
    with right:
        _replies_by_theme(store, top["theme"].tolist())


def _replies_by_theme(store: Store, themes: list[str]) -> None:
    st.markdown("**Replies by theme**")
    theme = st.selectbox("Theme", themes, key="feedback_theme_pick")
    if theme is None:
        return
    if st.button("Add this theme to my game plan", key="feedback_add_plan",
                 icon=":material/playlist_add:",
                 help="Adds a small, concrete action for this theme to your game plan on the "
                      "Reflect page, due in two weeks. You can edit it there."):
        result = ui.run_action(PLAN_FORM, lambda: fb.add_theme_to_game_plan(store, theme))
        if result is not None:
            ui.flash("Added to your game plan on the Reflect page." if result[1] else
                     "This theme is already on your game plan (see the Reflect page).")
        st.rerun()
    ui.field_error(PLAN_FORM, "theme")
    ui.form_error(PLAN_FORM)
    chosen = ui.cached(store, store.feedback.replies_for_theme, theme, limit=REPLIES_SHOWN)
    st.caption(f"The {len(chosen)} most recent repl{'ies' if len(chosen) != 1 else 'y'} with "
               "this theme, newest first.")
    with st.container(height=520 if len(chosen) > 3 else "content", border=False):
        for reply in chosen.to_dict("records"):
            with st.container(border=True):
                role = f" · {ui.escape_markdown(reply['role'])}" if reply.get("role") else ""
                company = ui.escape_markdown(reply.get("company") or "Unknown company")
                st.caption(f"{reply['received_on']} · {company}{role}")
                st.text(reply["feedback_text"] or "(no text saved)")


def _act(form: str, action: Callable[[], object], message: str) -> None:
    """One write. On success a toast; either way a rerun, so that a message shows up next
    to its field (drawn from session state) and every list shows the new state."""
    ui.run_action(form, action)
    if not st.session_state.get(ui.errors_key(form)):
        ui.flash(message)
    st.rerun()


def main(store: Store) -> None:
    st.title("Feedback")
    st.caption("Asking what could have been better takes courage. Most requests get no answer, "
               "and that's normal; the replies that do come are worth keeping.")
    today = store.today()
    metrics_row(store)
    due_section(store, today)
    st.header("Your requests")
    tabs = st.tabs(["All requests", "Record a reply", "Ask for feedback", "Your themes"])
    with tabs[0]:
        requests_section(store)
    with tabs[1]:
        reply_section(store, today)
    with tabs[2]:
        new_request_section(store, today)
    with tabs[3]:
        themes_section(store)
    insights_section(store, today)


main(ui.frame("Feedback", ":material/forum:"))
