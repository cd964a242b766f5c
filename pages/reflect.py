"""Reflect: a short post-mortem after a "no", the game plan it feeds, the dream-job list, and
the patterns across reflections.

The post-mortem saves as you go: each step is written to the database as a draft, so a rerun,
a page switch or a reload resumes where the user stopped. The user's own words are only ever
shown with `st.text` (or escaped); every heading and message here is ours.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from nextround import charts, sending, ui
from nextround import reflection as rf
from nextround.store import Store
from nextround.ui import send

SECTIONS = ("Reflect", "Game plan", "Dream list", "Insights")
SECTION_KEY = "reflect_section"
LAST_SECTION_KEY = "reflect_last_section"
SEEN_PREFIX = "reflect_seen_"
ABOUT_ONE, ABOUT_GENERAL = "One application", "My search in general"
OPEN_ACTIONS_SHOWN = 60
DONE_ACTIONS_SHOWN = 15


def main(store: Store) -> None:
    st.title("Reflect")
    st.caption("A short, honest look back: what to keep, what to change, and what was never in "
               "your hands. Then a plan for what's next.")
    last = st.session_state.get(LAST_SECTION_KEY, SECTIONS[0])
    # Radios, not a segmented control: its selected label fails colour contrast in dark mode.
    if SECTION_KEY not in st.session_state:
        st.session_state[SECTION_KEY] = last
    section = st.radio("Section", SECTIONS, key=SECTION_KEY, label_visibility="collapsed",
                       horizontal=True) or last
    st.session_state[LAST_SECTION_KEY] = section
    today = store.today()
    if section == "Reflect":
        reflect_section(store, today)
    elif section == "Game plan":
        game_plan_section(store, today)
    elif section == "Dream list":
        dream_list_section(store, today)
    else:
        insights_section(store)


def _go_to(section: str) -> None:
    """Callback for buttons that open another section (runs before the widgets are drawn)."""
    st.session_state[SECTION_KEY] = section
    st.session_state[LAST_SECTION_KEY] = section


def _write(form: str, action: Callable[[], Any], message: str | None = None,
           icon: str = ":material/check_circle:",
           on_success: Callable[[], None] | None = None) -> None:
    """Run one write and rerun. Success flashes `message` (ours); a problem is stored as
    messages next to the fields, which the rerun draws. Nothing half-written either way."""

    def wrapped() -> bool:
        action()
        return True

    if ui.run_action(form, wrapped):
        if on_success is not None:
            on_success()
        if message:
            ui.flash(message, icon=icon)
    for key in [k for k in st.session_state if str(k).startswith(SEEN_PREFIX)]:
        del st.session_state[key]  # the next run shows, and remembers, the latest versions
    st.rerun()


def _seen(kind: str, row_id: int, current: int) -> int:
    """The version of a row as this tab first showed it. Reads are fresh on every rerun, so
    without this a change made in another tab meanwhile would be silently overwritten."""
    return int(st.session_state.setdefault(f"{SEEN_PREFIX}{kind}_{row_id}", int(current)))


# --- the guided post-mortem ----------------------------------------------------------------

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
                                stages=("rejected",), limit=20, order="stage_on DESC")
        if page.empty:
            st.info("No rejections match. Try another search, or reflect on your search in "
                    "general.", icon=":material/search_off:")
            return
        labels = {int(r.id): _application_label(r.company, r.role, r.stage_on)
                  for r in page.itertuples()}
        application_id = st.selectbox("Which one?", list(labels), key="reflect_pick",
                                      format_func=labels.__getitem__)
        shown = len(labels)
        st.caption(f"The {shown} most recent of {total:,} matching rejections. "
                   "Search to find an older one." if total > shown else
                   f"{total:,} matching {'rejection' if total == 1 else 'rejections'}.")
    if st.button("Start reflecting", key="reflect_start", type="primary",
                 icon=":material/edit_note:"):
        _write("reflect_start", lambda: rf.start_reflection(store, application_id))
    ui.form_error("reflect_start")


def _application_label(company: object, role: object, day: object) -> str:
    parts = [str(company)] + ([str(role)] if role else [])
    return " · ".join(parts) + f" (no on {day})"


def recent_panel(store: Store) -> None:
    recent = ui.cached(store, store.reflections.recent, 8)
    if recent.empty:
        return
    st.header("Your recent reflections")
    table = pd.DataFrame({
        "Finished": recent["completed_on"],
        "About": [c or "Search in general" for c in recent["company"]],
        "Role": recent["role"],
        "Within your control": recent["control_pct"],
        "Good fit?": [rf.FITS.get(f, "") if isinstance(f, str) else "" for f in recent["fit"]],
    })
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "Within your control": st.column_config.ProgressColumn(
            format="%d%%", min_value=0, max_value=100)})
    labels = {int(r.id): f"{r.completed_on}: " + (" · ".join(x for x in (r.company, r.role)
                                                             if x) or "Search in general")
              for r in recent.itertuples()}
    chosen = st.selectbox("Read a summary again", list(labels), index=None,
                          format_func=labels.__getitem__, key="reflect_reread",
                          placeholder="Choose a reflection")
    if chosen is not None:
        show_summary(store, ui.cached(store, rf.reflection_by_id, chosen), "reflect_reread")


def run_draft(store: Store, draft: dict[str, Any], today: date) -> None:
    draft = {**draft, "version": _seen("reflection", draft["id"], draft["version"])}
    answers = draft["answers"]
    step = answers["step"]
    with st.container(horizontal=True, vertical_alignment="center"):
        if draft.get("company"):
            st.markdown(":material/work: **Reflecting on**")
            st.text(" · ".join(str(x) for x in (draft["company"], draft["role"]) if x))
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


def step_form(store: Store, draft: dict[str, Any], step: int, today: date) -> None:
    rid, answers = draft["id"], draft["answers"]
    form = f"reflect_step_{step}"
    key = f"rf{rid}_"
    values: dict[str, Any] = {}
    plan: dict[int, tuple[str, date | None]] = {}
    with st.form(form, border=True, enter_to_submit=False):
        st.header(rf.STEPS[step][1])
        name = rf.STEPS[step][0]
        if name == "expected":
            st.caption("Write it down before looking at what happened: what were you hoping "
                       "for, or expecting?")
            values["expected"] = st.text_area(
                "What did you expect?", value=answers["expected"], key=key + "expected",
                max_chars=rf.ANSWER_MAX, label_visibility="collapsed")
            ui.field_error(form, "expected")
        elif name == "what_happened":
            options = ["", *rf.STAGES_REACHED]
            current = answers["stage_reached"]
            values["stage_reached"] = st.selectbox(
                "How far did it get?", options,
                index=options.index(current) if current in options else 0,
                format_func=lambda s: rf.STAGES_REACHED.get(s, "Choose a stage"),
                key=key + "stage")
            ui.field_error(form, "stage_reached")
            values["what_happened"] = st.text_area(
                "What happened?", value=answers["what_happened"], key=key + "happened",
                max_chars=rf.ANSWER_MAX, placeholder="Just the facts, as you remember them.")
            ui.field_error(form, "what_happened")
            values["questions"] = st.text_area(
                "Questions they asked", value=answers["questions"], key=key + "questions",
                max_chars=rf.ANSWER_MAX,
                placeholder="Worth keeping: they often come up again.")
            ui.field_error(form, "questions")
        elif name == "feeling":
            score = answers["feeling_score"]
            values["feeling_score"] = st.slider(
                "How do you feel, from 0 (really low) to 10 (fine)?", 0, 10,
                value=score if isinstance(score, int) else 5, key=key + "feeling")
            ui.field_error(form, "feeling_score")
            values["feeling_words"] = st.text_area(
                "A few words for it", value=answers["feeling_words"], key=key + "words",
                max_chars=rf.ANSWER_MAX, height=80,
                placeholder="Disappointed, relieved, tired… any feeling is allowed.")
            ui.field_error(form, "feeling_words")
        elif name == "went_well":
            st.caption("Something you'd do again: a good answer, solid preparation, a "
                       "connection you made.")
            values["went_well"] = st.text_area(
                "What went well?", value=answers["went_well"], key=key + "well",
                max_chars=rf.ANSWER_MAX, label_visibility="collapsed")
            ui.field_error(form, "went_well")
        elif name == "do_differently":
            values["do_differently"] = changes_rows(form, key, answers, plan, today)
        elif name == "outside":
            values.update(outside_fields(form, key, draft))
        else:
            st.caption("Think about the role, the team, the values and the growth it offered.")
            fit_options = list(rf.FITS)
            values["fit"] = st.radio(
                "Was it a good fit for you?", fit_options,
                index=fit_options.index(draft["fit"]) if draft["fit"] in rf.FITS else None,
                format_func=rf.FITS.__getitem__, horizontal=True, key=key + "fit")
            ui.field_error(form, "fit")
            values["fit_note"] = st.text_area(
                "A note about the fit", value=answers["fit_note"], key=key + "fitnote",
                max_chars=rf.ANSWER_MAX, height=80)
            ui.field_error(form, "fit_note")
        ui.form_error(form)
        with st.container(horizontal=True):
            back = (st.form_submit_button("Back", key=f"{form}_back", icon=":material/arrow_back:")
                    if step > 0 else False)
            later = st.form_submit_button("Save for later", key=f"{form}_save",
                                          icon=":material/save:")
            forward = st.form_submit_button(
                "See my summary" if step == rf.SUMMARY_STEP - 1 else "Next",
                key=f"{form}_next", type="primary", icon=":material/arrow_forward:")
    target = step + 1 if forward else step - 1 if back else step if later else None
    if target is None:
        return
    _write(form, lambda: rf.save_step(
        store, rid, draft["version"], step, values, next_step=target, plan=plan, today=today),
        "Saved. Come back to it whenever you're ready." if later else None,
        icon=":material/save:")


def changes_rows(form: str, key: str, answers: dict[str, Any],
                 plan: dict[int, tuple[str, date | None]], today: date) -> list[str]:
    """Up to three changes, each of which can become a game-plan action with a due date."""
    st.caption("Small and concrete works best. Fewer is fine. Tick one to add it to your game "
               "plan with a due date.")
    items = list(answers["do_differently"]) + [""] * rf.MAX_CHANGES
    planned = set(answers["planned"])
    typed: list[str] = []
    for i in range(rf.MAX_CHANGES):
        left, middle, right = st.columns([5, 2, 2], vertical_alignment="bottom")
        text = left.text_input(f"Change {i + 1}", value=items[i], key=f"{key}change{i}",
                               max_chars=rf.ITEM_MAX,
                               placeholder="e.g. Prepare two stories about leading a project"
                               if i == 0 else "")
        already = bool(items[i]) and items[i] in planned
        add = middle.checkbox("In your game plan" if already else "Add to game plan",
                              value=already, disabled=already, key=f"{key}plan{i}")
        due = right.date_input("Due", value=today + timedelta(days=7), key=f"{key}due{i}",
                               format="YYYY-MM-DD", disabled=already)
        typed.append(text)
        if add and not already and text.strip():
            plan[i] = (text, due)
        ui.field_error(form, f"do_differently_{i}")
        ui.field_error(form, f"plan_{i}")
    ui.field_error(form, "do_differently")
    return typed


def outside_fields(form: str, key: str, draft: dict[str, Any]) -> dict[str, Any]:
    st.caption("Some things decide a hiring process before you ever walk in. Tick any that "
               "may have played a part. This is optional.")
    ticked = set(draft["answers"]["outside_factors"])
    chosen: list[str] = []
    columns = st.columns(2)
    for i, (factor, label) in enumerate(rf.OUTSIDE_FACTORS.items()):
        if columns[i % 2].checkbox(label, value=factor in ticked, key=f"{key}factor_{factor}"):
            chosen.append(factor)
    ui.field_error(form, "outside_factors")
    pct = draft["control_pct"]
    control = st.slider("How much of the outcome was within your control?", 0, 100,
                        value=int(pct) if pct is not None else 50, step=5, format="%d%%",
                        key=key + "control")
    st.caption("A rough feeling is enough: 0% means nothing you could have changed, 100% means "
               "it was entirely up to you.")
    ui.field_error(form, "control_pct")
    return {"outside_factors": chosen, "control_pct": int(control)}


def summary_panel(store: Store, draft: dict[str, Any]) -> None:
    show_summary(store, draft, "reflect")
    form = "reflect_finish"
    with st.container(horizontal=True):
        back = st.button("Back", key="reflect_summary_back", icon=":material/arrow_back:")
        finish = st.button("Finish", key="reflect_finish_button", type="primary",
                           icon=":material/check:")
    ui.form_error(form)
    if back:
        _write(form, lambda: rf.save_step(
            store, draft["id"], draft["version"], rf.SUMMARY_STEP, {},
            next_step=rf.SUMMARY_STEP - 1))
    if finish:
        _write(form, lambda: store.reflections.finish(draft["id"], draft["version"]),
               "Reflection saved. Thank you for taking the time: that's how lessons stick.")


def show_summary(store: Store, reflection: dict[str, Any], key: str) -> None:
    """The end of a reflection: our words, the user's items as plain text, and the next
    company on the dream-job list."""
    answers = reflection["answers"]
    found = ui.cached(store, Store.next_target, reflection.get("company") or "")
    suggestion = (rf.Suggestion(int(found["id"]), found["company"], found["role"])
                  if found else None)
    summary = rf.summarize(answers, reflection["control_pct"], reflection["fit"], suggestion)
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
            st.text(" · ".join(x for x in (suggestion.company, suggestion.role) if x))
            st.button("Open my dream list", key=f"{key}_to_dream", icon=":material/star:",
                      on_click=_go_to, args=("Dream list",))


def discard_panel(store: Store, draft: dict[str, Any]) -> None:
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
        no = st.button("Keep it", key="reflect_discard_no", type="primary")
    ui.form_error("reflect_discard")
    if no:
        st.session_state[confirm_key] = False
        st.rerun()
    if yes:
        _write("reflect_discard",
               lambda: store.reflections.discard(draft["id"], draft["version"]),
               "Discarded.", icon=":material/delete:",
               on_success=lambda: st.session_state.__setitem__(confirm_key, False))


# --- the game plan ------------------------------------------------------------------------

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
    if open_actions.empty:
        st.info("Nothing to do right now. Add a step above, or finish a reflection and turn "
                "what you'd change into actions.", icon=":material/task_alt:")
        return
    if len(open_actions) > OPEN_ACTIONS_SHOWN:
        st.caption(f"Showing the first {OPEN_ACTIONS_SHOWN} by due date.")
        open_actions = open_actions.head(OPEN_ACTIONS_SHOWN)
    ui.form_error("plan_list")
    for label, part in rf.weekly_groups(open_actions, today):
        st.markdown(f"**{label}**")
        for row in part.itertuples():
            action_row(store, row)
    edit_action_panel(store, open_actions, today)


def action_row(store: Store, row: Any) -> None:
    version = _seen("action", row.id, row.version)
    with st.container(border=True, horizontal=True, vertical_alignment="center",
                      key=f"action_{row.id}"):
        with st.container(gap=None):
            st.text(row.title)
            source = rf.SOURCE_KINDS.get(row.source_kind, "")
            detail = f"Due {row.due_on}" if isinstance(row.due_on, str) else "No due date"
            st.caption(f"{detail} · {source}" + (f": {ui.escape_markdown(row.source_label)}"
                                                 if row.source_label else ""))
        if st.button("Done", key=f"action_done_{row.id}", icon=":material/check:",
                     width="content"):
            _write("plan_list", partial(store.actions.set_done, int(row.id), True, version),
                   "Done. Nice work.")


def done_list(store: Store) -> None:
    done = ui.cached(store, store.actions.by_status, "done", DONE_ACTIONS_SHOWN)
    if done.empty:
        st.info("Nothing done yet. Ticking off even a small step counts.",
                icon=":material/task_alt:")
        return
    st.caption(f"The {len(done)} most recently done.")
    ui.form_error("plan_done")
    for row in done.itertuples():
        version = _seen("action", row.id, row.version)
        with st.container(border=True, horizontal=True, vertical_alignment="center",
                          key=f"done_{row.id}"):
            with st.container(gap=None):
                st.text(row.title)
                st.caption(f"Done {row.done_on}")
            if st.button("Undo", key=f"action_undo_{row.id}", icon=":material/undo:",
                         width="content"):
                _write("plan_done", partial(store.actions.set_done, int(row.id), False,
                                            version),
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
            _write(form, lambda: rf.add_action(store, title, due, "manual"),
                   "Added to your game plan.",
                   on_success=lambda: st.session_state.update(action_title_clear=True))


def edit_action_panel(store: Store, open_actions: pd.DataFrame, today: date) -> None:
    form = "action_edit"
    with st.expander("Change or remove a step", icon=":material/edit:"):
        rows = {int(r.id): r for r in open_actions.itertuples()}
        chosen = st.selectbox("Which step?", list(rows), key="action_edit_pick",
                              format_func=lambda i: str(rows[i].title))
        if chosen is None:
            return
        row = rows[chosen]
        version = _seen("action", chosen, row.version)
        due_value = date.fromisoformat(row.due_on) if isinstance(row.due_on, str) else None
        with st.form(form, border=False):
            title = st.text_input("What will you do?", value=row.title,
                                  key=f"action_edit_title_{chosen}", max_chars=rf.ITEM_MAX)
            ui.field_error(form, "title")
            due = st.date_input("Due", value=due_value, key=f"action_edit_due_{chosen}",
                                format="YYYY-MM-DD")
            ui.field_error(form, "due_on")
            ui.form_error(form)
            with st.container(horizontal=True):
                save = st.form_submit_button("Save changes", type="primary",
                                             icon=":material/save:")
                remove = st.form_submit_button("Remove this step", icon=":material/delete:")
        if save:
            _write(form, lambda: rf.update_action(store, chosen, version, title, due),
                   "Saved.")
        if remove:
            st.session_state["action_confirm_remove"] = chosen
        if st.session_state.get("action_confirm_remove") == chosen:
            st.warning("Remove this step from your game plan?", icon=":material/warning:")
            with st.container(horizontal=True):
                yes = st.button("Yes, remove it", key="action_remove_yes")
                no = st.button("Keep it", key="action_remove_no", type="primary")
            if no:
                st.session_state.pop("action_confirm_remove", None)
                st.rerun()
            if yes:
                _write(form, lambda: store.actions.delete(chosen, version),
                       "Removed.", icon=":material/delete:",
                       on_success=lambda: st.session_state.pop("action_confirm_remove", None))


# --- the dream-job list -------------------------------------------------------------------

def dream_list_section(store: Store, today: date) -> None:
    st.header("Your dream-job list")
    st.caption("Companies and roles you'd love next, and the next step for each. A no from one "
               "place is a good moment to look here.")
    add_target_form(store)
    targets = ui.cached(store, Store.list_targets)
    if targets.empty:
        st.info("Your list is empty. Add a company you'd love to work for, and why: it keeps "
                "the next step in view after a no.", icon=":material/star:")
        return
    st.dataframe(rf.targets_table(targets), hide_index=True, width="stretch")
    rows = {int(r.id): r for r in targets.itertuples()}
    chosen = st.selectbox("Work on", list(rows), key="target_pick",
                          format_func=lambda i: " · ".join(
                              x for x in (str(rows[i].company), str(rows[i].role)) if x))
    if chosen is not None:
        target_panel(store, rows[chosen], today)


def add_target_form(store: Store) -> None:
    form = "target_add"
    with st.expander("Add a company", icon=":material/add:",
                     expanded=bool(st.session_state.get(ui.errors_key(form)))):
        with st.form(form, border=False):
            values = target_fields(form, "target_new_", None)
            ui.form_error(form)
            submitted = st.form_submit_button("Add to my list", type="primary",
                                              icon=":material/add:")
        if submitted:
            _write(form, lambda: store.add_target(**values), "Added to your dream-job list.",
                   on_success=_clear_new_target)


def _clear_new_target() -> None:
    for key in [k for k in st.session_state if str(k).startswith("target_new_")]:
        del st.session_state[key]


def target_fields(form: str, key: str, row: Any | None) -> dict[str, Any]:
    left, right = st.columns(2)
    values = {
        "company": left.text_input("Company", value=row.company if row else "",
                                   key=key + "company", max_chars=200),
    }
    with left:
        ui.field_error(form, "company")
    values["role"] = right.text_input("Role", value=row.role if row else "", key=key + "role",
                                      max_chars=200)
    with right:
        ui.field_error(form, "role")
    values["why"] = st.text_area("Why this one?", value=row.why if row else "", key=key + "why",
                                 max_chars=rf.ANSWER_MAX, height=80)
    ui.field_error(form, "why")
    left, right = st.columns(2)
    priorities = list(rf.PRIORITIES)
    values["priority"] = left.selectbox(
        "Priority", priorities, index=priorities.index(int(row.priority)) if row else 1,
        format_func=rf.PRIORITIES.__getitem__, key=key + "priority")
    statuses = [s for s in rf.TARGET_STATUSES
                if s != "applied" or (row is not None and row.status == "applied")]
    values["status"] = right.selectbox(
        "Status", statuses, index=statuses.index(row.status) if row else 0,
        format_func=rf.TARGET_STATUSES.__getitem__, key=key + "status")
    with right:
        ui.field_error(form, "status")
    values["next_step"] = st.text_input("Next step", value=row.next_step if row else "",
                                        key=key + "next", max_chars=rf.ITEM_MAX,
                                        placeholder="e.g. Ask Sam for an intro")
    ui.field_error(form, "next_step")
    return values


def target_panel(store: Store, row: Any, today: date) -> None:
    tid = int(row.id)
    version = _seen("target", tid, row.version)
    with st.container(border=True, key="target_panel"):
        if pd.notna(row.application_id):
            st.success("You applied. It's in your applications.", icon=":material/check:")
        else:
            st.caption("When you've sent the application, one click records it.")
            if st.button("I applied", key=f"target_applied_{tid}", type="primary",
                         icon=":material/send:"):
                _write("target_applied", lambda: store.mark_target_applied(tid, version),
                       "Added to your applications. Good luck!")
            ui.form_error("target_applied")
        if pd.notna(row.said_no_id):
            stay_in_touch(store, row, int(row.said_no_id), today)
        form = "target_edit"
        with st.expander("Edit this entry", icon=":material/edit:"):
            with st.form(form, border=False):
                values = target_fields(form, f"target_{tid}_", row)
                ui.form_error(form)
                with st.container(horizontal=True):
                    save = st.form_submit_button("Save changes", type="primary",
                                                 icon=":material/save:")
                    remove = st.form_submit_button("Remove from my list",
                                                   icon=":material/delete:")
            if save:
                _write(form, lambda: store.update_target(tid, version, **values), "Saved.")
            if remove:
                st.session_state["target_confirm_remove"] = tid
            if st.session_state.get("target_confirm_remove") == tid:
                st.warning("Remove this company from your dream-job list? Any application "
                           "you recorded stays.", icon=":material/warning:")
                with st.container(horizontal=True):
                    yes = st.button("Yes, remove it", key="target_remove_yes")
                    no = st.button("Keep it", key="target_remove_no", type="primary")
                if no:
                    st.session_state.pop("target_confirm_remove", None)
                    st.rerun()
                if yes:
                    _write(form, lambda: store.delete_target(tid, version), "Removed.",
                           icon=":material/delete:", on_success=lambda: st.session_state.pop(
                               "target_confirm_remove", None))


def stay_in_touch(store: Store, row: Any, application_id: int, today: date) -> None:
    """They said no before: a short, warm note that keeps the door open (from drafting)."""
    st.markdown(":material/mail: **They said no before: stay in touch**")
    st.caption("A short note a few months on keeps the door open. Edit it as you like in your "
               "mail app.")
    settings = ui.cached(store, Store.settings)
    try:
        made = rf.stay_in_touch_draft(
            settings, ui.cached(store, store.applications.get, application_id),
            role=str(row.role or ""),
            stages=ui.cached(store, store.applications.events,
                             application_id)["stage"].tolist())
    except (ValueError, LookupError) as exc:
        st.caption(f"No draft this time: {ui.escape_markdown(exc)}")
        return
    if not settings.name:
        st.caption("Add your name on the Your data page, and drafts will be signed with it.")
    with st.container(border=True, key=f"stay_preview_{row.id}"):
        st.text(f"Subject: {made.subject}")
        st.text(made.body)
    token = f"stay_in_touch-{row.id}-{application_id}-{today.isoformat()}"
    already = ui.cached(store, store.drafts.by_token, token)
    fields = {"kind": "stay_in_touch", "tone": made.tone or "warm",
              "application_id": application_id, "company": str(row.company),
              "role": str(row.role or ""), "to_email": made.to or "",
              "subject": made.subject, "body": made.body}
    sent = send.send_flow(
        made, key=f"stay_{row.id}", file_stem=f"stay-in-touch-{row.company}",
        on_mark_sent=lambda: sending.mark_draft_sent(store, fields, request_token=token,
                                                     sent_on=today),
        sent_note=("Marked as sent today. Nice: the door stays open."
                   if already and already.get("status") == "sent" else None))
    if sent is not None:
        ui.flash("Marked as sent.")
        st.rerun()


# --- insights -----------------------------------------------------------------------------

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


main(ui.frame("Reflect", ":material/lightbulb:"))
