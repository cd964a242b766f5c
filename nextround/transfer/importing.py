"""Preview and import: which reader a file goes to, and the one all-or-nothing write.

`preview()` reads and checks without writing. A dry run is the real import, every write
included, rolled back instead of committed, so it can't promise what the import refuses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace

from nextround.store import Store, StoreError
from nextround.text import plural
from nextround.transfer.backups import make_backup
from nextround.transfer.columns import FIELD_LABELS, field_named, fold
from nextround.transfer.json_stream import export_rows
from nextround.transfer.limits import MAX_CSV_BYTES, MAX_JSON_BYTES
from nextround.transfer.our_json import preview_json
from nextround.transfer.reading import DATE_FORMATS, DEFAULT_DATE_FORMAT, check_text, sniff_encoding
from nextround.transfer.results import (
    Choices,
    ImportRefused,
    ImportResult,
    Preview,
    Problem,
    Progress,
)
from nextround.transfer.sources import AUTO
from nextround.transfer.spreadsheet import preview_table
from nextround.transfer.tables import XLSX_MAGIC, csv_table, json_table, xlsx_table

_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def _choices(date_format: str, status_overrides: Mapping[str, str] | None,
             choices: Choices | None) -> Choices:
    if choices is not None:
        return choices
    return Choices(date_format=date_format,
                   status_overrides=tuple((status_overrides or {}).items()))


def answer_columns(found: Preview, answers: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """`Choices.columns` for a file read as `found`: the columns it recognised, with
    `answers` (a field as a person names it → one of the file's columns) put over them. A
    column is matched exactly, else ignoring case and spacing. ValueError says which field or
    column it can't place, and what there is to choose from."""
    columns = {our: theirs for theirs, our in found.mapping.items()}
    answered: set[str] = set()
    by_fold: dict[str, list[str]] = {}
    for name in found.header:
        by_fold.setdefault(fold(name), []).append(name)
    for asked, theirs in answers.items():
        our = field_named(asked)
        if our is None:
            raise ValueError(f"{asked!r} is not one of the fields: "
                             + ", ".join(FIELD_LABELS.values()) + ".")
        matches = [theirs] if theirs in found.header else by_fold.get(fold(theirs), [])
        if len(matches) > 1:
            raise ValueError(f"{theirs!r} could be the file's column "
                             + " or ".join(repr(m) for m in matches)
                             + ": write it exactly as the file does.")
        if not matches:
            shown = ", ".join(repr(h) for h in found.header[:30]) or "none could be read"
            raise ValueError(f"The file has no column {theirs!r} to use as "
                             f"{FIELD_LABELS[our]} (its columns: {shown}).")
        columns = {f: c for f, c in columns.items() if c != matches[0]}  # one field a column
        columns[our] = matches[0]
        answered.add(our)
    for our, doubled in found.doubled.items():
        if our not in answered:  # the import refuses this without answers; so does this
            raise ValueError(f"Two columns mean {FIELD_LABELS[our]}: "
                             + " and ".join(repr(c) for c in doubled)
                             + f". Say which one is {FIELD_LABELS[our]}.")
    return tuple(sorted(columns.items()))


def preview(store: Store, data: bytes, *, date_format: str = DEFAULT_DATE_FORMAT,
            status_overrides: Mapping[str, str] | None = None,
            choices: Choices | None = None) -> Preview:
    """Parse and validate a file without writing anything. `choices` (what the user decided
    in the preview: columns, date order, encoding, sheet...) replaces the two older keywords."""
    picked = _choices(date_format, status_overrides, choices)
    try:
        return _preview(store, data, picked)
    except ImportRefused as refused:
        found = refused.preview or Preview(kind="unknown")
        found.errors = refused.problems
        return found


def _preview(store: Store, data: bytes, choices: Choices) -> Preview:
    if choices.date_format not in DATE_FORMATS and choices.date_format != AUTO:
        raise ImportRefused([Problem(
            f"Unknown date format {choices.date_format!r}; pick one of "
            f"{', '.join(DATE_FORMATS)}.")])
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportRefused([Problem("The file is empty. Nothing was imported.")])
    if data.startswith(XLSX_MAGIC):
        if len(data) > MAX_CSV_BYTES:
            raise ImportRefused([Problem(
                f"The workbook is too large ({len(data) / 1e6:,.1f} MB; the limit is "
                f"{MAX_CSV_BYTES // (1024 * 1024)} MB). Split it into smaller files.")])
        return preview_table(store, xlsx_table(data, choices.sheet), choices)
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"[" and not _parses_as_json(data):
        start = b""  # a CSV whose first column name is in brackets ("[Company]") stays a CSV
    if start in (b"[", b"{"):
        sniff_encoding(data)
        table = json_table(data) if start == b"[" or len(data) <= MAX_CSV_BYTES else None
        if table is not None:
            return preview_table(store, table, choices)
        if start == b"[":
            raise ImportRefused([Problem(
                "This JSON file isn't a Next Round export, and it isn't a list of records "
                "another tool could have written (each one an object of names and values). "
                "Nothing was imported.")])
        if len(data) > MAX_JSON_BYTES:
            raise ImportRefused([Problem(
                f"The file is too large ({len(data) / 1e6:,.1f} MB; the limit for a full "
                f"export is {MAX_JSON_BYTES // (1024 * 1024)} MB). For bigger databases use "
                "a backup and Restore instead.")])
        return preview_json(store, data)
    if len(data) > MAX_CSV_BYTES:
        raise ImportRefused([Problem(
            f"The file is too large ({len(data) / 1e6:,.1f} MB; the limit is "
            f"{MAX_CSV_BYTES // (1024 * 1024)} MB). Split it into smaller files.")])
    if choices.encoding != "utf-8" and _is_utf8(data):
        # Converting text that is UTF-8 already would garble every accent in it ("Café"
        # becomes "CafÃ©"): a conversion is only for a file that isn't.
        choices = replace(choices, encoding="utf-8")
    if choices.encoding == "utf-8":
        _check_utf8(data)
    else:
        sniff_encoding(data)
    found = preview_table(store, csv_table(data, choices.encoding), choices)
    if choices.encoding != "utf-8":
        found.notes.insert(0, "The text was converted from Windows-1252 to UTF-8.")
    return found


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _parses_as_json(data: bytes) -> bool:
    try:
        json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return False
    return True


def _check_utf8(data: bytes) -> None:
    """Strict UTF-8; a file that reads as Windows-1252 (what a European Excel saves as "CSV")
    is named as such, and converted only when the user agrees (`Choices.encoding`)."""
    try:
        check_text(data)
    except ImportRefused as refused:
        message = refused.problems[0].message
        if "not UTF-8" not in message or _CP1252_UNDEFINED & set(data):
            raise
        raise ImportRefused([Problem(
            message.replace(" Nothing was imported.", "") + " It reads as Windows-1252 text "
            "(what Excel in Western Europe saves as \"CSV\"): you can have it converted. "
            "Nothing was imported.")], Preview(kind="unknown", encoding_question="cp1252")
        ) from None


def import_file(store: Store, data: bytes, *, date_format: str = DEFAULT_DATE_FORMAT,
                status_overrides: Mapping[str, str] | None = None,
                choices: Choices | None = None,
                duplicates: str = "refuse", dry_run: bool = False,
                progress: Progress | None = None, backup: bool = True) -> ImportResult:
    """Import a whole file or nothing.

    `duplicates` decides what happens to rows that look like ones already there: "refuse"
    (the default: nothing is imported until the user decides), "skip" or "import".
    A dry run is the same import, every check and every write included, rolled back at the
    end instead of committed: what it accepts, the real import accepts. `backup=False` is for
    a database this import has just created (there is nothing to keep).
    Raises ImportRefused with every problem when nothing was written.
    """
    if duplicates not in ("refuse", "skip", "import"):
        raise ValueError("duplicates must be refuse, skip or import")
    result = ImportResult(preview=preview(
        store, data, choices=_choices(date_format, status_overrides, choices)))
    found = result.preview
    if found.errors:
        raise ImportRefused(found.errors, found)
    if found.duplicates and duplicates == "refuse":
        raise ImportRefused([Problem(
            f"Possible duplicates: {plural(len(found.duplicates), 'row')} with the same "
            "company, role and date applied as an application already there. Choose to skip "
            "them or to import them anyway.")], found)
    rows = found.rows
    if found.duplicates and duplicates == "skip":
        skip = {d.line for d in found.duplicates}
        rows = [r for r in rows if r["_line"] not in skip]
        result.skipped_duplicates = len(skip)
    if found.kind != "json" and not rows and not found.dream_rows:
        result.message = "Nothing to import: every row was a duplicate you chose to skip."
        return result
    if backup and not dry_run and (store.path is not None or store.on_server):
        result.backup = make_backup(store, reason="before-import")
    try:
        if found.kind == "json":
            result.written = store.transfer.import_everything(
                export_rows(data), total=found.row_count, progress=progress,
                commit=not dry_run)
        else:
            for row in (*rows, *found.dream_rows):  # this call's own preview: shed lines
                row.pop("_line", None)
            result.written = store.transfer.import_applications(
                rows, targets=found.dream_rows, today=store.today(), progress=progress,
                commit=not dry_run)
            result.dream_written = len(found.dream_rows)
    except StoreError as exc:
        raise ImportRefused([Problem(str(exc))], found) from None
    if dry_run:
        result.written = result.dream_written = 0
        result.message = "Dry run: nothing was written."
    else:
        store.refresh_statistics()
    return result
