"""Delete all my data: every record goes and the settings reset, after the user types a phrase.
A last backup is made and kept first, unless they ask to delete their backups too."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from nextround import transfer, ui
from nextround.store import Store
from nextround.text import noun, plural
from nextround.ui.data.restore import drop_upload

DELETE_FORM = "delete"
DELETE_PHRASE = "delete my data"


def delete_section(store: Store, after: Callable[[], None], *, open_: bool = True) -> None:
    """`after` runs once the data is gone (the page reopens the store and reloads). `open_`
    is False while the tab is closed: the checkbox and the typed phrase are still drawn (so
    they survive a switch of tabs), the paths are not. A code box pulls in Streamlit's
    syntax highlighter, 1.5 MB of JavaScript, which every load of the page would pay for."""
    st.header("Delete all my data")
    st.caption("Removes every application, draft, note, reflection and check-in, and resets "
               "your settings. This can't be undone.")
    if open_:
        st.markdown("Your database file:")
        st.code(store.where, language=None)
        if store.path is not None:
            st.markdown("Your backups:")
            st.code(str(store.backup_dir), language=None)
    also_backups = st.checkbox("Also delete my backups", key="delete_backups",
                               help="Otherwise a last backup is made first and kept, so you "
                                    "could still restore it.")
    st.text_input(f"To confirm, type: {DELETE_PHRASE}", key="delete_phrase")
    ui.field_error(DELETE_FORM, "phrase")
    if st.button("Delete all my data", key="delete_confirm",
                 icon=":material/delete_forever:"):
        typed = " ".join(str(st.session_state.get("delete_phrase", "")).lower().split())
        if typed != DELETE_PHRASE:
            ui.set_errors(DELETE_FORM, {"phrase": f"Type {DELETE_PHRASE} exactly to confirm."})
            st.rerun()

        def delete() -> int:
            # Not while today's automatic backup is being made: it would keep the data.
            with ui.housekeeping().exclusive(store.url):
                if not also_backups and store.backup_dir is not None:
                    transfer.make_backup(store, reason="before-delete")
                store.delete_all_data()
                return store.backups.delete_all() if also_backups else 0

        def deleted(_: int) -> None:
            st.session_state.pop("delete_phrase", None)
            st.session_state.pop("delete_backups", None)
            drop_upload(store, "This file was removed with your data. Choose it again to "
                               "restore it.")
            after()

        def told(removed: int) -> str:
            kept = len(store.backups.ambiguous()) if also_backups else 0
            return ("All your data was deleted"
                    + (f", and {plural(removed, 'backup')}." if also_backups else ".")
                    + (f" {plural(kept, 'older backup')} in the backups folder might belong to "
                       "another database with a similar name, so "
                       f"{noun(kept, 'it was', 'they were')} kept." if kept else ""))

        with st.spinner("Deleting…"):
            ui.save(DELETE_FORM, delete, told, then=deleted)
    ui.form_error(DELETE_FORM)
