"""All requests: filter by status or search, one page at a time, and change a status."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from nextround import feedback as fb
from nextround import ui
from nextround.records import FeedbackRequestSummary
from nextround.store import Store
from nextround.text import plural
from nextround.ui.feedback import request_label

PAGE_SIZE = 25
STATUS_FORM = "feedback_status"


@st.fragment  # a filter or a page reruns only the table; a status change, the page
def requests_section(store: Store) -> None:
    filters = st.columns([3, 2])
    statuses = filters[0].multiselect(  # not pills: decision 11, and pills run off a phone
        "Status", [s.value for s in fb.Status], placeholder="Any status",
        format_func=lambda s: fb.parse_status(s).label, key="feedback_filter_status",
        persist_state="page")  # kept while another tab is open (the tab is drawn lazily)
    query = filters[1].text_input("Search company, role or person", key="feedback_filter_query",
                                  max_chars=100, placeholder="e.g. Acme", persist_state="page")
    first_page, total, first_table = ui.cached(store, _table, tuple(statuses), query, 0)
    if total == 0:
        if statuses or query.strip():
            st.info("No requests match these filters.", icon=":material/filter_alt_off:")
        else:
            st.info("No feedback requests yet. When you ask someone for feedback, record it "
                    "under “Ask” so Next Round can remind you to follow up.",
                    icon=":material/forum:")
        return
    pages = max(1, -(-total // PAGE_SIZE))
    page_no = 1
    if pages > 1:
        page_no = int(st.columns([1, 4])[0].number_input(
            f"Page (of {pages})", min_value=1, max_value=pages, step=1, key="feedback_page"))
    rows, _, shown = (first_page, total, first_table) if page_no == 1 else ui.cached(
        store, _table, tuple(statuses), query, (page_no - 1) * PAGE_SIZE)
    st.caption(f"Showing {len(rows)} of {plural(total, 'request')}, "
               "newest first.")
    small = {"width": "small"}
    st.dataframe(shown, hide_index=True, width="stretch", key="feedback_table", column_config={
        "Asked on": st.column_config.TextColumn(**small),
        "Channel": st.column_config.TextColumn(**small),
        "Asked": st.column_config.TextColumn("Who", **small),
        "Follow-ups": st.column_config.NumberColumn(**small),
        "Follow up by": st.column_config.TextColumn(**small),
        "Received on": st.column_config.TextColumn(**small),
    })
    _quick_status(store, rows)


def _table(store: Store, statuses: tuple[str, ...], query: str,
           offset: int) -> tuple[list[FeedbackRequestSummary], int, pd.DataFrame]:
    """One page of requests, how many match in all, and the page as the table shows it."""
    rows, total = store.feedback.requests(statuses=statuses, query=query, limit=PAGE_SIZE,
                                          offset=offset)
    shown = pd.DataFrame({
        "Company": [r.company or "" for r in rows],
        "Role": [r.role or "" for r in rows],
        "Asked on": [r.asked_on.isoformat() for r in rows],
        "Channel": [fb.CHANNEL_LABELS.get(r.channel, r.channel) for r in rows],
        "Asked": [r.asked_whom for r in rows],
        "Status": [fb.STATUS_LABELS.get(r.status, r.status) for r in rows],
        "Follow-ups": [r.follow_ups for r in rows],
        "Follow up by": [_text(r.follow_up_due) if r.status in fb.OPEN else "" for r in rows],
        "Received on": [_text(r.received_on) or "" if r.status == fb.Status.RECEIVED.value
                        else "" for r in rows],
    })
    return rows, total, shown


def _text(day: date | None) -> str | None:
    """A date as the table shows it: YYYY-MM-DD, or missing."""
    return None if day is None else day.isoformat()


def _quick_status(store: Store, rows: list[FeedbackRequestSummary]) -> None:
    st.markdown("**Change a status**")
    records = {r.id: r for r in rows}
    left, middle, right = st.columns([3, 2, 1], vertical_alignment="bottom")
    rid = ui.pick("Request", records, request_label, key="feedback_status_pick", where=left,
                  on_change=ui.clear_errors, args=(STATUS_FORM,))
    if rid is None:
        return
    chosen = records[rid]
    left.caption(f"Status: {fb.parse_status(chosen.status).label}")
    options = [s.value for s in fb.allowed_next(chosen.status)]
    if not options:
        middle.caption("A received reply is final. Edit its text and themes under "
                       "“Record a reply”.")
        return
    new = middle.selectbox("New status", options, format_func=lambda s: fb.parse_status(s).label,
                           key=f"feedback_status_new_{rid}")
    if right.button("Change", key="feedback_status_save", icon=":material/sync_alt:",
                    width="stretch"):
        ui.save(STATUS_FORM, lambda: fb.change_status(store, rid, new, chosen.version),
                f"Status changed to “{fb.parse_status(new).label}”.")
    ui.field_error(STATUS_FORM, "status")
    ui.form_error(STATUS_FORM)
