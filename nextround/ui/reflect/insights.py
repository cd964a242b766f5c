"""Patterns across finished reflections, per month: what keeps being outside the user's
control, what they keep wanting to change, and how much was in their hands."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nextround import charts, ui
from nextround import reflection as rf
from nextround.store import Store


def _insights(store: Store) -> dict[str, pd.DataFrame]:
    return rf.insight_frames(store.reflections.insight_rows())


def insights_section(store: Store) -> None:
    st.header("Patterns across your reflections")
    frames = ui.cached(store, _insights)
    if frames["control"].empty and frames["factors"].empty and frames["themes"].empty:
        st.info("Finish a reflection or two and the patterns show up here: what keeps being "
                "outside your control, what you keep wanting to change, and how much was in "
                "your hands.", icon=":material/insights:")
        return
    months = rf.month_range(frames["factors"], frames["themes"], frames["control"])
    st.caption("Counted per month from your finished reflections. Themes are grouped by "
               "keywords, so they're a rough guide.")
    if not frames["factors"].empty:
        ui.chart(charts.reflection_factors, frames["factors"], months, height=300)
    else:
        st.caption("No outside-of-your-control factors ticked yet.")
    if not frames["themes"].empty:
        ui.chart(charts.reflection_themes, frames["themes"], months, height=300)
    if not frames["control"].empty:
        ui.chart(charts.reflection_control, frames["control"], months, height=280)
