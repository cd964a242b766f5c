"""Close the loop on silence: applications with no reply after the threshold in settings, each
marked ghosted with one click (or all shown at once)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from nextround import ui
from nextround.records import GhostingCandidate
from nextround.store import Store
from nextround.text import plural
from nextround.ui.applications.forms import GHOST, PICK, reload_forms

GHOSTS_SHOWN = 10
Ghosts = tuple[list[GhostingCandidate], int]  # the oldest shown, and how many in all
GHOSTING = "ghosting"  # the expander's key: whether the list is open


def _mark_ghosted(store: Store, items: list[tuple[int, int]], today: date) -> None:
    """The buttons' callback. The forms reload only when the picked application was one."""
    def marked(count: int) -> None:
        if count:
            picked = st.session_state.get(PICK)
            if any(app_id == picked for app_id, _ in items):
                reload_forms()
            ui.flash("Marked as ghosted." if count == 1 else f"{count} marked as ghosted.")

    ui.save(GHOST, lambda: store.applications.mark_ghosted(items, today), then=marked, rerun=False)


def ghosting_section(store: Store, today: date, threshold: int, found: Ghosts) -> None:
    """`found`: the oldest `GHOSTS_SHOWN` applications with no reply after `threshold` days
    and how many there are (`store.applications.ghosting_candidates`, read by the page)."""
    ui.form_error(GHOST)  # e.g. one of them changed in another tab; shown once
    ui.clear_errors(GHOST)
    ghosts, total = found
    if not total:
        return
    # Tracked, so a closed list draws nothing: it only shows, and its buttons write at once.
    label = f"No reply after {plural(threshold, 'day')}: {plural(total, 'application')}"
    panel = st.expander(label, key=GHOSTING, icon=":material/hourglass_empty:", on_change="rerun")
    if panel.open:
        with panel:
            _ghost_list(store, ghosts, total, today)


def _ghost_list(store: Store, ghosts: list[GhostingCandidate], total: int,
                today: date) -> None:
    """The applications waiting longest, each with its button, and one for all shown."""
    st.caption("Silence is common and says nothing about you. Marking these as ghosted "
               "closes the loop, so they stop waiting on you; if someone writes back, "
               "just move it to the new stage.")
    for row in ghosts:
        waited = (today - row.applied_on).days
        name, when, action = st.columns([5, 3, 2], vertical_alignment="center")
        name.text(ui.application_label(row.company, row.role))
        when.caption(f"Applied {row.applied_on}, {plural(waited, 'day')} ago")
        action.button("Mark ghosted", key=f"ghost_{row.id}", width="stretch",
                      on_click=_mark_ghosted, args=(store, [(row.id, row.version)], today))
    items = [(r.id, r.version) for r in ghosts]
    more = total - len(items)
    if more:
        st.caption(f"…and {more:,} more. They'll appear here as you close these.")
    if len(items) > 1:
        st.button(f"Mark all {len(items)} shown as ghosted", key="ghost_all",
                  icon=":material/done_all:", on_click=_mark_ghosted,
                  args=(store, items, today))
