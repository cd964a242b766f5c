""""This week" at the top of the progress page: what you did, what needs you, one click each.

Also the two things to take away: the weekly review (Markdown with chart PNGs) and a calendar
file of upcoming follow-ups and game-plan dates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from nextround import agenda, review, ui
from nextround.store import Store


def _agenda(store: Store, today: str) -> agenda.ThisWeek:
    return agenda.this_week(store, date.fromisoformat(today))


def _review_zip(store: Store, week_key: str) -> tuple[str, bytes]:
    result = review.weekly_review(store, week_key)
    return result.file_stem(), result.zip_bytes()


def _deadlines_file(store: Store) -> Callable[[], bytes]:
    """The calendar file, built only when the button is clicked: up to 500 events cost more
    than the rest of the page, and most visits never download it."""
    return lambda: agenda.deadlines_ics(store.progress.open_deadlines()) or b""


def show(store: Store) -> None:
    today = store.today()
    plan = ui.cached(store, _agenda, today.isoformat())
    with st.container(border=True, key="this_week"):
        st.header("This week", anchor=False)
        columns = st.columns(4)
        for column, (label, value) in zip(columns, agenda.done_summary(plan), strict=True):
            column.metric(label, value)
        if plan.all_done:
            st.success("You're all caught up for this week. That's real progress; "
                       "take a moment to notice it.", icon=":material/celebration:")
        else:
            st.markdown("**What would help most next**")
            for item in plan.items:
                left, right = st.columns([4, 1], vertical_alignment="center")
                with left:
                    st.markdown(f"**{item.title}**")
                    # `why` may name a company from the dream list: escaped, never Markdown.
                    st.caption(ui.escape_markdown(item.why))
                with right:
                    ui.link_to(item.page, item.action, icon=":material/arrow_forward:")
        _takeaways(store, plan.week.key)


def _takeaways(store: Store, week_key: str) -> None:
    left, right = st.columns(2)
    with left:
        if st.toggle("Prepare my weekly review", key="prepare_review",
                     help="A Markdown summary of this week with PNG charts, to keep or share."):
            with st.spinner("Drawing your charts…"):
                stem, data = ui.cached(store, _review_zip, week_key)
            st.download_button("Download my week", data, file_name=f"{stem}.zip",
                               mime="application/zip", icon=":material/download:",
                               key="download_week", on_click="ignore")
    with right:
        if not ui.cached(store, store.progress.has_open_deadlines):
            st.caption("No follow-ups or game-plan dates coming up to put in a calendar.")
        else:
            st.download_button("Add follow-ups and plans to my calendar", _deadlines_file(store),
                               file_name="next-round-deadlines.ics", mime="text/calendar",
                               icon=":material/event:", key="download_deadlines",
                               on_click="ignore")
