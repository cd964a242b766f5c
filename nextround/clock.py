"""What "today" is. Injectable, so tests, demos and benchmarks are deterministic.

`NEXTROUND_TODAY=YYYY-MM-DD` pins the date for a whole process (the e2e server, the benchmark).
Otherwise today is the calendar date in the user's time zone, not the server's.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def today(timezone: str = "UTC") -> date:
    pinned = os.environ.get("NEXTROUND_TODAY", "").strip()
    if pinned:
        return date.fromisoformat(pinned)
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.now(zone).date()


def iso_week_key(day: date) -> str:
    """`2026-W48`: the ISO year and week, which is what a weekly check-in belongs to."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(day: date) -> date:
    return date.fromordinal(day.toordinal() - day.weekday())
