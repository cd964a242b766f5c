"""Add an application: the form, open by default while the tracker is empty."""

from __future__ import annotations

from datetime import date

import streamlit as st

from nextround import ui
from nextround.store import Store
from nextround.ui.applications.forms import (
    ADD,
    PICK,
    application_from,
    blank,
    fill,
    form_fields,
    reload_forms,
)


def _add(store: Store, today: date) -> None:
    """The submit callback. On success the form empties and the new application is picked;
    on a problem, the messages are next to the fields and what was typed stays."""
    def added(new_id: int) -> None:
        fill(ADD, blank(today))
        st.session_state[PICK] = new_id
        reload_forms()

    ui.save(ADD, lambda: store.applications.add(application_from(ADD)), "Application added.",
            then=added, rerun=False)


def add_section(store: Store, today: date, *, first: bool) -> None:
    if f"{ADD}_company" not in st.session_state:
        fill(ADD, blank(today))
    with st.expander("Add an application", icon=":material/add:", expanded=first):
        with st.form(ADD, border=False):
            form_fields(ADD)
            ui.form_error(ADD)
            st.form_submit_button("Add application", type="primary", icon=":material/add:",
                                  key=f"{ADD}_submit", on_click=_add, args=(store, today))
