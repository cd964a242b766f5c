"""Your data: settings, and getting data in and out (import, export, backup, restore, delete).

Everything here either changes preferences or moves the user's whole history, so every
destructive step confirms first and every write is one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import available_timezones

import pandas as pd
import streamlit as st

from nextround import store as store_module
from nextround import transfer, ui, wellbeing
from nextround.models import Settings, Stage
from nextround.store import TABLES, Store, StoreError
from nextround.ui.sized_cache import SizedCache

OTHER_REGION = "OTHER"
REGION_NAMES = {"US": "United States", "UK": "United Kingdom", "IE": "Ireland",
                "CA": "Canada", "AU": "Australia", "NZ": "New Zealand",
                OTHER_REGION: "Other / everywhere"}
SETTINGS_FORM = "settings"
_SETTINGS_FIELDS = ("name", "signature", "weekly_goal", "ghost_after_days", "follow_up_days",
                    "timezone", "support_region")


def _region_label(code: str) -> str:
    return REGION_NAMES.get(code, code)


def _load_settings_into_widgets(current: Settings) -> None:
    """Fill the form from the database once, and remember which version the user started from,
    so a save from a stale tab is refused instead of overwriting another tab's change."""
    state = st.session_state
    untouched = all(state.get(f"settings_{name}") == value
                    for name, value in state.get("settings_loaded_values", {}).items())
    # Streamlit forgets a widget's value while another page is shown, so a missing key also
    # means "load again".
    missing = any(f"settings_{name}" not in state for name in _SETTINGS_FIELDS)
    if (state.pop("settings_reload", False) or "settings_loaded_version" not in state
            or missing or (untouched and state["settings_loaded_version"] != current.version)):
        values = {name: getattr(current, name) for name in _SETTINGS_FIELDS}
        for name, value in values.items():
            state[f"settings_{name}"] = value
        state["settings_loaded_values"] = values
        state["settings_loaded_version"] = current.version


@st.cache_resource(show_spinner=False)
def _zones() -> tuple[str, ...]:
    """The IANA zone names: listing them walks the zoneinfo folders (8 ms); once is enough."""
    return tuple(sorted(available_timezones()))


def settings_section(store: Store) -> None:
    current = ui.cached(store, store.settings.get)
    for notice in current.notices:  # a bad value already in the file, replaced on reading
        st.warning(ui.escape_markdown(notice), icon=":material/warning:")
    _load_settings_into_widgets(current)
    regions = [*wellbeing.support_regions(), OTHER_REGION]
    if st.session_state["settings_support_region"] not in regions:
        st.session_state["settings_support_region"] = OTHER_REGION
    zones = list(_zones())
    if st.session_state["settings_timezone"] not in zones:
        zones.insert(0, st.session_state["settings_timezone"])

    with st.form("settings_form", border=True):
        st.text_input("Your name", key="settings_name", max_chars=100,
                      help="Used to sign the emails Next Round drafts for you.")
        ui.field_error(SETTINGS_FORM, "name")
        st.text_area("Email signature", key="settings_signature", max_chars=500, height=100,
                     help="Added at the end of every draft.")
        ui.field_error(SETTINGS_FORM, "signature")
        left, middle, right = st.columns(3)
        with left:
            st.number_input("Weekly application goal", key="settings_weekly_goal",
                            min_value=0, max_value=100, step=1,
                            help="Shown as a line on the weekly chart. 0 means no goal.")
            ui.field_error(SETTINGS_FORM, "weekly_goal")
        with middle:
            st.number_input("Call it ghosted after (days)", key="settings_ghost_after_days",
                            min_value=1, max_value=365, step=1,
                            help="Applications with no reply after this many days are flagged.")
            ui.field_error(SETTINGS_FORM, "ghost_after_days")
        with right:
            st.number_input("Follow up after (days)", key="settings_follow_up_days",
                            min_value=1, max_value=60, step=1,
                            help="When a feedback request without a reply is due a follow-up.")
            ui.field_error(SETTINGS_FORM, "follow_up_days")
        left, right = st.columns(2)
        with left:
            st.selectbox("Time zone", zones, key="settings_timezone",
                         help="Decides what \"today\" is for you.")
            ui.field_error(SETTINGS_FORM, "timezone")
        with right:
            st.selectbox("Support region", regions, key="settings_support_region",
                         format_func=_region_label,
                         help="Which support services the Get support button lists first.")
            ui.field_error(SETTINGS_FORM, "support_region")
        saved = st.form_submit_button("Save settings", type="primary",
                                      icon=":material/save:")
    ui.form_error(SETTINGS_FORM)
    if saved:
        state = st.session_state
        wanted = Settings(
            name=state["settings_name"], signature=state["settings_signature"],
            weekly_goal=int(state["settings_weekly_goal"]),
            ghost_after_days=int(state["settings_ghost_after_days"]),
            follow_up_days=int(state["settings_follow_up_days"]),
            timezone=state["settings_timezone"], support_region=state["settings_support_region"],
            version=state["settings_loaded_version"], extra=current.extra,
        )
        if ui.run_action(SETTINGS_FORM, lambda: store.settings.save(wanted)) is not None:
            state["settings_reload"] = True
            ui.flash("Settings saved.")
            st.rerun()
        st.rerun()
    if "_form" in st.session_state.get(ui.errors_key(SETTINGS_FORM), {}):
        if st.button("Load the latest settings", key="settings_load_latest",
                     icon=":material/refresh:"):
            st.session_state["settings_reload"] = True
            ui.clear_errors(SETTINGS_FORM)
            st.rerun()



# --- import ---------------------------------------------------------------------------------

IMPORT_FORM = "import"
PICK_STAGE = "(pick a stage)"
KIND_LABELS = {
    "ours": "A Next Round CSV export",
    "csv": "A spreadsheet from another tracker",
    "json": "A full Next Round export (JSON)",
}
MAX_STATUS_WIDGETS = 30
SHOWN_PROBLEMS = 200


PREVIEW_CACHE_BYTES = 128 * 1024 * 1024  # all cached previews together, every session
PREVIEW_BYTES_PER_FILE_BYTE = 8  # a preview's rows take about this much more than the file


@st.cache_resource(show_spinner=False)
def _preview_cache() -> SizedCache:
    return SizedCache(PREVIEW_CACHE_BYTES)


def _preview(store: Store, data: bytes, date_format: str,
             overrides: tuple[tuple[str, str], ...]) -> transfer.Preview:
    """The file's preview, cached until the next write to the database."""
    key = (store.url, store.change_count(), hashlib.blake2b(data, digest_size=16).digest(),
           date_format, overrides)
    return _preview_cache().get(key, lambda: transfer.preview(
        store, data, date_format=date_format, status_overrides=dict(overrides)),
        len(data) * PREVIEW_BYTES_PER_FILE_BYTE + 65_536)


def _status_overrides(words: list[str]) -> tuple[tuple[str, str], ...]:
    """What the user picked for each status word (only the ones they set)."""
    picked = []
    for word in words:
        value = st.session_state.get(_status_key(word))
        if value and value != PICK_STAGE:
            picked.append((word, value))
    return tuple(picked)


def _status_key(word: str) -> str:
    return f"import_status_{word.casefold()}"


def _problems_frame(problems: list[transfer.Problem]) -> pd.DataFrame:
    shown = problems[:SHOWN_PROBLEMS]
    return pd.DataFrame({
        "Line": [f"{p.table} row {p.row}" if p.table else "" if p.line is None else str(p.line)
                 for p in shown],
        "Field": [transfer.FIELD_LABELS.get(p.field, p.field or "") for p in shown],
        "Problem": [p.message for p in shown],
    })


def _show_problems(problems: list[transfer.Problem]) -> None:
    st.error(f"{len(problems):,} problem(s) to fix first. Nothing has been imported; the file "
             "is imported only when every line is right.", icon=":material/error:")
    st.dataframe(_problems_frame(problems), hide_index=True, width="stretch",
                 key="import_problems")
    if len(problems) > SHOWN_PROBLEMS:
        st.caption(f"Showing the first {SHOWN_PROBLEMS} of {len(problems):,}.")


def _status_mapping(found: transfer.Preview) -> None:
    """One picker per distinct status word in their file: their word → our stage."""
    if not found.statuses:
        return
    st.markdown("**Their statuses → our stages**")
    words = list(found.statuses)
    if len(words) > MAX_STATUS_WIDGETS:
        st.warning(f"The file uses {len(words):,} different statuses; only the first "
                   f"{MAX_STATUS_WIDGETS} can be mapped here. Tidy the Status column and "
                   "upload again.", icon=":material/warning:")
        words = words[:MAX_STATUS_WIDGETS]
    options = [PICK_STAGE, *(s.value for s in Stage)]
    columns = st.columns(3)
    for index, word in enumerate(words):
        stage, count = found.statuses[word]
        key = _status_key(word)
        if key not in st.session_state:
            st.session_state[key] = stage or PICK_STAGE
        with columns[index % 3]:
            label = f"{ui.escape_markdown(word) or '(empty)'} · {count:,} row(s)"
            st.selectbox(label, options, key=key,
                         format_func=lambda v: v if v == PICK_STAGE else Stage(v).label)


def import_section(store: Store) -> None:
    st.header("Import")
    st.caption("Bring in a CSV from your own spreadsheet or another tracker (columns such as "
               "Company, Role or Title, Date applied, Status, Link, Location, Source, Notes, "
               "Contact), a Next Round CSV export, or a full Next Round export (JSON) into an "
               "empty database. You'll see a preview first; nothing is saved until you confirm.")
    generation = st.session_state.setdefault("import_generation", 0)
    upload = st.file_uploader("Choose a file (CSV or JSON, up to 10 MB)",
                              type=["csv", "tsv", "txt", "json"], max_upload_size=10,
                              key=f"import_file_{generation}")
    ui.form_error(IMPORT_FORM)
    if upload is None:
        return
    data = upload.getvalue()
    formats = list(transfer.DATE_FORMATS)
    date_format = st.selectbox(
        "Dates in the file are written as", formats, key="import_date_format",
        help="Pick how the file writes dates. Dates are never guessed.")
    words = list(st.session_state.get("import_status_words", []))
    found = _preview(store, data, date_format, _status_overrides(words))
    st.session_state["import_status_words"] = list(found.statuses)
    if found.kind == "unknown":
        _show_problems(found.errors)
        return

    st.markdown(f"**What this file is:** {KIND_LABELS[found.kind]}, "
                f"{found.row_count:,} row(s).")
    if found.kind == "json":
        counts = found.counts()
        st.dataframe(pd.DataFrame({"Table": list(counts), "Rows": list(counts.values())}),
                     hide_index=True, key="import_table_counts", width="content")
    else:
        mapping = pd.DataFrame({
            "Their column": list(found.mapping) + found.ignored_columns,
            "Becomes": [transfer.FIELD_LABELS[f] for f in found.mapping.values()]
            + ["(ignored)"] * len(found.ignored_columns),
        })
        st.markdown("**Their columns → our fields**")
        st.dataframe(mapping, hide_index=True, key="import_mapping", width="content")
        _status_mapping(found)
    if found.errors:
        _show_problems(found.errors)
        return
    if found.kind != "json":
        st.markdown("**First rows, as they will be saved**")
        sample = pd.DataFrame(found.rows[:20]).rename(
            columns={"_line": "Line", **transfer.FIELD_LABELS})
        st.dataframe(sample, hide_index=True, width="stretch", key="import_sample")
    policy = "import"
    if found.duplicates:
        st.warning(f"{len(found.duplicates):,} row(s) look like applications you already have "
                   "(same company, role and date applied).", icon=":material/content_copy:")
        st.dataframe(pd.DataFrame([{
            "Line": d.line, "Company": d.company, "Role": d.role, "Date applied": d.applied_on,
            "Same as": d.same_as} for d in found.duplicates[:SHOWN_PROBLEMS]]),
            hide_index=True, width="stretch", key="import_duplicates")
        choice = st.radio("What should happen to them?",
                          ["Leave them out", "Import them anyway"], index=None,
                          key="import_duplicates_choice")
        ui.field_error(IMPORT_FORM, "duplicates")
        policy = {"Leave them out": "skip", "Import them anyway": "import"}.get(choice or "",
                                                                              "refuse")
    count = len(found.rows) if found.kind != "json" else found.row_count
    if policy == "skip":
        count -= len(found.duplicates)
    label = (f"Import {count:,} application(s)" if found.kind != "json"
             else f"Import {count:,} row(s) from the export")
    if st.button(label, key="import_confirm", type="primary", icon=":material/upload:"):
        if policy == "refuse":
            ui.set_errors(IMPORT_FORM, {"duplicates": "Choose what happens to the possible "
                                                      "duplicates first."})
            st.rerun()
        _run_import(store, data, date_format, _status_overrides(words), policy)


def _run_import(store: Store, data: bytes, date_format: str,
                overrides: tuple[tuple[str, str], ...], policy: str) -> None:
    bar = st.progress(0.0, text="Backing up, then importing…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=f"Imported {done:,} of {total:,}…")

    try:
        result = transfer.import_file(store, data, date_format=date_format,
                                      status_overrides=dict(overrides), duplicates=policy,
                                      progress=progress)
    except transfer.ImportRefused as refused:
        bar.empty()
        ui.set_errors(IMPORT_FORM, {"_form": "Nothing was imported: "
                                    + "; ".join(str(p) for p in refused.problems[:3])})
        st.rerun()
    except StoreError as exc:
        bar.empty()
        ui.set_errors(IMPORT_FORM, {"_form": str(exc)})
        st.rerun()
    ui.clear_errors(IMPORT_FORM)
    for key in [k for k in st.session_state if str(k).startswith("import_status_")]:
        del st.session_state[key]
    st.session_state.pop("import_duplicates_choice", None)
    st.session_state["import_generation"] += 1
    st.session_state["import_last"] = (result.written, result.skipped_duplicates,
                                       str(result.backup or ""))
    ui.flash(f"Imported {result.written:,} row(s).")
    st.rerun()


def _last_import_note() -> None:
    last = st.session_state.get("import_last")
    if last:
        written, skipped, backup = last
        st.success(f"Imported {written:,} row(s)"
                   + (f", left out {skipped:,} duplicate(s)" if skipped else "") + ".",
                   icon=":material/check_circle:")
        if backup:
            st.caption("A backup of your data from just before the import:")
            st.code(backup, language=None)


# --- export ---------------------------------------------------------------------------------

def export_section(store: Store) -> None:
    st.header("Export")
    st.caption("Take everything with you. The JSON file holds every table and can be imported "
               "into an empty Next Round. The CSV holds your applications for a spreadsheet; "
               "cells that a spreadsheet could run as formulas start with ' to keep them inert.")
    counts = ui.cached(store, store.transfer.table_counts)
    day = store.today().isoformat()
    left, right = st.columns(2)
    with left:
        st.download_button("Download everything (JSON)", data=lambda: transfer.export_json(store),
                           file_name=f"nextround-export-{day}.json", mime="application/json",
                           key="export_json", icon=":material/download:", on_click="ignore",
                           width="stretch")
    with right:
        st.download_button("Download applications (CSV)",
                           data=lambda: transfer.export_csv(store),
                           file_name=f"nextround-applications-{day}.csv", mime="text/csv",
                           key="export_csv", icon=":material/table_view:", on_click="ignore",
                           width="stretch")
    total = sum(n for t, n in counts.items() if t != "settings")
    st.caption(f"Your data now: {counts['applications']:,} application(s), {total:,} row(s) "
               "in all.")


# --- backup, restore and check --------------------------------------------------------------

BACKUP_FORM = "backup"


def _backups_frame(paths: list[Path]) -> pd.DataFrame:
    rows = []
    for path in paths[:20]:
        try:
            info = path.stat()
        except OSError:
            continue
        rows.append({"Backup": path.name,
                     "Made": datetime.fromtimestamp(info.st_mtime).strftime("%Y-%m-%d %H:%M"),
                     "Size (KB)": round(info.st_size / 1024)})
    return pd.DataFrame(rows, columns=["Backup", "Made", "Size (KB)"])


def backup_section(store: Store) -> None:
    st.header("Backup")
    if store.path is None:
        st.info("Backups from here are for the built-in SQLite database. For a server "
                "database, use its own backup tools.", icon=":material/info:")
        return
    st.caption("A backup is a complete copy of your database, checked after it is written. "
               "Next Round also backs up on its own before imports, restores and upgrades.")
    st.code(str(store.backup_dir), language=None)
    if st.button("Back up now", key="backup_now", icon=":material/backup:"):
        with st.spinner("Backing up…"):
            made = ui.run_action(BACKUP_FORM, lambda: store.backups.make(reason="manual"))
        if made is not None:
            ui.flash("Backup saved.")
            st.session_state["backup_last"] = str(made)
            st.rerun()
    ui.form_error(BACKUP_FORM)
    backups = store.backups.files()
    if backups:
        st.dataframe(_backups_frame(backups), hide_index=True, width="stretch",
                     key="backup_list")
        if len(backups) > 20:
            st.caption(f"The 20 newest of {len(backups):,} backups.")
    else:
        st.info("No backups yet. Back up now to keep a copy of everything.",
                icon=":material/info:")


RESTORE_FORM = "restore"
FROM_BACKUP, FROM_UPLOAD = "One of my backups", "A file I upload"


def _uploaded_candidate(store: Store, upload) -> Path:  # noqa: ANN001 - an UploadedFile
    """Keep the uploaded file on disk (restore works on files), once per upload. The store
    keeps it private and beside the database; a new upload replaces the old one."""
    saved = st.session_state.get("restore_upload_saved")
    if saved and saved[0] == upload.file_id and Path(saved[1]).exists():
        return Path(saved[1])
    _discard_upload(store)
    path = store.backups.save_upload(upload.getvalue())
    st.session_state["restore_upload_saved"] = (upload.file_id, str(path))
    return path


def _discard_upload(store: Store) -> None:
    """The user left the upload (cleared it, picked a backup, restored): remove the copy."""
    saved = st.session_state.pop("restore_upload_saved", None)
    if saved:
        store.backups.discard_upload(saved[1])


def _drop_upload(store: Store, message: str) -> None:
    """Remove the copy after a restore or delete-all, and don't keep the file the uploader
    still holds again: say `message` instead until another file is chosen."""
    saved = st.session_state.get("restore_upload_saved")
    if saved:
        st.session_state["restore_upload_dropped"] = (saved[0], message)
    _discard_upload(store)


@st.cache_data(show_spinner="Checking the backup…", max_entries=8)
def _describe(path: str, mtime_ns: int, size: int) -> dict[str, int] | str:
    """Rows per table in a backup, or why it can't be restored. The full integrity check is
    slow on a big file, so it runs once per file version, not on every rerun."""
    try:
        return store_module.describe_database_file(
            path, check_rows=transfer.stored_value_problems)
    except StoreError as exc:
        return str(exc)


def restore_section(store: Store, after: Callable[[], None]) -> None:
    st.header("Restore")
    if store.path is None:
        return
    st.caption("Replace your current data with a backup. The file is checked first, and your "
               "current data is backed up before anything is replaced.")
    source = st.radio("Restore from", [FROM_BACKUP, FROM_UPLOAD], key="restore_source",
                      horizontal=True)
    candidate: Path | None = None
    if source == FROM_BACKUP:
        _discard_upload(store)
        backups = store.backups.files()[:50]
        if not backups:
            st.info("There are no backups to restore yet.", icon=":material/info:")
            return
        names = {p.name: p for p in backups}
        picked = st.selectbox("Backup", list(names), key="restore_pick", index=None,
                              placeholder="Pick a backup (newest first)")
        candidate = names.get(picked) if picked else None
    else:
        upload = st.file_uploader("Backup file (.db)", type=["db", "sqlite", "sqlite3"],
                                  max_upload_size=200, key="restore_upload")
        dropped = st.session_state.get("restore_upload_dropped")
        if upload is None:
            _discard_upload(store)
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
    info = candidate.stat()
    incoming = _describe(str(candidate), info.st_mtime_ns, info.st_size)
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
        with st.spinner("Backing up your current data, then restoring…"):
            result = ui.run_action(RESTORE_FORM, lambda: store_module.restore_database(
                store.url, candidate, check_rows=transfer.stored_value_problems,
                backup_dir=store.backup_dir))
        if result is not None:
            st.session_state.pop("restore_agree", None)
            st.session_state.pop("restore_pick", None)
            _drop_upload(store, "Restored from this file. Choose another file to restore "
                                "again.")
            after()
            ui.flash("Restored. Your previous data was backed up first.")
            st.rerun()
    ui.form_error(RESTORE_FORM)


CHECK_FORM = "check"


def check_section(store: Store) -> None:
    st.header("Check")
    st.caption("Checks that the whole database file is intact, that its tables, indexes and "
               "triggers are exactly Next Round's, and that the links between tables hold.")
    if st.button("Check my database", key="check_now", icon=":material/health_and_safety:"):
        with st.spinner("Checking…"):
            problems = ui.run_action(CHECK_FORM, lambda: store.integrity_problems(
                transfer.stored_value_problems))
        if problems is not None:
            st.session_state["check_result"] = problems
    ui.form_error(CHECK_FORM)
    result = st.session_state.get("check_result")
    if result == []:
        st.success("Your database is healthy.", icon=":material/check_circle:")
    elif result:
        st.error(f"The check found {len(result):,} problem(s). Your data has not been changed. "
                 "Restoring a recent backup is the safest fix.", icon=":material/error:")
        st.dataframe(pd.DataFrame({"Problem": result[:100]}), hide_index=True,
                     key="check_problems", width="content")


# --- delete everything ----------------------------------------------------------------------

DELETE_FORM = "delete"
DELETE_PHRASE = "delete my data"


def delete_section(store: Store, after: Callable[[], None]) -> None:
    st.header("Delete all my data")
    st.caption("Removes every application, draft, note, reflection and check-in, and resets "
               "your settings. This can't be undone.")
    st.markdown("Your database file:")
    st.code(str(store.path or store.url), language=None)
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
            if not also_backups and store.path is not None:
                store.backups.make(reason="before-delete")
            store.delete_all_data()
            return store.backups.delete_all() if also_backups else 0

        with st.spinner("Deleting…"):
            removed = ui.run_action(DELETE_FORM, delete)
        if removed is not None:
            st.session_state.pop("delete_phrase", None)
            st.session_state.pop("delete_backups", None)
            _drop_upload(store, "This file was removed with your data. Choose it again to "
                                "restore it.")
            after()
            kept = len(store.backups.ambiguous()) if also_backups else 0
            ui.flash("All your data was deleted"
                     + (f", and {removed:,} backup(s)." if also_backups else ".")
                     + (f" {kept:,} older backup(s) in the backups folder might belong to "
                        "another database with a similar name, so they were kept."
                        if kept else ""))
            st.rerun()
    ui.form_error(DELETE_FORM)


def _reopen(store: Store) -> Callable[[], None]:
    """After the file was replaced or emptied: reopen it and reload every cached view."""
    def reopen() -> None:
        ui.forget_store(store.url)
        st.session_state["settings_reload"] = True
        for key in ("check_result", "import_last", "backup_last"):
            st.session_state.pop(key, None)
    return reopen


def _schema_warning(store: Store) -> None:
    """Above the tabs: a trigger or table another program added runs on every save, so the
    user should see it before anything else here (quick: no data is read)."""
    if "check_result" in st.session_state:
        return  # the check's own result lists every problem
    changed = store.schema_problems()
    if changed:
        st.warning("Something other than Next Round changed this database's tables: "
                   + "; ".join(changed[:3]) + ". Run the check under Backup and restore, and "
                   "restore a recent backup if anything looks wrong.", icon=":material/warning:")


def main(store: Store) -> None:
    st.title("Your data")
    st.caption("Your preferences, and your data in and out. Everything stays on this computer.")
    _schema_warning(store)
    tabs = st.tabs(["Settings", "Import", "Export", "Backup and restore", "Delete"])
    with tabs[0]:
        settings_section(store)
    with tabs[1]:
        _last_import_note()
        import_section(store)
    with tabs[2]:
        export_section(store)
    with tabs[3]:
        backup_section(store)
        st.divider()
        restore_section(store, _reopen(store))
        st.divider()
        check_section(store)
    with tabs[4]:
        delete_section(store, _reopen(store))


main(ui.frame("Your data", ":material/database:"))
