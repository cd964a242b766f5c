"""The table of applications: search, filter by stage, sort, and one page of results at a time
(it stays fast at 10,000 applications). A click on a row opens that application below."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

from nextround import ui
from nextround.models import Stage
from nextround.records import ApplicationSummary
from nextround.store import Store
from nextround.text import noun
from nextround.ui.applications.forms import PICK, ROW_IDS, label_of

PAGE_SIZE = 50
SEARCH, STAGES, PAGE = "apps_search", "apps_stages", "apps_page"  # the filters' widget keys
SORTS = {
    "Newest applied first": "applied_on DESC",
    "Oldest applied first": "applied_on ASC",
    "Most recent stage change": "stage_on DESC",
    "Company A–Z": "company ASC",
    "Company Z–A": "company DESC",
}
# Pixel widths: the pinned company and the stage leave room for the start of the role on a
# 390 px phone; the other columns fit their contents.
COMPANY_WIDTH, STAGE_WIDTH = 150, 100
DATE_FORMAT = "D MMM YYYY"  # 18 Nov 2026 (momentJS, as the table's date columns take it)


def _row_picked() -> None:
    """A click on a table row opens that application (ids of the rows as last drawn)."""
    state = st.session_state
    rows = state["apps_table"].selection.rows
    ids = state.get(ROW_IDS, [])
    if rows and rows[0] < len(ids):
        state[PICK] = ids[rows[0]]


def _reset_page() -> None:
    st.session_state[PAGE] = 1


@dataclass(frozen=True)
class Filters:
    """The search, stage filter and sort above the applications: the table and the board
    both show what they pick."""

    query: str
    stages: tuple[str, ...]
    order: str  # one of SORTS' values

    @property
    def key(self) -> tuple[str, tuple[str, ...], str]:
        return self.query, self.stages, self.order


def filters_row() -> Filters:
    """Search, filter by stage and sort, in one row (stacked on a phone)."""
    search, stages, sort = st.columns([3, 3, 2], vertical_alignment="bottom")
    query = search.text_input("Search", key=SEARCH, on_change=_reset_page,
                              placeholder="Company, role, location or source",
                              icon=":material/search:")
    chosen = stages.multiselect("Stage", [s.value for s in Stage], key=STAGES,
                                format_func=lambda v: Stage(v).label, on_change=_reset_page,
                                placeholder="All stages")
    order = sort.selectbox("Sort", list(SORTS), key="apps_sort", on_change=_reset_page)
    return Filters(query.strip(), tuple(chosen), SORTS[order])


def no_match() -> None:
    st.info("No applications match. Clear the search or the stage filter to see them all.",
            icon=":material/search_off:")


@dataclass(frozen=True)
class TablePage:
    """One page of results, ready to draw: the ids in order, each one's picker label, how
    many match in all, and the table as Arrow (what `st.dataframe` sends)."""

    ids: list[int]
    labels: dict[int, str]
    total: int
    table: pa.Table


def table_page(store: Store, query: str, stages: tuple[str, ...], order: str,
               page_no: int) -> TablePage:
    """A page function for `ui.cached`: the search, its labels and the table built once per
    write, not on every rerun (building the frame and converting it to Arrow was most of the
    table's cost)."""
    rows, total = store.applications.search(query=query, stages=stages, limit=PAGE_SIZE,
                                            offset=(page_no - 1) * PAGE_SIZE, order=order)
    return TablePage([row.id for row in rows], {row.id: label_of(row) for row in rows}, total,
                     pa.Table.from_pandas(_table_view(rows), preserve_index=False))


def table_section(store: Store, filters: Filters) -> dict[int, str]:
    """One page of the applications the filters pick. Returns its picker labels by id."""
    state = st.session_state
    page_no = int(state.get(PAGE) or 1)
    page = ui.cached(store, table_page, *filters.key, page_no)
    pages = max(1, -(-page.total // PAGE_SIZE))
    if page_no > pages:  # fewer results than before (a delete, another tab): last page
        page_no = state[PAGE] = pages
        page = ui.cached(store, table_page, *filters.key, page_no)
    total, rows = page.total, page.ids
    if total == 0:
        no_match()
        return page.labels
    state[ROW_IDS] = rows
    st.dataframe(page.table, hide_index=True, key="apps_table", placeholder="—",
                 height=min(36 + 35 * len(rows), 532), on_select=_row_picked,
                 selection_mode="single-row",
                 column_config=_table_columns(),
                 alt="Your applications: company, role, stage, dates, source and link")
    first = (page_no - 1) * PAGE_SIZE + 1
    shown, pager = st.columns([4, 1], vertical_alignment="center")
    shown.caption(f"Showing {first:,}–{first + len(rows) - 1:,} of {total:,} "
                  f"{noun(total, 'application')}. Click a row to open it below; "
                  "click a column title to sort this page.")
    if pages > 1:
        pager.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1,
                           key=PAGE)
    return page.labels


def _table_view(rows: list[ApplicationSummary]) -> pd.DataFrame:
    """Only what the table shows: company, stage and role first (what a phone shows without
    scrolling), the stage as its plain label; an empty text is missing (shown as "—")."""
    return pd.DataFrame({
        "Company": [r.company for r in rows],
        "Stage": [Stage(r.stage).label for r in rows],
        "Role": [r.role or None for r in rows],
        "Applied": [r.applied_on for r in rows],
        "Last change": [r.stage_on for r in rows],
        "Source": [r.source or None for r in rows],
        "Location": [r.location or None for r in rows],
        "Link": [r.link or None for r in rows],
    })


def _table_columns() -> dict[str, Any]:
    """Company stays in view when the table scrolls sideways (on a phone it does); the
    stage is a word, never a badge that a narrow column clips to a dot."""
    return {
        "Company": st.column_config.TextColumn(pinned=True, width=COMPANY_WIDTH),
        "Stage": st.column_config.TextColumn(width=STAGE_WIDTH),
        "Applied": st.column_config.DateColumn(format=DATE_FORMAT),
        "Last change": st.column_config.DateColumn(format=DATE_FORMAT,
                                                   help="When the stage last changed"),
        "Link": st.column_config.LinkColumn(display_text="Open"),
    }
