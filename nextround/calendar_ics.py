"""Calendar files (.ics, RFC 5545): a list of events in, bytes out.

Why a small general builder: the weekly check-in reminder is one event with a weekly RRULE, and
follow-up dates and game-plan actions are more events of the same shape. Everything goes through
the `icalendar` package, so escaping, line folding and time zones are done to the standard and
never by hand. Nothing here touches the network or Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Alarm, Calendar, Event

PRODID = "-//Next Round//Next Round job search coach//EN"
UID_DOMAIN = "nextround.local"
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CHECKIN_UID = f"weekly-checkin@{UID_DOMAIN}"


@dataclass(frozen=True)
class CalendarEvent:
    """One VEVENT.

    `start` is a `date` for an all-day item (a follow-up due date) or a `datetime`: naive means
    "this wall-clock time wherever the user is" (floating time), aware adds a VTIMEZONE.
    `uid` must be stable for the same item, so importing the file again updates the event
    instead of duplicating it. `rrule` is passed to icalendar as is, e.g. {"freq": "weekly"}.
    """

    uid: str
    summary: str
    start: date | datetime
    duration: timedelta | None = None
    description: str = ""
    rrule: Mapping[str, object] | None = None
    alarm_before: timedelta | None = None
    categories: tuple[str, ...] = field(default_factory=tuple)


def build_calendar(events: Iterable[CalendarEvent], *, name: str = "Next Round",
                   now: datetime | None = None) -> bytes:
    """A complete VCALENDAR (VERSION, PRODID, one VEVENT each with UID, DTSTAMP, DTSTART)."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    count = 0
    for item in events:
        calendar.add_component(_event(item, stamp))
        count += 1
    if count == 0:
        raise ValueError("A calendar file needs at least one event.")
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(item: CalendarEvent, stamp: datetime) -> Event:
    if not item.uid.strip() or not item.summary.strip():
        raise ValueError("Every calendar event needs a UID and a summary.")
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", item.start)
    if item.duration is not None:
        event.add("duration", item.duration)
    elif isinstance(item.start, datetime):
        event.add("duration", timedelta(minutes=15))
    else:
        event.add("dtend", item.start + timedelta(days=1))
    event.add("summary", item.summary)
    if item.description:
        event.add("description", item.description)
    if item.rrule:
        event.add("rrule", dict(item.rrule))
    if item.categories:
        event.add("categories", list(item.categories))
    event.add("transp", "TRANSPARENT")
    if item.alarm_before is not None:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", item.summary)
        alarm.add("trigger", -item.alarm_before)
        event.add_component(alarm)
    return event


def next_weekday(day: date, weekday: int) -> date:
    """The first date on or after `day` that falls on `weekday` (0 = Monday)."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def weekly_checkin_event(today: date, *, weekday: int = 4,
                         at: time = time(16, 0)) -> CalendarEvent:
    """The weekly check-in reminder: a 15-minute slot every week from the next `weekday`.

    The time is floating (RFC 5545 "local time"): 4 pm stays 4 pm wherever the user's
    calendar is, across daylight-saving changes and travel, which is what a personal habit
    reminder wants. `today` is the user's today (store.today()).
    """
    if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise ValueError("The weekday must be from 0 (Monday) to 6 (Sunday).")
    first = next_weekday(today, weekday)
    start = datetime.combine(first, at.replace(second=0, microsecond=0, tzinfo=None))
    return CalendarEvent(
        uid=CHECKIN_UID,
        summary="Next Round: weekly check-in",
        start=start,
        duration=timedelta(minutes=15),
        description=("One minute for yourself: open Next Round and do your weekly check-in. "
                     "How have the last two weeks felt, what was your win, and what can you "
                     "let go of?"),
        rrule={"freq": "weekly", "byday": WEEKDAYS[weekday]},
        alarm_before=timedelta(0),
        categories=("Next Round",),
    )


def weekly_checkin_ics(today: date, *, weekday: int = 4, at: time = time(16, 0),
                       now: datetime | None = None) -> bytes:
    """The .ics the "Add the weekly check-in to my calendar" button downloads."""
    event = weekly_checkin_event(today, weekday=weekday, at=at)
    return build_calendar([event], name="Next Round check-in", now=now)
