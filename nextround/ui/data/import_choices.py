"""The questions an import's preview asks about a file, and the answers as `transfer.Choices`:
which column is which (remembered by the file's header, in settings), which sheet, day or
month first, whether to convert Windows-1252 text, and whether saved jobs go to the
dream-job list. The page (`importing`) draws the preview around them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pandas as pd
import streamlit as st

from nextround import transfer, ui
from nextround.store import Store
from nextround.text import plural

NO_COLUMN = "(none)"
ASK_FIRST = ("company", "applied_on", "role", "stage")  # the mapping step's first questions
_QUESTION = {"company": "Which column is the company?",
             "applied_on": "Which column is the date you applied?",
             "role": "Which column is the role (job title)?",
             "stage": "Which column is the status?"}
DATE_ORDERS = {"day first": "Day first: 03/04/2026 is 3 April 2026",
               "month first": "Month first: 03/04/2026 is March 4, 2026"}


def file_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def column_key(field: str) -> str:
    return f"import_column_{field}"


def choices(data: bytes, date_format: str,
            overrides: tuple[tuple[str, str], ...]) -> transfer.Choices:
    """What the user has answered so far for this file."""
    digest = file_digest(data)
    columns: tuple[tuple[str, str], ...] = ()
    if st.session_state.get("import_mapping_for") == digest:
        columns = tuple((f, str(st.session_state.get(column_key(f), NO_COLUMN)))
                        for f in transfer.CSV_FIELDS
                        if st.session_state.get(column_key(f), NO_COLUMN) != NO_COLUMN)
    return transfer.Choices(
        date_format=date_format, status_overrides=overrides, columns=columns,
        date_order=str(st.session_state.get("import_date_order") or ""),
        encoding="cp1252" if st.session_state.get("import_cp1252_for") == digest else "utf-8",
        # The sheet picked for this file only: another workbook may have no such sheet.
        sheet=str(st.session_state.get("import_sheet") or "")
        if st.session_state.get("import_sheet_for") == digest else "",
        dream_list=bool(st.session_state.get("import_dream_list", True)))


def remembered(store: Store, header_key: str) -> dict[str, str]:
    """The mapping the user made for a file with this header before, if any."""
    raw = store.settings.get().extra.get(header_key, "")
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def remember(store: Store, header_key: str, columns: tuple[tuple[str, str], ...]) -> None:
    """Keep a mapping the user made for the next file with the same header."""
    if not columns:
        return
    settings = store.settings.get()
    store.settings.save(dataclasses.replace(
        settings, extra={**settings.extra, header_key: json.dumps(dict(columns),
                                                                  sort_keys=True)}))


def start_mapping(store: Store, data: bytes, found: transfer.Preview) -> bool:
    """Begin the mapping step for this file: each question pre-selected with the answer
    remembered for this header, else the guess. True when it started (preview again)."""
    digest = file_digest(data)
    if st.session_state.get("import_mapping_for") == digest or not found.header:
        return False
    picked = remembered(store, found.header_key) or {
        **found.guesses, **{target: name for name, target in found.mapping.items()}}
    for field in transfer.CSV_FIELDS:
        value = picked.get(field, NO_COLUMN)
        st.session_state[column_key(field)] = value if value in found.header else NO_COLUMN
    st.session_state["import_mapping_for"] = digest
    return True


def mapping_step(found: transfer.Preview) -> None:
    """"Which column is the company?": one picker per field, the four that matter first."""
    st.markdown("**Which column is which?**")
    st.caption("Pick the column of your file that holds each of these. Company and the date "
               "you applied are needed; the rest is optional. Next time a file with the same "
               "columns comes in, these answers are already chosen.")
    options = [NO_COLUMN, *found.header]
    later = [f for f in transfer.CSV_FIELDS if f not in ASK_FIRST]
    columns = st.columns(2)
    for index, field in enumerate([*ASK_FIRST, *later]):
        label = _QUESTION.get(field, transfer.FIELD_LABELS[field])
        with columns[index % 2]:
            st.selectbox(label, options, key=column_key(field))


def sheet_picker(data: bytes, found: transfer.Preview) -> None:
    if len(found.sheets) > 1:
        st.selectbox("Sheet", found.sheets, key="import_sheet",
                     on_change=lambda: st.session_state.update(
                         import_sheet_for=file_digest(data)),
                     help="The workbook has more than one sheet; the first is read unless you "
                          "pick another.")


def date_question(found: transfer.Preview) -> None:
    if found.date_question or st.session_state.get("import_date_order"):
        st.radio("Dates such as 03/04/2026 in this file are written", list(DATE_ORDERS),
                 format_func=DATE_ORDERS.__getitem__, index=None, key="import_date_order")


def encoding_question(data: bytes, found: transfer.Preview) -> None:
    """Windows-1252 text is converted only when the user says so."""
    if found.encoding_question != "cp1252":
        return
    st.warning("This file isn't UTF-8. It reads as Windows-1252, the encoding Excel in "
               "Western Europe uses when it saves \"CSV\". Accented letters (é, ü, ß) and "
               "signs (€) come through when it is converted.", icon=":material/translate:")
    if st.button("Convert it from Windows-1252", key="import_convert"):
        st.session_state["import_cp1252_for"] = file_digest(data)
        st.rerun()


def dream_list_offer(found: transfer.Preview) -> None:
    """Saved jobs never applied to aren't applications: offered for the dream-job list."""
    if not found.dream_rows and not found.dream_skipped:
        return
    count = len(found.dream_rows)
    st.markdown("**Saved, never applied to**")
    if not count:
        st.caption("Jobs saved in the file but never applied to aren't applications, and none "
                   "of these can go on your dream-job list.")
    elif count == 1:
        st.caption("Saved in the file but never applied to: 1 job. It isn't an application, "
                   "but its company can go on your dream-job list.")
    else:
        st.caption(f"Saved in the file but never applied to: {count:,} jobs. They aren't "
                   "applications, but their companies can go on your dream-job list.")
    if found.dream_rows:
        st.dataframe(pd.DataFrame({
            "Line": [r["_line"] for r in found.dream_rows[:200]],
            "Company": [r["company"] for r in found.dream_rows[:200]],
            "Role": [r["role"] for r in found.dream_rows[:200]]}),
            hide_index=True, width="stretch", key="import_dream_rows")
        st.checkbox(f"Add {plural(count, 'company', 'companies')} to my dream-job list",
                    value=True, key="import_dream_list")
    if found.dream_skipped:
        st.caption(f"Left out: {len(found.dream_skipped):,} (" + "; ".join(
            f"line {line}, {ui.escape_markdown(company)}: {why}"
            for line, company, why in found.dream_skipped[:5]) + ")")


def forget() -> None:
    """After an import: the next file starts with no answers."""
    for key in [k for k in st.session_state if str(k).startswith(
            ("import_column_", "import_status_"))]:
        del st.session_state[key]
    for key in ("import_mapping_for", "import_cp1252_for", "import_date_order",
                "import_sheet", "import_sheet_for", "import_dream_list",
                "import_duplicates_choice"):
        st.session_state.pop(key, None)
