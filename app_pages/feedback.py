"""Feedback: record each feedback request, follow up when it's due, store the replies, and see
what the replies say across applications.

Most requests get no answer; that is normal. The page keeps the open ones from being
forgotten, suggests letting go after two unanswered follow-ups, and turns every reply that
does come into themes the user can act on. Each section is a module in
`nextround/ui/feedback/`; this page lays them out.
"""

from __future__ import annotations

import streamlit as st

from nextround import ui
from nextround.store import Store
from nextround.ui import after_no as after_no_ui
from nextround.ui.feedback.ask import new_request_section
from nextround.ui.feedback.due import due_section
from nextround.ui.feedback.insights import insights_section
from nextround.ui.feedback.numbers import metrics_row
from nextround.ui.feedback.reply import reply_section
from nextround.ui.feedback.requests import requests_section
from nextround.ui.feedback.themes import themes_section

TABS = "feedback_tab"


def main(store: Store) -> None:
    st.title("Feedback")
    st.caption("Asking what could have been better takes courage. Most requests get no answer, "
               "and that's normal; the replies that do come are worth keeping.")
    settings = ui.cached(store, store.settings.get)
    today = ui.today(store)
    after_no_ui.panel_if_following(store, "feedback")
    metrics_row(store, today)
    due_section(store, today)
    st.header("Your requests")
    # Short names: all four fit a phone's width, none cut off. Only the open tab's display
    # (the table, what the replies say) is drawn; a form is drawn from its tab's first
    # opening on (`ui.opened_once`), so switching tabs never loses what the user typed.
    requests, reply, ask, themes = st.tabs(["Requests", "Record a reply", "Ask", "Themes"],
                                           key=TABS, on_change="rerun")
    with requests:
        if requests.open:
            requests_section(store)
    with reply:
        if ui.opened_once("feedback_reply", reply.open):
            reply_section(store, today)
    with ask:
        if ui.opened_once("feedback_ask", ask.open):
            new_request_section(store, today, settings.follow_up_days)
    with themes:
        if themes.open:
            insights_section(store, today)
            st.divider()  # what the replies say, then the list they are tagged with
        themes_section(store, settings)


main(ui.frame("Feedback", ":material/forum:"))
