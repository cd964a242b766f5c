"""Step 4 of Respond: send the draft from the user's own mail app, then mark it as sent (or
save it for later). Marking it sent also opens the feedback request when the email asks."""

from __future__ import annotations

from typing import Any

import streamlit as st

from nextround import drafting, sending, ui
from nextround.models import Settings
from nextround.store import Store
from nextround.text import plural
from nextround.ui import path_state
from nextround.ui.respond.state import K, Picked, draft_state
from nextround.ui.send import send_flow


def fields_for_store(app: Picked | None, final: drafting.Draft) -> dict[str, Any]:
    """The draft as `sending` keeps it: the picked application (or the typed company)."""
    ss = st.session_state
    return {"application_id": app.id if app else None, "kind": ss.get(f"{K}_kind"),
            "tone": ss.get(f"{K}_tone"),
            "company": app.company if app else (ss.get(f"{K}_company") or ""),
            "role": app.role if app else (ss.get(f"{K}_role") or ""),
            "to_email": final.to or "", "subject": final.subject, "body": final.body,
            "contact_name": (ss.get(f"{K}_contact_name") or "").strip()}


def send(store: Store, app: Picked | None, final: drafting.Draft, settings: Settings) -> None:
    """Send it from the user's mail app, then mark it as sent (or save for later)."""
    state = draft_state()
    fields = fields_for_store(app, final)
    try:
        drafting.check_one_line(final.subject, "Subject")
    except ValueError:
        st.error("Fix the subject above (it must be one line) to send or save this draft. "
                 "Nothing was saved.", icon=":material/error:")
        return
    ask = bool(st.session_state.get(f"{K}_ask_feedback")) or fields["kind"] == "feedback_request"

    def mark() -> int:
        return sending.mark_draft_sent(store, fields, request_token=state["token"],
                                       sent_on=ui.today(store), ask_feedback=ask,
                                       draft_id=state["draft_id"], version=state["version"],
                                       appreciated=st.session_state.get(f"{K}_highlight") or "")

    sent = state["sent"]
    note = (f"Marked as sent on {sent['on']}. Well done: replying is the practice. Change "
            "anything above to start a new email." if sent else None)
    def save_button() -> None:
        if sent or not st.button("Save for later", key=f"{K}_save", icon=":material/save:",
                                 help="Keeps this draft, unsent, with the application."):
            return
        ui.save(f"{K}_save", lambda: sending.save_draft(
            store, fields, request_token=state["token"], draft_id=state["draft_id"],
            version=state["version"]), "Draft saved.",
            then=lambda saved: state.update(draft_id=saved[0], version=saved[1]))

    def marked(draft_id: int) -> None:
        state["sent"] = {"id": draft_id, "on": ui.today(store).isoformat(),
                         "app_id": app.id if app else None}
        state["draft_id"] = None
        if app is not None:  # what's next after a no shows above (for a rejection only)
            path_state.follow(app.id)

    message = "Marked as sent."
    if ask:
        message += f" Feedback follow-up due in {plural(settings.follow_up_days, 'day')}."
    stem = "-".join(p for p in (fields["kind"], fields["company"]) if p)
    send_flow(final, key=K, on_mark_sent=mark, sent_message=message, after_sent=marked,
              file_stem=stem, sent_note=note, beside_mark=save_button)
    for problem in st.session_state.get(ui.errors_key(f"{K}_save"), {}).values():
        st.error(problem, icon=":material/error:")  # our own words, from the store
