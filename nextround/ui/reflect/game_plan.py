"""The game plan: actions to do, grouped by week, and done ones; add, tick off, undo, change or
remove a step. Lessons from reflections and feedback land here too."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

import streamlit as st

from nextround import reflection as rf
from nextround import ui
from nextround.records import ActionRecord
from nextround.store import Store
from nextround.ui.reflect import seen, write

OPEN_ACTIONS_SHOWN = 60
DONE_ACTIONS_SHOWN = 15


def game_plan_section(store: Store, today: date) -> None:
    counts = ui.cached(store, store.actions.counts)
    st.header("Your game plan")
    st.caption(f"{counts['open']:,} to do · {counts['done']:,} done. Lessons from your "
               "reflections and feedback land here; add your own too.")
    add_action_form(store, today)
    view = st.radio("Show", ("To do, by week", "Done"), key="plan_view", horizontal=True)
    if view == "Done":
        done_list(store)
        return
    open_actions = ui.cached(store, store.actions.by_status, "open", OPEN_ACTIONS_SHOWN + 1)
    if not open_actions:
        st.info("Nothing to do right now. Add a step above, or finish a reflection and turn "
                "what you'd change into actions.", icon=":material/task_alt:")
        return
    if len(open_actions) > OPEN_ACTIONS_SHOWN:
        st.caption(f"Showing the first {OPEN_ACTIONS_SHOWN} by due date.")
        open_actions = open_actions[:OPEN_ACTIONS_SHOWN]
    ui.form_error("plan_list")
    for label, part in rf.weekly_groups(open_actions, today):
        st.markdown(f"**{label}**")
        for row in part:
            action_row(store, row)
    edit_action_panel(store, open_actions, today)


def action_row(store: Store, row: ActionRecord) -> None:
    version = seen("action", row.id, row.version)
    with st.container(border=True, horizontal=True, vertical_alignment="center",
                      key=f"action_{row.id}"):
        with st.container(gap=None):
            st.text(row.title)
            source = rf.SOURCE_KINDS.get(row.source_kind, "")
            detail = f"Due {row.due_on}" if row.due_on is not None else "No due date"
            st.caption(f"{detail} · {source}" + (f": {ui.escape_markdown(row.source_label)}"
                                                 if row.source_label else ""))
        if st.button("Done", key=f"action_done_{row.id}", icon=":material/check:",
                     width="content"):
            write("plan_list", partial(store.actions.set_done, row.id, True, version),
                   "Done. Nice work.")


def done_list(store: Store) -> None:
    done = ui.cached(store, store.actions.by_status, "done", DONE_ACTIONS_SHOWN)
    if not done:
        st.info("Nothing done yet. Ticking off even a small step counts.",
                icon=":material/task_alt:")
        return
    st.caption(f"The {len(done)} most recently done.")
    ui.form_error("plan_done")
    for row in done:
        version = seen("action", row.id, row.version)
        with st.container(border=True, horizontal=True, vertical_alignment="center",
                          key=f"done_{row.id}"):
            with st.container(gap=None):
                st.text(row.title)
                st.caption(f"Done {row.done_on}")
            if st.button("Undo", key=f"action_undo_{row.id}", icon=":material/undo:",
                         width="content"):
                write("plan_done", partial(store.actions.set_done, row.id, False, version),
                       "Moved back to your to-do list.", icon=":material/undo:")


def add_action_form(store: Store, today: date) -> None:
    form = "action_add"
    if st.session_state.pop("action_title_clear", False):
        st.session_state["action_title"] = ""  # before the widget exists: the browser follows
    with st.expander("Add a step", icon=":material/add:",
                     expanded=bool(st.session_state.get(ui.errors_key(form)))):
        with st.form(form, clear_on_submit=False, border=False):
            title = st.text_input("What will you do?", key="action_title", max_chars=rf.ITEM_MAX,
                                  placeholder="e.g. Practise a system-design question")
            ui.field_error(form, "title")
            due = st.date_input("Due", value=today + timedelta(days=7), key="action_due",
                                format="YYYY-MM-DD")
            ui.field_error(form, "due_on")
            ui.form_error(form)
            submitted = st.form_submit_button("Add to my game plan", type="primary",
                                              icon=":material/add:")
        if submitted:
            write(form, lambda: rf.add_action(store, title, due, "manual"),
                   "Added to your game plan.",
                   on_success=lambda: st.session_state.update(action_title_clear=True))


def edit_action_panel(store: Store, open_actions: list[ActionRecord], today: date) -> None:
    form = "action_edit"
    with st.expander("Change or remove a step", icon=":material/edit:"):
        rows = {r.id: r for r in open_actions}
        chosen = ui.pick("Which step?", rows, lambda r: r.title, key="action_edit_pick")
        if chosen is None:
            return
        row = rows[chosen]
        version = seen("action", chosen, row.version)
        with st.form(form, border=False):
            title = st.text_input("What will you do?", value=row.title,
                                  key=f"action_edit_title_{chosen}", max_chars=rf.ITEM_MAX)
            ui.field_error(form, "title")
            due = st.date_input("Due", value=row.due_on, key=f"action_edit_due_{chosen}",
                                format="YYYY-MM-DD")
            ui.field_error(form, "due_on")
            ui.form_error(form)
            with st.container(horizontal=True):
                save = st.form_submit_button("Save changes", type="primary",
                                             icon=":material/save:")
                remove = st.form_submit_button("Remove this step", icon=":material/delete:")
        if save:
            write(form, lambda: rf.update_action(store, chosen, version, title, due),
                   "Saved.")
        if remove:
            st.session_state["action_confirm_remove"] = chosen
        if st.session_state.get("action_confirm_remove") == chosen:
            st.warning("Remove this step from your game plan?", icon=":material/warning:")
            with st.container(horizontal=True):
                yes = st.button("Yes, remove it", key="action_remove_yes")
                st.button("Keep it", key="action_remove_no", type="primary",
                          on_click=st.session_state.pop, args=("action_confirm_remove", None))
            if yes:
                write(form, lambda: store.actions.delete(chosen, version),
                       "Removed.", icon=":material/delete:",
                       on_success=lambda: st.session_state.pop("action_confirm_remove", None))
