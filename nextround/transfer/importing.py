"""Preview and import: which reader a file goes to, and the one all-or-nothing write.

`preview()` reads and checks without writing. A dry run is the real import, every write
included, rolled back instead of committed, so it can't promise what the import refuses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from nextround.store import Store, StoreError
from nextround.transfer.backups import make_backup
from nextround.transfer.json_stream import export_rows
from nextround.transfer.limits import MAX_CSV_BYTES, MAX_JSON_BYTES
from nextround.transfer.our_json import preview_json
from nextround.transfer.reading import DATE_FORMATS, DEFAULT_DATE_FORMAT, check_text, sniff_encoding
from nextround.transfer.results import ImportRefused, ImportResult, Preview, Problem, Progress
from nextround.transfer.spreadsheet import preview_csv

_JSON_LIST = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*\[[ \t\r\n]*[\[{\"\]]")


def preview(store: Store, data: bytes, *, date_format: str = DEFAULT_DATE_FORMAT,
            status_overrides: Mapping[str, str] | None = None) -> Preview:
    """Parse and validate a file without writing anything."""
    try:
        return _preview(store, data, date_format, dict(status_overrides or {}))
    except ImportRefused as refused:
        return Preview(kind="unknown", errors=refused.problems)


def _preview(store: Store, data: bytes, date_format: str,
             overrides: dict[str, str]) -> Preview:
    if date_format not in DATE_FORMATS:
        raise ImportRefused([Problem(
            f"Unknown date format {date_format!r}; pick one of {', '.join(DATE_FORMATS)}.")])
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportRefused([Problem("The file is empty. Nothing was imported.")])
    if _JSON_LIST.match(data):  # a list of records from another tool, not our export
        raise ImportRefused([Problem(
            "This JSON file isn't a Next Round export: it is a list, and a full export is one "
            "object with \"format\" and \"tables\". To bring in applications from another "
            "tool, save them as a CSV. Nothing was imported.")])
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        if len(data) > MAX_JSON_BYTES:
            raise ImportRefused([Problem(
                f"The file is too large ({len(data) / 1e6:,.1f} MB; the limit for a full "
                f"export is {MAX_JSON_BYTES // (1024 * 1024)} MB). For bigger databases use "
                "a backup and Restore instead.")])
        sniff_encoding(data)
        return preview_json(store, data)
    if len(data) > MAX_CSV_BYTES:
        raise ImportRefused([Problem(
            f"The file is too large ({len(data) / 1e6:,.1f} MB; the limit is "
            f"{MAX_CSV_BYTES // (1024 * 1024)} MB). Split it into smaller files.")])
    check_text(data)
    return preview_csv(store, data, date_format, overrides)


def import_file(store: Store, data: bytes, *, date_format: str = DEFAULT_DATE_FORMAT,
                status_overrides: Mapping[str, str] | None = None,
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
    result = ImportResult(preview=preview(store, data, date_format=date_format,
                                          status_overrides=status_overrides))
    found = result.preview
    if found.errors:
        raise ImportRefused(found.errors, found)
    if found.duplicates and duplicates == "refuse":
        raise ImportRefused([Problem(
            f"{len(found.duplicates):,} row(s) look like applications that are already there "
            "(same company, role and date applied). Choose to skip them or to import them "
            "anyway.")], found)
    rows = found.rows
    if found.duplicates and duplicates == "skip":
        skip = {d.line for d in found.duplicates}
        rows = [r for r in rows if r["_line"] not in skip]
        result.skipped_duplicates = len(skip)
    if found.kind != "json" and not rows:
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
            for row in rows:  # this call's own preview: its rows can shed their line numbers
                row.pop("_line", None)
            result.written = store.transfer.import_applications(rows, progress=progress,
                                                                commit=not dry_run)
    except StoreError as exc:
        raise ImportRefused([Problem(str(exc))], found) from None
    if dry_run:
        result.written = 0
        result.message = "Dry run: nothing was written."
    else:
        store.refresh_statistics()
    return result
