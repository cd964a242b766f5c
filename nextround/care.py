"""Care comes first when the week is hard: the one rule for when "This week" leads with rest,
support and one small kind step instead of the search.

The rule reads the latest weekly check-in (this ISO week's, or else last week's): its WHO-5 is
low (percentage ≤ 50, or any answer ≤ 1, `wellbeing.Who5.low`), or its stress is high (8 or more
of 10). The words are a friend's, never a diagnosis: they say what the check-in suggests and
what might help, and never what the user failed to do.

Why last week's check-in still counts: WHO-5 asks about "the last two weeks", so last week's
answers still describe this one, and a Monday before this week's check-in should not switch
care off. An older one describes a time that has passed, so it leads with nothing.

Why stress 8: the stress question is one self-rating from 0 ("no stress at all") to 10 ("the
most you can imagine"), with no validated cut-off. 8 and above is the top fifth of the scale,
near its upper label; mid-scale stress (5 to 7) is ordinary in a long search, and a care lead
shown most weeks would stop meaning anything. Low wellbeing is already caught by WHO-5.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from nextround.records import CheckinRecord
from nextround.wellbeing import SELF_CARE, CheckIn, week_key, who5

STRESS_HIGH = 8  # of 10

TITLE = "Looking after yourself comes first"


@dataclass(frozen=True)
class CareStep:
    title: str
    text: str


REST = CareStep("Rest", "Rest without earning it first: an early night, a walk, an evening "
                        "away from job sites. The search will keep for a few days.")
SUPPORT = CareStep("Support", "Tell someone how it's going: a friend, someone in your family, "
                              "or one of the services under Get support.")
# One small kind step, the first of these the check-in's self-care ticks left out (in the
# check-in's own order), so the suggestion is one the user hasn't already done this week.
KIND_STEPS = {
    "sleep": "Go to bed a little earlier tonight.",
    "movement": "Take a ten-minute walk outside today.",
    "people": "Send a message to someone you like, about anything but the search.",
    "day_off": "Pick one day this week with no job search at all.",
    "fun": "Do one small thing just because you enjoy it.",
}
KIND_STEP_ANYWAY = "Write down one thing that went all right this week, however small."
KIND_STEP_TITLE = "One small kind step"


@dataclass(frozen=True)
class CareAdvice:
    """What "This week" leads with after a hard check-in. Our own words only."""

    week: str  # the check-in it reads, e.g. "2026-W47"
    low_wellbeing: bool
    high_stress: bool
    pause_goal: bool  # the weekly goal is shown as paused this week
    kind_step: str

    title: str = TITLE

    @property
    def message(self) -> str:
        if self.low_wellbeing and self.high_stress:
            seen = ("the last couple of weeks have been heavy going, and very stressful")
        elif self.low_wellbeing:
            seen = "the last couple of weeks have been heavy going"
        else:
            seen = "the last week has been very stressful"
        return (f"Your check-in suggests {seen}. That's a human response to a hard search, "
                "not a verdict on you. For now, you come first.")

    @property
    def steps(self) -> tuple[CareStep, CareStep, CareStep]:
        """Rest, support, and one small kind step, in that order."""
        return REST, SUPPORT, CareStep(KIND_STEP_TITLE, self.kind_step)

    @property
    def goal_note(self) -> str | None:
        if not self.pause_goal:
            return None
        return ("Your weekly application goal is paused for this week, so there is nothing to "
                "catch up on. You can change this on the Your data page.")


def counts_as_latest(week: str, today: date) -> bool:
    """Whether a check-in of `week` is recent enough to decide what This week leads with:
    this ISO week's or last week's (see the module's docstring)."""
    return week in (week_key(today), week_key(today - timedelta(days=7)))


def care_for(checkin: CheckIn | None, week: str | None, today: date, *,
             pause_goal: bool = True) -> CareAdvice | None:
    """The care rule: advice when the latest check-in (`checkin`, of ISO `week`) is recent
    and low (WHO-5 ≤ 50% or any answer ≤ 1) or very stressed (stress ≥ 8); otherwise None.
    `pause_goal` is the user's setting (on unless they turned it off)."""
    if checkin is None or not week or not counts_as_latest(week, today):
        return None
    low = who5(checkin.items).low
    stress = checkin.stress
    high_stress = isinstance(stress, int) and not isinstance(stress, bool) \
        and stress >= STRESS_HIGH
    if not (low or high_stress):
        return None
    ticked = set(checkin.self_care)
    step = next((KIND_STEPS[k] for k in SELF_CARE if k not in ticked), KIND_STEP_ANYWAY)
    return CareAdvice(week=week, low_wellbeing=low, high_stress=high_stress,
                      pause_goal=pause_goal, kind_step=step)


def care_from_record(record: CheckinRecord | None, today: date, *,
                     pause_goal: bool = True) -> CareAdvice | None:
    """`care_for` a stored check-in. One whose answers can't be read (written by another
    tool) leads with nothing rather than stopping the home page."""
    if record is None:
        return None
    try:
        checkin = CheckIn(items=json.loads(record.items), stress=record.stress,
                          self_care=json.loads(record.self_care or "[]")).validated()
        return care_for(checkin, record.week, today, pause_goal=pause_goal)
    except (ValueError, TypeError):  # ValidationError is a ValueError
        return None
