"""Add an application: the form, open by default while the tracker is empty, and beside it
the history with a company the user dealt with before (`company_history`)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from nextround import ui
from nextround.store import Store
from nextround.ui import company_history
from nextround.ui.applications.forms import (
    ADD,
    PICK,
    application_from,
    blank,
    company_field,
    fill,
    form_fields,
    reload_forms,
)

RERUN_APP = "add_app_rerun"  # set by a successful add: the whole page redraws to show it
ADD_PANEL = "add_app_open"  # the expander's key: whether the form is open


def _add(store: Store, today: date) -> None:
    """The submit callback. On success the form empties and the new application is picked;
    on a problem, the messages are next to the fields and what was typed stays."""
    def added(new_id: int) -> None:
        company_history.remember_added(f"{ADD}_company", ADD)
        fill(ADD, blank(today))
        st.session_state[PICK] = new_id
        st.session_state[RERUN_APP] = True
        reload_forms()

    ui.save(ADD, lambda: store.applications.add(application_from(ADD)), "Application added.",
            then=added, rerun=False)


def add_section(store: Store, today: date, *, first: bool) -> None:
    """The add form. Once the tracker holds applications, a company typed here that the
    user dealt with before shows that history beside the form (`company_history`). It is
    drawn from the panel's first opening on (`ui.opened_once`): open from the start while
    the tracker is empty."""
    if f"{ADD}_company" not in st.session_state:
        fill(ADD, blank(today))
    _add_panel(store, today, first)


@st.fragment
def _add_panel(store: Store, today: date, first: bool) -> None:
    """The expander and the form in it. A fragment, so opening or closing it reruns this
    part alone, not the table and the picked application below."""
    panel = st.expander("Add an application", icon=":material/add:", expanded=first,
                        key=ADD_PANEL, on_change="rerun")
    if ui.opened_once(ADD_PANEL, panel.open):
        with panel:
            _add_area(store, today, first)


@st.fragment
def _add_area(store: Store, today: date, first: bool) -> None:
    """The company field sits outside the `st.form`, so it is looked up as soon as it is
    entered; the rest of the form is sent together, as before. It is a fragment so that
    entering the company (a rerun of this area only) never stops a submit in progress
    (`company_history.remember_added` has the whole story)."""
    if st.session_state.pop(RERUN_APP, False):
        st.rerun()  # the table and the picked application show the new one
    company_history.forget_echo(f"{ADD}_company")
    if first:  # nothing to look up yet
        _form(store, today)
        return
    form_side, history_side = st.columns([3, 2], gap="large")
    with history_side:
        shown = company_history.history_panel(
            store, st.session_state.get(f"{ADD}_company", ""), today, key=ADD)
        if shown is None:
            st.caption(company_history.TIP)
    with form_side:
        _form(store, today, known=shown is not None)
    company_history.door_note(store, shown, today, key=ADD)


def _form(store: Store, today: date, *, known: bool = False) -> None:
    company_field(ADD)
    # Always one element here, so the form below keeps its place (and what is typed in it)
    # when the history appears.
    hint = st.empty()
    if known:  # on a phone the history is below the form: say it's there
        hint.caption(":material/history: You've been in touch with them before: what "
                     "happened then is shown with this form.")
    with st.form(ADD, border=False):
        form_fields(ADD, company=False)
        ui.form_error(ADD)
        st.form_submit_button("Add application", type="primary", icon=":material/add:",
                              key=f"{ADD}_submit", on_click=_add, args=(store, today))
