"""Restore: replace the current data with one of this database's backups or an uploaded file.

The candidate is checked completely (once per version of the file) and its rows are shown
beside today's before anything is replaced; the current data is backed up first. An uploaded
file is kept by the store, private and beside the database, only while the user needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from nextround import transfer, ui
from nextround.store import TABLES, RestoreResult, Store, StoreError, file_version

RESTORE_FORM = "restore"
FROM_BACKUP, FROM_UPLOAD = "One of my backups", "A file I upload"


def _uploaded_candidate(store: Store, upload) -> Path:  # noqa: ANN001 - an UploadedFile
    """Keep the uploaded file on disk (restore works on files), once per upload. The store
    keeps it private and beside the database; a new upload replaces the old one."""
    saved = st.session_state.get("restore_upload_saved")
    if saved and saved[0] == upload.file_id and file_version(saved[1]) is not None:
        return Path(saved[1])
    discard_upload(store)
    path = store.backups.save_upload(upload.getvalue())
    st.session_state["restore_upload_saved"] = (upload.file_id, str(path))
    return path


def discard_upload(store: Store) -> None:
    """The user left the upload (cleared it, picked a backup, restored): remove the copy."""
    saved = st.session_state.pop("restore_upload_saved", None)
    if saved:
        store.backups.discard_upload(saved[1])


def drop_upload(store: Store, message: str) -> None:
    """Remove the copy after a restore or delete-all, and don't keep the file the uploader
    still holds again: say `message` instead until another file is chosen."""
    saved = st.session_state.get("restore_upload_saved")
    if saved:
        st.session_state["restore_upload_dropped"] = (saved[0], message)
    discard_upload(store)


@st.cache_data(show_spinner="Checking the backup…", max_entries=8)
def _describe(url: str, path: str, version: tuple[int, int] | None) -> dict[str, int] | str:
    """Rows per table in a backup for the database at `url`, or why it can't be restored.
    The full check is slow on a big file, so it runs once per file version
    (`file_version`), not on every rerun; a file gone meanwhile is refused in words."""
    try:
        return transfer.describe_backup(ui.open_store(url), path)
    except StoreError as exc:
        return str(exc)


def restore_section(store: Store, after: Callable[[], None]) -> None:
    """`after` runs once the file was replaced (the page reopens the store and reloads)."""
    st.header("Restore")
    if store.path is None and not store.on_server:
        return
    st.caption("Replace your current data with a backup. The file is checked first, and your "
               "current data is backed up before anything is replaced.")
    source = st.radio("Restore from", [FROM_BACKUP, FROM_UPLOAD], key="restore_source",
                      horizontal=True)
    candidate: Path | None = None
    if source == FROM_BACKUP:
        discard_upload(store)
        backups = store.backups.files()[:50]
        if not backups:
            st.info("There are no backups to restore yet.", icon=":material/info:")
            return
        names = {p.name: p for p in backups}
        picked = ui.pick("Backup", names, lambda path: path.name, key="restore_pick",
                         index=None, placeholder="Pick a backup (newest first)")
        candidate = names.get(picked) if picked else None
    else:
        # A file's backups are database files; a server's are full exports.
        kinds = ["json"] if store.on_server else ["db", "sqlite", "sqlite3"]
        upload = st.file_uploader(f"Backup file (.{kinds[0]})", type=kinds,
                                  max_upload_size=200, key="restore_upload")
        dropped = st.session_state.get("restore_upload_dropped")
        if upload is None:
            discard_upload(store)
        elif dropped and dropped[0] == upload.file_id:
            st.info(dropped[1], icon=":material/info:")
            return
        else:
            try:
                candidate = _uploaded_candidate(store, upload)
            except StoreError as exc:
                st.error(str(exc), icon=":material/error:")
                return
    if candidate is None:
        return
    incoming = _describe(store.url, str(candidate), file_version(candidate))
    if isinstance(incoming, str):
        st.error(incoming, icon=":material/error:")
        return
    current = ui.cached(store, store.transfer.table_counts)
    st.markdown("**What will be replaced**")
    st.dataframe(pd.DataFrame({
        "Table": [t.replace("_", " ") for t in TABLES],
        "Now": [current.get(t, 0) for t in TABLES],
        "After restoring": [incoming.get(t, 0) for t in TABLES],
    }), hide_index=True, key="restore_counts", width="content")
    st.checkbox("Replace my current data with this backup", key="restore_agree")
    ui.field_error(RESTORE_FORM, "agree")
    if st.button("Restore", key="restore_confirm", type="primary", icon=":material/restore:"):
        if not st.session_state.get("restore_agree"):
            ui.set_errors(RESTORE_FORM, {"agree": "Tick the box to confirm the replacement."})
            st.rerun()

        def restored(_: object) -> None:
            st.session_state.pop("restore_agree", None)
            st.session_state.pop("restore_pick", None)
            drop_upload(store, "Restored from this file. Choose another file to restore "
                               "again.")
            after()

        def restore() -> RestoreResult:
            # Not while today's automatic backup reads the data this replaces.
            with ui.housekeeping().exclusive(store.url):
                return transfer.restore_backup(store, candidate)

        with st.spinner("Backing up your current data, then restoring…"):
            ui.save(RESTORE_FORM, restore, "Restored. Your previous data was backed up first.",
                    then=restored)
    ui.form_error(RESTORE_FORM)
