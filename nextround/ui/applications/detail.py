"""One application, picked from the table's page of results (or the one just added): its
details and timeline, and tabs to change its stage, edit it or delete it.

The edit and stage forms remember the version they were loaded from, so a save from a stale
tab is refused (with a button to load the latest) instead of overwriting another tab's change.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from nextround import ui
from nextround.models import EARLIEST_DATE, Stage
from nextround.records import ApplicationRecord, StageEvent
from nextround.store import STAGE_NOTE_MAX, NotFoundError, Store
from nextround.text import plural
from nextround.ui import after_no as after_no_ui
from nextround.ui.applications.forms import (
    CONFIRM,
    DELETE,
    EDIT,
    LOADED,
    PICK,
    STAGE,
    STAGE_COLORS,
    TEXT_FIELDS,
    application_from,
    change_stage,
    fill,
    form_fields,
    label_of,
    reload_forms,
    stage_defaults,
)

DETAIL = "apps_detail"  # the fragment of the picker and the picked application
DETAIL_TAB = "apps_detail_tab"  # the picked application's open tab
DETAIL_TABS = (":material/swap_horiz: Change stage", ":material/edit: Edit details",
               ":material/delete: Delete")

# --- actions (form and button callbacks: they run before the page redraws) -------------------

def _save_edit(store: Store, application_id: int, version: int, stage: str) -> None:
    ui.whole_page(ui.save(EDIT, lambda: store.applications.update(
        application_id, application_from(EDIT, stage), version), "Changes saved.",
        then=lambda _: reload_forms(), rerun=False))


def _change_stage(store: Store, application_id: int, version: int) -> None:
    state = st.session_state
    change_stage(STAGE, store, application_id, version, state.get(f"{STAGE}_stage"),
                 state.get(f"{STAGE}_on_date"), state.get(f"{STAGE}_note", ""))


def _delete(store: Store, application_id: int) -> None:
    def deleted(_: None) -> None:
        st.session_state.pop(PICK, None)
        reload_forms()

    st.session_state.pop(CONFIRM, None)  # asked once, whatever the outcome
    ui.whole_page(ui.save(DELETE, lambda: store.applications.delete(application_id),
                       "Application deleted.", then=deleted, rerun=False))


def _reload() -> None:
    """After a conflict: drop the stale form and start again from the saved row, with the
    whole page drawn again (another tab changed it: the table may show it stale too)."""
    reload_forms()
    ui.flash("Loaded the latest version.")
    for form in (EDIT, STAGE):
        ui.clear_errors(form)
    ui.whole_page(True)


# --- the picked application --------------------------------------------------------------------

def pick_application(store: Store, labels: dict[int, str],
                     ) -> tuple[ApplicationRecord, list[StageEvent]] | None:
    """One application to work on, from this page of results (`labels`, by id) or the one
    just added, with its timeline."""
    state = st.session_state
    picked = state.get(PICK)
    if picked is not None and picked not in labels:
        try:  # keep the one being worked on, even when it's not on this page
            labels = {picked: label_of(ui.cached(store, store.applications.get, picked)), **labels}
        except NotFoundError:
            picked = None
    if not labels:
        return None
    if picked is None:
        state[PICK] = next(iter(labels))
    ui.pick("Application to view and update", labels, str, key=PICK,
            help="Pick from the results above; search to find one that isn't listed.")
    try:
        return ui.cached(store, with_timeline, int(state[PICK]))
    except NotFoundError:
        st.info("That application no longer exists. It may have been deleted in another tab.")
        return None


def with_timeline(store: Store, application_id: int,
                  ) -> tuple[ApplicationRecord, list[StageEvent]]:
    """A page function for `ui.cached`: the application and its stage events, one read."""
    with store.read() as snap:
        return snap.applications.get(application_id), snap.applications.events(application_id)


@st.fragment(key=DETAIL)
def picked_application(store: Store, labels: dict[int, str], today: date) -> None:
    """The picker and the application it shows. A fragment: picking another one, a tab,
    the delete question or a form's message reruns this part alone; a write reruns the whole
    page (`ui.whole_page`), so the table and the board show it too."""
    picked = pick_application(store, labels)
    if picked is not None:
        detail_section(store, *picked, today)


def detail_section(store: Store, app: ApplicationRecord, events: list[StageEvent],
                   today: date) -> None:
    state = st.session_state
    app_id = app.id
    loaded = state.get(LOADED)
    stage = Stage(app.stage)
    # Load the forms from the saved row: for a newly picked application, after a write, and
    # after a visit to another page (Streamlit forgets the state of widgets it didn't draw).
    forgotten = f"{EDIT}_company" not in state or f"{STAGE}_stage" not in state
    if loaded is None or loaded[0] != app_id or forgotten:
        fill(EDIT, {**{name: getattr(app, name) for name, _, _ in TEXT_FIELDS},
                    "applied_on": app.applied_on, "notes": app.notes})
        fill(STAGE, stage_defaults(stage, today))
        for form in (EDIT, STAGE, DELETE):
            ui.clear_errors(form)
        loaded = state[LOADED] = (app_id, app.version)
    version = loaded[1]

    with st.container(border=True, key="app_detail"):
        st.header(ui.escape_markdown(ui.application_label(app.company, app.role)),
                  anchor=False)
        with st.container(horizontal=True, vertical_alignment="center"):
            st.badge(stage.label, color=STAGE_COLORS[stage])
            st.caption(f"since {app.stage_on}")
        if stage == Stage.REJECTED:  # the path after a no, offered right here
            after_no_ui.panel(store, app_id, here="applications")
        info, timeline = st.columns([1, 1], gap="large")
        with info:
            _details(app)
        with timeline:
            st.markdown("**Timeline**")
            _timeline(events, app.applied_on)

        # A tab's form is drawn from its first opening on (`ui.opened_once`).
        move, edit, delete = st.tabs(list(DETAIL_TABS), key=DETAIL_TAB, on_change="rerun")
        with move:
            if ui.opened_once(DETAIL_TAB + "_move", move.open):
                _stage_form(store, app_id, version)
        with edit:
            if ui.opened_once(DETAIL_TAB + "_edit", edit.open):
                _edit_form(store, app, version)
        with delete:
            if ui.opened_once(DETAIL_TAB + "_delete", delete.open):
                _delete_step(store, app)


def _details(app: ApplicationRecord) -> None:
    """Label (our words, Markdown) beside value (the user's words, plain text)."""
    contact = " · ".join(v for v in (app.contact_name, app.contact_email) if v)
    rows = [("Location", app.location), ("Source", app.source), ("Contact", contact),
            ("Applied", app.applied_on.isoformat())]
    for label, value in rows:
        left, right = st.columns([1, 3], vertical_alignment="center")
        left.caption(label)
        right.text(value or "—")
    if app.link:
        st.link_button("Open the posting", app.link, icon=":material/open_in_new:")
    if app.notes:
        st.caption("Notes")
        st.text(app.notes)


def _timeline(events: list[StageEvent], start: date) -> None:
    """Oldest first: each stage as a coloured badge, its date and how many days in."""
    for event in events:
        stage = Stage._value2member_map_.get(event.stage, Stage.APPLIED)
        day = (event.on_date - start).days
        if stage == Stage.APPLIED:
            when = "you applied"
        elif day == 0:
            when = "the same day you applied"
        else:
            when = f"{plural(day, 'day')} after you applied"
        st.markdown(f":{STAGE_COLORS[stage]}-badge[{stage.label}] **{event.on_date}** "
                    f"· {when}")
        if event.note:
            st.caption(ui.escape_markdown(event.note))


def _stage_form(store: Store, app_id: int, version: int) -> None:
    options = [s.value for s in Stage if s != Stage.APPLIED]
    with st.form(STAGE, border=False):
        left, right = st.columns(2)
        with left:
            st.selectbox("New stage", options, format_func=lambda v: Stage(v).label,
                         key=f"{STAGE}_stage", placeholder="Pick the new stage")
            ui.field_error(STAGE, "stage")
        with right:
            st.date_input("On", min_value=EARLIEST_DATE, format="YYYY-MM-DD",
                          key=f"{STAGE}_on_date")
            ui.field_error(STAGE, "on_date")
        st.text_input("Note (optional)", key=f"{STAGE}_note", max_chars=STAGE_NOTE_MAX,
                      placeholder="e.g. 30-minute call with the recruiter")
        ui.field_error(STAGE, "note")
        _conflict(STAGE)
        st.form_submit_button("Save stage change", type="primary", key=f"{STAGE}_submit",
                              icon=":material/check:", on_click=_change_stage,
                              args=(store, app_id, version))


def _edit_form(store: Store, app: ApplicationRecord, version: int) -> None:
    with st.form(EDIT, border=False):
        form_fields(EDIT)
        _conflict(EDIT)
        st.form_submit_button("Save changes", type="primary", key=f"{EDIT}_submit",
                              icon=":material/save:", on_click=_save_edit,
                              args=(store, app.id, version, app.stage))


def _conflict(form: str) -> None:
    ui.form_error(form)
    if st.session_state.get(ui.errors_key(form), {}).get("_form"):
        st.form_submit_button("Load the latest version", key=f"{form}_reload",
                              icon=":material/refresh:", on_click=_reload)


def _delete_step(store: Store, app: ApplicationRecord) -> None:
    app_id = app.id
    ui.form_error(DELETE)
    if st.session_state.get(CONFIRM) != app_id:
        st.caption("Deleting removes the application, its timeline, and any drafts and "
                   "feedback requests linked to it.")
        st.button("Delete this application…", key="delete_ask", icon=":material/delete:",
                  on_click=_ask_delete, args=(app_id,))
        return
    st.warning(f"Delete {ui.escape_markdown(label_of(app))} and its whole history? "
               "This can't be undone.", icon=":material/warning:")
    yes, no, _ = st.columns([1, 1, 2])
    yes.button("Yes, delete it", type="primary", key="delete_yes", width="stretch",
               on_click=_delete, args=(store, app_id))
    no.button("Keep it", key="delete_no", width="stretch", on_click=_cancel_delete)


def _ask_delete(app_id: int) -> None:
    st.session_state[CONFIRM] = app_id


def _cancel_delete() -> None:
    st.session_state.pop(CONFIRM, None)
