"""Progress's charts: four tabs, only the open one drawn and its charts built, each chart's
spec cached until the next write with its data already in Arrow; the wellbeing line closes
"Over time", and the flow has its numbers as a table under it (decision 48)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from nextround import chart_thresholds, charts, metrics, ui, wellbeing
from nextround.store import Store


def wellbeing_trend(store: Store, today: str) -> pd.DataFrame:
    """The last twelve weeks of check-ins, one row per week (small by construction)."""
    return wellbeing.recent_trend(store, date.fromisoformat(today), weeks=12)


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
            or ui.arrow_datasets(charts.wellbeing_scores_spec(trend)))


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
        shown.append((name, ui.arrow_datasets(charts.spec(name, source, dark))))
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
    reruns the part of the page it sits in. A chart without enough data to tell the truth
    yet (one bar, a funnel of zeros) gives way to a sentence saying when it will appear
    (`chart_thresholds`)."""
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
