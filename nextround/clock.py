"""What "today" is. Injectable, so tests, demos and benchmarks are deterministic.

`NEXTROUND_TODAY=YYYY-MM-DD` pins the date for a whole process (the e2e server, the benchmark).
Otherwise today is the calendar date in the user's time zone, not the server's.
"""

from __future__ import annotations

import functools
import os
import re
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


# A pinned day must leave room for what pages count back (history from 1990) and forward
# (due dates up to five years ahead) without leaving the calendar.
PINNED_RANGE = (date(1990, 1, 1), date(9000, 12, 31))
_PINNED_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def pinned_today() -> date | None:
    """The day `NEXTROUND_TODAY` pins, or None when it is unset or not a usable YYYY-MM-DD."""
    raw = os.environ.get("NEXTROUND_TODAY", "").strip()
    if not _PINNED_SHAPE.fullmatch(raw):
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    return day if PINNED_RANGE[0] <= day <= PINNED_RANGE[1] else None


def pinned_notice() -> str | None:
    """Plain words for a `NEXTROUND_TODAY` that is set but ignored, else None."""
    raw = os.environ.get("NEXTROUND_TODAY", "").strip()
    if not raw or pinned_today() is not None:
        return None
    shown = raw if len(raw) <= 40 else raw[:37] + "..."
    return (f"NEXTROUND_TODAY is set to {shown!r}, which isn't a date from "
            f"{PINNED_RANGE[0]} to {PINNED_RANGE[1]} like 2026-03-14, so today's real date "
            "is in use.")


def today(timezone: str = "UTC") -> date:
    """The pinned day, or else the real date in the user's time zone. A bad pinned value
    never stops a page or a command: it is ignored (and `pinned_notice` says so)."""
    return pinned_today() or datetime.now(zone(timezone)).date()


def iso_week_key(day: date) -> str:
    """`2026-W48`: the ISO year and week, which is what a weekly check-in belongs to."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def iso_week_monday(key: object) -> date | None:
    """The Monday of an ISO week key (`2026-W48` → 23 Nov 2026), the inverse of
    `iso_week_key`; None for anything but a real week written as `iso_week_key` writes it
    ("2026-W5", " 2026-W48", "2026-W54"), which is how a stored key is read back without
    trusting it. A week a person types goes through `agenda.parse_week`, which also says
    what is wrong."""
    try:
        year, week = str(key).split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None
    return monday if iso_week_key(monday) == key else None


def week_start(day: date) -> date:
    return date.fromordinal(day.toordinal() - day.weekday())
