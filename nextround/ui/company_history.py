"""The door you kept open: what the user has been through with a company before, drawn beside
the forms that add one (an application, a dream-list company) and on a dream-list entry, with
a stay-in-touch note to the earlier contact one click away.

Which names are one company, and what the history holds, is `nextround.companies`'s (the one
rule); this module only draws it. The company, role, contact and feedback are the user's own
text: escaped wherever they meet Markdown, plain text otherwise.
"""

from __future__ import annotations

import time
from datetime import date

import streamlit as st

from nextround import companies, sending, ui
from nextround import reflection as rf
from nextround.companies import CompanyHistory
from nextround.models import Stage
from nextround.records import PastApplication
from nextround.store import Store
from nextround.text import plural
from nextround.ui import send

SHOWN = 4  # applications listed; the rest are counted
FEEDBACK_SHOWN = 2
FEEDBACK_CHARS = 280
NOTE_OPEN = "company_history_note_"  # + panel key: the application whose note is open
ECHO_S = 5.0  # how long after an add a stale echo of its company is still cleared
_ADDED = "company_history_added_"  # + the company field's key: (the name just added, when)
TIP = ("Applied to this company before? Type its name: what happened last time, the "
       "thank-you you sent and any feedback show here.")


def lookup(store: Store, name: str) -> CompanyHistory | None:
    """The history with the company `name`, cached until the next write."""
    if not companies.company_key(name or ""):
        return None
    return ui.cached(store, companies.history, name.strip())


def history_panel(store: Store, name: str, today: date, *, key: str,
                  note_open: bool = False) -> CompanyHistory | None:
    """Draw the history with the company `name` (nothing when there is none) and return it.
    `key` names the panel's widgets. The stay-in-touch note is one button away, and then
    drawn by `door_note` where the caller has room for it (under the form); with
    `note_open` it is shown in the panel at once (a dream-list entry, where writing to them
    is the next step)."""
    history = lookup(store, name)
    if history is None:
        return None
    door = history.door
    with st.container(border=True, key=f"{key}_history"):
        st.markdown(f":material/history: **You've been in touch with "
                    f"{ui.escape_markdown(history.company)} before**")
        if door is not None:
            _door_line(history, door, today)
        _applications(history)
        _feedback(history)
        _ghosting(history)
        if door is not None and note_open:
            stay_in_touch_note(store, door.id, today, key=f"{key}_stay")
        elif door is not None:
            _door_button(door, key=key)
    return history


def door_note(store: Store, history: CompanyHistory | None, today: date, *, key: str) -> None:
    """The stay-in-touch note the panel's button opened (if it did), with room to send it."""
    door = history.door if history is not None else None
    if door is not None and st.session_state.get(NOTE_OPEN + key) == door.id:
        with st.container(border=True, key=f"{key}_note"):
            stay_in_touch_note(store, door.id, today, key=f"{key}_stay")


def _who(application: PastApplication, to_email: str = "") -> str:
    """Whom the user dealt with, as plain text: the contact's name, else the address."""
    return application.contact_name or to_email or application.contact_email


def _after(application: PastApplication, today: date) -> str:
    """ "after the no in March" (our words and a date: safe as Markdown)."""
    event = "the no" if application.stage == Stage.REJECTED else "you withdrew"
    return f"after {event} {companies.when(application.stage_on, today)}"


def _door_line(history: CompanyHistory, door: PastApplication, today: date) -> None:
    """Where "always respond" pays off: the thank-you they sent, said first."""
    thanks = history.thanks_for(door.id)
    if thanks is None:
        if door.stage == Stage.REJECTED:
            st.caption("You didn't send a thank-you that time, and that's fine: a short "
                       "stay-in-touch note now still opens the door.")
        return
    who = _who(door, thanks.to_email)
    them = ui.escape_markdown(who) if who else "them"
    st.success(f"You thanked {them} {_after(door, today)}: the door is open.",
               icon=":material/door_open:")
    note = history.last_note(door.id)
    if note is not None and note.sent_on is not None:
        st.caption(f"You wrote again to stay in touch {companies.when(note.sent_on, today)}.")


def _applications(history: CompanyHistory) -> None:
    for application in history.applications[:SHOWN]:
        role = ui.escape_markdown(application.role) if application.role else "An application"
        st.markdown(f"**{role}**")
        said = companies.summary(application)
        thanks = history.thanks_for(application.id)
        if thanks is not None:
            who = _who(application, thanks.to_email)
            to = f" to {ui.escape_markdown(who)}" if who else ""
            sent = f" on {thanks.sent_on.isoformat()}" if thanks.sent_on else ""
            said += f" Thank-you sent{sent}{to}."
        st.caption(said)
    more = len(history.applications) - SHOWN
    if more > 0:
        st.caption(f"And {plural(more, 'earlier application')}.")


def _feedback(history: CompanyHistory) -> None:
    for reply in history.feedback[:FEEDBACK_SHOWN]:
        whom = f" from {ui.escape_markdown(reply.asked_whom)}" if reply.asked_whom else ""
        text = " ".join(reply.feedback_text.split())
        if len(text) > FEEDBACK_CHARS:
            text = text[:FEEDBACK_CHARS - 1] + "…"
        said = f": “{ui.escape_markdown(text)}”" if text else "."
        st.caption(f":material/forum: Feedback{whom}, {reply.received_on.isoformat()}{said}")


def _ghosting(history: CompanyHistory) -> None:
    """A silence from before, said gently: it is about their process, not the user."""
    ghosted = history.ghosted
    if not ghosted:
        return
    when = "last time" if history.applications[0].id == ghosted[0].id else "once before"
    st.info(f"They didn't reply {when} ({ghosted[0].applied_on.year}). That says more about "
            "their process than about you.", icon=":material/cloud:")


def _door_button(door: PastApplication, *, key: str) -> None:
    """One click to the stay-in-touch note (`door_note` draws it)."""
    who = _who(door)
    to = f" to {ui.escape_markdown(who)}" if who else ""
    if st.session_state.get(NOTE_OPEN + key) == door.id:
        st.caption(f":material/mail: Your note{to} is just below.")
        return
    st.caption(f"A short note{to} a few months on keeps the door open.")
    st.button("Write a stay-in-touch note", key=f"{key}_stay_open", icon=":material/mail:",
              on_click=st.session_state.__setitem__, args=(NOTE_OPEN + key, door.id))


def stay_in_touch_note(store: Store, application_id: int, today: date, *, key: str) -> None:
    """A short, warm note that keeps the door open after an earlier application (from
    drafting, about the role they applied for then), and the send flow: copy, open in the
    mail app, download, mark as sent (one draft a day per application, however many places
    offer it)."""
    st.markdown(":material/mail: **Stay in touch**")
    st.caption("A short note a few months on keeps the door open. Edit it as you like in your "
               "mail app.")
    settings = ui.cached(store, store.settings.get)
    application = ui.cached(store, store.applications.get, application_id)
    try:
        made = rf.stay_in_touch_draft(
            settings, application,
            stages=[e.stage for e in ui.cached(store, store.applications.events,
                                               application_id)])
    except (ValueError, LookupError) as exc:
        st.caption(f"No draft this time: {ui.escape_markdown(exc)}")
        return
    if not settings.name:
        st.caption("Add your name on the Your data page, and drafts will be signed with it.")
    with st.container(border=True, key=f"{key}_preview"):
        st.text(f"Subject: {made.subject}")
        st.text(made.body)
    token = f"stay_in_touch-{application_id}-{today.isoformat()}"
    already = ui.cached(store, store.drafts.by_token, token)
    fields = {"kind": "stay_in_touch", "tone": made.tone or "warm",
              "application_id": application_id, "company": application.company,
              "role": application.role, "to_email": made.to or "",
              "subject": made.subject, "body": made.body}
    send.send_flow(
        made, key=key, file_stem=f"stay-in-touch-{application.company}",
        on_mark_sent=lambda: sending.mark_draft_sent(store, fields, request_token=token,
                                                     sent_on=today),
        sent_note=("Marked as sent today. Nice: the door stays open."
                   if already and already.status == "sent" else None))


# --- the company field, outside its form ---------------------------------------------------
# The add forms keep their company field outside the `st.form`, so a company is looked up as
# soon as it is entered. A browser sends that field's value when it loses focus, and a click
# on the form's submit button makes it lose focus: the submit reaches the server first, and
# the field's own rerun a moment later, still holding the name just added. Two things keep
# that harmless. The form and its company field are drawn in an `st.fragment`, so the
# field's rerun waits for the submit's run to finish instead of stopping it halfway (after
# the write, before the form was cleared). And the add remembers the name it cleared
# (`remember_added`), so that late echo of it is cleared again (`forget_echo`) instead of
# filling the field on the server while the browser shows it empty.

def remember_added(field_key: str, panel_key: str) -> None:
    """On a successful add, before its fields are cleared: remember the company it had; the
    panel's stay-in-touch note closes with it."""
    st.session_state.pop(NOTE_OPEN + panel_key, None)
    st.session_state[_ADDED + field_key] = (str(st.session_state.get(field_key) or ""),
                                            time.monotonic())


def forget_echo(field_key: str) -> None:
    """Before the company field is drawn: a value that is only the late echo of the name
    just added (the same name, within `ECHO_S`) is cleared again."""
    just = st.session_state.get(_ADDED + field_key)
    if just is None:
        return
    name, when = just
    fresh = time.monotonic() - when < ECHO_S
    if fresh and name and st.session_state.get(field_key) == name:
        st.session_state[field_key] = ""
        fresh = False
    if not fresh:
        del st.session_state[_ADDED + field_key]
