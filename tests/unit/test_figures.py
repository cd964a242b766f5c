"""How the home page writes its numbers (`nextround.figures`): one table per rule."""

from __future__ import annotations

from datetime import date

import pytest

from nextround import figures
from nextround.figures import Change, Rate

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(("value", "decimals", "shown"), [
    (0, 1, "0"),
    (-0.0, 1, "0"),
    (-0.04, 1, "0"),  # rounds to -0.0: never "-0.0"
    (0.04, 1, "0"),
    (0.45, 1, "0.5"),
    (-0.2, 1, "-0.2"),
    (6.0, 1, "6"),  # no "6.0"
    (6.5, 1, "6.5"),
    (1234.0, 1, "1,234"),
    (-0.4, 0, "0"),
    (13, 0, "13"),
    (-3, 0, "-3"),
])
def test_number(value: float, decimals: int, shown: str) -> None:
    assert figures.number(value, decimals) == shown


@pytest.mark.parametrize(("part", "whole", "shown"), [
    (0, 0, "–"),  # nothing to divide by
    (1, 1, "1 of 1"),  # not "100%" on one application
    (0, 1, "0 of 1"),
    (3, 4, "3 of 4"),
    (5, 5, "100%"),  # from five on, a percent
    (1, 5, "20%"),
    (138, 400, "34%"),
    (2, 3, "2 of 3"),
])
def test_share(part: int, whole: int, shown: str) -> None:
    assert figures.share(Rate(part, whole, part / whole if whole else None)) == shown


@pytest.mark.parametrize(("delta", "unit", "decimals", "expected"), [
    (0, "", 0, Change("no change", "none")),  # never "↑ +0"
    (0.0, "pts", 1, Change("no change", "none")),
    (-0.04, "pts", 1, Change("no change", "none")),  # never "-0.0 pts"
    (0.0, "", 1, Change("no change", "none")),  # never "0.0 in 4 weeks"
    (13, "", 0, Change("13", "up")),
    (-2, "", 0, Change("-2", "down")),
    (0.4, "pts", 1, Change("0.4 pts", "up")),
    (-0.25, "pts", 1, Change("-0.2 pts", "down")),  # round half to even, as shown
    (1.5, "days", 1, Change("1.5 days", "up")),
])
def test_change(delta: float, unit: str, decimals: int, expected: Change) -> None:
    assert figures.change(delta, unit, decimals) == expected


@pytest.mark.parametrize(("now", "before", "expected"), [
    ((1, 1), (0, 0), Change("1", "up")),  # below five: the count that changed
    ((1, 3), (1, 2), Change("no change", "none")),
    ((138, 400), (120, 360), Change("1.2 pts", "up")),  # 34.5% against 33.3%
    ((20, 100), (20, 100), Change("no change", "none")),
    ((334, 1000), (333, 1000), Change("0.1 pts", "up")),
    ((3333, 10000), (3334, 10000), Change("no change", "none")),  # -0.01 pts rounds to 0
    ((10, 50), (2, 4), None),  # no earlier rate to compare with
    ((0, 5), (0, 5), Change("no change", "none")),
])
def test_rate_change(now: tuple[int, int], before: tuple[int, int],
                     expected: Change | None) -> None:
    def rate(part: int, whole: int) -> Rate:
        return Rate(part, whole, part / whole if whole else None)

    assert figures.rate_change(rate(*now), rate(*before)) == expected


@pytest.mark.parametrize(("key", "shown"), [
    ("2026-W47", "week of 16 Nov"),
    ("2026-W48", "week of 23 Nov"),
    ("2026-W01", "week of 29 Dec 2025"),  # ISO week 1 of 2026 starts in 2025
    ("2025-W10", "week of 3 Mar 2025"),
    ("2026-W53", "week of 28 Dec"),  # 2026 has 53 ISO weeks
    ("2025-W53", None),  # 2025 has 52: no such week
    ("2026-47", None),
    ("", None),
    (None, None),
])
def test_week_of(key: str | None, shown: str | None) -> None:
    assert figures.week_of(key, TODAY) == shown
