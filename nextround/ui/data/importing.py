"""Import: a CSV from the user's own spreadsheet or another tracker, our CSV export, or our full
JSON export. A preview first (columns, statuses, first rows, look-alikes, every problem by
line and field); nothing is saved until the user confirms, and then all of it or nothing.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from nextround import after_no, transfer, ui
from nextround.models import Stage
from nextround.store import Store, StoreError
from nextround.ui import after_no as after_no_ui
from nextround.ui.sized_cache import SizedCache

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
    """Back up, then import all of it or nothing, with progress. A refused file is told at
    the form like any store refusal; after an import the uploader starts empty again."""
    bar = st.progress(0.0, text="Backing up, then importing…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=f"Imported {done:,} of {total:,}…")

    def run() -> transfer.ImportResult:
        try:
            return transfer.import_file(store, data, date_format=date_format,
                                        status_overrides=dict(overrides), duplicates=policy,
                                        progress=progress)
        except transfer.ImportRefused as refused:
            bar.empty()
            raise StoreError("Nothing was imported: "
                             + "; ".join(str(p) for p in refused.problems[:3])) from refused
        except StoreError:
            bar.empty()
            raise

    def imported(result: transfer.ImportResult) -> None:
        for key in [k for k in st.session_state if str(k).startswith("import_status_")]:
            del st.session_state[key]
        st.session_state.pop("import_duplicates_choice", None)
        st.session_state["import_generation"] += 1
        rejections = sum(row.get("stage") == "rejected" for row in result.preview.rows)
        st.session_state["import_last"] = (result.written, result.skipped_duplicates,
                                           str(result.backup or ""), rejections)

    ui.save(IMPORT_FORM, run, lambda result: f"Imported {result.written:,} row(s).",
            then=imported)


def last_import_note(store: Store) -> None:
    """What the last import did, above the uploader (it starts empty after an import); when
    it brought rejections, the path after a no for the most recent one still open."""
    last = st.session_state.get("import_last")
    if last:
        written, skipped, backup, rejections = last
        st.success(f"Imported {written:,} row(s)"
                   + (f", left out {skipped:,} duplicate(s)" if skipped else "") + ".",
                   icon=":material/check_circle:")
        if backup:
            st.caption("A backup of your data from just before the import:")
            st.code(backup, language=None)
        paths = ui.cached(store, after_no.open_paths, 1) if rejections else []
        if paths:
            st.caption(f"The file held {rejections:,} "
                       f"{'rejection' if rejections == 1 else 'rejections'}. Each has a short "
                       "path from the no to your next company; the most recent one still open "
                       "is below, and the others wait under This week on the Progress page.")
            after_no_ui.panel(store, paths[0].application_id, here="data")
