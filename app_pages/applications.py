"""Applications: record every application, move it through its stages with a date, and close
the loop on the ones that never answered.

Shown as a table (one page of results at a time, and one application picked from that page to
look at its history, change its stage, edit or delete it) or as a board (a column per stage,
each card moved on in two clicks). Each section is a module in
`nextround/ui/applications/`; this page lays them out.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from nextround import ui
from nextround.models import ghost_cutoff
from nextround.store import Store
from nextround.ui.applications.add import add_section
from nextround.ui.applications.board import board_section, choose_view
from nextround.ui.applications.detail import picked_application
from nextround.ui.applications.ghosting import GHOSTS_SHOWN, Ghosts, ghosting_section
from nextround.ui.applications.table import filters_row, table_section

LIST = "apps_list"  # the fragment of the table or board and the picked application


def empty_state() -> None:
    st.info("**Start with the application you sent most recently.** Add it below; the date "
            "and the company are all you need. Each time you hear back (a screening call, an "
            "interview, an offer or a no), come here and move it to that stage with the date. "
            "Every change is kept, and the Progress page charts it.",
            icon=":material/waving_hand:")


def overview(store: Store, today: date) -> tuple[int, int, Ghosts]:
    """A page function for `ui.cached`: how many applications there are, the ghosting
    threshold and the applications past it: one cache look-up a rerun, not three."""
    threshold = store.settings.get().ghost_after_days
    return (store.count("applications"), threshold,
            store.applications.ghosting_candidates(ghost_cutoff(today, threshold), GHOSTS_SHOWN))


def main(store: Store) -> None:
    today = ui.today(store)
    count, threshold, ghosts = ui.cached(store, overview, today)
    st.title("Applications", anchor=False)
    st.caption("Every application you've sent, where it stands, and how it got there.")
    first = count == 0
    if first:
        empty_state()
    add_section(store, today, first=first)
    if first:
        return
    ghosting_section(store, today, threshold, ghosts)
    your_applications(store, today)


@st.fragment(key=LIST)
def your_applications(store: Store, today: date) -> None:
    """The table or the board and the application picked from it. A fragment: a search, a
    filter, a sort, a page of results or a row clicked reruns this part alone (the picker
    and its detail are a fragment of their own inside it); a write reruns the whole page."""
    st.header("Your applications", anchor=False)
    view = choose_view()
    filters = filters_row()
    if view == "Board":
        board_section(store, filters, today)
        return
    labels = table_section(store, filters)
    picked_application(store, labels, today)


main(ui.frame("Applications", ":material/work:"))
