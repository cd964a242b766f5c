""""This week": what the user did, and the few things that need them, most important first.

Pure rules over small counts from the store, so each one can be tested on a hand-built
database. The wording is a coach's: it names the next step and says why it helps, never what
the user failed to do.

After a hard check-in (`care.care_for`), This week leads with care (`ThisWeek.care`) and its
items carry no counts of what is waiting: they stay, for when the user is ready.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from nextround import after_no, clock
from nextround import care as care_rule
from nextround.after_no import Path
from nextround.care import CareAdvice
from nextround.models import EARLIEST_DATE, PAUSE_GOAL_IN_HARD_WEEK
from nextround.records import NextTarget
from nextround.text import plural

MAX_ITEMS = 3  # This week leads with a few things, never a backlog


@dataclass(frozen=True)
class AgendaItem:
    key: str
    title: str
    why: str
    page: str  # a key of nextround.ui.PAGES
    action: str  # the button label
    count: int = 1


@dataclass(frozen=True)
class Week:
    key: str  # "2026-W48"
    start: date
    end: date


@dataclass(frozen=True)
class ThisWeek:
    week: Week
    done: dict[str, int]
    checked_in: bool
    items: list[AgendaItem]
    care: CareAdvice | None = None  # set when the week leads with care
    paths: list[Path] = field(default_factory=list)  # open paths after a no, listed first

    @property
    def all_done(self) -> bool:
        return not self.items and not self.paths

    @property
    def goal_paused(self) -> bool:
        """Whether the weekly goal is shown as paused this week (care leads, and the user
        left "Pause my weekly goal in a hard week" on)."""
        return self.care is not None and self.care.pause_goal


def week_of(day: date) -> Week:
    start = clock.week_start(day)
    return Week(clock.iso_week_key(day), start, start + timedelta(days=6))


# Weeks a review can be about: from the earliest date an application may have, to a year
# that leaves room for the weeks before and after it that the review reads (no overflow of
# `date` at either end).
FIRST_WEEK_YEAR, LAST_WEEK_YEAR = EARLIEST_DATE.year, 9998


def parse_week(key: str) -> Week:
    """`2026-W48` → that ISO week. ValueError with a readable message otherwise."""
    text_ = (key or "").strip().upper()
    try:
        year_text, week_text = text_.split("-W")
        if not (year_text.isascii() and year_text.isdigit() and week_text.isascii()
                and week_text.isdigit() and len(year_text) == 4 and len(week_text) <= 2):
            raise ValueError(text_)
        year, number = int(year_text), int(week_text)
        start = date.fromisocalendar(year, number, 1)
    except ValueError as exc:
        raise ValueError(f"Week must look like 2026-W48 (a real ISO week); got {key!r}.") from exc
    if not FIRST_WEEK_YEAR <= year <= LAST_WEEK_YEAR:
        raise ValueError(f"Week must be in the years {FIRST_WEEK_YEAR} to {LAST_WEEK_YEAR}; "
                         f"got {key!r}.")
    return Week(f"{year:04d}-W{number:02d}", start, start + timedelta(days=6))


def _no_count(count: int, many: str, waiting: str = "waiting") -> str:
    """In a week that leads with care, no pile of what is waiting."""
    return ""


def _count_more(count: int, many: str, waiting: str = "waiting") -> str:
    """A gentle count after the reason: one thing at a time, never a pile of failures."""
    if count <= 1:
        return ""
    return f" {count} {many} {waiting}; one at a time is plenty."


def build(activity: dict[str, int], attention: dict[str, int], checked_in: bool,
          next_target: NextTarget | None, week: Week,
          care: CareAdvice | None = None, paths: Sequence[Path] = ()) -> ThisWeek:
    """The agenda, most important first: the open paths after a no (most recent no first),
    then feedback follow-ups → the check-in → game-plan actions → the next company on the
    dream list; at most `MAX_ITEMS` in all. With `care`, it leads with care and no item says
    how many more are waiting.

    A rejection waiting for a thank-you or a reflection is not an item of its own: those are
    steps of its path, which leads the list."""
    items: list[AgendaItem] = []
    _more = _no_count if care is not None else _count_more
    n = attention.get("follow_ups_due", 0)
    if n:
        items.append(AgendaItem(
            "feedback", "Give a feedback request a gentle nudge",
            "Most people simply forget to answer; a friendly follow-up often gets the reply."
            + _more(n, "requests are"), "feedback", "Follow up", n))
    if not checked_in:
        items.append(AgendaItem(
            "checkin", "Take one minute for your weekly check-in",
            "Noticing how you're doing is part of the search, not a break from it.",
            "checkin", "Check in"))
    n = attention.get("actions_due", 0)
    if n:
        items.append(AgendaItem(
            "actions", "Take one step from your game plan",
            "Small steps you chose yourself are the ones that move the search."
            + _more(n, "steps are", "due this week"), "reflect", "Game plan", n))
    if next_target:
        company = next_target.company.strip()
        if company:
            items.append(AgendaItem(
                "next_target", "Take the next step towards your dream list",
                f"Next up: {company}.", "reflect", "Dream list"))
    paths = list(paths)[:MAX_ITEMS]
    return ThisWeek(week=week, done=dict(activity), checked_in=checked_in,
                    items=items[:MAX_ITEMS - len(paths)], care=care, paths=paths)


def this_week(store: Any, today: date) -> ThisWeek:
    """Read what the agenda needs from the store (a few aggregates) and build it."""
    week = week_of(today)
    activity = store.progress.week_activity(week.start, week.end)
    attention = store.progress.attention_counts(today, week.end)
    this_weeks = store.checkins.for_week(week.key)
    latest = this_weeks or store.checkins.for_week(week_of(today - timedelta(days=7)).key)
    pause_goal = store.settings.get().flag(PAUSE_GOAL_IN_HARD_WEEK)
    care = care_rule.care_from_record(latest, today, pause_goal=pause_goal)
    target = store.dream_list.next_entry()
    paths = after_no.open_paths(store, MAX_ITEMS)
    return build(activity, attention, this_weeks is not None, target, week, care, paths)


def done_summary(agenda: ThisWeek) -> list[tuple[str, str]]:
    """(label, value) pairs for "what you did this week"."""
    done = agenda.done
    return [
        ("Applications sent", str(done.get("applications", 0))),
        ("Replies sent", str(done.get("replies_sent", 0))),
        ("Feedback received", str(done.get("feedback_received", 0))),
        ("Check-in", "Done" if agenda.checked_in else "Not yet"),
    ]


def done_so_far(agenda: ThisWeek) -> str:
    """What was done this week, in words, leaving out what wasn't: in a week that leads with
    care, a row of zeros would read as a list of what is missing. Empty when nothing was."""
    done = agenda.done
    parts = [plural(n, one, many) for n, one, many in (
        (done.get("applications", 0), "application sent", "applications sent"),
        (done.get("replies_sent", 0), "reply sent", "replies sent"),
        (done.get("feedback_received", 0), "piece of feedback received",
         "pieces of feedback received")) if n]
    if agenda.checked_in:
        parts.append("your check-in done")
    return f"So far this week: {', '.join(parts)}." if parts else ""


def deadlines_ics(deadlines: Any) -> bytes | None:
    """An .ics of open follow-up dates and game-plan due dates, or None when there are none.

    `deadlines` has kind, id, title, due (`store.progress.open_deadlines`). UIDs are stable, so
    importing the file again updates the events instead of duplicating them."""
    from nextround.calendar_ics import CalendarEvent, build_calendar

    events = []
    for row in deadlines.itertuples():
        due = date.fromisoformat(str(row.due))
        if row.kind == "follow_up":
            summary = f"Feedback follow-up: {row.title}" if row.title else "Feedback follow-up"
        else:
            summary = f"Game plan: {row.title}"
        events.append(CalendarEvent(uid=f"{row.kind}-{row.id}@nextround.local",
                                    summary=summary, start=due))
    return build_calendar(events, name="Next Round deadlines") if events else None
