"""Record: the work-search record for a benefits office, for a date range, as CSV, `.xlsx`
or a printable PDF (`nextround.reports`). Each file is built only when its button is
clicked; an empty range says so instead of offering empty files."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from nextround import ui
from nextround.reports import record_files, work_search
from nextround.store import Store
from nextround.text import plural

_FORMATS = ((".pdf", "PDF to print", "application/pdf", ":material/picture_as_pdf:"),
            (".xlsx", "Excel (.xlsx)",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             ":material/grid_on:"),
            (".csv", "CSV", "text/csv", ":material/table_view:"))


def _period(today: date) -> tuple[date, date]:
    """The picked range, oldest first; the last 4 weeks until the user picks."""
    picked = st.date_input("Period", value=(today - timedelta(days=27), today),
                           max_value=today, format="DD/MM/YYYY", key="record_period",
                           persist_state="page",
                           help="From the first day to the last, both included.")
    days = [d for d in picked if isinstance(d, date)] if isinstance(picked, tuple | list) \
        else [picked]
    if not days:
        days = [today]
    return min(days), max(days)


@st.fragment  # another period or option reruns only the record
def record_section(store: Store) -> None:
    st.header("Work-search record")
    st.caption("Many unemployment benefits ask for a record of your job search. This lists "
               "each activity with its date, employer, position, how you made it, the contact "
               "and the result so far, ready to hand to your caseworker.")
    today = ui.today(store)
    start, end = _period(today)
    st.caption("Count as activities, besides applications:")
    options = work_search.Options(
        stage_changes=st.checkbox("Stage changes (screenings, interviews, offers)", value=True,
                                  key="record_stage_changes", persist_state="page"),
        follow_ups=st.checkbox("Emails you marked as sent (thank-yous, follow-ups)",
                               value=True, key="record_follow_ups", persist_state="page"),
        feedback_requests=st.checkbox("Feedback requests", value=True,
                                      key="record_feedback_requests", persist_state="page"))
    found = ui.cached(store, work_search.activities, start, end, options)
    period = record_files.period_label(start, end)
    if not found:
        st.info(f"No job-search activities are recorded from {period}. Try a longer period, "
                "or add the applications you made on the Applications page.",
                icon=":material/event_available:")
        return
    count = len(found)
    st.caption(f"{plural(count, 'activity', 'activities')} from {period}.")
    name = ui.cached(store, store.settings.get).name
    columns = st.columns(len(_FORMATS))
    for column, (suffix, label, mime, icon) in zip(columns, _FORMATS, strict=True):
        with column:
            st.download_button(
                label, key=f"record_download_{suffix[1:]}", icon=icon, mime=mime,
                data=lambda suffix=suffix: record_files.record_bytes(
                    found, suffix, name=name, start=start, end=end),
                file_name=record_files.file_name(start, end, suffix), on_click="ignore",
                width="stretch")
    if not name:
        st.caption("The PDF names you from Settings (Your name); it's empty now.")
