"""What "today" is. Injectable, so tests, demos and benchmarks are deterministic.

`NEXTROUND_TODAY=YYYY-MM-DD` pins the date for a whole process (the e2e server, the benchmark).
Otherwise today is the calendar date in the user's time zone, not the server's.
"""

from __future__ import annotations

import functools
import os
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: object) -> bool:
    """True for an IANA zone name such as Europe/London.

    `ZoneInfo` alone is not a test: it opens whatever file the name points at, so a folder
    ("America") raises IsADirectoryError, a data file ("zone.tab") ValueError and a very long
    name OSError. The names `available_timezones()` lists are the real zones (it walks the
    folders once; cached). Where the machine lists none, opening the zone decides."""
    if not isinstance(name, str) or not name or len(name) > 100:
        return False
    if _zone_names():
        return name in _zone_names()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def zone(name: object) -> ZoneInfo:
    """The user's time zone, or UTC when the name isn't one (never raises)."""
    return ZoneInfo(str(name)) if is_time_zone(name) else ZoneInfo("UTC")


def today(timezone: str = "UTC") -> date:
    pinned = os.environ.get("NEXTROUND_TODAY", "").strip()
    if pinned:
        return date.fromisoformat(pinned)
    return datetime.now(zone(timezone)).date()


def iso_week_key(day: date) -> str:
    """`2026-W48`: the ISO year and week, which is what a weekly check-in belongs to."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(day: date) -> date:
    return date.fromordinal(day.toordinal() - day.weekday())
