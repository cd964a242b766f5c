"""Import: a CSV, an Excel workbook or a JSON file from the user's own spreadsheet or another
tool (Huntr, Teal, LinkedIn's archive, Notion...), our CSV export, or our full JSON export. A
preview first (which tool, columns, statuses, first rows, saved jobs for the dream-job list,
look-alikes, every problem by line and field, and the questions in `import_choices`); nothing
is saved until the user confirms, and then all of it or nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib

import pandas as pd
import streamlit as st

from nextround import after_no, transfer, ui
from nextround.models import Stage
from nextround.store import Store, StoreError
from nextround.text import noun, plural
from nextround.ui import after_no as after_no_ui
from nextround.ui.data import import_choices
from nextround.ui.sized_cache import SizedCache

IMPORT_FORM = "import"
PICK_STAGE = "(pick a stage)"
KIND_LABELS = {
    "ours": "A Next Round CSV export",
    "csv": "A spreadsheet from another tracker",
    "json": "A full Next Round export (JSON)",
}
DATE_FORMAT_LABELS = {transfer.AUTO: "Work it out from the file (asks when it can't tell)"}
SAVED_LABEL = "Not applied: dream-job list"
MAX_STATUS_WIDGETS = 30
SHOWN_PROBLEMS = 200


PREVIEW_CACHE_BYTES = 128 * 1024 * 1024  # all cached previews together, every session
PREVIEW_BYTES_PER_FILE_BYTE = 8  # a preview's rows take about this much more than the file


@st.cache_resource(show_spinner=False)
def _preview_cache() -> SizedCache:
    return SizedCache(PREVIEW_CACHE_BYTES)


def _preview(store: Store, data: bytes, choices: transfer.Choices) -> transfer.Preview:
    """The file's preview, cached until the next write to the database. Saved jobs are
    always shown; whether they are imported is decided at the import."""
    shown = dataclasses.replace(choices, dream_list=True)
    key = (store.url, store.change_count(), hashlib.blake2b(data, digest_size=16).digest(),
           shown)
    return _preview_cache().get(key, lambda: transfer.preview(store, data, choices=shown),
                                len(data) * _bytes_per_file_byte(data) + 65_536)


def _bytes_per_file_byte(data: bytes) -> int:
    """A workbook is compressed: its preview is about five times larger again per byte."""
    return PREVIEW_BYTES_PER_FILE_BYTE * (5 if data.startswith(b"PK\x03\x04") else 1)


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
    st.error(f"{plural(len(problems), 'problem')} to fix first. Nothing has been imported; the "
             "file is imported only when every line is right.", icon=":material/error:")
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
    options = [PICK_STAGE, *(s.value for s in Stage), transfer.SAVED]
    columns = st.columns(3)
    for index, word in enumerate(words):
        stage, count = found.statuses[word]
        key = _status_key(word)
        if key not in st.session_state:
            st.session_state[key] = stage or PICK_STAGE
        with columns[index % 3]:
            label = f"{ui.escape_markdown(word) or '(empty)'} · {plural(count, 'row')}"
            st.selectbox(label, options, key=key, format_func=_stage_label)


def _stage_label(value: str) -> str:
    if value == PICK_STAGE:
        return value
    return SAVED_LABEL if value == transfer.SAVED else Stage(value).label


def import_section(store: Store) -> None:
    st.header("Import")
    st.caption("Bring in your history from another tool (a Huntr board, a Teal tracker, "
               "LinkedIn's data archive, a Notion or Simplify export, a Google Sheets or "
               "Excel job-search sheet), any CSV or .xlsx with a column for the company and "
               "one for the date applied, a Next Round CSV export, or a full Next Round export "
               "(JSON) into an empty database. You'll see a preview first; nothing is saved "
               "until you confirm.")
    generation = st.session_state.setdefault("import_generation", 0)
    upload = st.file_uploader("Choose a file (CSV, Excel or JSON, up to 10 MB)",
                              type=["csv", "tsv", "txt", "json", "xlsx"], max_upload_size=10,
                              key=f"import_file_{generation}")
    ui.form_error(IMPORT_FORM)
    if upload is None:
        return
    data = upload.getvalue()
    date_format = st.selectbox(
        "Dates in the file are written as", [*transfer.DATE_FORMATS, transfer.AUTO],
        key="import_date_format", format_func=lambda f: DATE_FORMAT_LABELS.get(f, f),
        help="Pick how the file writes dates, or have them worked out from the file: a date "
             "that could be read two ways (03/04/2026) is never guessed. A file from a tool "
             "we recognise is read the way that tool writes dates.")
    words = list(st.session_state.get("import_status_words", []))
    choices = import_choices.choices(data, date_format, _status_overrides(words))
    found = _preview(store, data, choices)
    if found.needs_mapping and import_choices.start_mapping(store, data, found):
        choices = import_choices.choices(data, date_format, _status_overrides(words))
        found = _preview(store, data, choices)
    st.session_state["import_status_words"] = list(found.statuses)
    import_choices.encoding_question(data, found)
    if found.kind == "unknown":
        _show_problems(found.errors)
        return

    what = found.source_label or KIND_LABELS[found.kind]
    kind = f" ({found.file_type})" if found.file_type not in ("", "CSV") else ""
    st.markdown(f"**What this file is:** {what}{kind}" + (
        ". Name its columns below to see its rows." if found.needs_mapping
        else f", {plural(found.row_count, 'row')}."))
    for note in found.notes:
        st.caption(note)
    import_choices.sheet_picker(data, found)
    if found.kind == "json":
        counts = found.counts()
        st.dataframe(pd.DataFrame({"Table": list(counts), "Rows": list(counts.values())}),
                     hide_index=True, key="import_table_counts", width="content")
    else:
        if choices.columns or st.session_state.get("import_mapping_for") == \
                import_choices.file_digest(data):
            import_choices.mapping_step(found)
        mapping = pd.DataFrame({
            "Their column": list(found.mapping) + found.ignored_columns,
            "Becomes": [transfer.FIELD_LABELS[f] for f in found.mapping.values()]
            + ["(ignored)"] * len(found.ignored_columns),
        })
        st.markdown("**Their columns → our fields**")
        st.dataframe(mapping, hide_index=True, key="import_mapping", width="content")
        _status_mapping(found)
        import_choices.date_question(found)
    if found.errors:
        _show_problems(found.errors)
        return
    if found.kind != "json":
        if found.rows:
            st.markdown("**First rows, as they will be saved**")
            sample = pd.DataFrame(found.rows[:20]).rename(
                columns={"_line": "Line", **transfer.FIELD_LABELS})
            st.dataframe(sample, hide_index=True, width="stretch", key="import_sample")
        import_choices.dream_list_offer(found)
    policy = _duplicates_policy(found)
    count = len(found.rows) if found.kind != "json" else found.row_count
    if policy == "skip":
        count -= len(found.duplicates)
    dream = len(found.dream_rows) if st.session_state.get("import_dream_list", True) else 0
    label = (f"Import {plural(count, 'application')}" if found.kind != "json"
             else f"Import {plural(count, 'row')} from the export")
    if dream:
        label += f" and {dream:,} dream-job {noun(dream, 'company', 'companies')}"
    if st.button(label, key="import_confirm", type="primary", icon=":material/upload:"):
        if policy == "refuse":
            ui.set_errors(IMPORT_FORM, {"duplicates": "Choose what happens to the possible "
                                                      "duplicates first."})
            st.rerun()
        _run_import(store, data, dataclasses.replace(
            choices, dream_list=bool(st.session_state.get("import_dream_list", True))),
            found.header_key, policy)


def _duplicates_policy(found: transfer.Preview) -> str:
    """"import" when there are no look-alikes; else what the user chose ("refuse" until then)."""
    if not found.duplicates:
        return "import"
    st.warning(f"Possible duplicates: {plural(len(found.duplicates), 'row')} with the same "
               "company, role and date applied as an application you already have.",
               icon=":material/content_copy:")
    st.dataframe(pd.DataFrame([{
        "Line": d.line, "Company": d.company, "Role": d.role, "Date applied": d.applied_on,
        "Same as": d.same_as} for d in found.duplicates[:SHOWN_PROBLEMS]]),
        hide_index=True, width="stretch", key="import_duplicates")
    choice = st.radio("What should happen to them?",
                      ["Leave them out", "Import them anyway"], index=None,
                      key="import_duplicates_choice")
    ui.field_error(IMPORT_FORM, "duplicates")
    return {"Leave them out": "skip", "Import them anyway": "import"}.get(choice or "", "refuse")


def _run_import(store: Store, data: bytes, choices: transfer.Choices, header_key: str,
                policy: str) -> None:
    """Back up, then import all of it or nothing, with progress. A refused file is told at
    the form like any store refusal; after an import the uploader starts empty again."""
    bar = st.progress(0.0, text="Backing up, then importing…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=f"Imported {done:,} of {total:,}…")

    def run() -> transfer.ImportResult:
        try:
            result = transfer.import_file(store, data, choices=choices, duplicates=policy,
                                          progress=progress)
            import_choices.remember(store, header_key, choices.columns)
            return result
        except transfer.ImportRefused as refused:
            bar.empty()
            raise StoreError("Nothing was imported: "
                             + "; ".join(str(p) for p in refused.problems[:3])) from refused
        except StoreError:
            bar.empty()
            raise

    def imported(result: transfer.ImportResult) -> None:
        import_choices.forget()
        st.session_state["import_generation"] += 1
        rejections = sum(row.get("stage") == "rejected" for row in result.preview.rows)
        st.session_state["import_last"] = (result.written, result.skipped_duplicates,
                                           str(result.backup or ""), rejections,
                                           result.dream_written)

    ui.save(IMPORT_FORM, run, lambda result: f"Imported {plural(result.written, 'row')}.",
            then=imported)


def last_import_note(store: Store) -> None:
    """What the last import did, above the uploader (it starts empty after an import); when
    it brought rejections, the path after a no for the most recent one still open."""
    last = st.session_state.get("import_last")
    if last:
        written, skipped, backup, rejections, dream = last
        st.success(f"Imported {plural(written, 'row')}"
                   + (f", left out {plural(skipped, 'duplicate')}" if skipped else "")
                   + (f", and added {plural(dream, 'company', 'companies')} to your "
                      "dream-job list" if dream else "") + ".",
                   icon=":material/check_circle:")
        if backup:
            st.caption("A backup of your data from just before the import:")
            st.code(backup, language=None)
        paths = ui.cached(store, after_no.open_paths, 1) if rejections else []
        if paths:
            st.caption("The file held a rejection. It has a short path from the no to your next "
                       "company, below." if rejections == 1 else
                       f"The file held {rejections:,} rejections. Each has a short path from the "
                       "no to your next company; the most recent one still open is below, and "
                       "the others wait under This week on the Progress page.")
            after_no_ui.panel(store, paths[0].application_id, here="data")
