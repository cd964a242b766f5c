"""When each chart has enough data to tell the truth, and the sentence shown until then: a
table at 0, 1, 3 and 10 applications of the first weeks (`tests.chart_stories`)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from nextround import chart_thresholds as ct
from nextround.chart_thresholds import Facts

# A search of n applications in its first weeks: one every three days up to two days ago, a
# reply for about half, a check-in a week, a reflection after each no.
FIRST_WEEKS = {
    0: Facts(),
    1: Facts(applications=1, weeks=1, checkins=1),
    3: Facts(applications=3, weeks=2, replies=1, answered=1, checkins=2),
    10: Facts(applications=10, weeks=5, replies=5, answered=5, checkins=5, reflections=2,
              tagged_replies=1),
}

SENTENCES = {
    ("weekly", 0): "Your weekly chart starts with your first application. Add your first one "
                   "on the Applications page when you're ready.",
    ("weekly", 1): "Your weekly chart starts after your second week. One application so far, "
                   "well done.",
    ("cumulative", 0): "Your running totals start after your third week and fifth "
                       "application. Add your first one on the Applications page when "
                       "you're ready.",
    ("cumulative", 1): "Your running totals start after your third week and fifth "
                       "application. Until then, add each one on the Applications page as "
                       "you send it.",
    ("funnel", 1): "Your funnel appears after your third application and a first reply. One "
                   "application so far, well done.",
    ("flow", 3): "The flow appears after your fifth application and a first reply, and "
                 "follows where each one went. Meanwhile, record each reply on the "
                 "Applications page as it comes.",
    ("outcomes", 3): "Outcomes appear after your fifth application, once one of them has an "
                     "answer. Meanwhile, record each reply on the Applications page as it "
                     "comes.",
    ("response_times", 0): "Reply times appear after your third reply. No replies yet: "
                           "replies can take a few weeks, and that's normal.",
    ("response_times", 3): "Reply times appear after your third reply. One reply so far: "
                           "replies can take a few weeks, and that's normal.",
    ("sources", 3): "Response rates by source appear after your tenth application: before "
                    "that, one reply more or less swings them a lot. Three applications so "
                    "far, well done.",
    ("wellbeing", 1): "Your wellbeing trend starts after your second weekly check-in. You've "
                      "done your first; next week's starts the line.",
    ("reflection", 10): "Patterns show up here after your third finished reflection: what "
                        "keeps being outside your control, what you keep wanting to change, "
                        "and how much was in your hands. You've finished two reflections so "
                        "far.",
    ("feedback_themes", 10): "Themes over time appear after your third reply tagged with a "
                             "theme. You have one tagged reply so far; the table below shows "
                             "every one.",
}

# Which charts each size draws: every other one shows its sentence.
DRAWN = {0: set(), 1: set(), 3: {"weekly", "funnel", "wellbeing"},
         10: {"weekly", "cumulative", "funnel", "flow", "outcomes", "response_times",
              "sources", "wellbeing"}}


@pytest.mark.parametrize("size", sorted(FIRST_WEEKS))
@pytest.mark.parametrize("name", sorted(ct.MINIMUM))
def test_each_chart_waits_for_enough_data(name: str, size: int) -> None:
    sentence = ct.placeholder(name, FIRST_WEEKS[size])
    if name in DRAWN[size]:
        assert sentence is None
        return
    assert sentence, "a chart not drawn says when it will be"
    assert "0." not in sentence and "-W" not in sentence
    if (name, size) in SENTENCES:
        assert sentence == SENTENCES[(name, size)]


def test_the_funnel_waits_for_a_first_reply_kindly() -> None:
    three = Facts(applications=3, weeks=2)
    assert ct.placeholder("funnel", three) == (
        "Your funnel appears with your first reply. Replies can take a few weeks, and that's "
        "normal: your three applications are out there working for you.")
    assert ct.placeholder("funnel", replace(three, replies=1)) is None


def test_a_chart_waits_only_for_what_is_missing() -> None:
    many_weeks = Facts(applications=2, weeks=12)
    assert ct.placeholder("cumulative", many_weeks).startswith(
        "Your running totals start after your fifth application.")
    many_apps = Facts(applications=40, weeks=1)
    assert ct.placeholder("cumulative", many_apps).startswith(
        "Your running totals start after your third week.")
    assert ct.placeholder("weekly", many_apps).endswith("40 applications so far, well done.")


def test_counts_read_as_words_then_digits() -> None:
    assert ct.counted(0, "reply", "replies") == "no replies"
    assert ct.counted(1, "application") == "one application"
    assert ct.counted(10, "application") == "ten applications"
    assert ct.counted(1200, "application") == "1,200 applications"
