"""The table of applications: search, filter by stage, sort, and one page of results at a time
(it stays fast at 10,000 applications). A click on a row opens that application below."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from nextround import ui
from nextround.models import Stage
from nextround.records import ApplicationSummary
from nextround.store import Store
from nextround.ui.applications.forms import PICK, ROW_IDS

PAGE_SIZE = 50
SORTS = {
    "Newest applied first": "applied_on DESC",
    "Oldest applied first": "applied_on ASC",
    "Most recent stage change": "stage_on DESC",
    "Company A–Z": "company ASC",
    "Company Z–A": "company DESC",
}
STAGE_HEX = {  # the same families as forms.STAGE_COLORS, as colours the table's badges accept
    Stage.APPLIED: "#8A9A96", Stage.SCREENING: "#3F7FBF", Stage.INTERVIEWING: "#7B61C4",
    Stage.OFFER: "#D98A2B", Stage.ACCEPTED: "#2E9E6B", Stage.REJECTED: "#C65353",
    Stage.WITHDRAWN: "#8A9A96", Stage.GHOSTED: "#6F7B78",
}


def _row_picked() -> None:
    """A click on a table row opens that application (ids of the rows as last drawn)."""
    state = st.session_state
    rows = state["apps_table"].selection.rows
    ids = state.get(ROW_IDS, [])
    if rows and rows[0] < len(ids):
        state[PICK] = ids[rows[0]]


def _reset_page() -> None:
    st.session_state["apps_page"] = 1


def table_section(store: Store) -> list[ApplicationSummary]:
    """Search, filter, sort and one page of results. Returns that page."""
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
    rows, total = ui.cached(store, store.applications.search, query=query.strip(),
                            stages=tuple(chosen), limit=PAGE_SIZE,
                            offset=(page_no - 1) * PAGE_SIZE, order=SORTS[order])
    pages = max(1, -(-total // PAGE_SIZE))
    if page_no > pages:  # fewer results than before (a delete, another tab): last page
        page_no = state["apps_page"] = pages
        rows, total = ui.cached(store, store.applications.search, query=query.strip(),
                                stages=tuple(chosen), limit=PAGE_SIZE,
                                offset=(page_no - 1) * PAGE_SIZE, order=SORTS[order])
    if total == 0:
        st.info("No applications match. Clear the search or the stage filter to see them all.",
                icon=":material/search_off:")
        return rows
    state[ROW_IDS] = [row.id for row in rows]
    st.dataframe(_table_view(rows), hide_index=True, key="apps_table", placeholder="—",
                 height=min(36 + 35 * len(rows), 532), on_select=_row_picked,
                 selection_mode="single-row",
                 column_config=_table_columns(),
                 alt="Your applications: company, role, stage, dates, source and link")
    first = (page_no - 1) * PAGE_SIZE + 1
    shown, pager = st.columns([4, 1], vertical_alignment="center")
    shown.caption(f"Showing {first:,}–{first + len(rows) - 1:,} of {total:,} "
                  f"application{'s' if total != 1 else ''}. Click a row to open it below; "
                  "click a column title to sort this page.")
    if pages > 1:
        pager.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1,
                           key="apps_page")
    return rows


def _table_view(rows: list[ApplicationSummary]) -> pd.DataFrame:
    """Only what the table shows, with the stage as a coloured badge; an empty text is
    missing (shown as "—", like a missing link)."""
    return pd.DataFrame({
        "Company": [r.company for r in rows],
        "Role": [r.role or None for r in rows],
        "Stage": [[r.stage] for r in rows],
        "Applied": [r.applied_on for r in rows],
        "Last change": [r.stage_on for r in rows],
        "Source": [r.source or None for r in rows],
        "Location": [r.location or None for r in rows],
        "Link": [r.link or None for r in rows],
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
