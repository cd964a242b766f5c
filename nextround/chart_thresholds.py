"""When each chart has enough data to tell the truth, and the sentence shown until then.

Every real search starts with one application. A chart drawn from one or three of them misleads:
a single bar, a funnel of zeros, a response rate of 100% "by source" from one reply. So each
chart has a minimum (`MINIMUM`), and below it the page shows a kind sentence instead, saying
when the chart will appear and what to do meanwhile (`placeholder`). No Streamlit here: the
pages show the sentence, the tests read the same one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nextround.text import noun

if TYPE_CHECKING:
    import pandas as pd

    from nextround.metrics import Board, Dashboard


@dataclass(frozen=True)
class Facts:
    """What the thresholds look at, counted over what the chart would show."""

    applications: int = 0    # applications in the period
    weeks: int = 0           # weeks from the first application's week to the period's end
    replies: int = 0         # applications that got a first reply from the employer
    answered: int = 0        # applications with an answer: a reply, or an ending (ghosted too)
    checkins: int = 0        # weekly check-ins in the trend's window
    reflections: int = 0     # finished reflections
    tagged_replies: int = 0  # feedback replies tagged with a theme


# The least each chart needs, per fact: every one must be met.
MINIMUM: dict[str, dict[str, int]] = {
    "weekly": {"applications": 1, "weeks": 2},
    "cumulative": {"weeks": 3, "applications": 5},
    "funnel": {"applications": 3, "replies": 1},
    "flow": {"applications": 5, "replies": 1},
    "outcomes": {"applications": 5, "answered": 1},
    "response_times": {"replies": 3},
    "sources": {"applications": 10},
    "wellbeing": {"checkins": 2},
    "reflection": {"reflections": 3},
    "feedback_themes": {"tagged_replies": 3},
}

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_ORDINALS = ("", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth")


def counted(n: int, thing: str, plural: str | None = None) -> str:
    """"three applications", "one reply", "12 check-ins": words up to ten, then digits."""
    number = _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"
    return f"{number} {noun(n, thing, plural)}"


def _nth(n: int, thing: str) -> str:
    return f"your {_ORDINALS[n] if 0 < n < len(_ORDINALS) else f'{n:,}th'} {thing}"


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def ready(name: str, facts: Facts) -> bool:
    """Whether chart `name` has enough data to be drawn."""
    return all(getattr(facts, fact) >= least for fact, least in MINIMUM[name].items())


def _so_far(facts: Facts) -> str:
    if not facts.applications:
        return "Add your first one on the Applications page when you're ready."
    return f"{_first_upper(counted(facts.applications, 'application'))} so far, well done."


def _waiting_for(name: str, facts: Facts, words: dict[str, str]) -> str:
    """"your third week and fifth application": each unmet minimum, in `words` order."""
    parts = [_nth(least, words[fact]) for fact, least in MINIMUM[name].items()
             if getattr(facts, fact) < least and fact in words]
    if len(parts) > 1:  # "your third week and fifth application"
        parts = [parts[0], *(p.removeprefix("your ") for p in parts[1:])]
    return " and ".join(parts)


def placeholder(name: str, facts: Facts) -> str | None:
    """The sentence shown instead of chart `name`, or None when the chart can be drawn."""
    if ready(name, facts):
        return None
    return _SENTENCES[name](facts)


def _weekly(facts: Facts) -> str:
    if not facts.applications:
        return ("Your weekly chart starts with your first application. "
                + _so_far(facts))
    return "Your weekly chart starts after your second week. " + _so_far(facts)


def _cumulative(facts: Facts) -> str:
    when = _waiting_for("cumulative", facts, {"weeks": "week", "applications": "application"})
    if not facts.applications:
        return f"Your running totals start after {when}. " + _so_far(facts)
    # The weekly chart beside it has just said how many so far: say what to do instead.
    return (f"Your running totals start after {when}. Until then, add each one on the "
            "Applications page as you send it.")


def _funnel(facts: Facts) -> str:
    if facts.applications >= MINIMUM["funnel"]["applications"]:
        return ("Your funnel appears with your first reply. Replies can take a few weeks, and "
                f"that's normal: your {counted(facts.applications, 'application')} are out "
                "there working for you.")
    return "Your funnel appears after your third application and a first reply. " + _so_far(
        facts)


def _flow(facts: Facts) -> str:
    return ("The flow appears after your fifth application and a first reply, and follows "
            "where each one went. Meanwhile, record each reply on the Applications page as it "
            "comes.")


def _outcomes(facts: Facts) -> str:
    return ("Outcomes appear after your fifth application, once one of them has an answer. "
            "Meanwhile, record each reply on the Applications page as it comes.")


def _response_times(facts: Facts) -> str:
    got = ("No replies yet" if not facts.replies
           else f"{_first_upper(counted(facts.replies, 'reply', 'replies'))} so far")
    return (f"Reply times appear after your third reply. {got}: replies can take a few "
            "weeks, and that's normal.")


def _sources(facts: Facts) -> str:
    return ("Response rates by source appear after your tenth application: before that, one "
            "reply more or less swings them a lot. " + _so_far(facts))


def _wellbeing(facts: Facts) -> str:
    if facts.checkins:
        return ("Your wellbeing trend starts after your second weekly check-in. You've done "
                "your first; next week's starts the line.")
    return ("Your wellbeing trend starts after your second weekly check-in. It takes a "
            "minute, and it's for you alone.")


def _reflection(facts: Facts) -> str:
    done = ("You haven't finished one yet." if not facts.reflections
            else f"You've finished {counted(facts.reflections, 'reflection')} so far.")
    return ("Patterns show up here after your third finished reflection: what keeps being "
            "outside your control, what you keep wanting to change, and how much was in your "
            f"hands. {done}")


def _feedback_themes(facts: Facts) -> str:
    return ("Themes over time appear after your third reply tagged with a theme. You have "
            f"{counted(facts.tagged_replies, 'tagged reply', 'tagged replies')} so far; the "
            "table below shows every one.")


_SENTENCES = {"weekly": _weekly, "cumulative": _cumulative, "funnel": _funnel, "flow": _flow,
              "outcomes": _outcomes, "response_times": _response_times, "sources": _sources,
              "wellbeing": _wellbeing, "reflection": _reflection,
              "feedback_themes": _feedback_themes}


def progress_facts(board: Board | Dashboard) -> Facts:
    """The facts of the progress page's charts, from its first screen (or the whole
    dashboard): weeks are counted from the week of the first application in the period, so
    empty weeks before it don't count."""
    weekly = board.weekly
    sent = weekly.index[weekly["applications"] > 0] if len(weekly) else []
    weeks = len(weekly) - int(sent[0]) if len(sent) else 0
    return Facts(applications=board.applications_in_range, weeks=weeks,
                 replies=board.now.responded, answered=board.answered)


def trend_facts(trend: pd.DataFrame) -> Facts:
    """The wellbeing trend's facts: the weeks with a check-in in its window
    (`wellbeing.weekly_trend`)."""
    return Facts(checkins=int(trend["who5_pct"].notna().sum()) if len(trend) else 0)
