"""Backup: a checked copy of the database on request, and the list of this database's backups.
Listing them (names, times, sizes) is the store's file work; this draws it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from nextround import transfer, ui
from nextround.store import Store, describe_backups

BACKUP_FORM = "backup"
BACKUPS_SHOWN = 20


def _backups_frame(paths: list[Path]) -> pd.DataFrame:
    rows = [{"Backup": backup.path.name, "Made": backup.made.strftime("%Y-%m-%d %H:%M"),
             "Size (KB)": round(backup.size / 1024)}
            for backup in describe_backups(paths[:BACKUPS_SHOWN])]
    return pd.DataFrame(rows, columns=["Backup", "Made", "Size (KB)"])


def _automatic_backup_note(store: Store) -> None:
    """How the day's automatic backup (made off the page, `ui.housekeeping`) went: a failure
    told kindly, with what to do; a success as its time."""
    runner = ui.housekeeping()
    if runner.running(store.url):
        st.caption("Today's automatic backup is being made.")
        return
    outcome = runner.last(store.url)
    if outcome is None:
        return
    which = ("Today's automatic backup" if outcome.day == ui.today(store)
             else f"The automatic backup of {outcome.day:%d %B %Y}")
    if outcome.problem:
        st.warning(f"{which} couldn't be made. "
                   f"{ui.escape_markdown(outcome.problem)} Your data is safe; you can make a "
                   "backup here.", icon=":material/warning:")
    elif outcome.made is not None:
        st.caption(f"{which} was made at {outcome.finished:%H:%M}.")


def backup_section(store: Store) -> None:
    st.header("Backup")
    _automatic_backup_note(store)  # whatever the engine: `transfer.daily_backup` decides
    if store.backup_dir is None:
        st.info("This database has no backup folder.", icon=":material/info:")
        return
    if store.on_server:
        st.caption("A backup is a full export of your data (every table, ids included), "
                   "checked after it is written. Next Round also backs up on its own before "
                   "imports and restores.")
    else:
        st.caption("A backup is a complete copy of your database, checked after it is "
                   "written. Next Round also backs up on its own before imports, restores "
                   "and upgrades.")
    st.code(str(store.backup_dir), language=None)
    if st.button("Back up now", key="backup_now", icon=":material/backup:"):
        with st.spinner("Backing up…"):
            ui.save(BACKUP_FORM, lambda: transfer.make_backup(store, reason="manual"),
                    "Backup saved.",
                    then=lambda made: st.session_state.update(backup_last=str(made)))
    ui.form_error(BACKUP_FORM)
    backups = store.backups.files()
    if backups:
        st.dataframe(_backups_frame(backups), hide_index=True, width="stretch",
                     key="backup_list")
        if len(backups) > BACKUPS_SHOWN:
            st.caption(f"The {BACKUPS_SHOWN} newest of {len(backups):,} backups.")
    else:
        st.info("No backups yet. Back up now to keep a copy of everything.",
                icon=":material/info:")
