"""Dates as other tools write them, read without guessing.

A file's dates are read one of two ways: exactly as a format the user picked
(`reading.DATE_FORMATS`), or worked out from the file (`AUTO`, the way every recognised tool's
file is read). Worked out, these are understood: ISO dates and timestamps; "January 15, 2026"
and "15 Jan 2026" (a Notion range "A → B" reads as A); and numbers with / . or - between
day, month and year, with a four- or two-digit year and an optional time ("8/15/26, 1:32 PM").

A numeric date is ambiguous when both its first numbers are 12 or less (03/04/2026). The
file's other rows decide: one 25/03/2026 anywhere means day first. A tool that documents its
order (LinkedIn: month first) decides the same way, but never against the file. When
nothing decides, the preview asks; when rows disagree, the file is refused by line.
A timestamp becomes the calendar day the user applied: one with a zone (Z, +02:00) is moved
into the user's time zone, one without is taken as written unless the tool writes UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from nextround.models import check_date
from nextround.transfer.reading import parse_day
from nextround.transfer.sources import AUTO

DAY_FIRST, MONTH_FIRST = "day first", "month first"
_TIME = (r"(?:[T ,]\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp][Mm])?"
         r"\s*(Z|[+-]\d{2}:?\d{2})?)?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME)
_NUMERIC = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})\.?" + _TIME)
_MONTH_DAY = re.compile(r"([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})" + _TIME)
_DAY_MONTH = re.compile(r"(\d{1,2})\.? ([A-Za-z]{3,9})\.?,? (\d{4})" + _TIME)
_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
    ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
    ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), start=1) for name in names}


def numeric_order(raw: str) -> str | None:
    """What one cell says about the order: DAY_FIRST, MONTH_FIRST, "either" (3/3/2026: both
    readings agree), "ambiguous" (3/4/2026), or None (not a numeric date)."""
    match = _NUMERIC.fullmatch(_first_of_range(raw))
    if match is None:
        return None
    first, second = int(match[1]), int(match[3])
    if first == second:
        return "either"
    if first > 12 >= second:
        return DAY_FIRST
    if second > 12 >= first:
        return MONTH_FIRST
    return "ambiguous" if first <= 12 and second <= 12 else None


@dataclass
class DayReader:
    """Reads one cell as a day: a picked format strictly, or `AUTO` with the order decided."""

    date_format: str
    today: date
    zone: ZoneInfo
    order: str = ""  # DAY_FIRST or MONTH_FIRST, once decided (AUTO only)
    naive_utc: bool = False

    def read(self, raw: str, label: str) -> date:
        if self.date_format != AUTO:
            return parse_day(raw, label, self.today, self.date_format)
        text = _first_of_range(raw)
        if not text:
            raise ValueError(f"{label} is required.")
        day = self._auto(text, label)
        return check_date(day, label, self.today)

    def _auto(self, text: str, label: str) -> date:
        for pattern, parts in ((_ISO, (1, 2, 3)), (_NUMERIC, None), (_MONTH_DAY, (3, 1, 2)),
                               (_DAY_MONTH, (3, 2, 1))):
            match = pattern.fullmatch(text)
            if match is None:
                continue
            if pattern is _NUMERIC:
                if not self.order and numeric_order(text) == "ambiguous":
                    raise ValueError(f"{label} {text} could be read day first or month first.")
                day_at, month_at = (1, 3) if self.order != MONTH_FIRST else (3, 1)
                year = int(match[4]) + (2000 if len(match[4]) == 2 else 0)
                values = (year, match[month_at], match[day_at])
                time_at = 5
            else:
                year_at, month_at, day_at = parts  # type: ignore[misc]
                month = match[month_at]
                if not month.isdigit():
                    month = str(_MONTHS.get(month.lower(), 0))
                values = (int(match[year_at]), month, match[day_at])
                time_at = 4
            try:
                day = date(int(values[0]), int(values[1]), int(values[2]))
            except ValueError:
                raise ValueError(f"{label} is not a real calendar date ({text}).") from None
            return self._zoned(day, match, time_at)
        raise ValueError(f"{label} must be a date, such as 2026-01-31 or 31 Jan 2026 "
                         f"(not {text[:40]!r}).")

    def _zoned(self, day: date, match: re.Match[str], at: int) -> date:
        """The day in the user's time zone, when the cell is a timestamp that names its zone
        (or the tool writes UTC)."""
        hour, minute, zone_text = match[at], match[at + 1], match[at + 4]
        if hour is None or (zone_text is None and not self.naive_utc):
            return day
        hour_ = int(hour) % 12 + (12 if (match[at + 3] or "").lower() == "pm" else 0) \
            if match[at + 3] else int(hour)
        if not (0 <= hour_ < 24 and 0 <= int(minute) < 60):
            return day
        offset = timedelta(0)
        if zone_text and zone_text != "Z":
            sign = -1 if zone_text[0] == "-" else 1
            digits = zone_text[1:].replace(":", "")
            offset = sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        moment = datetime(day.year, day.month, day.day, hour_, int(minute),
                          tzinfo=timezone(offset))
        return moment.astimezone(self.zone).date()


def _first_of_range(raw: str) -> str:
    """A cell's text, trimmed, and the start of a Notion date range ("A → B")."""
    return " ".join(raw.split("→", 1)[0].split())


def decide_order(evidence: dict[str, int], known: str) -> tuple[str, str]:
    """The order to read numeric dates in, and a problem to show (or "").

    `evidence` maps DAY_FIRST / MONTH_FIRST / "ambiguous" to the first line that showed it."""
    day_line, month_line = evidence.get(DAY_FIRST), evidence.get(MONTH_FIRST)
    if day_line and month_line:
        return "", (f"The dates disagree: line {day_line} has the day first and line "
                    f"{month_line} has the month first. Make them one way and upload again.")
    if day_line:
        return DAY_FIRST, ""
    if month_line:
        return MONTH_FIRST, ""
    if known:
        return known, ""
    if "ambiguous" in evidence:
        return "", (f"Dates such as the one on line {evidence['ambiguous']} could be day "
                    "first or month first, and no date in the file tells. Say which.")
    return "", ""

