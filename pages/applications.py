"""Applications: record every application, move it through its stages with a date, and close
the loop on the ones that never answered.

The table shows one page of results at a time (it stays fast at 10,000 applications), and one
application is picked from that page to look at its history, change its stage, edit or delete
it. Every write goes through the store, which validates; this page only draws the messages.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from nextround import ui
from nextround.models import EARLIEST_DATE, Application, Stage, ghost_cutoff
from nextround.store import STAGE_NOTE_MAX, NotFoundError, Store

PAGE_SIZE = 50
GHOSTS_SHOWN = 10
ADD, EDIT, STAGE, DELETE, GHOST = "add_app", "edit_app", "stage_app", "delete_app", "ghost_app"
PICK = "apps_pick"              # the id of the application being looked at
LOADED = "apps_loaded"          # (id, version) the edit and stage forms started from
CONFIRM = "apps_confirm_delete"  # the id waiting for a delete confirmation
ROW_IDS = "apps_row_ids"        # the ids of the table rows on screen, in order

# (field, label, placeholder) for the one-line fields of the add and edit forms.
TEXT_FIELDS = (
    ("company", "Company *", "Who you applied to"),
    ("role", "Role", "Job title"),
    ("location", "Location", "City, or remote"),
    ("source", "Source", "LinkedIn, referral, company site…"),
    ("link", "Link to the posting", "https://…"),
    ("contact_name", "Contact name", "Recruiter or hiring manager"),
    ("contact_email", "Contact email", "name@example.com"),
)

SORTS = {
    "Newest applied first": "applied_on DESC",
    "Oldest applied first": "applied_on ASC",
    "Most recent stage change": "stage_on DESC",
    "Company A–Z": "company ASC",
    "Company Z–A": "company DESC",
}
STAGE_COLORS = {
    Stage.APPLIED: "gray", Stage.SCREENING: "blue", Stage.INTERVIEWING: "violet",
    Stage.OFFER: "orange", Stage.ACCEPTED: "green", Stage.REJECTED: "red",
    Stage.WITHDRAWN: "gray", Stage.GHOSTED: "gray",
}
STAGE_HEX = {  # the same families, as colours the table's badges accept
    Stage.APPLIED: "#8A9A96", Stage.SCREENING: "#3F7FBF", Stage.INTERVIEWING: "#7B61C4",
    Stage.OFFER: "#D98A2B", Stage.ACCEPTED: "#2E9E6B", Stage.REJECTED: "#C65353",
    Stage.WITHDRAWN: "#8A9A96", Stage.GHOSTED: "#6F7B78",
}


# --- small helpers ---------------------------------------------------------------------------

def _name(row: Any) -> str:
    return f"{row['company']} · {row['role']}" if row["role"] else str(row["company"])


def _label(row: Any) -> str:
    """How one application is named in pickers: plain text (selectbox options aren't Markdown)."""
    return f"{_name(row)} (applied {row['applied_on']})"


def _fill(prefix: str, values: dict[str, Any]) -> None:
    """Put values into a form's widgets. Setting the state (rather than a widget's default)
    is what makes the browser show them, also when the same widget is already on screen."""
    for name, value in values.items():
        st.session_state[f"{prefix}_{name}"] = value


def _blank(today: date) -> dict[str, Any]:
    return {**{name: "" for name, _, _ in TEXT_FIELDS}, "applied_on": today, "notes": ""}


def _stage_defaults(stage: Stage, today: date) -> dict[str, Any]:
    """The natural next step is proposed: applied → screening → interviewing → offer."""
    following = {Stage.APPLIED: Stage.SCREENING, Stage.SCREENING: Stage.INTERVIEWING,
                 Stage.INTERVIEWING: Stage.OFFER, Stage.OFFER: Stage.ACCEPTED}
    return {"stage": following.get(stage, Stage.REJECTED if stage == Stage.GHOSTED else stage)
            .value, "on_date": today, "note": ""}


def _application_from(prefix: str, stage: str = Stage.APPLIED) -> Application:
    """What the user typed in a form, unvalidated: the store validates (models.Application)."""
    state = st.session_state
    values = {name: state.get(f"{prefix}_{name}", "") for name, _, _ in TEXT_FIELDS}
    return Application(**values, applied_on=state.get(f"{prefix}_applied_on"),
                       notes=state.get(f"{prefix}_notes", ""), stage=stage)


def _after_write(message: str, *, reload: bool = True) -> None:
    """The toast survives the rerun; with `reload`, the edit and stage forms start again from
    the saved row (see `detail_section`)."""
    if reload:
        st.session_state.pop(LOADED, None)
    ui.flash(message)


def _form_fields(form: str) -> None:
    """The fields shared by the add and edit forms, each with its message right under it.
    Their values come from the session state (`_fill`)."""
    left, right = st.columns(2)
    for index, (name, label, placeholder) in enumerate(TEXT_FIELDS):
        with left if index % 2 == 0 else right:
            st.text_input(label, placeholder=placeholder, key=f"{form}_{name}")
            ui.field_error(form, name)
    with right:
        st.date_input("Date applied *", min_value=EARLIEST_DATE, format="YYYY-MM-DD",
                      key=f"{form}_applied_on")
        ui.field_error(form, "applied_on")
    st.text_area("Notes", key=f"{form}_notes",
                 placeholder="Anything worth remembering: who referred you, what stood out…")
    ui.field_error(form, "notes")


# --- actions (form and button callbacks: they run before the page redraws) -------------------

def _add(store: Store, today: date) -> None:
    new_id = ui.run_action(ADD, lambda: store.applications.add(_application_from(ADD)))
    if new_id is None:
        return  # messages are next to the fields; what was typed stays
    _fill(ADD, _blank(today))
    st.session_state[PICK] = new_id
    _after_write("Application added.")


def _save_edit(store: Store, application_id: int, version: int, stage: str) -> None:
    done = ui.run_action(EDIT, lambda: store.applications.update(
        application_id, _application_from(EDIT, stage), version) or True)
    if done:
        _after_write("Changes saved.")


def _change_stage(store: Store, application_id: int, version: int) -> None:
    state = st.session_state
    done = ui.run_action(STAGE, lambda: store.applications.change_stage(
        application_id, state.get(f"{STAGE}_stage") or "", state.get(f"{STAGE}_on_date"),
        version, note=state.get(f"{STAGE}_note", "")) or True)
    if done:
        _after_write("Stage updated. The change is in the timeline.")


def _delete(store: Store, application_id: int) -> None:
    done = ui.run_action(DELETE, lambda: store.applications.delete(application_id) or True)
    st.session_state.pop(CONFIRM, None)
    if done:
        st.session_state.pop(PICK, None)
        _after_write("Application deleted.")


def _mark_ghosted(store: Store, items: list[tuple[int, int]], today: date) -> None:
    count = ui.run_action(GHOST, lambda: store.applications.mark_ghosted(items, today))
    if count:
        picked = st.session_state.get(PICK)
        _after_write("Marked as ghosted." if count == 1 else f"{count} marked as ghosted.",
                     reload=any(app_id == picked for app_id, _ in items))


def _reload() -> None:
    """After a conflict: drop the stale form and start again from the saved row."""
    _after_write("Loaded the latest version.")
    for form in (EDIT, STAGE):
        ui.clear_errors(form)


def _row_picked() -> None:
    """A click on a table row opens that application (ids of the rows as last drawn)."""
    state = st.session_state
    rows = state["apps_table"].selection.rows
    ids = state.get(ROW_IDS, [])
    if rows and rows[0] < len(ids):
        state[PICK] = ids[rows[0]]


def _reset_page() -> None:
    st.session_state["apps_page"] = 1


# --- sections ------------------------------------------------------------------------------

def add_section(store: Store, today: date, *, first: bool) -> None:
    if f"{ADD}_company" not in st.session_state:
        _fill(ADD, _blank(today))
    with st.expander("Add an application", icon=":material/add:", expanded=first):
        with st.form(ADD, border=False):
            _form_fields(ADD)
            ui.form_error(ADD)
            st.form_submit_button("Add application", type="primary", icon=":material/add:",
                                  key=f"{ADD}_submit", on_click=_add, args=(store, today))


def ghosting_section(store: Store, today: date, threshold: int) -> None:
    ui.form_error(GHOST)  # e.g. one of them changed in another tab; shown once
    ui.clear_errors(GHOST)
    ghosts, total = ui.cached(store, store.applications.ghosting_candidates,
                              ghost_cutoff(today, threshold), GHOSTS_SHOWN)
    if not total:
        return
    plural = "application" if total == 1 else "applications"
    with st.expander(f"No reply after {threshold} days: {total:,} {plural}", key="ghosting",
                     icon=":material/hourglass_empty:"):
        st.caption("Silence is common and says nothing about you. Marking these as ghosted "
                   "closes the loop, so they stop waiting on you; if someone writes back, "
                   "just move it to the new stage.")
        for row in ghosts.to_dict("records"):
            waited = (today - date.fromisoformat(row["applied_on"])).days
            name, when, action = st.columns([5, 3, 2], vertical_alignment="center")
            name.text(_name(row))
            when.caption(f"Applied {row['applied_on']}, {waited} days ago")
            action.button("Mark ghosted", key=f"ghost_{row['id']}", width="stretch",
                          on_click=_mark_ghosted,
                          args=(store, [(int(row["id"]), int(row["version"]))], today))
        items = [(int(r["id"]), int(r["version"])) for r in ghosts.to_dict("records")]
        more = total - len(items)
        if more:
            st.caption(f"…and {more:,} more. They'll appear here as you close these.")
        if len(items) > 1:
            st.button(f"Mark all {len(items)} shown as ghosted", key="ghost_all",
                      icon=":material/done_all:", on_click=_mark_ghosted,
                      args=(store, items, today))


def table_section(store: Store) -> pd.DataFrame:
    """Search, filter, sort and one page of results. Returns that page (ids included)."""
    state = st.session_state
    search, stages, sort = st.columns([3, 3, 2], vertical_alignment="bottom")
    query = search.text_input("Search", key="apps_search", on_change=_reset_page,
                              placeholder="Company, role, location or source",
                              icon=":material/search:")
    chosen = stages.multiselect("Stage", [s.value for s in Stage], key="apps_stages",
                                format_func=lambda v: Stage(v).label, on_change=_reset_page,
                                placeholder="All stages")
    order = sort.selectbox("Sort", list(SORTS), key="apps_sort", on_change=_reset_page)
    page_no = int(state.get("apps_page") or 1)
    frame, total = ui.cached(store, store.applications.search, query=query.strip(),
                             stages=tuple(chosen), limit=PAGE_SIZE,
                             offset=(page_no - 1) * PAGE_SIZE, order=SORTS[order])
    pages = max(1, -(-total // PAGE_SIZE))
    if page_no > pages:  # fewer results than before (a delete, another tab): last page
        page_no = state["apps_page"] = pages
        frame, total = ui.cached(store, store.applications.search, query=query.strip(),
                                 stages=tuple(chosen), limit=PAGE_SIZE,
                                 offset=(page_no - 1) * PAGE_SIZE, order=SORTS[order])
    if total == 0:
        st.info("No applications match. Clear the search or the stage filter to see them all.",
                icon=":material/search_off:")
        return frame
    state[ROW_IDS] = [int(i) for i in frame["id"]]
    st.dataframe(_table_view(frame), hide_index=True, key="apps_table", placeholder="—",
                 height=min(36 + 35 * len(frame), 532), on_select=_row_picked,
                 selection_mode="single-row",
                 column_config=_table_columns(),
                 alt="Your applications: company, role, stage, dates, source and link")
    first = (page_no - 1) * PAGE_SIZE + 1
    shown, pager = st.columns([4, 1], vertical_alignment="center")
    shown.caption(f"Showing {first:,}–{first + len(frame) - 1:,} of {total:,} "
                  f"application{'s' if total != 1 else ''}. Click a row to open it below; "
                  "click a column title to sort this page.")
    if pages > 1:
        pager.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1,
                           key="apps_page")
    return frame


def _table_view(frame: pd.DataFrame) -> pd.DataFrame:
    """Only what the table shows, with real dates and the stage as a coloured badge."""
    def blank_as_missing(column: str) -> pd.Series:  # shown as "—", like a missing link
        return frame[column].where(frame[column] != "", None)

    return pd.DataFrame({
        "Company": frame["company"],
        "Role": blank_as_missing("role"),
        "Stage": [[stage] for stage in frame["stage"]],
        "Applied": pd.to_datetime(frame["applied_on"]).dt.date,
        "Last change": pd.to_datetime(frame["stage_on"]).dt.date,
        "Source": blank_as_missing("source"),
        "Location": blank_as_missing("location"),
        "Link": blank_as_missing("link"),
    })


def _table_columns() -> dict[str, Any]:
    return {
        "Stage": st.column_config.MultiselectColumn(
            options=[s.value for s in Stage], color=[STAGE_HEX[s] for s in Stage],
            format_func=lambda v: Stage(v).label, width="small"),
        "Applied": st.column_config.DateColumn(format="YYYY-MM-DD", width="small"),
        "Last change": st.column_config.DateColumn(format="YYYY-MM-DD", width="small",
                                                   help="When the stage last changed"),
        "Link": st.column_config.LinkColumn(display_text="Open posting", width="small"),
    }


def pick_application(store: Store, frame: pd.DataFrame) -> dict[str, Any] | None:
    """One application to work on: from this page of results, or the one just added."""
    state = st.session_state
    labels = {int(r["id"]): _label(r) for r in frame.to_dict("records")}
    picked = state.get(PICK)
    if picked is not None and picked not in labels:
        try:  # keep the one being worked on, even when it's not on this page
            labels = {picked: _label(ui.cached(store, store.applications.get, picked)), **labels}
        except NotFoundError:
            picked = None
    if not labels:
        return None
    if picked is None:
        state[PICK] = next(iter(labels))
    st.selectbox("Application to view and update", list(labels), key=PICK,
                 format_func=labels.get,
                 help="Pick from the results above; search to find one that isn't listed.")
    try:
        return ui.cached(store, store.applications.get, int(state[PICK]))
    except NotFoundError:
        st.info("That application no longer exists. It may have been deleted in another tab.")
        return None


def detail_section(store: Store, app: dict[str, Any], today: date) -> None:
    state = st.session_state
    app_id = int(app["id"])
    loaded = state.get(LOADED)
    stage = Stage(app["stage"])
    # Load the forms from the saved row: for a newly picked application, after a write, and
    # after a visit to another page (Streamlit forgets the state of widgets it didn't draw).
    forgotten = f"{EDIT}_company" not in state or f"{STAGE}_stage" not in state
    if loaded is None or loaded[0] != app_id or forgotten:
        _fill(EDIT, {**{name: app[name] for name, _, _ in TEXT_FIELDS},
                     "applied_on": date.fromisoformat(app["applied_on"]), "notes": app["notes"]})
        _fill(STAGE, _stage_defaults(stage, today))
        for form in (EDIT, STAGE, DELETE):
            ui.clear_errors(form)
        loaded = state[LOADED] = (app_id, int(app["version"]))
    version = loaded[1]

    with st.container(border=True, key="app_detail"):
        st.header(ui.escape_markdown(_name(app)), anchor=False)
        with st.container(horizontal=True, vertical_alignment="center"):
            st.badge(stage.label, color=STAGE_COLORS[stage])
            st.caption(f"since {app['stage_on']}")
        info, timeline = st.columns([1, 1], gap="large")
        with info:
            _details(app)
        with timeline:
            st.markdown("**Timeline**")
            _timeline(ui.cached(store, store.applications.events, app_id), app["applied_on"])

        move, edit, delete = st.tabs([":material/swap_horiz: Change stage",
                                      ":material/edit: Edit details",
                                      ":material/delete: Delete"])
        with move:
            _stage_form(store, app_id, version)
        with edit:
            _edit_form(store, app, version)
        with delete:
            _delete_step(store, app)


def _details(app: dict[str, Any]) -> None:
    """Label (our words, Markdown) beside value (the user's words, plain text)."""
    contact = " · ".join(v for v in (app["contact_name"], app["contact_email"]) if v)
    rows = [("Location", app["location"]), ("Source", app["source"]), ("Contact", contact),
            ("Applied", app["applied_on"])]
    for label, value in rows:
        left, right = st.columns([1, 3], vertical_alignment="center")
        left.caption(label)
        right.text(value or "—")
    if app["link"]:
        st.link_button("Open the posting", app["link"], icon=":material/open_in_new:")
    if app["notes"]:
        st.caption("Notes")
        st.text(app["notes"])


def _timeline(events: pd.DataFrame, applied_on: str) -> None:
    """Oldest first: each stage as a coloured badge, its date and how many days in."""
    start = date.fromisoformat(applied_on)
    for event in events.to_dict("records"):
        stage = Stage._value2member_map_.get(event["stage"], Stage.APPLIED)
        day = (date.fromisoformat(event["on_date"]) - start).days
        if stage == Stage.APPLIED:
            when = "you applied"
        elif day == 0:
            when = "the same day you applied"
        else:
            when = f"{day} day{'s' if day != 1 else ''} after you applied"
        st.markdown(f":{STAGE_COLORS[stage]}-badge[{stage.label}] **{event['on_date']}** "
                    f"· {when}")
        if event["note"]:
            st.caption(ui.escape_markdown(event["note"]))


def _stage_form(store: Store, app_id: int, version: int) -> None:
    options = [s.value for s in Stage if s != Stage.APPLIED]
    with st.form(STAGE, border=False):
        left, right = st.columns(2)
        with left:
            st.selectbox("New stage", options, format_func=lambda v: Stage(v).label,
                         key=f"{STAGE}_stage")
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


def _edit_form(store: Store, app: dict[str, Any], version: int) -> None:
    with st.form(EDIT, border=False):
        _form_fields(EDIT)
        _conflict(EDIT)
        st.form_submit_button("Save changes", type="primary", key=f"{EDIT}_submit",
                              icon=":material/save:", on_click=_save_edit,
                              args=(store, int(app["id"]), version, app["stage"]))


def _conflict(form: str) -> None:
    ui.form_error(form)
    if st.session_state.get(ui.errors_key(form), {}).get("_form"):
        st.form_submit_button("Load the latest version", key=f"{form}_reload",
                              icon=":material/refresh:", on_click=_reload)


def _delete_step(store: Store, app: dict[str, Any]) -> None:
    app_id = int(app["id"])
    ui.form_error(DELETE)
    if st.session_state.get(CONFIRM) != app_id:
        st.caption("Deleting removes the application, its timeline, and any drafts and "
                   "feedback requests linked to it.")
        st.button("Delete this application…", key="delete_ask", icon=":material/delete:",
                  on_click=_ask_delete, args=(app_id,))
        return
    st.warning(f"Delete {ui.escape_markdown(_label(app))} and its whole history? "
               "This can't be undone.", icon=":material/warning:")
    yes, no, _ = st.columns([1, 1, 2])
    yes.button("Yes, delete it", type="primary", key="delete_yes", width="stretch",
               on_click=_delete, args=(store, app_id))
    no.button("Keep it", key="delete_no", width="stretch", on_click=_cancel_delete)


def _ask_delete(app_id: int) -> None:
    st.session_state[CONFIRM] = app_id


def _cancel_delete() -> None:
    st.session_state.pop(CONFIRM, None)


def empty_state() -> None:
    st.info("**Start with the application you sent most recently.** Add it below; the date "
            "and the company are all you need. Each time you hear back (a screening call, an "
            "interview, an offer or a no), come here and move it to that stage with the date. "
            "Every change is kept, and the Progress page charts it.",
            icon=":material/waving_hand:")


def main(store: Store) -> None:
    settings = ui.cached(store, store.settings.get)
    today = store.today()
    st.title("Applications", anchor=False)
    st.caption("Every application you've sent, where it stands, and how it got there.")
    first = ui.cached(store, Store.count, "applications") == 0
    if first:
        empty_state()
    add_section(store, today, first=first)
    if first:
        return
    ghosting_section(store, today, settings.ghost_after_days)
    st.header("Your applications", anchor=False)
    frame = table_section(store)
    app = pick_application(store, frame)
    if app is not None:
        detail_section(store, app, today)


main(ui.frame("Applications", ":material/work:"))
