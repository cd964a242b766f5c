"""Progress (home): how far the search has come, in numbers and charts over time.

Everything drawn here is aggregated by `nextround.metrics` and cached until the next write,
so the page stays fast however many applications there are. A new user sees a welcome with
two ways in: start fresh, or explore a separate demo database.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from nextround import figures, metrics, ui
from nextround.figures import Rate
from nextround.reports import work_search
from nextround.store import Store, StoreError
from nextround.text import noun, plural
from nextround.ui import this_week
from nextround.ui.progress_charts import chart_tabs, first_screen

PERIOD_PART = "progress_period_part"  # the fragment of the period, its numbers and charts
PERIODS = {"4 weeks": 28, "3 months": 91, "6 months": 182, "1 year": 365, "All time": None,
           "Custom": None}


def welcome(store: Store) -> None:
    """The empty state: what Next Round does and what to do first."""
    st.title("Welcome to Next Round")
    st.markdown(
        "A no is part of every job search, and it doesn't have to stall yours. Next Round "
        "helps you **respond** with grace, **ask for feedback**, **reflect** on what you "
        "learned, **take care of yourself**, and **see how far you've come**.")
    st.markdown("**Start by adding the applications you've already sent**, even a rough "
                "list. Each stage change you record (a screen, an interview, an offer, a "
                "no) builds the charts on this page.")
    left, right = st.columns(2, border=True)
    with left:
        st.header("Start fresh", anchor=False)
        st.caption("Add your first application, then record each reply as it comes. "
                   + ui.data_home(store))
        if st.button("Start fresh", key="start_fresh", type="primary",
                     icon=":material/add:", width="stretch"):
            st.switch_page(ui.page_path("applications"))
    with right:
        st.header("Explore with demo data", anchor=False)
        st.caption("Look around with made-up applications first. The demo has its own "
                   "database, so it never mixes with your data.")
        if st.button("Explore with demo data", key="explore_demo", icon=":material/science:",
                     width="stretch"):
            open_demo()


def open_demo() -> None:
    """Switch this session to the demo database, filling it the first time (with progress)."""
    from nextround import demo

    try:
        demo_store = ui.open_store(ui.demo_url())
    except StoreError as exc:  # e.g. a damaged demo file: say so, stay on your own data
        st.error(str(exc), icon=":material/database:")
        return
    st.session_state[ui.DEMO_KEY] = True
    if demo_store.is_empty():
        bar = st.progress(0.0, text="Making demo data…")

        def report(fraction: float, message: str) -> None:
            bar.progress(min(max(float(fraction), 0.0), 1.0), text=message)

        filled = ui.save("demo", lambda: demo.fill(demo_store, applications=400, seed=42,
                                                   progress=report), rerun=False)
        bar.empty()
        if filled or not demo_store.is_empty():
            st.rerun()
        st.session_state[ui.DEMO_KEY] = False
        ui.form_error("demo")
        return
    st.rerun()


def overview(store: Store) -> tuple[bool, tuple[date, date] | None, int | None]:
    """What the page needs before its numbers, in one cached read: whether there is any data
    at all, the first and last dates applied, and the weekly work-search number (Settings)."""
    return (store.is_empty(), store.applications.date_bounds(),
            store.settings.get().work_search_weekly)


def pick_period(bounds: tuple[date, date] | None, today: date) -> tuple[date, date]:
    """The shared date range: a preset, or a custom pair of dates."""
    first = min(bounds[0], today) if bounds else today
    left, right = st.columns([5, 2], vertical_alignment="bottom")
    with left:
        period = st.radio("Period", list(PERIODS), index=list(PERIODS).index("All time"),
                          key="progress_period", horizontal=True)
    start, end = first, today
    days = PERIODS.get(period or "All time")
    if days is not None:
        start = max(first, today - timedelta(days=days - 1))
    elif period == "Custom":
        with right:
            picked = st.date_input("From – to", value=(first, today), min_value=first,
                                   max_value=today, key="progress_range")
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            start, end = picked[0], picked[1]
        elif isinstance(picked, (tuple, list)) and len(picked) == 1:
            start = picked[0]
    return start, end


NOTE = "in 4 weeks"


def _delta(shown: figures.Change | None) -> dict[str, object]:
    """st.metric's delta arguments for a change over 4 weeks: an arrow only when something
    moved ("no change" has none), and a quiet grey note when there was no earlier figure to
    compare with (so every card keeps the same shape)."""
    if shown is None:
        return {"delta": "no earlier figure", "delta_color": "off", "delta_arrow": "off"}
    if shown.direction == "none":
        return {"delta": shown.text, "delta_description": NOTE, "delta_color": "off",
                "delta_arrow": "off"}
    return {"delta": shown.text, "delta_description": NOTE}


def headline(board: metrics.Board, today: date, *, goal_paused: bool = False) -> None:
    """The three numbers that matter most, in this order on every width: this week against
    the weekly goal, then the response and interview rates with their change over 4 weeks.
    `goal_paused`: This week leads with care, so the goal is shown as paused, with no "to go".
    Side by side where there is room; on a phone they wrap, two to a row."""
    now, before = board.now, board.before
    with st.container(horizontal=True, key="headline_numbers"):
        _this_week(board, today, goal_paused=goal_paused)
        for term, rate, earlier in (
                ("Response rate", Rate(now.responded, now.applications, now.response_rate),
                 Rate(before.responded, before.applications, before.response_rate)),
                ("Interview rate", Rate(now.interviewed, now.applications, now.interview_rate),
                 Rate(before.interviewed, before.applications, before.interview_rate))):
            st.metric(term, figures.share(rate), **_delta(figures.rate_change(rate, earlier)),
                      border=True, help=f"{metrics.TERMS[term]} Here: {rate.part:,} of "
                                        f"{rate.whole:,}.")


def _this_week(board: metrics.Board, today: date, *, goal_paused: bool) -> None:
    """Applications sent this week against the weekly goal, said kindly: what is left to
    reach it, never what is missing; paused in a hard week."""
    now, goal = board.now, board.weekly_goal
    to_go = max(goal - now.this_week, 0)
    monday = board.end - timedelta(days=board.end.weekday())
    this_week_shown = today - timedelta(days=today.weekday()) == monday
    label = ("Sent this week" if this_week_shown
             else f"Sent in the week of {monday.day} {monday:%b %Y}")
    if goal and goal_paused and this_week_shown:
        st.metric(label, f"{now.this_week}", "Goal paused this week", delta_color="off",
                  delta_arrow="off", border=True,
                  help=f"{metrics.TERMS['Sent this week']} Your check-in suggests a hard week, "
                       "so your weekly goal is paused: there's nothing to catch up on. You can "
                       "turn this off on the Your data page.")
        return
    reached = bool(goal) and not to_go
    st.metric(label, f"{now.this_week} of {goal}" if goal else f"{now.this_week}",
              (f"{to_go} to reach your goal" if to_go else "Weekly goal reached") if goal
              else "no weekly goal set",
              delta_color="normal" if reached else "off",
              delta_arrow="auto" if reached else "off", border=True,
              help=metrics.TERMS["Sent this week"])


def compact_numbers(board: metrics.Board, today: date) -> None:
    """The rest of the search in one compact row, no borders and no deltas (they wrap two or
    three to a row on a phone), then one quiet line about wellbeing."""
    now, terms = board.now, metrics.TERMS
    median = now.median_days_to_feedback
    feedback_days = ("" if median is None else
                     f" Replies took {figures.number(median)} "
                     f"{noun(round(median, 1), 'day')} (median).")
    days = now.median_days_to_response
    offer_rate = Rate(now.offers, now.interviewed, now.offer_rate)
    numbers = [
        ("Applied", f"{now.applications:,}", f"{terms['Applied']} In the period picked above."),
        ("Offers", f"{now.offers:,}",
         f"{terms['Offer']} Offer rate: {figures.share(offer_rate)}. "
         f"{terms['Offer rate']}"),
        ("Days to first reply", "–" if days is None else figures.number(days),
         f"{terms['Days to first reply']} A reply on the day you applied is 0."),
        ("Always-respond rate", figures.share(Rate(now.answered_rejections, now.rejections,
                                                   now.always_respond_rate)),
         f"{terms['Always-respond rate']} Here: {now.answered_rejections:,} of "
         f"{now.rejections:,}."),
        ("Feedback rate", figures.share(Rate(now.feedback_received, now.feedback_requested,
                                             now.feedback_rate)),
         f"{terms['Feedback rate']} Here: {now.feedback_received:,} of "
         f"{now.feedback_requested:,}.{feedback_days}"),
        ("Ghosted", f"{now.ghosted:,}",
         f"{terms['Ghosted']} Set to {plural(board.ghost_after_days, 'day')}."),
        ("Actions done", f"{now.actions_done:,}",
         f"{terms['Actions done']} In the period picked above."),
    ]
    with st.container(horizontal=True, key="compact_numbers"):
        for label, value, why in numbers:
            st.metric(label, value, help=why)
    st.caption(wellbeing_line(now, today), help=terms["Wellbeing"])


def work_search_count(store: Store, required: int | None, today: date) -> None:
    """This week's job-search activities against the number the user's benefits programme asks
    for (`required`), as one quiet line; nothing when they set no number (Settings)."""
    if required is None:
        return
    count = ui.cached(store, work_search.week_count, today)
    st.caption(work_search.week_line(count, required), help="Counted from Monday to today. "
               "Set the number under Your data, Settings.")


def wellbeing_line(now: metrics.Headline, today: date) -> str:
    """The last check-in in a line: its week as people say it, its score and the streak."""
    if now.last_checkin_pct is None:
        return ("No wellbeing check-in yet. It takes a minute on the Check-in page, and it's "
                "for you alone.")
    streak = (f"{now.checkin_streak}-week check-in streak" if now.checkin_streak
              else "this week's check-in starts a new streak")
    week = figures.week_of(now.last_checkin_week, today)
    when = f" ({week})" if week else ""
    return f"Last check-in{when}: {now.last_checkin_pct}% wellbeing · {streak}"


def main(store: Store) -> None:
    if ui.cached(store, overview)[0]:
        welcome(store)
        return
    today = ui.today(store)
    st.title("Your progress")
    st.caption("Every application is a step. Here's how far your search has come.")
    plan = this_week.show(store, today)
    in_period(store, goal_paused=plan.goal_paused)


@st.fragment(key=PERIOD_PART)
def in_period(store: Store, *, goal_paused: bool) -> None:
    """The period, then its numbers and charts. A fragment: another period or chart tab
    reruns this part alone, not "This week" above it, which no period changes. It reads
    the dates and settings again (cached reads), so a write from another tab or the command
    line shows here too; `goal_paused` is what "This week" above shows."""
    empty, bounds, work_search_weekly = ui.cached(store, overview)
    if empty:  # everything was deleted meanwhile: the whole page shows the welcome
        st.rerun(scope="app")
    today = ui.today(store)
    start, end = pick_period(bounds, today)
    if start > end:
        start, end = end, start
    period = (start.isoformat(), end.isoformat())
    first, _ = ui.cached(store, first_screen, *period)
    headline(first, today, goal_paused=goal_paused)
    compact_numbers(first, today)
    work_search_count(store, work_search_weekly, today)
    chart_tabs(store, first, period, today, goal_paused=goal_paused)


main(ui.frame("Progress", ":material/trending_up:"))
