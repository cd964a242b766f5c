"""Export: everything as our lossless JSON, or the applications as a spreadsheet-safe CSV or
an Excel workbook with their stage history.
Each file is built only when its button is clicked."""

from __future__ import annotations

import streamlit as st

from nextround import transfer, ui
from nextround.store import Store
from nextround.text import plural


def export_section(store: Store) -> None:
    st.header("Export")
    st.caption("Take everything with you. The JSON file holds every table and can be imported "
               "into an empty Next Round. The CSV holds your applications for a spreadsheet; the "
               "Excel file holds them and their stage history, with real dates. Cells that a "
               "spreadsheet could run as formulas start with ' to keep them inert.")
    counts = ui.cached(store, store.transfer.table_counts)
    day = ui.today(store).isoformat()
    left, middle, right = st.columns(3)
    with left:
        st.download_button("Download everything (JSON)", data=lambda: transfer.export_json(store),
                           file_name=f"nextround-export-{day}.json", mime="application/json",
                           key="export_json", icon=":material/download:", on_click="ignore",
                           width="stretch")
    with middle:
        st.download_button("Download applications (CSV)",
                           data=lambda: transfer.export_csv(store),
                           file_name=f"nextround-applications-{day}.csv", mime="text/csv",
                           key="export_csv", icon=":material/table_view:", on_click="ignore",
                           width="stretch")
    with right:
        st.download_button("Download applications (Excel)",
                           data=lambda: transfer.export_xlsx(store),
                           file_name=f"nextround-applications-{day}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml"
                                ".sheet",
                           key="export_xlsx", icon=":material/grid_on:", on_click="ignore",
                           width="stretch")
    total = sum(n for t, n in counts.items() if t != "settings")
    st.caption(f"Your data now: {plural(counts['applications'], 'application')}, "
               f"{plural(total, 'row')} in all.")

