"""Progress (home): how far the search has come, in numbers and charts over time.

Everything drawn here is aggregated by `nextround.metrics` and cached until the next write,
so the page stays fast however many applications there are. A new user sees a welcome with
two ways in: start fresh, or explore a separate demo database.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from nextround import charts, metrics, ui, wellbeing
from nextround.store import Store, StoreError
from nextround.ui import this_week

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


def pick_period(store: Store, today: date) -> tuple[date, date]:
    """The shared date range: a preset, or a custom pair of dates."""
    bounds = ui.cached(store, store.applications.date_bounds)
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


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _pp(now: float | None, before: float | None) -> float | None:
    """Change in percentage points, rounded, or None when either side is undefined."""
    if now is None or before is None:
        return None
    return round((now - before) * 100, 1)


NOTE = "in 4 weeks"


def _change(delta: float | int | None, text: str = NOTE, *,
            lower_is_better: bool = False) -> dict[str, object]:
    """st.metric's delta arguments: the change over 4 weeks, or a quiet grey note when there
    was no figure to compare with (so every card keeps the same shape)."""
    if delta is None:
        return {"delta": "no earlier figure", "delta_color": "off", "delta_arrow": "off"}
    return {"delta": delta, "delta_description": text,
            "delta_color": "inverse" if lower_is_better else "normal"}


def headline(board: metrics.Dashboard, today: date, *, goal_paused: bool = False) -> None:
    """The numbers at the top, each with its change against 4 weeks earlier. `goal_paused`:
    This week leads with care, so this week's goal is shown as paused, with no "to go"."""
    now, before = board.now, board.before
    pts = "pts " + NOTE
    row1 = st.columns(4)
    row1[0].metric("Applications", f"{now.applications:,}",
                   **_change(now.applications - before.applications), border=True,
                   help="Applications sent in the selected period.")
    goal = board.weekly_goal
    to_go = max(goal - now.this_week, 0)
    monday = board.end - timedelta(days=board.end.weekday())
    this_week_shown = today - timedelta(days=today.weekday()) == monday
    week_label = ("Sent this week" if this_week_shown
                  else f"Sent in the week of {monday:%d %b %Y}")
    if goal and goal_paused and this_week_shown:
        row1[1].metric(week_label, f"{now.this_week}", "Goal paused this week",
                       delta_color="off", delta_arrow="off", border=True,
                       help="Your check-in suggests a hard week, so your weekly goal is "
                            "paused: there's nothing to catch up on. You can turn this off "
                            "on the Your data page.")
    else:
        row1[1].metric(
            week_label, f"{now.this_week} of {goal}" if goal else f"{now.this_week}",
            (f"{to_go} to reach your goal" if to_go else "Weekly goal reached") if goal
            else "no weekly goal set",
            delta_color="normal" if goal and not to_go else "off",
            delta_arrow="auto" if goal and not to_go else "off",
            border=True, help="Applications sent this ISO week (Monday to Sunday), against "
                              "your weekly goal. Change the goal on the Your data page.")
    row1[2].metric("Response rate", _pct(now.response_rate),
                   **_change(_pp(now.response_rate, before.response_rate), pts), border=True,
                   help=metrics.TERMS["Response rate"])
    row1[3].metric("Interview rate", _pct(now.interview_rate),
                   **_change(_pp(now.interview_rate, before.interview_rate), pts),
                   border=True,
                   help=metrics.TERMS["Interview rate"])
    row2 = st.columns(4)
    row2[0].metric("Offers", f"{now.offers:,}", **_change(now.offers - before.offers),
                   border=True,
                   help=f"Offer rate: {_pct(now.offer_rate)} (offers ÷ applications that "
                        "reached screening or later).")
    days_now, days_before = now.median_days_to_response, before.median_days_to_response
    change = (None if days_now is None or days_before is None
              else round(days_now - days_before, 1))
    row2[1].metric("Days to first reply", "–" if days_now is None else f"{days_now:g}",
                   **_change(change, lower_is_better=True), border=True,
                   help="The median number of days from applying to the first reply "
                        "(first reply date − date applied; a same-day reply is 0), for "
                        "applications that got one.")
    row2[2].metric("Always-respond rate", _pct(now.always_respond_rate),
                   **_change(_pp(now.always_respond_rate, before.always_respond_rate), pts),
                   border=True,
                   help=f"Rejections you answered with a sent thank-you ÷ rejections "
                        f"({now.answered_rejections:,} of {now.rejections:,}).")
    feedback_days = ("" if now.median_days_to_feedback is None
                     else f" Replies took {now.median_days_to_feedback:g} days (median).")
    row2[3].metric("Feedback rate", _pct(now.feedback_rate),
                   **_change(_pp(now.feedback_rate, before.feedback_rate), pts), border=True,
                   help=f"Feedback received ÷ feedback requested ({now.feedback_received:,} "
                        f"of {now.feedback_requested:,}).{feedback_days}")


def summary_lines(board: metrics.Dashboard) -> None:
    """Two quiet lines under the numbers: the rest of the search, then wellbeing."""
    now = board.now
    st.caption(f"Offer rate {_pct(now.offer_rate)} of those interviewed · "
               f"{now.ghosted:,} ghosted (no reply after {board.ghost_after_days} days) · "
               f"{now.actions_done:,} game-plan actions done")
    if now.last_checkin_pct is None:
        wellbeing = ("No wellbeing check-in yet. It takes a minute on the Check-in page, "
                     "and it's for you alone.")
    else:
        streak = (f"{now.checkin_streak}-week check-in streak" if now.checkin_streak
                  else "this week's check-in starts a new streak")
        wellbeing = (f"Last check-in ({now.last_checkin_week}): {now.last_checkin_pct}% "
                     f"wellbeing · {streak}")
    st.caption(wellbeing)


def wellbeing_trend(store: Store, today: str) -> pd.DataFrame:
    """The last twelve weeks of check-ins, one row per week (small by construction)."""
    day = date.fromisoformat(today)
    start = day - timedelta(weeks=12)
    return wellbeing.weekly_trend(store.checkins.history(), store.applications.per_day(start, day),
                                  day, weeks=12)


def small_wellbeing_trend(store: Store, today: date) -> None:
    trend = ui.cached(store, wellbeing_trend, today.isoformat())
    if trend.empty or not trend["who5_pct"].notna().any():
        return
    ui.chart(charts.wellbeing_scores, trend, height=240,
             alt="Line of weekly wellbeing (WHO-5 %) over the last twelve weeks, with a dashed "
                 "line at 50.")


def board_and_charts(store: Store, start: str, end: str,
                     dark: bool) -> tuple[metrics.Dashboard, dict[str, dict]]:
    """The numbers and the chart specs, cached together until the next write: building
    Altair charts costs more than computing the numbers, so neither repeats on a rerun."""
    board = metrics.dashboard(store, start, end)
    return board, charts.specs(board, dark)


DESCRIPTIONS = {
    "weekly": "Bar chart of applications per week with a line of responses per week and a "
              "dashed rule at the weekly goal.",
    "cumulative": "Lines of the running totals of applications, responses, interviews and "
                  "offers.",
    "flow": "Flow diagram from applied through screening, interviewing and offer, with a "
            "band to each outcome as wide as its number of applications.",
    "funnel": "Funnel of applied, got a response, interviewed and offer, with the share of "
              "the step before.",
    "outcomes": "Stacked bars of outcomes for each furthest stage reached.",
    "response_times": "Bar chart of how many days first responses took, in bins.",
    "sources": "Bar chart of the response rate for the five most-used sources.",
}
TABS = {"Over time": ["weekly", "cumulative"], "Flow": ["flow"],
        "Funnel and outcomes": ["funnel", "outcomes"],
        "Response times and sources": ["response_times", "sources"]}


def dark_theme() -> bool:
    """Whether the browser shows the dark theme (it can lag one rerun behind a switch in the
    settings menu; the next interaction corrects it)."""
    try:
        return st.context.theme.type == "dark"
    except Exception:  # noqa: BLE001 - no browser context (AppTest, bare mode)
        return False


def chart_tabs(board: metrics.Dashboard, specs: dict[str, dict]) -> None:
    if not board.applications_in_range:
        st.info("No applications were sent in this period. Pick a longer period above, or "
                "add applications on the Applications page.", icon=":material/date_range:")
        return
    for tab, names in zip(st.tabs(list(TABS)), TABS.values(), strict=True):
        with tab:
            for name in names:
                st.vega_lite_chart(spec=specs[name], width="stretch", alt=DESCRIPTIONS[name])


def main(store: Store) -> None:
    if ui.cached(store, Store.is_empty):
        welcome(store)
        return
    today = store.today()
    st.title("Your progress")
    st.caption("Every application is a step. Here's how far your search has come.")
    plan = this_week.show(store)
    start, end = pick_period(store, today)
    if start > end:
        start, end = end, start
    board, specs = ui.cached(store, board_and_charts, start.isoformat(), end.isoformat(),
                             dark_theme())
    headline(board, today, goal_paused=plan.goal_paused)
    summary_lines(board)
    small_wellbeing_trend(store, today)
    chart_tabs(board, specs)


main(ui.frame("Progress", ":material/trending_up:"))
