"""WHO-5 scoring, the check-in's validation, one check-in per ISO week (across year ends),
streaks, the weekly trend, the calendar reminder and the support resources."""

from __future__ import annotations

import csv
import dataclasses
import json
from datetime import date, datetime, time, timedelta

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from nextround import calendar_ics, clock, wellbeing
from nextround.models import (
    PAUSE_GOAL_IN_HARD_WEEK,
    SUPPORT_REGION_CONFIRMED,
    Settings,
    ValidationError,
)
from nextround.store import NotFoundError, StaleVersionError, Store
from nextround.wellbeing import CheckIn, who5
from tests import factories

# --- who5 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("items", "percent", "low"), [
    ([5, 5, 5, 5, 5], 100, False),
    ([0, 0, 0, 0, 0], 0, True),
    ([2, 3, 2, 3, 2], 48, True),   # ≤ 50
    ([3, 3, 3, 3, 1], 52, True),   # an item ≤ 1
    ([4, 4, 3, 3, 3], 68, False),
    ([3, 3, 3, 2, 2], 52, False),  # just above the line, no item ≤ 1
    ([3, 3, 3, 2, 1], 48, True),
    ((5, 5, 5, 5, 0), 80, True),   # high overall but one item at 0
])
def test_who5_table(items, percent, low) -> None:
    result = who5(items)
    assert result.percent == percent
    assert result.raw == percent // 4
    assert result.low is low
    assert result.items == tuple(items)


@pytest.mark.parametrize("items", [
    [6, 3, 3, 3, 3], [3, 3, 3, 3, -1], [3, 3, 3, 3], [3, 3, 3, 3, 3, 3], [],
    [3.0, 3, 3, 3, 3], [3, 3, 2.5, 3, 3], ["3", 3, 3, 3, 3], [None, 3, 3, 3, 3],
    [True, 3, 3, 3, 3], [False, 0, 0, 0, 0], "33333", b"\x03\x03\x03\x03\x03", None, 15,
    {1, 2, 3, 4, 5}, {"a": 1}, (x for x in [3, 3, 3, 3, 3]), [[3], 3, 3, 3, 3],
    [float("nan"), 3, 3, 3, 3],
])
def test_who5_rejects_anything_but_five_integers_0_to_5(items) -> None:
    with pytest.raises(ValueError):
        who5(items)


def test_who5_is_frozen_and_has_a_plain_language_band() -> None:
    result = who5([4, 4, 3, 3, 3])
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.raw = 1  # type: ignore[misc]
    assert result.band.key == "mixed"
    for percent in range(0, 101, 4):
        band = wellbeing.band_for(percent)
        text = (band.title + " " + band.message).lower()
        for label in ("depress", "disorder", "diagnos", "illness", "symptom"):
            assert label not in text


@given(st.lists(st.integers(0, 5), min_size=5, max_size=5))
def test_who5_properties(items: list[int]) -> None:
    result = who5(items)
    assert 0 <= result.raw <= 25 and result.percent == result.raw * 4
    assert result.low == (result.percent <= 50 or min(items) <= 1)


def test_meaningful_change_is_ten_points_either_way() -> None:
    assert wellbeing.meaningful_change(40, 50)
    assert wellbeing.meaningful_change(who5([3] * 5), 48)
    assert not wellbeing.meaningful_change(52, 60)
    change = wellbeing.change_between(64, 40, "2026-W47")
    assert change.points == -24 and change.meaningful and "(week of 16 Nov)" in change.message
    assert not wellbeing.change_between(64, 68, "2026-W47").meaningful


def test_official_wording_recall_period_and_attribution() -> None:
    assert wellbeing.WHO5_RECALL == "Over the last two weeks"
    assert wellbeing.WHO5_ITEMS[0] == "I have felt cheerful and in good spirits"
    assert wellbeing.WHO5_ITEMS[4] == "My daily life has been filled with things that interest me"
    assert wellbeing.WHO5_ANSWERS[0] == "At no time"
    assert wellbeing.WHO5_ANSWERS[3] == "More than half of the time"
    assert wellbeing.WHO5_ANSWERS[5] == "All of the time"
    assert "Psychiatric Research Unit" in wellbeing.WHO5_ATTRIBUTION
    assert "Frederiksborg General Hospital" in wellbeing.WHO5_ATTRIBUTION


# --- the check-in's validation ---------------------------------------------------------------

def test_checkin_validates_every_field_with_messages() -> None:
    with pytest.raises(ValidationError) as caught:
        CheckIn(items=[3, None, 3, 9, 3], stress=11, hours=200, self_care=["naps"],
                win="line\nbreak", let_go="x" * 1001).validated()
    errors = caught.value.errors
    assert set(errors) == {"item_2", "item_4", "stress", "hours", "self_care", "win", "let_go"}
    with pytest.raises(ValidationError) as caught:
        CheckIn(items=[3, 3, 3]).validated()
    assert "items" in caught.value.errors
    with pytest.raises(ValidationError):
        CheckIn(items=[3] * 5, hours=float("nan")).validated()
    with pytest.raises(ValidationError):
        CheckIn(items=[3] * 5, stress=True).validated()


def test_checkin_cleans_text_and_orders_self_care() -> None:
    clean = CheckIn(items=[3, 3, 3, 3, 3], stress=4, hours=7.25,
                    self_care=["fun", "sleep"], win="  Sent it  ",
                    let_go="That email\r\nfrom Tuesday ").validated()
    assert clean.self_care == ("sleep", "fun")
    assert clean.win == "Sent it" and clean.let_go == "That email\nfrom Tuesday"
    assert clean.hours in (7.2, 7.3)
    assert clean.score.percent == 60


# --- one check-in per ISO week ---------------------------------------------------------------

def good(**changes) -> CheckIn:
    return dataclasses.replace(CheckIn(items=[4, 4, 3, 3, 3], stress=4, hours=10), **changes)


def test_year_boundary_2026_12_31_and_2027_01_01_are_one_week(store: Store) -> None:
    assert wellbeing.week_key(date(2026, 12, 31)) == "2026-W53"
    assert wellbeing.week_key(date(2027, 1, 1)) == "2026-W53"
    assert wellbeing.save_checkin(store, good(), day=date(2026, 12, 31)) == "2026-W53"
    row = store.checkins.for_week("2026-W53")
    with pytest.raises(StaleVersionError):  # a second new check-in in that week is refused
        wellbeing.save_checkin(store, good(items=[1, 1, 1, 1, 1]), day=date(2027, 1, 1))
    assert wellbeing.save_checkin(store, good(items=[5, 5, 5, 5, 5]), day=date(2027, 1, 1),
                                  version=row.version) == "2026-W53"
    assert store.count("checkins") == 1
    updated = store.checkins.for_week("2026-W53")
    assert updated.who5_raw == 25 and updated.version == row.version + 1
    assert updated.checked_on == date(2027, 1, 1)
    # 2027-01-04 is the Monday of 2027-W01: a new week, a new row.
    assert wellbeing.save_checkin(store, good(), day=date(2027, 1, 4)) == "2027-W01"
    assert store.count("checkins") == 2


def test_a_year_with_week_53_and_one_without(store: Store) -> None:
    assert wellbeing.week_key(date(2020, 12, 31)) == "2020-W53"   # 2020 has a week 53
    assert wellbeing.week_key(date(2021, 1, 3)) == "2020-W53"
    assert wellbeing.week_key(date(2021, 12, 31)) == "2021-W52"   # 2021 does not
    assert wellbeing.week_key(date(2024, 12, 30)) == "2025-W01"   # a week owned by next year
    for day in (date(2020, 12, 28), date(2021, 1, 3), date(2021, 1, 4)):
        existing = store.checkins.for_week(wellbeing.week_key(day))
        wellbeing.save_checkin(store, good(), day=day,
                               version=None if existing is None else existing.version)
    assert list(store.checkins.history()["week"]) == ["2020-W53", "2021-W01"]
    assert wellbeing.streak(["2020-W52", "2020-W53", "2021-W01"], date(2021, 1, 5)) == 3
    assert clock.iso_week_monday("2020-W53") == date(2020, 12, 28)


def test_stale_tab_and_deleted_row_never_overwrite(store: Store) -> None:
    wellbeing.save_checkin(store, good(), day=date(2026, 11, 23))
    row = store.checkins.for_week("2026-W48")
    wellbeing.save_checkin(store, good(win="first tab"), day=date(2026, 11, 24),
                           version=row.version)
    with pytest.raises(StaleVersionError):
        wellbeing.save_checkin(store, good(win="second tab"), day=date(2026, 11, 25),
                               version=row.version)
    assert store.checkins.for_week("2026-W48").win == "first tab"
    with pytest.raises(NotFoundError):
        wellbeing.save_checkin(store, good(), day=date(2026, 11, 10), version=1)
    with pytest.raises(ValidationError):
        wellbeing.save_checkin(store, good(items=[9, 9, 9, 9, 9]), day=date(2026, 11, 10))
    assert store.count("checkins") == 1


def test_default_day_is_the_users_today(store: Store) -> None:
    assert wellbeing.save_checkin(store, good()) == "2026-W48"  # NEXTROUND_TODAY = 2026-11-25
    saved = store.checkins.for_week("2026-W48")
    assert json.loads(saved.items) == [4, 4, 3, 3, 3] and saved.checked_on == date(2026, 11, 25)


# --- streaks, summary and the trend ----------------------------------------------------------

def test_streak_counts_weeks_in_a_row_and_survives_until_the_week_ends() -> None:
    today = date(2026, 11, 25)  # 2026-W48
    assert wellbeing.streak([], today) == 0
    assert wellbeing.streak(["2026-W46", "2026-W47", "2026-W48"], today) == 3
    assert wellbeing.streak(["2026-W46", "2026-W47"], today) == 2  # this week not done yet
    assert wellbeing.streak(["2026-W45", "2026-W47", "2026-W48"], today) == 2
    assert wellbeing.streak(["2026-W46"], today) == 0


def test_summary_and_weekly_trend(store: Store) -> None:
    today = date(2026, 11, 25)
    wellbeing.save_checkin(store, good(items=[4, 4, 4, 4, 4], stress=3), day=date(2026, 11, 11))
    wellbeing.save_checkin(store, good(items=[2, 2, 2, 2, 2], stress=8), day=date(2026, 11, 24))
    for day in ("2026-11-09", "2026-11-10", "2026-11-10", "2026-11-24"):
        factories.application(store, "Acme", applied_on=day, today=today)
    history = store.checkins.history()
    summary = wellbeing.summarize(history, today)
    assert summary.last.percent == 40 and summary.last.low and summary.done_this_week
    assert summary.change.points == -40 and summary.change.meaningful
    assert summary.streak == 1
    per_day = store.applications.per_day(date(2026, 6, 1), today)
    assert list(per_day["n"]) == [1, 2, 1]
    trend = wellbeing.weekly_trend(history, per_day, today)
    assert list(trend["week"]) == ["2026-W46", "2026-W47", "2026-W48"]
    assert list(trend["applications"]) == [3, 0, 1]
    assert trend["who5_pct"].tolist()[0] == 80 and pd.isna(trend["who5_pct"].tolist()[1])
    assert trend["stress"].tolist()[2] == 8
    assert wellbeing.summarize(history.iloc[0:0], today).last is None


def test_trend_is_one_row_per_week_however_many_check_ins() -> None:
    today = date(2026, 11, 25)
    weeks = [wellbeing.week_key(today - timedelta(weeks=n)) for n in range(200)]
    checkins = pd.DataFrame({"week": weeks, "who5_raw": [12] * 200, "stress": [5] * 200})
    per_day = pd.DataFrame({"applied_on": ["2026-11-24"], "n": [10_000]})
    trend = wellbeing.weekly_trend(checkins, per_day, today, weeks=26)
    assert len(trend) == 26 and trend["applications"].iloc[-1] == 10_000


# --- the calendar reminder -------------------------------------------------------------------

def test_weekly_reminder_ics_parses_and_has_a_weekly_rrule() -> None:
    data = calendar_ics.weekly_checkin_ics(date(2026, 11, 25), weekday=0, at=time(9, 30),
                                           now=datetime(2026, 11, 25, 12, 0))
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    calendar = Calendar.from_ical(data)
    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0" and "Next Round" in str(calendar["PRODID"])
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    for required in ("UID", "DTSTAMP", "DTSTART"):
        assert required in event
    assert event["RRULE"]["FREQ"] == ["WEEKLY"] and event["RRULE"]["BYDAY"] == ["MO"]
    assert event["DTSTART"].dt == datetime(2026, 11, 30, 9, 30)  # the next Monday
    assert b"RRULE:FREQ=WEEKLY" in data
    assert b"\r\n" in data and b"\n\n" not in data


def test_general_builder_takes_all_day_events_and_escapes_text() -> None:
    events = [
        calendar_ics.CalendarEvent(uid="follow-up-1@nextround.local",
                                   summary="Follow up, Acme; Data\nanalyst",
                                   start=date(2026, 12, 2), description="Line one\nline two"),
        calendar_ics.weekly_checkin_event(date(2026, 11, 27)),
    ]
    calendar = Calendar.from_ical(calendar_ics.build_calendar(events))
    parsed = list(calendar.walk("VEVENT"))
    assert [str(e["UID"]) for e in parsed] == ["follow-up-1@nextround.local",
                                              calendar_ics.CHECKIN_UID]
    assert str(parsed[0]["SUMMARY"]) == "Follow up, Acme; Data\nanalyst"
    assert parsed[0]["DTSTART"].dt == date(2026, 12, 2)
    assert parsed[1]["DTSTART"].dt.date() == date(2026, 11, 27)  # Friday on or after today
    with pytest.raises(ValueError):
        calendar_ics.build_calendar([])
    with pytest.raises(ValueError):
        calendar_ics.weekly_checkin_event(date(2026, 11, 25), weekday=7)


# --- support resources -----------------------------------------------------------------------

def test_support_resources_file_and_regions() -> None:
    with wellbeing.SUPPORT_FILE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["region", "name", "how to reach", "url"]
        rows = list(reader)
    assert all(r["url"].startswith("https://") for r in rows)
    us = wellbeing.support_resources("us")
    assert any("988" in r.how for r in us)
    assert any("116 123" in r.how for r in wellbeing.support_resources("UK"))
    assert any("116 123" in r.how for r in wellbeing.support_resources("IE"))
    elsewhere = wellbeing.support_resources("OTHER")
    assert [r.url for r in elsewhere] == ["https://findahelpline.com"]
    assert us[-1].url == "https://findahelpline.com"  # everywhere entries always follow
    assert "ALL" not in wellbeing.support_regions() and "US" in wellbeing.support_regions()
    assert "depress" not in (wellbeing.LOW_PROMPT + wellbeing.LOW_PROMPT_TITLE).lower()


# --- the support region: guessed from the time zone until the user chooses -------------------

@pytest.mark.parametrize(("zone", "region"), [
    ("Europe/London", "UK"), ("Europe/Belfast", "UK"), ("GB", "UK"),
    ("Europe/Dublin", "IE"),
    ("America/New_York", "US"), ("America/Los_Angeles", "US"), ("America/Phoenix", "US"),
    ("America/Indiana/Indianapolis", "US"), ("Pacific/Honolulu", "US"), ("US/Eastern", "US"),
    ("America/Toronto", "CA"), ("America/Vancouver", "CA"), ("America/St_Johns", "CA"),
    ("America/Montreal", "CA"), ("Canada/Pacific", "CA"),
    ("Australia/Sydney", "AU"), ("Australia/Perth", "AU"), ("Australia/Lord_Howe", "AU"),
    ("Pacific/Auckland", "NZ"), ("Pacific/Chatham", "NZ"),
    # Not a region of the support list: the services that work everywhere, never the US.
    ("Europe/Berlin", "OTHER"), ("Europe/Paris", "OTHER"), ("Europe/Jersey", "OTHER"),
    ("America/Mexico_City", "OTHER"), ("America/Sao_Paulo", "OTHER"),
    ("America/Argentina/Buenos_Aires", "OTHER"), ("America/Puerto_Rico", "OTHER"),
    ("US/Samoa", "OTHER"), ("Asia/Tokyo", "OTHER"), ("Africa/Lagos", "OTHER"),
    ("UTC", "OTHER"), ("Etc/GMT+5", "OTHER"), ("", "OTHER"), ("europe/london", "OTHER"),
])
def test_region_guess_from_the_time_zone(zone: str, region: str) -> None:
    assert wellbeing.guess_region(zone) == region


def test_every_region_a_guess_can_give_has_its_own_services() -> None:
    from zoneinfo import available_timezones

    guesses = {wellbeing.guess_region(zone) for zone in available_timezones()}
    assert guesses <= {*wellbeing.support_regions(), wellbeing.ELSEWHERE}
    assert guesses >= {"US", "UK", "IE", "CA", "AU", "NZ", wellbeing.ELSEWHERE}
    for code in guesses - {wellbeing.ELSEWHERE}:
        assert wellbeing.support_resources(code)[0].region == code


@pytest.mark.parametrize(("settings", "code", "confirmed", "says"), [
    # The schema's default 'US' is no choice: guessed from the time zone.
    (Settings(), "OTHER", False, "any country"),
    (Settings(timezone="Europe/London"), "UK", False, "guessed from your time zone"),
    (Settings(timezone="Europe/Berlin"), "OTHER", False, "doesn't say which country"),
    (Settings(timezone="America/Chicago"), "US", False, "guessed from your time zone"),
    # Chosen: at a check-in or in settings (the flag), or a region only a choice writes.
    (Settings(timezone="Europe/London").with_flags(support_region_confirmed=True), "US", True,
     "the region you chose"),
    (Settings(support_region="IE", timezone="America/Chicago"), "IE", True,
     "the region you chose"),
    (Settings(support_region="OTHER", timezone="Europe/London"), "OTHER", True, "any country"),
    (Settings(support_region="Atlantis"), "OTHER", True, "any country"),
])
def test_which_region_get_support_shows_and_why(settings: Settings, code: str, confirmed: bool,
                                                 says: str) -> None:
    region = wellbeing.support_region(settings)
    assert (region.code, region.confirmed) == (code, confirmed)
    assert says in region.note and "Your data page" in region.note


def test_a_check_in_keeps_the_chosen_region_in_the_same_transaction(store: Store) -> None:
    with pytest.raises(ValidationError) as refused:
        factories.checkin(store, (3, 3, 3, 3, 3), region="Atlantis")
    assert set(refused.value.errors) == {"region"}
    assert store.count("checkins") == 0 and not wellbeing.support_region(
        store.settings.get()).confirmed
    with pytest.raises(ValidationError) as refused:  # every field is checked first
        wellbeing.save_checkin(store, CheckIn(items=[3, 3, None, 3, 3]), region="Atlantis")
    assert {"item_3", "region"} <= set(refused.value.errors)

    before = store.settings.get().version
    factories.checkin(store, (3, 3, 3, 3, 3), region="nz")
    saved = store.settings.get()
    assert saved.support_region == "NZ" and saved.version == before + 1
    assert store.count("checkins") == 1
    assert wellbeing.support_region(saved) == wellbeing.SupportRegion("NZ", True, "UTC")


def test_yes_no_settings_are_validated_and_a_bad_stored_one_falls_back() -> None:
    assert Settings().flag(PAUSE_GOAL_IN_HARD_WEEK) is True
    assert Settings().flag(SUPPORT_REGION_CONFIRMED) is False
    off = Settings().with_flags(**{PAUSE_GOAL_IN_HARD_WEEK: False})
    assert off.extra == {PAUSE_GOAL_IN_HARD_WEEK: "false"} and off.validated() == off
    with pytest.raises(ValidationError) as refused:
        Settings(extra={PAUSE_GOAL_IN_HARD_WEEK: "maybe"}).validated()
    assert "true" in refused.value.errors["extra"]
    with pytest.raises(ValueError):
        Settings().with_flags(not_a_setting=True)
    row = {"name": "", "signature": "", "weekly_goal": 5, "ghost_after_days": 30,
           "timezone": "UTC", "support_region": "US", "follow_up_days": 7, "version": 3,
           "extra": json.dumps({PAUSE_GOAL_IN_HARD_WEEK: "maybe", "feedback_themes": "[\"x\"]"})}
    loaded = Settings.from_stored(row)
    assert loaded.flag(PAUSE_GOAL_IN_HARD_WEEK) is True
    assert loaded.extra == {"feedback_themes": "[\"x\"]"}  # the theme list is kept
    assert len(loaded.notices) == 1 and "Pause my weekly goal" in loaded.notices[0]
