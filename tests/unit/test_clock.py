"""ISO week keys, the weekly check-in's unit: a key and its Monday convert both ways, and a
stored key that isn't a real week is read as no week rather than stopping a page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from nextround import clock


@pytest.mark.parametrize("day", [date(2020, 12, 28) + timedelta(days=n) for n in range(0, 800, 3)])
def test_a_week_key_leads_back_to_its_monday(day: date) -> None:
    monday = clock.iso_week_monday(clock.iso_week_key(day))
    assert monday == day - timedelta(days=day.weekday())


@pytest.mark.parametrize("key", [None, "", "2026", "2026-W", "2026-W54", "2021-W53", "2026-W0",
                                 "W48-2026", "2026-Wx", "2026-W48-W1", 202648, "٢٠٢٦-W48x",
                                 "٢٠٢٦-W48", "2026-W5", " 2026-W48", "2026-w48", "2_026-W48"])
def test_anything_but_a_real_week_is_no_week(key: object) -> None:
    assert clock.iso_week_monday(key) is None


def test_the_longest_years_last_week() -> None:
    assert clock.iso_week_monday("2020-W53") == date(2020, 12, 28)
