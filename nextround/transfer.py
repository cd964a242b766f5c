"""Getting data in and out: the full JSON export, the spreadsheet CSV, and imports of both.

Why it is built this way:
- The JSON export is the lossless format: every table, every column, ids included, with the
  schema version. Loading it into an empty database reproduces that database exactly.
- The CSV is for people and spreadsheets. A cell that a spreadsheet would run as a formula
  (it starts with = + - @, TAB, CR, LF or NUL) gets a `'` prefix, and so does a cell that
  already starts with `'`, which makes the escaping reversible: our own CSV is recognised by
  its exact header, and exactly one leading `'` is removed again on import.
- Imports never guess silently. Text must be UTF-8; dates are strict ISO unless the user picks
  a format; every status word maps onto one of our stages or is reported. Problems are listed
  by line (as a spreadsheet shows it: the header is line 1) and by field, and nothing is written
  unless the whole file is good. Rows are validated by `models.Application.validated`, the same
  check the form uses.
- A full export is checked the same way, every table: each row against the schema's own rules
  (read from the database: types, NOT NULL, dates, links, UNIQUE; ids are 64-bit and unique)
  and against the validator its form uses (`_RECORD_CHECKS`). JSON held in text columns is
  parsed and checked too; NUL and lone surrogates are refused anywhere. A problem names the
  table, the row (its place in that table's list in the file) and the field. Unknown tables
  and fields are refused; derived columns are ignored and rebuilt by the database.
- `preview()` does all of that without writing. A dry run is the real import, every write
  included, rolled back instead of committed, so it can't promise what the import refuses.
- Memory stays near the file's size: a CSV is read as a stream, and a full export is read one
  row at a time (twice: to check, then to write), keeping only ids and links in arrays.
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import io
import json
import math
import os
import re
import tempfile
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from nextround.models import (
    EARLIEST_DATE,
    Application,
    Settings,
    Stage,
    ValidationError,
    check_date,
    clean_stage_event,
    parse_date,
)
from nextround.reflection import LATEST_DUE
from nextround.store import (
    DERIVED_COLUMNS,
    MAX_COUNT,
    SCHEMA_VERSION,
    STAGE_NOTE_MAX,
    TABLES,
    ColumnRule,
    Store,
    StoreError,
    check_output_file,
    make_private_folder,
)

APP_NAME = "Next Round"
EXPORT_FORMAT = "nextround-export"
MAX_CSV_BYTES = 10 * 1024 * 1024
MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_ROWS = 50_000
MAX_FIELD_CHARS = 20_000
MAX_PROBLEMS = 1_000  # problems listed; past that one more line says there are more
DELIMITERS = (",", ";", "\t")
_JSON_LIST = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*\[[ \t\r\n]*[\[{\"\]]")
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00", "'")

# Our CSV: the field each column holds, in order, with the header a person sees.
CSV_FIELDS = ("company", "role", "stage", "applied_on", "stage_on", "location", "source",
              "link", "contact_name", "contact_email", "notes")
CSV_HEADER = ("Company", "Role", "Stage", "Date applied", "Stage date", "Location", "Source",
              "Link", "Contact name", "Contact email", "Notes")
FIELD_LABELS = dict(zip(CSV_FIELDS, CSV_HEADER, strict=True))

# Column names other trackers use, after lower-casing and folding _ - . into spaces.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "company": ("company", "company name", "organization", "organisation", "employer"),
    "role": ("role", "title", "position", "job title", "job", "job role"),
    "applied_on": ("date applied", "applied on", "applied", "application date",
                   "date of application", "applied date"),
    "stage": ("status", "stage", "application status"),
    "stage_on": ("stage date", "status date"),
    "link": ("link", "url", "job link", "job url", "posting", "posting url"),
    "location": ("location", "city"),
    "source": ("source", "found via", "where found"),
    "notes": ("notes", "note", "comments", "comment"),
    "contact_name": ("contact", "contact name", "recruiter", "hiring manager"),
    "contact_email": ("contact email", "email", "recruiter email"),
}
_COLUMN_LOOKUP = {name: target for target, names in COLUMN_NAMES.items() for name in names}

# Their status words → our stages. The user can override any of these in the preview.
DEFAULT_STATUS_WORDS: dict[str, Stage] = {
    **{w: Stage.APPLIED for w in ("", "applied", "submitted", "application sent", "sent",
                                  "pending", "waiting", "in review", "under review", "open")},
    **{w: Stage.SCREENING for w in ("screening", "screen", "phone screen", "phone screening",
                                    "recruiter call", "recruiter screen", "hr call")},
    **{w: Stage.INTERVIEWING for w in ("interview", "interviewing", "interviews",
                                       "interview scheduled", "onsite", "on-site",
                                       "technical interview", "final interview",
                                       "final round", "assessment")},
    **{w: Stage.OFFER for w in ("offer", "offered", "offer received")},
    **{w: Stage.ACCEPTED for w in ("accepted", "offer accepted", "hired")},
    **{w: Stage.REJECTED for w in ("rejected", "rejection", "not selected", "declined",
                                   "turned down", "no")},
    **{w: Stage.WITHDRAWN for w in ("withdrawn", "withdrew", "i withdrew", "offer declined",
                                    "declined offer")},
    **{w: Stage.GHOSTED for w in ("ghosted", "no response", "no reply", "no answer",
                                  "never heard back")},
}

# The date formats a user may pick for a spreadsheet; ISO is the default.
DATE_FORMATS: dict[str, tuple[str, str]] = {
    "YYYY-MM-DD": (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "%Y-%m-%d"),
    "DD/MM/YYYY": (r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}", "%d/%m/%Y"),
    "MM/DD/YYYY": (r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}", "%m/%d/%Y"),
    "DD.MM.YYYY": (r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}", "%d.%m.%Y"),
    "YYYY/MM/DD": (r"[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}", "%Y/%m/%d"),
}
DEFAULT_DATE_FORMAT = "YYYY-MM-DD"

Progress = Callable[[int, int], None]

csv.field_size_limit(max(csv.field_size_limit(), MAX_CSV_BYTES + 1))


# --- results --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file. `line` counts as a spreadsheet does (the header is line 1);
    None means the whole file."""

    message: str
    line: int | None = None
    field: str | None = None
    table: str | None = None  # a full export's problems name the table, row and field
    row: int | None = None

    def __str__(self) -> str:
        if self.table is not None:
            where_ = f"{self.table} row {self.row}" + (f", field {self.field}" if self.field
                                                       else "")
            return f"{where_}: {self.message}"
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(FIELD_LABELS.get(self.field, self.field))
        return (", ".join(where) + ": " if where else "") + self.message


@dataclass(frozen=True)
class Duplicate:
    line: int
    company: str
    role: str
    applied_on: str
    same_as: str  # "line 4" or "already in your data"


@dataclass
class Preview:
    """What a file holds and what importing it would do. Nothing has been written."""

    kind: str  # "json", "csv" (another tracker's) or "ours" (our own CSV export)
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # their column → our field
    ignored_columns: list[str] = field(default_factory=list)
    # Their status words (lower-cased, spaces folded) → (our stage or "", rows).
    statuses: dict[str, tuple[str, int]] = field(default_factory=dict)
    unknown_statuses: list[str] = field(default_factory=list)
    delimiter: str = ","
    file_rows: int = 0  # data rows in the file (blank lines aside), good or not
    table_counts: dict[str, int] = field(default_factory=dict)  # JSON only: rows per table

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def row_count(self) -> int:
        if self.kind == "json":
            return sum(self.table_counts.values())
        return self.file_rows

    def counts(self) -> dict[str, int]:
        """Rows per table that the import would add."""
        if self.kind == "json":
            return {t: self.table_counts.get(t, 0) for t in TABLES}
        return {"applications": len(self.rows)}


@dataclass
class ImportResult:
    preview: Preview
    written: int = 0
    skipped_duplicates: int = 0
    backup: Path | None = None
    message: str = ""


class ImportRefused(Exception):
    """The import wrote nothing; `problems` says why, line by line."""

    def __init__(self, problems: Sequence[Problem], found: Preview | None = None) -> None:
        self.problems = list(problems)
        self.preview = found  # when the file itself was read: its duplicates, mapping, ...
        super().__init__("; ".join(str(p) for p in self.problems[:5]))


# --- formula neutralisation -----------------------------------------------------------------

def neutralize(value: str) -> str:
    """Make a cell inert in spreadsheets, reversibly: prefix `'` to anything risky."""
    return "'" + value if value.startswith(_TRIGGERS) else value


def unneutralize(value: str) -> str:
    """Undo `neutralize` (for our own CSV only)."""
    return value[1:] if value.startswith("'") else value


# --- export ---------------------------------------------------------------------------------

def export_data(store: Store) -> dict[str, Any]:
    """Every table, lossless: values exactly as stored, dates as ISO text."""
    return {
        "app": APP_NAME,
        "format": EXPORT_FORMAT,
        "schema_version": store.schema_version(),
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tables": store.export_rows(),
    }


def export_json(store: Store) -> bytes:
    return json.dumps(export_data(store), ensure_ascii=False, indent=1).encode("utf-8")


def export_csv(store: Store) -> bytes:
    """The applications as a spreadsheet-safe CSV (UTF-8 with a BOM, so Excel reads it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in store.export_rows()["applications"]:
        writer.writerow([neutralize("" if row[f] is None else str(row[f])) for f in CSV_FIELDS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_bytes(store: Store, name: str) -> bytes:
    """CSV when the file name ends in .csv, otherwise the full JSON export."""
    return export_csv(store) if name.lower().endswith(".csv") else export_json(store)


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


# --- reading a file -------------------------------------------------------------------------

_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
              (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def _sniff_encoding(data: bytes) -> None:
    """Refuse, naming the encoding, a file that is UTF-16 or UTF-32 (with or without a
    byte-order mark) or that holds NUL bytes: read as UTF-8 it would only seem to lack its
    columns."""
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            _refuse_encoding(name)
    sample = data[:4096]
    if b"\x00" not in sample and b"\x00" not in data:
        return
    for name, width in (("UTF-32", 4), ("UTF-16", 2)):
        for offset in range(width):
            # Mostly-ASCII text in a wide encoding: NUL bytes in every position but one.
            if sample and all(sample[i::width].count(0) > 0.6 * len(sample[i::width])
                              for i in range(width) if i != offset):
                _refuse_encoding(name)
    raise ImportRefused([Problem(
        "The file holds NUL bytes, so it isn't plain UTF-8 text (it may be a spreadsheet "
        "file or use another encoding). Save it as \"CSV UTF-8\" and try again. Nothing was "
        "imported.")])


def _refuse_encoding(name: str) -> None:
    raise ImportRefused([Problem(
        f"The file is {name} text, not UTF-8. Save it as \"CSV UTF-8\" (or UTF-8 text) and "
        "try again. Nothing was imported.")])


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is fine). Anything else is refused with where it went wrong, naming the
    encoding when it is a wide one (UTF-16 or UTF-32, with or without a byte-order mark)."""
    _sniff_encoding(data)
    try:
        text_ = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ImportRefused([Problem(
            f"The file is not UTF-8 text (at byte {exc.start + 1:,}, line {line:,}). Save it "
            "as \"CSV UTF-8\" (or UTF-8 text) and try again. Nothing was imported.")]) from None
    return text_


def _check_text(data: bytes) -> None:
    """`decode`'s checks without keeping a decoded copy: the CSV is then read as a stream."""
    _sniff_encoding(data)
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    view = memoryview(data)
    for at in range(0, len(data), _CHUNK_BYTES):
        try:
            decoder.decode(view[at:at + _CHUNK_BYTES], final=at + _CHUNK_BYTES >= len(data))
        except UnicodeDecodeError:
            decode(data)  # names the byte and the line
            raise


def _fold(name: str) -> str:
    return " ".join(re.sub(r"[_\-.]+", " ", name.strip().lower()).split())


def _read_records(data: bytes, delimiter: str) -> Iterator[list[str]]:
    """The file's records one at a time, decoded as they are read: neither a decoded copy of
    the file nor a list of its lines (a file of blank lines) is ever held."""
    text_ = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    try:
        yield from csv.reader(text_, delimiter=delimiter, strict=True)
    except csv.Error as exc:
        raise ImportRefused([Problem(f"The file isn't a readable CSV ({exc}).")]) from None


def _pick_delimiter(text_: str) -> str:
    """The delimiter whose header names the most columns we know (then the most columns)."""
    end = text_.find("\n")
    first_line = (text_ if end < 0 else text_[:end]).rstrip("\r")
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        try:
            header = next(csv.reader([first_line], delimiter=delimiter), [])
        except csv.Error:
            continue
        known = sum(1 for h in header if _fold(h) in _COLUMN_LOOKUP)
        score = (known, len(header))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def parse_day(raw: str, label: str, today: date, date_format: str) -> date:
    """Strict: ISO by default, or exactly the format the user picked."""
    if date_format == DEFAULT_DATE_FORMAT:
        return check_date(raw, label, today)
    pattern, strptime_format = DATE_FORMATS[date_format]
    text_ = raw.strip()
    if not re.fullmatch(pattern, text_):
        raise ValueError(f"{label} must be a date written {date_format}.")
    try:
        day = datetime.strptime(text_, strptime_format).date()
    except ValueError as exc:
        raise ValueError(f"{label} is not a real calendar date ({text_}).") from exc
    return check_date(day, label, today)


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
        _sniff_encoding(data)
        return _preview_json(store, data)
    if len(data) > MAX_CSV_BYTES:
        raise ImportRefused([Problem(
            f"The file is too large ({len(data) / 1e6:,.1f} MB; the limit is "
            f"{MAX_CSV_BYTES // (1024 * 1024)} MB). Split it into smaller files.")])
    _check_text(data)
    return _preview_csv(store, data, date_format, overrides)


# --- CSV ------------------------------------------------------------------------------------

def _preview_csv(store: Store, data: bytes, date_format: str,
                 overrides: dict[str, str]) -> Preview:
    end = data.find(b"\n", 0, 1 << 20)
    delimiter = _pick_delimiter(data[:end if end >= 0 else 1 << 20].decode("utf-8-sig",
                                                                         "replace"))
    records = _read_records(data, delimiter)
    header = next(records, None)
    if header is None:
        raise ImportRefused([Problem("The file is empty. Nothing was imported.")])
    ours = tuple(header) == CSV_HEADER
    result = Preview(kind="ours" if ours else "csv", delimiter=delimiter)
    columns: dict[str, int] = {}  # our field → column index
    for index, name in enumerate(header):
        target = CSV_FIELDS[index] if ours else _COLUMN_LOOKUP.get(_fold(name))
        if target is None:
            result.ignored_columns.append(name)
            continue
        if target in columns:
            result.errors.append(Problem(
                f"Two columns mean {FIELD_LABELS[target]}: {header[columns[target]]!r} and "
                f"{name!r}. Remove or rename one.", line=1))
            continue
        columns[target] = index
        result.mapping[name] = target
    for required in ("company", "applied_on"):
        if required not in columns:
            names = " / ".join(COLUMN_NAMES[required])
            result.errors.append(Problem(
                f"No column for {FIELD_LABELS[required]} (name one of: {names}).", line=1))
    if result.errors:
        return result
    today = store.today()
    words: dict[str, Stage] = dict(DEFAULT_STATUS_WORDS)
    for word, stage in overrides.items():
        try:
            words[_fold(word)] = Stage(stage)
        except ValueError:
            result.errors.append(Problem(f"{stage!r} is not a stage.", field="stage"))
    status_counts: dict[str, int] = {}
    for line, record in enumerate(records, start=2):
        if not any(c.strip() for c in record):
            continue
        result.file_rows += 1
        if result.file_rows > MAX_ROWS:
            raise ImportRefused([Problem(
                f"The file has more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,}. "
                "Split it into smaller files.")])
        if len(result.errors) > MAX_PROBLEMS:
            continue  # counted, not checked: the list of problems is long enough
        if len(record) != len(header):
            _add_problem(result, Problem(
                f"expected {len(header)} fields, got {len(record)}.", line=line))
            continue
        raw = {f: record[i] for f, i in columns.items()}
        if ours:
            raw = {f: unneutralize(v) for f, v in raw.items()}
        too_long = [f for f, v in raw.items() if len(v) > MAX_FIELD_CHARS]
        for name in too_long:
            _add_problem(result, Problem(
                f"is {len(raw[name]):,} characters long; the limit is {MAX_FIELD_CHARS:,}.",
                line=line, field=name))
        if too_long:
            continue
        row = _validate_row(raw, words, status_counts, today, date_format, line, result)
        if row is not None:
            result.rows.append(row)
    if not result.file_rows:
        raise ImportRefused([Problem("The file has a header but no rows. Nothing was imported.")])
    for word, count in sorted(status_counts.items()):
        stage = words.get(word)
        if stage is None:
            result.unknown_statuses.append(word)
        result.statuses[word] = (str(stage) if stage else "", count)
    if result.unknown_statuses and result.kind != "ours":
        shown = ", ".join(repr(w) for w in result.unknown_statuses[:10])
        result.errors.append(Problem(
            f"Some statuses don't match a stage: {shown}. Say which stage each one means.",
            field="stage"))
    _find_duplicates(store, result)
    return result


def _validate_row(raw: dict[str, str], words: dict[str, Stage], status_counts: dict[str, int],
                  today: date, date_format: str, line: int, result: Preview
                  ) -> dict[str, Any] | None:
    errors: dict[str, str] = {}
    status_word = _fold(raw.get("stage", ""))
    status_counts[status_word] = status_counts.get(status_word, 0) + 1
    stage = words.get(status_word)
    applied_on: date | None = None
    try:
        applied_on = parse_day(raw["applied_on"], "Date applied", today, date_format)
    except ValueError as exc:
        errors["applied_on"] = str(exc)
    contact = raw.get("contact_name", "")
    email = raw.get("contact_email", "")
    if "contact_email" not in raw and "@" in contact and " " not in contact.strip():
        contact, email = "", contact  # a "Contact" column that holds an address
    application = Application(
        company=raw.get("company", ""), role=raw.get("role", ""),
        applied_on=applied_on or date(2000, 1, 1), location=raw.get("location", ""),
        source=raw.get("source", ""), link=raw.get("link", ""), contact_name=contact,
        contact_email=email, notes=raw.get("notes", ""), stage=stage or Stage.APPLIED)
    try:
        clean = application.validated(today)
    except ValidationError as exc:
        errors.update({k: v for k, v in exc.errors.items() if k not in errors})
        clean = None
    stage_on = applied_on
    stage_raw = raw.get("stage_on", "").strip()
    if stage_raw and applied_on is not None:
        try:
            stage_on = parse_day(stage_raw, "Stage date", today, date_format)
            if stage_on < applied_on:
                errors["stage_on"] = "Stage date can't be before the date applied."
        except ValueError as exc:
            errors["stage_on"] = str(exc)
    if stage is None and result.kind == "ours":
        errors["stage"] = "Stage must be one of: " + ", ".join(s.value for s in Stage) + "."
    for name, message in errors.items():
        _add_problem(result, Problem(message, line=line, field=name))
    if errors or clean is None or applied_on is None or stage is None or stage_on is None:
        return None
    return {
        "_line": line,
        "company": clean.company, "role": clean.role, "stage": str(clean.stage),
        "applied_on": applied_on.isoformat(), "stage_on": stage_on.isoformat(),
        "location": clean.location, "source": clean.source, "link": clean.link,
        "contact_name": clean.contact_name, "contact_email": clean.contact_email,
        "notes": clean.notes,
    }


def _dup_key(company: str, role: str, applied_on: str) -> tuple[str, str, str]:
    return (company.casefold(), role.casefold(), applied_on)


def _find_duplicates(store: Store, result: Preview) -> None:
    existing = {_dup_key(*k) for k in store.applications.keys()}
    seen: dict[tuple[str, str, str], int] = {}
    for row in result.rows:
        key = _dup_key(row["company"], row["role"], row["applied_on"])
        if key in existing:
            same_as = "already in your data"
        elif key in seen:
            same_as = f"line {seen[key]}"
        else:
            seen[key] = row["_line"]
            continue
        result.duplicates.append(Duplicate(row["_line"], row["company"], row["role"],
                                           row["applied_on"], same_as))


# --- JSON -----------------------------------------------------------------------------------
# A full export is read as a stream, one row at a time, twice: once to check every row (the
# preview), once to write (the import). Only small per-row facts (ids, links, unique values)
# are kept between rows, so memory stays near the file's own size whatever its shape.

MAX_JSON_ROWS = 1_000_000
MAX_JSON_ROW_CHARS = 1_000_000
MAX_TEXT_CHARS = 100_000
SQLITE_INT_MAX = 2 ** 63 - 1
COUNTERS = frozenset({"version", "follow_ups"})  # kept within 0..MAX_COUNT by every edit
_CHUNK_BYTES = 1 << 20
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")


class _JsonStream:
    """Reads one JSON value at a time from UTF-8 bytes, decoding a chunk at a time."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._at = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._json = json.JSONDecoder()
        self.buf, self.i, self.lines, self.eof = "", 0, 0, False

    def _more(self) -> bool:
        if self.eof:
            return False
        piece = self._data[self._at:self._at + _CHUNK_BYTES]
        try:
            text_ = self._decoder.decode(bytes(piece), final=len(piece) < _CHUNK_BYTES)
        except UnicodeDecodeError as exc:
            at = self._at + exc.start
            line = bytes(self._data[:at]).count(b"\n") + 1
            raise ImportRefused([Problem(
                f"The file is not UTF-8 text (at byte {at + 1:,}, line {line:,}). Save it as "
                "UTF-8 text and try again. Nothing was imported.")]) from None
        self._at += len(piece)
        self.eof = len(piece) < _CHUNK_BYTES
        self.lines += self.buf.count("\n", 0, self.i)
        self.buf = self.buf[self.i:] + text_
        self.i = 0
        return True

    def line(self, at: int | None = None) -> int:
        return self.lines + self.buf.count("\n", 0, self.i if at is None else at) + 1

    def peek(self) -> str:
        while True:
            while self.i < len(self.buf) and self.buf[self.i] in " \t\r\n":
                self.i += 1
            if self.i < len(self.buf) or not self._more():
                return self.buf[self.i:self.i + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise self.error(f"expected {char!r}")
        self.i += 1

    def error(self, what: str, at: int | None = None) -> ImportRefused:
        return ImportRefused([Problem(f"The file isn't valid JSON ({what}).",
                                      line=self.line(at))])

    def value(self, limit: int = MAX_JSON_ROW_CHARS) -> Any:
        """The next JSON value. A value that runs past the buffer is retried with more text,
        up to `limit` characters."""
        self.peek()
        while True:
            try:
                value, end = self._json.raw_decode(self.buf, self.i)
                if end < len(self.buf) or self.eof:  # a number can't end at the buffer's edge
                    self.i = end
                    return value
            except json.JSONDecodeError as exc:
                if self.eof:
                    raise self.error(exc.msg, exc.pos) from None
            except RecursionError:
                raise self.error("nested too deeply") from None
            except ValueError:  # Python's own limit on the digits of a whole number
                raise self.error("a number with too many digits") from None
            if len(self.buf) - self.i > limit:
                raise ImportRefused([Problem(
                    f"One value in the file is longer than {limit:,} characters.",
                    line=self.line())])
            self._more()


def _stream_export(data: bytes) -> Iterator[tuple[str, str, int, Any]]:
    """("meta", key, 0, value) for the export's header fields, ("table", name, 0, None) when
    a table starts, ("bad", name, 0, None) for a table that isn't a list, and
    ("row", table, number, row) for each row (numbered from 1 within its table)."""
    stream = _JsonStream(data)
    stream.expect("{")
    seen: set[str] = set()
    while stream.peek() != "}":
        key = stream.value()
        if not isinstance(key, str):
            raise stream.error("expected a name")
        stream.expect(":")
        if key == "tables" and stream.peek() == "{":
            yield "meta", "tables", 0, {}
            stream.expect("{")
            while stream.peek() != "}":
                name = stream.value()
                if not isinstance(name, str):
                    raise stream.error("expected a table name")
                stream.expect(":")
                if name in seen:
                    raise ImportRefused([Problem(f"Table {name!r} appears twice in the file.")])
                seen.add(name)
                if stream.peek() != "[":
                    stream.value(MAX_JSON_ROW_CHARS)
                    yield "bad", name, 0, None
                else:
                    yield "table", name, 0, None
                    stream.expect("[")
                    number = 0
                    while stream.peek() != "]":
                        number += 1
                        yield "row", name, number, stream.value()
                        if stream.peek() == ",":
                            stream.i += 1
                        elif stream.peek() != "]":
                            raise stream.error("expected ',' or ']' after a row")
                    stream.i += 1
                if stream.peek() == ",":
                    stream.i += 1
                elif stream.peek() != "}":
                    raise stream.error("expected ',' or '}' after a table")
            stream.i += 1
        else:
            yield "meta", key, 0, stream.value()
        if stream.peek() == ",":
            stream.i += 1
        elif stream.peek() != "}":
            raise stream.error("expected ',' or '}'")
    stream.i += 1
    if stream.peek() != "":
        raise stream.error("extra data after the end")


def _pairs() -> tuple[array, array]:
    return array("q"), array("q")


@dataclass
class _Seen:
    """What the check of a full export keeps between rows: two 64-bit numbers per fact, in
    arrays (a million rows cost 16 MB, not the hundreds a set of Python ints would)."""

    # table → (row numbers, ids)
    ids: dict[str, tuple[array, array]] = field(default_factory=dict)
    # (table, field, table it points at) → (row numbers, ids pointed at)
    links: dict[tuple[str, str, str], tuple[array, array]] = field(default_factory=dict)
    # (table, field) → (row numbers, 64-bit digests of the values that must be unique)
    unique: dict[tuple[str, str], tuple[array, array]] = field(default_factory=dict)
    # Date applied by application id, and each later-stage event's (row, application, day):
    # the stage form refuses a stage change dated before the application (days as ordinals).
    applied: tuple[array, array] = field(default_factory=_pairs)
    stage_days: tuple[array, array, array] = field(
        default_factory=lambda: (array("q"), array("q"), array("q")))

    def add(self, where: dict, key: Any, row: int, value: int) -> None:
        rows, values = where.setdefault(key, _pairs())
        rows.append(row)
        values.append(value)


def _repeats(rows: array, values: array) -> Iterator[tuple[int, int, int]]:
    """(row, value, first row with that value) for each value seen before."""
    order = np.argsort(np.frombuffer(values, dtype=np.int64), kind="stable")
    ordered = np.frombuffer(values, dtype=np.int64)[order]
    row_numbers = np.frombuffer(rows, dtype=np.int64)[order]
    again = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    for at in again[:MAX_PROBLEMS]:
        first = at
        while first > 0 and ordered[first - 1] == ordered[at]:
            first -= 1
        yield int(row_numbers[at]), int(ordered[at]), int(row_numbers[first])


def _digest(value: Any) -> int:
    raw = hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(raw, "little", signed=True)


def _problem(result: Preview, table: str, row: int, name: str | None, message: str) -> None:
    _add_problem(result, Problem(message, field=name, table=table, row=row))


def _add_problem(result: Preview, problem: Problem) -> None:
    if len(result.errors) < MAX_PROBLEMS:
        result.errors.append(problem)
    elif len(result.errors) == MAX_PROBLEMS:
        result.errors.append(Problem(f"There are more problems; only the first "
                                     f"{MAX_PROBLEMS:,} are listed."))


def _preview_json(store: Store, data: bytes) -> Preview:
    result = Preview(kind="json")
    rules = store.column_rules()
    today = store.today()
    meta: dict[str, Any] = {}
    seen = _Seen()
    total = 0
    for kind, name, number, value in _stream_export(data):
        if kind == "meta":
            meta[name] = value
            continue
        if name not in TABLES:
            if kind != "row":
                _add_problem(result, Problem(f"Unknown table {name!r} in the export."))
            continue
        if kind == "bad":
            _add_problem(result, Problem(f"Table {name!r} must be a list of rows."))
            continue
        if kind == "table":
            result.table_counts.setdefault(name, 0)
            continue
        total += 1
        if total > MAX_JSON_ROWS:
            raise ImportRefused([Problem(
                f"The export has more than {MAX_JSON_ROWS:,} rows. For bigger databases use "
                "a backup and Restore instead.")])
        result.table_counts[name] += 1
        if len(result.errors) <= MAX_PROBLEMS:
            _check_json_row(result, name, number, value, rules[name], today, seen)
    _check_header(meta)
    _check_links(result, seen)
    if result.table_counts.get("settings", 0) > 1:
        _add_problem(result, Problem("The export has more than one settings row."))
    if not store.is_empty():
        _add_problem(result, Problem(
            "A full export can only be imported into an empty database, and this one already "
            "holds data. Use Restore to replace everything, or import the CSV to add "
            "applications."))
    return result


def _check_header(meta: Mapping[str, Any]) -> None:
    if meta.get("format") != EXPORT_FORMAT or "tables" not in meta:
        raise ImportRefused([Problem(
            "This JSON file isn't a Next Round export (it has no \"format\": "
            f"\"{EXPORT_FORMAT}\" and \"tables\").")])
    version = meta.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ImportRefused([Problem("The export has no valid schema_version.")])
    if version > SCHEMA_VERSION:
        raise ImportRefused([Problem(
            f"The export was made by a newer version of Next Round (schema {version}; this "
            f"version understands up to {SCHEMA_VERSION}). Update Next Round to import it.")])


def _check_links(result: Preview, seen: _Seen) -> None:
    """Ids are unique per table, values of UNIQUE columns too, and every link points at a
    row of the file (the database it goes into is empty)."""
    for table, (rows, ids) in seen.ids.items():
        for row, value, first in _repeats(rows, ids):
            _problem(result, table, row, "id", f"id {value} is also the id of {table} row "
                                               f"{first}; ids must be unique in a table.")
    for (table, name), (rows, digests) in seen.unique.items():
        for row, _, first in _repeats(rows, digests):
            _problem(result, table, row, name, f"is the same as in {table} row {first}; it "
                                               "must be unique.")
    _check_stage_days(result, seen)
    for (table, name, target), (rows, values) in seen.links.items():
        known = np.frombuffer(seen.ids.get(target, _pairs())[1], dtype=np.int64)
        wanted = np.frombuffer(values, dtype=np.int64)
        for at in np.flatnonzero(~np.isin(wanted, known))[:MAX_PROBLEMS]:
            _problem(result, table, int(rows[at]), name,
                     f"points at {target} id {int(wanted[at])}, which isn't in the file.")


def _check_stage_days(result: Preview, seen: _Seen) -> None:
    """No later-stage event is dated before its application's date applied: the stage form
    refuses that, and the details form would then refuse every save of that application."""
    ids = np.frombuffer(seen.applied[0], dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    rows, apps, days = (np.frombuffer(a, dtype=np.int64) for a in seen.stage_days)
    if not len(ids) or not len(rows):
        return
    at = np.clip(np.searchsorted(ids[order], apps), 0, len(ids) - 1)
    found = ids[order][at] == apps  # an event of a missing application is a link problem
    applied = np.frombuffer(seen.applied[1], dtype=np.int64)[order][at]
    for i in np.flatnonzero(found & (days < applied))[:MAX_PROBLEMS]:
        _problem(result, "events", int(rows[i]), "on_date",
                 f"({date.fromordinal(int(days[i]))}) is before the date its application was "
                 f"applied ({date.fromordinal(int(applied[i]))}).")


def _bad_text(value: Any) -> bool:
    """NUL or a lone surrogate anywhere inside a value (keys of objects included). A loop,
    not recursion: JSON nested as deep as the parser allows must not overflow the stack."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _BAD_CHARS.search(item) is not None:
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _check_json_row(result: Preview, table: str, number: int, row: Any,
                    rules: Mapping[str, ColumnRule], today: date, seen: _Seen) -> None:
    """One row of a full export against the schema's rules and its record's own validator.
    Derived values (rebuilt by the database's triggers) are ignored, never trusted."""
    if not isinstance(row, dict):
        _problem(result, table, number, None, "must be an object with an id.")
        return
    row = {k: v for k, v in row.items() if k not in DERIVED_COLUMNS.get(table, ())}
    errors: dict[str, str] = {}
    for name in sorted(set(row) - set(rules)):
        errors[name] = "is not a field of this table."
    for name, rule in rules.items():
        message = _check_value(name, rule, row, today)
        if message:
            errors[name] = message
    if not errors:
        check = _RECORD_CHECKS.get(table)
        try:
            if check is not None:
                check(row, today)
        except ValidationError as exc:
            errors.update({k: v for k, v in exc.errors.items()})
        except (ValueError, TypeError) as exc:
            errors["_row"] = str(exc)
    for name, message in errors.items():
        _problem(result, table, number, None if name == "_row" else name, message)
    if errors:
        return
    seen.add(seen.ids, table, number, row["id"])
    if table == "applications":
        seen.applied[0].append(row["id"])
        seen.applied[1].append(date.fromisoformat(row["applied_on"]).toordinal())
    elif table == "events" and row["stage"] != Stage.APPLIED:
        for column, value in zip(seen.stage_days, (
                number, row["application_id"], date.fromisoformat(row["on_date"]).toordinal()),
                strict=True):
            column.append(value)
    for name, rule in rules.items():
        value = row.get(name)
        if value is None:
            continue
        if rule.references:
            seen.add(seen.links, (table, name, rule.references), number, value)
        if rule.unique and not rule.primary_key:
            seen.add(seen.unique, (table, name), number, _digest(value))


def _check_value(name: str, rule: ColumnRule, row: Mapping[str, Any], today: date) -> str:
    """The database's own rules for one value: present if required, the right type, a
    64-bit integer, a real date, a timestamp, a version; no NUL or lone surrogate."""
    if name not in row:
        return "" if rule.has_default or not rule.not_null else "is missing."
    value = row[name]
    if value is None:
        return "can't be empty (null)." if rule.not_null else ""
    if _bad_text(value):
        return "contains a NUL character or broken Unicode (a lone surrogate)."
    if rule.kind == "INTEGER":
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be a whole number."
        if not -SQLITE_INT_MAX - 1 <= value <= SQLITE_INT_MAX:
            return "is too large a number for the database."
        if (rule.primary_key or rule.references) and value < 1:
            return "must be a positive whole number."
        if name in COUNTERS and not 0 <= value <= MAX_COUNT:
            return f"must be a whole number from 0 to {MAX_COUNT:,}."
        return ""
    if rule.kind == "REAL":
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value):
            return "must be a number."
        return ""
    if not isinstance(value, str):
        return "must be text."
    if len(value) > MAX_TEXT_CHARS:
        return f"is longer than {MAX_TEXT_CHARS:,} characters."
    if rule.is_date:
        try:
            day = parse_date(value, "It")
        except ValueError as exc:
            return str(exc)[3:] if str(exc).startswith("It ") else str(exc)
        if value != day.isoformat():
            return "must be a date like 2026-03-14."
        if not EARLIEST_DATE <= day <= today + timedelta(days=LATEST_DUE):
            return f"({value}) is too far in the past or the future."
    if name in ("created_at", "updated_at"):
        try:
            stamp = datetime.fromisoformat(value)
        except ValueError:
            return "must be a date and time like 2026-03-14T09:30:00+00:00."
        if not EARLIEST_DATE <= stamp.date() <= today + timedelta(days=LATEST_DUE):
            return f"({value}) is too far in the past or the future."
    return ""


def _limit(row: Mapping[str, Any], today: date) -> date:
    """The latest day a row's dates may name: an export made on a later day (or in another
    time zone) isn't "in the future"."""
    stamps = [row.get(k) for k in ("created_at", "updated_at", "created_on")]
    days = [date.fromisoformat(str(s)[:10]) for s in stamps if isinstance(s, str) and s]
    return max([today + timedelta(days=1), *days])


def _json_field(row: Mapping[str, Any], name: str, default: str, kind: type) -> Any:
    """A column that holds JSON text, parsed; ValidationError names the column if it isn't
    valid JSON of the expected kind."""
    raw = row.get(name, default)
    try:
        value = json.loads(raw)
    except (ValueError, TypeError, RecursionError):
        raise ValidationError({name: "must be valid JSON text."}) from None
    if not isinstance(value, kind):
        what = "a list" if kind is list else "an object"
        raise ValidationError({name: f"must be JSON text holding {what}."})
    if _bad_text(value):
        raise ValidationError({name: "contains a NUL character or broken Unicode."})
    return value


def _check_application(row: Mapping[str, Any], today: date) -> None:
    limit = _limit(row, today)
    clean = Application(
        company=row.get("company", ""), role=row.get("role", ""),
        applied_on=row.get("applied_on"), location=row.get("location", ""),
        source=row.get("source", ""), link=row.get("link", ""),
        contact_name=row.get("contact_name", ""), contact_email=row.get("contact_email", ""),
        notes=row.get("notes", ""), stage=row.get("stage", ""),
    ).validated(limit)
    try:
        stage_on = check_date(row.get("stage_on"), "Stage date", limit)
    except ValueError as exc:
        raise ValidationError({"stage_on": str(exc)}) from None
    if isinstance(clean.applied_on, date) and stage_on < clean.applied_on:
        raise ValidationError({"stage_on": "Stage date can't be before the date applied."})


def _check_event(row: Mapping[str, Any], today: date) -> None:
    clean_stage_event(row.get("stage"), row.get("on_date"), row.get("note", ""),
                      _limit(row, today), note_max=STAGE_NOTE_MAX)


def _check_draft(row: Mapping[str, Any], today: date) -> None:
    from nextround import drafting

    fields = {"kind": row.get("kind"), "tone": row.get("tone", "warm"), **row}
    drafting.clean_draft(fields)
    if row.get("status", "draft") not in drafting.STATUSES:
        raise ValidationError({"status": "Status must be draft or sent."})


def _check_feedback(row: Mapping[str, Any], today: date) -> None:
    from nextround import feedback

    limit = _limit(row, today)
    feedback.parse_status(row.get("status", "awaiting"))
    asked = feedback.NewRequest(
        asked_on=row.get("asked_on"), channel=row.get("channel", "email"),
        asked_whom=row.get("asked_whom", ""),
        follow_up_due=row.get("follow_up_due")).validated(limit).asked_on
    if row.get("follow_ups", 0) < 0:
        raise ValidationError({"follow_ups": "must be a whole number of 0 or more."})
    themes = _json_field(row, "themes", "[]", list)
    received = row.get("received_on")
    try:
        feedback.Reply(received_on=received or asked, feedback_text=row.get("feedback_text", ""),
                       themes=tuple(themes)).validated(asked, limit)  # type: ignore[arg-type]
    except ValidationError as exc:
        if received or set(exc.errors) - {"received_on"}:
            raise


def _check_reflection(row: Mapping[str, Any], today: date) -> None:
    from nextround import reflection

    if row.get("status", "draft") not in reflection.STATUSES:
        raise ValidationError({"status": "Status must be draft or done."})
    reflection.check_answers(_json_field(row, "answers", "{}", dict), row.get("control_pct"),
                             row.get("fit"))


def _check_action(row: Mapping[str, Any], today: date) -> None:
    from nextround import reflection

    reflection.clean_action(row.get("title"), row.get("due_on"),
                            row.get("source_kind", "manual"), row.get("source_label", ""),
                            _limit(row, today))


def _check_checkin(row: Mapping[str, Any], today: date) -> None:
    from nextround import agenda, wellbeing

    week = row.get("week")
    try:
        if agenda.parse_week(week).key != week:
            raise ValueError
    except ValueError:
        raise ValidationError({"week": f"{week!r} is not a real ISO week like 2026-W48."}) \
            from None
    clean = wellbeing.CheckIn(
        items=_json_field(row, "items", "[]", list), stress=row.get("stress"),
        hours=row.get("hours"), self_care=_json_field(row, "self_care", "[]", list),
        win=row.get("win", ""), let_go=row.get("let_go", "")).validated()
    if clean.score.raw != row.get("who5_raw"):
        raise ValidationError({"who5_raw": f"must be {clean.score.raw}, the sum of the five "
                                           "answers."})


def _check_target(row: Mapping[str, Any], today: date) -> None:
    from nextround import reflection

    reflection.clean_target(row.get("company"), row.get("role", ""), row.get("why", ""),
                            row.get("priority", 2), row.get("status", "researching"),
                            row.get("next_step", ""))


def _check_settings(row: Mapping[str, Any], today: date) -> None:
    from nextround import feedback

    if row.get("id") != 1:
        raise ValidationError({"id": "The settings row has id 1."})
    extra = _json_field(row, "extra", "{}", dict)
    feedback.check_settings_extra(extra)
    Settings(**{k: row[k] for k in ("name", "signature", "weekly_goal", "ghost_after_days",
                                     "timezone", "support_region", "follow_up_days")
                if k in row}, extra=extra).validated()


# Each table's rows go through the validator its own form uses (models, feedback, reflection,
# wellbeing, drafting), so a file can't hold what the app would refuse to save.
_RECORD_CHECKS: dict[str, Callable[[Mapping[str, Any], date], None]] = {
    "applications": _check_application, "events": _check_event, "drafts": _check_draft,
    "feedback_requests": _check_feedback, "reflections": _check_reflection,
    "actions": _check_action, "checkins": _check_checkin, "targets": _check_target,
    "settings": _check_settings,
}


@functools.cache
def _reference_rules() -> dict[str, dict[str, ColumnRule]]:
    """The column rules of the schema this version makes, read from an in-memory database."""
    store = Store("sqlite://")
    try:
        return store.column_rules()
    finally:
        store.dispose()


def stored_value_problems(rows: Callable[[str], Iterator[Mapping[str, Any]]],
                          today: date) -> list[str]:
    """Every row of a database file (`rows(table)` gives them in id order, without derived
    columns) against the rules a full import applies. Restore and `check` use it: a tool can
    write values the schema's checks let through but no form would (a version that is text,
    check-in answers that aren't scores), and restoring such a file took pages down."""
    result = Preview(kind="json")
    seen = _Seen()
    rules = _reference_rules()
    for table in TABLES:
        for number, row in enumerate(rows(table), 1):
            if len(result.errors) > MAX_PROBLEMS:
                break
            _check_json_row(result, table, number, dict(row), rules[table], today, seen)
    _check_links(result, seen)
    return [str(problem).rstrip(".") for problem in result.errors]


def _export_rows(data: bytes) -> Iterator[tuple[str, dict[str, Any]]]:
    """The rows of a checked export, in file order, without their derived values."""
    for kind, table, _, row in _stream_export(data):
        if kind == "row":
            derived = DERIVED_COLUMNS.get(table, ())
            yield table, {k: v for k, v in row.items() if k not in derived}


# --- importing ------------------------------------------------------------------------------

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
    if store.path is not None and backup and not dry_run:
        result.backup = store.backup(reason="before-import")
    try:
        if found.kind == "json":
            result.written = store.import_everything(
                _export_rows(data), total=found.row_count, progress=progress,
                commit=not dry_run)
        else:
            for row in rows:  # this call's own preview: its rows can shed their line numbers
                row.pop("_line", None)
            result.written = store.import_applications(rows, progress=progress,
                                                       commit=not dry_run)
    except StoreError as exc:
        raise ImportRefused([Problem(str(exc))], found) from None
    if dry_run:
        result.written = 0
        result.message = "Dry run: nothing was written."
    return result
