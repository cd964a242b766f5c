"""The guided post-mortem: start one (about one rejection or the search in general), walk the
steps (`steps`), read the summary, finish or discard it, and re-read recent ones.

It saves as you go: each step is written to the database as a draft, so a rerun, a page
switch or a reload resumes where the user stopped.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa
import streamlit as st

from nextround import dream_list, ui
from nextround import reflection as rf
from nextround.records import RecentReflection
from nextround.store import Store
from nextround.text import noun
from nextround.ui import path_state
from nextround.ui.reflect import open_section, seen, write
from nextround.ui.reflect.steps import step_form

ABOUT_ONE, ABOUT_GENERAL = "One application", "My search in general"


def reflect_section(store: Store, today: date) -> None:
    draft = ui.cached(store, rf.draft_in_progress)
    if draft is None:
        start_panel(store)
        recent_panel(store)
        return
    run_draft(store, draft, today)


def start_panel(store: Store) -> None:
    st.header("Start a reflection")
    st.write("Seven short questions, about ten quiet minutes. Every step is saved as you go, "
             "so you can stop at any point and pick up later.")
    about = st.radio("What is it about?", (ABOUT_ONE, ABOUT_GENERAL), key="reflect_about",
                     horizontal=True)
    application_id: int | None = None
    if about == ABOUT_ONE:
        query = st.text_input("Find the application", key="reflect_search",
                              placeholder="Company or role", max_chars=200)
        page, total = ui.cached(store, store.applications.search, query=query,
                                stages=("rejected",), limit=20, order="stage_on DESC",
                                unreflected=True)
        if not page:
            st.info("Nothing matches that search among the rejections you haven't reflected "
                    "on. Try another search, or reflect on your search in general."
                    if query.strip() else "No rejection is waiting for a reflection. You can "
                    "reflect on your search in general.", icon=":material/search_off:")
            return
        rows = {r.id: r for r in page}
        application_id = ui.pick("Which one?", rows, lambda r: ui.application_label(
            r.company, r.role, note=f"no on {r.stage_on}"), key="reflect_pick")
        shown = len(rows)
        st.caption(f"The {shown} most recent of {total:,} matching rejections. "
                   "Search to find an older one." if total > shown else
                   f"{total:,} matching {noun(total, 'rejection')} not "
                   "reflected on yet.")
    if st.button("Start reflecting", key="reflect_start", type="primary",
                 icon=":material/edit_note:"):
        write("reflect_start", lambda: rf.start_reflection(store, application_id))
    ui.form_error("reflect_start")


def recent_reflections(store: Store, limit: int) -> tuple[list[RecentReflection], pa.Table]:
    """A page function for `ui.cached`: the finished reflections, newest first, and their
    table as Arrow (what `st.dataframe` sends), built once per write, not on every rerun."""
    recent = store.reflections.recent(limit)
    table = pd.DataFrame({
        "Finished": [None if r.completed_on is None else r.completed_on.isoformat()
                     for r in recent],
        "About": [r.company or "Search in general" for r in recent],
        "Role": [r.role for r in recent],
        "Within your control": [r.control_pct for r in recent],
        "Good fit?": [rf.FITS.get(r.fit, "") if r.fit is not None else "" for r in recent],
    })
    return recent, pa.Table.from_pandas(table, preserve_index=False)


def recent_panel(store: Store) -> None:
    recent, table = ui.cached(store, recent_reflections, 8)
    if not recent:
        return
    st.header("Your recent reflections")
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "Within your control": st.column_config.ProgressColumn(
            format="%d%%", min_value=0, max_value=100)})
    rows = {r.id: r for r in recent}
    chosen = ui.pick("Read a summary again", rows, lambda r: f"{r.completed_on}: " + (
        ui.application_label(r.company, r.role) or "Search in general"), index=None,
        key="reflect_reread", placeholder="Choose a reflection")
    if chosen is not None:
        show_summary(store, ui.cached(store, rf.reflection_by_id, chosen), "reflect_reread")


def run_draft(store: Store, draft: rf.Reflection, today: date) -> None:
    draft = draft.seen_at(seen("reflection", draft.record.id, draft.record.version))
    step = draft.answers["step"]
    with st.container(horizontal=True, vertical_alignment="center"):
        if draft.record.company:
            st.markdown(":material/work: **Reflecting on**")
            st.text(ui.application_label(draft.record.company, draft.record.role))
        else:
            st.markdown(":material/psychology: **Reflecting on your search in general**")
    total = len(rf.STEPS)
    if step < rf.SUMMARY_STEP:
        st.progress(step / total, text=f"Step {step + 1} of {total}")
        step_form(store, draft, step, today)
    else:
        st.progress(1.0, text="Your summary")
        summary_panel(store, draft)
    discard_panel(store, draft)
    recent_panel(store)



def summary_panel(store: Store, draft: rf.Reflection) -> None:
    show_summary(store, draft, "reflect")
    form = "reflect_finish"
    with st.container(horizontal=True):
        back = st.button("Back", key="reflect_summary_back", icon=":material/arrow_back:")
        finish = st.button("Finish", key="reflect_finish_button", type="primary",
                           icon=":material/check:")
    ui.form_error(form)
    if back:
        write(form, lambda: rf.save_step(
            store, draft.record.id, draft.record.version, rf.SUMMARY_STEP, {},
            next_step=rf.SUMMARY_STEP - 1))
    if finish:
        about = draft.record.application_id
        write(form, lambda: store.reflections.finish(draft.record.id, draft.record.version),
               "Reflection saved. Thank you for taking the time: that's how lessons stick.",
               on_success=None if about is None else lambda: path_state.follow(about))


def show_summary(store: Store, reflection: rf.Reflection, key: str) -> None:
    """The end of a reflection: our words, the user's items as plain text, and the next
    company on the dream-job list."""
    answers, record = reflection.answers, reflection.record
    found = ui.cached(store, dream_list.next_after, record.company or "")
    suggestion = rf.Suggestion(found.id, found.company, found.role) if found else None
    summary = rf.summarize(answers, record.control_pct, record.fit, suggestion)
    icon = {"not_about_you": ":material/spa:", "poor_fit": ":material/explore:",
            "within_reach": ":material/flag:"}.get(summary.kind, ":material/favorite:")
    with st.container(border=True, key=f"{key}_summary"):
        st.header(f"{icon} {summary.headline}")
        st.write(summary.body)
        if summary.changes:
            st.markdown("**The changes you named**" if summary.kind == "within_reach" else
                        "**If you'd still like something to work on**")
            for change in summary.changes:
                st.text(f"• {change}")
        if answers["went_well"]:
            st.markdown("**Keep doing**")
            st.text(answers["went_well"])
        if suggestion is not None:
            st.markdown("**Next on your dream-job list**")
            st.text(ui.application_label(suggestion.company, suggestion.role))
            st.button("Open my dream list", key=f"{key}_to_dream", icon=":material/star:",
                      on_click=open_section, args=("Dream list",))
        else:
            _add_to_dream_list(store, key)


def _add_to_dream_list(store: Store, key: str) -> None:
    """The summary says to add a company when the dream list is empty: the way to do it is
    right here, through the dream list's own rule."""
    form = f"{key}_dream_add"
    with st.form(form, border=False, clear_on_submit=True):
        left, right = st.columns(2)
        company = left.text_input("A company you'd love to work for", max_chars=200,
                                  key=f"{form}_company")
        role = right.text_input("Role (optional)", max_chars=200, key=f"{form}_role")
        added = st.form_submit_button("Add to my dream list", icon=":material/star:")
    ui.field_error(form, "company")
    ui.field_error(form, "role")
    if added:
        write(form, lambda: dream_list.add(store, company, role),
              "Added to your dream-job list.")


def discard_panel(store: Store, draft: rf.Reflection) -> None:
    confirm_key = "reflect_confirm_discard"
    if not st.session_state.get(confirm_key):
        st.button("Discard this reflection", key="reflect_discard", type="tertiary",
                  icon=":material/delete:",
                  on_click=lambda: st.session_state.__setitem__(confirm_key, True))
        return
    st.warning("Discard this reflection? Its answers will be deleted. Game-plan actions you "
               "already added stay.", icon=":material/warning:")
    with st.container(horizontal=True):
        yes = st.button("Yes, discard it", key="reflect_discard_yes")
        st.button("Keep it", key="reflect_discard_no", type="primary",
                  on_click=lambda: st.session_state.__setitem__(confirm_key, False))
    ui.form_error("reflect_discard")
    if yes:
        write("reflect_discard",
               lambda: store.reflections.discard(draft.record.id, draft.record.version),
               "Discarded.", icon=":material/delete:",
               on_success=lambda: st.session_state.__setitem__(confirm_key, False))
