"""How the home page writes a number, so it never says more than the data knows.

- A rate on fewer than `FEW` cases is written as counts ("1 of 1"): "100%" on one application
  reads like a verdict, and it would swing by tens of points with the next reply.
- A change is a plain figure ("13", "-0.4 pts") or, when it rounds to nothing, "no change"
  with no arrow: never "-0.0 pts", "0.0" or "+0" beside an arrow.
- A week is said as a person says it ("week of 16 Nov"), never as an ISO code ("2026-W47").

Pure functions, no Streamlit: the page turns a `Change` into st.metric's arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

from nextround import clock

FEW = 5  # below this many cases a rate is shown as counts
NO_CHANGE = "no change"


@dataclass(frozen=True)
class Change:
    """A change against an earlier day, as shown: its text and which way it went."""

    text: str
    direction: Literal["up", "down", "none"]


def number(value: float, decimals: int = 1) -> str:
    """`value` rounded to at most `decimals` places, with thousands separators and no
    trailing zeros; a value that rounds to zero is "0", never "-0" or "0.0"."""
    rounded = round(float(value), decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = f"{rounded:,.{decimals}f}" if decimals > 0 else f"{rounded:,.0f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


class Rate(NamedTuple):
    """A rate as `metrics` defines it (`value`, None when undefined) with the counts it comes
    from: `part` of `whole`."""

    part: int
    whole: int
    value: float | None


def share(rate: Rate) -> str:
    """A rate as shown: "–" when it is undefined, "part of whole" below `FEW`, else a whole
    percent."""
    if rate.value is None:
        return "–"
    if rate.whole < FEW:
        return f"{rate.part:,} of {rate.whole:,}"
    return f"{rate.value:.0%}"


def change(delta: float, unit: str = "", decimals: int = 1) -> Change:
    """A change of `delta` (in `unit`, e.g. "pts"), rounded as shown: one that rounds to zero
    is "no change", with no direction."""
    shown = number(delta, decimals)
    if shown == "0":
        return Change(NO_CHANGE, "none")
    return Change(f"{shown} {unit}".strip(), "down" if shown.startswith("-") else "up")


def rate_change(now: Rate, before: Rate) -> Change | None:
    """The change of a rate against an earlier day. Below `FEW` cases the rate is shown as
    counts, so its change is the change in the part ("1" more reply); from `FEW` on, in
    percentage points. None when there is no earlier rate to compare with."""
    if now.whole < FEW:
        return change(now.part - before.part, decimals=0)
    if before.whole < FEW or now.value is None or before.value is None:
        return None
    return change((now.value - before.value) * 100, "pts")


def week_of(key: str | None, today: date) -> str | None:
    """An ISO week key ("2026-W47") as people say it: "week of 16 Nov", with the year when it
    isn't this year's. None for no key or one that isn't a real ISO week."""
    monday = clock.iso_week_monday(key)
    if monday is None:
        return None
    year_part = "" if monday.year == today.year else f" {monday.year}"
    return f"week of {monday.day} {monday:%b}{year_part}"
