""""This week" at the top of the progress page: what you did, what needs you, one click each.

After a hard check-in it leads with care (`care.care_for`): rest, support within reach, and
one small kind step, before anything the search asks for.

Also the two things to take away: the weekly review (Markdown with chart PNGs, wellbeing left
out unless the user includes it) and a calendar file of upcoming follow-ups and game-plan
dates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from nextround import agenda, review, ui, wellbeing
from nextround.care import CareAdvice
from nextround.store import Store
from nextround.ui import after_no as after_no_ui


def _agenda(store: Store, today: str) -> tuple[agenda.ThisWeek, bool]:
    """The week's agenda, and whether there are follow-ups or plans for a calendar: one
    cached read for the whole box."""
    return (agenda.this_week(store, date.fromisoformat(today)),
            store.progress.has_open_deadlines())


def _review_zip(store: Store, week_key: str, with_wellbeing: bool) -> tuple[str, bytes]:
    result = review.weekly_review(store, week_key, with_wellbeing=with_wellbeing)
    return result.file_stem(), result.zip_bytes()


def _deadlines_file(store: Store) -> Callable[[], bytes]:
    """The calendar file, built only when the button is clicked: up to 500 events cost more
    than the rest of the page, and most visits never download it."""
    return lambda: agenda.deadlines_ics(store.progress.open_deadlines()) or b""


def show(store: Store, today: date) -> agenda.ThisWeek:
    """Draw This week for the user's `today` (`ui.today`); returns it, so the page can show
    the weekly goal as paused too."""
    plan, has_deadlines = ui.cached(store, _agenda, today.isoformat())
    with st.container(border=True, key="this_week"):
        st.header("This week", anchor=False)
        if plan.care is not None:
            _care(store, plan.care)
            if done := agenda.done_so_far(plan):  # what was done, never a row of zeros
                st.caption(done)
        else:  # one row that wraps on a phone, instead of four cards stacked
            with st.container(horizontal=True, key="this_week_done"):
                for label, value in agenda.done_summary(plan):
                    st.metric(label, value)
        if plan.all_done:
            st.success("You're all caught up for this week. That's real progress; "
                       "take a moment to notice it.", icon=":material/celebration:")
        else:
            st.markdown("**When you're ready**" if plan.care is not None
                        else "**What would help most next**")
            for path in plan.paths:
                after_no_ui.agenda_row(store, path)
            ui.form_error("this_week_paths")
            for item in plan.items:
                left, right = st.columns([4, 1], vertical_alignment="center")
                with left:
                    st.markdown(f"**{item.title}**")
                    # `why` may name a company from the dream list: escaped, never Markdown.
                    st.caption(ui.escape_markdown(item.why))
                with right:
                    ui.link_to(item.page, item.action, icon=":material/arrow_forward:")
        _takeaways(store, plan.week.key, has_deadlines)
    return plan


def _care(store: Store, advice: CareAdvice) -> None:
    """The care lead: why (our words, never a diagnosis), rest, support, one small kind step,
    "Get support" in reach, and the paused goal."""
    region = wellbeing.support_region(ui.cached(store, store.settings.get))
    with st.container(border=True, key="this_week_care"):
        st.subheader(f":material/favorite: {advice.title}", anchor=False)
        st.markdown(advice.message)
        for column, step in zip(st.columns(3), advice.steps, strict=True):
            with column:
                st.markdown(f"**{step.title}**")
                st.caption(step.text)
        ui.support_popover(region, key="care_get_support")
        if advice.goal_note:
            st.caption(advice.goal_note)


PREPARED_KEY = "weekly_review_prepared"


@st.fragment
def _takeaways(store: Store, week_key: str, has_deadlines: bool) -> None:
    """The weekly review, prepared on a click for the wellbeing choice made beside the button
    and offered in the same row; then the calendar file. Rows that wrap on a phone. A
    fragment: preparing the review or ticking the box reruns this part alone (nothing here
    writes, so the rest of the page stays current)."""
    with st.container(horizontal=True, vertical_alignment="center", key="this_week_review"):
        prepare = st.button(
            "Prepare my weekly review", key="prepare_review", icon=":material/summarize:",
            help="A Markdown summary of this week with PNG charts, to keep or share.")
        with_wellbeing = st.checkbox(
            "Include my wellbeing", value=False, key="review_with_wellbeing",
            help="Your check-in (wellbeing, stress and your win of the week) and its chart. "
                 "Off unless you tick it, as a review is often shared.")
        choice = (week_key, with_wellbeing)
        if prepare:
            st.session_state[PREPARED_KEY] = choice
        # Offered once prepared, for as long as the choice stands: ticking the box afterwards
        # asks for a new review rather than handing over one that doesn't match it.
        prepared = st.session_state.get(PREPARED_KEY) == choice
        if prepared:
            with st.spinner("Drawing your charts…"):
                stem, data = ui.cached(store, _review_zip, week_key, with_wellbeing)
            st.download_button("Download my week", data, file_name=f"{stem}.zip",
                               mime="application/zip", icon=":material/download:",
                               key="download_week", on_click="ignore", type="primary")
    if prepared:
        st.caption("It includes your wellbeing check-in." if with_wellbeing
                   else "Your wellbeing check-in is left out.")
    elif st.session_state.get(PREPARED_KEY, ("",))[0] == week_key:
        st.caption("You changed what to include: prepare the review again to download it.")
    if not has_deadlines:
        st.caption("No follow-ups or game-plan dates coming up to put in a calendar.")
    else:
        st.download_button("Add follow-ups and plans to my calendar", _deadlines_file(store),
                           file_name="next-round-deadlines.ics", mime="text/calendar",
                           icon=":material/event:", key="download_deadlines", on_click="ignore")
