"""What the store's reads return: one frozen record per shape of row a page or the domain reads.

A page used to get a dict keyed by column names, so renaming a column meant searching every
page for its string. Now each read returns a record whose attribute names are the columns it
selects (`row.company`, not `row["company"]`): a column renamed in the SQL fails `from_row` on
the first read (tests/store/test_records.py reads each one), and a field renamed here fails
every caller that still uses the old name.

- Field names are the columns (or the SQL's `AS` names), in the order the read selects them.
- Dates are parsed once, here: a `date` column is a `date` (the schema's CHECKs hold every
  stored one to YYYY-MM-DD). Time stamps (`created_at`, `updated_at`) stay the stored text.
- JSON columns (`answers`, `themes`, `items`, `self_care`) stay the stored text: what they
  hold and how a damaged one is read back are the domain's rules (`reflection.load_answers`,
  `feedback.load_themes`, `wellbeing`).
- Status-like columns (`stage`, `status`, `kind`) stay `str`: their meaning, and what an
  unknown one means, is the domain's.
- A column of a LEFT JOINed application (`company` of a feedback request) is `X | None`.

A read that selects more than another of the same table builds on it (`ApplicationRecord`
extends `ApplicationSummary`), so a label or check written for the smaller one takes both.
Lists that feed charts and aggregates stay DataFrames (decision "the record model").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, ClassVar, Self

_DATE_TYPES = frozenset({"date", "date | None"})


class _Record:
    """`from_row`, shared by every record: the row's values in field order, dates parsed."""

    __slots__ = ()
    # Per class: (field name, is a date), worked out on the first `from_row`.
    _plans: ClassVar[dict[type, tuple[tuple[str, bool], ...]]] = {}

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """The record of one database row (a SQLAlchemy `RowMapping` or any mapping).

        A column the record names but the row lacks raises KeyError, naming the column: the
        SQL and the record have drifted apart. Columns the record doesn't name are left out
        (a `SELECT *` on a file some tool gave an extra column still reads)."""
        plan = _Record._plans.get(cls)
        if plan is None:
            plan = _Record._plans[cls] = tuple(
                (f.name, f.type in _DATE_TYPES) for f in fields(cls))  # type: ignore[arg-type]
        return cls(*[_day(row[name]) if is_date else row[name] for name, is_date in plan])


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


# --- applications ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StageEvent(_Record):
    """One step of an application's stage history (`applications.events`), oldest first."""

    stage: str
    on_date: date
    note: str


@dataclass(frozen=True, slots=True)
class GhostingCandidate(_Record):
    """An application still at `applied` long enough to count as ghosted
    (`applications.ghosting_candidates`)."""

    id: int
    company: str
    role: str
    applied_on: date
    version: int


@dataclass(frozen=True, slots=True)
class UnansweredRejection(_Record):
    """A rejection with no sent thank-you yet (`applications.unanswered_rejections`);
    `rejected_on` is the application's stage date."""

    id: int
    company: str
    role: str
    rejected_on: date
    applied_on: date
    contact_name: str
    contact_email: str


@dataclass(frozen=True, slots=True)
class PastApplication(_Record):
    """An application at a company the user is looking at again (`applications.at_companies`,
    for `companies.history`): how far it got (`furthest_level`, kept by the triggers: 0
    applied, 1 screening, 2 interviews, 3 an offer), how it ended, and whom they dealt with."""

    id: int
    company: str
    role: str
    stage: str
    applied_on: date
    stage_on: date
    furthest_level: int
    contact_name: str
    contact_email: str


@dataclass(frozen=True, slots=True)
class ApplicationSummary(_Record):
    """An application as a list shows it (`applications.search`): all but the notes and the
    derived milestones."""

    id: int
    company: str
    role: str
    stage: str
    applied_on: date
    stage_on: date
    source: str
    location: str
    link: str
    contact_name: str
    contact_email: str
    version: int


@dataclass(frozen=True, slots=True)
class ApplicationRecord(ApplicationSummary):
    """One whole `applications` row (`applications.get`): the summary's columns, then the
    rest, with the milestones the triggers keep (store/schema.py)."""

    notes: str
    target_id: int | None
    created_at: str
    updated_at: str
    first_reply_on: date | None
    first_interview_on: date | None
    first_offer_on: date | None
    first_rejection_on: date | None
    thanks_sent_on: date | None
    furthest_level: int
    reply_days: int | None


# --- drafts ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SavedDraft(_Record):
    """A draft kept or sent for one application (`drafts.for_application`). `saved_on` is the
    first ten characters of its `updated_at` time stamp, as stored."""

    id: int
    kind: str
    tone: str
    status: str
    sent_on: date | None
    subject: str
    to_email: str
    body: str
    version: int
    request_token: str | None
    saved_on: str


@dataclass(frozen=True, slots=True)
class DraftRecord(_Record):
    """One whole `drafts` row (`drafts.by_token`)."""

    id: int
    application_id: int | None
    kind: str
    tone: str
    company: str
    role: str
    to_email: str
    subject: str
    body: str
    status: str
    sent_on: date | None
    request_token: str | None
    created_at: str
    updated_at: str
    version: int


@dataclass(frozen=True, slots=True)
class SentNote(_Record):
    """A thank-you or stay-in-touch note sent about an earlier application
    (`drafts.sent_for`): to whom and when."""

    application_id: int
    kind: str
    to_email: str
    sent_on: date | None


# --- feedback requests ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FeedbackRequestSummary(_Record):
    """A feedback request as the list shows it (`feedback.requests`), with its application's
    company and role (None when it has no application)."""

    id: int
    application_id: int | None
    company: str | None
    role: str | None
    asked_on: date
    channel: str
    asked_whom: str
    status: str
    follow_ups: int
    follow_up_due: date | None
    received_on: date | None
    version: int


@dataclass(frozen=True, slots=True)
class DueFollowUp(FeedbackRequestSummary):
    """A request due a follow-up (`feedback.due`): the summary and whom to write to."""

    contact_name: str | None
    contact_email: str | None


@dataclass(frozen=True, slots=True)
class FeedbackRequestRecord(DueFollowUp):
    """One request with its reply (`feedback.request`); `themes` is the stored JSON list
    (`feedback.load_themes` reads it)."""

    feedback_text: str
    themes: str
    draft_id: int | None
    applied_on: date | None


@dataclass(frozen=True, slots=True)
class ThemeReply(_Record):
    """A received reply tagged with one theme (`feedback.replies_for_theme`)."""

    id: int
    company: str | None
    role: str | None
    received_on: date
    feedback_text: str


@dataclass(frozen=True, slots=True)
class ReceivedFeedback(_Record):
    """Feedback received about an earlier application (`feedback.received_for`)."""

    application_id: int
    asked_whom: str
    received_on: date
    feedback_text: str


# --- reflections ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ReflectionRecord(_Record):
    """One whole `reflections` row with its application's company and role (None for a
    reflection on the search in general): `reflections.open_draft`, `reflections.get`.
    `answers` is the stored JSON (`reflection.load_answers` reads it)."""

    id: int
    application_id: int | None
    status: str
    answers: str
    control_pct: int | None
    fit: str | None
    created_on: date
    completed_on: date | None
    updated_at: str
    version: int
    company: str | None
    role: str | None


@dataclass(frozen=True, slots=True)
class ReflectionToEdit(_Record):
    """What saving a step needs of a draft (`reflections.draft_to_edit`)."""

    status: str
    answers: str
    company: str | None


@dataclass(frozen=True, slots=True)
class RecentReflection(_Record):
    """A finished reflection in the recent list (`reflections.recent`); company and role are
    "" for one on the search in general."""

    id: int
    completed_on: date | None
    company: str
    role: str
    control_pct: int | None
    fit: str | None


# --- the dream-job list ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class NextTarget(_Record):
    """The next entry to apply to (`dream_list.next_entry`)."""

    id: int
    company: str
    role: str


@dataclass(frozen=True, slots=True)
class TargetLink(_Record):
    """An entry's name, status and the application made from it (`dream_list.get`)."""

    id: int
    company: str
    role: str
    status: str
    application_id: int | None
    version: int


@dataclass(frozen=True, slots=True)
class TargetRecord(_Record):
    """One dream-list entry (`dream_list.entries`); `said_no_id` is the newest rejected
    application at the same company, if any."""

    id: int
    company: str
    role: str
    why: str
    priority: int
    status: str
    next_step: str
    application_id: int | None
    created_on: date
    version: int
    said_no_id: int | None


# --- game plan and check-ins ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ActionRecord(_Record):
    """One game-plan action (`actions.by_status`)."""

    id: int
    title: str
    due_on: date | None
    done_on: date | None
    source_kind: str
    source_id: int | None
    source_label: str
    created_on: date
    version: int


@dataclass(frozen=True, slots=True)
class CheckinRecord(_Record):
    """One weekly check-in (`checkins.for_week`; `checkins.history` has these columns).
    `items` and `self_care` are the stored JSON lists."""

    id: int
    week: str
    checked_on: date
    items: str
    who5_raw: int
    stress: int | None
    hours: float | None
    self_care: str
    win: str
    let_go: str
    version: int


# --- the path after a no ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PathFacts(_Record):
    """A rejected application and what is known about its path (`paths.facts`,
    `paths.open_paths`): the facts the data shows (1 or 0) and the state the user gave each
    step (None when they said nothing). `appreciated` is what they thanked them for."""

    id: int
    company: str
    role: str
    rejected_on: date
    contact_name: str
    contact_email: str
    furthest_level: int
    thanks_sent_on: date | None
    asked: int
    reflected: int
    checked_in: int
    moved_on: int
    reply_state: str | None
    feedback_state: str | None
    reflect_state: str | None
    care_state: str | None
    next_state: str | None
    appreciated: str
