"""What the feedback says: themes over time (counted in SQL over a fixed window), the most
frequent ones, the replies for one theme, and turning a theme into a game-plan action."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from nextround import chart_thresholds, charts, ui
from nextround import feedback as fb
from nextround.store import Store
from nextround.text import noun, plural

REPLIES_SHOWN = 10
PLAN_FORM = "feedback_plan"


def _theme_chart(store: Store, freq: str,
                 today: date) -> tuple[pd.DataFrame, str | None, date, date, str]:
    """The chart's rows for its fixed window (counted in SQL), the name of its "other themes"
    bucket (None if there is none), the window itself, and the caption under the chart."""
    start, end = fb.chart_window(today, freq)
    counts, other = fb.theme_chart_counts(
        store.feedback.theme_counts(freq, start, end, top=fb.CHART_THEMES))
    caption = fb.chart_caption(freq, start, end, other=other)
    if not counts.empty and charts.feedback_periods(counts, freq, (start, end))[0].date() > start:
        caption += f" The chart starts at the first {freq} with a reply."
    return counts, other, start, end, caption


def _overview(store: Store) -> tuple[int, int, pd.DataFrame | None]:
    """Replies received, replies tagged with a theme, and every theme with its share of the
    tagged ones (`fb.top_themes`; None before the first tagged reply)."""
    received, tagged = store.feedback.reply_counts()
    return received, tagged, (fb.top_themes(store.feedback.theme_totals(), tagged)
                              if tagged else None)


def insights_section(store: Store, today: date) -> None:
    st.subheader("What the feedback says")
    received, tagged, top = ui.cached(store, _overview)
    if received == 0:
        st.info("When feedback arrives, record it under “Record a reply” and tag its themes. "
                "Patterns across applications show up here.", icon=":material/insights:")
        return
    if top is None:
        st.info(f"{plural(received, 'reply', 'replies')} saved, not tagged with a theme yet. "
                f"Tag {noun(received, 'it', 'them')} under “Record a reply” to see patterns.",
                icon=":material/sell:")
        return
    sentence = chart_thresholds.placeholder("feedback_themes",
                                            chart_thresholds.Facts(tagged_replies=tagged))
    if sentence:  # one or two replies are not a pattern over time
        st.info(sentence, icon=":material/insights:")
    else:
        _themes_over_time(store, today)
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.markdown("**Most frequent themes**")
        st.dataframe(
            top.rename(columns={"theme": "Theme", "replies": "Replies", "share": "Share"}),
            hide_index=True, width="stretch", key="feedback_top_themes",
            column_config={"Share": st.column_config.ProgressColumn(
                "Share", format="percent", min_value=0, max_value=1,
                help="Share of the replies tagged with any theme.")})
    with right:
        _replies_by_theme(store, top["theme"].tolist())


@st.fragment(key="feedback_themes_chart")  # another grouping redraws only the chart
def _themes_over_time(store: Store, today: date) -> None:
    """The themes chart of the last months or weeks, from the first reply in them on."""
    freq = st.radio("Group by", list(fb.FREQS), horizontal=True,
                    format_func=lambda f: "Month" if f == "month" else "Week",
                    key="feedback_freq", persist_state="page") or "month"
    counts, other, start, end, caption = ui.cached(store, _theme_chart, freq, today)
    if counts.empty:
        st.info(f"No replies with a theme in the last {fb.window_words(freq)}. The table "
                "below counts every reply you've saved.", icon=":material/event_busy:")
        return
    ui.chart(charts.feedback_themes, counts, freq, window=(start, end), other=other,
             alt="Themes mentioned in feedback replies over time")
    st.caption(caption)


@st.fragment  # another theme reruns only the replies; adding it to the plan, the page
def _replies_by_theme(store: Store, themes: list[str]) -> None:
    st.markdown("**Replies by theme**")
    theme = st.selectbox("Theme", themes, key="feedback_theme_pick", persist_state="page")
    if theme is None:
        return
    if st.button("Add this theme to my game plan", key="feedback_add_plan",
                 icon=":material/playlist_add:",
                 help="Adds a small, concrete action for this theme to your game plan on the "
                      "Reflect page, due in two weeks. You can edit it there."):
        ui.save(PLAN_FORM, lambda: fb.add_theme_to_game_plan(store, theme),
                lambda result: "Added to your game plan on the Reflect page." if result[1] else
                "This theme is already on your game plan (see the Reflect page).")
    ui.field_error(PLAN_FORM, "theme")
    ui.form_error(PLAN_FORM)
    chosen = ui.cached(store, store.feedback.replies_for_theme, theme, limit=REPLIES_SHOWN)
    count = len(chosen)
    st.caption("The one reply with this theme." if count == 1 else
               f"The {count} most recent replies with this theme, newest first."
               if count == REPLIES_SHOWN else
               f"The {count} replies with this theme, newest first.")
    with st.container(height=520 if len(chosen) > 3 else "content", border=False):
        for reply in chosen:
            with st.container(border=True):
                about = ui.application_label(reply.company or "Unknown company", reply.role)
                st.caption(f"{reply.received_on} · {ui.escape_markdown(about)}")
                st.text(reply.feedback_text or "(no text saved)")
