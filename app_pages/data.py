"""Your data: settings, and getting data in and out (import, export, the work-search record,
backup, restore, delete).

Each tab is a section module in `nextround/ui/data/`; this page lays them out and, after a
restore or delete-all replaced the file, reopens the store.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from nextround import ui
from nextround.store import Store
from nextround.ui.data.backup import backup_section
from nextround.ui.data.check import check_section, schema_warning
from nextround.ui.data.delete import delete_section
from nextround.ui.data.export import export_section
from nextround.ui.data.importing import import_section, last_import_note
from nextround.ui.data.record import record_section
from nextround.ui.data.restore import restore_section
from nextround.ui.data.settings import settings_section

TABS = "data_tab"


def _reopen(store: Store) -> Callable[[], None]:
    """After the file was replaced or emptied: reopen it and reload every cached view."""
    def reopen() -> None:
        ui.forget_store(store.url)
        st.session_state["settings_reload"] = True
        for key in ("check_result", "import_last", "backup_last"):
            st.session_state.pop(key, None)
    return reopen


def main(store: Store) -> None:
    st.title("Your data")
    st.caption(f"Your preferences, and your data in and out. {ui.data_home(store)}")
    schema_warning(store)
    # Six tab labels don't fit a phone's width, so the work-search record sits under Export.
    # Only the open tab's display (the exports, the record, the backup list, the check) is
    # drawn; what the user types or uploads (settings, an import, a restore, the typed
    # confirmation to delete) is drawn whatever is open, so it survives a switch of tabs.
    settings, importing, export, backup, delete = st.tabs(
        ["Settings", "Import", "Export", "Backup and restore", "Delete"], key=TABS,
        on_change="rerun")
    reopen = _reopen(store)
    with settings:
        settings_section(store)
    with importing:
        last_import_note(store)
        import_section(store)
    with export:
        if export.open:
            export_section(store)
            st.divider()
            record_section(store)
    with backup:
        if backup.open:
            backup_section(store)
            st.divider()
        restore_section(store, reopen)
        if backup.open:
            st.divider()
            check_section(store)
    with delete:
        delete_section(store, reopen, open_=delete.open)


main(ui.frame("Your data", ":material/database:"))
