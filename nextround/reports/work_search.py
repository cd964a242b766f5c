"""The work-search record: every job-search activity in a date range, for a benefits office.

Unemployment benefits often require a log of job-search activity (US states' work-search
logs, Germany's Bewerbungsnachweis, the UK's Universal Credit journal). Each activity has a
date, the employer, the position, how it was made, the contact, and its result or current
stage. What counts as an activity:

- every application, on the day it was applied (always);
- a stage change (a screening, an interview, an offer...), on its day (option); marking an
  application ghosted is not one (it records the employer's silence, not a step the user took);
- an email marked as sent from Respond: thank-you, feedback request, follow-up, stay in touch
  (option "follow-ups");
- a feedback request, on the day it was asked (option).

How an activity was made is derived from what is stored, never asked again:
- an email marked sent: "Email";
- a feedback request: its channel ("Email", "Phone" for a call, "Online" for LinkedIn);
- an application (and its stage changes): words in its source first ("email" → Email,
  "phone"/"call" → Phone, "in person", "walk-in", "fair", "event" → In person, a job board or
  site such as LinkedIn, Indeed, "online", "website", "portal" → Online); else a link to the
  posting means Online; else a contact email alone means Email; else the source as the user
  wrote it (e.g. "Referral"), or "Not recorded" when there is none. A guess is never made
  from nothing: a caseworker reads this.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from nextround.drafting import KIND_LABELS
from nextround.feedback import STATUS_LABELS, Channel, Status
from nextround.models import Stage
from nextround.store import Store
from nextround.text import plural

ONLINE, EMAIL, PHONE, IN_PERSON, NOT_RECORDED = ("Online", "Email", "Phone", "In person",
                                                 "Not recorded")
HEADER = ("Date", "Employer", "Position", "How", "Contact", "Result")

_SOURCE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (EMAIL, ("email", "e-mail", "mail")),
    (PHONE, ("phone", "call", "telephone")),
    (IN_PERSON, ("in person", "in-person", "walk-in", "walk in", "fair", "event", "meetup",
                 "office")),
    (ONLINE, ("linkedin", "indeed", "glassdoor", "online", "website", "web", "site", "portal",
              "board", "stepstone", "xing", "monster", "ziprecruiter", "wellfound", "jobs",
              "career", "workday", "greenhouse", "lever", "find a job")),
)
_CHANNEL_HOW = {Channel.EMAIL: EMAIL, Channel.CALL: PHONE, Channel.LINKEDIN: ONLINE}


@dataclass(frozen=True)
class Options:
    """Which activities count besides applications (a programme's own rules differ)."""

    stage_changes: bool = True
    follow_ups: bool = True
    feedback_requests: bool = True


@dataclass(frozen=True)
class Activity:
    day: date
    employer: str
    position: str
    how: str
    contact: str
    result: str

    def cells(self) -> tuple[date, str, str, str, str, str]:
        """In `HEADER` order."""
        return (self.day, self.employer, self.position, self.how, self.contact, self.result)


def how_applied(source: str, link: str, contact_email: str) -> str:
    """How an application was made, from its source, link and contact (module docstring)."""
    words = " ".join(source.lower().split())
    for how, keys in _SOURCE_WORDS:
        if any(key in words for key in keys):
            return how
    if link.strip():
        return ONLINE
    if contact_email.strip():
        return EMAIL
    return source.strip() or NOT_RECORDED


def _stage_label(stage: object) -> str:
    """A stage as a caseworker reads it: "ghosted" is our word, "no reply" is theirs."""
    try:
        known = Stage(str(stage))
        return "No reply from the employer" if known == Stage.GHOSTED else known.label
    except ValueError:
        return str(stage or "")


def _contact(name: object, email: object) -> str:
    name, email = str(name or "").strip(), str(email or "").strip()
    if name and email:
        return f"{name} <{email}>"
    return name or email


def activities(store: Store, start: date, end: date, options: Options = Options()
               ) -> list[Activity]:
    """Every activity in [start, end] (inclusive), oldest first, then by employer."""
    rows = store.work_search.rows(start, end)
    found: list[Activity] = []
    for row in rows["applied"]:
        found.append(Activity(
            date.fromisoformat(row["day"]), row["company"], row["role"],
            how_applied(row["source"], row["link"], row["contact_email"]),
            _contact(row["contact_name"], row["contact_email"]),
            f"Applied; now: {_stage_label(row['stage'])}"
            if row["stage"] != Stage.APPLIED else "Applied; awaiting reply"))
    if options.stage_changes:
        for row in rows["stage_changes"]:
            if row["new_stage"] == Stage.GHOSTED:
                continue
            note = " ".join(str(row["note"] or "").split())
            found.append(Activity(
                date.fromisoformat(row["day"]), row["company"], row["role"],
                how_applied(row["source"], row["link"], row["contact_email"]),
                _contact(row["contact_name"], row["contact_email"]),
                f"Moved to {_stage_label(row['new_stage'])}" + (f": {note}" if note else "")))
    if options.follow_ups:
        for row in rows["emails"]:
            found.append(Activity(
                date.fromisoformat(row["day"]), row["company"] or row["draft_company"] or "",
                row["role"] or row["draft_role"] or "", EMAIL,
                _contact(row["contact_name"] if row["company"] else "", row["to_email"]),
                f"{KIND_LABELS.get(row['kind'], 'Email')} (sent)"))
    if options.feedback_requests:
        for row in rows["feedback_requests"]:
            try:
                how = _CHANNEL_HOW.get(Channel(row["channel"]), NOT_RECORDED)
                status = STATUS_LABELS[Status(row["status"])]
            except ValueError:
                how, status = NOT_RECORDED, str(row["status"])
            found.append(Activity(
                date.fromisoformat(row["day"]), row["company"] or "", row["role"] or "", how,
                row["asked_whom"] or _contact(row["contact_name"], row["contact_email"]),
                f"Asked for feedback; {status.lower()}"))
    return sorted(found, key=lambda a: (a.day, a.employer.lower(), a.position.lower()))


def week_count(store: Store, today: date, options: Options = Options()) -> int:
    """Activities from this week's Monday to today, as the home page counts them."""
    monday = today - timedelta(days=today.weekday())
    return len(activities(store, monday, today, options))


def week_line(count: int, required: int) -> str:
    """The home page's line about this week's count against what the programme asks for:
    plain numbers, no judgement, and the record's place."""
    done = f"{plural(count, 'job-search activity', 'job-search activities')} this week"
    if count >= required:
        return (f"Work-search record: {done}, the {required} your programme asks for. "
                "The file to hand in is under Your data, Export.")
    return (f"Work-search record: {done} so far; your programme asks for {required}. "
            "Applications, stage changes, follow-ups and feedback requests all count.")
