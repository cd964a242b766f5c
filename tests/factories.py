"""Records for tests, made through the store's public API: the one place tests make them.

Every test that needs an application, a stage change, a feedback request, a reply or a weekly
check-in makes it here, so a store method that changes name or shape is one edit for the whole
suite. Each factory goes through the same validation a form does; a test names only the values
it is about. "Today" is the suite's pinned day (decision 6) unless a test passes its own, so a
record made in a module-scoped fixture (outside the per-test environment) is dated alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from nextround import feedback as fb
from nextround import sending, wellbeing
from nextround.feedback import NewRequest, Reply
from nextround.models import Application, Stage
from nextround.records import DueFollowUp
from nextround.store import Store
from tests.conftest import TODAY

Day = date | str


def application(store: Store, company: str = "Acme", *, applied_on: Day = "2026-11-01",
                stages: Iterable[tuple[Stage | str, Day]] = (), today: date | None = TODAY,
                **fields: object) -> int:
    """Add an application (the `Application` defaults for any field not given), then move it
    through `stages`, each a (stage, day) pair in order, as the tracker records them."""
    app_id = store.applications.add(Application(company=company, applied_on=applied_on, **fields),
                                    today=today)
    for stage, day in stages:
        move(store, app_id, stage, day, today=today)
    return app_id


def rejected(store: Store, company: str = "Acme", *, role: str = "Engineer",
             applied_on: Day = "2026-10-01", contact_email: str = "hr@acme.example",
             today: date | None = TODAY, **fields: object) -> int:
    """An application already at "rejected", with an address to write to: what the Respond,
    feedback and Reflect work starts from when its dates don't matter."""
    return application(store, company, role=role, applied_on=applied_on, stage="rejected",
                       contact_email=contact_email, today=today, **fields)


def rejected_after_interview(store: Store, company: str = "Acme", *,
                             applied_on: Day = "2026-10-01", interviewed_on: Day | None = None,
                             rejected_on: Day = "2026-11-20", today: date | None = TODAY,
                             **fields: object) -> int:
    """An application moved to interviewing (on the day applied unless `interviewed_on`) and
    then to rejected on `rejected_on`, as the tracker records it: what the Respond page
    lists, by the rejection's date, with the interview as the stage reached."""
    return application(store, company, applied_on=applied_on, today=today,
                       stages=[("interviewing", interviewed_on or applied_on),
                               ("rejected", rejected_on)], **fields)


def move(store: Store, app_id: int, stage: Stage | str, day: Day, *, version: int | None = None,
         note: str = "", today: date | None = TODAY) -> None:
    """Change an application's stage on `day`. `version` defaults to the row's current one;
    a test about a stale tab passes the version that tab loaded."""
    if version is None:
        version = store.applications.get(app_id).version
    store.applications.change_stage(app_id, stage, day, version, note=note, today=today)


def feedback_request(store: Store, app_id: int, asked_on: Day = "2026-11-01", *,
                     today: date | None = TODAY, **fields: object) -> int:
    """Record that feedback was asked for (`NewRequest` fields: channel, asked_whom, ...)."""
    return fb.add_request(store, app_id, NewRequest(asked_on=asked_on, **fields),
                          today=today)


def feedback_reply(store: Store, request_id: int, received_on: Day, text: str = "",
                   themes: Iterable[str] = (), *, version: int = 1,
                   today: date | None = TODAY) -> None:
    """Store a reply to a feedback request, from the request's `version` (1 when new)."""
    fb.record_reply(store, request_id, Reply(received_on, text, tuple(themes)), version,
                    today=today)


def received_reply(store: Store, received_on: Day, text: str = "", themes: Iterable[str] = (),
                   *, company: str = "Acme") -> int:
    """A reply with its own application and request, both from long before (2020), so any
    later day can be `received_on`: what reply and theme counts are made of. Returns the
    request's id."""
    request_id = feedback_request(store, rejected(store, company, applied_on="2020-01-01"),
                                  "2020-01-02")
    feedback_reply(store, request_id, received_on, text, themes)
    return request_id


def checkin(store: Store, items: Iterable[int] = (3, 3, 3, 3, 3), *, day: Day = TODAY,
            stress: int | None = None, self_care: Iterable[str] = (), win: str = "",
            region: str | None = None) -> str:
    """The weekly check-in of the ISO week of `day`, as the check-in form saves it (with the
    support region the user picked, when `region` is given). Returns the week key."""
    on = date.fromisoformat(day) if isinstance(day, str) else day
    return wellbeing.save_checkin(
        store, wellbeing.CheckIn(items=list(items), stress=stress, self_care=tuple(self_care),
                                 win=win), day=on, region=region)


def sent_note(store: Store, app_id: int, sent_on: Day, *, kind: str = "rejection_thanks",
              to_email: str = "", token: str | None = None) -> int:
    """A thank-you (or another `kind` of note) about an application, marked sent on
    `sent_on` as the send flow records it. Returns the draft's id."""
    app = store.applications.get(app_id)
    return sending.mark_draft_sent(store, {
        "application_id": app_id, "kind": kind, "tone": "warm", "company": app.company,
        "role": app.role, "to_email": to_email, "subject": "Thank you",
        "body": "Thank you for letting me know."},
        request_token=token or f"{kind}-{app_id}-{sent_on}",
        sent_on=date.fromisoformat(str(sent_on)))


def due_follow_up(**fields: object) -> DueFollowUp:
    """A request due a follow-up, as `store.feedback.due` reads one, made as a value (nothing
    stored): for the rules that take one (`feedback.follow_up_context`) with details no form
    would store. Fields not given are a plain request about Acme, asked by email."""
    values: dict[str, object] = {
        "id": 1, "application_id": None, "company": "Acme", "role": "",
        "asked_on": date(2026, 11, 1), "channel": "email", "asked_whom": "",
        "status": "awaiting", "follow_ups": 0, "follow_up_due": date(2026, 11, 8),
        "received_on": None, "version": 1, "contact_name": "", "contact_email": ""}
    return DueFollowUp(**{**values, **fields})  # type: ignore[arg-type]
