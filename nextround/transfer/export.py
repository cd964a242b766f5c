"""Getting data out: the lossless JSON export, the spreadsheet-safe CSV, and atomic writes.

The JSON export is every table, every column, ids included, with the schema version: loading it
into an empty database reproduces that database exactly. The CSV is for people.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from nextround.store import Store, check_output_file, make_private_folder
from nextround.transfer.columns import CSV_FIELDS, CSV_HEADER
from nextround.transfer.formulas import neutralize
from nextround.transfer.workbook import xlsx_bytes

APP_NAME = "Next Round"
EXPORT_FORMAT = "nextround-export"


def export_data(store: Store) -> dict[str, Any]:
    """Every table, lossless: values exactly as stored, dates as ISO text."""
    return {
        "app": APP_NAME,
        "format": EXPORT_FORMAT,
        "schema_version": store.schema_version(),
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tables": store.transfer.export_rows(),
    }


def export_json(store: Store) -> bytes:
    return json.dumps(export_data(store), ensure_ascii=False, indent=1).encode("utf-8")


def export_csv(store: Store) -> bytes:
    """The applications as a spreadsheet-safe CSV (UTF-8 with a BOM, so Excel reads it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in store.transfer.export_rows()["applications"]:
        writer.writerow([neutralize("" if row[f] is None else str(row[f])) for f in CSV_FIELDS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


EVENT_HEADER = ("Company", "Role", "Stage", "Date", "Note", "Application")
_DATE_FIELDS = ("applied_on", "stage_on")


def _day(value: object) -> object:
    """Stored ISO text (SQLite) or a date (PostgreSQL) → a date cell; anything else as is."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def export_xlsx(store: Store) -> bytes:
    """The applications (the CSV's columns, so our import reads the sheet back) and their
    stage history, one sheet each, with dates as date cells. The events sheet names each
    application by its row number on the first sheet (2 is the first application)."""
    rows = store.transfer.export_rows()
    applications = rows["applications"]
    line_of = {row["id"]: line for line, row in enumerate(applications, start=2)}
    names = {row["id"]: (row["company"], row["role"]) for row in applications}
    app_rows = ([_day(row[f]) if f in _DATE_FIELDS else
                 ("" if row[f] is None else str(row[f])) for f in CSV_FIELDS]
                for row in applications)
    event_rows = ([*names.get(e["application_id"], ("", "")), e["stage"], _day(e["on_date"]),
                   e["note"] or "", line_of.get(e["application_id"], "")]
                  for e in sorted(rows["events"],
                                  key=lambda e: (line_of.get(e["application_id"], 0),
                                                 str(e["on_date"]), e["id"])))
    return xlsx_bytes([("Applications", CSV_HEADER, app_rows),
                       ("Stage history", EVENT_HEADER, event_rows)])


def export_bytes(store: Store, name: str) -> bytes:
    """CSV for a .csv name, a workbook for .xlsx, otherwise the full JSON export."""
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return export_csv(store)
    if lowered.endswith(".xlsx"):
        return export_xlsx(store)
    return export_json(store)


def write_file_atomically(path: Path, data: bytes) -> None:
    """Temporary file in the same folder → fsync → rename → fsync the folder. A crash leaves
    the old file or the new one, never half of one. The target follows `check_output_file`:
    a link, folder, device or pipe is refused rather than replaced. A missing folder is made
    private, as `backup --out` makes one."""
    path = check_output_file(path, make_folder=True)
    folder = path.parent if str(path.parent) else Path(".")
    make_private_folder(folder)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
