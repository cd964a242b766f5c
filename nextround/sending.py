"""What the user sent from their own mail app, recorded: a draft kept or marked sent, and what
goes with it (a feedback request opened, a follow-up counted).

Next Round never sends email. The user sends it, then tells us; each function here checks what
it was given with the drafting and feedback rules, then writes everything in one transaction,
so a refusal (a bad field, a stale tab, a request another tab closed) writes nothing. Each is
idempotent by the page's request token: a double click records one email.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from nextround import after_no
from nextround import feedback as fb
from nextround.drafting import clean_draft
from nextround.models import ValidationError, clean_multi_line, clean_single_line
from nextround.store import MAX_COUNT, Store

BODY_MAX = 20_000
SUBJECT_MAX = 300
ASKED_WHOM_MAX = 200


def save_draft(store: Store, fields: Mapping[str, Any], *, request_token: str,
               draft_id: int | None = None, version: int | None = None) -> tuple[int, int]:
    """Keep an unsent draft (checked by `drafting.clean_draft`). Returns (id, version)."""
    return store.drafts.save(clean_draft(fields), request_token=request_token,
                             draft_id=draft_id, version=version)


def mark_draft_sent(store: Store, fields: Mapping[str, Any], *, request_token: str,
                    sent_on: date, ask_feedback: bool = False, draft_id: int | None = None,
                    version: int | None = None, appreciated: str = "") -> int:
    """Store the final text as sent on `sent_on`, in one transaction, and return its id.

    - Idempotent: a second submit with the same request token (a double click, a rerun)
      changes nothing and returns the id already stored.
    - A draft saved earlier is updated only from the version this tab loaded.
    - With `ask_feedback` (or for a feedback request email) it also opens one feedback
      request, due for a follow-up the user's follow-up days later, unless one is already
      open for that application.
    - A thank-you for a rejection keeps what the user `appreciated` with its path after a no,
      so the reflection can start from it (never asked twice).
    """
    values = clean_draft(fields)
    note = after_no.clean_note(appreciated) if appreciated.strip() else None
    opens_request = ask_feedback or values["kind"] == "feedback_request"
    days = store.settings.get().follow_up_days
    with store.write() as tx:
        existing = tx.drafts.by_token(request_token)
        if existing is not None and existing.status == "sent":
            return existing.id
        draft = tx.drafts.mark_sent(values, request_token=request_token, sent_on=sent_on,
                                    draft_id=draft_id, version=version)
        application_id = values["application_id"]
        if opens_request and (application_id is None
                              or tx.feedback.open_request_for(application_id) is None):
            whom = str(fields.get("contact_name") or values["to_email"] or "")
            tx.feedback.add_request(application_id, asked_on=sent_on,
                                    channel=fb.Channel.EMAIL.value,
                                    asked_whom=whom[:ASKED_WHOM_MAX],
                                    follow_up_due=fb.follow_up_due(sent_on, days),
                                    draft_id=draft)
        if (note and application_id is not None and values["kind"] == "rejection_thanks"
                and tx.paths.facts(application_id) is not None):
            tx.paths.mark(application_id, "reply", "done", on_date=sent_on, note=note)
        return draft


def mark_follow_up_sent(store: Store, request_id: int, version: int, *, subject: str,
                        body: str, to_email: str = "", tone: str = "warm", request_token: str,
                        today: date | None = None) -> int:
    """The user sent a follow-up email: in one transaction, keep the sent draft
    (kind feedback_follow_up) and mark the request followed up (one more follow-up,
    next due = today + follow-up days). The same `request_token` twice (a double click)
    records it once. Returns the draft id."""
    try:
        subject_ = clean_single_line(subject, "Subject", required=True, max_len=SUBJECT_MAX)
        body_ = clean_multi_line(body, "The email text", max_len=BODY_MAX)
    except ValueError as exc:
        raise ValidationError({"draft": str(exc)}) from exc
    if not body_:
        raise ValidationError({"draft": "The email text is empty."})
    day = today or store.today()
    days = store.settings.get().follow_up_days
    with store.write() as tx:
        done = tx.drafts.by_token(request_token)
        if done is not None:
            return done.id
        request = tx.feedback.request(request_id)
        fb.check_transition(request.status, fb.Status.FOLLOWED_UP)
        draft = tx.drafts.mark_sent({
            "application_id": request.application_id, "kind": "feedback_follow_up",
            "tone": tone, "company": request.company or "", "role": request.role or "",
            "to_email": to_email or "", "subject": subject_, "body": body_,
        }, request_token=request_token, sent_on=day)
        tx.feedback.update(request_id, version, status=fb.Status.FOLLOWED_UP.value,
                           follow_ups=min(request.follow_ups + 1, MAX_COUNT),
                           follow_up_due=fb.follow_up_due(day, days).isoformat(),
                           draft_id=draft)
        return draft
