"""Ask for feedback: record a request about one application, with its follow-up date (the
default from settings unless the user picks one)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from nextround import feedback as fb
from nextround import ui
from nextround.records import ApplicationSummary
from nextround.store import Store
from nextround.text import plural

NEW_FORM = "feedback_new"


def _application_label(row: ApplicationSummary) -> str:
    return ui.application_label(row.company, row.role, row.stage, f"applied {row.applied_on}")


def new_request_section(store: Store, today: date, follow_up_days: int) -> None:
    """`follow_up_days`: the default from settings, said under the follow-up date."""
    query = st.text_input("Find the application", key="feedback_new_query", max_chars=100,
                          placeholder="Company, role, location or source")
    found, _ = ui.cached(store, store.applications.search, query=query, limit=20)
    if not found:
        st.info("No matching applications. Add the application on the Applications page "
                "first.", icon=":material/search_off:")
        return
    records = {r.id: r for r in found}
    app_id = ui.pick("Application", records, _application_label, key="feedback_new_pick",
                     on_change=ui.clear_errors, args=(NEW_FORM,),
                     help="The 20 most recent matches. Search to narrow it down.")
    if app_id is None:
        return
    with st.form(f"feedback_new_form_{app_id}", border=True):
        left, right = st.columns(2)
        with left:
            asked_on = st.date_input("Asked on", value=today, key=f"feedback_new_on_{app_id}",
                                     format="YYYY-MM-DD", min_value=date(1990, 1, 1),
                                     max_value=today)
            ui.field_error(NEW_FORM, "asked_on")
            channel = st.selectbox("How you asked", [c.value for c in fb.Channel],
                                   format_func=lambda c: fb.parse_channel(c).label,
                                   key=f"feedback_new_channel_{app_id}")
            ui.field_error(NEW_FORM, "channel")
        with right:
            whom = st.text_input("Who you asked", key=f"feedback_new_whom_{app_id}",
                                 value=records[app_id].contact_name,
                                 max_chars=200, placeholder="e.g. the recruiter, Sam Lee")
            ui.field_error(NEW_FORM, "asked_whom")
            due = st.date_input("Follow up on", value=None, key=f"feedback_new_due_{app_id}",
                                format="YYYY-MM-DD",
                                help="Leave empty to follow up "
                                     f"{plural(follow_up_days, 'day')} after asking (you can "
                                     "change this on the Your data page).")
            ui.field_error(NEW_FORM, "follow_up_due")
        submitted = st.form_submit_button("Save the request", icon=":material/add:",
                                          type="primary")
    ui.field_error(NEW_FORM, "application")
    ui.form_error(NEW_FORM)
    if submitted:
        ui.save(NEW_FORM, lambda: fb.add_request(
            store, app_id, fb.NewRequest(asked_on=asked_on, channel=channel, asked_whom=whom,
                                         follow_up_due=due)),
            "Request saved. Next Round will remind you when it's time to follow up.")
