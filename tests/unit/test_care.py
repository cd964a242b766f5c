"""The care rule: which check-ins make "This week" lead with care, and what it then says.

A table of check-ins (how recent, the five WHO-5 answers, stress, self-care ticks) → whether
This week leads with care, and why. Then the same rule read from the store (`agenda`), where the
items stay but carry no counts of what is waiting.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from nextround import agenda, care
from nextround.models import PAUSE_GOAL_IN_HARD_WEEK
from nextround.store import Store
from nextround.wellbeing import CheckIn
from tests import factories
from tests.conftest import TODAY

THIS_WEEK, LAST_WEEK = "2026-W48", "2026-W47"  # TODAY is Wednesday of 2026-W48
GOOD = (4, 4, 3, 3, 3)  # 68%, no answer ≤ 1


# (week, items, stress, self-care) → (leads with care, low wellbeing, high stress)
CASES = {
    "no check-in at all": (None, None, None, (), (False, False, False)),
    "good week": (THIS_WEEK, GOOD, 3, (), (False, False, False)),
    "WHO-5 20%, stress 9 (the issue's example)": (
        THIS_WEEK, (1, 1, 1, 1, 1), 9, (), (True, True, True)),
    "WHO-5 48%, no answer ≤ 1": (THIS_WEEK, (3, 3, 2, 2, 2), None, (), (True, True, False)),
    "WHO-5 52%, no answer ≤ 1": (THIS_WEEK, (3, 3, 3, 2, 2), 5, (), (False, False, False)),
    "one answer at 1, the rest high": (THIS_WEEK, (5, 5, 5, 5, 1), 2, (), (True, True, False)),
    "one answer at 0": (THIS_WEEK, (5, 5, 5, 0, 5), None, (), (True, True, False)),
    "good WHO-5, stress 8": (THIS_WEEK, GOOD, 8, (), (True, False, True)),
    "good WHO-5, stress 10": (THIS_WEEK, GOOD, 10, (), (True, False, True)),
    "good WHO-5, stress 7": (THIS_WEEK, GOOD, 7, (), (False, False, False)),
    "good WHO-5, no stress answered": (THIS_WEEK, GOOD, None, (), (False, False, False)),
    "low, last week (WHO-5 looks back two weeks)": (
        LAST_WEEK, (2, 2, 2, 2, 2), 4, (), (True, True, False)),
    "very stressed, last week": (LAST_WEEK, GOOD, 9, (), (True, False, True)),
    "low, two weeks ago (a time that has passed)": (
        "2026-W46", (1, 1, 1, 1, 1), 10, (), (False, False, False)),
    "low, but a week in the future (a clock set wrong)": (
        "2026-W49", (1, 1, 1, 1, 1), 10, (), (False, False, False)),
}


@pytest.mark.parametrize(("week", "items", "stress", "self_care", "expected"),
                         list(CASES.values()), ids=list(CASES))
def test_what_this_week_leads_with(week: str | None, items: tuple[int, ...] | None,
                                   stress: int | None, self_care: tuple[str, ...],
                                   expected: tuple[bool, bool, bool]) -> None:
    checkin = None if items is None else CheckIn(items=items, stress=stress,
                                                 self_care=self_care).validated()
    advice = care.care_for(checkin, week, TODAY)
    leads, low, stressed = expected
    assert (advice is not None) == leads
    if advice is not None:
        assert (advice.low_wellbeing, advice.high_stress) == (low, stressed)
        assert advice.week == week and advice.pause_goal
        assert [s.title for s in advice.steps] == ["Rest", "Support", "One small kind step"]


@pytest.mark.parametrize(("ticked", "step"), [
    ((), "Go to bed a little earlier tonight."),
    (("sleep",), "Take a ten-minute walk outside today."),
    (("sleep", "movement", "fun"), "Send a message to someone you like, about anything but the "
                                   "search."),
    (("sleep", "movement", "people", "fun"), "Pick one day this week with no job search at all."),
    (("sleep", "movement", "people", "day_off", "fun"), care.KIND_STEP_ANYWAY),
])
def test_the_small_kind_step_is_one_the_week_did_not_have(ticked: tuple[str, ...],
                                                          step: str) -> None:
    advice = care.care_for(CheckIn(items=(1, 1, 1, 1, 1), self_care=ticked).validated(),
                           THIS_WEEK, TODAY)
    assert advice is not None and advice.steps[2].text == step


def test_the_words_are_supportive_and_never_diagnostic() -> None:
    texts = []
    for items, stress in (((1, 1, 1, 1, 1), 9), ((1, 1, 1, 1, 1), 2), (GOOD, 9)):
        advice = care.care_for(CheckIn(items=items, stress=stress).validated(), THIS_WEEK, TODAY)
        assert advice is not None
        texts += [advice.title, advice.message, advice.goal_note or "",
                  *(s.text for s in advice.steps)]
    words = " ".join(texts).lower()
    for label in ("depress", "disorder", "diagnos", "symptom", "score", "fail", "should"):
        assert label not in words
    assert "heavy going" in words and "stressful" in words and "get support" in words


def test_the_goal_note_follows_the_setting() -> None:
    low = CheckIn(items=(1, 1, 1, 1, 1)).validated()
    assert "paused" in care.care_for(low, THIS_WEEK, TODAY).goal_note
    assert care.care_for(low, THIS_WEEK, TODAY, pause_goal=False).goal_note is None


# --- read from the store: This week ------------------------------------------------------------

def _follow_ups_due(store: Store, count: int) -> None:
    for number in range(count):
        app = factories.application(store, f"Company {number}", applied_on="2026-10-01",
                                    stages=[("screening", "2026-10-05")])
        factories.feedback_request(store, app, "2026-11-10", follow_up_due="2026-11-20")


def test_a_low_check_in_leads_with_care_and_the_items_carry_no_counts(store: Store) -> None:
    _follow_ups_due(store, 3)
    before = agenda.this_week(store, TODAY)
    assert before.care is None and not before.goal_paused
    assert "3 requests are waiting" in before.items[0].why

    factories.checkin(store, (2, 1, 2, 2, 2), day=TODAY - timedelta(days=7), stress=6)
    plan = agenda.this_week(store, TODAY)
    assert plan.care is not None and plan.care.week == LAST_WEEK and plan.goal_paused
    assert [i.key for i in plan.items] == [i.key for i in before.items]  # still there
    for item in plan.items:
        assert "waiting" not in item.why and "one at a time" not in item.why
        assert not any(ch.isdigit() for ch in item.why), item.why


def test_what_was_done_is_said_in_words_without_the_zeros(store: Store) -> None:
    factories.checkin(store, (1, 1, 1, 1, 1), day=TODAY - timedelta(days=7))
    assert agenda.done_so_far(agenda.this_week(store, TODAY)) == ""
    for day in ("2026-11-23", "2026-11-24"):
        factories.application(store, "Acme", applied_on=day)
    assert agenda.done_so_far(agenda.this_week(store, TODAY)) == \
        "So far this week: 2 applications sent."


def test_this_weeks_good_check_in_replaces_last_weeks_hard_one(store: Store) -> None:
    factories.checkin(store, (1, 1, 1, 1, 1), day=TODAY - timedelta(days=7), stress=9)
    assert agenda.this_week(store, TODAY).care is not None
    factories.checkin(store, GOOD, day=TODAY, stress=3)
    assert agenda.this_week(store, TODAY).care is None


def test_a_hard_check_in_from_two_weeks_ago_leads_with_nothing(store: Store) -> None:
    factories.checkin(store, (1, 1, 1, 1, 1), day=TODAY - timedelta(days=14), stress=10)
    assert agenda.this_week(store, TODAY).care is None


def test_turning_the_pause_off_keeps_care_but_not_the_paused_goal(store: Store) -> None:
    factories.checkin(store, (1, 1, 1, 1, 1), day=TODAY)
    current = store.settings.get()
    store.settings.save(current.with_flags(**{PAUSE_GOAL_IN_HARD_WEEK: False}))
    plan = agenda.this_week(store, TODAY)
    assert plan.care is not None and not plan.care.pause_goal and not plan.goal_paused
