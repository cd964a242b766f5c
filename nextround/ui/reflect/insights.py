"""Patterns across finished reflections, per month: what keeps being outside the user's
control, what they keep wanting to change, and how much was in their hands."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nextround import chart_thresholds, charts, ui
from nextround import reflection as rf
from nextround.store import Store


def _insights(store: Store) -> tuple[int, dict[str, pd.DataFrame]]:
    """How many reflections are finished, and their patterns per month."""
    rows = store.reflections.insight_rows()
    return len(rows), rf.insight_frames(rows)


def insights_section(store: Store) -> None:
    st.header("Patterns across your reflections")
    finished, frames = ui.cached(store, _insights)
    sentence = chart_thresholds.placeholder(
        "reflection", chart_thresholds.Facts(reflections=finished))
    if sentence:  # one reflection is a story, not a pattern
        st.info(sentence, icon=":material/insights:")
        return
    months = rf.month_range(frames["factors"], frames["themes"], frames["control"])
    st.caption("Counted per month from your finished reflections. Themes are grouped by "
               "keywords, so they're a rough guide.")
    if not frames["factors"].empty:
        ui.chart(charts.reflection_factors, frames["factors"], months)
    else:
        st.caption("No outside-of-your-control factors ticked yet.")
    if not frames["themes"].empty:
        ui.chart(charts.reflection_themes, frames["themes"], months)
    if not frames["control"].empty:
        ui.chart(charts.reflection_control, frames["control"], months)
