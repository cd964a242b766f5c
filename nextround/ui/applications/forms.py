"""What the Applications page's sections share: form and state keys, the fields of the add and
edit forms, and how a write's outcome is shown.

Every write goes through the store, which validates; the sections only draw the messages.
Writes here run in widget callbacks (before the page redraws); a write that succeeded asks
for a rerun of the whole page (`ui.whole_page`), as a part may be a fragment that reruns alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from nextround import ui
from nextround.models import EARLIEST_DATE, Application, Stage
from nextround.records import ApplicationSummary
from nextround.store import Store

ADD, EDIT, STAGE, DELETE, GHOST = "add_app", "edit_app", "stage_app", "delete_app", "ghost_app"
PICK = "apps_pick"              # the id of the application being looked at
LOADED = "apps_loaded"          # (id, version) the edit and stage forms started from
CONFIRM = "apps_confirm_delete"  # the id waiting for a delete confirmation
ROW_IDS = "apps_row_ids"        # the ids of the table rows on screen, in order
BOARD = "board_move"            # the board's moves: their messages

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

STAGE_COLORS = {
    Stage.APPLIED: "gray", Stage.SCREENING: "blue", Stage.INTERVIEWING: "violet",
    Stage.OFFER: "orange", Stage.ACCEPTED: "green", Stage.REJECTED: "red",
    Stage.WITHDRAWN: "gray", Stage.GHOSTED: "gray",
}


def label_of(row: ApplicationSummary) -> str:
    """How one application is named in the picker and the delete question."""
    return ui.application_label(row.company, row.role, note=f"applied {row.applied_on}")


def fill(prefix: str, values: dict[str, Any]) -> None:
    """Put values into a form's widgets. Setting the state (rather than a widget's default)
    is what makes the browser show them, also when the same widget is already on screen."""
    for name, value in values.items():
        st.session_state[f"{prefix}_{name}"] = value


def blank(today: date) -> dict[str, Any]:
    return {**{name: "" for name, _, _ in TEXT_FIELDS}, "applied_on": today, "notes": ""}


# The natural next step, proposed by the stage form and listed first on a board card:
# applied → screening → interviewing → offer → accepted, and a late no after a ghosting. An
# application that has ended proposes nothing: offering the stage it is already at again
# reads as a mistake.
NEXT_STAGE = {Stage.APPLIED: Stage.SCREENING, Stage.SCREENING: Stage.INTERVIEWING,
              Stage.INTERVIEWING: Stage.OFFER, Stage.OFFER: Stage.ACCEPTED,
              Stage.GHOSTED: Stage.REJECTED}


def stage_defaults(stage: Stage, today: date) -> dict[str, Any]:
    """The stage form starts at the natural next step (`NEXT_STAGE`), dated today."""
    proposed = NEXT_STAGE.get(stage)
    return {"stage": None if proposed is None else proposed.value, "on_date": today,
            "note": ""}


STAGE_SAVED = "Stage updated. The change is in the timeline."


def change_stage(form: str, store: Store, application_id: int, version: int, stage: object,
                 on_date: object, note: object = "", *, message: str = STAGE_SAVED,
                 then: Callable[[None], None] | None = None) -> bool:
    """Move one application to a stage on a date: the one way the detail form and a board
    card do it. `store.applications.change_stage` checks the stage, the date and the version
    and writes the dated stage event; messages go to `form`. For widget callbacks (no rerun).
    """
    def changed(_: None) -> None:
        reload_forms()
        if then is not None:
            then(None)

    return ui.whole_page(ui.save(form, lambda: store.applications.change_stage(
        application_id, stage or "", on_date, version, note=note or ""),
        message, then=changed, rerun=False))


def application_from(prefix: str, stage: str = Stage.APPLIED) -> Application:
    """What the user typed in a form, unvalidated: the store validates (models.Application)."""
    state = st.session_state
    values = {name: state.get(f"{prefix}_{name}", "") for name, _, _ in TEXT_FIELDS}
    return Application(**values, applied_on=state.get(f"{prefix}_applied_on"),
                       notes=state.get(f"{prefix}_notes", ""), stage=stage)


def reload_forms() -> None:
    """After a write: the edit and stage forms start again from the saved row (see
    `detail.detail_section`)."""
    st.session_state.pop(LOADED, None)


def company_field(form: str) -> None:
    """The company field with its message. The add form draws it outside its `st.form`, so
    that a company the user dealt with before shows its history as soon as it is typed."""
    name, label, placeholder = TEXT_FIELDS[0]
    st.text_input(label, placeholder=placeholder, key=f"{form}_{name}")
    ui.field_error(form, name)


def form_fields(form: str, *, company: bool = True) -> None:
    """The fields shared by the add and edit forms, each with its message right under it.
    Their values come from the session state (`fill`). Without `company`, the caller draws
    `company_field` itself."""
    left, right = st.columns(2)
    fields = TEXT_FIELDS if company else TEXT_FIELDS[1:]
    for index, (name, label, placeholder) in enumerate(fields):
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
