"""Progress (home): how far the search has come, in numbers and charts over time.

Everything drawn here is aggregated by `nextround.metrics` and cached until the next write,
so the page stays fast however many applications there are. A new user sees a welcome with
two ways in: start fresh, or explore a separate demo database.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

try:  # what st.vega_lite_chart turns a spec's datasets into (Arrow bytes), done once per write
    from streamlit.dataframe_util import convert_anything_to_arrow_bytes as to_arrow
except ImportError:  # pragma: no cover - a Streamlit that moved it: it converts on each send
    to_arrow = None

from nextround import chart_thresholds, charts, figures, metrics, ui, wellbeing
from nextround.figures import Rate
from nextround.reports import work_search
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
    feedback_days = ("" if now.median_days_to_feedback is None else
                     f" Replies took {figures.number(now.median_days_to_feedback)} days "
                     "(median).")
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
         f"{terms['Ghosted']} Set to {board.ghost_after_days} days."),
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


def wellbeing_trend(store: Store, today: str) -> pd.DataFrame:
    """The last twelve weeks of check-ins, one row per week (small by construction)."""
    day = date.fromisoformat(today)
    start = day - timedelta(weeks=12)
    return wellbeing.weekly_trend(store.checkins.history(), store.applications.per_day(start, day),
                                  day, weeks=12)


def small_wellbeing_trend(shown: dict | str | None) -> None:
    """The wellbeing line, from the second check-in on; after the first, a line saying when it
    starts. Before any check-in, nothing here: the summary above already invites one.
    `shown`: what `wellbeing_chart` gave."""
    if isinstance(shown, str):
        st.caption(shown)
    elif shown is not None:
        st.vega_lite_chart(spec=shown, width="stretch", height=240,
                           alt="Line of weekly wellbeing (WHO-5 %) over the last twelve weeks, "
                               "with a dashed line at 50.")


def wellbeing_chart(store: Store, today: str) -> dict | str | None:
    """What closes "Over time": nothing before any check-in, the sentence saying when the
    line starts, or the line's spec, as `ui.chart(charts.wellbeing_scores, trend)` would send
    it but from the chart's cached template (building the chart would cost more than the rest
    of the page after a write)."""
    trend = wellbeing_trend(store, today)
    facts = chart_thresholds.trend_facts(trend)
    if not facts.checkins:
        return None
    return (chart_thresholds.placeholder("wellbeing", facts)
            or _arrow(charts.wellbeing_scores_spec(trend)))


def _arrow(spec: dict) -> dict:
    """`spec` with its datasets as the Arrow bytes st.vega_lite_chart would turn them into
    on every rerun: converted once per write instead."""
    if to_arrow is not None:
        spec["datasets"] = {key: to_arrow(rows) for key, rows in spec["datasets"].items()}
    return spec


def read_inputs(store: Store, start: str, end: str) -> metrics.Inputs:
    """What the numbers and charts are computed from: read once per range and write."""
    return metrics.read(store, start, end)


def first_screen(store: Store, start: str, end: str) -> tuple[metrics.Board,
                                                             chart_thresholds.Facts]:
    """The first screen's numbers and frames, and what the charts' thresholds look at:
    cached apart from the charts."""
    first = metrics.board(ui.cached(store, read_inputs, start, end))
    return first, chart_thresholds.progress_facts(first)


def later_tabs(store: Store, start: str, end: str) -> metrics.Details:
    """The later tabs' frames, computed the first time one of those tabs is opened."""
    return metrics.details(ui.cached(store, read_inputs, start, end),
                           ui.cached(store, first_screen, start, end)[0])


FIRST_TAB_CHARTS = ("weekly", "cumulative")


def tab_charts(store: Store, tab: str, start: str, end: str, dark: bool,
               today: str) -> list[tuple[str, str | dict | None]]:
    """The charts of one tab, built when it is open and cached until the next write: for each
    chart its name and either the sentence shown until it has enough data, or its spec with
    its data already in Arrow. Each chart is built from its own part only (`charts.spec`):
    the first tab from the first screen's numbers, the others from the later tabs' frames.
    "Over time" ends with the wellbeing line (`wellbeing_chart`, for `today`)."""
    first, facts = ui.cached(store, first_screen, start, end)
    shown: list[tuple[str, str | dict | None]] = []
    for name in TABS[tab]:
        sentence = chart_thresholds.placeholder(name, facts)
        if sentence:
            shown.append((name, sentence))
            continue
        source = first if name in FIRST_TAB_CHARTS else ui.cached(store, later_tabs, start, end)
        shown.append((name, _arrow(charts.spec(name, source, dark))))
    if tab == "Over time":
        shown.append(("wellbeing", wellbeing_chart(store, today)))
    return shown


DESCRIPTIONS = {
    "weekly": "Bar chart of applications per week with a line of responses per week and a "
              "dashed rule at the weekly goal.",
    "cumulative": "Lines of the running totals of Applied, Responded, Interviewed and Offer, "
                  "each named with its total at its end.",
    "flow": "Flow diagram from applied through screening, interviewing and offer, with a "
            "band to each outcome as wide as its number of applications.",
    "funnel": "Funnel of Applied, Responded, Interviewed and Offer, with the share of the "
              "step before.",
    "outcomes": "Stacked bars of outcomes for each furthest stage reached.",
    "response_times": "Bar chart of how many days first replies took, in bins.",
    "sources": "Bar chart of the response rate for the five most-used sources.",
}
# Short enough that all four tabs fit across a phone (390 px) without clipping.
TABS = {"Over time": ["weekly", "cumulative"], "Flow": ["flow"],
        "Outcomes": ["funnel", "outcomes"], "Replies": ["response_times", "sources"]}


def dark_theme() -> bool:
    """Whether the browser shows the dark theme (it can lag one rerun behind a switch in the
    settings menu; the next interaction corrects it)."""
    try:
        return st.context.theme.type == "dark"
    except Exception:  # noqa: BLE001 - no browser context (AppTest, bare mode)
        return False


def chart_tabs(store: Store, first: metrics.Board, period: tuple[str, str], today: date, *,
               goal_paused: bool = False) -> None:
    """The charts, in tabs, so a phone shows one tab of them at a time; the wellbeing line
    closes "Over time". Only the open tab is drawn (and its charts built): switching tabs
    reruns the page. A chart without enough data to tell the truth yet (one bar, a funnel
    of zeros) gives way to a sentence saying when it will appear (`chart_thresholds`)."""
    if not first.applications_in_range:
        st.info("No applications were sent in this period. Pick a longer period above, or "
                "add applications on the Applications page.", icon=":material/date_range:")
        small_wellbeing_trend(ui.cached(store, wellbeing_chart, today.isoformat()))
        return
    tabs = st.tabs(list(TABS), key="progress_tab", on_change="rerun")
    for tab, label in zip(tabs, TABS, strict=True):
        if not tab.open:
            continue
        with tab:
            for name, shown in ui.cached(store, tab_charts, label, *period, dark_theme(),
                                         today.isoformat()):
                if name == "wellbeing":
                    small_wellbeing_trend(shown)
                    continue
                if isinstance(shown, str):
                    st.info(shown, icon=":material/potted_plant:")
                    continue
                spec = shown
                if name == "weekly" and goal_paused:  # a hard week: no line to fall short of
                    spec = {**spec, "datasets": {**spec["datasets"], "goal": []}}
                st.vega_lite_chart(spec=spec, width="stretch", alt=DESCRIPTIONS[name])
                if name == "flow":
                    flow_table(store, period)


def flow_table(store: Store, period: tuple[str, str]) -> None:
    """The flow's numbers as a table, under the chart: what a screen reader reads, and what a
    phone shows most plainly. Drawn only while it is open."""
    expander = st.expander("The flow as a table", icon=":material/table:",
                           key="progress_flow_open", on_change="rerun")
    if expander.open:
        outcomes = ui.cached(store, later_tabs, *period).outcomes
        table = outcomes.drop(columns=["order"]).rename(
            columns={"stage": "Furthest stage reached", "total": "Total"})
        with expander:
            st.dataframe(table, hide_index=True, width="stretch", key="progress_flow_table")


def main(store: Store) -> None:
    empty, bounds, work_search_weekly = ui.cached(store, overview)
    if empty:
        welcome(store)
        return
    today = ui.today(store)
    st.title("Your progress")
    st.caption("Every application is a step. Here's how far your search has come.")
    plan = this_week.show(store, today)
    start, end = pick_period(bounds, today)
    if start > end:
        start, end = end, start
    period = (start.isoformat(), end.isoformat())
    first, _ = ui.cached(store, first_screen, *period)
    headline(first, today, goal_paused=plan.goal_paused)
    compact_numbers(first, today)
    work_search_count(store, work_search_weekly, today)
    chart_tabs(store, first, period, today, goal_paused=plan.goal_paused)


main(ui.frame("Progress", ":material/trending_up:"))
