"""The feedback numbers at the top: requested, received, the feedback rate and the median
days to a reply."""

from __future__ import annotations

from datetime import date

import streamlit as st

from nextround import feedback as fb
from nextround import figures, metrics, ui
from nextround.store import Store


def _summary(store: Store, today: date) -> fb.Summary:
    return fb.summarize(store.progress.feedback_counts(), today)


def metrics_row(store: Store, today: date) -> None:
    summary = ui.cached(store, _summary, today)
    with ui.metric_grid("feedback_numbers"):
        st.metric("Feedback requested", f"{summary.requested:,}", border=True)
        st.metric("Replies received", f"{summary.received:,}", border=True)
        rate = figures.Rate(summary.received, summary.requested, summary.rate)
        st.metric("Feedback rate", figures.share(rate), border=True,
                  help=metrics.TERMS["Feedback rate"])
        median = summary.median_days_to_reply
        st.metric("Median days to a reply", "–" if median is None else f"{median:g}",
                  border=True, help="From asking to the reply, over the replies received.")
