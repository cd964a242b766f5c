"""Wellbeing: the weekly check-in (WHO-5 scoring, bands, streaks, trend) and support resources.

The wording here is supportive, never diagnostic. WHO-5 is a well-being index, not a test: a
low score is a reason to look after yourself and maybe talk to someone, never a label.

`weekly_trend` shapes the trend's frame; `nextround.charts` draws it (`wellbeing_scores`,
`wellbeing_activity`, and both stacked for the weekly review, `wellbeing_review`).
"""

from __future__ import annotations

import csv
import json
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nextround import clock
from nextround.models import (
    SUPPORT_REGION_CONFIRMED,
    Settings,
    ValidationError,
    clean_multi_line,
    clean_single_line,
)

if TYPE_CHECKING:
    from nextround.store import Store

SUPPORT_FILE = Path(__file__).resolve().parents[1] / "data" / "support_resources.csv"
EVERYWHERE = "ALL"

# --- WHO-5 ----------------------------------------------------------------------------------
# The official wording (WHO-5 Well-Being Index, 1998 version), its recall period and its
# attribution. Free to use; the wording must not be changed.

WHO5_RECALL = "Over the last two weeks"
WHO5_ITEMS = (
    "I have felt cheerful and in good spirits",
    "I have felt calm and relaxed",
    "I have felt active and vigorous",
    "I woke up feeling fresh and rested",
    "My daily life has been filled with things that interest me",
)
WHO5_ANSWERS = {
    0: "At no time",
    1: "Some of the time",
    2: "Less than half of the time",
    3: "More than half of the time",
    4: "Most of the time",
    5: "All of the time",
}
WHO5_ATTRIBUTION = ("WHO-5 Well-Being Index © Psychiatric Research Unit, WHO Collaborating "
                    "Centre in Mental Health, Frederiksborg General Hospital, DK-3400 Hillerød. "
                    "Free to use.")
NOT_A_DIAGNOSIS = ("This check-in helps you notice how you're doing over time. It is not a "
                   "diagnosis or a medical test.")
LOW_PERCENT = 50          # percent ≤ 50 (raw < 13) counts as low well-being
LOW_ITEM = 1              # as does any single item answered 0 or 1
MEANINGFUL_CHANGE = 10    # percentage points between check-ins


@dataclass(frozen=True)
class Band:
    """A plain-language reading of a WHO-5 percentage. Never a diagnosis."""

    key: str
    title: str
    message: str


BANDS = (
    # (lowest percent in the band, band), highest first
    (72, Band("good", "Feeling good",
              "You've felt good for much of the last two weeks. Notice what's helping, and "
              "keep making room for it.")),
    (52, Band("mixed", "Some ups and downs",
              "A mix of better days and harder ones, which is very normal while a search "
              "takes its time.")),
    (32, Band("harder", "A harder stretch",
              "The last two weeks seem to have been heavy going. Be kind to yourself, and "
              "lean on the people and routines that help.")),
    (0, Band("very_hard", "A really hard stretch",
             "Things sound really heavy right now. You don't have to carry this alone: "
             "please think about reaching out to someone.")),
)


def band_for(percent: int) -> Band:
    for lowest, band in BANDS:
        if percent >= lowest:
            return band
    return BANDS[-1][1]


@dataclass(frozen=True)
class Who5:
    """A scored WHO-5: `raw` 0–25, `percent` = raw × 4, `low` when percent ≤ 50 or any item ≤ 1."""

    items: tuple[int, ...]
    raw: int
    percent: int
    low: bool

    @property
    def band(self) -> Band:
        return band_for(self.percent)


def who5(items: object) -> Who5:
    """Score five WHO-5 answers. Anything but exactly five integers 0–5 raises ValueError
    (bools, floats such as 3.0, strings, None and non-sequences included)."""
    if isinstance(items, (str, bytes, bytearray)) or not isinstance(items, Sequence):
        raise ValueError("WHO-5 takes a sequence of five answers.")
    if len(items) != len(WHO5_ITEMS):
        raise ValueError(f"WHO-5 takes exactly five answers, not {len(items)}.")
    clean: list[int] = []
    for number, value in enumerate(items, start=1):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ValueError(f"WHO-5 answer {number} must be a whole number from 0 to 5.")
        value = int(value)
        if not 0 <= value <= 5:
            raise ValueError(f"WHO-5 answer {number} must be from 0 to 5, not {value}.")
        clean.append(value)
    raw = sum(clean)
    percent = raw * 4
    return Who5(items=tuple(clean), raw=raw, percent=percent,
                low=percent <= LOW_PERCENT or min(clean) <= LOW_ITEM)


def meaningful_change(before: Who5 | int, after: Who5 | int) -> bool:
    """True when the WHO-5 percentage moved by 10 points or more (either way)."""
    return abs(_percent(after) - _percent(before)) >= MEANINGFUL_CHANGE


@dataclass(frozen=True)
class Change:
    points: int
    meaningful: bool
    since_week: str

    @property
    def message(self) -> str:
        """Our own words (no user text), safe for st.markdown."""
        monday = clock.iso_week_monday(self.since_week)
        # A week in words, never its ISO code.
        since = f"week of {monday.day} {monday:%b}" if monday else "your last week"
        if self.points == 0:
            return f"The same as your last check-in ({since})."
        direction = "Up" if self.points > 0 else "Down"
        text = f"{direction} {abs(self.points)} points since your last check-in ({since})."
        if not self.meaningful:
            return text + " A small change, within the usual ups and downs."
        if self.points > 0:
            return text + " That's a real change for the better; notice what helped."
        return text + " That's a real change. Be gentle with yourself this week."


def change_between(before: Who5 | int, after: Who5 | int, since_week: str) -> Change:
    return Change(points=_percent(after) - _percent(before),
                  meaningful=meaningful_change(before, after), since_week=since_week)


def _percent(value: Who5 | int) -> int:
    return value.percent if isinstance(value, Who5) else int(value)


# --- the weekly check-in --------------------------------------------------------------------

SELF_CARE = {
    "sleep": "Enough sleep",
    "movement": "Movement",
    "people": "Time with people",
    "day_off": "A day off from the search",
    "fun": "Something fun",
}
WIN_MAX = 200
LET_GO_MAX = 1_000


@dataclass(frozen=True)
class CheckIn:
    """What the user enters once a week. `validated()` returns a clean copy or raises
    ValidationError with one message per field (`item_1`…`item_5`, `stress`, `hours`, ...)."""

    items: Sequence[object]
    stress: object = None
    hours: object = None
    self_care: Sequence[str] = field(default_factory=tuple)
    win: object = ""
    let_go: object = ""

    def validated(self) -> CheckIn:
        errors: dict[str, str] = {}
        answers = list(self.items) if isinstance(self.items, (list, tuple)) else []
        if len(answers) != len(WHO5_ITEMS):
            errors["items"] = "Please answer all five statements."
        for number, value in enumerate(answers, start=1):
            if value is None:
                errors[f"item_{number}"] = "Pick the answer closest to how you've felt."
            elif (isinstance(value, bool) or not isinstance(value, numbers.Integral)
                  or not 0 <= int(value) <= 5):
                errors[f"item_{number}"] = "Pick one of the six answers."
        stress = _whole_number(self.stress, "Stress", 0, 10, errors, "stress")
        hours = _hours(self.hours, errors)
        unknown = [k for k in self.self_care if k not in SELF_CARE]
        if unknown:
            errors["self_care"] = "Pick self-care ticks from the list."
        values: dict[str, object] = {}
        for name, fn in (("win", lambda v: clean_single_line(v, "Your win", max_len=WIN_MAX)),
                         ("let_go", lambda v: clean_multi_line(v, "What to let go of",
                                                               max_len=LET_GO_MAX))):
            try:
                values[name] = fn(getattr(self, name))
            except ValueError as exc:
                errors[name] = str(exc)
        if errors:
            raise ValidationError(errors)
        return CheckIn(items=tuple(int(v) for v in answers), stress=stress, hours=hours,
                       self_care=tuple(k for k in SELF_CARE if k in self.self_care),
                       win=values["win"], let_go=values["let_go"])

    @property
    def score(self) -> Who5:
        return who5(self.items)


def _whole_number(value: object, label: str, low: int, high: int, errors: dict[str, str],
                  name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) \
            or not low <= int(value) <= high:
        errors[name] = f"{label} must be a whole number from {low} to {high}."
        return None
    return int(value)


def _hours(value: object, errors: dict[str, str]) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        errors["hours"] = "Hours must be a number from 0 to 168."
        return None
    hours = float(value)
    if not 0 <= hours <= 168:  # also refuses NaN
        errors["hours"] = "Hours must be a number from 0 to 168 (the hours in a week)."
        return None
    return round(hours, 1)


def save_checkin(store: Store, checkin: CheckIn, *, day: date | None = None,
                 version: int | None = None, region: str | None = None) -> str:
    """Validate a check-in and save it as the one of the ISO week of `day` (the user's today
    by default). Returns the week key. `version=None` adds this week's check-in (refused if
    the week has one already, e.g. saved in another tab); an int replaces that week's check-in
    only if it is still at that version.

    `region` is the support region the user chose with it (asked until they have chosen one):
    kept in settings as confirmed, in the same transaction, so neither is saved without the
    other. Every field is checked before anything is written."""
    errors: dict[str, str] = {}
    try:
        clean = checkin.validated()
    except ValidationError as exc:
        errors.update(exc.errors)
    region_code = None
    if region is not None:
        try:
            region_code = clean_region(region)
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    day = day or store.today()
    week = week_key(day)
    with store.write() as tx:
        tx.checkins.save(week, {
            "checked_on": day, "items": clean.items, "who5_raw": clean.score.raw,
            "stress": clean.stress, "hours": clean.hours, "self_care": clean.self_care,
            "win": clean.win, "let_go": clean.let_go}, version=version)
        if region_code is not None:
            current = tx.settings.get()
            tx.settings.save(replace(current, support_region=region_code).with_flags(
                **{SUPPORT_REGION_CONFIRMED: True}))
    return week


# --- weeks, streaks and the trend -----------------------------------------------------------

def week_key(day: date) -> str:
    """The ISO week a check-in belongs to, e.g. 2026-W53 for 2026-12-31 and 2027-01-01."""
    return clock.iso_week_key(day)


def streak(weeks: Iterable[str], today: date) -> int:
    """Weekly check-ins in a row, up to this week. A streak that reached last week is still
    alive until this week ends, so nobody sees "0" on a Monday morning."""
    done = set(weeks)
    current = clock.week_start(today)
    if week_key(current) not in done:
        current -= timedelta(days=7)
    count = 0
    while week_key(current) in done:
        count += 1
        current -= timedelta(days=7)
    return count


def weekly_trend(checkins: pd.DataFrame, applications_per_day: pd.DataFrame, today: date,
                 *, weeks: int = 26) -> pd.DataFrame:
    """One row per ISO week for the trend chart: week, week_start, who5_pct, stress,
    applications. Starts at the first check-in within the last `weeks` weeks (or this week)
    and ends this week; weeks without a check-in have empty scores.

    `checkins` has week, who5_raw, stress; `applications_per_day` has applied_on, n.
    """
    end = clock.week_start(today)
    start = end - timedelta(days=7 * (weeks - 1))
    if not checkins.empty:
        # A week key the file holds but the calendar hasn't (2026-W99, written by another
        # tool or a hand-edited import) is left out rather than stopping the page.
        first = min((m for m in map(clock.iso_week_monday, checkins["week"]) if m), default=end)
        start = max(start, min(first, end))
    else:
        start = end
    # A few dozen rows at most: plain dicts, and one frame at the end (pandas merges and
    # groupbys on frames this small cost more than the rest of a cold home page).
    mondays = pd.date_range(start, end, freq="7D")
    keys = [week_key(d.date()) for d in mondays]
    scores: dict[str, tuple[object, object]] = {}
    if not checkins.empty:
        pcts = pd.to_numeric(checkins["who5_raw"]) * 4
        stress = pd.to_numeric(checkins["stress"], errors="coerce")
        scores = dict(zip(checkins["week"].astype(str),
                          zip(pcts.tolist(), stress.tolist(), strict=True), strict=True))
    applied = dict.fromkeys(keys, 0)
    if not applications_per_day.empty:
        for day, count in zip(applications_per_day["applied_on"].tolist(),
                              applications_per_day["n"].tolist(), strict=True):
            key = week_key(date.fromisoformat(str(day)[:10]))
            if key in applied:
                applied[key] += int(count)
    missing = (None, None)
    return pd.DataFrame({
        "week": keys, "week_start": mondays,
        "who5_pct": pd.array([scores.get(k, missing)[0] for k in keys], dtype="Float64"),
        "stress": pd.array([scores.get(k, missing)[1] for k in keys], dtype="Float64"),
        "applications": np.array([applied[k] for k in keys], dtype="int64"),
    })


def recent_trend(store: Store, today: date, *, weeks: int = 26,
                 checkins: pd.DataFrame | None = None) -> pd.DataFrame:
    """`weekly_trend` over the `weeks` ISO weeks up to today's, read from the store: the
    check-ins (or `checkins`, when the caller has read them already) and the applications
    sent in exactly those weeks. The one way the check-in page, the home page's line and the
    weekly review read a trend."""
    history = store.checkins.history() if checkins is None else checkins
    start = clock.week_start(today) - timedelta(days=7 * (weeks - 1))
    return weekly_trend(history, store.applications.per_day(start, today), today, weeks=weeks)


@dataclass(frozen=True)
class Summary:
    """What the progress page and the check-in page show at a glance."""

    last_week: str | None
    last: Who5 | None
    change: Change | None
    streak: int
    done_this_week: bool
    stress: int | None = None
    win: str = ""
    let_go: str = ""


def summarize(checkins: pd.DataFrame, today: date) -> Summary:
    """`checkins` as from store.checkins.history() (week, items, ...), any order."""
    if checkins.empty:
        return Summary(None, None, None, 0, False)
    ordered = checkins.sort_values("week")
    last_row = ordered.iloc[-1]
    last = who5(json.loads(last_row["items"]))
    change = None
    if len(ordered) > 1:
        before = ordered.iloc[-2]
        change = change_between(int(before["who5_raw"]) * 4, last, str(before["week"]))
    stress = pd.to_numeric(pd.Series([last_row.get("stress")]), errors="coerce").iloc[0]
    return Summary(last_week=str(last_row["week"]), last=last, change=change,
                   streak=streak(ordered["week"].astype(str), today),
                   done_this_week=str(last_row["week"]) == week_key(today),
                   stress=None if pd.isna(stress) else int(stress),
                   win=str(last_row.get("win") or ""), let_go=str(last_row.get("let_go") or ""))


# --- support resources ----------------------------------------------------------------------

LOW_PROMPT_TITLE = "This looks like a hard stretch. You don't have to go through it alone."
LOW_PROMPT = (
    "A job search can wear anyone down, and how you feel is not a verdict on you. It can help "
    "to reach out this week: to a friend or someone in your family you trust, to a doctor or "
    "counsellor, or to one of the services below. If you ever feel unsafe, please contact "
    "them, or your local emergency number, straight away."
)


@dataclass(frozen=True)
class SupportResource:
    region: str
    name: str
    how: str
    url: str


@lru_cache(maxsize=1)
def _all_resources() -> tuple[SupportResource, ...]:
    with SUPPORT_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            SupportResource(row["region"].strip().upper(), row["name"].strip(),
                            row["how to reach"].strip(), row["url"].strip())
            for row in csv.DictReader(handle)
        )


def support_regions() -> list[str]:
    """Regions with their own entries, for the settings picker."""
    return sorted({r.region for r in _all_resources() if r.region != EVERYWHERE})


def support_resources(region: str) -> list[SupportResource]:
    """The region's own services first, then the ones that work everywhere. The "everywhere"
    entries are always included, so nobody is ever shown an empty list."""
    wanted = (region or "").strip().upper()
    local = [r for r in _all_resources() if r.region == wanted]
    return local + [r for r in _all_resources() if r.region == EVERYWHERE]


# --- the support region -----------------------------------------------------------------------
# Asked at the first check-in and kept in settings; until then guessed from the time zone.
# The schema's default ('US') is no choice, so "confirmed" is kept apart (settings.extra).

ELSEWHERE = "OTHER"  # no region of our own: only the services that work in every country
REGION_NAMES = {"US": "United States", "UK": "United Kingdom", "IE": "Ireland",
                "CA": "Canada", "AU": "Australia", "NZ": "New Zealand",
                ELSEWHERE: "Other / everywhere"}
_IN_SENTENCE = {"US": "the United States", "UK": "the United Kingdom"}

# Time zones whose country has its own entries in the support list (from the tz database's
# zone.tab, with the old names that still link to them). A zone not named here (Europe/Berlin,
# America/Mexico_City, UTC) guesses no region: the list that works everywhere, never the US.
_ZONES = {
    "US": ("America/Adak", "America/Anchorage", "America/Boise", "America/Chicago",
           "America/Denver", "America/Detroit", "America/Indiana/Indianapolis",
           "America/Indiana/Knox", "America/Indiana/Marengo", "America/Indiana/Petersburg",
           "America/Indiana/Tell_City", "America/Indiana/Vevay", "America/Indiana/Vincennes",
           "America/Indiana/Winamac", "America/Juneau", "America/Kentucky/Louisville",
           "America/Kentucky/Monticello", "America/Los_Angeles", "America/Menominee",
           "America/Metlakatla", "America/New_York", "America/Nome",
           "America/North_Dakota/Beulah", "America/North_Dakota/Center",
           "America/North_Dakota/New_Salem", "America/Phoenix", "America/Sitka",
           "America/Yakutat", "Pacific/Honolulu", "America/Atka", "America/Fort_Wayne",
           "America/Indianapolis", "America/Knox_IN", "America/Louisville", "America/Shiprock",
           "Navajo", "US/Alaska", "US/Aleutian", "US/Arizona", "US/Central", "US/East-Indiana",
           "US/Eastern", "US/Hawaii", "US/Indiana-Starke", "US/Michigan", "US/Mountain",
           "US/Pacific"),
    "CA": ("America/Atikokan", "America/Blanc-Sablon", "America/Cambridge_Bay",
           "America/Creston", "America/Dawson", "America/Dawson_Creek", "America/Edmonton",
           "America/Fort_Nelson", "America/Glace_Bay", "America/Goose_Bay", "America/Halifax",
           "America/Inuvik", "America/Iqaluit", "America/Moncton", "America/Rankin_Inlet",
           "America/Regina", "America/Resolute", "America/St_Johns", "America/Swift_Current",
           "America/Toronto", "America/Vancouver", "America/Whitehorse", "America/Winnipeg",
           "America/Montreal", "America/Nipigon", "America/Pangnirtung",
           "America/Rainy_River", "America/Thunder_Bay", "America/Yellowknife"),
    "UK": ("Europe/London", "Europe/Belfast", "GB", "GB-Eire"),
    "IE": ("Europe/Dublin", "Eire"),
    "NZ": ("Pacific/Auckland", "Pacific/Chatham", "NZ", "NZ-CHAT"),
}
_ZONE_PREFIXES = {"Canada/": "CA", "Australia/": "AU"}
_REGION_OF_ZONE = {zone: region for region, zones in _ZONES.items() for zone in zones}


def region_choices() -> list[str]:
    """What a region picker offers: the regions of the support list, then "elsewhere"."""
    return [*support_regions(), ELSEWHERE]


def region_name(code: str) -> str:
    return REGION_NAMES.get(code, code)


def clean_region(value: object) -> str:
    """A region the user picked: one of `region_choices()`, or ValidationError ("region")."""
    code = str(value or "").strip().upper()
    if code not in region_choices():
        raise ValidationError({"region": "Pick your region from the list, or \"Other / "
                                         "everywhere\"."})
    return code


def guess_region(timezone: str) -> str:
    """The support region a time zone points to, if the support list has that country's own
    services (Europe/London → UK, America/Toronto → CA, Australia/Perth → AU); otherwise
    `ELSEWHERE`, so a guess is never silently the US."""
    zone = str(timezone or "").strip()
    region = _REGION_OF_ZONE.get(zone) or next(
        (code for prefix, code in _ZONE_PREFIXES.items() if zone.startswith(prefix)), None)
    return region if region in support_regions() else ELSEWHERE


@dataclass(frozen=True)
class SupportRegion:
    """Whose support services "Get support" lists, and how that was decided."""

    code: str  # a region of the support list, or ELSEWHERE
    confirmed: bool  # chosen by the user; otherwise guessed from `timezone`
    timezone: str = ""

    @property
    def name(self) -> str:
        return region_name(self.code)

    @property
    def note(self) -> str:
        """Which services are shown and how to change that: plain text (it names a time
        zone, whose underscores Markdown would read), for a caption of escaped text."""
        change = "Change the region under Settings on the Your data page."
        if self.code == ELSEWHERE:
            why = ("" if self.confirmed else
                   f" Your time zone ({self.timezone or 'not set'}) doesn't say which country "
                   "you're in.")
            return (f"Showing services that work in any country.{why} To see local ones, "
                    "pick your region under Settings on the Your data page.")
        where = _IN_SENTENCE.get(self.code, self.name)
        if self.confirmed:
            return f"Showing services for {where}, the region you chose. {change}"
        return (f"Showing services for {where}, guessed from your time zone "
                f"({self.timezone}). Not right? {change}")


def support_region(settings: Settings) -> SupportRegion:
    """The region whose services to show. A region is the user's once they chose it (at a
    check-in or in settings), or when the stored one isn't the schema's default, which only a
    choice (or an import of one) can write; until then it's guessed from the time zone."""
    stored = str(settings.support_region or "").strip().upper()
    confirmed = (settings.flag(SUPPORT_REGION_CONFIRMED)
                 or stored != Settings().support_region)
    if confirmed:
        return SupportRegion(stored if stored in support_regions() else ELSEWHERE, True,
                             settings.timezone)
    return SupportRegion(guess_region(settings.timezone), False, settings.timezone)
